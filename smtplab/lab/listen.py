"""The lab's listening sockets: bind and listen, with errors that say what to do.

A busy port names itself and the way out (another port, or 0 for a free one); a host
name that does not resolve says so. Part of the lab (``smtplab.lab.server`` binds its
two ports here before its event loop starts).
"""

from __future__ import annotations

import socket

from ..i18n import _

__all__: list[str] = []  # the lab's own machinery, used by server.py


def bind(host: str, port: int) -> socket.socket:
    """Bind and listen on (host, port), keeping the socket (port 0: the kernel picks)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise OSError(
            error.errno,
            _("cannot bind the lab to {host}: the name does not resolve ({error})").format(
                host=repr(host), error=error
            ),
        ) from error
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if port:
            # Lets a fixed port be reused at once after a restart (TIME_WAIT); never two
            # listeners at once. Not for port 0, where it could hand out a port in use.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        if port and error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise OSError(
                error.errno,
                _(
                    "port {port} on {host} is already in use: choose another port, "
                    "or 0 to let the lab pick a free one"
                ).format(port=port, host=host),
            ) from error
        raise OSError(
            error.errno,
            _("cannot listen on {host} port {port}: {error}").format(
                host=host, port=port, error=error
            ),
        ) from error
    return sock
