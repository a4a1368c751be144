"""Checks for notebook 07 · When things go wrong: ``decide(reply)`` on 4xx and 5xx replies,
and ``send_with_retry`` (retry a 4xx, never a 5xx; in :mod:`.nb07_retry`, public from here)
and ``undelivered``, judged against labs with faults set from what the labs saw."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import RecipientRefused
from ..i18n import _
from ..lab import LabServer
from ..message import compose
from ..replies import Reply
from . import nb07_texts as texts
from .harness import TRIED, Hint, Result, evaluate, untouched
from .nb07_retry import Run, check_retry, describe, first_run, run_on_lab

__all__ = ["check_decide", "check_retry", "check_undelivered"]

DECISIONS = ("retry later", "fix and resend", "give up")  # i18n: keep the answers (compared)
"""The three answers ``decide`` may give."""


# --- exercise 1: decide(reply) ----------------------------------------------------------


@dataclass(frozen=True)
class _Case:
    line: str
    expected: str
    why: str  # the hint when the answer is wrong (marked N_, translated when shown)
    detail: str  # what fills the why's {detail} (marked N_), or ""
    extra: str  # a sentence after the why (marked N_), or ""

    def hint(self) -> str:
        """The why, in the current language, for this case's reply line."""
        detail = _(self.detail) if self.detail else ""
        return _(self.why).format(line=self.line, detail=detail) + (
            _(self.extra) if self.extra else ""
        )

    @property
    def reply(self) -> Reply:
        code, _sep, text = self.line.partition(" ")
        return Reply.from_text(int(code), text)


_DECIDE_CASES = tuple(_Case(*row) for row in texts.DECIDE_CASES)


def _decide_answers(decide: Callable[[Reply], object]) -> list[object] | None:
    answers: list[object] = []
    for case in _DECIDE_CASES:
        try:
            answer = decide(case.reply)
        except NotImplementedError:
            raise
        except AttributeError as exc:
            if case.reply.enhanced is None and "NoneType" in str(exc):
                raise Hint(_(texts.DECIDE_REPLY_RAISED).format(line=case.line, error=exc)) from None
            raise
        answers.append(answer)
    return None if untouched(answers) else answers


def _verify_decide(answers: object) -> str:
    assert isinstance(answers, list)
    for case, answer in zip(_DECIDE_CASES, answers, strict=True):
        if answer not in DECISIONS:
            choices = ", ".join(repr(d) for d in DECISIONS)
            raise Hint(
                _(texts.DECIDE_REPLY_RETURNED).format(
                    line=case.line, answer=answer, choices=choices
                )
            )
        if answer != case.expected:
            raise Hint(
                _(texts.DECIDE_WRONG_ANSWER).format(line=case.line, answer=answer) + case.hint()
            )
    return _(texts.ALL_REPLIES_READ).format(count=len(_DECIDE_CASES))


def check_decide(decide: Callable[[Reply], object]) -> Result:
    """Check ``decide(reply)`` on 4xx and 5xx replies, with and without enhanced codes."""
    return evaluate("decide", lambda: _decide_answers(decide), _verify_decide)


# --- exercise 3: undelivered(lab, msg) --------------------------------------------------

_NOBODY = "nobody@example.com"


def _team_message(to: Iterable[str], cc: Iterable[str] = ()) -> Any:
    return compose(
        sender="alice@example.com",
        to=list(to),
        cc=list(cc),
        subject="Team lunch",
        body="Friday at noon?\n",  # i18n: keep the message sent to the lab (data)
    )


def _undelivered_escaped(exc: Exception, what: str) -> str | None:
    if isinstance(exc, RecipientRefused):
        return _(texts.FUNCTION_LET_RECIPIENTREFUSED).format(
            what=what, code=exc.code, recipient=exc.recipient
        )
    return None


def _addresses(value: object, what: str) -> set[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise Hint(_(texts.FUNCTION_RETURNED_RETURN_LIST).format(what=what, value=describe(value)))
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise Hint(
            _(texts.RETURN_ADDRESSES_STRINGS).format(
                what=what, nobody=_NOBODY, items=describe(items)
            )
        )
    return {item.lower() for item in items}


def _attempt_undelivered(
    undelivered: Callable[[LabServer, Any], object], runs: list[Run]
) -> Run | None:
    return first_run(
        run_on_lab(
            undelivered,
            lambda lab: lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*"),
            _team_message(["bob@example.com", _NOBODY], ["carol@example.com"]),
            _("one unknown recipient"),
            _undelivered_escaped,
        ),
        runs,
    )


def _verify_undelivered(
    undelivered: Callable[[LabServer, Any], object], runs: list[Run]
) -> Callable[[object], str]:
    def verify(value: object) -> str:
        work_only = value is TRIED  # returned nothing: judge only what the lab saw
        first = runs[-1]
        what = _("one unknown recipient (bob, nobody, carol)")
        if not first.delivered:
            raise Hint(_(texts.MESSAGE_ARRIVED_SEND).format(what=what))
        if work_only:
            return _("the lab delivered to the others (the return is judged once you add it)")
        if first.value is None:
            raise Hint(_(texts.FUNCTION_RETURNED_NONE).format(what=what))
        got = _addresses(first.value, what)
        if not got:
            raise Hint(_(texts.RETURNED_ONE_SERVER).format(what=what, nobody=_NOBODY))
        if got != {_NOBODY}:
            raise Hint(
                _(texts.RETURNED_ONLY_REFUSED).format(
                    what=what,
                    got=sorted(got),
                    nobody=_NOBODY,
                    delivered=", ".join(first.delivered[0]),
                )
            )

        what = _("every recipient unknown")
        everyone = ["nobody@example.com", "nobody@example.org"]
        run = run_on_lab(
            undelivered,
            lambda lab: lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*"),
            _team_message(everyone),
            what,
            _undelivered_escaped,
        )
        if run.delivered:
            raise Hint(_(texts.MESSAGE_ARRIVED_WHICH).format(what=what))
        if run.value is None:
            raise Hint(_(texts.RETURNED_NONE_EVERYONE).format(what=what))
        got = _addresses(run.value, what)
        if got != set(everyone):
            raise Hint(
                _(texts.RETURNED_NOBODY_GOT).format(what=what, got=sorted(got), everyone=everyone)
            )

        what = _("everyone known")
        run = run_on_lab(
            undelivered,
            lambda lab: None,
            _team_message(["bob@example.com"], ["carol@example.com"]),
            what,
            _undelivered_escaped,
        )
        if len(run.delivered) != 1:
            raise Hint(
                _(texts.MESSAGE_SHOULD_ARRIVE_ONCE).format(what=what, count=len(run.delivered))
            )
        if run.value is None:
            raise Hint(_(texts.RETURNED_NONE_RETURN).format(what=what))
        got = _addresses(run.value, what)
        if got:
            raise Hint(_(texts.EVERYONE_GOT_MESSAGE).format(what=what, got=sorted(got)))
        return _(texts.RIGHT_ALL_THREE)

    return verify


def check_undelivered(undelivered: Callable[[LabServer, Any], object]) -> Result:
    """Run ``undelivered(lab, msg)`` with one, all and no recipients refused."""
    runs: list[Run] = []
    return evaluate(
        "undelivered",
        lambda: _attempt_undelivered(undelivered, runs),
        _verify_undelivered(undelivered, runs),
        returns=_(texts.LIST_ADDRESSES_DID),
    )
