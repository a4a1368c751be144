"""``smtplab send`` with swaks's habits: its spellings, the dialogue streamed as it
happens, and a closed pipe that ends quietly. Real subprocesses against a real LabServer."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from smtplab.lab import LabServer

pytestmark = pytest.mark.timeout(60)

SCRIPT = shutil.which("smtplab", path=str(Path(sys.executable).parent))
TIMEOUT = 20.0


def environment(password: str | None = None) -> dict[str, str]:
    """The environment of a run: the password there or nowhere, never in argv."""
    env = {k: v for k, v in os.environ.items() if k != "SMTPLAB_PASSWORD"}
    if password is not None:
        env["SMTPLAB_PASSWORD"] = password
    return env


def smtplab(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the console script with no terminal on standard input."""
    assert SCRIPT, "the smtplab console script is not installed in this environment"
    return subprocess.run(
        [SCRIPT, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment(password),
        timeout=TIMEOUT,
    )


def send(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``smtplab send ARGS``."""
    return smtplab("send", *args, password=password)


def usage_error(done: subprocess.CompletedProcess[str]) -> str:
    """The one ``error:`` line of a refused command line (exit 2, no traceback)."""
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr and done.stdout == ""
    [line] = done.stderr.splitlines()
    return line


def test_swaks_spellings_send_over_starttls_with_auth_and_headers(lab: LabServer) -> None:
    password = lab.users["student"]
    done = send(
        *("-s", f"{lab.host}:{lab.port}", "--tls", "--tls-verify", "--tls-ca-path", lab.ca_path),
        *("-au", "student", "-f", "student@lab.smtplab.test", "-t", "bob@example.com"),
        *("-t", "carol@example.com", "--header", "X-Course: smtp101"),
        *("--header", "Subject: Grüße from swaks habits"),
        *("--body", "Hello from swaks's spellings.", "-l", "learner.example"),
        password=password,
    )
    assert done.returncode == 0, done.stderr
    assert "C: STARTTLS" in done.stdout and "C: AUTH LOGIN" in done.stdout
    assert "C: EHLO learner.example" in done.stdout
    assert password not in done.stdout + done.stderr
    [message] = lab.wait_for(1)
    assert message.tls and message.auth_user == "student"
    assert message.rcpt_tos == ["bob@example.com", "carol@example.com"]
    assert message.message["X-Course"] == "smtp101"
    assert message.subject == "Grüße from swaks habits"  # --header replaced compose's Subject


def test_tlsc_and_port_use_implicit_tls(lab: LabServer) -> None:
    for tls in ("--tlsc", "-tlsc", "--tls-on-connect"):
        done = send(
            *("--server", lab.host, "-p", str(lab.tls_port), tls, "--cafile", lab.ca_path),
            *("--from", "a@example.com", "--to", "b@example.com", "--body", "x"),
        )
        assert done.returncode == 0, done.stderr
    assert all(message.tls for message in lab.wait_for(3))


def test_server_takes_swaks_host_forms(lab: LabServer) -> None:
    for server in (f"[{lab.host}]:{lab.port}", f"{lab.host}/{lab.port}"):
        done = send("-s", server, "-f", "a@example.com", "-t", "b@example.com", "--body", "x")
        assert done.returncode == 0, done.stderr
    assert len(lab.wait_for(2)) == 2


def test_body_takes_swaks_forms_a_file_and_standard_input(lab: LabServer, tmp_path: Path) -> None:
    body = tmp_path / "body.txt"
    body.write_text("from a file\n")
    done = send(
        "-s", f"{lab.host}:{lab.port}", "-f", "a@x.org", "-t", "b@x.org", "--body", f"@{body}"
    )
    assert done.returncode == 0, done.stderr
    done = send(
        "-s", f"{lab.host}:{lab.port}", "-f", "a@x.org", "-t", "b@x.org", "--body", "@@home"
    )
    assert done.returncode == 0, done.stderr
    first, second = lab.wait_for(2)
    assert first.message.get_content() == "from a file\n"
    assert second.message.get_content().strip() == "@home"  # @@: a literal @
    missing = send("-s", "127.0.0.1:1", "-f", "a@x.org", "-t", "b@x.org", "--body", "@/no/such")
    assert missing.returncode == 1 and "No such file" in missing.stderr


@pytest.mark.parametrize("flag", ["-ap", "--auth-password", "--password"])
def test_a_password_flag_is_refused_without_echoing_it(flag: str) -> None:
    line = usage_error(
        send("-s", "127.0.0.1:1", "-au", "ada", "-f", "a@x.org", "-t", "b@x.org", flag, "hunter2")
    )
    assert f"{flag} is not an option" in line and "SMTPLAB_PASSWORD" in line
    assert "hunter2" not in line


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("X-A: b\r\nBcc: eve@example.com", "may not hold a CR, LF or NUL"),
        ("X-A: b\nBcc: eve@example.com", "may not hold a CR, LF or NUL"),
        ("no colon here", "write --header 'Name: value'"),
        ("Bad Name: x", "write --header 'Name: value'"),
    ],
)
def test_a_header_is_one_line_name_colon_value(header: str, problem: str) -> None:
    line = usage_error(
        send("-s", "127.0.0.1:1", "-f", "a@x.org", "-t", "b@x.org", "--header", header)
    )
    assert "argument --header" in line and problem in line


def test_tls_flags_that_disagree_are_refused() -> None:
    line = usage_error(
        send(
            "-s",
            "127.0.0.1:1",
            "-f",
            "a@x.org",
            "-t",
            "b@x.org",
            "--body",
            "x",
            "--tls",
            "--security",
            "tls",
        )
    )
    assert "give one" in line and "--security starttls and tls at once" in line


def test_help_lists_the_swaks_spellings() -> None:
    # argparse 3.13 writes "-s, --server HOST[:PORT]" where older ones write
    # "-s HOST[:PORT], --server HOST[:PORT]": the options are the same, so one space.
    text = " ".join(smtplab("send", "--help").stdout.split())
    for spellings in (
        ("-s HOST[:PORT], --server", "-s, --server HOST[:PORT]"),
        ("--tlsc",),
        ("--tls-on-connect",),
        ("-au USER, --auth-user", "-au, --auth-user USER"),
        ("--header",),
        ("--tls-verify",),
        ("-ap/--auth-password is refused",),
    ):
        assert any(spelling in text for spelling in spellings), spellings


class Lines:
    """A process's merged output, read line by line with a timeout, each line stamped."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.queue: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.queue.put((time.monotonic(), line.rstrip("\n")))

    def until(self, text: str) -> tuple[float, list[str]]:
        """The time the first line containing ``text`` arrived, and the lines up to it."""
        seen: list[str] = []
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                stamp, line = self.queue.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"no line with {text!r}; saw {seen}") from None
            seen.append(line)
            if text in line:
                return stamp, seen


def start_send(lab: LabServer, *more: str) -> subprocess.Popen[str]:
    assert SCRIPT
    return subprocess.Popen(
        [
            SCRIPT,
            "send",
            "-s",
            f"{lab.host}:{lab.port}",
            "-f",
            "a@example.com",
            "-t",
            "b@example.com",
            *more,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment(),
    )


def test_the_dialogue_is_printed_as_it_happens(lab: LabServer) -> None:
    lab.slow("DATA_END", 2.0)
    process = start_send(lab, "--body", "slow to accept")
    try:
        lines = Lines(process)
        ehlo_at, _ = lines.until("C: EHLO")
        assert process.poll() is None  # the EHLO line is out while the send still runs
        queued_at, _ = lines.until("queued as")
        assert queued_at - ehlo_at >= 1.5  # the server's slow answer came later
        assert process.wait(TIMEOUT) == 0
    finally:
        process.kill()
        process.wait()
        assert process.stdout is not None
        process.stdout.close()


def test_on_failure_the_explanation_follows_the_lines_that_happened(lab: LabServer) -> None:
    lab.fail("RCPT", "550 5.1.1 No such user here")
    done = subprocess.run(
        [
            SCRIPT or "smtplab",
            "send",
            "-s",
            f"{lab.host}:{lab.port}",
            "-f",
            "a@x.org",
            "-t",
            "b@x.org",
            "--body",
            "x",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment(),
        timeout=TIMEOUT,
    )
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    refused = next(n for n, line in enumerate(lines) if "S: 550 5.1.1 No such user here" in line)
    error = next(n for n, line in enumerate(lines) if line.startswith("error: "))
    assert refused < error and "Traceback" not in done.stdout


def in_a_pipe(command: str) -> subprocess.CompletedProcess[str]:
    """``command`` run by bash with pipefail: its exit code is the smtplab side's."""
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=TIMEOUT,
    )


@pytest.mark.skipif(
    shutil.which("bash") is None or shutil.which("head") is None, reason="needs bash and head"
)
def test_send_into_a_closed_pipe_ends_quietly_and_still_delivers(lab: LabServer) -> None:
    lab.slow("MAIL", 0.5)  # head has long gone when the rest of the dialogue is printed
    done = in_a_pipe(
        f"{SCRIPT} send -s {lab.host}:{lab.port} -f a@x.org -t b@x.org --body x | head -1"
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert len(lab.wait_for(1)) == 1


@pytest.mark.skipif(
    shutil.which("bash") is None or shutil.which("head") is None, reason="needs bash and head"
)
def test_serve_into_a_closed_pipe_stops_quietly() -> None:
    started = time.monotonic()
    done = in_a_pipe(f"{SCRIPT} serve | head -3")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3 and "smtplab lab server is running" in done.stdout
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert time.monotonic() - started < 10  # it noticed the reader leave, with no mail
