"""Notebook 01 (Raw TCP): :func:`show_bytes`, a picture of framing (line ends and
``recv()`` boundaries do not line up; drawn by :mod:`.nb01_picture`), and the checks of
HELO by hand, sending one line (CRLF, no CR/LF inside) and reading one whole reply (in
:mod:`.nb01_reply`, public from here), judged from the lab's session log."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from ..i18n import _
from . import nb01_texts as texts
from .harness import Hint, Result, Trial, evaluate, raised_hint
from .labs import ReplyReader, on_a_connection, wait_until
from .nb01_picture import BytesPicture as BytesPicture  # show_bytes returns it (its old path)
from .nb01_picture import show_bytes
from .nb01_reply import SPLIT, check_read_reply, partial_hint
from .reading import as_text, refuse_str_sent, require_line_end, show, text_lines, verb

__all__ = ["check_helo", "check_read_reply", "check_send_line", "show_bytes"]

# ------------------------------------------------------------------------ exercise 1: HELO


def check_helo(my_helo: Callable[[socket.socket], object]) -> Result:
    """Exercise 1: ``my_helo(sock)`` reads the greeting, sends HELO with CRLF, returns the reply."""

    return evaluate(
        _("Exercise 1 (HELO by hand)"),
        lambda: on_a_connection(lambda trial: my_helo(trial.sock), split_replies=SPLIT),
        _verify_helo,
        returns=_("the server's reply to HELO"),
    )


def _verify_helo(trial: Any) -> str:
    received = trial.received()
    refuse_str_sent(trial.error)
    if trial.error is not None and received and not isinstance(trial.error, TimeoutError):
        raise Hint(raised_hint(trial.error))
    if not received:
        if isinstance(trial.error, TimeoutError):
            raise Hint(_(texts.CODE_WAITED_REPLY))
        if trial.error is not None:
            raise Hint(raised_hint(trial.error))
        raise Hint(_(texts.SERVER_RECEIVED_NOTHING))
    first = received[0]
    require_line_end(first)
    words = first.text.split()
    if not words or words[0].upper() != "HELO":
        extra = ""
        if words and words[0].upper() == "EHLO":
            extra = _(" EHLO is its newer form (notebook 03); here, send HELO.")
        raise Hint(_(texts.SERVER_RECEIVED_SEND).format(received=show(first.raw), extra=extra))
    if [word.lower() for word in words[1:]] != ["learner.example"]:  # any case (RFC 5321 §2.4)
        raise Hint(_(texts.SERVER_RECEIVED_AFTER).format(received=show(first.raw)))
    extra = received[1:]
    if extra and verb(extra[-1]) == "QUIT":  # a goodbye after HELO breaks no rule
        require_line_end(extra[-1], "QUIT")
        extra = extra[:-1]
    if extra:
        others = ", ".join(show(line.raw) for line in extra)
        raise Hint(_(texts.AFTER_HELO_LINE).format(others=others))
    if trial.error is not None:
        raise Hint(_(texts.SERVER_GOT_HELO).format(raised=raised_hint(trial.error)))
    sent = trial.sent()
    greeting = sent[0] if sent else ""
    answer = sent[1] if len(sent) > 1 else ""
    if trial.value is None:  # it forgot to return: the work alone is judged
        return _(texts.HELO_WORK_ONLY).format(received=show(first.raw), answer=answer)
    lines = text_lines(trial.value)
    if lines is None:
        raise Hint(_(texts.RETURN_SERVER_REPLY).format(kind=type(trial.value).__name__))
    first_line = lines[0].strip() if lines else ""
    if first_line[:3] == "220" and greeting.startswith(first_line):
        raise Hint(_(texts.RETURNED_GREETING_REPLY).format(greeting=greeting))
    got = [line.strip() for line in lines]
    partial = partial_hint(_("the reply to HELO"), got, [answer], "\n".join(sent))
    if partial is not None:
        raise Hint(partial)
    if [line.strip() for line in lines] != [answer]:
        raise Hint(
            _(texts.SERVER_ANSWERED_HELO).format(answer=answer, returned=as_text(trial.value))
        )
    return _(texts.SERVER_RECEIVED_ANSWERED).format(received=show(first.raw), answer=answer)


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
_LONE_BREAKS = ("NOOP\nQUIT", "NOOP\rQUIT", "NOOP\n")
"""Tried after :data:`_INJECTION` was refused: a guard against the pair ``"\\r\\n"``
alone lets a bare LF through, the line break of SMTP smuggling, and one against
``"\\n"`` alone lets a bare CR through; one that counts lines (``splitlines()``) lets
a break at the end through, ``b"NOOP\\n\\r\\n"``."""


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
    cleanly_refused = notes["after_injection"] == notes["before_injection"]
    for text in _LONE_BREAKS if notes["raised"] == "ValueError" and cleanly_refused else ():
        try:
            send_line(trial.sock, text)
        except ValueError:
            continue
        except Exception:  # not refused with ValueError either: judged last, by the text
            pass
        notes["lone"] = text
        break
    with suppress(OSError):
        trial.sock.sendall(b"QUIT\r\n")
    wait_until(lambda: trial.lab.sessions[-1].closed, 1.0)


def _verify_send_line(trial: Any) -> str:
    received = trial.received()
    refuse_str_sent(trial.error)
    if trial.error is not None:
        raise Hint(raised_hint(trial.error))
    if not received:
        raise Hint(_(texts.SERVER_RECEIVED_NOTHING_SEND))
    expected = [b"HELO learner.example\r\n", b"NOOP\r\n"]
    for want, line in zip(expected, received, strict=False):
        require_line_end(line, _("each line"))
        if line.raw != want:
            raise Hint(
                _(texts.LINE_RECEIVED_WRONG).format(
                    text=want[:-2].decode(), received=show(line.raw), want=show(want)
                )
            )
    values = trial.value or []
    for want, value in zip(expected, values, strict=False):
        if value != want:
            raise Hint(_(texts.SERVER_RECEIVED_FUNCTION).format(received=show(want), value=value))
    if "silent_after" in trial.notes or len(received) < 2:
        raise Hint(_("the server did not answer your lines: end each one with \\r\\n."))
    before = trial.notes.get("before_injection", len(received))
    extra = received[before : trial.notes.get("after_injection", before)]
    raised = trial.notes.get("raised")
    if extra:
        shown = ", ".join(show(line.raw) for line in extra)
        if raised == "ValueError":
            raise Hint(_(texts.RAISED_VALUEERROR_ONLY).format(shown=shown))
        if len(extra) >= 2 or any(line.text.upper() == "QUIT" for line in extra):
            raise Hint(_(texts.SEND_LINE_SOCK_NOOP).format(shown=shown))
        raise Hint(_(texts.CRLF_INSIDE_TEXT).format(shown=shown))
    if raised != "ValueError":
        did = _("returned normally") if raised is None else _("raised {name}").format(name=raised)
        raise Hint(_(texts.SEND_LINE_SOCK).format(did=did))
    if "lone" in trial.notes:
        raise Hint(_(texts.LONE_BREAK_LET_THROUGH).format(text=trial.notes["lone"]))
    return _(texts.SERVER_RECEIVED_HELO)
