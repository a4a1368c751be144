"""Views that follow the lab: the live transcript of a send, and the lab's inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from . import render
from .model import Outcome, SendUpdate

if TYPE_CHECKING:
    from ..lab import LabServer, ReceivedMessage
    from ..transcript import Transcript
    from .composer import Composer

__all__ = ["INBOX_TABS", "InboxView", "TranscriptView"]

INBOX_TABS: tuple[str, ...] = (
    "Envelope",
    "Headers",
    "Body",
    "MIME tree",
    "Raw source",
    "Session log",
)
"""The tabs of the InboxView, in order."""

_IDLE = (
    "<i>No send yet. When you press Send, the dialogue appears here line by line while "
    "it runs: C: is your side, S: the server's.</i>"
)


class TranscriptView(w.VBox):
    """The C:/S: dialogue of the last send, annotated and masked as in the client's HTML
    transcript, growing line by line while the send runs.

    ``view.follow(composer)`` keeps it up to date with a :class:`Composer`; every update
    arrives on the kernel's main thread. :meth:`show` shows any finished transcript.
    """

    def __init__(self, transcript: Transcript | None = None) -> None:
        self.status = w.HTML(_IDLE)
        self.status.add_class("smtplab-transcript-status")
        self.view = w.HTML()
        self.view.add_class("smtplab-transcript-view")
        self.lines = 0
        self.updates = 0
        box = w.Box([self.view], layout=w.Layout(max_height="460px", overflow="auto"))
        super().__init__([self.status, box])
        self.add_class("smtplab-transcript")
        if transcript is not None:
            self.show(transcript)

    @property
    def value(self) -> str:
        """The HTML shown now."""
        return str(self.view.value)

    def follow(self, composer: Composer) -> TranscriptView:
        """Show every send of ``composer``, live; returns the view."""
        composer.on_start(self.clear)
        composer.on_progress(self.update)
        composer.on_finished(self.finish)
        return self

    def clear(self) -> None:
        """Start over for a new send."""
        self.view.value = ""
        self.lines = 0
        self.status.value = "<i>Connecting…</i>"

    def update(self, update: SendUpdate) -> None:
        """Show the transcript so far (called on the main thread during a send)."""
        self.updates += 1
        if update.html:
            self.view.value = update.html
            self.lines = update.lines
        step = f", now at {render.esc(update.step)}" if update.step else ""
        self.status.value = f"<i>Live: {self.lines} entries so far{step}…</i>"

    def finish(self, outcome: Outcome) -> None:
        """Show the whole transcript once the send has ended, and how it ended."""
        self.show(outcome.transcript)
        verdict = "delivered" if outcome.delivered else "failed"
        self.status.value = (
            f"<b>The dialogue of the last send</b> ({verdict}; {len(outcome.transcript)} "
            "entries; secrets masked)"
        )

    def show(self, transcript: Transcript) -> None:
        """Show a finished transcript."""
        self.lines = len(transcript)
        self.view.value = transcript._repr_html_() if len(transcript) else "<i>(empty)</i>"


class InboxView(w.VBox):
    """The lab's inbox as a list; selecting a message shows its envelope, headers,
    decoded body, MIME tree, raw source and the server's log of its session.

    :meth:`refresh` reads the inbox again (and selects the newest message when new ones
    arrived); ``inbox.follow(composer)`` refreshes after each send.
    """

    def __init__(self, lab: LabServer, *, rows: int = 7) -> None:
        self.lab = lab
        self.messages: list[ReceivedMessage] = []
        self.list = w.Select(options=[], rows=rows, layout=w.Layout(width="100%"))
        self.list.add_class("smtplab-inbox-list")
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.count = w.HTML()
        self.count.add_class("smtplab-inbox-count")
        self.panes = {name: w.HTML() for name in INBOX_TABS}
        self.tabs = w.Tab(children=list(self.panes.values()), titles=INBOX_TABS)
        self.tabs.add_class("smtplab-inbox-tabs")
        self.list.observe(lambda _: self._show_selected(), names="value")
        super().__init__(
            [
                w.HBox([w.HTML("<b>Inbox</b>"), self.count, self.refresh_button]),
                self.list,
                self.tabs,
            ]
        )
        self.add_class("smtplab-inbox")
        self.refresh()

    @property
    def selected(self) -> ReceivedMessage | None:
        """The message selected in the list (None when the inbox is empty)."""
        index = self.list.value
        if index is None or not 0 <= index < len(self.messages):
            return None
        return self.messages[index]

    @property
    def labels(self) -> list[str]:
        """The lines of the list, oldest first."""
        return [label for label, _ in self.list.options]

    def follow(self, composer: Composer) -> InboxView:
        """Refresh after every send of ``composer``; returns the view."""
        composer.on_finished(lambda _: self.refresh())
        return self

    def refresh(self) -> None:
        """Read the inbox again; select the newest message if new ones arrived."""
        before = len(self.messages)
        chosen = self.list.value
        self.messages = self.lab.inbox
        self.list.options = [
            (render.inbox_label(i, message), i) for i, message in enumerate(self.messages)
        ]
        count = len(self.messages)
        self.count.value = f"&nbsp;{count} message{'s' * (count != 1)}&nbsp;"
        if count and (count > before or chosen is None or chosen >= count):
            chosen = count - 1
        self.select(chosen if count else None)

    def select(self, index: int | None) -> None:
        """Select the message at ``index`` (0 is the oldest) and show it."""
        self.list.value = index
        self._show_selected()

    def _show_selected(self) -> None:
        message = self.selected
        if message is None:
            for pane in self.panes.values():
                pane.value = "<i>No message selected. Send one, then Refresh.</i>"
            return
        found = render.message_anatomy(message)
        try:
            session = self.lab.session(message.session_id)
        except KeyError:
            session = None
        self.panes["Envelope"].value = render.envelope_html(message)
        self.panes["Headers"].value = render.headers_html(found)
        self.panes["Body"].value = render.body_html(message.message)
        self.panes["MIME tree"].value = render.mime_html(found)
        self.panes["Raw source"].value = render.raw_html(message.data)
        self.panes["Session log"].value = render.session_html(session, message.session_id)
