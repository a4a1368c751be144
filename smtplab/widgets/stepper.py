"""The Stepper: the dialogue one command at a time, with the reply under each step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from . import render
from .stepping import COMMANDS, Step, StepperSession

if TYPE_CHECKING:
    from ..lab import LabServer

__all__ = ["Stepper"]

_LABEL = {"description_width": "80px"}


class Stepper(w.VBox):
    """Talk SMTP one command at a time.

    A button for each command of :data:`~smtplab.widgets.stepping.COMMANDS`; a button is
    greyed out (with the reason as its tooltip, and in "why some buttons are greyed
    out") when the client's state machine says the server would refuse it (503 and
    friends). The free text line sends anything else, as typed. Each step's reply
    appears under it, explained.

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
        self.connect_button = w.Button(description="Connect", icon="plug", button_style="info")
        self.connect_button.on_click(lambda _: self.press("CONNECT"))
        self.state = w.HTML()
        self.state.add_class("smtplab-stepper-state")
        self.sender = w.Text(value=self.session.sender, description="MAIL FROM", style=_LABEL)
        self.recipient = w.Text(value=self.session.recipient, description="RCPT TO", style=_LABEL)
        for field in (self.sender, self.recipient):
            field.observe(lambda _: self._fields_changed(), names="value")
        self.buttons: dict[str, w.Button] = {}
        for name in COMMANDS:
            button = w.Button(description=name, layout=w.Layout(width="auto"))
            button.add_class(f"smtplab-cmd-{name.lower()}")
            button.on_click(lambda _, name=name: self.press(name))
            self.buttons[name] = button
        self.why_not = w.HTML()
        self.line = w.Text(
            description="Any line",
            placeholder="type any command, e.g. VRFY bob or DATA before RCPT, then Send line",
            style=_LABEL,
            layout=w.Layout(width="520px"),
        )
        self.line.add_class("smtplab-stepper-line")
        self.send_line_button = w.Button(description="Send line", icon="paper-plane")
        self.send_line_button.on_click(lambda _: self.press_line())
        self.latest = w.HTML()
        self.latest.add_class("smtplab-stepper-latest")
        self.log_view = w.HTML(render.steps_html([]))
        self.log_view.add_class("smtplab-stepper-log")
        log_box = w.Box([self.log_view], layout=w.Layout(max_height="420px", overflow="auto"))
        super().__init__(
            [
                w.HBox([self.connect_button, self.state]),
                w.HBox([self.sender, self.recipient]),
                w.HBox(list(self.buttons.values())),
                self.why_not,
                w.HBox([self.line, self.send_line_button]),
                self.latest,
                w.HTML("<b>The whole dialogue so far</b>"),
                log_box,
            ]
        )
        self.add_class("smtplab-stepper")
        self.refresh()

    def press(self, name: str) -> Step:
        """Do what a button does: ``"CONNECT"`` or a command of ``COMMANDS``."""
        self._fields_changed(refresh=False)
        step = self.session.connect() if name == "CONNECT" else self.session.run(name)
        self.refresh()
        return step

    def press_line(self, line: str | None = None) -> Step:
        """Send the free text line (or ``line``) as typed."""
        text = self.line.value if line is None else line
        step = self.session.send_line(text)
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
        connected = self.session.connected
        self.send_line_button.disabled = not connected
        self.connect_button.description = "Reconnect" if self.session.client else "Connect"
        self.state.value = f"<small>&nbsp;{render.esc(self.session.state_text)}</small>"
        steps = self.session.steps
        self.log_view.value = render.steps_html(steps)
        self.latest.value = (
            "<b>Last step</b>" + render.steps_html(steps[-1:], first=len(steps)) if steps else ""
        )

    def _fields_changed(self, *, refresh: bool = True) -> None:
        self.session.sender = self.sender.value.strip()
        self.session.recipient = self.recipient.value.strip()
        if refresh:
            self.refresh()
