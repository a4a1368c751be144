"""The command line's hygiene, run as a learner would (the console script, a subprocess):
no password on the command line, options spelled in full, a bad CA file or a nan delay
is one ``error:`` line, and ``serve`` asks for a chosen password at a prompt.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import smtplib
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smtplab.lab import LabServer

pytestmark = pytest.mark.timeout(60)

SCRIPT = shutil.which("smtplab", path=str(Path(sys.executable).parent))
SEND = ["send", "--server", "127.0.0.1:1", "--from", "a@example.com", "--to", "b@example.com"]


def smtplab(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script without a password in the environment or a terminal."""
    assert SCRIPT, "the smtplab console script is not installed in this environment"
    env = {k: v for k, v in os.environ.items() if k != "SMTPLAB_PASSWORD"}
    return subprocess.run(
        [SCRIPT, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single ``error:`` line a usage error prints (exit 2, no traceback, no usage)."""
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert "error: " in line
    return line


def test_options_must_be_spelled_in_full() -> None:
    # --host used to be taken, silently, for --hostname
    assert "unrecognized arguments: --host" in one_error_line(smtplab("serve", "--host", "x"))
    assert "unrecognized arguments: --tim" in one_error_line(smtplab(*SEND, "--tim", "5"))


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "soon"])
def test_delays_and_timeouts_must_be_finite_seconds(value: str) -> None:
    line = one_error_line(smtplab("serve", "--slow", f"DATA_END={value}"))
    assert f"argument --slow: '{value}'" in line and "seconds" in line
    line = one_error_line(smtplab(*SEND, f"--timeout={value}"))
    assert f"argument --timeout: '{value}'" in line and "seconds" in line


def test_a_bad_cafile_is_one_error_line_saying_what_to_do(tmp_path: Path) -> None:
    not_pem = tmp_path / "notes.pem"
    not_pem.write_text("this is not a certificate\n")
    cases = {
        str(tmp_path / "missing.pem"): "no such file",
        str(not_pem): "it holds no PEM certificate",
        str(tmp_path): "it is a directory",
    }
    for path, problem in cases.items():
        line = one_error_line(smtplab(*SEND, "--cafile", path))
        assert f"argument --cafile/--tls-ca-path: '{path}': {problem}" in line
        assert "Give the lab's CA file" in line


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_cafile_is_one_error_line(tmp_path: Path) -> None:
    with LabServer() as lab:
        secret = tmp_path / "ca.pem"
        secret.write_bytes(Path(lab.ca_path).read_bytes())
        secret.chmod(0)
        assert "you may not read it" in one_error_line(smtplab(*SEND, "--cafile", str(secret)))


def test_a_good_cafile_is_accepted() -> None:
    with LabServer() as lab:
        done = smtplab(*SEND[:2], f"{lab.host}:{lab.port}", *SEND[3:], "--body", "x")
        assert done.returncode == 0, done.stderr
        done = smtplab(
            *SEND[:2], f"{lab.host}:{lab.port}", *SEND[3:], "--body", "x",
            "--security", "starttls", "--cafile", lab.ca_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert len(lab.wait_for(2)) == 2


def test_no_password_on_the_command_line() -> None:
    for argv in (["serve", "--user", "ada:hunter2"], ["serve", "--password", "hunter2"]):
        line = one_error_line(smtplab(*argv))
        assert "hunter2" not in line and "SMTPLAB_PASSWORD" in line
    for flag in ("--password", "--pass", "--passwd"):  # --pass had been echoed back
        line = one_error_line(smtplab(*SEND, flag, "hunter2"))
        assert "hunter2" not in line and "SMTPLAB_PASSWORD" in line
    line = one_error_line(smtplab("serve", "--user", "ada", "--pass", "hunter2"))
    assert "hunter2" not in line and "SMTPLAB_PASSWORD" in line
    done = smtplab("serve", "--user", "ada")  # no variable, no terminal: no password at all
    assert done.returncode == 2 and "set SMTPLAB_PASSWORD" in done.stderr


def test_send_refuses_a_password_after_the_user_name_without_echoing_it() -> None:
    """``--user ada:hunter2``, as serve refuses it: the line names the variable and the
    prompt, and never echoes the password (it had, in "--user ada:hunter2 needs a
    password", and with SMTPLAB_PASSWORD set it logged in as "ada:hunter2")."""
    line = one_error_line(smtplab(*SEND, "--tls", "--user", "ada:hunter2"))
    assert "hunter2" not in line and "SMTPLAB_PASSWORD" in line and "--user" in line


def test_a_password_in_a_latin1_environment_is_sent_as_its_bytes() -> None:
    """SMTPLAB_PASSWORD set in a Latin-1 terminal: the bytes go out as they are (the lab
    answers 535), not a codec error that names a character of the password and where."""
    assert SCRIPT
    env = {os.fsencode(k): os.fsencode(v) for k, v in os.environ.items()}
    env[b"SMTPLAB_PASSWORD"] = b"Gr\xfc\xdfe-aus-Latin-1"
    with LabServer() as lab:
        done = subprocess.run(
            [SCRIPT, *SEND[:2], f"{lab.host}:{lab.port}", *SEND[3:], "--body", "x",
             "--tls", "--cafile", lab.ca_path, "--user", "student"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=30,
        )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error: AUTH LOGIN: the server answered 535" in done.stderr
    for leak in ("codec", "xfc", "U+DCFC", "\udcfc", "aus-Latin-1"):
        assert leak not in done.stderr + done.stdout, leak


def test_serve_asks_for_a_chosen_password_at_a_prompt_and_never_prints_it() -> None:
    """``serve --user ada`` in a terminal: the password is typed at a prompt (a real
    pseudo-terminal), then ada logs in with it; the banner and swaks line do not show it."""
    assert SCRIPT
    password = "typed-at-the-prompt-7"
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "SMTPLAB_PASSWORD"}
    process = subprocess.Popen(
        [SCRIPT, "serve", "--user", "ada", "--require-auth"],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    try:
        seen = b""
        deadline = time.monotonic() + 20
        while b"password for the lab account ada" not in seen:
            assert time.monotonic() < deadline, seen
            if select.select([controller], [], [], 0.5)[0]:
                seen += os.read(controller, 1024)
        os.write(controller, password.encode() + b"\n")
        assert process.stdout is not None
        banner: list[str] = []
        while not banner or not banner[-1].startswith("Waiting for mail"):
            assert time.monotonic() < deadline, banner
            banner.append(process.stdout.readline().decode().rstrip("\n"))
        port = int(next(line for line in banner if "  port:" in line).split()[1])
        ca_file = next(line for line in banner if "CA file:" in line).split()[-1]
        assert "  account:    ada / (the password you gave)" in banner
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.starttls(context=ssl.create_default_context(cafile=ca_file))
            client.login("ada", password)
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=20)
        assert process.returncode == 0
        while select.select([controller], [], [], 0.1)[0]:  # what the terminal showed
            try:
                seen += os.read(controller, 1024)
            except OSError:  # EIO: the process has gone, and the terminal with it
                break
        assert password.encode() not in seen  # the prompt did not echo it
        assert password not in "\n".join(banner) + out.decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        os.close(controller)
