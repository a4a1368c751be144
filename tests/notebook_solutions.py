"""Load a reference solution from ``notebooks/solutions/`` (plain modules, not a package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SOLUTIONS_DIR = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"


def load_solution_file(path: Path) -> ModuleType:
    """Import the solution module at ``path`` (a file in notebooks/solutions/)."""
    spec = importlib.util.spec_from_file_location(f"solution_{path.stem}", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
