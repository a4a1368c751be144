"""Run the smtplab benchmarks, print the table of figures, write them as JSON.

::

    python benchmarks/run.py                      # everything (make bench), a few minutes
    python benchmarks/run.py --only client,pipelining
    python benchmarks/run.py --quick              # tiny N: checks the plumbing, in seconds

Each figure is a ratio of two things measured side by side in the same run (alternating,
over several repetitions, median reported) or, where the target is absolute (start-up,
notebooks, memory), the value with what it was measured next to. The JSON goes to
``benchmarks/results/latest.json`` (git-ignored) unless ``--out`` says otherwise.
Figures are noisy on a busy machine: compare ratios, not absolute rates.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_burst
import bench_client
import bench_memory
import bench_notebooks
import bench_pipelining
import bench_startup
from common import BENCH_DIR, Figure, Settings, machine

BENCHMARKS: dict[str, ModuleType] = {
    "client": bench_client,  # figures 1, 2
    "pipelining": bench_pipelining,  # figure 3
    "burst": bench_burst,  # figure 4
    "startup": bench_startup,  # figure 5
    "notebooks": bench_notebooks,  # figure 6
    "memory": bench_memory,  # figure 7
}

DEFAULT_OUT = BENCH_DIR / "results" / "latest.json"


def table(figures: list[Figure]) -> str:
    """The figures as a plain-text table."""
    rows = [("#", "figure", "value", "target", "met", "measured side by side")]
    for fig in figures:
        met = {True: "yes", False: "NO", None: "-"}[fig.met]
        rows.append((str(fig.number), fig.label, fig.shown, fig.target, met, _brief(fig)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) if i != 2 else row[i].rjust(widths[i]) for i in range(5)]
        lines.append("  ".join([*cells, row[5]]).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 24)
    return "\n".join(lines)


def _brief(fig: Figure) -> str:
    """The absolute numbers behind a figure, in a few words."""
    return str(fig.detail.get("brief", "")) or fig.note


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmarks, print and save the figures."""
    parser = argparse.ArgumentParser(
        description="smtplab benchmarks: ratios measured side by side."
    )
    parser.add_argument("--quick", action="store_true", help="tiny N (the smoke test)")
    parser.add_argument(
        "--only", default="", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write")
    parser.add_argument(
        "--notebooks",
        type=Path,
        nargs="*",
        default=None,
        help="notebooks for figure 6 (default: notebooks/[0-9]*.ipynb; none with --quick)",
    )
    parser.add_argument("--reps", type=int, default=None, help="repetitions per comparison")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args(argv)

    chosen = [name.strip() for name in options.only.split(",") if name.strip()] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    settings = (Settings.tiny if options.quick else Settings.full)(options.notebooks)
    if options.reps is not None:
        settings = _with_reps(settings, options.reps)

    info = machine()
    print(
        f"smtplab benchmarks on {info['nproc']} cores, {info['cpu']}, Python {info['python']}"
        f" (load {info['loadavg_at_start']}){' [quick]' if settings.quick else ''}",
        flush=True,
    )
    figures: list[Figure] = []
    errors: list[dict[str, str]] = []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    for name in chosen:
        print(f"  running {name} ...", flush=True)
        t0 = time.perf_counter()
        try:
            figures.extend(BENCHMARKS[name].run(settings))
        except Exception as error:
            errors.append(
                {
                    "benchmark": name,
                    "error": f"{type(error).__name__}: {error}",
                    "traceback": traceback.format_exc(),
                }
            )
            print(f"  {name} FAILED: {type(error).__name__}: {error}", flush=True)
        timings[name] = round(time.perf_counter() - t0, 2)
    figures.sort(key=lambda fig: fig.number)
    print()
    print(table(figures))
    missed = [fig.key for fig in figures if fig.met is False]
    print()
    print(
        f"{sum(fig.met is True for fig in figures)} of {len(figures)} targets met"
        + (f"; missed: {', '.join(missed)} (see docs/PERFORMANCE.md)" if missed else "")
        + (f"; {len(errors)} benchmark(s) failed" if errors else "")
    )
    result = {
        "machine": info,
        "settings": {
            key: (list(map(str, value)) if isinstance(value, tuple) else value)
            for key, value in vars(settings).items()
        },
        "figures": [fig.as_dict() for fig in figures],
        "errors": errors,
        "seconds": timings,
        "total_seconds": round(time.perf_counter() - started, 2),
    }
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"results written to {options.out}")
    if errors:
        return 2
    return 1 if options.strict and missed else 0


def _with_reps(settings: Settings, reps: int) -> Settings:
    from dataclasses import replace

    return replace(settings, reps=max(1, reps), burst_reps=max(1, min(reps, settings.burst_reps)))


if __name__ == "__main__":
    sys.exit(main())
