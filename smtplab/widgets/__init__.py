"""Widgets: compose a mail, send it, watch the dialogue, read the inbox.

::

    from smtplab.lab import LabServer
    from smtplab.widgets import playground

    lab = LabServer().start()
    playground(lab)          # Composer + TranscriptView + InboxView

The pieces, each usable alone: :class:`Composer` (the form and its Send button),
:class:`TranscriptView` (the live C:/S: dialogue), :class:`InboxView` (the lab's inbox,
message by message) and :class:`Stepper` (the dialogue one command at a time).

The widgets are thin: what they decide lives in plain Python objects that are tested
without widgets: :class:`DraftForm` and :class:`ServerChoice` (the fields and their
checks), :func:`deliver` (one send, with progress), :class:`StepperSession` (the
Stepper's logic) and the HTML of :mod:`smtplab.widgets.render`. Sends run in a worker
thread inside a kernel, and every update reaches the widgets on the kernel's main
thread (:mod:`smtplab.widgets.background`).

This is the top floor of the package (DESIGN.md §2): it may import everything below,
and nothing imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from .composer import Composer
from .model import (
    STEPS,
    DraftForm,
    Outcome,
    SendUpdate,
    ServerChoice,
    Target,
    deliver,
    split_addresses,
    step_of,
)
from .stepper import Stepper
from .stepping import Choice, Step, StepperSession
from .views import InboxView, TranscriptView

if TYPE_CHECKING:
    from ..lab import LabServer

__all__ = [
    "STEPS",
    "Choice",
    "Composer",
    "DraftForm",
    "InboxView",
    "Outcome",
    "Playground",
    "SendUpdate",
    "ServerChoice",
    "Step",
    "Stepper",
    "StepperSession",
    "Target",
    "TranscriptView",
    "deliver",
    "playground",
    "split_addresses",
    "step_of",
]


class Playground(w.VBox):
    """A :class:`Composer`, a :class:`TranscriptView` and an :class:`InboxView`, wired:
    the transcript follows each send live, the inbox refreshes when it ends."""

    def __init__(
        self, lab: LabServer, *, local_hostname: str | None = None, timeout: float = 30.0
    ) -> None:
        self.composer = Composer(lab, local_hostname=local_hostname, timeout=timeout)
        self.transcript = TranscriptView().follow(self.composer)
        self.inbox = InboxView(lab).follow(self.composer)
        super().__init__(
            [
                w.HTML("<h3 style='margin:4px 0'>① Compose and send</h3>"),
                self.composer,
                w.HTML("<h3 style='margin:4px 0'>② The dialogue</h3>"),
                self.transcript,
                w.HTML("<h3 style='margin:4px 0'>③ The lab's inbox</h3>"),
                self.inbox,
            ]
        )
        self.add_class("smtplab-playground")


def playground(
    lab: LabServer, *, local_hostname: str | None = None, timeout: float = 30.0
) -> Playground:
    """Compose + TranscriptView + InboxView for ``lab``, laid out one under the other.

    The parts are ``.composer``, ``.transcript`` and ``.inbox``.
    """
    return Playground(lab, local_hostname=local_hostname, timeout=timeout)
