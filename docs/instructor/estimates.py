"""Per-notebook time estimates, and the lesson plans' totals, from the notebooks themselves.

The estimate of a notebook is three figures, each an *estimate* (not a measurement):

* **reading**: its markdown words (every markdown cell, tables included, counted as
  ``len(text.split())``) at ``READING_WPM`` words a minute, a slow rate for technical
  text read alongside code;
* **running**: ``CODE_CELL_MINUTES`` for each code cell that is not an exercise (run it,
  read what it printed: transcripts and session logs are part of the lesson);
* **exercises**: ``EXERCISE_MINUTES`` for each checked exercise, a code cell calling a
  ``check_...(`` function (write the function, run the check, read a hint, try again).

``python docs/instructor/estimates.py`` writes the table into ``docs/instructor/time.md``
and each plan's table into ``docs/instructor/lesson-plans.md``, between their markers,
keeping what instructors wrote in the "your class" column. ``--check`` only says whether
both files are current (exit 1 if not); ``tests/test_instructor_pack.py`` checks the same,
and that each plan fits its length. Rerun it after any notebook changes.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
HERE = Path(__file__).resolve().parent
TIME_MD = HERE / "time.md"
PLANS_MD = HERE / "lesson-plans.md"
SERIES_GLOB = "[0-9][0-9]*-*.ipynb"

READING_WPM = 150
CODE_CELL_MINUTES = 0.5
EXERCISE_MINUTES = 6

CHECK_CALL = re.compile(r"\bcheck_\w+\(")
TABLE_START, TABLE_END = "<!-- estimates:start -->", "<!-- estimates:end -->"
PLANS_BLOCK = re.compile(r"<!-- plans -->\s*```json\n(.*?)\n```", re.S)
REAL_HEADER = "your class (real minutes)"


@dataclass(frozen=True)
class Estimate:
    """The estimate of one notebook (minutes are estimates, not measurements)."""

    prefix: str  # "07a" for 07a-...
    name: str  # the file name
    title: str  # the notebook's own "# " title

    @property
    def short(self) -> str:
        """``02 · A whole conversation by hand``: the title without a repeated number."""
        return f"{self.prefix} · {self.title.split('·', 1)[-1].strip()}"

    words: int
    code_cells: int  # code cells that are not exercises
    exercises: int

    @property
    def reading(self) -> float:
        return self.words / READING_WPM

    @property
    def running(self) -> float:
        return self.code_cells * CODE_CELL_MINUTES

    @property
    def without_exercises(self) -> int:
        """Reading and running, rounded up to whole minutes."""
        return math.ceil(self.reading + self.running)

    @property
    def exercise_minutes(self) -> int:
        return self.exercises * EXERCISE_MINUTES

    @property
    def with_exercises(self) -> int:
        return self.without_exercises + self.exercise_minutes


def _source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


def estimate(path: Path) -> Estimate:
    """The estimate of the notebook at ``path``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = [_source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    code = [_source(c) for c in nb["cells"] if c["cell_type"] == "code"]
    exercises = sum(1 for text in code if CHECK_CALL.search(text))
    headings = (line for text in markdown for line in text.splitlines())
    title = next((line[2:].strip() for line in headings if line.startswith("# ")), path.stem)
    return Estimate(
        prefix=path.name.split("-", 1)[0],
        name=path.name,
        title=title,
        words=sum(len(text.split()) for text in markdown),
        code_cells=len(code) - exercises,
        exercises=exercises,
    )


def all_estimates() -> list[Estimate]:
    """Every notebook of the series that exists now, in order."""
    return [estimate(path) for path in sorted(NOTEBOOKS.glob(SERIES_GLOB))]


def _between(text: str, start: str, end: str) -> str:
    if start not in text or end not in text:
        raise ValueError(f"markers {start} ... {end} not found")
    return text.split(start, 1)[1].split(end, 1)[0]


def _replace_between(text: str, start: str, end: str, body: str) -> str:
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    return f"{head}{start}\n{body}{end}{tail}"


def recorded_times(text: str) -> dict[str, str]:
    """What instructors wrote in the last column of the committed table, by notebook."""
    found = {}
    for line in _between(text, TABLE_START, TABLE_END).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        match = re.search(r"\[(\w+) ·", cells[0]) if cells else None
        if match and len(cells) > 1:
            found[match.group(1)] = cells[-1]
    return found


def time_table(estimates: list[Estimate], recorded: dict[str, str]) -> str:
    """The table of time.md (between its markers)."""
    rows = [
        "| notebook | markdown words | reading | running code | exercises | "
        f"estimate without exercises | estimate with exercises | {REAL_HEADER} |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for e in estimates:
        rows.append(
            f"| [{e.short}](../../notebooks/{e.name}) "
            f"| {e.words} | {e.reading:.1f} min | {e.code_cells} cells, {e.running:.1f} min "
            f"| {e.exercises} × {EXERCISE_MINUTES} = {e.exercise_minutes} min "
            f"| **{e.without_exercises} min** | **{e.with_exercises} min** "
            f"| {recorded.get(e.prefix, '')} |"
        )
    total_without = sum(e.without_exercises for e in estimates)
    total_with = sum(e.with_exercises for e in estimates)
    rows.append(
        f"| the whole series | {sum(e.words for e in estimates)} | | | "
        f"{sum(e.exercises for e in estimates)} | **{total_without} min** "
        f"| **{total_with} min** | |"
    )
    return "\n".join(rows) + "\n"


# --- lesson plans ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One notebook of a plan: ``"02"`` (exercises as homework), ``"02+exercises"`` (all
    of them in class) or ``"02+1"`` (the first one in class)."""

    prefix: str
    exercises: int | None  # how many in class; None: all of them

    @classmethod
    def parse(cls, text: str) -> Step:
        prefix, _, extra = text.partition("+")
        if not extra:
            return cls(prefix, 0)
        return cls(prefix, None if extra == "exercises" else int(extra))

    def count(self, estimate: Estimate) -> int:
        """How many exercises are done in class."""
        return (
            estimate.exercises
            if self.exercises is None
            else min(self.exercises, estimate.exercises)
        )

    def minutes(self, estimate: Estimate) -> int:
        return estimate.without_exercises + self.count(estimate) * EXERCISE_MINUTES


@dataclass(frozen=True)
class Plan:
    key: str
    title: str
    minutes: int  # the session's length
    breaks: int  # minutes of breaks inside it
    slack: int  # minutes kept free for questions, set-up, the unexpected
    before: tuple[str, ...]  # notebooks the class did in an earlier session
    steps: tuple[Step, ...]


def read_plans(text: str) -> tuple[list[Plan], dict[str, list[str]]]:
    """The plans and the notebooks' prerequisites from lesson-plans.md's JSON block."""
    match = PLANS_BLOCK.search(text)
    if not match:
        raise ValueError("lesson-plans.md has no '<!-- plans -->' JSON block")
    data = json.loads(match.group(1))
    plans = [
        Plan(
            key=plan["key"],
            title=plan["title"],
            minutes=plan["minutes"],
            breaks=plan.get("breaks", 0),
            slack=plan.get("slack", 0),
            before=tuple(plan.get("before", ())),
            steps=tuple(Step.parse(step) for step in plan["notebooks"]),
        )
        for plan in data["plans"]
    ]
    return plans, data["needs"]


def plan_minutes(plan: Plan, estimates: dict[str, Estimate]) -> int:
    """The estimated minutes of a plan's notebooks (breaks and slack not included)."""
    return sum(step.minutes(estimates[step.prefix]) for step in plan.steps)


def plan_problems(
    plan: Plan, estimates: dict[str, Estimate], needs: dict[str, list[str]]
) -> list[str]:
    """What is wrong with a plan: unknown notebooks, a prerequisite missing or later,
    more estimated minutes than the session has."""
    problems = []
    order = [s.prefix for s in plan.steps]
    for position, prefix in enumerate(order):
        if prefix not in estimates:
            problems.append(f"{plan.key}: notebook {prefix} does not exist")
        for needed in needs.get(prefix, []):
            if needed not in [*plan.before, *order[:position]]:
                problems.append(f"{plan.key}: {prefix} needs {needed} before it")
    if not problems:
        total = plan_minutes(plan, estimates) + plan.breaks + plan.slack
        if total > plan.minutes:
            problems.append(
                f"{plan.key}: {plan_minutes(plan, estimates)} estimated minutes + "
                f"{plan.breaks} break + {plan.slack} slack = {total} > {plan.minutes}"
            )
    return problems


def plan_table(plan: Plan, estimates: dict[str, Estimate]) -> str:
    rows = ["| order | notebook | in class | estimate |", "| ---: | --- | --- | ---: |"]
    for number, step in enumerate(plan.steps, 1):
        e = estimates[step.prefix]
        done = step.count(e)
        if not e.exercises:
            what = "reading and code"
        elif done == e.exercises:
            what = f"reading, code and its {done} exercises"
        elif done:
            which = f"exercises 1-{done}" if done > 1 else "exercise 1"
            what = f"reading, code, {which} (the rest as homework)"
        else:
            what = "reading and code; exercises as homework"
        minutes = step.minutes(e)
        rows.append(f"| {number} | {e.short} | {what} | {minutes} min |")
    content = plan_minutes(plan, estimates)
    rows.append(f"| | breaks | | {plan.breaks} min |")
    rows.append(f"| | kept free (questions, set-up) | | {plan.slack} min |")
    rows.append(
        f"| | **total** | | **{content + plan.breaks + plan.slack} of {plan.minutes} min** |"
    )
    return "\n".join(rows) + "\n"


def plans_text(text: str, estimates: list[Estimate]) -> str:
    """lesson-plans.md with every plan's generated table brought up to date."""
    by_prefix = {e.prefix: e for e in estimates}
    plans, _ = read_plans(text)
    for plan in plans:
        start, end = f"<!-- plan:{plan.key}:start -->", f"<!-- plan:{plan.key}:end -->"
        if start in text:
            text = _replace_between(text, start, end, plan_table(plan, by_prefix))
    return text


def time_text(text: str, estimates: list[Estimate]) -> str:
    """time.md with its table brought up to date (recorded real times kept)."""
    return _replace_between(
        text, TABLE_START, TABLE_END, time_table(estimates, recorded_times(text))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale")
    args = parser.parse_args(argv)
    estimates = all_estimates()
    stale = []
    for path, update in ((TIME_MD, time_text), (PLANS_MD, plans_text)):
        old = path.read_text(encoding="utf-8")
        new = update(old, estimates)
        if new != old:
            stale.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    by_prefix = {e.prefix: e for e in estimates}
    plans, needs = read_plans(PLANS_MD.read_text(encoding="utf-8"))
    problems = [p for plan in plans for p in plan_problems(plan, by_prefix, needs)]
    for plan in plans:
        print(f"{plan.title}: {plan_minutes(plan, by_prefix)} estimated minutes of {plan.minutes}")
    for problem in problems:
        print(f"PLAN DOES NOT FIT: {problem}", file=sys.stderr)
    if args.check and stale:
        print("stale: " + ", ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
