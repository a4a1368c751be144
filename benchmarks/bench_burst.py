"""Figure 4: the lab server under a classroom burst.

200 connections at once, 10 messages each (lock-step, as a student's smtplib sends),
against the LabServer and against a bare aiosmtpd Controller with a do-nothing handler,
each in its own process, alternating over a few repetitions. Per repetition: messages per
second (messages confirmed with 250 / wall time), errors (client exceptions) and lost
messages (confirmed by the server's 250 but not counted by the server). Target: 0 errors,
0 lost, LabServer >= 0.9x bare aiosmtpd.

Two asyncio loads run in this process, one after the other: a lean client on asyncio
streams (the headline: it needs the least CPU, so the server is what limits the rate)
and aiosmtplib (the ``bench`` extra; skipped when it is not installed), which spends
more CPU per message than the servers do on two cores, so its ratio says more about the
load than about the server. The servers' own CPU per message (measured in the server
process) is reported beside both.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from common import (
    RECIPIENT,
    SENDER,
    Figure,
    ServerProcess,
    Settings,
    median,
    message_bytes,
    ratio_median,
    rotations,
)

TIMEOUT = 30.0
MESSAGE_SIZE = 1024
CONTENDERS = ("lab", "bare")


async def _one_connection(
    port: int, count: int, data: bytes, deadline: float, tally: dict[str, Any]
) -> None:
    import aiosmtplib

    smtp = aiosmtplib.SMTP(
        hostname="127.0.0.1",
        port=port,
        timeout=TIMEOUT,
        local_hostname="burst.example",
        start_tls=False,
    )
    try:
        await smtp.connect()
        for _ in range(count):
            if time.monotonic() > deadline:
                tally["cut_short"] += 1
                break
            await smtp.sendmail(SENDER, [RECIPIENT], data)
            tally["ok"] += 1
        await smtp.quit()
    except Exception as error:
        tally["errors"] += 1
        if len(tally["samples"]) < 5:
            tally["samples"].append(f"{type(error).__name__}: {error}"[:200])
        smtp.close()


async def _reply(reader: asyncio.StreamReader) -> int:
    """Read one whole reply (its ``NNN-`` lines, then ``NNN ``); return its code."""
    while True:
        line = await reader.readuntil(b"\n")
        if line[3:4] != b"-":
            return int(line[:3])


async def _raw_connection(
    port: int, count: int, data: bytes, deadline: float, tally: dict[str, Any]
) -> None:
    """A lean asyncio SMTP client, lock-step like aiosmtplib: one command, one reply."""
    writer: asyncio.StreamWriter | None = None
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)

        async def step(line: bytes, expected: int) -> None:
            assert writer is not None
            writer.write(line)
            code = await asyncio.wait_for(_reply(reader), TIMEOUT)
            if code != expected:
                raise RuntimeError(f"{line[:20]!r}: expected {expected}, got {code}")

        if await asyncio.wait_for(_reply(reader), TIMEOUT) != 220:
            raise RuntimeError("no 220 greeting")
        await step(b"EHLO burst.example\r\n", 250)
        mail = f"MAIL FROM:<{SENDER}>\r\n".encode()
        rcpt = f"RCPT TO:<{RECIPIENT}>\r\n".encode()
        body = data + b".\r\n"
        for _ in range(count):
            if time.monotonic() > deadline:
                tally["cut_short"] += 1
                break
            await step(mail, 250)
            await step(rcpt, 250)
            await step(b"DATA\r\n", 354)
            await step(body, 250)
            tally["ok"] += 1
        await step(b"QUIT\r\n", 221)
    except Exception as error:
        tally["errors"] += 1
        if len(tally["samples"]) < 5:
            tally["samples"].append(f"{type(error).__name__}: {error}"[:200])
    finally:
        if writer is not None:
            writer.close()


async def _burst(
    port: int, connections: int, count: int, data: bytes, limit: float, load: str = "raw"
) -> dict[str, Any]:
    tally: dict[str, Any] = {"ok": 0, "errors": 0, "cut_short": 0, "samples": []}
    connection = _raw_connection if load == "raw" else _one_connection
    deadline = time.monotonic() + limit
    start = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(
            *(connection(port, count, data, deadline, tally) for _ in range(connections))
        ),
        limit + TIMEOUT,
    )
    tally["wall"] = time.perf_counter() - start
    return tally


def run_one(
    server: ServerProcess, settings: Settings, data: bytes, load: str = "raw"
) -> dict[str, Any]:
    """One burst against ``server``: rate, errors, lost, server CPU per message."""
    before = server.stats()
    tally = asyncio.run(
        _burst(
            server.port,
            settings.burst_connections,
            settings.burst_messages,
            data,
            settings.time_limit,
            load,
        )
    )
    after = server.stats()
    received = after["received"] - before["received"]
    ok = tally["ok"]
    return {
        "ok": ok,
        "errors": tally["errors"],
        "error_samples": tally["samples"],
        "cut_short": tally["cut_short"],
        "lost": max(0, ok - received),
        "received": received,
        "rate": ok / tally["wall"] if tally["wall"] else 0.0,
        "wall": tally["wall"],
        "server_cpu_us_per_msg": (after["cpu"] - before["cpu"]) / received * 1e6
        if received
        else 0.0,
        "server_errors": after["error_count"] - before["error_count"],
    }


def available_loads() -> tuple[str, ...]:
    """The load generators: the lean asyncio client, and aiosmtplib when it is installed
    (the ``bench`` extra)."""
    try:
        import aiosmtplib  # noqa: F401
    except ImportError:
        return ("raw",)
    return ("raw", "aiosmtplib")


def run(settings: Settings) -> list[Figure]:
    """Figure 4 (three lines: rate ratio, errors, lost)."""
    data = message_bytes(MESSAGE_SIZE)
    loads = available_loads()
    results: dict[tuple[str, str], list[dict[str, Any]]] = {
        (load, name): [] for load in loads for name in CONTENDERS
    }
    starting = ServerProcess("lab").start(), ServerProcess("bare").start()  # in parallel
    with starting[0] as lab, starting[1] as bare:
        servers = {"lab": lab, "bare": bare}
        for load in () if settings.quick else loads:
            for name in CONTENDERS:  # warm-up: a small burst each, not measured
                warm = min(10, settings.burst_connections)
                asyncio.run(_burst(servers[name].port, warm, 1, data, settings.time_limit, load))
        for order in rotations(CONTENDERS, settings.burst_reps):
            for load in loads:
                for name in order:
                    results[load, name].append(run_one(servers[name], settings, data, load))
                    if name == "lab":
                        lab.ask("clear")  # the lab keeps messages and session logs

    def series(load: str, name: str, key: str) -> list[float]:
        return [r[key] for r in results[load, name]]

    detail: dict[str, Any] = {
        "connections": settings.burst_connections,
        "messages_per_connection": settings.burst_messages,
        "repetitions": settings.burst_reps,
        "message_bytes": len(data),
    }
    for load in loads:
        ratio = ratio_median(series(load, "lab", "rate"), series(load, "bare", "rate"))
        cpu = ratio_median(
            series(load, "lab", "server_cpu_us_per_msg"),
            series(load, "bare", "server_cpu_us_per_msg"),
        )
        detail[load] = {
            "rate_ratio_lab_over_bare": None if ratio is None else round(ratio, 3),
            "server_cpu_ratio_lab_over_bare": None if cpu is None else round(cpu, 3),
            **{
                f"{name}_{key}": round(median(series(load, name, key)), 1)
                for name in CONTENDERS
                for key in ("rate", "server_cpu_us_per_msg")
            },
            **{
                f"{name}_{key}": int(sum(series(load, name, key)))
                for name in CONTENDERS
                for key in ("ok", "errors", "lost", "cut_short", "server_errors")
            },
            "error_samples": [
                sample
                for name in CONTENDERS
                for r in results[load, name]
                for sample in r["error_samples"]
            ][:5],
        }
    head = detail["raw"]
    errors = sum(detail[load]["lab_errors"] for load in loads)
    lost = sum(detail[load]["lab_lost"] for load in loads)
    detail["brief"] = (
        f"msgs/s lab {head['lab_rate']:.0f}, bare {head['bare_rate']:.0f}; server "
        f"CPU/msg lab/bare {head['server_cpu_ratio_lab_over_bare']}x"
    )
    if "aiosmtplib" in detail:
        other = detail["aiosmtplib"]
        detail["brief"] += (
            f"; aiosmtplib as the load: {other['rate_ratio_lab_over_bare']}x "
            f"({other['lab_rate']:.0f} vs {other['bare_rate']:.0f})"
        )
    else:
        detail["brief"] += "; aiosmtplib not installed (the bench extra)"
    attempted = (
        settings.burst_connections * settings.burst_messages * settings.burst_reps * len(loads)
    )
    bare_errors = sum(detail[load]["bare_errors"] for load in loads)
    bare_lost = sum(detail[load]["bare_lost"] for load in loads)
    return [
        Figure(
            4,
            "burst.rate",
            f"{settings.burst_connections} conns x {settings.burst_messages} msgs: "
            "msgs/s, LabServer / bare aiosmtpd",
            head["rate_ratio_lab_over_bare"],
            "x",
            ">=",
            0.9,
            detail=detail,
        ),
        Figure(
            4,
            "burst.errors",
            "burst: client errors against the LabServer",
            float(errors),
            "",
            "==",
            0,
            detail={"lab_messages_attempted": attempted, "brief": f"bare aiosmtpd: {bare_errors}"},
        ),
        Figure(
            4,
            "burst.lost",
            "burst: messages confirmed (250) but not received by the LabServer",
            float(lost),
            "",
            "==",
            0,
            detail={"lab_messages_attempted": attempted, "brief": f"bare aiosmtpd: {bare_lost}"},
        ),
    ]
