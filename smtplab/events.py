"""The values the SMTP dialogue produces: its states and its events.

:mod:`smtplab.protocol` makes them; the client, the transcript, the lab's session log and
the exercise checks read them (docs/ARCHITECTURE.md). Each event carries the
:class:`Context` of its moment, so it can be explained on its own, later, without
replaying the session.
"""

from __future__ import annotations

import enum
from typing import ClassVar, NamedTuple

from .commands import Command
from .extensions import Extensions
from .i18n import N_, _
from .replies import Reply
from .secrecy import Secret

__all__: list[str] = []  # the protocol's vocabulary, read through smtplab.Transcript

GREETING = "GREETING"
"""The role of the server's greeting (it answers no command)."""


class State(enum.Enum):
    """Where the dialogue stands, seen from the client."""

    AWAIT_GREETING = N_("waiting for the server's greeting (220)")
    REJECTED = N_("the server refused the session in its greeting; only QUIT is left")
    GREETED = N_("greeted: say EHLO (or HELO)")
    READY = N_("ready: EHLO done; STARTTLS, AUTH or MAIL FROM may follow")
    AUTH_IN_PROGRESS = N_("logging in: the server waits for your answer to its 334")
    MAIL = N_("in a transaction: MAIL FROM accepted, RCPT TO next")
    RCPT = N_("in a transaction: at least one recipient accepted; more RCPT TO, or DATA")
    DATA = N_("sending the message (after 354), until the server's reply to the final dot")
    TLS_PENDING = N_("STARTTLS accepted: do the TLS handshake now")
    CLOSED = N_("the connection is closed")

    @property
    def description(self) -> str:
        """What this state means, in a sentence (in the current language)."""
        return _(str(self.value))


# --- events ------------------------------------------------------------------------------


class _Sentinel:
    """A value that exists once (``NeedData() is NEED_DATA``), also after pickling."""

    _instances: ClassVar[dict[type, _Sentinel]] = {}

    def __new__(cls) -> _Sentinel:
        return _Sentinel._instances.setdefault(cls, super().__new__(cls))

    def __reduce__(self) -> str:
        return repr(self)


class NeedData(_Sentinel):
    """The event "no complete reply yet": use the :data:`NEED_DATA` value."""

    def __repr__(self) -> str:
        return "NEED_DATA"


class ConnectionClosed(_Sentinel):
    """The event "the connection is over": use the :data:`CLOSED` value."""

    def __repr__(self) -> str:
        return "CLOSED"


NEED_DATA = NeedData()
"""Returned by ``next_event()`` when more bytes are needed."""

CLOSED = ConnectionClosed()
"""Returned by ``next_event()`` when the server closed the connection or said goodbye."""


class TLSInfo(NamedTuple):
    """What the driver learnt when TLS started: version, cipher, certificate check."""

    version: str
    cipher: str
    verified: bool
    server_name: str | None = None
    issuer: str | None = None


class AuthStep(NamedTuple):
    """Where an AUTH exchange stands: the mechanism, whether the AUTH line carried the
    first response, how many answers were sent and how many 334s came, the last prompt."""

    mechanism: str
    initial_response: bool
    answers: int = 0
    prompts: int = 0
    prompt: str | None = None


class Context(NamedTuple):
    """What the session knows at one moment, beyond its state: what an explanation needs.

    ``earlier_hello`` is the reply to the EHLO (or HELO) before the last one and
    ``earlier_tls`` whether TLS was on then (so "AUTH: offered only now, inside TLS" can
    be said); ``hellos`` counts the EHLO/HELO sent; ``auth`` is the AUTH exchange in
    progress; ``smtputf8`` whether the last MAIL FROM declared SMTPUTF8 (RFC 6531), and
    ``eight_bit`` whether it declared BODY=8BITMIME or BINARYMIME (RFC 6152, RFC 3030).
    """

    tls: bool = False
    extensions: Extensions = Extensions.none()
    earlier_hello: Reply | None = None
    earlier_tls: bool = False
    hellos: int = 0
    tls_since_hello: bool = False
    authenticated: bool = False
    auth: AuthStep | None = None
    smtputf8: bool = False
    eight_bit: bool = False


class Sent(NamedTuple):
    """Bytes the client sent, and what they are.

    ``role`` is the command's keyword (``"EHLO"``, ``"MAIL"``...) or ``"AUTH-RESPONSE"``
    (an answer in an AUTH exchange), ``"MESSAGE-LINE"`` (a line of the message sent on
    its own after 354), ``"MAIL-DATA"`` (the whole message, or the final dot line).
    ``secret`` is the kind of secret the line carries (:mod:`smtplab.secrecy`) or None,
    and then ``data`` is a :class:`~smtplab.secrecy.Secret`, so it is never held in clear;
    ``waiting`` the role of the newest command still unanswered when it was sent
    (``"GREETING"`` before the greeting: an early talker); ``complete`` is False for
    bytes cut short by the end of the connection.
    """

    data: bytes | Secret
    role: str
    command: Command | None
    secret: str | None
    waiting: str | None
    context: Context
    time: float
    complete: bool = True


class Answer(NamedTuple):
    """A whole reply and the command it answers (``role`` is that command's role,
    ``"GREETING"`` for the greeting, ``""`` for a reply that answers nothing); ``state``
    and ``context`` are the session's after the reply."""

    reply: Reply
    command: Command | None
    role: str
    state: State
    context: Context
    time: float

    @property
    def greeting(self) -> bool:
        """True for the server's greeting."""
        return self.role == GREETING

    @property
    def unsolicited(self) -> bool:
        """True for a reply that answers no command (a 421 before closing an idle
        connection, a server that replies too often)."""
        return self.role == ""

    @property
    def code(self) -> int:
        """The reply's code."""
        return self.reply.code


class TLSStarted(NamedTuple):
    """TLS started: after STARTTLS's 220, or first of all for implicit TLS."""

    info: TLSInfo | None
    implicit: bool
    context: Context
    time: float


class Noise(NamedTuple):
    """Bytes from the server that are not SMTP replies (a broken or foreign server)."""

    data: bytes
    error: str
    time: float


Event = Answer | NeedData | ConnectionClosed
Record = Sent | Answer | TLSStarted | Noise
"""What ``on_event`` receives."""
