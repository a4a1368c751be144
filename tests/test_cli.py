"""The ``smtplab`` console script: ``send``, ``doctor`` and ``serve`` with faults.

Each test runs the installed console script as a subprocess, as a learner would.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from smtplab.lab import LabServer

pytestmark = pytest.mark.timeout(90)

SCRIPT = shutil.which("smtplab", path=str(Path(sys.executable).parent))


def smtplab(
    *args: str, password: str | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the console script; the password goes in the environment, never in argv."""
    assert SCRIPT, "the smtplab console script is not installed in this environment"
    env = {k: v for k, v in os.environ.items() if k != "SMTPLAB_PASSWORD"}
    if password is not None:
        env["SMTPLAB_PASSWORD"] = password
    return subprocess.run(
        [SCRIPT, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )


def test_help_explains_each_command() -> None:
    top = smtplab("--help")
    assert top.returncode == 0
    for command in ("serve", "send", "doctor"):
        assert command in top.stdout
        assert smtplab(command, "--help").returncode == 0
    assert "never from a flag" in smtplab("send", "--help").stdout


def test_send_with_starttls_and_auth_prints_the_masked_transcript(lab: LabServer) -> None:
    password = lab.users["student"]
    done = smtplab(
        "send",
        "--server",
        f"{lab.host}:{lab.port}",
        "--security",
        "starttls",
        "--cafile",
        lab.ca_path,
        "--user",
        "student",
        "--from",
        "student@lab.smtplab.test",
        "--to",
        "bob@example.com,carol@example.com",
        "--subject",
        "From the terminal",
        "--ehlo",
        "learner.example",
        password=password,
        stdin="Hello from a pipe.\n",
    )
    assert done.returncode == 0, done.stderr
    assert "C: STARTTLS" in done.stdout and "C: AUTH LOGIN" in done.stdout
    assert "250 2.0.0 OK: queued as" in done.stdout
    assert password not in done.stdout + done.stderr
    [message] = lab.wait_for(1)
    assert message.tls and message.auth_user == "student"
    assert message.rcpt_tos == ["bob@example.com", "carol@example.com"]
    assert message.subject == "From the terminal"
    assert "Hello from a pipe." in message.message.get_content()


def test_send_with_an_attachment_and_implicit_tls(lab: LabServer, tmp_path: Path) -> None:
    attachment = tmp_path / "notes.txt"
    attachment.write_text("attached text\n")
    done = smtplab(
        "send",
        "--server",
        f"{lab.host}:{lab.tls_port}",
        "--security",
        "tls",
        "--cafile",
        lab.ca_path,
        "--from",
        "a@example.com",
        "--to",
        "b@example.com",
        "--body",
        "see attachment",
        "--attach",
        str(attachment),
    )
    assert done.returncode == 0, done.stderr
    [message] = lab.wait_for(1)
    [part] = list(message.message.iter_attachments())
    assert part.get_filename() == "notes.txt"
    assert part.get_content().replace("\r\n", "\n") == "attached text\n"


def test_send_failure_exits_1_with_the_explanation_and_no_password(lab: LabServer) -> None:
    done = smtplab(
        "send",
        "--server",
        f"{lab.host}:{lab.port}",
        "--security",
        "starttls",
        "--cafile",
        lab.ca_path,
        "--user",
        "student",
        "--from",
        "a@example.com",
        "--to",
        "b@example.com",
        "--body",
        "x",
        password="definitely-wrong-pw",
    )
    assert done.returncode == 1
    assert "535" in done.stdout and "user name or password" in done.stderr
    assert "definitely-wrong-pw" not in done.stdout + done.stderr
    assert lab.inbox == []


def test_send_without_the_lab_ca_fails_verification(lab: LabServer) -> None:
    done = smtplab(
        "send",
        "--server",
        f"{lab.host}:{lab.port}",
        "--security",
        "starttls",
        "--from",
        "a@example.com",
        "--to",
        "b@example.com",
        "--body",
        "x",
    )
    assert done.returncode == 1
    assert "lab.ssl_context()" in done.stderr or "not trusted" in done.stderr


def test_send_needs_a_password_source_when_not_interactive(lab: LabServer) -> None:
    done = smtplab(
        "send",
        "--server",
        f"{lab.host}:{lab.port}",
        "--security",
        "starttls",
        "--user",
        "student",
        "--from",
        "a@example.com",
        "--to",
        "b@example.com",
        "--body",
        "x",
    )
    assert done.returncode == 2 and "SMTPLAB_PASSWORD" in done.stderr


def test_send_refuses_a_login_over_plain_before_asking_for_the_password(lab: LabServer) -> None:
    password = lab.users["student"]
    done = smtplab(
        "send",
        "--server",
        f"{lab.host}:{lab.port}",
        "--user",
        "student",
        "--from",
        "a@example.com",
        "--to",
        "b@example.com",
        "--body",
        "x",
        password=password,
    )
    assert done.returncode == 2
    assert "without TLS" in done.stderr and "--allow-unencrypted-auth" in done.stderr
    assert "--security starttls" in done.stderr and password not in done.stdout + done.stderr
    assert lab.sessions == []  # not even a connection


def test_send_with_the_opt_in_logs_in_over_plain_and_says_so(lab: LabServer) -> None:
    """The lab's plain port is made to offer AUTH (a fault on EHLO); aiosmtpd still
    refuses AUTH without TLS, but the AUTH line went out, under the warning."""
    lab.fail("EHLO", "250-lab.smtplab.test\n250 AUTH PLAIN LOGIN")
    password = lab.users["student"]
    done = smtplab(
        "send",
        "--server",
        f"{lab.host}:{lab.port}",
        "--user",
        "student",
        "--allow-unencrypted-auth",
        "--from",
        "a@example.com",
        "--to",
        "b@example.com",
        "--body",
        "x",
        password=password,
    )
    assert done.returncode == 1
    assert "AUTH WITHOUT TLS" in done.stdout and "C: AUTH LOGIN" in done.stdout
    assert done.stdout.index("AUTH WITHOUT TLS") < done.stdout.index("C: AUTH LOGIN")
    assert password not in done.stdout + done.stderr
    assert any("C: AUTH LOGIN" in str(session) for session in lab.sessions)


def test_send_refuses_a_password_flag() -> None:
    done = smtplab(
        "send",
        "--server",
        "127.0.0.1:1",
        "--password",
        "x",
        "--from",
        "a@example.com",
        "--to",
        "b@example.com",
    )
    assert done.returncode == 2  # argparse: no such option


def test_doctor_gives_a_verdict() -> None:
    done = smtplab("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All good" in done.stdout
    assert "received a message over STARTTLS + AUTH" in done.stdout


@contextlib.contextmanager
def serving(*args: str) -> Iterator[tuple[list[str], int]]:
    """Run ``smtplab serve ARGS`` until its banner is printed; yield (banner, port), then
    stop it with Ctrl-C (SIGINT) and require a clean exit."""
    process = subprocess.Popen(
        [SCRIPT or "smtplab", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner: list[str] = []
        deadline = time.monotonic() + 20
        while not any(line.startswith("Waiting for mail") for line in banner):
            assert time.monotonic() < deadline, banner
            banner.append(process.stdout.readline().strip())
        port = int(next(line for line in banner if line.startswith("port:")).split()[1])
        yield banner, port
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0


def test_serve_with_faults_refuses_as_told() -> None:
    with serving("--fail", "RCPT=550 5.1.1 No such user", "--greylist") as (banner, port):
        assert any("at RCPT: answer '550 5.1.1 No such user'" in line for line in banner)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo("learner.example")
            assert client.mail("a@example.com")[0] == 250
            code, _ = client.rcpt("b@example.com")
            assert code == 451  # greylisted once, at RCPT TO (RFC 6647)
            code, text = client.rcpt("b@example.com")
            assert (code, text) == (550, b"5.1.1 No such user")  # then the --fail


def test_serve_rejects_an_unknown_step() -> None:
    done = smtplab("serve", "--fail", "LUNCH=550 no")
    assert done.returncode == 2 and "not a step" in done.stderr


def test_serve_can_be_a_provider_look_alike() -> None:
    with serving("--profile", "qq") as (banner, port):
        assert any("look-alike: qq" in line for line in banner)
        with smtplib.SMTP(timeout=10) as client:
            code, greeting = client.connect("127.0.0.1", port)
            assert code == 220 and b"QQ Mail Server" in greeting
