"""Notebook 07's sends against labs with faults set: what a lab saw of a run of the
learner's function (how many ``MAIL`` commands arrived, how far apart, what reached the
inbox), shared with ``undelivered``'s check (nb07.py), and the check of
``send_with_retry`` (retry a 4xx after a pause, never a 5xx), public from
``smtplab.course.nb07``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..errors import Disconnected, ReplyError, Timeout
from ..i18n import _
from ..lab import LabServer
from ..message import compose
from ..replies import Reply
from . import nb07_texts as texts
from .harness import TRIED, Hint, Result, evaluate, raised_hint, strict_refusal
from .labs import strict_lab
from .reading import require_line_end, verb

__all__: list[str] = []  # public as smtplab.course.nb07 (check_retry)

MIN_PAUSE = 0.1
"""Seconds a retry must wait after a 4xx (the notebook suggests ``time.sleep(0.2)``)."""

_TOO_MANY = 6  # this many MAIL attempts or more: the function does not stop
_TRIES = 3  # the notebook asks for "3 tries in all"

# --- the labs' facts --------------------------------------------------------------------


@dataclass
class Run:
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


def facts(lab: LabServer, value: object) -> Run:
    lines = [line for session in lab.sessions for line in session.lines]
    times = [line.time for line in lines if line.kind == "command" and verb(line) == "MAIL"]
    return Run(
        value=value,
        line_times=sorted(line.time for line in lines),
        mail_times=sorted(times),
        sessions=len(lab.sessions),
        delivered=[list(m.rcpt_tos) for m in lab.inbox],
    )


def describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def run_on_lab(
    function: Callable[[LabServer, Any], object],
    setup: Callable[[LabServer], object],
    msg: Any,
    what: str,
    escaped: Callable[[Exception, str], str | None],
) -> Run:
    """Run the learner's ``function(lab, msg)`` on a strict lab that ``setup`` prepared: the
    lab's facts. An error the function lets escape becomes the hint ``escaped(error,
    what)``, or one that names it and ``what`` when that is None: the later scenarios run
    inside the verifier, where an error would leave the check as a traceback."""
    with strict_lab() as lab:
        setup(lab)
        try:
            value = function(lab, msg)
        except NotImplementedError:
            raise
        except Exception as exc:
            _refused_line_end(lab)
            hint = escaped(exc, what)
            if hint is None and isinstance(exc, UnboundLocalError):  # `except ... as err` ended
                hint = _(texts.NAME_FORGOTTEN).format(what=what, error=exc)
            if hint is None:
                hint = _(texts.CODE_RAISED_IN).format(what=what, raised=raised_hint(exc))
            raise Hint(hint) from None
        _refused_line_end(lab)
        return facts(lab, value)


def _refused_line_end(lab: LabServer) -> None:
    """Raise the line-end hint every notebook gives when the strict lab hung up on a bare
    LF or CR (the learner's code then fails, or gives up, for another reason)."""
    refusal = strict_refusal(lab)
    if refusal is None:
        return
    for session in lab.sessions:
        for line in session.lines:
            if line.direction == "C" and line.kind == "command":
                require_line_end(line, _("every command"))
    raise Hint(refusal)


def first_run(run: Run, runs: list[Run]) -> Run | None:
    """The first run, kept in ``runs``; None when the function returned nothing (the
    harness then judges what the lab saw, or says "not tried")."""
    runs.append(run)
    return None if run.value is None or run.value is Ellipsis else run


# --- exercise 2: send_with_retry(lab, msg) ----------------------------------------------

_GREYLIST = "451 4.7.1 Try again later"


def _retry_message() -> Any:
    return compose(
        sender="alice@example.com",
        to="bob@example.com",
        subject="Try, try again",  # i18n: keep the message sent to the lab (data)
        body="Sent with a retry loop.\n",  # i18n: keep the message sent to the lab (data)
    )


def _retry_escaped(exc: Exception, what: str) -> str | None:
    if isinstance(exc, Disconnected):
        return _(texts.CODE_RAISED_DISCONNECTED).format(what=what, error=exc)
    if isinstance(exc, Timeout):
        return _(texts.CODE_RAISED_TIMEOUT).format(what=what, error=exc)
    if isinstance(exc, ReplyError):
        return _(texts.FUNCTION_LET_ESCAPE).format(
            what=what, error=type(exc).__name__, code=exc.code
        )
    return None


def _retry(
    send_with_retry: Callable[[LabServer, Any], object],
    setup: Callable[[LabServer], object],
    what: str,
) -> Run:
    return run_on_lab(send_with_retry, setup, _retry_message(), what, _retry_escaped)


def _attempt_retry(
    send_with_retry: Callable[[LabServer, Any], object], runs: list[Run]
) -> Run | None:
    return first_run(
        _retry(
            send_with_retry,
            lambda lab: lab.fail("RCPT", _GREYLIST, times=1),  # greylisting defers at RCPT TO
            _("greylisting (451 once)"),
        ),
        runs,
    )


def _code_of(run: Run, what: str, work_only: bool) -> int | None:
    """The code of the Reply the run returned; None when only the work is judged (the
    function returns nothing: the harness says so)."""
    return None if work_only and run.value is None else _reply_of(run, what).code


def _reply_of(run: Run, what: str) -> Reply:
    if not isinstance(run.value, Reply):
        raise Hint(_(texts.FUNCTION_RETURNED_RETURN).format(what=what, value=describe(run.value)))
    return run.value


def _verify_retry(
    send_with_retry: Callable[[LabServer, Any], object], runs: list[Run]
) -> Callable[[object], str]:
    def verify(value: object) -> str:
        work_only = value is TRIED
        first = runs[-1]
        what = _("greylisting (451 once, then OK)")
        if first.attempts == 0:
            raise Hint(_(texts.LAB_RECEIVED_MAIL).format(what=what))
        if first.attempts == 1:
            raise Hint(_(texts.NO_RETRY_AFTER_451).format(what=what))
        if len(first.delivered) > 1:
            raise Hint(_(texts.MESSAGE_ARRIVED_TIMES).format(what=what, count=len(first.delivered)))
        pause = first.pauses()[0]
        if pause < MIN_PAUSE:
            raise Hint(
                _(texts.TRIED_AGAIN_AFTER).format(
                    what=what, waited=f"{pause * 1000:.0f}", least=f"{MIN_PAUSE:g}"
                )
            )
        if not first.delivered:
            raise Hint(_("{what}: the second try did not deliver the message.").format(what=what))
        code = _code_of(first, what, work_only)
        if code not in (250, None):
            raise Hint(_(texts.MESSAGE_ARRIVED_RETURNED).format(what=what, code=code))

        what = _("a permanent refusal (550 at MAIL)")
        run = _retry(
            send_with_retry,
            lambda lab: lab.fail("MAIL", "550 5.7.1 Sender refused by policy", times=5),
            what,
        )
        if run.attempts > 1:
            raise Hint(_(texts.RETRIED_A_5XX).format(what=what, count=run.attempts))
        if _code_of(run, what, work_only) not in (550, None):
            raise Hint(_("{what}: return err.reply (the 550) when you give up.").format(what=what))

        what = _("a server that always answers 451")
        run = _retry(
            send_with_retry,
            lambda lab: lab.fail("RCPT", _GREYLIST, times=_TOO_MANY),
            what,
        )
        if run.attempts >= _TOO_MANY:
            raise Hint(_(texts.TRIED_TIMES_WOULD).format(what=what, count=run.attempts))
        if run.attempts < 2:
            raise Hint(_("{what}: you tried only once; retry after a 4xx.").format(what=what))
        if run.attempts != _TRIES:
            asked = _(texts.TRIES_NOT_ASKED)
            raise Hint(
                asked.format(what=what, count=run.attempts, asked=_TRIES, retries=_TRIES - 1)
            )
        pause = min(run.pauses())
        if pause < MIN_PAUSE:  # every retry waits, not only the first
            waited, least = f"{pause * 1000:.0f}", f"{MIN_PAUSE:g}"
            raise Hint(_(texts.TRIED_AGAIN_AFTER).format(what=what, waited=waited, least=least))
        if _code_of(run, what, work_only) not in (451, None):
            raise Hint(_(texts.RETURN_ERR_REPLY).format(what=what))
        endless = run.attempts

        what = _("a server that closes with 421 once")
        run = _retry(
            send_with_retry,
            lambda lab: lab.fail(
                "MAIL", "421 4.3.2 System not accepting network messages", times=1
            ),
            what,
        )
        if len(run.delivered) != 1 or _code_of(run, what, work_only) not in (250, None):
            raise Hint(_(texts.MESSAGE_SHOULD_ARRIVE).format(what=what, count=len(run.delivered)))
        return _(texts.RETRIED_AFTER_AFTER).format(count=endless)

    return verify


def check_retry(send_with_retry: Callable[[LabServer, Any], object]) -> Result:
    """Run ``send_with_retry(lab, msg)`` against greylisting, 550, endless 451 and 421."""
    runs: list[Run] = []
    return evaluate(
        "send_with_retry",
        lambda: _attempt_retry(send_with_retry, runs),
        _verify_retry(send_with_retry, runs),
        returns=_(texts.LAST_REPLY_WHAT),
    )
