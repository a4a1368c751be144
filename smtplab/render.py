"""The text and HTML renderings of a transcript.

Both start from the same rows (:func:`rows`): one per line of the dialogue, the TLS band,
a note, or a folded message body. The text lays them out as RFC 5321's examples do
(``C:``/``S:``) with the annotations in a column; the HTML is a table that reads well
with JupyterLab's styles and without them (GitHub). The SVG picture is
:mod:`smtplab.diagram`.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from . import encoded_words
from .anatomy import ADDRESS_HEADERS
from .annotate import Entry, as_text, display, ends_ok, shorten, size
from .annotate import width as columns_of
from .data_encoding import split_lines
from .i18n import _, ngettext
from .notes import BODY_LINE_NOTE, HEADER_LINE_NOTE
from .printable import printable
from .secrecy import MASK, Secret
from .styles import TRANSCRIPT_STYLE

__all__: list[str] = []

HTML_BODY_CAP = 200
"""At most this many body lines go into the folded ``<details>`` of the HTML view."""

HEADER_CAP = 200
"""At most this many header lines are shown before they are folded too."""


def rows(
    entries: list[Entry],
    *,
    reveal: bool,
    body_lines: int | None,
    details: bool,
    scrub: Callable[[str], str] = str,
) -> list[_Row]:
    """The rows of every entry, in order: the common ground of the renderings. ``scrub``
    masks secrets in each row's text and note, before any layout shortens or escapes it."""
    found: list[_Row] = []
    for entry in entries:
        found.extend(_entry_rows(entry, reveal, body_lines, details))
    for row in found:
        for each in (row, *(row.body or ())):
            each.text, each.note = scrub(each.text), scrub(each.note)
    return found


@dataclass(slots=True)
class _Row:
    """One line of a rendering before layout."""

    kind: str  # "C", "S", "band", "note", "fold"
    text: str
    note: str = ""
    secret: bool = False
    time: float | None = None
    failure: bool = False
    loud: bool = False
    body: list[_Row] | None = None
    more: int = 0


def _wrap(note: str, width: int) -> list[str]:
    """Wrap an annotation: at '; ' first (in Chinese also after '；'), then at spaces; a
    Chinese piece still too wide is cut where its columns run out."""
    width = max(width, 16)
    lines: list[str] = []
    for part in re.split("(?<=;) |(?<=；)(?=.)", note):
        if lines and columns_of(lines[-1]) + 1 + columns_of(part) <= width:
            lines[-1] += " " + part
        elif columns_of(part) <= width:
            lines.append(part)
        else:
            # Keep "RFC 4954" and "· §4.1.1.2" in one piece (textwrap splits only at ASCII
            # whitespace, not at a no-break space).
            glued = re.sub(r"(RFC|·|§) ", "\\1\u00a0", part)
            wrapped = textwrap.wrap(
                glued, width, break_long_words=False, break_on_hyphens=False
            ) or [glued]
            for line in wrapped:  # a Chinese line is cut with its no-break spaces still in
                lines.extend(piece.replace("\u00a0", " ") for piece in _cut(line, width))
    return lines or [""]


def _cut(line: str, width: int) -> list[str]:
    """``line`` in pieces of at most ``width`` columns when it is wider and not ASCII
    (Chinese has no spaces to wrap at): cut at a space or next to a Chinese character,
    never inside "RFC 4616" nor before a closing mark; an ASCII line is left whole."""
    pieces: list[str] = []
    while not line.isascii() and columns_of(line) > width:
        used = cut = 0
        for i, char in enumerate(line):
            used += columns_of(char)
            if used > width:
                break
            after = line[i + 1 : i + 2]
            wide = columns_of(char) == 2 or columns_of(after) == 2
            if (char == " " or wide) and after not in _NO_LINE_START:
                cut = i + 1
        pieces.append(line[: cut or i].rstrip())
        line = line[cut or i :].lstrip()
    return [*pieces, line] if line else pieces


_NO_LINE_START = tuple("，。；：）、」")


def _iter_lines(raw: bytes, start: int, end: int) -> Iterator[tuple[bytes, bool]]:
    """Yield ``(line without its line end, bare_lf)`` for raw[start:end], slicing lines only."""
    pos = start
    while pos < end:
        newline = raw.find(b"\n", pos, end)
        if newline < 0:
            yield raw[pos:end], False
            return
        if newline > pos and raw[newline - 1] == 13:
            yield raw[pos : newline - 1], False
        else:
            yield raw[pos:newline], True
        pos = newline + 1


_ADDRESS_HEADERS = {name.lower() for name in ADDRESS_HEADERS}


def _header_note(line: bytes, text: str, bare_lf: bool, state: dict[str, bool]) -> str:
    notes: list[str] = []
    name, colon, value = text.partition(":")
    runs = encoded_words.runs(text)
    if runs:
        if colon and name.strip().lower() not in _ADDRESS_HEADERS:
            decoded = f'"{printable(encoded_words.decode(value).strip())}"'
        else:  # in an address header, only the display name is encoded
            decoded = ", ".join(f'"{printable(r)}"' for r in runs)
        if not state.get("taught"):
            state["taught"] = True
            notes.append(_("encoded word = {decoded} · RFC 2047").format(decoded=decoded))
        else:
            notes.append(f"= {decoded}")
    found = {"raw utf-8": not line.isascii(), "too long": len(line) > 998, "bare lf": bare_lf}
    notes.extend(HEADER_LINE_NOTE[key] for key, applies in found.items() if applies)
    return "; ".join(notes)


def _body_note(line: bytes, bare_lf: bool) -> str:
    found = {"stuffed": line.startswith(b".."), "bare lf": bare_lf, "too long": len(line) > 998}
    return "; ".join(BODY_LINE_NOTE[key] for key, applies in found.items() if applies)


def _message_rows(
    raw: bytes, entry: Entry, body_lines: int | None, details: bool
) -> Iterator[_Row]:
    when = entry.time
    ok = ends_ok(raw)
    end = len(raw) - 3 if ok else len(raw)
    if raw.startswith(b"\r\n"):
        header_end, body_start = 0, 2
    else:
        found = raw.find(b"\r\n\r\n", 0, end + 2)
        header_end, body_start = (found + 2, found + 4) if found >= 0 else (end, -1)
    state: dict[str, bool] = {}
    for shown, (line, bare) in enumerate(_iter_lines(raw, 0, header_end)):
        if shown == HEADER_CAP:  # each line shown ended with a LF: the rest have the others
            more = raw.count(b"\n", 0, header_end) - HEADER_CAP
            fold = _("… {count} more header lines (show_body() to expand) …").format(count=more)
            yield _Row("fold", fold, time=when)
            break
        text = display(line)
        yield _Row("C", text, _header_note(line, text, bare, state), time=when)
        when = None
    if body_start >= 0:
        yield _Row("C", "", _("empty line: headers end, body begins"), time=when)
        when = None
        count = raw.count(b"\n", body_start, end)
        if end > body_start and raw[end - 1 : end] != b"\n":
            count += 1
        lines = _iter_lines(raw, body_start, end)
        body_rows = (_Row("C", display(line), _body_note(line, bare)) for line, bare in lines)
        if body_lines is None or count <= body_lines:
            yield from body_rows
        else:
            stuffed = raw.count(b"\n..", body_start - 1, end)
            note = size(end - body_start)
            if stuffed:
                some = ngettext(
                    "{count} dot-stuffed line (§4.5.2)",
                    "{count} dot-stuffed lines (§4.5.2)",
                    stuffed,
                )
                note += "; " + some.format(count=stuffed)
            body = list(islice(body_rows, HTML_BODY_CAP)) if details else None
            text = ngettext(
                "… {count} body line (show_body() to expand) …",
                "… {count} body lines (show_body() to expand) …",
                count,
            ).format(count=count)
            yield _Row("fold", text, note, body=body, more=count - len(body or ()))
    if ok:
        yield _Row("C", ".", _("a line with one dot ends the message"), time=when)
    else:
        no_end = _("no final '.' line: the server is still waiting for the message")
        yield _Row("note", f"# {no_end}")


def _entry_rows(entry: Entry, reveal: bool, body_lines: int | None, details: bool) -> list[_Row]:
    raw = entry.raw
    if entry.direction == "TLS":
        loud = entry.tls_info is not None and not entry.tls_info.verified
        return [_Row("band", as_text(raw), entry.annotation, time=entry.time, loud=loud)]
    if entry.direction == "NOTE":
        return [_Row("note", "# " + as_text(raw), time=entry.time)]
    if entry.is_message and isinstance(raw, bytes):
        return list(_message_rows(raw, entry, body_lines, details))
    if isinstance(raw, Secret) and not (entry.masked and not reveal):
        if reveal:
            lines = [display(line) for line in split_lines(raw.reveal())] or [""]
            note = raw.note or entry.annotation
            return [
                _Row(entry.direction, line, note if i == 0 else "", secret=True, time=entry.time)
                for i, line in enumerate(lines)
            ]
        hidden = _("({kind} hidden; transcript.reveal() shows it)").format(kind=_(raw.kind))
        text = f"{entry.shown}{MASK} {hidden}"
        return [_Row(entry.direction, text, entry.annotation, secret=True, time=entry.time)]
    masked = isinstance(raw, Secret)  # a line that repeats a secret: its masked lines
    lines = list(entry.masked) if masked else [display(line) for line in split_lines(raw)]
    lines = lines or [""]
    failure = entry.reply is not None and entry.reply.klass in (4, 5)
    if len(lines) == 1:
        return [_Row(entry.direction, lines[0], entry.annotation, time=entry.time, failure=failure)]
    notes = list(entry.line_notes) + [""] * (len(lines) - len(entry.line_notes))
    rows = []
    for i, line in enumerate(lines):
        glyph = "┐" if i == 0 else ("┘" if i == len(lines) - 1 else "│")
        note = f"{glyph} {notes[i]}".rstrip()
        rows.append(
            _Row(entry.direction, line, note, time=entry.time if i == 0 else None, failure=failure)
        )
    return rows


def layout(rows: list[_Row], annotate: bool, width: int, times: bool, t0: float) -> str:
    """Lay rows out as text: the dialogue on the left, annotations in a column."""
    column = min(56, max(24, width // 2))
    out: list[str] = []
    for row in rows:
        stamp = ""
        if times:
            stamp = f"{(row.time - t0) * 1000:>9.1f} ms  " if row.time is not None else " " * 14
        if row.kind in ("band", "note"):
            pieces = textwrap.wrap(
                row.text, width, subsequent_indent="   ", break_on_hyphens=False
            ) or [row.text]
            out.append(stamp + pieces[0])
            out.extend(" " * len(stamp) + piece for piece in pieces[1:])
            continue
        left = f"C: {row.text}" if row.kind == "fold" else f"{row.kind}: {row.text}"
        left = left.expandtabs(4)
        note = row.note if annotate else ""
        if columns_of(left) > width and not row.secret:  # a revealed secret is shown whole
            left = shorten(left, width)
            if annotate:
                cut = _("shortened here: dialogue() has the whole line")
                note = f"{note}; {cut}".lstrip("; ")
        indent = " " * (len(stamp) + column)
        if not note:
            out.append(stamp + left.rstrip())
            continue
        # The note goes beside a short line, right after a long one if it fits, else below.
        fits = columns_of(left) <= column - 2
        if not fits and columns_of(left) + 3 + columns_of(note) <= width:
            out.append(f"{stamp}{left}   {note}")
            continue
        notes = _wrap(note, width - column)
        if fits:
            out.append(stamp + left + " " * (column - columns_of(left)) + notes[0])
        else:
            out.extend((stamp + left, indent + notes[0]))
        cont = {"┐": "│ ", "│": "│ ", "┘": "  "}.get(note[0], "")
        out.extend(indent + cont + line for line in notes[1:])
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML


def table(rows: list[_Row]) -> str:
    """The rows as an HTML table: readable with the styles, and without them (GitHub)."""
    esc = html.escape
    st = TRANSCRIPT_STYLE
    out = [
        '<div class="smtplab-transcript" '
        'style="max-width:100%;overflow-x:auto">',  # i18n: keep HTML
        f'<table style="{st["table"]}">',
    ]

    def line_row(row: _Row) -> str:
        kind = "C" if row.kind == "fold" else row.kind
        tone = st["fail"] if row.failure else st[kind]
        text = esc(f"{kind}: {row.text}")
        if row.secret:
            hidden = esc(_("hidden"), quote=True)
            text = f'<span style="{st["secret"]}" title="{hidden}">{text}</span>'  # i18n: keep HTML
        return (
            f'<tr class="smtplab-{kind.lower()}"><td style="{st["line"]};{tone}">{text}</td>'
            f'<td style="{st["note"]}">{esc(row.note)}</td></tr>'  # i18n: keep HTML
        )

    def wide_row(kind: str, style: str, cell: str) -> str:
        """A row of one cell across both columns (a ``kind`` of "" has no class)."""
        tr = f'<tr class="smtplab-{kind}">' if kind else "<tr>"  # i18n: keep HTML
        return f'{tr}<td colspan="2" style="{style}">{cell}</td></tr>'  # i18n: keep HTML

    for row in rows:
        if row.kind == "band":
            note = f"<br><small>{esc(row.note)}</small>" if row.note else ""
            out.append(
                wide_row("tls", st["loud"] if row.loud else st["band"], esc(row.text) + note)
            )
        elif row.kind == "note":
            out.append(wide_row("note", st["note_row"], esc(row.text)))
        elif row.kind == "fold" and row.body is not None:
            inner = [f'<table style="{st["table"]}">', *map(line_row, row.body)]
            if row.more:
                more = _("… and {count} more lines: transcript.show_body() shows them all")
                inner.append(wide_row("", st["note_row"], esc(more.format(count=row.more))))
            inner.append("</table>")
            summary = (
                f'<summary>{esc(f"C: {row.text}")} <span style="opacity:0.72">{esc(row.note)}'
                "</span></summary>"  # i18n: keep HTML
            )
            details = f"<details>{summary}{''.join(inner)}</details>"
            out.append(wide_row("body", f"{st['line']};{st['C']}", details))
        else:
            out.append(line_row(row))
    out.append("</table></div>")
    return "\n".join(out)
