"""Notebook 03's exercise 1, public from ``smtplab.course.nb03``: read a multi-line 5xx
reply (the code on every line, ``550-`` goes on, ``550 `` ends, RFC 5321 §4.2.1) from the
lines a reader returned, a whole reply and then the first line of the next one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i18n import _
from . import nb03_texts as texts
from .harness import Hint, Result, answers_to, evaluate

__all__: list[str] = []  # public as smtplab.course.nb03 (check_error_reply)

ERROR_REPLIES: tuple[tuple[bytes, ...], ...] = (
    (
        b"535-5.7.8 Username and Password not accepted. For more information, go to\r\n",
        b"535 5.7.8  https://support.google.com/mail/?p=BadCredentials\r\n",
        b"250 2.0.0 Ok: reset\r\n",
    ),
    (
        b"554-5.7.1 The message was refused as spam.\r\n",
        b"554-5.7.1 To appeal, read https://postmaster.example.com/spam\r\n",
        b"554 5.7.1 and quote the reference ABC-123.\r\n",
        b"221 2.0.0 Bye\r\n",
    ),
    (
        b"550 5.1.1 <nobody@example.com>: Recipient address rejected\r\n",
        b"550 5.1.1 <nemo@example.com>: Recipient address rejected\r\n",
    ),
)
"""What :func:`check_error_reply` hands to the learner's function: the lines a reader
returned, a whole 5xx reply first, then the first line of the next (pipelined) reply.
The first is Gmail's reported reply to a refused password (notebook 05). The 554's last
line holds a '-' in its text: only a '-' right after the code says more lines follow. The
550 is followed by the reply to the next pipelined RCPT, also a 550: the code does not
change where a reply ends."""


def _split(line: bytes) -> tuple[int, str, bool]:
    """A reply line's code, text and whether it is the last line (a space, or nothing)."""
    text = line.decode("utf-8").rstrip("\r\n")
    return int(text[:3]), text[4:], text[3:4] != "-"


def _expected_error(lines: tuple[bytes, ...]) -> tuple[int, list[str], str]:
    """The reply's code, the texts of its lines, and the text of the next reply's line."""
    line_texts: list[str] = []
    for number, line in enumerate(lines):
        code, text, last = _split(line)
        line_texts.append(text)
        if last:
            return code, line_texts, _split(lines[number + 1])[1]
    raise AssertionError("a sample reply without its last line")  # i18n: keep a bug in the check


def check_error_reply(read_error: Callable[[list[bytes]], Any]) -> Result:
    """Exercise 1: ``read_error(lines)`` returns ``(code, text)`` of the first whole reply in
    ``lines``: the code as an int, the texts of its lines joined by newlines."""
    return evaluate(
        _(texts.EXERCISE_READ_MULTI),
        lambda: answers_to(read_error, [list(sample) for sample in ERROR_REPLIES]),
        _verify_error_replies,
    )


def _verify_error_replies(answers: object) -> str:
    assert isinstance(answers, list)
    for sample, answer in zip(ERROR_REPLIES, answers, strict=True):
        _judge_error_reply(sample, answer)
    return _(texts.READ_GMAIL_TWO)


def _judge_error_reply(sample: tuple[bytes, ...], answer: object) -> None:
    code, line_texts, next_text = _expected_error(sample)
    shown = _("for the reply starting {start!r}").format(start=sample[0][:24])
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Hint(
            _(texts.RETURNED_RETURN_PAIR).format(
                shown=shown, kind=type(answer).__name__, answer=answer
            )
        )
    got_code, got_text = answer
    if isinstance(got_code, (str, bytes)):
        raise Hint(_(texts.CODE_TEXT_RETURN).format(shown=shown, got=got_code))
    if isinstance(got_code, bool) or not isinstance(got_code, int) or got_code != code:
        raise Hint(_(texts.CODE_SHOULD_REPLY).format(shown=shown, got=got_code))
    if isinstance(got_text, (bytes, bytearray)):
        raise Hint(_("{shown} the text is bytes: decode it and return a str.").format(shown=shown))
    if not isinstance(got_text, str):
        raise Hint(_(texts.TEXT_SHOULD_STR).format(shown=shown, kind=type(got_text).__name__))
    if got_text == "\n".join(line_texts):
        return
    if "\r" in got_text or got_text.endswith("\n"):
        raise Hint(_(texts.TEXT_STILL_HOLDS).format(shown=shown, ends=got_text[-12:]))
    if next_text in got_text:
        same_code = sample[-1][:3] == sample[0][:3]  # the next reply carries the same code
        past = texts.READ_PAST_SAME_CODE if same_code else texts.READ_PAST_LAST
        raise Hint(_(past).format(shown=shown, next_line=next_text))
    if any(line[:3].isdigit() and line[3:4] in ("-", " ") for line in got_text.split("\n")):
        raise Hint(_(texts.TEXT_STILL_STARTS).format(shown=shown, start=got_text[:10]))
    if len(line_texts) > 1 and got_text == line_texts[0]:
        raise Hint(_(texts.RETURNED_ONLY_FIRST).format(shown=shown, count=len(line_texts)))
    if got_text == " ".join(line_texts) or got_text == "".join(line_texts):
        raise Hint(_(texts.JOINED_LINES_TEXTS).format(shown=shown))
    raise Hint(_(texts.SERVER_SENT_LINE).format(shown=shown, count=len(line_texts)))
