"""The checks of notebook 06 (DATA and the message): each passes with its reference
solution, says "not tried yet" for the untouched template, and fails with the right hint
for the usual mistakes (no dot-stuffing, a non-encoded subject, Bcc in the headers...)."""

from __future__ import annotations

import base64
from email.header import Header
from email.message import EmailMessage
from typing import Any

import pytest
from helpers import failed_with, load_solution

from smtplab.course.nb06 import check_bcc, check_dot_stuffing, check_subject
from smtplab.message import compose, encode_header_value

DATE = "Fri, 27 Nov 2026 14:00:00 +0000"
solutions = load_solution("nb06_message")


def b64_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode("ascii") + "?="


# --------------------------------------------------------------------------- dot-stuffing


def test_stuffing_solution_passes() -> None:
    result = check_dot_stuffing(solutions.stuff_line)
    assert result, result


def test_stuffing_untouched_is_not_tried() -> None:
    def stuff_line(line: str) -> None: ...

    assert check_dot_stuffing(stuff_line).status == "not tried"


def test_stuffing_forgotten_ends_the_message_early() -> None:
    failed_with(check_dot_stuffing(lambda line: line), "ended early", "500", "'..'")


def test_stuffing_only_the_lone_dot() -> None:
    result = check_dot_stuffing(lambda line: ".." if line == "." else line)
    failed_with(result, "'.hidden files start with a dot'", "EVERY")


def test_stuffing_every_line_breaks_on_the_empty_line() -> None:
    failed_with(check_dot_stuffing(lambda line: "." + line), "empty", "'.'")


def test_stuffing_every_non_empty_line_is_against_the_rule() -> None:
    result = check_dot_stuffing(lambda line: "." + line if line else line)
    failed_with(result, "do not begin with one")


def test_stuffing_with_a_line_end() -> None:
    failed_with(check_dot_stuffing(lambda line: solutions.stuff_line(line) + "\r\n"), "CRLF")


def test_stuffing_with_a_space_instead_of_a_dot() -> None:
    result = check_dot_stuffing(lambda line: " " + line if line.startswith(".") else line)
    failed_with(result, "arrived as ' .'")


def test_stuffing_returns_bytes() -> None:
    result = check_dot_stuffing(lambda line: solutions.stuff_line(line).encode())
    failed_with(result, "not bytes")


def test_stuffing_forgets_to_return_for_some_lines() -> None:
    result = check_dot_stuffing(lambda line: "." + line if line.startswith(".") else None)
    failed_with(result, "returned None")


# --------------------------------------------------------------------------- subjects


def test_subject_solution_passes() -> None:
    result = check_subject(solutions.subject_header)
    assert result, result
    assert "=?utf-8?b?5L2g5aW9IFNNVFA=?=" in result.message


@pytest.mark.parametrize(
    "encoder",
    [
        encode_header_value,
        lambda text: Header(text, "utf-8", header_name="Subject").encode(),
        lambda text: Header(text, "utf-8", header_name="Subject").encode(linesep="\r\n"),
    ],
    ids=["smtplab", "email.header", "folded-with-crlf"],
)
def test_subject_library_encoders_pass(encoder: Any) -> None:
    assert check_subject(encoder)


def test_subject_untouched_is_not_tried() -> None:
    def subject_header(text: str) -> None: ...

    assert check_subject(subject_header).status == "not tried"


def test_subject_not_encoded() -> None:
    failed_with(check_subject(lambda text: text), "not encoded", "RFC 2047")


def test_subject_base64_without_the_wrapper() -> None:
    result = check_subject(lambda text: base64.b64encode(text.encode()).decode())
    failed_with(result, "did not wrap it")


def test_subject_wrapper_not_closed() -> None:
    result = check_subject(lambda text: b64_word(text)[:-2])
    failed_with(result, "closing ?=")


def test_subject_wrong_charset_label() -> None:
    result = check_subject(lambda text: b64_word(text).replace("utf-8", "latin-1"))
    failed_with(result, "charset")


def test_subject_one_encoded_word_too_long() -> None:
    result = check_subject(lambda text: text if text.isascii() else b64_word(text))
    failed_with(result, "75")


def test_subject_header_without_header_name_gets_a_precise_hint() -> None:
    result = check_subject(lambda text: Header(text, "utf-8").encode())
    failed_with(result, "76", "header_name")


def test_subject_with_the_header_name() -> None:
    result = check_subject(lambda text: "Subject: " + solutions.subject_header(text))
    failed_with(result, "only the value")


def test_subject_with_an_injected_line() -> None:
    result = check_subject(lambda text: solutions.subject_header(text) + "\r\nBcc: x@y.z")
    failed_with(result, "line break")


# --------------------------------------------------------------------------- Bcc


def raw_message(sender: str, to: str, extra: str = "") -> str:
    return (
        f"From: {sender}\r\nTo: {to}\r\n{extra}Subject: minutes\r\nDate: {DATE}\r\n"
        "Message-ID: <minutes-1@example.com>\r\n\r\nSee below.\r\n"
    )


def test_bcc_solution_passes() -> None:
    result = check_bcc(solutions.send_with_bcc)
    assert result, result


def test_bcc_untouched_is_not_tried() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> None: ...

    assert check_bcc(send_with_bcc).status == "not tried"


def test_bcc_without_return_still_passes() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> None:
        solutions.send_with_bcc(client, sender, to, bcc)

    assert check_bcc(send_with_bcc)


def test_bcc_by_hand_passes() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.mail(sender)
        client.rcpt(to)
        client.rcpt(bcc)
        return client.data(raw_message(sender, to))

    assert check_bcc(send_with_bcc)


def test_bcc_header_in_a_raw_message() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.mail(sender)
        client.rcpt(to)
        client.rcpt(bcc)
        return client.data(raw_message(sender, to, f"Bcc: {bcc}\r\n"))

    failed_with(check_bcc(send_with_bcc), "Bcc put in the headers")


def test_bcc_put_in_to() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        return client.send_message(compose(sender=sender, to=[to, bcc], subject="x", body="y"))

    failed_with(check_bcc(send_with_bcc), "To: header", "every recipient")


def test_bcc_header_only_delivers_nothing() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.mail(sender)
        client.rcpt(to)
        return client.data(raw_message(sender, to, f"Bcc: {bcc}\r\n"))

    failed_with(check_bcc(send_with_bcc), "not in the envelope", "RCPT TO")


def test_bcc_forgotten() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        return client.send_message(compose(sender=sender, to=to, subject="x", body="y"))

    failed_with(check_bcc(send_with_bcc), "never left")


def test_bcc_without_date() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        message = EmailMessage()
        message["From"], message["To"], message["Bcc"] = sender, to, bcc
        message["Subject"] = "minutes"
        message.set_content("See below.")
        return client.send_message(message)  # the client drops the Bcc header itself

    failed_with(check_bcc(send_with_bcc), "no Date")


def test_bcc_without_message_id() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.mail(sender)
        client.rcpt(to)
        client.rcpt(bcc)
        text = raw_message(sender, to).replace("Message-ID: <minutes-1@example.com>\r\n", "")
        return client.data(text)

    failed_with(check_bcc(send_with_bcc), "Message-ID", "SHOULD")


def test_bcc_two_messages() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.send_message(compose(sender=sender, to=to, subject="x", body="y"))
        return client.send_message(compose(sender=sender, to=bcc, subject="x", body="y"))

    failed_with(check_bcc(send_with_bcc), "ONE message")


def test_bcc_nothing_delivered() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        return client.mail(sender)

    failed_with(check_bcc(send_with_bcc), "no message arrived")
