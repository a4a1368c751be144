"""The Client against misbehaving servers: it must fail clearly, quickly and within bounds.

Each case is a scripted server on 127.0.0.1 (:mod:`interop.scripted`, a plain socket
server, not aiosmtpd) that breaks SMTP in one way: silence, garbage, a greeting without
its line end, a reply cut in half, a code that changes in the middle of a reply, a
10 MB line, 421 or a closed connection at each step, slow and trickling replies, a
STARTTLS that leads nowhere. For every case the test checks that the Client

* raises the expected error class (or succeeds, for a slow server inside the timeout),
* within the configured timeout plus a margin (generous: the CI machine has 2 cores),
* with a message that names the step and what was seen,
* with bounded memory (``tracemalloc`` peak in this process, which runs the client),
* with the transcript so far still readable (``err.transcript`` renders as text, HTML
  and repr), and the socket closed.

docs/hostile-peers.md holds the table of these cases and their results; the last test
checks that the table lists every case.
"""

from __future__ import annotations

import re
import ssl
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme
from interop.scripted import (
    DEFAULT_EHLO,
    STARTTLS_EHLO,
    Peer,
    ScriptedServer,
    close,
    garbage,
    hold,
    reply_and_close,
    reset,
    smtp_script,
)

from smtplab import Client
from smtplab.errors import (
    DataRefused,
    Disconnected,
    RecipientRefused,
    RemoteProtocolError,
    ReplyError,
    SenderRefused,
    SmtplabError,
    Timeout,
    TLSError,
)

TIMEOUT = 0.5  # the client's timeout in most cases
SLOW_TIMEOUT = 1.0  # in the slow-server cases
MARGIN = 1.0  # seconds allowed past the timeout (a loaded 2-core machine)
MEMORY_LIMIT = 1024 * 1024  # bytes: the peak traced while one case runs
MESSAGE = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hostile\r\n\r\nHello.\r\n"
PIPELINING_EHLO = b"250-hostile.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
TEN_MB = 10 * 1024 * 1024
DOCS = Path(__file__).resolve().parents[1] / "docs" / "hostile-peers.md"
NOT_DELIVERED = "NOT known to be delivered"

# Built once, outside every measurement: the 10 MB cases send these again and again.
_LINE_CHUNK = b"x" * 65536
_MULTILINE_CHUNK = (b"250-" + b"y" * 4000 + b"\r\n") * 16


# --- the TLS side of the STARTTLS cases ---------------------------------------------------

_CA = trustme.CA()
_CERT = _CA.issue_cert("127.0.0.1", "localhost")


def client_context() -> ssl.SSLContext:
    """A client context that trusts the scripted server's CA (verification ON)."""
    context = ssl.create_default_context()
    _CA.configure_trust(context)
    return context


def server_context() -> ssl.SSLContext:
    """The scripted server's TLS context."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _CERT.configure_cert(context)
    return context


# --- the moves of the scripts -------------------------------------------------------------


def big_line(peer: Peer) -> None:
    """A greeting line of 10 MB that never ends."""
    peer.send(b"220 ")
    peer.send_repeated(_LINE_CHUNK, TEN_MB)
    peer.hold()


def big_reply(peer: Peer) -> None:
    """An EHLO reply of 10 MB in 4000-byte continuation lines, never finished."""
    peer.send_repeated(_MULTILINE_CHUNK, TEN_MB)
    peer.hold()


def half_then(then: Callable[[Peer], None]) -> Callable[[Peer], None]:
    """Half an EHLO reply (two continuation lines), then ``then``."""

    def action(peer: Peer) -> None:
        peer.send(b"250-hostile.test\r\n250-8BITMIME\r\n")
        peer.sleep(0.05)
        then(peer)

    return action


def unterminated_greeting_then(then: Callable[[Peer], None]) -> Callable[[Peer], None]:
    """A greeting without CRLF, then ``then``."""

    def action(peer: Peer) -> None:
        peer.send(b"220 hostile.test ESMTP")
        peer.sleep(0.05)
        then(peer)

    return action


def trickle(data: bytes) -> Callable[[Peer], None]:
    """Send ``data`` one byte every 0.1 s: each byte inside the timeout, all far past it."""

    def action(peer: Peer) -> None:
        peer.trickle(data, 0.1)
        peer.hold()

    return action


def after_client_hello(then: Callable[[Peer], None]) -> Callable[[Peer], None]:
    """After the 220 to STARTTLS: read the client's first TLS bytes, then ``then``."""

    def action(peer: Peer) -> None:
        peer.some()
        then(peer)

    return action


def not_tls(peer: Peer) -> None:
    peer.send(b"220 this is not TLS at all\r\n")
    peer.hold()


def tls_alert(peer: Peer) -> None:
    peer.send(bytes([21, 3, 3, 0, 2, 2, 40]))  # a TLS alert record: handshake_failure
    peer.hold()


def tls_trickle(peer: Peer) -> None:
    # A TLS record header announcing 16000 bytes, then its body one byte at a time.
    peer.trickle(bytes([22, 3, 3, 0x3E, 0x80]) + b"\x02" * 200, 0.1)
    peer.hold()


def injected_after_220(peer: Peer) -> None:
    peer.send(b"220 2.0.0 Ready to start TLS\r\n250 injected before the handshake\r\n")
    peer.hold()


# --- the cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One misbehaving server and what the Client must do about it."""

    id: str
    what: str
    script: Callable[[], Callable[[Peer], None]]
    error: type[SmtplabError] | None
    mentions: tuple[str, ...] = ()
    timeout: float = TIMEOUT
    security: str = "plain"
    pipelining: bool = False
    budget: float | None = None  # seconds the whole case may take (default: the timeout)


def script(faults: dict[str, Callable[[Peer], None]], **kwargs: object) -> Callable[[], object]:
    return lambda: smtp_script(faults, **kwargs)  # type: ignore[arg-type]


SHUTDOWN = b"421 4.3.2 Shutting down\r\n"

CASES: list[Case] = [
    # silence
    Case("silent", "says nothing at all", lambda: hold, Timeout,
         ("waiting for the greeting", "nothing arrived")),
    Case("silent-after-ehlo", "greets, then never answers EHLO",
         script({"EHLO": hold}), Timeout, ("EHLO", "nothing arrived")),
    Case("silent-after-dot", "never answers the end of the message",
         script({"DATA_END": hold}), Timeout, ("the message", NOT_DELIVERED)),
    # garbage
    Case("garbage", "sends binary garbage instead of a greeting",
         script({"greeting": garbage(b"\x00\xff\xfe garbage\r\n")}), RemoteProtocolError,
         ("waiting for the greeting", r"\x00\xff\xfe garbage", "reply code")),
    Case("http", "is a web server", script({"greeting": garbage(b"HTTP/1.1 400 Bad\r\n")}),
         RemoteProtocolError, ("greeting", "HTTP/1.1 400", "web server")),
    Case("garbage-after-mail", "answers MAIL FROM with a line without a code",
         script({"MAIL": garbage(b"hello?\r\n")}), RemoteProtocolError,
         ("MAIL FROM", "hello?")),
    # a greeting without its CRLF
    Case("greeting-no-crlf-silent", "sends a greeting without CRLF, then silence",
         script({"greeting": unterminated_greeting_then(hold)}), Timeout,
         ("waiting for the greeting", "b'220 hostile.test ESMTP'")),
    Case("greeting-no-crlf-close", "sends a greeting without CRLF, then closes",
         script({"greeting": unterminated_greeting_then(close)}), Disconnected,
         ("waiting for the greeting", "middle of a reply", "b'220 hostile.test ESMTP'")),
    # a multi-line reply cut in half
    Case("half-reply-silent", "stops halfway through the EHLO reply, stays silent",
         script({"EHLO": half_then(hold)}), Timeout, ("EHLO", "250-8BITMIME")),
    Case("half-reply-close", "stops halfway through the EHLO reply, closes",
         script({"EHLO": half_then(close)}), Disconnected,
         ("EHLO", "250-8BITMIME", "incomplete")),
    Case("code-change", "changes the code in the middle of a reply",
         script({"EHLO": garbage(b"250-hostile.test\r\n550-oops\r\n550 no\r\n")}),
         RemoteProtocolError, ("EHLO", "from 250 to 550", "550-oops")),
    # ten megabytes
    Case("10mb-line", "sends a 10 MB line", script({"greeting": big_line}),
         RemoteProtocolError, ("greeting", "longer than 4096 bytes", "b'220 xxx")),
    Case("10mb-reply", "sends a 10 MB reply of 4000-byte continuation lines",
         script({"EHLO": big_reply}), RemoteProtocolError,
         ("EHLO", "more than 65536 bytes")),
    # 421 at each step
    Case("421-greeting", "answers 421 instead of the greeting and closes",
         script({"greeting": reply_and_close(SHUTDOWN)}), ReplyError,
         ("greeting", "421 4.3.2 Shutting down")),
    Case("421-ehlo", "answers EHLO with 421 and closes",
         script({"EHLO": reply_and_close(SHUTDOWN)}), ReplyError, ("EHLO", "421 4.3.2")),
    Case("421-mail", "answers MAIL FROM with 421 and closes",
         script({"MAIL": reply_and_close(SHUTDOWN)}), SenderRefused, ("MAIL FROM", "421")),
    Case("421-rcpt", "answers RCPT TO with 421 and closes",
         script({"RCPT": reply_and_close(SHUTDOWN)}), RecipientRefused, ("RCPT TO", "421")),
    Case("421-data", "answers DATA with 421 and closes",
         script({"DATA": reply_and_close(SHUTDOWN)}), DataRefused, ("DATA", "421")),
    Case("421-after-dot", "answers the end of the message with 421 and closes",
         script({"DATA_END": reply_and_close(SHUTDOWN)}), DataRefused,
         ("end of the message", "421")),
    Case("421-mail-pipelined", "answers a pipelined MAIL FROM with 421 and closes",
         script({"MAIL": reply_and_close(SHUTDOWN)}, ehlo=PIPELINING_EHLO), SenderRefused,
         ("MAIL FROM", "421"), pipelining=True),
    Case("421-rcpt-pipelined", "answers a pipelined RCPT TO with 421 and closes",
         script({"RCPT": reply_and_close(SHUTDOWN)}, ehlo=PIPELINING_EHLO), RecipientRefused,
         ("RCPT TO", "421"), pipelining=True),
    # the connection closed (FIN) or reset (RST) at each step
    Case("close-before-greeting", "closes before the greeting",
         script({"greeting": close}), Disconnected,
         ("waiting for the greeting", "nothing arrived")),
    Case("reset-before-greeting", "resets before the greeting",
         script({"greeting": reset}), Disconnected, ("waiting for the greeting", "reset")),
    Case("close-at-ehlo", "closes when EHLO arrives", script({"EHLO": close}),
         Disconnected, ("EHLO", "closed the connection")),
    Case("close-after-ehlo", "answers EHLO, then closes",
         script({"EHLO": reply_and_close(DEFAULT_EHLO)}), Disconnected, ("MAIL FROM",)),
    Case("close-at-mail", "closes when MAIL FROM arrives", script({"MAIL": close}),
         Disconnected, ("MAIL FROM", "closed the connection")),
    Case("close-at-rcpt", "closes when RCPT TO arrives", script({"RCPT": close}),
         Disconnected, ("RCPT TO", "closed the connection")),
    Case("close-at-data", "closes when DATA arrives", script({"DATA": close}),
         Disconnected, ("DATA", "closed the connection")),
    Case("close-during-message", "closes in the middle of the message",
         script({"BODY": close}), Disconnected, ("the message", NOT_DELIVERED)),
    Case("reset-during-message", "resets in the middle of the message",
         script({"BODY": reset}), Disconnected, ("the message", NOT_DELIVERED)),
    Case("close-before-final-reply", "reads the whole message, closes before the reply",
         script({"DATA_END": close}), Disconnected, ("the message", NOT_DELIVERED)),
    Case("reset-before-final-reply", "reads the whole message, resets before the reply",
         script({"DATA_END": reset}), Disconnected, ("the message", NOT_DELIVERED)),
    # slow
    Case("slow-under-timeout", "answers the greeting and the final reply 0.5 s late (timeout 1 s)",
         lambda: smtp_script(delays={"greeting": 0.5, "DATA_END": 0.5}), None,
         timeout=SLOW_TIMEOUT, budget=2 * 0.5),
    Case("slow-over-timeout", "answers MAIL FROM 2.5 s late (timeout 1 s)",
         lambda: smtp_script(delays={"MAIL": 2.5}), Timeout,
         ("MAIL FROM", "within 1 s", "nothing arrived"), timeout=SLOW_TIMEOUT),
    Case("trickle-greeting", "trickles the greeting one byte every 0.1 s",
         script({"greeting": trickle(b"220 hostile.test ESMTP, one byte at a time\r\n")}),
         Timeout, ("waiting for the greeting", "received so far: b'220")),
    Case("trickle-final-reply", "trickles the final reply one byte every 0.1 s",
         script({"DATA_END": trickle(b"250 2.0.0 OK queued as TRICKLE\r\n")}), Timeout,
         ("the message", "received so far: b'2", NOT_DELIVERED)),
    # STARTTLS that leads nowhere (security="starttls": nothing may go out in plain text)
    Case("starttls-not-tls", "says 220 to STARTTLS, then answers the handshake in plain text",
         script({"STARTTLS": after_client_hello(not_tls)}, ehlo=STARTTLS_EHLO), TLSError,
         ("STARTTLS handshake", "not TLS"), security="starttls"),
    Case("starttls-close", "says 220 to STARTTLS, then closes during the handshake",
         script({"STARTTLS": after_client_hello(close)}, ehlo=STARTTLS_EHLO), Disconnected,
         ("STARTTLS handshake", "closed the connection"), security="starttls"),
    Case("starttls-reset", "says 220 to STARTTLS, then resets during the handshake",
         script({"STARTTLS": after_client_hello(reset)}, ehlo=STARTTLS_EHLO), Disconnected,
         ("STARTTLS handshake", "reset"), security="starttls"),
    Case("starttls-alert", "says 220 to STARTTLS, then sends a TLS handshake_failure alert",
         script({"STARTTLS": after_client_hello(tls_alert)}, ehlo=STARTTLS_EHLO), TLSError,
         ("STARTTLS handshake", "HANDSHAKE_FAILURE"), security="starttls"),
    Case("starttls-silent", "says 220 to STARTTLS, then never answers the handshake",
         script({"STARTTLS": hold}, ehlo=STARTTLS_EHLO), Timeout,
         ("STARTTLS handshake", "220 to STARTTLS"), security="starttls"),
    Case("starttls-trickle", "trickles a TLS record one byte every 0.1 s",
         script({"STARTTLS": after_client_hello(tls_trickle)}, ehlo=STARTTLS_EHLO), Timeout,
         ("STARTTLS handshake", "within 0.5 s"), security="starttls"),
    Case("starttls-injection", "sends a plain-text reply right after its 220 to STARTTLS",
         script({"STARTTLS_REPLY": injected_after_220}, ehlo=STARTTLS_EHLO),
         RemoteProtocolError, ("STARTTLS", "injected"), security="starttls"),
    Case("starttls-454", "offers STARTTLS, then refuses it with 454",
         script({"STARTTLS_REPLY": garbage(b"454 4.7.0 TLS not available\r\n")},
                ehlo=STARTTLS_EHLO),
         ReplyError, ("STARTTLS", "454"), security="starttls"),
]  # fmt: skip


def case_ids() -> list[str]:
    return [case.id for case in CASES]


@pytest.fixture
def traced() -> Iterator[Callable[[], int]]:
    """Trace memory allocations (every thread of this process); yields ``peak()``."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(case: Case, server: ScriptedServer) -> tuple[Client, SmtplabError | None, float]:
    """Connect and send one message as the case says; return the client, error and time."""
    context = client_context()
    client = Client(
        server.host,
        server.port,
        timeout=case.timeout,
        security=case.security,  # type: ignore[arg-type]
        context=context,
        pipelining=case.pipelining,
        connect=False,
    )
    started = time.monotonic()
    try:
        client.connect()
        client.send_message(MESSAGE, "a@example.com", ["b@example.com"])
        client.quit()
    except SmtplabError as exc:
        return client, exc, time.monotonic() - started
    return client, None, time.monotonic() - started


def check_transcript_readable(client: Client, error: SmtplabError) -> None:
    transcript = error.transcript  # type: ignore[attr-defined]
    assert transcript is client.transcript
    text = str(transcript)
    html = transcript._repr_html_()
    assert repr(transcript).startswith("<Transcript")
    assert isinstance(transcript.dialogue(), str) and isinstance(html, str)
    if client.greeting is not None and client.greeting.code == 220:
        assert "S: 220 hostile.test" in text


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_a_hostile_server_fails_clearly_quickly_and_within_bounds(
    case: Case, traced: Callable[[], int]
) -> None:
    with ScriptedServer(case.script()) as server:  # type: ignore[arg-type]
        client, error, elapsed = run(case, server)
        peak = traced()
    budget = case.timeout if case.budget is None else case.budget
    assert elapsed < budget + MARGIN, f"took {elapsed:.2f} s"
    assert peak < MEMORY_LIMIT, f"the client held {peak} bytes at its peak"
    assert server.errors == []
    if case.error is None:
        assert error is None, f"{type(error).__name__}: {error}"
        assert client.transcript.entries[-1].direction == "S"  # the 221 to QUIT
        return
    assert type(error) is case.error, f"{type(error).__name__}: {error}"
    message = str(error)
    for needle in case.mentions:
        assert needle in message, f"{needle!r} is not in the message:\n{message}"
    assert len(message) < 2000, "the message quotes a short preview, not the whole stream"
    assert not client.connected, "the socket must be closed after the failure"
    check_transcript_readable(client, error)
    if case.security == "starttls":  # nothing went out in plain text after EHLO
        sent = bytes(server.peers[0].received)
        assert b"MAIL FROM" not in sent and b"AUTH" not in sent


@pytest.mark.parametrize("step", ["MAIL", "RCPT", "DATA"])
def test_after_a_421_every_later_step_says_disconnected(step: str) -> None:
    with ScriptedServer(smtp_script({step: reply_and_close(SHUTDOWN)})) as server:
        client = Client(server.host, server.port, timeout=TIMEOUT)
        with pytest.raises(ReplyError) as caught:
            client.send_message(MESSAGE, "a@example.com", ["b@example.com"])
        assert caught.value.is_transient and caught.value.code == 421
        assert "wait, then connect again" in str(caught.value)
        with pytest.raises(Disconnected, match="421"):
            client.noop()


def test_the_ten_megabyte_line_never_becomes_a_big_string(traced: Callable[[], int]) -> None:
    """Also in the sans-I/O parser alone: memory stays below a few times the line limit."""
    from smtplab.protocol import ClientConnection
    from smtplab.reply_parser import MAX_LINE

    conn = ClientConnection()
    before = traced()
    with pytest.raises(RemoteProtocolError, match="longer than"):
        for _ in range(TEN_MB // len(_LINE_CHUNK)):
            conn.receive_data(_LINE_CHUNK)
            conn.next_event()
    assert traced() - before < 4 * len(_LINE_CHUNK) + 4 * MAX_LINE


def test_the_docs_table_lists_every_case_with_its_result() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = {
        match[1]: line
        for line in text.splitlines()
        if (match := re.match(r"\|\s*`([^`]+)`\s*\|", line))
    }
    missing = [case.id for case in CASES if case.id not in rows]
    assert not missing, f"docs/hostile-peers.md has no row for {missing}"
    for case in CASES:
        result = case.error.__name__ if case.error else "succeeds"
        assert result in rows[case.id], f"the row of {case.id} does not say {result}"


# --- replies that came before their command (early talkers) -------------------------------


def early_250_after_354(peer: Peer) -> None:
    """Answer DATA with 354 and, in the same write, a 250 the message cannot have earned
    yet; read the message, then refuse it with 554."""
    peer.send(b"354 go ahead\r\n250 2.0.0 OK, said too early\r\n")
    peer.message()
    peer.send(b"554 5.7.1 message refused\r\n")
    peer.hold()


def test_a_reply_sent_before_the_message_is_not_taken_as_its_reply() -> None:
    """A reply that arrived before the message went out answers nothing: the message's
    reply is the 554 that came after it, never the early 250 (that would be a message
    reported delivered that the server refused: silent loss)."""
    with ScriptedServer(smtp_script({"DATA": early_250_after_354})) as server:
        client = Client(server.host, server.port, timeout=TIMEOUT)
        with pytest.raises(DataRefused) as caught:
            client.send_message(MESSAGE, "a@example.com", ["b@example.com"])
        client.close()
    assert caught.value.code == 554
    text = str(client.transcript)
    assert "said too early" in text and "554 5.7.1 message refused" in text


def talkative_greeting(peer: Peer) -> None:
    """A 220 and, in the same write, a 250 nobody asked for; then a correct dialogue."""
    peer.send(b"220 hostile.test ESMTP\r\n250 nobody asked\r\n")
    while True:
        verb = peer.line()[:4].upper()
        if verb == b"EHLO":
            peer.send(DEFAULT_EHLO)
        elif verb == b"DATA":
            peer.send(b"354 go ahead\r\n")
            peer.message()
            peer.send(b"250 2.0.0 OK queued as SCRIPTED\r\n")
        elif verb == b"QUIT":
            peer.send(b"221 2.0.0 Bye\r\n")
            peer.close()
        else:
            peer.send(b"250 2.0.0 OK\r\n")


def test_a_reply_sent_with_the_greeting_answers_no_command() -> None:
    """The early 250 answers nothing; every later reply still pairs with its command
    (it used to shift them all by one: EHLO got the 250, DATA the 250 to RCPT)."""
    with ScriptedServer(talkative_greeting) as server:
        client = Client(server.host, server.port, timeout=TIMEOUT)
        reply = client.send_message(MESSAGE, "a@example.com", ["b@example.com"])
        client.quit()
    assert reply.code == 250 and "SCRIPTED" in reply.text
    assert client.extensions.size == 1000000  # the EHLO reply went to EHLO
    early = [e for e in client.transcript.entries if e.raw == b"250 nobody asked\r\n"]
    assert len(early) == 1 and early[0].direction == "S"
    assert "it answers no command" in early[0].annotation  # the transcript says so
    answered = [e.annotation for e in client.transcript.entries if e.direction == "S"]
    assert sum("answers no command" in note for note in answered) == 1


# --- a server that stops reading ----------------------------------------------------------


def stop_reading(peer: Peer) -> None:
    """Read the first bytes of the message, then nothing more: the client's send fills
    the socket buffers and blocks."""
    peer.sleep(peer.limit)


def test_a_send_that_times_out_is_noted_in_the_transcript() -> None:
    """The transcript shows the message as handed to the socket; what became of it (the
    server took no more) is noted after it, as for a read that timed out."""
    ehlo = b"250-hostile.test\r\n250 8BITMIME\r\n"  # no SIZE: the 10 MB message may go
    big = MESSAGE + (b"y" * 998 + b"\r\n") * 10_000
    with ScriptedServer(smtp_script({"BODY": stop_reading}, ehlo=ehlo)) as server:
        client = Client(server.host, server.port, timeout=TIMEOUT)
        started = time.monotonic()
        with pytest.raises(Timeout, match="took no data") as caught:
            client.send_message(big, "a@example.com", ["b@example.com"])
        elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT + MARGIN
    assert caught.value.transcript is client.transcript and not client.connected
    last = client.transcript.entries[-1]
    assert last.direction == "NOTE" and b"timeout after 0.5 s while the message" in last.raw
