"""The client's connection: the socket, TLS, and whole replies read within a deadline.

This is where :class:`smtplab.client.Client` touches the network, and where what the
network raises (``socket.gaierror``, ``ssl.SSLError``, ``TimeoutError``...) becomes one
of smtplab's errors: every system call runs inside :meth:`Wire.mapped`, which finds the
error in one table, :data:`EXCEPTION_MAP` (as httpx's ``map_httpcore_exceptions``
does), and words it with the advice of :mod:`smtplab.errors`.

Timeouts: ``timeout`` is a deadline for a step's *whole* reply, not for each ``recv()``,
so a server that trickles one byte at a time cannot hold the client past it. An overall
deadline (:meth:`Wire.within`) bounds every step of a whole send together.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

from .errors import (
    ConnectError,
    Disconnected,
    RemoteProtocolError,
    Timeout,
    TLSError,
    TransportError,
    tls_hint,
)
from .errors_texts import TRANSPORT_ADVICE, TRANSPORT_HINTS
from .events import CLOSED, Answer, State, TLSInfo
from .i18n import N_, _
from .protocol import ClientConnection
from .replies import Reply

__all__: list[str] = []

Security = Literal["plain", "starttls", "tls"]
"""How the connection is protected: ``"plain"`` (no TLS; STARTTLS may come later),
``"starttls"`` (EHLO, STARTTLS, EHLO right after connecting, as on port 587) or
``"tls"`` (implicit TLS from the first byte, as on port 465)."""

DEFAULT_PORTS: dict[str, int] = {"plain": 25, "starttls": 587, "tls": 465}
"""The usual port for each security mode."""

DEFAULT_TIMEOUT = 30.0
"""Seconds a step may wait for its whole reply."""

MESSAGE_STEP = N_("the message (after DATA)")
"""The step of sending the message: a failure there leaves its delivery unknown."""

# Keys of TRANSPORT_ADVICE (errors.py), not texts.
_READ_OR_SEND_KEYS = ("broke while sending", "broke while reading")  # i18n: keep keys
_READ_OR_SEND_KEYS += ("no reply", "send timeout")
_RECV_SIZE = 65536
_SEEN_LIMIT = 120  # bytes of a partial reply shown in an error

EXCEPTION_MAP: tuple[tuple[type[OSError], str, type[TransportError], str], ...] = (
    (socket.gaierror, "connect", ConnectError, "unresolved"),
    (ConnectionRefusedError, "connect", ConnectError, "refused"),
    (ConnectionResetError, "connect", Disconnected, "reset"),
    (TimeoutError, "connect", ConnectError, "no answer"),
    (OSError, "connect", ConnectError, "unreachable"),
    (ssl.SSLCertVerificationError, "handshake", TLSError, "untrusted"),
    (ssl.SSLEOFError, "handshake", Disconnected, "closed in handshake"),  # i18n: keep a key
    # The same close as Debian 12's Python 3.11.2 reports it ("TLS/SSL connection has been closed")
    (ssl.SSLZeroReturnError, "handshake", Disconnected, "closed in handshake"),  # i18n: keep a key
    (ssl.SSLError, "handshake", TLSError, "handshake failed"),
    (TimeoutError, "handshake", Timeout, "slow handshake"),
    (OSError, "handshake", Disconnected, "broke in handshake"),  # i18n: keep a key
    (TimeoutError, "send", Timeout, "send timeout"),
    (OSError, "send", Disconnected, "broke while sending"),  # i18n: keep a key
    (TimeoutError, "read", Timeout, "no reply"),
    (OSError, "read", Disconnected, "broke while reading"),  # i18n: keep a key
)
"""``(exception, phase, error, advice)``: the first row whose exception and phase match
gives the error raised and the key of its advice in
:data:`smtplab.errors_texts.TRANSPORT_ADVICE`."""


_UNBOUNDED = contextlib.nullcontext()  # Wire.within(None): no deadline to set


def _preview(data: bytes) -> str:
    more = f" ... ({len(data)} bytes)" if len(data) > _SEEN_LIMIT else ""
    return f"{bytes(data[:_SEEN_LIMIT])!r}{more}"


class Wire:
    """One TCP connection to ``host:port`` (and the TLS on it) for one client.

    ``note`` records a line of commentary in the client's transcript; ``provider``
    adds that provider's advice to errors.
    """

    def __init__(
        self,
        host: str,
        port: int,
        timeout: float,
        note: Callable[[str], object],
        provider: str | None = None,
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.provider = provider
        self.sock: socket.socket | None = None
        self._note = note
        self._deadline: tuple[float, float] | None = None  # (monotonic end, seconds)

    def within(self, seconds: float | None) -> contextlib.AbstractContextManager[None]:
        """Bound every step inside by ``seconds`` together, each still by its timeout (an
        outer deadline that comes sooner still holds); None changes nothing."""
        if seconds is None:
            return _UNBOUNDED
        if not 0 < seconds < float("inf"):
            text = _("deadline must be a positive number of seconds, not {seconds}.")
            raise ValueError(text.format(seconds=repr(seconds)))
        return self._bounded(seconds)

    @contextlib.contextmanager
    def _bounded(self, seconds: float) -> Iterator[None]:
        before = self._deadline
        end = time.monotonic() + seconds
        if before is None or end < before[0]:
            self._deadline = (end, seconds)
        try:
            yield
        finally:
            self._deadline = before

    def _limit(self, step: str) -> float:
        """Seconds the next system call of ``step`` may take: the step's timeout, or what
        is left of the overall deadline when that comes first (a Timeout once it passed)."""
        if self._deadline is None:
            return self.timeout
        left = self._deadline[0] - time.monotonic()
        if left <= 0:
            raise self._past_deadline(step)
        return min(self.timeout, left)

    def _deadline_passed(self) -> bool:
        return self._deadline is not None and time.monotonic() >= self._deadline[0] - 0.001

    def _past_deadline(self, step: str) -> Timeout:
        seconds = self._deadline[1] if self._deadline is not None else 0.0
        self._note(
            _("the overall deadline of {seconds} s elapsed while {step}").format(
                seconds=f"{seconds:g}", step=_(step)
            )
        )
        self.close()
        unknown = TRANSPORT_HINTS["unknown delivery"] if step == MESSAGE_STEP else ""
        advice = TRANSPORT_ADVICE["deadline"]
        return Timeout(
            advice.format(step=_(step), seconds=seconds, timeout=self.timeout, unknown=unknown)
        )

    def mapped(self, phase: str, step: str, **facts: Any) -> _Mapped:
        """Run system calls of ``phase`` (connect, handshake, send, read) for ``step``:
        an OSError or SSLError becomes the error :data:`EXCEPTION_MAP` says; the socket
        is closed."""
        return _Mapped(self, phase, step, facts)

    def _raise_mapped(self, exc: OSError, phase: str, step: str, facts: dict[str, Any]) -> None:
        """Raise the error :data:`EXCEPTION_MAP` gives ``exc`` (none: ``exc`` goes on)."""
        if isinstance(exc, TimeoutError) and self._deadline_passed():
            raise self._past_deadline(step) from exc
        for kind, where, error, key in EXCEPTION_MAP:
            if where == phase and isinstance(exc, kind):
                self.close()
                raise error(self._advice(key, exc, step, facts)) from exc

    def _advice(self, key: str, exc: OSError, step: str, facts: dict[str, Any]) -> str:
        """The advice of the error for ``key``; a failed read or send is noted in the transcript."""
        reason = getattr(exc, "reason", None) or str(exc)
        starttls = step.startswith("STARTTLS")
        facts = {"host": self.host, "port": self.port, "timeout": self.timeout, **facts}
        facts.update(step=_(step), detail=exc, reason=reason, got="", unknown="", hint="")
        if key == "no answer":
            facts["advice"] = self._provider_advice("timed out") or TRANSPORT_HINTS["firewall"]
        elif key == "untrusted":
            facts["hint"] = tls_hint(reason, getattr(exc, "verify_message", None))
        elif key == "closed in handshake":  # i18n: keep a key
            facts["advice"] = TRANSPORT_HINTS[
                "closed after starttls" if starttls else "closed on tls port"  # i18n: keep keys
            ]
        elif key == "handshake failed":
            if starttls and "WRONG_VERSION_NUMBER" in reason:
                facts["advice"] = TRANSPORT_HINTS["not tls after starttls"]  # i18n: keep a key
            else:
                facts["advice"] = self._provider_advice(reason) or tls_hint(reason)
        elif key == "slow handshake":
            facts["advice"] = TRANSPORT_HINTS[
                "stalled after starttls" if starttls else "plain port"  # i18n: keep a key
            ]
        elif key in _READ_OR_SEND_KEYS:
            facts["unknown"] = TRANSPORT_HINTS["unknown delivery"] if step == MESSAGE_STEP else ""
            seen = facts.pop("seen", b"")
            if key in ("no reply", "send timeout"):  # noted in the transcript, as breaks are
                timeout = _("timeout after {seconds} s while {step}")
                self._note(timeout.format(seconds=f"{self.timeout:g}", step=_(step)))
            else:
                self._note(_("the connection broke while {step}").format(step=_(step)))
            if key == "broke while reading":  # i18n: keep a key
                got = _("; received before that: {seen}").format(seen=_preview(seen))
                facts["got"] = (got if seen else "") + self._tls_port_hint(step, seen)
            elif key == "no reply":
                facts["got"] = (
                    _("; received so far: {seen}").format(seen=_preview(seen))
                    if seen
                    else _("; nothing arrived")
                )
                facts["hint"] = self._tls_port_hint(step, seen)
        return TRANSPORT_ADVICE[key].format(**facts)

    def _tls_port_hint(self, step: str, seen: bytes | bytearray) -> str:
        """The implicit-TLS hint when nothing at all came before the greeting: a plain
        client on a TLS port waits for a greeting that never comes, whichever side gives
        up first (the lab closes after its handshake timeout, or the client times out)."""
        if step != N_("waiting for the greeting") or seen:
            return ""
        return TRANSPORT_HINTS["tls port"]

    def _provider_advice(self, error_text: str) -> str | None:
        from .providers import advice_for  # its tables load on the first failure

        return advice_for(provider=self.provider, error_text=error_text)

    # ------------------------------------------------------------------ the socket

    def open(self) -> None:
        """Connect (TCP); the first bytes are the server's to send (or TLS's)."""
        step = f"connecting to {self.host}:{self.port}"
        with self.mapped("connect", step):
            sock = socket.create_connection((self.host, self.port), timeout=self._limit(step))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock

    def start_tls(self, context: ssl.SSLContext, server_name: str, step: str) -> TLSInfo:
        """Do the TLS handshake within the timeout; return what it gave."""
        sock = self._require(step)
        limit = self._limit(step)
        deadline = time.monotonic() + limit
        with self.mapped("handshake", step, name=server_name):
            sock.settimeout(limit)  # the whole handshake, not each read
            tls = context.wrap_socket(sock, server_hostname=server_name)
        self.sock = tls
        tls.settimeout(max(deadline - time.monotonic(), 0.001))
        issuer = dict(rdn[0] for rdn in (tls.getpeercert() or {}).get("issuer", ()) if rdn)
        return TLSInfo(
            tls.version() or "TLS",
            (tls.cipher() or ("?",))[0],
            verified=context.verify_mode == ssl.CERT_REQUIRED,
            server_name=server_name if context.check_hostname else None,
            issuer=issuer.get("organizationName") or issuer.get("commonName"),
        )

    def write(self, data: bytes, step: str) -> None:
        """Send ``data`` whole."""
        sock = self._require(step)
        with self.mapped("send", step):
            _arm(sock, self._limit(step))
            sock.sendall(data)

    def read_reply(self, conn: ClientConnection, step: str) -> Reply:
        """Read until ``conn`` has the next whole reply, within the step's deadline."""
        deadline = time.monotonic() + self.timeout
        seen = _Seen()  # the first bytes of the reply, for error messages
        eof = False
        while True:
            try:
                event = conn.next_event()
            except RemoteProtocolError as exc:
                raise self._broken(exc, step, seen, eof) from exc
            if isinstance(event, Answer):
                if event.state is State.CLOSED:
                    self.close()
                elif event.unsolicited:  # it answers no command (the transcript shows it)
                    continue
                return event.reply
            if event is CLOSED:  # the server closed, or the connection is closed
                self.close()
                raise self._closed(step, seen, complete=True)
            sock, remaining = self.sock, deadline - time.monotonic()
            if remaining <= 0 or sock is None:
                raise self._timed_out(step, seen)
            with self.mapped("read", step, seen=seen):  # a failure is noted in the transcript
                limit = self._limit(step)  # the first read may take it all, later ones what is left
                _arm(sock, min(remaining, limit) if seen else limit)
                data = sock.recv(_RECV_SIZE)
            if len(seen) <= _SEEN_LIMIT:
                seen += data[: _SEEN_LIMIT + 1 - len(seen)]  # in place: still a _Seen
            eof = not data
            conn.receive_data(data)
            del data  # nor the chunk: a verbose traceback of a later read would print it

    def _broken(
        self, exc: RemoteProtocolError, step: str, seen: bytes | bytearray, eof: bool
    ) -> RemoteProtocolError | Disconnected:
        self.close()
        if eof:  # the reply was cut short: the server went away
            return self._closed(step, seen, complete=False)
        self._note(_("the server broke the protocol: {error}").format(error=exc))
        return RemoteProtocolError(f"{_(step)}: {exc}")

    def _closed(self, step: str, seen: bytes | bytearray, *, complete: bool) -> Disconnected:
        if seen and not complete:
            what = _("in the middle of a reply, after {seen} (the reply is incomplete)").format(
                seen=_preview(seen)
            )
        elif seen:
            what = _("without a complete reply, after {seen}").format(seen=_preview(seen))
        else:
            what = _("without replying (nothing arrived)")
        self._note(_("the server closed the connection"))
        unknown = TRANSPORT_HINTS["unknown delivery"] if step == MESSAGE_STEP else ""
        hint = self._tls_port_hint(step, seen)
        advice = TRANSPORT_ADVICE["closed"]
        return Disconnected(advice.format(what=what, step=_(step), unknown=unknown, hint=hint))

    def _timed_out(self, step: str, seen: _Seen) -> Timeout:
        self.close()  # the advice notes the timeout in the transcript
        return Timeout(self._advice("no reply", TimeoutError(), step, {"seen": seen}))

    def _require(self, step: str) -> socket.socket:
        if self.sock is None:
            text = _("{step}: not connected. Create a new Client (or call connect()) to go on.")
            raise Disconnected(text.format(step=_(step)))
        return self.sock

    def close(self) -> None:
        """Close the socket (idempotent)."""
        sock, self.sock = self.sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def local_address(self) -> str:
        """The local end's address literal for EHLO (``[127.0.0.1]``, RFC 5321 §4.1.3)."""
        if self.sock is None:
            return "localhost"
        address = self.sock.getsockname()[0]
        return f"[IPv6:{address}]" if ":" in address else f"[{address}]"


class _Seen(bytearray):
    """The first bytes of the reply being read (at most ``_SEEN_LIMIT + 1``), for the
    error messages, which the client masks (``_Step``). Its repr gives only their number:
    a verbose traceback (``%xmode Verbose``) prints every frame's locals, and a server may
    echo a password in a reply that is then cut short or stalls."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} bytes of the reply>"  # i18n: keep a repr


class _Mapped:
    """The context :meth:`Wire.mapped` returns (a class: it runs around every system call)."""

    __slots__ = ("facts", "phase", "step", "wire")

    def __init__(self, wire: Wire, phase: str, step: str, facts: dict[str, Any]) -> None:
        self.wire, self.phase, self.step, self.facts = wire, phase, step, facts

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, traceback: object) -> None:
        if isinstance(exc, OSError):
            self.wire._raise_mapped(exc, self.phase, self.step, self.facts)


def _arm(sock: socket.socket, seconds: float) -> None:
    """Give ``sock`` the timeout ``seconds``; a system call only when it changes."""
    if sock.gettimeout() != seconds:
        sock.settimeout(seconds)
