"""Exercise checks for the notebooks: "Your turn" cells and what they report.

An exercise is a function the learner completes and hands to its check::

    def my_helo(sock):
        ...            # your code here: send HELO, return the server's reply

    check_helo(my_helo)

The check runs the function against a lab server of its own, reads what the server
really received (its session log, never what the learner claims), and returns a
:class:`Result` whose display is a friendly sentence: ``not tried yet`` while the
function is untouched (it returns None or ``...``, or raises NotImplementedError), a
hint for the usual mistakes, or a success. Each notebook has its module here
(``smtplab.exercises.nb01``...); reference solutions live in ``notebooks/solutions/``
and pytest runs every check against them and against typical wrong answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

__all__ = ["Hint", "Result", "Status", "evaluate"]

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
            f"{escape(self.message)}</div>"
        )


def evaluate(
    exercise: str,
    attempt: Callable[[], object],
    verify: Callable[[object], str],
) -> Result:
    """Run ``attempt`` (the learner's code, wrapped), then ``verify`` its value.

    * the attempt returns None or ``...``, or raises NotImplementedError: not tried yet;
    * it raises anything else: failed, with the error named (the usual cause first);
    * ``verify`` raises :class:`Hint`: failed, with the hint;
    * otherwise passed, with the sentence ``verify`` returned.
    """
    not_tried = Result(
        exercise,
        "not tried",
        "not tried yet: fill in the function above, then run this cell again.",
    )
    try:
        value = attempt()
    except NotImplementedError:
        return not_tried
    except Hint as hint:
        return Result(exercise, "failed", str(hint))
    except Exception as exc:  # the learner's code failed: say how, do not crash the cell
        return Result(exercise, "failed", f"your code raised {type(exc).__name__}: {exc}")
    if value is None or value is Ellipsis:
        return not_tried
    try:
        return Result(exercise, "passed", verify(value))
    except Hint as hint:
        return Result(exercise, "failed", str(hint))
