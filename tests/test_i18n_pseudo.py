"""Pseudo-translation: no check, hint or annotation may depend on the words of English.

A check that recognises the kit's own error by its English words (``"must be text" in
str(error)``) gives its specific hint in English and a vague one in any other language.
To find every such place at once, the kit is run in a pseudo-language whose every
translated text is the English wrapped in ``⟦...⟧`` with its lower-case letters in their
full-width forms (``⟦ｍｕｓｔ ｂｅ ｔｅｘｔ⟧``, fields and upper-case tokens kept): mapped
back, every result must be the English result, character for character. A result that differs took
another branch because a text was translated. (Only the brackets differ, so a real
translation's quality is not what this tests: tests/test_i18n*.py do that.)

Every wrong answer of every exercise catalogue (tests/test_exercises_nbNN.py) and every
correct answer run here, as do the transcript and the inbox view of one lab session.
"""

from __future__ import annotations

import gettext
import importlib
import re
from typing import Any

import pytest
from catalogue import Exercise

from smtplab import i18n

# About a minute, and about logic, not the Python: `make test` runs it, test-pythons not.
pytestmark = pytest.mark.once

CATALOGUES = [importlib.import_module(f"test_exercises_nb{n:02d}") for n in range(12)]
BRACKETS = re.compile("[⟦⟧]")
# What differs from one run to the next whatever the language: ports, times, ids, sizes.
VOLATILE = re.compile(r"\b[0-9A-F]{10}\b|<[0-9a-f]{32}@|0x[0-9a-f]+|\d+(\.\d+)?")


# Lower-case letters become their full-width forms (ａ-ｚ): a code that looks for English
# words no longer finds them, while upper-case tokens (SMTP, RFC, MAIL FROM), numbers and
# {placeholders} stay usable, as in a real translation.
TO_WIDE = str.maketrans(
    {chr(c): chr(c - ord("a") + ord("ａ")) for c in range(ord("a"), ord("z") + 1)}
)
TO_ASCII = {ord(wide): chr(code) for code, wide in TO_WIDE.items()}
KEPT = re.compile(r"\{[^{}]*\}|%\(\w+\)\w|%\w")  # str.format fields, %-formats


def pseudo_text(message: str) -> str:
    """*message* in the pseudo-language: brackets, and wide letters outside its fields."""
    parts, end = [], 0
    for field in KEPT.finditer(message):
        parts += [message[end : field.start()].translate(TO_WIDE), field.group()]
        end = field.end()
    return "⟦" + "".join([*parts, message[end:].translate(TO_WIDE)]) + "⟧"


class Pseudo(gettext.NullTranslations):
    """Every text "translated" into the pseudo-language."""

    def gettext(self, message: str) -> str:
        return pseudo_text(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return pseudo_text(singular if n == 1 else plural)


def pseudo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the kit to the pseudo-language (as a language other than English)."""
    monkeypatch.setattr(i18n, "_language", "zh-CN")
    monkeypatch.setattr(i18n, "_translations", Pseudo())


def comparable(text: str) -> str:
    """*text* without the brackets and the run-to-run differences."""
    return VOLATILE.sub("N", BRACKETS.sub("", text).translate(TO_ASCII))


def runs() -> list[Any]:
    found = []
    for catalogue in CATALOGUES:
        for exercise in catalogue.EXERCISES:
            found.append(pytest.param(exercise, None, id=f"{exercise.number}-correct"))
            for mistake in exercise.mistakes:
                found.append(
                    pytest.param(exercise, mistake, id=f"{exercise.number}-{mistake.name}")
                )
    return found


@pytest.mark.parametrize(("exercise", "mistake"), runs())
def test_every_check_says_the_same_in_any_language(
    exercise: Exercise, mistake: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = exercise.correct if mistake is None else mistake.answer
    english = exercise.check(answer)
    pseudo(monkeypatch)
    other = exercise.check(answer)
    assert other.status == english.status
    assert comparable(str(other)) == comparable(str(english))
