"""The server-side session log: made from real bytes, TLS marked, AUTH secrets masked."""

from __future__ import annotations

import base64
import itertools
import re
import smtplib
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smtplab.lab import LabServer, LabSession
from smtplab.lab.sessionlog import SessionRecorder
from smtplab.secrecy import MASK

pytestmark = pytest.mark.timeout(30)

TIMEOUT = 5.0
PASSWORD = "s3cret-Pa55word"


def b64(data: str | bytes) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def wait_closed(session: LabSession) -> LabSession:
    deadline = time.monotonic() + TIMEOUT
    while not session.closed and time.monotonic() < deadline:
        time.sleep(0.005)
    assert session.closed
    return session


def assert_secret_absent(session: LabSession, secret: str) -> None:
    forms = [secret, b64(secret), b64(f"\0student\0{secret}"), b64(f"student\0student\0{secret}")]
    text = str(session) + session._repr_html_() + "\n".join(session.received_lines())
    raw = b"".join(line.raw for line in session.lines)
    for form in forms:
        assert form not in text
        assert form.encode() not in raw


@pytest.fixture
def known_lab(lab_factory) -> LabServer:
    return lab_factory(users={"student": PASSWORD})


def test_full_session_is_logged_with_tls_marked_and_password_masked(known_lab: LabServer) -> None:
    lab = known_lab
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        client.ehlo("learner.example")
        client.starttls(context=lab.ssl_context())
        client.ehlo("learner.example")
        client.user, client.password = "student", PASSWORD
        client.auth("LOGIN", client.auth_login, initial_response_ok=False)
        client.sendmail("student@lab.smtplab.test", ["bob@example.com"], b"Subject: s\r\n\r\nx\r\n")
    session = wait_closed(lab.session(lab.wait_for(1)[0].session_id))
    assert_secret_absent(session, PASSWORD)

    lines = session.lines
    assert lines[0].direction == "S"
    assert lines[0].raw == b"220 lab.smtplab.test ESMTP smtplab lab server\r\n"
    assert lines[1].raw == b"ehlo learner.example\r\n"  # smtplib's own lower case, as sent
    starttls_reply = next(i for i, line in enumerate(lines) if line.raw.startswith(b"220 2.0.0"))
    assert not any(line.tls for line in lines[: starttls_reply + 1])
    assert all(line.tls for line in lines[starttls_reply + 1 :])

    auth = [line for line in lines if line.kind == "auth"]
    assert [line.raw for line in auth] == [
        f"{b64('student')}\r\n".encode(),
        MASK.encode() + b"\r\n",
    ]
    assert [line.secret for line in auth] == [False, True]
    assert session.auth_user == "student"
    assert session.tls and session.tls_version in ("TLSv1.2", "TLSv1.3")

    text = str(session)
    assert "-- TLS started: TLSv1" in text
    assert f"S: 334 UGFzc3dvcmQ6\nC: {MASK}   (AUTH secret hidden)\nS: 235 2.7.0" in text
    assert text.endswith("S: 221 2.0.0 Bye\n-- connection closed --")
    assert session.commands() == [
        "EHLO",
        "STARTTLS",
        "EHLO",
        "AUTH",
        "MAIL",
        "RCPT",
        "DATA",
        "QUIT",
    ]


@pytest.mark.parametrize(
    "exchange",
    [
        [f"AUTH PLAIN {b64(chr(0) + 'student' + chr(0) + PASSWORD)}"],
        ["AUTH PLAIN", b64(f"\0student\0{PASSWORD}")],
        ["AUTH PLAIN   ", b64(f"student\0student\0{PASSWORD}")],
        [f"AUTH LOGIN {b64('student')}", b64(PASSWORD)],
        ["AUTH LOGIN", b64("student"), b64(PASSWORD)],
        [f"auth plain {b64(chr(0) + 'student' + chr(0) + PASSWORD)}"],
        ["Auth Plain", b64(f"\0student\0{PASSWORD}")],
        ["auth login", b64("student"), b64(PASSWORD)],
    ],
    ids=[
        "plain-ir",
        "plain",
        "plain-trailing-space",
        "login-ir",
        "login",
        "plain-ir-lower",
        "plain-mixed",
        "login-lower",
    ],
)
def test_every_form_of_auth_is_masked(known_lab: LabServer, raw_smtp, exchange: list[str]) -> None:
    lab = known_lab
    client = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    client.read_reply()
    client.command("EHLO learner.example")
    replies = [client.command(line) for line in exchange]
    assert replies[-1].code == 235
    client.command("QUIT")
    client.close()
    session = wait_closed(lab.sessions[-1])
    assert_secret_absent(session, PASSWORD)
    assert sum(line.secret for line in session.lines) == 1
    auth_line = next(line for line in session.lines if line.raw[:5].upper() == b"AUTH ")
    assert auth_line.raw.startswith(" ".join(exchange[0].split()[:2]).encode())  # as it came


def test_auth_answers_sent_without_waiting_are_still_masked(known_lab: LabServer, raw_smtp) -> None:
    lab = known_lab
    client = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    client.read_reply()
    client.command("EHLO learner.example")
    client.send(f"AUTH LOGIN\r\n{b64('student')}\r\n{b64(PASSWORD)}\r\nNOOP\r\n")
    assert [client.read_reply().code for _ in range(4)] == [334, 334, 235, 250]
    client.command("QUIT")
    client.close()
    session = wait_closed(lab.sessions[-1])
    assert_secret_absent(session, PASSWORD)
    assert session.commands() == ["EHLO", "AUTH", "NOOP", "QUIT"]


def test_a_failed_auth_then_commands_are_not_masked(known_lab: LabServer, raw_smtp) -> None:
    lab = known_lab
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    assert client.command("AUTH LOGIN").code == 538  # refused before TLS: no exchange
    client.command("NOOP")
    assert "NOOP" in lab.sessions[-1].received_lines()


def test_log_holds_the_bytes_as_received_not_a_rebuilt_dialogue(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.send(b"ehlo  learner.example\nBOGUS\r\nmail from:<a@learner.example>\r\n")
    assert [client.read_reply().code for _ in range(3)] == [250, 500, 250]
    session = lab.sessions[-1]
    assert [(line.direction, line.raw) for line in session.lines[1:4]] == [
        ("C", b"ehlo  learner.example\n"),  # bare LF, two spaces: exactly as sent
        ("C", b"BOGUS\r\n"),  # a command no handler hook ever sees
        ("C", b"mail from:<a@learner.example>\r\n"),
    ]
    assert all(line.direction == "S" for line in session.lines[4:])  # pipelined: replies after
    assert session.received_lines()[:3] == [
        "ehlo  learner.example",
        "BOGUS",
        "mail from:<a@learner.example>",
    ]


def test_message_body_is_one_entry_as_on_the_wire(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    for line in (
        "EHLO learner.example",
        "MAIL FROM:<a@learner.example>",
        "RCPT TO:<b@example.com>",
    ):
        client.command(line)
    client.command("DATA")
    client.send(b"Subject: dots\r\n\r\n..\r\n..foo\r\n.\r\n")
    assert client.read_reply().code == 250
    session = lab.sessions[-1]
    body, dot, final = session.lines[-3:]
    assert (body.kind, body.raw) == ("body", b"Subject: dots\r\n\r\n..\r\n..foo\r\n")
    assert (dot.kind, dot.raw) == ("dot", b".\r\n")
    assert final.raw.startswith(b"250 2.0.0 OK: queued as ")
    assert session.received_lines()[-2:] == ["Subject: dots\n\n..\n..foo", "."]
    assert "C: Subject: dots\nC: \nC: ..\nC: ..foo\nC: .\nS: 250 2.0.0" in str(session)
    assert lab.wait_for(1)[0].data == b"Subject: dots\r\n\r\n.\r\n.foo\r\n"


def test_bare_lf_dot_does_not_end_the_message_in_the_server_or_the_log(
    lab: LabServer, raw_smtp
) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    for line in (
        "EHLO learner.example",
        "MAIL FROM:<a@learner.example>",
        "RCPT TO:<b@example.com>",
    ):
        client.command(line)
    client.command("DATA")
    client.send(b"Subject: smuggle\r\n\r\nline\n.\nMAIL FROM:<x@evil.example>\r\n.\r\n")
    assert client.read_reply().code == 250
    body = lab.sessions[-1].lines[-3]
    assert body.raw == b"Subject: smuggle\r\n\r\nline\n.\nMAIL FROM:<x@evil.example>\r\n"
    assert lab.wait_for(1)[0].data == body.raw


def test_implicit_tls_session_is_all_tls(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    client.read_reply()
    client.command("EHLO learner.example")
    client.command("QUIT")
    client.close()
    session = wait_closed(lab.sessions[-1])
    assert session.listener == "tls"
    assert all(line.tls for line in session.lines)
    rendered = str(session).splitlines()
    assert re.fullmatch(
        r"-- session S1: 127\.0\.0\.1:\d+ -> port \d+ \(implicit TLS\), .* --", rendered[0]
    )
    assert rendered[1].startswith("-- TLS (implicit, from the first byte): TLSv1")
    assert rendered[2] == "S: 220 lab.smtplab.test ESMTP smtplab lab server"


def test_a_tls_connection_is_closed_soon_after_quit_even_if_the_client_lingers(
    lab: LabServer, raw_smtp
) -> None:
    client = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    client.read_reply()
    assert client.command("QUIT").code == 221
    started = time.monotonic()
    wait_closed(lab.sessions[-1])  # the client never closes its end
    assert time.monotonic() - started < 3.0


def test_sessions_are_bounded_and_looked_up_by_id(lab_factory, raw_smtp) -> None:
    lab = lab_factory(max_sessions=2)
    for _ in range(3):
        client = raw_smtp(lab.host, lab.port)
        client.read_reply()
        client.command("QUIT")
    assert [session.id for session in lab.sessions] == ["S2", "S3"]
    assert lab.session("S3").received_lines() == ["QUIT"]
    with pytest.raises(KeyError, match="keeps only the last 2 sessions"):
        lab.session("S1")
    lab.clear_sessions()
    assert lab.sessions == []


def test_html_rendering_escapes_what_was_sent(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("HELO <script>alert(1)</script>")
    page = lab.sessions[-1]._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


# -- the recorder alone, with literal bytes ------------------------------------------------


def record(*events: tuple[str, bytes], body_limit: int = 1000) -> LabSession:
    session = LabSession("S1", "plain")
    recorder = SessionRecorder(session, body_limit=body_limit)
    for direction, data in events:
        if direction == "C":
            recorder.received(data, tls=False, now=time.time())
        else:
            recorder.sent(data, tls=False, now=time.time())
    recorder.close()
    return session


def test_recorder_joins_lines_split_across_reads() -> None:
    session = record(("C", b"EH"), ("C", b"LO x\r\nNO"), ("C", b"OP\r\n"))
    assert [line.raw for line in session.lines] == [b"EHLO x\r\n", b"NOOP\r\n"]


def test_recorder_keeps_a_line_left_without_its_end() -> None:
    session = record(("C", b"QUIT"))
    (line,) = session.lines
    assert (line.raw, line.partial) == (b"QUIT", True)
    assert "no line end" in str(session)


def test_recorder_bounds_the_body_and_counts_the_rest() -> None:
    session = record(
        ("S", b"354 go\r\n"),
        ("C", b"x" * 98 + b"\r\n"),
        ("C", (b"y" * 98 + b"\r\n") * 3 + b".\r\n"),
        body_limit=150,
    )
    body = session.lines[1]
    assert len(body.raw) == 150
    assert body.omitted == 250
    assert "250 more bytes received, not kept" in str(session)
    assert session.lines[2].kind == "dot"


def test_recorder_auth_cancel_with_star_is_visible() -> None:
    session = record(
        ("C", b"AUTH LOGIN\r\n"),
        ("S", b"334 VXNlcm5hbWU6\r\n"),
        ("C", b"*\r\n"),
        ("S", b"501 5.7.0 Auth aborted\r\n"),
        ("C", b"NOOP\r\n"),
    )
    assert [line.raw for line in session.lines if line.direction == "C"] == [
        b"AUTH LOGIN\r\n",
        b"*\r\n",
        b"NOOP\r\n",
    ]
    assert not any(line.secret for line in session.lines)
    assert session.commands() == ["AUTH", "NOOP"]


# -- however the bytes arrive, the same lines -----------------------------------------------

EXCHANGE: list[tuple[str, bytes]] = [
    ("S", b"220 lab ESMTP\r\n"),
    ("C", b"EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"),
    ("S", b"250-lab\r\n250 PIPELINING\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
    ("C", b"Subject: s\r\n\r\n..\r\n..x\r\nbare\n.\nlf\r\nx.\r\n\r\n.\r\nRSET\r\nNOOP\r\n"),
    ("S", b"250 queued\r\n250 ok\r\n250 ok\r\n"),
    ("C", b"AUTH PLAIN c2VjcmV0\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"),
    ("S", b"235 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
    ("C", b".\r\nQUIT\r\n"),  # an empty message, then QUIT
    ("S", b"250 queued\r\n221 bye\r\n"),
]


def lines_of(session: LabSession) -> list[tuple[str, bytes, str, bool, int, bool]]:
    return [
        (line.direction, line.raw, line.kind, line.secret, line.omitted, line.partial)
        for line in session.lines
    ]


@given(cuts=st.lists(st.lists(st.integers(0, 80), max_size=6), min_size=9, max_size=9))
@settings(max_examples=200, deadline=None)
def test_recorder_cuts_the_same_lines_however_the_bytes_arrive(cuts: list[list[int]]) -> None:
    whole = record(*EXCHANGE)
    events = []
    for (direction, data), points in zip(EXCHANGE, cuts, strict=True):
        if direction == "S":
            events.append((direction, data))
            continue
        bounds = [0, *sorted({point % (len(data) + 1) for point in points}), len(data)]
        events.extend(("C", data[a:b]) for a, b in itertools.pairwise(bounds) if b > a)
    assert lines_of(record(*events)) == lines_of(whole)
    bodies = [line.raw for line in whole.lines if line.kind == "body"]
    assert bodies == [b"Subject: s\r\n\r\n..\r\n..x\r\nbare\n.\nlf\r\nx.\r\n\r\n"]
    first, second = ["EHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP"], ["MAIL", "RCPT", "DATA"]
    assert whole.commands() == [*first, "AUTH", *second, "QUIT"]


def test_recorder_ends_a_body_only_at_a_dot_line() -> None:
    long_line = b"y" * (70 * 1024)  # no line end for > 64 KiB: kept as it comes
    session = record(
        ("S", b"354 go\r\n"),
        ("C", long_line),
        ("C", b".\r\nmore\r\n.\r\n"),  # this ".\r\n" ends the long line, not the body
        body_limit=200 * 1024,
    )
    body, dot = session.lines[1:]
    assert (body.kind, body.raw) == ("body", long_line + b".\r\nmore\r\n")
    assert dot.kind == "dot"


# -- one copy of each message, and bounded logs ----------------------------------------------


def send_messages(lab: LabServer, bodies: list[bytes]) -> None:
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        for body in bodies:
            client.sendmail("a@learner.example", ["b@example.com"], body)


def test_the_log_and_the_inbox_share_one_copy_of_a_message(lab: LabServer) -> None:
    plain = b"Subject: one copy\r\n\r\nhello\r\n"
    dotted = b"Subject: dots\r\n\r\n.leading dot\r\n"
    send_messages(lab, [plain, dotted])
    first, second = lab.wait_for(2)
    bodies = [line for line in lab.session(first.session_id).lines if line.kind == "body"]
    assert bodies[0].raw is first.data and first.data == plain
    # Dot-stuffed on the wire: the log keeps what was sent, the inbox what it means.
    assert (bodies[1].raw, second.data) == (b"Subject: dots\r\n\r\n..leading dot\r\n", dotted)


def test_the_message_is_parsed_only_when_asked_for(lab: LabServer) -> None:
    send_messages(lab, [b"Subject: lazy\r\n\r\nx\r\n"])
    (message,) = lab.wait_for(1)
    assert "message" not in vars(message)  # no parsed copy kept until someone asks
    assert message.subject == "lazy"
    assert message.message is message.message


def test_a_long_session_keeps_its_first_lines_and_says_how_many_more(lab_factory) -> None:
    lab = lab_factory(max_session_lines=12)
    send_messages(lab, [b"Subject: %d\r\n\r\nx\r\n" % n for n in range(3)])
    assert len(lab.wait_for(3)) == 3  # the inbox is not affected
    session = wait_closed(lab.sessions[-1])
    assert len(session.lines) == session.max_lines == 12
    assert session.omitted_lines > 0
    rendered = str(session).splitlines()
    assert rendered[-2:] == [
        f"-- ... {session.omitted_lines} more line(s) not kept in the log "
        "(a session keeps its first 12) --",
        "-- connection closed --",
    ]


def test_max_session_lines_must_be_a_positive_int() -> None:
    with pytest.raises(ValueError, match="max_session_lines must be a positive int"):
        LabServer(max_session_lines=0)


def test_a_full_inbox_lets_the_log_keep_only_the_start_of_a_dropped_message(
    lab_factory,
) -> None:
    from smtplab.lab.sessionlog import RELEASED_BODY_KEEP

    lab = lab_factory(max_messages=1)
    head = b"Subject: first\r\n\r\n"
    first = head + b"a line of the first message\r\n" * 100
    second = b"Subject: second\r\n\r\n" + b"x\r\n" * 400
    send_messages(lab, [first, second])
    (kept,) = lab.wait_for(2)
    assert lab.dropped_messages == 1
    session = lab.session(kept.session_id)
    body_one, body_two = [line for line in session.lines if line.kind == "body"]
    assert body_two.raw is kept.data  # still in the inbox: whole, and shared
    assert first.startswith(body_one.raw) and body_one.raw.endswith(b"\r\n")
    assert head in body_one.raw and len(body_one.raw) <= RELEASED_BODY_KEEP
    assert body_one.omitted == len(first) - len(body_one.raw)
    assert f"C: [... {body_one.omitted} more bytes received, not kept in the log]" in str(session)


def test_releasing_a_body_is_harmless_when_the_log_did_not_keep_it() -> None:
    session = record(("S", b"354 go\r\n"), ("C", b"x\r\n.\r\n"))
    session._release_body("NOSUCHID")  # never linked: nothing happens
    assert session.lines[1].raw == b"x\r\n"


def test_what_a_peer_sends_cannot_act_on_the_terminal_or_page_showing_the_log(
    lab: LabServer, raw_smtp
) -> None:
    """Any process on the host can write into a lab's log: ESC sequences, CR, C1 and bidi
    controls are shown as stand-ins when the log is printed or drawn, never as they are,
    while ``received_lines()`` (what checks read) keeps the text exactly."""
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    hostile = "NOOP \x1b[2J\x1b]0;pwned\x07 \u202egnp.exe \x9b31m \rover"
    client.send(hostile.encode() + b"\r\n")
    assert client.read_reply().code == 250
    client.send(b"QUIT\r\n")
    client.read_reply()
    session = wait_closed(lab.sessions[-1])
    for shown in (str(session), session._repr_html_()):
        assert not any(c in shown for c in "\x1b\x07\x9b\u202e\r")
    assert "NOOP ␛[2J␛]0;pwned␇ ⟨U+202E⟩gnp.exe ⟨U+009B⟩31m ␍over" in str(session)
    assert hostile in session.received_lines()
