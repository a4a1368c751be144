"""Checks for notebook 07 · When things go wrong: ``decide(reply)``, ``send_with_retry``
(retry a 4xx, never a 5xx) and ``undelivered``, judged against labs with faults set: how
many ``MAIL`` commands arrived, how far apart, and what reached the inbox."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..errors import Disconnected, RecipientRefused, ReplyError, Timeout
from ..i18n import N_, _
from ..lab import LabServer
from ..message import compose
from ..replies import Reply
from .harness import TRIED, Hint, Result, evaluate, untouched
from .labs import strict_lab
from .reading import verb

__all__ = ["check_decide", "check_retry", "check_undelivered"]

DECISIONS = ("retry later", "fix and resend", "give up")  # i18n: keep the answers (compared)
"""The three answers ``decide`` may give."""

MIN_PAUSE = 0.1
"""Seconds a retry must wait after a 4xx (the notebook suggests ``time.sleep(0.2)``)."""

_TOO_MANY = 6  # this many MAIL attempts or more: the function does not stop


# --- exercise 1: decide(reply) ----------------------------------------------------------


@dataclass(frozen=True)
class _Case:
    line: str
    expected: str
    why: str  # the hint when the answer is wrong (marked N_, translated when shown)
    detail: str = ""  # what fills the why's {detail} (marked N_)
    extra: str = ""  # a sentence after the why (marked N_)

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


_RETRY_WHY = N_(
    "{line!r} starts with 4: a temporary failure (RFC 5321 §4.2.1). Whatever the rest "
    "says, the same message may get through later: answer 'retry later'."
)
_GIVE_UP_WHY = N_(
    "{line!r} is a 5xx: permanent. {detail} Nothing you can change in your message "
    "makes it work, so answer 'give up' (and tell the sender)."
)

_DECIDE_CASES: tuple[_Case, ...] = (
    _Case("451 4.7.1 Try again later", "retry later", _RETRY_WHY),
    _Case(
        "421 4.3.2 System not accepting network messages",
        "retry later",
        _RETRY_WHY,
        extra=N_(" (421 also closes the connection: you will need a new one.)"),
    ),
    _Case("450 Mailbox busy", "retry later", _RETRY_WHY),
    _Case(
        "550 5.1.1 No such user",
        "give up",
        _GIVE_UP_WHY,
        N_("5.1.1: the mailbox does not exist."),
    ),
    _Case(
        "554 5.7.1 Relay access denied",
        "give up",
        _GIVE_UP_WHY,
        N_("5.7.1: the server's policy refuses it."),
    ),
    _Case(
        "550 Mailbox unavailable",
        "give up",
        _GIVE_UP_WHY,
        N_("It has no enhanced code, and 5x0 is no syntax error."),
    ),
    _Case(
        "500 5.5.2 Syntax error, command unrecognized",
        "fix and resend",  # i18n: keep an answer decide() returns (compared)
        N_(
            "{line!r}: the second digit is 0 (x0z, syntax, RFC 5321 §4.2.1): the command you "
            "sent was wrong. Fix it and send again: answer 'fix and resend'."
        ),
    ),
    _Case(
        "501 Syntax error in parameters or arguments",
        "fix and resend",  # i18n: keep an answer decide() returns (compared)
        N_(
            "{line!r}: the second digit is 0 (x0z, syntax): your command's arguments were "
            "wrong; this reply has no enhanced code, so read reply.code. Answer 'fix and resend'."
        ),
    ),
    _Case(
        "552 5.3.4 Message too big for system",
        "fix and resend",  # i18n: keep an answer decide() returns (compared)
        N_(
            "{line!r}: the enhanced code 5.3.4 says the message is too big. Make it smaller "
            "(or send a link instead of the attachment) and send again: 'fix and resend'."
        ),
    ),
    _Case(
        "535 5.7.8 Authentication credentials invalid",
        "fix and resend",  # i18n: keep an answer decide() returns (compared)
        N_(
            "{line!r}: 5.7.8 means a wrong user name or password (for many providers: use the "
            "app password or authorization code). Fix them and try again: 'fix and resend'."
        ),
    ),
    _Case(
        "552 5.2.2 Mailbox full",
        "give up",
        N_(
            "{line!r}: the code 552 alone does not mean 'too big': here the enhanced code "
            "5.2.2 says the recipient's mailbox is full, which you cannot fix. Read "
            "reply.enhanced (5.3.4 only is 'fix and resend'): answer 'give up'."
        ),
    ),
)


def _decide_answers(decide: Callable[[Reply], object]) -> list[object] | None:
    answers: list[object] = []
    for case in _DECIDE_CASES:
        try:
            answer = decide(case.reply)
        except NotImplementedError:
            raise
        except AttributeError as exc:
            if case.reply.enhanced is None and "NoneType" in str(exc):
                raise Hint(
                    _(
                        "decide(Reply {line!r}) raised AttributeError ({error}): this reply "
                        "has no enhanced code, so reply.enhanced is None. Check "
                        "`reply.enhanced is not None` before reading its parts."
                    ).format(line=case.line, error=exc)
                ) from None
            raise
        answers.append(answer)
    return None if untouched(answers) else answers


def _verify_decide(answers: object) -> str:
    assert isinstance(answers, list)
    for case, answer in zip(_DECIDE_CASES, answers, strict=True):
        if answer not in DECISIONS:
            choices = ", ".join(repr(d) for d in DECISIONS)
            raise Hint(
                _(
                    "decide(Reply {line!r}) returned {answer!r}: return exactly one of {choices}."
                ).format(line=case.line, answer=answer, choices=choices)
            )
        if answer != case.expected:
            raise Hint(
                _("decide(Reply {line!r}) returned {answer!r}. ").format(
                    line=case.line, answer=answer
                )
                + case.hint()
            )
    return _(
        "all {count} replies read right: the first digit first (4 retry, "
        "5 do not), then the second digit and the enhanced code to tell 'fix' from 'give up'."
    ).format(count=len(_DECIDE_CASES))


def check_decide(decide: Callable[[Reply], object]) -> Result:
    """Check ``decide(reply)`` on 4xx and 5xx replies, with and without enhanced codes."""
    return evaluate("decide", lambda: _decide_answers(decide), _verify_decide)


# --- the labs' facts --------------------------------------------------------------------


@dataclass
class _Run:
    """What one run of the learner's function did, as the lab saw it."""

    value: object
    mail_times: list[float] = field(default_factory=list)
    sessions: int = 0
    delivered: list[list[str]] = field(default_factory=list)
    error: BaseException | None = None
    line_times: list[float] = field(default_factory=list)  # every line the lab logged

    @property
    def attempts(self) -> int:
        return len(self.mail_times)

    def pauses(self) -> list[float]:
        """Between two tries, the longest silence on the lab's side: a retry's wait, not
        the round trips of RSET, QUIT, a new connection and EHLO (slow on a busy machine)."""
        found = []
        for start, end in zip(self.mail_times, self.mail_times[1:], strict=False):
            between = [t for t in self.line_times if start <= t <= end]
            found.append(max(b - a for a, b in pairwise(between)))
        return found


def _facts(lab: LabServer, value: object) -> _Run:
    lines = [line for session in lab.sessions for line in session.lines]
    times = [line.time for line in lines if line.kind == "command" and verb(line) == "MAIL"]
    return _Run(
        value=value,
        line_times=sorted(line.time for line in lines),
        mail_times=sorted(times),
        sessions=len(lab.sessions),
        delivered=[list(m.rcpt_tos) for m in lab.inbox],
    )


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --- exercise 2: send_with_retry(lab, msg) ----------------------------------------------

_GREYLIST = "451 4.7.1 Try again later"


def _retry_message() -> Any:
    return compose(
        sender="alice@example.com",
        to="bob@example.com",
        subject="Try, try again",  # i18n: keep the message sent to the lab (data)
        body="Sent with a retry loop.\n",  # i18n: keep the message sent to the lab (data)
    )


def _run_retry(
    send_with_retry: Callable[[LabServer, Any], object],
    setup: Callable[[LabServer], object],
    what: str,
) -> _Run:
    with strict_lab() as lab:
        setup(lab)
        try:
            value = send_with_retry(lab, _retry_message())
        except NotImplementedError:
            raise
        except Disconnected as exc:
            raise Hint(
                _(
                    "{what}: your code raised Disconnected ({error}). After a 421 the server has "
                    "closed the connection (RFC 5321 §3.8): make a new Client for each try."
                ).format(what=what, error=exc)
            ) from None
        except Timeout as exc:
            raise Hint(
                _("{what}: your code raised Timeout ({error}).").format(what=what, error=exc)
            ) from None
        except ReplyError as exc:
            raise Hint(
                _(
                    "{what}: your function let {error} ({code}) escape. Every "
                    "refusal the server answers is a ReplyError (smtplab.errors): catch that "
                    "family, decide by the reply's first digit, and hand back its reply when "
                    "you stop."
                ).format(what=what, error=type(exc).__name__, code=exc.code)
            ) from None
        return _facts(lab, value)


def _attempt_retry(
    send_with_retry: Callable[[LabServer, Any], object], runs: list[_Run]
) -> _Run | None:
    """The first run (greylisting), kept in ``runs``; None when the function returned
    nothing (the harness then judges what the lab saw, or says "not tried")."""
    run = _run_retry(
        send_with_retry,
        lambda lab: lab.fail("RCPT", _GREYLIST, times=1),  # greylisting defers at RCPT TO
        _("greylisting (451 once)"),
    )
    runs.append(run)
    return None if run.value is None or run.value is Ellipsis else run


def _code_of(run: _Run, what: str, work_only: bool) -> int | None:
    """The code of the Reply the run returned; None when only the work is judged (the
    function returns nothing: the harness says so)."""
    return None if work_only and run.value is None else _reply_of(run, what).code


def _reply_of(run: _Run, what: str) -> Reply:
    if not isinstance(run.value, Reply):
        raise Hint(
            _(
                "{what}: your function returned {value}. Return the last Reply: "
                "the one send_message returned (250), or err.reply when you stop."
            ).format(what=what, value=_describe(run.value))
        )
    return run.value


def _verify_retry(
    send_with_retry: Callable[[LabServer, Any], object], runs: list[_Run]
) -> Callable[[object], str]:
    def verify(value: object) -> str:
        work_only = value is TRIED
        first = runs[-1]
        what = _("greylisting (451 once, then OK)")
        if first.attempts == 0:
            raise Hint(
                _("{what}: the lab received no MAIL FROM: send msg with send_message.").format(
                    what=what
                )
            )
        if first.attempts == 1:
            raise Hint(
                _(
                    "{what}: the server answered 451 (4xx: temporary) and you did not try "
                    "again. On a ReplyError whose err.is_transient is True, wait, then retry."
                ).format(what=what)
            )
        if len(first.delivered) > 1:
            raise Hint(
                _(
                    "{what}: the message arrived {count} times: stop as soon as "
                    "send_message returns (250), or the recipient gets duplicates."
                ).format(what=what, count=len(first.delivered))
            )
        pause = first.pauses()[0]
        if pause < MIN_PAUSE:
            raise Hint(
                _(
                    "{what}: you tried again after waiting {waited} ms. Wait a "
                    "little first (at least {least} s, e.g. time.sleep(0.2)): a greylisting "
                    "server accepts only a retry that comes later (a real MTA waits 30 minutes "
                    "or more, RFC 5321 §4.5.4.1)."
                ).format(what=what, waited=f"{pause * 1000:.0f}", least=f"{MIN_PAUSE:g}")
            )
        if not first.delivered:
            raise Hint(_("{what}: the second try did not deliver the message.").format(what=what))
        code = _code_of(first, what, work_only)
        if code not in (250, None):
            raise Hint(
                _("{what}: the message arrived, but you returned {code}, not 250.").format(
                    what=what, code=code
                )
            )

        what = _("a permanent refusal (550 at MAIL)")
        run = _run_retry(
            send_with_retry,
            lambda lab: lab.fail("MAIL", "550 5.7.1 Sender refused by policy", times=5),
            what,
        )
        if run.attempts > 1:
            raise Hint(
                _(
                    "{what}: you tried {count} times. A 5xx is permanent: the same "
                    "message will be refused again, so stop at once (only err.is_transient "
                    "errors are worth a retry)."
                ).format(what=what, count=run.attempts)
            )
        if _code_of(run, what, work_only) not in (550, None):
            raise Hint(_("{what}: return err.reply (the 550) when you give up.").format(what=what))

        what = _("a server that always answers 451")
        run = _run_retry(
            send_with_retry,
            lambda lab: lab.fail("RCPT", _GREYLIST, times=_TOO_MANY),
            what,
        )
        if run.attempts >= _TOO_MANY:
            raise Hint(
                _(
                    "{what}: you tried {count} times and would have gone on. Stop after "
                    "a few tries (3 in all) and return the last reply; a real MTA gives up "
                    "after some days (RFC 5321 §4.5.4.1)."
                ).format(what=what, count=run.attempts)
            )
        if run.attempts < 2:
            raise Hint(_("{what}: you tried only once; retry after a 4xx.").format(what=what))
        if _code_of(run, what, work_only) not in (451, None):
            raise Hint(
                _("{what}: return err.reply of the last try (the 451) when you stop.").format(
                    what=what
                )
            )
        endless = run.attempts

        what = _("a server that closes with 421 once")
        run = _run_retry(
            send_with_retry,
            lambda lab: lab.fail(
                "MAIL", "421 4.3.2 System not accepting network messages", times=1
            ),
            what,
        )
        if len(run.delivered) != 1 or _code_of(run, what, work_only) not in (250, None):
            raise Hint(
                _(
                    "{what}: the message should arrive on the second try (it arrived "
                    "{count} times). 421 is a 4xx: retry, on a new connection."
                ).format(what=what, count=len(run.delivered))
            )
        return _(
            "retried after 451 and after 421 (after a pause, on a new connection), gave "
            "up on an endless 451 after {count} tries, and never retried a 550."
        ).format(count=endless)

    return verify


def check_retry(send_with_retry: Callable[[LabServer, Any], object]) -> Result:
    """Run ``send_with_retry(lab, msg)`` against greylisting, 550, endless 451 and 421."""
    runs: list[_Run] = []
    return evaluate(
        "send_with_retry",
        lambda: _attempt_retry(send_with_retry, runs),
        _verify_retry(send_with_retry, runs),
        returns=_("the last Reply (what send_message returned, or err.reply)"),
    )


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


def _run_undelivered(
    undelivered: Callable[[LabServer, Any], object],
    setup: Callable[[LabServer], object],
    msg: Any,
    what: str,
) -> _Run:
    with strict_lab() as lab:
        setup(lab)
        try:
            value = undelivered(lab, msg)
        except NotImplementedError:
            raise
        except RecipientRefused as exc:
            raise Hint(
                _(
                    "{what}: your function let RecipientRefused escape ({code} for "
                    "{recipient}). When EVERY recipient is refused, send_message raises it "
                    "and sends nothing: catch it and return all of them (client.last_refused "
                    "still lists them)."
                ).format(what=what, code=exc.code, recipient=exc.recipient)
            ) from None
        return _facts(lab, value)


def _addresses(value: object, what: str) -> set[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise Hint(
            _(
                "{what}: your function returned {value}. Return a list of the "
                "addresses that did not get the message (an empty list if everyone got it)."
            ).format(what=what, value=_describe(value))
        )
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise Hint(
            _("{what}: return the addresses as strings, e.g. ['{nobody}'] (not {items}).").format(
                what=what, nobody=_NOBODY, items=_describe(items)
            )
        )
    return {item.lower() for item in items}


def _attempt_undelivered(
    undelivered: Callable[[LabServer, Any], object], runs: list[_Run]
) -> _Run | None:
    """The first run (one refused), kept in ``runs``; None when the function returned
    nothing (the harness then judges what the lab saw, or says "not tried")."""
    run = _run_undelivered(
        undelivered,
        lambda lab: lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*"),
        _team_message(["bob@example.com", _NOBODY], ["carol@example.com"]),
        _("one unknown recipient"),
    )
    runs.append(run)
    return None if run.value is None or run.value is Ellipsis else run


def _verify_undelivered(
    undelivered: Callable[[LabServer, Any], object], runs: list[_Run]
) -> Callable[[object], str]:
    def verify(value: object) -> str:
        work_only = value is TRIED  # returned nothing: judge only what the lab saw
        first = runs[-1]
        what = _("one unknown recipient (bob, nobody, carol)")
        if not first.delivered:
            raise Hint(
                _(
                    "{what}: no message arrived. Send msg with client.send_message(msg): the "
                    "server refuses nobody@ but takes the others."
                ).format(what=what)
            )
        if work_only:
            return _("the lab delivered to the others (the return is judged once you add it)")
        if first.value is None:
            raise Hint(
                _("{what}: your function returned None: return a list of addresses.").format(
                    what=what
                )
            )
        got = _addresses(first.value, what)
        if not got:
            raise Hint(
                _(
                    "{what}: you returned no one, but the server answered 550 to RCPT "
                    "TO:<{nobody}>. The final 250 only means the message was accepted for "
                    "the OTHER recipients: client.last_refused lists the refused ones."
                ).format(what=what, nobody=_NOBODY)
            )
        if got != {_NOBODY}:
            raise Hint(
                _(
                    "{what}: you returned {got}, but only {nobody} was refused (the "
                    "lab delivered to {delivered}). Return who was refused: "
                    "the client remembers each refused recipient."
                ).format(
                    what=what,
                    got=sorted(got),
                    nobody=_NOBODY,
                    delivered=", ".join(first.delivered[0]),
                )
            )

        what = _("every recipient unknown")
        everyone = ["nobody@example.com", "nobody@example.org"]
        run = _run_undelivered(
            undelivered,
            lambda lab: lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*"),
            _team_message(everyone),
            what,
        )
        if run.delivered:
            raise Hint(
                _("{what}: a message arrived, which should be impossible here.").format(what=what)
            )
        if run.value is None:
            raise Hint(
                _(
                    "{what}: you returned None. Everyone was refused (RecipientRefused): "
                    "return all the recipients."
                ).format(what=what)
            )
        got = _addresses(run.value, what)
        if got != set(everyone):
            raise Hint(
                _(
                    "{what}: you returned {got}, but nobody got the message: return "
                    "{everyone}. err.recipient names only the first refused address; "
                    "client.last_refused lists them all."
                ).format(what=what, got=sorted(got), everyone=everyone)
            )

        what = _("everyone known")
        run = _run_undelivered(
            undelivered,
            lambda lab: None,
            _team_message(["bob@example.com"], ["carol@example.com"]),
            what,
        )
        if len(run.delivered) != 1:
            raise Hint(
                _("{what}: the message should arrive once; it arrived {count} times.").format(
                    what=what, count=len(run.delivered)
                )
            )
        if run.value is None:
            raise Hint(
                _("{what}: you returned None: return an empty list when everyone got it.").format(
                    what=what
                )
            )
        got = _addresses(run.value, what)
        if got:
            raise Hint(
                _("{what}: everyone got the message, but you returned {got}.").format(
                    what=what, got=sorted(got)
                )
            )
        return _(
            "right in all three cases: one refused (the others still got it), all refused "
            "(nothing sent), none refused."
        )

    return verify


def check_undelivered(undelivered: Callable[[LabServer, Any], object]) -> Result:
    """Run ``undelivered(lab, msg)`` with one, all and no recipients refused."""
    runs: list[_Run] = []
    return evaluate(
        "undelivered",
        lambda: _attempt_undelivered(undelivered, runs),
        _verify_undelivered(undelivered, runs),
        returns=_("the list of addresses that did not get the message"),
    )
