"""A server for the benchmarks, in a process of its own (so it does not share a GIL).

::

    python benchmarks/serve.py lab  [--max-messages N] [--lifetime S]
    python benchmarks/serve.py bare [--lifetime S]
    python benchmarks/serve.py tap  --target-port P [--delay SECONDS] [--lifetime S]

``lab`` is :class:`smtplab.lab.LabServer` with its defaults; ``bare`` an aiosmtpd
``Controller`` with a handler that does nothing but count (the same listen backlog as the
lab, a fixed server name so it does not call ``getfqdn()`` per connection); ``tap`` a
:class:`smtplab.tap.WireTap` with a one-way ``delay`` that records nothing.

When ready it prints one JSON line (``{"port": ...}``). Then it reads commands, one per
line, from its standard input and answers each with one JSON line: ``stats`` (messages
received, CPU seconds of this process, resident memory, ...), ``clear`` (empty the lab's
inbox). It stops when its standard input closes, and after ``--lifetime`` seconds in any
case (a benchmark that dies cannot leave it behind).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from typing import Any


def _rss_bytes() -> int:
    """Resident memory of this process now (Linux ``/proc/self/statm``; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _cpu() -> float:
    return time.process_time()  # user + system of this process, all threads


def _say(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


class _Lab:
    def __init__(self, max_messages: int, max_inbox_bytes: int | None = None) -> None:
        from smtplab.lab import LabServer

        # max_connections: the burst opens more at once than a lab serves by default.
        self.lab = LabServer(
            max_messages=max_messages, max_inbox_bytes=max_inbox_bytes, max_connections=10_000
        ).start()
        self.port = self.lab.port

    def stats(self) -> dict[str, Any]:
        inbox = self.lab.inbox
        sessions = self.lab.sessions
        return {
            "received": self.lab.received_count,
            "kept": len(inbox),
            "dropped": self.lab.dropped_messages,
            "inbox_bytes": sum(len(m.data) for m in inbox),
            "sessions": len(sessions),
            "session_log_bytes": sum(len(line.raw) for s in sessions for line in s.lines),
            "errors": self.lab.errors[-5:],
            "error_count": len(self.lab.errors),
        }

    def clear(self) -> None:
        self.lab.clear_inbox()
        self.lab.clear_sessions()

    def stop(self) -> None:
        self.lab.stop()


class _CountingHandler:
    """aiosmtpd handler that accepts every message and only counts it."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Count the message and say 250."""
        self.received += 1
        return "250 OK"


class _Bare:
    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        class _Controller(Controller):  # type: ignore[misc]
            def _create_server(self) -> Any:
                # As Controller's, with the lab's listen backlog (128, not 100).
                return self.loop.create_server(
                    self._factory_invoker, host=self.hostname, port=self.port, backlog=128
                )

        with socket.socket() as probe:  # Controller cannot take port 0 (DESIGN.md §5)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.handler = _CountingHandler()
        self.controller = _Controller(
            self.handler, hostname="127.0.0.1", port=port, server_hostname="bare.bench.test"
        )
        self.controller.start()
        self.port = port

    def stats(self) -> dict[str, Any]:
        return {"received": self.handler.received, "errors": [], "error_count": 0}

    def clear(self) -> None:
        self.handler.received = 0

    def stop(self) -> None:
        self.controller.stop()


class _Tap:
    def __init__(self, target_port: int, delay: float) -> None:
        from smtplab.tap import WireTap

        self.tap = WireTap("127.0.0.1", target_port, delay=delay, max_bytes=0).start()
        self.port = self.tap.port

    def stats(self) -> dict[str, Any]:
        errors = self.tap.errors
        return {
            "connections": self.tap.connections,
            "errors": errors[-5:],
            "error_count": len(errors),
        }

    def clear(self) -> None:
        self.tap.clear()

    def stop(self) -> None:
        self.tap.stop()


def main(argv: list[str] | None = None) -> int:
    """Start the server, answer commands on stdin, stop on EOF or after the lifetime."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=("lab", "bare", "tap"))
    parser.add_argument("--lifetime", type=float, default=900.0)
    parser.add_argument("--max-messages", type=int, default=10_000)
    parser.add_argument("--max-inbox-bytes", type=int, default=None)  # None: the lab's 64 MiB
    parser.add_argument("--target-port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0)
    options = parser.parse_args(argv)

    # A watchdog: whatever happens to the benchmark, this process ends by itself.
    watchdog = threading.Timer(options.lifetime, os._exit, args=(3,))
    watchdog.daemon = True
    watchdog.start()

    rss0 = _rss_bytes()
    started = time.perf_counter()
    server: _Lab | _Bare | _Tap
    try:
        if options.kind == "lab":
            server = _Lab(options.max_messages, options.max_inbox_bytes)
        elif options.kind == "bare":
            server = _Bare()
        else:
            server = _Tap(options.target_port, options.delay)
    except Exception as error:
        _say({"error": f"{type(error).__name__}: {error}"})
        return 1
    _say({"port": server.port, "pid": os.getpid(), "start_s": time.perf_counter() - started})
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                _say({**server.stats(), "cpu": _cpu(), "rss": _rss_bytes(), "rss_at_start": rss0})
            elif command == "clear":
                server.clear()
                _say({"ok": True})
            elif command == "stop":
                break
            else:
                _say({"error": f"unknown command {command!r}"})
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
