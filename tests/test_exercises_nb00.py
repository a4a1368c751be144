"""Notebook 00's checks pass the reference solutions and give the right hint otherwise."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
from helpers import failed_with, load_solution

from smtplab.course.nb00 import check_outcome, check_send_first
from smtplab.lab import LabServer

solutions = load_solution("nb00_start")


def message(
    to: str = "bob@example.com, carol@example.com",
    subject: str = "My first message",
    sender: str = "alice@example.com",
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content("hi\n")
    return msg


def test_the_solutions_pass() -> None:
    assert check_send_first(solutions.send_first).status == "passed"
    assert check_outcome(solutions.outcome).status == "passed"


def test_untouched_templates_are_not_tried() -> None:
    def send_first(lab: LabServer) -> None: ...

    def outcome(code: int) -> str: ...  # type: ignore[empty-body]

    assert check_send_first(send_first).status == "not tried"
    assert check_outcome(outcome).status == "not tried"
    assert "not tried yet" in repr(check_outcome(outcome))


def send_with(msg: EmailMessage, port_of=lambda lab: lab.port):  # type: ignore[no-untyped-def]
    def send_first(lab: LabServer) -> None:
        with smtplib.SMTP(lab.host, port_of(lab), timeout=5) as smtp:
            smtp.send_message(msg)

    return send_first


@pytest.mark.parametrize(
    ("attempt", "hint"),
    [
        (send_with(message(to="bob@example.com")), "did not get it"),
        (send_with(message(subject="Hello")), "the subject arrived as"),
        (send_with(message(sender="me@example.com")), "envelope sender"),
    ],
)
def test_typical_mistakes_get_their_hint(attempt, hint: str) -> None:  # type: ignore[no-untyped-def]
    failed_with(check_send_first(attempt), hint)


def test_connecting_without_sending_is_spotted() -> None:
    def send_first(lab: LabServer) -> None:
        with smtplib.SMTP(lab.host, lab.port, timeout=5) as smtp:
            smtp.ehlo()

    failed_with(check_send_first(send_first), "send_message")


def test_sending_twice_is_spotted() -> None:
    def send_first(lab: LabServer) -> None:
        send_with(message())(lab)
        send_with(message())(lab)

    failed_with(check_send_first(send_first), "2 messages")


def test_the_wrong_port_is_reported_not_crashed() -> None:
    def send_first(lab: LabServer) -> None:
        with smtplib.SMTP(lab.host, 1, timeout=2) as smtp:
            smtp.send_message(message())

    failed_with(check_send_first(send_first), "ConnectionRefusedError")


@pytest.mark.parametrize(
    ("outcome", "hint"),
    [
        (lambda code: "done" if code == 250 else "failed", "first digit"),
        (
            lambda code: {2: "done", 3: "go on", 4: "failed", 5: "try later"}[code // 100],
            "temporary",
        ),
        (lambda code: str(code), "answer one of"),
        (
            lambda code: {2: "done", 3: "done", 4: "try later", 5: "failed"}[code // 100],
            "expected 'go on'",
        ),
    ],
)
def test_outcome_mistakes_get_their_hint(outcome, hint: str) -> None:  # type: ignore[no-untyped-def]
    failed_with(check_outcome(outcome), hint)
