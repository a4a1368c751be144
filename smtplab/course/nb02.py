"""Notebook 02 (a whole conversation by hand): :func:`transcript_of` draws a session
typed on a raw socket; the checks judge a whole conversation, the reply classes and a
body line starting with a dot from what the lab received (its log and inbox)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from ..data_encoding import header_section
from ..i18n import _
from ..lab import LabServer, LabSession
from ..protocol import ReplyParser
from ..transcript import Transcript
from . import nb02_texts as texts
from .harness import Hint, Result, Trial, evaluate, untouched
from .labs import LEARNER_TIMEOUT, ReplyReader, on_a_connection
from .nb00 import OUTCOMES, former_word_hint, is_outcome_word, same_word
from .nb02_conversation import check_returned_reply, diagnose, unexplained_error

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


# -------------------------------------------------------------- exercise 1: a conversation


def check_conversation(send_by_hand: Callable[[socket.socket], object]) -> Result:
    """Exercise 1: one whole conversation on a fresh socket; returns the reply to the dot."""
    return evaluate(
        _(texts.EXERCISE_WHOLE_CONVERSATION),
        lambda: on_a_connection(lambda trial: send_by_hand(trial.sock)),
        _verify_conversation,
        returns=_(texts.SERVER_REPLY_LONE),
    )


def _message_arrived(trial: Trial) -> Any:
    """The one message that arrived, from SENDER to RECIPIENT, once the usual mistakes of a
    conversation by hand and an error left unexplained are ruled out (a Hint otherwise)."""
    diagnose(trial)
    inbox = trial.lab.inbox
    if not inbox:
        unexplained_error(trial)
        raise Hint(_(texts.MESSAGE_ARRIVED_STEPS))
    if len(inbox) > 1:
        raise Hint(_("{count} messages arrived; send exactly one.").format(count=len(inbox)))
    message = inbox[0]
    if message.mail_from.lower() != SENDER:
        raise Hint(_(texts.ENVELOPE_SENDER_SEND).format(got=message.mail_from, want=SENDER))
    if [r.lower() for r in message.rcpt_tos] != [RECIPIENT]:
        raise Hint(_(texts.ENVELOPE_RECIPIENTS_SEND).format(got=message.rcpt_tos, want=RECIPIENT))
    headers, ended, first = header_section(message.data)
    if headers and not ended and first:  # a header section, then a line that is none
        line = first.rstrip(b"\r\n").decode("utf-8", "replace")
        raise Hint(_(texts.NO_EMPTY_LINE).format(line=line))
    unexplained_error(trial)
    return message


def _verify_conversation(trial: Any) -> str:
    message = _message_arrived(trial)
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
    message = _message_arrived(trial)
    data = message.data
    headers, ended, _first = header_section(data)  # no field, then the empty line: ended
    body = data[len(headers) :].split(b"\n", 1)[1] if ended else data
    if body != ELLIPSIS_BODY:
        if body == ELLIPSIS_BODY.replace(b"...and", b"..and"):
            raise Hint(_(texts.BODY_ARRIVED_HI))
        raise Hint(_(texts.BODY_ARRIVED_SHOULD).format(got=body, want=ELLIPSIS_BODY))
    final = check_returned_reply(trial)
    return _(texts.BODY_ARRIVED_LINE).format(final=final)
