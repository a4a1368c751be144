"""Notebook 01's exercise 3, one whole reply: :func:`check_read_reply` has the learner's
``read_reply(sock)`` read a greeting and an EHLO reply that arrive in pieces, then two
pipelined replies that arrive together, each exactly; and the hint for a reply returned
cut inside a line, which exercise 1 shares (``smtplab.course.nb01`` is the public path of
the check)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from ..i18n import _
from . import nb01_texts as texts
from .harness import TRIED, Hint, Result, Trial, evaluate
from .labs import on_a_connection, wait_until
from .reading import text_lines

__all__: list[str] = []  # public as smtplab.course.nb01.check_read_reply

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


# ------------------------------------------------------------------ exercise 3: read_reply


def check_read_reply(read_reply: Callable[[socket.socket], object]) -> Result:
    """Exercise 3: ``read_reply(sock)`` returns one whole reply and not a byte more."""

    return evaluate(
        _(texts.EXERCISE_READ_ONE),
        lambda: on_a_connection(
            lambda trial: _read_replies(trial, read_reply),
            split_replies=SPLIT,
            split_times=2,
            setup=lambda lab: lab.fail("CONNECT", GREETING.format(host=lab.hostname), times=1),
        ),
        _verify_read_reply,
        returns=_("the reply you read"),
    )


GREETING = (
    "220-{host} ESMTP smtplab lab server\n"  # i18n: keep a reply
    "220 {host} ready - a greeting may have several lines"  # i18n: keep a reply
)
"""Exercise 3's greeting: two lines, as RFC 5321 §4.2 allows, so that
a reader which goes on only after ``250-`` (not after any code followed by '-', §4.2.1)
stops after the first; and a '-' inside the last line, as in Gmail's ``220
smtp.gmail.com ESMTP ... - gsmtp``, so that one which reads on at any '-' waits for a
line never sent."""


PIPELINED = b"MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\n"
"""Two commands the check sends in one go (RFC 2920 lets MAIL FROM and RCPT TO share a
batch), so that their two replies arrive together."""


def _same_lines(value: object, want: list[str]) -> bool:
    got = text_lines(value)
    return got is not None and [line.rstrip() for line in got] == want


def _cut(lines: list[str], sizes: tuple[int, ...]) -> list[list[str]]:
    """The server's ``lines`` cut into its replies of ``sizes`` lines (the last: the rest)."""
    replies, start = [], 0
    for size in sizes[:-1]:
        replies.append(lines[start : start + size])
        start += size
    return [*replies, lines[start:]]


def _read_replies(trial: Trial, read_reply: Callable[[socket.socket], object]) -> None:
    replies: list[object] = []
    trial.notes["replies"] = replies
    session = trial.lab.sessions[-1]
    ehlo_lines = len(trial.lab.policy.ehlo_reply_lines(offer_starttls=True, offer_auth=False))
    greeting_lines = GREETING.count("\n") + 1
    # the lines of each reply: the greeting, the EHLO reply, MAIL FROM's, RCPT TO's
    sizes = trial.notes["sizes"] = (greeting_lines, ehlo_lines, 1, 1)

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
        after(sum(sizes[:2]))  # the whole multi-line reply has arrived
        replies.append(read_reply(trial.sock))
        if not _same_lines(replies[1], _cut(session.sent_lines(), sizes)[1]):
            return
        trial.sock.sendall(PIPELINED)
        after(sum(sizes))  # both replies have arrived, back to back
        replies.append(read_reply(trial.sock))
        if not _same_lines(replies[2], _cut(session.sent_lines(), sizes)[2]):
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
    replies = trial.notes["replies"]
    sizes = trial.notes["sizes"]
    expected = _cut(trial.sent(), sizes)
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
            start = got[-1][:4]  # '220-': the '-' follows any code, not only 250
            hint = texts.RETURNED_ONLY_LINES if start == "250-" else texts.HYPHEN_AFTER_ANY_CODE
            raise Hint(_(hint).format(name=name, count=len(got), total=len(want), start=start))
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
    return _(texts.READ_GREETING_ALL).format(greeting=sizes[0], count=sizes[1])
