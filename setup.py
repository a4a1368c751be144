"""The one build step pyproject.toml cannot declare: the notebooks ship in the wheel.

The series lives in ``notebooks/`` at the top of the project (where the Makefile,
Binder and the tests use it). A wheel carries it as package data in
``smtplab/_notebooks/`` (``smtplab notebooks`` copies it from there; see
smtplab/install.py). An editable install copies nothing: it reads ``notebooks/`` in
the checkout. Everything else is configured in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SERIES = Path(__file__).resolve().parent / "notebooks"
# As install.SERIES_PATTERNS:
PATTERNS = (
    "[0-9][0-9]*-*.ipynb",
    "zh-CN/[0-9][0-9]*-*.ipynb",
    "sanitize.cfg",
    "solutions/*.py",
    "scripts/*.py",
)


class BuildWithNotebooks(build_py):
    """``build_py`` that also copies the notebook series into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "smtplab" / "_notebooks"
        copied = 0
        for pattern in PATTERNS:
            for origin in sorted(SERIES.glob(pattern)):
                destination = target / origin.relative_to(SERIES)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(origin, destination)
                copied += 1
        if not (target / "00-start-here.ipynb").is_file():
            raise RuntimeError(f"no notebooks found in {SERIES}: the wheel would lack them")
        self.announce(f"copied {copied} notebook files into {target}", level=2)


setup(cmdclass={"build_py": BuildWithNotebooks})
