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
import re
import socket
import ssl
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from aiosmtpd.smtp import SMTP

from ..i18n import _
from .bounds import IncomingBudget, IncomingMessage, LineCutter, pick_connection_to_close
from .certs import describe_tls_failure
from .faults import FaultBook
from .inbox import Inbox, ReceivedMessage
from .policy import LabPolicy, hold_login_refusal
from .sessionlog import LabSession, SessionRecorder, SessionStore

__all__: list[str] = []  # the lab's own machinery, used by server.py and protocol.py

TLS_CLOSE_GRACE = 1.0
"""Seconds a connection may take to close after QUIT, a 421 or the idle timeout before
the lab drops the socket itself: over TLS asyncio would otherwise wait 30 s for the
client's close_notify, and in plain text for ever for a peer that reads none of the
replies still to go out."""

DEFAULT_MAX_CONNECTIONS = 64
"""How many connections a lab serves at once by default (see ``max_connections``)."""

DEFAULT_MAX_INCOMING_BYTES = 32 * 1024 * 1024
"""How many bytes of messages (past the first MiB of each) a lab receives at once."""

LINES_PER_TURN = 64
"""How many lines of one connection aiosmtpd is given per turn of the event loop: a
client pipelining 200,000 NOOPs gets 64 answered, then every other connection has its
turn."""

_READ_BUFFER_SIZE = 256 * 1024  # what asyncio reads at most per recv() by default
_BODY_LOG_SLACK = 64 * 1024
_PARAMETER_ROOM = 64  # MAIL FROM's SIZE= and SMTPUTF8 (aiosmtpd allows them 36 bytes)
_TOO_MANY = "421 4.7.0 Too many connections to the lab"
_BARE = re.compile(rb"\r(?!\n)|(?<!\r)\n")  # a CR without its LF, an LF without its CR
_STAND_IN = {10: b"X-SMTPLAB-BARE-LF\r\n", 13: b"X-SMTPLAB-BARE-CR\r\n"}

Relay = Callable[[ReceivedMessage], "ReceivedMessage | str | None"]  # i18n: keep a type
"""``LabServer(relay=...)``: called on the lab's thread with each message that arrived
whole, before it is kept; it returns None (keep it as it is), a ReceivedMessage to keep
instead (trace headers added, another folder), or a 4xx/5xx reply that refuses it. It must
be quick (it runs on the lab's event loop): anything slow goes to a thread of its own."""


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
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_incoming_bytes: int = DEFAULT_MAX_INCOMING_BYTES
    refused_connections: int = 0
    closed_for_room: int = 0
    relay: Relay | None = None

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
        self.incoming = IncomingBudget(self.max_incoming_bytes)
        # The longest line the lab lets through, its line end included (RFC 5321 §4.5.3.1).
        policy = self.policy
        self.command_cap = min(policy.max_command_line + _PARAMETER_ROOM, policy.max_text_line)
        self.text_cap = policy.max_text_line + 1  # one more: a dot-stuffed line

    def record_error(self, text: str) -> None:
        """Keep an internal error for ``lab.errors`` (the server thread never prints)."""
        self.errors.append(f"{datetime.now(timezone.utc):%H:%M:%S} {text}")

    def loop_exception_handler(
        self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]
    ) -> None:
        """The event loop's exception handler: record, never print."""
        exception = context.get("exception")
        message = context.get("message", _("error in the lab's event loop"))
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


class LabConnection(asyncio.BufferedProtocol):
    """One accepted connection (see the module docstring): it owns the socket transport,
    starts TLS, feeds aiosmtpd and keeps the session's record.

    ``make_smtp(connection)`` makes the SMTP protocol that speaks on it (again after
    STARTTLS, inside TLS). ``listener`` is ``"plain"`` (the port offering STARTTLS) or
    ``"tls"`` (implicit TLS).
    """

    session: LabSession
    """The record of this connection (made when it is accepted, not when refused)."""

    def __init__(
        self,
        context: LabContext,
        listener: Literal["plain", "tls"],
        make_smtp: Callable[[LabConnection], SMTP],
    ) -> None:
        self.context = context
        self.listener = listener
        self._make_smtp = make_smtp
        self.tls = False
        """True once TLS is on (implicit TLS, or after STARTTLS)."""
        self.closing = False
        """True once the lab closes the connection: bytes still arriving are logged only."""
        self._message: IncomingMessage | None = None
        self.below: asyncio.Transport | None = None
        """The transport below: the socket's, then TLS over it."""
        self._socket: asyncio.Transport | None = None
        self._handshake: asyncio.Task[None] | None = None
        self._smtp: SMTP | None = None
        self._above: SessionTransport | None = None
        self._handshaking = False
        self._held: list[bytes] = []  # plaintext that came with the end of the handshake
        self._lost = False
        self.opened = time.monotonic()
        """When the connection was accepted (the oldest busy one is cut short first)."""
        self.last_active = self.opened
        """When bytes last came or went (the longest idle gives way when the lab is full)."""
        self.spoke = False
        """True once the client has sent a byte (a silent one gives way first)."""
        self._writing_paused = False  # the replies wait: the peer is not reading them
        self._cutter = LineCutter()
        self._backlog = bytearray()  # cut, logged, not yet given to aiosmtpd
        self._smtp_paused = False  # aiosmtpd's reader is full: wait for its resume_reading()
        self._feed_due: asyncio.Handle | None = None
        self._strict = context.policy.strict
        self._partial = b""  # strict: the start of a line, held until its line end
        self._refusing = False  # strict: a bare CR/LF was refused, the rest is logged only
        self._pieces: deque[bytes] = deque()  # split_replies: what is still to be written
        self._piece_due: asyncio.Handle | None = None
        self._close_due: asyncio.TimerHandle | None = None  # the drop after TLS_CLOSE_GRACE
        self._close_after_pieces = False
        self._pause = 0.0

    # -- the life of the connection --------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """A client connected: note who, then speak SMTP (plain port) or start TLS."""
        assert isinstance(transport, asyncio.Transport)
        self._socket = self.below = transport
        if not self._make_room(transport):
            return
        self.session = self.context.sessions.open(self.listener)
        self._recorder = SessionRecorder(
            self.session, body_limit=self.context.policy.size_limit + _BODY_LOG_SLACK
        )
        self.session.peer = transport.get_extra_info("peername")
        sockname = transport.get_extra_info("sockname")
        self.session.local_port = sockname[1] if sockname else None
        self.context.live.add(self)
        if self.listener == "plain":
            self._serve()
            return
        # No pause_reading(): start_tls() pauses (a pause here lost the ClientHello on 3.10).
        self._handshake = asyncio.get_running_loop().create_task(self.start_tls())

    @property
    def in_message(self) -> bool:
        """True while a message is arriving (after 354; set by the SMTP protocol)."""
        return self._message is not None

    @in_message.setter
    def in_message(self, arriving: bool) -> None:
        if self._message is not None:
            self._message.finish()  # its bytes no longer count against the lab's budget
        context = self.context
        self._message = (
            IncomingMessage(context.incoming, context.policy.size_limit) if arriving else None
        )

    @property
    def message_refused(self) -> bool:
        """True if the message arriving was dropped: the lab's budget was spent."""
        return self._message is not None and self._message.refused

    def _make_room(self, transport: asyncio.Transport) -> bool:
        """At ``max_connections``, the connection idle longest that has not logged in
        gives way (421), else the oldest busy one without a login is cut short; if none
        may, this new one is refused with 421. True: serve it."""
        context = self.context
        if len(context.live) < context.max_connections:
            return True
        victim = pick_connection_to_close(context.live)
        if victim is not None:
            assert isinstance(victim, LabConnection)
            victim.give_way()
            return True
        context.refused_connections += 1
        self._lost = self.closing = True
        transport.write(
            f"{_TOO_MANY} (at most {context.max_connections}, all busy or logged in); "
            "try again later\r\n".encode("ascii")  # i18n: keep the lab's SMTP reply
        )
        transport.close()
        return False

    def can_give_way(self) -> bool:
        """True if this connection may be closed to make room: open, idle (no command
        waiting, not in a message) and nobody has logged in on it. Of those, one that never
        said a word goes first, then the one quiet longest
        (:func:`~smtplab.lab.bounds.pick_connection_to_close`): under a storm of silent
        connections, a client in the middle of its dialogue is the last to go. Commands
        waiting do not keep a connection whose peer reads none of its replies (its writes
        are paused): it waits on itself."""
        if self.closing or self.in_message or self.session.auth_user:
            return False
        return not self._backlog or self._writing_paused

    def may_be_cut_short(self) -> bool:
        """True if this connection, even busy (commands waiting, a message arriving), may
        be dropped to make room when none can give way: nobody has logged in on it. The
        oldest goes first (``opened``): a client's short dialogue is the newest."""
        return not (self.closing or self.session.auth_user)

    def give_way(self) -> None:
        """Close this idle connection (421 4.7.0), or drop this busy one (its message or
        its pipelined commands cut short), so that a new client can be served."""
        self.context.closed_for_room += 1
        limit = self.context.max_connections
        self.session.error = _(
            "closed to make room for a new connection (the lab serves at most {limit})"
        ).format(limit=limit)
        handshaking = self._handshaking or (self.listener == "tls" and not self.tls)
        if handshaking or self._writing_paused or self.in_message or self._backlog:
            self.abort()  # no reply could reach it, or it is cut short in its work
            return
        reply = f"{_TOO_MANY} (at most {limit}): closing this idle one\r\n"  # i18n: keep a reply
        self.send(reply.encode("ascii"))
        self.close()

    async def start_tls(self) -> None:
        """Start TLS on the socket (implicit TLS, or STARTTLS answered with 220), then let
        a fresh SMTP protocol go on inside it and retire any that spoke in plain text."""
        retired, retired_transport = self._smtp, self._above
        self._smtp = None  # plaintext still arriving is logged, never executed
        self._backlog.clear()  # nor what came after STARTTLS in plain text (RFC 3207 §4.2)
        self._smtp_paused = False
        await self._finish_pieces()  # what was said in plain text goes out in plain text
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
                why = _("the lab stopped during the TLS handshake")
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
        """The client closed its side: aiosmtpd gets what is still waiting, then decides
        (it stops reading commands)."""
        if self._smtp is None:
            return None
        if self._backlog or self._partial:
            backlog = bytes(self._backlog) + (b"" if self._refusing else self._partial)
            self._backlog.clear()
            self._smtp.data_received(backlog)
        return self._smtp.eof_received()

    def pause_writing(self) -> None:
        """The transport below is full: aiosmtpd's ``drain()`` waits."""
        self._writing_paused = True
        if self._smtp is not None:
            self._smtp.pause_writing()

    def resume_writing(self) -> None:
        """The transport below has room again."""
        self._writing_paused = False
        if self._smtp is not None:
            self._smtp.resume_writing()

    def _finish(self, error: str | None = None) -> None:
        """End the session's record (once)."""
        if self._lost:
            return
        self._lost = self.closing = True
        self.in_message = False
        self._backlog.clear()
        if self._feed_due is not None:
            self._feed_due.cancel()
        for due in (self._piece_due, self._close_due):  # a cancelled one lets go of self
            if due is not None:
                due.cancel()
        self._pieces.clear()
        self.context.live.discard(self)
        self._recorder.close()
        if error and self.session.error is None:
            self.session.error = error
        self.session.ended_at = datetime.now(timezone.utc)

    def close(self) -> None:
        """Close after what was written has gone out (QUIT, a 421, aiosmtpd's idle
        timeout). Drop the socket if it has not closed within :data:`TLS_CLOSE_GRACE`
        seconds: over TLS the client did not answer the server's close_notify, in plain
        text it reads none of the replies still to go out (which asyncio would wait for
        for ever, holding the connection)."""
        self.closing = True
        if self._pieces:  # split_replies: after the last piece
            self._close_after_pieces = True
            return
        if self.below is not None:
            self.below.close()
        if not self._lost and self._close_due is None:
            loop = asyncio.get_running_loop()
            self._close_due = loop.call_later(TLS_CLOSE_GRACE, self._abort_if_open)

    def _abort_if_open(self) -> None:
        if not self._lost:
            self.abort()

    def abort(self) -> None:
        """Drop the connection now, without a reply (a fault, or the lab stopping)."""
        self.closing = True
        self._pieces.clear()
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
        """Bytes arrived (plaintext, inside TLS too): cut any line too long (RFC 5321
        §4.5.3.1), log them, then let aiosmtpd read them a few lines per turn, unless the
        lab is closing the connection or a BODY fault applies."""
        if self._lost:
            return
        if self._handshaking:  # came with the end of the handshake: after it, in order
            self._held.append(data)
            return
        self.last_active = time.monotonic()
        self.spoke = True
        in_message = self.in_message
        context = self.context
        if self._message is not None:
            data = self._cutter.cut(data, context.text_cap, crlf=True)
            data = self._message.take(data)
        else:
            data = self._cutter.cut(data, context.command_cap, crlf=False)
        if not data:
            return
        self._recorder.received(data, self.tls, time.time())
        if self.closing or self._smtp is None or self._refusing:
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
        if self._strict:
            data = self._whole_lines(data, in_message)
            if not data:
                return
        self._backlog += data
        if self._feed_due is None:
            self._feed()

    def _whole_lines(self, data: bytes, in_message: bool) -> bytes:
        """A strict lab's reading (``LabPolicy.strict``): only whole lines go on (the start
        of a line waits for its end), and a bare LF or CR ends the connection as Postfix
        does with ``smtpd_forbid_bare_newline = yes``: in a message at once, in commands
        after the lines before it are answered (aiosmtpd gets a stand-in command line
        whose reply :class:`~smtplab.lab.protocol.LabSMTP` turns into the 521)."""
        data = self._partial + data
        flaw = _BARE.search(data)
        if flaw is not None and flaw.start() == len(data) - 1 and data[-1:] == b"\r":
            flaw = None  # a CR at the very end: its LF may be on its way
        if flaw is not None:
            self._partial, self._refusing = b"", True
            kind = data[flaw.start()]
            if in_message:
                self.in_message = False
                reply = self.context.policy.bare_line_end_reply("LF" if kind == 10 else "CR")
                self.send(self.context.policy.wire(reply))
                self.close()
                return b""
            start = data.rfind(b"\n", 0, flaw.start()) + 1
            return data[:start] + _STAND_IN[kind]
        end = data.rfind(b"\n") + 1
        self._partial = data[end:]
        return data[:end]

    def _feed(self) -> None:
        """Give aiosmtpd the next :data:`LINES_PER_TURN` lines waiting, then let the event
        loop serve the other connections before the next ones (fair turns under a
        pipelined flood). The socket is not read while lines are waiting."""
        self._feed_due = None
        backlog, smtp = self._backlog, self._smtp
        if smtp is None or self.closing:
            backlog.clear()
            return
        if self._smtp_paused:
            return
        cut = -1
        for _turn in range(LINES_PER_TURN):
            cut = backlog.find(b"\n", cut + 1)
            if cut < 0:
                break
        if cut < 0 or cut + 1 == len(backlog):
            chunk = bytes(backlog)
            backlog.clear()
        else:
            chunk = bytes(backlog[: cut + 1])
            del backlog[: cut + 1]
        smtp.data_received(chunk)
        if backlog and not self.closing:
            self._pause_below()
            self._feed_due = asyncio.get_running_loop().call_soon(self._feed)
        elif not self._smtp_paused:
            self._resume_below()

    def _pause_below(self) -> None:
        if self.below is not None and not self.below.is_closing():
            self.below.pause_reading()

    def _resume_below(self) -> None:
        if self.below is not None and not self.below.is_closing():
            self.below.resume_reading()

    def smtp_paused(self) -> None:
        """aiosmtpd's reader is full: give it nothing more, read nothing more."""
        self._smtp_paused = True
        self._pause_below()

    def smtp_resumed(self) -> None:
        """aiosmtpd's reader has room again: the next lines, at the next turn."""
        self._smtp_paused = False
        if self._backlog:
            if self._feed_due is None:
                self._feed_due = asyncio.get_running_loop().call_soon(self._feed)
        else:
            self._resume_below()

    def send(self, data: bytes) -> None:
        """Bytes leave (a reply): log them, then write them to the transport below; with
        ``lab.split_replies(...)``, in pieces with a pause between them (each a TCP
        segment of its own: TCP_NODELAY), every later reply after the last piece."""
        self.last_active = time.monotonic()
        self._recorder.sent(data, self.tls, time.time())
        if self.below is None:
            return
        split = self.context.faults.take_split()
        if split is None and not self._pieces:
            self.below.write(data)
            return
        if split is not None:
            self._no_delay()
        pieces = split.cut(data) if split is not None else [data]
        pause = split.pause if split is not None else 0.0
        idle = not self._pieces
        self._pieces.extend(pieces)
        if idle:
            self._pause = pause
            self._write_piece()
        else:
            self._pause = max(self._pause, pause)

    def _write_piece(self) -> None:
        """Write the next piece of a split reply, then wait before the one after it."""
        self._piece_due = None
        if not self._pieces or self.below is None or self.below.is_closing():
            self._pieces.clear()
            return
        self.below.write(self._pieces.popleft())
        if self._pieces:
            loop = asyncio.get_running_loop()
            self._piece_due = loop.call_later(self._pause, self._write_piece)
        elif self._close_after_pieces:
            self._close_after_pieces = False
            self.close()

    async def _finish_pieces(self) -> None:
        """Write what is left of split replies, still with their pauses, before TLS starts:
        the rest of a plain-text reply, and the 220, must not end up inside TLS, and must
        not arrive in one burst either (a client reading one recv() per reply would then
        pass by luck)."""
        if self._piece_due is not None:
            self._piece_due.cancel()
            self._piece_due = None
        while self._pieces and self.below is not None and not self.below.is_closing():
            self.below.write(self._pieces.popleft())
            if self._pieces:
                await asyncio.sleep(self._pause)
        self._pieces.clear()

    def _no_delay(self) -> None:
        """Send each write at once, as a segment of its own (no Nagle coalescing)."""
        sock = self._socket.get_extra_info("socket") if self._socket is not None else None
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


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
        if self._connection is not None:
            self._connection.smtp_paused()

    def resume_reading(self) -> None:
        """Read again."""
        if self._connection is not None:
            self._connection.smtp_resumed()
