"""The SMTP client's side of the dialogue, without any I/O (sans-I/O, like h11).

This module never touches a socket. A driver (:mod:`smtplab.client`) moves bytes; this
module says which bytes to send, cuts what arrives into replies, matches each reply to
the command it answers, and keeps track of where the dialogue stands::

    conn = ClientConnection()
    conn.receive_data(b"220 lab.smtplab.test ESMTP\\r\\n")
    conn.next_event()        # Answer(command=None, reply=<220 ...>, greeting=True)
    sock.sendall(conn.send(Ehlo("learner.example")))
    conn.receive_data(sock.recv(65536))
    conn.next_event()        # Answer(command=Ehlo(...), reply=<250 ...>) or NEED_DATA

Events
    :meth:`ClientConnection.next_event` returns one of

    * :class:`Answer` ``(command, reply, greeting)``: a complete reply and the command it
      answers. Replies are matched to commands in the order the commands were sent, so
      pipelined commands (RFC 2920) get their own replies. ``command`` is None for the
      greeting (``greeting=True``) and for a reply that answers nothing (a server's
      ``421`` before closing an idle connection, or a server that replies too often:
      ``answer.unsolicited``);
    * :data:`NEED_DATA`: no complete reply yet; read more and call
      :meth:`~ClientConnection.receive_data`;
    * :data:`CLOSED`: the server closed the connection (``receive_data(b"")``), or the
      session is over (after ``221`` or ``421``). Commands still in
      :attr:`~ClientConnection.pending` will never be answered.

    A server that breaks the reply syntax makes ``next_event`` raise
    :class:`~smtplab.errors.RemoteProtocolError` (after the good replies that came
    before the bad bytes); the connection is then CLOSED. ``receive_data`` itself never
    raises for the server's mistakes, as in h11.

States
    :class:`State` follows the dialogue (RFC 5321 §4.1.4, §3.3): the greeting, EHLO,
    the optional STARTTLS and AUTH, then transactions (MAIL, RCPT, DATA). Each reply
    moves the state through one TABLE, :data:`TRANSITIONS`, keyed by ``(state, command
    keyword, reply class)``; a ``421`` closes the session from any state.

Mistakes allowed
    A teaching kit lets you make mistakes: :meth:`~ClientConnection.send` sends a
    command even when it is out of place, so you see the server's real ``503``.
    :meth:`~ClientConnection.is_legal` tells beforehand whether a command fits, and if
    not, why (in the words the server would use). Only what would break the protocol
    itself raises :class:`~smtplab.errors.LocalProtocolError`: a CR/LF/NUL inside a
    command, an over-long line, sending on a closed connection.

The message
    After ``354`` the server reads the message, not commands, until a line with a
    single dot. :meth:`~ClientConnection.send_data` encodes a whole message
    (:func:`smtplab.commands.encode_data`). You may also send it line by line with
    :class:`~smtplab.commands.RawCommand`, as in a telnet session: those lines get no
    reply, and a line ``"."`` ends the message (no dot-stuffing is done for you then:
    that is the lesson).

TLS
    After ``220`` to STARTTLS the state is ``TLS_PENDING``: do the TLS handshake, then
    call :meth:`~ClientConnection.start_tls`; the session starts again at ``GREETED``
    (send EHLO again, RFC 3207 §4.2) and the extensions are forgotten. For implicit TLS
    (port 465) call ``start_tls()`` before the greeting. Bytes that arrive after the
    ``220`` but before TLS are refused: they may have been injected by an attacker.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .commands import (
    AUTH_LINE_LIMIT,
    COMMAND_LINE_LIMIT,
    LINE_LIMIT,
    Auth,
    AuthContinuation,
    Command,
    Mail,
    MailData,
    RawCommand,
    Rcpt,
    has_8bit,
    is_ascii_address,
    long_lines,
)
from .errors import LocalProtocolError, RemoteProtocolError
from .extensions import Extensions, format_size
from .replies import Reply, decode_reply_text

__all__ = [
    "CLOSED",
    "GREETING",
    "MAX_LINE",
    "MAX_REPLY_BYTES",
    "MAX_REPLY_LINES",
    "NEED_DATA",
    "PIPELINE_ANYWHERE",
    "TRANSITIONS",
    "Answer",
    "ClientConnection",
    "ConnectionClosed",
    "Event",
    "NeedData",
    "ReplyParser",
    "State",
]

MAX_LINE = 4096
"""The longest reply line accepted, line end included. RFC 5321 §4.5.3.1.5 says 512;
real servers stay well below 4096."""

MAX_REPLY_LINES = 1000
"""The most lines one reply may have."""

MAX_REPLY_BYTES = 64 * 1024
"""The most bytes one reply may have, all its lines together. The longest replies real
servers send (an EHLO or HELP listing, a provider's explanation of a refusal) are a few
KiB; without this bound a server could make the client hold ``MAX_REPLY_LINES`` lines of
``MAX_LINE`` bytes (4 MB) in one reply."""

GREETING = "GREETING"
"""The keyword the transition table uses for the server's greeting (no command)."""

# --- events ---------------------------------------------------------------------------


class NeedData:
    """The event "no complete reply yet": read more bytes. Use the :data:`NEED_DATA` value."""

    _instance: NeedData | None = None

    def __new__(cls) -> NeedData:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NEED_DATA"

    def __reduce__(self) -> str:
        return "NEED_DATA"


class ConnectionClosed:
    """The event "the connection is over". Use the :data:`CLOSED` value."""

    _instance: ConnectionClosed | None = None

    def __new__(cls) -> ConnectionClosed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "CLOSED"

    def __reduce__(self) -> str:
        return "CLOSED"


NEED_DATA = NeedData()
"""Returned by ``next_event()`` when more bytes are needed."""

CLOSED = ConnectionClosed()
"""Returned by ``next_event()`` when the server closed the connection or said goodbye."""


@dataclass(frozen=True)
class Answer:
    """A reply, and the command it answers.

    ``command`` is None for the greeting (``greeting`` is True) and for an unsolicited
    reply (one that answers no command of ours: see :attr:`unsolicited`).
    """

    command: Command | None
    reply: Reply
    greeting: bool = False

    @property
    def unsolicited(self) -> bool:
        """True when the reply answers no command and is not the greeting."""
        return self.command is None and not self.greeting

    @property
    def code(self) -> int:
        """The reply's code (a shortcut for ``answer.reply.code``)."""
        return self.reply.code


Event = Answer | NeedData | ConnectionClosed
"""What :meth:`ClientConnection.next_event` returns."""


# --- the reply parser -----------------------------------------------------------------

_OTHER_PROTOCOLS: tuple[tuple[bytes, str], ...] = (
    (b"\x15\x03", "this is a TLS alert: the server speaks TLS. Connect with implicit TLS"),
    (b"\x16\x03", "this is a TLS record: the server speaks TLS. Connect with implicit TLS"),
    (b"+OK", "this is a POP3 server (ports 110, 995), not SMTP"),
    (b"-ERR", "this is a POP3 server (ports 110, 995), not SMTP"),
    (b"* OK", "this is an IMAP server (ports 143, 993), not SMTP"),
    (b"HTTP/", "this is a web server, not SMTP"),
    (b"SSH-", "this is an SSH server, not SMTP"),
)


def _preview(data: bytes, limit: int = 80) -> str:
    """repr() of the start of ``data``, cut to ``limit`` bytes."""
    if len(data) <= limit:
        return repr(bytes(data))
    return f"{bytes(data[:limit])!r}... ({len(data)} bytes)"


_REPLY_CLASSES = frozenset(b"2345")
"""The first digit of a reply code (as a byte value): 2, 3, 4 or 5 (RFC 5321 §4.2.1)."""


def _other_protocol_hint(line: bytes) -> str:
    for prefix, hint in _OTHER_PROTOCOLS:
        if line.startswith(prefix):
            return f" Hint: {hint}."
    return ""


class ReplyParser:
    """Cut a stream of bytes from the server into :class:`~smtplab.replies.Reply` values.

    ``feed()`` bytes as they come (cut anywhere, several replies at once), then take
    replies with ``next_reply()`` until it returns None. A reply is one or more lines
    ``CODE-text`` ending with one ``CODE text`` (RFC 5321 §4.2.1).

    Tolerated, since real servers do it: a line ending in a bare LF instead of CRLF,
    and a line that is just the code (``250``, read as a last line with no text).
    ``Reply.raw`` keeps the exact bytes received either way.

    Refused with :class:`~smtplab.errors.RemoteProtocolError`, raised by ``next_reply``
    after the good replies before it: a line not starting with a 3-digit code 2xx-5xx,
    a fourth character other than ``-`` or space, a code that changes inside a reply, a
    line longer than ``max_line`` bytes (found as soon as that many bytes arrive
    without a line end: the parser never holds more than ``max_line`` plus one chunk),
    a reply of more than ``max_lines`` lines, and a connection closed in mid-reply. After
    an error the parser stays broken: every later call raises it again.
    """

    def __init__(
        self,
        max_line: int = MAX_LINE,
        max_lines: int = MAX_REPLY_LINES,
        max_reply: int = MAX_REPLY_BYTES,
    ) -> None:
        self.max_line = max_line
        self.max_lines = max_lines
        self.max_reply = max_reply
        self._reply_size = 0  # bytes of the lines of the reply being read
        self._buffer = bytearray()
        self._scanned = 0  # bytes of _buffer known to hold no LF
        self._code = 0
        self._texts: list[str] = []
        self._raws: list[bytes] = []
        self._replies: deque[Reply] = deque()
        self._error: RemoteProtocolError | None = None
        self._eof = False

    def feed(self, data: bytes) -> None:
        """Add bytes received from the server.

        Raises the parser's error if it is already broken (feeding more is then a bug).
        """
        if self._error is not None:
            raise self._error
        if self._eof:
            raise LocalProtocolError(
                "bytes fed after the end of the stream (feed_eof); make a new parser."
            )
        if not data:
            return
        buffer = self._buffer
        if not buffer:
            self._feed_lines(data if type(data) is bytes else bytes(data))
            return
        buffer += data
        start = 0
        search = self._scanned
        while True:
            newline = buffer.find(b"\n", search)
            if newline < 0:
                break
            end = newline + 1
            if end - start > self.max_line:
                self._fail_too_long(bytes(buffer[start : start + self.max_line]))
                return
            self._take_line(bytes(buffer[start:end]))
            if self._error is not None:
                return
            start = search = end
        if start:
            del buffer[:start]
        self._scanned = len(buffer)
        if len(buffer) > self.max_line:
            self._fail_too_long(bytes(buffer[: self.max_line]))

    def _feed_lines(self, data: bytes) -> None:
        """:meth:`feed` when nothing is held back (the usual case): the lines are cut
        straight out of ``data``, with the same checks, and only an unfinished line is
        kept in the buffer."""
        start = 0
        size = len(data)
        max_line = self.max_line
        while True:
            newline = data.find(b"\n", start)
            if newline < 0:
                break
            end = newline + 1
            if end - start > max_line:
                self._fail_too_long(data[start : start + max_line])
                return
            self._take_line(data if start == 0 and end == size else data[start:end])
            if self._error is not None:
                return
            start = end
        if start < size:
            buffer = self._buffer
            buffer += data[start:] if start else data
            self._scanned = len(buffer)
            if len(buffer) > max_line:
                self._fail_too_long(bytes(buffer[:max_line]))

    def feed_eof(self) -> None:
        """The server closed the connection; an unfinished reply becomes an error."""
        if self._eof or self._error is not None:
            return
        self._eof = True
        if self._buffer or self._raws:
            seen = b"".join(self._raws) + bytes(self._buffer)
            self._fail(
                "the server closed the connection in the middle of a reply: "
                f"{_preview(seen)}. The reply is incomplete; the server may have crashed "
                "or dropped you. Connect again."
            )

    def next_reply(self) -> Reply | None:
        """The next complete reply, or None when more bytes are needed.

        Raises RemoteProtocolError once the good replies are taken, if the bytes
        after them were not valid SMTP.
        """
        if self._replies:
            return self._replies.popleft()
        if self._error is not None:
            raise self._error
        return None

    def __iter__(self) -> Iterator[Reply]:
        """Every complete reply available now."""
        while (reply := self.next_reply()) is not None:
            yield reply

    @property
    def buffered(self) -> int:
        """Bytes held that do not make a complete reply yet (0 when idle)."""
        return len(self._buffer) + sum(len(raw) for raw in self._raws)

    @property
    def replies_waiting(self) -> int:
        """Complete replies parsed but not yet taken with next_reply()."""
        return len(self._replies)

    @property
    def failed(self) -> bool:
        """True once the server sent something that is not a valid reply."""
        return self._error is not None

    @property
    def at_eof(self) -> bool:
        """True once feed_eof() was called."""
        return self._eof

    # internals

    def _fail(self, message: str) -> None:
        self._error = RemoteProtocolError(message)
        self._buffer = bytearray()
        self._scanned = 0
        self._texts, self._raws = [], []
        self._reply_size = 0

    def _fail_too_long(self, start: bytes) -> None:
        self._fail(
            f"the server sent a line longer than {self.max_line} bytes without ending "
            f"it: {_preview(start)}. SMTP reply lines are at most 512 bytes "
            "(RFC 5321 §4.5.3.1.5), so this is not an SMTP server, or a broken one; "
            f"the kit stopped reading.{_other_protocol_hint(start)}"
        )

    def _take_line(self, raw: bytes) -> None:
        content = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
        head = content[:3]
        if len(head) < 3 or not head.isdigit() or head[0] not in _REPLY_CLASSES:
            self._fail(
                f"the server sent a line that does not start with a reply code (three "
                f"digits, the first 2 to 5): {_preview(raw)}. Is this an SMTP server?"
                f"{_other_protocol_hint(raw)}"
            )
            return
        code = int(head)
        separator = content[3:4]
        if separator not in (b"-", b" ", b""):
            self._fail(
                f"the server sent a reply line whose code is followed by {separator!r}, "
                f"not '-' (more lines follow) or ' ' (last line): {_preview(raw)}."
            )
            return
        if self._raws and code != self._code:
            self._fail(
                f"the server changed the reply code from {self._code} to {code} inside "
                f"one multi-line reply: {_preview(b''.join(self._raws) + raw)}. Every "
                "line of a reply must carry the same code (RFC 5321 §4.2.1)."
            )
            return
        self._code = code
        rest = content[4:]
        text = rest.decode("ascii") if rest.isascii() else decode_reply_text(rest)
        if separator != b"-" and not self._raws:  # a one-line reply: the usual case
            self._replies.append(Reply(code, (text,), raw))
            return
        self._texts.append(text)
        self._raws.append(raw)
        self._reply_size += len(raw)
        if separator == b"-":
            if len(self._raws) >= self.max_lines:
                self._fail(
                    f"the server sent a reply of more than {self.max_lines} lines "
                    f"(code {code}); the kit stopped reading. This is no normal SMTP reply."
                )
            elif self._reply_size > self.max_reply:
                self._fail(
                    f"the server sent a reply of more than {self.max_reply} bytes in "
                    f"{len(self._raws)} lines (code {code}), and it goes on; the kit stopped "
                    "reading. This is no normal SMTP reply."
                )
            return
        self._replies.append(Reply(code, tuple(self._texts), b"".join(self._raws)))
        self._texts, self._raws = [], []
        self._reply_size = 0


# --- states and the transition table --------------------------------------------------


class State(enum.Enum):
    """Where the dialogue stands, seen from the client."""

    AWAIT_GREETING = "waiting for the server's greeting (220)"
    REJECTED = "the server refused the session in its greeting; only QUIT is left"
    GREETED = "greeted: say EHLO (or HELO)"
    READY = "ready: EHLO done; STARTTLS, AUTH or MAIL FROM may follow"
    AUTH_IN_PROGRESS = "logging in: the server waits for your answer to its 334"
    MAIL = "in a transaction: MAIL FROM accepted, RCPT TO next"
    RCPT = "in a transaction: at least one recipient accepted; more RCPT TO, or DATA"
    DATA = "sending the message (after 354), until the server's reply to the final dot"
    TLS_PENDING = "STARTTLS accepted: do the TLS handshake now"
    CLOSED = "the connection is closed"

    # Members are singletons, equal only to themselves: hash them by identity, in C.
    # (Enum's own __hash__ is a Python function, and every reply's TRANSITIONS lookup
    # hashes the state.)
    __hash__ = object.__hash__

    @property
    def description(self) -> str:
        """What this state means, in a sentence."""
        return str(self.value)


_S = State
_OPEN = tuple(state for state in State if state is not State.CLOSED)
_SESSION = (_S.GREETED, _S.READY, _S.MAIL, _S.RCPT)  # the server reads commands

# (states, command keyword, reply classes, next state). A reply not listed leaves the
# state unchanged (a refused command changes nothing); a 421 closes from anywhere.
_RULES: tuple[tuple[tuple[State, ...], str, tuple[int, ...], State], ...] = (
    ((_S.AWAIT_GREETING,), GREETING, (2,), _S.GREETED),
    ((_S.AWAIT_GREETING,), GREETING, (4, 5), _S.REJECTED),
    (_SESSION, "EHLO", (2,), _S.READY),  # EHLO also ends a transaction (§4.1.4)
    (_SESSION, "HELO", (2,), _S.READY),
    (_OPEN, "STARTTLS", (2,), _S.TLS_PENDING),
    (_OPEN, "AUTH", (3,), _S.AUTH_IN_PROGRESS),
    ((_S.AUTH_IN_PROGRESS,), "AUTH-RESPONSE", (3,), _S.AUTH_IN_PROGRESS),
    ((_S.AUTH_IN_PROGRESS,), "AUTH-RESPONSE", (2, 4, 5), _S.READY),
    ((_S.GREETED, _S.READY), "MAIL", (2,), _S.MAIL),
    ((_S.MAIL, _S.RCPT), "RCPT", (2,), _S.RCPT),
    (_OPEN, "DATA", (3,), _S.DATA),  # after 354 the server reads the message, whatever
    ((_S.DATA,), "MAIL-DATA", (2, 4, 5), _S.READY),  # the transaction is over either way
    ((_S.MAIL, _S.RCPT), "RSET", (2,), _S.READY),
    (_OPEN, "QUIT", (2,), _S.CLOSED),
)

TRANSITIONS: dict[tuple[State, str, int], State] = {
    (state, keyword, klass): target
    for states, keyword, classes, target in _RULES
    for state in states
    for klass in classes
}
"""``(state, keyword, reply class) -> next state``. ``keyword`` is a command's
:attr:`~smtplab.commands.Command.keyword` (``"EHLO"``, ``"AUTH-RESPONSE"``,
``"MAIL-DATA"``...) or :data:`GREETING`; the class is the reply code's first digit."""

# The states in which each command is legal (RFC 5321 §4.1.4, RFC 3207, RFC 4954).
_LEGAL_IN: dict[str, tuple[State, ...]] = {
    "EHLO": _SESSION,
    "HELO": _SESSION,
    "STARTTLS": (_S.READY,),
    "AUTH": (_S.READY,),
    "AUTH-RESPONSE": (_S.AUTH_IN_PROGRESS,),
    "MAIL": (_S.READY,),
    "RCPT": (_S.MAIL, _S.RCPT),
    "DATA": (_S.RCPT,),
    "MAIL-DATA": (),  # only while the server reads the message: see is_legal
    "RSET": _SESSION,
    "NOOP": _SESSION,
    "VRFY": _SESSION,
    "EXPN": _SESSION,
    "HELP": _SESSION,
    "QUIT": (*_SESSION, _S.REJECTED),
}

# Why a command is out of place: first by (keyword, state), then by state.
_WHY_NOT: dict[tuple[str, State], str] = {
    ("RCPT", _S.READY): "503: MAIL FROM first: RCPT needs a transaction (RFC 5321 §4.1.1.3)",
    ("DATA", _S.READY): (
        "503: MAIL FROM and RCPT TO first: DATA needs a transaction with at least one "
        "recipient (RFC 5321 §4.1.1.4)"
    ),
    ("DATA", _S.MAIL): (
        "503: RCPT TO first: no recipient has been accepted yet, so there is nobody to "
        "deliver to (RFC 5321 §3.3)"
    ),
    ("MAIL", _S.MAIL): (
        "503: a transaction is already open (MAIL FROM was accepted): finish it with "
        "DATA or cancel it with RSET (RFC 5321 §4.1.1.2)"
    ),
    ("MAIL", _S.RCPT): (
        "503: a transaction is already open: finish it with DATA or cancel it with RSET "
        "(RFC 5321 §4.1.1.2)"
    ),
    ("AUTH", _S.MAIL): "503: AUTH is not allowed during a mail transaction: RSET first "
    "(RFC 4954 §4)",
    ("AUTH", _S.RCPT): "503: AUTH is not allowed during a mail transaction: RSET first "
    "(RFC 4954 §4)",
    ("STARTTLS", _S.MAIL): "503: STARTTLS is not accepted inside a mail transaction: "
    "RSET first, better still start TLS right after EHLO",
    ("STARTTLS", _S.RCPT): "503: STARTTLS is not accepted inside a mail transaction: "
    "RSET first, better still start TLS right after EHLO",
}

_WHY_NOT_IN: dict[State, str] = {
    _S.AWAIT_GREETING: (
        "wait for the server's greeting (220) first: a client that talks before it is an "
        "'early talker', and servers like Postfix drop it (RFC 5321 §3.1)"
    ),
    _S.REJECTED: (
        "503: the server refused this session in its greeting; only QUIT is left (RFC 5321 §3.1)"
    ),
    _S.GREETED: "503: say EHLO (or HELO) first (RFC 5321 §4.1.4)",
    _S.READY: "503: this command does not fit here",
    _S.MAIL: "503: this command does not fit inside a mail transaction",
    _S.RCPT: "503: this command does not fit inside a mail transaction",
    _S.AUTH_IN_PROGRESS: (
        "501: the server waits for your answer to its 334 (base64 text, or '*' to "
        "cancel, RFC 4954 §4): it would read this line as that answer"
    ),
    _S.DATA: "wait for the server's reply to the end of your message first",
    _S.TLS_PENDING: (
        "the server expects the TLS handshake now (it said 220 to STARTTLS): anything "
        "else breaks the connection. Start TLS first"
    ),
    _S.CLOSED: "the connection is closed: connect again",
}

_WHY_NOT_KEYWORD: dict[str, str] = {
    "AUTH-RESPONSE": (
        "500: no AUTH exchange is in progress: an AUTH answer follows a 334 reply; the "
        "server would read this line as a command"
    ),
    "MAIL-DATA": (
        "send the message only after the server's 354 reply to DATA: before that, the "
        "server would read each of its lines as a command"
    ),
}

# RFC 2920 §3.1: commands that may appear anywhere in a pipelined group (the others
# only last). The message content may also start a group.
PIPELINE_ANYWHERE: frozenset[str] = frozenset(
    {"MAIL", "RCPT", "RSET", "SEND", "SOML", "SAML", "MAIL-DATA"}
)
"""Keywords that more commands may follow before their reply (RFC 2920 §3.1). EHLO,
DATA, VRFY, EXPN, TURN, QUIT, NOOP and commands of other extensions (STARTTLS, AUTH)
may only be the last command of a group."""

_EXPECTED_CLASS: dict[str, int] = {"DATA": 3, "AUTH": 3, "GREETING": 2}


class _Pending:
    """A command sent and not answered yet, with the keyword its reply is matched by."""

    __slots__ = ("command", "keyword")

    def __init__(self, command: Command, keyword: str) -> None:
        self.command = command
        self.keyword = keyword


# --- extension checks for is_legal -----------------------------------------------------


def _mail_params(command: Command) -> tuple[str, ...]:
    if isinstance(command, (Mail, Rcpt)):
        return tuple(param.upper() for param in command.params)
    return ()


def _check_starttls(conn: ClientConnection, command: Command) -> str | None:
    if command.keyword != "STARTTLS":
        return None
    if conn.tls_active:
        return "554: TLS is already on; STARTTLS works once per connection (RFC 3207 §4.2)"
    if not conn.extensions.ehlo:
        return "503: send EHLO (not HELO) first: only EHLO tells you whether STARTTLS is offered"
    if not conn.extensions.starttls:
        return (
            "502: the server did not offer STARTTLS in its EHLO reply; this port may not "
            "support TLS, or it expects implicit TLS from the start (port 465)"
        )
    return None


def _check_auth(conn: ClientConnection, command: Command) -> str | None:
    if command.keyword != "AUTH":
        return None
    if conn.authenticated:
        return "503: you are already logged in; AUTH works once per session (RFC 4954 §4)"
    if not conn.extensions.auth:
        after_tls = "" if conn.tls_active else " (many servers offer it only after STARTTLS)"
        return f"503: the server did not offer AUTH in its EHLO reply{after_tls}"
    if isinstance(command, Auth):
        mechanism = command.mechanism.upper()
        offered = conn.extensions.auth_mechanisms
        if mechanism not in offered:
            listing = ", ".join(sorted(offered))
            return f"504: the server does not offer AUTH {mechanism}; it offers {listing}"
    return None


def _check_mail_params(conn: ClientConnection, command: Command) -> str | None:
    ext = conn.extensions
    params = _mail_params(command)
    if "BODY=8BITMIME" in params and not ext.eightbitmime:
        return "555: BODY=8BITMIME, but the server did not announce 8BITMIME (RFC 6152)"
    if "SMTPUTF8" in params and not ext.smtputf8:
        return "555: SMTPUTF8, but the server did not announce SMTPUTF8 (RFC 6531)"
    for param in params:
        declared = int(param[5:]) if param.startswith("SIZE=") and param[5:].isdigit() else 0
        if ext.size is not None and declared > ext.size:
            return (
                f"552: the message ({format_size(declared)}) is larger than the "
                f"server's limit ({format_size(ext.size)}, RFC 1870)"
            )
    return None


def _check_utf8_address(conn: ClientConnection, command: Command) -> str | None:
    if isinstance(command, Mail):
        address, has_param = command.sender, "SMTPUTF8" in _mail_params(command)
    elif isinstance(command, Rcpt):
        address, has_param = command.recipient, conn._transaction_utf8
    else:
        return None
    if is_ascii_address(address):
        return None
    if not conn.extensions.smtputf8:
        return (
            f"553: {address!r} is not ASCII and the server did not announce SMTPUTF8 "
            "(RFC 6531): it cannot take this address"
        )
    if not has_param:
        return (
            f"553: {address!r} is not ASCII: announce it with the SMTPUTF8 parameter on "
            "MAIL FROM (RFC 6531 §3.4)"
        )
    return None


_EIGHT_BIT_WITHOUT_BODY = (
    "the message has 8-bit bytes but MAIL FROM did not say BODY=8BITMIME (RFC 6152); "
    "some servers will damage or refuse it"
)


def _check_data_8bit(conn: ClientConnection, command: Command) -> str | None:
    if isinstance(command, MailData) and not conn._transaction_8bit and has_8bit(command.message):
        return _EIGHT_BIT_WITHOUT_BODY
    return None


_FEATURE_CHECKS: tuple[Callable[[ClientConnection, Command], str | None], ...] = (
    _check_starttls,
    _check_auth,
    _check_mail_params,
    _check_utf8_address,
    _check_data_8bit,
)


# --- the connection -------------------------------------------------------------------


class ClientConnection:
    """One SMTP session, client side, with no I/O. See the module docstring."""

    def __init__(self) -> None:
        self._parser = ReplyParser()
        self._state = State.AWAIT_GREETING
        self._pending: deque[_Pending] = deque()
        self._extensions = Extensions.none()
        self._tls = False
        self._authenticated = False
        self._writing = False  # after 354, until the end of the message is sent
        self._greeting: Reply | None = None
        self._eof = False
        self._closed_reason = ""
        self._transaction_utf8 = False
        self._transaction_8bit = False

    # what the driver reads

    @property
    def state(self) -> State:
        """Where the dialogue stands, after every reply taken with next_event()."""
        return self._state

    @property
    def extensions(self) -> Extensions:
        """The server's extensions from its last EHLO reply (none before, after STARTTLS)."""
        return self._extensions

    @property
    def tls_active(self) -> bool:
        """True once the driver called start_tls() (the bytes now travel inside TLS)."""
        return self._tls

    @property
    def authenticated(self) -> bool:
        """True once AUTH succeeded (235)."""
        return self._authenticated

    @property
    def greeting(self) -> Reply | None:
        """The server's greeting, once received."""
        return self._greeting

    @property
    def pending(self) -> tuple[Command, ...]:
        """Commands sent and not answered yet, oldest first (several when pipelining)."""
        return tuple(item.command for item in self._pending)

    @property
    def writing_message(self) -> bool:
        """True after 354, until the end of the message (the final dot) is sent."""
        return self._writing

    @property
    def closed_reason(self) -> str:
        """Why the connection is CLOSED (empty while it is open)."""
        return self._closed_reason

    # sending

    def send(self, command: Command) -> bytes:
        """Note that ``command`` is sent and return the bytes to write.

        The reply will be matched to it in order. Out-of-place commands are sent all the
        same (see :meth:`is_legal`). After ``354``, what you send is a line of the
        message and gets no reply, except the end of the message (a MailData, or a raw
        ``"."`` line). Raises LocalProtocolError on a closed connection or a line over
        the limit of the moment.
        """
        if not isinstance(command, Command):
            raise LocalProtocolError(
                f"send() takes a command such as Ehlo('learner.example') or "
                f"RawCommand('NOOP'), not {type(command).__name__} {command!r}."
            )
        if self._state is State.CLOSED:
            raise LocalProtocolError(
                f"the connection is closed ({self._closed_reason}); nothing was sent. "
                "Connect again to go on."
            )
        data = command.render()
        if self._writing:
            if isinstance(command, MailData) or data == b".\r\n":
                self._writing = False
                self._pending.append(_Pending(command, "MAIL-DATA"))
            else:
                self._check_raw_limit(command, data, LINE_LIMIT)
            return data
        # _keyword_for(), inlined (every command passes here):
        if isinstance(command, AuthContinuation) or (
            self._state is State.AUTH_IN_PROGRESS and not self._pending
        ):
            keyword = "AUTH-RESPONSE"
        else:
            keyword = command.keyword
        if isinstance(command, RawCommand):
            is_auth = keyword in ("AUTH", "AUTH-RESPONSE")
            limit = AUTH_LINE_LIMIT if is_auth else COMMAND_LINE_LIMIT
            self._check_raw_limit(command, data, limit)
        self._pending.append(_Pending(command, keyword))
        if keyword == "MAIL":
            self._note_transaction(command)
        return data

    def send_data(self, message: bytes) -> bytes:
        """Send the message after ``354``: returns :func:`~smtplab.commands.encode_data`.

        The bytes end with ``CRLF.CRLF``; the server's reply (250 when it accepted the
        message) is matched to a :class:`~smtplab.commands.MailData` command.
        """
        return self.send(MailData(message))

    def start_tls(self) -> None:
        """Tell the connection that the driver finished the TLS handshake.

        Call it after the ``220`` to STARTTLS (the state goes from TLS_PENDING to
        GREETED: send EHLO again), or right after connecting for implicit TLS (port 465),
        before the greeting. Raises LocalProtocolError at any other moment, and
        RemoteProtocolError when the server sent bytes after its 220 and before TLS.
        """
        if self._tls:
            raise LocalProtocolError("TLS is already active on this connection.")
        if self._state is State.AWAIT_GREETING and self._greeting is None:
            self._tls = True
            return
        if self._state is not State.TLS_PENDING:
            raise LocalProtocolError(
                "start_tls() belongs right after connecting (implicit TLS, port 465) or "
                "right after the server's 220 to STARTTLS; the connection is now "
                f"{self._state.name} ({self._state.description})."
            )
        self._refuse_plaintext_after_starttls()
        self._tls = True
        self._state = State.GREETED

    # receiving

    def receive_data(self, data: bytes) -> None:
        """Add bytes read from the server; ``b""`` means the server closed the connection."""
        if data:
            if self._eof:
                raise LocalProtocolError(
                    "receive_data() got bytes after b'' (the end of the stream)."
                )
            parser = self._parser
            if (
                type(data) is bytes
                and not parser._buffer
                and parser._error is None
                and not parser._eof
            ):
                parser._feed_lines(data)  # what feed() does in the usual case, one call less
            else:
                parser.feed(data)
        else:
            self._eof = True
            self._parser.feed_eof()

    def next_event(self) -> Event:
        """The next :class:`Answer`, or :data:`NEED_DATA`, or :data:`CLOSED`.

        Raises RemoteProtocolError when the server broke the reply syntax (the
        connection is then CLOSED).
        """
        # The parser's next_reply(), unrolled (this runs twice for every reply).
        parser = self._parser
        if parser._replies:
            return self._process(parser._replies.popleft())
        if parser._error is not None:
            self._close("the server broke the protocol")
            raise parser._error
        if self._eof:
            self._close("the server closed the connection")
            return CLOSED
        if self._state is State.CLOSED:
            return CLOSED
        return NEED_DATA

    def events(self) -> Iterator[Answer]:
        """Every Answer available now (stops at NEED_DATA or CLOSED)."""
        while isinstance(event := self.next_event(), Answer):
            yield event

    # advice

    def is_legal(self, command: Command) -> tuple[bool, str]:
        """Whether ``command`` fits now, and if not, why: ``(True, "")`` or ``(False, why)``.

        The reason reads like the server's answer, e.g. ``"503: MAIL FROM first: RCPT
        needs a transaction (RFC 5321 §4.1.1.3)"``. Commands already sent and not yet
        answered are assumed to succeed (pipelining). Sending an illegal command is
        still allowed: the server's real answer is the lesson.
        """
        if self._state is State.CLOSED:
            return False, f"the connection is closed ({self._closed_reason}): connect again"
        if self._writing:
            if isinstance(command, MailData):
                reason = _check_data_8bit(self, command)
                return (False, reason) if reason else (True, "")
            if isinstance(command, RawCommand):
                return True, ""
            return False, (
                f"the server is reading your message (after 354): {command.text!r} would "
                "become a line of it. End the message first (send_data, or a line with a "
                "single dot)"
            )
        if self._pending:
            last = self._pending[-1]
            if last.keyword not in PIPELINE_ANYWHERE:
                return False, (
                    f"wait for the reply to {last.command.text!r} first: it may only be "
                    "the last command of a pipelined group (RFC 2920 §3.1)"
                )
            if not self._extensions.pipelining:
                return False, (
                    "wait for each reply before the next command: the server did not "
                    "announce PIPELINING (RFC 2920)"
                )
        state = self._projected_state()
        if state is State.AUTH_IN_PROGRESS and not (
            isinstance(command, AuthContinuation)
            or (isinstance(command, RawCommand) and command.keyword not in _LEGAL_IN)
        ):
            return False, _WHY_NOT_IN[state]
        keyword = self._keyword_for(command)
        legal_in = _LEGAL_IN.get(keyword)
        if legal_in is None:  # a verb this kit does not know: the server will judge
            legal_in = _SESSION
        if state not in legal_in:
            if state in _SESSION and keyword in _WHY_NOT_KEYWORD:
                return False, _WHY_NOT_KEYWORD[keyword]
            return False, _WHY_NOT.get((keyword, state), _WHY_NOT_IN[state])
        for check in _FEATURE_CHECKS:
            reason = check(self, command)
            if reason:
                return False, reason
        return True, ""

    def check_message(self, message: bytes) -> list[str]:
        """Problems of ``message`` for the current transaction, before DATA is sent.

        Unlike :meth:`is_legal` this does not depend on the moment (call it before
        DATA). Each problem reads like a server's answer: 8-bit bytes without
        ``BODY=8BITMIME`` on MAIL FROM (RFC 6152), a message over the server's SIZE
        (RFC 1870), lines over 998 octets (RFC 5321 §4.5.3.1.6). Empty when all is well.
        """
        problems: list[str] = []
        if has_8bit(message) and not self._transaction_8bit:
            problems.append(_EIGHT_BIT_WITHOUT_BODY)
        size = self._extensions.size
        if size is not None and len(message) > size:
            problems.append(
                f"552: the message ({format_size(len(message))}) is larger than the "
                f"server's limit ({format_size(size)}, RFC 1870)"
            )
        too_long = long_lines(message)
        if too_long:
            shown = ", ".join(str(number) for number in too_long[:5])
            more = f" and {len(too_long) - 5} more" if len(too_long) > 5 else ""
            problems.append(
                f"500: line(s) {shown}{more} of the message are longer than 998 octets "
                "(RFC 5321 §4.5.3.1.6)"
            )
        return problems

    def can_pipeline(self, command: Command) -> bool:
        """True when more commands may follow ``command`` before its reply (RFC 2920 §3.1).

        Needs the server's PIPELINING; then MAIL, RCPT, RSET and the message content
        may be followed by more commands, while EHLO, DATA, STARTTLS, AUTH, QUIT, NOOP
        and the rest must end a group (send them, then wait).
        """
        return self._extensions.pipelining and self._keyword_for(command) in PIPELINE_ANYWHERE

    # internals

    def _keyword_for(self, command: Command) -> str:
        # After a 334 the server reads the next line as the AUTH answer, whatever it is.
        if isinstance(command, AuthContinuation) or (
            self._state is State.AUTH_IN_PROGRESS and not self._pending
        ):
            return "AUTH-RESPONSE"
        return command.keyword

    def _projected_state(self) -> State:
        """The state once every pending command has got the reply it hopes for."""
        state = self._state
        for item in self._pending:
            klass = _EXPECTED_CLASS.get(item.keyword, 2)
            state = TRANSITIONS.get((state, item.keyword, klass), state)
        return state

    def _check_raw_limit(self, command: Command, data: bytes, limit: int) -> None:
        if len(data) > limit:
            what = {
                LINE_LIMIT: "a line of the message may have at most 1000 (RFC 5321 §4.5.3.1.6)",
                AUTH_LINE_LIMIT: "an AUTH line may have at most 12288 (RFC 4954 §4)",
                COMMAND_LINE_LIMIT: "a command line may have at most 512 (RFC 5321 §4.5.3.1.4)",
            }[limit]
            raise LocalProtocolError(
                f"the line {command.text[:40]!r}... is {len(data)} octets long (CRLF "
                f"included); {what}. Nothing was sent: shorten it."
            )

    def _note_transaction(self, command: Command) -> None:
        params = _mail_params(command)
        if isinstance(command, RawCommand):
            params = tuple(command.line.upper().split()[2:])
        self._transaction_utf8 = "SMTPUTF8" in params
        self._transaction_8bit = "BODY=8BITMIME" in params or "BODY=BINARYMIME" in params

    def _close(self, reason: str) -> None:
        if self._state is not State.CLOSED:
            self._state = State.CLOSED
            self._closed_reason = reason
        self._writing = False

    def _refuse_plaintext_after_starttls(self) -> None:
        if self._parser.buffered or self._parser.replies_waiting:
            self._close("bytes arrived between STARTTLS and the TLS handshake")
            raise RemoteProtocolError(
                "the server sent more bytes after its 220 to STARTTLS, before TLS began. "
                "Bytes from that moment could have been injected by an attacker on the "
                "network and would be trusted as if they came through TLS (the STARTTLS "
                "injection flaw, CVE-2011-0411 and its kin), so the kit stops here."
            )

    def _process(self, reply: Reply) -> Answer:
        if self._state is State.AWAIT_GREETING and self._greeting is None:
            self._greeting = reply
            answer = Answer(None, reply, greeting=True)
            keyword: str | None = GREETING
        elif self._pending:
            item = self._pending.popleft()
            answer = Answer(item.command, reply)
            keyword = item.keyword
        else:
            answer = Answer(None, reply)
            keyword = None
        if reply.code == 421:
            self._close(f"the server closed the session with 421: {reply.text}".rstrip(": "))
            return answer
        if keyword is None:
            return answer
        klass = reply.code // 100
        self._state = TRANSITIONS.get((self._state, keyword, klass), self._state)
        effect = _EFFECTS.get((keyword, klass))
        if effect is not None:
            effect(self, reply)
        return answer

    def _after_ehlo(self, reply: Reply) -> None:
        self._extensions = Extensions.parse(reply)

    def _after_helo(self, reply: Reply) -> None:
        words = reply.lines[0].split() if reply.lines else []
        self._extensions = Extensions.none(words[0] if words else "")

    def _after_starttls(self, reply: Reply) -> None:
        self._extensions = Extensions.none()
        self._authenticated = False
        self._refuse_plaintext_after_starttls()

    def _after_auth(self, reply: Reply) -> None:
        self._authenticated = True

    def _after_354(self, reply: Reply) -> None:
        self._writing = True

    def _after_221(self, reply: Reply) -> None:
        self._closed_reason = f"the server said goodbye: {reply.code} {reply.text}".strip()


_EFFECTS: dict[tuple[str, int], Callable[[ClientConnection, Reply], None]] = {
    ("EHLO", 2): ClientConnection._after_ehlo,
    ("HELO", 2): ClientConnection._after_helo,
    ("STARTTLS", 2): ClientConnection._after_starttls,
    ("AUTH", 2): ClientConnection._after_auth,
    ("AUTH-RESPONSE", 2): ClientConnection._after_auth,
    ("DATA", 3): ClientConnection._after_354,
    ("QUIT", 2): ClientConnection._after_221,
}
"""What a reply does besides moving the state: ``(keyword, class) -> effect``."""
