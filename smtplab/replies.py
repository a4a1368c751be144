"""SMTP replies as values, and what they mean in words a learner understands.

This module sits at the very bottom of the core: it imports only smtplab.i18n (the
language of its explanations; protocol tokens, codes and RFC numbers stay as they are).

A reply is a three-digit code and one or more lines of text (RFC 5321 §4.2)::

    250-lab.smtplab.test        <- "250-": more lines follow
    250-PIPELINING
    250 STARTTLS                <- "250 ": the last line

Many servers put an *enhanced status code* (RFC 3463, announced with RFC 2034's
ENHANCEDSTATUSCODES) at the start of the text: ``550 5.1.1 No such user``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from .i18n import N_, _

__all__ = ["Reply", "explain", "explain_code"]


class ReplyCode(enum.IntEnum):
    """The reply codes of RFC 5321 §4.2.3 and the SMTP extensions this kit teaches."""

    SYSTEM_STATUS = 211
    HELP_MESSAGE = 214
    SERVICE_READY = 220
    SERVICE_CLOSING = 221
    AUTH_SUCCESSFUL = 235  # RFC 4954
    OK = 250
    USER_NOT_LOCAL_WILL_FORWARD = 251
    CANNOT_VRFY_USER = 252
    AUTH_CONTINUE = 334  # RFC 4954
    START_MAIL_INPUT = 354
    SERVICE_NOT_AVAILABLE = 421
    PASSWORD_TRANSITION_NEEDED = 432  # RFC 4954
    MAILBOX_BUSY = 450
    LOCAL_ERROR = 451
    INSUFFICIENT_STORAGE = 452
    TEMPORARY_AUTH_FAILURE = 454  # RFC 4954 (also "TLS not available", RFC 3207)
    PARAMETERS_NOT_ACCOMMODATED = 455
    SYNTAX_ERROR = 500
    PARAMETER_SYNTAX_ERROR = 501
    COMMAND_NOT_IMPLEMENTED = 502
    BAD_SEQUENCE = 503
    PARAMETER_NOT_IMPLEMENTED = 504
    AUTH_REQUIRED = 530  # RFC 4954 (also "must issue STARTTLS first", RFC 3207)
    AUTH_MECHANISM_TOO_WEAK = 534  # RFC 4954
    AUTH_CREDENTIALS_INVALID = 535  # RFC 4954
    ENCRYPTION_REQUIRED = 538  # RFC 4954
    MAILBOX_UNAVAILABLE = 550
    USER_NOT_LOCAL = 551
    EXCEEDED_STORAGE = 552
    MAILBOX_NAME_NOT_ALLOWED = 553
    TRANSACTION_FAILED = 554
    PARAMETERS_NOT_RECOGNIZED = 555


_ENHANCED_RE = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)")


@dataclass(frozen=True)
class EnhancedStatus:
    """An RFC 3463 enhanced status code such as ``5.7.8`` (class.subject.detail)."""

    klass: int
    subject: int
    detail: int

    @classmethod
    def parse(cls, text: str) -> EnhancedStatus | None:
        """Read an enhanced code from the start of a reply's text, or return None."""
        match = _ENHANCED_RE.match(text)
        if match is None:
            return None
        return cls(int(match[1]), int(match[2]), int(match[3]))

    def __str__(self) -> str:
        return f"{self.klass}.{self.subject}.{self.detail}"


_CJK_RUN = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]{2,}"
_PRIVATE_USE = r"[\ue000-\uf8ff]"


def _looks_chinese(text: str) -> bool:
    """True when a GB18030 decoding produced Chinese text, not accidental byte pairs.

    Latin-1 text such as "Müller" also decodes as GB18030 (``FC 6C`` is a valid pair),
    but into one isolated character between Latin letters; real Chinese text has runs
    of at least two CJK characters or CJK punctuation, and no private-use characters.
    (The patterns are compiled on first use, by re's cache: their large character
    ranges took 2 ms of ``import smtplab``, and most sessions never need them.)
    """
    return bool(re.search(_CJK_RUN, text)) and not re.search(_PRIVATE_USE, text)


def decode_reply_text(raw: bytes) -> str:
    """Decode the text of a reply line for display.

    RFC 5321 replies are ASCII and RFC 6531 allows UTF-8, so valid UTF-8 wins. Some
    servers (QQ Mail, for one) answer in GBK: bytes that are not UTF-8 but decode as
    GB18030 (a superset of GBK) to Chinese text are read that way. Anything else is read
    as Latin-1, which never fails. One ambiguity is left on purpose: a few GBK strings
    are also valid UTF-8 (系统 is ``CF B5 CD B3``, which UTF-8 reads as "ϵͳ"); UTF-8
    wins there, because reading Cyrillic or Greek UTF-8 replies as Chinese would be worse.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_chinese(text):
        return text
    return raw.decode("latin-1")


@dataclass(frozen=True)
class Reply:
    """One complete server reply.

    ``code`` is the three-digit code, ``lines`` the text of each line without the
    code and separator, ``raw`` the exact bytes received (every line with its CRLF).
    """

    code: int
    lines: tuple[str, ...]
    raw: bytes = field(default=b"", repr=False, compare=False)

    @classmethod
    def from_text(cls, code: int, *lines: str) -> Reply:
        """Build a reply from its code and text lines (handy in tests and examples)."""
        texts = lines or ("",)
        rendered = b"".join(
            f"{code}{'-' if i < len(texts) - 1 else ' '}{text}\r\n".encode()
            for i, text in enumerate(texts)
        )
        return cls(code, tuple(texts), rendered)

    @property
    def text(self) -> str:
        """All the lines' text, joined with newlines."""
        return "\n".join(self.lines)

    @property
    def enhanced(self) -> EnhancedStatus | None:
        """The RFC 3463 enhanced status code at the start of the text, if any."""
        return EnhancedStatus.parse(self.lines[0]) if self.lines else None

    @property
    def message(self) -> str:
        """The text without the enhanced status code on each line."""
        return "\n".join(_ENHANCED_RE.sub("", line, count=1).lstrip() for line in self.lines)

    @property
    def klass(self) -> int:
        """The first digit: 2 done, 3 go on, 4 retry later, 5 give up (or fix and resend)."""
        return self.code // 100

    @property
    def is_success(self) -> bool:
        """2xx: the command was carried out."""
        return self.klass == 2

    @property
    def is_intermediate(self) -> bool:
        """3xx: the server waits for more (the message after DATA, an AUTH answer)."""
        return self.klass == 3

    @property
    def is_transient(self) -> bool:
        """4xx: it failed this time; the same command may work later."""
        return self.klass == 4

    @property
    def is_permanent(self) -> bool:
        """5xx: it failed, and repeating it unchanged will fail again."""
        return self.klass == 5

    def __str__(self) -> str:
        texts = self.lines or ("",)
        return "\n".join(
            f"{self.code}{'-' if i < len(texts) - 1 else ' '}{text}" for i, text in enumerate(texts)
        )


_CLASS_MEANING = {
    2: N_("done: the server carried out the command"),
    3: N_("go on: the server is waiting for more from you"),
    4: N_("a temporary failure: nothing is wrong with your command; retry later"),
    5: N_("a permanent failure: the same command will fail again; give up, or fix and resend"),
}
_NOT_A_CLASS = N_("not a valid reply class (only 2, 3, 4 and 5 exist)")

_CODE_MEANING: dict[int, str] = {
    211: N_("system status"),
    214: N_("help text"),
    220: N_("the server is ready"),
    221: N_("the server says goodbye and closes the connection"),
    235: N_("you are logged in"),
    250: N_("OK"),
    251: N_("the recipient is not local; the server will forward the message"),
    252: N_("the server cannot verify the user but will try to deliver"),
    334: N_("the server waits for the next piece of your AUTH exchange (base64)"),
    354: N_("send the message now, and end it with a line holding a single dot"),
    421: N_("the server is closing the connection; retry later"),
    432: N_("a password change is needed before this mechanism can be used"),
    450: N_("the mailbox is unavailable right now (busy, or greylisting); retry later"),
    451: N_("the server hit a local error, or asks you to retry later (greylisting)"),
    452: N_("the server is short of storage or of room for more recipients; retry later"),
    454: N_("a temporary failure of TLS or authentication on the server's side"),
    455: N_("the server cannot accept these parameters right now"),
    500: N_("the server did not understand the command (a syntax error, or a line too long)"),
    501: N_("the command's arguments are wrong"),
    502: N_("the server does not implement this command"),
    503: N_("bad sequence: this command is not allowed at this point of the dialogue"),
    504: N_("the server does not implement this parameter"),
    530: N_("authentication is required first (or STARTTLS first, for some servers)"),
    534: N_("this AUTH mechanism is too weak for the server (some providers want an app password)"),
    535: N_("the server refused the user name or password"),
    538: N_("this AUTH mechanism needs an encrypted connection: STARTTLS first"),
    550: N_("the mailbox is unavailable (no such user) or the server's policy refuses it"),
    551: N_("the user is not local to this server"),
    552: N_("the message is too big, or the mailbox is over its storage limit"),
    553: N_(
        "the mailbox name is not allowed (malformed, not ASCII without SMTPUTF8, or not "
        "yours to use: the enhanced code says which)"
    ),
    554: N_("the transaction failed"),
    555: N_("the server does not recognise or cannot honour a MAIL FROM/RCPT TO parameter"),
}

# RFC 3463 §3.1: the class of an enhanced code.
_OUTCOME = {2: N_("success"), 4: N_("temporary"), 5: N_("permanent")}

# RFC 3463 §3: the subject (second number) and common detail codes.
_ENHANCED_SUBJECT = {
    0: N_("other or undefined status"),
    1: N_("addressing"),
    2: N_("the mailbox"),
    3: N_("the mail system"),
    4: N_("the network or routing"),
    5: N_("the mail delivery protocol"),
    6: N_("the message content or media"),
    7: N_("security or policy"),
}
_UNKNOWN_SUBJECT = N_("an unknown subject")

_ENHANCED_DETAIL: dict[tuple[int, int], str] = {
    (0, 0): N_("no further detail"),
    (1, 0): N_("something about an address"),
    (1, 1): N_("the recipient's mailbox does not exist"),
    (1, 2): N_("the recipient's domain does not exist"),
    (1, 3): N_("the recipient address has a bad syntax"),
    (1, 5): N_("the recipient address is valid"),
    (1, 6): N_("the mailbox has moved"),
    (1, 7): N_("the sender's address has a bad syntax"),
    (1, 8): N_("the sender's domain is bad"),
    (1, 10): N_("the recipient address has a null MX"),
    (2, 0): N_("something about the mailbox"),
    (2, 1): N_("the mailbox is disabled"),
    (2, 2): N_("the mailbox is full"),
    (2, 3): N_("the message is longer than the mailbox accepts"),
    (3, 0): N_("the mail system"),
    (3, 1): N_("the mail system is full"),
    (3, 4): N_("the message is too big for the system"),
    (4, 1): N_("no answer from the next host"),
    (4, 2): N_("the connection was dropped"),
    (4, 7): N_("the delivery time expired"),
    (5, 0): N_("other protocol status"),
    (5, 1): N_("an invalid command"),
    (5, 2): N_("a syntax error"),
    (5, 3): N_("too many recipients"),
    (5, 4): N_("invalid command arguments"),
    (5, 6): N_("an authentication exchange line is too long"),
    (6, 0): N_("something about the content"),
    (6, 7): N_("a non-ASCII address needs SMTPUTF8"),
    (7, 0): N_("security or policy (not further specified)"),
    (7, 1): N_("delivery is not authorised, the message is refused"),
    (7, 8): N_("the authentication credentials are invalid"),
    (7, 9): N_("the authentication mechanism is too weak"),
    (7, 10): N_("encryption is needed for this authentication mechanism"),
    (7, 11): N_("encryption is required for the requested authentication mechanism"),
    (7, 12): N_("a password transition is needed"),
}


def explain_code(code: int) -> str:
    """A sentence on what a basic reply code means; falls back to its class."""
    meaning = _CODE_MEANING.get(code)
    klass = _(_CLASS_MEANING.get(code // 100, _NOT_A_CLASS))
    return f"{code}: {_(meaning)} ({klass})" if meaning else f"{code}: {klass}"


def explain_enhanced(status: EnhancedStatus) -> str:
    """A sentence on what an RFC 3463 enhanced status code means."""
    subject = _(_ENHANCED_SUBJECT.get(status.subject, _UNKNOWN_SUBJECT))
    detail = _ENHANCED_DETAIL.get((status.subject, status.detail))
    outcome = _(_OUTCOME.get(status.klass, "?"))
    if detail:
        text = _("{detail} ({outcome}; subject: {subject})")
        return f"{status}: " + text.format(detail=_(detail), outcome=outcome, subject=subject)
    return f"{status}: " + _("{outcome}, about {subject}").format(outcome=outcome, subject=subject)


def explain(reply: Reply) -> str:
    """Say in plain words what a reply means: its code, then its enhanced code.

    The words are English unless another language was chosen (``smtplab.set_language``
    or ``SMTPLAB_LANG``); the codes themselves are never translated.
    """
    parts = [explain_code(reply.code)]
    if reply.enhanced is not None:
        parts.append(explain_enhanced(reply.enhanced))
    return "; ".join(parts)
