"""Notebook 01's picture of framing: :func:`show_bytes` draws the bytes of each ``recv()``
result as boxes, CR and LF marked, so a learner sees that line ends and ``recv()``
boundaries do not line up (``smtplab.course.nb01`` is its public path)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..i18n import _
from . import nb01_texts as texts
from .reading import escape_bytes

__all__: list[str] = []  # public as smtplab.course.nb01.show_bytes

_TINTS = (
    "rgba(80, 140, 255, 0.22)",
    "rgba(80, 200, 120, 0.25)",
    "rgba(255, 170, 0, 0.25)",
    "rgba(200, 100, 255, 0.22)",
)
_LINE_END_TINT = "rgba(230, 80, 60, 0.35)"
DRAWN_LIMIT = 4096
"""The bytes a picture draws (a box each), all chunks together: a whole message by
mistake would otherwise be megabytes of HTML in the notebook."""


@dataclass(frozen=True)
class BytesPicture:
    """What :func:`show_bytes` returns: text for ``print``, boxes in a notebook."""

    chunks: tuple[bytes, ...]
    labels: tuple[str, ...]

    def __repr__(self) -> str:
        rows = []
        for label, chunk, drawn in zip(self.labels, self.chunks, self._drawn(), strict=True):
            data = escape_bytes(drawn) + ("..." if len(drawn) < len(chunk) else "")
            rows.append(_(texts.CHUNK_ROW).format(label=label, count=len(chunk), data=data))
        lines = sum(chunk.count(b"\n") for chunk in self.chunks)
        rows.append(_(texts.LINE_END_RECV).format(lines=lines, count=len(self.chunks)))
        rows.extend(self._not_drawn())
        return "\n".join(rows)

    def _drawn(self) -> list[bytes]:
        """Each chunk's bytes that are drawn: the first :data:`DRAWN_LIMIT` of them all."""
        drawn, room = [], DRAWN_LIMIT
        for chunk in self.chunks:
            drawn.append(chunk[:room])
            room -= len(drawn[-1])
        return drawn

    def _not_drawn(self) -> list[str]:
        """The line that says how many bytes were left out (none when all are drawn)."""
        left = sum(map(len, self.chunks)) - DRAWN_LIMIT
        return [_(texts.NOT_DRAWN).format(count=left, limit=DRAWN_LIMIT)] if left > 0 else []

    def _box(self, byte: int, tint: str) -> str:
        style = (
            "display:inline-block;min-width:1.15em;padding:1px 2px;margin:1px;"  # i18n: keep CSS
            "text-align:center;border-radius:3px;font:12px monospace;"
            f"background:{tint};color:inherit"
        )
        if byte in (13, 10):
            name = "CR" if byte == 13 else "LF"
            style += (
                f";box-shadow:inset 0 0 0 2px {_LINE_END_TINT};font-weight:bold"  # i18n: keep CSS
            )
            title = _(texts.BOX_LINE_END_TITLE).format(
                name=name, byte=byte, escaped="\\r" if byte == 13 else "\\n"
            )
            return f'<span style="{style}" title="{escape(title)}">{name}</span>'  # i18n: keep HTML
        if byte == 32:
            title = _("space = byte 32")
            return (
                f'<span style="{style};opacity:0.7" '  # i18n: keep HTML
                f'title="{escape(title)}">&#9251;</span>'
            )
        text = chr(byte) if 32 < byte < 127 else f"{byte:02x}"
        title = _("byte {byte}").format(byte=byte)
        return (
            f'<span style="{style}" title="{escape(title)}">'  # i18n: keep HTML
            f"{escape(text)}</span>"
        )

    def _repr_html_(self) -> str:
        rows: list[list[str]] = [[]]
        for index, chunk in enumerate(self._drawn()):
            tint = _TINTS[index % len(_TINTS)]
            for byte in chunk:
                rows[-1].append(self._box(byte, tint))
                if byte == 10:
                    rows.append([])
        if not rows[-1] and len(rows) > 1:
            rows.pop()
        row_style = "display:flex;flex-wrap:wrap;align-items:center;margin:1px 0"  # i18n: keep CSS
        row_html = '<div style="{style}">{boxes}</div>'  # i18n: keep HTML
        body = "".join(row_html.format(style=row_style, boxes="".join(row)) for row in rows)
        body += "".join(f"<div>{escape(line)}</div>" for line in self._not_drawn())
        legend = []
        for index, (label, chunk) in enumerate(zip(self.labels, self.chunks, strict=True)):
            tint = _TINTS[index % len(_TINTS)]
            legend.append(
                f'<span style="background:{tint};padding:1px 6px;border-radius:3px;'
                f'margin-right:8px">{escape(label)}: '  # i18n: keep HTML
                + escape(_("{count} bytes").format(count=len(chunk)))
                + "</span>"
            )
        legend.append(
            f'<span style="box-shadow:inset 0 0 0 2px {_LINE_END_TINT};padding:1px 6px;'
            'border-radius:3px">' + escape(_(texts.CR_LF_END)) + "</span>"  # i18n: keep HTML
        )
        return (
            '<div style="color:inherit">'
            f'<div style="margin-bottom:4px;font-size:12px">{"".join(legend)}</div>'
            f"{body}</div>"  # i18n: keep HTML
        )


def show_bytes(*chunks: bytes, labels: tuple[str, ...] | list[str] | None = None) -> BytesPicture:
    """Draw bytes as boxes: one colour per chunk (per ``recv()`` result), CR and LF
    outlined, a new row after each LF. ``print()`` it for a text version."""
    if not chunks:
        raise ValueError(_("show_bytes() needs at least one bytes value, e.g. show_bytes(data)."))
    for chunk in chunks:
        if not isinstance(chunk, (bytes, bytearray)):
            raise TypeError(_(texts.SHOW_BYTES_DRAWS).format(kind=type(chunk).__name__))
    if labels is None:
        labels = tuple(f"recv() #{i}" for i in range(1, len(chunks) + 1))
    if len(labels) != len(chunks):
        raise ValueError(_(texts.LABELS_MISMATCH).format(chunks=len(chunks), labels=len(labels)))
    return BytesPicture(tuple(bytes(c) for c in chunks), tuple(labels))
