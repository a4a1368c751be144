"""What a server would say about a command before it is sent.

A teaching kit lets learners send a command at the wrong moment to see the server's real
answer; :meth:`smtplab.protocol.ClientConnection.is_legal` tells beforehand, in the words
the server would use, with the tables of :mod:`smtplab.legality_tables` (RFC 5321 §4.1.4,
RFC 3207, RFC 4954, RFC 2920) and the checks of what the server offered, below.
"""

from __future__ import annotations

from typing import Protocol

from .commands import Auth, Command, Mail, RawCommand, Rcpt
from .data_encoding import RAW_UTF8_HEADERS, MessageFacts, message_facts
from .events import State
from .extensions import Extensions, format_size
from .i18n import _
from .legality_tables import EIGHT_BIT_WITHOUT_BODY, LEGAL_IN, SESSION, WHY_NOT, WHY_NOT_IN
from .legality_tables import TOO_BIG as TOO_BIG

__all__: list[str] = []


class Session(Protocol):
    """What the checks read of a connection."""

    @property
    def extensions(self) -> Extensions: ...
    @property
    def tls_active(self) -> bool: ...
    @property
    def authenticated(self) -> bool: ...
    @property
    def transaction_utf8(self) -> bool: ...
    @property
    def transaction_8bit(self) -> bool: ...


def _params(command: Command) -> tuple[str, ...]:
    if isinstance(command, (Mail, Rcpt)):
        return tuple(param.upper() for param in command.params)
    return ()


def _check_starttls(conn: Session, command: Command) -> str | None:
    if command.keyword != "STARTTLS":
        return None
    if conn.tls_active:
        return _("554: TLS is already on; STARTTLS works once per connection (RFC 3207 §4.2)")
    if not conn.extensions.ehlo:
        return _("503: send EHLO (not HELO) first: only EHLO tells you whether STARTTLS is offered")
    if not conn.extensions.starttls:
        return _(
            "502: the server did not offer STARTTLS in its EHLO reply; this port may not "
            "support TLS, or it expects implicit TLS from the start (port 465)"
        )
    return None


def _check_auth(conn: Session, command: Command) -> str | None:
    if command.keyword != "AUTH":
        return None
    if conn.authenticated:
        return _("503: you are already logged in; AUTH works once per session (RFC 4954 §4)")
    if not conn.extensions.auth:
        if conn.tls_active:
            return _("503: the server did not offer AUTH in its EHLO reply")
        return _(
            "503: the server did not offer AUTH in its EHLO reply (many servers offer it only "
            "after STARTTLS)"
        )
    offered = conn.extensions.auth_mechanisms
    if isinstance(command, Auth) and command.mechanism.upper() not in offered:
        listing = ", ".join(sorted(offered))
        return _("504: the server does not offer AUTH {mechanism}; it offers {listing}").format(
            mechanism=command.mechanism.upper(), listing=listing
        )
    return None


def _check_mail_params(conn: Session, command: Command) -> str | None:
    ext = conn.extensions
    params = _params(command)
    if "BODY=8BITMIME" in params and not ext.eightbitmime:
        return _("555: BODY=8BITMIME, but the server did not announce 8BITMIME (RFC 6152)")
    if "SMTPUTF8" in params and not ext.smtputf8:
        return _("555: SMTPUTF8, but the server did not announce SMTPUTF8 (RFC 6531)")
    for param in params:
        declared = int(param[5:]) if param.startswith("SIZE=") and param[5:].isdigit() else 0
        if ext.size is not None and declared > ext.size:
            return _(
                "552: the message ({size}) is larger than the server's limit ({limit}, RFC 1870)"
            ).format(size=format_size(declared), limit=format_size(ext.size))
    return None


def _check_utf8_address(conn: Session, command: Command) -> str | None:
    if isinstance(command, Mail):
        address, declared = command.sender, "SMTPUTF8" in _params(command)
    elif isinstance(command, Rcpt):
        address, declared = command.recipient, conn.transaction_utf8
    else:
        return None
    if address.isascii():
        return None
    if not conn.extensions.smtputf8:
        return _(
            "553: {address} is not ASCII and the server did not announce SMTPUTF8 "
            "(RFC 6531): it cannot take this address"
        ).format(address=repr(address))
    if not declared:
        return _(
            "553: {address} is not ASCII: announce it with the SMTPUTF8 parameter on "
            "MAIL FROM (RFC 6531 §3.4)"
        ).format(address=repr(address))
    return None


_FEATURE_CHECKS = (
    _check_starttls,
    _check_auth,
    _check_mail_params,
    _check_utf8_address,
)


def known_command(command: Command) -> bool:
    """True for a command the server reads as a command (not a raw line it would take as
    an AUTH answer)."""
    return not isinstance(command, RawCommand) or command.keyword in LEGAL_IN


def why_not(conn: Session, command: Command, role: str, state: State) -> str:
    """Why ``command`` (in ``role``) does not fit ``state``, as the server would say it;
    ``""`` when it fits."""
    answering = role == "AUTH-RESPONSE"
    if state is State.AUTH_IN_PROGRESS and not answering and known_command(command):
        return _(WHY_NOT_IN[state])
    if state not in LEGAL_IN.get(role, SESSION):
        return _(WHY_NOT.get((role, state), WHY_NOT_IN[state]))
    for check in _FEATURE_CHECKS:
        reason = check(conn, command)
        if reason:
            return reason
    return ""


def message_problems(
    conn: Session, message: bytes | MessageFacts, *, declaring: bool = False
) -> list[str]:
    """What a server would refuse in ``message`` (or its :func:`message_facts`) for the
    current transaction: raw UTF-8 headers without ``SMTPUTF8`` (RFC 6532), 8-bit bytes
    without ``BODY=8BITMIME`` (RFC 6152), a size over SIZE (RFC 1870), lines over 998
    octets (RFC 5321 §4.5.3.1.6). ``declaring``: MAIL FROM is still to declare what the
    message needs (send_message), so only its size and lines count. The kit's own
    findings: no reply code in front (a learner would take it for the server's answer)."""
    facts = message if isinstance(message, MessageFacts) else message_facts(message)
    problems: list[str] = []
    if facts.utf8_headers and not (declaring or conn.transaction_utf8):
        problems.append(_(RAW_UTF8_HEADERS))
    if facts.eight_bit and not (declaring or conn.transaction_8bit):
        problems.append(_(EIGHT_BIT_WITHOUT_BODY))
    limit = conn.extensions.size
    if limit is not None and facts.size > limit:
        problems.append(_(TOO_BIG).format(size=format_size(facts.size), limit=format_size(limit)))
    if facts.long_lines:
        problems.append(_too_long(facts.long_lines))
    return problems


def _too_long(numbers: list[int]) -> str:
    """The problem of lines over 998 octets, naming the first five."""
    shown = ", ".join(str(number) for number in numbers[:5])
    if len(numbers) == 1:
        text = _(
            "line {lines} is longer than 998 octets, the most a line of a message may have "
            "(RFC 5321 §4.5.3.1.6; a server answers 500 or cuts the line)"
        )
    elif len(numbers) <= 5:
        text = _(
            "lines {lines} are longer than 998 octets, the most a line of a message may "
            "have (RFC 5321 §4.5.3.1.6; a server answers 500 or cuts the line)"
        )
    else:
        text = _(
            "lines {lines} and {more} more are longer than 998 octets, the most a line of "
            "a message may have (RFC 5321 §4.5.3.1.6; a server answers 500 or cuts the line)"
        )
    return text.format(lines=shown, more=len(numbers) - 5)
