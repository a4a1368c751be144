"""Smoke test of the benchmarks: each runs once with tiny N and yields its figures.

It checks the plumbing (every figure is there, with its target fields; the JSON file
and the table are written), never the values: timings on a shared machine are noise.
The real run is ``make bench`` (``python benchmarks/run.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"

EXPECTED = {
    "client.throughput": 1,
    "client.cpu": 2,
    "pipelining.1ms": 3,
    "pipelining.5ms": 3,
    "burst.rate": 4,
    "burst.errors": 4,
    "burst.lost": 4,
    "startup.import": 5,
    "startup.heavy_imports": 5,
    "startup.lab": 5,
    "notebooks.total": 6,
    "notebooks.slowest": 6,
    "memory.inbox": 7,
    "memory.inbox_bounded": 7,
    "memory.inbox_overflow": 7,
    "memory.transcript_big": 7,
}
FIELDS = {"number", "key", "label", "value", "unit", "op", "goal", "met", "target", "detail"}
HEAVY = {"aiosmtpd", "trustme", "ipywidgets", "IPython"}


def test_import_smtplab_loads_no_heavy_module() -> None:
    """``import smtplab`` leaves the lab's and the widgets' dependencies unloaded."""
    code = (
        "import smtplab, sys; print(sorted(m for m in sys.modules "
        f"if m.split('.')[0] in {HEAVY!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    """``benchmarks/run.py --quick`` once: its JSON and its printed table."""
    out = tmp_path_factory.mktemp("bench") / "latest.json"
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(out.read_text()), result.stdout


def test_every_benchmark_produces_its_figures(quick_run: tuple[dict, str]) -> None:
    """All seven items of the issue are there, each with value, target and verdict."""
    data, _ = quick_run
    assert data["errors"] == []
    figures = {fig["key"]: fig for fig in data["figures"]}
    assert set(figures) == set(EXPECTED)
    for key, number in EXPECTED.items():
        fig = figures[key]
        assert set(fig) >= FIELDS, key
        assert fig["number"] == number
        assert fig["op"] in {">=", "<=", "=="}
        assert fig["target"].startswith(fig["op"])
        assert isinstance(fig["detail"], dict)
        if key.startswith("notebooks."):
            continue  # --quick runs no notebook: the figure is there, without a value
        assert isinstance(fig["value"], (int, float)), key
        assert isinstance(fig["met"], bool), key


def test_results_name_the_machine(quick_run: tuple[dict, str]) -> None:
    """The JSON says what the figures were measured on, and the table is printed."""
    data, stdout = quick_run
    assert {"nproc", "cpu", "python"} <= set(data["machine"])
    assert data["settings"]["quick"] is True
    assert "targets met" in stdout
    for key in ("lock-step msgs/s", "import time", "LabServer start+stop"):
        assert key in stdout


def test_notebook_times_are_read_from_junit_xml() -> None:
    """Figure 6 sums each notebook's cells (kernel start included) from pytest's XML."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from bench_notebooks import per_notebook_seconds
    finally:
        sys.path.remove(str(BENCHMARKS))
    xml = """<testsuites><testsuite>
      <testcase classname="notebooks.01-first.ipynb" name="Cell 0" time="4.5"/>
      <testcase classname="notebooks.01-first.ipynb" name="Cell 1" time="0.5">
        <failure message="differs"/></testcase>
      <testcase classname="notebooks.02-second.ipynb" name="Cell 0" time="3.0"/>
    </testsuite></testsuites>"""
    notebooks = [Path("notebooks/01-first.ipynb"), Path("notebooks/02-second.ipynb")]
    per = per_notebook_seconds(xml, notebooks)
    assert per["01-first.ipynb"] == {"seconds": 5.0, "cells": 2, "failed": 1}
    assert per["02-second.ipynb"] == {"seconds": 3.0, "cells": 1, "failed": 0}


def test_floors_judge_the_redesigns_figures_by_its_floors() -> None:
    """benchmarks/floors.py holds figures 1-3 to issue 12's floors, the rest to run.py's."""
    from helpers import load_benchmark

    floors = load_benchmark("floors")
    run_py_target = ("<=", 1.2)
    assert floors.verdict("client.cpu", 1.39, run_py_target) == ("<= 1.4", True)
    assert floors.verdict("client.cpu", 1.41, run_py_target) == ("<= 1.4", False)
    assert floors.verdict("client.throughput", 0.89, (">=", 1.0)) == (">= 0.9", False)
    assert floors.verdict("pipelining.5ms", 1.8, (">=", 1.8)) == (">= 1.8", True)
    assert floors.verdict("burst.errors", 0, ("==", 0)) == ("== 0", True)
    assert floors.verdict("burst.errors", 1, ("==", 0)) == ("== 0", False)
