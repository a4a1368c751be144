"""Readings for a check's hints: a line of the lab's log, the bytes the learner sent (CR and
LF made visible) and what the learner's function returned (a reply as text or lines), and
the hints every raw-socket exercise shares (a missing CRLF, a str sent instead of bytes)."""

from __future__ import annotations

from ..i18n import _
from ..lab import LogLine
from .harness import Hint

__all__: list[str] = []  # the package's own (the harness's readings)


def verb(line: LogLine) -> str:
    """The command word of a received line, upper-cased (``"MAIL"``), or ``""``."""
    words = line.text.split()
    return words[0].upper() if words else ""


# --------------------------------------------------------- what the learner sent and returned


def escape_bytes(data: bytes) -> str:
    """Bytes as readable text with CR and LF (and other control bytes) made visible."""
    names = {13: "\\r", 10: "\\n"}
    return "".join(
        names.get(byte, chr(byte) if 32 <= byte < 127 else f"\\x{byte:02x}") for byte in data
    )


def show(raw: bytes) -> str:
    """Bytes quoted for a hint, CR and LF visible: ``'HELO x\\r\\n'``."""
    return f"'{escape_bytes(raw)}'"


def as_text(value: object) -> str | None:
    """A learner's returned reply as text: bytes decoded, lists joined; None if unusable."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(
        isinstance(v, (bytes, bytearray, str)) for v in value
    ):
        parts = [v if isinstance(v, str) else bytes(v).decode("latin-1") for v in value]
        return "\n".join(part.rstrip("\r\n") for part in parts)
    return None


def text_lines(value: object) -> list[str] | None:
    """The lines of a returned reply, without their line ends."""
    text = as_text(value)
    return None if text is None else text.splitlines()


def require_line_end(line: LogLine, what: str | None = None) -> None:
    """Raise a :class:`Hint` if a received line does not end with CRLF (``what``: the
    line as the hint names it, translated; default "your line")."""
    what = _("your line") if what is None else what
    if line.partial or not line.raw.endswith(b"\n"):
        raise Hint(
            _(
                "the server received {received} but no line end, so it is still waiting for "
                "the rest of the line and never answered. End {what} with \\r\\n (CR LF, "
                "RFC 5321 §2.3.8)."
            ).format(received=show(line.raw), what=what)
        )
    if not line.raw.endswith(b"\r\n"):
        raise Hint(
            _(
                "the server received {received}: it ends with \\n only (a bare LF). "
                "In SMTP every line ends with \\r\\n (CR LF, RFC 5321 §2.3.8). Hardened servers "
                "refuse a bare LF (Postfix: 521 'bare <LF> received', and it hangs up), as this "
                "check's lab does; a lenient server may have let it through."
            ).format(received=show(line.raw))
        )


def refuse_str_sent(error: BaseException | None) -> None:
    """Raise a :class:`Hint` for the usual TypeError of sending a str."""
    if isinstance(error, TypeError) and "bytes-like" in str(error):
        raise Hint(
            _(
                "{error}. A socket sends bytes, not str: write a bytes literal, or turn the "
                "text into bytes with .encode() (notebook 01, 'Bytes and text')."
            ).format(error=error)
        )
