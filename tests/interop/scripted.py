"""A scripted SMTP server on 127.0.0.1 for tests: it plays whatever a test tells it to.

The lab server (aiosmtpd) is a *well-behaved* server with faults on demand; the peers a
learner meets in the wild break the protocol in ways no well-behaved server can: a
greeting without its line end, a code that changes in the middle of a reply, a 10 MB
line, a reply trickled one byte at a time, a STARTTLS that leads nowhere. This module
is a small plain-socket server (no aiosmtpd, no asyncio) whose behaviour on each
connection is a *script*: a function that gets a :class:`Peer` and does what it likes::

    def script(peer: Peer) -> None:
        peer.send(b"220 hostile.test ESMTP")  # no CRLF, then...
        peer.hold()                           # ...silence until the client gives up

    with ScriptedServer(script) as server:
        Client(server.host, server.port, timeout=0.5)   # -> Timeout

:func:`smtp_script` builds the usual script: a minimal, correct SMTP dialogue in which
one step (the greeting, EHLO, MAIL, RCPT, DATA, the message, the final reply, STARTTLS,
QUIT) does something else: close, reset, 421, garbage, silence...

Everything is bounded: every read has a deadline, :meth:`Peer.hold` ends when the client
closes or after ``limit`` seconds, and :meth:`ScriptedServer.stop` closes every socket
and joins every thread.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType

__all__ = [
    "DEFAULT_EHLO",
    "STARTTLS_EHLO",
    "Action",
    "ClientGone",
    "Peer",
    "ScriptedServer",
    "close",
    "garbage",
    "hold",
    "reply_and_close",
    "reset",
    "smtp_script",
]

HOST = "127.0.0.1"
DEFAULT_LIMIT = 10.0  # seconds: no script waits longer than this for anything
DEFAULT_EHLO = b"250-hostile.test\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n"
STARTTLS_EHLO = b"250-hostile.test\r\n250-8BITMIME\r\n250 STARTTLS\r\n"


class ClientGone(Exception):
    """The client closed (or reset) the connection: the normal end of most scripts."""


class Peer:
    """The server's end of one connection, with the few moves a script needs.

    Every method raises :class:`ClientGone` once the client has gone, so a script can be
    written as a straight line. ``received`` keeps every byte the client sent.
    """

    def __init__(self, sock: socket.socket, stop: threading.Event, limit: float) -> None:
        self.sock: socket.socket = sock
        self.stop = stop
        self.limit = limit
        self.received = bytearray()
        self.last_line = b""  # the last line read with line(): the command a fault answers
        self._buffer = bytearray()
        sock.settimeout(0.05)

    # -- sending -------------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        """Send bytes exactly as given."""
        try:
            self.sock.sendall(data)
        except (OSError, ValueError) as exc:
            raise ClientGone(f"send failed: {exc}") from exc

    def send_repeated(self, chunk: bytes, total: int) -> None:
        """Send ``chunk`` again and again until ``total`` bytes went out (no big buffer)."""
        sent = 0
        while sent < total and not self.stop.is_set():
            self.send(chunk)
            sent += len(chunk)

    def trickle(self, data: bytes, delay: float) -> None:
        """Send ``data`` one byte at a time, ``delay`` seconds apart."""
        for index in range(len(data)):
            self.send(data[index : index + 1])
            self.sleep(delay)

    # -- receiving -----------------------------------------------------------------------
    def _fill(self, deadline: float) -> None:
        while not self.stop.is_set():
            if time.monotonic() > deadline:
                raise ClientGone("the client sent nothing more within the script's limit")
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                continue
            except (OSError, ValueError) as exc:
                raise ClientGone(f"recv failed: {exc}") from exc
            if not chunk:
                raise ClientGone("the client closed the connection")
            self.received += chunk
            self._buffer += chunk
            return
        raise ClientGone("the server is stopping")

    def line(self) -> bytes:
        """The next line the client sent, with its line end."""
        deadline = time.monotonic() + self.limit
        while b"\n" not in self._buffer:
            self._fill(deadline)
        end = self._buffer.index(b"\n") + 1
        line = bytes(self._buffer[:end])
        del self._buffer[:end]
        self.last_line = line
        return line

    def some(self) -> bytes:
        """Whatever bytes are buffered, or the next chunk the client sends."""
        if not self._buffer:
            self._fill(time.monotonic() + self.limit)
        data = bytes(self._buffer)
        self._buffer.clear()
        return data

    def message(self) -> bytes:
        """The message after 354, up to and including the final ``.`` line."""
        deadline = time.monotonic() + self.limit
        while not (self._buffer.startswith(b".\r\n") or b"\r\n.\r\n" in self._buffer):
            self._fill(deadline)
        end = 3 if self._buffer.startswith(b".\r\n") else self._buffer.index(b"\r\n.\r\n") + 5
        data = bytes(self._buffer[:end])
        del self._buffer[:end]
        return data

    # -- waiting and ending --------------------------------------------------------------
    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (less if the server stops)."""
        if self.stop.wait(seconds):
            raise ClientGone("the server is stopping")

    def hold(self) -> None:
        """Say nothing until the client gives up (closes), the server stops, or ``limit``."""
        deadline = time.monotonic() + self.limit
        while True:
            self._fill(deadline)

    def close(self) -> None:
        """Close the connection normally (FIN)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        raise ClientGone("the script closed the connection")

    def reset(self) -> None:
        """Close the connection with a TCP reset (RST), as a crashed server would."""
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        raise ClientGone("the script reset the connection")

    def start_tls(self, context: ssl.SSLContext) -> None:
        """Do the server's side of the TLS handshake (after a 220 to STARTTLS)."""
        self.sock.settimeout(self.limit)
        try:
            self.sock = context.wrap_socket(self.sock, server_side=True)
        except (OSError, ssl.SSLError) as exc:
            raise ClientGone(f"TLS handshake failed: {exc}") from exc
        self.sock.settimeout(0.05)


Script = Callable[[Peer], None]
Action = Callable[[Peer], None]
"""What a step of :func:`smtp_script` does instead of answering normally."""


def close(peer: Peer) -> None:
    """Close the connection at once (FIN), without a reply."""
    peer.close()


def reset(peer: Peer) -> None:
    """Reset the connection at once (RST), without a reply."""
    peer.reset()


def hold(peer: Peer) -> None:
    """Never answer: keep the connection open and silent."""
    peer.hold()


def reply_and_close(reply: bytes) -> Action:
    """Send ``reply`` (e.g. ``b"421 4.3.2 Shutting down\\r\\n"``), then close."""

    def action(peer: Peer) -> None:
        peer.send(reply)
        peer.sleep(0.05)  # let the reply go out before the FIN
        peer.close()

    return action


def garbage(data: bytes) -> Action:
    """Send ``data`` (not SMTP), then stay silent."""

    def action(peer: Peer) -> None:
        peer.send(data)
        peer.hold()

    return action


_STEP_OF = {
    b"EHLO": "EHLO",
    b"HELO": "EHLO",
    b"MAIL": "MAIL",
    b"RCPT": "RCPT",
    b"DATA": "DATA",
    b"RSET": "RSET",
    b"NOOP": "NOOP",
    b"QUIT": "QUIT",
    b"STARTTLS": "STARTTLS",
    b"AUTH": "AUTH",
}


def smtp_script(
    faults: Mapping[str, Action] | None = None,
    *,
    ehlo: bytes = DEFAULT_EHLO,
    delays: Mapping[str, float] | None = None,
    tls: ssl.SSLContext | None = None,
) -> Script:
    """A minimal SMTP server's dialogue in which the steps named in ``faults`` misbehave.

    Steps: ``greeting``, ``EHLO``, ``STARTTLS_REPLY`` (instead of the 220 to STARTTLS),
    ``STARTTLS`` (after the 220 to STARTTLS, instead of the handshake), ``MAIL``,
    ``RCPT``, ``DATA``, ``BODY`` (after the first bytes of the message arrived),
    ``DATA_END`` (after the final dot, instead of the reply), ``QUIT``.
    ``delays`` waits that many seconds before the normal reply at a step. ``tls`` is the
    server context used after a 220 to STARTTLS (advertise it with ``ehlo=STARTTLS_EHLO``).
    """
    faults = dict(faults or {})
    delays = dict(delays or {})

    def answer(peer: Peer, step: str, data: bytes) -> None:
        if step in delays:
            peer.sleep(delays[step])
        peer.send(data)

    def script(peer: Peer) -> None:
        if "greeting" in faults:
            faults["greeting"](peer)
            return
        answer(peer, "greeting", b"220 hostile.test ESMTP scripted\r\n")
        while True:
            line = peer.line()
            verb = line.split(b" ", 1)[0].split(b":", 1)[0].strip().upper()
            step = _STEP_OF.get(verb, "OTHER")
            if step in faults and step not in ("STARTTLS",):
                faults[step](peer)
                return
            if step == "EHLO":
                answer(peer, step, ehlo)
            elif step == "STARTTLS":
                if "STARTTLS_REPLY" in faults:
                    faults["STARTTLS_REPLY"](peer)
                    return
                answer(peer, step, b"220 2.0.0 Ready to start TLS\r\n")
                if "STARTTLS" in faults:
                    faults["STARTTLS"](peer)
                    return
                if tls is None:
                    peer.hold()
                    return
                peer.start_tls(tls)
            elif step == "DATA":
                answer(peer, step, b"354 End data with <CR><LF>.<CR><LF>\r\n")
                if "BODY" in faults:
                    peer.some()
                    faults["BODY"](peer)
                    return
                peer.message()
                if "DATA_END" in faults:
                    faults["DATA_END"](peer)
                    return
                answer(peer, "DATA_END", b"250 2.0.0 OK queued as SCRIPTED\r\n")
            elif step == "QUIT":
                answer(peer, step, b"221 2.0.0 Bye\r\n")
                peer.close()
            else:
                answer(peer, step, b"250 2.0.0 OK\r\n")

    return script


class ScriptedServer:
    """A TCP server on 127.0.0.1 (a free port) that runs ``script`` for each connection.

    Use it as a context manager. ``errors`` collects exceptions the script raised other
    than :class:`ClientGone` (a test may assert it is empty); ``peers`` holds every
    connection's :class:`Peer` (``peer.received`` shows what the client sent).
    """

    def __init__(self, script: Script, *, limit: float = DEFAULT_LIMIT) -> None:
        self.script = script
        self.limit = limit
        self.errors: list[BaseException] = []
        self.peers: list[Peer] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((HOST, 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.host = HOST
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, name="scripted-accept", daemon=True)

    def start(self) -> ScriptedServer:
        """Start accepting connections; returns the server."""
        self._acceptor.start()
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            peer = Peer(sock, self._stop, self.limit)
            self.peers.append(peer)
            thread = threading.Thread(target=self._run, args=(peer,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _run(self, peer: Peer) -> None:
        try:
            self.script(peer)
        except ClientGone:
            pass
        except BaseException as exc:  # recorded for the test, never printed
            self.errors.append(exc)
        finally:
            with contextlib.suppress(OSError):
                peer.sock.close()

    def stop(self) -> None:
        """Stop: close the listener and every connection, join every thread."""
        self._stop.set()
        self._listener.close()
        if self._acceptor.is_alive():
            self._acceptor.join(5)
        for peer in self.peers:
            with contextlib.suppress(OSError):
                peer.sock.close()
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
