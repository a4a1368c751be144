"""The exercise checks' harness: judged by what the lab saw, and never leaving the machine.

Real labs on 127.0.0.1; the addresses outside it are TEST-NET (192.0.2.0/24, RFC 5737)
and a provider's name, refused by the harness before any packet or DNS query leaves.
"""

from __future__ import annotations

import smtplib
import socket
import time

import pytest

from smtplab.course.doors import LOOPBACK_ONLY, LeavesTheMachine
from smtplab.course.harness import TRIED, Hint, Trial, evaluate
from smtplab.course.labs import lab_connection, on_a_connection, run_with_deadline, strict_lab

pytestmark = pytest.mark.timeout(30)


def helo(sock: socket.socket) -> bytes:
    """Greet the lab and read its one-line answer (a correct little function)."""
    sock.recv(4096)
    sock.sendall(b"HELO learner.example\r\n")
    return sock.recv(4096)


def judge(trial: object) -> str:
    """A verifier that judges from the lab's log."""
    assert isinstance(trial, Trial)
    if not any(line.text.startswith("HELO ") for line in trial.received()):
        raise Hint("say HELO first")
    return "well done"


# --- judged by what the server saw ---------------------------------------------------------


def test_work_that_returns_nothing_is_judged_and_told_to_return() -> None:
    def forgot(sock: socket.socket) -> None:
        helo(sock)

    result = evaluate(
        "helo", lambda: on_a_connection(lambda t: forgot(t.sock)), judge, returns="the reply"
    )
    assert result.status == "failed", result
    assert result.message.startswith("you forgot to `return` the reply"), result
    assert "What the lab saw was right" in result.message


def test_a_forgotten_return_also_gets_the_hint_about_the_work() -> None:
    def wrong_and_forgot(sock: socket.socket) -> None:
        sock.recv(4096)
        sock.sendall(b"EHLO learner.example\r\n")
        sock.recv(4096)

    result = evaluate(
        "helo",
        lambda: on_a_connection(lambda t: wrong_and_forgot(t.sock)),
        judge,
        returns="the reply",
    )
    assert "you forgot to `return` the reply" in result.message
    assert "Also: say HELO first" in result.message


def test_without_returns_the_work_alone_is_judged() -> None:
    def forgot(sock: socket.socket) -> None:
        helo(sock)

    result = evaluate("helo", lambda: on_a_connection(lambda t: forgot(t.sock)), judge)
    assert result.status == "passed", result


def test_nothing_reached_the_lab_and_nothing_returned_is_not_tried() -> None:
    result = evaluate("helo", lambda: on_a_connection(lambda t: None), judge, returns="it")
    assert result.status == "not tried", result


def test_a_lab_given_to_evaluate_is_watched_from_the_start() -> None:
    seen: list[object] = []

    def verify(value: object) -> str:
        seen.append(value)
        return "ok"

    with strict_lab() as lab:
        sock = socket.create_connection((lab.host, lab.port), timeout=2)  # the check's own
        sock.recv(4096)

        def learner() -> None:
            sock.sendall(b"NOOP\r\n")
            sock.recv(4096)

        untouched = evaluate("noop", lambda: None, verify, lab=lab, returns="the reply")
        assert untouched.status == "not tried", untouched
        forgot = evaluate("noop", learner, verify, lab=lab, returns="the reply")
        sock.close()
    assert "you forgot to `return` the reply" in forgot.message
    assert seen == [TRIED]


def test_a_check_lab_started_before_evaluate_is_watched_too() -> None:
    with lab_connection() as trial:
        trial.sock.recv(4096)  # the check reads the greeting itself
        untouched = evaluate("x", lambda: None, lambda value: "ok", returns="the reply")

        def learner() -> None:
            trial.sock.sendall(b"NOOP\r\n")
            trial.sock.recv(4096)

        forgot = evaluate("x", learner, lambda value: "ok", returns="the reply")
    assert untouched.status == "not tried", untouched
    assert "forgot to `return`" in forgot.message, forgot


def test_check_labs_are_strict_and_a_hang_up_is_explained() -> None:
    def bare_lf(sock: socket.socket) -> bytes:
        sock.recv(4096)
        sock.sendall(b"HELO learner.example\n")
        data = sock.recv(4096)
        sock.sendall(b"NOOP\r\n")
        time.sleep(0.1)
        sock.sendall(b"NOOP\r\n")
        return data + sock.recv(4096) + sock.recv(4096)

    result = evaluate("helo", lambda: on_a_connection(lambda t: bare_lf(t.sock)), judge)
    assert result.status == "failed", result
    assert "521 5.5.2" in result.message and "§2.3.8" in result.message, result
    assert "a lenient server may have let it through" in result.message


# --- the doors closed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dial",
    [
        lambda: socket.create_connection(("192.0.2.1", 25), timeout=5),
        lambda: smtplib.SMTP("smtp.qq.com", 587, timeout=5),
        lambda: socket.getaddrinfo("smtp.gmail.com", 465),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.7", 53)),
        lambda: socket.getaddrinfo("127.1 smtp.qq.com", 465),
    ],
    ids=["TEST-NET address", "provider by name", "name lookup", "datagram", "digits, then a name"],
)
def test_a_check_refuses_to_leave_the_machine_before_anything_is_sent(dial) -> None:
    raised: list[BaseException] = []

    def learner() -> str:
        try:
            dial()
        except OSError as error:  # a learner's code may even swallow it
            raised.append(error)
        return "done"

    start = time.monotonic()
    result = evaluate("send", learner, lambda value: "passed?")
    elapsed = time.monotonic() - start
    assert result.status == "failed", result
    assert LOOPBACK_ONLY in result.message
    assert "use the lab's host/port you were given" in result.message
    assert len(raised) == 1 and isinstance(raised[0], LeavesTheMachine), raised
    assert elapsed < 0.5  # refused at once: no connect, no DNS query timing out


def test_a_thread_started_by_the_check_is_guarded_too() -> None:
    def learner() -> object:
        finished = run_with_deadline(
            lambda: socket.create_connection(("192.0.2.1", 25), timeout=5), 2.0
        )
        assert finished is not None
        return finished.error

    result = evaluate("thread", learner, lambda value: "passed?")
    assert "use the lab's host/port" in result.message, result


def test_loopback_is_allowed_and_outside_checks_nothing_is_refused() -> None:
    with lab_connection() as trial:
        result = evaluate(
            "helo", lambda: helo(trial.sock), lambda value: f"got {bytes(value)[:3]!r}"
        )
        assert result.status == "passed", result
        with socket.create_connection(("localhost", trial.lab.port), timeout=2):
            pass

        def short_form() -> str:  # "127.1" is 127.0.0.1 (nb10's check of the name uses it)
            with socket.create_connection(("127.1", trial.lab.port), timeout=2):
                return "connected"

        assert evaluate("127.1", short_form, str).status == "passed"
    # numeric, so nothing is sent: the guard is idle outside a check
    assert socket.getaddrinfo("192.0.2.1", 25, proto=socket.IPPROTO_TCP)
