"""The catalogue of typical wrong answers, one per exercise check, and the tests it makes.

Every exercise check is judged like code (issue 14): a correct answer passes, an
untouched template is "not tried", and each typical mistake, taken from the warnings of
the exercise's own notebook, fails with a hint that names what is wrong. A test module
``tests/test_exercises_nbNN.py`` declares its notebook's exercises::

    EXERCISES = [
        Exercise(
            number="03.2",
            title="parse the EHLO keywords",
            checks="parse(lines) maps the lab's and Gmail's EHLO keywords to parameters",
            check=check_parse_extensions,
            correct=sol.parse_extensions,
            talks_to_lab=False,
            mistakes=(
                Mistake(
                    name="keeps the code and dash in the keyword",
                    rule="an EHLO line is code, '-' or ' ', then the keyword (RFC 5321 §4.1.1.1)",
                    warned_in="03 · What EHLO answers",
                    answer=keeps_the_code,
                    hint="250-",
                ),
                ...
            ),
        ),
    ]
    test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
        catalogue_tests(EXERCISES)
    )

``docs/exercises.md`` (for instructors) is generated from all of them by
``python tests/catalogue.py`` and ``tests/test_catalogue_docs.py`` checks it is current,
so the table cannot drift from what is tested.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS_TABLE = ROOT / "docs" / "exercises.md"
MIN_MISTAKES = 4

Kind = Literal["mistake", "forgot return"]


def untouched_answer(*args: object, **kwargs: object) -> None:
    """The template as given: a body of ``...`` returns None."""
    return None


@dataclass(frozen=True)
class Mistake:
    """One typical wrong answer: the rule it breaks, where the notebook warns about it,
    the learner's function, and a phrase the check's hint must contain (any case).

    ``kind="forgot return"``: the right work, done against the lab, with no ``return``:
    the check must judge what the lab saw and say that the return is missing.
    """

    name: str
    rule: str
    warned_in: str
    answer: Callable[..., Any]
    hint: str
    kind: Kind = "mistake"


@dataclass(frozen=True)
class Exercise:
    """One exercise: its check, a correct answer and its catalogue of mistakes.

    ``talks_to_lab`` is True for exercises whose function talks to a lab (they need a
    "forgot return" case); for pure functions the return value is the answer.
    """

    number: str
    title: str
    checks: str
    check: Callable[[Callable[..., Any]], Any]
    correct: Callable[..., Any]
    mistakes: tuple[Mistake, ...]
    talks_to_lab: bool = True


def _cases(exercises: Sequence[Exercise]) -> list[Any]:
    return [
        pytest.param(exercise, mistake, id=f"{exercise.number}-{mistake.name}")
        for exercise in exercises
        for mistake in exercise.mistakes
    ]


def catalogue_tests(
    exercises: Sequence[Exercise],
) -> tuple[Callable[..., None], Callable[..., None], Callable[..., None]]:
    """The three parametrized tests a module's ``EXERCISES`` make (assign them to
    ``test_...`` names in that module so pytest collects them)."""
    ids = [exercise.number for exercise in exercises]

    @pytest.mark.parametrize("exercise", exercises, ids=ids)
    def correct_answer_passes(exercise: Exercise) -> None:
        result = exercise.check(exercise.correct)
        assert result.status == "passed", result
        untouched = exercise.check(untouched_answer)
        assert untouched.status == "not tried", untouched

    @pytest.mark.parametrize(("exercise", "mistake"), _cases(exercises))
    def mistake_fails_with_its_hint(exercise: Exercise, mistake: Mistake) -> None:
        result = exercise.check(mistake.answer)
        assert result.status == "failed", result
        assert mistake.hint.lower() in result.message.lower(), (mistake.hint, result.message)
        if mistake.kind == "forgot return":
            assert "return" in result.message.lower(), result.message

    @pytest.mark.parametrize("exercise", exercises, ids=ids)
    def catalogue_is_complete(exercise: Exercise) -> None:
        mistakes = [m for m in exercise.mistakes if m.kind == "mistake"]
        assert len(mistakes) >= MIN_MISTAKES, f"{exercise.number}: {len(mistakes)} mistakes"
        rules = [m.rule for m in mistakes]
        assert len(set(rules)) == len(rules), f"{exercise.number}: two mistakes, one rule"
        assert all(m.warned_in and m.hint for m in exercise.mistakes), exercise.number
        if exercise.talks_to_lab:
            assert any(m.kind == "forgot return" for m in exercise.mistakes), exercise.number

    return correct_answer_passes, mistake_fails_with_its_hint, catalogue_is_complete


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def table(exercises: Iterable[Exercise]) -> str:
    """The instructors' table: per exercise what it checks, then each wrong answer, the
    rule it breaks, where the notebook warns, and the phrase its hint must contain."""
    lines = [
        "# The exercise checks and the wrong answers they catch",
        "",
        "Generated by `python tests/catalogue.py` from the catalogue in",
        "`tests/test_exercises_nb*.py`; `tests/test_catalogue_docs.py` fails when this file",
        "is not current. Every row is a test: the wrong answer is run through the check and",
        "must fail with a hint containing the phrase shown. Correct answers pass and an",
        'untouched template is "not tried" for every exercise.',
        "",
    ]
    for exercise in exercises:
        lines += [
            f"## {exercise.number} {_cell(exercise.title)}",
            "",
            f"Checks: {_cell(exercise.checks)}",
            "",
            "| Wrong answer | Rule it breaks | Warned in | The hint says |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| {_cell(m.name)} | {_cell(m.rule)} | {_cell(m.warned_in)} | {_cell(m.hint)} |"
            for m in exercise.mistakes
        ]
        lines.append("")
    return "\n".join(lines)


def all_exercises() -> list[Exercise]:
    """The EXERCISES of every ``tests/test_exercises_nb*.py``, in notebook order."""
    here = Path(__file__).resolve().parent
    if str(here) not in sys.path:
        sys.path.insert(0, str(here))
    found: list[Exercise] = []
    for path in sorted(here.glob("test_exercises_nb*.py")):
        spec = importlib.util.spec_from_file_location(f"_catalogue_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found.extend(getattr(module, "EXERCISES", []))
    return found


if __name__ == "__main__":
    DOCS_TABLE.write_text(table(all_exercises()), encoding="utf-8")
    print(f"wrote {DOCS_TABLE.relative_to(ROOT)}")
