"""The redesign's performance floors (issue 12), each the median of several runs.

    .venv/bin/python benchmarks/floors.py              # 5 runs of run.py, then the medians
    .venv/bin/python benchmarks/floors.py --runs 7 --only client,pipelining

Each run is a whole ``run.py`` (its contenders already alternate inside it, in a rotated
order); this script repeats it, keeps every run's figures in ``--out``, and prints for
each figure the values of all runs, their median and the verdict against its floor
(exit 0: every floor met; 1: one missed; 2: a run crashed or a figure is missing, so
nothing is judged on fewer runs than asked):

* lock-step msgs/s at least 0.9x smtplib (figure 1);
* client CPU per message at most 1.4x smtplib (figure 2);
* pipelining at least 1.8x smtplib at 5 ms each way (figure 3);
* the burst and memory figures (4 and 7) against their own targets ("unchanged").

The floors are what the redesign may cost at most; the stricter targets that ``run.py``
prints (1.0x, 1.2x) are the aims of the performance work before it (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
FLOORS = {
    "client.throughput": (">=", 0.9),
    "client.cpu": ("<=", 1.4),
    "pipelining.5ms": (">=", 1.8),
}
"""The issue's floors by figure key; every other figure is judged by run.py's target."""


def one_run(only: str, out: Path) -> list[dict[str, object]]:
    """Run ``run.py`` once and return its figures (an empty list if it crashed)."""
    command = [sys.executable, str(BENCH_DIR / "run.py"), "--only", only, "--out", str(out)]
    finished = subprocess.run(command, check=False, timeout=1800)
    if finished.returncode not in (0, 1) or not out.exists():
        print(f"  run.py exited {finished.returncode}", flush=True)
        return []
    return list(json.loads(out.read_text(encoding="utf-8"))["figures"])


def verdict(key: str, value: float, run_py: tuple[str, float]) -> tuple[str, bool]:
    """The floor that applies to a figure, and whether ``value`` meets it."""
    op, goal = FLOORS.get(key, run_py)
    met = {">=": value >= goal, "<=": value <= goal, "==": value == goal}[op]
    return f"{op} {goal:g}", met


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks ``--runs`` times and print each figure's median and verdict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="how many runs (the issue: 5+)")
    parser.add_argument("--only", default="client,pipelining,burst,memory")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results" / "floors.json")
    options = parser.parse_args(argv)
    if options.runs < 1:
        parser.error("--runs must be at least 1")

    runs: list[list[dict[str, object]]] = []
    with tempfile.TemporaryDirectory() as work:
        for index in range(options.runs):
            print(f"run {index + 1} of {options.runs}", flush=True)
            runs.append(one_run(options.only, Path(work) / f"run{index}.json"))

    values: dict[str, list[float]] = {}
    targets: dict[str, tuple[str, float]] = {}
    labels: dict[str, str] = {}
    for figures in runs:
        for figure in figures:
            key = str(figure["key"])
            if figure["value"] is not None:
                values.setdefault(key, []).append(float(figure["value"]))  # type: ignore[arg-type]
            targets[key] = (str(figure["op"]), float(figure["goal"]))  # type: ignore[arg-type]
            labels[key] = str(figure["label"])

    rows = []
    failed = sum(not figures for figures in runs)
    print()
    for key, found in values.items():
        median = statistics.median(found)
        floor, met = verdict(key, median, targets[key])
        shown = ", ".join(f"{value:g}" for value in found)
        rows.append({"key": key, "values": found, "median": median, "floor": floor, "met": met})
        print(f"{labels[key]:<72} median {median:>7g}  {floor:<8} {'met' if met else 'MISSED'}")
        print(f"    runs: {shown}")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps({"runs": runs, "floors": rows}, indent=2), encoding="utf-8")
    print(f"\nevery run's figures written to {options.out}")
    short = [row["key"] for row in rows if len(row["values"]) < options.runs]  # type: ignore[arg-type]
    if failed or short or not rows:
        print(f"not measured in every run: {failed} run(s) failed; short: {short}")
        return 2
    return 0 if all(row["met"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
