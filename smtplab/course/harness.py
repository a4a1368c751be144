"""The one harness of the exercise checks: run the learner's code, read what the lab saw.

A check calls :func:`evaluate` with two functions of its own: ``attempt()`` runs the
learner's code (usually against a lab the check starts itself) and ``verify(value)``
judges what happened, raising :class:`Hint` for a mistake. What the checks of several
notebooks share lives beside this module: the doors closed during a check
(:mod:`.doors`), a fresh lab and the connection to it (:mod:`.labs`), and the readings
of what the learner sent and returned (:mod:`.reading`).

Every check runs with the machine's doors closed (:mod:`.doors`: nothing but loopback)
and watches its labs: when the learner's function returns nothing but a watched lab saw
its work, that work is judged, not called "not tried".
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any, Literal

from ..i18n import _
from ..lab import LabServer, LabSession, LogLine
from .doors import LOOPBACK_ONLY, RunningCheck, doors_closed

__all__: list[str] = []  # public as smtplab.course (Hint, Result, Status, evaluate)


Status = Literal["not tried", "passed", "failed"]

_ICONS: dict[str, str] = {"not tried": "…", "passed": "✔", "failed": "✘"}


class Hint(AssertionError):
    """Raised by a verifier: the attempt is wrong, and the message says how to fix it."""


@dataclass(frozen=True)
class Result:
    """What a check found: ``status`` and a ``message`` for the learner.

    ``bool(result)`` is True only when the exercise passed.
    """

    exercise: str
    status: Status
    message: str

    def __bool__(self) -> bool:
        return self.status == "passed"

    def __str__(self) -> str:
        return f"{_ICONS[self.status]} {self.exercise}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = {"passed": "#1a7f37", "failed": "#cf222e", "not tried": "#6e7781"}
        return (
            f'<div style="border-left: 4px solid {colour[self.status]}; padding: 2px 8px">'
            f"<b>{escape(_ICONS[self.status])} {escape(self.exercise)}</b>: "
            f"{escape(self.message)}</div>"  # i18n: keep HTML
        )


TRIED = object()
"""What an attempt returns when the learner's function returned nothing but the lab did
receive something: not "not tried yet", the verifier judges what the lab saw."""


@dataclass
class Trial:
    """What happened when a learner's function ran on a connection to a lab: what it
    returned or raised, and the lab's log of the session (``session``, filled in when the
    connection has closed)."""

    lab: LabServer
    sock: socket.socket
    value: Any = None
    error: BaseException | None = None
    session: LabSession | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def lines(self) -> list[LogLine]:
        """Every line of the session's log, in order."""
        return self.session.lines if self.session is not None else []

    def received(self) -> list[LogLine]:
        """The lines the server received (commands, body, dot), in order."""
        return [line for line in self.lines if line.direction == "C"]

    def sent(self) -> list[str]:
        """The text of every line the server sent, in order."""
        return [line.text for line in self.lines if line.direction == "S"]


def evaluate(
    exercise: str,
    attempt: Callable[[], object],
    verify: Callable[[object], str],
    *,
    lab: LabServer | None = None,
    returns: str | None = None,
) -> Result:
    """Run ``attempt`` (the learner's code, wrapped), then ``verify`` its value.

    * the attempt reaches for another machine: failed, "use the lab's host/port";
    * it returns None or ``...`` (or raises NotImplementedError) and no lab the check
      watches (``lab``, and the labs of :func:`lab_connection`) saw anything: not tried;
    * it returns nothing but a watched lab saw its work: ``verify`` judges it (it gets
      :data:`TRIED`, or a :class:`Trial` whose ``value`` is None); with ``returns``
      (what should have been returned, "the reply lines"), failed with
      "you forgot to `return` <returns>" and any hint about the work;
    * it raises anything else: failed, with the error named (the usual cause first);
    * ``verify`` raises :class:`Hint`: failed, with the hint;
    * otherwise passed, with the sentence ``verify`` returned.
    """
    with doors_closed(lab) as check:
        result = _run_check(exercise, attempt, verify, check, returns)
    if check.refused:
        return Result(
            exercise,
            "failed",
            _(
                "{loopback_only}. Your code tried to reach {what}, another machine; "
                "it was stopped before anything was sent."
            ).format(loopback_only=_(LOOPBACK_ONLY), what=check.refused[0]),
        )
    return result


def _run_check(
    exercise: str,
    attempt: Callable[[], object],
    verify: Callable[[object], str],
    check: RunningCheck,
    returns: str | None,
) -> Result:
    not_tried = Result(
        exercise,
        "not tried",
        _("not tried yet: fill in the function above, then run this cell again."),
    )
    try:
        value = attempt()
    except NotImplementedError:
        value = None
    except Hint as hint:
        return Result(exercise, "failed", str(hint))
    except Exception as exc:  # the learner's code failed: say how, do not crash the cell
        refusal = _strict_refusal(check)
        if refusal is not None:
            return Result(exercise, "failed", refusal)
        return Result(exercise, "failed", raised_hint(exc))
    if isinstance(value, Trial):
        returned, raised = value.value, value.error
    else:
        returned, raised = value, None
    if raised is None and (returned is None or returned is Ellipsis or returned is TRIED):
        if returned is not TRIED and not check.saw_activity():
            return not_tried
        if not isinstance(value, Trial):
            value = TRIED
        if returns is not None:
            return _forgot_return(exercise, verify, value, returns)
    try:
        message = verify(value)
    except Hint as hint:
        return Result(exercise, "failed", str(hint))
    refusal = _strict_refusal(check)  # the lab hung up on a bare line end: not a pass
    return Result(exercise, "passed" if refusal is None else "failed", refusal or message)


def _strict_refusal(check: RunningCheck) -> str | None:
    """The hint when a watched strict lab hung up on a bare LF or CR (the learner's code
    then fails on the closed connection), or None."""
    return next(filter(None, (strict_refusal(lab) for lab, _before in check.labs)), None)


def strict_refusal(lab: LabServer) -> str | None:
    """The hint when the strict ``lab`` hung up on a bare LF or CR, or None."""
    for session in lab.sessions:
        for text in session.sent_lines():
            if text.startswith("521 ") and "bare <" in text:
                return _(
                    "the lab answered {reply!r}... and closed the connection: end "
                    "every line with \\r\\n (CR LF), not \\n alone or \\r alone "
                    "(RFC 5321 §2.3.8). Hardened servers refuse a bare LF or CR as this "
                    "check's lab did; a lenient server may have let it through."
                ).format(reply=text[:60])
    return None


def _forgot_return(
    exercise: str, verify: Callable[[object], str], value: object, returns: str
) -> Result:
    """The learner's function did its work against the lab but returned nothing."""
    message = _(
        "you forgot to `return` {returns}: the lab saw your function at work, but the "
        "function gave nothing back to its caller."
    ).format(returns=returns)
    try:
        verify(value)
    except Hint as hint:
        message += _(" Also: {hint}").format(hint=hint)
    else:
        message += _(" What the lab saw was right: add the return.")
    return Result(exercise, "failed", message)


def untouched(values: Iterable[object]) -> bool:
    """True when every value is None or ``...``: the learner has not filled the function in."""
    return all(value is None or value is Ellipsis for value in values)


def answers_to(function: Callable[[Any], object], questions: Iterable[Any]) -> list[Any] | None:
    """``function(q)`` for each question, or None (not tried yet) when all are untouched."""
    answers = [function(question) for question in questions]
    return None if untouched(answers) else answers


def work_of(value: object, lab: LabServer) -> object:
    """What an attempt hands on when the learner's function returned ``value`` after
    working against ``lab``: the value; :data:`TRIED` when it returned None but the lab
    saw a session (the work is judged); None (not tried yet) when the lab saw nothing."""
    if value is None:
        return TRIED if lab.sessions else None
    return value


def raised_hint(error: BaseException) -> str:
    """The hint naming an exception the learner's code raised: its type and text."""
    return _("your code raised {name}: {error}").format(name=type(error).__name__, error=error)
