"""The checks of notebook 02 (a whole conversation by hand) against the reference
solutions and typical mistakes.

Each check must pass with its solution, say "not tried yet" for the untouched template,
and fail with the right hint for each usual wrong answer below. The wrong answers are
written as a learner would write them, with the notebook's helpers (``read_reply``,
``command``).
"""

from __future__ import annotations

import socket
import time

import pytest
from helpers import failed_with, load_solution

from smtplab.course import harness
from smtplab.course.nb02 import (
    check_conversation,
    check_dot_line,
    check_what_next,
    transcript_of,
)
from smtplab.lab import LabServer

sol = load_solution("nb02_by_hand")
read_reply, command = sol.read_reply, sol.command

MESSAGE = b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: Hello by hand\r\n\r\nHi!\r\n"


@pytest.fixture(autouse=True)
def quick_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong answers that make the server wait time out after 1 s instead of 2 s."""
    monkeypatch.setattr(harness, "LEARNER_TIMEOUT", 1.0)


def envelope(sock: socket.socket) -> None:
    """The right opening, up to and including DATA's 354."""
    read_reply(sock)
    command(sock, "HELO learner.example")
    command(sock, "MAIL FROM:<alice@example.com>")
    command(sock, "RCPT TO:<bob@example.com>")
    assert command(sock, "DATA").startswith("354")


# --- the solutions pass, the templates are "not tried" ----------------------------------------


def test_the_solutions_pass() -> None:
    for result in (
        check_conversation(sol.send_by_hand),
        check_what_next(sol.what_next),
        check_dot_line(sol.send_ellipsis),
    ):
        assert result.status == "passed", result


def test_untouched_templates_are_not_tried() -> None:
    def send_by_hand(sock):  # type: ignore[no-untyped-def]
        ...

    def what_next(reply):  # type: ignore[no-untyped-def]
        ...

    def send_ellipsis(sock):  # type: ignore[no-untyped-def]
        ...

    for result in (
        check_conversation(send_by_hand),
        check_what_next(what_next),
        check_dot_line(send_ellipsis),
    ):
        assert result.status == "not tried", result


# --- exercise 1: the whole conversation ---------------------------------------------------------


def test_conversation_without_reading_the_greeting() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        command(sock, "HELO learner.example")  # gets the greeting...
        command(sock, "MAIL FROM:<alice@example.com>")  # ...and every reply one step late
        command(sock, "RCPT TO:<bob@example.com>")
        command(sock, "DATA")
        sock.sendall(MESSAGE + b".\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_conversation(send_by_hand), "one step behind", "greeting")


def test_conversation_with_bare_lf_commands() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        for line in ("HELO learner.example", "MAIL FROM:<alice@example.com>"):
            sock.sendall(line.encode() + b"\n")
            read_reply(sock)
        return "250"

    failed_with(check_conversation(send_by_hand), "bare LF", "HELO learner.example\\n")


def test_conversation_without_crlf() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        sock.sendall(b"HELO learner.example")
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "no line end")


def test_conversation_ending_data_with_bare_lf_dot() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE + b"\n.\n")
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "still waiting", "'\\n.\\n'", "smuggling")


def test_conversation_without_the_crlf_after_the_dot() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE + b".")
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "not the CRLF after it")


def test_conversation_with_the_dot_at_the_end_of_a_text_line() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE.rstrip(b"\r\n") + b".\r\n")
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "not alone on a line")


def test_conversation_without_the_lone_dot() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE)
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "send a line holding only a dot")


def test_conversation_sending_the_message_before_354() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        command(sock, "HELO learner.example")
        command(sock, "MAIL FROM:<alice@example.com>")
        command(sock, "RCPT TO:<bob@example.com>")
        sock.sendall(b"DATA\r\n" + MESSAGE + b".\r\n")
        read_reply(sock)
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_conversation(send_by_hand), "before the server answered '354", "§4.1.1.4")


def test_conversation_with_a_bad_mail_from() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        command(sock, "HELO learner.example")
        return command(sock, "MAIL FROM <alice@example.com>")

    failed_with(check_conversation(send_by_hand), "501", "angle brackets", "§4.1.2")


def test_conversation_without_helo() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        return command(sock, "MAIL FROM:<alice@example.com>")

    failed_with(check_conversation(send_by_hand), "send HELO first", "HELO learner.example")


def test_conversation_with_rcpt_before_mail() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        command(sock, "HELO learner.example")
        command(sock, "RCPT TO:<bob@example.com>")
        command(sock, "MAIL FROM:<alice@example.com>")
        return command(sock, "DATA")

    failed_with(check_conversation(send_by_hand), "503", "RCPT TO came before MAIL FROM")


def test_conversation_sending_the_message_as_str() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE.decode() + ".\r\n")  # type: ignore[arg-type]
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "bytes, not str")


def test_conversation_with_bare_lf_inside_the_message() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE.replace(b"\r\n", b"\n") + b"\r\n.\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_conversation(send_by_hand), "end with \\n only", "Inside a message")


def test_conversation_without_quit() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE + b".\r\n")
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "QUIT", "221")


def test_conversation_without_the_subject() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(b"Hello by hand\r\n.\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_conversation(send_by_hand), "no Subject", "empty line")


def test_conversation_with_the_wrong_recipient() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        command(sock, "HELO learner.example")
        command(sock, "MAIL FROM:<alice@example.com>")
        command(sock, "RCPT TO:<carol@example.com>")
        command(sock, "DATA")
        sock.sendall(MESSAGE + b".\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_conversation(send_by_hand), "carol@example.com", "RCPT TO:<bob@example.com>")


def test_conversation_returning_the_quit_reply() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE + b".\r\n")
        read_reply(sock)
        return command(sock, "QUIT")

    failed_with(check_conversation(send_by_hand), "the reply to QUIT")


# --- exercise 2: what next? -----------------------------------------------------------------------


def test_what_next_by_exact_code() -> None:
    def what_next(reply: str) -> str | None:
        return {"250": "done", "354": "go on", "451": "try later", "550": "give up"}.get(reply[:3])

    failed_with(check_what_next(what_next), "'220", "Every 2xx reply means 'done'")


def test_what_next_giving_up_on_a_4xx() -> None:
    def what_next(reply: str) -> str:
        return {"2": "done", "3": "go on"}.get(reply[0], "give up")

    failed_with(check_what_next(what_next), "451", "temporary failure", "try later")


def test_what_next_calling_3xx_done() -> None:
    def what_next(reply: str) -> str:
        return {"2": "done", "3": "done", "4": "try later", "5": "give up"}[reply[0]]

    failed_with(check_what_next(what_next), "354", "waits for more")


def test_what_next_only_550_is_permanent() -> None:
    def what_next(reply: str) -> str:
        if reply.startswith("550"):
            return "give up"
        return {"2": "done", "3": "go on"}.get(reply[0], "try later")

    failed_with(check_what_next(what_next), "503", "Every 5xx reply")


def test_what_next_with_other_words() -> None:
    def what_next(reply: str) -> str:
        return "ok"

    failed_with(check_what_next(what_next), "return one of")


# --- exercise 3: a line that starts with a dot -------------------------------------------------


def test_dot_line_not_stuffed() -> None:
    def send_ellipsis(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(b"Subject: Dots\r\n\r\nHi Bob,\r\n...and that is all.\r\nAlice\r\n.\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_dot_line(send_ellipsis), "removed the first dot", "dot-stuffing", "§4.5.2")


def test_dot_line_with_another_body() -> None:
    def send_ellipsis(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(b"Subject: Dots\r\n\r\nHi Bob,\r\nAlice\r\n.\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_dot_line(send_ellipsis), "the body arrived as")


# --- the picture ---------------------------------------------------------------------------------


def test_transcript_of_a_hand_made_session() -> None:
    with LabServer() as lab:
        sock = socket.create_connection((lab.host, lab.port), timeout=5)
        read_reply(sock)
        command(sock, "HELO learner.example")
        command(sock, "RCPT TO:<bob@example.com>")  # 503: out of order
        command(sock, "MAIL FROM:<alice@example.com>")
        command(sock, "RCPT TO:<bob@example.com>")
        command(sock, "DATA")
        sock.sendall(b"Subject: x\r\n\r\n..dot\r\n.\r\n")
        read_reply(sock)
        command(sock, "QUIT")
        sock.close()
        deadline = time.monotonic() + 2
        while not lab.sessions[-1].closed and time.monotonic() < deadline:
            time.sleep(0.01)
        transcript = transcript_of(lab.sessions[-1])
    text = str(transcript)
    assert "C: RCPT TO:<bob@example.com>" in text
    assert "S: 503 5.5.1 Error: need MAIL command" in text
    assert "C: ..dot" in text  # the body as it was on the wire, dot-stuffing included
    assert "C: QUIT" in text and "S: 221 2.0.0 Bye" in text
    diagram = transcript.diagram()
    assert "503 5.5.1" in diagram._repr_svg_()
