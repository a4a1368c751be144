"""Notebook 01 (Raw TCP): :func:`show_bytes`, a picture of framing (line ends and
``recv()`` boundaries do not line up; drawn by :mod:`.nb01_picture`), and the checks of
HELO by hand, sending one line (CRLF, no CR/LF inside) and reading one whole reply, judged
from the lab's session log."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from ..i18n import _
from ..lab import LabPolicy
from . import nb01_texts as texts
from .harness import TRIED, Hint, Result, Trial, evaluate, raised_hint
from .labs import LINE_WAIT, ReplyReader, on_a_connection, wait_until
from .nb01_picture import BytesPicture as BytesPicture  # show_bytes returns it (its old path)
from .nb01_picture import show_bytes
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
    whole_lines = sent.split("\n")  # another reply's whole line (221) is not a piece
    if not (want_text.startswith(got_text) or (got_text in sent and got_text not in whole_lines)):
        return None
    return _(texts.RETURNED_ONLY_PART).format(name=name, got=got_text)


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


# ------------------------------------------------------------------ exercise 3: read_reply


def check_read_reply(read_reply: Callable[[socket.socket], object]) -> Result:
    """Exercise 3: ``read_reply(sock)`` returns one whole reply and not a byte more."""

    return evaluate(
        _(texts.EXERCISE_READ_ONE),
        lambda: on_a_connection(
            lambda trial: _read_replies(trial, read_reply),
            split_replies=SPLIT,
            split_times=2,
            policy=LabPolicy(idle_timeout=LINE_WAIT, greeting=GREETING),
        ),
        _verify_read_reply,
        returns=_("the reply you read"),
    )


GREETING = "ESMTP smtplab lab server - ready"  # i18n: keep in the 220 reply
"""The text of exercise 3's greeting: a '-' inside a last line, as in Gmail's
``220 smtp.gmail.com ESMTP ... - gsmtp``, so that a reader which reads on at any '-'
(not only the one right after the code, RFC 5321 §4.2.1) waits for a line never sent."""

PIPELINED = b"MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\n"
"""Two commands the check sends in one go (RFC 2920 lets MAIL FROM and RCPT TO share a
batch), so that their two replies arrive together."""


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
    names = [_(name) for name in texts.READ_REPLY_NAMES]
    for index, (want, value) in enumerate(zip(expected, replies, strict=False)):
        got = text_lines(value)
        if got is None:
            raise Hint(_(texts.RETURN_REPLY_BYTES).format(kind=type(value).__name__))
        got = [line.rstrip() for line in got]
        name = names[index]
        if got == want:
            continue
        if len(got) > len(want) and got[: len(want)] == want:
            more = got[len(want)]
            raise Hint(
                _(texts.RETURNED_LINES_REPLY).format(
                    name=name, count=len(got), last=want[-1], more=more
                )
            )
        partial = partial_hint(name, got, want)
        if partial is not None and not (len(got) < len(want) and want[: len(got)] == got):
            raise Hint(partial)
        if got and len(got) < len(want) and want[: len(got)] == got:
            raise Hint(
                _(texts.RETURNED_ONLY_LINES).format(
                    name=name, count=len(got), total=len(want), start=got[-1][:4]
                )
            )
        raise Hint(_(texts.SERVER_SENT_RETURNED).format(name=name, want=want, got=got))
    error = trial.error
    if error is not None:
        at = trial.notes.get("failed_at", 0)
        if isinstance(error, (TimeoutError, ConnectionError)) and at == 3:
            raise Hint(_(texts.MAIL_FROM_REPLY))
        if isinstance(error, TimeoutError):
            raise Hint(_(texts.FUNCTION_WAITED_MORE).format(name=names[at]))
        raise Hint(
            _(texts.WHILE_READING_CODE).format(
                name=names[at], kind=type(error).__name__, error=error
            )
        )
    return _(texts.READ_GREETING_ALL).format(count=count)
