"""Notebook 09's third check: ``can_reach(host, port, timeout)``, a probe of a port before
sending for real, tried on the lab's open port, a closed port and a port that never
answers (``smtplab.course.nb09`` is its public path)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from typing import Any

from ..i18n import _
from ..lab import LabServer
from . import nb09_texts as texts
from .harness import TRIED, Hint, Result, evaluate
from .labs import run_with_deadline, strict_lab, wait_until

__all__: list[str] = []  # public as smtplab.course.nb09.check_can_reach

# --------------------------------------------------------------------------- exercise 3


@contextlib.contextmanager
def _black_hole() -> Iterator[tuple[int, list[socket.socket]]]:
    """A port on 127.0.0.1 whose new connections get no answer (full accept queue).

    On Linux a listener with backlog 0 and one connection waiting drops further SYNs, as
    a firewall does; other systems may refuse them instead (then the probe fails fast,
    which is fine too).
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    held: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        with contextlib.suppress(OSError):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=0.5))
        yield port, held
    finally:
        for sock in held:
            sock.close()
        listener.close()


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (just released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(can_reach: Callable[[str, int, float], Any], port: int, timeout: float) -> Any:
    """Call the learner's probe in a thread; give up after a few seconds (no hang)."""
    finished = run_with_deadline(lambda: can_reach("127.0.0.1", port, timeout), timeout + 2.5)
    if finished is None:
        raise Hint(
            _(texts.CAN_REACH_DID).format(deadline=f"{timeout + 2.5:g}", timeout=f"{timeout:g}")
        )
    error = finished.error
    if isinstance(error, OSError):
        raise Hint(_(texts.CAN_REACH_RAISED).format(error=type(error).__name__))
    if error is not None:
        raise error
    return finished.value


def check_can_reach(can_reach: Callable[[str, int, float], Any]) -> Result:
    """``can_reach(host, port, timeout)``: open port True (closed at once), else False in time."""
    exercise = _("can I reach the port?")
    with strict_lab() as lab:

        def attempt() -> object:
            value = _call(can_reach, lab.port, 2.0)
            wait_until(lambda: bool(lab.sessions), timeout=0.3)  # logged a moment after
            return value

        return evaluate(
            exercise,
            attempt,
            lambda value: _verify_reach(can_reach, lab, value),
            lab=lab,
            returns=_(texts.TRUE_FALSE_WHEN),
        )


def _verify_reach(
    can_reach: Callable[[str, int, float], Any], lab: LabServer, value: object
) -> str:
    if value is not TRIED and not isinstance(value, bool):
        raise Hint(_("return True or False, not {value!r}.").format(value=value))
    if value is not True and value is not TRIED:
        raise Hint(_(texts.LAB_PORT_OPEN))
    # the lab notes a connection a moment after it opens
    wait_until(lambda: bool(lab.sessions) and all(s.ended_at is not None for s in lab.sessions))
    if not lab.sessions:
        raise Hint(_("the lab saw no connection: open one with socket.create_connection()."))
    if any(s.ended_at is None for s in lab.sessions):
        raise Hint(_(texts.CONNECTION_LAB_STAYED))
    if value is TRIED:  # judged by what the lab saw (the harness says: no return)
        return _("the lab saw your probe connect and close at once")
    if _call(can_reach, _closed_port(), 2.0) is not False:
        raise Hint(_("nothing listens on the second port, yet can_reach() did not say False."))
    with _black_hole() as (port, _held):
        value = _call(can_reach, port, 0.5)
    if value is not False:
        raise Hint(_("the third port never answers, yet can_reach() did not say False."))
    return _(texts.OPEN_PORT_TRUE)
