"""What the lab server says and allows, in one place: :class:`LabPolicy`.

The server asks the policy for its greeting, its EHLO keywords, whether TLS or AUTH is
required, its size limit, and how to finish each reply line. Provider look-alikes
(:mod:`smtplab.lab.profiles`) are other ``LabPolicy`` values.

Enhanced status codes (RFC 2034 §3 and §4)
------------------------------------------
RFC 2034: the codes "must appear in all 2xx, 4xx, and 5xx response lines other than
initial greeting and any response to HELO or EHLO. Note that 3xx responses are NOT
included in this list." The lab follows that to the letter:

* the 220 greeting and the 250 lines answering EHLO/HELO carry none (clients parse the
  EHLO keywords);
* 3xx replies carry none: ``354 End data with <CR><LF>.<CR><LF>``, and ``334 <base64>``
  AUTH challenges, whose text RFC 4954 §4 defines as base64 only;
* every other 2xx/4xx/5xx line gets one whose class agrees with the reply code
  (``250 2.1.0`` for MAIL, ``250 2.1.5`` for RCPT...), on every line of a multi-line
  reply, error replies to EHLO/HELO included (RFC 2034 exempts them, it does not forbid
  them).
"""

from __future__ import annotations

import contextlib
import math
import re
from contextvars import ContextVar
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Literal

from ..i18n import _
from ..replies import EnhancedStatus, reply_lines

__all__: list[str] = []  # LabPolicy is public as smtplab.lab.LabPolicy

DEFAULT_HOSTNAME = "lab.smtplab.test"
"""The lab's server name: in its greeting, its EHLO reply and its certificate."""

DEFAULT_SIZE_LIMIT = 10 * 1024 * 1024
"""The default SIZE limit (10 MiB = 10485760 bytes), close to what providers allow."""

COMMAND_LINE_LIMIT = 512
"""RFC 5321 §4.5.3.1.4: a command line is at most 512 octets, CRLF included."""

TEXT_LINE_LIMIT = 1000
"""RFC 5321 §4.5.3.1.6: a line of the message is at most 1000 octets, CRLF included."""

SUPPORTED_AUTH_MECHANISMS = ("LOGIN", "PLAIN")
"""The AUTH mechanisms the lab implements (aiosmtpd's built-ins)."""

INSECURE_NOTE = "(LESSON ONLY: insecure lab, offers AUTH before TLS)"  # i18n: keep in the 220 reply
"""What the greeting of a lab with ``auth_before_tls=True`` says, loudly."""

_REPLY_PATTERN = r"^(?P<code>[2-5]\d\d)(?P<sep>[ -]?)(?P<text>.*)$"  # i18n: keep a regex
_REPLY_LINE = re.compile(_REPLY_PATTERN, re.DOTALL)

# Enhanced codes that depend on the command being answered (RFC 3463 §3.2, §3.6), then
# by reply code alone, the usual choice of real servers (Postfix, Exim).
# fmt: off
_BY_COMMAND: dict[tuple[str | None, int], str] = {
    ("MAIL", 250): "2.1.0", ("MAIL", 550): "5.1.0", ("RCPT", 250): "2.1.5",
    ("RCPT", 251): "2.1.5", ("RCPT", 550): "5.1.1", ("RCPT", 551): "5.1.6",
    ("AUTH", 235): "2.7.0", ("AUTH", 535): "5.7.8",
}
_BY_CODE: dict[int, str] = {
    211: "2.0.0", 214: "2.0.0", 220: "2.0.0", 221: "2.0.0", 235: "2.7.0", 250: "2.0.0",
    251: "2.1.5", 252: "2.0.0", 421: "4.3.0", 450: "4.2.0", 451: "4.3.0", 452: "4.3.1",
    454: "4.7.0", 455: "4.5.4", 500: "5.5.2", 501: "5.5.4", 502: "5.5.1", 503: "5.5.1",
    504: "5.5.4", 530: "5.7.0", 534: "5.7.9", 535: "5.7.8", 538: "5.7.11", 550: "5.0.0",
    551: "5.1.6", 552: "5.3.4", 553: "5.1.3", 554: "5.0.0", 555: "5.5.4",
}
# fmt: on

# RFC 5321 §4.1.2: "MAIL FROM:" Reverse-path, "RCPT TO:" Forward-path, each a Path in
# angle brackets right after the colon, then optional parameters after one space.
_PATH_SYNTAX: dict[str, tuple[re.Pattern[str], str, str]] = {
    "MAIL": (re.compile(r"FROM:<[^<>\s]*>(?: \S.*)?", re.I | re.S), "5.1.7", "sender"),
    "RCPT": (re.compile(r"TO:<[^<>\s]+>(?: \S.*)?", re.I | re.S), "5.1.3", "recipient"),
}

# Some of aiosmtpd's own texts, reworded so that the reply explains itself (SMTP replies).
_SECURITY_TEXT = "Command refused due to lack of security"  # i18n: keep aiosmtpd's reply
_TOO_LONG_TEXTS = ("Command line too long", "Line too long (see RFC5321 4.5.3.1.6)")  # i18n: keep

LOGIN_REFUSED = "535 5.7.8 Authentication credentials invalid"
"""The lab's reply to a refused login (aiosmtpd's text), which a look-alike replaces."""

SENDER_NOT_LOGIN = "553 5.7.1 Sender address rejected: not owned by the logged-in user"
"""The lab's reply to a MAIL FROM that is not the login's address (``sender_must_be_login``;
modelled on Postfix's reply for ``reject_sender_login_mismatch``); a look-alike replaces it."""

FROM_HEADER_INVALID = (
    "550 5.6.0 The From header is missing, or its address is inside an encoded word "
    "(RFC 5322 3.6.2, RFC 2047 5)"
)
"""The lab's reply, after the message, to a From header with no address outside encoded
words (``from_address_required``); a look-alike replaces it."""

CONTENT_REFUSED = "554 5.7.1 Message refused: its content was taken for spam"
"""The lab's reply, after the message, to a subject holding ``spam_phrase``."""

_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")  # RFC 2047 §2


@dataclass(frozen=True)
class ReplyText:
    """A look-alike's own reply in place of one of the lab's standard replies.

    When the lab is about to answer ``command`` (``"AUTH"``, ``"QUIT"``...; None: any
    command) with exactly the line ``standard``, it sends ``lines`` instead, as they are:
    each a whole reply line with its code (``"535-5.7.8 Username and ..."``), no enhanced
    code added. ``encoding`` is how they cross the wire: ``"gbk"`` sends QQ Mail's Chinese
    error as the GBK bytes its server was reported to send.
    """

    command: str | None
    standard: str
    lines: tuple[str, ...]
    encoding: str = "utf-8"

    def __post_init__(self) -> None:
        if any(c in line for line in self.lines for c in "\r\n"):
            raise ValueError(_("a reply line may not contain CR or LF: give one string per line."))
        code = self.lines[0][:3] if self.lines else ""
        texts = [line[4:] for line in self.lines]
        if not re.fullmatch("[2-5][0-9]{2}", code) or reply_lines(int(code), texts) != self.lines:
            raise ValueError(
                _(
                    "{lines}: write whole reply lines with one 2xx-5xx code, "
                    "'535-...' for every line but the last and '535 ...' for the last."
                ).format(lines=repr(self.lines))
            )
        self.wire_text()  # raises if ``encoding`` cannot write the text

    @property
    def code(self) -> int:
        """The reply code of the look-alike's reply."""
        return int(self.lines[0][:3])

    def wire_text(self) -> str:
        """The lines joined with CRLF, as a string whose UTF-8 encoding (with
        ``surrogateescape``, as the lab writes) gives the bytes in :attr:`encoding`."""
        raw = "\r\n".join(self.lines).encode(self.encoding)
        return raw.decode("utf-8", "surrogateescape")

    def to_bytes(self) -> bytes:
        """What the lab sends: every line with its CRLF, in :attr:`encoding`."""
        return "".join(line + "\r\n" for line in self.lines).encode(self.encoding)


# A refused special login (LabPolicy.special_logins) is decided when the password is
# checked and answered a moment later, when the lab sends its LOGIN_REFUSED line. Both
# happen in the same connection's asyncio task; a ContextVar is private to that task, so
# two connections logging in at once never see each other's refusal.
_HELD_REFUSAL: ContextVar[ReplyText | None] = ContextVar("smtplab_lab_refusal", default=None)


def hold_login_refusal(reply: ReplyText | None) -> None:
    """Remember the reply for the login being refused on this connection (None: forget).

    Called by the lab when it checks a login; :meth:`LabPolicy.finish_reply` sends the
    held reply in place of :data:`LOGIN_REFUSED`.
    """
    _HELD_REFUSAL.set(reply)


@dataclass(frozen=True)
class LabPolicy:
    """The choices that make the lab behave like one kind of server rather than another.

    ``hostname`` names the server in its greeting, EHLO reply and certificate;
    ``greeting`` is the text after it in the 220 greeting. ``require_tls`` makes the
    plain port answer ``530 5.7.0 Must issue a STARTTLS command first`` to everything but
    EHLO, STARTTLS, NOOP and QUIT (RFC 3207 §4); ``require_auth`` answers MAIL, RCPT and
    DATA with ``530 5.7.0`` until the client has logged in (RFC 4954 §6). ``size_limit``
    is advertised as ``SIZE`` and enforced with ``552 5.3.4``. The other fields switch
    EHLO keywords on or off, and set the idle and TLS handshake timeouts (seconds);
    ``offer_auth=False`` never offers AUTH (a receiving MX: mail comes from anyone).

    Limits real servers keep (RFC 5321 §4.5.3.1): ``max_command_line`` (512 octets with
    the CRLF; MAIL FROM gets the room its SIZE and SMTPUTF8 parameters need) and
    ``max_text_line`` (1000 octets with the CRLF, one more for a dot-stuffed line) are
    enforced as the bytes arrive, with ``500 5.5.2 Line too long``; ``max_recipients``
    (RFC 5321 §4.5.3.1.8: at least 100) answers one RCPT more with ``452 4.5.3 Too many
    recipients``; ``max_auth_failures`` failed AUTH attempts on one connection end it
    with ``421 4.7.0`` (RFC 4954 §9: not before 3 failures).

    Look-alike fields (all off by default; see :mod:`smtplab.lab.profiles`): ``banner``
    is the whole greeting text after ``220`` (``hostname`` still names the certificate);
    ``ehlo_name`` the first line of the EHLO reply; ``keywords`` the exact EHLO keywords
    in order (STARTTLS is shown only before TLS, AUTH lines only inside it);
    ``reply_texts`` the look-alike's texts for some of the lab's standard replies;
    ``special_logins`` maps a login name (its part before any ``@``, any case) to the
    reply that refuses it whatever the password; ``basic_auth=False`` refuses every
    password login; ``login_domains`` lets ``student@<domain>`` log in as ``student``;
    ``profile`` names the look-alike (``""`` for the plain lab). Refusals providers are
    reported to make, each answered with the lab's own line unless ``reply_texts`` gives
    the look-alike's: ``sender_must_be_login`` refuses a MAIL FROM that is not the
    logged-in account's address (:data:`SENDER_NOT_LOGIN`); ``from_address_required``
    refuses, after the message, one whose From header is missing or has its address only
    inside an encoded word (:data:`FROM_HEADER_INVALID`); ``spam_phrase`` refuses, after
    the message, one whose subject contains it (:data:`CONTENT_REFUSED`).

    ``auth_before_tls=True`` (a lesson-only, insecure lab) offers AUTH on the plain
    connection too, before STARTTLS, and says so in its greeting (:data:`INSECURE_NOTE`):
    it lets a wire tap show a password crossing in base64. No careful server does that
    (RFC 4954 §4); the kit's client still refuses to send the password there unless the
    learner opts in with ``allow_unencrypted_auth=True``.

    ``refuse_own_helo_name=True`` refuses RCPT TO after an EHLO/HELO that gave one of the
    server's own names (:meth:`helo_refusal`: a HELO access rule, as sites set up with
    Postfix's ``check_helo_access``). Every lab notes such a name in its session log.

    ``strict=True`` refuses what hardened servers refuse (the exercise checks' labs are
    strict; the default lab is lenient, as aiosmtpd is): a bare LF or a bare CR anywhere,
    in a command or in the message, gets ``521 5.5.2 ... Error: bare <LF> received`` and
    the connection closes (Postfix's reply with ``smtpd_forbid_bare_newline = yes``, the
    SMTP smuggling fix; RFC 5321 §2.3.8); a ``MAIL FROM``/``RCPT TO`` whose path is not
    ``FROM:<address>`` / ``TO:<address>`` as RFC 5321 §4.1.2 writes it (a space after the
    colon, no angle brackets) gets ``501 5.1.7`` / ``501 5.1.3``.
    """

    hostname: str = DEFAULT_HOSTNAME
    greeting: str = "ESMTP smtplab lab server"  # i18n: keep in the 220 reply
    require_tls: bool = False
    require_auth: bool = False
    size_limit: int = DEFAULT_SIZE_LIMIT
    auth_mechanisms: tuple[str, ...] = SUPPORTED_AUTH_MECHANISMS
    offer_auth: bool = True
    pipelining: bool = True
    smtputf8: bool = True
    enhanced_status_codes: bool = True
    idle_timeout: float = 300.0
    # A third of the client's 30 s: a plain client on the implicit-TLS port, waiting for a
    # greeting that never comes, is always closed by the lab first (issue 16), and its
    # Disconnected says "a port that speaks implicit TLS ... waits for your TLS handshake".
    tls_handshake_timeout: float = 10.0
    max_command_line: int = COMMAND_LINE_LIMIT
    max_text_line: int = TEXT_LINE_LIMIT
    max_recipients: int = 100
    max_auth_failures: int = 10
    banner: str = ""
    ehlo_name: str = ""
    keywords: tuple[str, ...] | None = None
    reply_texts: tuple[ReplyText, ...] = ()
    special_logins: tuple[tuple[str, ReplyText], ...] = ()
    basic_auth: bool = True
    login_domains: tuple[str, ...] = ()
    profile: str = ""
    strict: bool = False
    refuse_own_helo_name: bool = False
    auth_before_tls: bool = False
    sender_must_be_login: bool = False
    from_address_required: bool = False
    spam_phrase: str = ""

    def __post_init__(self) -> None:
        if not self.hostname or any(c in self.hostname for c in " \r\n\t"):
            raise ValueError(
                _(
                    "hostname {hostname} is not a valid server name: use a DNS-like "
                    "name without spaces, e.g. 'lab.smtplab.test'."
                ).format(hostname=repr(self.hostname))
            )
        if any(c in self.greeting for c in "\r\n"):
            raise ValueError(_("the greeting text must be one line: remove CR/LF from it."))
        if isinstance(self.size_limit, bool) or not isinstance(self.size_limit, int):
            raise TypeError(
                _("size_limit must be an int (bytes), not {value}.").format(
                    value=repr(self.size_limit)
                )
            )
        if self.size_limit <= 0:
            raise ValueError(
                _(
                    "size_limit must be a positive number of bytes, not {value}; "
                    "the default is {default} (10 MiB)."
                ).format(value=self.size_limit, default=DEFAULT_SIZE_LIMIT)
            )
        unknown = [m for m in self.auth_mechanisms if m not in SUPPORTED_AUTH_MECHANISMS]
        if unknown or not self.auth_mechanisms:
            raise ValueError(
                _(
                    "auth_mechanisms {mechanisms}: the lab implements "
                    "{supported}; choose among those."
                ).format(
                    mechanisms=repr(self.auth_mechanisms),
                    supported=_(" and ").join(SUPPORTED_AUTH_MECHANISMS),
                )
            )
        limits = {
            "max_command_line": (self.max_command_line, 64),
            "max_text_line": (self.max_text_line, 64),
            "max_recipients": (self.max_recipients, 1),
            "max_auth_failures": (self.max_auth_failures, 1),
        }
        for name, (value, least) in limits.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(
                    _("{name} must be an int of at least {least}, not {value}.").format(
                        name=name, least=least, value=repr(value)
                    )
                )
        if self.max_command_line > self.max_text_line:
            raise ValueError(
                _(
                    "max_command_line ({command}) may not exceed max_text_line "
                    "({text}): lower max_command_line too (RFC 5321 has 512 and 1000)."
                ).format(command=self.max_command_line, text=self.max_text_line)
            )
        if not all(0 < t < math.inf for t in (self.idle_timeout, self.tls_handshake_timeout)):
            raise ValueError(_("timeouts must be positive, finite numbers of seconds."))
        texts = [self.banner, self.ehlo_name, *(self.keywords or ())]
        if any(c in text for text in texts for c in "\r\n"):
            raise ValueError(_("banner, ehlo_name and keywords must be one line each (no CR/LF)."))

    def greeting_line(self) -> str:
        """The 220 greeting, e.g. ``220 lab.smtplab.test ESMTP smtplab lab server``.

        With a ``banner`` (a look-alike's), ``220`` and the banner. A lab with
        ``auth_before_tls`` ends it with :data:`INSECURE_NOTE`.
        """
        line = f"220 {self.banner}" if self.banner else f"220 {self.hostname} {self.greeting}"
        return f"{line.rstrip()} {INSECURE_NOTE}" if self.auth_before_tls else line.rstrip()

    def ehlo_keywords(self, *, offer_starttls: bool, offer_auth: bool) -> list[str]:
        """The EHLO keywords, in order, after the server-name line.

        STARTTLS is offered only on a plain connection, AUTH only inside TLS: a careful
        server never invites a password over an unencrypted connection. With
        ``keywords`` (a look-alike's), those, filtered the same way; a ``SIZE`` keyword
        always shows ``size_limit``, the limit the lab enforces.
        """
        keywords = self.keywords
        if keywords is None:  # the plain lab's: the extensions it implements
            flags = {
                "SMTPUTF8": self.smtputf8,
                "PIPELINING": self.pipelining,
                "ENHANCEDSTATUSCODES": self.enhanced_status_codes,
            }
            auth = "AUTH " + " ".join(self.auth_mechanisms)
            keywords = ("SIZE", "8BITMIME", *(k for k, on in flags.items() if on), "STARTTLS", auth)
        return [
            f"SIZE {self.size_limit}" if keyword.split()[:1] == ["SIZE"] else keyword
            for keyword in keywords
            if _keyword_offered(keyword, offer_starttls=offer_starttls, offer_auth=offer_auth)
        ]

    def ehlo_reply_lines(self, *, offer_starttls: bool, offer_auth: bool) -> list[str]:
        """The full EHLO reply, one string per line (``250-...`` then ``250 ...``)."""
        keywords = self.ehlo_keywords(offer_starttls=offer_starttls, offer_auth=offer_auth)
        return list(reply_lines(250, [self.ehlo_name or self.hostname, *keywords]))

    def finish_reply(self, line: str, command: str | None = None) -> str:
        """Put an enhanced status code on one reply line where RFC 2034 asks for one.

        ``command`` is the command being answered (``"MAIL"``, ``"RCPT"``...; None for
        replies to unknown or malformed commands). Lines that already carry a code, 3xx
        lines, a 220 greeting and the 250 lines answering EHLO/HELO are returned unchanged;
        see the module docstring for the rule.

        A look-alike's own text (``reply_texts``, or the reply held for a refused special
        login) replaces the whole line; it may be several lines joined with CRLF.
        """
        own = self.own_reply(line, command)
        if own is not None:
            return own.wire_text()
        match = _REPLY_LINE.match(line)
        if match is None:
            return line
        code = int(match["code"])
        sep = match["sep"] or " "
        text = match["text"]
        if code == 552 and EnhancedStatus.parse(text) is None:
            text = (  # in place of aiosmtpd's "Error: Too much mail data"
                "Message size exceeds fixed maximum message size: the limit is "
                f"{self.size_limit} bytes (see SIZE in the EHLO reply)"  # i18n: keep a reply
            )
        if code == 500 and text in _TOO_LONG_TEXTS:  # aiosmtpd's, and the lab's own
            text = self.line_too_long_text(in_message=command == "DATA")
        if not self.enhanced_status_codes or code // 100 == 3:
            return line if text == match["text"] else f"{code}{sep}{text}"
        if (command, code) in (("EHLO", 250), ("HELO", 250), ("CONNECT", 220)):
            return line  # a greeting given as a CONNECT fault is the initial greeting too
        if EnhancedStatus.parse(text) is not None:
            return f"{code}{sep}{text}"
        status = _BY_COMMAND.get((command, code)) or _BY_CODE.get(code) or f"{code // 100}.0.0"
        if text == _SECURITY_TEXT:
            status = "5.7.0"
        return f"{code}{sep}{status} {text}".rstrip()

    def line_too_long_text(self, *, in_message: bool) -> str:
        """The text of ``500 5.5.2 Line too long``, saying which limit (RFC 5321 §4.5.3.1)."""
        if in_message:
            return (
                "Line too long: a line of the message may be at most "  # i18n: keep a reply
                f"{self.max_text_line} bytes with its CRLF (RFC 5321 4.5.3.1.6); "
                "the message was not accepted"
            )
        return (
            f"Line too long: a command line may be at most {self.max_command_line} bytes "
            "with its CRLF (RFC 5321 4.5.3.1.4)"  # i18n: keep the lab's 500 reply
        )

    def bare_line_end_reply(self, kind: Literal["LF", "CR"]) -> str:
        """The strict lab's reply to a bare LF or CR (then it closes the connection)."""
        return (
            f"521 5.5.2 {self.hostname} Error: bare <{kind}> received: every line ends "
            "with CR LF, and CR and LF appear nowhere else (RFC 5321 2.3.8)"
        )

    def path_refusal(self, command: str, arg: str | None) -> str | None:
        """The strict lab's refusal of a ``MAIL FROM``/``RCPT TO`` argument (``arg``, what
        follows the command word) whose syntax RFC 5321 §4.1.2 does not allow, or None."""
        if not self.strict or arg is None or command not in _PATH_SYNTAX:
            return None
        pattern, status, what = _PATH_SYNTAX[command]
        if pattern.fullmatch(arg):
            return None
        keyword = "FROM" if command == "MAIL" else "TO"
        return (
            f"501 {status} Bad {what} address syntax: {command} {keyword}: is followed by the "
            "address in angle brackets, with no space after the colon (RFC 5321 4.1.2)"
        )

    def own_names(self) -> frozenset[str]:
        """The names this server calls itself (lower case): its host name, the first word
        of its greeting and of its EHLO reply."""
        words = (self.hostname, self.greeting_line()[4:], self.ehlo_name)
        return frozenset(w.split()[0].lower().rstrip(".") for w in words if w.split())

    def is_own_name(self, helo_name: str | None) -> bool:
        """True when an EHLO/HELO argument is one of :meth:`own_names` (any case, a final
        dot ignored). A name merely unknown to DNS is not (``learner.example`` is fine)."""
        words = (helo_name or "").split()
        return bool(words) and words[0].lower().rstrip(".") in self.own_names()

    def helo_refusal(self, helo_name: str | None) -> str | None:
        """The reply to RCPT TO after an EHLO/HELO with the server's own name, or None.

        Only with ``refuse_own_helo_name``. Modelled on Postfix: ``check_helo_access``
        in ``smtpd_helo_restrictions`` rejects with ``554 5.7.1 <name>: Helo command
        rejected: <text>``, and with ``smtpd_delay_reject = yes`` (the default) the
        rejection comes at RCPT TO, not at EHLO.
        """
        if not self.refuse_own_helo_name or not self.is_own_name(helo_name):
            return None
        name = (helo_name or "").split()[0]
        return (
            f"554 5.7.1 <{name}>: Helo command rejected: that is my own name; greet with "
            "your own host name (RFC 5321 4.1.1.1)"
        )

    def wire(self, text: str, command: str | None = None) -> bytes:
        """``text`` (one or more reply lines to ``command``) as the lab sends it: every line
        finished by :meth:`finish_reply`, with CRLF, in UTF-8 (``surrogateescape``: a
        look-alike's GBK bytes pass through)."""
        lines = text.splitlines() or [""]
        wire = "".join(self.finish_reply(line, command) + "\r\n" for line in lines)
        return wire.encode("utf-8", "surrogateescape")

    def own_reply(self, line: str, command: str | None) -> ReplyText | None:
        """The look-alike's reply in place of the lab's ``line`` to ``command``, if any."""
        if command == "AUTH" and line == LOGIN_REFUSED:
            held = _HELD_REFUSAL.get()
            if held is not None:
                _HELD_REFUSAL.set(None)
                return held
        for reply in self.reply_texts:
            if reply.standard == line and reply.command in (None, command):
                return reply
        return None

    def sender_refusal(self, address: str, user: str | None) -> str | None:
        """The refusal of ``MAIL FROM:<address>`` by the logged-in account ``user``, or None.

        With ``sender_must_be_login``, the address must be ``user`` at one of the
        ``login_domains`` (at any domain when there are none).
        """
        if not self.sender_must_be_login or user is None:
            return None
        local, _, domain = address.rpartition("@")
        domains = [d.lower() for d in self.login_domains]
        if local.lower() == user.lower() and (not domains or domain.lower() in domains):
            return None
        return SENDER_NOT_LOGIN

    def message_refusal(self, content: bytes) -> str | None:
        """The refusal of a whole message (its bytes after DATA), or None."""
        if not (self.from_address_required or self.spam_phrase):
            return None
        headers = BytesHeaderParser(policy=compat32).parsebytes(content)
        if self.from_address_required:
            values = headers.get_all("From") or []
            if not any("@" in _ENCODED_WORD.sub(" ", str(value)) for value in values):
                return FROM_HEADER_INVALID
        if self.spam_phrase:
            subject = str(headers.get("Subject", ""))
            with contextlib.suppress(HeaderParseError, LookupError, UnicodeError):
                subject = str(make_header(decode_header(subject)))
            if self.spam_phrase.lower() in subject.lower():
                return CONTENT_REFUSED
        return None

    def login_refusal(self, login: str) -> ReplyText | None:
        """The reply that refuses ``login`` whatever the password (``special_logins``)."""
        name = login.strip().rsplit("@", 1)[0].lower()
        for special, reply in self.special_logins:
            if special.lower() == name:
                return reply
        return None


def is_auth_keyword(keyword: str) -> bool:
    """True for an EHLO keyword that offers AUTH (``AUTH LOGIN PLAIN``, ``AUTH=LOGIN``)."""
    word = keyword.split(None, 1)[0].upper() if keyword.strip() else ""
    return word == "AUTH" or word.startswith("AUTH=")


def _keyword_offered(keyword: str, *, offer_starttls: bool, offer_auth: bool) -> bool:
    if keyword.strip().upper().startswith("STARTTLS"):
        return offer_starttls
    return offer_auth if is_auth_keyword(keyword) else True
