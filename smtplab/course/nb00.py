"""Checks for notebook 00 · Start here: ``send_first(lab)`` sends one message with
:mod:`smtplib` and returns what ``send_message`` returned (judged from the lab's inbox
and log); ``outcome(code)`` says what a reply code's first digit means, asked about
codes a real lab answered."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from email.utils import getaddresses
from typing import Any

from ..i18n import N_, _
from ..lab import LabPolicy, LabServer
from . import labs
from . import nb00_texts as texts
from .harness import TRIED, Hint, Result, answers_to, evaluate
from .labs import strict_lab

__all__ = ["check_outcome", "check_send_first"]

SENDER = "alice@example.com"
RECIPIENTS = ("bob@example.com", "carol@example.com")
SUBJECT = "My first message"  # i18n: keep the Subject the exercise asks the learner to send

OUTCOMES = {2: N_("done"), 3: N_("go on"), 4: N_("retry later"), 5: N_("give up")}
"""What the first digit of a reply code says (RFC 5321 §4.2.1), in the series' words:
notebooks 00, 02 and 07 use the same ones (5xx: "give up", or fix and resend; notebook 07
tells the two apart). The checks take these English words, or their translation in the
language chosen (:func:`same_word`): the answers are compared, the hints quote them."""


def same_word(answer: object, word: str) -> bool:
    """True when *answer* is the series' *word* (English), or its translation in the
    current language (a learner of the Chinese series may return "稍后重试")."""
    return answer == word or answer == _(word)


def is_outcome_word(answer: object) -> bool:
    """True when *answer* is one of the OUTCOMES words (English or translated)."""
    return any(same_word(answer, word) for word in OUTCOMES.values())


_FORMER_WORDS = {"try later": "retry later", "failed": "give up", "fail": "give up"}
"""Words the notebooks used before the series agreed on one vocabulary (issue 16)."""


def former_word_hint(answer: object, who_said: str, expected: str) -> str | None:
    """The hint for a learner who answers with a former word ("try later", "failed"):
    name the series' word rather than fail without saying why; None for any other answer.
    ``who_said`` starts the sentence ("outcome(451) said", "for '451 ...' you said")."""
    if not isinstance(answer, str) or answer.strip().lower() not in _FORMER_WORDS:
        return None
    return _(texts.WORD_SERIES_LONGER).format(who_said=who_said, answer=answer, expected=expected)


# --- exercise 1: send_first(lab) ------------------------------------------------------------


def check_send_first(send_first: Callable[[LabServer], object]) -> Result:
    """Run ``send_first(lab)`` against a fresh (strict) lab and check what arrived and
    what it returned (``send_message``'s dict of refused recipients)."""
    quick = LabPolicy(idle_timeout=labs.LINE_WAIT, tls_handshake_timeout=2.0)
    with strict_lab(policy=quick) as lab:  # a plain client on tls_port: dropped after 2 s

        def attempt() -> object:
            try:
                return send_first(lab)
            except ConnectionRefusedError:
                raise Hint(_(texts.NOTHING_ANSWERED_WHERE)) from None
            except Exception:  # smtplib.SMTP on the implicit-TLS port: no plain greeting
                if any(s.listener == "tls" and not s.tls for s in lab.sessions):
                    raise Hint(_(texts.PLAIN_ON_TLS_PORT)) from None
                raise

        return evaluate(
            _("your first message"),
            attempt,
            lambda value: _verify_first(lab, value),
            lab=lab,
            returns=_(texts.WHAT_SEND_MESSAGE),
        )


def _verify_first(lab: LabServer, value: object) -> str:
    if not lab.inbox:
        said = [text for session in lab.sessions for text in session.received_lines()]
        if not said:
            raise Hint(_(texts.LAB_RECEIVED_CONNECTION))
        if not any(text.upper().startswith("DATA") for text in said):
            raise Hint(_(texts.CONNECTED_SENT_MESSAGE))
        raise Hint(_("the lab saw a message start but did not accept it; read lab.sessions[-1]."))
    if len(lab.inbox) > 1:
        raise Hint(_("{count} messages arrived; send exactly one.").format(count=len(lab.inbox)))
    message = lab.inbox[0]
    if message.mail_from.lower() != SENDER:  # in any case, as notebook 02's check takes it
        raise Hint(_(texts.ENVELOPE_SENDER_SEND).format(got=message.mail_from, want=SENDER))
    arrived_to = [r.lower() for r in message.rcpt_tos]  # a domain is case-insensitive (§2.4)
    missing = [r for r in RECIPIENTS if r not in arrived_to]
    if missing:
        headers = message.data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace").lower()
        fields = [str(v) for name in ("To", "Cc") for v in message.message.get_all(name, [])]
        read = {address.lower() for _name, address in getaddresses(fields)}
        if all(r in headers and r not in read for r in missing):  # written, read as no address
            raise Hint(_(texts.IN_HEADER_NOT_READ).format(missing=", ".join(missing)))
        raise Hint(_(texts.DID_GET_SEND).format(missing=", ".join(missing)))
    if message.subject != SUBJECT:
        raise Hint(  # the header's name stays as it is (a protocol token)
            _(texts.WRONG_HEADER).format(header="subject", got=message.subject, want=SUBJECT)
        )
    if value is not TRIED and value != {}:
        raise Hint(_(texts.MESSAGE_ARRIVED_FUNCTION).format(value=value))
    return _(texts.ONE_MESSAGE_FROM).format(
        sender=SENDER, count=len(message.rcpt_tos), queue_id=message.queue_id
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
            if same_word(answer, expected):
                continue
            said = _("outcome({code}) said").format(code=code)
            former = former_word_hint(answer, said, expected)
            if former is not None:
                raise Hint(former)
            if not is_outcome_word(answer):
                raise Hint(
                    _(texts.OUTCOME_RETURNED_ANSWER).format(
                        code=code,
                        answer=answer,
                        words=", ".join(repr(v) for v in OUTCOMES.values()),
                    )
                )
            if code // 100 in (4, 5) and (
                same_word(answer, OUTCOMES[4]) or same_word(answer, OUTCOMES[5])
            ):
                raise Hint(_(texts.OUTCOME_4XX_WRONG).format(code=code, answer=answer))
            if code // 100 == 3:
                raise Hint(_(texts.OUTCOME_3XX_WRONG).format(code=code, answer=answer))
            raise Hint(_(texts.OUTCOME_SAID_LOOK).format(code=code, answer=answer))
        return _(texts.RIGHT_ALL_CODES).format(count=len(codes), codes=sorted(set(codes)))

    def attempt() -> list[Any] | None:
        try:
            return answers_to(outcome, codes)
        except (TypeError, AttributeError) as error:  # "250"[0] on an int, code.startswith
            if "'int' object" not in str(error):
                raise
            raise Hint(
                _(texts.CODE_IS_AN_INT).format(name=type(error).__name__, error=error)
            ) from None

    return evaluate(_("what a code says"), attempt, verify)
