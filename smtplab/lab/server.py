"""The lab server: a real SMTP submission server on 127.0.0.1, for lessons.

:meth:`LabServer.start` binds two listening sockets itself (port 0 by default: the kernel
picks a free port, so thirty kernels on one JupyterHub host never collide), makes a fresh
CA and certificate, and starts one daemon thread running an asyncio event loop that
serves on those very sockets (aiosmtpd's Controller cannot take ``port=0``, and a port
picked, released and bound again races with other processes). Each accepted connection
is a :class:`~smtplab.lab.connection.LabConnection`.

:meth:`LabServer.stop` closes the sockets, drops every open connection (even one stuck in
a ``hang`` fault or a TLS handshake), ends the loop, joins the thread and removes the CA
file. A LabServer nobody references any more (a start cell run twice rebinds ``lab``) is
stopped by ``weakref.finalize``: the thread and the connections hold only the shared
:class:`~smtplab.lab.connection.LabContext`, never the LabServer.

The server thread never prints (output would land in whichever notebook cell runs next):
errors go to :attr:`LabServer.errors`, and a filter on the ``mail.log`` (aiosmtpd) and
``asyncio`` loggers drops the records made on the lab's threads (``smtplab-lab-<port>``).
The process's other logging is left as it was.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ipaddress
import logging
import math
import secrets
import socket
import ssl
import string
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, ClassVar, Literal

from ..errors import Timeout
from ..i18n import _
from ..owners import shared_host_wanted
from ..replies import Reply
from .certs import LabCertificates
from .connection import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_INCOMING_BYTES,
    LabConnection,
    LabContext,
    Relay,
)
from .faults import Fault, FaultBook, SplitReplies, parse_fault_reply
from .inbox import DEFAULT_MAX_INBOX_BYTES, DEFAULT_MAX_MESSAGES, Inbox, ReceivedMessage
from .listen import bind
from .peers import SharedHostDoor
from .policy import LabPolicy
from .profiles import LabProfile, _shown, get_profile
from .protocol import LabSMTP
from .sessionlog import (
    DEFAULT_MAX_LINES,
    DEFAULT_MAX_LOG_BYTES,
    DEFAULT_MAX_SESSION_BYTES,
    DEFAULT_MAX_SESSIONS,
    LabSession,
    SessionStore,
)

__all__: list[str] = []  # LabServer is public as smtplab.lab.LabServer

DEMO_USER = "student"
"""The name of the demo account every lab has unless ``users=`` says otherwise."""

THREAD_NAME_PREFIX = "smtplab-lab"
_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0


def make_password(length: int = 16) -> str:
    """A fresh random password of letters and digits (``secrets``), easy to copy."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


def is_loopback(host: str) -> bool:
    """True if ``host`` is a loopback address or ``localhost``."""
    try:
        return host.lower() == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _not_on_a_lab_thread(record: logging.LogRecord) -> bool:
    """The logging filter: drop the records made on the lab's own threads."""
    return not record.threadName.startswith(THREAD_NAME_PREFIX)


class _Runtime:
    """The running part of a lab: its sockets, certificates, event loop thread and
    servers. It holds the shared :class:`LabContext`, never the LabServer."""

    def __init__(
        self,
        context: LabContext,
        certificates: LabCertificates,
        socks: list[socket.socket],
        door: SharedHostDoor | None,
    ) -> None:
        self.context = context
        self.door = door
        self.certificates = certificates
        self.socks = socks
        self.ports: tuple[int, int] = (socks[0].getsockname()[1], socks[1].getsockname()[1])
        self._ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self.thread = threading.Thread(
            target=self._run, name=f"{THREAD_NAME_PREFIX}-{self.ports[0]}", daemon=True
        )
        self.thread.start()
        try:
            self._ready.result(timeout=_START_TIMEOUT)
        except BaseException as error:
            self.stop()
            if not isinstance(error, concurrent.futures.TimeoutError):
                raise
            raise Timeout(
                _(
                    "the lab server did not start within {seconds} s; the machine may "
                    "be overloaded: try again, and look at lab.errors."
                ).format(seconds=f"{_START_TIMEOUT:g}")
            ) from None

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # never print from this thread
            self.context.record_error(
                _("event loop ended with {kind}: {error}").format(
                    kind=type(error).__name__, error=error
                )
            )
            if not self._ready.done():
                self._ready.set_exception(error)
        finally:
            for sock in self.socks:
                sock.close()

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        context = self.context
        loop.set_exception_handler(context.loop_exception_handler)
        try:
            servers = [
                await loop.create_server(self._factory(listener), sock=sock)
                for listener, sock in zip(("plain", "tls"), self.socks, strict=True)
            ]
        except BaseException as error:
            self._ready.set_exception(error)
            return
        self._loop, self._stop_event = loop, asyncio.Event()
        self._ready.set_result(None)
        await self._stop_event.wait()
        for server in servers:
            server.close()
        for connection in list(context.live):
            connection.abort()
        for _turn in range(3):  # let connection_lost() callbacks run
            await asyncio.sleep(0)
        with contextlib.suppress(Exception):
            closed = asyncio.gather(*(server.wait_closed() for server in servers))
            await asyncio.wait_for(closed, _STOP_TIMEOUT)
        # asyncio.run() then cancels what is left (hanging faults, handshakes) and closes.

    def _factory(self, listener: Literal["plain", "tls"]) -> Callable[[], asyncio.BaseProtocol]:
        """What makes the protocol of each connection accepted on ``listener``: a
        LabConnection, behind the shared-host door when there is one."""

        def make_connection() -> LabConnection:
            return LabConnection(self.context, listener, LabSMTP)

        if self.door is None:
            return make_connection
        return self.door.guard(make_connection, explain=listener == "plain")

    def stop(self) -> None:
        """End the loop (its thread closes the sockets), join the thread, remove the CA
        file. Called once, through the LabServer's ``weakref.finalize``."""
        if self._loop is not None and self._stop_event is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                self._loop.call_soon_threadsafe(self._stop_event.set)
        if self.thread.is_alive() and threading.current_thread() is not self.thread:
            self.thread.join(_STOP_TIMEOUT)
            if self.thread.is_alive():
                self.context.record_error(
                    _("the lab's thread did not end within {seconds} s").format(
                        seconds=f"{_STOP_TIMEOUT:g}"
                    )
                )
        self.certificates.cleanup()


class LabServer:
    """A real SMTP server on 127.0.0.1 for lessons, built on aiosmtpd.

    Two ports: :attr:`port` speaks plain SMTP and offers STARTTLS (like 587 or 25);
    :attr:`tls_port` speaks implicit TLS (like 465). By default the plain port accepts mail
    without AUTH, as a receiving server does; ``require_tls=True, require_auth=True``
    make it a submission server (530 until STARTTLS / AUTH). AUTH (LOGIN, PLAIN) is offered
    only inside TLS, except in the lesson-only ``auth_before_tls=True`` lab (insecure on
    purpose, said in its greeting and its repr: it lets a wire tap show a login in clear).
    Every reply that RFC 2034 asks for carries an enhanced status code.

    Parameters (all keyword-only): ``host`` to bind (default ``127.0.0.1``; anything but
    loopback makes the lab reachable from other machines); ``port`` / ``tls_port`` (0,
    the default: pick a free port); ``hostname`` (name in the greeting and certificate);
    ``users`` (``{"name": "password"}``; default one account ``student`` with a fresh random
    password); ``require_tls``, ``require_auth``, ``size_limit`` (bytes, default 10 MiB),
    or a whole ``policy`` (:class:`LabPolicy`; the single parameters override its fields);
    ``max_messages`` and ``max_sessions`` bound what is kept (the oldest are dropped);
    ``max_session_lines`` how many lines each session's log keeps (the rest are counted).
    ``shared_host=True`` serves only connections opened by this process's user (Linux:
    others get ``554 5.7.1`` and leave no trace; see :mod:`smtplab.lab.peers`); the
    default None turns it on under JupyterHub (``JUPYTERHUB_USER``), off elsewhere.

    Bounds, so that a classmate's script cannot knock the lab (and the kernel it runs in)
    over; the defaults keep a lab well under 200 MB whatever arrives
    (``docs/hostile-peers.md``): ``max_connections`` (64) connections at once (at the
    cap, the connection idle longest that has not logged in is closed with ``421 4.7.0``
    to make room; if none may be, the new one gets that 421); ``max_inbox_bytes``
    (64 MiB, or ``size_limit`` if larger) of messages in the inbox besides ``max_messages``
    (the oldest are dropped and counted: :attr:`dropped_messages`,
    :attr:`dropped_bytes`); ``max_session_bytes`` (1 MiB) of log per session and
    ``max_log_bytes`` (32 MiB) for all the sessions kept (the oldest are dropped);
    ``max_incoming_bytes`` (32 MiB) of messages being received at once, all connections
    together, not counting the first MiB of each (past it, a message's bytes are dropped
    as they come and it is refused at its end with ``452 4.3.1``).
    The limits real servers keep are :class:`LabPolicy` fields, also given one by one:
    ``max_command_line`` (512) and ``max_text_line`` (1000) bytes per line, CRLF
    included, enforced as bytes arrive (``500 5.5.2 Line too long``; RFC 5321 §4.5.3.1);
    ``max_recipients`` (100) per message (then ``452 4.5.3``); ``max_auth_failures`` (10)
    failed AUTH attempts per connection (then ``421 4.7.0`` and the connection closes).
    ``strict=True`` (:attr:`LabPolicy.strict`) refuses what hardened servers refuse: a
    bare LF or CR (``521``, then the connection closes), MAIL FROM/RCPT TO syntax that
    RFC 5321 §4.1.2 does not allow (``501``); the exercise checks' labs are strict.
    Whatever the limits, one connection pipelining a flood of commands gets a few dozen
    answered per turn of the lab's event loop, so other sessions are not held up.

    ``profile="qq"`` (or ``"qq-gbk"``, ``"gmail"``, ``"outlook"``, ``"163"``, or a
    :class:`~smtplab.lab.profiles.LabProfile`) makes the lab a look-alike of that
    provider's server: an IMITATION built from public reports, not a recording (see
    :mod:`smtplab.lab.profiles`). The single parameters above still override its policy;
    :meth:`provider_overrides` sends ``Client.for_provider(...)`` here instead.

    ``relay`` (a :data:`~smtplab.lab.connection.Relay`) sees each message that arrived
    whole before the lab keeps it, and may add headers, file it in another folder or
    refuse it: the lab itself never relays; ``smtplab.internet`` wires labs together.

    ``lab = LabServer().start()`` or ``with LabServer() as lab:`` (which also stops it).
    """

    _instances: ClassVar[weakref.WeakSet[LabServer]] = weakref.WeakSet()

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls_port: int = 0,
        hostname: str | None = None,
        users: Mapping[str, str] | None = None,
        require_tls: bool | None = None,
        require_auth: bool | None = None,
        size_limit: int | None = None,
        policy: LabPolicy | None = None,
        max_messages: int = DEFAULT_MAX_MESSAGES,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        max_session_lines: int = DEFAULT_MAX_LINES,
        profile: str | LabProfile | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_incoming_bytes: int = DEFAULT_MAX_INCOMING_BYTES,
        max_inbox_bytes: int | None = None,
        max_session_bytes: int = DEFAULT_MAX_SESSION_BYTES,
        max_log_bytes: int = DEFAULT_MAX_LOG_BYTES,
        max_command_line: int | None = None,
        max_text_line: int | None = None,
        max_recipients: int | None = None,
        max_auth_failures: int | None = None,
        shared_host: bool | None = None,
        strict: bool | None = None,
        auth_before_tls: bool | None = None,
        relay: Relay | None = None,
    ) -> None:
        if profile is not None and policy is not None:
            raise ValueError(_("give profile= or policy=, not both (a profile is a policy)."))
        self._profile = get_profile(profile) if profile is not None else None
        if self._profile is not None:
            policy = self._profile.policy
        given = {"hostname": hostname, "size_limit": size_limit}
        given |= {"require_tls": require_tls, "require_auth": require_auth}
        given |= {"max_command_line": max_command_line, "max_text_line": max_text_line}
        given |= {"max_recipients": max_recipients, "max_auth_failures": max_auth_failures}
        given |= {"strict": strict, "auth_before_tls": auth_before_tls}
        base = policy if policy is not None else LabPolicy()
        self._policy = replace(base, **{k: v for k, v in given.items() if v is not None})
        for name, value in (("port", port), ("tls_port", tls_port)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
                raise ValueError(
                    _("{name} must be 0 (pick a free port) or 1-65535, not {value}.").format(
                        name=name, value=repr(value)
                    )
                )
        if port and port == tls_port:
            raise ValueError(
                _("port and tls_port must differ (both are {port}).").format(port=port)
            )
        self._host = host
        self._requested_ports = (port, tls_port)
        self._users = self._check_users(users)
        for name, value in (
            ("max_connections", max_connections),
            ("max_incoming_bytes", max_incoming_bytes),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    _("{name} must be a positive int, not {value}.").format(
                        name=name, value=repr(value)
                    )
                )
        if max_inbox_bytes is None:  # a look-alike's size_limit may be larger (70 MiB)
            max_inbox_bytes = max(DEFAULT_MAX_INBOX_BYTES, self._policy.size_limit)
        elif isinstance(max_inbox_bytes, int) and max_inbox_bytes < self._policy.size_limit:
            raise ValueError(
                _(
                    "max_inbox_bytes ({inbox}) must be at least size_limit "
                    "({limit}), so that the inbox can hold one message."
                ).format(inbox=max_inbox_bytes, limit=self._policy.size_limit)
            )
        self._max_connections = max_connections
        self._max_incoming_bytes = max_incoming_bytes
        self._inbox = Inbox(max_messages, max_inbox_bytes)
        self._sessions = SessionStore(
            max_sessions, max_session_lines, max_session_bytes, max_log_bytes
        )
        self._faults = FaultBook()
        self._door = SharedHostDoor() if shared_host_wanted(shared_host) else None
        self._relay = relay
        self._runtime: _Runtime | None = None  # the last one started
        self._stopper: weakref.finalize | None = None  # stops it, once
        LabServer._instances.add(self)

    @staticmethod
    def _check_users(users: Mapping[str, str] | None) -> dict[str, str]:
        if users is None:
            return {DEMO_USER: make_password()}
        for name, password in dict(users).items():
            if not isinstance(name, str) or not name or any(c in name for c in " :\r\n\0"):
                raise ValueError(
                    _(
                        "user name {name}: use a non-empty name without spaces, colons or "
                        "control characters, e.g. 'student'."
                    ).format(name=repr(name))
                )
            if not isinstance(password, str) or not password:
                raise ValueError(
                    _("user {name} needs a non-empty password (a str).").format(name=repr(name))
                )
        return dict(users)

    # -- life cycle ----------------------------------------------------------------------
    def start(self) -> LabServer:
        """Bind the ports, make the certificates and start serving; return the lab.

        Starting a running lab does nothing. Raises OSError (saying which port) when a
        fixed port is taken.
        """
        if self.running:
            return self
        for name in ("mail.log", "asyncio"):
            logging.getLogger(name).addFilter(_not_on_a_lab_thread)  # no-op when already there
        certificates = LabCertificates(self._policy.hostname, self._host)
        with contextlib.ExitStack() as undo:  # releases what was made if a step fails
            undo.callback(certificates.cleanup)
            socks = []
            for port in self._requested_ports:
                socks.append(bind(self._host, port))
                undo.callback(socks[-1].close)
            context = LabContext(
                policy=self._policy,
                users=dict(self._users),
                inbox=self._inbox,
                sessions=self._sessions,
                faults=self._faults,
                server_tls=certificates.server_context(),
                max_connections=self._max_connections,
                max_incoming_bytes=self._max_incoming_bytes,
                relay=self._relay,
            )
            self._runtime = _Runtime(context, certificates, socks, self._door)
            undo.pop_all()
        self._stopper = weakref.finalize(self, self._runtime.stop)
        return self

    def stop(self) -> None:
        """Stop serving: close the ports and every connection, join the thread, remove
        the CA file. Safe to call twice, or on a lab that never started."""
        if self._stopper is not None:
            self._stopper()

    @classmethod
    def stop_all(cls) -> None:
        """Stop every LabServer of this process (e.g. from a notebook's last cell)."""
        for lab in list(cls._instances):
            lab.stop()

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._stopper is not None and self._stopper.alive

    # -- where and who -------------------------------------------------------------------
    def _started(self) -> _Runtime:
        if self._runtime is None:
            raise RuntimeError(
                _(
                    "the lab has not started yet, so it has no ports: call lab.start() first "
                    "(or use `with LabServer() as lab:`)."
                )
            )
        return self._runtime

    @property
    def host(self) -> str:
        """The address the lab listens on (``127.0.0.1`` unless ``host=`` said otherwise)."""
        return self._host

    @property
    def port(self) -> int:
        """The plain-text port that offers STARTTLS (like 587 or 25)."""
        return self._started().ports[0]

    @property
    def tls_port(self) -> int:
        """The implicit-TLS port: TLS from the first byte (like 465)."""
        return self._started().ports[1]

    @property
    def hostname(self) -> str:
        """The server's name in its greeting, its EHLO reply and its certificate."""
        return self._policy.hostname

    @property
    def shared_host(self) -> bool:
        """True if the lab serves only its own user's connections (shared-host mode)."""
        return self._door is not None

    @property
    def refused_other_users(self) -> int:
        """How many connections the shared-host mode turned away (opened by another
        user of this machine, or by one it could not see); nothing else of them is kept."""
        return self._door.refused if self._door is not None else 0

    @property
    def policy(self) -> LabPolicy:
        """The lab's :class:`LabPolicy` (greeting, extensions, what it requires)."""
        return self._policy

    @property
    def profile(self) -> LabProfile | None:
        """The provider look-alike this lab imitates (None for the plain lab)."""
        return self._profile

    def provider_overrides(self, security: str | None = None) -> dict[str, Any]:
        """``host``, ``port``, ``security`` and ``context`` that send a provider's client
        here instead: ``Client.for_provider("qq", **lab.provider_overrides())``.

        ``security`` is ``"tls"`` (:attr:`tls_port`, like 465) or ``"starttls"`` /
        ``"plain"`` (:attr:`port`, like 587); by default the imitated provider's default
        (``"starttls"`` for the plain lab). The context trusts the lab's CA.
        """
        if security is None:
            security = self._profile.security if self._profile is not None else "starttls"
        if security not in ("tls", "starttls", "plain"):
            raise ValueError(
                _("security must be 'tls', 'starttls' or 'plain', not {security}.").format(
                    security=repr(security)
                )
            )
        port = self.tls_port if security == "tls" else self.port
        context = self.ssl_context()
        return {"host": self.host, "port": port, "security": security, "context": context}

    @property
    def users(self) -> dict[str, str]:
        """The accounts that may log in, ``{"name": "password"}`` (a copy)."""
        return dict(self._users)

    @property
    def ca_path(self) -> str:
        """The lab CA's certificate as a PEM file (for tools such as swaks or openssl).
        It exists while the lab runs."""
        return str(self._started().certificates.ca_path)

    def ssl_context(self) -> ssl.SSLContext:
        """A new client SSL context that trusts the lab's CA, with certificate and host
        name verification ON: it accepts ``lab.hostname``, ``localhost`` and
        ``127.0.0.1``, and refuses any other name."""
        return self._started().certificates.client_context()

    # -- what arrived --------------------------------------------------------------------
    @property
    def inbox(self) -> list[ReceivedMessage]:
        """The messages received, oldest first (a snapshot list)."""
        return self._inbox.snapshot()

    @property
    def received_count(self) -> int:
        """How many messages arrived since the start or the last :meth:`clear_inbox`."""
        return self._inbox.received

    @property
    def dropped_messages(self) -> int:
        """How many old messages were dropped because the inbox was full."""
        return self._inbox.dropped

    @property
    def dropped_bytes(self) -> int:
        """How many bytes of messages were dropped because the inbox was full."""
        return self._inbox.dropped_bytes

    @property
    def refused_connections(self) -> int:
        """Connections refused (421) or closed to make room at ``max_connections``."""
        if self._runtime is None:
            return 0
        context = self._runtime.context
        return context.refused_connections + context.closed_for_room

    def clear_inbox(self) -> None:
        """Empty the inbox (and the counts :meth:`wait_for` uses)."""
        self._inbox.clear()

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Block until ``count`` messages have arrived (since the start or the last
        :meth:`clear_inbox`) and return the inbox; raise :class:`smtplab.errors.Timeout`
        (a ``TimeoutError``) saying how many arrived if that takes over ``timeout`` s."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(
                _("count must be a positive int, not {count}.").format(count=repr(count))
            )
        if not 0 <= timeout < math.inf:  # also refuses nan
            raise ValueError(
                _("timeout must be a finite number of seconds, not {timeout}.").format(
                    timeout=repr(timeout)
                )
            )
        arrived = self._inbox.wait_until(count, timeout)
        if arrived < count:
            where = _("the lab")
            if self._runtime is not None:
                where = _("{host} port {port} or {tls_port}").format(
                    host=self._host, port=self.port, tls_port=self.tls_port
                )
            raise Timeout(
                _(
                    "only {arrived} of the {count} expected message(s) arrived within "
                    "{seconds} s. Check that the client sent to {where} and that its last "
                    "reply was 250 (lab.sessions[-1] shows what the server received)."
                ).format(arrived=arrived, count=count, seconds=f"{timeout:g}", where=where)
            )
        return self._inbox.snapshot()

    @property
    def sessions(self) -> list[LabSession]:
        """The server's log of each connection, oldest first (see :class:`LabSession`)."""
        return self._sessions.snapshot()

    def session(self, session_id: str) -> LabSession:
        """The session with this id (``message.session_id`` links a message to it)."""
        return self._sessions.get(session_id)

    def clear_sessions(self) -> None:
        """Forget the session logs kept so far."""
        self._sessions.clear()

    @property
    def errors(self) -> list[str]:
        """Internal errors seen on the server thread (it never prints them)."""
        return list(self._runtime.context.errors) if self._runtime is not None else []

    # -- faults --------------------------------------------------------------------------
    def fail(
        self,
        step: str,
        reply: str | Reply,
        *,
        times: int | None = None,
        delay: float = 0.0,
        address: str | None = None,
    ) -> Fault:
        """At ``step``, answer ``reply`` instead of the normal reply (the command then has
        no effect: a refused RCPT adds no recipient, a refused message is not delivered).

        ``lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*")`` refuses one
        recipient; ``lab.fail("RCPT", "451 4.7.1 Try again later", times=1)`` greylists
        once (a greylisting server defers at RCPT TO, RFC 6647). A ``421`` reply also
        closes the connection; a line without an enhanced code gets one. Steps:
        :data:`smtplab.lab.faults.STEPS`. For every fault method,
        ``times`` is how many uses (None: until :meth:`clear_faults`), ``delay`` the
        seconds to wait first, ``address`` (MAIL/RCPT only) a pattern like ``"nobody@*"``.
        """
        return self._faults.add(
            Fault(step, "reply", parse_fault_reply(reply), delay, times, address)
        )

    def slow(
        self, step: str, seconds: float, *, times: int | None = None, address: str | None = None
    ) -> Fault:
        """At ``step``, wait ``seconds`` and then answer normally (a slow server)."""
        return self._faults.add(Fault(step, "slow", (), seconds, times, address))

    def hang(self, step: str, *, times: int | None = None, address: str | None = None) -> Fault:
        """At ``step``, never answer: the connection stays open and silent until the
        client gives up (its timeout) or the lab stops."""
        return self._faults.add(Fault(step, "hang", (), 0.0, times, address))

    def drop(
        self, step: str, *, times: int | None = None, delay: float = 0.0, address: str | None = None
    ) -> Fault:
        """At ``step``, close the connection abruptly without a reply.

        ``drop("BODY")`` drops it in the middle of the message (after 354, when the
        first bytes of the message arrive); ``drop("DATA_END")`` after the whole message
        arrived, before the reply (the client cannot know whether it was delivered).
        """
        return self._faults.add(Fault(step, "drop", (), delay, times, address))

    def split_replies(
        self, pieces: int = 3, pause: float = 0.02, *, times: int | None = None
    ) -> SplitReplies:
        """Send every reply in ``pieces`` separate segments, ``pause`` seconds apart, as a
        slow network may deliver it: a client that takes one ``recv()`` for one reply then
        reads part of it. ``times`` replies (None: until :meth:`clear_faults`)."""
        return self._faults.split_replies(SplitReplies(pieces, pause, times))

    def clear_faults(self) -> None:
        """Remove every fault: the lab answers normally again."""
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        """The faults still active, oldest first (the first one matching a step applies)."""
        return self._faults.snapshot()

    def __repr__(self) -> str:
        name = self.hostname
        if self._profile is not None:
            name += _(" ({title}: an imitation)").format(title=_shown(self._profile.title))
        if self._policy.auth_before_tls:
            name += _(" [LESSON ONLY: insecure, offers AUTH before TLS]")
        if self._runtime is None:
            return _("<LabServer {name} (not started)>").format(name=name)
        state = _("running") if self.running else _("stopped")
        dropped = ""
        if self.dropped_messages:  # said only when it happened (notebooks show the repr)
            dropped = _(", {count} dropped ({size} bytes: the inbox was full)").format(
                count=self.dropped_messages, size=self.dropped_bytes
            )
        where = {"host": self._host, "port": self.port, "tls_port": self.tls_port}
        return _(
            "<LabServer {name} on {host} port={port} "
            "tls_port={tls_port} {state}, {count} message(s){dropped}>"
        ).format(name=name, state=state, count=len(self.inbox), dropped=dropped, **where)
