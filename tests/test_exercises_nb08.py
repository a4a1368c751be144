"""Notebook 08's checks pass the reference solutions and give the right hint otherwise."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution

from smtplab.course.nb08 import BOB, CAROL, check_bcc_form, check_refused_form
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
        ({"to": "bob@example.com", "cc": "carol@example.com"}, "Bob can see it"),
        ({"to": "bob@example.com", "cc": "Carol@Example.COM"}, "in Cc"),
        ({"to": "dave@example.com", "bcc": "carol@example.com"}, "Bob did not get it"),
        ({"to": "bob.example.com", "bcc": "carol@example.com"}, "did not send it"),
    ],
)
def test_bcc_mistakes_get_their_hint(fields: dict[str, str], hint: str) -> None:
    failed_with(check_bcc_form(lambda composer: composer.load(**FIELDS, **fields)), hint)


@pytest.mark.parametrize(
    "fields",
    [
        {"to": "bob@example.com", "bcc": "Carol@Example.COM"},
        {"to": "Bob@EXAMPLE.com", "bcc": "carol@EXAMPLE.COM"},
    ],
)
def test_addresses_in_another_letter_case_pass(fields: dict[str, str]) -> None:
    """The domain is case-insensitive and hosts should not rely on the local part's case
    (RFC 5321 §2.4): the lab delivers them, and nb06's blind copy compares them so too."""
    result = check_bcc_form(lambda composer: composer.load(**FIELDS, **fields))
    assert result.status == "passed", result


def test_a_fill_that_presses_send_itself_is_judged_once() -> None:
    """The notebook shows load() then send_mail(): a learner's function that sends too is
    judged by the message it sent (the check does not send it a second time)."""

    def fill_and_send(composer: Composer) -> None:
        composer.load(**FIELDS, to=BOB, bcc=CAROL)
        composer.send_mail(block=True)

    result = check_bcc_form(fill_and_send)
    assert result.status == "passed", result
    assert "RCPT TO for bob@example.com, carol@example.com" in result.message


def test_a_fill_that_presses_send_with_carol_in_cc_is_told_so() -> None:
    def fill_and_send(composer: Composer) -> None:
        composer.load(**FIELDS, to=BOB, cc=CAROL)
        composer.send_mail(block=True)

    failed_with(check_bcc_form(fill_and_send), "in Cc")


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


@pytest.mark.parametrize(
    "fill",
    [
        lambda composer: composer.load(to=""),
        lambda composer: composer.load(),
        lambda composer: composer.send_mail(block=True),
    ],
    ids=["load-no-recipient", "load-nothing", "press-send-on-the-empty-form"],
)
def test_an_empty_form_is_a_refused_one(fill: Callable[[Composer], object]) -> None:
    """No recipient at all is one of the refusals the notebook lists (Summary): a function
    that loads an empty To, or presses Send on the empty form, has tried, and passes,
    though the form looks as it was."""
    result = check_refused_form(fill)
    assert result.status == "passed", result
    assert "'to'" in result.message or "'sender'" in result.message, result.message


# --- the catalogue ------------------------------------------------------------------------


def filler(**fields: str) -> Callable[[Composer], None]:
    """A learner's function that types these fields (on top of From, Subject and body)."""

    def fill(composer: Composer) -> None:
        composer.load(**{**FIELDS, **fields})

    return fill


EXERCISES = [
    Exercise(
        number="08.1",
        title="a blind copy from the form",
        checks="fill_with_bcc(composer): the check presses Send; its lab must have RCPT TO "
        "for Bob and Carol, and no header may name Carol",
        check=check_bcc_form,
        correct=solutions.fill_with_bcc,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="Carol in Cc",
                rule="Cc is a header: every recipient reads it (RFC 5322 §3.6.3)",
                warned_in="08 · The draft model (Eve, the blind copy, in no header)",
                answer=filler(to=BOB, cc=CAROL),
                hint="in Cc",
            ),
            Mistake(
                name="Carol in To",
                rule="To names the main recipients, shown to all",
                warned_in="08 · The draft model: the form without the widgets",
                answer=filler(to=f"{BOB}, {CAROL}"),
                hint="so Bob can see it",
            ),
            Mistake(
                name="Carol in To, someone else in Cc",
                rule="every header is shown to every recipient, To as much as Cc",
                warned_in="08 · The draft model: the form without the widgets",
                answer=filler(to=f"{BOB}, {CAROL}", cc="dave@example.com"),
                hint="her address is in To",
            ),
            Mistake(
                name="Carol left out",
                rule="a blind copy is delivered by its own RCPT TO (RFC 5321 §3.3)",
                warned_in="08 · The draft model (in the envelope, RCPT TO)",
                answer=filler(to=BOB),
                hint="Carol did not get it",
            ),
            Mistake(
                name="the wrong main recipient",
                rule="the envelope decides who gets the message",
                warned_in="08 · The same click, from code",
                answer=filler(to="dave@example.com", bcc=CAROL),
                hint="Bob did not get it",
            ),
            Mistake(
                name="an address without @",
                rule="an address is local-part@domain (RFC 5321 §4.1.2)",
                warned_in="08 · Mistakes are caught before anything is sent",
                answer=filler(to="bob.example.com", bcc=CAROL),
                hint="did not send it",
            ),
            Mistake(
                name="a Bcc header typed into the Subject",
                rule="a header field is one line: a line break in it injects a header "
                "(RFC 5322 §2.2); the Bcc field keeps Carol in the envelope only",
                warned_in="08 · Mistakes are caught before anything is sent",
                answer=filler(to=BOB, subject=f"Hi\r\nBcc: {CAROL}"),
                hint="header injection",
            ),
        ),
    ),
    Exercise(
        number="08.2",
        title="a form the Composer refuses",
        checks="fill_something_wrong(composer): the check presses Send; a field must be "
        "flagged and its lab must see no connection",
        check=check_refused_form,
        correct=solutions.fill_something_wrong,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="a valid form",
                rule="a form with a sender, an address and a subject is sent",
                warned_in="08 · The same click, from code",
                answer=filler(to=BOB),
                hint="the form was valid",
            ),
            Mistake(
                name="a lone dot in the body",
                rule="the client dot-stuffs the body (RFC 5321 §4.5.2): nothing to refuse",
                warned_in="06 · Dot-stuffing",
                answer=filler(to=BOB, body=".\n"),
                hint="stuffs dots",
            ),
            Mistake(
                name="a non-ASCII subject",
                rule="non-ASCII headers are encoded (RFC 2047): nothing to refuse",
                warned_in="06 · Non-ASCII names and subjects: encoded words",
                answer=filler(to=BOB, subject="Grüße"),
                hint="encodes non-ASCII",
            ),
            Mistake(
                name="a display name in To",
                rule="Name <address> is a valid mailbox (RFC 5322 §3.4)",
                warned_in="08 · The draft model: the form without the widgets",
                answer=filler(to=f"Bob <{BOB}>"),
                hint="display names",
            ),
            Mistake(
                name="a body line of 1,200 characters",
                rule="a long body line is encoded by the client (RFC 5322 §2.1.1), not refused",
                warned_in="06 · Line length limits",
                answer=filler(to=BOB, body="x" * 1200),
                hint="the form was valid",
            ),
        ),
    ),
]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)
