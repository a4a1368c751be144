"""RFC 2047 encoded words: ``=?utf-8?b?5byg5LiJ?=`` is how a header says "张三" in ASCII.

The package's one reader and writer of encoded words (docs/ARCHITECTURE.md): the message
builder writes them, the message anatomy and the transcript read them::

    encode("张三")                         # ['=?utf-8?b?5byg5LiJ?=']
    decode("=?utf-8?b?5byg5LiJ?= <zs@example.com>")   # '张三 <zs@example.com>'

An encoded word is ``=?charset?encoding?text?=``: ``B`` is base64, ``Q`` is a
quoted-printable variant where ``_`` is a space (RFC 2047 §4). Each word holds whole
characters (§5) and at most 75 characters (§2). White space between two encoded
words is not part of the text (§6.2); a word that cannot be decoded (an unknown charset,
broken base64, bytes that are not whole characters) is shown as it is (§6.3), so a
mistake stays visible.
"""

from __future__ import annotations

import base64
import binascii
import re

__all__: list[str] = []  # read and written by smtplab.message and smtplab.anatomy

WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
"""One encoded word: its charset, its encoding (B or Q) and its encoded text."""

_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_Q_BROKEN = re.compile(rb"=(?![0-9A-Fa-f]{2})")
FOLD = re.compile(r"\r?\n(?=[ \t])")
"""A fold: a line break followed by white space (RFC 5322 §2.2.3); unfolding deletes it."""


def encode(text: str, max_bytes: int = 36) -> list[str]:
    """``text`` as ``=?utf-8?b?...?=`` words of at most ``max_bytes`` UTF-8 bytes each.

    A character is never split between two words (RFC 2047 §5). 36 bytes make a word of
    60 characters, which leaves room for a header name on a 78-character line.
    """
    chunks: list[bytes] = []
    chunk = b""
    for char in text:
        data = char.encode("utf-8", "surrogatepass")
        if chunk and len(chunk) + len(data) > max_bytes:
            chunks.append(chunk)
            chunk = b""
        chunk += data
    if chunk:
        chunks.append(chunk)
    return ["=?utf-8?b?" + base64.b64encode(c).decode("ascii") + "?=" for c in chunks]


def decode_word(match: re.Match[str]) -> str | None:
    """The text of one encoded word (a match of :data:`WORD`), or None if it cannot be
    decoded: an unknown charset, broken base64 or ``=XX`` escapes, or bytes that are not
    whole characters of the charset (§5)."""
    charset, encoding, payload = match[1], match[2], match[3]
    try:
        if encoding in "bB":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
        else:
            raw = payload.replace("_", " ").encode("ascii")
            if _Q_BROKEN.search(raw):
                return None
            data = _Q_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw)
        # "utf-8*en" names a language too (RFC 2231 §5): the charset is before the "*".
        return data.decode(charset.split("*")[0])
    except (LookupError, binascii.Error, ValueError):  # UnicodeError is a ValueError
        return None


def runs(value: str) -> list[str]:
    """The decoded text of each run of encoded words in ``value`` (adjacent words, with
    only white space between them, make one run)."""
    found: list[str] = []
    last_end = -1
    for match in WORD.finditer(value):
        text = decode_word(match)
        text = match[0] if text is None else text
        if found and value[last_end : match.start()].strip() == "":
            found[-1] += text
        else:
            found.append(text)
        last_end = match.end()
    return found


def decode(value: str) -> str:
    """A header value unfolded, with its encoded words decoded (RFC 2047 §6).

    White space between two encoded words is dropped, white space next to plain text is
    kept, and a word that cannot be decoded stays as it is.
    """
    value = FOLD.sub("", value)
    if "=?" not in value:
        return value
    out: list[str] = []
    last_end = 0
    after_word = False
    for match in WORD.finditer(value):
        between = value[last_end : match.start()]
        text = decode_word(match)
        if not (after_word and text is not None and between.strip() == ""):
            out.append(between)
        out.append(match[0] if text is None else text)
        after_word = text is not None
        last_end = match.end()
    out.append(value[last_end:])
    return "".join(out)
