"""Moved in 0.2.0: the exercise checks are now :mod:`smtplab.course`.

This old import path keeps working for this version: ``smtplab.exercises.Result`` is
``smtplab.course.Result``, and ``smtplab.exercises.nb01`` is the module
``smtplab.course.nb01`` itself. New code imports from ``smtplab.course``.
"""

from __future__ import annotations

# Kept importable for notebooks saved before 0.2.0, not declared again (``__all__`` below).
from ..course import Hint, Result, Status, evaluate  # noqa: F401

__all__: list[str] = []  # the old path declares nothing: the names are smtplab.course's
