"""aiosmtpd's SMTP protocol, made to behave like a real provider's server.

:class:`LabSMTP` subclasses :class:`aiosmtpd.smtp.SMTP` and changes only what a lesson
needs, each at one place:

* every reply passes through :meth:`LabSMTP.push`, which adds RFC 3463 enhanced codes
  (:meth:`LabPolicy.finish_reply`), applies the CONNECT fault to the greeting and closes
  the connection after any 421;
* every command method is wrapped (:meth:`LabSMTP._lab_step`, once for the class) so
  faults can replace or delay its answer, and a second STARTTLS is refused;
* ``data_received`` and the stream writer's ``write`` feed the session log with the bytes
  really received and sent;
* AUTH LOGIN prompts are ``334 VXNlcm5hbWU6`` / ``334 UGFzc3dvcmQ6`` (base64 of
  ``Username:`` / ``Password:``) as providers send; a wrong password gets ``535 5.7.8``
  (the authenticator returns ``handled=False``: aiosmtpd sends nothing for ``True``);
* the implicit-TLS port is served by :class:`ImplicitTLSAcceptor`, which keeps the raw
  socket transport (so stopping the lab can close a connection whose handshake never
  finished) and wraps it in TLS the way asyncio itself does. There aiosmtpd does not
  know the connection is encrypted, so AUTH is allowed without its own TLS check
  (``auth_require_tls=False``; aio-libs/aiosmtpd#281) and the lab tracks TLS itself.

Nothing here refers to :class:`~smtplab.lab.server.LabServer`: the protocol objects share
a :class:`LabContext`, so a LabServer nobody uses any more can be garbage-collected (and
stopped) even while connections are open.
"""

from __future__ import annotations

import asyncio
import asyncio.sslproto as sslproto
import collections
import functools
import hmac
import re
import secrets
import ssl
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, AnyStr

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session, TLSSetupException

from .faults import Fault, FaultBook
from .inbox import Inbox, ReceivedMessage
from .policy import SUPPORTED_AUTH_MECHANISMS, LabPolicy
from .sessionlog import SessionRecorder, SessionStore

_UNKNOWN_COMMAND_ECHO = re.compile(r'^500 Error: command ".*" not recognized$', re.M)

# A MAIL FROM / RCPT TO path in its plainest form, ``<local@domain>`` with ASCII dot-atoms
# (RFC 5321 §4.1.2): what nearly every client sends. See LabSMTP._getaddr.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_PATH = re.compile(rf"<({_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*)>")
_FWS_START = (" ", "\t", "(")

_REPLY_CACHE_SIZE = 256
_READ_BUFFER_SIZE = 256 * 1024  # what asyncio reads at most per recv() by default

__all__ = ["ImplicitTLSAcceptor", "LabContext", "LabSMTP", "describe_tls_failure"]

_BODY_LOG_SLACK = 64 * 1024

TLS_CLOSE_GRACE = 1.0
"""Seconds a TLS connection may take to close after QUIT or a 421 before the lab closes
the socket itself (asyncio would otherwise wait 30 s for the client's close_notify)."""


@dataclass
class LabContext:
    """What every connection of one lab shares (and nothing that points to the LabServer)."""

    policy: LabPolicy
    users: dict[str, str]
    inbox: Inbox
    sessions: SessionStore
    faults: FaultBook
    server_tls: ssl.SSLContext
    errors: deque[str] = field(default_factory=lambda: deque(maxlen=200))
    live: set[LabSMTP] = field(default_factory=set)

    def __post_init__(self) -> None:
        # The finished bytes of the replies the lab sends again and again ("250 2.1.0
        # OK"...), computed once: the policy is fixed for the lab's life. The same bytes
        # object then goes into every session log that records the reply.
        self.reply_bytes: Callable[[str, str | None], bytes] = functools.lru_cache(
            maxsize=_REPLY_CACHE_SIZE
        )(functools.partial(reply_wire, self.policy))
        # Every connection of the lab reads into this one buffer (LabSMTP.get_buffer):
        # the lab's event loop runs in one thread and each read is handed on at once.
        self.read_buffer = memoryview(bytearray(_READ_BUFFER_SIZE))

    def record_error(self, text: str) -> None:
        """Keep an internal error for ``lab.errors`` (the server thread never prints)."""
        stamp = datetime.now(timezone.utc).strftime("%H:%M:%S")
        self.errors.append(f"{stamp} {text}")

    def loop_exception_handler(
        self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]
    ) -> None:
        """The event loop's exception handler: record, never print."""
        exception = context.get("exception")
        message = context.get("message", "error in the lab's event loop")
        self.record_error(f"{message}: {exception!r}" if exception else str(message))

    def check_login(self, login: str, password: str) -> str | None:
        """The account name if ``login``/``password`` are right, else None.

        ``login`` is an account name (``student``) or the same at the lab's hostname
        (``student@lab.smtplab.test``), since providers log in with the full address.
        """
        names = [login]
        suffix = "@" + self.policy.hostname.lower()
        if login.lower().endswith(suffix):
            names.append(login[: -len(suffix)])
        for name in names:
            expected = self.users.get(name)
            if expected is not None and hmac.compare_digest(
                password.encode("utf-8"), expected.encode("utf-8")
            ):
                return name
        return None


def reply_wire(policy: LabPolicy, text: str, command: str | None) -> bytes:
    """``text`` (one or more reply lines to ``command``) as the lab sends it: every line
    finished by :meth:`LabPolicy.finish_reply`, with CRLF, in UTF-8 (``surrogateescape``:
    a look-alike's GBK bytes pass through)."""
    finish = policy.finish_reply
    wire = "".join(finish(line, command) + "\r\n" for line in text.splitlines() or [""])
    return wire.encode("utf-8", "surrogateescape")


def describe_tls_failure(error: BaseException | None, timeout: float) -> str:
    """Say in words why a TLS handshake failed, from the server's side."""
    if error is None:
        return "the client closed the connection during the TLS handshake"
    if isinstance(error, ssl.SSLError):
        reason = error.reason or type(error).__name__
        hints = {
            "HTTP_REQUEST": "the client spoke plain text on a TLS port",
            "WRONG_VERSION_NUMBER": "the client spoke plain text on a TLS port",
            "TLSV1_ALERT_UNKNOWN_CA": "the client does not trust the lab's CA",
            "SSLV3_ALERT_BAD_CERTIFICATE": "the client rejected the lab's certificate",
            "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "the client rejected the lab's certificate "
            "(often: the name it connected to is not in the certificate)",
        }
        hint = hints.get(reason)
        return f"TLS handshake failed: {reason}" + (f" ({hint})" if hint else "")
    if isinstance(error, (asyncio.TimeoutError, TimeoutError)) or "longer than" in str(error):
        return (
            f"TLS handshake failed: the client sent no TLS handshake within {timeout:g} s "
            "(a plain-text client on the implicit-TLS port waits for a greeting that a TLS "
            "server never sends first)"
        )
    return f"TLS handshake failed: {type(error).__name__}: {error}"


class _LabHandler:
    """The aiosmtpd handler: a thin adapter that calls back into :class:`LabSMTP`."""

    def __init__(self, protocol: LabSMTP) -> None:
        self._protocol = protocol

    async def handle_EHLO(
        self,
        server: LabSMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        """Answer EHLO with the policy's keywords (and PIPELINING, ENHANCEDSTATUSCODES)."""
        return server._lab_ehlo(hostname)

    async def handle_DATA(self, server: LabSMTP, session: Session, envelope: Envelope) -> str:
        """Put the message in the inbox (or apply a DATA_END fault)."""
        return await server._lab_deliver(envelope)

    async def handle_exception(self, error: Exception) -> str:
        """Turn an unexpected error into a 4xx reply; record it, never print it."""
        return self._protocol._lab_exception(error)


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    assert isinstance(server, LabSMTP)
    return server._lab_login(auth_data)


class LabSMTP(SMTP, asyncio.BufferedProtocol):
    """One SMTP connection of the lab (see the module docstring).

    It is also an :class:`asyncio.BufferedProtocol`: asyncio then reads each chunk into
    the lab's one read buffer (:meth:`get_buffer`) instead of allocating 256 KiB for
    every ``recv()``, which glibc may serve with a fresh ``mmap`` each time once the lab
    keeps messages in memory (three more system calls and page faults per read).
    """

    AuthLoginUsernameChallenge = "Username:"
    AuthLoginPasswordChallenge = "Password:"

    def __init__(
        self, context: LabContext, *, implicit_tls: bool, loop: asyncio.AbstractEventLoop
    ) -> None:
        policy = context.policy
        # aiosmtpd keeps these limits in a dict shared by every instance; keep ours apart.
        self.command_size_limits = collections.defaultdict(lambda: SMTP.command_size_limit)
        self._lab = context
        self._lab_implicit_tls = implicit_tls
        self._lab_raw_transport: asyncio.BaseTransport | None = None
        self._lab_greeted = False
        self._lab_command: str | None = None
        self._lab_lost = False
        self._lab_closing = False
        self._lab_held: list[bytes] = []
        self._lab_session = context.sessions.open("tls" if implicit_tls else "plain")
        self._lab_recorder = SessionRecorder(
            self._lab_session, body_limit=policy.size_limit + _BODY_LOG_SLACK
        )
        super().__init__(
            _LabHandler(self),
            data_size_limit=policy.size_limit,
            enable_SMTPUTF8=policy.smtputf8,
            decode_data=False,
            hostname=policy.hostname,
            ident=policy.greeting,
            tls_context=None if implicit_tls else context.server_tls,
            require_starttls=policy.require_tls and not implicit_tls,
            timeout=policy.idle_timeout,
            auth_required=False,  # checked by check_auth_needed() below, on both ports
            auth_require_tls=not implicit_tls,
            auth_exclude_mechanism=[
                m for m in SUPPORTED_AUTH_MECHANISMS if m not in policy.auth_mechanisms
            ],
            authenticator=_authenticate,
            loop=loop,
        )

    # -- connection life ---------------------------------------------------------------
    def _lab_attach(self, raw_transport: asyncio.BaseTransport) -> None:
        """Remember the socket transport, the peer and the port; count the connection live."""
        self._lab_raw_transport = raw_transport
        self._lab_session.peer = raw_transport.get_extra_info("peername")
        sockname = raw_transport.get_extra_info("sockname")
        self._lab_session.local_port = sockname[1] if sockname else None
        self._lab.live.add(self)

    def _lab_tls_on(self) -> bool:
        return self._lab_implicit_tls or self._tls_protocol is not None

    def _lab_note_tls(self, transport: asyncio.BaseTransport) -> None:
        ssl_object = transport.get_extra_info("ssl_object")
        self._lab_session.tls = True
        if ssl_object is not None:
            self._lab_session.tls_version = ssl_object.version()
            cipher = ssl_object.cipher()
            self._lab_session.tls_cipher = cipher[0] if cipher else None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Start (or, after STARTTLS, resume) the session; note TLS when it is on."""
        starttls_done = self._original_transport is not None
        if not starttls_done and self._lab_raw_transport is None:
            self._lab_attach(transport)
        super().connection_made(transport)
        if starttls_done or self._lab_implicit_tls:
            self._lab_note_tls(transport)

    def _cb_client_connected(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        super()._cb_client_connected(reader, writer)
        write = writer.write

        def recorded_write(data: bytes | bytearray | memoryview) -> None:
            self._lab_recorder.sent(bytes(data), tls=self._lab_tls_on())
            write(data)

        writer.write = recorded_write  # type: ignore[method-assign]

    def get_buffer(self, sizehint: int) -> memoryview:
        """The buffer asyncio reads the next chunk into (the lab's, shared)."""
        return self._lab.read_buffer

    def buffer_updated(self, nbytes: int) -> None:
        """``nbytes`` arrived in the buffer: hand a copy of them to :meth:`data_received`."""
        self.data_received(self._lab.read_buffer[:nbytes].tobytes())

    def data_received(self, data: bytes) -> None:
        """Log the bytes received, apply a BODY fault, then let aiosmtpd read them (unless
        the lab is closing the connection: then they are logged but not executed)."""
        in_body = self._lab_recorder.in_body
        self._lab_recorder.received(data, tls=self._lab_tls_on())
        if self._lab_closing:
            return
        if in_body:
            fault = self._lab.faults.take("BODY")
            if fault is not None:
                self._lab_body_fault(fault)
                return
        super().data_received(data)

    def connection_lost(self, error: Exception | None) -> None:
        """Close the session's record (once) and let aiosmtpd clean up."""
        if self._lab_lost:
            return
        self._lab_finish()
        if self.session is None or self._handler_coroutine is None:
            return  # the connection ended before aiosmtpd's session began
        super().connection_lost(error)

    def _lab_finish(self, error: str | None = None) -> None:
        self._lab_lost = True
        self._lab_closing = True
        self._lab.live.discard(self)
        self._lab_recorder.close()
        if error and self._lab_session.error is None:
            self._lab_session.error = error
        self._lab_session.ended_at = datetime.now(timezone.utc)

    def _lab_handshake_failed(self, error: BaseException | None) -> None:
        """Implicit TLS: the handshake failed, so the session ends before it began."""
        if self._lab_lost:
            return
        if self._lab_closing:
            self._lab_finish("the lab stopped during the TLS handshake")
        else:
            timeout = self._lab.policy.tls_handshake_timeout
            self._lab_finish(describe_tls_failure(error, timeout))

    def _lab_abort(self) -> None:
        """Drop the connection now, without a reply (a fault, or the lab stopping)."""
        self._lab_closing = True
        transport = self._lab_raw_transport or self.transport
        if transport is not None:
            transport.abort()

    def _lab_close(self) -> None:
        """Close the connection after what was written has been sent (after a 421)."""
        self._lab_closing = True
        if self.transport is not None:
            self.transport.close()
        self._lab_close_soon()

    def _lab_close_soon(self) -> None:
        """After QUIT or a 421 over TLS: close the socket if the client has not done so
        within :data:`TLS_CLOSE_GRACE` seconds of the server's close_notify."""
        if self._lab_tls_on() and not self._lab_lost:
            self.loop.call_later(TLS_CLOSE_GRACE, self._lab_abort_if_open)

    def _lab_abort_if_open(self) -> None:
        if not self._lab_lost:
            self._lab_abort()

    # -- replies -----------------------------------------------------------------------
    async def push(self, status: AnyStr) -> None:
        """Send a reply: the greeting (or a CONNECT fault), else each line with its
        enhanced code; after a 421 the connection is closed (RFC 5321 §3.8).

        A reply goes out in one write (one ``drain``). aiosmtpd pushes the lines of its
        EHLO reply one by one: a line that says more follows (``250-``) is held and sent
        with the reply's last line.
        """
        text = status.decode("utf-8", "surrogateescape") if isinstance(status, bytes) else status
        command = self._lab_command
        if not self._lab_greeted:
            self._lab_greeted = True
            fault_reply = await self._lab_fault("CONNECT", None)
            if fault_reply is None:
                await self._lab_send(self._lab.policy.greeting_line() + "\r\n")
                return
            text, command = fault_reply, "CONNECT"
        if "500 Error: command" in text:
            # aiosmtpd quotes an unknown command back ('500 Error: command "X" not
            # recognized'); that line may be a password sent at the wrong moment, so the
            # lab does not repeat it.
            text = _UNKNOWN_COMMAND_ECHO.sub("500 Error: command not recognized", text)
        if command == "AUTH":
            # Not cached: a look-alike's refusal of a special login is held per task.
            wire = reply_wire(self._lab.policy, text, command)
        else:
            wire = self._lab.reply_bytes(text, command)
        if wire[wire.rfind(b"\n", 0, len(wire) - 1) + 4 : -2].startswith(b"-"):
            self._lab_held.append(wire)  # more lines of this reply follow
            return
        if self._lab_held:
            wire = b"".join([*self._lab_held, wire])
            self._lab_held.clear()
        self._writer.write(wire)
        await self._writer.drain()
        if (text.splitlines() or [""])[-1][:3] == "421":
            self._lab_close()
            raise asyncio.CancelledError("421: the lab closed the connection")

    async def _lab_send(self, text: str) -> None:
        """Write ``text`` (whole lines with CRLF) as it is, in one write."""
        self._writer.write(text.encode("utf-8", "surrogateescape"))
        await self._writer.drain()

    def _lab_exception(self, error: Exception) -> str:
        if isinstance(error, TLSSetupException):
            timeout = self._lab.policy.tls_handshake_timeout
            self._lab_session.error = describe_tls_failure(error.__cause__, timeout)
            return "454 4.7.0 TLS handshake failed"
        self._lab.record_error(f"session {self._lab_session.id}: {type(error).__name__}: {error}")
        return (
            f"451 4.3.0 Internal error in the lab server ({type(error).__name__}); see lab.errors"
        )

    # -- commands ----------------------------------------------------------------------
    async def _lab_step(self, name: str, command: Any, arg: str | None) -> None:
        """Run aiosmtpd's ``smtp_<name>`` (``command``) with the lab's faults in front.

        Every ``smtp_*`` method of this class is a :func:`_fault_step` that calls this.
        """
        self._lab_command = name
        try:
            reply = None
            faults = self._lab.faults
            if faults.has(name):
                # The address is parsed (a second time) only for a fault that needs it.
                address = self._lab_address(name, arg) if faults.wants_address(name) else None
                reply = await self._lab_fault(name, address)
            if reply is not None:
                await self.push(reply)
            elif name == "STARTTLS" and self._lab_tls_on():
                await self.push("503 5.5.1 TLS already active")
            elif arg and not arg.isascii() and self._lab_utf8_undeclared(name, arg):
                # RFC 6531 §3.4: a non-ASCII address needs SMTPUTF8 on MAIL FROM.
                await self.push("553 5.6.7 Must declare SMTPUTF8 to send unicode address")
            else:
                await command(self, arg)
                if name == "QUIT":
                    self._lab_close_soon()
        finally:
            self._lab_command = None

    def _lab_utf8_undeclared(self, name: str, arg: str) -> bool:
        """True for a non-ASCII MAIL/RCPT address in a transaction without SMTPUTF8."""
        if name == "MAIL":
            return "SMTPUTF8" not in arg.upper().split()[1:]
        if name == "RCPT":
            envelope = self.envelope
            return envelope is None or not envelope.smtp_utf8
        return False

    def _lab_address(self, name: str, arg: str | None) -> str | None:
        if name not in ("MAIL", "RCPT") or not arg:
            return None
        rest = self._strip_command_keyword("FROM:" if name == "MAIL" else "TO:", arg)
        if rest is None:
            return None
        address, _ = self._getaddr(rest)
        return address or None

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """aiosmtpd's address parser, with a fast path for the plainest form.

        aiosmtpd parses every MAIL and RCPT path with the email package's header parser
        and defines a class on every call (~80 µs a path). A path of the form
        ``<local@domain>`` with ASCII dot-atoms, what nearly every client sends, is read
        here with one regular expression and gives exactly what aiosmtpd's parser gives
        (``tests/test_lab_smtp.py`` checks that); anything else goes to aiosmtpd.
        """
        match = _PLAIN_PATH.match(arg)
        if match is None or "=?" in match[1]:  # "=?": an encoded word, for the parser
            return super()._getaddr(arg)
        address = match[1]
        rest = arg[match.end() :]
        if rest.startswith(_FWS_START):
            rest = rest.lstrip()  # as the parser's folding white space
            if rest.startswith("("):  # a comment: the parser's business
                return super()._getaddr(arg)
        if self.local_part_limit and len(address.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return address, rest

    async def _lab_fault(self, step: str, address: str | None) -> str | None:
        """Apply the fault at ``step``, if any: return a reply to send instead of the
        normal one, or None to go on normally (after any delay). A drop or a hang never
        returns."""
        fault = self._lab.faults.take(step, address)
        if fault is None:
            return None
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.action == "reply":
            return "\r\n".join(fault.reply)
        if fault.action == "drop":
            self._lab_abort()
            raise asyncio.CancelledError(f"{step}: the lab dropped the connection")
        if fault.action == "hang":
            await self.loop.create_future()  # never set: cancelled when the connection ends
        return None

    def _lab_body_fault(self, fault: Fault) -> None:
        if fault.action == "drop":
            self._lab_abort()
            return
        finish = self._lab.policy.finish_reply
        wire = "".join(finish(line, "DATA") + "\r\n" for line in fault.reply)
        self._writer.write(wire.encode("utf-8", "surrogateescape"))
        self._lab_close()

    def _lab_ehlo(self, hostname: str) -> list[str]:
        assert self.session is not None
        self.session.host_name = hostname  # the EHLO hook must set it (aiosmtpd's rule)
        tls_on = self._lab_tls_on()
        return self._lab.policy.ehlo_reply_lines(offer_starttls=not tls_on, offer_auth=tls_on)

    async def check_auth_needed(self, caller_method: str) -> bool:
        """With ``require_auth``, answer 530 (saying what to do) until the client logs in."""
        assert self.session is not None
        if not self._lab.policy.require_auth or self.session.authenticated:
            return False
        if self._lab_tls_on():
            how = "log in with AUTH first"
        else:
            how = "send STARTTLS, then EHLO again, then AUTH"
        await self.push(f"530 5.7.0 Authentication required: {how}")
        return True

    def _lab_login(self, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace")
        password = auth_data.password.decode("utf-8", "replace")
        user = self._lab.check_login(login, password)
        if user is None:
            # handled=False makes aiosmtpd answer "535 5.7.8 Authentication credentials
            # invalid"; with handled=True it would answer nothing and the client would hang.
            return AuthResult(success=False, handled=False)
        self._lab_session.auth_user = user
        return AuthResult(success=True, auth_data=auth_data)

    async def _lab_deliver(self, envelope: Envelope) -> str:
        reply = await self._lab_fault("DATA_END", None)
        if reply is not None:
            return reply
        queue_id = secrets.token_hex(5).upper()
        # One copy of the message, in the inbox and the session log (see claim_body).
        data = self._lab_recorder.claim_body(bytes(envelope.original_content or b""), queue_id)
        dropped = self._lab.inbox.add(
            ReceivedMessage(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                data=data,
                peer=self._lab_session.peer,
                tls=self._lab_tls_on(),
                auth_user=self._lab_session.auth_user,
                received_at=datetime.now(timezone.utc),
                session_id=self._lab_session.id,
                queue_id=queue_id,
                mail_options=list(envelope.mail_options),
                rcpt_options=list(envelope.rcpt_options),
                smtputf8=bool(envelope.smtp_utf8),
            )
        )
        if dropped is not None:  # the inbox was full: the log lets go of that body too
            self._lab.sessions.release_body(dropped.session_id, dropped.queue_id)
        return f"250 OK: queued as {queue_id}"


def _fault_step(name: str, command: Any) -> Any:
    """aiosmtpd's command method ``command`` (``SMTP.smtp_<name>``) behind the lab's
    faults: made once per class, so a connection costs no wrapping."""

    async def step(self: LabSMTP, arg: str | None) -> None:
        await self._lab_step(name, command, arg)

    # aiosmtpd's HELP reads each command's syntax from attributes of the method
    # (__smtp_syntax__...): copy them, or HELP would list nothing.
    return functools.update_wrapper(step, command)


# aiosmtpd finds its command methods by name (``smtp_*``) on each new connection.
for _name in [name for name in dir(SMTP) if name.startswith("smtp_")]:
    setattr(LabSMTP, _name, _fault_step(_name[len("smtp_") :], getattr(SMTP, _name)))
del _name


class ImplicitTLSAcceptor(asyncio.Protocol):
    """Accepts a connection on the implicit-TLS port and wraps it in TLS at once.

    In ``connection_made`` it creates the :class:`LabSMTP`, registers the raw socket
    transport with it (so a client that connects and never starts the handshake can
    still be closed when the lab stops) and hands the transport to an
    ``asyncio.sslproto.SSLProtocol``, synchronously, as asyncio does for
    ``create_server(ssl=...)`` and aiosmtpd for STARTTLS: no byte can arrive in between.
    The SSL protocol calls ``LabSMTP.connection_made`` when the handshake succeeds.
    """

    def __init__(self, context: LabContext, loop: asyncio.AbstractEventLoop) -> None:
        self._context = context
        self._loop = loop

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Create the SMTP protocol and start the TLS handshake."""
        smtp = LabSMTP(self._context, implicit_tls=True, loop=self._loop)
        smtp._lab_attach(transport)
        handshake: asyncio.Future[None] = self._loop.create_future()
        tls = sslproto.SSLProtocol(
            self._loop,
            smtp,
            self._context.server_tls,
            handshake,
            server_side=True,
            ssl_handshake_timeout=self._context.policy.tls_handshake_timeout,
        )
        handshake.add_done_callback(lambda done: _handshake_done(done, smtp))
        transport.set_protocol(tls)
        tls.connection_made(transport)


def _handshake_done(handshake: asyncio.Future[None], smtp: LabSMTP) -> None:
    error = None if handshake.cancelled() else handshake.exception()
    if error is not None or smtp.session is None:  # failed, or the connection just ended
        smtp._lab_handshake_failed(error)
        smtp._lab_abort()
