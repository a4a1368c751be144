"""One connection of the lab: its socket, its TLS, and every byte that passes, in one place.

aiosmtpd speaks SMTP; the lab keeps the connection. Each accepted socket gets a
:class:`LabConnection`, the asyncio protocol of the socket's transport (and, once TLS is
on, of the TLS transport ``loop.start_tls()`` returns). aiosmtpd's SMTP protocol is handed
a :class:`SessionTransport`, the connection seen from above. Every byte passes the lab:
it comes in through :meth:`LabConnection._received` (the one place where bytes arrive,
before aiosmtpd buffers them) and goes out through :meth:`LabConnection.send`. TLS sits
*below* those two, so what they see, and what the session log records, is the plaintext:

* **implicit TLS** (``tls_port``, like 465): the connection starts TLS before any SMTP
  protocol exists, so a failed handshake is written in the session ("the client spoke
  plain text on a TLS port") and ``lab.stop()`` can close a connection whose handshake
  never finished.
* **STARTTLS**: the lab's ``smtp_STARTTLS`` answers 220 and calls
  :meth:`LabConnection.start_tls`; then a *fresh* SMTP protocol goes on inside TLS,
  without a greeting. What the client said before TLS is forgotten (RFC 3207 §4.2), and
  any plaintext it pipelined after STARTTLS is logged but never executed.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import ssl
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from aiosmtpd.smtp import SMTP

from .faults import FaultBook
from .inbox import Inbox
from .policy import LabPolicy, hold_login_refusal
from .sessionlog import SessionRecorder, SessionStore

__all__: list[str] = []  # the lab's own machinery, used by server.py and protocol.py

TLS_CLOSE_GRACE = 1.0
"""Seconds a TLS connection may take to close after QUIT or a 421 before the lab closes
the socket itself (asyncio would otherwise wait 30 s for the client's close_notify)."""

_READ_BUFFER_SIZE = 256 * 1024  # what asyncio reads at most per recv() by default
_BODY_LOG_SLACK = 64 * 1024


@dataclass
class LabContext:
    """What every connection of one lab shares (and nothing that points to the LabServer,
    so a LabServer nobody uses any more can be garbage-collected, and stopped, even while
    connections are open)."""

    policy: LabPolicy
    users: dict[str, str]
    inbox: Inbox
    sessions: SessionStore
    faults: FaultBook
    server_tls: ssl.SSLContext
    errors: deque[str] = field(default_factory=lambda: deque(maxlen=200))
    live: set[LabConnection] = field(default_factory=set)

    def __post_init__(self) -> None:
        # The bytes of the replies the lab sends again and again ("250 2.1.0 OK"...),
        # made once: the policy is fixed for the lab's life.
        self.reply_bytes: Callable[[str, str | None], bytes] = functools.lru_cache(256)(
            self.policy.wire
        )
        # Every connection reads into this one buffer (LabConnection.get_buffer) instead
        # of asyncio allocating 256 KiB per recv(), which glibc may serve with a fresh mmap
        # each time: the loop runs in one thread and each read is copied out at once.
        self.read_buffer = memoryview(bytearray(_READ_BUFFER_SIZE))

    def record_error(self, text: str) -> None:
        """Keep an internal error for ``lab.errors`` (the server thread never prints)."""
        self.errors.append(f"{datetime.now(timezone.utc):%H:%M:%S} {text}")

    def loop_exception_handler(
        self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]
    ) -> None:
        """The event loop's exception handler: record, never print."""
        exception = context.get("exception")
        message = context.get("message", "error in the lab's event loop")
        self.record_error(f"{message}: {exception!r}" if exception else str(message))

    def check_login(self, login: str, password: str) -> str | None:
        """The account name if the login is accepted, else None.

        ``login`` is an account name (``student``), or the same at the lab's hostname or
        at one of the policy's ``login_domains`` (``student@qq.com`` for the QQ
        look-alike), since providers log in with the full address. A look-alike's
        ``special_logins`` refuse a login whatever its password (the reply is held for
        this connection and sent in place of the lab's 535); ``basic_auth=False`` refuses
        every password login.
        """
        policy = self.policy
        refusal = policy.login_refusal(login)
        hold_login_refusal(refusal)
        if refusal is not None or not policy.basic_auth:
            return None
        names = [login]
        local, _, domain = login.rpartition("@")
        if local and domain.lower() in (policy.hostname.lower(), *policy.login_domains):
            names.append(local)
        for name in names:
            expected = self.users.get(name)
            if expected is not None and hmac.compare_digest(
                password.encode("utf-8"), expected.encode("utf-8")
            ):
                return name
        return None


def describe_tls_failure(error: BaseException | None, timeout: float) -> str:
    """Say in words why a TLS handshake failed, from the server's side."""
    if error is None or isinstance(error, ConnectionResetError):
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
    if isinstance(error, TimeoutError) or "longer than" in str(error):
        return (
            f"TLS handshake failed: the client sent no TLS handshake within {timeout:g} s "
            "(a plain-text client on the implicit-TLS port waits for a greeting that a TLS "
            "server never sends first)"
        )
    return f"TLS handshake failed: {type(error).__name__}: {error}"


class LabConnection(asyncio.BufferedProtocol):
    """One accepted connection (see the module docstring): it owns the socket transport,
    starts TLS, feeds aiosmtpd and keeps the session's record.

    ``make_smtp(connection)`` makes the SMTP protocol that speaks on it (again after
    STARTTLS, inside TLS). ``listener`` is ``"plain"`` (the port offering STARTTLS) or
    ``"tls"`` (implicit TLS).
    """

    def __init__(
        self,
        context: LabContext,
        listener: Literal["plain", "tls"],
        make_smtp: Callable[[LabConnection], SMTP],
    ) -> None:
        self.context = context
        self.listener = listener
        self.session = context.sessions.open(listener)
        self._recorder = SessionRecorder(
            self.session, body_limit=context.policy.size_limit + _BODY_LOG_SLACK
        )
        self._make_smtp = make_smtp
        self.tls = False
        """True once TLS is on (implicit TLS, or after STARTTLS)."""
        self.closing = False
        """True once the lab closes the connection: bytes still arriving are logged only."""
        self.in_message = False
        """True while a message is arriving (after 354; set by the SMTP protocol)."""
        self.below: asyncio.Transport | None = None
        """The transport below: the socket's, then TLS over it."""
        self._socket: asyncio.Transport | None = None
        self._handshake: asyncio.Task[None] | None = None
        self._smtp: SMTP | None = None
        self._above: SessionTransport | None = None
        self._handshaking = False
        self._held: list[bytes] = []  # plaintext that came with the end of the handshake
        self._lost = False

    # -- the life of the connection --------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """A client connected: note who, then speak SMTP (plain port) or start TLS."""
        assert isinstance(transport, asyncio.Transport)
        self._socket = self.below = transport
        self.session.peer = transport.get_extra_info("peername")
        sockname = transport.get_extra_info("sockname")
        self.session.local_port = sockname[1] if sockname else None
        self.context.live.add(self)
        if self.listener == "plain":
            self._serve()
            return
        # No pause_reading(): start_tls() pauses (a pause here lost the ClientHello on 3.10).
        self._handshake = asyncio.get_running_loop().create_task(self.start_tls())

    async def start_tls(self) -> None:
        """Start TLS on the socket (implicit TLS, or STARTTLS answered with 220), then let
        a fresh SMTP protocol go on inside it and retire any that spoke in plain text."""
        retired, retired_transport = self._smtp, self._above
        self._smtp = None  # plaintext still arriving is logged, never executed
        if await self._start_tls():
            self._serve()
        if retired_transport is not None:
            retired_transport.detach()
        if retired is not None:
            retired.connection_lost(None)

    async def _start_tls(self) -> bool:
        """Wrap the socket in TLS (server side); True once the handshake succeeded, else
        the session says why and the connection is closed."""
        assert self._socket is not None
        timeout = self.context.policy.tls_handshake_timeout
        tls_transport: asyncio.BaseTransport | None = None
        failure: BaseException | None = None
        self._handshaking = True
        try:
            if not self._socket.is_closing():
                tls_transport = await asyncio.get_running_loop().start_tls(
                    self._socket,
                    self,
                    self.context.server_tls,
                    server_side=True,
                    ssl_handshake_timeout=timeout,
                )
        except Exception as error:  # ssl.SSLError, a reset, the handshake timeout...
            failure = error
        finally:
            self._handshaking = False
            if tls_transport is None:  # failed, or the connection ended meanwhile
                stopped = self.closing and failure is None
                why = "the lab stopped during the TLS handshake"
                self._finish(why if stopped else describe_tls_failure(failure, timeout))
                self.abort()
        if tls_transport is None:
            return False
        assert isinstance(tls_transport, asyncio.Transport)
        self.below = tls_transport
        self.tls = self.session.tls = True
        ssl_object = tls_transport.get_extra_info("ssl_object")
        if ssl_object is not None:
            self.session.tls_version = ssl_object.version()
            cipher = ssl_object.cipher()
            self.session.tls_cipher = cipher[0] if cipher else None
        return True

    def _serve(self) -> None:
        """Start an SMTP protocol on the transport below (hand it its SessionTransport)."""
        self._above = SessionTransport(self)
        self._smtp = self._make_smtp(self)
        self._smtp.connection_made(self._above)
        held, self._held = self._held, []
        for data in held:
            self._received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        """The socket closed: end the session, and tell aiosmtpd."""
        self._finish()
        if self._smtp is not None:
            self._smtp.connection_lost(exc)

    def eof_received(self) -> bool | None:
        """The client closed its side: aiosmtpd decides (it stops reading commands)."""
        return self._smtp.eof_received() if self._smtp is not None else None

    def pause_writing(self) -> None:
        """The transport below is full: aiosmtpd's ``drain()`` waits."""
        if self._smtp is not None:
            self._smtp.pause_writing()

    def resume_writing(self) -> None:
        """The transport below has room again."""
        if self._smtp is not None:
            self._smtp.resume_writing()

    def _finish(self, error: str | None = None) -> None:
        """End the session's record (once)."""
        if self._lost:
            return
        self._lost = self.closing = True
        self.context.live.discard(self)
        self._recorder.close()
        if error and self.session.error is None:
            self.session.error = error
        self.session.ended_at = datetime.now(timezone.utc)

    def close(self) -> None:
        """Close after what was written has gone out (QUIT, a 421, aiosmtpd's idle
        timeout). Over TLS, close the socket if the client has not closed its end within
        :data:`TLS_CLOSE_GRACE` seconds of the server's close_notify."""
        self.closing = True
        if self.below is not None:
            self.below.close()
        if self.tls and not self._lost:
            asyncio.get_running_loop().call_later(TLS_CLOSE_GRACE, self._abort_if_open)

    def _abort_if_open(self) -> None:
        if not self._lost:
            self.abort()

    def abort(self) -> None:
        """Drop the connection now, without a reply (a fault, or the lab stopping)."""
        self.closing = True
        if self._socket is not None:
            self._socket.abort()

    # -- the bytes ------------------------------------------------------------------------
    def get_buffer(self, sizehint: int) -> memoryview:
        """The buffer asyncio reads the next chunk into (the lab's, shared)."""
        return self.context.read_buffer

    def buffer_updated(self, nbytes: int) -> None:
        """``nbytes`` arrived in the shared buffer: take a copy of them."""
        self._received(self.context.read_buffer[:nbytes].tobytes())

    def _received(self, data: bytes) -> None:
        """Bytes arrived (plaintext, inside TLS too): log them, then let aiosmtpd read
        them, unless the lab is closing the connection or a BODY fault applies."""
        if self._handshaking:  # came with the end of the handshake: after it, in order
            self._held.append(data)
            return
        in_message = self.in_message
        self._recorder.received(data, self.tls, time.time())
        if self.closing or self._smtp is None:
            return
        if in_message:
            fault = self.context.faults.take("BODY")
            if fault is not None:
                self.in_message = False
                if fault.action == "reply":
                    self.send(self.context.policy.wire("\r\n".join(fault.reply), "DATA"))
                    self.close()
                else:
                    self.abort()
                return
        self._smtp.data_received(data)

    def send(self, data: bytes) -> None:
        """Bytes leave (a reply): log them, then write them to the transport below."""
        self._recorder.sent(data, self.tls, time.time())
        if self.below is not None:
            self.below.write(data)


class SessionTransport(asyncio.Transport):
    """The transport aiosmtpd's SMTP protocol is given: its connection seen from above.

    Writes go through :meth:`LabConnection.send`; the rest is asked of the transport
    below (the socket, or TLS). Once its protocol is retired (after STARTTLS) it is
    :meth:`detach` ed and no longer reaches the connection.
    """

    def __init__(self, connection: LabConnection) -> None:
        super().__init__()
        self._connection: LabConnection | None = connection

    def detach(self) -> None:
        """Cut this transport off its connection (its SMTP protocol was retired)."""
        self._connection = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Send ``data`` through the connection (which logs it)."""
        if self._connection is not None:
            self._connection.send(bytes(data))

    def close(self) -> None:
        """Close the connection after what was written has gone out."""
        if self._connection is not None:
            self._connection.close()

    def abort(self) -> None:
        """Drop the connection now."""
        if self._connection is not None:
            self._connection.abort()

    def is_closing(self) -> bool:
        """True once the connection is closing (or this transport was detached)."""
        return self._connection is None or self._connection.closing

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """What the transport below knows (``peername``, ``sslcontext``...)."""
        below = self._connection.below if self._connection is not None else None
        return below.get_extra_info(name, default) if below is not None else default

    def pause_reading(self) -> None:
        """Stop reading for now (aiosmtpd's reader is full)."""
        if self._connection is not None and self._connection.below is not None:
            self._connection.below.pause_reading()

    def resume_reading(self) -> None:
        """Read again."""
        if self._connection is not None and self._connection.below is not None:
            self._connection.below.resume_reading()
