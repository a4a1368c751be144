"""Figure 6: the notebook series under nbval.

One pytest run over every ``notebooks/[0-9]*.ipynb``, as ``make test`` runs them
(``--nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg``). The total
is the wall time of that run (pytest's own start-up included, about 5-8 s on a busy
2-core machine); each notebook's time is the sum of its cells' setup + call + teardown
from pytest's JUnit XML, so it includes starting and stopping its kernel. Targets: the
whole series under 2 minutes, no notebook over 15 s.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from common import PYTHON, ROOT, Figure, Settings

NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "notebooks/sanitize.cfg"]


def per_notebook_seconds(junit_xml: str, notebooks: list[Path]) -> dict[str, dict[str, float]]:
    """``{notebook file name: {"seconds", "cells", "failed"}}`` from pytest's JUnit XML.

    nbval names each cell's test ``Cell N`` with the class name ``notebooks.<file name>``;
    the time of a test is its setup + call + teardown, so the first cell carries the
    kernel's start and the last its shutdown.
    """
    totals = {nb.name: {"seconds": 0.0, "cells": 0, "failed": 0} for nb in notebooks}
    root = ET.fromstring(junit_xml)
    for case in root.iter("testcase"):
        classname = case.get("classname", "")
        owner = next((name for name in totals if classname.endswith(name)), None)
        if owner is None:
            continue
        entry = totals[owner]
        entry["seconds"] += float(case.get("time", 0.0))
        entry["cells"] += 1
        if case.find("failure") is not None or case.find("error") is not None:
            entry["failed"] += 1
    return totals


def run(settings: Settings) -> list[Figure]:
    """Figure 6 (two lines: the total, the slowest notebook)."""
    notebooks = list(settings.notebooks)
    if not notebooks:
        note = "no notebooks given" if settings.quick else "no notebooks/[0-9]*.ipynb yet"
        return [
            Figure(
                6,
                "notebooks.total",
                "nbval, whole series (wall)",
                None,
                "s",
                "<=",
                120,
                note=note,
                detail={"brief": note},
            ),
            Figure(
                6,
                "notebooks.slowest",
                "nbval, slowest notebook",
                None,
                "s",
                "<=",
                15,
                note=note,
                detail={"brief": note},
            ),
        ]
    with tempfile.TemporaryDirectory(prefix="smtplab-bench-") as tmp:
        junit = Path(tmp) / "nbval.xml"
        start = time.perf_counter()
        result = subprocess.run(
            [
                PYTHON,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                *NBVAL,
                f"--junitxml={junit}",
                "--timeout=300",
                *(str(nb) for nb in notebooks),
            ],
            capture_output=True,
            text=True,
            timeout=max(600, settings.time_limit),
            cwd=ROOT,
            check=False,
        )
        total = time.perf_counter() - start
        xml = junit.read_text() if junit.exists() else "<testsuites/>"
    per = per_notebook_seconds(xml, notebooks)
    summary = next(
        (
            line
            for line in reversed(result.stdout.splitlines())
            if re.search(r"\d+ (passed|failed)", line)
        ),
        result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "",
    )
    slowest = max(per, key=lambda name: per[name]["seconds"]) if per else None
    failed = sorted(name for name, entry in per.items() if entry["failed"])
    detail = {
        "notebooks": {
            name: {k: round(v, 2) for k, v in entry.items()} for name, entry in per.items()
        },
        "pytest_summary": summary.strip("= "),
        "pytest_exit_code": result.returncode,
        "failed_notebooks": failed,
        "brief": f"{len(per)} notebook(s), pytest: {summary.strip('= ')}",
    }
    return [
        Figure(
            6,
            "notebooks.total",
            "nbval, whole series (wall)",
            round(total, 2),
            "s",
            "<=",
            120,
            detail=detail,
        ),
        Figure(
            6,
            "notebooks.slowest",
            "nbval, slowest notebook (kernel start included)",
            round(per[slowest]["seconds"], 2) if slowest else None,
            "s",
            "<=",
            15,
            detail={
                "notebook": slowest,
                "brief": f"{slowest}" + (f"; FAILED: {', '.join(failed)}" if failed else ""),
            },
        ),
    ]
