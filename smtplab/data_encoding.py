"""The message after DATA, as it goes on the wire (RFC 5321 §4.5.2).

:func:`normalize_newlines`, :func:`dot_stuff` and :func:`encode_data` turn a message
into what the client sends after ``354``; :func:`decode_data` and :func:`dot_unstuff`
undo it. They never let a bare CR or a bare LF out of the client: servers that read a
bare LF as a line end while others do not are how SMTP smuggling works.
"""

from __future__ import annotations

import base64
import quopri
import re
from typing import NamedTuple

from .errors import LocalProtocolError
from .i18n import N_, _

__all__: list[str] = []  # dot_stuff is public as smtplab.commands.dot_stuff (notebook 06)

LINE_LIMIT = 1000
"""Octets in a line of the message text, CRLF included (RFC 5321 §4.5.3.1.6)."""


def normalize_newlines(data: bytes) -> bytes:
    r"""Make every line end CRLF: each bare LF, bare CR and CRLF becomes CRLF.

    A bare LF or bare CR must never leave the client: some servers read them as line
    ends and others do not, and that disagreement is how SMTP smuggling hides a second
    message inside the first.

    >>> normalize_newlines(b"a\nb\rc\r\nd")
    b'a\r\nb\r\nc\r\nd'
    """
    data = bytes(data)
    crlf = data.count(b"\r\n")
    if data.count(b"\r") == crlf and data.count(b"\n") == crlf:
        return data  # already clean: no copy
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")


def dot_stuff(data: bytes) -> bytes:
    r"""Double the dot at the start of every line (RFC 5321 §4.5.2 "transparency").

    ``data`` must already have CRLF line ends (see :func:`normalize_newlines`). A line
    holding a single dot would otherwise end the message early.

    >>> dot_stuff(b".hidden\r\n.\r\nend\r\n")
    b'..hidden\r\n..\r\nend\r\n'
    """
    return _each_first_dot(data, b"..")


def dot_unstuff(data: bytes) -> bytes:
    r"""Undo :func:`dot_stuff`: drop the first dot of every line that starts with one.

    This is what a server does with what it receives (RFC 5321 §4.5.2).

    >>> dot_unstuff(b"..hidden\r\n..\r\nend\r\n")
    b'.hidden\r\n.\r\nend\r\n'
    """
    return _each_first_dot(data, b"")


def _each_first_dot(data: bytes, new: bytes) -> bytes:
    """``data`` with the dot that starts a line, wherever one does, replaced by ``new``."""
    data = bytes(data)
    if b"\r\n." in data:
        data = data.replace(b"\r\n.", b"\r\n" + new)
    return new + data[1:] if data.startswith(b".") else data


def encode_data(message: bytes) -> bytes:
    r"""Everything to send after ``354``: the message made safe, then the final ``.`` line.

    Line ends become CRLF, lines starting with a dot get a second one, the last line
    gets its CRLF, and ``.\r\n`` ends the message. The result never holds a bare CR or
    LF, and ``\r\n.\r\n`` appears only at its very end.

    >>> encode_data(b"Subject: hi\n\n.\nbye")
    b'Subject: hi\r\n\r\n..\r\nbye\r\n.\r\n'
    """
    data = dot_stuff(normalize_newlines(message))
    if data and not data.endswith(b"\r\n"):
        return b"".join((data, b"\r\n.\r\n"))
    return data + b".\r\n"


def decode_data(encoded: bytes) -> bytes:
    r"""Undo :func:`encode_data`: strip the final ``.`` line and un-stuff the dots.

    Raises LocalProtocolError when ``encoded`` does not end with the end-of-data line.

    >>> decode_data(b"..hi\r\n.\r\n")
    b'.hi\r\n'
    """
    encoded = bytes(encoded)
    if encoded == b".\r\n":
        return b""
    if not encoded.endswith(b"\r\n.\r\n"):
        raise LocalProtocolError(
            _(
                "the data does not end with the end-of-data line CRLF.CRLF "
                "(it ends with {end}); pass the whole encoded message."
            ).format(end=repr(encoded[-10:]))
        )
    return dot_unstuff(encoded[:-3])


def split_lines(raw: bytes, *, keep_ends: bool = False) -> list[bytes]:
    """Split small data (a reply, a batch of commands) into lines, each ending in LF."""
    merged: list[bytes] = []
    for piece in raw.splitlines(keepends=True):
        # splitlines() also splits on a lone CR; keep "\r\n" together and a bare CR inside.
        if merged and not merged[-1].endswith(b"\n"):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged if keep_ends else [m.rstrip(b"\r\n") for m in merged]


def has_8bit(data: bytes) -> bool:
    """True when any byte is 128 or more: announce ``BODY=8BITMIME`` (RFC 6152).

    >>> has_8bit(b"hello"), has_8bit("你好".encode())
    (False, True)
    """
    return not bytes(data).isascii()


def long_lines(data: bytes) -> list[int]:
    r"""Line numbers (from 1) of the lines longer than 998 octets plus CRLF.

    RFC 5321 §4.5.3.1.6 allows 1000 octets per line of text, CRLF included (not
    counting a dot added by dot-stuffing). Lines end as in :func:`normalize_newlines`
    (CRLF, bare CR or bare LF: as ``bytes.splitlines`` cuts). A driver may refuse such
    a message or warn.

    >>> long_lines(b"short\r\n" + b"x" * 999 + b"\r\nshort")
    [2]
    """
    # In pieces of about 64 KiB, each cut after a LF (so no line is split): a big message
    # whose lines end in LF (CRLF or bare LF) is never copied whole; one with only bare CR
    # line ends, or one line of megabytes, is one piece.
    numbers: list[int] = []
    data, line, start = bytes(data), 0, 0
    while start < len(data):
        end = data.find(b"\n", start + _PIECE) + 1 or len(data)  # not found: to the end
        lengths = list(map(len, data[start:end].splitlines()))  # at C speed
        if max(lengths, default=0) > LINE_LIMIT - 2:
            numbers += [line + n for n, length in enumerate(lengths, 1) if length > LINE_LIMIT - 2]
        line, start = line + len(lengths), end
    return numbers


_PIECE = 64 * 1024


RAW_UTF8_HEADERS = N_(
    "raw UTF-8 in the headers (a name in From: or To:?): that needs SMTPUTF8 on MAIL FROM "
    "(RFC 6531 §3.4, RFC 6532 §3.2), or encoded words like =?utf-8?b?...?= (RFC 2047); "
    "BODY=8BITMIME covers only the body"
)
"""What the kit says about 8-bit header bytes, in the client's errors and its transcript."""

_FIELD = re.compile(rb"^[!-9;-~]+[ \t]*:")  # RFC 5322 §2.2: a field name, then a colon


def header_section(message: bytes) -> tuple[bytes, bool, bytes]:
    r"""Where a message's headers end (RFC 5322 §2.1): ``(headers, ended, first)``.

    ``headers`` are the header lines; ``ended`` is True when an empty line ended them;
    ``first`` is the line after them (``b""`` if none). A line that is neither a header
    field nor the continuation of one ends them too, with ``ended`` False: there Python's
    parser notes a ``MissingHeaderBodySeparatorDefect``. ``message`` is not dot-stuffed.

    >>> header_section(b"Subject: hi\r\n\r\nHello\r\n")
    (b'Subject: hi\r\n', True, b'Hello\r\n')
    >>> header_section(b"Subject: hi\r\nHello\r\n")
    (b'Subject: hi\r\n', False, b'Hello\r\n')
    """
    message = bytes(message)
    start = 0
    while start < len(message):
        end = message.find(b"\n", start) + 1 or len(message)  # not found: to the end
        bare = message[start:end].rstrip(b"\r\n")
        if not bare:
            after = message.find(b"\n", end) + 1 or len(message)
            return message[:start], True, message[end:after]
        if not _FIELD.match(bare) and not (start and bare[:1] in b" \t"):
            return message[:start], False, message[start:end]
        start = end
    return message, False, b""


class MessageFacts(NamedTuple):
    """What a sender must know of a message (not dot-stuffed) before MAIL FROM."""

    size: int  # octets, as SIZE counts them (RFC 1870)
    eight_bit: bool  # a byte of 128 or more: BODY=8BITMIME (RFC 6152)
    utf8_headers: bool  # ...inside the headers: SMTPUTF8 (RFC 6532 §3.2)
    long_lines: list[int]  # lines over 998 octets (RFC 5321 §4.5.3.1.6)


def message_facts(message: bytes) -> MessageFacts:
    r"""Read a message once for everything MAIL FROM and the checks before DATA need.

    >>> message_facts(b"Subject: hi\r\n\r\nGr\xc3\xbc\xc3\x9fe\r\n")
    MessageFacts(size=24, eight_bit=True, utf8_headers=False, long_lines=[])
    """
    eight_bit = has_8bit(message)  # ASCII throughout: ASCII headers, no need to look
    utf8_headers = eight_bit and has_8bit(header_section(message)[0])
    return MessageFacts(len(message), eight_bit, utf8_headers, long_lines(message))


def shape_notes(message: bytes, *, smtputf8: bool = False) -> list[str]:
    """What a reader should notice in how a message (not dot-stuffed) is laid out: no
    empty line after the headers, a first body line that looks like a header field, raw
    UTF-8 in the headers without ``smtputf8`` (SMTPUTF8 declared on MAIL FROM)."""
    notes: list[str] = []
    headers, ended, first = header_section(message)
    shown = first.rstrip(b"\r\n")[:40].decode("utf-8", "replace")
    if first and not ended:
        notes.append(
            _(
                "no empty line between the headers and the body: {shown} is not a header "
                "field, so the receiver's parser has to guess where the body starts "
                "(MissingHeaderBodySeparatorDefect); end the headers with an empty line "
                "(RFC 5322 §2.1)"
            ).format(shown=repr(shown))
        )
    elif first and _FIELD.match(first):
        notes.append(
            _(
                "the first line of the body, {shown}, looks like a header field: did the "
                "headers end too early? (RFC 5322 §2.1)"
            ).format(shown=repr(shown))
        )
    if not smtputf8 and has_8bit(headers):
        notes.append(_(RAW_UTF8_HEADERS))
    return notes


BODY_ENCODINGS = ("7bit", "8bit", "quoted-printable", "base64")
"""The Content-Transfer-Encodings ``compose(body_encoding=...)`` accepts (RFC 2045 §6.1)."""
_MAX_LINE = 78  # RFC 5322 §2.1.1: lines SHOULD be at most 78 characters...
_MAX_LINE_HARD = 998  # ...and MUST be at most 998.


def choose_transfer_encoding(text: str, wanted: str | None, what: str) -> str:
    """The Content-Transfer-Encoding for a text part of :func:`smtplab.message.compose`:
    ``wanted`` checked (LocalProtocolError if it cannot carry ``text``), or the smaller
    of quoted-printable and base64 when 7bit will not do. ``what`` names the part."""
    data = text.encode("utf-8")
    lines = data.splitlines()
    longest = max((len(line) for line in lines), default=0)
    if wanted is not None:
        if wanted not in BODY_ENCODINGS:
            raise LocalProtocolError(
                _(
                    "body_encoding={wanted} is not one of {choices} (or None "
                    "to let smtplab choose)."
                ).format(wanted=repr(wanted), choices=", ".join(BODY_ENCODINGS))
            )
        if wanted == "7bit" and not data.isascii():
            raise LocalProtocolError(
                _(
                    "the {what} has non-ASCII characters, which 7bit cannot carry. Use "
                    "body_encoding='8bit' (needs 8BITMIME), 'quoted-printable' or 'base64'."
                ).format(what=_(what))
            )
        if wanted in ("7bit", "8bit") and longest > _MAX_LINE_HARD:
            raise LocalProtocolError(
                _(
                    "the {what} has a line of {longest} bytes; SMTP allows {limit} "
                    "(RFC 5321 §4.5.3.1.6). Use 'quoted-printable' or 'base64', which wrap lines."
                ).format(what=_(what), longest=longest, limit=_MAX_LINE_HARD)
            )
        return wanted
    if data.isascii() and longest <= _MAX_LINE:
        return "7bit"
    qp_size = len(quopri.encodestring(data))
    b64_size = len(base64.encodebytes(data))
    return "quoted-printable" if qp_size <= b64_size else "base64"
