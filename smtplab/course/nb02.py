"""Notebook 02 (a whole conversation by hand): :func:`transcript_of` draws a session
typed on a raw socket; the checks judge a whole conversation, the reply classes and a
body line starting with a dot from what the lab received (its log and inbox)."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Any

from ..data_encoding import header_section
from ..i18n import _
from ..lab import LabServer, LabSession, LogLine
from ..protocol import ReplyParser
from ..transcript import Transcript
from . import nb02_texts as texts
from .harness import Hint, Result, Trial, evaluate, raised_hint, untouched
from .labs import LEARNER_TIMEOUT, ReplyReader, on_a_connection
from .nb00 import OUTCOMES, former_word_hint, is_outcome_word, same_word
from .reading import as_text, refuse_str_sent, require_line_end, show, text_lines, verb

__all__ = ["check_conversation", "check_dot_line", "check_what_next", "transcript_of"]

SENDER = "alice@example.com"
RECIPIENT = "bob@example.com"
SUBJECT = "Hello by hand"  # i18n: keep the Subject the exercise asks the learner to send
ELLIPSIS_BODY = b"Hi Bob,\r\n...and that is all.\r\nAlice\r\n"


# ------------------------------------------------------------------------------ the picture


def transcript_of(session: LabSession) -> Transcript:
    """The lab's log of one session as an annotated transcript (``.diagram()`` draws it)."""
    transcript = Transcript()
    parser = ReplyParser()
    body = b""
    for line in session.lines:
        if line.direction == "S":
            parser.feed(line.raw)
            for reply in parser:
                transcript.record_received(reply, time=line.time)
        elif line.kind == "body":
            body = line.raw
        elif line.kind == "dot":
            transcript.record_sent(body + line.raw, is_message=True, time=line.time)
            body = b""
        else:
            transcript.record_sent(line.raw, time=line.time)
    if body:
        transcript.record_sent(body, is_message=True)
    return transcript


# -------------------------------------------------------- what went wrong in a conversation


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
    _diagnose_message(trial)


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


def _unexplained_error(trial: Trial) -> None:
    error = trial.error
    if error is None:
        return
    if isinstance(error, TimeoutError):
        raise Hint(_(texts.CODE_WAITED_REPLY))
    raise Hint(raised_hint(error))


# -------------------------------------------------------------- exercise 1: a conversation


def check_conversation(send_by_hand: Callable[[socket.socket], object]) -> Result:
    """Exercise 1: one whole conversation on a fresh socket; returns the reply to the dot."""
    return evaluate(
        _(texts.EXERCISE_WHOLE_CONVERSATION),
        lambda: on_a_connection(lambda trial: send_by_hand(trial.sock)),
        _verify_conversation,
        returns=_(texts.SERVER_REPLY_LONE),
    )


def _verify_envelope(trial: Trial) -> Any:
    inbox = trial.lab.inbox
    if not inbox:
        _unexplained_error(trial)
        raise Hint(_(texts.MESSAGE_ARRIVED_STEPS))
    if len(inbox) > 1:
        raise Hint(_("{count} messages arrived; send exactly one.").format(count=len(inbox)))
    message = inbox[0]
    if message.mail_from.lower() != SENDER:
        raise Hint(_(texts.ENVELOPE_SENDER_SEND).format(got=message.mail_from, want=SENDER))
    if [r.lower() for r in message.rcpt_tos] != [RECIPIENT]:
        raise Hint(_(texts.ENVELOPE_RECIPIENTS_SEND).format(got=message.rcpt_tos, want=RECIPIENT))
    return message


def _verify_conversation(trial: Any) -> str:
    diagnose(trial)
    message = _verify_envelope(trial)
    _unexplained_error(trial)
    subject = str(message.message.get("Subject", "")).strip()
    if subject != SUBJECT:
        # the header's name stays as it is (a protocol token): outside the translated text
        if subject:
            found = _("the {header} is {got!r}").format(header="Subject", got=subject)
        else:
            found = _("the message has no {header}").format(header="Subject")
        raise Hint(
            _(texts.MESSAGE_ARRIVED_START).format(found=found, header="Subject", want=SUBJECT)
        )
    final = check_returned_reply(trial)
    return _(texts.LAB_RECEIVED_MESSAGE).format(
        sender=SENDER, recipient=RECIPIENT, header="subject", want=SUBJECT, final=final
    )


# ---------------------------------------------------------------- exercise 2: reply classes

WHAT_NEXT = OUTCOMES  # the series' words: done, go on, retry later, give up (notebook 00)


def _collect_replies() -> list[str]:
    """Real replies from a lab: one or more of each class, in the order a session sees them."""
    with LabServer() as lab:
        lab.fail("MAIL", "452 4.3.1 Insufficient system storage, try again later", times=1)
        lab.fail("RCPT", "451 4.7.1 Greylisted, try again later", times=1, address="carol@*")
        lab.fail("RCPT", "450 4.2.1 Mailbox busy, try again later", times=1, address="dave@*")
        lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*")
        lab.fail("DATA_END", "554 5.7.1 Message refused as spam", times=1)
        sock = socket.create_connection((lab.host, lab.port), timeout=LEARNER_TIMEOUT)
        reader = ReplyReader(sock)
        replies = [reader.reply()]
        script = [
            b"HELO learner.example",
            b"RCPT TO:<bob@example.com>",
            b"MAIL FROM:<alice@example.com>",
            b"MAIL FROM:<alice@example.com>",
            b"RCPT TO:<carol@example.com>",
            b"RCPT TO:<dave@example.com>",
            b"RCPT TO:<nobody@example.com>",
            b"RCPT TO:<bob@example.com>",
            b"VRFY bob",
            b"DATA",
            b"Subject: hi\r\n\r\nhi\r\n.",
            b"HELLO",
            b"QUIT",
        ]
        for command in script:
            sock.sendall(command + b"\r\n")
            replies.append(reader.reply())
        sock.close()
    return [reply for reply in replies if reply is not None]


def check_what_next(what_next: Callable[[str], object]) -> Result:
    """Exercise 2: ``what_next(reply)`` gives the reply class from its first digit."""

    def attempt() -> Any:
        answers = [(reply, what_next(reply)) for reply in _collect_replies()]
        return None if untouched(answer for _reply, answer in answers) else answers

    return evaluate(_("Exercise 2 (what next?)"), attempt, _verify_what_next)


def _verify_what_next(answers: Any) -> str:
    for reply, answer in answers:
        want = WHAT_NEXT[int(reply[0])]
        if same_word(answer, want):
            continue
        former = former_word_hint(answer, _("for {reply!r} you said").format(reply=reply), want)
        if former is not None:
            raise Hint(former)
        if answer is not None and not is_outcome_word(answer):
            raise Hint(_(texts.RETURNED_RETURN_ONE).format(reply=reply, answer=answer))
        klass = reply[0]
        if klass == "4":
            raise Hint(_(texts.WHAT_NEXT_4XX).format(reply=reply, answer=answer))
        if klass == "3":
            raise Hint(_(texts.WHAT_NEXT_3XX).format(reply=reply, answer=answer))
        if klass == "2" and reply[:3] != "250":
            raise Hint(_(texts.WHAT_NEXT_2XX).format(reply=reply, answer=answer))
        if klass == "5" and reply[:3] != "550":
            raise Hint(_(texts.WHAT_NEXT_5XX).format(reply=reply, answer=answer))
        raise Hint(
            _(texts.SAID_FIRST_DIGIT).format(reply=reply, answer=answer, klass=klass, want=want)
        )
    codes = sorted({reply[:3] for reply, _answer in answers})
    return _(texts.RIGHT_ALL_REPLIES).format(count=len(answers), codes=", ".join(codes))


# ------------------------------------------------------------------ exercise 3: a dot line


def check_dot_line(send_ellipsis: Callable[[socket.socket], object]) -> Result:
    """Exercise 3: a message whose body has a line starting with '.' arrives intact."""
    return evaluate(
        _(texts.EXERCISE_LINE_STARTS),
        lambda: on_a_connection(lambda trial: send_ellipsis(trial.sock)),
        _verify_dot_line,
        returns=_(texts.SERVER_REPLY_LONE),
    )


def _verify_dot_line(trial: Any) -> str:
    diagnose(trial)
    message = _verify_envelope(trial)
    _unexplained_error(trial)
    data = message.data
    headers, ended, _first = header_section(data)  # no field, then the empty line: ended
    body = data[len(headers) :].split(b"\n", 1)[1] if ended else data
    if body != ELLIPSIS_BODY:
        if body == ELLIPSIS_BODY.replace(b"...and", b"..and"):
            raise Hint(_(texts.BODY_ARRIVED_HI))
        raise Hint(_(texts.BODY_ARRIVED_SHOULD).format(got=body, want=ELLIPSIS_BODY))
    final = check_returned_reply(trial)
    return _(texts.BODY_ARRIVED_LINE).format(final=final)
