"""What the lab and the client show so that a broken client's bugs are seen, not guessed
(issue 17): an EHLO with the server's own name (noted; refused at RCPT by the look-alikes),
the parser's defects in the inbox, the transcript's notes on a message's shape, and raw
UTF-8 in headers named as SMTPUTF8 / RFC 2047 work. Real sockets on 127.0.0.1 only."""

from __future__ import annotations

import base64
import socket
import ssl
from collections.abc import Iterator

import pytest

from smtplab import Client
from smtplab.anatomy import anatomy
from smtplab.course.nb02 import transcript_of
from smtplab.data_encoding import RAW_UTF8_HEADERS, header_section, shape_notes
from smtplab.errors import LocalProtocolError, NotSupported
from smtplab.lab import LabPolicy, LabServer
from smtplab.widgets.render import inbox_panes

NO_SEPARATOR = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\nHello Bob,\r\nbye\r\n"
RAW_NAME = "From: 张三 <a@example.com>\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nHello\r\n"


@pytest.fixture(scope="module")
def lab() -> Iterator[LabServer]:
    with LabServer() as running:
        yield running


@pytest.fixture(scope="module")
def qq() -> Iterator[LabServer]:
    with LabServer(profile="qq") as running:
        yield running


def read_reply(sock: socket.socket | ssl.SSLSocket) -> str:
    data = b""
    while True:
        data += sock.recv(4096)
        lines = data.split(b"\r\n")
        if len(lines) > 1 and lines[-2][3:4] == b" ":
            return data.decode("utf-8", "replace")


def raw_session(lab: LabServer, helo: str, message: bytes | None = None) -> list[str]:
    """A whole session on implicit TLS with LOGIN; the replies, in order."""
    context = lab.ssl_context()
    with context.wrap_socket(
        socket.create_connection((lab.host, lab.tls_port), timeout=5),
        server_hostname=lab.hostname,
    ) as sock:
        replies = [read_reply(sock)]
        user, password = "student", lab.users["student"]
        lines = [
            f"EHLO {helo}",
            "AUTH LOGIN",
            base64.b64encode(user.encode()).decode(),
            base64.b64encode(password.encode()).decode(),
            "MAIL FROM:<student@qq.com>",
            "RCPT TO:<friend@example.com>",
        ]
        for line in lines:
            sock.sendall(line.encode() + b"\r\n")
            replies.append(read_reply(sock))
        if message is not None and replies[-1].startswith("250"):
            sock.sendall(b"DATA\r\n")
            replies.append(read_reply(sock))
            sock.sendall(message + b".\r\n")
            replies.append(read_reply(sock))
        sock.sendall(b"QUIT\r\n")
        replies.append(read_reply(sock))
    return replies


def test_an_ehlo_with_the_labs_own_name_is_noted_in_its_log_and_still_served(
    lab: LabServer,
) -> None:
    with Client(lab.host, lab.port, local_hostname=lab.hostname, timeout=5) as client:
        client.ehlo()
        client.send_message(b"Subject: x\r\n\r\nhi\r\n", "a@example.com", ["b@example.com"])
        session = lab.sessions[-1]
    assert any("own name" in note and lab.hostname in note for note in session.notes)
    rendered = str(session)
    assert "-- lab note: EHLO lab.smtplab.test" in rendered
    # The note follows the EHLO line.
    lines = rendered.splitlines()
    at = next(i for i, text in enumerate(lines) if text.startswith("C: EHLO"))
    assert lines[at + 1].startswith("-- lab note:")


def test_a_name_unknown_to_dns_is_not_noted(lab: LabServer) -> None:
    with Client(lab.host, lab.port, local_hostname="learner.example", timeout=5) as client:
        client.ehlo()
    assert lab.sessions[-1].notes == []


def test_the_look_alike_refuses_rcpt_after_an_ehlo_with_its_own_name(qq: LabServer) -> None:
    own = qq.policy.greeting_line().split()[1]
    replies = raw_session(qq, own)
    assert replies[5].startswith("250")  # MAIL is taken: Postfix delays the rule to RCPT
    assert replies[6].startswith(f"554 5.7.1 <{own}>: Helo command rejected:")
    assert "own name" in replies[6]
    assert any(own in note for note in qq.sessions[-1].notes)


def test_the_look_alike_takes_a_name_merely_unknown_to_dns(qq: LabServer) -> None:
    replies = raw_session(
        qq, "learner.example", b"From: student@qq.com\r\nSubject: hi\r\n\r\nHello\r\n"
    )
    assert replies[6].startswith("250") and replies[8].startswith("250")
    assert qq.sessions[-1].notes == []


def test_the_plain_lab_does_not_refuse_its_own_name() -> None:
    assert LabPolicy().helo_refusal("lab.smtplab.test") is None
    policy = LabPolicy(refuse_own_helo_name=True)
    assert policy.helo_refusal("LAB.smtplab.test.") is not None
    assert policy.helo_refusal("learner.example") is None
    assert policy.helo_refusal("") is None


def test_a_missing_separator_is_a_defect_in_the_inbox_and_in_its_views(lab: LabServer) -> None:
    with Client(lab.host, lab.port, local_hostname="learner.example", timeout=5) as client:
        client.send_message(NO_SEPARATOR, "a@example.com", ["b@example.com"])
    received = lab.wait_for(1)[-1]
    names = [type(defect).__name__ for defect in received.defects]
    assert names == ["MissingHeaderBodySeparatorDefect"]
    found = anatomy(received.data, mail_from=received.mail_from, rcpt_tos=received.rcpt_tos)
    assert found.defects == ("MissingHeaderBodySeparatorDefect",)
    assert [h.name for h in found.headers] == ["From", "To", "Subject"]
    assert "MissingHeaderBodySeparatorDefect" in " ".join(found.notes())
    assert "MissingHeaderBodySeparatorDefect" in inbox_panes(received, None)["Headers"]
    assert "MissingHeaderBodySeparatorDefect" in str(found)


def test_a_well_formed_message_has_no_defects(lab: LabServer) -> None:
    with Client(lab.host, lab.port, local_hostname="learner.example", timeout=5) as client:
        client.send_message(b"Subject: hi\r\n\r\nHello\r\n", "a@example.com", ["b@example.com"])
    assert lab.wait_for(1)[-1].defects == []


def test_the_transcript_notes_the_shape_of_a_message_sent_on_a_raw_socket(lab: LabServer) -> None:
    with socket.create_connection((lab.host, lab.port), timeout=5) as sock:
        read_reply(sock)
        for line in ("HELO learner.example", "MAIL FROM:<a@example.com>", "RCPT TO:<b@x.org>"):
            sock.sendall(line.encode() + b"\r\n")
            read_reply(sock)
        sock.sendall(b"DATA\r\n")
        read_reply(sock)
        sock.sendall(RAW_NAME.encode().replace(b"\r\n\r\n", b"\r\n") + b".hidden\r\n.\r\n")
        read_reply(sock)
        sock.sendall(b"QUIT\r\n")
        read_reply(sock)
    session = lab.sessions[-1]
    message = transcript_of(session).messages[0]
    note = " ".join(message.annotation.split())
    assert "no empty line between the headers and the body" in note
    assert "SMTPUTF8" in note and "RFC 2047" in note
    assert "starts with a single dot" in note


def test_shape_notes_name_a_first_body_line_that_looks_like_a_header() -> None:
    notes = shape_notes(b"Subject: hi\r\n\r\nNote: read me\r\n")
    assert len(notes) == 1 and "looks like a header field" in notes[0]
    assert shape_notes(b"Subject: hi\r\n\r\nHello\r\n") == []
    assert shape_notes(RAW_NAME.encode(), smtputf8=True) == []
    assert header_section(b"Subject: a\r\n folded\r\n\r\nx\r\n") == (
        b"Subject: a\r\n folded\r\n",
        True,
        b"x\r\n",
    )


def test_send_message_announces_smtputf8_for_raw_utf8_headers(lab: LabServer) -> None:
    with Client(lab.host, lab.port, local_hostname="learner.example", timeout=5) as client:
        client.send_message(RAW_NAME.encode(), "a@example.com", ["b@example.com"])
        mail = next(e for e in client.transcript if e.direction == "C" and b"MAIL" in e.raw)
    assert b"SMTPUTF8" in mail.raw
    message = client.transcript.messages[0]
    assert "raw UTF-8" not in message.annotation  # declared: the transcript agrees
    received = lab.wait_for(1)[-1]
    assert received.smtputf8
    panes = inbox_panes(received, None)
    assert "Raw UTF-8" not in panes["Headers"]  # declared: nothing to say


def test_without_smtputf8_the_advice_is_smtputf8_or_encoded_words_not_8bitmime() -> None:
    with LabServer(policy=LabPolicy(smtputf8=False)) as lab:
        with Client(lab.host, lab.port, local_hostname="learner.example", timeout=5) as client:
            with pytest.raises(NotSupported) as caught:
                client.send_message(RAW_NAME.encode(), "a@example.com", ["b@example.com"])
            said = str(caught.value)
            assert "SMTPUTF8" in said and "RFC 2047" in said and "RFC 6532" in said
            client.mail("a@example.com", body="8BITMIME")
            client.rcpt("b@example.com")
            with pytest.raises(LocalProtocolError) as raw:
                client.data(RAW_NAME.encode())
            assert RAW_UTF8_HEADERS in str(raw.value)
            advice = str(raw.value).split("covers only the body.")[1]  # after the finding
            assert "SMTPUTF8" in advice and "send_message()" in advice
        assert lab.inbox == []
