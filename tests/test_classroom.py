"""A classroom on one host: thirty LabServers in thirty processes, all at once.

On The Littlest JupyterHub every student's kernel is a process on the same machine, and
each starts its own lab on the same loopback. This test starts thirty such processes at
once (each: a fresh interpreter that imports smtplab and starts a LabServer), lets them
meet at a barrier (files in a shared directory), has each send a message to its own lab
with smtplib while the teacher (this process) sends one more to every lab by its port,
and then checks that

* no two labs share a port (each binds port 0 and keeps the socket),
* each inbox holds exactly its own two messages, nothing from anyone else,
* every lab stops cleanly: no lab thread left, both ports refuse connections, no
  internal error, exit status 0 and nothing on stderr.
"""

from __future__ import annotations

import json
import os
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest

STUDENTS = 30
ROOT = Path(__file__).resolve().parents[1]
BARRIER_TIMEOUT = 90.0  # seconds: thirty interpreters starting on a loaded 2-core machine

STUDENT = r"""
import json, socket, sys, threading, time
from pathlib import Path

sync, number = Path(sys.argv[1]), int(sys.argv[2])


def wait(name):
    deadline = time.monotonic() + float(sys.argv[3])
    while not (sync / name).exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"student {number}: no {name} signal")
        time.sleep(0.02)


def signal(name, payload=""):
    temporary = sync / f".{name}.tmp"
    temporary.write_text(payload)
    temporary.rename(sync / name)  # atomic: the teacher never reads half a file


from smtplab.lab import LabServer

lab = LabServer().start()
ports = [lab.port, lab.tls_port]
signal(f"ready-{number}", json.dumps(ports))
wait("go")
import smtplib

with smtplib.SMTP(lab.host, lab.port, timeout=10) as client:
    message = f"Subject: from student {number}\r\n\r\nMy own mail.\r\n"
    client.sendmail(f"student{number}@learner.example", ["me@example.com"], message.encode())
lab.wait_for(1, timeout=10)
signal(f"sent-{number}")
wait("check")
subjects = sorted(message.subject for message in lab.inbox)
errors = lab.errors
lab.stop()
closed = []
for port in ports:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        closed.append(False)
    except ConnectionRefusedError:
        closed.append(True)
threads = [t.name for t in threading.enumerate() if t.name.startswith("smtplab-lab")]
print(json.dumps({"number": number, "ports": ports, "subjects": subjects, "errors": errors,
                  "closed": closed, "threads": threads}), flush=True)
"""


def wait_for_files(sync: Path, prefix: str, count: int) -> list[Path]:
    deadline = time.monotonic() + BARRIER_TIMEOUT
    while True:
        found = sorted(sync.glob(f"{prefix}-*"))
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"only {len(found)} of {count} students signalled {prefix!r}")
        time.sleep(0.05)


@pytest.mark.timeout(BARRIER_TIMEOUT * 2 + 60)
def test_thirty_students_each_get_their_own_lab(tmp_path: Path) -> None:
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", STUDENT, str(tmp_path), str(n), str(BARRIER_TIMEOUT)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for n in range(STUDENTS)
    ]
    try:
        wait_for_files(tmp_path, "ready", STUDENTS)
        ports = {n: json.loads((tmp_path / f"ready-{n}").read_text()) for n in range(STUDENTS)}
        every_port = [port for pair in ports.values() for port in pair]
        assert len(set(every_port)) == 2 * STUDENTS, "two labs share a port"
        (tmp_path / "go").touch()
        wait_for_files(tmp_path, "sent", STUDENTS)
        for n, (port, _) in ports.items():  # the teacher writes to each lab by its port
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                message = f"Subject: from the teacher to {n}\r\n\r\nHello.\r\n"
                client.sendmail("teacher@example.com", ["me@example.com"], message.encode())
        (tmp_path / "check").touch()
        results = {}
        for child in children:
            out, err = child.communicate(timeout=BARRIER_TIMEOUT)
            assert child.returncode == 0, err[-2000:]
            assert err == "", err[-2000:]
            report = json.loads(out)
            results[report["number"]] = report
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert sorted(results) == list(range(STUDENTS))
    for n, report in results.items():
        assert report["ports"] == ports[n]
        assert report["subjects"] == [f"from student {n}", f"from the teacher to {n}"], report
        assert report["errors"] == [] and report["threads"] == []
        assert report["closed"] == [True, True], f"lab {n} left a port open"
    elapsed = time.monotonic() - started
    assert elapsed < BARRIER_TIMEOUT, f"the classroom took {elapsed:.1f} s"
