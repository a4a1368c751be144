"""What a server can do: its EHLO reply, parsed (RFC 5321 §4.1.1.1).

The first line of a ``250`` answer to EHLO names the server; every further line is an
*extension keyword*, maybe followed by parameters::

    250-lab.smtplab.test          server_name
    250-SIZE 10485760             keywords["SIZE"] == "10485760"  -> size == 10485760
    250-AUTH LOGIN PLAIN          keywords["AUTH"] == "LOGIN PLAIN"
    250 STARTTLS                  keywords["STARTTLS"] == ""      -> starttls is True

:func:`describe_extension` explains one keyword in a line, for transcripts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .i18n import _
from .notes import EXTENSION_NOTE
from .replies import Reply

__all__ = ["Extensions"]

_KEYWORD_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)(=|\s+|$)(.*)", re.DOTALL)


@dataclass(frozen=True)
class Extensions:
    """The extensions a server announced in its EHLO reply.

    ``keywords`` maps each upper-case keyword to its parameter string (``""`` when it
    has none), in the order the server sent them. Use ``"SIZE" in ext`` or
    ``ext.has("size")`` to test for one (case does not matter).
    """

    server_name: str = ""
    keywords: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    ehlo: bool = False
    """True when these come from an EHLO reply; False for HELO or before any greeting."""

    @classmethod
    def parse(cls, reply: Reply) -> Extensions:
        """Read a ``250`` reply to EHLO.

        The old form ``AUTH=LOGIN PLAIN`` (sent for clients older than RFC 2554) is
        merged into ``AUTH``. Lines that are not a keyword are skipped.
        """
        lines = reply.lines or ("",)
        server_name = lines[0].split(None, 1)[0] if lines[0].strip() else ""
        keywords: dict[str, str] = {}
        auth: dict[str, None] = {}  # the mechanisms in the order offered
        for line in lines[1:]:
            match = _KEYWORD_RE.match(line.strip())
            if match is None:
                continue
            keyword, separator, params = match[1].upper(), match[2], match[3].strip()
            if keyword == "AUTH":  # both forms add mechanisms, each once
                auth.update(dict.fromkeys(params.upper().split()))
            if separator != "=":  # KEYWORD=... is not a keyword line (only AUTH= is known)
                keywords.setdefault(keyword, params)
        if auth:
            keywords["AUTH"] = " ".join(auth)
        return cls(server_name, MappingProxyType(keywords), ehlo=True)

    @classmethod
    def none(cls, server_name: str = "") -> Extensions:
        """No extensions: before EHLO, after HELO, or after STARTTLS reset them."""
        return cls(server_name)

    def has(self, keyword: str) -> bool:
        """True when the server announced ``keyword`` (any case)."""
        return keyword.upper() in self.keywords

    def __contains__(self, keyword: object) -> bool:
        return isinstance(keyword, str) and self.has(keyword)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keywords)

    def __len__(self) -> int:
        return len(self.keywords)

    def get(self, keyword: str, default: str | None = None) -> str | None:
        """The parameter string of ``keyword``, or ``default`` when not announced."""
        return self.keywords.get(keyword.upper(), default)

    @property
    def auth_mechanisms(self) -> frozenset[str]:
        """The SASL mechanisms offered after AUTH (upper case), e.g. {"LOGIN", "PLAIN"}."""
        return frozenset(self.keywords.get("AUTH", "").split())

    @property
    def size(self) -> int | None:
        """The largest message in octets (RFC 1870); None when there is no fixed limit.

        ``SIZE`` alone, ``SIZE 0`` and a parameter that is not a number all mean None.
        """
        return _size_limit(self.keywords.get("SIZE", ""))

    @property
    def starttls(self) -> bool:
        """STARTTLS: the connection can switch to TLS (RFC 3207)."""
        return "STARTTLS" in self.keywords

    @property
    def pipelining(self) -> bool:
        """PIPELINING: commands may be batched (RFC 2920)."""
        return "PIPELINING" in self.keywords

    @property
    def smtputf8(self) -> bool:
        """SMTPUTF8: UTF-8 addresses allowed (RFC 6531)."""
        return "SMTPUTF8" in self.keywords

    @property
    def eightbitmime(self) -> bool:
        """8BITMIME: 8-bit message bodies allowed with BODY=8BITMIME (RFC 6152)."""
        return "8BITMIME" in self.keywords

    @property
    def enhanced_status_codes(self) -> bool:
        """ENHANCEDSTATUSCODES: replies carry codes like 2.1.0 (RFC 2034)."""
        return "ENHANCEDSTATUSCODES" in self.keywords

    @property
    def chunking(self) -> bool:
        """CHUNKING: the BDAT command may replace DATA (RFC 3030)."""
        return "CHUNKING" in self.keywords

    @property
    def dsn(self) -> bool:
        """DSN: delivery status notifications can be requested (RFC 3461)."""
        return "DSN" in self.keywords

    @property
    def auth(self) -> bool:
        """AUTH: the server offers to log in (RFC 4954)."""
        return "AUTH" in self.keywords


def format_size(octets: int) -> str:
    """A size for people: ``10 MiB``, ``34.2 MiB``, ``512 KiB``, ``100 bytes``.

    >>> format_size(10485760), format_size(35882577), format_size(1000)
    ('10 MiB', '34.2 MiB', '1000 bytes')
    """
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if octets >= scale:
            value = octets / scale
            text = f"{value:.0f}" if octets % scale == 0 else f"{value:.1f}"
            return f"{text} {unit}"
    return f"{octets} bytes" if octets != 1 else "1 byte"


def _or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + _(" or ") + items[-1]


def _size_limit(params: str) -> int | None:
    """SIZE's parameter as a limit in octets; None for none, ``0`` or not a number."""
    value = params.strip()
    return (int(value) or None) if value.isdigit() else None


def describe_extension(keyword: str, params: str = "") -> str:
    """One line explaining an extension, for transcript annotations.

    >>> describe_extension("SIZE", "10485760")
    'SIZE: messages up to 10 MiB · RFC 1870'
    >>> describe_extension("AUTH", "LOGIN PLAIN")
    'AUTH LOGIN PLAIN: log in with LOGIN or PLAIN · RFC 4954'
    >>> describe_extension("X-FOO")
    'X-FOO: an extension this kit does not know'
    """
    name, params = keyword.upper(), params.strip()
    if name == "SIZE":
        limit = _size_limit(params)
        if limit is None:
            return "SIZE: " + _("the server announces no fixed size limit · RFC 1870")
        return "SIZE: " + _("messages up to {size} · RFC 1870").format(size=format_size(limit))
    if name not in ("AUTH", "AUTH="):
        return f"{name}: {EXTENSION_NOTE.get(name) or EXTENSION_NOTE['']}"
    mechanisms = params.split()
    if mechanisms:
        text = _("log in with {mechanisms} · RFC 4954").format(mechanisms=_or_list(mechanisms))
    else:
        text = _("login offered, but no mechanism listed · RFC 4954")
    if name == "AUTH=":
        return f"AUTH={params}: {text}" + _(" (old AUTH= form, for clients older than RFC 2554)")
    return f"AUTH {params}".rstrip() + f": {text}"
