"""The SMTP dialogue, client side, without any I/O (sans-I/O, like h11).

Everything that decides how the dialogue goes lives in this module (docs/ARCHITECTURE.md):
which reply answers which command, the state the session is in, and what each line sent
is (a command, an answer to AUTH, a line of the message). The client, the transcript, the
lab's session log and the exercise checks ask it instead of working it out again.

A driver (:mod:`smtplab.client`) moves the bytes::

    conn = ClientConnection(on_event=transcript.record)
    conn.receive_data(b"220 lab.smtplab.test ESMTP\\r\\n")
    conn.next_event()        # Answer(reply=<220 ...>, role="GREETING")
    sock.sendall(conn.send(Ehlo("learner.example")))
    conn.receive_data(sock.recv(65536))
    conn.next_event()        # Answer(reply=<250 ...>, command=Ehlo(...)) or NEED_DATA

Events
    ``next_event()`` returns an :class:`Answer` (a whole reply and the command it
    answers; replies are matched to commands in the order they were sent, so pipelined
    commands, RFC 2920, get their own), :data:`NEED_DATA` (read more bytes) or
    :data:`CLOSED` (the server closed the connection, or said 221/421). Every line sent
    (:class:`Sent`), reply (:class:`Answer`) and the start of TLS (:class:`TLSStarted`)
    goes to ``on_event``: the stream a transcript records. Each event carries the
    :class:`Context` of its moment (TLS on?, the extensions, the AUTH exchange), so it
    can be explained without replaying the session.

States
    :class:`State` follows RFC 5321 §4.1.4 and §3.3; each reply moves it through one
    table, :data:`TRANSITIONS`, keyed by ``(state, role, reply class)``; a 421 closes the
    session from any state.

Mistakes allowed
    :meth:`ClientConnection.send` sends a command even when it is out of place, so you
    see the server's real 503 (:meth:`~ClientConnection.is_legal` says it beforehand).
    Only what would break the protocol raises LocalProtocolError (CR/LF/NUL inside a
    command, an over-long line, sending on a closed connection). The server's mistakes
    raise RemoteProtocolError from ``next_event``, after the good replies that came
    before the bad bytes (the connection is then CLOSED).

The message and TLS
    After 354 the server reads the message until a line with a single dot:
    :meth:`~ClientConnection.send_data` sends a whole message, or you send it line by
    line with RawCommand (no dot-stuffing is done for you then: that is the lesson).
    After 220 to STARTTLS, do the handshake and call :meth:`~ClientConnection.start_tls`
    (the session starts again: EHLO again, RFC 3207 §4.2); for implicit TLS (port 465)
    call it before the greeting. Bytes that arrive between the 220 and TLS are refused:
    an attacker may have injected them.

Bytes only
    :class:`SessionReader` reads a session that exists only as bytes (a learner's raw
    socket) through this same code; :func:`next_line_end`, the way a server cuts the
    client's bytes, is its rule and the lab's session log's.
"""

from __future__ import annotations

import time as _time
from collections import deque
from collections.abc import Callable, Iterator
from typing import NamedTuple

from . import legality, secrecy
from .auth import b64decode_text
from .commands import (
    AUTH_LINE_LIMIT,
    COMMAND_LINE_LIMIT,
    LIMIT_RULE,
    AuthContinuation,
    Command,
    MailData,
    RawCommand,
    keyword_of,
)
from .data_encoding import LINE_LIMIT, split_lines
from .errors import LocalProtocolError, RemoteProtocolError
from .events import (
    CLOSED,
    GREETING,
    NEED_DATA,
    Answer,
    AuthStep,
    Context,
    Event,
    Noise,
    Record,
    Sent,
    State,
    TLSInfo,
    TLSStarted,
)
from .extensions import Extensions
from .i18n import _
from .printable import printable
from .replies import Reply
from .reply_parser import ReplyParser

__all__ = ["ReplyParser"]

# --- states and the transition table ---------------------------------------------------------


_S = State
_OPEN = tuple(state for state in State if state is not State.CLOSED)
_SESSION = (_S.GREETED, _S.READY, _S.MAIL, _S.RCPT)  # the server reads commands

# (states, role, reply classes, next state). A reply not listed leaves the state as it
# was (a refused command changes nothing); a 421 closes from anywhere.
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
    (state, role, klass): target
    for states, role, classes, target in _RULES
    for state in states
    for klass in classes
}
"""``(state, role, reply class) -> next state``."""

PIPELINE_ANYWHERE: frozenset[str] = frozenset(
    {"MAIL", "RCPT", "RSET", "SEND", "SOML", "SAML", "MAIL-DATA"}
)
"""Roles that more commands may follow before their reply (RFC 2920 §3.1). EHLO, DATA,
VRFY, EXPN, TURN, QUIT, NOOP and other extensions' commands (STARTTLS, AUTH) may only be
the last command of a group."""

_EXPECTED_CLASS = {"DATA": 3, "AUTH": 3, GREETING: 2}
_RAW_LIMITS = {
    "MESSAGE-LINE": LINE_LIMIT,
    "AUTH": AUTH_LINE_LIMIT,
    "AUTH-RESPONSE": AUTH_LINE_LIMIT,
}


# --- the connection --------------------------------------------------------------------------


class _Pending(NamedTuple):
    """A command sent and not answered yet, with the role its reply is matched by."""

    command: Command | None
    role: str
    heard: int = 0  # the replies that had begun to arrive when it was sent: none answers it


_HELLOS = frozenset({"EHLO", "HELO", "LHLO"})


class ClientConnection:
    """One SMTP session, client side, with no I/O (see the module docstring): ``on_event``
    (e.g. ``transcript.record``) receives every event, in order, as it happens."""

    def __init__(self, on_event: Callable[[Record], None] | None = None) -> None:
        self.on_event = on_event
        self._parser = ReplyParser()
        self._state = State.AWAIT_GREETING
        self._pending: deque[_Pending] = deque()
        self._context = Context()
        self._last_hello: tuple[Reply, bool] | None = None
        self._writing = False  # after 354, until the end of the message is sent
        self._greeting: Reply | None = None
        self._eof = False
        self._closed_reason = ""
        self._goodbye: Reply | None = None  # the reply to QUIT, read when the reason is asked
        self._taken = 0  # replies taken by next_event(), the greeting included
        self.secret_sent = False  # True once a line holding a secret went out

    # what the driver reads

    @property
    def state(self) -> State:
        """Where the dialogue stands, after every reply taken with next_event()."""
        return self._state

    @property
    def context(self) -> Context:
        """What the session knows now (TLS, extensions, the AUTH exchange...)."""
        return self._context

    @property
    def extensions(self) -> Extensions:
        """The server's extensions from its last EHLO reply (none before, after STARTTLS)."""
        return self._context.extensions

    @property
    def tls_active(self) -> bool:
        """True once the driver called start_tls()."""
        return self._context.tls

    @property
    def authenticated(self) -> bool:
        """True once AUTH succeeded (235)."""
        return self._context.authenticated

    @property
    def greeting(self) -> Reply | None:
        """The server's greeting, once received."""
        return self._greeting

    @property
    def pending(self) -> tuple[Command | None, ...]:
        """Commands sent and not answered yet, oldest first (several when pipelining)."""
        return tuple(item.command for item in self._pending)

    @property
    def writing_message(self) -> bool:
        """True after 354, until the end of the message (the final dot) is sent."""
        return self._writing

    @property
    def closed_reason(self) -> str:
        """Why the connection is CLOSED (empty while it is open)."""
        if self._goodbye is None:
            return self._closed_reason
        said = printable(self._goodbye.text, newlines=True)
        goodbye = _("the server said goodbye: {code} {said}")
        return goodbye.format(code=self._goodbye.code, said=said).strip()

    @property
    def transaction_utf8(self) -> bool:
        """True when the open transaction's MAIL FROM declared SMTPUTF8 (RFC 6531)."""
        return self._context.smtputf8

    @property
    def transaction_8bit(self) -> bool:
        """True when the open transaction's MAIL FROM declared BODY=8BITMIME (RFC 6152)."""
        return self._context.eight_bit

    # sending

    def send(self, command: Command) -> bytes:
        """Note that ``command`` is sent and return the bytes to write.

        Out-of-place commands are sent all the same (see :meth:`is_legal`). After 354,
        what you send is a line of the message (no reply), except the end of the message
        (a MailData, or a raw ``"."`` line). Raises LocalProtocolError on a closed
        connection or a line over the limit of the moment.
        """
        if self._state is State.CLOSED or not isinstance(command, Command):
            raise self._cannot_send(command)
        data = command.render()
        role = self._role_for(command, data)
        if role == "MESSAGE-LINE" or (isinstance(command, RawCommand) and role != "MAIL-DATA"):
            self._check_raw_limit(command, data, role)
        self._sent(data, role, command)
        return data

    def _cannot_send(self, command: object) -> LocalProtocolError:
        if not isinstance(command, Command):
            text = _(
                "send() takes a command such as Ehlo('learner.example') or "
                "RawCommand('NOOP'), not {type} {command}."
            )
            return LocalProtocolError(
                text.format(type=type(command).__name__, command=repr(command))
            )
        closed = _("the connection is closed ({reason}); nothing was sent. Connect again to go on.")
        return LocalProtocolError(closed.format(reason=self.closed_reason))

    def send_data(self, message: bytes) -> bytes:
        """Send the message after 354: the bytes of :func:`~smtplab.data_encoding.encode_data`,
        ending with ``CRLF.CRLF``; its reply is matched to a MailData command."""
        return self.send(MailData(message))

    def start_tls(self, info: TLSInfo | None = None, *, time: float | None = None) -> None:
        """Tell the connection that the TLS handshake is done (``info``: what it gave).

        Call it after the 220 to STARTTLS (the state goes from TLS_PENDING to GREETED:
        send EHLO again), or right after connecting for implicit TLS, before the greeting.
        Raises LocalProtocolError at any other moment, and RemoteProtocolError when the
        server sent bytes after its 220 and before TLS.
        """
        if self._context.tls:
            raise LocalProtocolError(_("TLS is already active on this connection."))
        implicit = self._state is State.AWAIT_GREETING and self._greeting is None
        if not implicit and self._state is not State.TLS_PENDING:
            raise LocalProtocolError(
                _(
                    "start_tls() belongs right after connecting (implicit TLS, port 465) or "
                    "right after the server's 220 to STARTTLS; the connection is now "
                    "{state} ({description})."
                ).format(state=self._state.name, description=self._state.description)
            )
        if not implicit:
            self._refuse_plaintext_after_starttls()
            self._state = State.GREETED
        self._context = self._context._replace(
            tls=True, tls_since_hello=self._last_hello is not None, auth=None
        )
        self._emit(TLSStarted(info, implicit, self._context, _now(time)))

    # receiving

    def receive_data(self, data: bytes) -> None:
        """Add bytes read from the server; ``b""`` means the server closed the connection.

        Never raises for the server's mistakes: those come out of :meth:`next_event`.
        """
        if not data:
            self._eof = True
            self._parser.feed_eof()
        elif self._eof:
            raise LocalProtocolError(
                _("receive_data() got bytes after b'' (the end of the stream).")
            )
        elif not self._parser.failed:
            self._parser.feed(data)

    def next_event(self, *, time: float | None = None) -> Event:
        """The next :class:`Answer`, or :data:`NEED_DATA`, or :data:`CLOSED`.

        Raises RemoteProtocolError when the server broke the reply syntax (the
        connection is then CLOSED).
        """
        try:
            reply = self._parser.next_reply()
        except RemoteProtocolError:
            self._close(_("the server broke the protocol"))
            raise
        if reply is not None:
            return self._process(reply, _now(time))
        if self._eof:
            self._close(_("the server closed the connection"))
            return CLOSED
        return CLOSED if self._state is State.CLOSED else NEED_DATA

    def events(self) -> Iterator[Answer]:
        """Every Answer available now (stops at NEED_DATA or CLOSED)."""
        while isinstance(event := self.next_event(), Answer):
            yield event

    # advice

    def is_legal(self, command: Command) -> tuple[bool, str]:
        """Whether ``command`` fits now, and if not, why: ``(True, "")`` or ``(False, why)``.

        The reason reads like the server's answer (``"503: MAIL FROM first: ..."``).
        Commands already sent and not yet answered are assumed to succeed (pipelining).
        Sending an illegal command is still allowed: the server's real answer is the lesson.
        """
        if self._state is State.CLOSED:
            closed = _("the connection is closed ({reason}): connect again")
            return False, closed.format(reason=self.closed_reason)
        if self._writing:
            if isinstance(command, MailData):
                reason = legality.message_problems(self, command.message)[:1]
                return (False, reason[0]) if reason else (True, "")
            if isinstance(command, RawCommand):
                return True, ""
            return False, _(
                "the server is reading your message (after 354): {command} would "
                "become a line of it. End the message first (send_data, or a line with a "
                "single dot)"
            ).format(command=repr(command.text))
        if self._pending:
            last = self._pending[-1]
            if last.role not in PIPELINE_ANYWHERE:
                text = last.command.text if last.command is not None else last.role
                return False, _(
                    "wait for the reply to {command} first: it may only be the last command "
                    "of a pipelined group (RFC 2920 §3.1)"
                ).format(command=repr(text))
            if not self.extensions.pipelining:
                return False, _(
                    "wait for each reply before the next command: the server did not "
                    "announce PIPELINING (RFC 2920)"
                )
        state = self._projected_state()
        role = self._role_for(command, b"")
        if role == "AUTH-RESPONSE" and not isinstance(command, AuthContinuation):
            role = command.keyword if legality.known_command(command) else role
        reason = legality.why_not(self, command, role, state)
        return (False, reason) if reason else (True, "")

    def check_message(self, message: bytes) -> list[str]:
        """Problems of ``message`` for the current transaction, before DATA is sent.

        Each is the kit's own finding (no reply code in front): 8-bit bytes without
        ``BODY=8BITMIME`` on MAIL FROM (RFC 6152), a message over the server's SIZE
        (RFC 1870), lines over 998 octets (RFC 5321 §4.5.3.1.6). Empty when all is well.
        """
        return legality.message_problems(self, message)

    def can_pipeline(self, command: Command) -> bool:
        """True when more commands may follow ``command`` before its reply (RFC 2920 §3.1):
        the server offers PIPELINING and the command is MAIL, RCPT, RSET or the message."""
        return self.extensions.pipelining and self._role_for(command, b"") in PIPELINE_ANYWHERE

    # internals: what a line is, and what a reply does

    def _role_for(self, command: Command | None, data: bytes) -> str:
        """The role of ``command``, or with none (see SessionReader) of the line ``data``
        read from bytes."""
        if self._writing:
            end = isinstance(command, MailData) or data == b".\r\n"
            return "MAIL-DATA" if end else "MESSAGE-LINE"
        if isinstance(command, AuthContinuation) or self._answering_auth():
            return "AUTH-RESPONSE"
        if command is None:
            return _role_of_text(data.decode("utf-8", "replace"))
        return command.keyword or _role_of_text(command.text)

    def _answering_auth(self) -> bool:
        """True while the next line is an answer of the AUTH exchange: the mechanism
        expects one (LOGIN's user name and password) or a 334 asked for one."""
        step = self._context.auth
        return step is not None and secrecy.is_auth_answer(
            step.mechanism, step.initial_response, step.answers, step.prompts
        )

    def _sent(
        self,
        data: bytes,
        role: str,
        command: Command | None,
        time: float | None = None,
        complete: bool = True,
        secret: bool = False,
    ) -> None:
        """Record that ``data`` went out in ``role``: the pending queue, the AUTH
        exchange, the transaction; then hand the :class:`Sent` event on. ``secret``:
        the line was marked secret by hand."""
        context, kind = self._context, None
        if role in ("AUTH", "AUTH-RESPONSE"):
            context, kind = self._auth_sent(data, role, complete)
        elif role in _HELLOS:
            context = context._replace(hellos=context.hellos + 1)
        elif role == "MAIL":
            params = data.decode("utf-8", "replace").upper().split()[2:]
            eight_bit = "BODY=8BITMIME" in params or "BODY=BINARYMIME" in params
            context = context._replace(smtputf8="SMTPUTF8" in params, eight_bit=eight_bit)
        if kind is None and (secret or getattr(command, "secret", None) is True):
            kind = "password"  # marked secret by hand: hidden as a password would be
        self._context = context
        waiting = self._pending[-1].role if self._pending else None
        if waiting is None and self._state is State.AWAIT_GREETING and self._greeting is None:
            waiting = GREETING  # a line sent before the greeting: an early talker
        if role == "MAIL-DATA":
            self._writing = False
        if role != "MESSAGE-LINE":
            heard = self._taken + self._parser.replies_waiting + bool(self._parser.buffered)
            self._pending.append(_Pending(command, role, heard))
        if kind:
            self.secret_sent = True  # a reply from now on may echo it
        payload = secrecy.Secret(data, kind) if kind else data  # never held in clear
        self._emit(Sent(payload, role, command, kind, waiting, context, _now(time), complete))

    def _auth_sent(self, data: bytes, role: str, complete: bool) -> tuple[Context, str | None]:
        """The AUTH exchange after a line of it went out, and the secret that line holds."""
        if role == "AUTH":
            words = data.decode("utf-8", "replace").split()
            mechanism = words[1].upper() if len(words) > 1 else "?"
            initial = words[2] if len(words) > 2 else None
            context = self._context._replace(auth=AuthStep(mechanism, initial is not None))
            return context, secrecy.auth_line_secret(mechanism, initial, complete)
        step = self._context.auth or AuthStep("?", False)
        step = step._replace(answers=step.answers + 1)
        answer = data.decode("utf-8", "replace")
        kind = secrecy.answer_secret(
            step.mechanism, step.answers, step.initial_response, step.prompt, answer, complete
        )
        return self._context._replace(auth=step), kind

    def _process(self, reply: Reply, now: float) -> Answer:
        number, self._taken = self._taken, self._taken + 1
        if self._state is State.AWAIT_GREETING and self._greeting is None:
            self._greeting = reply
            command, role = None, GREETING
        elif self._pending and number >= self._pending[0].heard:
            command, role, _heard = self._pending.popleft()
        else:  # nothing was waiting for it, or it came before the command: an early talker
            command, role = None, ""
        if reply.code == 421:
            self._close_with_421(reply)
        elif role or reply.code == 334:  # a 334 alone opens an AUTH exchange too
            klass = reply.code // 100
            self._state = TRANSITIONS.get((self._state, role, klass), self._state)
            if role in ("AUTH", "AUTH-RESPONSE") or reply.code == 334:
                self._after_auth_reply(reply)
            elif role in _HELLOS and klass == 2:
                self._after_hello(role, reply)
            elif role == "STARTTLS" and klass == 2:
                self._context = self._context._replace(
                    extensions=Extensions.none(), authenticated=False
                )
                self._refuse_plaintext_after_starttls()
            elif role == "DATA" and reply.code == 354:
                self._writing = True
            elif role == "QUIT" and klass == 2:
                self._goodbye = reply
        answer = Answer(reply, command, role, self._state, self._context, now)
        self._emit(answer)
        return answer

    def _close_with_421(self, reply: Reply) -> None:
        said = printable(reply.text, newlines=True)  # quoted in errors: shown safely
        closed = _("the server closed the session with 421")
        if said:
            closed = _("the server closed the session with 421: {said}").format(said=said)
        self._close(closed.rstrip(": "))

    def _after_auth_reply(self, reply: Reply) -> None:
        step = self._context.auth or AuthStep("?", False)
        if reply.code == 334:
            text = reply.text.strip()
            prompt = b64decode_text(text) if text else ""
            step = step._replace(prompts=step.prompts + 1, prompt=prompt)
            self._context = self._context._replace(auth=step)
        else:
            success = reply.code // 100 == 2 or self._context.authenticated
            self._context = self._context._replace(auth=None, authenticated=success)

    def _after_hello(self, role: str, reply: Reply) -> None:
        if role == "HELO":
            words = reply.lines[0].split() if reply.lines else []
            extensions = Extensions.none(words[0] if words else "")
        else:
            extensions = Extensions.parse(reply)
        earlier, self._last_hello = self._last_hello, (reply, self._context.tls)
        self._context = self._context._replace(
            extensions=extensions,
            earlier_hello=earlier[0] if earlier else None,
            earlier_tls=earlier[1] if earlier else False,
            tls_since_hello=False,
        )

    def _projected_state(self) -> State:
        """The state once every pending command has got the reply it hopes for."""
        state = self._state
        for item in self._pending:
            klass = _EXPECTED_CLASS.get(item.role, 2)
            state = TRANSITIONS.get((state, item.role, klass), state)
        return state

    def _check_raw_limit(self, command: Command, data: bytes, role: str) -> None:
        """Refuse a line typed by hand over the limit of its role (RFC 5321, RFC 4954)."""
        limit = _RAW_LIMITS.get(role, COMMAND_LINE_LIMIT)
        if len(data) > limit:
            raise LocalProtocolError(
                _(
                    "the line {line}... is {length} octets long (CRLF included); {rule} "
                    "Nothing was sent: shorten it."
                ).format(line=repr(command.text[:40]), length=len(data), rule=_(LIMIT_RULE[limit]))
            )

    def _close(self, reason: str) -> None:
        if self._state is not State.CLOSED:
            self._state = State.CLOSED
            self._closed_reason = reason
        self._writing = False

    def _refuse_plaintext_after_starttls(self) -> None:
        if self._parser.buffered or self._parser.replies_waiting:
            self._close(_("bytes arrived between STARTTLS and the TLS handshake"))
            raise RemoteProtocolError(
                _(
                    "the server sent more bytes after its 220 to STARTTLS, before TLS began. "
                    "Bytes from that moment could have been injected by an attacker on the "
                    "network and would be trusted as if they came through TLS (the STARTTLS "
                    "injection flaw, CVE-2011-0411 and its kin), so the kit stops here."
                )
            )

    def _emit(self, record: Record) -> None:
        if self.on_event is not None:
            self.on_event(record)


def _role_of_text(text: str) -> str:
    """A line's role from its words: the command keyword, else its first word
    upper-cased (``"X-TOKEN"``), else ``"?"`` (an empty line). Never ``""``, which an
    answer uses for "answers nothing"."""
    words = text.split(None, 1)
    return keyword_of(text) or (words[0].upper() if words else "?")


def _now(time: float | None) -> float:
    return _time.monotonic() if time is None else time


# --- sessions that exist only as bytes -----------------------------------------------------


def next_line_end(pending: bytes | bytearray, in_message: bool, at_line_start: bool = True) -> int:
    """The end of what a server reads next from ``pending`` (0: it has not all come): a
    command ends at LF, the message (``in_message``) after its line ``.``; a ``.`` that
    begins ``pending`` ends it only ``at_line_start``. SessionReader's and the lab's."""
    if not in_message:
        return pending.find(b"\n") + 1
    if at_line_start and pending.startswith(b".\r\n"):
        return 3
    end = pending.find(b"\r\n.\r\n")
    return end + 5 if end >= 0 else 0


class SessionReader:
    """Read a session that exists only as bytes with the client's own protocol code.

    Feed it what the client sent (:meth:`client_bytes`) and what the server sent
    (:meth:`server_bytes`) in the order they happened, :meth:`start_tls` when the bytes
    start to travel inside TLS, and :meth:`close` at the end; ``on_event`` receives the
    same events a client's connection gives. The client's bytes are cut the way a server
    reads them: a command ends at LF, the message after 354 at the line ``.``; like a
    server, the reader takes the next line only once the reply to DATA has come. Nothing
    here raises for what a peer sent: bytes from the server that are not SMTP become a
    :class:`Noise` event.
    """

    def __init__(self, on_event: Callable[[Record], None] | None = None) -> None:
        self.connection = ClientConnection(on_event)
        self._client = bytearray()
        self._time: float | None = None

    def client_bytes(self, data: bytes, *, time: float | None = None) -> None:
        """Bytes the client sent."""
        self._client += data
        self._time = time
        self._cut()

    def sent(
        self,
        data: bytes,
        *,
        time: float | None = None,
        whole_message: bool = False,
        secret: bool = False,
    ) -> None:
        """Bytes the client sent in one go, as the client sees them: each line is a
        command (or, after 354, a line of the message typed on its own); with
        ``whole_message`` they are the whole message (dot-stuffed, ending with
        CRLF.CRLF). ``secret`` marks every line secret."""
        connection = self.connection
        if whole_message:
            connection._sent(data, "MAIL-DATA", None, time, secret=secret)
            return
        for line in split_lines(data, keep_ends=True) or [data]:
            connection._sent(line, connection._role_for(None, line), None, time, secret=secret)

    def server_bytes(self, data: bytes, *, time: float | None = None) -> None:
        """Bytes the server sent."""
        connection = self.connection
        if connection._parser.failed:
            connection._emit(Noise(bytes(data), _("after bytes that were not SMTP"), _now(time)))
            return
        connection.receive_data(data)
        try:
            while isinstance(connection.next_event(time=time), Answer):
                pass
        except RemoteProtocolError as error:
            connection._emit(Noise(bytes(data), str(error), _now(time)))
        self._cut()

    def start_tls(self, info: TLSInfo | None = None, *, time: float | None = None) -> None:
        """From now on the bytes travel inside TLS (after STARTTLS, or implicit TLS)."""
        connection = self.connection
        if connection.tls_active:
            return
        if connection.state is not State.TLS_PENDING and connection.greeting is not None:
            connection._state = State.TLS_PENDING  # a server that skipped the 220: go on
        connection.start_tls(info, time=time)

    def close(self, *, time: float | None = None) -> None:
        """The connection ended: bytes without their line end are recorded as cut short."""
        rest, self._client = bytes(self._client), bytearray()
        if rest:
            self.connection._sent(rest, self._role_of(rest), None, time, complete=False)

    def _role_of(self, line: bytes) -> str:
        connection = self.connection
        return "MAIL-DATA" if connection.writing_message else connection._role_for(None, line)

    def _cut(self) -> None:
        connection, pending = self.connection, self._client
        while pending:
            if any(item.role == "DATA" for item in connection._pending):
                return  # a server reads on only after its reply to DATA
            end = next_line_end(pending, connection.writing_message)
            if not end:
                return
            line = bytes(pending[:end])
            del pending[:end]
            connection._sent(line, self._role_of(line), None, self._time)
