"""The views: the live transcript of a send, the lab's inbox, and the Stepper."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from ..i18n import _, ngettext
from . import render
from .model import LIVE_ENTRIES
from .stepping import COMMANDS, Step, StepperSession

if TYPE_CHECKING:
    from ..lab import LabServer, ReceivedMessage
    from ..transcript import Transcript
    from .composer import Composer
    from .model import Outcome, SendUpdate

__all__: list[str] = []  # public as smtplab.widgets (InboxView, Stepper, TranscriptView)


VIEW_ENTRIES = 1_000
"""A :class:`TranscriptView` shows at most the latest this many entries."""


def _noting_earlier(shown: str, lines: int, limit: int) -> str:
    """``shown``, the HTML of a transcript's latest ``limit`` entries of ``lines``, with a
    line before it that says how many earlier entries it leaves out (if any)."""
    if lines <= limit:
        return shown
    earlier = _("{count} earlier entries not shown (print the transcript for all).")
    earlier = earlier.format(count=f"{lines - limit:,}")
    return f"<p><i>… {earlier}</i></p>{shown}"


def _scrolling(view: w.Widget, height: str) -> w.Box:
    return w.Box([view], layout=w.Layout(max_height=height, overflow="auto"))


class TranscriptView(render.PlainFallback, w.VBox):
    """The C:/S: dialogue of the last send, annotated and masked as in the client's HTML
    transcript, growing line by line while the send runs.

    ``view.follow(composer)`` keeps it up to date with a :class:`Composer`; every update
    arrives on the kernel's main thread. :meth:`show` shows any finished transcript.
    """

    def __init__(self, transcript: Transcript | None = None) -> None:
        self.status = w.HTML(
            "<i>"
            + _(
                "No send yet. When you press Send, the dialogue appears here line by line "
                "while it runs: C: is your side, S: the server's."
            )
            + "</i>"
        )
        self.status.add_class("smtplab-transcript-status")
        self.view = w.HTML()
        self.view.add_class("smtplab-transcript-view")
        self.lines = 0
        self.updates = 0
        super().__init__([self.status, _scrolling(self.view, "460px")])
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
        self.status.value = "<i>" + _("Connecting…") + "</i>"

    def update(self, update: SendUpdate) -> None:
        """Show the transcript so far (called on the main thread during a send)."""
        self.updates += 1
        if update.html:
            self.view.value = _noting_earlier(update.html, update.lines, LIVE_ENTRIES)
            self.lines = update.lines
        if update.step:
            live = _("Live: {lines} entries so far, now at {step}…")
        else:
            live = _("Live: {lines} entries so far…")
        step = _(update.step) if update.step else ""  # _("") would be the catalog's header
        live = live.format(lines=self.lines, step=render.esc(step))
        self.status.value = f"<i>{live}</i>"

    def finish(self, outcome: Outcome) -> None:
        """Show the whole transcript once the send has ended, and how it ended."""
        self.show(outcome.transcript)
        verdict = _("delivered") if outcome.delivered else _("failed")
        self.status.value = (
            "<b>"
            + _("The dialogue of the last send")
            + "</b> "
            + _("({verdict}; {count} entries; secrets masked)").format(
                verdict=verdict, count=len(outcome.transcript)
            )
        )

    def show(self, transcript: Transcript) -> None:
        """Show a finished transcript (its latest :data:`VIEW_ENTRIES` entries)."""
        self.lines = len(transcript)
        shown = "<i>" + _("(empty)") + "</i>"
        if self.lines:
            shown = transcript.html(VIEW_ENTRIES)  # 100,000 entries are ~60 MB of HTML
        self.view.value = _noting_earlier(shown, self.lines, VIEW_ENTRIES)


class InboxView(render.PlainFallback, w.VBox):
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
        self.list.observe(lambda change: self._show_selected(), names="value")
        self.refresh_button = w.Button(description=_("Refresh"), icon="refresh")
        self.refresh_button.on_click(lambda button: self.refresh())
        self.count = w.HTML()
        self.count.add_class("smtplab-inbox-count")
        self.panes = {name: w.HTML() for name in render.INBOX_TABS}
        titles = tuple(_(name) for name in render.INBOX_TABS)
        self.tabs = w.Tab(children=list(self.panes.values()), titles=titles)
        self.tabs.add_class("smtplab-inbox-tabs")
        title = w.HBox([w.HTML("<b>" + _("Inbox") + "</b>"), self.count, self.refresh_button])
        super().__init__([title, self.list, self.tabs])
        self.add_class("smtplab-inbox")
        self.refresh()

    @property
    def selected(self) -> ReceivedMessage | None:
        """The message selected in the list (None when the inbox is empty)."""
        index = self.list.value
        return (
            self.messages[index] if index is not None and 0 <= index < len(self.messages) else None
        )

    @property
    def labels(self) -> list[str]:
        """The lines of the list, oldest first."""
        return [label for label, _index in self.list.options]

    def follow(self, composer: Composer) -> InboxView:
        """Refresh after every send of ``composer``; returns the view."""
        composer.on_finished(lambda outcome: self.refresh())
        return self

    def refresh(self) -> None:
        """Read the inbox again; select the newest message if new ones arrived."""
        before, chosen = len(self.messages), self.list.value
        self.messages = self.lab.inbox
        count = len(self.messages)
        self.list.options = [(render.inbox_label(i, m), i) for i, m in enumerate(self.messages)]
        messages = ngettext("{count} message", "{count} messages", count).format(count=count)
        self.count.value = f"&nbsp;{messages}&nbsp;"
        if count and (count > before or chosen is None or chosen >= count):
            chosen = count - 1
        self.select(chosen if count else None)

    def select(self, index: int | None) -> None:
        """Select the message at ``index`` (0 is the oldest) and show it."""
        if self.list.value != index:
            self.list.value = index  # the list's observer shows it
        else:
            self._show_selected()  # the same place: the inbox may hold another message there

    def _show_selected(self) -> None:
        message = self.selected
        if message is None:
            for pane in self.panes.values():
                pane.value = "<i>" + _("No message selected. Send one, then Refresh.") + "</i>"
            return
        try:
            session = self.lab.session(message.session_id)
        except KeyError:
            session = None
        for name, html in render.inbox_panes(message, session).items():
            self.panes[name].value = html


class Stepper(render.PlainFallback, w.VBox):
    """Talk SMTP one command at a time.

    A button for each command; a button is greyed out (with the reason as its tooltip,
    and in "why some buttons are greyed out") when the client's state machine says the
    server would refuse it (503 and friends). The free text line sends anything else,
    as typed. Each step's reply appears under it, explained.

    The logic is :class:`~smtplab.widgets.stepping.StepperSession` (``stepper.session``);
    from code, :meth:`press` does what a button does.
    """

    def __init__(
        self,
        lab: LabServer | None = None,
        *,
        host: str | None = None,
        port: int | None = None,
        local_hostname: str = "learner.example",
        timeout: float = 10.0,
    ) -> None:
        self.session = StepperSession(
            lab, host=host, port=port, local_hostname=local_hostname, timeout=timeout
        )
        self.connect_button = w.Button(description=_("Connect"), icon="plug", button_style="info")
        self.connect_button.on_click(lambda button: self.press("CONNECT"))
        self.state = w.HTML()
        self.state.add_class("smtplab-stepper-state")
        label = {"description_width": "80px"}
        self.sender = w.Text(value=self.session.sender, description="MAIL FROM", style=label)
        self.recipient = w.Text(value=self.session.recipient, description="RCPT TO", style=label)
        for field in (self.sender, self.recipient):
            field.observe(lambda change: self._fields_changed(), names="value")
        self.buttons: dict[str, w.Button] = {}
        for name in COMMANDS:
            button = self.buttons[name] = w.Button(description=name, layout=w.Layout(width="auto"))
            button.add_class(f"smtplab-cmd-{name.lower()}")
            button.on_click(lambda button, name=name: self.press(name))
        self.why_not = w.HTML()
        self.line = w.Text(
            description=_("Any line"),
            placeholder=_("type any command, e.g. VRFY bob or DATA before RCPT, then Send line"),
            style=label,
            layout=w.Layout(width="520px"),
        )
        self.line.add_class("smtplab-stepper-line")
        self.send_line_button = w.Button(description=_("Send line"), icon="paper-plane")
        self.send_line_button.on_click(lambda button: self.press_line())
        self.latest = w.HTML()
        self.latest.add_class("smtplab-stepper-latest")
        self.log_view = w.HTML(render.steps_html([]))
        self.log_view.add_class("smtplab-stepper-log")
        super().__init__(
            [
                w.HBox([self.connect_button, self.state]),
                w.HBox([self.sender, self.recipient]),
                w.HBox(list(self.buttons.values())),
                self.why_not,
                w.HBox([self.line, self.send_line_button]),
                self.latest,
                w.HTML(render.STEPPER_CSS + "<b>" + _("The whole dialogue so far") + "</b>"),
                _scrolling(self.log_view, "420px"),
            ]
        )
        self.add_class("smtplab-stepper")
        self.refresh()

    def press(self, name: str) -> Step:
        """Do what a button does: ``"CONNECT"`` or one of the commands."""
        self._fields_changed(refresh=False)
        step = self.session.connect() if name == "CONNECT" else self.session.run(name)
        self.refresh()
        return step

    def press_line(self, line: str | None = None) -> Step:
        """Send the free text line (or ``line``) as typed."""
        step = self.session.send_line(self.line.value if line is None else line)
        self.line.value = ""
        self.refresh()
        return step

    def refresh(self) -> None:
        """Grey out the commands that do not fit now, and show the log."""
        choices = self.session.choices()
        for choice in choices:
            button = self.buttons[choice.name]
            button.disabled = not choice.legal
            button.tooltip = choice.label if choice.legal else f"{choice.label}: {choice.reason}"
            button.button_style = "success" if choice.legal else ""
        self.why_not.value = render.choices_html(choices)
        self.send_line_button.disabled = not self.session.connected
        self.connect_button.description = _("Reconnect") if self.session.client else _("Connect")
        self.state.value = f"<small>&nbsp;{render.esc(self.session.state_text)}</small>"
        steps = self.session.steps
        self.log_view.value = render.steps_html(steps)
        last = render.steps_html(steps[-1:], first=len(steps))
        self.latest.value = "<b>" + _("Last step") + "</b>" + last if steps else ""

    def _fields_changed(self, *, refresh: bool = True) -> None:
        self.session.sender = self.sender.value.strip()
        self.session.recipient = self.recipient.value.strip()
        if refresh:
            self.refresh()
