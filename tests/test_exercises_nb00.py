"""Notebook 00's checks: the catalogue of wrong answers (tests/catalogue.py) and the
behaviour that is not a catalogue row."""

from __future__ import annotations

import smtplib
import socket
import time
from email.message import EmailMessage
from typing import Any

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution

from smtplab.course import labs
from smtplab.course.nb00 import check_outcome, check_send_first
from smtplab.lab import LabServer

sol = load_solution("nb00_start")


def message(
    to: str = "bob@example.com, carol@example.com",
    subject: str = "My first message",
    sender: str = "alice@example.com",
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content("hi\n")
    return msg


def send_with(msg: EmailMessage, port_of=lambda lab: lab.port, host_of=lambda lab: lab.host):  # type: ignore[no-untyped-def]
    def send_first(lab: LabServer) -> Any:
        with smtplib.SMTP(host_of(lab), port_of(lab), timeout=5) as smtp:
            return smtp.send_message(msg)

    return send_first


def connects_without_sending(lab: LabServer) -> None:
    with smtplib.SMTP(lab.host, lab.port, timeout=5) as smtp:
        smtp.ehlo()


def sends_twice(lab: LabServer) -> Any:
    send_with(message())(lab)
    return send_with(message())(lab)


def forgets_return(lab: LabServer) -> None:
    send_with(message())(lab)


def returns_the_message(lab: LabServer) -> Any:
    send_with(message())(lab)
    return message()


# outcome(code): what the first digit says
def only_250_is_done(code: int) -> str:
    return "done" if code == 250 else "give up"


def swaps_4xx_and_5xx(code: int) -> str:
    return {2: "done", 3: "go on", 4: "give up", 5: "retry later"}[code // 100]


def returns_the_code(code: int) -> str:
    return str(code)


def calls_3xx_done(code: int) -> str:
    return {2: "done", 3: "done", 4: "retry later", 5: "give up"}[code // 100]


def the_former_words(code: int) -> str:
    return {2: "done", 3: "go on", 4: "try later", 5: "failed"}[code // 100]


EXERCISES = [
    Exercise(
        number="00.1",
        title="send your first message",
        checks="send_first(lab) sends one message with smtplib from alice to bob and carol, "
        "subject 'My first message', to a strict lab, and returns send_message's result",
        check=check_send_first,
        correct=sol.send_first,
        mistakes=(
            Mistake(
                name="only one recipient in To",
                rule="one RCPT TO per recipient: send_message takes them from the To header",
                warned_in="00 · What did they say to each other? (one RCPT per recipient)",
                answer=send_with(message(to="bob@example.com")),
                hint="did not get it",
            ),
            Mistake(
                name="another subject",
                rule="the Subject is a header of the message (RFC 5322), sent after DATA",
                warned_in="00 · Send one message with smtplib",
                answer=send_with(message(subject="Hello")),
                hint="the subject arrived as",
            ),
            Mistake(
                name="another sender",
                rule="the envelope sender (MAIL FROM) is taken from the From header",
                warned_in="00 · What did they say to each other? (MAIL FROM, the envelope)",
                answer=send_with(message(sender="me@example.com")),
                hint="envelope sender",
            ),
            Mistake(
                name="connects but sends no message",
                rule="a message goes out only after DATA: send_message while connected",
                warned_in="00 · Send one message with smtplib",
                answer=connects_without_sending,
                hint="sent no message",
            ),
            Mistake(
                name="sends it twice",
                rule="one conversation, one message: each send_message is a new transaction",
                warned_in="00 · Did it arrive?",
                answer=sends_twice,
                hint="2 messages arrived",
            ),
            Mistake(
                name="a port typed by hand",
                rule="the lab picks its own port each time: use lab.port",
                warned_in="00 · Start the lab server (always use lab.port)",
                answer=send_with(message(), port_of=lambda lab: 1),
                hint="lab.host, lab.port",
            ),
            Mistake(
                name="plain SMTP on the TLS port",
                rule="lab.tls_port speaks TLS from the first byte (like 465); plain is lab.port",
                warned_in="00 · Start the lab server (lab.port and lab.tls_port)",
                answer=send_with(message(), port_of=lambda lab: lab.tls_port),
                hint="lab.tls_port, which speaks TLS from the first byte",
            ),
            Mistake(
                name="a real provider's server",
                rule="the lab lives on 127.0.0.1: nothing leaves your machine",
                warned_in="00 · How these notebooks work",
                answer=send_with(message(), host_of=lambda lab: "smtp.qq.com"),
                hint="use the lab's host/port you were given",
            ),
            Mistake(
                name="returns something else",
                rule="send_message returns the recipients the server refused (a dict)",
                warned_in="00 · Send one message with smtplib (refused)",
                answer=returns_the_message,
                hint="Return what send_message gave back",
            ),
            Mistake(
                name="forgets return",
                rule="the function returns what send_message returned",
                warned_in="00 · Your turn, exercise 1",
                answer=forgets_return,
                hint="you forgot to `return` what send_message returned",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="00.2",
        title="what a code says",
        checks="outcome(code) for the codes a lab answered (220, 250, 354, 451, 550, 501, 221...)",
        check=check_outcome,
        correct=sol.outcome,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="compares the whole code",
                rule="only the first digit says the outcome (RFC 5321 §4.2.1)",
                warned_in="00 · What did they say to each other? (the first digit)",
                answer=only_250_is_done,
                hint="first digit",
            ),
            Mistake(
                name="4xx and 5xx swapped",
                rule="4xx is a temporary failure, 5xx a permanent one",
                warned_in="00 · What did they say to each other? (4 retry later, 5 give up)",
                answer=swaps_4xx_and_5xx,
                hint="temporary",
            ),
            Mistake(
                name="returns the code",
                rule="the answer is one of four words: done, go on, retry later, give up",
                warned_in="00 · Your turn, exercise 2",
                answer=returns_the_code,
                hint="answer one of",
            ),
            Mistake(
                name="3xx taken for done",
                rule="3xx means go on: the server waits for more (354 after DATA)",
                warned_in="00 · What did they say to each other? (DATA / 354 go ahead)",
                answer=calls_3xx_done,
                hint="waits for more",
            ),
            Mistake(
                name="the kit's former words",
                rule="one vocabulary across 00, 02 and 07: retry later (4xx), give up (5xx)",
                warned_in="00 · What did they say to each other? (4 retry later, 5 give up)",
                answer=the_former_words,
                hint="'retry later' and a 5xx reply 'give up'",
            ),
        ),
    ),
]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)


def test_the_outcome_check_says_not_tried_in_its_repr() -> None:
    def outcome(code: int) -> str: ...  # type: ignore[empty-body]

    assert "not tried yet" in repr(check_outcome(outcome))


def test_the_send_check_judges_a_correct_session_that_forgot_return() -> None:
    result = check_send_first(forgets_return)
    assert "What the lab saw was right" in result.message, result


def test_the_send_check_uses_a_strict_lab() -> None:
    def bad_syntax(lab: LabServer) -> None:
        with smtplib.SMTP(lab.host, lab.port, timeout=5) as smtp:
            smtp.ehlo()
            code, text = smtp.docmd("MAIL FROM: <alice@example.com>")
            assert code == 501, text

    failed_with(check_send_first(bad_syntax), "sent no message")


def test_the_send_check_takes_the_addresses_domain_in_another_case() -> None:
    """A domain is case-insensitive (RFC 5321 §2.4): 'bob@Example.com' is Bob's address,
    as notebook 02's check already takes it; a hint "bob@example.com did not get it: ...
    every recipient must be listed there" would send a learner who listed both in vain."""
    msg = message(to="bob@Example.com, carol@EXAMPLE.COM", sender="alice@Example.com")
    result = check_send_first(send_with(msg))
    assert result.status == "passed", result


def test_a_raw_socket_waiting_on_an_unended_line_does_not_hold_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not what the exercise asks (smtplib), but what a learner may try: a raw socket,
    its timeout taken away, EHLO without CRLF, then a wait for the reply. The check's lab
    hangs up after LINE_WAIT seconds; it had held the cell for its idle timeout, 300 s."""

    def raw(lab: LabServer) -> object:
        with socket.create_connection((lab.host, lab.port)) as sock:
            sock.settimeout(None)
            sock.recv(1024)  # the greeting
            sock.sendall(b"EHLO learner.example")  # no CRLF: the server waits for it
            return sock.recv(1024)  # b"" once the lab hangs up

    assert labs.LINE_WAIT <= 15
    monkeypatch.setattr(labs, "LINE_WAIT", 1.0)  # every check's lab (labs.strict_lab)
    started = time.monotonic()
    failed_with(check_send_first(raw), "sent no message")
    assert time.monotonic() - started < 6


def test_the_send_check_says_why_an_address_in_the_header_got_nothing() -> None:
    """'bob@example.com; carol@example.com' (Outlook's separator) lists Carol in To, but
    send_message reads no address after the ';' and sends her no RCPT TO. The hint had said
    "every recipient must be listed there", sending a learner who listed her in vain."""
    result = check_send_first(send_with(message(to="bob@example.com; carol@example.com")))
    failed_with(result, "commas")
    assert "must be listed there" not in result.message, result


def test_the_outcome_check_says_the_code_is_a_number() -> None:
    """An answer that takes the code for text ("250"[0]) raised TypeError, and the hint
    only named it: "'int' object is not subscriptable". It now says the code is an int."""
    words = {"2": "done", "3": "go on", "4": "retry later", "5": "give up"}
    failed_with(check_outcome(lambda code: words[code[0]]), "an int")
    failed_with(check_outcome(lambda code: "done" if code.startswith("2") else ""), "an int")
