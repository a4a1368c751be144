"""The checks of notebook 01 (Raw TCP) against the reference solutions and typical mistakes.

Each check must pass with its solution, say "not tried yet" for the untouched template
(a body of ``...``), and fail with the right hint for each usual wrong answer below.
"""

from __future__ import annotations

import socket

import pytest
from helpers import failed_with, load_solution

from smtplab.course import harness
from smtplab.course.nb01 import (
    BytesPicture,
    check_helo,
    check_read_reply,
    check_send_line,
    show_bytes,
)

sol = load_solution("nb01_raw_tcp")
read_line = sol.read_line


@pytest.fixture(autouse=True)
def quick_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong answers that make the server wait time out after 1 s instead of 2 s."""
    monkeypatch.setattr(harness, "LEARNER_TIMEOUT", 1.0)


# --- the solutions pass, the templates are "not tried" ----------------------------------------


def test_the_solutions_pass() -> None:
    for result in (
        check_helo(sol.my_helo),
        check_send_line(sol.send_line),
        check_read_reply(sol.read_reply),
    ):
        assert result.status == "passed", result
        assert bool(result)


def test_untouched_templates_are_not_tried() -> None:
    def my_helo(sock):  # type: ignore[no-untyped-def]
        ...

    def send_line(sock, text):  # type: ignore[no-untyped-def]
        ...

    def read_reply(sock):  # type: ignore[no-untyped-def]
        ...

    for result in (check_helo(my_helo), check_send_line(send_line), check_read_reply(read_reply)):
        assert result.status == "not tried", result
        assert "not tried yet" in str(result)


# --- exercise 1: HELO ---------------------------------------------------------------------------


def test_helo_without_crlf_is_caught_from_the_server_log() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"HELO learner.example")
        return sock.recv(1024)

    failed_with(check_helo(my_helo), "no line end", "\\r\\n")


def test_helo_with_a_bare_lf() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"HELO learner.example\n")
        return read_line(sock)

    failed_with(check_helo(my_helo), "bare LF", "§2.3.8")


def test_helo_sent_as_str() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall("HELO learner.example\r\n")  # type: ignore[arg-type]
        return read_line(sock)

    failed_with(check_helo(my_helo), "bytes", ".encode(")


def test_helo_without_reading_the_greeting() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        sock.sendall(b"HELO learner.example\r\n")
        return sock.recv(1024)

    failed_with(check_helo(my_helo), "greeting", "speaks first")


def test_helo_sent_nothing() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        return read_line(sock)

    failed_with(check_helo(my_helo), "received nothing")


def test_ehlo_instead_of_helo() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"EHLO learner.example\r\n")
        return read_line(sock)

    failed_with(check_helo(my_helo), "EHLO", "send HELO")


def test_helo_with_another_name() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"HELO localhost\r\n")
        return read_line(sock)

    failed_with(check_helo(my_helo), "learner.example")


def test_helo_with_an_extra_empty_line() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"HELO learner.example\r\n\r\n")
        return read_line(sock)

    failed_with(check_helo(my_helo), "exactly one line")


def test_helo_returning_something_else() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"HELO learner.example\r\n")
        read_line(sock)
        return b"OK"

    failed_with(check_helo(my_helo), "250 lab.smtplab.test", "Return the reply")


# --- exercise 2: send_line ---------------------------------------------------------------------


def test_send_line_without_crlf() -> None:
    def send_line(sock: socket.socket, text: str) -> bytes:
        data = text.encode("ascii")
        sock.sendall(data)
        return data

    failed_with(check_send_line(send_line), "no line end")


def test_send_line_with_a_bare_lf() -> None:
    def send_line(sock: socket.socket, text: str) -> bytes:
        data = text.encode("ascii") + b"\n"
        sock.sendall(data)
        return data

    failed_with(check_send_line(send_line), "bare LF")


def test_send_line_sending_str() -> None:
    def send_line(sock: socket.socket, text: str) -> str:
        sock.sendall(text + "\r\n")  # type: ignore[arg-type]
        return text

    failed_with(check_send_line(send_line), "bytes, not str")


def test_send_line_without_the_cr_lf_guard_lets_commands_in() -> None:
    def send_line(sock: socket.socket, text: str) -> bytes:
        data = text.encode("ascii") + b"\r\n"
        sock.sendall(data)
        return data

    failed_with(check_send_line(send_line), "two commands", "command injection", "ValueError")


def test_send_line_repairing_the_text_instead_of_refusing() -> None:
    def send_line(sock: socket.socket, text: str) -> bytes:
        data = text.replace("\r", "").replace("\n", "").encode("ascii") + b"\r\n"
        sock.sendall(data)
        return data

    failed_with(check_send_line(send_line), "Do not repair", "NOOPQUIT")


def test_send_line_raising_only_after_sending() -> None:
    def send_line(sock: socket.socket, text: str) -> bytes:
        data = text.encode("ascii") + b"\r\n"
        sock.sendall(data)
        if "\r" in text or "\n" in text:
            raise ValueError("line break inside")
        return data

    failed_with(check_send_line(send_line), "only after sending")


def test_send_line_raising_the_wrong_error() -> None:
    def send_line(sock: socket.socket, text: str) -> bytes:
        if "\n" in text:
            raise RuntimeError("no")
        data = text.encode("ascii") + b"\r\n"
        sock.sendall(data)
        return data

    failed_with(check_send_line(send_line), "raised RuntimeError", "should raise ValueError")


def test_send_line_returning_the_text() -> None:
    def send_line(sock: socket.socket, text: str) -> str:
        sock.sendall(text.encode("ascii") + b"\r\n")
        return text

    failed_with(check_send_line(send_line), "Return the bytes you sent")


# --- exercise 3: read_reply --------------------------------------------------------------------


def test_read_reply_with_one_recv_returns_two_replies() -> None:
    def read_reply(sock: socket.socket) -> bytes:
        return sock.recv(1024)

    failed_with(check_read_reply(read_reply), "the MAIL FROM reply", "next reply", "§4.2.1")


def test_read_reply_reading_only_one_line() -> None:
    def read_reply(sock: socket.socket) -> bytes:
        return read_line(sock)

    failed_with(check_read_reply(read_reply), "only 1 of its 7 lines", "'250-'")


def test_read_reply_that_throws_the_extra_bytes_away() -> None:
    def read_reply(sock: socket.socket) -> bytes:
        data = b""
        while True:
            data += sock.recv(1024)
            lines = data.split(b"\r\n")
            for i, line in enumerate(lines[:-1]):
                if line[3:4] == b" ":
                    return b"\r\n".join(lines[: i + 1]) + b"\r\n"

    failed_with(check_read_reply(read_reply), "threw it away", "read_line")


def test_read_reply_may_return_text() -> None:
    def read_reply(sock: socket.socket) -> str:
        return sol.read_reply(sock).decode("ascii")

    assert check_read_reply(read_reply).status == "passed"


# --- the picture ---------------------------------------------------------------------------------


def test_show_bytes_draws_chunks_and_line_ends() -> None:
    picture = show_bytes(b"250-lab.sm", b"tplab.test\r\n250 OK\r\n")
    assert isinstance(picture, BytesPicture)
    text = repr(picture)
    assert "recv() #1 (10 bytes): 250-lab.sm" in text
    assert "tplab.test\\r\\n250 OK\\r\\n" in text
    assert "2 line end(s) in 2 recv() result(s)" in text
    html = picture._repr_html_()
    assert html.count(">CR</span>") == 2 and html.count(">LF</span>") == 2
    assert html.count('style="display:flex') == 2  # one row per line


def test_show_bytes_refuses_text() -> None:
    with pytest.raises(TypeError, match="bytes"):
        show_bytes("220 hello")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        show_bytes()
