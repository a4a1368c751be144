"""The old import paths (``smtplab.exercises``, moved to ``smtplab.course`` in 0.2.0)
still give the very same objects, so notebooks saved before the move keep working."""

from __future__ import annotations

import importlib

import pytest

import smtplab.course
import smtplab.exercises


@pytest.mark.parametrize("number", range(10))
def test_an_old_notebook_module_is_the_new_one(number: int) -> None:
    old = importlib.import_module(f"smtplab.exercises.nb0{number}")
    new = importlib.import_module(f"smtplab.course.nb0{number}")
    assert old is new
    for name in new.__all__:
        assert getattr(old, name) is getattr(new, name)


def test_old_names_are_the_new_objects() -> None:
    from smtplab.exercises.nb01 import check_helo, show_bytes
    from smtplab.exercises.nb02 import transcript_of

    assert check_helo is smtplab.course.nb01.check_helo
    assert show_bytes is smtplab.course.nb01.show_bytes
    assert transcript_of is smtplab.course.nb02.transcript_of
    for name in ("Hint", "Result", "Status", "evaluate"):
        assert getattr(smtplab.exercises, name) is getattr(smtplab.course, name)
        assert getattr(smtplab.course, name) is getattr(smtplab.course.harness, name)
