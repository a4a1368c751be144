"""Notebook 01 (Raw TCP): :func:`show_bytes`, a picture of framing (line ends and
``recv()`` boundaries do not line up), and the checks of HELO by hand, sending one line
(CRLF, no CR/LF inside) and reading one whole reply, judged from the lab's session log."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from html import escape
from typing import Any

from ..i18n import N_, _
from .harness import TRIED, Hint, Result, Trial, evaluate, raised_hint
from .labs import ReplyReader, on_a_connection, wait_until
from .reading import as_text, escape_bytes, refuse_str_sent, require_line_end, show, text_lines

__all__ = ["check_helo", "check_read_reply", "check_send_line", "show_bytes"]

# ------------------------------------------------------------------------------ the picture

_TINTS = (
    "rgba(80, 140, 255, 0.22)",
    "rgba(80, 200, 120, 0.25)",
    "rgba(255, 170, 0, 0.25)",
    "rgba(200, 100, 255, 0.22)",
)
_LINE_END_TINT = "rgba(230, 80, 60, 0.35)"


@dataclass(frozen=True)
class BytesPicture:
    """What :func:`show_bytes` returns: text for ``print``, boxes in a notebook."""

    chunks: tuple[bytes, ...]
    labels: tuple[str, ...]

    def __repr__(self) -> str:
        rows = []
        for label, chunk in zip(self.labels, self.chunks, strict=True):
            rows.append(
                _("{label} ({count} bytes): {data}").format(
                    label=label, count=len(chunk), data=escape_bytes(chunk)
                )
            )
        lines = sum(chunk.count(b"\n") for chunk in self.chunks)
        rows.append(
            _("{lines} line end(s) in {count} recv() result(s)").format(
                lines=lines, count=len(self.chunks)
            )
        )
        return "\n".join(rows)

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
            title = _("{name} = byte {byte} = {escaped}").format(
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
        for index, chunk in enumerate(self.chunks):
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
            'border-radius:3px">'  # i18n: keep HTML
            + escape(_("CR LF = end of a line (a new row starts after it)"))
            + "</span>"
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
            raise TypeError(
                _(
                    "show_bytes() draws bytes, not {kind}: "
                    "pass what recv() returned (or text.encode('ascii'))."
                ).format(kind=type(chunk).__name__)
            )
    if labels is None:
        labels = tuple(f"recv() #{i}" for i in range(1, len(chunks) + 1))
    if len(labels) != len(chunks):
        raise ValueError(
            _("{chunks} chunk(s) but {labels} label(s).").format(
                chunks=len(chunks), labels=len(labels)
            )
        )
    return BytesPicture(tuple(bytes(c) for c in chunks), tuple(labels))


# ------------------------------------------------------------------------ exercise 1: HELO


def check_helo(my_helo: Callable[[socket.socket], object]) -> Result:
    """Exercise 1: ``my_helo(sock)`` reads the greeting, sends HELO with CRLF, returns the reply."""

    return evaluate(
        _("Exercise 1 (HELO by hand)"),
        lambda: on_a_connection(lambda trial: my_helo(trial.sock), split_replies=SPLIT),
        _verify_helo,
        returns=_("the server's reply to HELO"),
    )


SPLIT = 3
"""The checks of exercises 1 and 3 get each reply in this many pieces, with short pauses
(``lab.split_replies``), as a slow network delivers them: one recv() then returns part
of a reply, as it may across the internet."""


def partial_hint(name: str, got: list[str], want: list[str], sent: str = "") -> str | None:
    """The hint when the learner returned a piece of what the server sent, cut inside a
    line (the start of ``want``, or any piece of ``sent``, all the server's lines)."""
    got_text, want_text = "\n".join(got), "\n".join(want)
    if not got_text or got == want:
        return None
    if not (want_text.startswith(got_text) or got_text in sent):
        return None
    return _(
        "for {name} you returned {got!r}, only part of what the server "
        "sent. One recv() returns whatever has arrived so far, which may be part of a "
        "line: TCP keeps no boundaries. Keep reading until the line ends with \\r\\n "
        "(read_line above does that)."
    ).format(name=name, got=got_text)


def _verify_helo(trial: Any) -> str:
    received = trial.received()
    refuse_str_sent(trial.error)
    if trial.error is not None and received and not isinstance(trial.error, TimeoutError):
        raise Hint(raised_hint(trial.error))
    if not received:
        if isinstance(trial.error, TimeoutError):
            raise Hint(
                _(
                    "your code waited for a reply, but the server received nothing from you: "
                    "send the line with sock.sendall(...) before reading the reply."
                )
            )
        if trial.error is not None:
            raise Hint(raised_hint(trial.error))
        raise Hint(
            _(
                "the server received nothing: send the HELO line with sock.sendall(...), on the "
                "socket your function receives as its argument."
            )
        )
    first = received[0]
    require_line_end(first)
    words = first.text.split()
    if not words or words[0].upper() != "HELO":
        extra = ""
        if words and words[0].upper() == "EHLO":
            extra = _(" EHLO is its newer form (notebook 03); here, send HELO.")
        raise Hint(
            _("the server received {received}; send HELO learner.example.{extra}").format(
                received=show(first.raw), extra=extra
            )
        )
    if words[1:] != ["learner.example"]:
        raise Hint(
            _(
                "the server received {received}: after HELO give your name, exactly "
                "'HELO learner.example'."
            ).format(received=show(first.raw))
        )
    if len(received) > 1:
        others = ", ".join(show(line.raw) for line in received[1:])
        raise Hint(
            _(
                "after the HELO line the server also received {others}. Send exactly one "
                "line (an empty line is a command too: the server answers 500 to it)."
            ).format(others=others)
        )
    if trial.error is not None:
        raise Hint(
            _(
                "{raised}. The server got your HELO line; did you read the greeting and the reply?"
            ).format(raised=raised_hint(trial.error))
        )
    sent = trial.sent()
    greeting = sent[0] if sent else ""
    answer = sent[1] if len(sent) > 1 else ""
    if trial.value is None:  # it forgot to return: the work alone is judged
        return _("the server received {received} and answered {answer!r}.").format(
            received=show(first.raw), answer=answer
        )
    lines = text_lines(trial.value)
    if lines is None:
        raise Hint(
            _("return the server's reply (bytes or str), not a {kind}.").format(
                kind=type(trial.value).__name__
            )
        )
    first_line = lines[0].strip() if lines else ""
    if first_line[:3] == "220" and greeting.startswith(first_line):
        raise Hint(
            _(
                "you returned the greeting ({greeting!r}), not the reply to HELO. The server "
                "speaks first (RFC 5321 §3.1): read the greeting, then send HELO, then read again."
            ).format(greeting=greeting)
        )
    got = [line.strip() for line in lines]
    partial = partial_hint(_("the reply to HELO"), got, [answer], "\n".join(sent))
    if partial is not None:
        raise Hint(partial)
    if [line.strip() for line in lines] != [answer]:
        raise Hint(
            _(
                "the server answered {answer!r} to your HELO, but your function returned "
                "{returned!r}. Return the reply line the server sent."
            ).format(answer=answer, returned=as_text(trial.value))
        )
    return _("the server received {received} and answered {answer!r}. Well done!").format(
        received=show(first.raw), answer=answer
    )


# ------------------------------------------------------------------- exercise 2: send_line


def check_send_line(send_line: Callable[[socket.socket, str], object]) -> Result:
    """Exercise 2: ``send_line(sock, text)`` sends one line; CR or LF inside: ValueError."""

    return evaluate(
        _("Exercise 2 (send one line)"),
        lambda: on_a_connection(lambda trial: _send_lines(trial, send_line)),
        _verify_send_line,
        returns=_("the bytes you sent"),
    )


_INJECTION = "NOOP\r\nQUIT"


def _send_lines(trial: Trial, send_line: Callable[[socket.socket, str], object]) -> None:
    reader = ReplyReader(trial.sock)
    notes = trial.notes
    reader.reply()  # the greeting
    values = []
    for text in ("HELO learner.example", "NOOP"):
        value = send_line(trial.sock, text)  # an error ends the scenario: trial.error
        if value is None:
            return
        values.append(value)
        trial.value = values
        if reader.reply() is None:  # no reply: the line never ended
            notes["silent_after"] = text
            return
    session = trial.lab.sessions[-1]
    notes["before_injection"] = len(session.received_lines())
    try:
        send_line(trial.sock, _INJECTION)
        notes["raised"] = None
    except ValueError:
        notes["raised"] = "ValueError"
    except Exception as error:
        notes["raised"] = type(error).__name__
    time.sleep(0.1)  # let a wrongly sent line arrive before the check's own QUIT
    notes["after_injection"] = len(session.received_lines())
    with suppress(OSError):
        trial.sock.sendall(b"QUIT\r\n")
    wait_until(lambda: trial.lab.sessions[-1].closed, 1.0)


def _verify_send_line(trial: Any) -> str:
    received = trial.received()
    refuse_str_sent(trial.error)
    if trial.error is not None:
        raise Hint(raised_hint(trial.error))
    if not received:
        raise Hint(
            _(
                "the server received nothing: send the bytes with sock.sendall(...) on the socket "
                "your function receives, then return them."
            )
        )
    expected = [b"HELO learner.example\r\n", b"NOOP\r\n"]
    for want, line in zip(expected, received, strict=False):
        require_line_end(line, _("each line"))
        if line.raw != want:
            raise Hint(
                _(
                    "for the text {text!r} the server received {received}; "
                    "send exactly {want}: the text, then CR LF."
                ).format(text=want[:-2].decode(), received=show(line.raw), want=show(want))
            )
    values = trial.value or []
    for want, value in zip(expected, values, strict=False):
        if value != want:
            raise Hint(
                _(
                    "the server received {received}, but your function returned {value!r}. "
                    "Return the bytes you sent (the same bytes object you gave to sendall)."
                ).format(received=show(want), value=value)
            )
    if "silent_after" in trial.notes or len(received) < 2:
        raise Hint(_("the server did not answer your lines: end each one with \\r\\n."))
    before = trial.notes.get("before_injection", len(received))
    extra = received[before : trial.notes.get("after_injection", before)]
    raised = trial.notes.get("raised")
    if extra:
        shown = ", ".join(show(line.raw) for line in extra)
        if raised == "ValueError":
            raise Hint(
                _(
                    "you raised ValueError, but only after sending: the server received {shown}. "
                    "Check the text first, and send nothing when it holds \\r or \\n."
                ).format(shown=shown)
            )
        if len(extra) >= 2 or any(line.text.upper() == "QUIT" for line in extra):
            raise Hint(
                _(
                    "send_line(sock, 'NOOP\\r\\nQUIT') made the server receive {shown}: one "
                    "call, two commands! A CR or LF inside the text ends the line early, so "
                    "whoever controls the text can add commands of their own (command "
                    "injection). Raise ValueError when the text holds \\r or \\n."
                ).format(shown=shown)
            )
        raise Hint(
            _(
                "for a text holding \\r\\n the server received {shown}. Do not repair the "
                "text: refuse it with raise ValueError(...) and send nothing."
            ).format(shown=shown)
        )
    if raised != "ValueError":
        did = _("returned normally") if raised is None else _("raised {name}").format(name=raised)
        raise Hint(
            _(
                "send_line(sock, 'NOOP\\r\\nQUIT') {did}; it should raise ValueError, so that "
                "the caller knows the text cannot be one SMTP line."
            ).format(did=did)
        )
    return _(
        "the server received 'HELO learner.example\\r\\n' and 'NOOP\\r\\n', one command per "
        "call, and nothing from the text with CR LF inside. Well done!"
    )


# ------------------------------------------------------------------ exercise 3: read_reply


def check_read_reply(read_reply: Callable[[socket.socket], object]) -> Result:
    """Exercise 3: ``read_reply(sock)`` returns one whole reply and not a byte more."""

    return evaluate(
        _("Exercise 3 (read one whole reply)"),
        lambda: on_a_connection(
            lambda trial: _read_replies(trial, read_reply), split_replies=SPLIT, split_times=2
        ),
        _verify_read_reply,
        returns=_("the reply you read"),
    )


PIPELINED = b"MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\n"
"""Two commands the check sends in one go (RFC 2920 lets MAIL FROM and RCPT TO share a
batch), so that their two replies arrive together."""

_READ_REPLY_NAMES = (
    N_("the greeting"),
    N_("the EHLO reply"),
    N_("the MAIL FROM reply"),
    N_("the RCPT TO reply"),
)


def _same_lines(value: object, want: list[str]) -> bool:
    got = text_lines(value)
    return got is not None and [line.rstrip() for line in got] == want


def _read_replies(trial: Trial, read_reply: Callable[[socket.socket], object]) -> None:
    replies: list[object] = []
    trial.notes["replies"] = replies
    session = trial.lab.sessions[-1]
    ehlo_lines = len(trial.lab.policy.ehlo_reply_lines(offer_starttls=True, offer_auth=False))
    trial.notes["ehlo_lines"] = ehlo_lines

    def after(count: int) -> None:  # wait until the server has sent `count` lines in all
        wait_until(lambda: len(session.sent_lines()) >= count)
        time.sleep(0.05)

    try:
        replies.append(read_reply(trial.sock))
        if replies[0] is None:
            if _greeting_taken(trial):  # it read the greeting, then returned nothing
                trial.value = TRIED
            return
        trial.value = replies
        trial.sock.sendall(b"EHLO learner.example\r\n")
        after(1 + ehlo_lines)  # the whole multi-line reply has arrived
        replies.append(read_reply(trial.sock))
        if not _same_lines(replies[1], session.sent_lines()[1 : 1 + ehlo_lines]):
            return
        trial.sock.sendall(PIPELINED)
        after(3 + ehlo_lines)  # both replies have arrived, back to back
        replies.append(read_reply(trial.sock))
        if not _same_lines(replies[2], session.sent_lines()[1 + ehlo_lines : 2 + ehlo_lines]):
            return
        replies.append(read_reply(trial.sock))
    except Exception as error:
        trial.error = error
        trial.notes["failed_at"] = len(replies)


def _greeting_taken(trial: Trial) -> bool:
    """True when the greeting, all sent by now, is no longer waiting in the socket."""
    wait_until(lambda: bool(trial.lab.sessions[-1].sent_lines()))
    time.sleep(0.15)  # its last piece has arrived (SPLIT pieces, 0.02 s apart)
    timeout = trial.sock.gettimeout()
    trial.sock.setblocking(False)  # a peek that never waits (MSG_DONTWAIT is not on Windows)
    try:
        waiting = trial.sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        trial.sock.settimeout(timeout)
    return not waiting


def _verify_read_reply(trial: Any) -> str:
    if trial.value is TRIED:
        raise Hint(_("your function took the greeting out of the socket, then returned nothing."))
    sent = trial.sent()
    replies = trial.notes["replies"]
    count = trial.notes.get("ehlo_lines", 0)
    expected = [sent[:1], sent[1 : 1 + count], sent[1 + count : 2 + count], sent[2 + count :]]
    names = [_(name) for name in _READ_REPLY_NAMES]
    for index, (want, value) in enumerate(zip(expected, replies, strict=False)):
        got = text_lines(value)
        if got is None:
            raise Hint(
                _("return the reply as bytes (or str), not a {kind}.").format(
                    kind=type(value).__name__
                )
            )
        got = [line.rstrip() for line in got]
        name = names[index]
        if got == want:
            continue
        if len(got) > len(want) and got[: len(want)] == want:
            more = got[len(want)]
            raise Hint(
                _(
                    "for {name} you returned {count} lines, but the reply ends after {last!r}: "
                    "the next line ({more!r}) belongs to the next reply. One recv() may hold "
                    "several replies; stop after the line whose code is followed by a space "
                    "(RFC 5321 §4.2.1)."
                ).format(name=name, count=len(got), last=want[-1], more=more)
            )
        partial = partial_hint(name, got, want)
        if partial is not None and not (len(got) < len(want) and want[: len(got)] == got):
            raise Hint(partial)
        if got and len(got) < len(want) and want[: len(got)] == got:
            raise Hint(
                _(
                    "for {name} you returned only {count} of its {total} lines. "
                    "{start!r}: a hyphen after the code means more lines follow; keep "
                    "reading lines until one has a space after the code."
                ).format(name=name, count=len(got), total=len(want), start=got[-1][:4])
            )
        raise Hint(
            _("for {name} the server sent {want!r}, but you returned {got!r}.").format(
                name=name, want=want, got=got
            )
        )
    error = trial.error
    if error is not None:
        at = trial.notes.get("failed_at", 0)
        if isinstance(error, (TimeoutError, ConnectionError)) and at == 3:
            raise Hint(
                _(
                    "the MAIL FROM reply was right, but then your function waited in vain for "
                    "the RCPT TO reply: it had already arrived, right behind the first one, and "
                    "your function read it from the socket and threw it away. Never read past "
                    "the end of a reply: read_line() reads one byte at a time for that reason."
                )
            )
        if isinstance(error, TimeoutError):
            raise Hint(
                _(
                    "your function waited for more bytes while reading {name}, and none "
                    "came: the reply was already complete. Stop at the last line (the one with "
                    "a space after the code)."
                ).format(name=names[at])
            )
        raise Hint(
            _("while reading {name} your code raised {kind}: {error}").format(
                name=names[at], kind=type(error).__name__, error=error
            )
        )
    return _(
        "you read the greeting, all {count} lines of the EHLO reply, then the MAIL FROM and RCPT "
        "TO replies that had arrived together, each exactly once. That is framing. Well done!"
    ).format(count=count)
