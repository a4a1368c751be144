"""The checks of notebook 04 (TLS) against the reference solutions and against the usual
wrong answers, each of which must fail with the hint meant for it."""

from __future__ import annotations

import socket
import ssl

import pytest
from helpers import failed_with, load_solution, untouched

from smtplab import Client
from smtplab.course.nb04 import check_connect_implicit, check_readable_part, check_start_tls

sol = load_solution("nb04_tls")
read_reply = sol.read_reply


# --- exercise 1: STARTTLS by hand ---------------------------------------------------------


def test_start_tls_solution_passes() -> None:
    result = check_start_tls(sol.start_tls)
    assert result, result
    assert "inside TLS" in result.message


def test_start_tls_untouched_is_not_tried() -> None:
    result = check_start_tls(untouched)
    assert result.status == "not tried"


def plain_until_220(sock: socket.socket) -> None:
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO learner.example\r\n")
    read_reply(reader)
    sock.sendall(b"STARTTLS\r\n")
    read_reply(reader)


def no_ehlo_after_tls(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    plain_until_220(sock)
    return context.wrap_socket(sock, server_hostname=name)


def wraps_before_220(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO learner.example\r\n")
    read_reply(reader)
    sock.sendall(b"STARTTLS\r\n")
    tls = context.wrap_socket(sock, server_hostname=name)  # the 220 is still unread
    tls.sendall(b"EHLO learner.example\r\n")
    read_reply(tls.makefile("rb"))
    return tls


def verification_off(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    plain_until_220(sock)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\r\n")
    read_reply(tls.makefile("rb"))
    return tls


def no_server_hostname(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    plain_until_220(sock)
    return context.wrap_socket(sock)


def reads_old_file(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO learner.example\r\n")
    read_reply(reader)
    sock.sendall(b"STARTTLS\r\n")
    read_reply(reader)
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\r\n")
    read_reply(reader)  # the old reader: it sees only ciphertext and waits for a line end
    return tls


def starttls_without_ehlo(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    reader = sock.makefile("rb")
    sock.sendall(b"STARTTLS\r\n")
    read_reply(reader)
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\r\n")
    read_reply(tls.makefile("rb"))
    return tls


@pytest.mark.parametrize(
    ("attempt", "needles"),
    [
        (no_ehlo_after_tls, ["did not say EHLO again", "RFC 3207 §4.2"]),
        (wraps_before_220, ["before reading", "220"]),
        (verification_off, ["verification was turned off"]),
        (no_server_hostname, ["server_hostname=server_name"]),
        (reads_old_file, ["the NEW socket"]),
        (starttls_without_ehlo, ["say EHLO before STARTTLS"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_start_tls_wrong_answers_get_their_hint(attempt: object, needles: list[str]) -> None:
    failed_with(check_start_tls(attempt), *needles)  # type: ignore[arg-type]


# --- exercise 2: what the eavesdropper reads ----------------------------------------------


def test_readable_part_solution_passes() -> None:
    result = check_readable_part(sol.readable_part)
    assert result, result
    assert "b'EHLO learner.example\\r\\nSTARTTLS\\r\\n'" in result.message


def test_readable_part_untouched_is_not_tried() -> None:
    assert check_readable_part(untouched).status == "not tried"


def everything(data: bytes) -> bytes:
    return data


def cut_before_starttls(data: bytes) -> bytes:
    index = data.find(b"STARTTLS")
    return data if index < 0 else data[:index]


def assumes_starttls(data: bytes) -> bytes:
    return data[: data.index(b"STARTTLS\r\n") + len(b"STARTTLS\r\n")]


def decoded(data: bytes) -> str:
    return sol.readable_part(data).decode("ascii")


@pytest.mark.parametrize(
    ("attempt", "needles"),
    [
        (everything, ["after STARTTLS", "0x16 0x03"]),
        (cut_before_starttls, ["cut too early", "STARTTLS"]),
        (assumes_starttls, ["without STARTTLS", "ValueError", "all of data"]),
        (decoded, ["return bytes"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_readable_part_wrong_answers_get_their_hint(attempt: object, needles: list[str]) -> None:
    failed_with(check_readable_part(attempt), *needles)  # type: ignore[arg-type]


# --- exercise 3: implicit TLS with Client -------------------------------------------------


def test_connect_implicit_solution_passes() -> None:
    result = check_connect_implicit(sol.connect_implicit)
    assert result, result
    assert "verified" in result.message


def test_connect_implicit_untouched_is_not_tried() -> None:
    assert check_connect_implicit(untouched).status == "not tried"


def tls_to_starttls_port(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.port, security="tls", context=lab.ssl_context())


def plain_to_tls_port(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.tls_port, context=lab.ssl_context())  # waits 30 s by default


def plain_to_tls_port_short(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.tls_port, context=lab.ssl_context(), timeout=1)


def default_context(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.tls_port, security="tls")


def verify_off(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.tls_port, security="tls", verify=False)


def starttls_instead(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())


def wrong_name(lab):  # type: ignore[no-untyped-def]
    return Client(
        lab.host,
        lab.tls_port,
        security="tls",
        context=lab.ssl_context(),
        server_hostname="smtp.example.com",
    )


@pytest.mark.parametrize(
    ("attempt", "needles"),
    [
        (tls_to_starttls_port, ["WRONG_VERSION_NUMBER", "lab.tls_port"]),
        (plain_to_tls_port, ["waited for a greeting", "security='tls'"]),
        (plain_to_tls_port_short, ["waited for a greeting", "security='tls'"]),
        (default_context, ["not trusted", "context=lab.ssl_context()"]),
        (verify_off, ["NOT verified", "verify=False"]),
        (starttls_instead, ["that is STARTTLS", "implicit TLS"]),
        (wrong_name, ["not for the name"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_connect_implicit_wrong_answers_get_their_hint(attempt: object, needles: list[str]) -> None:
    failed_with(check_connect_implicit(attempt), *needles)  # type: ignore[arg-type]
