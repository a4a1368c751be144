"""The sans-I/O client: literal bytes in, replies, states and bytes out."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtplab import legality
from smtplab.commands import (
    Auth,
    AuthContinuation,
    Command,
    Data,
    Ehlo,
    Helo,
    Mail,
    MailData,
    Noop,
    Quit,
    RawCommand,
    Rcpt,
    Rset,
    StartTLS,
    Vrfy,
)
from smtplab.data_encoding import message_facts
from smtplab.errors import LocalProtocolError, RemoteProtocolError
from smtplab.events import CLOSED, GREETING, NEED_DATA, Answer, ConnectionClosed, NeedData, State
from smtplab.protocol import TRANSITIONS, ClientConnection
from smtplab.replies import Reply
from smtplab.reply_parser import MAX_LINE, ReplyParser

# --- the reply parser: literal examples ----------------------------------------------

EHLO_BYTES = (
    b"250-lab.smtplab.test\r\n"
    b"250-SIZE 10485760\r\n"
    b"250-8BITMIME\r\n"
    b"250-SMTPUTF8\r\n"
    b"250-PIPELINING\r\n"
    b"250 STARTTLS\r\n"
)


def parse_all(*chunks: bytes) -> list[Reply]:
    parser = ReplyParser()
    replies: list[Reply] = []
    for chunk in chunks:
        parser.feed(chunk)
        replies.extend(parser)
    return replies


def test_one_line_reply() -> None:
    [reply] = parse_all(b"220 lab.smtplab.test ESMTP ready\r\n")
    assert reply.code == 220
    assert reply.lines == ("lab.smtplab.test ESMTP ready",)
    assert reply.raw == b"220 lab.smtplab.test ESMTP ready\r\n"


def test_multi_line_reply() -> None:
    [reply] = parse_all(EHLO_BYTES)
    assert reply.code == 250
    assert reply.lines == (
        "lab.smtplab.test",
        "SIZE 10485760",
        "8BITMIME",
        "SMTPUTF8",
        "PIPELINING",
        "STARTTLS",
    )
    assert reply.raw == EHLO_BYTES


def test_multi_line_reply_split_at_every_byte() -> None:
    expected = parse_all(EHLO_BYTES)
    assert parse_all(*[EHLO_BYTES[i : i + 1] for i in range(len(EHLO_BYTES))]) == expected
    for cut in range(len(EHLO_BYTES) + 1):
        replies = parse_all(EHLO_BYTES[:cut], EHLO_BYTES[cut:])
        assert replies == expected
        assert replies[0].raw == EHLO_BYTES


def test_incomplete_reply_waits() -> None:
    parser = ReplyParser()
    parser.feed(b"250-lab.smtplab.test\r\n250-SIZE 100\r\n250 PIPELIN")
    assert parser.next_reply() is None
    assert parser.buffered == len(b"250-lab.smtplab.test\r\n250-SIZE 100\r\n250 PIPELIN")
    parser.feed(b"ING\r")
    assert parser.next_reply() is None
    parser.feed(b"\n")
    reply = parser.next_reply()
    assert reply is not None and reply.lines[-1] == "PIPELINING"
    assert parser.buffered == 0


def test_several_replies_in_one_chunk() -> None:
    replies = parse_all(b"250 2.1.0 OK\r\n250 2.1.5 OK\r\n550 5.1.1 No such user\r\n354 Go on\r\n")
    assert [reply.code for reply in replies] == [250, 250, 550, 354]
    assert replies[2].text == "5.1.1 No such user"
    assert replies[2].raw == b"550 5.1.1 No such user\r\n"


def test_bare_lf_line_ends_are_tolerated_and_kept_in_raw() -> None:
    [first, second] = parse_all(b"250-mx\n250 SIZE 5\n220 x\r\n")
    assert first.lines == ("mx", "SIZE 5")
    assert first.raw == b"250-mx\n250 SIZE 5\n"
    assert second.lines == ("x",)


def test_code_alone_is_a_last_line_with_no_text() -> None:
    [reply] = parse_all(b"250\r\n")
    assert reply.code == 250 and reply.lines == ("",)
    [reply] = parse_all(b"250-first\r\n250\r\n")
    assert reply.lines == ("first", "")


def test_utf8_and_gbk_text_are_decoded() -> None:
    [utf8, gbk] = parse_all("250 好的\r\n".encode(), "550 用户不存在\r\n".encode("gbk"))
    assert utf8.text == "好的"
    assert gbk.text == "用户不存在"


def test_text_keeps_inner_spaces() -> None:
    [reply] = parse_all(b"250  two  spaces \r\n")
    assert reply.lines == (" two  spaces ",)


# --- the reply parser: malformed replies ---------------------------------------------


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"hello\r\n", "does not start with a reply code"),
        (b"25 short\r\n", "does not start with a reply code"),
        (b"\r\n", "does not start with a reply code"),
        (b"650 six hundred\r\n", "the first 2 to 5"),
        (b"1xx nope\r\n", "reply code"),
        (b"+OK POP3 server ready\r\n", "POP3"),
        (b"* OK IMAP4rev1 ready\r\n", "IMAP"),
        (b"HTTP/1.1 400 Bad Request\r\n", "web server"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "SSH"),
        (b"\x15\x03\x03\x00\x02\x02\x46\n", "TLS"),
        (b"250_OK\r\n", "not '-' (more lines follow) or ' '"),
        (b"250-one\r\n251 two\r\n", "changed the reply code from 250 to 251"),
    ],
)
def test_malformed_replies(data: bytes, needle: str) -> None:
    parser = ReplyParser()
    parser.feed(data)
    with pytest.raises(RemoteProtocolError, match=re.escape(needle)) as caught:
        parser.next_reply()
    assert repr(data[:20])[2:12] in str(caught.value)  # shows what was seen
    assert parser.failed


def test_error_comes_after_the_good_replies() -> None:
    parser = ReplyParser()
    parser.feed(b"250 OK\r\n250 fine\r\ngarbage\r\n250 never seen\r\n")
    assert parser.next_reply() == Reply(250, ("OK",))
    assert parser.next_reply() == Reply(250, ("fine",))
    with pytest.raises(RemoteProtocolError):
        parser.next_reply()
    with pytest.raises(RemoteProtocolError):  # sticky
        parser.next_reply()
    with pytest.raises(RemoteProtocolError):
        parser.feed(b"250 more\r\n")


def test_error_message_is_truncated() -> None:
    parser = ReplyParser()
    parser.feed(b"x" * 300 + b"\r\n")
    with pytest.raises(RemoteProtocolError) as caught:
        parser.next_reply()
    assert len(str(caught.value)) < 400
    assert "302 bytes" in str(caught.value)


def test_line_of_max_line_bytes_is_accepted() -> None:
    line = b"250 " + b"x" * (MAX_LINE - 6) + b"\r\n"
    assert len(line) == MAX_LINE
    [reply] = parse_all(line)
    assert len(reply.text) == MAX_LINE - 6


def test_complete_line_over_the_bound_is_refused() -> None:
    parser = ReplyParser()
    parser.feed(b"250 " + b"x" * (MAX_LINE - 5) + b"\r\n")
    with pytest.raises(RemoteProtocolError, match=f"longer than {MAX_LINE} bytes"):
        parser.next_reply()


def test_unended_line_fails_as_soon_as_it_passes_the_bound() -> None:
    parser = ReplyParser()
    parser.feed(b"250 " + b"x" * (MAX_LINE - 4))
    assert parser.next_reply() is None  # exactly the bound: may still end
    parser.feed(b"x")
    with pytest.raises(RemoteProtocolError, match="without ending it"):
        parser.next_reply()
    assert parser.buffered == 0


def test_ten_megabyte_line_never_becomes_a_ten_megabyte_buffer() -> None:
    parser = ReplyParser()
    chunk = b"x" * 65536
    fed = 0
    with pytest.raises(RemoteProtocolError):
        while fed < 10_000_000:
            parser.feed(chunk)  # raises once the parser has failed
            fed += len(chunk)
            assert parser.buffered <= MAX_LINE + len(chunk)
    assert fed <= MAX_LINE + len(chunk)
    assert parser.buffered == 0
    with pytest.raises(RemoteProtocolError, match="without ending it"):
        parser.next_reply()


def test_ten_megabytes_in_one_chunk_are_dropped_at_once() -> None:
    parser = ReplyParser()
    parser.feed(b"250 " + b"x" * 10_000_000)
    assert parser.buffered == 0
    with pytest.raises(RemoteProtocolError):
        parser.next_reply()


def test_too_many_lines() -> None:
    parser = ReplyParser(max_lines=5)
    parser.feed(b"250-x\r\n" * 5)
    with pytest.raises(RemoteProtocolError, match="more than 5 lines"):
        parser.next_reply()
    parser = ReplyParser(max_lines=5)
    parser.feed(b"250-x\r\n" * 4 + b"250 x\r\n")
    assert parser.next_reply() is not None


def test_eof_in_mid_reply() -> None:
    parser = ReplyParser()
    parser.feed(b"250-lab\r\n250-SIZE")
    parser.feed_eof()
    with pytest.raises(RemoteProtocolError, match="closed the connection in the middle"):
        parser.next_reply()


def test_eof_between_replies_is_clean() -> None:
    parser = ReplyParser()
    parser.feed(b"221 Bye\r\n")
    parser.feed_eof()
    assert parser.at_eof
    assert parser.next_reply() == Reply(221, ("Bye",))
    assert parser.next_reply() is None
    with pytest.raises(LocalProtocolError):
        parser.feed(b"more")


def test_eof_after_a_broken_reply_is_still_the_end_of_the_stream() -> None:
    parser = ReplyParser()
    parser.feed(b"HTTP/1.1 400 Bad Request\r\n")
    parser.feed_eof()
    assert parser.failed and parser.at_eof  # "True once feed_eof() was called"
    with pytest.raises(RemoteProtocolError, match="does not start with a reply code"):
        parser.next_reply()


# --- the reply parser: properties -----------------------------------------------------

line_text = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)),
    max_size=40,
)
replies = st.builds(
    lambda code, lines: Reply.from_text(code, *lines),
    st.integers(min_value=200, max_value=599),
    st.lists(line_text, min_size=1, max_size=6),
)


@given(st.lists(replies, min_size=1, max_size=4), st.data())
def test_any_replies_split_anywhere_parse_the_same(sent: list[Reply], data: st.DataObject) -> None:
    stream = b"".join(reply.raw for reply in sent)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    received = parse_all(*chunks)
    assert received == sent
    assert [reply.raw for reply in received] == [reply.raw for reply in sent]


# --- the connection: helpers ----------------------------------------------------------

GREETING_BYTES = b"220 lab.smtplab.test ESMTP smtplab lab server\r\n"
LAB_EHLO = (
    b"250-lab.smtplab.test\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
    b"250-PIPELINING\r\n250-AUTH LOGIN PLAIN\r\n250 STARTTLS\r\n"
)


def answer(conn: ClientConnection) -> Answer:
    event = conn.next_event()
    assert isinstance(event, Answer), event
    return event


def exchange(conn: ClientConnection, command: Command, reply: bytes) -> Answer:
    conn.send(command)
    conn.receive_data(reply)
    got = answer(conn)
    assert got.command is command
    return got


def greeted(greeting: bytes = GREETING_BYTES) -> ClientConnection:
    conn = ClientConnection()
    conn.receive_data(greeting)
    assert answer(conn).greeting
    return conn


def ready(ehlo: bytes = LAB_EHLO) -> ClientConnection:
    conn = greeted()
    exchange(conn, Ehlo("learner.example"), ehlo)
    assert conn.state is State.READY
    return conn


def in_rcpt(ehlo: bytes = LAB_EHLO) -> ClientConnection:
    conn = ready(ehlo)
    exchange(conn, Mail("student@lab.smtplab.test"), b"250 2.1.0 OK\r\n")
    exchange(conn, Rcpt("bob@example.com"), b"250 2.1.5 OK\r\n")
    return conn


# --- the connection: a whole session --------------------------------------------------


def test_a_whole_session_like_the_transcript_example() -> None:
    conn = ClientConnection()
    assert conn.state is State.AWAIT_GREETING
    assert conn.next_event() is NEED_DATA

    conn.receive_data(GREETING_BYTES[:10])
    assert conn.next_event() is NEED_DATA
    conn.receive_data(GREETING_BYTES[10:])
    greeting = answer(conn)
    assert greeting.greeting and greeting.command is None and not greeting.unsolicited
    assert greeting.code == 220
    assert conn.greeting == greeting.reply
    assert conn.state is State.GREETED

    assert conn.send(Ehlo("learner.example")) == b"EHLO learner.example\r\n"
    conn.receive_data(LAB_EHLO)
    assert answer(conn).reply.lines[0] == "lab.smtplab.test"
    assert conn.state is State.READY
    assert conn.extensions.starttls and conn.extensions.size == 10485760

    assert conn.send(StartTLS()) == b"STARTTLS\r\n"
    conn.receive_data(b"220 2.0.0 Ready to start TLS\r\n")
    answer(conn)
    assert conn.state is State.TLS_PENDING
    assert not conn.extensions.starttls  # forgotten (RFC 3207 §4.2)
    conn.start_tls()
    assert conn.tls_active and conn.state is State.GREETED

    exchange(conn, Ehlo("learner.example"), LAB_EHLO.replace(b"250 STARTTLS", b"250 HELP"))
    assert conn.extensions.auth_mechanisms == {"LOGIN", "PLAIN"}

    exchange(conn, Auth("LOGIN"), b"334 VXNlcm5hbWU6\r\n")
    assert conn.state is State.AUTH_IN_PROGRESS
    exchange(conn, AuthContinuation("c3R1ZGVudA==", secret=False), b"334 UGFzc3dvcmQ6\r\n")
    assert conn.state is State.AUTH_IN_PROGRESS
    exchange(conn, AuthContinuation("c2VjcmV0"), b"235 2.7.0 Authentication successful\r\n")
    assert conn.state is State.READY and conn.authenticated

    exchange(conn, Mail("student@lab.smtplab.test", ("BODY=8BITMIME",)), b"250 2.1.0 OK\r\n")
    assert conn.state is State.MAIL
    exchange(conn, Rcpt("bob@example.com"), b"250 2.1.5 OK\r\n")
    assert conn.state is State.RCPT
    exchange(conn, Data(), b"354 End data with <CR><LF>.<CR><LF>\r\n")
    assert conn.state is State.DATA and conn.writing_message

    wire = conn.send_data("Subject: 你好\n\n.hi\n".encode())
    assert wire == "Subject: 你好\r\n\r\n..hi\r\n.\r\n".encode()
    assert not conn.writing_message
    assert isinstance(conn.pending[0], MailData)
    conn.receive_data(b"250 2.0.0 OK: queued as 1A2B3C\r\n")
    assert isinstance(answer(conn).command, MailData)
    assert conn.state is State.READY

    exchange(conn, Quit(), b"221 2.0.0 Bye\r\n")
    assert conn.state is State.CLOSED
    assert "221" in conn.closed_reason
    assert conn.next_event() is CLOSED
    with pytest.raises(LocalProtocolError, match="closed"):
        conn.send(Noop())


def test_sentinels() -> None:
    assert NeedData() is NEED_DATA and ConnectionClosed() is CLOSED
    assert repr(NEED_DATA) == "NEED_DATA" and repr(CLOSED) == "CLOSED"
    import pickle

    assert pickle.loads(pickle.dumps(NEED_DATA)) is NEED_DATA


# --- pipelining -----------------------------------------------------------------------


def test_pipelined_commands_get_their_own_replies() -> None:
    conn = ready()
    commands = [
        Mail("student@lab.smtplab.test"),
        Rcpt("bob@example.com"),
        Rcpt("nobody@example.com"),
        Rcpt("carol@example.com"),
        Data(),
    ]
    for command in commands[:-1]:
        assert conn.is_legal(command) == (True, "")
        assert conn.can_pipeline(command)
        conn.send(command)
    assert conn.is_legal(commands[-1]) == (True, "")
    assert not conn.can_pipeline(commands[-1])  # DATA ends the group
    conn.send(commands[-1])
    assert conn.pending == tuple(commands)

    stream = (
        b"250 2.1.0 OK\r\n250 2.1.5 OK\r\n550 5.1.1 No such user\r\n"
        b"250 2.1.5 OK\r\n354 Go ahead\r\n"
    )
    conn.receive_data(stream[:20])
    first = answer(conn)
    assert first.command is commands[0]
    assert conn.next_event() is NEED_DATA
    conn.receive_data(stream[20:])
    rest = list(conn.events())
    assert [a.command for a in rest] == commands[1:]
    assert [a.code for a in rest] == [250, 550, 250, 354]
    assert conn.state is State.DATA and conn.pending == ()


def test_message_may_be_followed_by_the_next_transaction() -> None:
    conn = in_rcpt()
    exchange(conn, Data(), b"354 Go\r\n")
    conn.send_data(b"one")
    [message] = conn.pending
    second = Mail("student@lab.smtplab.test")
    assert conn.is_legal(second) == (True, "")
    conn.send(second)
    conn.receive_data(b"250 queued\r\n250 OK\r\n")
    assert [a.command for a in conn.events()] == [message, second]
    assert conn.state is State.MAIL


def test_no_pipelining_without_the_extension() -> None:
    conn = ready(b"250-lab\r\n250 SIZE 100\r\n")
    mail = Mail("a@b.c")
    assert not conn.can_pipeline(mail)
    conn.send(mail)
    ok, why = conn.is_legal(Rcpt("d@e.f"))
    assert not ok and "PIPELINING" in why


def test_waiting_is_required_after_a_group_ender() -> None:
    conn = ready()
    conn.send(Ehlo("again"))
    ok, why = conn.is_legal(Mail("a@b.c"))
    assert not ok and "wait for the reply to 'EHLO again'" in why and "2920" in why


def test_failed_mail_in_a_pipeline_leaves_no_transaction() -> None:
    conn = ready()
    conn.send(Mail("a@b.c"))
    conn.send(Rcpt("d@e.f"))
    conn.send(Data())
    conn.receive_data(b"550 5.7.1 sender refused\r\n503 5.5.1 need MAIL\r\n503 5.5.1 need RCPT\r\n")
    assert [a.code for a in conn.events()] == [550, 503, 503]
    assert conn.state is State.READY and not conn.writing_message


# --- early talkers, greetings, 421, EOF -----------------------------------------------


def test_command_sent_before_the_greeting_gets_the_reply_after_it() -> None:
    conn = ClientConnection()
    ehlo = Ehlo("impatient.example")
    ok, why = conn.is_legal(ehlo)
    assert not ok and "greeting" in why and "early talker" in why
    conn.send(ehlo)
    conn.receive_data(GREETING_BYTES + LAB_EHLO)
    first, second = answer(conn), answer(conn)
    assert first.greeting and first.command is None
    assert second.command is ehlo and conn.state is State.READY


def test_rejecting_greeting_leaves_only_quit() -> None:
    conn = greeted(b"554 5.7.1 No SMTP service here\r\n")
    assert conn.state is State.REJECTED
    assert conn.is_legal(Quit()) == (True, "")
    ok, why = conn.is_legal(Ehlo("x"))
    assert not ok and "only QUIT" in why
    exchange(conn, Quit(), b"221 Bye\r\n")
    assert conn.state is State.CLOSED


@pytest.mark.parametrize("setup", ["greeting", "ready", "rcpt", "data", "auth"])
def test_unsolicited_421_closes_from_any_state(setup: str) -> None:
    if setup == "greeting":
        conn = ClientConnection()
    elif setup == "ready":
        conn = ready()
    elif setup == "auth":
        conn = ready()
        exchange(conn, Auth("LOGIN"), b"334 VXNlcm5hbWU6\r\n")
    else:
        conn = in_rcpt()
        if setup == "data":
            exchange(conn, Data(), b"354 go\r\n")
    conn.receive_data(b"421 4.4.2 lab.smtplab.test Timeout, closing\r\n")
    got = answer(conn)
    assert got.code == 421
    assert conn.state is State.CLOSED
    assert "421" in conn.closed_reason
    assert conn.next_event() is CLOSED
    ok, why = conn.is_legal(Noop())
    assert not ok and "closed" in why


def test_421_in_reply_to_a_command_is_matched_to_it() -> None:
    conn = ready()
    got = exchange(conn, Mail("a@b.c"), b"421 4.3.2 System shutting down\r\n")
    assert got.command == Mail("a@b.c") and not got.unsolicited
    assert conn.state is State.CLOSED


def test_unsolicited_reply_is_surfaced_without_changing_the_state() -> None:
    conn = ready()
    conn.receive_data(b"250 I repeat myself\r\n")
    got = answer(conn)
    assert got.unsolicited and got.command is None
    assert conn.state is State.READY


def test_a_reply_received_before_a_command_is_sent_does_not_answer_it() -> None:
    """A 250 that came in the same read as the 354 answers nothing, not the message sent
    after it; the reply to the message is the one that came after it (here, 554)."""
    conn = in_rcpt()
    conn.send(Data())
    conn.receive_data(b"354 go\r\n250 2.0.0 said too early\r\n")
    assert answer(conn).code == 354
    message = MailData(b"Subject: x\r\n\r\nHi\r\n")
    conn.send(message)
    conn.receive_data(b"554 5.7.1 refused\r\n")
    early, refused = answer(conn), answer(conn)
    assert early.unsolicited and early.code == 250
    assert refused.command is message and refused.code == 554


def test_a_reply_begun_before_a_command_is_sent_does_not_answer_it() -> None:
    conn = ready()
    conn.receive_data(b"250 2.0.0 half")  # the rest comes after NOOP went out
    noop = Noop()
    conn.send(noop)
    conn.receive_data(b" a reply\r\n250 2.0.0 OK\r\n")
    early, reply = answer(conn), answer(conn)
    assert early.unsolicited and reply.command is noop


def test_server_closing_the_connection() -> None:
    conn = ready()
    conn.send(Noop())
    conn.receive_data(b"")
    assert conn.next_event() is CLOSED
    assert conn.state is State.CLOSED
    assert conn.pending == (Noop(),)  # never answered: the driver can say so
    assert "closed the connection" in conn.closed_reason
    with pytest.raises(LocalProtocolError):
        conn.receive_data(b"250 late\r\n")


def test_replies_before_eof_are_still_delivered() -> None:
    conn = ready()
    conn.send(Quit())
    conn.receive_data(b"221 Bye\r\n")
    conn.receive_data(b"")
    assert answer(conn).code == 221
    assert conn.next_event() is CLOSED


def test_eof_in_mid_reply_is_a_protocol_error() -> None:
    conn = greeted()
    conn.send(Ehlo("x"))
    conn.receive_data(b"250-lab\r\n250-SIZ")
    conn.receive_data(b"")
    with pytest.raises(RemoteProtocolError, match="middle of a reply"):
        conn.next_event()
    assert conn.state is State.CLOSED


def test_garbage_closes_the_connection() -> None:
    conn = greeted()
    conn.send(Noop())
    conn.receive_data(b"250 OK\r\nthis is not smtp\r\n")
    assert answer(conn).code == 250
    with pytest.raises(RemoteProtocolError):
        conn.next_event()
    assert conn.state is State.CLOSED
    assert "broke the protocol" in conn.closed_reason


def test_huge_line_from_the_server() -> None:
    conn = ClientConnection()
    conn.receive_data(b"220 " + b"x" * 10_000_000)
    with pytest.raises(RemoteProtocolError, match="longer than"):
        conn.next_event()


# --- EHLO, HELO, RSET -----------------------------------------------------------------


def test_helo_fallback_after_ehlo_refused() -> None:
    conn = greeted()
    exchange(conn, Ehlo("x"), b"502 5.5.2 Command not recognized\r\n")
    assert conn.state is State.GREETED
    exchange(conn, Helo("x"), b"250 old.example.net\r\n")
    assert conn.state is State.READY
    assert conn.extensions.server_name == "old.example.net"
    assert not conn.extensions.ehlo and len(conn.extensions) == 0
    ok, why = conn.is_legal(StartTLS())
    assert not ok and "EHLO (not HELO)" in why


def test_ehlo_inside_a_transaction_resets_it() -> None:
    conn = in_rcpt()
    exchange(conn, Ehlo("again"), LAB_EHLO)
    assert conn.state is State.READY


def test_rset_ends_the_transaction() -> None:
    conn = in_rcpt()
    exchange(conn, Rset(), b"250 2.0.0 OK\r\n")
    assert conn.state is State.READY


def test_refused_commands_change_nothing() -> None:
    conn = ready()
    exchange(conn, Mail("a@b.c"), b"550 5.7.1 Not you\r\n")
    assert conn.state is State.READY
    exchange(conn, Mail("a@b.c"), b"250 OK\r\n")
    exchange(conn, Rcpt("x@y.z"), b"550 5.1.1 No such user\r\n")
    assert conn.state is State.MAIL
    exchange(conn, Data(), b"554 5.5.1 No valid recipients\r\n")
    assert conn.state is State.MAIL and not conn.writing_message


# --- AUTH -----------------------------------------------------------------------------


def test_auth_plain_with_initial_response() -> None:
    conn = ready()
    exchange(conn, Auth("PLAIN", "AHN0dWRlbnQAc2VjcmV0"), b"235 2.7.0 OK\r\n")
    assert conn.state is State.READY and conn.authenticated
    ok, why = conn.is_legal(Auth("PLAIN", "AA=="))
    assert not ok and "already logged in" in why


def test_auth_failure() -> None:
    conn = ready()
    exchange(conn, Auth("PLAIN", "AHN0dWRlbnQAd3Jvbmc="), b"535 5.7.8 Bad credentials\r\n")
    assert conn.state is State.READY and not conn.authenticated


def test_typed_auth_answers_and_cancel() -> None:
    conn = ready()
    exchange(conn, RawCommand("AUTH LOGIN"), b"334 VXNlcm5hbWU6\r\n")
    assert conn.state is State.AUTH_IN_PROGRESS
    raw = RawCommand("c3R1ZGVudA==")
    assert conn.is_legal(raw) == (True, "")
    exchange(conn, raw, b"334 UGFzc3dvcmQ6\r\n")
    ok, why = conn.is_legal(Mail("a@b.c"))
    assert not ok and "334" in why and "'*' to cancel" in why
    exchange(conn, RawCommand("*"), b"501 5.7.0 Authentication cancelled\r\n")
    assert conn.state is State.READY and not conn.authenticated


def test_long_raw_auth_answer_is_allowed() -> None:
    conn = ready()
    exchange(conn, Auth("XOAUTH2"), b"334 \r\n")
    token = RawCommand("A" * 2000)
    conn.send(token)  # 2002 octets: fine for an AUTH answer


def test_starttls_forgets_the_login() -> None:
    conn = ready()
    exchange(conn, Auth("PLAIN", "AA=="), b"235 OK\r\n")
    exchange(conn, StartTLS(), b"220 Go ahead\r\n")
    assert not conn.authenticated


# --- TLS ------------------------------------------------------------------------------


def test_bytes_injected_after_starttls_are_refused() -> None:
    conn = ready()
    conn.send(StartTLS())
    conn.receive_data(b"220 2.0.0 Ready to start TLS\r\n250-evil\r\n250 AUTH PLAIN\r\n")
    with pytest.raises(RemoteProtocolError, match="injected"):
        conn.next_event()
    assert conn.state is State.CLOSED


def test_bytes_arriving_before_the_handshake_are_refused() -> None:
    conn = ready()
    exchange(conn, StartTLS(), b"220 2.0.0 Ready\r\n")
    conn.receive_data(b"250 sneaky")
    with pytest.raises(RemoteProtocolError, match="before TLS began"):
        conn.start_tls()
    assert not conn.tls_active


def test_starttls_refused_keeps_the_session() -> None:
    conn = ready()
    exchange(conn, StartTLS(), b"454 4.7.0 TLS not available\r\n")
    assert conn.state is State.READY and conn.extensions.starttls


def test_implicit_tls() -> None:
    conn = ClientConnection()
    conn.start_tls()
    assert conn.tls_active and conn.state is State.AWAIT_GREETING
    conn.receive_data(GREETING_BYTES)
    assert answer(conn).greeting and conn.state is State.GREETED
    with pytest.raises(LocalProtocolError, match="already"):
        conn.start_tls()


def test_start_tls_at_the_wrong_moment() -> None:
    conn = ready()
    with pytest.raises(LocalProtocolError, match="STARTTLS"):
        conn.start_tls()


def test_starttls_is_not_offered_twice() -> None:
    conn = ready()
    exchange(conn, StartTLS(), b"220 Go ahead\r\n")
    ok, why = conn.is_legal(Ehlo("x"))
    assert not ok and "TLS handshake" in why
    conn.start_tls()
    exchange(conn, Ehlo("x"), LAB_EHLO)
    ok, why = conn.is_legal(StartTLS())
    assert not ok and "already on" in why


# --- the message, line by line --------------------------------------------------------


def test_message_typed_line_by_line() -> None:
    conn = in_rcpt()
    exchange(conn, RawCommand("DATA"), b"354 Go\r\n")
    for line in ["Subject: by hand", "", "Hello", "..a stuffed dot"]:
        assert conn.is_legal(RawCommand(line)) == (True, "")
        assert conn.send(RawCommand(line)) == line.encode() + b"\r\n"
        assert conn.pending == ()  # message lines get no reply
    assert conn.writing_message
    end = RawCommand(".")
    conn.send(end)
    assert conn.pending == (end,) and not conn.writing_message
    conn.receive_data(b"250 2.0.0 queued\r\n")
    assert answer(conn).command is end
    assert conn.state is State.READY


def test_a_command_after_354_becomes_part_of_the_message() -> None:
    conn = in_rcpt()
    exchange(conn, Data(), b"354 Go\r\n")
    ok, why = conn.is_legal(Quit())
    assert not ok and "line of it" in why
    assert conn.send(Quit()) == b"QUIT\r\n"
    assert conn.pending == () and conn.writing_message


def test_message_lines_may_be_up_to_1000_octets() -> None:
    conn = in_rcpt()
    exchange(conn, Data(), b"354 Go\r\n")
    conn.send(RawCommand("x" * 998))
    with pytest.raises(LocalProtocolError, match="1000"):
        conn.send(RawCommand("x" * 999))


def test_raw_command_lines_are_held_to_512_octets() -> None:
    conn = ready()
    conn.send(RawCommand("NOOP " + "x" * 505))  # 512 with CRLF
    with pytest.raises(LocalProtocolError, match="512") as caught:
        conn.send(RawCommand("NOOP " + "x" * 506))
    rule = "a command line may have at most 512 (RFC 5321 §4.5.3.1.4)."  # the commands' rule
    assert f"is 513 octets long (CRLF included); {rule} Nothing was sent" in str(caught.value)


def test_send_needs_a_command() -> None:
    with pytest.raises(LocalProtocolError, match="takes a command"):
        ClientConnection().send(b"NOOP\r\n")  # type: ignore[arg-type]


def test_message_before_354() -> None:
    conn = in_rcpt()
    ok, why = conn.is_legal(MailData(b"hi"))
    assert not ok and "354" in why


# --- is_legal: the table of reasons ---------------------------------------------------


def _session(step: str) -> ClientConnection:
    if step == "greeted":
        return greeted()
    if step == "ready":
        return ready()
    if step == "mail":
        conn = ready()
        exchange(conn, Mail("a@b.c"), b"250 OK\r\n")
        return conn
    if step == "rcpt":
        return in_rcpt()
    raise AssertionError(step)


@pytest.mark.parametrize(
    ("step", "command", "needle"),
    [
        ("greeted", Mail("a@b.c"), "503: say EHLO (or HELO) first"),
        ("greeted", Rcpt("a@b.c"), "503: say EHLO"),
        ("greeted", StartTLS(), "503: say EHLO"),
        ("ready", Rcpt("a@b.c"), "503: MAIL FROM first: RCPT needs a transaction"),
        ("ready", Data(), "503: MAIL FROM and RCPT TO first"),
        ("ready", AuthContinuation("eA=="), "no AUTH exchange is in progress"),
        ("ready", MailData(b"x"), "only after the server's 354"),
        ("mail", Data(), "503: RCPT TO first"),
        ("mail", Mail("a@b.c"), "503: a transaction is already open"),
        ("rcpt", Mail("a@b.c"), "503: a transaction is already open"),
        ("rcpt", Auth("PLAIN"), "AUTH is not allowed during a mail transaction"),
        ("mail", StartTLS(), "not accepted inside a mail transaction"),
    ],
)
def test_illegal_commands_and_why(step: str, command: Command, needle: str) -> None:
    conn = _session(step)
    ok, why = conn.is_legal(command)
    assert not ok
    assert needle in why


@pytest.mark.parametrize(
    ("step", "command"),
    [
        ("greeted", Ehlo("x")),
        ("greeted", Helo("x")),
        ("greeted", Noop()),
        ("greeted", Quit()),
        ("ready", Mail("a@b.c")),
        ("ready", Mail("")),
        ("ready", StartTLS()),
        ("ready", Auth("LOGIN")),
        ("ready", Vrfy("bob")),
        ("ready", Ehlo("again")),
        ("ready", RawCommand("XYZZY")),
        ("mail", Rcpt("a@b.c")),
        ("mail", Rset()),
        ("rcpt", Rcpt("c@d.e")),
        ("rcpt", Data()),
        ("rcpt", Quit()),
    ],
)
def test_legal_commands(step: str, command: Command) -> None:
    assert _session(step).is_legal(command) == (True, "")


def test_illegal_commands_are_still_sent() -> None:
    conn = ready()
    rcpt = Rcpt("a@b.c")
    assert not conn.is_legal(rcpt)[0]
    assert conn.send(rcpt) == b"RCPT TO:<a@b.c>\r\n"
    conn.receive_data(b"503 5.5.1 Error: need MAIL command\r\n")
    got = answer(conn)
    assert got.command is rcpt and got.code == 503
    assert conn.state is State.READY


@pytest.mark.parametrize(
    ("ehlo", "command", "needle"),
    [
        (b"250-lab\r\n250 PIPELINING\r\n", StartTLS(), "did not offer STARTTLS"),
        (b"250-lab\r\n250 STARTTLS\r\n", Auth("PLAIN"), "only after STARTTLS"),
        (b"250-lab\r\n250 AUTH LOGIN\r\n", Auth("CRAM-MD5"), "504: the server does not offer"),
        (b"250-lab\r\n250 SIZE 1000\r\n", Mail("a@b.c", ("BODY=8BITMIME",)), "8BITMIME"),
        (b"250-lab\r\n250 SIZE 1000\r\n", Mail("a@b.c", ("SMTPUTF8",)), "SMTPUTF8"),
        (b"250-lab\r\n250 SIZE 1000\r\n", Mail("a@b.c", ("SIZE=2048",)), "552"),
        (b"250-lab\r\n250 8BITMIME\r\n", Mail("张@b.c"), "553"),
        (b"250-lab\r\n250 SMTPUTF8\r\n", Mail("张@b.c"), "SMTPUTF8 parameter"),
    ],
)
def test_extension_checks(ehlo: bytes, command: Command, needle: str) -> None:
    ok, why = ready(ehlo).is_legal(command)
    assert not ok and needle in why


def test_extension_checks_pass_when_offered() -> None:
    conn = ready(LAB_EHLO)
    assert conn.is_legal(Mail("张@b.c", ("SMTPUTF8", "BODY=8BITMIME", "SIZE=100"))) == (True, "")


def test_utf8_recipient_needs_smtputf8_on_mail() -> None:
    conn = ready()
    exchange(conn, Mail("a@b.c"), b"250 OK\r\n")
    ok, why = conn.is_legal(Rcpt("张@例子.中国"))
    assert not ok and "SMTPUTF8" in why
    conn = ready()
    exchange(conn, Mail("a@b.c", ("SMTPUTF8",)), b"250 OK\r\n")
    assert conn.is_legal(Rcpt("张@例子.中国")) == (True, "")


def test_8bit_message_without_body_param_is_flagged() -> None:
    conn = in_rcpt()
    exchange(conn, Data(), b"354 Go\r\n")
    ok, why = conn.is_legal(MailData("你好".encode()))
    assert not ok and "BODY=8BITMIME" in why
    assert conn.is_legal(MailData(b"plain")) == (True, "")


# --- the table ------------------------------------------------------------------------


def test_transitions_is_a_table() -> None:
    assert TRANSITIONS[(State.AWAIT_GREETING, GREETING, 2)] is State.GREETED
    assert TRANSITIONS[(State.READY, "MAIL", 2)] is State.MAIL
    assert TRANSITIONS[(State.RCPT, "DATA", 3)] is State.DATA
    assert TRANSITIONS[(State.DATA, "MAIL-DATA", 5)] is State.READY
    assert (State.READY, "MAIL", 5) not in TRANSITIONS  # refused: nothing changes
    for (state, keyword, klass), target in TRANSITIONS.items():
        assert isinstance(state, State) and isinstance(target, State)
        assert klass in (2, 3, 4, 5) and keyword
        assert state is not State.CLOSED


def test_states_describe_themselves() -> None:
    for state in State:
        assert len(state.description) > 10


def test_any_line_after_334_is_read_as_the_auth_answer() -> None:
    conn = ready()
    exchange(conn, Auth("LOGIN"), b"334 VXNlcm5hbWU6\r\n")
    for command in (Noop(), RawCommand("QUIT")):
        ok, why = conn.is_legal(command)
        assert not ok and "334" in why
    # Sent anyway, the server takes NOOP as a (bad) answer and ends the exchange.
    exchange(conn, Noop(), b"501 5.5.2 Cannot decode response\r\n")
    assert conn.state is State.READY


def test_helo_reply_with_blank_text() -> None:
    conn = greeted()
    exchange(conn, Helo("x"), b"250  \r\n")
    assert conn.state is State.READY and conn.extensions.server_name == ""


def test_check_message_before_data() -> None:
    conn = in_rcpt(b"250-lab\r\n250-8BITMIME\r\n250 SIZE 2000\r\n")
    assert conn.check_message(b"Subject: x\r\n\r\nhi\r\n") == []
    [problem] = conn.check_message("Grüße".encode())
    assert "BODY=8BITMIME" in problem and "6152" in problem
    [problem] = conn.check_message(b"x" * 1500)
    assert problem.startswith("line 1 is longer than 998 octets")  # the kit's, not a reply
    two = conn.check_message(b"x" * 999 + b"\r\nok\r\n" + b"x" * 999)
    assert two[-1].startswith("lines 1, 3 are longer")
    problems = conn.check_message(b"y\r\n" * 1000)
    assert len(problems) == 1 and problems[0].startswith("the message (")
    assert "552" in problems[0] and "RFC 1870" in problems[0]
    for problem in [*problems, *conn.check_message(b"x" * 1500)]:
        assert not re.match(r"\d{3}\b", problem), problem  # no server-like code in front
    conn = ready(b"250-lab\r\n250 8BITMIME\r\n")
    exchange(conn, Mail("a@b.c", ("BODY=8BITMIME",)), b"250 OK\r\n")
    assert conn.check_message("Grüße".encode()) == []


def test_message_problems_when_mail_from_is_still_to_declare() -> None:
    # send_message reads the message first and declares what it needs on MAIL FROM:
    # then only the size and the lines can be wrong.
    conn = in_rcpt(b"250-lab\r\n250 SIZE 2000\r\n")
    facts = message_facts("Subject: Grüße\r\n\r\nhi\r\n".encode())
    assert len(legality.message_problems(conn, facts)) == 2  # UTF-8 headers, 8-bit bytes
    assert legality.message_problems(conn, facts, declaring=True) == []
    [problem] = legality.message_problems(conn, message_facts(b"y\r\n" * 1000), declaring=True)
    assert problem.startswith("the message (")


# --- the parser's fast path (nothing held back) gives what the general path gives ----------


@given(st.lists(st.integers(min_value=1, max_value=40), max_size=12))
def test_replies_are_the_same_however_the_bytes_are_cut(cuts: list[int]) -> None:
    stream = (
        b"220 lab ESMTP\r\n250-lab\r\n250-SIZE 100\r\n250 HELP\r\n"
        b"250 2.1.0 OK\n354 go\r\n550-5.1.1 no\r\n550 5.1.1 such user\r\n"
    )
    whole = ReplyParser()
    whole.feed(stream)
    expected = [(r.code, r.lines, r.raw) for r in whole]
    pieces = ReplyParser()
    position = 0
    for cut in cuts:
        pieces.feed(stream[position : position + cut])
        position += cut
    pieces.feed(stream[position:])
    assert [(r.code, r.lines, r.raw) for r in pieces] == expected
    assert len(expected) == 5 and expected[-1][1] == ("5.1.1 no", "5.1.1 such user")


def test_a_bad_line_in_one_chunk_fails_after_the_good_replies() -> None:
    conn = ClientConnection()
    conn.receive_data(b"220 lab ESMTP\r\nHELLO\r\n")
    assert conn.next_event().reply.code == 220  # type: ignore[union-attr]
    with pytest.raises(RemoteProtocolError, match="does not start with a reply code"):
        conn.next_event()
    assert conn.state is State.CLOSED


def test_states_hash_and_compare_as_the_singletons_they_are() -> None:
    assert {State.READY: 1}[State.READY] == 1 and State.READY != State.MAIL
    assert len(set(State)) == len(State)
