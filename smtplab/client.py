"""The blocking SMTP client: one method per step, every byte in an annotated transcript.

This is the only module of the client side that touches sockets and TLS. The protocol
itself (reply parsing, the state machine, command rendering, the DATA encoding) lives in
the sans-I/O core (:mod:`smtplab.protocol`, :mod:`smtplab.commands`); this module moves
the bytes, keeps the time, and turns replies that are not what a step needs into errors::

    from smtplab import Client
    c = Client(lab.host, lab.port)            # connects, reads the 220 greeting
    c.ehlo("learner.example")                 # -> Reply; c.extensions now parsed
    c.starttls(context=lab.ssl_context())     # TLS; EHLO again (the client says why)
    c.login("student", lab.users["student"])  # AUTH LOGIN by default; mechanism="PLAIN" too
    c.mail("alice@example.com")
    c.rcpt("bob@example.com")
    c.data(message)                           # str, bytes or EmailMessage
    c.quit()
    c.transcript                              # the C:/S: dialogue, annotated

The method names match :mod:`smtplib`'s so that what you learn here carries over.

Timeouts: ``timeout`` (30 s by default) is a deadline for each step's *whole* reply, not
for each ``recv()``: a server that trickles one byte at a time cannot hold the client
past it. Certificate verification is ON by default; turning it off is explicit
(``verify=False``) and the transcript says so.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Literal, ParamSpec, TypeVar

from .auth import (
    choose_mechanism,
    cram_md5_response,
    login_password,
    login_username,
    plain_response,
    xoauth2_response,
)
from .commands import (
    Auth,
    AuthContinuation,
    Command,
    Data,
    Ehlo,
    Helo,
    Mail,
    MailData,
    Noop,
    Quit,
    RawCommand,
    Rcpt,
    Rset,
    StartTLS,
    has_8bit,
    is_ascii_address,
)
from .errors import (
    AuthenticationError,
    ConnectError,
    DataRefused,
    Disconnected,
    LocalProtocolError,
    NotSupported,
    RecipientRefused,
    RemoteProtocolError,
    ReplyError,
    SenderRefused,
    SmtplabError,
    Timeout,
    TLSError,
    tls_hint,
)
from .extensions import Extensions
from .protocol import CLOSED, NEED_DATA, Answer, ClientConnection, State
from .replies import Reply
from .transcript import MASK, Transcript

if TYPE_CHECKING:
    from email.message import Message

    from .message import Draft
    from .providers import Provider

    MessageLike = Message | Draft | str | bytes

__all__ = ["DEFAULT_PORTS", "DEFAULT_TIMEOUT", "Client", "Security", "send"]

Security = Literal["plain", "starttls", "tls"]
"""How the connection is protected: ``"plain"`` (no TLS; STARTTLS may come later),
``"starttls"`` (EHLO, STARTTLS, EHLO right after connecting, as on port 587) or
``"tls"`` (implicit TLS from the first byte, as on port 465)."""

DEFAULT_PORTS: dict[str, int] = {"plain": 25, "starttls": 587, "tls": 465}
"""The usual port for each security mode."""

DEFAULT_TIMEOUT = 30.0
"""Seconds a step may wait for its whole reply."""

_RECV_SIZE = 65536
_SEEN_LIMIT = 120  # bytes of a partial reply shown in a timeout message
_MESSAGE_STEP = "the message (after DATA)"
_DATA = Data()  # a command is an immutable value: one DATA serves every message

_E = TypeVar("_E", bound=BaseException)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _with_transcript(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Give every smtplab error a step raises ``err.transcript`` (the client's), also the
    errors raised before anything was sent (a CR/LF in an address, a message too big...)."""

    @functools.wraps(method)
    def step(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except SmtplabError as exc:
            if getattr(exc, "transcript", None) is None:
                exc.transcript = args[0].transcript  # type: ignore[attr-defined]
            raise

    return step


# smtplab.message (email.policy, uuid, mimetypes...) and smtplab.providers (its tables
# and patterns) are imported when first needed: a message object to serialise, a failure
# to explain. ``import smtplab`` stays light (docs/PERFORMANCE.md, figure 5).


def advice_for(
    reply: Reply | None = None,
    *,
    provider: str | Provider | None = None,
    error_text: str | None = None,
) -> str | None:
    """:func:`smtplab.providers.advice_for`, imported on first use."""
    from .providers import advice_for as providers_advice_for

    return providers_advice_for(reply, provider=provider, error_text=error_text)


def _mail_command(sender: str, params: tuple[str, ...]) -> Mail:
    """``Mail(sender, params)``. Commands are immutable values, checked when built: the
    one built for an earlier message with the same envelope serves again (bulk sends)."""
    if type(sender) is str and all(type(param) is str for param in params):
        return _cached_mail(sender, params)
    return Mail(sender, params)  # anything else: built (and refused) as it always was


def _rcpt_command(recipient: str) -> Rcpt:
    """``Rcpt(recipient)``, served again like :func:`_mail_command`."""
    if type(recipient) is str:
        return _cached_rcpt(recipient)
    return Rcpt(recipient)


@functools.lru_cache(maxsize=256)
def _cached_mail(sender: str, params: tuple[str, ...]) -> Mail:
    return Mail(sender, params)


@functools.lru_cache(maxsize=256)
def _cached_rcpt(recipient: str) -> Rcpt:
    return Rcpt(recipient)


def _preview(data: bytes) -> str:
    shown = bytes(data[:_SEEN_LIMIT])
    more = f" ... ({len(data)} bytes)" if len(data) > _SEEN_LIMIT else ""
    return f"{shown!r}{more}"


class Client:
    """An SMTP client that shows its work.

    ``Client(host, port)`` connects at once and reads the greeting (pass
    ``connect=False`` to call :meth:`connect` yourself). ``security`` picks plain TCP,
    STARTTLS right after connecting, or implicit TLS; ``context`` is the
    :class:`ssl.SSLContext` to verify the server with (default: the system's trusted
    authorities; for the lab, ``lab.ssl_context()``). ``verify=False`` turns
    certificate checks off — never do that outside a lab, and the transcript says so.

    ``local_hostname`` is the name said in EHLO/HELO (default: the address literal of
    the local end, e.g. ``[127.0.0.1]``, RFC 5321 §4.1.3). ``pipelining=True`` lets
    :meth:`send_message` batch MAIL, RCPT and DATA when the server offers PIPELINING
    (RFC 2920). ``provider`` (a key of :mod:`smtplab.providers`) adds that provider's
    known-failure advice to error messages.
    """

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        security: Security = "plain",
        timeout: float = DEFAULT_TIMEOUT,
        context: ssl.SSLContext | None = None,
        verify: bool = True,
        local_hostname: str | None = None,
        server_hostname: str | None = None,
        pipelining: bool = False,
        provider: str | None = None,
        connect: bool = True,
    ) -> None:
        if security not in DEFAULT_PORTS:
            raise ValueError(
                f"security={security!r} is not a mode; use 'plain', 'starttls' (port 587 "
                "style) or 'tls' (implicit TLS, port 465 style)."
            )
        if timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}.")
        self.host = host
        self.port = DEFAULT_PORTS[security] if port is None else port
        self.security: Security = security
        self.timeout = float(timeout)
        self.local_hostname = local_hostname
        self.server_hostname = server_hostname
        self.pipelining = pipelining
        self.provider = provider
        self.transcript = Transcript(provider=provider)
        self.last_refused: dict[str, Reply] = {}
        self._context = context
        self._verify = verify
        self._sock: socket.socket | None = None
        self._conn = ClientConnection()
        self._last_ehlo_name: str | None = None
        self._ehlo_done = False
        if connect:
            self.connect()

    # ------------------------------------------------------------------ properties

    @property
    def extensions(self) -> Extensions:
        """What the server offered in its last EHLO reply (empty before EHLO and after TLS)."""
        return self._conn.extensions

    @property
    def state(self) -> State:
        """Where the dialogue stands (see :class:`smtplab.protocol.State`)."""
        return self._conn.state

    @property
    def tls_active(self) -> bool:
        """True once the connection is encrypted."""
        return self._conn.tls_active

    @property
    def authenticated(self) -> bool:
        """True once AUTH succeeded."""
        return self._conn.authenticated

    @property
    def connected(self) -> bool:
        """True while the socket is open."""
        return self._sock is not None

    @property
    def greeting(self) -> Reply | None:
        """The server's 220 greeting."""
        return self._conn.greeting

    def is_legal(self, command: str | Command) -> tuple[bool, str]:
        """Whether a command fits this point of the dialogue, and if not, why."""
        cmd = RawCommand(command) if isinstance(command, str) else command
        return self._conn.is_legal(cmd)

    def __repr__(self) -> str:
        where = f"{self.host}:{self.port}"
        if self._sock is None:
            return f"<Client {where} {self.security}, not connected>"
        tls = ", TLS" if self.tls_active else ""
        return f"<Client {where} {self.security}{tls}, {self.state.name}>"

    # ------------------------------------------------------------------ connecting

    def connect(self) -> Reply:
        """Open the connection (and TLS for ``security="tls"``), read the greeting.

        With ``security="starttls"`` it goes on with EHLO, STARTTLS and EHLO again.
        Returns the greeting. Raises ConnectError when no connection can be made, and
        ReplyError when the server's greeting is not 220 (it may be busy: 421, or
        refuse you: 554).
        """
        if self._sock is not None:
            raise LocalProtocolError("this client is already connected; call quit() first.")
        self._conn = ClientConnection()
        self._ehlo_done = False
        step = f"connecting to {self.host}:{self.port}"
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except socket.gaierror as exc:
            raise self._attach(
                ConnectError(
                    f"{step}: the host name {self.host!r} could not be resolved ({exc}). "
                    "Check the spelling; for the lab use lab.host."
                )
            ) from exc
        except ConnectionResetError as exc:
            # The TCP handshake succeeded and the server reset the connection at once:
            # a server that accepts and hangs up, like one that closes before greeting.
            raise self._attach(
                Disconnected(
                    f"waiting for the greeting: the server accepted the connection to "
                    f"{self.host}:{self.port} and reset it at once ({exc}). It may be "
                    "overloaded or refuse your address; try again later."
                )
            ) from exc
        except ConnectionRefusedError as exc:
            raise self._attach(
                ConnectError(
                    f"{step}: connection refused, nothing listens on port {self.port}. Is "
                    "the server running (lab.start()) and is the port right (lab.port, "
                    "lab.tls_port)?"
                )
            ) from exc
        except TimeoutError as exc:
            advice = advice_for(provider=self.provider, error_text="timed out")
            raise self._attach(
                ConnectError(
                    f"{step}: no answer within {self.timeout:g} s. "
                    + (
                        advice
                        or "A firewall may drop the connection: many networks (and "
                        "mybinder.org) block outbound SMTP ports."
                    )
                )
            ) from exc
        except OSError as exc:
            raise self._attach(
                ConnectError(f"{step}: {exc}. Check host, port and network.")
            ) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        if self.security == "tls":
            self._conn.start_tls()
            self._handshake("implicit TLS handshake")
        greeting = self._read("waiting for the greeting")
        if not greeting.is_success:
            self._close_socket()
            raise self._attach(ReplyError(greeting, "the greeting"))
        if self.security == "starttls":
            try:
                self.ehlo()
                self.starttls()
            except SmtplabError:
                # Never go on in plain text, and never leave the socket to the garbage
                # collector: Client(...) raised, so nobody holds this client to close it.
                self._close_socket()
                raise
        return greeting

    def _context_for_tls(self, context: ssl.SSLContext | None) -> ssl.SSLContext:
        if context is not None:
            return context
        if self._context is not None:
            return self._context
        if self._verify:
            return ssl.create_default_context()
        unverified = ssl.create_default_context()
        unverified.check_hostname = False
        unverified.verify_mode = ssl.CERT_NONE
        return unverified

    def _handshake(self, step: str, context: ssl.SSLContext | None = None) -> None:
        assert self._sock is not None
        ctx = self._context_for_tls(context)
        name = self.server_hostname or self.host
        starttls = step.startswith("STARTTLS")
        deadline = time.monotonic() + self.timeout
        try:
            self._sock.settimeout(self.timeout)  # the whole handshake, not each read
            tls_sock = ctx.wrap_socket(self._sock, server_hostname=name)
        except ssl.SSLCertVerificationError as exc:
            self._close_socket()
            hint = tls_hint(exc.reason, exc.verify_message)  # the verify message names the cause
            raise self._attach(
                TLSError(f"{step}: the certificate of {name!r} failed verification: {hint}")
            ) from exc
        except ssl.SSLEOFError as exc:
            self._close_socket()
            raise self._attach(
                Disconnected(
                    f"{step}: the server closed the connection in the middle of the TLS "
                    f"handshake ({exc.reason or exc}). "
                    + (
                        "It had said 220 to STARTTLS: it may not really support TLS, or "
                        "it refused your TLS version or ciphers."
                        if starttls
                        else "It may not speak TLS on this port, or it refused your TLS "
                        "version or ciphers."
                    )
                )
            ) from exc
        except ssl.SSLError as exc:
            self._close_socket()
            reason = exc.reason or str(exc)
            if starttls and "WRONG_VERSION_NUMBER" in reason:
                explanation = (
                    "the server said 220 to STARTTLS, but what it sent next is not TLS. "
                    "The server is broken, or something between you and it (a firewall or "
                    "proxy that does not understand STARTTLS) is in the way; do not go on "
                    "in plain text."
                )
            else:
                hint = tls_hint(exc.reason)
                explanation = advice_for(provider=self.provider, error_text=reason) or hint
            raise self._attach(TLSError(f"{step} failed ({reason}): {explanation}")) from exc
        except TimeoutError as exc:
            self._close_socket()
            if starttls:
                advice = (
                    "The server said 220 to STARTTLS and then did not go on with the "
                    "handshake: it may not really support TLS."
                )
            else:
                advice = (
                    "If this port speaks plain SMTP first (like 587 or 25), connect with "
                    "security='starttls'."
                )
            raise self._attach(
                Timeout(f"{step}: no complete TLS handshake within {self.timeout:g} s. {advice}")
            ) from exc
        except OSError as exc:
            self._close_socket()
            raise self._attach(
                Disconnected(f"{step}: the connection broke during the handshake ({exc}).")
            ) from exc
        self._sock = tls_sock
        remaining = max(deadline - time.monotonic(), 0.001)
        tls_sock.settimeout(remaining)
        cert = tls_sock.getpeercert() or {}
        issuer = _name_field(cert.get("issuer", ()), "organizationName") or _name_field(
            cert.get("issuer", ()), "commonName"
        )
        self.transcript.record_tls(
            tls_sock.version() or "TLS",
            (tls_sock.cipher() or ("?",))[0],
            verified=ctx.verify_mode == ssl.CERT_REQUIRED,
            server_name=name if ctx.check_hostname else None,
            issuer=issuer,
        )

    # ------------------------------------------------------------------ the core loop

    def _send_bytes(self, data: bytes, step: str) -> None:
        sock = self._sock
        if sock is None:
            raise self._attach(
                Disconnected(
                    f"{step}: not connected"
                    + (f" ({self._conn.closed_reason})" if self._conn.closed_reason else "")
                    + ". Create a new Client (or call connect()) to go on."
                )
            )
        try:
            if sock.gettimeout() != self.timeout:  # _set_timeout(), inlined: hot
                sock.settimeout(self.timeout)
            sock.sendall(data)
        except TimeoutError as exc:
            raise self._fail(
                Timeout(f"{step}: the server took no data for {self.timeout:g} s.")
            ) from exc
        except OSError as exc:
            raise self._fail(
                Disconnected(
                    f"{step}: the connection broke while sending ({exc})."
                    + self._unknown_delivery(step)
                )
            ) from exc

    def _transmit(self, commands: Sequence[Command], step: str) -> None:
        """Render, record and write commands (several at once when pipelining)."""
        conn = self._conn
        if conn.state is State.CLOSED or self._sock is None:
            reason = conn.closed_reason or "not connected"
            raise self._attach(
                Disconnected(f"{step}: the connection is closed ({reason}); connect again.")
            )
        # Each command goes into the transcript (Transcript._sent: kept now, annotated
        # when the transcript is first read) with the time it was rendered, right after
        # the bytes are handed to the socket: the server is at work on them meanwhile. A
        # send that fails is recorded all the same, before its error goes up.
        record = self.transcript._sent
        if len(commands) == 1:
            command = commands[0]
            data = conn.send(command)
            when = time.monotonic()
            try:
                self._send_bytes(data, step)
            finally:
                record(data, command.secret, isinstance(command, MailData), when)
            return
        sent: list[tuple[Command, bytes, float]] = []
        try:
            for command in commands:
                sent.append((command, conn.send(command), time.monotonic()))
            self._send_bytes(b"".join(data for _, data, _ in sent), step)
        finally:
            for command, data, when in sent:
                record(data, command.secret, isinstance(command, MailData), when)

    def _read(self, step: str) -> Reply:
        """Read the reply to the oldest command in flight, within the deadline."""
        conn = self._conn
        timeout = self.timeout
        deadline = time.monotonic() + timeout
        seen = b""  # the first bytes of the reply, for error messages
        eof = False
        while True:
            try:
                event = conn.next_event()
            except RemoteProtocolError as exc:
                self._close_socket()
                if eof:  # the reply was cut short: the server went away, as in CLOSED
                    raise self._disconnected(step, seen, complete=False) from exc
                self.transcript.record_note(f"the server broke the protocol: {exc}")
                raise self._attach(RemoteProtocolError(f"{step}: {exc}")) from exc
            if isinstance(event, Answer):
                reply = event.reply
                self.transcript._received(reply)
                if conn.state is State.CLOSED:
                    self._close_socket()
                return reply
            if event is CLOSED:
                self._close_socket()
                raise self._disconnected(step, seen, complete=True)
            assert event is NEED_DATA
            sock = self._sock
            remaining = deadline - time.monotonic()
            if remaining <= 0 or sock is None:
                raise self._timeout(step, seen)
            try:
                # The first recv of a step may wait the whole step (no settimeout() system
                # call when the timeout is already that); later ones wait what is left.
                wait = timeout if not seen and not eof else remaining
                if sock.gettimeout() != wait:  # _set_timeout(), inlined: this loop is hot
                    sock.settimeout(wait)
                data = sock.recv(_RECV_SIZE)
            except TimeoutError:
                raise self._timeout(step, seen) from None
            except OSError as exc:
                self._close_socket()
                got = f"; received before that: {_preview(seen)}" if seen else ""
                self.transcript.record_note(f"the connection broke while {step}")
                raise self._attach(
                    Disconnected(
                        f"{step}: the connection broke while reading ({exc}){got}."
                        + self._unknown_delivery(step)
                    )
                ) from exc
            if len(seen) < _SEEN_LIMIT:
                seen += data[: _SEEN_LIMIT + 1 - len(seen)]
            eof = not data
            conn.receive_data(data)

    def _disconnected(self, step: str, seen: bytes, *, complete: bool) -> Disconnected:
        """The error for a server that closed the connection instead of replying."""
        if seen and not complete:
            what = f"in the middle of a reply, after {_preview(seen)} (the reply is incomplete)"
        elif seen:
            what = f"without a complete reply, after {_preview(seen)}"
        else:
            what = "without replying (nothing arrived)"
        self.transcript.record_note("the server closed the connection")
        return self._attach(
            Disconnected(
                f"{step}: the server closed the connection {what}. It may have crashed, "
                "timed you out, or refused you." + self._unknown_delivery(step)
            )
        )

    @staticmethod
    def _unknown_delivery(step: str) -> str:
        """For a message that got no final reply: say that its fate is unknown."""
        if step != _MESSAGE_STEP:
            return ""
        return (
            " No 250 came for the message, so it is NOT known to be delivered: it may be "
            "lost, or the server may have kept it after all. Check (the recipient's mailbox, "
            "lab.inbox) before sending it again, or it may arrive twice (RFC 5321 §6.1)."
        )

    def _timeout(self, step: str, seen: bytes) -> Timeout:
        got = f"; received so far: {_preview(seen)}" if seen else "; nothing arrived"
        hint = ""
        if step == "waiting for the greeting" and not seen:
            hint = (
                " A port that speaks implicit TLS (like 465) waits for your TLS "
                "handshake first: connect with security='tls'."
            )
        self.transcript.record_note(f"timeout after {self.timeout:g} s while {step}")
        self._close_socket()
        return self._attach(
            Timeout(
                f"{step}: no complete reply within {self.timeout:g} s{got}.{hint}"
                + self._unknown_delivery(step)
            )
        )

    def _exchange(self, command: Command, step: str | None = None) -> Reply:
        """Send one command and read its reply (no judgement on the code)."""
        label = step or command.text
        self._transmit([command], label)
        return self._read(label)

    def _attach(self, exc: _E) -> _E:
        """Give an error the transcript so far (``err.transcript``)."""
        exc.transcript = self.transcript  # type: ignore[attr-defined]
        return exc

    def _fail(self, exc: _E) -> _E:
        """Close the connection and attach the transcript to ``exc``."""
        self._close_socket()
        return self._attach(exc)

    def _check(
        self,
        reply: Reply,
        step: str,
        expected: int,
        error: type[ReplyError] = ReplyError,
        **extra: str,
    ) -> Reply:
        if reply.klass != expected:
            hint = advice_for(reply, provider=self.provider) or ""
            if reply.code == 421:
                hint = hint or (
                    "the server is closing the connection (421): wait, then connect again."
                )
            raise self._attach(error(reply, step, hint, **extra))
        return reply

    def _close_socket(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    # ------------------------------------------------------------------ the steps

    def _default_name(self) -> str:
        if self.local_hostname:
            return self.local_hostname
        if self._sock is not None:
            address = self._sock.getsockname()[0]
            return f"[IPv6:{address}]" if ":" in address else f"[{address}]"
        return "localhost"

    @_with_transcript
    def ehlo(self, name: str | None = None) -> Reply:
        """Say EHLO and learn the server's extensions (``c.extensions``). RFC 5321 §4.1.1.1."""
        name = name or self._last_ehlo_name or self._default_name()
        command = Ehlo(name)
        reply = self._exchange(command)
        if not reply.is_success:
            hint = "" if reply.klass != 5 else "an old server may know only HELO: try helo()."
            raise self._attach(ReplyError(reply, command.text, hint))
        self._last_ehlo_name = name
        self._ehlo_done = True
        return reply

    @_with_transcript
    def helo(self, name: str | None = None) -> Reply:
        """Say HELO: the old greeting, with no extensions. RFC 5321 §4.1.1.1."""
        name = name or self._last_ehlo_name or self._default_name()
        command = Helo(name)
        reply = self._check(self._exchange(command), command.text, 2)
        self._last_ehlo_name = name
        self._ehlo_done = True
        return reply

    def _ensure_ehlo(self) -> None:
        if not self._ehlo_done:
            self.ehlo()

    @_with_transcript
    def starttls(self, context: ssl.SSLContext | None = None) -> Reply:
        """Switch the connection to TLS (RFC 3207), then say EHLO again.

        The EHLO after TLS is required: the server forgets everything it learnt before
        (RFC 3207 §4.2), and only now may offer AUTH. Refuses to go on in plain text
        when the server did not offer STARTTLS: that is exactly what a downgrade attack
        (STRIPTLS) looks like. Returns the server's 220 reply to STARTTLS.
        """
        self._ensure_ehlo()
        if self.tls_active:
            raise self._attach(LocalProtocolError("TLS is already on for this connection."))
        if not self.extensions.starttls:
            raise self._attach(
                NotSupported(
                    "the server did not offer STARTTLS in its EHLO reply, so the kit will not "
                    "go on in plain text (an attacker who strips STARTTLS from the reply — "
                    "STRIPTLS — makes it look exactly like this). Use the implicit-TLS port "
                    "(security='tls'), or another server."
                )
            )
        command = StartTLS()
        reply = self._check(self._exchange(command), "STARTTLS", 2)
        try:
            self._conn.start_tls()
        except RemoteProtocolError as exc:
            self._close_socket()
            raise self._attach(RemoteProtocolError(f"STARTTLS: {exc}")) from exc
        self._ehlo_done = False
        self._handshake("STARTTLS handshake", context)
        self.ehlo()  # the transcript explains why: RFC 3207 §4.2
        return reply

    @_with_transcript
    def login(self, username: str, password: str, *, mechanism: str | None = None) -> Reply:
        """Log in with AUTH (RFC 4954). LOGIN by default when offered; PLAIN, CRAM-MD5 too.

        ``mechanism="XOAUTH2"`` takes an OAuth2 access token as the ``password``.
        Raises AuthenticationError when the server refuses (535...), NotSupported when
        it offers no AUTH (often: not before STARTTLS).
        """
        self._ensure_ehlo()
        offered = self.extensions.auth_mechanisms
        if not offered and not self.tls_active and self.extensions.starttls:
            raise self._attach(
                NotSupported(
                    "the server offers AUTH only after STARTTLS (its EHLO reply lists "
                    "STARTTLS and no AUTH): call starttls() first, then login()."
                )
            )
        if mechanism is None and "LOGIN" in {m.upper() for m in offered}:
            chosen = "LOGIN"
        else:
            try:
                chosen = choose_mechanism(offered, mechanism)
            except NotSupported as exc:
                raise self._attach(exc) from None
        step = f"AUTH {chosen}"
        secrets = _secret_forms(username, password)
        try:
            reply = self._authenticate(chosen, username, password, step)
            return self._check(reply, step, 2, AuthenticationError)
        except SmtplabError as exc:
            # A server may echo what it got ("535 bad password s3cret"): the transcript
            # masks it, and so must the error, which is printed and logged as it is.
            _masked_error(exc, secrets)
            raise

    def _authenticate(self, chosen: str, username: str, password: str, step: str) -> Reply:
        """Run the AUTH exchange of mechanism ``chosen``; return the server's last reply."""
        if chosen == "PLAIN":
            reply = self._exchange(Auth("PLAIN", plain_response(username, password)), step)
        elif chosen == "XOAUTH2":
            reply = self._exchange(Auth("XOAUTH2", xoauth2_response(username, password)), step)
            if reply.code == 334:  # the server's error details; an empty line ends it
                reply = self._exchange(AuthContinuation("", secret=False), step)
        elif chosen == "LOGIN":
            reply = self._exchange(Auth("LOGIN"), step)
            if reply.code == 334:
                continuation = AuthContinuation(login_username(username), secret=False)
                reply = self._exchange(continuation, step)
            if reply.code == 334:
                reply = self._exchange(AuthContinuation(login_password(password)), step)
        elif chosen == "CRAM-MD5":
            reply = self._exchange(Auth("CRAM-MD5"), step)
            if reply.code == 334:
                response = cram_md5_response(username, password, reply.text.strip())
                reply = self._exchange(AuthContinuation(response), step)
        else:  # pragma: no cover - choose_mechanism only returns the above
            raise NotSupported(f"AUTH {chosen} is not implemented by this client.")
        if reply.code == 334:
            # The server asks for more than the mechanism has: cancel (RFC 4954 §4).
            reply = self._exchange(AuthContinuation("*", secret=False), step)
        return reply

    def _mail_params(self, address: str, params: Iterable[str]) -> tuple[str, ...]:
        wanted = tuple(params)
        if not is_ascii_address(address):
            if not self.extensions.smtputf8:
                raise self._attach(
                    NotSupported(
                        f"the address {address!r} has non-ASCII characters, which need the "
                        "SMTPUTF8 extension (RFC 6531), and the server did not offer it. "
                        "Use an ASCII address with this server."
                    )
                )
            if "SMTPUTF8" not in {p.upper() for p in wanted}:
                wanted = (*wanted, "SMTPUTF8")
        return wanted

    @_with_transcript
    def mail(self, sender: str, params: Iterable[str] = (), *, body: str | None = None) -> Reply:
        """``MAIL FROM:<sender>``: start a transaction (RFC 5321 §4.1.1.2).

        ``body="8BITMIME"`` announces a body with 8-bit bytes (RFC 6152); ``SMTPUTF8`` is
        added by itself for a non-ASCII address (RFC 6531), if the server offers it.
        Raises SenderRefused when the server does not answer 250.
        """
        self._ensure_ehlo()
        wanted = self._mail_params(sender, params)
        if body is not None:
            keyword = body.upper().removeprefix("BODY=")
            if keyword == "8BITMIME" and not self.extensions.eightbitmime:
                raise self._attach(
                    NotSupported(
                        "the server did not offer 8BITMIME (RFC 6152): send a 7-bit message "
                        "(an EmailMessage with base64 or quoted-printable parts)."
                    )
                )
            wanted = (*wanted, f"BODY={keyword}")
        command = Mail(sender, wanted)
        return self._check(self._exchange(command), command.text, 2, SenderRefused, sender=sender)

    @_with_transcript
    def rcpt(self, recipient: str, params: Iterable[str] = ()) -> Reply:
        """``RCPT TO:<recipient>``: add a recipient (RFC 5321 §4.1.1.3).

        Raises RecipientRefused (with ``.recipient``) when the server does not take it.
        """
        if not is_ascii_address(recipient) and not self.extensions.smtputf8:
            self._mail_params(recipient, ())  # raises NotSupported with the explanation
        command = Rcpt(recipient, tuple(params))
        return self._check(
            self._exchange(command), command.text, 2, RecipientRefused, recipient=recipient
        )

    def _message_bytes(self, message: MessageLike, *, will_announce_8bit: bool = False) -> bytes:
        """The message as bytes, refused before anything is sent if the server cannot take it.

        The problems (too big for SIZE, lines over 998 octets, 8-bit bytes that MAIL FROM
        did not announce) come from the sans-I/O core's ``check_message``.
        """
        if isinstance(message, bytes):  # to_bytes() returns bytes as they are
            data = message
        else:
            from .message import to_bytes

            data = to_bytes(message)
        problems = self._conn.check_message(data)
        if problems and will_announce_8bit:
            problems = [p for p in problems if "8BITMIME" not in p]
        if problems:
            advice = (
                " Call mail(sender, body='8BITMIME') first, or use send_message(), which "
                "announces it for you."
                if any("8BITMIME" in p for p in problems)
                else ""
            )
            raise self._attach(
                LocalProtocolError(
                    "the server would refuse or damage this message: "
                    + "; ".join(problems)
                    + ". Nothing was sent."
                    + advice
                )
            )
        return data

    @_with_transcript
    def data(self, message: MessageLike) -> Reply:
        """Send DATA, then the message (CRLF line ends, dot-stuffed, ended by ``.``).

        ``message`` may be str, bytes, an EmailMessage or a Draft from
        :func:`smtplab.message.compose`. Returns the server's final reply (250 with the
        queue id). Refuses, before sending anything, a message bigger than the server's
        SIZE, with lines over 998 characters, or with 8-bit bytes when MAIL FROM did not
        announce BODY=8BITMIME (RFC 6152).
        """
        payload = self._message_bytes(message)
        self._check(self._exchange(_DATA, "DATA"), "DATA", 3, DataRefused)
        return self._finish_message(payload)

    def _finish_message(self, payload: bytes | MailData) -> Reply:
        command = payload if isinstance(payload, MailData) else MailData(payload)
        reply = self._exchange(command, _MESSAGE_STEP)
        return self._check(reply, "the end of the message", 2, DataRefused)

    @_with_transcript
    def send_message(
        self,
        msg: MessageLike,
        from_addr: str | None = None,
        to_addrs: str | Sequence[str] | None = None,
        *,
        pipelining: bool | None = None,
    ) -> Reply:
        """Send a whole message: MAIL FROM, RCPT TO for each recipient, DATA.

        Like :meth:`smtplib.SMTP.send_message`, the envelope comes from the headers
        (Sender/From; To, Cc, Bcc) unless given, and Bcc is not sent. BODY=8BITMIME and
        SMTPUTF8 are announced when the message needs them. With pipelining (and the
        server's PIPELINING) MAIL, RCPT and DATA go out in one batch (RFC 2920).

        Returns the server's final reply. Recipients the server refused are in
        ``client.last_refused`` (and noted in the transcript); if it refused them all,
        RecipientRefused is raised and nothing is sent.
        """
        self._ensure_ehlo()
        if isinstance(msg, (str, bytes)):
            if from_addr is None or to_addrs is None:
                raise LocalProtocolError(
                    "a message given as str or bytes has no parsed headers to take the "
                    "envelope from: pass from_addr and to_addrs."
                )
            sender, recipients = from_addr, []
        else:
            from .message import envelope_from_headers

            sender, recipients = envelope_from_headers(msg)
            sender = from_addr if from_addr is not None else sender
        if to_addrs is not None:
            recipients = [to_addrs] if isinstance(to_addrs, str) else list(to_addrs)
        if not recipients:
            raise LocalProtocolError(
                "the message has no recipients (no To, Cc or Bcc, and no to_addrs): add one."
            )
        payload = self._message_bytes(msg, will_announce_8bit=True)
        params: list[str] = []
        addresses = [sender, *recipients]
        if not all(map(is_ascii_address, addresses)):
            self._mail_params(next(a for a in addresses if not is_ascii_address(a)), ())
            params.append("SMTPUTF8")
        if has_8bit(payload):
            if not self.extensions.eightbitmime:
                raise self._attach(
                    NotSupported(
                        "the message has 8-bit bytes (e.g. UTF-8 text) and the server did not "
                        "offer 8BITMIME (RFC 6152). Build an EmailMessage whose text parts use "
                        "base64 or quoted-printable, so that it is 7-bit."
                    )
                )
            params.append("BODY=8BITMIME")
        if self._conn.extensions.size is not None:
            params.append(f"SIZE={len(payload)}")
        # Every command is built (and so checked: CR/LF/NUL, no '@', too long) before
        # the first is sent: a bad recipient must not leave a transaction half open.
        try:
            mail = _mail_command(sender, tuple(params))
            rcpts = [_rcpt_command(recipient) for recipient in recipients]
        except LocalProtocolError as exc:
            raise self._attach(exc) from None
        batch = self.pipelining if pipelining is None else pipelining
        self.last_refused = {}
        if batch and self.extensions.pipelining:
            return self._send_pipelined(mail, rcpts, payload)
        self._check(self._exchange(mail), mail.text, 2, SenderRefused, sender=sender)
        for rcpt in rcpts:
            reply = self._exchange(rcpt)
            if not reply.is_success:
                self.last_refused[rcpt.recipient] = reply
                self._stop_if_closed(reply, rcpt)
        return self._after_recipients(recipients, payload)

    def _stop_if_closed(self, reply: Reply, rcpt: Rcpt) -> None:
        """After a refused RCPT that closed the session (421): raise RecipientRefused now,
        with the server's reason, rather than a Disconnected from the next command."""
        if self._conn.state is State.CLOSED:
            self._check(reply, rcpt.text, 2, RecipientRefused, recipient=rcpt.recipient)

    def _after_recipients(self, recipients: Sequence[str], payload: bytes) -> Reply:
        if len(self.last_refused) == len(recipients):
            if self._conn.state is not State.CLOSED:
                self.rset()
            first, reply = next(iter(self.last_refused.items()))
            raise self._attach(
                RecipientRefused(
                    reply,
                    f"RCPT TO:<{first}>",
                    "every recipient was refused, so nothing was sent.",
                    recipient=first,
                )
            )
        self._note_refused()
        message = MailData(payload)
        self._transmit([_DATA], "DATA")
        message.render()  # encoded now, while the server works on DATA (it keeps it)
        self._check(self._read("DATA"), "DATA", 3, DataRefused)
        return self._finish_message(message)

    def _note_refused(self) -> None:
        if self.last_refused:
            names = ", ".join(f"{r} ({reply.code})" for r, reply in self.last_refused.items())
            self.transcript.record_note(
                f"refused recipients, who will NOT get the message: {names}"
            )

    def _send_pipelined(self, mail: Mail, rcpts: Sequence[Rcpt], payload: bytes) -> Reply:
        sender = mail.sender
        self._transmit([mail, *rcpts, _DATA], "MAIL, RCPT and DATA (pipelined)")
        mail_reply = self._read(mail.text)
        if self._conn.state is State.CLOSED:  # 421: no more replies will come
            self._check(mail_reply, mail.text, 2, SenderRefused, sender=sender)
        for rcpt in rcpts:
            reply = self._read(rcpt.text)
            if not reply.is_success:
                self.last_refused[rcpt.recipient] = reply
                self._stop_if_closed(reply, rcpt)
        data_reply = self._read("DATA")
        if not mail_reply.is_success:
            if data_reply.code == 354:  # never expected, but do not leave the server hanging
                self._finish_message(b"")
            raise self._attach(SenderRefused(mail_reply, mail.text, sender=sender))
        if len(self.last_refused) == len(rcpts):
            if data_reply.code == 354:
                self._exchange(MailData(b""), "ending an empty message")
            first, reply = next(iter(self.last_refused.items()))
            raise self._attach(
                RecipientRefused(
                    reply,
                    f"RCPT TO:<{first}>",
                    "every recipient was refused, so nothing was sent.",
                    recipient=first,
                )
            )
        self._note_refused()
        self._check(data_reply, "DATA", 3, DataRefused)
        return self._finish_message(payload)

    @_with_transcript
    def rset(self) -> Reply:
        """RSET: abandon the current transaction (RFC 5321 §4.1.1.5)."""
        return self._check(self._exchange(Rset()), "RSET", 2)

    @_with_transcript
    def noop(self) -> Reply:
        """NOOP: do nothing, get 250 (RFC 5321 §4.1.1.9). Handy to check the line is alive."""
        return self._check(self._exchange(Noop()), "NOOP", 2)

    @_with_transcript
    def command(self, line: str) -> Reply | None:
        """Send any line as it is and return the server's reply, whatever its code.

        This is for experiments: no check, no error for a 5xx. CR, LF and NUL are still
        refused (they would smuggle a second command). After ``354`` the lines you send
        are part of the message and get no reply (None is returned) until the line
        ``"."``, which ends the message.
        """
        command = RawCommand(line)
        if self._conn.writing_message and line != ".":
            self._transmit([command], "a line of the message")
            return None
        return self._exchange(command)

    @_with_transcript
    def quit(self) -> Reply | None:
        """QUIT: say goodbye (221) and close the connection (RFC 5321 §4.1.1.10).

        Returns None when the connection was already closed.
        """
        if self._sock is None:
            return None
        try:
            reply = self._exchange(Quit(), "QUIT")
        finally:
            self._close_socket()
        return reply

    def close(self) -> None:
        """Close the connection without QUIT (rude, but sometimes needed)."""
        self._close_socket()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._sock is not None:
            try:
                self.quit()
            except SmtplabError:
                self._close_socket()

    def __del__(self) -> None:
        sock = getattr(self, "_sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    # ------------------------------------------------------------------ providers

    @classmethod
    def for_provider(
        cls,
        provider: str,
        *,
        host: str | None = None,
        security: Security | None = None,
        port: int | None = None,
        **kwargs: object,
    ) -> Client:
        """Connect to a real provider from :mod:`smtplab.providers` (``"qq"``, ``"gmail"``...).

        Picks the host, the port and the security mode of the preset (implicit TLS when
        it has a port for it). Log in afterwards with ``login(user, app_password)``.
        ``host``/``port``/``security`` override the preset's, e.g. to reach the lab's
        look-alike: ``Client.for_provider("qq", **lab.provider_overrides())``; errors
        still get the provider's advice. ``connect=False`` only builds the client.
        """
        from .providers import get_provider

        preset = get_provider(provider)
        mode: Security = security or preset.default_security  # type: ignore[assignment]
        if port is None:
            port = preset.tls_port if mode == "tls" else preset.starttls_port
            if port is None:
                raise NotSupported(
                    f"{preset.name} has no known port for security={mode!r}: "
                    f"{preset.ports_sentence()}."
                )
        target = host or preset.host
        return cls(target, port, security=mode, provider=preset.key, **kwargs)  # type: ignore[arg-type]


_MIN_MASKED = 4  # shorter strings are not masked in errors (it would garble the text)


def _secret_forms(username: str, password: str) -> tuple[str, ...]:
    """What a server could echo of a password: itself and its base64 forms, longest first."""
    forms = {password, login_password(password), plain_response(username, password)}
    forms.add(xoauth2_response(username, password))
    return tuple(sorted((f for f in forms if len(f) >= _MIN_MASKED), key=len, reverse=True))


def _mask(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def _masked_error(exc: SmtplabError, secrets: Sequence[str]) -> SmtplabError:
    """``exc`` with every form of the password masked in its message and its reply."""
    if isinstance(exc, ReplyError):
        reply = exc.reply
        lines = tuple(_mask(line, secrets) for line in reply.lines)
        if lines != reply.lines:
            raw = b"".join(
                f"{reply.code}{'-' if i < len(lines) - 1 else ' '}{line}\r\n".encode()
                for i, line in enumerate(lines)
            )
            exc.reply = Reply(reply.code, lines, raw)
            exc.args = (exc._render(),)
        return exc
    exc.args = tuple(_mask(arg, secrets) if isinstance(arg, str) else arg for arg in exc.args)
    return exc


def _name_field(name: object, field: str) -> str | None:
    """Read a field (``commonName``...) out of ``getpeercert()``'s nested tuples."""
    if not isinstance(name, tuple):
        return None
    for rdn in name:
        for key, value in rdn:
            if key == field:
                return str(value)
    return None


def send(
    msg: MessageLike,
    *,
    host: str | None = None,
    port: int | None = None,
    security: Security | None = None,
    username: str | None = None,
    password: str | None = None,
    context: ssl.SSLContext | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    from_addr: str | None = None,
    to_addrs: str | Sequence[str] | None = None,
    provider: str | None = None,
    local_hostname: str | None = None,
    pipelining: bool = False,
) -> Transcript:
    """Send one message in one call and return the transcript of the whole session.

    Connects (``security`` ``"plain"``, ``"starttls"`` or ``"tls"``), says EHLO, logs
    in when ``username`` is given, sends the message with :meth:`Client.send_message`
    and says QUIT. ``provider="gmail"`` (see :mod:`smtplab.providers`) picks host, port
    and security. On failure the error is raised, and ``err.transcript`` holds the
    dialogue up to that point.
    """
    if provider is not None:
        from .providers import get_provider

        preset = get_provider(provider)
        host = host or preset.host
        security = security or preset.default_security  # type: ignore[assignment]
        if port is None:
            port = preset.tls_port if security == "tls" else preset.starttls_port
            if port is None:
                raise NotSupported(
                    f"{preset.name} has no known port for security={security!r}: "
                    f"{preset.ports_sentence()}."
                )
        provider = preset.key
    if host is None:
        raise ValueError("send() needs host= (for the lab: host=lab.host, port=lab.port).")
    mode: Security = security or "plain"
    client = Client(
        host,
        port,
        security=mode,
        timeout=timeout,
        context=context,
        local_hostname=local_hostname,
        pipelining=pipelining,
        provider=provider,
    )
    with client:
        if username is not None:
            if password is None:
                raise ValueError("send() got username= but no password=.")
            client.login(username, password)
        client.send_message(msg, from_addr, to_addrs)
    return client.transcript
