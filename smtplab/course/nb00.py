"""Checks for notebook 00 · Start here: ``send_first(lab)`` sends one message with
:mod:`smtplib` and returns what ``send_message`` returned (judged from the lab's inbox
and log); ``outcome(code)`` says what a reply code's first digit means, asked about
codes a real lab answered."""

from __future__ import annotations

import smtplib
from collections.abc import Callable

from ..lab import LabServer
from .harness import TRIED, Hint, Result, answers_to, evaluate, strict_lab

__all__ = ["OUTCOMES", "check_outcome", "check_send_first", "former_word_hint"]

SENDER = "alice@example.com"
RECIPIENTS = ("bob@example.com", "carol@example.com")
SUBJECT = "My first message"

OUTCOMES = {2: "done", 3: "go on", 4: "retry later", 5: "give up"}
"""What the first digit of a reply code says (RFC 5321 §4.2.1), in the series' words:
notebooks 00, 02 and 07 use the same ones (5xx: "give up", or fix and resend; notebook 07
tells the two apart)."""

_FORMER_WORDS = {"try later": "retry later", "failed": "give up", "fail": "give up"}
"""Words the notebooks used before the series agreed on one vocabulary (issue 16)."""


def former_word_hint(answer: object, who_said: str, expected: str) -> str | None:
    """The hint for a learner who answers with a former word ("try later", "failed"):
    name the series' word rather than fail without saying why; None for any other answer.
    ``who_said`` starts the sentence ("outcome(451) said", "for '451 ...' you said")."""
    if not isinstance(answer, str) or answer.strip().lower() not in _FORMER_WORDS:
        return None
    return (
        f"{who_said} {answer!r}, a word this series no longer uses: a 4xx reply is "
        "'retry later' and a 5xx reply 'give up' (the same words in notebooks 00, 02 and "
        f"07). Here the answer is {expected!r}."
    )


# --- exercise 1: send_first(lab) ------------------------------------------------------------


def check_send_first(send_first: Callable[[LabServer], object]) -> Result:
    """Run ``send_first(lab)`` against a fresh (strict) lab and check what arrived and
    what it returned (``send_message``'s dict of refused recipients)."""
    with strict_lab() as lab:

        def attempt() -> object:
            try:
                return send_first(lab)
            except ConnectionRefusedError:
                raise Hint(
                    "nothing answered where your code connected: the lab listens on its own "
                    "host and port, picked when it starts. Use the lab you are given "
                    "(lab.host, lab.port), not a port number you typed."
                ) from None

        return evaluate(
            "your first message",
            attempt,
            lambda value: _verify_first(lab, value),
            lab=lab,
            returns="what send_message returned (the recipients it refused)",
        )


def _verify_first(lab: LabServer, value: object) -> str:
    if not lab.inbox:
        said = [text for session in lab.sessions for text in session.received_lines()]
        if not said:
            raise Hint(
                "the lab received no connection: connect to the lab you are given, at its "
                "host and port (lab.host, lab.port: the lab picks its own port)."
            )
        if not any(text.upper().startswith("DATA") for text in said):
            raise Hint(
                "you connected but sent no message: the message goes out with send_message, "
                "while the connection is open."
            )
        raise Hint("the lab saw a message start but did not accept it; read lab.sessions[-1].")
    if len(lab.inbox) > 1:
        raise Hint(f"{len(lab.inbox)} messages arrived; send exactly one.")
    message = lab.inbox[0]
    if message.mail_from != SENDER:
        raise Hint(
            f"the envelope sender is {message.mail_from!r}, not {SENDER!r}: send_message "
            "takes the envelope sender (MAIL FROM) from the message's From header."
        )
    missing = [r for r in RECIPIENTS if r not in message.rcpt_tos]
    if missing:
        raise Hint(
            f"{', '.join(missing)} did not get it: send_message sends one RCPT TO for each "
            "address in the To header, so every recipient must be listed there."
        )
    if message.subject != SUBJECT:
        raise Hint(f"the subject arrived as {message.subject!r}; it should be {SUBJECT!r}.")
    if value is not TRIED and value != {}:
        raise Hint(
            f"the message arrived, but your function returned {value!r}. Return what "
            "send_message gave back: the recipients the server refused (none here)."
        )
    return (
        f"one message from {SENDER} to {len(message.rcpt_tos)} recipients arrived, queued as "
        f"{message.queue_id}: the server sent RCPT TO once per recipient."
    )


# --- exercise 2: outcome(code) --------------------------------------------------------------


def _real_codes() -> list[int]:
    """Reply codes a real lab answers: greeting, EHLO, DATA, a refusal, a deferral..."""
    with LabServer() as lab:
        lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*")
        lab.fail("MAIL", "451 4.7.1 Try again later", times=1)
        with smtplib.SMTP(lab.host, lab.port, local_hostname="learner.example") as smtp:
            codes = [smtp.ehlo()[0], smtp.mail(SENDER)[0], smtp.mail(SENDER)[0]]
            codes += [smtp.rcpt("nobody@example.com")[0], smtp.rcpt("bob@example.com")[0]]
            codes += [smtp.docmd("DATA")[0], smtp.docmd(".")[0], smtp.docmd("VRFY")[0]]
        return [220, *codes, 221]


def check_outcome(outcome: Callable[[int], object]) -> Result:
    """Ask ``outcome(code)`` about codes a real lab answered, and check each answer."""
    codes = _real_codes()

    def verify(value: object) -> str:
        assert isinstance(value, list)
        for code, answer in zip(codes, value, strict=True):
            expected = OUTCOMES[code // 100]
            if answer == expected:
                continue
            former = former_word_hint(answer, f"outcome({code}) said", expected)
            if former is not None:
                raise Hint(former)
            if answer not in OUTCOMES.values():
                raise Hint(
                    f"outcome({code}) returned {answer!r}; answer one of "
                    f"{', '.join(repr(v) for v in OUTCOMES.values())}."
                )
            if code // 100 in (4, 5) and answer in ("retry later", "give up"):
                raise Hint(
                    f"outcome({code}) said {answer!r}: 4xx means the failure is temporary "
                    "(retry later), 5xx that it is permanent (give up, or fix the command "
                    "and send it again)."
                )
            if code // 100 == 3:
                raise Hint(
                    f"outcome({code}) said {answer!r}: a 3xx reply is not the end, the "
                    "server waits for more from you (354 after DATA asks for the message)."
                )
            raise Hint(
                f"outcome({code}) said {answer!r}: look only at the first digit of the "
                "code, not the whole code (RFC 5321 §4.2.1)."
            )
        return f"right for all {len(codes)} codes the lab answered: {sorted(set(codes))}."

    return evaluate("what a code says", lambda: answers_to(outcome, codes), verify)
