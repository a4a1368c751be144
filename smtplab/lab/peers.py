"""The lab's door in the shared-host mode (docs/teaching.md).

In shared-host mode a :class:`SharedHostDoor` stands in front of every accepted
connection and asks :mod:`smtplab.owners` which user opened it: one whose client socket
is the lab's own user's becomes a LabConnection; any other gets ``554 5.7.1`` (the
implicit-TLS port just closes) and is closed before a session exists: nothing it sends
is read or kept.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

from ..owners import connection_owner

__all__: list[str] = []  # the lab's own machinery, used by server.py

# The texts of the lab's 554 replies to a refused connection: protocol, kept in English.
_OTHER_USER = (
    "This lab belongs to another user of this machine (shared-host mode): "
    "connect to your own lab's port"  # i18n: keep the lab's SMTP reply
)
_UNKNOWN_USER = (
    "This lab serves only its own user's connections (shared-host mode), and it cannot "
    "see which user opened this one"  # i18n: keep the lab's SMTP reply
)


class SharedHostDoor:
    """Lets in only the connections the lab's own user opened (one door per lab).

    :meth:`guard` wraps the lab's protocol factory; :attr:`refused` counts the
    connections turned away (the only trace they leave).
    """

    def __init__(self) -> None:
        self.owner = os.geteuid()
        self.refused = 0

    def refusal(self, transport: asyncio.BaseTransport) -> str | None:
        """Why this connection is turned away, or None to let it in."""
        client = transport.get_extra_info("peername")
        lab_end = transport.get_extra_info("sockname")
        owner = connection_owner(client, lab_end) if client and lab_end else None
        if owner == self.owner:
            return None
        return _UNKNOWN_USER if owner is None else _OTHER_USER

    def guard(
        self, make_connection: Callable[[], asyncio.BaseProtocol], *, explain: bool
    ) -> Callable[[], asyncio.Protocol]:
        """A protocol factory that lets a connection in (``make_connection()`` then
        speaks on it) or turns it away, with a 554 reply if ``explain``."""
        return lambda: _Doorway(self, make_connection, explain)


class _Doorway(asyncio.Protocol):
    """The first protocol of an accepted connection in shared-host mode: it hands the
    transport to the lab's connection, or answers 554 and closes it unread."""

    def __init__(
        self,
        door: SharedHostDoor,
        make_connection: Callable[[], asyncio.BaseProtocol],
        explain: bool,
    ) -> None:
        self._door, self._make_connection, self._explain = door, make_connection, explain

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Let the connection in, or turn it away (nothing is read from it)."""
        assert isinstance(transport, asyncio.Transport)
        reason = self._door.refusal(transport)
        if reason is None:
            connection = self._make_connection()
            transport.set_protocol(connection)
            connection.connection_made(transport)
            return
        self._door.refused += 1
        if self._explain:
            transport.write(f"554 5.7.1 {reason}\r\n".encode("ascii"))
        transport.close()

    def data_received(self, data: bytes) -> None:
        """Bytes from a connection turned away, before its close: dropped unread."""
