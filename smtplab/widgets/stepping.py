"""The Stepper's logic in plain Python: a dialogue one command at a time.

:class:`StepperSession` asks its :class:`~smtplab.client.Client`'s state machine
(``is_legal``) whether each command fits now, and if not, why, in the words the server
would use (``503: MAIL FROM first ...``). Running a command gives a :class:`Step`: what
was sent and what came back, from the client's transcript (so secrets stay masked).
Out-of-place commands are greyed out, never forbidden: :meth:`StepperSession.send_line`
sends any line, so a learner can still see the server's real 503.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..client import Client
from ..commands import Auth, Command, Data, Ehlo, Helo, Mail, Noop, Quit, Rcpt, Rset, StartTLS
from ..errors import LocalProtocolError, SmtplabError
from ..i18n import N_, _
from ..message import Draft, compose
from ..replies import Reply
from ..transcript import Entry

if TYPE_CHECKING:
    from ..lab import LabServer

__all__: list[str] = []  # the Stepper's logic: use smtplab.widgets.Stepper

COMMANDS = ("EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT")
"""The commands the Stepper has a button for, in dialogue order."""

_NOT_CONNECTED = N_("not connected: press Connect first")


@dataclass(frozen=True)
class Choice:
    """One command the Stepper offers: its ``label`` (the line it would send), whether
    it is ``legal`` now, and if not, the ``reason`` (``"503: say EHLO first ..."``)."""

    name: str
    label: str
    legal: bool
    reason: str = ""

    def __str__(self) -> str:
        why = f"   ({self.reason})" if self.reason else ""
        return f"{'✓' if self.legal else '✗'} {self.label}{why}"


@dataclass(frozen=True, repr=False)
class Step:
    """One step of the dialogue: the ``label`` of what was asked, the transcript
    ``entries`` it produced (commands, replies, the TLS moment; secrets masked) and the
    ``error`` the client raised, if any (its explanation)."""

    label: str
    entries: tuple[Entry, ...] = ()
    error: str = ""

    @property
    def reply(self) -> Reply | None:
        """The last reply of this step (None when nothing came back)."""
        replies = [entry.reply for entry in self.entries if entry.reply is not None]
        return replies[-1] if replies else None

    def __str__(self) -> str:
        lines = [f"▶ {self.label}"]
        for entry in self.entries:
            prefix = f"{entry.direction}: " if entry.direction in ("C", "S") else ""
            note = f"   ({entry.annotation})" if entry.annotation else ""
            lines.append(f"  {prefix}{entry.summary(90)}{note}")
        lines.extend("  ! " + line for line in self.error.splitlines())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)


class StepperSession:
    """A dialogue one command at a time, with the lab (default) or any host.

    ``lab`` gives the host, the port (plain, STARTTLS offered), the certificate
    authority for STARTTLS and the demo account for AUTH; without a lab pass ``host``
    and ``port``. ``sender``, ``recipient``, ``subject`` and ``body`` fill MAIL FROM,
    RCPT TO and the message sent after DATA; change them at any time.
    """

    def __init__(
        self,
        lab: LabServer | None = None,
        *,
        host: str | None = None,
        port: int | None = None,
        local_hostname: str = "learner.example",
        timeout: float = 10.0,
        sender: str = "alice@example.com",
        recipient: str = "bob@example.com",
        subject: str = "One step at a time",  # i18n: keep mail (the wire's)
        body: str = "Hello Bob,\nthis message was sent one command at a time.\n",  # i18n: keep mail
    ) -> None:
        if lab is None and (host is None or port is None):
            raise ValueError(_("StepperSession needs a lab, or host= and port=."))
        self.lab = lab
        self.host = host if host is not None else lab.host  # type: ignore[union-attr]
        self.port = port if port is not None else lab.port  # type: ignore[union-attr]
        self.local_hostname = local_hostname
        self.timeout = timeout
        self.sender, self.recipient, self.subject, self.body = sender, recipient, subject, body
        self.client: Client | None = None
        self.steps: list[Step] = []

    @property
    def connected(self) -> bool:
        """True while the client's connection is open."""
        return self.client is not None and self.client.connected

    @property
    def state_text(self) -> str:
        """Where the dialogue stands, in a sentence."""
        if self.client is None:
            return _("not connected")
        if not self.client.connected:
            return _("the connection is closed")
        return f"{self.client.state.name}: {self.client.state.description}"

    def message(self) -> Draft:
        """The message DATA sends, from ``sender``, ``recipient``, ``subject``, ``body``."""
        return compose(sender=self.sender, to=self.recipient, subject=self.subject, body=self.body)

    def _account(self) -> tuple[str, str] | None:
        if self.lab is None or not self.lab.users:
            return None
        name = sorted(self.lab.users)[0]
        return name, self.lab.users[name]

    def _context(self) -> ssl.SSLContext | None:
        return self.lab.ssl_context() if self.lab is not None else None

    def _button(self, name: str) -> tuple[str, Command, Callable[[Client], object]]:
        """A button's label, its command, and how the client sends it (the command may
        raise LocalProtocolError: an address without '@'...)."""
        if name not in COMMANDS:
            problem = _("unknown command {name}: one of {commands}.")
            raise ValueError(problem.format(name=repr(name), commands=", ".join(COMMANDS)))
        me, account = self.local_hostname, self._account()
        offered = self.client.extensions.auth_mechanisms if self.client else frozenset()
        mechanism = "LOGIN" if "LOGIN" in offered or not offered else sorted(offered)[0]
        buttons: dict[str, tuple[Callable[[], Command], Callable[[Client], object]]] = {
            "EHLO": (lambda: Ehlo(me), lambda c: c.ehlo(me)),
            "HELO": (lambda: Helo(me), lambda c: c.helo(me)),
            "STARTTLS": (StartTLS, lambda c: c.starttls(self._context())),
            "AUTH": (lambda: Auth(mechanism), lambda c: c.login(*account) if account else None),
            "MAIL": (lambda: Mail(self.sender), lambda c: c.mail(self.sender)),
            "RCPT": (lambda: Rcpt(self.recipient), lambda c: c.rcpt(self.recipient)),
            "DATA": (Data, lambda c: c.data(self.message())),
            "RSET": (Rset, lambda c: c.command("RSET")),
            "NOOP": (Noop, lambda c: c.command("NOOP")),
            "QUIT": (Quit, lambda c: c.quit()),
        }
        build, send = buttons[name]
        command = build()
        label = command.text
        if name == "AUTH" and account:
            label += _(" (as {user})").format(user=account[0])
        elif name == "DATA":
            label = _("DATA (+ the message)")
        return label, command, send

    def choice(self, name: str) -> Choice:
        """Whether the command ``name`` fits now, and if not, why."""
        try:
            label, command, _send = self._button(name)
        except LocalProtocolError as error:
            return Choice(name, name, False, str(error))
        if self.client is None or not self.client.connected:
            closed = _("the connection is closed: connect again")
            return Choice(name, label, False, _(_NOT_CONNECTED) if self.client is None else closed)
        if name == "AUTH" and self._account() is None:
            nobody = _("no account to log in with (the lab's demo account)")
            return Choice(name, label, False, nobody)
        return Choice(name, label, *self.client.is_legal(command))

    def choices(self) -> list[Choice]:
        """Every command of :data:`COMMANDS` with its legality now."""
        return [self.choice(name) for name in COMMANDS]

    def menu(self) -> str:
        """The choices as text: ✓ for the legal ones, ✗ with the reason for the others."""
        return "\n".join(str(choice) for choice in self.choices())

    def _record(self, label: str, action: Callable[[Client], object]) -> Step:
        step = Step(label, (), _(_NOT_CONNECTED))
        if self.client is not None:
            start, error = len(self.client.transcript), ""
            try:
                action(self.client)
            except SmtplabError as problem:
                error = str(problem)
            step = Step(label, self.client.transcript.entries[start:], error)
        self.steps.append(step)
        return step

    def connect(self) -> Step:
        """Open a new connection (closing the old one, and forgetting its steps: a new
        dialogue) and read the greeting."""
        self.close()
        self.steps = []
        self.client = Client(
            self.host,
            self.port,
            timeout=self.timeout,
            context=self._context(),
            local_hostname=self.local_hostname,
            connect=False,
        )
        label = _("connect to {host} port {port}").format(host=self.host, port=self.port)
        return self._record(label, Client.connect)

    def run(self, name: str) -> Step:
        """Send the command ``name`` (one of :data:`COMMANDS`) and record the step.

        A command the state machine calls illegal is sent all the same (the buttons are
        greyed out, this method is not): the server's real reply is the lesson.
        """
        label, _command, send = self._button(name)
        return self._record(label, send)

    def send_line(self, line: str) -> Step:
        """Send any line as typed (CR/LF refused) and record the server's reply."""
        return self._record(line or _("(empty line)"), lambda c: c.command(line))

    def close(self) -> None:
        """Close the connection without QUIT."""
        if self.client is not None:
            self.client.close()
