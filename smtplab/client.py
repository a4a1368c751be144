"""The blocking SMTP client: one method per step, every byte in an annotated transcript.

Each step reads like the RFC: ask the connection (:mod:`smtplab.protocol`, no I/O) for
the bytes of the command, write them, read the reply, check its code. The socket and TLS
are :mod:`smtplab.wire`'s, which also turns what the network raises into smtplab's
errors; every step runs inside one context manager that gives any error the transcript
(``err.transcript``)::

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
``timeout`` (30 s by default) is a deadline for each step's whole reply. Certificate
verification is ON by default; turning it off is explicit (``verify=False``) and the
transcript says so.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, cast

from . import auth_exchange
from .commands import (
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
)
from .data_encoding import RAW_UTF8_HEADERS, MessageFacts, message_facts
from .errors import (
    AuthenticationError,
    DataRefused,
    Disconnected,
    LocalProtocolError,
    NotSupported,
    RecipientRefused,
    ReplyError,
    SenderRefused,
    SmtplabError,
)
from .errors_texts import CLIENT_TEXT
from .events import State
from .extensions import Extensions
from .i18n import _
from .legality import message_problems
from .protocol import ClientConnection
from .replies import Reply
from .secrecy import SecretText
from .transcript import Transcript
from .wire import DEFAULT_PORTS, DEFAULT_TIMEOUT, MESSAGE_STEP, Security, Wire

if TYPE_CHECKING:
    from email.message import Message

    from .message import Draft

    MessageLike = Message | Draft | str | bytes

__all__: list[str] = []  # Client and send are public as smtplab.Client and smtplab.send


class Client:
    """An SMTP client that shows its work.

    ``Client(host, port)`` connects at once and reads the greeting (``connect=False``:
    call :meth:`connect` yourself). ``security`` picks plain TCP, STARTTLS right after
    connecting, or implicit TLS; ``context`` is the :class:`ssl.SSLContext` to verify the
    server with (default: the system's authorities; for the lab, ``lab.ssl_context()``).
    ``verify=False`` turns certificate checks off — never outside a lab; the transcript
    says so. ``local_hostname`` is the name said in EHLO/HELO (default: the address
    literal of the local end, ``[127.0.0.1]``, RFC 5321 §4.1.3). ``pipelining=True``
    lets :meth:`send_message` batch MAIL, RCPT and DATA when the server offers
    PIPELINING (RFC 2920). ``provider`` (a key of :mod:`smtplab.providers`) adds that
    provider's known-failure advice to errors.
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
            raise ValueError(CLIENT_TEXT["security"].format(security=repr(security)))
        if not 0 < timeout < float("inf"):  # NaN too: no step may wait for ever
            message = _("timeout must be a positive number of seconds, not {timeout}.")
            raise ValueError(message.format(timeout=repr(timeout)))
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
        self._context, self._verify = context, verify
        self._wire = Wire(host, self.port, self.timeout, self.transcript.record_note, provider)
        self._conn = ClientConnection(self.transcript.record)
        self._hello: str | None = None  # the name said in the last EHLO/HELO
        if connect:
            self.connect()

    # ------------------------------------------------------------------ what it knows

    @property
    def extensions(self) -> Extensions:
        """What the server offered in its last EHLO reply (empty before EHLO and after TLS)."""
        return self._conn.extensions

    @property
    def state(self) -> State:
        """Where the dialogue stands (see :class:`smtplab.events.State`)."""
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
        return self._wire.sock is not None

    @property
    def greeting(self) -> Reply | None:
        """The server's 220 greeting."""
        return self._conn.greeting

    def is_legal(self, command: str | Command) -> tuple[bool, str]:
        """Whether a command fits this point of the dialogue, and if not, why."""
        return self._conn.is_legal(RawCommand(command) if isinstance(command, str) else command)

    def __repr__(self) -> str:
        where = f"{self.host}:{self.port}"
        if not self.connected:
            return f"<Client {where} {self.security}, not connected>"  # i18n: keep repr
        tls = ", TLS" if self.tls_active else ""
        return f"<Client {where} {self.security}{tls}, {self.state.name}>"

    # ------------------------------------------------------------------ the machinery

    def _send(self, commands: Sequence[Command], step: str) -> None:
        """Write ``commands`` in one go (several when pipelining)."""
        if self._conn.state is State.CLOSED or not self.connected:
            reason = self._conn.closed_reason or _("not connected")
            closed = _("{step}: the connection is closed ({reason}); connect again.")
            raise Disconnected(closed.format(step=_(step), reason=reason))
        self._wire.write(b"".join([self._conn.send(command) for command in commands]), step)

    def _ask(self, command: Command, step: str | None = None) -> Reply:
        """Send one command and read its reply (no judgement on the code)."""
        label = step or command.text
        self._send([command], label)
        return self._read(label)

    def _read(self, step: str) -> Reply:
        """The next reply. Once a secret went out, what the server echoes of it comes
        masked, as the transcript shows it: a step's locals (which a verbose traceback
        prints), ``last_refused`` and the replies returned then hold no password."""
        reply = self._wire.read_reply(self._conn, step)
        if self._conn.secret_sent:
            lines = tuple(map(self.transcript.scrub, reply.lines))
            if lines != reply.lines:
                return Reply.from_text(reply.code, *lines)
        return reply

    def _expect(
        self,
        reply: Reply,
        klass: int,
        step: str,
        error: type[ReplyError] = ReplyError,
        **extra: str,
    ) -> Reply:
        """``reply`` if its code is ``klass``xx, else the ``error`` with advice."""
        if reply.klass != klass:
            raise error(reply, step, self._advice(reply), **extra)
        return reply

    def _advice(self, reply: Reply) -> str:
        """The hint an error gives for a reply: the provider's known failure, if any."""
        from .providers import advice_for  # its tables load on the first failure

        hint = advice_for(reply, provider=self.provider) or ""
        if reply.code == 421 and not hint:
            hint = _("the server is closing the connection (421): wait, then connect again.")
        return hint

    # ------------------------------------------------------------------ connecting

    def connect(self) -> Reply:
        """Open the connection (and TLS for ``security="tls"``), read the greeting.

        With ``security="starttls"`` it goes on with EHLO, STARTTLS and EHLO again.
        Returns the greeting. Raises ConnectError when no connection can be made, and
        ReplyError when the greeting is not 220 (busy: 421, or refused: 554).
        """
        with _Step(self.transcript):
            if self.connected:
                raise LocalProtocolError(_("this client is already connected; call quit() first."))
            self._conn = ClientConnection(self.transcript.record)
            self._hello = None
            self._wire.open()
            try:
                if self.security == "tls":
                    self._handshake("implicit TLS handshake")  # i18n: keep a step (errors.STEPS)
                waiting = "waiting for the greeting"  # i18n: keep a step (errors.STEPS)
                greeting = self._wire.read_reply(self._conn, waiting)
                self._expect(greeting, 2, "the greeting")
                if self.security == "starttls":
                    self.ehlo()
                    self.starttls()
            except SmtplabError:
                self.close()  # never go on in plain text; never leave the socket to GC
                raise
            return greeting

    def _handshake(self, step: str, context: ssl.SSLContext | None = None) -> None:
        context = context or self._context
        if context is None:
            context = ssl.create_default_context()
            if not self._verify:  # said out loud in the transcript's TLS band
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        info = self._wire.start_tls(context, self.server_hostname or self.host, step)
        self._conn.start_tls(info)

    # ------------------------------------------------------------------ the steps

    def ehlo(self, name: str | None = None) -> Reply:
        """Say EHLO and learn the server's extensions (``c.extensions``). RFC 5321 §4.1.1.1."""
        with _Step(self.transcript):
            name = name or self._hello or self.local_hostname or self._wire.local_address()
            command = Ehlo(name)
            reply = self._ask(command)
            hint = _("an old server may know only HELO: try helo().") if reply.klass == 5 else ""
            if not reply.is_success:
                raise ReplyError(reply, command.text, hint)
            self._hello = name
            return reply

    def helo(self, name: str | None = None) -> Reply:
        """Say HELO: the old greeting, with no extensions. RFC 5321 §4.1.1.1."""
        with _Step(self.transcript):
            name = name or self._hello or self.local_hostname or self._wire.local_address()
            command = Helo(name)
            reply = self._expect(self._ask(command), 2, command.text)
            self._hello = name
            return reply

    def _said_hello(self) -> None:
        if self._conn.state is State.GREETED:
            self.ehlo()

    def starttls(self, context: ssl.SSLContext | None = None) -> Reply:
        """Switch the connection to TLS (RFC 3207), then say EHLO again.

        The EHLO after TLS is required: the server forgets everything it learnt before
        (RFC 3207 §4.2), and only now may offer AUTH. Refuses to go on in plain text
        when the server did not offer STARTTLS: that is exactly what a downgrade attack
        (STRIPTLS) looks like. Returns the server's 220 reply to STARTTLS.
        """
        with _Step(self.transcript):
            self._said_hello()
            if self.tls_active:
                raise LocalProtocolError(_("TLS is already on for this connection."))
            if not self.extensions.starttls:
                raise NotSupported(CLIENT_TEXT["no starttls"])
            reply = self._expect(self._ask(StartTLS()), 2, "STARTTLS")
            self._handshake("STARTTLS handshake", context)
            self.ehlo()  # the transcript explains why: RFC 3207 §4.2
            return reply

    def login(
        self,
        username: str,
        password: str | SecretText,
        *,
        mechanism: str | None = None,
        allow_unencrypted_auth: bool = False,
    ) -> Reply:
        """Log in with AUTH (RFC 4954). LOGIN by default when offered; PLAIN, CRAM-MD5 too.

        ``mechanism="XOAUTH2"`` takes an OAuth2 access token as the ``password``.
        Raises AuthenticationError when the server refuses (535...), NotSupported when
        it offers no AUTH (often: not before STARTTLS), and UnencryptedAuthRefused on a
        connection without TLS, before anything is sent: the password would cross the
        network only base64-encoded. ``allow_unencrypted_auth=True`` sends it anyway,
        for a lab lesson only; the transcript says so. The password is masked from the
        first line (a SecretText), so no traceback shows it.
        """
        password = SecretText.wrap(password)  # from here on, frames show only the mask
        with _Step(self.transcript):
            self._said_hello()
            chosen = auth_exchange.choose(
                self.extensions,
                mechanism,
                tls_active=self.tls_active,
                allow_unencrypted_auth=allow_unencrypted_auth,
                where=f"{self.host}:{self.port}",
            )
            if not self.tls_active:
                self.transcript.record_note(auth_exchange.in_clear_warning())
            # A server may echo what it got ("535 bad password s3cret"): _read masks it
            # in the replies, _Step in the errors, as the transcript does.
            reply = auth_exchange.run(self._ask, chosen, username, password, f"AUTH {chosen}")
            return self._expect(reply, 2, f"AUTH {chosen}", AuthenticationError)

    def _params_for(self, address: str, params: Iterable[str]) -> tuple[str, ...]:
        """``params``, with SMTPUTF8 added for a non-ASCII address (RFC 6531)."""
        wanted = tuple(params)
        if address.isascii():
            return wanted
        if not self.extensions.smtputf8:
            raise NotSupported(CLIENT_TEXT["non-ascii"].format(address=repr(address)))
        return wanted if "SMTPUTF8" in {p.upper() for p in wanted} else (*wanted, "SMTPUTF8")

    def mail(self, sender: str, params: Iterable[str] = (), *, body: str | None = None) -> Reply:
        """``MAIL FROM:<sender>``: start a transaction (RFC 5321 §4.1.1.2).

        ``body="8BITMIME"`` announces a body with 8-bit bytes (RFC 6152); ``SMTPUTF8`` is
        added by itself for a non-ASCII address (RFC 6531), if the server offers it.
        Raises SenderRefused when the server does not answer 250.
        """
        with _Step(self.transcript):
            self._said_hello()
            wanted = self._params_for(sender, params)
            if body is not None:
                keyword = body.upper().removeprefix("BODY=")
                if keyword == "8BITMIME" and not self.extensions.eightbitmime:
                    raise NotSupported(CLIENT_TEXT["no 8bitmime"])
                wanted = (*wanted, f"BODY={keyword}")
            command = Mail(sender, wanted)
            return self._expect(self._ask(command), 2, command.text, SenderRefused, sender=sender)

    def rcpt(self, recipient: str, params: Iterable[str] = ()) -> Reply:
        """``RCPT TO:<recipient>``: add a recipient (RFC 5321 §4.1.1.3).

        Raises RecipientRefused (with ``.recipient``) when the server does not take it.
        """
        with _Step(self.transcript):
            if not recipient.isascii():
                self._params_for(recipient, ())  # NotSupported, with the explanation
            command = Rcpt(recipient, tuple(params))
            reply = self._ask(command)
            return self._expect(reply, 2, command.text, RecipientRefused, recipient=recipient)

    def data(self, message: MessageLike) -> Reply:
        """Send DATA, then the message (CRLF line ends, dot-stuffed, ended by ``.``).

        ``message`` may be str, bytes, an EmailMessage or a Draft from
        :func:`smtplab.message.compose`. Returns the server's final reply (250 with the
        queue id). Refuses, before sending anything, a message bigger than the server's
        SIZE, with lines over 998 characters, or with 8-bit bytes when MAIL FROM did not
        announce BODY=8BITMIME (RFC 6152).
        """
        with _Step(self.transcript):
            payload = _as_bytes(message)
            problems = self._conn.check_message(payload)
            if problems:
                raise _refusal(problems)
            self._expect(self._ask(Data()), 3, "DATA", DataRefused)
            reply = self._ask(MailData(payload), MESSAGE_STEP)
            return self._expect(reply, 2, "the end of the message", DataRefused)  # i18n: keep step

    def send_message(
        self,
        msg: MessageLike,
        from_addr: str | None = None,
        to_addrs: str | Sequence[str] | None = None,
        *,
        pipelining: bool | None = None,
        deadline: float | None = None,
    ) -> Reply:
        """Send a whole message: MAIL FROM, RCPT TO for each recipient, DATA.

        Like :meth:`smtplib.SMTP.send_message`, the envelope comes from the headers
        (Sender/From; To, Cc, Bcc) unless given, and Bcc is not sent. BODY=8BITMIME and
        SMTPUTF8 are announced when the message needs them, and SIZE when the server
        offers it. With pipelining (and the server's PIPELINING) MAIL, RCPT and DATA go
        out in one batch (RFC 2920).

        Returns the server's final reply. Recipients the server refused are in
        ``client.last_refused`` (and noted in the transcript); if it refused them all,
        RecipientRefused is raised and nothing is sent. ``deadline`` (seconds) bounds the
        whole transaction (each step keeps its ``timeout``): past it, Timeout.
        """
        with _Step(self.transcript), self._wire.within(deadline):
            self._said_hello()
            sender, recipients = self._envelope(msg, from_addr, to_addrs)
            payload = _as_bytes(msg)
            facts, ext = message_facts(payload), self.extensions  # the message, read once
            problems = message_problems(self._conn, facts, declaring=True)
            if problems:
                raise _refusal(problems)
            addresses = (sender, *recipients)
            plain = not facts.eight_bit and all(address.isascii() for address in addresses)
            params = [] if plain else self._beyond_ascii(facts, addresses)
            if ext.size is not None:
                params.append(f"SIZE={facts.size}")
            # Build (and so check) every command before sending any: no half-open transaction.
            mail, rcpts = Mail(sender, tuple(params)), [Rcpt(r) for r in recipients]
            batch = self.pipelining if pipelining is None else pipelining
            return self._transaction(mail, rcpts, payload, batch and ext.pipelining)

    def _beyond_ascii(self, facts: MessageFacts, addresses: Sequence[str]) -> list[str]:
        """MAIL FROM's SMTPUTF8 for a non-ASCII address or raw UTF-8 headers (RFC 6531) and
        BODY=8BITMIME for 8-bit bytes (RFC 6152); NotSupported if the server lacks one."""
        params: tuple[str, ...] = ()
        for address in addresses:  # SMTPUTF8 for a non-ASCII address, once
            params = self._params_for(address, params)
        if facts.utf8_headers and "SMTPUTF8" not in params:
            if not self.extensions.smtputf8:
                headers = _("the server offers no SMTPUTF8 for the ") + _(RAW_UTF8_HEADERS)
                raise NotSupported(headers)
            params = (*params, "SMTPUTF8")
        if facts.eight_bit:
            if not self.extensions.eightbitmime:
                raise NotSupported(CLIENT_TEXT["8-bit"])
            params = (*params, "BODY=8BITMIME")
        return list(params)

    def _envelope(
        self, msg: MessageLike, from_addr: str | None, to_addrs: str | Sequence[str] | None
    ) -> tuple[str, list[str]]:
        """The envelope: given (then the headers are not read at all), or from the headers."""
        if from_addr is None or to_addrs is None:
            if isinstance(msg, (str, bytes)):
                raise LocalProtocolError(CLIENT_TEXT["no headers"])
            from .anatomy import envelope_recipients, envelope_sender

            from_addr = envelope_sender(msg) if from_addr is None else from_addr
            to_addrs = envelope_recipients(msg) if to_addrs is None else to_addrs
        recipients = [to_addrs] if isinstance(to_addrs, str) else list(to_addrs)
        if not recipients:
            raise LocalProtocolError(CLIENT_TEXT["no recipients"])
        return from_addr, recipients

    def _transaction(self, mail: Mail, rcpts: list[Rcpt], payload: bytes, batch: bool) -> Reply:
        """MAIL, each RCPT, DATA and the message: one loop for both ways of sending.

        Pipelined (``batch``), the three commands go out at once and the replies are
        read in order; lock-step is a batch of one: each command is sent when the reply
        before it has come, so a refused MAIL stops the transaction at once.
        """
        data = Data()
        if batch:
            self._send([mail, *rcpts, data], "MAIL, RCPT and DATA (pipelined)")  # i18n: keep step

        def reply_to(command: Command, step: str) -> Reply:
            return self._read(step) if batch else self._ask(command, step)

        self.last_refused = {}
        mail_reply = reply_to(mail, mail.text)
        if not batch or self._conn.state is State.CLOSED:  # 421: no more replies will come
            self._expect(mail_reply, 2, mail.text, SenderRefused, sender=mail.sender)
        for rcpt in rcpts:
            reply = reply_to(rcpt, rcpt.text)
            if not reply.is_success:
                self.last_refused[rcpt.recipient] = reply
                if self._conn.state is State.CLOSED:  # 421: say why now
                    self._expect(reply, 2, rcpt.text, RecipientRefused, recipient=rcpt.recipient)
        everyone_refused = len(self.last_refused) == len(rcpts)
        if everyone_refused and not batch:
            self.rset()
        data_reply = reply_to(data, "DATA") if batch or not everyone_refused else None
        if self.last_refused or not mail_reply.is_success:
            self._after_refusals(mail, mail_reply, data_reply, everyone_refused)
        assert data_reply is not None
        self._expect(data_reply, 3, "DATA", DataRefused)
        reply = self._ask(MailData(payload), MESSAGE_STEP)
        return self._expect(reply, 2, "the end of the message", DataRefused)  # i18n: keep step

    def _after_refusals(
        self, mail: Mail, mail_reply: Reply, data_reply: Reply | None, everyone_refused: bool
    ) -> None:
        """A refused sender or recipients: end a DATA the server took for nothing, then
        raise (sender, or every recipient, refused) or note the recipients left out."""
        failed = everyone_refused or not mail_reply.is_success
        if failed and data_reply is not None and data_reply.code == 354:
            self._ask(MailData(b""), "ending an empty message")  # i18n: keep step; the server waits
        if not mail_reply.is_success:
            raise SenderRefused(mail_reply, mail.text, sender=mail.sender)
        if everyone_refused:
            first, reply = next(iter(self.last_refused.items()))
            later = (
                _(" It is temporary (4xx): wait, then send again.") if reply.is_transient else ""
            )
            hint = _("every recipient was refused, so nothing was sent.") + later
            raise RecipientRefused(reply, f"RCPT TO:<{first}>", hint, recipient=first)
        names = ", ".join(f"{r} ({reply.code})" for r, reply in self.last_refused.items())
        refused = _("refused recipients, who will NOT get the message: {names}")
        self.transcript.record_note(refused.format(names=names))

    def rset(self) -> Reply:
        """RSET: abandon the current transaction (RFC 5321 §4.1.1.5)."""
        with _Step(self.transcript):
            return self._expect(self._ask(Rset()), 2, "RSET")

    def noop(self) -> Reply:
        """NOOP: do nothing, get 250 (RFC 5321 §4.1.1.9). Handy to check the line is alive."""
        with _Step(self.transcript):
            return self._expect(self._ask(Noop()), 2, "NOOP")

    def command(self, line: str) -> Reply | None:
        """Send any line as it is and return the server's reply, whatever its code.

        This is for experiments: no check, no error for a 5xx. CR, LF and NUL are still
        refused (they would smuggle a second command). After ``354`` the lines you send
        are part of the message and get no reply (None is returned) until the line
        ``"."``, which ends the message.
        """
        with _Step(self.transcript):
            command = RawCommand(line)
            if self._conn.writing_message and line != ".":
                self._send([command], "a line of the message")  # i18n: keep a step
                return None
            return self._ask(command)

    def quit(self) -> Reply | None:
        """QUIT: say goodbye (221) and close the connection (RFC 5321 §4.1.1.10).

        Returns None when the connection was already closed.
        """
        if not self.connected:
            return None
        with _Step(self.transcript):
            try:
                return self._ask(Quit(), "QUIT")
            finally:
                self.close()

    def close(self) -> None:
        """Close the connection without QUIT (rude, but sometimes needed)."""
        self._wire.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.connected:
            try:
                self.quit()
            except SmtplabError:
                self.close()

    def __del__(self) -> None:
        wire = self.__dict__.get("_wire")
        if wire is not None:
            wire.close()

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
        from .providers import connection_target

        target, port, mode, key = connection_target(provider, host, port, security)
        return cls(target, port, security=mode, provider=key, **kwargs)  # type: ignore[arg-type]


# A command is checked when made, then immutable: a str envelope seen before is reused.


class _Step(contextlib.AbstractContextManager["_Step"]):
    """Every public step of a Client runs in one: an error leaves with ``err.transcript``."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript

    def __exit__(self, kind: object, exc: BaseException | None, traceback: object) -> None:
        if isinstance(exc, SmtplabError) and getattr(exc, "transcript", None) is None:
            exc.transcript = self.transcript  # type: ignore[attr-defined]
            while isinstance(exc, SmtplabError):  # a server may echo a secret at any step
                exc = exc.scrubbed(self.transcript.scrub).__cause__ or exc.__context__


def _as_bytes(message: MessageLike) -> bytes:
    """The message as bytes: :func:`smtplab.message.to_bytes` (bytes are taken as they are)."""
    if isinstance(message, bytes):
        return message
    from .message import to_bytes  # the email package loads with the first message object

    return to_bytes(message)


def _refusal(problems: list[str]) -> LocalProtocolError:
    """The refusal of a message a server could not take, before anything is sent."""
    advice = CLIENT_TEXT["announce"] if any("8BITMIME" in p for p in problems) else ""
    refused = CLIENT_TEXT["refused"]  # the kit's finding, not a reply: no code in front
    return LocalProtocolError(refused.format(problems="; ".join(problems), advice=advice))


def send(
    msg: MessageLike,
    *,
    host: str | None = None,
    port: int | None = None,
    security: Security | None = None,
    username: str | None = None,
    password: str | SecretText | None = None,
    context: ssl.SSLContext | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    from_addr: str | None = None,
    to_addrs: str | Sequence[str] | None = None,
    provider: str | None = None,
    local_hostname: str | None = None,
    pipelining: bool = False,
    deadline: float | None = None,
    allow_unencrypted_auth: bool = False,
) -> Transcript:
    """Send one message in one call and return the transcript of the whole session.

    Connects (``security`` ``"plain"``, ``"starttls"`` or ``"tls"``), says EHLO, logs
    in when ``username`` is given, sends the message with :meth:`Client.send_message`
    and says QUIT. ``provider="gmail"`` (see :mod:`smtplab.providers`) picks host, port
    and security. On failure the error is raised, and ``err.transcript`` holds the
    dialogue up to that point. ``deadline`` (seconds) bounds the whole send, from
    connecting to QUIT (each step keeps its ``timeout``). The login refuses a connection
    without TLS unless ``allow_unencrypted_auth=True`` (see :meth:`Client.login`).
    """
    password = None if password is None else SecretText.wrap(password)  # masked at once
    if provider is not None:
        from .providers import connection_target

        host, port, mode, provider = connection_target(provider, host, port, security)
        security = cast(Security, mode)
    if host is None:
        raise ValueError(_("send() needs host= (for the lab: host=lab.host, port=lab.port)."))
    if username is not None and password is None:
        raise ValueError(_("send() got username= but no password=."))
    client = Client(
        host,
        port,
        security=security or "plain",
        timeout=timeout,
        context=context,
        local_hostname=local_hostname,
        pipelining=pipelining,
        provider=provider,
        connect=False,
    )
    with client._wire.within(deadline), client:
        client.connect()
        if username is not None and password is not None:
            client.login(username, password, allow_unencrypted_auth=allow_unencrypted_auth)
        client.send_message(msg, from_addr, to_addrs)
    return client.transcript
