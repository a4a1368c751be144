"""The lab under a hostile peer: RSS, a good client's luck, and the time to refuse.

A :class:`~smtplab.lab.LabServer` runs in its own process (its descriptor limit set to
``--fd-limit``, 1024 by default, as on most desktops and JupyterHub hosts); each attack
runs in another process; meanwhile this process plays a well-behaved client (the standard
library's ``smtplib``: EHLO, one small message, QUIT, 5 s timeout) every 0.2 s. For each
attack it prints the lab's resident memory (before, the peak during the attack, and one
second after the attacker closed), the good client's successes and its slowest send, and
what the attacker got back and how long the lab took to answer it.

::

    .venv/bin/python benchmarks/hostile_lab.py               # every attack, ~1-2 minutes
    .venv/bin/python benchmarks/hostile_lab.py --only noops,idle --scale 0.1
    git archive main smtplab | tar -x -C /tmp/before    # then, to measure "before":
    .venv/bin/python benchmarks/hostile_lab.py --source /tmp/before

Not part of the test suite (``tests/test_lab_bounds.py`` holds the small versions); the
figures are written up in ``docs/hostile-peers.md`` ("The lab under a hostile peer").
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

MB = 1024 * 1024
CHUNK = 1024 * 1024
GOOD_TIMEOUT = 5.0

_LAB_PROCESS = """
import resource, sys
if sys.argv[2]:  # import smtplab from there (an older checkout), not the editable install
    sys.meta_path = [f for f in sys.meta_path if "editable" not in type(f).__module__]
    sys.path.insert(0, sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (min(limit, hard), hard))
from smtplab.lab import LabServer
lab = LabServer().start()
print(lab.port, resource.getrlimit(resource.RLIMIT_NOFILE)[0], flush=True)
sys.stdin.read()
print(repr(lab), file=sys.stderr)
lab.stop()
"""


class LabProcess:
    """A LabServer in a child process; its RSS read from /proc."""

    def __init__(self, fd_limit: int, source: str = "") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _LAB_PROCESS, str(fd_limit), source],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        port, limit = self.process.stdout.readline().split()
        self.port, self.fd_limit = int(port), int(limit)

    def rss_mb(self) -> float:
        """The lab process's resident memory in MB (VmRSS)."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def descriptors(self) -> int:
        """How many file descriptors the lab process has open."""
        try:
            return len(os.listdir(f"/proc/{self.process.pid}/fd"))
        except OSError:
            return -1

    def stop(self) -> None:
        """Let the lab stop itself, then make sure the process has ended."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def good_send(port: int) -> tuple[bool, float]:
    """One well-behaved send: (it worked, seconds it took)."""
    start = time.perf_counter()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=GOOD_TIMEOUT) as client:
            client.sendmail("good@example.com", ["to@example.com"], b"Subject: hi\r\n\r\nhello\r\n")
        return True, time.perf_counter() - start
    except (OSError, smtplib.SMTPException):
        return False, time.perf_counter() - start


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.recv(4096)  # the greeting
    return sock


def _read_reply(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _send_forever(sock: socket.socket, total: int, end: bytes) -> tuple[str, float]:
    """Send ``total`` bytes of ``x``, then ``end``; the reply and the seconds it took after
    the last byte (or how the connection ended)."""
    chunk = b"x" * CHUNK
    sent = 0
    try:
        while sent < total:
            sock.sendall(chunk[: min(CHUNK, total - sent)])
            sent += min(CHUNK, total - sent)
        start = time.perf_counter()
        sock.sendall(end)
        reply = _read_reply(sock)
        return reply.decode("ascii", "replace").strip()[:60], time.perf_counter() - start
    except OSError as error:
        return f"{type(error).__name__} after {sent // MB} MB", 0.0


def attack_long_command(port: int, size: int) -> dict[str, Any]:
    """A command line of ``size`` bytes with no line end, then CRLF."""
    with _connect(port) as sock:
        reply, seconds = _send_forever(sock, size, b"\r\n")
    return {"reply": reply, "refused_in_s": round(seconds, 3)}


def attack_data_line(port: int, size: int) -> dict[str, Any]:
    """After DATA, one text line of ``size`` bytes with no CRLF, then the end of data."""
    with _connect(port) as sock:
        sock.sendall(b"EHLO attacker\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n")
        time.sleep(0.2)
        sock.recv(65536)
        sock.sendall(b"DATA\r\n")
        _read_reply(sock)
        reply, seconds = _send_forever(sock, size, b"\r\n.\r\n")
    return {"reply": reply, "refused_in_s": round(seconds, 3)}


def attack_messages(port: int, count: int, size: int) -> dict[str, Any]:
    """``count`` messages of ``size`` bytes, without AUTH, one connection each."""
    line = b"y" * 998 + b"\r\n"
    body = b"Subject: big\r\n\r\n" + line * (size // len(line))
    replies: dict[str, int] = {}
    for _ in range(count):
        with _connect(port) as sock:
            sock.sendall(
                b"EHLO attacker\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n"
            )
            got = b""
            while got.count(b"\r\n") < 1 or not got.rstrip().split(b"\r\n")[-1].startswith(b"354"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                got += chunk
            sock.sendall(body + b".\r\n")
            code = _read_reply(sock)[:3].decode("ascii", "replace")
            replies[code] = replies.get(code, 0) + 1
    return {"replies": replies}


def attack_parallel(port: int, count: int, size: int) -> dict[str, Any]:
    """``count`` connections each sending one ``size``-byte message at the same time."""
    results: list[dict[str, Any]] = []
    threads = [
        threading.Thread(target=lambda: results.append(attack_messages(port, 1, size)))
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    replies: dict[str, int] = {}
    for result in results:
        for code, number in result["replies"].items():
            replies[code] = replies.get(code, 0) + number
    return {"replies": replies}


def attack_idle(port: int, count: int, hold: float) -> dict[str, Any]:
    """Open ``count`` connections and say nothing for ``hold`` seconds."""
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    socks, failed = [], 0
    start = time.perf_counter()
    for _ in range(count):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            failed += 1
    opened = time.perf_counter() - start
    time.sleep(hold)
    still_open = 0
    for sock in socks:
        sock.setblocking(False)
        try:
            data = sock.recv(4096)
            still_open += not data or not data.startswith(b"421")
        except BlockingIOError:
            still_open += 1
        except OSError:
            pass
        sock.close()
    return {"opened": len(socks), "failed": failed, "open_s": round(opened, 2)}


def attack_noops(port: int, count: int) -> dict[str, Any]:
    """``count`` pipelined NOOPs in one write (the replies read by a thread)."""
    with _connect(port) as sock:
        received = [0]

        def drain() -> None:
            while received[0] < count:
                data = sock.recv(1 << 20)
                if not data:
                    return
                received[0] += data.count(b"\r\n")

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        start = time.perf_counter()
        sock.sendall(b"NOOP\r\n" * count)
        reader.join(120)
        seconds = time.perf_counter() - start
    return {"replies": received[0], "all_answered_in_s": round(seconds, 2)}


def _attacker(target: Callable[..., dict[str, Any]], args: tuple, queue: Any) -> None:
    try:
        queue.put(target(*args))
    except Exception as error:  # report, never hang the benchmark
        queue.put({"error": f"{type(error).__name__}: {error}"})


def run(
    name: str, target: Callable[..., dict[str, Any]], args: tuple, fd_limit: int, source: str = ""
) -> dict:
    """One attack on a fresh lab, with the good client sending meanwhile."""
    lab = LabProcess(fd_limit, source)
    try:
        time.sleep(0.3)
        before = lab.rss_mb()
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        process = context.Process(target=_attacker, args=(target, (lab.port, *args), queue))
        process.start()
        peak, sends, fds = before, [], lab.descriptors()
        started = time.perf_counter()
        while process.is_alive() or len(sends) < 3:
            peak = max(peak, lab.rss_mb())
            fds = max(fds, lab.descriptors())
            if time.perf_counter() - started > 0.3 or not process.is_alive():
                sends.append(good_send(lab.port))
            peak = max(peak, lab.rss_mb())
            time.sleep(0.2)
        result = queue.get(timeout=10) if not queue.empty() else {"error": "no result"}
        process.join()
        time.sleep(1.0)
        after = lab.rss_mb()
        after_send = good_send(lab.port)
    finally:
        lab.stop()
    ok = sum(1 for worked, _ in sends if worked)
    return {
        "attack": name,
        "fd_limit": lab.fd_limit,
        "fds_peak": fds,
        "rss_mb": {"before": round(before), "peak": round(peak), "after": round(after)},
        "good_client": {
            "ok": ok,
            "tries": len(sends),
            "slowest_s": round(max(s for _, s in sends), 2),
            "median_s": round(sorted(s for _, s in sends)[len(sends) // 2], 3),
            "after_attack": after_send[0],
        },
        "attacker": result,
        "seconds": round(time.perf_counter() - started, 1),
    }


def attacks(scale: float) -> dict[str, tuple[Callable[..., dict[str, Any]], tuple]]:
    """The attacks and their sizes (``scale`` 1.0: the sizes of issue 13)."""
    return {
        "long-command": (attack_long_command, (int(400 * MB * scale),)),
        "data-line": (attack_data_line, (int(200 * MB * scale),)),
        "messages": (attack_messages, (max(1, int(40 * scale)), 10 * MB)),
        "parallel": (attack_parallel, (max(1, int(32 * scale)), 10 * MB)),
        "idle": (attack_idle, (max(10, int(1100 * scale)), 4.0)),
        "noops": (attack_noops, (max(1000, int(200_000 * scale)),)),
    }


def main() -> None:
    """Run the attacks given on the command line (all by default); print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--only", help="comma-separated: " + ",".join(attacks(1.0)))
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    parser.add_argument("--fd-limit", type=int, default=1024, help="the lab's RLIMIT_NOFILE")
    parser.add_argument(
        "--source",
        default="",
        help="import smtplab from this directory (e.g. `git archive` of an older commit), "
        "to measure before and after",
    )
    options = parser.parse_args()
    chosen = attacks(options.scale)
    names = options.only.split(",") if options.only else list(chosen)
    for name in names:
        target, args = chosen[name]
        print(json.dumps(run(name, target, args, options.fd_limit, options.source)), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
