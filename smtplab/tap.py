"""A wire tap: a relay between a client and a server that records every byte both ways.

Point a client at the tap instead of the server, and the tap shows what an eavesdropper on
the network sees: SMTP in plain text, a password in base64 (which is not encryption), and,
after ``STARTTLS``, bytes nobody can read (TLS records start with ``0x16 0x03``)::

    with WireTap(lab.host, lab.port) as tap:
        with smtplib.SMTP(tap.host, tap.port) as smtp:
            smtp.starttls(context=lab.ssl_context())
            ...
    tap.show()

``delay`` adds a one-way latency to each direction, like a long link: each chunk is
forwarded ``delay`` seconds after it arrived, and chunks in flight do not wait for each
other (a round trip gains ``2 * delay``; throughput is unchanged). That is what makes
pipelining (RFC 2920) measurable on a loopback interface.

The tap is one background thread around a ``selectors`` loop: it accepts, connects to the
target without blocking, relays, and closes. It never prints (output from a thread lands in
the wrong notebook cell). A half-close is passed on (when one side stops sending, the other
side is told, after the data before it), and an error on either side closes both. What it
records is bounded: at most ``max_bytes`` per direction is kept; the rest is counted in
``dropped_from_client`` / ``dropped_from_server``.

This module is a driver wing: it uses sockets and a thread, and imports only the core.
"""

from __future__ import annotations

import contextlib
import errno
import html as _html
import selectors
import socket
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass
from types import TracebackType

from .errors import ConnectError

__all__ = [
    "Chunk",
    "WireTap",
    "describe_tls",
    "looks_encrypted",
    "printable_ratio",
]

CLIENT = "C"  # bytes the client sent (client -> server)
SERVER = "S"  # bytes the server sent (server -> client)
_RECV_SIZE = 256 * 1024
_HIGH_WATER = 8 * 1024 * 1024  # bytes queued in one direction before the tap stops reading

# --------------------------------------------------------------------------------------------
# Looking at bytes

_TLS_CONTENT_TYPES = {20: "ChangeCipherSpec", 21: "Alert", 22: "Handshake", 23: "ApplicationData"}
_TLS_HANDSHAKE_TYPES = {
    1: "ClientHello",
    2: "ServerHello",
    4: "NewSessionTicket",
    8: "EncryptedExtensions",
    11: "Certificate",
    12: "ServerKeyExchange",
    13: "CertificateRequest",
    14: "ServerHelloDone",
    15: "CertificateVerify",
    16: "ClientKeyExchange",
    20: "Finished",
}
_TLS_VERSIONS = {0: "SSL 3.0", 1: "TLS 1.0", 2: "TLS 1.1", 3: "TLS 1.2", 4: "TLS 1.3"}


def _is_tls_record_start(data: bytes) -> bool:
    return (
        len(data) >= 3
        and data[0] in _TLS_CONTENT_TYPES
        and data[1] == 3
        and data[2] in _TLS_VERSIONS
    )


def describe_tls(data: bytes) -> str | None:
    """Name the TLS records *data* starts with, or None if it does not look like TLS.

    >>> describe_tls(bytes.fromhex("16030100050100000100"))
    'TLS record: Handshake (ClientHello), record version TLS 1.0, 5 bytes'

    (The record version of a TLS 1.3 ClientHello says 1.0 or 1.2 for compatibility; the
    real version is negotiated inside.)
    """
    if not _is_tls_record_start(data):
        return None
    parts: list[str] = []
    offset = 0
    while offset + 5 <= len(data) and _is_tls_record_start(data[offset:]):
        kind = _TLS_CONTENT_TYPES[data[offset]]
        length = int.from_bytes(data[offset + 3 : offset + 5], "big")
        if (
            kind == "Handshake"
            and offset + 5 < len(data)
            and data[offset + 5] in _TLS_HANDSHAKE_TYPES
        ):
            kind += f" ({_TLS_HANDSHAKE_TYPES[data[offset + 5]]})"
        if not parts:
            kind += f", record version {_TLS_VERSIONS[data[offset + 2]]}"
        parts.append(f"{kind}, {length:,} byte{'' if length == 1 else 's'}")
        offset += 5 + length
    label = "TLS record" if len(parts) == 1 else "TLS records"
    return f"{label}: " + "; ".join(parts)


def _readable_units(data: bytes) -> list[tuple[str, int]]:
    """Split *data* into (text, bytes) units: a printable character, or one raw byte as ''."""
    text = data.decode("utf-8", "surrogateescape")
    units: list[tuple[str, int]] = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8
            units.append(("", code - 0xDC00))
        else:
            units.append((char, len(char.encode("utf-8"))))
    return units


def printable_ratio(data: bytes) -> float:
    """The share of *data* (0.0–1.0, by bytes) that is readable text.

    Printable characters (UTF-8 included: ``你好`` is readable) and CR, LF and TAB count
    as readable; other control bytes and bytes that are not valid UTF-8 do not. SMTP in
    plain text scores 1.0; encrypted bytes score about 0.4. Empty data scores 1.0.
    """
    if not data:
        return 1.0
    readable = 0
    for char, size in _readable_units(data):
        if char and (char.isprintable() or char in "\r\n\t"):
            readable += size
    return readable / len(data)


def looks_encrypted(data: bytes) -> bool:
    """True when *data* starts a TLS record or is mostly unreadable bytes.

    A notebook uses it to point at the moment after ``STARTTLS`` when the wire stops
    making sense to an eavesdropper.
    """
    if not data:
        return False
    return _is_tls_record_start(data) or (len(data) >= 8 and printable_ratio(data) < 0.75)


def _escape_text(data: bytes) -> str:
    """Readable text with CR, LF, TAB and raw bytes made visible (``\\r\\n``, ``\\x00``)."""
    out: list[str] = []
    for char, value in _readable_units(data):
        if not char:
            out.append(f"\\x{value:02x}")
        elif char == "\r":
            out.append("\\r")
        elif char == "\n":
            out.append("\\n\n")
        elif char == "\t":
            out.append("\\t")
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
    return "".join(out)


def _hex(data: bytes, limit: int) -> str:
    shown = data[:limit].hex(" ")
    return shown + (f" ... (+{len(data) - limit:,} bytes)" if len(data) > limit else "")


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Chunk:
    """One piece of data as the tap received it.

    ``direction`` is ``"C"`` (the client sent it) or ``"S"`` (the server sent it); ``time``
    is seconds since the tap started; ``connection`` numbers the relayed connections
    from 1. How the bytes are cut into chunks depends on the sender and on TCP: one
    chunk may hold several commands, or part of one.
    """

    direction: str
    data: bytes
    time: float
    connection: int

    @property
    def looks_encrypted(self) -> bool:
        """True when the chunk looks like TLS or other unreadable bytes."""
        return looks_encrypted(self.data)

    @property
    def tls(self) -> str | None:
        """A description of the TLS records the chunk starts with, if it does."""
        return describe_tls(self.data)

    def text(self, max_bytes: int = 2048) -> str:
        """The chunk as an eavesdropper would read it: text, or hex when unreadable."""
        data = self.data[:max_bytes]
        cut = f" ... (+{len(self.data) - max_bytes:,} bytes)" if len(self.data) > max_bytes else ""
        if self.looks_encrypted:
            label = self.tls or "unreadable bytes"
            return f"[{label}] {_hex(self.data, 48)}"
        return _escape_text(data).rstrip("\n") + cut


# --------------------------------------------------------------------------------------------
# The relay


class _Pipe:
    """One direction of one connection: bytes read from ``src``, to be written to ``dst``."""

    __slots__ = ("blocked", "direction", "dst", "eof_read", "offset", "pending", "queue", "shut")

    def __init__(self, direction: str, dst: socket.socket) -> None:
        self.direction = direction
        self.dst = dst
        self.queue: deque[tuple[float, bytes | None]] = deque()  # (due, data); None = EOF
        self.offset = 0  # bytes of the head already written
        self.pending = 0  # bytes queued, not yet written
        self.eof_read = False
        self.shut = False  # the EOF has been passed on (shutdown(SHUT_WR) on dst)
        self.blocked = False  # dst's send buffer is full: wait until it is writable


class _Connection:
    __slots__ = ("client", "connect_deadline", "connected", "number", "pipes", "server")

    def __init__(
        self, number: int, client: socket.socket, server: socket.socket, deadline: float
    ) -> None:
        self.number = number
        self.client = client
        self.server = server
        self.connected = False
        self.connect_deadline = deadline
        self.pipes = {CLIENT: _Pipe(CLIENT, server), SERVER: _Pipe(SERVER, client)}

    def source_of(self, sock: socket.socket) -> _Pipe:
        return self.pipes[CLIENT] if sock is self.client else self.pipes[SERVER]

    def into(self, sock: socket.socket) -> _Pipe:
        return self.pipes[SERVER] if sock is self.client else self.pipes[CLIENT]


class _Relay:
    """The tap's state and its selectors loop. The thread holds this, not the WireTap, so
    a WireTap that is no longer referenced (a notebook cell run again) is collected and
    its relay stopped."""

    def __init__(
        self,
        *,
        target_host: str,
        target_port: int,
        target: tuple[int, tuple],  # type: ignore[type-arg]
        delay: float,
        max_bytes: int,
        connect_timeout: float,
        listener: socket.socket,
    ) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self._target = target
        self.delay = delay
        self.max_bytes = max_bytes
        self.connect_timeout = connect_timeout
        self._listener = listener
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._lock = threading.Lock()
        self._chunks: list[Chunk] = []
        self._recorded = {CLIENT: 0, SERVER: 0}
        self._dropped = {CLIENT: 0, SERVER: 0}
        self._errors: list[str] = []
        self._connections = 0
        self._open: dict[int, _Connection] = {}
        self._selector: selectors.BaseSelector | None = None
        self._interest: dict[socket.socket, int] = {}
        self._stopping = False
        self._t0 = time.monotonic()
        self.thread = threading.Thread(
            target=self._run, name=f"smtplab-wiretap-{listener.getsockname()[1]}", daemon=True
        )

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the loop to end, and wait for it (it closes every socket on its way out)."""
        self._stopping = True
        self._wake()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout)
            if self.thread.is_alive():  # pragma: no cover - the loop wakes within milliseconds
                self._note("the wire tap's thread did not stop in time; it is a daemon thread.")

    # -- the loop (runs in the tap's thread) ---------------------------------------------

    def _note(self, message: str) -> None:
        with self._lock:
            if len(self._errors) < 100:
                self._errors.append(message)

    def _record(self, direction: str, connection: int, data: bytes, now: float) -> None:
        with self._lock:
            room = self.max_bytes - self._recorded[direction]
            kept = data if len(data) <= room else data[: max(room, 0)]
            self._dropped[direction] += len(data) - len(kept)
            if kept:
                self._recorded[direction] += len(kept)
                self._chunks.append(Chunk(direction, kept, now - self._t0, connection))

    def _wake(self) -> None:
        try:
            if self._wake_w is not None:
                self._wake_w.send(b"x")
        except OSError:
            pass

    def _run(self) -> None:
        selector = self._selector = selectors.DefaultSelector()
        try:
            assert self._listener is not None and self._wake_r is not None
            selector.register(self._listener, selectors.EVENT_READ, None)
            selector.register(self._wake_r, selectors.EVENT_READ, None)
            while not self._stopping:
                timeout = self._service(time.monotonic())
                self._update_interest()
                for key, mask in selector.select(timeout):
                    self._handle(key.fileobj, key.data, mask)  # type: ignore[arg-type]
        except Exception as exc:  # never let a thread print a traceback into a notebook
            self._note(f"the wire tap stopped on an unexpected error: {exc!r}")
        finally:
            for conn in list(self._open.values()):
                self._close(conn)
            selector.close()
            for sock in (self._listener, self._wake_r, self._wake_w):
                if sock is not None:
                    sock.close()

    def _service(self, now: float) -> float | None:
        """Write what is due, close what is finished; seconds until the next due event."""
        next_due: float | None = None
        for conn in list(self._open.values()):
            if not conn.connected:
                if now >= conn.connect_deadline:
                    self._note(
                        f"connection {conn.number}: the target {self.target_host}:"
                        f"{self.target_port} did not accept within {self.connect_timeout:g} s; "
                        "is the server running?"
                    )
                    self._close(conn)
                    continue
                due = conn.connect_deadline
            else:
                due = None
                for pipe in conn.pipes.values():
                    pipe_due = self._flush(conn, pipe, now)
                    if conn.number not in self._open:
                        break
                    if pipe_due is not None and (due is None or pipe_due < due):
                        due = pipe_due
                if conn.number not in self._open:
                    continue
                if all(p.shut for p in conn.pipes.values()):
                    self._close(conn)
                    continue
            if due is not None and (next_due is None or due < next_due):
                next_due = due
        return None if next_due is None else max(0.0, next_due - now)

    def _flush(self, conn: _Connection, pipe: _Pipe, now: float) -> float | None:
        """Write *pipe*'s due data; return when its next chunk is due (None: nothing)."""
        if pipe.blocked:
            return None
        while pipe.queue:
            due, data = pipe.queue[0]
            if due > now:
                return due
            if data is None:
                pipe.queue.popleft()
                with contextlib.suppress(OSError):
                    pipe.dst.shutdown(socket.SHUT_WR)
                pipe.shut = True
                continue
            try:
                sent = pipe.dst.send(memoryview(data)[pipe.offset :])
            except (BlockingIOError, InterruptedError):
                pipe.blocked = True
                return None
            except OSError as exc:
                self._broken(conn, pipe.direction, "write", exc)
                return None
            pipe.offset += sent
            if pipe.offset < len(data):
                pipe.blocked = True
                return None
            pipe.queue.popleft()
            pipe.offset = 0
            pipe.pending -= len(data)
        return None

    def _update_interest(self) -> None:
        """Tell the selector what each socket waits for now (reading, writing, or nothing)."""
        assert self._selector is not None
        for conn in self._open.values():
            for sock in (conn.client, conn.server):
                mask = 0
                source = conn.source_of(sock)
                readable = conn.connected or sock is conn.client
                if readable and not source.eof_read and source.pending < _HIGH_WATER:
                    mask |= selectors.EVENT_READ
                if (sock is conn.server and not conn.connected) or conn.into(sock).blocked:
                    mask |= selectors.EVENT_WRITE
                old = self._interest.get(sock, 0)
                if mask == old:
                    continue
                if not mask:
                    self._selector.unregister(sock)
                    del self._interest[sock]
                elif not old:
                    self._selector.register(sock, mask, conn)
                    self._interest[sock] = mask
                else:
                    self._selector.modify(sock, mask, conn)
                    self._interest[sock] = mask

    def _handle(self, sock: socket.socket, conn: _Connection | None, mask: int) -> None:
        if sock is self._wake_r:
            try:
                while sock.recv(4096):
                    pass
            except OSError:
                pass
            return
        if sock is self._listener:
            self._accept()
            return
        if conn is None or conn.number not in self._open:
            return
        now = time.monotonic()
        if mask & selectors.EVENT_WRITE:
            if sock is conn.server and not conn.connected:
                self._finish_connect(conn)
                if conn.number not in self._open:
                    return
            else:
                pipe = conn.into(sock)
                pipe.blocked = False
                self._flush(conn, pipe, now)
        if mask & selectors.EVENT_READ and conn.number in self._open:
            self._read(conn, sock, now)

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                client, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self._note(f"accepting a connection failed: {exc}")
                return
            family, address = self._target
            server = socket.socket(family, socket.SOCK_STREAM)
            for sock in (client, server):
                sock.setblocking(False)
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._connections += 1
                number = self._connections
            conn = _Connection(number, client, server, time.monotonic() + self.connect_timeout)
            with self._lock:
                self._open[number] = conn
            code = server.connect_ex(address)
            if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
                self._refused(conn, OSError(code, errno.errorcode.get(code, str(code))))
            elif code == 0:
                conn.connected = True

    def _finish_connect(self, conn: _Connection) -> None:
        code = conn.server.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            self._refused(conn, OSError(code, errno.errorcode.get(code, str(code))))
            return
        conn.connected = True
        self._flush(conn, conn.pipes[CLIENT], time.monotonic())

    def _refused(self, conn: _Connection, exc: OSError) -> None:
        self._note(
            f"connection {conn.number}: cannot reach the target {self.target_host}:"
            f"{self.target_port} ({exc.strerror or exc}); is the server running on that port?"
        )
        self._close(conn)

    def _read(self, conn: _Connection, sock: socket.socket, now: float) -> None:
        pipe = conn.source_of(sock)
        try:
            data = sock.recv(_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._broken(conn, pipe.direction, "read", exc)
            return
        due = now + self.delay
        if data:
            self._record(pipe.direction, conn.number, data, now)
            pipe.queue.append((due, data))
            pipe.pending += len(data)
        else:
            pipe.eof_read = True
            pipe.queue.append((due, None))
        if conn.connected and self.delay == 0:
            self._flush(conn, pipe, now)

    def _broken(self, conn: _Connection, direction: str, action: str, exc: OSError) -> None:
        side = "client" if (direction == CLIENT) == (action == "read") else "server"
        if not isinstance(exc, (ConnectionResetError, BrokenPipeError)):
            self._note(f"connection {conn.number}: the {side} side failed: {exc}")
        self._close(conn)

    def _close(self, conn: _Connection) -> None:
        with self._lock:
            self._open.pop(conn.number, None)
        for sock in (conn.client, conn.server):
            if self._interest.pop(sock, 0) and self._selector is not None:
                with contextlib.suppress(KeyError, ValueError):
                    self._selector.unregister(sock)
            with contextlib.suppress(OSError):
                sock.close()


class WireTap:
    """A recording relay on ``listen_host`` (a free port) to ``target_host:target_port``.

    ``start()`` opens the port (``.host``, ``.port``: point the client there) and returns
    the tap; ``stop()`` closes every socket and ends the thread; ``with WireTap(...) as
    tap:`` does both.

    What was recorded:

    * ``timeline`` — every :class:`Chunk` of every connection, in the order the tap
      received them;
    * ``bytes_from_client`` / ``bytes_from_server`` — all the bytes of *all* connections
      since the start or the last ``clear()``, joined (``bytes_from(direction,
      connection=n)`` for one connection);
    * ``connections`` — how many connections the tap has relayed; ``errors`` — what went
      wrong, in sentences (the tap never prints).

    ``str(tap)``, ``tap.show()`` and Jupyter's rich display render the timeline.
    """

    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        delay: float = 0.0,
        listen_host: str = "127.0.0.1",
        max_bytes: int = 16 * 1024 * 1024,
        connect_timeout: float = 10.0,
    ) -> None:
        if delay < 0:
            raise ValueError(f"delay={delay!r}: a latency cannot be negative; use 0 for none.")
        if max_bytes < 0:
            raise ValueError(f"max_bytes={max_bytes!r}: it must be 0 or more (bytes kept).")
        self.target_host = target_host
        self.target_port = int(target_port)
        self.delay = float(delay)
        self.listen_host = listen_host
        self.max_bytes = max_bytes
        self.connect_timeout = connect_timeout
        self._relay: _Relay | None = None
        self._address: tuple[str, int] | None = None
        self._stopped = False
        self._finalizer: weakref.finalize | None = None

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> WireTap:
        """Open the listening port and start relaying; returns the tap itself.

        Starting a running tap does nothing; a stopped tap cannot be started again.
        """
        if self._relay is not None and not self._stopped:
            return self
        if self._stopped:
            raise RuntimeError("this WireTap was stopped; create a new WireTap to tap again.")
        try:
            infos = socket.getaddrinfo(self.target_host, self.target_port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise ConnectError(
                f"the wire tap cannot resolve its target {self.target_host!r}: {exc}. "
                "Check the host name (the lab's is lab.host)."
            ) from exc
        family, _, _, _, sockaddr = infos[0]
        listener = socket.create_server((self.listen_host, 0))
        listener.setblocking(False)
        self._address = listener.getsockname()[:2]
        relay = _Relay(
            target_host=self.target_host,
            target_port=self.target_port,
            target=(family, sockaddr),
            delay=self.delay,
            max_bytes=self.max_bytes,
            connect_timeout=self.connect_timeout,
            listener=listener,
        )
        self._relay = relay
        # A tap nobody refers to any more (a notebook cell run again) is stopped when
        # collected: the thread holds the relay, never the WireTap.
        self._finalizer = weakref.finalize(self, relay.stop)
        relay.thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Close every socket and end the tap's thread. Safe to call more than once."""
        self._stopped = True
        if self._finalizer is not None:
            self._finalizer.detach()
        if self._relay is not None:
            self._relay.stop(timeout)

    def __enter__(self) -> WireTap:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._relay is not None and self._relay.thread.is_alive()

    @property
    def host(self) -> str:
        """The address clients connect to (``listen_host``)."""
        return self._started_address()[0]

    @property
    def port(self) -> int:
        """The port clients connect to (picked free by the system)."""
        return self._started_address()[1]

    def _started_address(self) -> tuple[str, int]:
        if self._address is None:
            raise RuntimeError("the wire tap is not started: call tap.start() or use `with`.")
        return self._address

    # -- what was recorded -------------------------------------------------------------------

    @property
    def timeline(self) -> list[Chunk]:
        """Every recorded chunk, in the order received (a copy)."""
        relay = self._relay
        if relay is None:
            return []
        with relay._lock:
            return list(relay._chunks)

    def bytes_from(self, direction: str, connection: int | None = None) -> bytes:
        """All recorded bytes sent by ``"C"`` (client) or ``"S"`` (server), joined.

        With ``connection=n``, only that connection's bytes.
        """
        if direction not in (CLIENT, SERVER):
            raise ValueError(f"direction {direction!r}: use 'C' (client) or 'S' (server).")
        return b"".join(
            c.data
            for c in self.timeline
            if c.direction == direction and (connection is None or c.connection == connection)
        )

    @property
    def bytes_from_client(self) -> bytes:
        """Everything the clients sent, all connections joined."""
        return self.bytes_from(CLIENT)

    @property
    def bytes_from_server(self) -> bytes:
        """Everything the server sent, all connections joined."""
        return self.bytes_from(SERVER)

    def _counts(self) -> tuple[dict[str, int], dict[str, int], int, int, int]:
        """(recorded, dropped, chunks, connections, open connections), read together."""
        relay = self._relay
        if relay is None:
            return {CLIENT: 0, SERVER: 0}, {CLIENT: 0, SERVER: 0}, 0, 0, 0
        with relay._lock:
            return (
                dict(relay._recorded),
                dict(relay._dropped),
                len(relay._chunks),
                relay._connections,
                len(relay._open),
            )

    @property
    def dropped_from_client(self) -> int:
        """Bytes from clients relayed but not recorded (over ``max_bytes``)."""
        return self._counts()[1][CLIENT]

    @property
    def dropped_from_server(self) -> int:
        """Bytes from the server relayed but not recorded (over ``max_bytes``)."""
        return self._counts()[1][SERVER]

    @property
    def connections(self) -> int:
        """How many connections the tap has accepted since it started."""
        return self._counts()[3]

    @property
    def open_connections(self) -> int:
        """How many relayed connections are open now."""
        return self._counts()[4]

    @property
    def errors(self) -> list[str]:
        """What went wrong (a target that refused, a reset...), one sentence each."""
        relay = self._relay
        if relay is None:
            return []
        with relay._lock:
            return list(relay._errors)

    def clear(self) -> None:
        """Forget the recorded chunks, the dropped counts and the errors.

        Connections keep their numbers (the next one is not numbered 1 again).
        """
        relay = self._relay
        if relay is None:
            return
        with relay._lock:
            relay._chunks.clear()
            relay._recorded = {CLIENT: 0, SERVER: 0}
            relay._dropped = {CLIENT: 0, SERVER: 0}
            relay._errors.clear()

    def wait_closed(self, timeout: float = 5.0) -> bool:
        """Wait until no relayed connection is open; True if so within *timeout* seconds."""
        deadline = time.monotonic() + timeout
        while self.open_connections and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.open_connections == 0

    # -- rendering ---------------------------------------------------------------------------

    def _summary(self) -> str:
        target = f"{self.target_host}:{self.target_port}"
        where = f"{self._address[0]}:{self._address[1]} -> {target}" if self._address else target
        state = "running" if self.running else ("stopped" if self._stopped else "not started")
        recorded, dropped, count, conns, _ = self._counts()
        text = (
            f"WireTap {where} ({state}): {conns} connection(s), {count} chunk(s), "
            f"client sent {recorded[CLIENT]:,} bytes, server sent {recorded[SERVER]:,} bytes"
        )
        if self.delay:
            text += f", delay {self.delay * 1000:g} ms each way"
        if dropped[CLIENT] or dropped[SERVER]:
            text += (
                f" (not recorded over max_bytes: {dropped[CLIENT]:,} from the client, "
                f"{dropped[SERVER]:,} from the server)"
            )
        return text

    def render(self, limit: int | None = 50) -> str:
        """The timeline as text: one block per chunk, ``C:`` client, ``S:`` server.

        Readable bytes are shown as text with ``\\r\\n`` visible; unreadable ones (TLS) as
        hex with the TLS record named. ``limit`` caps the number of chunks (None: all).
        """
        chunks = self.timeline
        lines = [self._summary()]
        shown = chunks if limit is None else chunks[:limit]
        for chunk in shown:
            head = f"{chunk.time:8.3f}s #{chunk.connection} {chunk.direction}: "
            body = chunk.text().split("\n")
            lines.append(head + body[0])
            lines.extend(" " * len(head) + line for line in body[1:])
        if len(shown) < len(chunks):
            lines.append(f"... {len(chunks) - len(shown)} more chunk(s): show(limit=None)")
        for error in self.errors:
            lines.append(f"! {error}")
        return "\n".join(lines)

    def show(self, limit: int | None = 50) -> None:
        """Print :meth:`render` (call it from a notebook cell, not from a thread)."""
        print(self.render(limit))

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"<{self._summary()}>"

    def _repr_html_(self, limit: int | None = 200) -> str:
        esc = _html.escape
        chunks = self.timeline
        shown = chunks if limit is None else chunks[:limit]
        cell = "padding:2px 8px;text-align:left;vertical-align:top;border:0"
        pre = "margin:0;white-space:pre-wrap;word-break:break-all;background:none;color:inherit"
        tint = {CLIENT: "rgba(80,140,255,0.16)", SERVER: "rgba(80,200,120,0.16)"}
        rows = []
        for chunk in shown:
            arrow = "C → S" if chunk.direction == CLIENT else "S → C"
            badge = ""
            if chunk.looks_encrypted:
                badge = (
                    "<span style='background:rgba(255,170,0,0.3);padding:0 4px;"
                    "border-radius:3px'>unreadable</span> "
                )
            rows.append(
                f"<tr style='background:{tint[chunk.direction]}'>"
                f"<td style='{cell}'>{chunk.time:.3f}s</td>"
                f"<td style='{cell}'>#{chunk.connection}</td>"
                f"<td style='{cell};white-space:nowrap'>{arrow}</td>"
                f"<td style='{cell}'>{len(chunk.data):,}</td>"
                f"<td style='{cell}'>{badge}<pre style='{pre}'>{esc(chunk.text())}</pre></td>"
                "</tr>"
            )
        more = ""
        if len(shown) < len(chunks):
            more = f"<div>... {len(chunks) - len(shown)} more chunk(s)</div>"
        errors = "".join(f"<div>! {esc(e)}</div>" for e in self.errors)
        return (
            f"<div style='color:inherit'><div><b>{esc(self._summary())}</b></div>"
            "<table style='border-collapse:collapse'>"
            f"<tr><th style='{cell}'>time</th><th style='{cell}'>conn</th>"
            f"<th style='{cell}'>way</th><th style='{cell}'>bytes</th>"
            f"<th style='{cell}'>what an eavesdropper sees</th></tr>"
            + "".join(rows)
            + f"</table>{more}{errors}</div>"
        )
