"""The checks of notebook 03 (EHLO and extensions) against the reference solutions and
against the usual wrong answers, each of which must fail with the hint meant for it."""

from __future__ import annotations

import socket

import pytest
from helpers import failed_with, load_solution, untouched

from smtplab import Client
from smtplab.course.nb03 import check_ask, check_max_size, check_parse_extensions

sol = load_solution("nb03_ehlo")


# --- exercise 1: read a whole reply -------------------------------------------------------


def test_ask_solution_passes() -> None:
    result = check_ask(sol.ask)
    assert result, result
    assert "7-line EHLO reply" in result.message


def test_ask_untouched_is_not_tried() -> None:
    result = check_ask(untouched)
    assert result.status == "not tried"
    assert "not tried yet" in str(result)


def first_line_only(sock: socket.socket, command: str) -> list[bytes]:
    sock.sendall(command.encode() + b"\r\n")
    return [sock.makefile("rb").readline()]


def dash_taken_as_last(sock: socket.socket, command: str) -> list[bytes]:
    """Stops at the first line that starts with the code: '250-' is taken as the end."""
    sock.sendall(command.encode() + b"\r\n")
    reader, lines = sock.makefile("rb"), []
    while True:
        line = reader.readline()
        lines.append(line)
        if line[:3].isdigit():
            return lines


def drops_last_line(sock: socket.socket, command: str) -> list[bytes]:
    sock.sendall(command.encode() + b"\r\n")
    reader, lines = sock.makefile("rb"), []
    line = reader.readline()
    while line[3:4] == b"-":
        lines.append(line)
        line = reader.readline()
    return lines or [line]


def only_250_ends(sock: socket.socket, command: str) -> list[bytes]:
    sock.sendall(command.encode() + b"\r\n")
    reader, lines = sock.makefile("rb"), []
    while not lines or not lines[-1].startswith(b"250 "):
        lines.append(reader.readline())
    return lines


def reads_until_closed(sock: socket.socket, command: str) -> bytes:
    sock.sendall(command.encode() + b"\r\n")
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


def no_crlf(sock: socket.socket, command: str) -> list[bytes]:
    sock.sendall(command.encode())
    return [sock.makefile("rb").readline()]


def bare_lf(sock: socket.socket, command: str) -> list[bytes]:
    sock.sendall(command.encode() + b"\n")
    reader = sock.makefile("rb")
    lines = [reader.readline()]
    while lines[-1][3:4] == b"-":
        lines.append(reader.readline())
    return lines


def texts_without_codes(sock: socket.socket, command: str) -> list[str]:
    return [line[4:] for line in sol.ask(sock, command)]


@pytest.mark.parametrize(
    ("attempt", "needles"),
    [
        (first_line_only, ["only the first line", "'250-'", "§4.2.1"]),
        (dash_taken_as_last, ["only the first line", "MORE lines follow"]),
        (drops_last_line, ["left out the last line", "250 STARTTLS"]),
        (only_250_ends, ["XHELLO", "whatever the code is"]),
        (reads_until_closed, ["kept reading after the last line", "EHLO learner.example"]),
        (no_crlf, ["never got the whole command", "CRLF"]),
        (bare_lf, ["\\n alone", "§2.3.8"]),
        (texts_without_codes, ["without their codes"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_ask_wrong_answers_get_their_hint(attempt: object, needles: list[str]) -> None:
    failed_with(check_ask(attempt), *needles)  # type: ignore[arg-type]


# --- exercise 2: parse the extensions -----------------------------------------------------


def test_parse_solution_passes() -> None:
    result = check_parse_extensions(sol.parse_extensions)
    assert result, result
    assert "Gmail" in result.message


def test_parse_untouched_is_not_tried() -> None:
    assert check_parse_extensions(untouched).status == "not tried"


def keeps_server_name(lines: list[str]) -> dict[str, str]:
    result = {}
    for line in lines:
        keyword, _, params = line[4:].partition(" ")
        result[keyword] = params
    return result


def only_dash_lines(lines: list[str]) -> dict[str, str]:
    result = {}
    for line in lines[1:]:
        if line.startswith("250-"):
            keyword, _, params = line[4:].partition(" ")
            result[keyword] = params
    return result


def keeps_code(lines: list[str]) -> dict[str, str]:
    return {line.partition(" ")[0]: line.partition(" ")[2] for line in lines[1:]}


def keeps_params_in_key(lines: list[str]) -> dict[str, str]:
    return {line[4:]: "" for line in lines[1:]}


def size_as_int(lines: list[str]) -> dict[str, object]:
    result: dict[str, object] = dict(sol.parse_extensions(lines))
    result["SIZE"] = int(str(result["SIZE"]))
    return result


def returns_list(lines: list[str]) -> list[str]:
    return [line[4:].split()[0] for line in lines[1:]]


@pytest.mark.parametrize(
    ("attempt", "needles"),
    [
        (keeps_server_name, ["server's name", "skip it"]),
        (only_dash_lines, ["'STARTTLS' is missing", "last line"]),
        (keeps_code, ["start with the code", "line[4:]"]),
        (keeps_params_in_key, ["holds the parameters", "first space"]),
        (size_as_int, ["keep the parameters as text"]),
        (returns_list, ["return a dict"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_parse_wrong_answers_get_their_hint(attempt: object, needles: list[str]) -> None:
    failed_with(check_parse_extensions(attempt), *needles)  # type: ignore[arg-type]


# --- exercise 3: the biggest message ------------------------------------------------------


def test_max_size_solution_passes() -> None:
    result = check_max_size(sol.max_size)
    assert result, result
    assert "3145728" in result.message


def test_max_size_untouched_is_not_tried() -> None:
    assert check_max_size(untouched).status == "not tried"


def with_helo(host: str, port: int) -> int | None:
    with Client(host, port, local_hostname="learner.example") as client:
        client.helo()
        return client.extensions.size


def as_text(host: str, port: int) -> str:
    with Client(host, port, local_hostname="learner.example") as client:
        client.ehlo()
        return client.extensions.get("SIZE") or ""


def hard_coded(host: str, port: int) -> int:
    with Client(host, port, local_hostname="learner.example") as client:
        client.ehlo()
        return 10485760


def never_asks(host: str, port: int) -> int:
    return 3145728


@pytest.mark.parametrize(
    ("attempt", "needles"),
    [
        (with_helo, ["HELO, not EHLO"]),
        (as_text, ["return a number"]),
        (hard_coded, ["10485760", "this server"]),
        (never_asks, ["without connecting"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_max_size_wrong_answers_get_their_hint(attempt: object, needles: list[str]) -> None:
    failed_with(check_max_size(attempt), *needles)  # type: ignore[arg-type]
