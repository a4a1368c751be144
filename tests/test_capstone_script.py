"""notebooks/scripts/capstone_client.py, notebook 10's client as a program, run outside
Jupyter in a subprocess against ``smtplab serve --profile qq`` (another subprocess): the
classic socket lab's deliverable. 127.0.0.1 only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "notebooks" / "scripts" / "capstone_client.py"
CODE = "capstone-code-2026"


@pytest.fixture(scope="module")
def serve() -> Iterator[tuple[subprocess.Popen[str], int, str]]:
    env = {**os.environ, "SMTPLAB_PASSWORD": CODE, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "smtplab", "serve", "--profile", "qq", "--user", "student"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    banner = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        banner.append(line)
        if "Waiting for mail" in line or not line:
            break
    text = "".join(banner)
    port = re.search(r"tls_port:\s+(\d+)", text)
    cafile = re.search(r"CA file:\s+(\S+)", text)
    assert port and cafile, text
    try:
        yield process, int(port[1]), cafile[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def run(port: int, cafile: str, password: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SMTPLAB_PASSWORD"}
    env["SMTPLAB_PASSWORD"] = password
    command = [sys.executable, str(SCRIPT), "--port", str(port), "--cafile", cafile]
    command += ["--from", "student@qq.com", "--to", "friend@example.com", *extra]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL
    )


def test_the_script_sends_through_the_qq_look_alike(
    serve: tuple[subprocess.Popen[str], int, str],
) -> None:
    process, port, cafile = serve
    done = run(port, cafile, CODE)
    assert done.returncode == 0, done.stderr
    assert "S: 235" in done.stdout and "S: 221" in done.stdout
    assert "C: EHLO learner.example" in done.stdout
    assert CODE not in done.stdout and CODE not in done.stderr
    assert process.stdout is not None
    line = process.stdout.readline()  # serve prints one line per message
    assert "student@qq.com" in line and "friend@example.com" in line, line


def test_the_qq_password_gets_the_535_and_exit_code_1(
    serve: tuple[subprocess.Popen[str], int, str],
) -> None:
    _, port, cafile = serve
    done = run(port, cafile, "my-QQ-password")
    assert done.returncode == 1
    assert "535" in done.stderr and "authorization code" in done.stderr


def test_another_ca_is_refused(
    serve: tuple[subprocess.Popen[str], int, str], tmp_path: Path
) -> None:
    _, port, _ = serve
    from smtplab.lab import LabServer

    with LabServer() as other:
        done = run(port, other.ca_path, CODE)
    assert done.returncode == 1
    assert "CERTIFICATE_VERIFY_FAILED" in done.stderr


def test_the_password_is_no_option() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--password", "x", "--from", "a@b.c", "--to", "d@e.f"],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2 and "--password" in done.stderr


def test_the_script_speaks_smtp_with_socket_ssl_and_base64_only() -> None:
    imports = re.findall(r"^import (\w+)|^from (\w+)", SCRIPT.read_text(), re.M)
    modules = {a or b for a, b in imports} - {"__future__"}
    assert modules == {"argparse", "base64", "getpass", "os", "socket", "ssl", "sys"}
