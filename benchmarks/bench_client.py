"""Figures 1 and 2: the client, one connection, N messages in lock-step.

smtplab's :class:`~smtplab.Client` (its transcript on, as always), :mod:`smtplib` and a
minimal raw-socket client each send N messages on one connection to the same LabServer
(in its own process). The contenders alternate, in a rotated order, for several
repetitions; each repetition gives a ratio, and the figure is the median ratio.

* Figure 1: messages per second, smtplab / smtplib (target >= 1.0x).
* Figure 2: client CPU (user + system of this process only) per message, smtplab /
  smtplib (target <= 1.2x).

Every client has a 30 s read timeout (smtplab's default; given to smtplib and the raw
client too, so that each loop is bounded in time and all pay the same ``poll()`` that a
socket timeout costs in CPython).
"""

from __future__ import annotations

import smtplib
import socket
import time
from collections.abc import Callable

from common import (
    RECIPIENT,
    SENDER,
    Figure,
    ServerProcess,
    Settings,
    cpu_seconds,
    median,
    message_bytes,
    ratio_median,
    ratios,
    rotations,
)

from smtplab import Client

TIMEOUT = 30.0
LOCAL_NAME = "bench.example"
MESSAGE_SIZE = 1024


class RawClient:
    """The least a lock-step SMTP client can do: write a line, read until the reply's
    last line (``NNN `` after any ``NNN-`` lines). No checks but the reply code."""

    def __init__(self, host: str, port: int, timeout: float = TIMEOUT) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.expect(220)
        self.command(f"EHLO {LOCAL_NAME}\r\n".encode(), 250)

    def reply(self) -> int:
        """Read one whole reply and return its code."""
        while True:
            start = 0
            while True:
                end = self.buffer.find(b"\n", start)
                if end < 0:
                    break
                if self.buffer[start + 3 : start + 4] != b"-":
                    code = int(self.buffer[start : start + 3])
                    self.buffer = self.buffer[end + 1 :]
                    return code
                start = end + 1
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("the server closed the connection")
            self.buffer += data

    def expect(self, code: int) -> None:
        """Read a reply; raise unless it has ``code``."""
        got = self.reply()
        if got != code:
            raise RuntimeError(f"expected {code}, got {got}")

    def command(self, line: bytes, code: int) -> None:
        """Send ``line`` and expect ``code``."""
        self.sock.sendall(line)
        self.expect(code)

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        """One message: MAIL, RCPT, DATA, the message (already CRLF, no leading dots)."""
        self.command(f"MAIL FROM:<{sender}>\r\n".encode(), 250)
        self.command(f"RCPT TO:<{recipient}>\r\n".encode(), 250)
        self.command(b"DATA\r\n", 354)
        self.command(data + b".\r\n", 250)

    def send_pipelined(self, sender: str, recipient: str, data: bytes) -> None:
        """One message with MAIL, RCPT and DATA in one write (RFC 2920): 2 round trips."""
        self.sock.sendall(f"MAIL FROM:<{sender}>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n".encode())
        codes = (self.reply(), self.reply(), self.reply())
        if codes != (250, 250, 354):
            raise RuntimeError(f"expected 250, 250, 354 to MAIL, RCPT, DATA; got {codes}")
        self.command(data + b".\r\n", 250)

    def quit(self) -> None:
        """QUIT and close."""
        try:
            self.command(b"QUIT\r\n", 221)
        finally:
            self.sock.close()


def _loop(count: int, deadline: float, send: Callable[[], object]) -> tuple[int, float, float]:
    """Call ``send`` up to ``count`` times (stopping at ``deadline``); (done, wall s, CPU s)."""
    done = 0
    cpu0 = cpu_seconds()
    start = time.perf_counter()
    while done < count and time.perf_counter() < deadline:
        send()
        done += 1
    wall = time.perf_counter() - start
    return done, wall, cpu_seconds() - cpu0


def run_one(name: str, port: int, count: int, deadline: float, data: bytes) -> dict[str, float]:
    """One connection of contender ``name``: ``count`` messages; its rate and CPU/message."""
    host = "127.0.0.1"
    if name == "smtplab":
        client = Client(host, port, timeout=TIMEOUT, local_hostname=LOCAL_NAME)
        client.ehlo()
        done, wall, cpu = _loop(
            count, deadline, lambda: client.send_message(data, SENDER, [RECIPIENT])
        )
        entries = len(client.transcript)
        client.quit()
        assert entries >= 8 * done, "the transcript should hold every command and reply"
    elif name == "smtplib":
        smtp = smtplib.SMTP(host, port, local_hostname=LOCAL_NAME, timeout=TIMEOUT)
        smtp.ehlo()
        done, wall, cpu = _loop(count, deadline, lambda: smtp.sendmail(SENDER, [RECIPIENT], data))
        smtp.quit()
    elif name == "raw":
        raw = RawClient(host, port)
        done, wall, cpu = _loop(count, deadline, lambda: raw.send(SENDER, RECIPIENT, data))
        raw.quit()
    else:  # pragma: no cover
        raise ValueError(name)
    return {
        "messages": done,
        "rate": done / wall if wall else 0.0,
        "cpu_per_message_us": cpu / done * 1e6 if done else 0.0,
    }


CONTENDERS = ("smtplab", "smtplib", "raw")


def run(settings: Settings) -> list[Figure]:
    """Figures 1 and 2."""
    data = message_bytes(MESSAGE_SIZE)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in CONTENDERS}
    with ServerProcess("lab") as lab:
        received0 = lab.stats()["received"]
        deadline = time.perf_counter() + settings.time_limit
        # One unmeasured round first: imports, first connections, caches.
        for name in CONTENDERS:
            run_one(name, lab.port, min(20, settings.client_messages), deadline, data)
        for order in rotations(CONTENDERS, settings.reps):
            for name in order:
                results[name].append(
                    run_one(name, lab.port, settings.client_messages, deadline, data)
                )
        stats = lab.stats()
    sent = sum(r["messages"] for rs in results.values() for r in rs)

    def series(name: str, key: str) -> list[float]:
        return [r[key] for r in results[name]]

    detail = {
        "messages_per_connection": settings.client_messages,
        "message_bytes": len(data),
        "repetitions": settings.reps,
        "lab_received": stats["received"] - received0,
        "lab_errors": stats["error_count"],
        "sent_measured": sent,
    }
    for name in CONTENDERS:
        detail[f"{name}_msgs_per_s_median"] = round(median(series(name, "rate")), 1)
        detail[f"{name}_cpu_us_per_msg_median"] = round(
            median(series(name, "cpu_per_message_us")), 1
        )
    detail["smtplab_vs_raw_rate"] = _round(
        ratio_median(series("smtplab", "rate"), series("raw", "rate"))
    )
    detail["smtplab_vs_raw_cpu"] = _round(
        ratio_median(series("smtplab", "cpu_per_message_us"), series("raw", "cpu_per_message_us"))
    )
    rate_ratio = ratio_median(series("smtplab", "rate"), series("smtplib", "rate"))
    cpu_ratio = ratio_median(
        series("smtplab", "cpu_per_message_us"), series("smtplib", "cpu_per_message_us")
    )
    return [
        Figure(
            1,
            "client.throughput",
            "lock-step msgs/s, smtplab / smtplib (1 connection)",
            _round(rate_ratio),
            "x",
            ">=",
            1.0,
            detail={
                **detail,
                "per_rep_ratio": ratios(series("smtplab", "rate"), series("smtplib", "rate")),
                "brief": (
                    f"msgs/s smtplab {detail['smtplab_msgs_per_s_median']:.0f}, smtplib "
                    f"{detail['smtplib_msgs_per_s_median']:.0f}, raw socket "
                    f"{detail['raw_msgs_per_s_median']:.0f}"
                ),
            },
        ),
        Figure(
            2,
            "client.cpu",
            "client CPU per message, smtplab / smtplib",
            _round(cpu_ratio),
            "x",
            "<=",
            1.2,
            detail={
                "smtplab_cpu_us_per_msg_median": detail["smtplab_cpu_us_per_msg_median"],
                "smtplib_cpu_us_per_msg_median": detail["smtplib_cpu_us_per_msg_median"],
                "raw_cpu_us_per_msg_median": detail["raw_cpu_us_per_msg_median"],
                "per_rep_ratio": ratios(
                    series("smtplab", "cpu_per_message_us"),
                    series("smtplib", "cpu_per_message_us"),
                ),
                "brief": (
                    f"µs/msg smtplab {detail['smtplab_cpu_us_per_msg_median']:.0f}, smtplib "
                    f"{detail['smtplib_cpu_us_per_msg_median']:.0f}, raw socket "
                    f"{detail['raw_cpu_us_per_msg_median']:.0f}"
                ),
            },
        ),
    ]


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)
