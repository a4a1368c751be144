"""HTML for the widgets, made by plain functions (no ipywidgets here).

Every piece of text that came from outside (a header, a body, a server's reply) is
escaped: the inbox may hold mail from anyone who can reach the lab's port, and an HTML
body is shown as its source, never rendered.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from email.message import EmailMessage, Message
from typing import TYPE_CHECKING

from ..message import anatomy
from ..replies import explain

if TYPE_CHECKING:
    from ..lab import LabSession, ReceivedMessage
    from .stepping import Choice, Step

__all__: list[str] = []  # the widgets' own HTML: nothing here for a learner to call

RAW_LIMIT = 200_000
"""At most this many characters of a raw message are shown."""

RED = "#c01c28"
GREEN = "#26a269"
_MONO = "font-family:var(--jp-code-font-family,monospace);font-size:12px"
_PRE = f"margin:0;white-space:pre-wrap;word-break:break-all;{_MONO};background:none;color:inherit"
_CELL = "padding:2px 8px;text-align:left;vertical-align:top;border:0"
_CHIP = "display:inline-block;padding:1px 8px;margin:0 4px 0 0;border-radius:10px;font-size:12px"
_CHIPS = {  # state: (style, mark)
    "done": (f"{_CHIP};background:rgba(38,162,105,.18);border:1px solid {GREEN}", "✓ "),
    "current": (
        f"{_CHIP};background:rgba(9,105,218,.22);border:1px solid #0969da;font-weight:bold",
        "… ",
    ),
    "failed": (
        f"{_CHIP};background:rgba(192,28,40,.2);border:1px solid {RED};font-weight:bold",
        "✗ ",
    ),
    "skipped": (f"{_CHIP};opacity:.45;border:1px dashed #888;text-decoration:line-through", ""),
    "pending": (f"{_CHIP};opacity:.6;border:1px solid #888", ""),
}


# The Stepper's small text, readable (WCAG 4.5:1) in JupyterLab's light and dark themes:
# the theme's secondary text colour rather than an opacity, and each hue mixed with the
# theme's text colour (darker on light, lighter on dark) rather than fixed.
_QUIET = "color:var(--jp-content-font-color2,#555)"
STEPPER_CSS = (
    "<style>.smtplab-stepper .jupyter-widgets.jupyter-button:disabled{opacity:1;"
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
    return f"color:color-mix(in srgb,{colour} 62%,var(--jp-content-font-color1,#000))"


class PlainFallback:
    """A widget's text when no widget can be drawn (a notebook as opened, before it runs;
    a console): a short line, not ipywidgets' repr of every child widget."""

    def __repr__(self) -> str:
        return f"{type(self).__name__} (interactive: run the notebook to use it)"


def esc(text: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(text), quote=True)


def pre(text: str) -> str:
    """Text in a ``<pre>`` that wraps long lines."""
    return f'<pre style="{_PRE}">{esc(text)}</pre>'


# --------------------------------------------------------------------------- composer


def field_error_html(text: str) -> str:
    """A problem shown beside a field (empty text: nothing)."""
    if not text:
        return ""
    return (
        f'<span class="smtplab-field-error" style="color:{RED};font-size:12px">⚠ {esc(text)}</span>'
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
            f'<span class="smtplab-step smtplab-step-{state}" data-step="{esc(step)}" '
            f'style="{style}">{mark}{esc(step)}</span>'
        )
    return f'<div class="smtplab-progress">{"".join(chips)}</div>'


def sending_html(note: str = "") -> str:
    """The result line under the Send button before a send ends (a note while it runs)."""
    if not note:
        return '<div class="smtplab-result"></div>'
    return f'<div class="smtplab-result smtplab-sending">{esc(note)}</div>'


# --------------------------------------------------------------------------- inbox

INBOX_TABS: tuple[str, ...] = (
    "Envelope",
    "Headers",
    "Body",
    "MIME tree",
    "Raw source",
    "Session log",
)
"""The tabs of the InboxView, in order: the keys of :func:`inbox_panes`."""


def inbox_label(index: int, message: ReceivedMessage) -> str:
    """One line for the inbox list: number, time, sender, recipients, subject."""
    when = message.received_at.astimezone().strftime("%H:%M:%S")
    rcpts = ", ".join(message.rcpt_tos)
    if len(rcpts) > 40:
        rcpts = rcpts[:39] + "…"
    subject = message.subject or "(no subject)"
    return f"{index + 1}. {when}  {message.mail_from or '<>'} → {rcpts}  · {subject}"


def inbox_panes(message: ReceivedMessage, session: LabSession | None) -> dict[str, str]:
    """The HTML of every tab of :data:`INBOX_TABS` for one received message; ``session``
    is the lab's log of the session that brought it (None when no longer kept)."""
    found = anatomy(message.data, mail_from=message.mail_from, rcpt_tos=message.rcpt_tos)
    code = f'style="{_MONO}"'
    hidden = found.hidden_recipients
    envelope = {
        "MAIL FROM": f"<code {code}>&lt;{esc(message.mail_from)}&gt;</code>",
        "RCPT TO": "<br>".join(f"<code {code}>&lt;{esc(r)}&gt;</code>" for r in message.rcpt_tos),
        "not in To/Cc (Bcc)": esc(", ".join(hidden)) if hidden else "none",
        "MAIL parameters": esc(" ".join(message.mail_options)) or "none",
        "size": f"{message.size:,} bytes",
        "queue id": f"<code {code}>{esc(message.queue_id)}</code>",
        "received": esc(message.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")),
        "from peer": esc(f"{message.peer[0]}:{message.peer[1]}" if message.peer else "?"),
        "TLS": "yes" if message.tls else "no",
        "logged in as": esc(message.auth_user) if message.auth_user else "nobody (no AUTH)",
        "session": esc(message.session_id),
    }
    headers = [[_cell("th", head) for head in ("header", "as sent", "decoded (RFC 2047)")]]
    for h in found.headers:
        as_sent = pre(h.raw.replace("\r\n", "\n"))
        decoded = esc(h.decoded) if h.is_encoded else ""
        headers.append([_cell("td", v) for v in (f"<b>{esc(h.name)}</b>", as_sent, decoded)])
    said = [n for n in found.notes() if not (message.smtputf8 and n.startswith("Raw UTF-8"))]
    notes = "".join(f"<li>{esc(note)}</li>" for note in said)
    tree = "\n".join(
        f"{'    ' * p.depth}{p.path or 'message'}: {p.describe()}" for p in found.parts
    )
    raw = message.data.decode("utf-8", "replace").replace("\r\n", "\n")
    if len(raw) > RAW_LIMIT:
        raw = raw[:RAW_LIMIT] + f"\n… {len(raw) - RAW_LIMIT:,} more characters not shown"
    gone = (
        f"<i>The lab no longer keeps session {esc(message.session_id)} (it keeps the latest "
        "sessions only, or they were cleared).</i>"
    )
    return {
        "Envelope": _table([_cell("th", esc(k)), _cell("td", v)] for k, v in envelope.items())
        + "<p><small>The envelope is what the server delivers by (MAIL FROM, RCPT TO). "
        "The headers are only what people read: nothing forces them to agree.</small></p>",
        "Headers": _table(headers) + (f"<ul>{notes}</ul>" if notes else ""),
        "Body": _body_html(message.message),
        "MIME tree": pre(tree) + f"<p><small>{found.size:,} bytes in all</small></p>",
        "Raw source": pre(raw),
        "Session log": pre(str(session)) if session is not None else gone,
    }


def _cell(tag: str, value: str) -> str:
    return f'<{tag} style="{_CELL}">{value}</{tag}>'


def _table(rows: Iterable[Sequence[str]]) -> str:
    """A borderless table of rows of cells (each cell already HTML)."""
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    return f'<table style="border-collapse:collapse">{body}</table>'


def _body_html(message: EmailMessage | Message) -> str:
    """The decoded body: the text part, the HTML part as source, the attachments."""
    if not isinstance(message, EmailMessage):
        return pre(str(message.get_payload()))
    out = []
    text = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    if text is not None:
        out.append("<b>text/plain</b>" + pre(_content(text)))
    if rich is not None:
        out.append("<b>text/html</b> (its source; not rendered here)" + pre(_content(rich)))
    if text is None and rich is None:
        out.append("<i>no text body</i>")
    files = "".join(
        f"<li><code>{esc(part.get_filename() or '(no name)')}</code> "
        f"{esc(part.get_content_type())}, {len(part.get_payload(decode=True) or b''):,} bytes</li>"
        for part in message.iter_attachments()
    )
    if files:
        out.append(f"<b>attachments</b><ul>{files}</ul>")
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
        f'<li><code style="{_MONO}">{esc(c.label)}</code>: {esc(c.reason)}</li>'
        for c in choices
        if not c.legal
    )
    if not rows:
        return ""
    return (
        '<details class="smtplab-why-not"><summary><small>why some buttons are greyed out'
        f"</small></summary><ul style='margin:0'>{rows}</ul></details>"
    )


def steps_html(steps: Sequence[Step], *, first: int = 1) -> str:
    """Steps, numbered from ``first``: what was sent, and the reply under it, explained."""
    blocks = []
    for number, step in enumerate(steps, start=first):
        lines = []
        for entry in step.entries:
            if entry.direction == "NOTE":
                lines.append(f'<div style="{_QUIET}"><i>{esc(entry.summary(100))}</i></div>')
                continue
            colour = {"C": "#0969da", "S": "#8250df", "TLS": GREEN}.get(entry.direction)
            prefix = f"{entry.direction}: " if entry.direction in ("C", "S") else ""
            note = f' <small style="{_QUIET}">{esc(entry.annotation)}</small>'
            text = esc(prefix + entry.summary(100))
            tone = _readable(colour) if colour else "color:inherit"
            lines.append(f'<div style="{_MONO};{tone}">{text}{note}</div>')
            if entry.reply is not None:
                lines.append(
                    f'<div style="{_QUIET};margin-left:2em">{esc(explain(entry.reply))}</div>'
                )
        if step.error:
            lines.append(f'<div style="{_readable(RED)}">{pre(step.error)}</div>')
        blocks.append(
            '<div class="smtplab-stepper-step" style="border-left:3px solid #999;'
            f'padding:2px 8px;margin:4px 0"><b>{number}. {esc(step.label)}</b>'
            f"{''.join(lines)}</div>"
        )
    return "".join(blocks) if blocks else "<i>Connect to start.</i>"
