"""The machine's doors, closed while a check runs (issue 14): a connection or a name lookup
to anything but loopback raises :class:`LeavesTheMachine` before a packet leaves (an audit
hook, installed once, idle outside checks). A running check also watches its labs: what
reaches them from the moment they are watched is the learner's activity, so work whose
function returned nothing is judged, not called "not tried" (:mod:`.harness`)."""

from __future__ import annotations

import contextvars
import ipaddress
import re
import socket
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..i18n import N_, _
from ..lab import LabServer

__all__: list[str] = []  # the package's own (the harness's doors)

LOOPBACK_ONLY = N_(
    "a check only talks to the lab on this machine: use the lab's host/port you were given"
)
"""The hint when the learner's code reached for another machine during a check."""

_GUARDED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
    }
)
_LOOPBACK_NAMES = {"", "localhost", "localhost.localdomain", "ip6-localhost"}
"""Names of this machine; :func:`_install_guard` adds its own host name (smtplib asks
for it to greet with: ``socket.getfqdn()``)."""


class LeavesTheMachine(PermissionError):
    """Raised inside a check when code tries to reach anything but loopback (nothing
    has been sent: the connection or the name lookup is refused before it starts)."""


@dataclass
class RunningCheck:
    """What one running check watches: the labs it started and what it refused."""

    labs: list[tuple[LabServer, int]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def saw_activity(self) -> bool:
        """True when a watched lab has seen something since it was watched."""
        return any(_activity(lab) > before for lab, before in self.labs)


_RUNNING: contextvars.ContextVar[RunningCheck | None] = contextvars.ContextVar(
    "smtplab_check", default=None
)
_CHECK_LABS: weakref.WeakSet[LabServer] = weakref.WeakSet()
"""The labs :func:`strict_lab` made: every check watches those still running."""
_hook_lock = threading.Lock()
_hook_installed = False


def _is_loopback(host: object) -> bool:
    """True for a host that is this machine: a loopback address or ``localhost``."""
    if host is None:  # getaddrinfo(None, port): the local machine
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    name = str(host).strip().rstrip(".").lower()
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        if not re.fullmatch(r"[0-9.]+", name):
            return False  # a name: looking it up would ask a DNS server
        try:  # "127.1": IPv4 written short, read as inet_aton reads it, with no DNS
            address = ipaddress.ip_address(socket.inet_aton(name))
        except OSError:
            return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _guard(event: str, args: tuple[Any, ...]) -> None:
    """The audit hook: during a check, refuse what would leave the machine."""
    if event not in _GUARDED_EVENTS:
        return
    check = _RUNNING.get()
    if check is None:
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[1] if len(args) > 1 else None
        if not isinstance(address, tuple) or not address:
            return  # a Unix socket, or a send on a connected socket
        host = address[0]
    elif event == "socket.getnameinfo":
        host = args[0][0] if args and isinstance(args[0], tuple) and args[0] else None
    else:
        host = args[0] if args else None
    if _is_loopback(host):
        return
    what = f"{event.removeprefix('socket.')} {host!r}"
    check.refused.append(what)
    raise LeavesTheMachine(
        _("{loopback_only} (refused: {what}; nothing was sent).").format(
            loopback_only=_(LOOPBACK_ONLY), what=what
        )
    )


def _install_guard() -> None:
    """Install the audit hook once (audit hooks cannot be removed; outside a check it
    returns at once)."""
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            _LOOPBACK_NAMES.add(socket.gethostname().lower())
            sys.addaudithook(_guard)
            _hook_installed = True


def _activity(lab: LabServer) -> int:
    """How much the lab has seen: its sessions and the lines it received."""
    sessions = lab.sessions
    return len(sessions) + sum(len(s.received_lines()) + s.omitted_lines for s in sessions)


def watch(lab: LabServer) -> LabServer:
    """Count what reaches ``lab`` from now on as the learner's activity in the running
    check (outside a check: nothing). Returns ``lab``."""
    check = _RUNNING.get()
    if check is not None:  # watched again: from now on (the check's own setup is done)
        check.labs[:] = [(seen, before) for seen, before in check.labs if seen is not lab]
        check.labs.append((lab, _activity(lab)))
    return lab


def watch_from_start(lab: LabServer) -> LabServer:
    """Watch a check's lab that has just started, in this check and every later one that
    begins while it still runs. Returns ``lab``."""
    _CHECK_LABS.add(lab)
    return watch(lab)


@contextmanager
def doors_closed(lab: LabServer | None = None) -> Iterator[RunningCheck]:
    """Run a check with the doors closed, watching ``lab`` and the check labs still running
    (started before it began)."""
    _install_guard()
    check = RunningCheck()
    token = _RUNNING.set(check)
    try:
        for running in [lab, *_CHECK_LABS]:
            if running is not None and running.running:
                watch(running)
        yield check
    finally:
        _RUNNING.reset(token)
