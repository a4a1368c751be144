"""HTML for the widgets, made by plain functions (no ipywidgets here).

Every piece of text that came from outside (a header, a body, a server's reply) is
escaped: the inbox may hold mail from anyone who can reach the lab's port, and an HTML
body is shown as its source, never rendered.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage, Message
from typing import TYPE_CHECKING

from ..message import Anatomy, anatomy
from ..replies import explain

if TYPE_CHECKING:
    from ..lab import LabSession, ReceivedMessage
    from .model import Outcome
    from .stepping import Choice, Step

__all__ = [
    "RAW_LIMIT",
    "body_html",
    "choices_html",
    "envelope_html",
    "field_error_html",
    "headers_html",
    "inbox_label",
    "message_anatomy",
    "mime_html",
    "outcome_html",
    "progress_html",
    "raw_html",
    "session_html",
    "steps_html",
]

RAW_LIMIT = 200_000
"""At most this many characters of a raw message are shown."""

_MONO = "font-family:var(--jp-code-font-family,monospace);font-size:12px"
_PRE = f"margin:0;white-space:pre-wrap;word-break:break-all;{_MONO};background:none;color:inherit"
_CELL = "padding:2px 8px;text-align:left;vertical-align:top;border:0"
_RED = "#c01c28"
_GREEN = "#26a269"
_CHIP = "display:inline-block;padding:1px 8px;margin:0 4px 0 0;border-radius:10px;font-size:12px"
_CHIP_STYLE = {
    "done": f"{_CHIP};background:rgba(38,162,105,.18);border:1px solid {_GREEN}",
    "current": f"{_CHIP};background:rgba(9,105,218,.22);border:1px solid #0969da;font-weight:bold",
    "failed": f"{_CHIP};background:rgba(192,28,40,.2);border:1px solid {_RED};font-weight:bold",
    "skipped": f"{_CHIP};opacity:.45;border:1px dashed #888;text-decoration:line-through",
    "pending": f"{_CHIP};opacity:.6;border:1px solid #888",
}
_CHIP_MARK = {"done": "✓ ", "current": "… ", "failed": "✗ ", "skipped": "", "pending": ""}


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
    style = f"color:{_RED};font-size:12px"
    return f'<span class="smtplab-field-error" style="{style}">⚠ {esc(text)}</span>'


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
        if step == last and failed:
            state = "failed"
        elif step == last and not finished:
            state = "current"
        elif step in seen:
            state = "done"
        elif finished and not failed:
            state = "skipped"
        else:
            state = "pending"
        chips.append(
            f'<span class="smtplab-step smtplab-step-{state}" data-step="{esc(step)}" '
            f'style="{_CHIP_STYLE[state]}">{_CHIP_MARK[state]}{esc(step)}</span>'
        )
    return f'<div class="smtplab-progress">{"".join(chips)}</div>'


def outcome_html(outcome: Outcome | None, *, sending: str = "") -> str:
    """The result line under the Send button: delivered (with the queue reply) or failed
    (with the explanation); ``sending`` shows a note while a send runs."""
    if outcome is None:
        if sending:
            return f'<div class="smtplab-result smtplab-sending">{esc(sending)}</div>'
        return '<div class="smtplab-result"></div>'
    colour = _GREEN if outcome.delivered else _RED
    icon = "✅" if outcome.delivered else "❌"
    kind = "delivered" if outcome.delivered else "failed"
    where = f" <small>({esc(outcome.target)})</small>" if outcome.target else ""
    return (
        f'<div class="smtplab-result smtplab-{kind}" style="border-left:4px solid {colour};'
        f'padding:2px 8px"><b style="color:{colour}">{icon} {esc(outcome.summary)}</b>{where}'
        f"{pre(outcome.explanation)}</div>"
    )


# --------------------------------------------------------------------------- inbox


def inbox_label(index: int, message: ReceivedMessage) -> str:
    """One line for the inbox list: number, time, sender, recipients, subject."""
    when = message.received_at.astimezone().strftime("%H:%M:%S")
    subject = message.subject or "(no subject)"
    rcpts = ", ".join(message.rcpt_tos)
    if len(rcpts) > 40:
        rcpts = rcpts[:39] + "…"
    return f"{index + 1}. {when}  {message.mail_from or '<>'} → {rcpts}  · {subject}"


def message_anatomy(message: ReceivedMessage) -> Anatomy:
    """The anatomy of a received message, with its real envelope."""
    return anatomy(message.data, mail_from=message.mail_from, rcpt_tos=message.rcpt_tos)


def _table(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(
        f'<tr><th style="{_CELL}">{esc(name)}</th><td style="{_CELL}">{value}</td></tr>'
        for name, value in rows
    )
    return f'<table style="border-collapse:collapse">{body}</table>'


def envelope_html(message: ReceivedMessage) -> str:
    """The envelope and the facts of the session that brought the message."""
    code = f'style="{_MONO}"'
    rcpts = "<br>".join(f"<code {code}>&lt;{esc(r)}&gt;</code>" for r in message.rcpt_tos)
    peer = f"{message.peer[0]}:{message.peer[1]}" if message.peer else "?"
    found = message_anatomy(message)
    hidden = found.hidden_recipients
    rows = [
        ("MAIL FROM", f"<code {code}>&lt;{esc(message.mail_from)}&gt;</code>"),
        ("RCPT TO", rcpts),
        ("not in To/Cc (Bcc)", esc(", ".join(hidden)) if hidden else "none"),
        ("MAIL parameters", esc(" ".join(message.mail_options)) or "none"),
        ("size", f"{message.size:,} bytes"),
        ("queue id", f"<code {code}>{esc(message.queue_id)}</code>"),
        ("received", esc(_when(message.received_at))),
        ("from peer", esc(peer)),
        ("TLS", "yes" if message.tls else "no"),
        ("logged in as", esc(message.auth_user) if message.auth_user else "nobody (no AUTH)"),
        ("session", esc(message.session_id)),
    ]
    note = (
        "<p><small>The envelope is what the server delivers by (MAIL FROM, RCPT TO). "
        "The headers are only what people read: nothing forces them to agree.</small></p>"
    )
    return _table(rows) + note


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def headers_html(found: Anatomy) -> str:
    """Each header as sent, and decoded when it holds RFC 2047 encoded words."""
    rows = "".join(
        f'<tr><td style="{_CELL}"><b>{esc(h.name)}</b></td>'
        f'<td style="{_CELL}">{pre(h.raw.replace(chr(13) + chr(10), chr(10)))}</td>'
        f'<td style="{_CELL}">{esc(h.decoded) if h.is_encoded else ""}</td></tr>'
        for h in found.headers
    )
    head = (
        f'<tr><th style="{_CELL}">header</th><th style="{_CELL}">as sent</th>'
        f'<th style="{_CELL}">decoded (RFC 2047)</th></tr>'
    )
    notes = "".join(f"<li>{esc(n)}</li>" for n in found.notes())
    return f'<table style="border-collapse:collapse">{head}{rows}</table>' + (
        f"<ul>{notes}</ul>" if notes else ""
    )


def body_html(message: EmailMessage | Message) -> str:
    """The decoded body: the text part, the HTML part as source, the attachments."""
    out: list[str] = []
    if not isinstance(message, EmailMessage):
        return pre(str(message.get_payload()))
    text = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    if text is not None:
        out.append("<b>text/plain</b>" + pre(_content(text)))
    if rich is not None:
        out.append("<b>text/html</b> (its source; not rendered here)" + pre(_content(rich)))
    if text is None and rich is None:
        out.append("<i>no text body</i>")
    files = list(message.iter_attachments())
    if files:
        items = "".join(
            f"<li><code>{esc(part.get_filename() or '(no name)')}</code> "
            f"{esc(part.get_content_type())}, {len(part.get_payload(decode=True) or b''):,} bytes"
            "</li>"
            for part in files
        )
        out.append(f"<b>attachments</b><ul>{items}</ul>")
    return "".join(out)


def _content(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, ValueError, KeyError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def mime_html(found: Anatomy) -> str:
    """The MIME tree: one line per part, indented by depth."""
    lines = []
    for part in found.parts:
        label = part.path or "message"
        lines.append(f"{'    ' * part.depth}{label}: {part.describe()}")
    return pre("\n".join(lines)) + f"<p><small>{found.size:,} bytes in all</small></p>"


def raw_html(data: bytes) -> str:
    """The message's source as received (cut after :data:`RAW_LIMIT` characters)."""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    more = ""
    if len(text) > RAW_LIMIT:
        more = f"\n… {len(text) - RAW_LIMIT:,} more characters not shown"
        text = text[:RAW_LIMIT]
    return pre(text + more)


def session_html(session: LabSession | None, session_id: str = "") -> str:
    """The server's own log of the session that delivered the message."""
    if session is None:
        return (
            f"<i>The lab no longer keeps session {esc(session_id)} (it keeps the latest "
            "sessions only, or they were cleared).</i>"
        )
    return pre(str(session))


# --------------------------------------------------------------------------- stepper


def choices_html(choices: Sequence[Choice]) -> str:
    """Why each greyed-out command is not legal now (the state machine's reason)."""
    rows = [
        f'<li><code style="{_MONO}">{esc(c.label)}</code>: {esc(c.reason)}</li>'
        for c in choices
        if not c.legal
    ]
    if not rows:
        return ""
    return (
        '<details class="smtplab-why-not"><summary><small>why some buttons are greyed out'
        f"</small></summary><ul style='margin:0'>{''.join(rows)}</ul></details>"
    )


def steps_html(steps: Sequence[Step], *, first: int = 1) -> str:
    """Steps, numbered from ``first``: what was sent, and the reply under it, explained."""
    blocks = []
    for number, step in enumerate(steps, start=first):
        lines = []
        for entry in step.entries:
            if entry.direction == "NOTE":
                lines.append(f'<div style="opacity:.7"><i>{esc(entry.summary(100))}</i></div>')
                continue
            colour = {"C": "#0969da", "S": "#8250df", "TLS": _GREEN}.get(entry.direction, "#777")
            text = entry.summary(100)
            prefix = f"{entry.direction}: " if entry.direction in ("C", "S") else ""
            meaning = ""
            if entry.reply is not None:
                meaning = (
                    f"<div style='opacity:.75;margin-left:2em'>{esc(explain(entry.reply))}</div>"
                )
            note = f" <small style='opacity:.7'>{esc(entry.annotation)}</small>"
            lines.append(
                f'<div style="{_MONO};color:{colour}">{esc(prefix + text)}{note}</div>{meaning}'
            )
        if step.error:
            lines.append(f'<div style="color:{_RED}">{pre(step.error)}</div>')
        blocks.append(
            '<div class="smtplab-stepper-step" style="border-left:3px solid #999;'
            f'padding:2px 8px;margin:4px 0"><b>{number}. {esc(step.label)}</b>'
            f"{''.join(lines)}</div>"
        )
    return "".join(blocks) if blocks else "<i>Connect to start.</i>"
