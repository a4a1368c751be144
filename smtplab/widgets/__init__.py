"""Widgets: compose a mail, send it, watch the dialogue, read the inbox.

::

    from smtplab.lab import LabServer
    from smtplab.widgets import playground

    lab = LabServer().start()
    playground(lab)          # Composer + TranscriptView + InboxView

The pieces, each usable alone: :class:`Composer` (the form and its Send button),
:class:`TranscriptView` (the live C:/S: dialogue), :class:`InboxView` (the lab's inbox,
message by message) and :class:`Stepper` (the dialogue one command at a time).

The widgets are thin: what they decide lives in plain objects tested without widgets,
in :mod:`~smtplab.widgets.model` (:class:`DraftForm`, ``ServerChoice``, ``deliver``),
:mod:`~smtplab.widgets.stepping` (``StepperSession``) and the HTML of
:mod:`~smtplab.widgets.render`. Sends run in a worker thread inside a kernel, and every
update reaches the widgets on the kernel's main thread
(:mod:`~smtplab.widgets.background`). This is the top floor of the package: it may
import everything below, and nothing imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from ..i18n import _
from . import render
from .composer import Composer
from .model import DraftForm
from .views import InboxView, Stepper, TranscriptView

if TYPE_CHECKING:
    from ..lab import LabServer

__all__ = ["Composer", "DraftForm", "InboxView", "Stepper", "TranscriptView", "playground"]


class Playground(render.PlainFallback, w.VBox):
    """A :class:`Composer`, a :class:`TranscriptView` and an :class:`InboxView`, wired:
    the transcript follows each send live, the inbox refreshes when it ends."""

    def __init__(
        self, lab: LabServer, *, local_hostname: str | None = None, timeout: float = 30.0
    ) -> None:
        self.composer = Composer(lab, local_hostname=local_hostname, timeout=timeout)
        self.transcript = TranscriptView().follow(self.composer)
        self.inbox = InboxView(lab).follow(self.composer)

        def title(text: str) -> w.HTML:
            return w.HTML(f"<h3 style='margin:4px 0'>{text}</h3>")  # i18n: keep markup

        super().__init__(
            [
                *(title(_("① Compose and send")), self.composer),
                *(title(_("② The dialogue")), self.transcript),
                *(title(_("③ The lab's inbox")), self.inbox),
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
