"""Figure 5: start-up.

* ``import smtplab`` against ``import smtplib``, each in fresh interpreters, alternating:
  the cumulative import time that ``python -X importtime`` reports for the top-level
  package (in-process, so interpreter start-up noise stays out), and beside it the
  import timed with ``time.perf_counter()`` inside ``python -c`` (no importtime
  instrumentation, no interpreter start or exit). Target: <= 3x.
* What ``import smtplab`` must not pull in: aiosmtpd, trustme, ipywidgets, IPython
  (they load only when the lab or the widgets are used). Target: none.
* ``LabServer().start()`` + ``stop()``, certificate generation included, in a fresh
  process (after the import), alternating with a bare aiosmtpd Controller's start+stop.
  Target: median <= 0.3 s.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

from common import PYTHON, ROOT, Figure, Settings, median, ratio_median, rotations, run_python

HEAVY = ("aiosmtpd", "trustme", "ipywidgets", "IPython")
PYCACHE = Path(tempfile.gettempdir()) / "smtplab-bench-pycache"


def bytecode_env(cached: bool = True) -> dict[str, str]:
    """The environment of the import runs.

    ``cached``: bytecode is written to and read from a private cache
    (``PYTHONPYCACHEPREFIX``, outside the checkout), as after any ordinary install;
    the stdlib's and smtplab's modules are then both loaded from bytecode.
    ``PYTHONDONTWRITEBYTECODE=1`` (set in some sandboxes) would otherwise make smtplab
    compile from source at every import while the stdlib keeps its shipped bytecode.
    Not ``cached``: the environment as it is.
    """
    env = dict(os.environ)
    if cached:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s?(\s*)(\S+)\s*$")


def import_time_us(module: str, *, cached: bool = True) -> float:
    """Cumulative import time of ``module`` (µs) in a fresh interpreter (-X importtime)."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=True,
        env=bytecode_env(cached),
    )
    cumulative = None
    for line in result.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match and match[3] == "" and match[4] == module:
            cumulative = float(match[2])
    if cumulative is None:
        raise RuntimeError(f"no importtime line for {module!r}")
    return cumulative


def timed_import(module: str) -> float:
    """Seconds ``import module`` takes in a fresh interpreter, timed inside it."""
    code = (
        "import time; start = time.perf_counter(); "
        f"import {module}; print(time.perf_counter() - start)"
    )
    result = subprocess.run(
        [PYTHON, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=ROOT,
        env=bytecode_env(),
    )
    return float(result.stdout.strip())


def heavy_modules() -> list[str]:
    """The heavy modules that ``import smtplab`` loads (there should be none)."""
    code = (
        "import json, sys, smtplab; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {set(HEAVY)!r})))"
    )
    return list(json.loads(run_python(code)))


_LAB_CYCLES = r"""
import json, socket, sys, time
from aiosmtpd.controller import Controller
from smtplab.lab import LabServer

class Handler:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"

def lab_cycle():
    t0 = time.perf_counter()
    lab = LabServer().start()
    lab.stop()
    return time.perf_counter() - t0

def bare_cycle():
    t0 = time.perf_counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port,
                            server_hostname="bare.bench.test")
    controller.start()
    controller.stop()
    return time.perf_counter() - t0

reps = int(sys.argv[1])
first = lab_cycle()
lab, bare = [], []
for rep in range(reps):
    order = (lab_cycle, bare_cycle) if rep % 2 == 0 else (bare_cycle, lab_cycle)
    for cycle in order:
        (lab if cycle is lab_cycle else bare).append(cycle())
print(json.dumps({"first": first, "lab": lab, "bare": bare}))
"""


def run(settings: Settings) -> list[Figure]:
    """Figure 5 (three lines)."""
    names = ("smtplab", "smtplib")
    cumulative: dict[str, list[float]] = {name: [] for name in names}
    wall: dict[str, list[float]] = {name: [] for name in names}
    if not settings.quick:
        for name in names:  # fill the bytecode cache, warm the OS caches: not measured
            import_time_us(name)
    for order in rotations(names, settings.import_reps):
        for name in order:
            cumulative[name].append(import_time_us(name))
        if settings.quick:
            continue  # the cross-check costs two more interpreters a repetition
        for name in order:
            wall[name].append(timed_import(name))
    import_ratio = ratio_median(cumulative["smtplab"], cumulative["smtplib"])
    wall_ratio = ratio_median(wall["smtplab"], wall["smtplib"])
    uncached: dict[str, list[float]] = {name: [] for name in names}
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and not settings.quick:
        for order in rotations(names, max(1, min(5, settings.import_reps))):
            for name in order:
                uncached[name].append(import_time_us(name, cached=False))
    uncached_ratio = ratio_median(uncached["smtplab"], uncached["smtplib"])
    heavy = heavy_modules()

    cycles = json.loads(_run_cycles(settings.lab_start_reps))
    lab_median = median(cycles["lab"])
    bare_median = median(cycles["bare"])
    return [
        Figure(
            5,
            "startup.import",
            "import time (-X importtime), smtplab / smtplib",
            None if import_ratio is None else round(import_ratio, 3),
            "x",
            "<=",
            3.0,
            detail={
                "smtplab_import_ms_median": round(median(cumulative["smtplab"]) / 1000, 2),
                "smtplib_import_ms_median": round(median(cumulative["smtplib"]) / 1000, 2),
                "perf_counter_ratio": None if wall_ratio is None else round(wall_ratio, 3),
                "smtplab_perf_counter_ms_median": round(median(wall["smtplab"]) * 1000, 1),
                "smtplib_perf_counter_ms_median": round(median(wall["smtplib"]) * 1000, 1),
                "repetitions": settings.import_reps,
                "bytecode": f"cached (PYTHONPYCACHEPREFIX={PYCACHE})",
                "without_bytecode_cache_ratio": None
                if uncached_ratio is None
                else round(uncached_ratio, 3),
                "without_bytecode_cache_smtplab_ms": round(median(uncached["smtplab"]) / 1000, 1)
                if uncached["smtplab"]
                else None,
                "brief": (
                    f"ms smtplab {median(cumulative['smtplab']) / 1000:.1f}, smtplib "
                    f"{median(cumulative['smtplib']) / 1000:.1f}; timed in-process: "
                    f"{median(wall['smtplab']) * 1000:.0f} vs {median(wall['smtplib']) * 1000:.0f}"
                ),
            },
        ),
        Figure(
            5,
            "startup.heavy_imports",
            "heavy modules loaded by `import smtplab`",
            float(len(heavy)),
            "",
            "==",
            0,
            detail={"modules": heavy, "checked": list(HEAVY), "brief": ", ".join(heavy) or "none"},
        ),
        Figure(
            5,
            "startup.lab",
            "LabServer start+stop incl. certificates (median)",
            round(lab_median, 3),
            "s",
            "<=",
            0.3,
            detail={
                "lab_s": [round(x, 4) for x in cycles["lab"]],
                "bare_controller_s_median": round(bare_median, 4),
                "lab_over_bare": round(lab_median / bare_median, 2) if bare_median else None,
                "first_start_in_fresh_process_s": round(cycles["first"], 4),
                "repetitions": settings.lab_start_reps,
                "brief": (
                    f"bare Controller {bare_median:.3f} s; first in a fresh process "
                    f"{cycles['first']:.3f} s"
                ),
            },
        ),
    ]


def _run_cycles(reps: int) -> str:
    result = subprocess.run(
        [PYTHON, "-c", _LAB_CYCLES, str(reps)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"LabServer start/stop cycles failed: {result.stderr[-2000:]}")
    return result.stdout.strip().splitlines()[-1]
