"""Figure 7: memory.

* The lab's inbox: a LabServer (its own process, ``max_messages`` = N) receives N
  messages of 10 KB (a raw pipelined client, ten connections one after the other), then
  10% more. Reported: the server's resident memory growth per byte of message kept (RSS
  growth / (kept x size)), with what the inbox and the session logs hold (target <= 1.5x:
  one copy of each message plus bookkeeping); that the inbox stays bounded (it keeps
  ``max_messages`` and drops the oldest: kept == N); and whether the lab's memory stops
  growing once the inbox is full (RSS growth / bytes sent during the overflow, target
  <= 0.2x).
* The client's transcript for one 10 MB message: the ``tracemalloc`` peak in this (the
  client's) process while :meth:`Client.send_message` runs, over the message size, with
  smtplib's peak for the same message beside it. The transcript keeps the very bytes
  that went on the wire (no copy) and the DATA encoding makes at most one copy, so the
  body is never held twice. Target: <= 1.2x.
"""

from __future__ import annotations

import smtplib
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench_client import RawClient
from common import RECIPIENT, SENDER, Figure, ServerProcess, Settings, message_bytes

from smtplab import Client

CONNECTIONS = 10  # the inbox is filled over this many connections, one after the other
MB = 1024 * 1024


def _fill(port: int, count: int, data: bytes, deadline: float) -> int:
    """Send ``count`` messages over :data:`CONNECTIONS` connections; how many were sent."""
    sent = 0
    per_connection = max(1, -(-count // CONNECTIONS))
    while sent < count and time.perf_counter() < deadline:
        client = RawClient("127.0.0.1", port)
        for _ in range(min(per_connection, count - sent)):
            if time.perf_counter() >= deadline:
                break
            client.send_pipelined(SENDER, RECIPIENT, data)
            sent += 1
        client.quit()
    return sent


def inbox(settings: Settings, lab: ServerProcess) -> list[Figure]:
    """Fill the lab's inbox (``max_messages`` = ``settings.inbox_messages``), then
    overflow it by 10%."""
    size = settings.inbox_message_size
    count = settings.inbox_messages
    extra = max(1, count // 10)
    data = message_bytes(size)
    deadline = time.perf_counter() + max(settings.time_limit, 300.0)
    before = lab.stats()
    start = time.perf_counter()
    sent = _fill(lab.port, count, data, deadline)
    fill_s = time.perf_counter() - start
    full = lab.stats()
    sent_extra = _fill(lab.port, extra, data, deadline)
    after = lab.stats()
    payload = full["kept"] * len(data)
    growth = full["rss"] - before["rss"]
    ratio = growth / payload if payload else None
    detail: dict[str, Any] = {
        "messages_sent": sent,
        "message_bytes": len(data),
        "max_messages": count,
        "fill_seconds": round(fill_s, 2),
        "fill_msgs_per_s": round(sent / fill_s, 1) if fill_s else None,
        "payload_mb": round(payload / MB, 1),
        "rss_before_mb": round(before["rss"] / MB, 1),
        "rss_full_mb": round(full["rss"] / MB, 1),
        "rss_growth_mb": round(growth / MB, 1),
        "inbox_data_mb": round(full["inbox_bytes"] / MB, 1),
        "session_log_mb": round(full["session_log_bytes"] / MB, 1),
        "sessions": full["sessions"],
        "server_errors": after["error_count"],
        "brief": (
            f"RSS +{growth / MB:.0f} MB for {payload / MB:.0f} MB of messages: inbox "
            f"{full['inbox_bytes'] / MB:.0f} MB + session logs "
            f"{full['session_log_bytes'] / MB:.0f} MB"
        ),
    }
    overflow_growth = after["rss"] - full["rss"]
    overflow_payload = sent_extra * len(data)
    bounded = {
        "sent_after_full": sent_extra,
        "kept": after["kept"],
        "dropped": after["dropped"],
        "rss_after_overflow_mb": round(after["rss"] / MB, 1),
        "rss_growth_during_overflow_mb": round(overflow_growth / MB, 1),
        "session_log_mb_after_overflow": round(after["session_log_bytes"] / MB, 1),
        "brief": (
            f"{count}+{sent_extra} sent: kept {after['kept']}, dropped {after['dropped']}; "
            f"RSS {overflow_growth / MB:+.0f} MB during the overflow"
        ),
    }
    return [
        Figure(
            7,
            "memory.inbox",
            f"lab RSS growth / bytes kept ({count} x {size // 1024} KB)",
            None if ratio is None else round(ratio, 3),
            "x",
            "<=",
            1.5,
            detail=detail,
        ),
        Figure(
            7,
            "memory.inbox_bounded",
            f"messages kept after {count} + {extra} sent (max_messages={count})",
            float(after["kept"]),
            "",
            "==",
            count,
            detail=bounded,
        ),
        Figure(
            7,
            "memory.inbox_overflow",
            f"lab RSS growth / bytes sent while the inbox is full (+{extra} messages)",
            None if not overflow_payload else round(overflow_growth / overflow_payload, 3),
            "x",
            "<=",
            0.2,
            detail={
                "overflow_payload_mb": round(overflow_payload / MB, 1),
                "rss_growth_mb": round(overflow_growth / MB, 1),
                "session_log_growth_mb": round(
                    (after["session_log_bytes"] - full["session_log_bytes"]) / MB, 1
                ),
                "brief": (
                    f"+{overflow_growth / MB:.0f} MB RSS for {overflow_payload / MB:.0f} MB "
                    "sent; session logs "
                    f"+{(after['session_log_bytes'] - full['session_log_bytes']) / MB:.0f} MB"
                ),
            },
            note="our reading of 'bounded': a full inbox should stop the lab's memory growing",
        ),
    ]


def _peak(send: Callable[[], object]) -> tuple[int, int]:
    """(peak, retained) bytes traced while ``send()`` runs, above what was there before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        keep = send()
        current, peak = tracemalloc.get_traced_memory()
        del keep
    finally:
        tracemalloc.stop()
    return peak - base, current - base


def big_message(settings: Settings, lab: ServerProcess) -> list[Figure]:
    """Peak memory of the client sending one big message, transcript on."""
    data = message_bytes(settings.big_message_size, subject="big")
    size = len(data)
    client = Client("127.0.0.1", lab.port, timeout=60)
    client.ehlo()

    def smtplab_send() -> Any:
        client.send_message(data, SENDER, [RECIPIENT])
        return client.transcript  # kept alive: what it holds counts as retained

    lab_peak, lab_retained = _peak(smtplab_send)
    entry = client.transcript.messages[-1] if client.transcript.messages else None
    kept = len(entry.raw) if entry is not None and isinstance(entry.raw, bytes) else 0
    start = time.perf_counter()
    rendered = len(str(client.transcript))
    render_s = time.perf_counter() - start
    client.quit()

    smtp = smtplib.SMTP("127.0.0.1", lab.port, timeout=60)
    smtp.ehlo()
    lib_peak, _ = _peak(lambda: smtp.sendmail(SENDER, [RECIPIENT], data))
    smtp.quit()
    received = lab.stats()["received"]
    ratio = lab_peak / size
    return [
        Figure(
            7,
            "memory.transcript_big",
            f"client peak (tracemalloc) / size, one {size / 1e6:.0f} MB message, transcript on",
            round(ratio, 3),
            "x",
            "<=",
            1.2,
            detail={
                "message_bytes": size,
                "smtplab_peak_mb": round(lab_peak / MB, 2),
                "smtplab_retained_mb": round(lab_retained / MB, 2),
                "transcript_message_entry_bytes": kept,
                "smtplib_peak_mb": round(lib_peak / MB, 2),
                "smtplib_peak_over_size": round(lib_peak / size, 3),
                "smtplab_over_smtplib_peak": round(lab_peak / lib_peak, 3) if lib_peak else None,
                "render_text_chars": rendered,
                "render_text_seconds": round(render_s, 3),
                "lab_received": received,
                "brief": (
                    f"retained {lab_retained / MB:.1f} MB (the wire copy, in the transcript); "
                    f"smtplib peak {lib_peak / size:.2f}x"
                ),
            },
        )
    ]


def run(settings: Settings) -> list[Figure]:
    """Figure 7 (four lines). One lab serves both: the big message goes to it after the
    inbox figures are taken."""
    # Room in bytes for every message the count allows (the lab's default byte bound, 64
    # MiB, would bind first at 10,000 x 10 KB): this figure is about max_messages.
    room = str(max(2 * settings.inbox_messages * settings.inbox_message_size, 64 * MB))
    count = str(settings.inbox_messages)
    with ServerProcess("lab", "--max-messages", count, "--max-inbox-bytes", room) as lab:
        return [*inbox(settings, lab), *big_message(settings, lab)]
