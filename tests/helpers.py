"""Helpers shared by the tests: one module, each group of tests in a section of its own.

Import what you need (``from helpers import failed_with``); add a section for a new
group of helpers rather than copying one into a test file.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from smtplab.course import Result

# --- the reference solutions (notebooks/solutions/) ---------------------------------------

SOLUTIONS_DIR = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"


def load_solution(name: str) -> ModuleType:
    """Import ``notebooks/solutions/<name>.py`` (plain modules there, not a package)."""
    path = SOLUTIONS_DIR / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"solution_{path.stem}", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the scripts of benchmarks/ (shape.py, translated.py) ---------------------------------

BENCHMARKS_DIR = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` (scripts, not a package) as the module ``name``,
    registered in ``sys.modules`` (its dataclasses look their module up there)."""
    path = BENCHMARKS_DIR / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


# --- exercise checks (smtplab.course) -----------------------------------------------------


def untouched(*args: object) -> None:
    """The template of an exercise as committed: a body of ``...``."""
    ...


def failed_with(result: Result, *fragments: str) -> None:
    """Assert that a check failed and that its message holds every fragment."""
    assert not result, result
    assert result.status == "failed", result
    for fragment in fragments:
        assert fragment in result.message, (fragment, result.message)
