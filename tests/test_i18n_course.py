"""The exercise checks of notebooks 00-05 speak Chinese after ``set_language("zh-CN")``
(issue 19), and English otherwise, word for word what the catalogue of wrong answers
(tests/catalogue.py) expects.

For one exercise per notebook a typical wrong answer of the catalogue is run through its
check in both languages: the English hint still holds the catalogue's phrase, the Chinese
one holds the translation, keeps the protocol tokens, and no English sentence is left.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
from catalogue import Exercise, Mistake

import smtplab
from smtplab.course.harness import Result
from smtplab.course.nb00 import check_outcome

TESTS = Path(__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def exercise_and_mistake(notebook: str, number: str, name: str) -> tuple[Exercise, Mistake]:
    """The catalogue's exercise ``number`` of tests/test_exercises_nb<notebook>.py and its
    wrong answer called ``name``."""
    path = TESTS / f"test_exercises_nb{notebook}.py"
    spec = importlib.util.spec_from_file_location(f"_i18n_course_nb{notebook}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    exercise = next(e for e in module.EXERCISES if e.number == number)
    mistake = next(m for m in exercise.mistakes if m.name == name)
    return exercise, mistake


# (notebook, exercise, wrong answer, what its Chinese hint says, its Chinese title)
CASES = [
    ("00", "00.1", "another sender", "信封发件人是 'me@example.com'", "你的第一封邮件"),
    ("00", "00.2", "4xx and 5xx swapped", "4xx 表示失败是临时的", "一个代码说明了什么"),
    ("01", "01.2", "no CR/LF guard", "一次调用，两条命令！", "练习 2（发送一行）"),
    ("02", "02.3", "not dot-stuffed", "这就是点填充", "练习 3（以点开头的一行）"),
    ("03", "03.2", "keeps the code in the keyword", "第 5 个字符", "练习 2（解析扩展）"),
    ("04", "04.2", "cut before STARTTLS", "你截得太早了", "练习 2（窃听者能读到什么）"),
    ("05", "05.2", "no NUL bytes", "你忘了 NUL 字节", "AUTH PLAIN 的应答"),
]


def run(exercise: Exercise, answer: Any) -> Result:
    result = exercise.check(answer)
    assert isinstance(result, Result)
    return result


@pytest.mark.parametrize(
    ("notebook", "number", "name", "chinese", "title"),
    CASES,
    ids=[f"{case[1]}-{case[2]}" for case in CASES],
)
def test_a_wrong_answers_hint_comes_in_chinese(
    notebook: str, number: str, name: str, chinese: str, title: str
) -> None:
    exercise, mistake = exercise_and_mistake(notebook, number, name)

    english = run(exercise, mistake.answer)
    assert english.status == "failed", english
    assert mistake.hint.lower() in english.message.lower(), english.message
    assert not CJK.search(str(english)), english

    smtplab.set_language("zh-CN")
    translated = run(exercise, mistake.answer)
    assert translated.status == "failed", translated
    assert chinese in translated.message, translated.message
    assert translated.exercise == title
    # the protocol tokens and numbers of the English hint are all still there
    for token in re.findall(r"\b[A-Z][A-Z0-9]+\b|\d+", english.message):
        assert token in translated.message, (token, translated.message)
    # and no English sentence was left behind (quoted data, code and tokens aside)
    prose = re.sub(r"'[^']*'|\"[^\"]*\"|b'[^']*'|\S*[._()\[\]=]\S*", "", translated.message)
    assert not re.search(r"[a-z]{3,} [a-z]{3,} [a-z]{3,}", prose), translated.message

    smtplab.set_language("en")
    assert run(exercise, mistake.answer).message.lower().count(mistake.hint.lower()) >= 1


def test_not_tried_and_forgot_return_come_in_chinese() -> None:
    exercise, mistake = exercise_and_mistake("01", "01.3", "forgets return")
    smtplab.set_language("zh-CN")
    assert run(exercise, lambda sock: None).message == (
        "还没有尝试：先补全上面的函数，然后再次运行这个单元格。"
    )
    forgot = run(exercise, mistake.answer).message
    assert forgot.startswith("你忘了 `return` 你读到的回复：实验服务器看到了你的函数在工作")
    assert "另外：" in forgot


def test_the_series_words_may_be_answered_in_chinese_in_the_chinese_series() -> None:
    """outcome(code) may return the series' words translated ("稍后重试") when the kit
    speaks Chinese; in English only the English words pass, as before."""
    words = {2: "完成", 3: "继续", 4: "稍后重试", 5: "放弃"}

    def outcome(code: int) -> str:
        return words[code // 100]

    assert not run_outcome(outcome)
    smtplab.set_language("zh-CN")
    assert run_outcome(outcome)
    assert run_outcome(
        lambda code: {2: "done", 3: "go on", 4: "retry later", 5: "give up"}[code // 100]
    )


def run_outcome(outcome: Any) -> Result:
    result = check_outcome(outcome)
    assert result.status in ("passed", "failed"), result
    return result
