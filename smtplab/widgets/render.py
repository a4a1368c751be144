"""HTML for the widgets, made by plain functions (no ipywidgets here).

Every piece of text that came from outside (a header, a body, a server's reply) is
escaped: the inbox may hold mail from anyone who can reach the lab's port, and an HTML
body is shown as its source, never rendered.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import replace
from email.message import EmailMessage, Message
from typing import TYPE_CHECKING

from ..data_encoding import RAW_UTF8_HEADERS, header_section
from ..i18n import N_, _, made_from
from ..message import anatomy
from ..printable import printable
from ..replies import explain

if TYPE_CHECKING:
    from ..lab import LabSession, ReceivedMessage
    from .stepping import Choice, Step

__all__: list[str] = []  # the widgets' own HTML: nothing here for a learner to call

RAW_LIMIT = 200_000
"""At most this many characters of a raw message (of a body, of a session log) are shown."""

HEADER_ROWS = 300
"""At most this many header fields are shown (and about :data:`RAW_LIMIT` characters)."""

MIME_PARTS = 500
"""A multipart message with more MIME delimiter lines than this is not taken apart by the
inbox: Python's parser takes about 0.3 ms a part (a 10 MiB message of 120,000 tiny parts,
which anyone may send the lab, about a minute, twice). Its headers are, and its raw source
is shown."""

RED = "#c01c28"
GREEN = "#26a269"
_MONO = "font-family:var(--jp-code-font-family,monospace);font-size:12px"
_PRE = f"margin:0;white-space:pre-wrap;word-break:break-all;{_MONO};background:none;color:inherit"
# i18n: the CSS and markup literals of this module are kept ("# i18n: keep css").
_CELL = "padding:2px 8px;text-align:left;vertical-align:top;border:0"  # i18n: keep css
_CHIP = (
    "display:inline-block;padding:1px 8px;margin:0 4px 0 0;"  # i18n: keep css
    "border-radius:10px;font-size:12px"
)
_DONE = f"{_CHIP};background:rgba(38,162,105,.18);border:1px solid {GREEN}"  # i18n: keep css
_CURRENT = (
    f"{_CHIP};background:rgba(9,105,218,.22);"  # i18n: keep css
    "border:1px solid #0969da;font-weight:bold"
)
_FAILED = (
    f"{_CHIP};background:rgba(192,28,40,.2);"  # i18n: keep css
    f"border:1px solid {RED};font-weight:bold"
)
_SKIPPED = (
    f"{_CHIP};opacity:.45;border:1px dashed #888;text-decoration:line-through"  # i18n: keep css
)
_CHIPS = {  # state: (style, mark)
    "done": (_DONE, "✓ "),
    "current": (_CURRENT, "… "),
    "failed": (_FAILED, "✗ "),
    "skipped": (_SKIPPED, ""),
    "pending": (f"{_CHIP};opacity:.6;border:1px solid #888", ""),  # i18n: keep css
}


# The Stepper's small text, readable (WCAG 4.5:1) in JupyterLab's light and dark themes:
# the theme's secondary text colour rather than an opacity, and each hue mixed with the
# theme's text colour (darker on light, lighter on dark) rather than fixed.
_QUIET = "color:var(--jp-content-font-color2,#555)"
STEPPER_CSS = (
    "<style>.smtplab-stepper .jupyter-widgets.jupyter-button:disabled"  # i18n: keep css
    "{opacity:1;"
    "background:transparent;color:var(--jp-content-font-color2,#555);"
    "border:1px dashed var(--jp-border-color1,#999)}"
    ".smtplab-stepper .jupyter-button.mod-success{background:"
    "color-mix(in srgb,var(--jp-success-color1,#388e3c) 70%,var(--jp-ui-font-color0,#000))}"
    ".smtplab-stepper .jupyter-button.mod-info{background:"
    "color-mix(in srgb,var(--jp-info-color1,#0288d1) 70%,var(--jp-ui-font-color0,#000))}</style>"
)
"""Greyed-out command buttons: a dashed outline instead of a faded (unreadable) label;
the white labels of the others on darker green and blue than ipywidgets' own."""


def _readable(colour: str) -> str:
    mix = f"color-mix(in srgb,{colour} 62%,var(--jp-content-font-color1,#000))"  # i18n: keep css
    return f"color:{mix}"


class PlainFallback:
    """A widget's text when no widget can be drawn (a notebook as opened, before it runs;
    a console): a short line, not ipywidgets' repr of every child widget."""

    def __repr__(self) -> str:
        return _("{name} (interactive: run the notebook to use it)").format(
            name=type(self).__name__
        )


def esc(text: object) -> str:
    """HTML-escape any value's text, each character that would act instead of showing
    (ESC, bidi controls: anyone may send the lab a message) made visible by
    :func:`~smtplab.printable.printable` (lines kept, CR LF as a line end; stand-ins
    already made kept)."""
    lines = str(text).replace("\r\n", "\n")
    return html.escape(printable(lines, newlines=True, keep_stand_ins=True), quote=True)


def pre(text: str) -> str:
    """Text in a ``<pre>`` that wraps long lines."""
    return f'<pre style="{_PRE}">{esc(text)}</pre>'  # i18n: keep css


# --------------------------------------------------------------------------- composer


def field_error_html(text: str) -> str:
    """A problem shown beside a field (empty text: nothing)."""
    if not text:
        return ""
    style = f"color:{RED};font-size:12px"
    return (
        f'<span class="smtplab-field-error" style="{style}">⚠ {esc(text)}</span>'  # i18n: keep css
    )


def progress_html(
    steps: Sequence[str], seen: Sequence[str], *, finished: bool = False, failed: bool = False
) -> str:
    """The steps of a send as chips: done, current, failed, skipped or still pending.

    ``seen`` lists the steps reached so far, in order; the last one is current (or failed
    when ``failed``). After the end, steps never reached were skipped (plain TLS, no AUTH)
    when the send succeeded, and are left pending when it failed.
    """
    chips = []
    last = seen[-1] if seen else None
    for step in steps:
        if step == last and (failed or not finished):
            state = "failed" if failed else "current"
        elif step in seen:
            state = "done"
        else:
            state = "skipped" if finished and not failed else "pending"
        style, mark = _CHIPS[state]
        chips.append(
            f'<span class="smtplab-step smtplab-step-{state}" '  # i18n: keep css
            f'data-step="{esc(step)}" '
            f'style="{style}">{mark}{esc(_(step))}</span>'
        )
    return f'<div class="smtplab-progress">{"".join(chips)}</div>'  # i18n: keep css


def sending_html(note: str = "") -> str:
    """The result line under the Send button before a send ends (a note while it runs)."""
    if not note:
        return '<div class="smtplab-result"></div>'  # i18n: keep css
    return f'<div class="smtplab-result smtplab-sending">{esc(note)}</div>'  # i18n: keep css


# --------------------------------------------------------------------------- inbox

INBOX_TABS: tuple[str, ...] = (
    N_("Envelope"),
    N_("Headers"),
    N_("Body"),
    N_("MIME tree"),
    N_("Raw source"),
    N_("Session log"),
)
"""The tabs of the InboxView, in order: the keys of :func:`inbox_panes` (English; their
titles are ``_()`` of them)."""


def inbox_label(index: int, message: ReceivedMessage) -> str:
    """One line for the inbox list: number, time, sender, recipients, subject."""
    when = message.received_at.astimezone().strftime("%H:%M:%S")
    rcpts = ", ".join(message.rcpt_tos)
    if len(rcpts) > 40:
        rcpts = rcpts[:39] + "…"
    subject = message.subject or "(no subject)"
    label = f"{index + 1}. {when}  {message.mail_from or '<>'} → {rcpts}  · {subject}"
    return printable(label)  # a text, not HTML: what a sender chose shows without acting


def inbox_panes(message: ReceivedMessage, session: LabSession | None) -> dict[str, str]:
    """The HTML of every tab of :data:`INBOX_TABS` for one received message; ``session``
    is the lab's log of the session that brought it (None when no longer kept)."""
    data, envelope_of = message.data, {"mail_from": message.mail_from, "rcpt_tos": message.rcpt_tos}
    head = header_section(data)[0]
    delimiters = data.count(b"\n--") if b"multipart/" in head.lower() else 0
    whole = delimiters <= MIME_PARTS
    if whole:
        found = anatomy(data, **envelope_of)
    else:  # the headers only: no parts, and no parser's defects of a body it did not read
        found = anatomy(head + b"\r\n", **envelope_of)
        found = replace(found, size=len(data), eight_bit=not data.isascii(), defects=())
    code = f'style="{_MONO}"'
    hidden = found.hidden_recipients
    envelope = {
        "MAIL FROM": f"<code {code}>&lt;{esc(message.mail_from)}&gt;</code>",  # i18n: keep css
        "RCPT TO": "<br>".join(
            f"<code {code}>&lt;{esc(r)}&gt;</code>"  # i18n: keep css
            for r in message.rcpt_tos
        ),
        _("not in To/Cc (Bcc)"): esc(", ".join(hidden)) if hidden else _("none"),
        _("MAIL parameters"): esc(" ".join(message.mail_options)) or _("none"),
        _("size"): _("{size} bytes").format(size=f"{message.size:,}"),
        _("queue id"): f"<code {code}>{esc(message.queue_id)}</code>",
        _("received"): esc(message.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")),
        _("from peer"): esc(f"{message.peer[0]}:{message.peer[1]}" if message.peer else "?"),
        "TLS": _("yes") if message.tls else _("no"),
        _("logged in as"): esc(message.auth_user) if message.auth_user else _("nobody (no AUTH)"),
        _("session"): esc(message.session_id),
    }
    titles = (_("header"), _("as sent"), _("decoded (RFC 2047)"))
    headers = [[_cell("th", head) for head in titles]]
    shown = 0
    for number, h in enumerate(found.headers):
        if shown > RAW_LIMIT or number == HEADER_ROWS:  # anyone may send 100,000 headers
            rest = sum(len(h.raw) for h in found.headers[number:])
            more = _("{count} more characters not shown").format(count=f"{rest:,}")
            headers.append([_cell("td", f"<i>… {esc(more)}</i>")])
            break
        shown += len(h.raw)
        as_sent = pre(_at_most(h.raw.replace("\r\n", "\n")))
        decoded = esc(_at_most(h.decoded)) if h.is_encoded else ""
        headers.append([_cell("td", v) for v in (f"<b>{esc(h.name)}</b>", as_sent, decoded)])
    said = [n for n in found.notes() if not (message.smtputf8 and made_from(n, RAW_UTF8_HEADERS))]
    notes = "".join(f"<li>{esc(note)}</li>" for note in said)
    top = _("message")
    tree = "\n".join(f"{'    ' * p.depth}{p.path or top}: {p.describe()}" for p in found.parts)
    raw = message.data.decode("utf-8", "replace").replace("\r\n", "\n")
    gone = _(
        "The lab no longer keeps session {session} (it keeps the latest "
        "sessions only, or they were cleared)."
    ).format(session=esc(message.session_id))
    envelope_note = _(
        "The envelope is what the server delivers by (MAIL FROM, RCPT TO). "
        "The headers are only what people read: nothing forces them to agree."
    )
    size = _("{size} bytes in all").format(size=f"{found.size:,}")
    return {
        "Envelope": _table([_cell("th", esc(k)), _cell("td", v)] for k, v in envelope.items())
        + f"<p><small>{envelope_note}</small></p>",
        "Headers": _table(headers) + (f"<ul>{notes}</ul>" if notes else ""),
        "Body": _body_html(message.message) if whole else _too_many_parts(delimiters),
        "MIME tree": (pre(_at_most(tree)) if whole else _too_many_parts(delimiters))
        + f"<p><small>{size}</small></p>",
        "Raw source": pre(_at_most(raw)),
        "Session log": pre(_at_most(str(session))) if session is not None else f"<i>{gone}</i>",
    }


def _too_many_parts(delimiters: int) -> str:
    """What the Body and MIME tree tabs say of a message of too many parts to take apart."""
    text = _(
        "{count} MIME delimiter lines: more parts than the inbox takes apart (at most "
        "{limit}). The Raw source tab shows the message."
    ).format(count=f"{delimiters:,}", limit=f"{MIME_PARTS:,}")
    return f"<i>{esc(text)}</i>"


def _at_most(text: str) -> str:
    """``text`` cut at :data:`RAW_LIMIT` characters, saying how many more there were (a
    tab of the inbox must stay small, whatever size of message someone sent the lab)."""
    if len(text) <= RAW_LIMIT:
        return text
    more = _("{count} more characters not shown").format(count=f"{len(text) - RAW_LIMIT:,}")
    return text[:RAW_LIMIT] + "\n… " + more


def _cell(tag: str, value: str) -> str:
    return f'<{tag} style="{_CELL}">{value}</{tag}>'  # i18n: keep css


def _table(rows: Iterable[Sequence[str]]) -> str:
    """A borderless table of rows of cells (each cell already HTML)."""
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    return f'<table style="border-collapse:collapse">{body}</table>'  # i18n: keep css


def _body_html(message: EmailMessage | Message) -> str:
    """The decoded body: the text part, the HTML part as source, the attachments."""
    if not isinstance(message, EmailMessage):
        return pre(_at_most(str(message.get_payload())))
    out = []
    text = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    if text is not None:
        out.append("<b>text/plain</b>" + pre(_at_most(_content(text))))
    if rich is not None:
        source = _("(its source; not rendered here)")
        out.append(f"<b>text/html</b> {source}" + pre(_at_most(_content(rich))))
    if text is None and rich is None:
        out.append("<i>" + _("no text body") + "</i>")
    unnamed = _("(no name)")
    items: list[str] = []
    shown = 0
    attachments = list(message.iter_attachments())
    for number, part in enumerate(attachments):
        if shown > RAW_LIMIT:  # long names: cut as the headers are
            more = _("{count} more attachments not shown").format(count=len(attachments) - number)
            items.append(f"<li><i>… {esc(more)}</i></li>")
            break
        size = _("{size} bytes").format(size=f"{len(part.get_payload(decode=True) or b''):,}")
        name = esc(_at_most(part.get_filename() or unnamed))
        kind = esc(part.get_content_type())
        items.append(f"<li><code>{name}</code> {kind}, {size}</li>")  # i18n: keep css
        shown += len(items[-1])
    files = "".join(items)
    if files:
        out.append("<b>" + _("attachments") + f"</b><ul>{files}</ul>")
    return "".join(out)


def _content(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, ValueError, KeyError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


# --------------------------------------------------------------------------- stepper


def choices_html(choices: Sequence[Choice]) -> str:
    """Why each greyed-out command is not legal now (the state machine's reason)."""
    rows = "".join(
        f'<li><code style="{_MONO}">{esc(c.label)}</code>: '  # i18n: keep css
        f"{esc(c.reason)}</li>"
        for c in choices
        if not c.legal
    )
    if not rows:
        return ""
    why = _("why some buttons are greyed out")
    return (
        f'<details class="smtplab-why-not"><summary><small>{why}'  # i18n: keep css
        f"</small></summary><ul style='margin:0'>{rows}</ul></details>"
    )


def steps_html(steps: Sequence[Step], *, first: int = 1) -> str:
    """Steps, numbered from ``first``: what was sent, and the reply under it, explained."""
    blocks = []
    for number, step in enumerate(steps, start=first):
        lines = []
        for entry in step.entries:
            if entry.direction == "NOTE":
                said = esc(entry.summary(100))
                lines.append(f'<div style="{_QUIET}"><i>{said}</i></div>')  # i18n: keep css
                continue
            colour = {"C": "#0969da", "S": "#8250df", "TLS": GREEN}.get(entry.direction)
            prefix = f"{entry.direction}: " if entry.direction in ("C", "S") else ""
            note = f' <small style="{_QUIET}">{esc(entry.annotation)}</small>'  # i18n: keep css
            text = esc(prefix + entry.summary(100))
            tone = _readable(colour) if colour else "color:inherit"
            lines.append(f'<div style="{_MONO};{tone}">{text}{note}</div>')  # i18n: keep css
            if entry.reply is not None:
                lines.append(
                    f'<div style="{_QUIET};margin-left:2em">'  # i18n: keep css
                    f"{esc(explain(entry.reply))}</div>"
                )
        if step.error:
            lines.append(f'<div style="{_readable(RED)}">{pre(step.error)}</div>')  # i18n: keep css
        blocks.append(
            '<div class="smtplab-stepper-step" '  # i18n: keep css
            'style="border-left:3px solid #999;'
            f'padding:2px 8px;margin:4px 0"><b>{number}. {esc(step.label)}</b>'
            f"{''.join(lines)}</div>"
        )
    return "".join(blocks) if blocks else "<i>" + _("Connect to start.") + "</i>"
