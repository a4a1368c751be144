"""Notebook 08's checks pass the reference solutions and give the right hint otherwise."""

from __future__ import annotations

import pytest
from helpers import failed_with, load_solution

from smtplab.course.nb08 import check_bcc_form, check_refused_form
from smtplab.widgets import Composer

solutions = load_solution("nb08_widgets")
FIELDS = {"sender": "alice@example.com", "subject": "Hi", "body": "hello"}


def test_the_solutions_pass() -> None:
    assert check_bcc_form(solutions.fill_with_bcc).status == "passed"
    assert check_refused_form(solutions.fill_something_wrong).status == "passed"


def test_untouched_templates_are_not_tried() -> None:
    def untouched(composer: Composer) -> None: ...

    assert check_bcc_form(untouched).status == "not tried"
    assert check_refused_form(untouched).status == "not tried"


@pytest.mark.parametrize(
    ("fields", "hint"),
    [
        ({"to": "bob@example.com", "cc": "carol@example.com"}, "in Cc"),
        ({"to": "bob@example.com, carol@example.com"}, "so Bob can see it"),
        ({"to": "bob@example.com"}, "Carol did not get it"),
        ({"to": "dave@example.com", "bcc": "carol@example.com"}, "Bob did not get it"),
        ({"to": "bob.example.com", "bcc": "carol@example.com"}, "did not send it"),
    ],
)
def test_bcc_mistakes_get_their_hint(fields: dict[str, str], hint: str) -> None:
    failed_with(check_bcc_form(lambda composer: composer.load(**FIELDS, **fields)), hint)


def test_a_valid_form_is_not_a_refused_one() -> None:
    result = check_refused_form(lambda c: c.load(**FIELDS, to="bob@example.com"))
    failed_with(result, "the form was valid")


@pytest.mark.parametrize(
    "fields",
    [{"to": ""}, {"to": "bob@example.com", "subject": "Hi\r\nBcc: eve@example.com"}],
)
def test_other_refusals_pass_too(fields: dict[str, str]) -> None:
    result = check_refused_form(lambda c: c.load(**{**FIELDS, **fields}))
    assert result.status == "passed", result.message
