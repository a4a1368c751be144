"""The lab's bounds on what one peer may make it hold, applied as the bytes arrive.

:class:`LineCutter` is the line-length limit of RFC 5321 §4.5.3.1 enforced in the lab's
own transport (:meth:`~smtplab.lab.connection.LabConnection._received`), before aiosmtpd
buffers anything: of a line longer than the limit it passes on the first ``cap`` bytes
(enough for aiosmtpd to see the line is too long and answer ``500 5.5.2`` at its turn,
in order with the pipelined commands before it), drops the rest until the line ends, and
passes the line end. So a 400 MB command line, or a message line that never ends, costs
the lab ``cap`` bytes, not 400 MB.

:class:`IncomingMessage` counts the bytes of each message being received against the lab's
:class:`IncomingBudget` (all connections together): past it, a message's further bytes
are dropped as they arrive and the message is refused at its end with ``452 4.3.1``, so
thirty clients each sending 10 MB at once cannot make the lab hold 300 MB. The first
:data:`FREE_MESSAGE_BYTES` of each message are not counted: a learner's own small message
is never refused because a classmate floods the lab.

:func:`pick_connection_to_close` chooses which connection gives way when the lab is at
``max_connections``: among those that have not logged in and are idle, one that never
said a word, else the one quiet longest; when none is idle, the oldest that has not logged
in (busy with a pipelined flood, or a message trickled a byte at a time: neither may keep
the lab full for as long as it goes on).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

__all__: list[str] = []  # the lab's own machinery, used by connection.py


class LineCutter:
    """Cuts every line of one connection to at most ``cap`` bytes (its line end included).

    Command lines end at LF (as aiosmtpd reads them), message lines at CRLF. The state
    (how long the current line is so far, whether its rest is being dropped) carries from
    one chunk to the next, and across a switch between commands and message.
    """

    def __init__(self) -> None:
        self.length = 0
        """Bytes of the current line seen so far."""
        self.dropping = False
        """True while the rest of a too-long line is dropped."""
        self.last_cr = False
        self.too_long_lines = 0
        """How many lines were too long."""
        self.dropped_bytes = 0
        """How many bytes were dropped (never buffered, never logged)."""

    def cut(self, data: bytes, cap: int, crlf: bool) -> bytes:
        """The bytes of ``data`` that may pass (all of them unless a line is too long)."""
        if not data:
            return data
        if not self.dropping and self._all_short(data, cap, crlf):
            return data
        return self._cut_lines(data, cap, crlf)

    def _all_short(self, data: bytes, cap: int, crlf: bool) -> bool:
        """True (and the state moved on) if no line in ``data`` goes over ``cap``."""
        first = data.find(b"\n")
        if first < 0:
            if self.length + len(data) > cap:
                return False
            self.length += len(data)
            self.last_cr = data.endswith(b"\r")
            return True
        if crlf and data.count(b"\n") != data.count(b"\r\n") + (first == 0 and self.last_cr):
            return False  # a bare LF: the slow path counts it inside its line
        last = data.rfind(b"\n")
        tail = len(data) - last - 1
        if self.length + first + 1 > cap or tail > cap:
            return False
        if last > first and len(max(data[first + 1 : last].split(b"\n"), key=len)) >= cap:
            return False
        self.length = tail
        self.last_cr = data.endswith(b"\r")
        return True

    def _line_end(self, data: bytes, start: int, crlf: bool) -> int:
        """The index just after the next line end at or after ``start``, or -1."""
        if not crlf:
            end = data.find(b"\n", start)
            return end + 1 if end >= 0 else -1
        cr_before = (data[start - 1 : start] == b"\r") if start else self.last_cr
        if cr_before and data[start : start + 1] == b"\n":  # a CRLF cut between two pieces
            return start + 1
        end = data.find(b"\r\n", start)
        return end + 2 if end >= 0 else -1

    def _cut_lines(self, data: bytes, cap: int, crlf: bool) -> bytes:
        passed: list[bytes] = []
        position, size = 0, len(data)
        while position < size:
            end = self._line_end(data, position, crlf)
            stop = size if end < 0 else end
            if self.dropping:
                if end < 0:
                    self.dropped_bytes += size - position
                    break
                self.dropped_bytes += end - position
                passed.append(b"\r\n" if crlf else b"\n")
                self.dropping, self.length, position = False, 0, end
                continue
            if self.length + stop - position <= cap:
                passed.append(data[position:stop])
                self.length = 0 if end >= 0 else self.length + stop - position
                position = stop
                continue
            keep = cap - self.length
            passed.append(data[position : position + keep])
            self.too_long_lines += 1
            self.dropping, self.length = True, cap
            position += keep
        self.last_cr = data.endswith(b"\r")
        return b"".join(passed)


FREE_MESSAGE_BYTES = 1024 * 1024
"""The first bytes of each message that the lab-wide budget does not count."""

_END_OF_DATA = b"\r\n.\r\n"


class IncomingBudget:
    """How many bytes of messages (past their first :data:`FREE_MESSAGE_BYTES`) the lab
    receives at once, across its connections (server thread only)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.refused = 0
        """How many messages were refused because the budget was spent."""


class IncomingMessage:
    """One message being received on one connection (from 354 to its reply)."""

    def __init__(self, budget: IncomingBudget, size_limit: int | None = None) -> None:
        self.budget = budget
        self.size_limit = size_limit
        """SIZE: aiosmtpd drops what comes past it (552 at the end), so that is not held."""
        self.size = 0
        self.counted = 0
        self.refused = False
        """True once its bytes are dropped: the lab answers 452 at its end."""
        self._tail = b""

    def take(self, data: bytes) -> bytes:
        """What of ``data`` may go on to aiosmtpd (all of it unless over the budget)."""
        if self.refused:
            return self._skip(data)
        before, self.size = self.size, self.size + len(data)
        counted = self._held(self.size) - self._held(before)
        budget = self.budget
        if counted and budget.used + counted > budget.limit and _END_OF_DATA not in data:
            self.refused = True
            budget.refused += 1
            self._tail = data[-4:]
            return b""
        budget.used += counted
        self.counted += counted
        return data

    def _held(self, size: int) -> int:
        """The bytes of the first ``size`` that the budget counts: past the free first
        ones, up to the size limit."""
        if self.size_limit is not None:
            size = min(size, self.size_limit)
        return max(size - FREE_MESSAGE_BYTES, 0)

    def _skip(self, data: bytes) -> bytes:
        """Drop the message's bytes up to its end, which goes on (so aiosmtpd answers)."""
        window = self._tail + data
        end = window.find(_END_OF_DATA)
        if end < 0:
            self._tail = window[-4:]
            return b""
        self._tail = b""
        return window[end:]

    def finish(self) -> None:
        """The message ended (delivered, refused, or the connection closed)."""
        self.budget.used -= self.counted
        self.counted = 0


class _Connection(Protocol):
    last_active: float
    spoke: bool
    opened: float

    def can_give_way(self) -> bool: ...

    def may_be_cut_short(self) -> bool: ...


def pick_connection_to_close(live: Iterable[_Connection]) -> _Connection | None:
    """The connection that gives way to a new one, among those that may: one that never
    said a word first (a client in its dialogue has said EHLO), then the one quiet longest;
    if none may, the oldest of those that may be cut short (busy, nobody logged in), if any.
    """
    live = list(live)
    candidates = [connection for connection in live if connection.can_give_way()]
    if candidates:
        return min(candidates, key=lambda c: (c.spoke, c.last_active))
    busy = [connection for connection in live if connection.may_be_cut_short()]
    return min(busy, key=lambda c: c.opened) if busy else None
