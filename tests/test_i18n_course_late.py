"""The exercise checks of notebooks 06 to 11 in Simplified Chinese (issue 19).

A typical wrong answer, taken from each notebook's catalogue of mistakes
(``tests/test_exercises_nbNN.py``), gets its hint in Chinese after
``smtplab.set_language("zh-CN")`` and in English, byte for byte as before, otherwise.
Every hint and success message of these checks is then run once in Chinese, so a
translation whose ``{placeholders}`` do not match its English fails here, not in a
learner's notebook.
"""

from __future__ import annotations

import re
import string
from types import ModuleType

import pytest
import test_exercises_nb06
import test_exercises_nb07
import test_exercises_nb08
import test_exercises_nb09
import test_exercises_nb10
import test_exercises_nb11
from babel.messages.pofile import read_po
from catalogue import Exercise, Mistake

import smtplab
from smtplab import i18n

NOTEBOOKS: tuple[ModuleType, ...] = (
    test_exercises_nb06,
    test_exercises_nb07,
    test_exercises_nb08,
    test_exercises_nb09,
    test_exercises_nb10,
    test_exercises_nb11,
)
# Every check run again in Chinese (about 25 s): the texts and the catalog are the same on
# every Python, so `make test` runs it and `make test-pythons` does not.
pytestmark = pytest.mark.once

CJK = re.compile(r"[\u4e00-\u9fff]")
PO = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "smtplab.po"


def find(number: str, name: str) -> tuple[Exercise, Mistake]:
    """The exercise *number* and its mistake called *name*, from the notebooks' catalogues."""
    for module in NOTEBOOKS:
        for exercise in module.EXERCISES:
            if exercise.number == number:
                return exercise, next(m for m in exercise.mistakes if m.name == name)
    raise LookupError(number)


# (exercise, mistake, the Chinese the hint must contain), one per notebook
TYPICAL = [
    ("06.1", "stuffs only the lone dot", "每一个（EVERY）这样的行都要填充"),
    ("07.1", "trusts 552 alone", "增强状态码 5.2.2 表示收件人的邮箱满了"),
    ("08.1", "Carol in To", "所以 Bob 能看到：密送只能填在 Bcc 栏里"),
    ("09.1", "no QUIT", "但你没有发 QUIT 就离开了"),
    ("10.2", "returns the name as it is", "没有编码：邮件头只能是 ASCII"),
    ("11.1", "returns the preferences too", "请返回主机名（str）的列表"),
]


@pytest.mark.parametrize(("number", "name", "chinese"), TYPICAL, ids=[t[0] for t in TYPICAL])
def test_a_typical_mistake_is_told_in_chinese_when_asked(
    number: str, name: str, chinese: str
) -> None:
    exercise, mistake = find(number, name)
    english = exercise.check(mistake.answer)
    assert english.status == "failed"
    assert mistake.hint.lower() in english.message.lower(), english.message
    assert not CJK.search(english.message.replace("张三", "").replace("李四", ""))

    smtplab.set_language("zh-CN")
    result = exercise.check(mistake.answer)
    assert result.status == "failed"
    assert chinese in result.message, result.message
    if not mistake.hint.isupper():  # an upper-case word ("EVERY") stays, as a token
        assert mistake.hint.lower() not in result.message.lower(), result.message

    smtplab.set_language("en")
    assert exercise.check(mistake.answer).message == english.message


def every_mistake() -> list[object]:
    return [
        pytest.param(exercise, mistake, id=f"{exercise.number}-{mistake.name}")
        for module in NOTEBOOKS
        for exercise in module.EXERCISES
        for mistake in exercise.mistakes
    ]


# Hints that smtplab/course/harness.py words (translated with the harness, not here):
# only the exercise's name, in the result's first words, is these checks' own.
HARNESS_HINTS = {"09.1-no return", "10.5-the empty line as a bare LF"}


@pytest.mark.parametrize(("exercise", "mistake"), every_mistake())
def test_every_hint_of_these_checks_comes_in_chinese(
    exercise: Exercise, mistake: Mistake, request: pytest.FixtureRequest
) -> None:
    smtplab.set_language("zh-CN")
    result = exercise.check(mistake.answer)
    assert result.status == "failed", result
    harness = request.node.callspec.id in HARNESS_HINTS
    assert CJK.search(str(result) if harness else result.message), result


@pytest.mark.parametrize(
    "exercise",
    [pytest.param(e, id=e.number) for module in NOTEBOOKS for e in module.EXERCISES],
)
def test_a_right_answer_is_praised_in_chinese(exercise: Exercise) -> None:
    smtplab.set_language("zh-CN")
    result = exercise.check(exercise.correct)
    assert result.status == "passed", result
    assert CJK.search(str(result)), result


def fields(text: str) -> set[str]:
    """The names of the ``str.format`` fields in *text* (``{line!r}`` -> ``line``)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_translations_use_only_the_fields_the_english_gives() -> None:
    with PO.open("rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if message.id and message.string and isinstance(message.id, str):
            assert isinstance(message.string, str)
            assert fields(message.string) <= fields(message.id), message.id
