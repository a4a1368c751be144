"""aiosmtpd's SMTP protocol, made to behave like a real provider's server.

:class:`LabSMTP` subclasses :class:`aiosmtpd.smtp.SMTP` and changes only what a lesson
needs, on the surface aiosmtpd documents, each at one place:

* every reply passes through :meth:`LabSMTP.push`, which adds RFC 3463 enhanced codes
  (:meth:`LabPolicy.finish_reply`), applies the CONNECT fault to the greeting and closes
  the connection after any 421;
* every ``smtp_*`` command method is wrapped once for the class (:func:`_fault_step`) so
  faults can replace or delay its answer; MAIL and RCPT faults apply in the
  ``handle_MAIL`` / ``handle_RCPT`` hooks, with the address aiosmtpd parsed
  (``address="nobody@*"``);
* STARTTLS answers 220, then the connection starts TLS below aiosmtpd and a fresh
  ``LabSMTP`` goes on inside it. aiosmtpd does not know that connection is encrypted, so
  its own TLS checks are off there (``auth_require_tls=False``; aio-libs/aiosmtpd#281);
* AUTH LOGIN prompts are ``334 VXNlcm5hbWU6`` / ``334 UGFzc3dvcmQ6`` (``Username:`` /
  ``Password:``) as providers send; a wrong password gets ``535 5.7.8``; a mechanism name
  is taken in any case (``auth login``), the initial response as it came;
* the limits real servers keep (:class:`~smtplab.lab.policy.LabPolicy`): after
  ``max_auth_failures`` failed AUTH attempts the reply is ``421 4.7.0`` and the
  connection closes; one RCPT past ``max_recipients`` gets ``452 4.5.3 Too many
  recipients``; after an EHLO/HELO with the server's own name (noted in the session
  log) a look-alike answers RCPT TO with ``554 5.7.1 ... Helo command rejected``
  (``LabPolicy.helo_refusal``); a control character in a MAIL FROM or RCPT TO address gets ``553``;
  a strict lab (``LabPolicy.strict``) refuses MAIL/RCPT syntax RFC 5321 §4.1.2 does not
  allow with ``501``, and answers a line with a bare LF or CR, which the connection hands
  aiosmtpd as a stand-in command (``X-SMTPLAB-BARE-LF``), with ``521`` and closes;
  aiosmtpd's own limits (command and text line lengths, five unknown commands) follow
  the policy's;
* HELP is answered ``214`` (RFC 5321 §4.1.1.8: 211 or 214), where aiosmtpd says ``250``.

The bytes themselves (the session log, the BODY fault) are the connection's business.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import re
import secrets
from datetime import datetime, timezone
from typing import Any, AnyStr

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session, syntax

from ..i18n import _
from .connection import LabConnection
from .inbox import ReceivedMessage
from .policy import SUPPORTED_AUTH_MECHANISMS
from .private import FastAddressPath

__all__: list[str] = []  # the lab's own machinery, used by server.py

# aiosmtpd's replies, matched (protocol text, not the kit's).
_UNKNOWN_COMMAND_ECHO = re.compile(r'^500 Error: command ".*" not recognized$', re.M)  # i18n: keep
_NEEDS_AUTH = ("MAIL", "RCPT", "DATA")  # what require_auth refuses before AUTH (RFC 4954 §6)
_HOOKED_STEPS = ("MAIL", "RCPT")  # their faults apply in the hooks, with the address
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # C0 (NUL...), DEL and C1 controls
_BARE_LINE_END = re.compile(
    r'^500 Error: command "X-SMTPLAB-BARE-(?P<kind>LF|CR)" not'  # i18n: keep aiosmtpd's reply
)


class _Hooks:
    """The aiosmtpd handler of one connection: its hooks call back into :class:`LabSMTP`."""

    def __init__(self, protocol: LabSMTP) -> None:
        self._protocol = protocol

    async def handle_EHLO(
        self, server: LabSMTP, session: Session, envelope: Envelope, hostname: str, _: list[str]
    ) -> list[str]:
        """Answer EHLO with the policy's keywords (and PIPELINING, ENHANCEDSTATUSCODES)."""
        session.host_name = hostname  # the EHLO hook must set it (aiosmtpd's rule)
        tls, policy = server.connection.tls, server.policy
        offer_auth = policy.offer_auth and (tls or policy.auth_before_tls)
        return policy.ehlo_reply_lines(offer_starttls=not tls, offer_auth=offer_auth)

    async def handle_MAIL(
        self, server: LabSMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        """Apply a MAIL fault, else take the sender (what aiosmtpd does without a hook),
        unless the policy refuses it (``sender_must_be_login``)."""
        reply = await server.lab_fault("MAIL", address)
        if reply is None:
            reply = server.policy.sender_refusal(address, server.connection.session.auth_user)
        if reply is None:
            envelope.mail_from = address
            envelope.mail_options.extend(options)
        return reply or "250 OK"

    async def handle_RCPT(
        self, server: LabSMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        """Apply an RCPT fault, else add the recipient (what aiosmtpd does without a hook)."""
        limit = server.policy.max_recipients
        if len(envelope.rcpt_tos) >= limit:  # RFC 5321 §4.5.3.1.10: 452, the rest later
            return (
                f"452 4.5.3 Too many recipients: at most {limit} per message; "
                "send to the others in another transaction"
            )
        reply = await server.lab_fault("RCPT", address)
        if reply is None:
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(options)
        return reply or "250 OK"

    async def handle_DATA(self, server: LabSMTP, session: Session, envelope: Envelope) -> str:
        """Put the message in the inbox (or apply a DATA_END fault)."""
        return await server.lab_deliver(envelope)

    async def handle_exception(self, error: Exception) -> str:
        """Turn an unexpected error into a 4xx reply; record it, never print it."""
        session = self._protocol.connection.session
        self._protocol.connection.context.record_error(
            _("session {id}: {kind}: {error}").format(
                id=session.id, kind=type(error).__name__, error=error
            )
        )
        return (
            f"451 4.3.0 Internal error in the lab server ({type(error).__name__}); see lab.errors"
        )


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    """aiosmtpd's authenticator: check LOGIN and PLAIN against the lab's accounts."""
    assert isinstance(server, LabSMTP)
    if not isinstance(auth_data, LoginPassword):
        return AuthResult(success=False, handled=False)
    login = auth_data.login.decode("utf-8", "replace")
    password = auth_data.password.decode("utf-8", "replace")
    user = server.connection.context.check_login(login, password)
    if user is None:
        # handled=False makes aiosmtpd answer "535 5.7.8 Authentication credentials
        # invalid"; with handled=True it would answer nothing and the client would hang.
        return AuthResult(success=False, handled=False)
    server.connection.session.auth_user = user
    return AuthResult(success=True, auth_data=auth_data)


class LabSMTP(FastAddressPath, SMTP):
    """One SMTP dialogue of the lab, on a :class:`LabConnection` (see the module docstring).

    A connection has one, and a second after STARTTLS (inside TLS, without a greeting).
    """

    AuthLoginUsernameChallenge = "Username:"
    AuthLoginPasswordChallenge = "Password:"

    def __init__(self, connection: LabConnection) -> None:
        self.connection = connection
        self.policy = policy = connection.context.policy
        tls = connection.tls
        # aiosmtpd keeps these limits in a dict shared by every instance; keep ours apart.
        # The line limits are the policy's (the connection enforces them as bytes arrive;
        # aiosmtpd answers, in order): aiosmtpd gives MAIL its SIZE/SMTPUTF8 room itself.
        # aiosmtpd counts a command line without its CRLF, RFC 5321 with it.
        self.command_size_limit = command_limit = policy.max_command_line - 2
        self.command_size_limits = collections.defaultdict(lambda: command_limit)
        self.line_length_limit = connection.context.text_cap
        self._auth_failures = 0
        # The first push is aiosmtpd's greeting; after STARTTLS there is none: the client
        # speaks first (RFC 3207 §4.2).
        self._greeting_due = True
        self._after_starttls = tls and connection.listener == "plain"
        self._command: str | None = None
        self._held: list[bytes] = []
        self._help_due = False
        super().__init__(
            _Hooks(self),
            data_size_limit=policy.size_limit,
            enable_SMTPUTF8=policy.smtputf8,
            decode_data=False,
            hostname=policy.hostname,
            ident=policy.greeting,
            tls_context=None if tls else connection.context.server_tls,
            require_starttls=policy.require_tls and not tls,
            timeout=policy.idle_timeout,
            auth_required=False,  # the lab asks itself, on both ports (see _lab_step)
            auth_require_tls=not (tls or policy.auth_before_tls),
            auth_exclude_mechanism=[
                m for m in SUPPORTED_AUTH_MECHANISMS if m not in policy.auth_mechanisms
            ],
            authenticator=_authenticate,
            loop=asyncio.get_running_loop(),
        )

    # -- replies -----------------------------------------------------------------------
    async def push(self, status: AnyStr) -> None:
        """Send a reply: the greeting (or a CONNECT fault), else each line with its
        enhanced code; after a 421 the connection is closed (RFC 5321 §3.8).

        A reply goes out in one write. aiosmtpd pushes the lines of its EHLO reply one by
        one: a line that says more follows (``250-``) is held and sent with the last one.
        """
        text = status.decode("utf-8", "surrogateescape") if isinstance(status, bytes) else status
        command = self._command
        if self._help_due and text.startswith("250 "):  # aiosmtpd's HELP text
            text = "214 " + text[4:]
        if self._greeting_due:
            self._greeting_due = False
            if self._after_starttls:
                return
            fault_reply = await self.lab_fault("CONNECT", None)
            if fault_reply is None:
                await self._write(self.policy.greeting_line().encode("utf-8", "surrogateescape"))
                return
            text, command = fault_reply, "CONNECT"
        bare = _BARE_LINE_END.search(text)
        if bare is not None:  # the connection's stand-in for a line a strict lab refuses
            text, command = self.policy.bare_line_end_reply(bare["kind"]), None
        if "500 Error: command" in text:
            # aiosmtpd quotes an unknown command back ('500 Error: command "X" not
            # recognized'); that line may be a password sent at the wrong moment, so the
            # lab does not repeat it.
            text = _UNKNOWN_COMMAND_ECHO.sub("500 Error: command not recognized", text)
        if command == "AUTH":
            # Not cached: a look-alike's refusal of a special login is held per task.
            wire = self.policy.wire(text, command)
            if wire.startswith(b"5") and wire[:3] != b"503":
                self._auth_failures += 1
                limit = self.policy.max_auth_failures
                if self._auth_failures >= limit:
                    text = (
                        f"421 4.7.0 Too many failed AUTH attempts ({limit}); closing the "
                        "connection: check the user name and password, then connect again"
                    )
                    wire = self.policy.wire(text, command)
        else:
            wire = self.connection.context.reply_bytes(text, command)
        if wire[wire.rfind(b"\n", 0, len(wire) - 1) + 4 : -2].startswith(b"-"):
            self._held.append(wire)  # more lines of this reply follow
            return
        if self._held:
            wire = b"".join([*self._held, wire])
            self._held.clear()
        self.connection.in_message = command == "DATA" and wire.startswith(b"354")
        await self._write(wire[:-2])
        if (text.splitlines() or [""])[-1][:3] in ("421", "521"):
            self.connection.close()
            raise asyncio.CancelledError(_("the lab closed the connection"))

    async def _write(self, line: bytes) -> None:
        """One write through aiosmtpd's own ``push`` (it adds the last CRLF)."""
        await super().push(line)

    # -- commands ----------------------------------------------------------------------
    async def lab_step(self, name: str, command: Any, arg: str | None) -> None:
        """Run aiosmtpd's ``smtp_<name>`` (``command``) behind the lab's faults and checks.

        Every ``smtp_*`` method of this class is a :func:`_fault_step` that calls this.
        """
        self._command = name
        if name == "AUTH" and arg and (words := arg.split(None, 1)) and words[0].isascii():
            # A mechanism name in any case, as Postfix and Exim take it (RFC 5321 §2.4);
            # aiosmtpd looks it up as written. ASCII only: str.upper() makes "logın" (a
            # dotless ı) LOGIN. The initial response is base64: kept as is.
            arg = " ".join([words[0].upper(), *words[1:]])
        try:
            reply = None if name in _HOOKED_STEPS else await self.lab_fault(name, None)
            session = self.session
            assert session is not None
            if reply is not None:
                await self.push(reply)
            elif name == "STARTTLS" and self.connection.tls:
                await self.push("503 5.5.1 TLS already active")
            elif name in ("EHLO", "HELO") and self.policy.is_own_name(arg):
                self.connection.session.add_note(
                    _(
                        "{command} {name}: the client greeted with this server's own "
                        "name; a client names itself (RFC 5321 4.1.1.1)"
                    ).format(command=name, name=arg.split()[0])
                )
                await command(self, arg)
            elif name in _HOOKED_STEPS and arg and _CONTROL.search(arg):
                await self.push(_control_refusal(name, arg))
            elif session.host_name and (refusal := self.policy.path_refusal(name, arg)):
                await self.push(refusal)  # a strict lab: RFC 5321 §4.1.2 syntax
            elif arg and not arg.isascii() and self._utf8_undeclared(name, arg):
                # RFC 6531 §3.4: a non-ASCII address needs SMTPUTF8 on MAIL FROM.
                await self.push("553 5.6.7 Must declare SMTPUTF8 to send unicode address")
            elif (
                name in _NEEDS_AUTH
                and self.policy.require_auth
                and session.host_name  # aiosmtpd answers a missing EHLO first
                and not session.authenticated
            ):
                how = (  # the text of the lab's 530 reply: protocol, in English
                    "log in with AUTH first"  # i18n: keep a reply
                    if self.connection.tls
                    else ("send STARTTLS, then EHLO again, then AUTH")  # i18n: keep a reply
                )
                await self.push(f"530 5.7.0 Authentication required: {how}")
            elif name == "RCPT" and (refusal := self.policy.helo_refusal(session.host_name)):
                await self.push(refusal)  # a HELO access rule, delayed to RCPT as Postfix does
            else:
                await command(self, arg)
        finally:
            self._command = None

    def _utf8_undeclared(self, name: str, arg: str) -> bool:
        """True for a non-ASCII MAIL/RCPT address in a transaction without SMTPUTF8."""
        if name == "MAIL":
            return "SMTPUTF8" not in arg.upper().split()[1:]
        if name == "RCPT":
            return self.envelope is None or not self.envelope.smtp_utf8
        return False

    @syntax("HELP [command]")
    async def smtp_HELP(self, arg: str) -> None:
        """``HELP``: aiosmtpd's text, answered ``214`` as RFC 5321 §4.1.1.8 asks (211 or
        214; aiosmtpd 1.4 says ``250``). A fault at HELP is sent as given."""
        self._help_due = True
        try:
            await super().smtp_HELP(arg)
        finally:
            self._help_due = False

    @syntax("STARTTLS", when="tls_context")
    async def smtp_STARTTLS(self, arg: str | None) -> None:
        """``STARTTLS``: answer 220, then the connection starts TLS below aiosmtpd and a
        fresh protocol goes on inside it (this one ends)."""
        if arg:
            await self.push("501 Syntax: STARTTLS")
        elif not self.tls_context:
            await self.push("454 TLS not available")
        else:
            await self.push("220 Ready to start TLS")
            await self.connection.start_tls()

    async def lab_fault(self, step: str, address: str | None) -> str | None:
        """Apply the fault at ``step``, if any: return a reply to send instead of the
        normal one, or None to go on normally (after any delay). A drop or a hang never
        returns."""
        fault = self.connection.context.faults.take(step, address)
        if fault is None:
            return None
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.action == "reply":
            return "\r\n".join(fault.reply)
        if fault.action == "drop":
            self.connection.abort()
            raise asyncio.CancelledError(
                _("{step}: the lab dropped the connection").format(step=step)
            )
        if fault.action == "hang":
            await self.loop.create_future()  # never set: cancelled when the connection ends
        return None

    async def lab_deliver(self, envelope: Envelope) -> str:
        """The message arrived whole: into the inbox (unless a DATA_END fault applies)."""
        connection = self.connection
        refused = connection.message_refused
        connection.in_message = False
        if refused:  # its bytes were dropped as they came (RFC 3463 4.3.1: system full)
            return (
                "452 4.3.1 Insufficient system storage: the lab is receiving too many "
                "messages at once; try again later"
            )
        reply = await self.lab_fault("DATA_END", None)
        if reply is not None:
            return reply
        content = bytes(envelope.original_content or b"")
        refusal = self.policy.message_refusal(content)  # a look-alike's content rules
        if refusal is not None:
            return refusal
        session = connection.session
        queue_id = secrets.token_hex(5).upper()
        # One copy of the message, in the inbox and the session log (see claim_body).
        data = connection.context.sessions.claim_body(session, content, queue_id)
        message = ReceivedMessage(
            mail_from=envelope.mail_from or "",
            rcpt_tos=list(envelope.rcpt_tos),
            data=data,
            peer=session.peer,
            tls=connection.tls,
            auth_user=session.auth_user,
            received_at=datetime.now(timezone.utc),
            session_id=session.id,
            queue_id=queue_id,
            mail_options=list(envelope.mail_options),
            rcpt_options=list(envelope.rcpt_options),
            smtputf8=bool(envelope.smtp_utf8),
            helo=self.session.host_name if self.session is not None else None,
        )
        relay = connection.context.relay
        if relay is not None:  # LabServer(relay=...): trace headers, checks, a queue
            verdict = relay(message)
            if isinstance(verdict, str):
                return verdict
            message = verdict or message
        dropped = connection.context.inbox.add(message)
        for old in dropped:  # the inbox was full: the log lets go of those bodies too
            connection.context.sessions.release_body(old.session_id, old.queue_id)
        return f"250 OK: queued as {queue_id}"


def _control_refusal(name: str, arg: str) -> str:
    """The 553 refusing a MAIL FROM / RCPT TO argument with a control character in it."""
    found = _CONTROL.search(arg)
    assert found is not None
    status = "5.1.7" if name == "MAIL" else "5.1.3"  # RFC 3463: bad sender's / destination syntax
    return (
        f"553 {status} Control character U+{ord(found[0]):04X} in the {name} address: an "
        "address may not contain control characters (RFC 5321 4.1.2); remove it and try again"
    )


def _fault_step(name: str, command: Any) -> Any:
    """The command method ``command`` (``smtp_<name>``) behind the lab's faults: made once
    per class, so a connection costs no wrapping."""

    async def step(self: LabSMTP, arg: str | None) -> None:
        await self.lab_step(name, command, arg)

    # aiosmtpd's HELP reads each command's syntax from attributes of the method
    # (__smtp_syntax__...): copy them, or HELP would list nothing.
    return functools.update_wrapper(step, command)


# aiosmtpd finds its command methods by name (``smtp_*``) on each new connection.
for _name in [name for name in dir(LabSMTP) if name.startswith("smtp_")]:
    setattr(LabSMTP, _name, _fault_step(_name[len("smtp_") :], getattr(LabSMTP, _name)))
del _name
