"""Tests for smtplab.tap: the recording relay, its latency, TLS visibility and clean stops."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator

import pytest

import smtplab.tap
from smtplab.tap import Chunk, WireTap, describe_tls, looks_encrypted, printable_ratio

TIMEOUT = 5.0


class Lines:
    """Read CRLF-terminated lines from a socket (with a timeout) without losing bytes."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError(f"closed before a full line; got {self.buffer!r}")
            self.buffer += data
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line + b"\r\n"

    def until_eof(self) -> bytes:
        data = self.buffer
        self.buffer = b""
        while chunk := self.sock.recv(65536):
            data += chunk
        return data


class Server:
    """A loopback server running *handler(conn)* for each of *connections* connections."""

    def __init__(self, handler: Callable[[socket.socket], None], connections: int = 1) -> None:
        self.handler = handler
        self.connections = connections
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(TIMEOUT)
        self.port = self.sock.getsockname()[1]
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for _ in range(self.connections):
                conn, _ = self.sock.accept()
                conn.settimeout(TIMEOUT)
                with conn:
                    self.handler(conn)
        except BaseException as exc:
            self.errors.append(exc)

    def close(self) -> None:
        self.thread.join(TIMEOUT)
        self.sock.close()
        assert not self.thread.is_alive(), "the test server did not finish"
        if self.errors:
            raise self.errors[0]


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(handler: Callable[[socket.socket], None], connections: int = 1) -> Server:
        server = Server(handler, connections)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def no_thread_left() -> Iterator[None]:
    yield
    left = [t.name for t in threading.enumerate() if t.name.startswith("smtplab-wiretap")]
    assert not left, f"wire tap threads left running: {left}"


def connect(tap: WireTap) -> socket.socket:
    sock = socket.create_connection((tap.host, tap.port), timeout=TIMEOUT)
    return sock


def smtpish(conn: socket.socket) -> None:
    """220 greeting; '250 ok <line>' to each line; QUIT gets 221 and a close."""
    lines = Lines(conn)
    conn.sendall(b"220 test ESMTP\r\n")
    while True:
        line = lines.line()
        if line.upper() == b"QUIT\r\n":
            conn.sendall(b"221 bye\r\n")
            return
        conn.sendall(b"250 ok " + line)


def echo(conn: socket.socket) -> None:
    while data := conn.recv(65536):
        conn.sendall(data)


# ---------------------------------------------------------------------------------------------
# Relaying and recording


def test_relays_and_records_both_directions_in_order(serve: Callable[..., Server]) -> None:
    server = serve(smtpish)
    with WireTap("127.0.0.1", server.port) as tap, connect(tap) as sock:
        lines = Lines(sock)
        assert lines.line() == b"220 test ESMTP\r\n"
        sock.sendall(b"EHLO me\r\n")
        assert lines.line() == b"250 ok EHLO me\r\n"
        sock.sendall(b"QUIT\r\n")
        assert lines.line() == b"221 bye\r\n"
        assert lines.until_eof() == b"", "the server's close reaches the client"
        sock.close()
        assert tap.wait_closed()
        assert tap.bytes_from_client == b"EHLO me\r\nQUIT\r\n"
        assert tap.bytes_from_server == b"220 test ESMTP\r\n250 ok EHLO me\r\n221 bye\r\n"
        timeline = tap.timeline
        assert [c.direction for c in timeline] == ["S", "C", "S", "C", "S"]
        assert [c.connection for c in timeline] == [1] * 5
        assert all(isinstance(c, Chunk) for c in timeline)
        times = [c.time for c in timeline]
        assert times == sorted(times) and times[0] >= 0
        assert tap.connections == 1 and tap.open_connections == 0
        assert tap.errors == []


def test_several_connections_are_numbered(serve: Callable[..., Server]) -> None:
    server = serve(echo, connections=2)
    with WireTap("127.0.0.1", server.port) as tap:
        for word in (b"one", b"two"):
            with connect(tap) as sock:
                sock.sendall(word)
                assert sock.recv(100) == word
            assert tap.wait_closed()
        assert tap.connections == 2
        assert tap.bytes_from("C", connection=2) == b"two"
        assert tap.bytes_from_client == b"onetwo"
        with pytest.raises(ValueError, match="'C'"):
            tap.bytes_from("X")


def test_half_close_is_passed_on(serve: Callable[..., Server]) -> None:
    """The client stops sending; the server still answers after reading to the end."""

    def count_then_answer(conn: socket.socket) -> None:
        total = 0
        while data := conn.recv(65536):
            total += len(data)
        conn.sendall(f"got {total}\r\n".encode())

    server = serve(count_then_answer)
    with WireTap("127.0.0.1", server.port) as tap, connect(tap) as sock:
        sock.sendall(b"x" * 1000)
        sock.shutdown(socket.SHUT_WR)
        assert Lines(sock).until_eof() == b"got 1000\r\n"
        assert tap.wait_closed()


def test_unreachable_target_closes_the_client_and_says_why() -> None:
    placeholder = socket.socket()
    placeholder.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
    port = placeholder.getsockname()[1]
    try:
        with WireTap("127.0.0.1", port) as tap, connect(tap) as sock:
            with contextlib.suppress(ConnectionResetError):
                assert sock.recv(10) == b""
            assert tap.wait_closed()
            assert any("cannot reach the target" in e and str(port) in e for e in tap.errors)
            assert "is the server running" in tap.render()
    finally:
        placeholder.close()


def test_stop_closes_open_connections_and_leaves_no_thread(serve: Callable[..., Server]) -> None:
    release = threading.Event()

    def hold(conn: socket.socket) -> None:
        conn.sendall(b"220 hello\r\n")
        release.wait(TIMEOUT)

    server = serve(hold)
    tap = WireTap("127.0.0.1", server.port).start()
    port = tap.port
    sock = connect(tap)
    try:
        assert Lines(sock).line() == b"220 hello\r\n"
        assert tap.open_connections == 1
        started = time.monotonic()
        tap.stop()
        assert time.monotonic() - started < 1.0
        assert not tap.running
        assert [t for t in threading.enumerate() if t.name.startswith("smtplab-wiretap")] == []
        with contextlib.suppress(ConnectionResetError):
            assert sock.recv(10) == b"", "the client sees the connection close"
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        tap.stop()  # a second stop is harmless
        with pytest.raises(RuntimeError, match="new WireTap"):
            tap.start()
    finally:
        sock.close()
        release.set()


def test_a_forgotten_tap_is_stopped_when_collected(serve: Callable[..., Server]) -> None:
    """A notebook cell run twice replaces its tap: the old one must not keep running."""
    server = serve(echo)
    tap = WireTap("127.0.0.1", server.port).start()
    with connect(tap) as sock:
        sock.sendall(b"hi")
        assert sock.recv(10) == b"hi"
    name = f"smtplab-wiretap-{tap.port}"
    del tap
    gc.collect()
    deadline = time.monotonic() + TIMEOUT
    while any(t.name == name for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.name == name for t in threading.enumerate())


def test_unstarted_tap_says_so() -> None:
    tap = WireTap("127.0.0.1", 1)
    with pytest.raises(RuntimeError, match="not started"):
        _ = tap.port
    tap.stop()
    for delay in (-1, float("inf"), float("nan")):  # inf and NaN: the writer thread died
        with pytest.raises(ValueError, match="finite number of seconds, 0 or more"):
            WireTap("127.0.0.1", 1, delay=delay)


@pytest.mark.parametrize("seconds", [0, -1, float("nan"), float("inf")])
def test_a_connect_timeout_is_a_positive_number_of_seconds(seconds: float) -> None:
    """Refused when the tap is made: it used to reach a relay thread, which died with a
    traceback printed from the thread (or, for 0, named a bogus 'Operation now in
    progress'), leaving the client waiting and both sockets unclosed."""
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        WireTap("127.0.0.1", 1, connect_timeout=seconds)


def test_connections_over_the_limit_are_closed_unread(lab) -> None:  # type: ignore[no-untyped-def]
    """Another process may open connection after connection to a tap on a shared host:
    each relayed one costs four threads and up to 16 MB of queued chunks, so at most
    ``max_connections`` are relayed at once; one more is closed before anything is read
    or relayed, and counted. A slot that frees is used again."""
    with WireTap(lab.host, lab.port, max_connections=2) as tap:
        first, second = connect(tap), connect(tap)
        assert Lines(first).line().startswith(b"220 ")
        assert Lines(second).line().startswith(b"220 ")
        with connect(tap) as extra:
            extra.sendall(b"EHLO over.the.limit\r\n")
            with contextlib.suppress(ConnectionResetError):
                assert extra.recv(100) == b""  # closed: no greeting was relayed
        assert (tap.refused_over_limit, tap.connections, tap.open_connections) == (1, 2, 2)
        assert "closed unread: 0 from other users, 1 over max_connections" in str(tap)
        assert b"over.the.limit" not in tap.bytes_from_client
        first.close()
        deadline = time.monotonic() + TIMEOUT
        while tap.open_connections > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        with connect(tap) as third:  # the freed slot
            assert Lines(third).line().startswith(b"220 ")
            assert (tap.refused_over_limit, tap.connections) == (1, 3)
        second.close()
        assert tap.wait_closed()


@pytest.mark.parametrize("count", [0, -1])
def test_max_connections_is_at_least_one(count: int) -> None:
    with pytest.raises(ValueError, match="at least one connection"):
        WireTap("127.0.0.1", 1, max_connections=count)


def test_big_transfer_is_bounded_in_memory_and_quick(serve: Callable[..., Server]) -> None:
    digest: list[str] = []

    def sink(conn: socket.socket) -> None:
        hasher = hashlib.sha256()
        while data := conn.recv(1 << 20):
            hasher.update(data)
        digest.append(hasher.hexdigest())
        conn.sendall(b"done\r\n")

    server = serve(sink)
    payload = os.urandom(10 * 1024 * 1024)
    limit = 1024 * 1024
    with WireTap("127.0.0.1", server.port, max_bytes=limit) as tap, connect(tap) as sock:
        started = time.monotonic()
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        assert Lines(sock).until_eof() == b"done\r\n"
        elapsed = time.monotonic() - started
        assert tap.wait_closed()
        assert digest == [hashlib.sha256(payload).hexdigest()], "every byte arrives intact"
        assert tap.bytes_from_client == payload[:limit]
        assert tap.dropped_from_client == len(payload) - limit
        assert tap.dropped_from_server == 0
        assert "not recorded over max_bytes" in tap.render()
        assert elapsed < 3.0, f"10 MB took {elapsed:.2f} s through the tap"
        tap.clear()
        assert tap.timeline == [] and tap.dropped_from_client == 0


def test_bytes_trickled_one_at_a_time_are_recorded_in_a_bounded_number_of_chunks(
    serve: Callable[..., Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk costs ~140 bytes besides its own: past MAX_CHUNKS (here 50), what comes
    is relayed and counted, not recorded (16 MB trickled byte by byte had taken ~2.4 GB)."""
    monkeypatch.setattr(smtplab.tap, "MAX_CHUNKS", 50)

    def sink(conn: socket.socket) -> None:
        while conn.recv(1024):
            pass

    server = serve(sink)
    with WireTap("127.0.0.1", server.port) as tap, connect(tap) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(200):
            sock.send(b"x")
            time.sleep(0.002)  # one byte, one chunk
        sock.shutdown(socket.SHUT_WR)
        assert tap.wait_closed()
        assert len(tap.timeline) == 50
        assert len(tap.bytes_from_client) + tap.dropped_from_client == 200
        assert tap.dropped_from_client > 0


# ---------------------------------------------------------------------------------------------
# Latency


def test_delay_adds_two_delays_to_a_round_trip(serve: Callable[..., Server]) -> None:
    delay = 0.1
    server = serve(echo)
    with WireTap("127.0.0.1", server.port, delay=delay) as tap, connect(tap) as sock:
        trips = []
        for _ in range(3):
            started = time.monotonic()
            sock.sendall(b"ping")
            assert sock.recv(10) == b"ping"
            trips.append(time.monotonic() - started)
        assert min(trips) >= 1.5 * delay, trips
        assert max(trips) < 2 * delay + 0.25, trips


def test_delay_is_latency_not_serialisation(serve: Callable[..., Server]) -> None:
    """Chunks sent back to back arrive ~delay later each, not one delay after another."""
    delay = 0.15
    arrivals: list[tuple[float, bytes]] = []

    def stamp(conn: socket.socket) -> None:
        while data := conn.recv(65536):
            arrivals.append((time.monotonic(), data))
        conn.sendall(b"ok")

    server = serve(stamp)
    with WireTap("127.0.0.1", server.port, delay=delay) as tap, connect(tap) as sock:
        sent = []
        for word in (b"a", b"b", b"c"):
            sent.append(time.monotonic())
            sock.sendall(word)
            time.sleep(0.03)
        sock.shutdown(socket.SHUT_WR)
        assert Lines(sock).until_eof() == b"ok"
        assert b"".join(data for _, data in arrivals) == b"abc"
        last_sent, last_arrival = sent[-1], arrivals[-1][0]
        first_latency = arrivals[0][0] - sent[0]
        assert 0.8 * delay <= first_latency < delay + 0.1, first_latency
        # Serialised forwarding would deliver "c" about 3 delays after "a" was sent.
        assert last_arrival - last_sent < delay + 0.1, last_arrival - last_sent
        assert last_arrival - sent[0] < 2 * delay, "chunks in flight must not queue behind"
        assert tap.wait_closed()


# ---------------------------------------------------------------------------------------------
# TLS: what an eavesdropper sees


def test_starttls_turns_the_wire_unreadable(serve: Callable[..., Server]) -> None:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)

    def starttls_server(conn: socket.socket) -> None:
        lines = Lines(conn)
        conn.sendall(b"220 test ESMTP\r\n")
        assert lines.line() == b"STARTTLS\r\n"
        conn.sendall(b"220 Ready to start TLS\r\n")
        with server_context.wrap_socket(conn, server_side=True) as tls:
            secure = Lines(tls)
            assert secure.line() == b"MAIL FROM:<secret@example.com>\r\n"
            tls.sendall(b"250 OK secret accepted\r\n")
            assert secure.line() == b"QUIT\r\n"
            tls.sendall(b"221 bye\r\n")

    server = serve(starttls_server)
    with WireTap("127.0.0.1", server.port) as tap, connect(tap) as sock:
        lines = Lines(sock)
        assert lines.line() == b"220 test ESMTP\r\n"
        sock.sendall(b"STARTTLS\r\n")
        assert lines.line() == b"220 Ready to start TLS\r\n"
        with client_context.wrap_socket(sock, server_hostname="127.0.0.1") as tls:
            secure = Lines(tls)
            tls.sendall(b"MAIL FROM:<secret@example.com>\r\n")
            assert secure.line() == b"250 OK secret accepted\r\n"
            tls.sendall(b"QUIT\r\n")
            assert secure.line() == b"221 bye\r\n"
        assert tap.wait_closed()

    timeline = tap.timeline
    assert timeline[0].data == b"220 test ESMTP\r\n"
    assert timeline[1].data == b"STARTTLS\r\n"
    assert timeline[2].data == b"220 Ready to start TLS\r\n"
    after = timeline[3:]
    assert after[0].direction == "C" and after[0].data[:2] == b"\x16\x03", "a ClientHello"
    assert "ClientHello" in (after[0].tls or "")
    assert all(c.looks_encrypted for c in after)
    assert not any(c.looks_encrypted for c in timeline[:3])
    assert b"MAIL FROM" not in tap.bytes_from_client
    assert b"secret" not in tap.bytes_from_client + tap.bytes_from_server

    text = tap.render()
    assert "C: STARTTLS\\r\\n" in text
    assert "[TLS record: Handshake (ClientHello)" in text
    page = tap._repr_html_()
    assert "unreadable" in page and "<script" not in page


# ---------------------------------------------------------------------------------------------
# Looking at bytes and rendering


def test_printable_ratio_and_looks_encrypted() -> None:
    assert printable_ratio(b"EHLO me\r\n") == 1.0
    assert printable_ratio("主题：你好\r\n".encode()) == 1.0
    assert printable_ratio(b"") == 1.0
    noise = os.urandom(4096)
    assert printable_ratio(noise) < 0.6
    assert looks_encrypted(noise)
    assert looks_encrypted(b"\x17\x03\x03\x00\x20" + os.urandom(32))
    assert not looks_encrypted(b"250-PIPELINING\r\n250 8BITMIME\r\n")
    assert not looks_encrypted("Subject: 你好\r\n".encode())
    assert not looks_encrypted(b"")


def test_describe_tls() -> None:
    hello = bytes.fromhex("16030100050100000100")
    assert describe_tls(hello) == (
        "TLS record: Handshake (ClientHello), record version TLS 1.0, 5 bytes"
    )
    two = bytes.fromhex("1403030001") + b"\x01" + bytes.fromhex("1703030002") + b"zz"
    assert describe_tls(two) == (
        "TLS records: ChangeCipherSpec, record version TLS 1.2, 1 byte; ApplicationData, 2 bytes"
    )
    assert describe_tls(b"EHLO me\r\n") is None


def test_render_escapes_and_limits(serve: Callable[..., Server]) -> None:
    def greet_oddly(conn: socket.socket) -> None:
        conn.sendall(b"220 <script>alert(1)</script> " + b"\x00\xff " + "你好\r\n".encode())
        Lines(conn).line()
        conn.sendall(b"250 ok\r\n")

    server = serve(greet_oddly)
    with WireTap("127.0.0.1", server.port) as tap, connect(tap) as sock:
        lines = Lines(sock)
        lines.line()
        sock.sendall(b"NOOP\r\n")
        lines.line()
        sock.close()
        assert tap.wait_closed()
        text = tap.render()
        assert "S: 220 <script>alert(1)</script> \\x00\\xff 你好\\r\\n" in text
        assert "C: NOOP\\r\\n" in text
        assert "1 connection(s), 3 chunk(s)" in text
        limited = tap.render(limit=1)
        assert "2 more chunk(s)" in limited and "NOOP" not in limited
        assert str(tap) == tap.render()
        assert repr(tap).startswith("<WireTap 127.0.0.1:")
        page = tap._repr_html_()
        assert "<script>" not in page and "&lt;script&gt;" in page
        assert "color:inherit" in page


# ---------------------------------------------------------------------------------------------
# Through the real lab server


def test_smtplib_starttls_through_the_lab(lab) -> None:  # type: ignore[no-untyped-def]
    """The greeting and EHLO are readable on the wire; MAIL FROM, after STARTTLS, is not."""
    import smtplib

    from smtplab.message import anatomy, compose

    draft = compose(
        sender="alice@example.com",
        sender_name="张三",
        to="bob@example.com",
        bcc="boss@example.com",
        subject="机密 secret plans",
        body="The password is swordfish.\n",
    )
    with WireTap(lab.host, lab.port) as tap:
        with smtplib.SMTP(tap.host, tap.port, timeout=TIMEOUT) as smtp:
            smtp.starttls(context=lab.ssl_context())
            smtp.send_message(draft.message, draft.mail_from, list(draft.recipients))
        (received,) = lab.wait_for(1)
        assert tap.wait_closed()

    client, server = tap.bytes_from_client, tap.bytes_from_server
    assert server.startswith(b"220 ")
    assert b"STARTTLS\r\n" in client and client.lower().startswith(b"ehlo ")
    assert b"MAIL FROM" not in client.upper()
    assert b"swordfish" not in client and b"boss@example.com" not in client
    first_tls = next(c for c in tap.timeline if c.looks_encrypted)
    assert first_tls.direction == "C" and first_tls.data[:2] == b"\x16\x03"

    assert received.rcpt_tos == ["bob@example.com", "boss@example.com"]
    assert received.data == draft.to_bytes()
    view = anatomy(received.data, mail_from=received.mail_from, rcpt_tos=received.rcpt_tos)
    assert view.hidden_recipients == ("boss@example.com",)
    assert view.header("Subject").decoded == "机密 secret plans"  # type: ignore[union-attr]
