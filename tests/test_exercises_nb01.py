"""The checks of notebook 01 (Raw TCP): the catalogue of wrong answers (tests/catalogue.py),
then the behaviour that is not a catalogue row.

Each check must pass with its solution, say "not tried yet" for the untouched template
(a body of ``...``), and fail with the right hint for each usual wrong answer below.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution

from smtplab.course import labs
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
    monkeypatch.setattr(labs, "LEARNER_TIMEOUT", 1.0)


# --- exercise 1: HELO ---------------------------------------------------------------------------


def helo_as_str(sock: socket.socket) -> bytes:
    read_line(sock)
    sock.sendall("HELO learner.example\r\n")  # type: ignore[arg-type]
    return read_line(sock)


def helo_without_crlf(sock: socket.socket) -> bytes:
    read_line(sock)
    sock.sendall(b"HELO learner.example")
    return sock.recv(1024)


def helo_with_a_bare_lf(sock: socket.socket) -> bytes:
    read_line(sock)
    sock.sendall(b"HELO learner.example\n")
    return read_line(sock)


def helo_with_one_recv_each(sock: socket.socket) -> bytes:
    sock.recv(1024)
    sock.sendall(b"HELO learner.example\r\n")
    return sock.recv(1024)


def helo_without_reading_the_greeting(sock: socket.socket) -> bytes:
    sock.sendall(b"HELO learner.example\r\n")
    return read_line(sock)


def helo_forgetting_return(sock: socket.socket) -> None:
    sol.my_helo(sock)


# --- exercise 2: send_line ---------------------------------------------------------------------


def send_line_without_the_guard(sock: socket.socket, text: str) -> bytes:
    data = text.encode("ascii") + b"\r\n"
    sock.sendall(data)
    return data


def send_line_repairing_the_text(sock: socket.socket, text: str) -> bytes:
    data = text.replace("\r", "").replace("\n", "").encode("ascii") + b"\r\n"
    sock.sendall(data)
    return data


def send_line_raising_after_sending(sock: socket.socket, text: str) -> bytes:
    data = text.encode("ascii") + b"\r\n"
    sock.sendall(data)
    if "\r" in text or "\n" in text:
        raise ValueError("line break inside")
    return data


def send_line_with_a_bare_lf(sock: socket.socket, text: str) -> bytes:
    if "\r" in text or "\n" in text:
        raise ValueError("line break inside")
    data = text.encode("ascii") + b"\n"
    sock.sendall(data)
    return data


def send_line_refusing_only_crlf(sock: socket.socket, text: str) -> bytes:
    if "\r\n" in text:  # lets "NOOP\nQUIT" through: a bare LF inside
        raise ValueError("line break inside")
    data = text.encode("ascii") + b"\r\n"
    sock.sendall(data)
    return data


def send_line_refusing_only_lf(sock: socket.socket, text: str) -> bytes:
    if "\n" in text:  # lets "NOOP\rQUIT" through: a bare CR inside
        raise ValueError("line break inside")
    data = text.encode("ascii") + b"\r\n"
    sock.sendall(data)
    return data


def send_line_counting_lines(sock: socket.socket, text: str) -> bytes:
    if len(text.splitlines()) > 1:  # lets "NOOP\n" through: one line, and a bare LF
        raise ValueError("line break inside")
    data = text.encode("ascii") + b"\r\n"
    sock.sendall(data)
    return data


def send_line_returning_the_text(sock: socket.socket, text: str) -> str:
    sol.send_line(sock, text)
    return text


def send_line_forgetting_return(sock: socket.socket, text: str) -> None:
    sol.send_line(sock, text)


# --- exercise 3: read_reply --------------------------------------------------------------------


def read_reply_with_one_recv(sock: socket.socket) -> bytes:
    return sock.recv(1024)


def read_reply_reading_one_line(sock: socket.socket) -> bytes:
    return read_line(sock)


def read_reply_throwing_extra_bytes_away(sock: socket.socket) -> bytes:
    data = b""
    while True:
        data += sock.recv(1024)
        lines = data.split(b"\r\n")
        for i, line in enumerate(lines[:-1]):
            if line[3:4] == b" ":
                return b"\r\n".join(lines[: i + 1]) + b"\r\n"


def read_reply_on_a_hyphen_anywhere(sock: socket.socket) -> bytes:
    lines = [read_line(sock)]
    while b"-" in lines[-1]:  # a '-' in the text too, not only right after the code
        lines.append(read_line(sock))
    return b"".join(lines)


def read_reply_continuing_only_after_250(sock: socket.socket) -> bytes:
    lines = [read_line(sock)]
    while lines[-1].startswith(b"250-"):  # the code written in: a '220-' line ends it
        lines.append(read_line(sock))
    return b"".join(lines)


def read_reply_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(1024):
        data += chunk
    return data


def read_reply_forgetting_return(sock: socket.socket) -> None:
    sol.read_reply(sock)


EXERCISES = [
    Exercise(
        number="01.1",
        title="HELO by hand",
        checks="my_helo(sock) reads the greeting, sends HELO learner.example with CRLF and "
        "returns the reply; the lab is strict and sends each reply in 3 pieces",
        check=check_helo,
        correct=sol.my_helo,
        mistakes=(
            Mistake(
                name="sends str",
                rule="a socket carries bytes: encode text first",
                warned_in="01 · Bytes and text",
                answer=helo_as_str,
                hint="bytes, not str",
            ),
            Mistake(
                name="no CRLF",
                rule="a line is complete only when its CRLF arrives (RFC 5321 §2.3.8)",
                warned_in="01 · What if you forget the CRLF?",
                answer=helo_without_crlf,
                hint="no line end",
            ),
            Mistake(
                name="a bare LF",
                rule="a bare LF is not a line end; hardened servers refuse it",
                warned_in="01 · And a bare \\n?",
                answer=helo_with_a_bare_lf,
                hint="a lenient server may have let it through",
            ),
            Mistake(
                name="one recv() per reply",
                rule="TCP keeps no boundaries: one recv() may return part of a reply",
                warned_in="01 · One recv() is not one reply",
                answer=helo_with_one_recv_each,
                hint="only part of what the server sent",
            ),
            Mistake(
                name="does not read the greeting",
                rule="the server speaks first: read the 220 greeting before sending",
                warned_in="01 · The server speaks first",
                answer=helo_without_reading_the_greeting,
                hint="speaks first",
            ),
            Mistake(
                name="forgets return",
                rule="the function returns the reply it read",
                warned_in="01 · Your turn, exercise 1",
                answer=helo_forgetting_return,
                hint="you forgot to `return` the server's reply",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="01.2",
        title="one line, safely",
        checks="send_line(sock, text) sends text + CRLF as bytes and returns them; a text "
        "holding CR or LF is refused with ValueError before anything is sent",
        check=check_send_line,
        correct=sol.send_line,
        mistakes=(
            Mistake(
                name="no CR/LF guard",
                rule="a CR or LF inside the text ends the line early: command injection",
                warned_in="01 · Your turn, exercise 2 (text someone else filled in)",
                answer=send_line_without_the_guard,
                hint="command injection",
            ),
            Mistake(
                name="repairs the text",
                rule="refuse a text that cannot be one line, do not guess what was meant",
                warned_in="01 · Your turn, exercise 2 (raise ValueError)",
                answer=send_line_repairing_the_text,
                hint="Do not repair",
            ),
            Mistake(
                name="raises after sending",
                rule="check before sending: what is sent cannot be taken back",
                warned_in="01 · Your turn, exercise 2 (send nothing and raise)",
                answer=send_line_raising_after_sending,
                hint="only after sending",
            ),
            Mistake(
                name="a bare LF",
                rule="every SMTP line ends with CRLF, not LF alone (RFC 5321 §2.3.8)",
                warned_in="01 · And a bare \\n?",
                answer=send_line_with_a_bare_lf,
                hint="bare LF",
            ),
            Mistake(
                name="refuses only CR LF together",
                rule="a LF alone inside the text breaks the line too: SMTP smuggling",
                warned_in='01 · And a bare \\n?; Your turn, exercise 2 (a "\\r" or a "\\n")',
                answer=send_line_refusing_only_crlf,
                hint="'NOOP\\nQUIT') did not raise ValueError",
            ),
            Mistake(
                name="refuses only LF",
                rule="a CR alone inside the text breaks the line too",
                warned_in='01 · Your turn, exercise 2 (a "\\r" or a "\\n")',
                answer=send_line_refusing_only_lf,
                hint="'NOOP\\rQUIT') did not raise ValueError",
            ),
            Mistake(
                name="refuses only a break between two lines",
                rule="a line break at the end of the text is one too (b'NOOP\\n\\r\\n': a bare LF)",
                warned_in='01 · And a bare \\n?; Your turn, exercise 2 (a "\\r" or a "\\n")',
                answer=send_line_counting_lines,
                hint="'NOOP\\n') did not raise ValueError",
            ),
            Mistake(
                name="returns the text",
                rule="the function returns the bytes that went on the wire",
                warned_in="01 · Bytes and text",
                answer=send_line_returning_the_text,
                hint="Return the bytes you sent",
            ),
            Mistake(
                name="forgets return",
                rule="the function returns the bytes it sent",
                warned_in="01 · Your turn, exercise 2",
                answer=send_line_forgetting_return,
                hint="you forgot to `return` the bytes you sent",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="01.3",
        title="one whole reply",
        checks="read_reply(sock) returns the 2-line greeting ('220-', '220 '), the 7-line EHLO "
        "reply (both sent in 3 pieces) and two pipelined replies that arrive together, each "
        "exactly",
        check=check_read_reply,
        correct=sol.read_reply,
        mistakes=(
            Mistake(
                name="one recv()",
                rule="TCP keeps no boundaries: a reply may arrive in pieces",
                warned_in="01 · One recv() is not one reply",
                answer=read_reply_with_one_recv,
                hint="only part of what the server sent",
            ),
            Mistake(
                name="reads one line",
                rule="'250-' means more lines follow, '250 ' is the last (RFC 5321 §4.2.1)",
                warned_in="01 · One recv() is not one reply (multi-line replies)",
                answer=read_reply_reading_one_line,
                hint="a hyphen after the code means more lines follow",
            ),
            Mistake(
                name="throws the extra bytes away",
                rule="never read past the end of a reply: pipelined replies arrive together",
                warned_in="01 · Framing: read whole lines",
                answer=read_reply_throwing_extra_bytes_away,
                hint="threw it away",
            ),
            Mistake(
                name="a '-' anywhere in the line",
                rule="the character right after the code says it: '-' more lines, ' ' the last",
                warned_in="01 · One recv() is not one reply (the code, followed by '-' ...)",
                answer=read_reply_on_a_hyphen_anywhere,
                hint="the one with a space after the code",
            ),
            Mistake(
                name="continues only after '250-'",
                rule="'-' after any code means more lines follow, not only after 250: a "
                "greeting may have several lines, '220-' then '220 ' (RFC 5321 §4.2, §4.2.1)",
                warned_in="01 · One recv() is not one reply (the code on every line, "
                "followed by '-' ...)",
                answer=read_reply_continuing_only_after_250,
                hint="not only after 250",
            ),
            Mistake(
                name="reads until the connection closes",
                rule="a reply ends at its last line, not when the connection ends",
                warned_in="01 · Goodbye: QUIT (b'' only after the server closes)",
                answer=read_reply_until_closed,
                hint="Stop at the last line",
            ),
            Mistake(
                name="forgets return",
                rule="the function returns the reply it read",
                warned_in="01 · Your turn, exercise 3",
                answer=read_reply_forgetting_return,
                hint="you forgot to `return` the reply you read",
                kind="forgot return",
            ),
        ),
    ),
]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)


# --- behaviour besides the catalogue -------------------------------------------------------------


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


def test_helo_names_the_domain_in_any_case() -> None:
    """Domain names are case-insensitive (RFC 5321 §2.4): 'HELO Learner.Example' gives the
    asked-for name and passes (it was failed as another name); a wrong name still fails."""

    def helo_as(name: bytes) -> Callable[[socket.socket], bytes]:
        def my_helo(sock: socket.socket) -> bytes:
            read_line(sock)
            sock.sendall(b"HELO " + name + b"\r\n")
            return read_line(sock)

        return my_helo

    for name in (b"Learner.Example", b"LEARNER.EXAMPLE"):
        result = check_helo(helo_as(name))
        assert result.status == "passed", (name, result)
    failed_with(check_helo(helo_as(b"Learner.Example.org")), "learner.example")


def test_helo_with_an_extra_empty_line() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"HELO learner.example\r\n\r\n")
        return read_line(sock)

    failed_with(check_helo(my_helo), "exactly one line")


def test_helo_then_goodbye_passes() -> None:
    """Saying QUIT after the reply, as the notebook's "Goodbye: QUIT" does, breaks no rule
    of the exercise (read the greeting, send HELO, return the reply); it was failed with
    "Send exactly one line (an empty line is a command too ...)", a hint about another
    mistake. Other lines after HELO still fail (test_helo_with_an_extra_empty_line)."""

    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"HELO learner.example\r\n")
        reply = read_line(sock)
        sock.sendall(b"QUIT\r\n")
        read_line(sock)  # 221
        return reply

    result = check_helo(my_helo)
    assert result.status == "passed", result

    def my_helo_returning_the_goodbye(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"HELO learner.example\r\n")
        read_line(sock)
        sock.sendall(b"QUIT\r\n")
        return read_line(sock)  # 221, not the reply to HELO

    failed_with(check_helo(my_helo_returning_the_goodbye), "250 lab.smtplab.test")


def test_helo_returning_something_else() -> None:
    def my_helo(sock: socket.socket) -> bytes:
        read_line(sock)
        sock.sendall(b"HELO learner.example\r\n")
        read_line(sock)
        return b"OK"

    failed_with(check_helo(my_helo), "250 lab.smtplab.test", "Return the reply")


def test_a_correct_helo_that_forgot_return_is_judged_right() -> None:
    result = check_helo(helo_forgetting_return)
    assert "What the lab saw was right" in result.message, result


def test_helo_without_crlf_on_a_blocking_socket_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """The notebook's own mistake (no CRLF) with the socket's timeout taken away, as
    tutorials do (setblocking(True)): the lab hangs up after LINE_WAIT seconds, so the
    check ends with the hint instead of the cell hanging for the lab's 300 s."""
    assert labs.LINE_WAIT <= 15
    monkeypatch.setattr(labs, "LINE_WAIT", 1.0)

    def my_helo(sock: socket.socket) -> bytes:
        sock.setblocking(True)
        reader = sock.makefile("rb")
        reader.readline()
        sock.sendall(b"HELO learner.example")
        return reader.readline()

    finished = labs.run_with_deadline(lambda: check_helo(my_helo), 20.0)
    assert finished is not None, "the check hung"
    failed_with(finished.value, "\\r\\n")


def test_send_line_without_crlf() -> None:
    def send_line(sock: socket.socket, text: str) -> bytes:
        data = text.encode("ascii")
        sock.sendall(data)
        return data

    failed_with(check_send_line(send_line), "no line end")


def test_send_line_sending_str() -> None:
    def send_line(sock: socket.socket, text: str) -> str:
        sock.sendall(text + "\r\n")  # type: ignore[arg-type]
        return text

    failed_with(check_send_line(send_line), "bytes, not str")


def test_send_line_raising_the_wrong_error() -> None:
    def send_line(sock: socket.socket, text: str) -> bytes:
        if "\n" in text:
            raise RuntimeError("no")
        data = text.encode("ascii") + b"\r\n"
        sock.sendall(data)
        return data

    failed_with(check_send_line(send_line), "raised RuntimeError", "should raise ValueError")


def test_read_reply_with_one_recv_on_whole_replies_takes_two_replies() -> None:
    """Past the split greeting and EHLO reply, a single recv() gets the pipelined pair."""
    calls: list[None] = []

    def reader(sock: socket.socket) -> bytes:
        calls.append(None)
        return sol.read_reply(sock) if len(calls) <= 2 else sock.recv(1024)

    failed_with(check_read_reply(reader), "the MAIL FROM reply", "next reply", "§4.2.1")


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


def test_show_bytes_draws_the_first_bytes_of_a_big_value() -> None:
    """A whole message passed by mistake is not megabytes of boxes in the notebook: the
    first DRAWN_LIMIT bytes are drawn, and a line says how many more there are."""
    from smtplab.course.nb01_picture import DRAWN_LIMIT

    picture = show_bytes(b"220 hi\r\n", b"x" * 1_000_000)
    html, text = picture._repr_html_(), repr(picture)
    assert len(html) < 1_000_000 and len(text) < 20_000
    left = 1_000_008 - DRAWN_LIMIT
    assert f"{left} more bytes, not drawn" in html and f"{left} more bytes" in text
    assert "(1000000 bytes)" in text  # each chunk's size is still the whole
    small = show_bytes(b"250 OK\r\n")
    assert "not drawn" not in repr(small) + small._repr_html_()


def test_show_bytes_refuses_text() -> None:
    with pytest.raises(TypeError, match="bytes"):
        show_bytes("220 hello")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        show_bytes()
