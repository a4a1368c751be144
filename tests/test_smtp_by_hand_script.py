"""notebooks/scripts/smtp_by_hand.py, notebook 02's whole raw client as a plain script,
run as a learner runs it: ``python smtp_by_hand.py ...`` in a subprocess, against a real
LabServer on 127.0.0.1 (and, for the silent server, a listening socket that never speaks).
"""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smtplab.lab import LabServer

SCRIPT = Path(__file__).resolve().parents[1] / "notebooks" / "scripts" / "smtp_by_hand.py"
ENVELOPE = ["--from", "alice@example.com", "--to", "bob@example.com"]
BODY = "Hi Bob,\n...and that is all.\n.\nAlice\n"


def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run the script as a learner would, outside Jupyter and without smtplab."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": "/usr/bin:/bin"},  # no PYTHONPATH: the script needs nothing but Python
    )


def test_it_sends_one_message_and_dot_stuffed_lines_survive() -> None:
    with LabServer(strict=True) as lab:  # strict: a bare LF anywhere would be refused
        done = run("--port", str(lab.port), *ENVELOPE, "--subject", "By script", "--body", BODY)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        (message,) = lab.wait_for(1)
        assert message.mail_from == "alice@example.com"
        assert message.rcpt_tos == ["bob@example.com"]
        assert message.subject == "By script"
        assert message.data.split(b"\r\n\r\n", 1)[1] == BODY.replace("\n", "\r\n").encode()
        assert message.message["Date"] and message.message["Message-ID"]
        sent = [line.raw for line in lab.sessions[-1].lines if line.direction == "C"]
    assert b"....and that is all.\r\n" in b"".join(sent)  # stuffed on the wire
    assert "C: ....and that is all." in done.stdout  # and shown so
    assert done.stdout.splitlines()[-1].startswith("accepted: 250 ")
    assert "C: QUIT" in done.stdout and "S: 221 " in done.stdout


def test_the_ehlo_name_is_an_address_literal_or_given() -> None:
    with LabServer() as lab:
        given = run("--port", str(lab.port), *ENVELOPE, "--name", "learner.example", "--helo")
        assert given.returncode == 0, given.stderr
        assert "C: HELO learner.example" in given.stdout
        default = run("--port", str(lab.port), *ENVELOPE, "--quiet")
        assert default.returncode == 0 and default.stdout.startswith("accepted: 250 ")
        names = [s.received_lines()[0].split()[1] for s in lab.sessions]
    own = socket.gethostname()  # no DNS lookup: the script asks none either
    assert names[0] == "learner.example"
    assert names[1] in (own, "[127.0.0.1]")  # RFC 5321 §4.1.1.1: FQDN or address literal
    assert "." in names[1]


def test_whole_replies_arrive_in_pieces() -> None:
    with LabServer() as lab:
        lab.split_replies(pieces=3, pause=0.02)
        done = run("--port", str(lab.port), *ENVELOPE)
        assert done.returncode == 0, done.stderr
        assert lab.wait_for(1)
    assert "S: 250-SIZE 10485760" in done.stdout and "S: 250 STARTTLS" in done.stdout


@pytest.mark.parametrize("strict", [False, True], ids=["lab", "strict-lab"])
def test_a_refused_recipient_ends_it_with_the_servers_reply(strict: bool) -> None:
    with LabServer(strict=strict) as lab:
        lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*")
        done = run("--port", str(lab.port), "--from", "alice@example.com", "--to", "nobody@x.org")
        assert done.returncode == 1
        assert "RCPT TO:<nobody@x.org>: expected 250 or 251" in done.stderr
        assert "550 5.1.1 No such user" in done.stderr
        assert "C: DATA" not in done.stdout  # it stopped at the refusal
        assert done.stdout.splitlines()[-2:] == ["C: QUIT", "S: 221 2.0.0 Bye"]
        time.sleep(0.2)
        assert not lab.inbox
        said = lab.sessions[-1].received_lines()
    assert said[-1] == "QUIT"  # and said goodbye all the same


def test_a_refused_message_is_not_reported_as_accepted() -> None:
    with LabServer() as lab:
        lab.fail("DATA_END", "554 5.7.1 Message refused as spam")
        done = run("--port", str(lab.port), *ENVELOPE)
    assert done.returncode == 1
    assert "the end of the message: expected 250" in done.stderr
    assert "554 5.7.1 Message refused as spam" in done.stderr
    assert "accepted" not in done.stdout


def test_a_silent_server_times_out_instead_of_hanging() -> None:
    with LabServer() as lab:
        lab.hang("DATA_END")  # the lab never answers the final dot
        started = time.monotonic()
        done = run("--port", str(lab.port), *ENVELOPE, "--timeout", "1", timeout=20)
        took = time.monotonic() - started
    assert done.returncode == 3
    assert "no reply within 1.0 s" in done.stderr
    assert took < 10


def test_a_server_that_never_greets_times_out() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:  # accepts, never speaks
        port = listener.getsockname()[1]
        done = run("--port", str(port), *ENVELOPE, "--timeout", "0.5", "--quiet", timeout=20)
    assert done.returncode == 3
    assert "no reply within 0.5 s" in done.stderr


def test_nothing_listening_is_a_connection_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    done = run("--port", str(port), *ENVELOPE)
    assert done.returncode == 3
    assert f"cannot connect to 127.0.0.1:{port}" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        [*ENVELOPE],  # no --port
        ["--port", "25", "--from", "alice@example.com\r\nRCPT TO:<x@y>", "--to", "b@x.org"],
        ["--port", "25", "--from", "<alice@example.com>", "--to", "b@x.org"],
        ["--port", "25", *ENVELOPE, "--subject", "Hi\r\nBcc: eve@example.com"],
        ["--port", "25", *ENVELOPE, "--body", "Grüße"],
    ],
    ids=["no-port", "crlf-in-address", "brackets", "crlf-in-subject", "non-ascii"],
)
def test_a_bad_command_line_sends_nothing(args: list[str]) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "smtp_by_hand.py" in done.stderr


def test_it_is_a_plain_script_that_never_takes_a_password() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "argparse", "socket", "sys", "uuid", "email"}, imported
    options = [word for word in run("--help").stdout.split() if word.startswith("--")]
    assert not [option for option in options if "pass" in option or "user" in option], options
