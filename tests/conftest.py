"""Shared fixtures: a running lab server, and a raw-socket SMTP client for its tests.

``lab`` yields a started :class:`smtplab.lab.LabServer` (default settings, fresh for each
test) and stops it afterwards. ``lab_factory`` makes labs with other settings, all
stopped after the test. ``raw_smtp`` opens raw connections (``socket`` + ``ssl`` from the
standard library, never the smtplab client) for tests that must see exact bytes.
Every test starts with the kit's language undecided, as in a fresh kernel, and leaves it
so (``language_undecided``): a test that switches to Chinese cannot leak it into the next.
"""

from __future__ import annotations

import gettext
import socket
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from smtplab import i18n
from smtplab.lab import LabServer
from smtplab.replies import Reply

RAW_TIMEOUT = 5.0


@pytest.fixture(autouse=True)
def language_undecided(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts undecided (SMTPLAB_LANG unset, no language chosen: English on the
    first text, as a fresh kernel) and leaves the i18n module as it found it."""
    monkeypatch.delenv(i18n.ENVIRONMENT, raising=False)
    monkeypatch.setattr(i18n, "_language", "")
    monkeypatch.setattr(i18n, "_translations", gettext.NullTranslations())
    yield


class RawSMTP:
    """A minimal SMTP client on a raw socket: send bytes, read whole replies (with a
    timeout on every read), optionally over TLS from the start or after STARTTLS."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
        timeout: float = RAW_TIMEOUT,
    ) -> None:
        self.sock: socket.socket = socket.create_connection((host, port), timeout=timeout)
        self.host = host
        if context is not None:
            self.sock = context.wrap_socket(self.sock, server_hostname=server_hostname or host)
        self._buffer = b""

    def send(self, data: bytes | str) -> None:
        """Send bytes (a str is UTF-8 encoded) exactly as given."""
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def read_line(self) -> bytes:
        """One line with its CRLF; raises EOFError if the server closed the connection."""
        while b"\n" not in self._buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"connection closed; unread bytes: {self._buffer!r}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line + b"\n"

    def read_reply(self) -> Reply:
        """One whole (possibly multi-line) reply."""
        raw = b""
        texts = []
        while True:
            line = self.read_line()
            raw += line
            texts.append(line[4:].rstrip(b"\r\n").decode("utf-8"))
            if line[3:4] != b"-":
                return Reply(int(line[:3]), tuple(texts), raw)

    def command(self, line: bytes | str) -> Reply:
        """Send one command line (CRLF added) and read its reply."""
        data = line.encode() if isinstance(line, str) else line
        self.send(data + b"\r\n")
        return self.read_reply()

    def starttls(self, context: ssl.SSLContext, server_hostname: str | None = None) -> Reply:
        """Send STARTTLS and, on 220, wrap the socket (verifying with ``context``)."""
        reply = self.command("STARTTLS")
        if reply.code == 220:
            assert not self._buffer, "bytes after 220 to STARTTLS must not be read as plaintext"
            self.sock = context.wrap_socket(self.sock, server_hostname=server_hostname or self.host)
        return reply

    def closed_by_server(self) -> bool:
        """True if the server has closed the connection (EOF or reset)."""
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, ssl.SSLError):
            return True

    def close(self) -> None:
        """Close the socket (no QUIT)."""
        self.sock.close()


@pytest.fixture
def lab() -> Iterator[LabServer]:
    """A started lab server with default settings; stopped after the test, which fails
    if the server recorded an internal error (``lab.errors``) meanwhile."""
    with LabServer() as server:
        yield server
    assert server.errors == [], f"the lab server recorded internal errors: {server.errors}"


@pytest.fixture
def lab_factory() -> Iterator[Callable[..., LabServer]]:
    """Make started labs with any LabServer arguments; all are stopped after the test."""
    labs: list[LabServer] = []

    def make(**kwargs: Any) -> LabServer:
        server = LabServer(**kwargs).start()
        labs.append(server)
        return server

    yield make
    for server in labs:
        server.stop()


@pytest.fixture
def raw_smtp() -> Iterator[Callable[..., RawSMTP]]:
    """Open :class:`RawSMTP` connections (``raw_smtp(host, port, context=...)``); all are
    closed after the test."""
    opened: list[RawSMTP] = []

    def connect(host: str, port: int, **kwargs: Any) -> RawSMTP:
        client = RawSMTP(host, port, **kwargs)
        opened.append(client)
        return client

    yield connect
    for client in opened:
        client.close()
