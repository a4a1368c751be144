"""SMTP commands as values, and the encoding of the message that follows DATA.

Each command is a small frozen dataclass: build it, then ``render()`` gives the exact
bytes of the line, CRLF included::

    >>> Mail("student@lab.smtplab.test", ("BODY=8BITMIME",)).render()
    b'MAIL FROM:<student@lab.smtplab.test> BODY=8BITMIME\\r\\n'

Every command is checked when it is built, so a bad one never exists:

* a CR, LF or NUL inside an argument raises :class:`~smtplab.errors.LocalProtocolError`.
  A line break inside an argument would end the command early and let the rest of the
  text run as a second command of the attacker's choosing (command injection);
* a command line longer than 512 octets, CRLF included, is refused (RFC 5321
  §4.5.3.1.4); AUTH lines and the lines answering a 334 may be up to 12288 octets
  (RFC 4954 §4).

Anything else is allowed on purpose: a teaching kit lets you send a command at the wrong
moment and see the server's real ``503``. :mod:`smtplab.protocol` says whether a command
is legal at this point of the dialogue.

Every command has ``verb`` (a class constant: ``"EHLO"``, ``"MAIL"``...), ``keyword``
(the verb this very line carries: the same, except for :class:`RawCommand`, whose keyword
is read from the line) and ``secret`` (True only when the caller forced the line hidden;
otherwise None, and :mod:`smtplab.secrecy` decides from where the line falls in the
dialogue).

The message that follows ``354`` is encoded by :mod:`smtplab.data_encoding` (line ends,
dot-stuffing); its names are importable from here too, as before 0.2.0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

# The message after 354 has its own module; its names stay importable from here.
from .data_encoding import LINE_LIMIT, encode_data
from .data_encoding import decode_data as decode_data
from .data_encoding import dot_stuff as dot_stuff
from .data_encoding import dot_unstuff as dot_unstuff
from .data_encoding import has_8bit as has_8bit
from .data_encoding import long_lines as long_lines
from .data_encoding import normalize_newlines as normalize_newlines
from .errors import LocalProtocolError
from .i18n import N_, _

__all__ = ["dot_stuff"]

COMMAND_LINE_LIMIT = 512
"""Octets in a command line, CRLF included (RFC 5321 §4.5.3.1.4)."""

AUTH_LINE_LIMIT = 12288
"""Octets in an AUTH command or a line answering a 334, CRLF included (RFC 4954 §4)."""

LIMIT_RULE = {
    COMMAND_LINE_LIMIT: N_("a command line may have at most 512 (RFC 5321 §4.5.3.1.4)."),
    AUTH_LINE_LIMIT: N_("an AUTH line may have at most 12288 (RFC 4954 §4)."),
    LINE_LIMIT: N_("a line of the message may have at most 1000 (RFC 5321 §4.5.3.1.6)."),
}
"""The rule behind each line limit, quoted when a line goes over it: a command's (here)
and a line typed by hand (:mod:`smtplab.protocol`)."""

_FORBIDDEN = {
    "\r": N_("CR (carriage return, \\r)"),
    "\n": N_("LF (line feed, \\n)"),
    "\0": N_("NUL (\\0)"),
}
_FORBIDDEN_RE = re.compile("[\r\n\0]")


def _shorten(text: str, limit: int = 60) -> str:
    """repr() of text, cut to about ``limit`` characters."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text)} chars)"


NOT_TEXT = N_(
    "{what} must be text (str), not {kind}: {value}. "
    "Decode bytes first, e.g. value.decode('utf-8')."
)
"""The refusal of a value that is not ``str`` (the exercise checks recognise it by it)."""


def check_text(value: str, what: str) -> str:
    """Refuse a CR, LF or NUL inside ``value``; return ``value`` unchanged.

    ``what`` names the argument in the error message (``"the recipient"``...).

    >>> check_text("bob@example.com", "the recipient")
    'bob@example.com'
    """
    if isinstance(value, str) and value.isprintable():  # CR, LF, NUL are not: at C speed
        return value
    return _refuse_text(value, what)


def _refuse_text(value: object, what: str) -> str:
    """What :func:`check_text` does with a value that is not printable text (apart, so
    that a reader following a plain command reads only the line above)."""
    if not isinstance(value, str):
        raise LocalProtocolError(
            _(NOT_TEXT).format(what=_(what), kind=type(value).__name__, value=repr(value))
        )
    match = _FORBIDDEN_RE.search(value)
    if match is not None:
        char = _(_FORBIDDEN[match.group()])
        raise LocalProtocolError(
            _(
                "{what} contains a {char} at position {position}: {value}. "
                "A line break inside a command would end it early and let the rest run as "
                "another command (command injection); nothing was sent. Remove the character."
            ).format(what=_(what), char=char, position=match.start(), value=_shorten(value))
        )
    return value  # other unprintable characters are the server's to judge


def is_ascii_address(address: str) -> bool:
    """True when the address is plain ASCII (no SMTPUTF8 needed, RFC 6531).

    >>> is_ascii_address("bob@example.com"), is_ascii_address("张三@例子.中国")
    (True, False)
    """
    return address.isascii()


_QUOTED_OR_SPACE = re.compile(r'"(?:\\.|[^"\\])*"?|\s', re.DOTALL)
"""A quoted string, its backslash escapes included (unclosed, it runs to the end), or a
whitespace character outside one."""


def _space_outside_quotes(address: str) -> int:
    """Index of the first whitespace outside double quotes, or -1."""
    for match in _QUOTED_OR_SPACE.finditer(address):
        if match.group().isspace():  # a quoted string starts with '"': never whitespace
            return match.start()
    return -1


_PLAIN_ADDRESS = re.compile(r'[^\s<>"\0]*@[^\s<>"\0]*')
"""An address with an ``@`` and no whitespace, quote, angle bracket or NUL: never refused."""


def check_address(address: str, *, allow_empty: bool = False, what: str = N_("the address")) -> str:
    """Check an envelope address (the part inside ``<...>``) and return it unchanged.

    Refused, with a LocalProtocolError that says why: a CR, LF or NUL (command
    injection); ``<`` or ``>`` (give the bare address: the kit adds the brackets);
    no ``@`` (``allow_empty=True`` accepts ``""``, the null sender of bounces,
    RFC 5321 §4.5.5); whitespace outside double quotes.

    >>> check_address("bob@example.com")
    'bob@example.com'
    >>> check_address("", allow_empty=True)
    ''
    """
    if isinstance(address, str) and _PLAIN_ADDRESS.fullmatch(address):
        return address  # the plain form: none of the rules can refuse it
    return _check_unusual_address(address, allow_empty, what)


def _check_unusual_address(address: str, allow_empty: bool, what: str) -> str:
    """:func:`check_address`'s rules, one by one, for an address not of the plain form."""
    check_text(address, what)
    if address == "":
        if allow_empty:
            return address
        raise LocalProtocolError(
            _(
                "{what} is empty. Give a full address like bob@example.com "
                "(only MAIL FROM may be empty: the null sender used by bounces)."
            ).format(what=_(what))
        )
    if "<" in address or ">" in address:
        raise LocalProtocolError(
            _(
                "{what} {address} contains '<' or '>'. Give the bare address "
                "(bob@example.com): the kit adds the angle brackets itself."
            ).format(what=_(what), address=repr(address))
        )
    if "@" not in address:
        raise LocalProtocolError(
            _(
                "{what} {address} has no '@'. An envelope address is local-part@domain, "
                "like bob@example.com."
            ).format(what=_(what), address=repr(address))
        )
    space = _space_outside_quotes(address)
    if space >= 0:
        raise LocalProtocolError(
            _(
                "{what} {address} contains whitespace at position {space}. An address "
                "has no spaces (outside a quoted local part); check for a stray space."
            ).format(what=_(what), address=repr(address), space=space)
        )
    return address


def _check_word(value: str, what: str, example: str) -> str:
    """Refuse an empty value or one with whitespace (a domain, a mechanism name...)."""
    if check_text(value, what).split() != [value]:  # empty, or not one word
        text = _("{what} must be one word without spaces, like {example}; got {value}.")
        raise LocalProtocolError(text.format(what=_(what), example=_(example), value=repr(value)))
    return value


_PARAM_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*(=[^\s=]+)?")


def _check_params(params: tuple[str, ...], verb: str) -> tuple[str, ...]:
    """Check ESMTP parameters (RFC 5321 §4.1.2 esmtp-param): ``KEYWORD`` or ``KEYWORD=value``."""
    if isinstance(params, str) or not all(
        isinstance(param, str) and param.isprintable() and _PARAM_RE.fullmatch(param)
        for param in params
    ):
        _check_each_param(params, verb)
    return tuple(params)


def _check_each_param(params: tuple[str, ...], verb: str) -> None:
    """:func:`_check_params`'s rules, one by one, for parameters not all of the plain form."""
    if isinstance(params, str):
        raise LocalProtocolError(
            _(
                "{verb} parameters must be a tuple of strings, like ('BODY=8BITMIME',), "
                "not one string {params}."
            ).format(verb=verb, params=repr(params))
        )
    for param in params:
        check_text(param, _("the {verb} parameter").format(verb=verb))
        if not _PARAM_RE.fullmatch(param):
            raise LocalProtocolError(
                _(
                    "the {verb} parameter {param} is not KEYWORD or KEYWORD=value "
                    "(RFC 5321 §4.1.2), e.g. 'BODY=8BITMIME' or 'SIZE=1024'. Give each "
                    "parameter as its own string."
                ).format(verb=verb, param=repr(param))
            )


@dataclass(frozen=True)
class Command:
    """The base of every command: ``render()`` gives the line's bytes, CRLF included.

    Subclasses set ``verb``, and ``_line()`` when the line says more than the verb; the
    line is checked (CR/LF/NUL, length) when the command is built.
    """

    verb: ClassVar[str] = ""
    limit: ClassVar[int] = COMMAND_LINE_LIMIT
    """The most octets this line may have, CRLF included."""

    def __post_init__(self) -> None:
        line = self._line()
        rendered = line.encode("utf-8") + b"\r\n"
        if len(rendered) > self.limit:
            raise self._too_long(len(rendered))
        # A command is immutable: keep its line and bytes, made and checked once here,
        # for text and render() (the client reads both several times per command).
        object.__setattr__(self, "_wire", (line, rendered))

    def _line(self) -> str:
        return self.verb  # a command of one word; those with arguments say more

    def _too_long(self, length: int) -> LocalProtocolError:
        """The refusal of a line over :attr:`limit` octets."""
        text = _(
            "the {keyword} line is {length} octets long "
            "(CRLF included); {rule} Nothing was sent: shorten "
            "the arguments."
        )
        keyword, rule = self.keyword or _("command"), _(LIMIT_RULE[self.limit])
        return LocalProtocolError(text.format(keyword=keyword, length=length, rule=rule))

    @property
    def text(self) -> str:
        """The command line as text, without CRLF (for MailData: a short description)."""
        return self._wire[0]

    def render(self) -> bytes:
        """The exact bytes to send: the line in UTF-8, then CRLF."""
        return self._wire[1]

    @property
    def keyword(self) -> str:
        """The verb this line carries (for RawCommand: read from the line)."""
        return self.verb

    @property
    def secret(self) -> bool | None:
        """True when the line must be hidden whatever :mod:`smtplab.secrecy` says."""
        return None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class _Greeting(Command):
    """EHLO and HELO: the verb, then the client's domain, one word."""

    _what: ClassVar[str] = ""
    """The domain's name in a refusal (a text marked with ``N_``)."""
    domain: str

    def __post_init__(self) -> None:
        _check_word(self.domain, self._what, N_("learner.example or [127.0.0.1]"))
        super().__post_init__()

    def _line(self) -> str:
        return f"{self.verb} {self.domain}"


@dataclass(frozen=True)
class Ehlo(_Greeting):
    """``EHLO domain``: say who you are and ask for the server's extensions (§4.1.1.1)."""

    verb: ClassVar[str] = "EHLO"
    _what: ClassVar[str] = N_("the EHLO domain")


@dataclass(frozen=True)
class Helo(_Greeting):
    """``HELO domain``: the old greeting; the server answers without extensions (§4.1.1.1)."""

    verb: ClassVar[str] = "HELO"
    _what: ClassVar[str] = N_("the HELO domain")


@dataclass(frozen=True)
class StartTLS(Command):
    """``STARTTLS``: switch this connection to TLS (RFC 3207)."""

    verb: ClassVar[str] = "STARTTLS"


_MECHANISM_RE = re.compile(r"[A-Za-z0-9_-]{1,20}")


@dataclass(frozen=True)
class Auth(Command):
    """``AUTH mechanism [initial-response]``: start logging in (RFC 4954 §4).

    ``initial_response`` is the base64 text sent on the same line (``""`` is sent as
    ``=``, RFC 4954's empty response). Whether it is a secret is decided by
    :mod:`smtplab.secrecy` (the password in PLAIN's blob, the token of XOAUTH2...);
    ``secret=True`` hides the line in any case.
    """

    verb: ClassVar[str] = "AUTH"
    limit: ClassVar[int] = AUTH_LINE_LIMIT
    mechanism: str
    initial_response: str | None = field(default=None, repr=False)  # may carry a password
    secret: bool | None = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        check_text(self.mechanism, N_("the AUTH mechanism"))
        if not _MECHANISM_RE.fullmatch(self.mechanism):
            raise LocalProtocolError(
                _(
                    "the AUTH mechanism {mechanism} is not a SASL mechanism name "
                    "(1-20 letters, digits, '-' or '_', RFC 4422 §3.1), like PLAIN or LOGIN."
                ).format(mechanism=repr(self.mechanism))
            )
        if self.initial_response is not None:
            _check_response(self.initial_response, N_("the AUTH initial response"))
        super().__post_init__()

    def _line(self) -> str:
        if self.initial_response is None:
            return f"AUTH {self.mechanism.upper()}"
        return f"AUTH {self.mechanism.upper()} {self.initial_response or '='}"


def _check_response(value: str, what: str) -> str:
    check_text(value, what)
    if any(char.isspace() for char in value):
        raise LocalProtocolError(
            _(
                "{what} contains whitespace: {value}. An AUTH response is one "
                "base64 word (see smtplab.auth for the encoders)."
            ).format(what=_(what), value=_shorten(value))
        )
    return value


@dataclass(frozen=True)
class AuthContinuation(Command):
    """A line answering the server's ``334`` during AUTH: base64 text, or ``*`` to cancel.

    Whether it is a secret is decided by :mod:`smtplab.secrecy` (every answer is, but
    ``*``, an empty one and LOGIN's user name); ``secret=True`` hides it in any case.
    """

    verb: ClassVar[str] = "AUTH-RESPONSE"
    limit: ClassVar[int] = AUTH_LINE_LIMIT
    data: str = field(repr=False)  # may be a password in base64: kept out of tracebacks
    secret: bool | None = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _check_response(self.data, N_("the AUTH response"))
        super().__post_init__()

    def _line(self) -> str:
        return self.data


@dataclass(frozen=True)
class Mail(Command):
    """``MAIL FROM:<sender> [params]``: start a transaction (RFC 5321 §4.1.1.2).

    ``sender`` may be ``""`` (the null sender of bounces). ``params`` are ESMTP
    parameters such as ``("BODY=8BITMIME", "SMTPUTF8")`` (RFC 6152, RFC 6531) or
    ``("SIZE=2048",)`` (RFC 1870).
    """

    verb: ClassVar[str] = "MAIL"
    sender: str
    params: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_address(self.sender, allow_empty=True, what=N_("the sender"))
        object.__setattr__(self, "params", _check_params(self.params, "MAIL FROM"))
        super().__post_init__()

    def _line(self) -> str:
        return " ".join((f"MAIL FROM:<{self.sender}>", *self.params))


@dataclass(frozen=True)
class Rcpt(Command):
    """``RCPT TO:<recipient> [params]``: add a recipient (RFC 5321 §4.1.1.3).

    ``Postmaster`` alone (no domain) is accepted, as RFC 5321 requires servers to.
    """

    verb: ClassVar[str] = "RCPT"
    recipient: str
    params: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.recipient.lower() == "postmaster":
            check_text(self.recipient, N_("the recipient"))
        else:
            check_address(self.recipient, what=N_("the recipient"))
        object.__setattr__(self, "params", _check_params(self.params, "RCPT TO"))
        super().__post_init__()

    def _line(self) -> str:
        return " ".join((f"RCPT TO:<{self.recipient}>", *self.params))


@dataclass(frozen=True)
class Data(Command):
    """``DATA``: ask to send the message; ``354`` means go on (RFC 5321 §4.1.1.4)."""

    verb: ClassVar[str] = "DATA"


@dataclass(frozen=True)
class Rset(Command):
    """``RSET``: abandon the current transaction (RFC 5321 §4.1.1.5)."""

    verb: ClassVar[str] = "RSET"


@dataclass(frozen=True)
class Noop(Command):
    """``NOOP``: do nothing, get a 250 (RFC 5321 §4.1.1.9): is the server still there?"""

    verb: ClassVar[str] = "NOOP"


@dataclass(frozen=True)
class Quit(Command):
    """``QUIT``: say goodbye; the server answers 221 and closes (RFC 5321 §4.1.1.10)."""

    verb: ClassVar[str] = "QUIT"


@dataclass(frozen=True)
class Vrfy(Command):
    """``VRFY name``: ask whether a user or mailbox exists (RFC 5321 §4.1.1.6).

    Most servers answer ``252`` (cannot verify) so spammers cannot harvest addresses.
    """

    verb: ClassVar[str] = "VRFY"
    address: str

    def __post_init__(self) -> None:
        check_text(self.address, N_("the VRFY argument"))
        if not self.address:
            raise LocalProtocolError("VRFY needs a user name or address, like bob@example.com.")
        super().__post_init__()

    def _line(self) -> str:
        return f"VRFY {self.address}"


@dataclass(frozen=True)
class Help(Command):
    """``HELP [topic]``: ask the server for help text, answered with 214 (§4.1.1.8)."""

    verb: ClassVar[str] = "HELP"
    topic: str = ""

    def __post_init__(self) -> None:
        check_text(self.topic, N_("the HELP topic"))
        super().__post_init__()

    def _line(self) -> str:
        return f"HELP {self.topic}" if self.topic else "HELP"


_RAW_KEYWORD = re.compile(r"([A-Za-z]+)(?=[\s:]|$)")


def keyword_of(line: str) -> str:
    """The command keyword a line carries: its first word upper-cased when it is all
    letters (``"MAIL"`` for ``"mail from:<a@b.c>"``), else ``""``."""
    match = _RAW_KEYWORD.match(line)
    return match.group(1).upper() if match else ""


@dataclass(frozen=True)
class RawCommand(Command):
    """Any line you type, sent as-is (CRLF added): for trying things out by hand.

    Only what breaks the protocol is refused: a CR, LF or NUL inside the line, and a
    line longer than 12288 octets (the longest any SMTP line may be); the connection
    (:class:`smtplab.protocol.ClientConnection`) applies the limit of the moment: 512
    for a command, 1000 for a line of the message after ``354``, 12288 for AUTH.

    ``keyword`` is the first word, upper-cased, when it is made of letters (``"MAIL"``
    for ``"mail from:<a@b.c>"``), else ``""``. Whether the line is a secret (``AUTH PLAIN
    <blob>``, an answer to a 334) is decided by :mod:`smtplab.secrecy` from where it
    falls in the dialogue; ``secret=True`` hides it in any case.
    """

    verb: ClassVar[str] = ""
    limit: ClassVar[int] = AUTH_LINE_LIMIT
    line: str
    secret: bool | None = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        check_text(self.line, N_("the command line"))
        super().__post_init__()

    def _line(self) -> str:
        return self.line

    @property
    def keyword(self) -> str:
        """The first word, upper-cased, when it is all letters; else ``""``."""
        return keyword_of(self.line)


@dataclass(frozen=True)
class MailData(Command):
    """The message itself, sent after ``354``: :func:`encode_data` of ``message``.

    Not a command line, but it travels like one and gets a reply (``250`` when the
    server has accepted the message), so it is modelled the same way. ``render()``
    normalises line ends, dot-stuffs and adds the final ``.`` line.
    """

    verb: ClassVar[str] = "MAIL-DATA"
    message: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.message, (bytes, bytearray, memoryview)):
            text = _(
                "the message must be bytes, not {kind}. Use "
                "msg.as_bytes() for an EmailMessage, or text.encode('utf-8')."
            )
            raise LocalProtocolError(text.format(kind=type(self.message).__name__))
        super().__post_init__()  # its text: the description below; render() encodes the message

    def _line(self) -> str:
        return f"<message, {len(self.message)} bytes>"

    def render(self) -> bytes:
        """The encoded message, ending with ``CRLF.CRLF``."""
        return encode_data(bytes(self.message))

    def __repr__(self) -> str:
        return f"MailData(<{len(self.message)} bytes>)"
