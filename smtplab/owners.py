"""Which user of this machine opened a TCP connection: the shared-host mode (docs/teaching.md).

Linux lists every TCP socket of the machine in ``/proc/net/tcp`` and ``tcp6`` with its
owner's uid; the client socket of a connection to a listener of this kernel is there, its
*local* address being the accepted connection's *remote* one. The lab's door
(:mod:`smtplab.lab.peers`) and the wire tap (:mod:`smtplab.tap`) ask here, so that on a
shared host (JupyterHub) neither serves another user's connections. Standard library only;
it reads the kernel's tables, so it sits below both wings, not in the I/O-free core.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import socket
import struct
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .i18n import _

__all__: list[str] = []  # the wings' own machinery (lab/peers.py, tap.py)

PROC_NET = Path("/proc/net")  # where Linux lists the machine's sockets (tcp, tcp6)
JUPYTERHUB_VARIABLE = "JUPYTERHUB_USER"  # set under JupyterHub: the mode is on by default

_NETLINK_SOCK_DIAG, _SOCK_DIAG_BY_FAMILY, _NLMSG_ERROR = 4, 20, 2  # linux/sock_diag.h
_IGNORED_STATES = frozenset({"0A", "06"})  # LISTEN; TIME_WAIT (its uid column says 0)


def proc_address(host: str, port: int, *, six: bool, byteorder: str = sys.byteorder) -> str | None:
    """``(host, port)`` as ``/proc/net/tcp`` (``six=False``) or ``tcp6`` writes it.

    The kernel prints each 32-bit word of the address in the machine's byte order
    (127.0.0.1 is ``0100007F`` on a little-endian machine) and the port in hex. An IPv4
    address appears in ``tcp6`` in its IPv4-mapped form (``::ffff:127.0.0.1``, the
    client's socket being an IPv6 one); an IPv6 address has no ``tcp`` form (None).
    """
    address = ipaddress.ip_address(host.partition("%")[0])  # no IPv6 scope (%lo)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if six and address.version == 4:
        address = ipaddress.IPv6Address(f"::ffff:{address}")
    elif not six and address.version == 6:
        return None
    packed = address.packed
    words = (packed[i : i + 4] for i in range(0, len(packed), 4))
    order = "little" if byteorder == "little" else "big"
    return "".join(f"{int.from_bytes(word, order):08X}" for word in words) + f":{port:04X}"


def find_owner(table: str, local: str, remote: str) -> int | None:
    """The uid of the socket in ``table`` (the text of ``/proc/net/tcp`` or ``tcp6``)
    whose local and remote addresses are these (as :func:`proc_address` writes them)."""
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 7 and (fields[1], fields[2]) == (local, remote):
            state, uid = fields[3], fields[7]
            if state not in _IGNORED_STATES and uid.isdigit():
                return int(uid)
    return None


def connection_owner(
    client: tuple[Any, ...], lab_end: tuple[Any, ...], proc_net: Path | None = None
) -> int | None:
    """The uid of the process that opened the connection from ``client`` to ``lab_end``
    (both ``(host, port, ...)`` as the lab's socket sees them), or None when no socket
    of this machine matches (a client on another machine, or one already gone).

    The kernel is asked for that one socket (:func:`sock_diag_owner`, microseconds);
    where it cannot be asked, or ``proc_net`` is given, the tables are read instead
    (milliseconds: the kernel walks every socket of the machine to print them)."""
    if proc_net is None:
        with contextlib.suppress(OSError):
            return sock_diag_owner(client, lab_end)
    for name, six in (("tcp", False), ("tcp6", True)):
        local = proc_address(client[0], client[1], six=six)
        remote = proc_address(lab_end[0], lab_end[1], six=six)
        if local is None or remote is None:
            continue
        try:
            table = (
                (proc_net or PROC_NET).joinpath(name).read_text(encoding="ascii", errors="replace")
            )
        except OSError:  # no IPv6 in this kernel: no tcp6
            continue
        owner = find_owner(table, local, remote)
        if owner is not None:
            return owner
    return None


def sock_diag_owner(client: tuple[Any, ...], lab_end: tuple[Any, ...]) -> int | None:
    """The owner's uid of the TCP socket from ``client`` to ``lab_end``, asked of Linux
    through netlink (``NETLINK_SOCK_DIAG``, as ``ss`` does: one exact lookup), or None
    when there is no such socket. Raises OSError where netlink cannot be used."""
    ends = []
    for host, port in ((client[0], client[1]), (lab_end[0], lab_end[1])):
        address = ipaddress.ip_address(host.partition("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        ends.append((address, port))
    family = socket.AF_INET6 if ends[0][0].version == 6 else socket.AF_INET
    (source, source_port), (destination, destination_port) = ends
    request = b"".join(  # inet_diag_req_v2 and its inet_diag_sockid (ports: big-endian)
        (
            struct.pack("=BBBxI", family, socket.IPPROTO_TCP, 0, 0xFFFFFFFF),  # any state
            struct.pack("!HH", source_port, destination_port),
            source.packed.ljust(16, b"\0") + destination.packed.ljust(16, b"\0"),
            struct.pack("=I", 0) + b"\xff" * 8,  # any interface; INET_DIAG_NOCOOKIE
        )
    )
    header = struct.pack("=LHHLL", 16 + len(request), _SOCK_DIAG_BY_FAMILY, 1, 1, 0)
    if not hasattr(socket, "AF_NETLINK"):
        raise OSError(errno.ENOSYS, _("no netlink on this system"))
    with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_SOCK_DIAG) as netlink:
        netlink.settimeout(1.0)
        netlink.send(header + request)
        answer = netlink.recv(8192)
    kind = struct.unpack_from("=H", answer, 4)[0] if len(answer) >= 16 else None
    if kind == _SOCK_DIAG_BY_FAMILY and len(answer) >= 84:
        return int(struct.unpack_from("=I", answer, 80)[0])  # inet_diag_msg.idiag_uid
    if kind == _NLMSG_ERROR and len(answer) >= 20:
        error = -struct.unpack_from("=i", answer, 16)[0]
        if error == errno.ENOENT:
            return None
        raise OSError(error, os.strerror(error))
    raise OSError(errno.EPROTO, _("unexpected answer from NETLINK_SOCK_DIAG"))


def shared_host_wanted(
    asked: bool | None, environ: Mapping[str, str] = os.environ, proc_net: Path | None = None
) -> bool:
    """Whether a lab runs in shared-host mode: ``asked`` (True, False) or, for None, on
    when the kit runs under JupyterHub (``JUPYTERHUB_USER`` is set) and off elsewhere.

    Where the system does not show who owns a socket (no readable ``/proc/net/tcp``:
    macOS, Windows), ``True`` raises ValueError (a lab that said it keeps classmates
    out and did not would be worse than none), and None under JupyterHub warns and
    runs without the mode.
    """
    if asked is False or (asked is None and not environ.get(JUPYTERHUB_VARIABLE)):
        return False
    proc_net = proc_net or PROC_NET
    if os.access(proc_net / "tcp", os.R_OK):
        return True
    why = _(
        "the shared-host mode needs {path} (Linux) to see which user opened "
        "a connection, and this system ({platform}) has none readable, so the lab "
        "cannot keep other users of this machine out."
    ).format(path=proc_net / "tcp", platform=sys.platform)
    if asked:
        raise ValueError(why + _(" Pass shared_host=False to run without it."))
    warnings.warn(
        why + _(" It runs without the mode: anyone on this machine can use this lab."),
        RuntimeWarning,
        stacklevel=3,
    )
    return False
