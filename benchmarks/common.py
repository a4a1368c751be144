"""What every benchmark shares: figures, settings, alternation, server processes.

A *figure* is one line of the results table: a value (most often a ratio of two things
measured side by side in the same run), its target, whether the target is met, and the
absolute numbers behind it. A *server process* is a LabServer, a bare aiosmtpd
Controller or a WireTap running in its own Python process (``serve.py``), so that the
client being measured and the server do not share a GIL.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PYTHON = sys.executable
SERVE = BENCH_DIR / "serve.py"

SENDER = "alice@example.com"
RECIPIENT = "bob@example.com"

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda value, goal: value >= goal,
    "<=": lambda value, goal: value <= goal,
    "==": lambda value, goal: value == goal,
}


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """How much work each benchmark does. ``full()`` for ``make bench``, ``quick()`` for
    the smoke test (tiny N: it checks the plumbing, not the values)."""

    quick: bool
    reps: int  # alternating repetitions of each side-by-side comparison
    client_messages: int  # messages per connection per repetition (figures 1, 2)
    pipeline_messages: int  # messages per connection per repetition (figure 3)
    delays_ms: tuple[float, ...]  # one-way latency of the tap (figure 3)
    burst_connections: int  # concurrent connections (figure 4)
    burst_messages: int  # messages per connection (figure 4)
    burst_reps: int
    import_reps: int  # fresh interpreters per module (figure 5)
    lab_start_reps: int  # LabServer start+stop cycles (figure 5)
    inbox_messages: int  # messages to fill the lab's inbox with (figure 7)
    inbox_message_size: int  # bytes per message (figure 7)
    big_message_size: int  # bytes of the one big message (figure 7)
    notebooks: tuple[Path, ...]  # notebooks to run under nbval (figure 6)
    time_limit: float  # seconds any one request loop may run before it stops itself

    @classmethod
    def full(cls, notebooks: Sequence[Path] | None = None) -> Settings:
        """The settings of ``make bench``."""
        return cls(
            quick=False,
            reps=9,
            client_messages=200,
            pipeline_messages=40,
            delays_ms=(1.0, 5.0),
            burst_connections=200,
            burst_messages=10,
            burst_reps=3,
            import_reps=15,
            lab_start_reps=9,
            inbox_messages=10_000,
            inbox_message_size=10 * 1024,
            big_message_size=10_000_000,
            notebooks=tuple(notebooks) if notebooks is not None else default_notebooks(),
            time_limit=120.0,
        )

    @classmethod
    def tiny(cls, notebooks: Sequence[Path] | None = None) -> Settings:
        """Tiny N: every benchmark runs once, in seconds."""
        return cls(
            quick=True,
            reps=1,
            client_messages=5,
            pipeline_messages=3,
            delays_ms=(1.0, 5.0),
            burst_connections=4,
            burst_messages=2,
            burst_reps=1,
            import_reps=1,
            lab_start_reps=1,
            inbox_messages=20,
            inbox_message_size=10 * 1024,
            big_message_size=1_000_000,
            notebooks=tuple(notebooks) if notebooks is not None else (),
            time_limit=30.0,
        )


def default_notebooks() -> tuple[Path, ...]:
    """The numbered notebooks of the series (``notebooks/[0-9]*.ipynb``), in order."""
    return tuple(sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")))


# --------------------------------------------------------------------------- figures


@dataclass
class Figure:
    """One line of the results table.

    ``value`` is in ``unit`` (``"x"`` for a ratio measured side by side, ``"s"``, ``"MB"``
    or ``""`` for a count); ``op`` and ``goal`` state the target (``value >= 1.0``);
    ``met`` is None when nothing could be measured. ``detail`` holds the absolute numbers
    behind the figure (medians, per-repetition values, counts).
    """

    number: int  # the item of the issue it answers (1-7)
    key: str
    label: str
    value: float | None
    unit: str
    op: str
    goal: float
    met: bool | None = None
    target: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"op must be one of {sorted(_OPS)}, not {self.op!r}")
        self.target = f"{self.op} {_fmt(self.goal)}{self.unit}"
        if self.value is not None and self.met is None:
            self.met = _OPS[self.op](self.value, self.goal)

    @property
    def shown(self) -> str:
        """The value as the table prints it."""
        return "n/a" if self.value is None else f"{_fmt(self.value)}{self.unit}"

    def as_dict(self) -> dict[str, Any]:
        """The figure as JSON-ready data."""
        return asdict(self)


def _fmt(value: float) -> str:
    size = abs(value)
    if value == int(value) and (size >= 10 or value == 0):
        return f"{int(value)}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 0.1:
        return f"{value:.2f}"
    return f"{value:.2g}"


def median(values: Sequence[float]) -> float:
    """The median (``statistics.median``), 0.0 for no values."""
    return float(statistics.median(values)) if values else 0.0


def ratios(top: Sequence[float], bottom: Sequence[float]) -> list[float]:
    """The per-repetition ratios ``top[i] / bottom[i]`` (pairs measured next to each
    other), rounded; pairs with a zero ``bottom`` are left out."""
    return [round(t / b, 4) for t, b in zip(top, bottom, strict=True) if b]


def ratio_median(top: Sequence[float], bottom: Sequence[float]) -> float | None:
    """The median of :func:`ratios`, or None when there is no pair."""
    pairs = ratios(top, bottom)
    return median(pairs) if pairs else None


def rotations(names: Sequence[str], reps: int) -> list[list[str]]:
    """The order of the contenders for each repetition: rotated, so none always goes
    first (``ABC``, ``BCA``, ``CAB``, ...)."""
    count = len(names)
    return [[names[(rep + i) % count] for i in range(count)] for rep in range(reps)]


def cpu_seconds() -> float:
    """User + system CPU time of this process (all its threads), in seconds.

    ``time.process_time()`` (CLOCK_PROCESS_CPUTIME_ID: nanoseconds, not the 10 ms ticks
    of ``os.times()``)."""
    return time.process_time()


def message_bytes(size: int, *, subject: str = "benchmark") -> bytes:
    """A plain ASCII message of about ``size`` bytes with CRLF line ends and 70-byte lines
    (nothing for dot-stuffing to change)."""
    head = (
        f"From: Alice <{SENDER}>\r\nTo: Bob <{RECIPIENT}>\r\nSubject: {subject}\r\n"
        "Message-ID: <bench@example.com>\r\n\r\n"
    ).encode("ascii")
    line = b"The quick brown fox jumps over the lazy dog, again and again and again\r\n"
    lines = max(1, (size - len(head)) // len(line))
    body = line * lines
    pad = size - len(head) - len(body)
    if pad >= 2:
        body += b"x" * (pad - 2) + b"\r\n"
    return head + body


# --------------------------------------------------------------------------- machine


def machine() -> dict[str, Any]:
    """The facts of the machine the figures were taken on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = (0.0, 0.0, 0.0)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "loadavg_at_start": [round(x, 2) for x in load],
        "time": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


# --------------------------------------------------------------------------- servers


class ServerProcess:
    """A server in its own Python process (``benchmarks/serve.py``).

    ``ServerProcess("lab")``, ``ServerProcess("bare")`` or ``ServerProcess("tap",
    "--target-port", "2525", "--delay", "0.005")``; use it as a context manager.
    ``info`` is what the server said when it was ready (``port`` ...), ``stats()`` asks
    for its counters now. The process stops when its standard input closes, and on its
    own after ``--lifetime`` seconds in any case.
    """

    def __init__(self, kind: str, *args: str, lifetime: float = 900.0) -> None:
        self.kind = kind
        self.args = [kind, "--lifetime", str(lifetime), *args]
        self.info: dict[str, Any] = {}
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> ServerProcess:
        """Start the process without waiting for it (start several, then enter each)."""
        if self._proc is None:
            self._proc = subprocess.Popen(
                [PYTHON, str(SERVE), *self.args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
        return self

    def __enter__(self) -> ServerProcess:
        self.start()
        if not self.info:
            self.info = self._reply()
        if "error" in self.info:
            self.close()
            raise RuntimeError(f"the {self.kind} server did not start: {self.info['error']}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        """The port clients connect to."""
        return int(self.info["port"])

    @property
    def pid(self) -> int:
        """The server's process id."""
        assert self._proc is not None
        return self._proc.pid

    def _reply(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            code = self._proc.wait(timeout=30)
            raise RuntimeError(f"the {self.kind} server process ended (exit code {code})")
        return dict(json.loads(line))

    def ask(self, command: str) -> dict[str, Any]:
        """Send one command line (``stats``, ``clear``) and return the JSON answer."""
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write(command + "\n")
        self._proc.stdin.flush()
        return self._reply()

    def stats(self) -> dict[str, Any]:
        """The server's counters now: messages received, CPU seconds, memory..."""
        return self.ask("stats")

    def close(self) -> None:
        """Stop the server (close its stdin, then wait; kill it if it hangs)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait(timeout=5)
        finally:
            if proc.stdout is not None:
                proc.stdout.close()


def run_python(code: str, *, timeout: float = 120.0, args: Sequence[str] = ()) -> str:
    """Run ``code`` in a fresh interpreter (cwd: the checkout) and return its stdout."""
    result = subprocess.run(
        [PYTHON, *args, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"subprocess failed ({result.returncode}): {result.stderr[-2000:]}")
    return result.stdout
