"""What bytes on the wire tell an eavesdropper: readable text, or TLS records.

The wire tap (:mod:`smtplab.tap`) records :class:`Chunk` objects; these functions say
what each one shows to someone on the path: SMTP in plain text is readable (a password
in base64 too, which is not encryption), and after ``STARTTLS`` only the TLS records'
framing is (handshake records start ``16 03``, application data ``17 03 03``; their
lengths stay visible). No I/O: bytes in, words out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__: list[str] = []  # public as smtplab.tap's (WireTap's chunks, describe_tls)

_TLS_CONTENT_TYPES = {20: "ChangeCipherSpec", 21: "Alert", 22: "Handshake", 23: "ApplicationData"}
_TLS_HANDSHAKE_TYPES = {
    1: "ClientHello",
    2: "ServerHello",
    4: "NewSessionTicket",
    8: "EncryptedExtensions",
    11: "Certificate",
    12: "ServerKeyExchange",
    13: "CertificateRequest",
    14: "ServerHelloDone",
    15: "CertificateVerify",
    16: "ClientKeyExchange",
    20: "Finished",
}
_TLS_VERSIONS = {0: "SSL 3.0", 1: "TLS 1.0", 2: "TLS 1.1", 3: "TLS 1.2", 4: "TLS 1.3"}
_VISIBLE = {"\r": "\\r", "\n": "\\n\n", "\t": "\\t"}


def _starts_tls_record(data: bytes) -> bool:
    return (
        len(data) >= 3
        and data[0] in _TLS_CONTENT_TYPES
        and data[1] == 3
        and data[2] in _TLS_VERSIONS
    )


def describe_tls(data: bytes) -> str | None:
    """Name the TLS records *data* starts with, or None if it does not look like TLS.

    >>> describe_tls(bytes.fromhex("16030100050100000100"))
    'TLS record: Handshake (ClientHello), record version TLS 1.0, 5 bytes'

    (The record version of a TLS 1.3 ClientHello says 1.0 or 1.2 for compatibility; the
    real version is negotiated inside.)
    """
    parts: list[str] = []
    offset = 0
    while offset + 5 <= len(data) and _starts_tls_record(data[offset:]):
        kind = _TLS_CONTENT_TYPES[data[offset]]
        length = int.from_bytes(data[offset + 3 : offset + 5], "big")
        handshake = data[offset + 5 : offset + 6]
        if kind == "Handshake" and handshake and handshake[0] in _TLS_HANDSHAKE_TYPES:
            kind += f" ({_TLS_HANDSHAKE_TYPES[handshake[0]]})"
        if not parts:
            kind += f", record version {_TLS_VERSIONS[data[offset + 2]]}"
        parts.append(f"{kind}, {length:,} byte{'' if length == 1 else 's'}")
        offset += 5 + length
    if not parts:
        return None
    return f"{'TLS record' if len(parts) == 1 else 'TLS records'}: " + "; ".join(parts)


def _characters(data: bytes) -> Iterator[tuple[str, int]]:
    """(character, its size in bytes) for each character of *data*, read as UTF-8; a byte
    that is not UTF-8 comes as ``("", the byte's value)``."""
    for char in data.decode("utf-8", "surrogateescape"):
        if 0xDC80 <= ord(char) <= 0xDCFF:
            yield "", ord(char) - 0xDC00
        else:
            yield char, len(char.encode("utf-8"))


def printable_ratio(data: bytes) -> float:
    """The share of *data* (0.0–1.0, by bytes) that is readable text.

    Printable characters (UTF-8 included: ``你好`` is readable) and CR, LF and TAB count
    as readable; other control bytes and bytes that are not valid UTF-8 do not. SMTP in
    plain text scores 1.0; encrypted bytes score about 0.4. Empty data scores 1.0.
    """
    if not data:
        return 1.0
    readable = sum(
        size
        for char, size in _characters(data)
        if char and (char.isprintable() or char in _VISIBLE)
    )
    return readable / len(data)


def looks_encrypted(data: bytes) -> bool:
    """True when *data* starts a TLS record or is mostly unreadable bytes (what a notebook
    points at: the moment after ``STARTTLS`` when the wire stops making sense)."""
    return _starts_tls_record(data) or (len(data) >= 8 and printable_ratio(data) < 0.75)


def _more(size: int, limit: int) -> str:
    return f" ... (+{size - limit:,} bytes)" if size > limit else ""


@dataclass(frozen=True)
class Chunk:
    """One piece of data as the tap received it.

    ``direction`` is ``"C"`` (the client sent it) or ``"S"`` (the server sent it); ``time``
    is seconds since the tap started; ``connection`` numbers the relayed connections
    from 1. How the bytes are cut into chunks depends on the sender and on TCP: one
    chunk may hold several commands, or part of one.
    """

    direction: str
    data: bytes
    time: float
    connection: int

    @property
    def looks_encrypted(self) -> bool:
        """True when the chunk looks like TLS or other unreadable bytes."""
        return looks_encrypted(self.data)

    @property
    def tls(self) -> str | None:
        """A description of the TLS records the chunk starts with, if it does."""
        return describe_tls(self.data)

    def text(self, max_bytes: int = 2048) -> str:
        """The chunk as an eavesdropper would read it: text with CR, LF, TAB and raw
        bytes made visible (``\\r\\n``, ``\\x00``), or hex when it is unreadable."""
        if self.looks_encrypted:
            hex_bytes = self.data[:48].hex(" ") + _more(len(self.data), 48)
            return f"[{self.tls or 'unreadable bytes'}] {hex_bytes}"
        out = []
        for char, value in _characters(self.data[:max_bytes]):
            if not char:
                out.append(f"\\x{value:02x}")
            elif char in _VISIBLE:
                out.append(_VISIBLE[char])
            elif char.isprintable():
                out.append(char)
            else:
                out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        return "".join(out).rstrip("\n") + _more(len(self.data), max_bytes)
