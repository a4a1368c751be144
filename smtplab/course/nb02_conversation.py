"""Notebook 02's reading of a conversation typed on a raw socket, from the lab's log: the
usual mistakes (a command without CRLF, lines sent before DATA's 354, a message never
ended or holding a bare LF), the reply the learner returned and an error left unexplained
(``smtplab.course.nb02``'s checks of exercises 1 and 3 use them)."""

from __future__ import annotations

import re

from ..i18n import _
from ..lab import LogLine
from . import nb02_texts as texts
from .harness import Hint, Trial, raised_hint
from .reading import as_text, refuse_str_sent, require_line_end, show, text_lines, verb

__all__: list[str] = []  # the package's own (nb02's checks)


def _commands(trial: Trial) -> list[LogLine]:
    return [line for line in trial.received() if line.kind == "command"]


def diagnose(trial: Trial) -> None:
    """Raise a :class:`Hint` for the usual mistakes of a hand-made conversation."""
    error = trial.error
    refuse_str_sent(error)
    received = trial.received()
    if not received:
        raise Hint(_(texts.SERVER_RECEIVED_NOTHING))
    for line in _commands(trial):
        require_line_end(line, _("every command"))
    lines = trial.lines
    for index, line in enumerate(lines):
        if line.direction == "C" and line.kind == "command" and verb(line) == "DATA":
            early = []
            for later in lines[index + 1 :]:
                if later.direction == "S":
                    break
                early.append(later)
            if early:
                raise Hint(_(texts.SENT_RIGHT_AFTER).format(sent=show(early[0].raw)))
    for reply in trial.sent():
        for marker, template in texts.REPLY_HINTS:
            if marker in reply:
                raise Hint(_(template).format(reply=reply))
        if reply.startswith("500") and "not recognized" in reply:
            raise Hint(_(texts.SERVER_ANSWERED_READ).format(reply=reply))
    if not _returned_the_354(trial):  # then the hint is "one step behind", further on
        _require_waiting(lines)
    _diagnose_message(trial)


def _returned_the_354(trial: Trial) -> bool:
    lines = text_lines(trial.value) if trial.value is not None else None
    return bool(lines) and lines[0].strip().startswith("354")


def _require_waiting(lines: list[LogLine]) -> None:
    """A command sent before the reply to the command (or the lone dot) before it: the
    lab's log, written in the order things happened, has no reply between the two."""
    previous: LogLine | None = None
    for line in lines:
        if line.direction == "S":
            previous = None
        elif line.kind in ("command", "dot"):
            if previous is not None and line.kind == "command":
                raise Hint(
                    _(texts.SENT_BEFORE_REPLY).format(
                        sent=show(line.raw), previous=show(previous.raw)
                    )
                )
            previous = line


_BARE_LF_DOT = re.compile(rb"(?<!\r)\n\.(\r?\n|$)|\r\n\.\n")
"""A lone dot with a bare LF before or after it: not the end of a message."""


def _diagnose_message(trial: Trial) -> None:
    lines = trial.lines
    hung_up = any("Error: bare <" in text for text in trial.sent())
    body = next((line for line in lines if line.kind == "body"), None)
    if hung_up and body is not None and _BARE_LF_DOT.search(body.raw):
        raise Hint(_(texts.ENDED_MESSAGE_BARE) + _(texts.HUNG_UP))
    if hung_up and body is not None:
        raise Hint(_(texts.SOME_LINES_MESSAGE) + _(texts.HUNG_UP))
    dot = any(line.kind == "dot" for line in lines)
    got_354 = any(text.startswith("354") for text in trial.sent())
    if body is not None and not dot:
        raw = body.raw
        if _BARE_LF_DOT.search(raw):
            raise Hint(_(texts.SERVER_STILL_WAITING_END))
        if raw.endswith(b"\r\n.") or raw == b".":
            raise Hint(_(texts.SERVER_STILL_WAITING_END_MESSAGE))
        if raw.endswith(b".\r\n"):
            raise Hint(_(texts.SERVER_STILL_WAITING_END_MESSAGE_DOT))
        raise Hint(_(texts.SERVER_STILL_WAITING))
    if got_354 and body is None and not dot:
        raise Hint(_(texts.SERVER_SAID_RECEIVED))
    if body is not None:
        raw = body.raw
        bare = raw.replace(b"\r\n", b"")
        if b"\n" in bare:
            raise Hint(_(texts.SOME_LINES_MESSAGE_END))


def _final_reply(trial: Trial) -> str | None:
    """The server's reply to the final dot, if it sent one."""
    after_dot = False
    for line in trial.lines:
        if line.kind == "dot":
            after_dot = True
        elif after_dot and line.direction == "S":
            return line.text
    return None


def check_returned_reply(trial: Trial) -> str:
    """The learner returned the reply to the final dot; return it (or raise a Hint)."""
    commands = _commands(trial)
    if not commands or verb(commands[-1]) != "QUIT":
        raise Hint(_(texts.MESSAGE_ARRIVED_DID))
    final = _final_reply(trial)
    if trial.value is None:  # it forgot to return: the work alone is judged
        return final or ""
    lines = text_lines(trial.value)
    if lines is None:
        raise Hint(_(texts.RETURN_SERVER_REPLY).format(kind=type(trial.value).__name__))
    first = lines[0].strip() if lines else ""
    if final is not None and first == final:
        return final
    if first.startswith("354"):
        raise Hint(_(texts.RETURNED_REPLY_DATA).format(first=first))
    if first.startswith("221"):
        raise Hint(_(texts.RETURNED_REPLY_QUIT).format(first=first, final=final))
    returned = as_text(trial.value)
    raise Hint(_(texts.SERVER_ANSWERED_FINAL).format(final=final, returned=returned))


def unexplained_error(trial: Trial) -> None:
    """Raise a :class:`Hint` for an error the learner's code raised that nothing above
    explained (a wait for a reply that never came, or the error itself)."""
    error = trial.error
    if error is None:
        return
    if isinstance(error, TimeoutError):
        raise Hint(_(texts.CODE_WAITED_REPLY))
    raise Hint(raised_hint(error))
