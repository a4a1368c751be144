"""The strict lab (``LabServer(strict=True)``) and the split-replies fault, over real sockets.

A strict lab refuses what hardened servers refuse: a bare LF or CR (Postfix's
``smtpd_forbid_bare_newline = yes``: ``521 5.5.2 ... Error: bare <LF> received``, then it
hangs up) and MAIL FROM / RCPT TO syntax RFC 5321 §4.1.2 does not allow (``501``).
``lab.split_replies(...)`` sends each reply in pieces with pauses, as a slow network may.
"""

from __future__ import annotations

import socket
import time

import pytest

from smtplab import Client
from smtplab.lab import LabPolicy, LabServer

pytestmark = pytest.mark.timeout(30)

TIMEOUT = 3.0


def connect(lab: LabServer) -> socket.socket:
    """A raw connection to ``lab``, greeting read."""
    sock = socket.create_connection((lab.host, lab.port), timeout=TIMEOUT)
    read_until(sock, b"\r\n")
    return sock


def read_until(sock: socket.socket, end: bytes, *, closed: bool = False) -> bytes:
    """Read until the bytes end with ``end`` (or, with ``closed``, until the lab closes)."""
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            assert closed, data
            return data
        data += chunk
        if not closed and data.endswith(end):
            return data


def replies(lab: LabServer, lines: bytes, count: int) -> list[str]:
    """Send ``lines`` on a fresh connection; the reply lines of the next ``count``
    replies' last lines (multi-line replies collapse into their last line)."""
    sock = connect(lab)
    sock.sendall(lines)
    got: list[str] = []
    buffer = b""
    while len(got) < count:
        chunk = sock.recv(4096)
        if not chunk:
            break
        buffer += chunk
        *whole, buffer = buffer.split(b"\r\n")
        got += [line.decode() for line in whole if line[3:4] != b"-"]
    sock.close()
    return got


# --- bare LF and bare CR ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind"),
    [(b"NOOP\n", "LF"), (b"NOOP\rNOOP\r\n", "CR"), (b"NO\nOP\r\n", "LF")],
    ids=["bare LF at the end", "bare CR inside", "bare LF inside"],
)
def test_a_strict_lab_hangs_up_on_a_bare_line_end_in_a_command(line: bytes, kind: str) -> None:
    with LabServer(strict=True) as lab:
        sock = connect(lab)
        sock.sendall(b"EHLO learner.example\r\n" + line + b"NOOP\r\n")
        data = read_until(sock, b"", closed=True).decode()
        sock.close()
    lines = data.splitlines()
    assert lines[-1].startswith(f"521 5.5.2 lab.smtplab.test Error: bare <{kind}> received")
    assert "RFC 5321 2.3.8" in lines[-1]
    assert lines[-2] == "250 STARTTLS"  # the EHLO before it was answered first, in order
    assert sum(line.startswith("250 ") for line in lines) == 1  # nothing after it ran


def test_a_strict_lab_hangs_up_on_a_bare_lf_in_the_message_and_delivers_nothing() -> None:
    with LabServer(strict=True) as lab:
        sock = connect(lab)
        sock.sendall(b"HELO x\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n")
        read_until(sock, b"2.1.5 OK\r\n")
        sock.sendall(b"DATA\r\n")
        read_until(sock, b"\r\n")
        sock.sendall(b"Subject: hi\r\n\r\nline one\nline two\r\n.\r\n")
        data = read_until(sock, b"", closed=True).decode()
        sock.close()
        assert data.startswith("521 5.5.2 lab.smtplab.test Error: bare <LF> received"), data
        assert lab.inbox == []
        assert any("bare <LF>" in text for text in lab.sessions[-1].sent_lines())


def test_a_line_end_split_between_two_segments_is_not_bare() -> None:
    with LabServer(strict=True) as lab:
        sock = connect(lab)
        sock.sendall(b"NOOP\r")
        time.sleep(0.05)
        sock.sendall(b"\nNO")
        time.sleep(0.05)
        sock.sendall(b"OP\r\n")
        assert read_until(sock, b"\r\n") == b"250 2.0.0 OK\r\n"
        assert read_until(sock, b"\r\n") == b"250 2.0.0 OK\r\n"
        sock.close()


def test_the_default_lab_stays_lenient() -> None:
    with LabServer() as lab:
        got = replies(lab, b"HELO x\nMAIL FROM: <a@example.com>\r\nRCPT TO:b@example.com\r\n", 3)
    assert got == ["250 lab.smtplab.test", "250 2.1.0 OK", "250 2.1.5 OK"]


# --- MAIL FROM / RCPT TO syntax (RFC 5321 §4.1.2) -------------------------------------------


@pytest.mark.parametrize(
    ("command", "refused"),
    [
        ("MAIL FROM:<a@example.com>", False),
        ("mail from:<a@example.com> SIZE=100", False),
        ("MAIL FROM:<>", False),
        ("MAIL FROM: <a@example.com>", True),
        ("MAIL FROM:a@example.com", True),
        ("MAIL FROM <a@example.com>", True),
        ("MAIL FROM:<a@example.com>  SIZE=100", True),
    ],
)
def test_a_strict_lab_checks_mail_from_syntax(command: str, refused: bool) -> None:
    with LabServer(strict=True) as lab:
        (_, reply) = replies(lab, f"EHLO x\r\n{command}\r\n".encode(), 2)
    if refused:
        assert reply.startswith("501 5.1.7 Bad sender address syntax"), reply
        assert "RFC 5321 4.1.2" in reply
    else:
        assert reply == "250 2.1.0 OK"


@pytest.mark.parametrize(
    ("command", "refused"),
    [
        ("RCPT TO:<b@example.com>", False),
        ("RCPT TO: <b@example.com>", True),
        ("RCPT TO:b@example.com", True),
        ("RCPT TO:<>", True),
    ],
)
def test_a_strict_lab_checks_rcpt_to_syntax(command: str, refused: bool) -> None:
    lines = f"EHLO x\r\nMAIL FROM:<a@example.com>\r\n{command}\r\n".encode()
    with LabServer(policy=LabPolicy(strict=True)) as lab:
        reply = replies(lab, lines, 3)[-1]
    if refused:
        assert reply.startswith("501 5.1.3 Bad recipient address syntax"), reply
    else:
        assert reply == "250 2.1.5 OK"


def test_helo_first_comes_before_the_syntax_refusal() -> None:
    with LabServer(strict=True) as lab:
        (reply,) = replies(lab, b"MAIL FROM: <a@example.com>\r\n", 1)
    assert reply.startswith("503"), reply


# --- split replies ------------------------------------------------------------------------


def test_split_replies_sends_each_reply_in_pieces_with_pauses() -> None:
    with LabServer() as lab:
        split = lab.split_replies(3, 0.05)
        sock = socket.create_connection((lab.host, lab.port), timeout=TIMEOUT)
        pieces, times = [], []
        start = time.monotonic()
        while b"".join(pieces).count(b"\r\n") < 1:
            pieces.append(sock.recv(4096))
            times.append(time.monotonic() - start)
        assert len(pieces) == 3, pieces
        assert b"".join(pieces) == b"220 lab.smtplab.test ESMTP smtplab lab server\r\n"
        assert times[2] - times[0] >= 0.08
        assert split.used == 1
        lab.clear_faults()
        sock.sendall(b"NOOP\r\n")
        assert sock.recv(4096) == b"250 2.0.0 OK\r\n"  # whole again
        sock.close()


def test_split_replies_times_and_the_closing_reply() -> None:
    with LabServer() as lab:
        lab.split_replies(2, 0.02, times=2)
        sock = socket.create_connection((lab.host, lab.port), timeout=TIMEOUT)
        first = sock.recv(4096)
        assert not first.endswith(b"\r\n"), first  # half of the greeting
        read_until(sock, b"\r\n")
        sock.sendall(b"QUIT\r\n")
        data = read_until(sock, b"", closed=True)  # split, and closed after its last piece
        assert data.startswith(b"221") and data.endswith(b"\r\n"), data
        assert lab.faults == []  # split_replies is not a step fault
        sock.close()


def test_the_client_reads_whole_replies_from_a_split_lab() -> None:
    with LabServer() as lab:
        lab.split_replies(4, 0.005)
        with Client(lab.host, lab.port, timeout=TIMEOUT) as client:
            assert client.ehlo().code == 250
            assert client.noop().code == 250


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [((1, 0.02), "pieces"), ((3, -1.0), "pause"), ((3, float("nan")), "pause")],
)
def test_split_replies_refuses_bad_arguments(arguments: tuple[int, float], problem: str) -> None:
    lab = LabServer()
    with pytest.raises(ValueError, match=problem):
        lab.split_replies(*arguments)
    with pytest.raises(ValueError, match="times"):
        lab.split_replies(times=0)
