"""A wire tap: a relay between a client and a server that records every byte both ways.

Point a client at the tap instead of the server, and the tap shows what an eavesdropper on
the network sees: SMTP in plain text, a password in base64 (which is not encryption), and,
after ``STARTTLS``, TLS records nobody can read (handshake records start ``16 03``,
application data ``17 03 03``; their lengths stay visible)::

    with WireTap(lab.host, lab.port) as tap:
        with smtplib.SMTP(tap.host, tap.port) as smtp:
            smtp.starttls(context=lab.ssl_context())
            ...
    tap.show()

``delay`` adds a one-way latency to each direction, like a long link: each chunk is
forwarded ``delay`` seconds after it arrived, and chunks in flight do not wait for each
other (a round trip gains ``2 * delay``; throughput is unchanged): that makes pipelining
(RFC 2920) measurable on a loopback interface.

Each direction of a relayed connection has two threads: one reads and records, one writes
each chunk when it is due. A half-close is passed on (after the data before it), an error
on either side closes both, and at most ``max_bytes`` per direction is recorded, in at
most ``MAX_CHUNKS`` chunks (the rest is counted). At most ``max_connections`` are relayed
at once, and in shared-host mode only this user's (see :class:`WireTap`). The tap never
prints: output from a thread lands in the wrong notebook cell. This module is the client
wing: it uses sockets and threads, and imports only the core and :mod:`smtplab.owners`.
"""

from __future__ import annotations

import contextlib
import html
import os
import queue
import socket
import threading
import time
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from .eavesdrop import Chunk as Chunk  # the tap's records and what they show (eavesdrop.py)
from .eavesdrop import describe_tls as describe_tls
from .eavesdrop import looks_encrypted as looks_encrypted
from .eavesdrop import printable_ratio as printable_ratio
from .errors import ConnectError
from .i18n import _
from .owners import connection_owner, shared_host_wanted

__all__ = ["WireTap", "describe_tls"]

_T = TypeVar("_T")
CLIENT = "C"  # bytes the client sent (client -> server)
SERVER = "S"  # bytes the server sent (server -> client)
_RECV_SIZE = 256 * 1024
_QUEUED_CHUNKS = 32  # chunks (8 MB at most) waiting in one pipe before the tap stops reading
_ACCEPT_POLL = 0.25  # seconds: how often the accepting thread checks that it should stop
MAX_CHUNKS = 100_000  # chunks recorded in all: ~140 B each besides its bytes (1-byte trickles)

# ------------------------------------------------------------------------------ the relay


class _Connection:
    """One relayed connection: its sockets, and its four threads (two per direction).
    The last thread to end closes the sockets, so no thread ever uses a closed one."""

    def __init__(self, number: int, client: socket.socket) -> None:
        self.number = number
        self.sockets = [client]
        self.closing = threading.Event()  # set on an error, or when the tap stops
        self.running = 4
        self.lock = threading.Lock()

    def abort(self) -> None:
        """Wake every thread of the connection: each then ends on its own."""
        self.closing.set()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def thread_ended(self, count: int = 1) -> bool:
        """Count ``count`` threads as ended; True (and the sockets closed) for the last."""
        with self.lock:
            self.running -= count
            if self.running:
                return False
        for sock in self.sockets:
            sock.close()
        return True


class _Relay:
    """The tap's state and its threads. The threads hold this, not the WireTap, so a
    WireTap that is no longer referenced (a notebook cell run again) is collected and
    its relay stopped."""

    def __init__(self, tap: WireTap, target: tuple[int, Any], listener: socket.socket) -> None:
        self.name = f"{tap.target_host}:{tap.target_port}"
        self.target, self.listener = target, listener
        self.delay, self.max_bytes = tap.delay, tap.max_bytes
        self.connect_timeout = tap.connect_timeout
        self.max_connections, self.shared_host = tap.max_connections, tap.shared_host
        self.refused_over_limit = self.refused_other_users = 0  # written by _accept only
        self.lock = threading.Lock()
        self.chunks: list[Chunk] = []
        self.recorded = {CLIENT: 0, SERVER: 0}
        self.dropped = {CLIENT: 0, SERVER: 0}
        self.errors: list[str] = []
        self.connections = 0
        self.open: dict[int, _Connection] = {}
        self.threads: list[threading.Thread] = []
        self.stopping = threading.Event()
        self.started = time.monotonic()
        port = listener.getsockname()[1]
        self.thread = threading.Thread(
            target=self._accept, name=f"smtplab-wiretap-{port}", daemon=True
        )

    def stop(self, timeout: float = 5.0) -> None:
        """End every thread (each closes what it owns on its way out), and wait for them."""
        self.stopping.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes accept() at once (Linux)
        deadline = time.monotonic() + timeout
        if self.thread is not threading.current_thread() and self.thread.is_alive():
            self.thread.join(timeout)  # no connection starts after this
        with self.lock:
            connections = list(self.open.values())
        for conn in connections:
            conn.abort()
        while time.monotonic() < deadline:  # a connection may start its last threads meanwhile
            with self.lock:
                alive = [t for t in self.threads if t.is_alive()]
            if threading.current_thread() in alive:
                alive.remove(threading.current_thread())
            if not alive:
                return
            alive[0].join(deadline - time.monotonic())
        if any(t.is_alive() for t in self.threads):  # pragma: no cover
            self.note(_("the wire tap's threads did not stop in time; they are daemon threads."))

    def note(self, message: str) -> None:
        with self.lock:
            if len(self.errors) < 100:
                self.errors.append(message)

    def _start(self, name: str, work: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=work, args=args, name=name, daemon=True)
        with self.lock:
            self.threads = [*(t for t in self.threads if t.is_alive()), thread]
        thread.start()

    def _accept(self) -> None:
        self.listener.settimeout(_ACCEPT_POLL)
        try:
            while not self.stopping.is_set():
                try:
                    client, _peer = self.listener.accept()
                except TimeoutError:
                    continue
                except OSError as exc:
                    if not self.stopping.is_set():
                        self.note(_("accepting a connection failed: {error}").format(error=exc))
                    return
                if self._turned_away(client):
                    client.close()  # unread: all it leaves is a count
                    continue
                client.settimeout(None)
                with self.lock:
                    self.connections += 1
                    conn = self.open[self.connections] = _Connection(self.connections, client)
                self._start(f"{self.thread.name}-{conn.number}", self._connect, conn)
        finally:
            self.listener.close()

    def _turned_away(self, client: socket.socket) -> bool:
        """Count and say True for a connection not to relay: one over ``max_connections``
        open at once, or, in shared-host mode, one another user of this machine opened
        (the same question as the lab's door: :mod:`smtplab.owners`)."""
        with self.lock:
            full = len(self.open) >= self.max_connections
        if full:
            self.refused_over_limit += 1
            return True
        if self.shared_host:
            try:
                owner = connection_owner(client.getpeername(), client.getsockname())
            except OSError:
                return True  # gone already: nobody to serve
            if owner != os.geteuid():  # None too: a user it cannot see
                self.refused_other_users += 1
                return True
        return False

    def _connect(self, conn: _Connection) -> None:
        """Reach the target, then relay: this thread reads the client's side."""
        family, address = self.target
        server = socket.socket(family, socket.SOCK_STREAM)
        conn.sockets.append(server)
        server.settimeout(self.connect_timeout)
        try:
            server.connect(address)
        except OSError as exc:
            why = (
                _(
                    "the target {target} did not accept within {seconds} s; is the server running?"
                ).format(target=self.name, seconds=f"{self.connect_timeout:g}")
                if isinstance(exc, TimeoutError)
                else _(
                    "cannot reach the target {target} ({error}); "
                    "is the server running on that port?"
                ).format(target=self.name, error=exc.strerror or exc)
            )
            if not conn.closing.is_set():
                self.note(f"connection {conn.number}: {why}")
            self._end(conn, 4)
            return
        server.settimeout(None)
        if conn.closing.is_set():  # the tap stopped while connecting
            conn.abort()
        client = conn.sockets[0]
        for sock in (client, server):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pipes = {CLIENT: queue.Queue(_QUEUED_CHUNKS), SERVER: queue.Queue(_QUEUED_CHUNKS)}
        name = f"{self.thread.name}-{conn.number}"
        self._start(f"{name}-S", self._read, conn, SERVER, server, pipes[SERVER])
        self._start(f"{name}-S>C", self._write, conn, SERVER, client, pipes[SERVER])
        self._start(f"{name}-C>S", self._write, conn, CLIENT, server, pipes[CLIENT])
        self._read(conn, CLIENT, client, pipes[CLIENT])

    def _read(
        self, conn: _Connection, direction: str, source: socket.socket, pipe: queue.Queue[Any]
    ) -> None:
        """Read, record and queue each chunk with the time it is due; the end (None) too."""
        try:
            while data := source.recv(_RECV_SIZE):
                now = time.monotonic()
                self._record(direction, conn.number, data, now)
                pipe.put((now + self.delay, data))
        except OSError as exc:
            self._broken(conn, "client" if direction == CLIENT else "server", exc)
        pipe.put((time.monotonic() + self.delay, None))
        self._end(conn)

    def _write(
        self, conn: _Connection, direction: str, sink: socket.socket, pipe: queue.Queue[Any]
    ) -> None:
        """Write each chunk when it is due, then pass the end on (a half-close). After an
        error the rest is only drained, so the reader never waits on a full queue."""
        failed = False
        while True:
            due, data = pipe.get()
            if not failed and conn.closing.wait(max(0.0, due - time.monotonic())):
                failed = True  # the connection is closing: forward nothing more
            if data is None:
                break
            if failed:
                continue
            try:
                sink.sendall(data)
            except OSError as exc:
                failed = True
                self._broken(conn, "server" if direction == CLIENT else "client", exc)
        if not failed:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
        self._end(conn)

    def _record(self, direction: str, connection: int, data: bytes, now: float) -> None:
        with self.lock:
            room = self.max_bytes - self.recorded[direction]
            kept = data[: max(room, 0)] if len(self.chunks) < MAX_CHUNKS else b""
            self.dropped[direction] += len(data) - len(kept)
            if kept:
                self.recorded[direction] += len(kept)
                self.chunks.append(Chunk(direction, kept, now - self.started, connection))

    def _broken(self, conn: _Connection, side: str, exc: OSError) -> None:
        if not conn.closing.is_set() and not isinstance(
            exc, (ConnectionResetError, BrokenPipeError)
        ):
            self.note(
                _("connection {number}: the {side} side failed: {error}").format(
                    number=conn.number, side=side, error=exc
                )
            )
        conn.abort()

    def _end(self, conn: _Connection, threads: int = 1) -> None:
        if conn.thread_ended(threads):
            with self.lock:
                self.open.pop(conn.number, None)


class WireTap:
    """A recording relay on ``listen_host`` (a free port) to ``target_host:target_port``.

    ``start()`` opens the port (``.host``, ``.port``: point the client there) and returns
    the tap; ``stop()`` closes every socket and ends the threads; ``with WireTap(...) as
    tap:`` does both.

    What was recorded:

    * ``timeline`` — every :class:`Chunk` of every connection, in the order the tap
      received them;
    * ``bytes_from_client`` / ``bytes_from_server`` — all the bytes of *all* connections
      since the start or the last ``clear()``, joined (``bytes_from(direction,
      connection=n)`` for one connection);
    * ``connections`` — how many connections the tap has relayed; ``errors`` — what went
      wrong, in sentences (the tap never prints).

    It relays at most ``max_connections`` connections at once; one more is closed unread
    (``refused_over_limit``). ``shared_host`` is the lab's shared-host mode
    (``LabServer(shared_host=...)``: by default on under JupyterHub): only connections
    this user opened are relayed, any other is closed unread (``refused_other_users``),
    so a classmate cannot reach your lab through your tap.

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
        max_connections: int = 8,
        shared_host: bool | None = None,
    ) -> None:
        if not 0 <= delay < float("inf"):  # NaN too: the writer thread would die
            text = _(
                "delay={delay}: a latency is a finite number of seconds, 0 or more; use 0 for none."
            )
            raise ValueError(text.format(delay=repr(delay)))
        if max_bytes < 0:
            text = _("max_bytes={max_bytes}: it must be 0 or more (bytes kept).")
            raise ValueError(text.format(max_bytes=repr(max_bytes)))
        if not 0 < connect_timeout < float("inf"):  # NaN too: the relay's threads would die
            text = _("timeout must be a positive number of seconds, not {timeout}.")
            raise ValueError(text.format(timeout=repr(connect_timeout)))
        if max_connections < 1:
            text = _("max_connections={count}: the tap relays at least one connection at once.")
            raise ValueError(text.format(count=repr(max_connections)))
        self.target_host = target_host
        self.target_port = int(target_port)
        self.delay = float(delay)
        self.listen_host = listen_host
        self.max_bytes = max_bytes
        self.connect_timeout = connect_timeout
        self.max_connections = max_connections
        self.shared_host = shared_host_wanted(shared_host)  # as LabServer(shared_host=...)
        self._relay: _Relay | None = None
        self._address: tuple[str, int] | None = None
        self._stopped = False
        self._finalizer: weakref.finalize | None = None

    def start(self) -> WireTap:
        """Open the listening port and start relaying; returns the tap itself.

        Starting a running tap does nothing; a stopped tap cannot be started again.
        """
        if self._stopped:
            raise RuntimeError(_("this WireTap was stopped; create a new WireTap to tap again."))
        if self._relay is not None:
            return self
        try:
            infos = socket.getaddrinfo(self.target_host, self.target_port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise ConnectError(
                _(
                    "the wire tap cannot resolve its target {host}: {error}. "
                    "Check the host name (the lab's is lab.host)."
                ).format(host=repr(self.target_host), error=exc)
            ) from exc
        family, address = infos[0][0], infos[0][4]
        listener = socket.create_server((self.listen_host, 0))
        self._address = listener.getsockname()[:2]
        self._relay = _Relay(self, (family, address), listener)
        # A tap nobody refers to any more (a notebook cell run again) is stopped when
        # collected: the threads hold the relay, never the WireTap.
        self._finalizer = weakref.finalize(self, self._relay.stop)
        self._relay.thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Close every socket and end the tap's threads. Safe to call more than once."""
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
            raise RuntimeError(_("the wire tap is not started: call tap.start() or use `with`."))
        return self._address

    # -- what was recorded -------------------------------------------------------------

    def _records(self, what: Callable[[_Relay], _T], default: _T) -> _T:
        """Something read from the relay's records, under its lock."""
        if self._relay is None:
            return default
        with self._relay.lock:
            return what(self._relay)

    @property
    def timeline(self) -> list[Chunk]:
        """Every recorded chunk, in the order received (a copy)."""
        return self._records(lambda relay: list(relay.chunks), [])

    def bytes_from(self, direction: str, connection: int | None = None) -> bytes:
        """All recorded bytes sent by ``"C"`` (client) or ``"S"`` (server), joined.

        With ``connection=n``, only that connection's bytes.
        """
        if direction not in (CLIENT, SERVER):
            raise ValueError(
                _("direction {direction}: use 'C' (client) or 'S' (server).").format(
                    direction=repr(direction)
                )
            )
        return b"".join(
            c.data
            for c in self.timeline
            if c.direction == direction and connection in (None, c.connection)
        )

    @property
    def bytes_from_client(self) -> bytes:
        """Everything the clients sent, all connections joined."""
        return self.bytes_from(CLIENT)

    @property
    def bytes_from_server(self) -> bytes:
        """Everything the server sent, all connections joined."""
        return self.bytes_from(SERVER)

    @property
    def dropped_from_client(self) -> int:
        """Bytes from clients relayed but not recorded (over ``max_bytes``)."""
        return self._records(lambda relay: relay.dropped[CLIENT], 0)

    @property
    def dropped_from_server(self) -> int:
        """Bytes from the server relayed but not recorded (over ``max_bytes``)."""
        return self._records(lambda relay: relay.dropped[SERVER], 0)

    @property
    def connections(self) -> int:
        """How many connections the tap has relayed since it started."""
        return self._records(lambda relay: relay.connections, 0)

    @property
    def open_connections(self) -> int:
        """How many relayed connections are open now."""
        return self._records(lambda relay: len(relay.open), 0)

    @property
    def refused_over_limit(self) -> int:
        """How many connections came while ``max_connections`` were open (closed unread)."""
        return self._records(lambda relay: relay.refused_over_limit, 0)

    @property
    def refused_other_users(self) -> int:
        """How many connections the shared-host mode closed unread: opened by another
        user of this machine (or by one it could not see), as the lab's door does."""
        return self._records(lambda relay: relay.refused_other_users, 0)

    @property
    def errors(self) -> list[str]:
        """What went wrong (a target that refused, a reset...), one sentence each."""
        return self._records(lambda relay: list(relay.errors), [])

    def clear(self) -> None:
        """Forget the recorded chunks, the dropped counts and the errors.

        Connections keep their numbers (the next one is not numbered 1 again).
        """

        def forget(relay: _Relay) -> None:
            relay.chunks.clear()
            relay.errors.clear()
            relay.recorded = {CLIENT: 0, SERVER: 0}
            relay.dropped = {CLIENT: 0, SERVER: 0}

        self._records(forget, None)

    def wait_closed(self, timeout: float = 5.0) -> bool:
        """Wait until no relayed connection is open; True if so within *timeout* seconds."""
        deadline = time.monotonic() + timeout
        while self.open_connections and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.open_connections == 0

    # -- rendering ---------------------------------------------------------------------

    def _summary(self) -> str:
        target = f"{self.target_host}:{self.target_port}"
        where = f"{self._address[0]}:{self._address[1]} -> {target}" if self._address else target
        state = (
            _("running") if self.running else (_("stopped") if self._stopped else _("not started"))
        )
        recorded, dropped, count, conns = self._records(
            lambda r: (dict(r.recorded), dict(r.dropped), len(r.chunks), r.connections),
            ({CLIENT: 0, SERVER: 0}, {CLIENT: 0, SERVER: 0}, 0, 0),
        )
        sent = {"client": f"{recorded[CLIENT]:,}", "server": f"{recorded[SERVER]:,}"}
        text = _(
            "WireTap {where} ({state}): {conns} connection(s), {count} chunk(s), "
            "client sent {client} bytes, server sent {server} bytes"
        ).format(where=where, state=state, conns=conns, count=count, **sent)
        if self.delay:
            text += _(", delay {ms} ms each way").format(ms=f"{self.delay * 1000:g}")
        if dropped[CLIENT] or dropped[SERVER]:
            text += _(
                " (not recorded over max_bytes: {client} from the client, {server} from the server)"
            ).format(client=f"{dropped[CLIENT]:,}", server=f"{dropped[SERVER]:,}")
        others, over = self.refused_other_users, self.refused_over_limit
        if others or over:
            text += _(
                " (closed unread: {others} from other users, {over} over max_connections)"
            ).format(others=others, over=over)
        return text

    def render(self, limit: int | None = 50) -> str:
        """The timeline as text: one block per chunk, ``C:`` client, ``S:`` server.

        Readable bytes are shown as text with ``\\r\\n`` visible; unreadable ones (TLS) as
        hex with the TLS record named. ``limit`` caps the number of chunks (None: all).
        """
        chunks = self.timeline
        shown = chunks[:limit]
        lines = [self._summary()]
        for chunk in shown:
            head = f"{chunk.time:8.3f}s #{chunk.connection} {chunk.direction}: "
            first, *rest = chunk.text().split("\n")
            lines += [head + first, *(" " * len(head) + line for line in rest)]
        if len(shown) < len(chunks):
            lines.append(
                _("... {count} more chunk(s): show(limit=None)").format(
                    count=len(chunks) - len(shown)
                )
            )
        return "\n".join(lines + [f"! {error}" for error in self.errors])

    def show(self, limit: int | None = 50) -> None:
        """Print :meth:`render` (call it from a notebook cell, not from a thread)."""
        print(self.render(limit))

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"<{self._summary()}>"

    def _repr_html_(self, limit: int | None = 200) -> str:
        esc = html.escape
        chunks = self.timeline
        shown = chunks[:limit]
        cell = "padding:2px 8px;text-align:left;vertical-align:top;border:0"  # i18n: keep CSS
        pre = "margin:0;white-space:pre-wrap;word-break:break-all;background:none;color:inherit"
        tint = {CLIENT: "rgba(80,140,255,0.16)", SERVER: "rgba(80,200,120,0.16)"}
        badge = (
            "<span style='background:rgba(255,170,0,0.3);padding:0 4px;"
            "border-radius:3px'>{}</span> "  # i18n: keep HTML
        ).format(_("unreadable"))
        heads = (_("time"), _("conn"), _("way"), _("bytes"), _("what an eavesdropper sees"))
        th = "<th style='{}'>{}</th>"  # i18n: keep HTML
        rows = ["<tr>" + "".join(th.format(cell, head) for head in heads) + "</tr>"]
        for chunk in shown:
            arrow = "C → S" if chunk.direction == CLIENT else "S → C"
            rows.append(
                f"<tr style='background:{tint[chunk.direction]}'>"  # i18n: keep HTML
                f"<td style='{cell}'>{chunk.time:.3f}s</td>"
                f"<td style='{cell}'>#{chunk.connection}</td>"
                f"<td style='{cell};white-space:nowrap'>{arrow}</td>"
                f"<td style='{cell}'>{len(chunk.data):,}</td>"
                f"<td style='{cell}'>{badge if chunk.looks_encrypted else ''}"
                f"<pre style='{pre}'>{esc(chunk.text())}</pre></td></tr>"
            )
        more = (
            "<div>"
            + _("... {count} more chunk(s)").format(count=len(chunks) - len(shown))
            + "</div>"
            if len(shown) < len(chunks)
            else ""
        )
        errors = "".join(f"<div>! {esc(e)}</div>" for e in self.errors)
        return (
            f"<div style='color:inherit'><div><b>{esc(self._summary())}</b></div>"  # i18n: keep
            f"<table style='border-collapse:collapse'>{''.join(rows)}</table>{more}{errors}</div>"
        )
