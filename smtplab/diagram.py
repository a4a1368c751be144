"""A session drawn as a sequence diagram: client and server lanes, one arrow a line.

Plain SVG made with strings and :func:`html.escape`, nothing else, so it shows in a
notebook, on GitHub and in a browser. What the peer sent is shown through
:func:`~smtplab.printable.printable`, so the SVG stays well-formed XML whatever it
sent. Secrets are hidden as in every rendering; a multi-line reply is one arrow, the
message is one (thicker) arrow, and the part of the session inside TLS is shaded.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from .annotate import Entry, Memory, shorten, tls_version, width
from .i18n import _
from .printable import printable
from .styles import DIAGRAM_COLORS

__all__: list[str] = []  # drawn by Transcript.diagram()


@dataclass(frozen=True)
class Diagram:
    """A session drawn as a sequence diagram: ``.svg`` text, shown inline by notebooks."""

    svg: str
    arrows: int
    width: int
    height: int

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        # The same picture as an <img>: JupyterLab and Notebook 7 show no SVG output of
        # a notebook that was not run here (untrusted), but their sanitizer keeps an
        # <img> with a data: URL, and they draw a trusted SVG as such an <img> anyway.
        alt = html.escape(_title(self.arrows), quote=True)
        return (
            f'<img class="smtplab-diagram" src="{html.escape(data_url(self.svg))}" '
            f'width="{self.width}" height="{self.height}" alt="{alt}" '
            'style="max-width:100%;height:auto">'  # i18n: keep HTML
        )

    def save(self, path: str | Path) -> Path:
        """Write the SVG to ``path`` (UTF-8) and return the path."""
        target = Path(path)
        target.write_text(self.svg, encoding="utf-8")
        return target

    def __repr__(self) -> str:
        return f"<Diagram: {self.arrows} arrows, {self.width}×{self.height} px>"  # i18n: keep repr


_SVG_WIDTH = 760
_LANE_C = 96
_LANE_S = 664
_ROW = 26
_URL_ESCAPES = str.maketrans({"%": "%25", "#": "%23", "\t": "%09", "\n": "%0A", "\r": "%0D"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""What XML 1.0 forbids in a document, even written as a character reference."""


def data_url(svg: str) -> str:
    """The SVG as a ``data:`` URL, escaped only where a URL must be (``%``, ``#``,
    whitespace other than spaces), so its text stays readable in the notebook file."""
    return "data:image/svg+xml;charset=utf-8," + svg.translate(_URL_ESCAPES)


def _title(arrows: int) -> str:
    return _("SMTP session: {count} lines between client and server").format(count=arrows)


def _label(text: str, limit: int = 78) -> str:
    return html.escape(shorten(text, limit))


def draw(entries: list[Entry], memory: Memory) -> Diagram:
    """Draw entries as an SVG sequence diagram (strings and html.escape, nothing else)."""
    c = DIAGRAM_COLORS
    body: list[str] = []
    y = 70
    arrows = 0
    tls_start: int | None = None
    tls_label = ""
    tls_loud = False
    server = ""  # the name in the server's greeting
    for entry in entries:
        if entry.direction == "TLS":
            tls_start = y - 8
            info = entry.tls_info
            tls_loud = info is not None and not info.verified
            if info is not None:
                verified = info.verified
                check = _("certificate verified") if verified else _("certificate NOT verified")
                tls_label = memory.scrub(printable(f"{tls_version(info.version)} · {check}"))
            else:
                tls_label = "TLS"
            y += 34
            continue
        if entry.direction == "NOTE":
            label = _label(entry.summary(90, memory.scrub), 90)
            body.append(
                f'<text x="{_SVG_WIDTH // 2}" y="{y - 6}" text-anchor="middle" font-size="11" '
                f'font-style="italic" fill="{c["muted"]}">{label}</text>'  # i18n: keep SVG
            )
            y += 22
            continue
        arrows += 1
        failure = entry.reply is not None and entry.reply.klass in (4, 5)
        color = c["fail"] if failure else c[entry.direction]
        label = entry.summary(78, memory.scrub)
        if entry.direction == "S" and not server and entry.phase == "greeting":
            words = (entry.reply.lines[0] if entry.reply and entry.reply.lines else "").split()
            server = printable(words[0]) if words else ""
        x1, head = (_LANE_C, _LANE_S) if entry.direction == "C" else (_LANE_S, _LANE_C)
        x2 = head - 9 if entry.direction == "C" else head + 9  # the line ends where the tip starts
        points = f"{head},{y} {x2},{y - 4.5} {x2},{y + 4.5}"
        weight = "2.5" if entry.is_message else "1.4"
        kind = "client" if entry.direction == "C" else "server"
        body.append(
            f'<g class="arrow {kind}"><title>{html.escape(label)}</title>'
            f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{color}" '
            f'stroke-width="{weight}"/><polygon points="{points}" fill="{color}"/>'
            f'<text x="{(_LANE_C + _LANE_S) // 2}" y="{y - 5}" text-anchor="middle" '
            f'fill="{color}">{_label(label)}</text></g>'  # i18n: keep SVG
        )
        y += _ROW
    height = y + 14
    shade = ""
    if tls_start is not None:
        color = c["fail"] if tls_loud else c["tls"]
        shade = (
            f'<rect class="tls" x="14" y="{tls_start}" width="{_SVG_WIDTH - 28}" '
            f'height="{height - tls_start - 8}" rx="6" fill="{color}" fill-opacity="0.08" '
            f'stroke="{color}" stroke-opacity="0.6" stroke-dasharray="5 3"/>'
            f'<text x="{_LANE_C + 8}" y="{tls_start + 14}" font-size="11" font-weight="bold" '
            f'fill="{color}">{html.escape(tls_label)}</text>'  # i18n: keep SVG
        )
    lanes = []
    server = f"{_('server')} · {server}" if server else _("server")
    for x, name, color in ((_LANE_C, _("client"), c["C"]), (_LANE_S, server, c["S"])):
        name = shorten(memory.scrub(name), 40)
        box = max(90, 8 * width(name) + 16)
        middle = min(x, _SVG_WIDTH - 8 - box // 2)
        lanes.append(
            f'<rect x="{middle - box // 2}" y="12" width="{box}" height="26" rx="5" '
            f'fill="#ffffff" stroke="{color}"/>'
            f'<text x="{middle}" y="30" text-anchor="middle" font-weight="bold" '
            f'fill="{color}">{html.escape(name)}</text>'
            f'<line x1="{x}" y1="38" x2="{x}" y2="{height - 8}" stroke="{c["muted"]}" '
            f'stroke-dasharray="3 3"/>'  # i18n: keep SVG
        )
    title = memory.scrub(_title(arrows))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SVG_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_SVG_WIDTH} {height}" font-family="Menlo, Consolas, monospace" '
        f'font-size="11.5" role="img">'
        f"<title>{title}</title>"
        f'<rect width="{_SVG_WIDTH}" height="{height}" rx="8" fill="#fbfbfc"/>'
        f"{shade}{''.join(lanes)}{''.join(body)}</svg>"  # i18n: keep SVG
    )
    svg = _NOT_XML.sub(lambda found: printable(found[0]), svg)  # a net: none should be left
    return Diagram(svg, arrows, _SVG_WIDTH, height)
