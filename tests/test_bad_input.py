"""Bad input from the learner: refused before sending, or sent correctly, never sent broken.

Every test talks to a real LabServer on 127.0.0.1 and checks the lab's own record of what
arrived (``lab.sessions``: the bytes the server really received; ``lab.inbox``): when the
kit refuses something, no command of the transaction reached the server; when it sends
something, it arrives as composed, with CRLF line ends only, and a body can never end the
message early (SMTP smuggling). The property-based tests share ONE lab for all examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage, Message
from email.mime.text import MIMEText

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smtplab import Client, compose
from smtplab.commands import normalize_newlines
from smtplab.errors import LocalProtocolError, NotSupported
from smtplab.lab import LabPolicy, LabServer, LabSession
from smtplab.message import decode_header_value

SENDER = "alice@example.com"
RECIPIENT = "bob@example.com"
BREAKS = {"CR": "\r", "LF": "\n", "CRLF": "\r\n", "NUL": "\0"}
SMUGGLED = (
    "MAIL FROM:<evil@attacker.example>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n"
    "Subject: smuggled\r\n\r\nowned\r\n"
)
# Ways a body could try to end the message early, with the line ends some servers accept.
SMUGGLING_ENDS = {
    "LF.LF": "\n.\n",
    "CRLF.CRLF": "\r\n.\r\n",
    "LF.CRLF": "\n.\r\n",
    "CR.CR": "\r.\r",
    "CRLF.LF": "\r\n.\n",
    "CR.CRLF": "\r.\r\n",
    "LF.CR": "\n.\r",
}
BARE_LINE_END = re.compile(rb"\r(?!\n)|(?<!\r)\n")


# --- helpers ------------------------------------------------------------------------------


def last_session(lab: LabServer) -> LabSession:
    sessions = lab.sessions
    assert sessions, "the lab saw no connection at all"
    return sessions[-1]


def commands(lab: LabServer) -> list[str]:
    """The command verbs the lab received on the last connection."""
    return last_session(lab).commands()


def wire_body(session: LabSession) -> bytes:
    """The message bytes the server received after 354 (dot-stuffed, as on the wire)."""
    bodies = [line.raw for line in session.lines if line.kind == "body"]
    assert len(bodies) == 1, f"expected one message body, found {len(bodies)}"
    return bodies[0]


def assert_nothing_sent(lab: LabServer) -> None:
    """The lab got no transaction: only EHLO (and QUIT), and no message."""
    assert set(commands(lab)) <= {"EHLO", "QUIT"}, commands(lab)
    assert lab.inbox == []


def assert_clean_wire(session: LabSession) -> None:
    """CRLF line ends only: no bare CR or LF ever left the client."""
    for line in session.lines:
        if line.direction == "C":
            assert not BARE_LINE_END.search(line.raw), f"bare CR or LF in {line.raw[:80]!r}"


@pytest.fixture
def session_client(lab: LabServer) -> Iterator[Client]:
    """A Client that said EHLO to the lab; QUIT after the test."""
    client = Client(lab.host, lab.port, timeout=5)
    client.ehlo("learner.example")
    yield client
    if client.connected:
        client.quit()


# --- header and command injection ---------------------------------------------------------


@pytest.mark.parametrize("kind", list(BREAKS))
@pytest.mark.parametrize("header", ["Subject", "To", "From", "X-Course"])
def test_a_line_break_in_a_header_of_a_compat32_message_is_refused(
    lab: LabServer, session_client: Client, header: str, kind: str
) -> None:
    # email.message.Message and MIMEText (compat32) keep a value as given, and Python
    # before 3.11.10/3.12.5 writes it out as it is: a second header line would be sent.
    msg = MIMEText("Hello.\n")
    values = {"From": SENDER, "To": RECIPIENT, "Subject": "hi", "X-Course": "smtp"}
    values[header] += BREAKS[kind] + "Bcc: victim@example.com"
    for name, value in values.items():
        msg[name] = value
    with pytest.raises(LocalProtocolError, match=r"header injection|NUL") as caught:
        session_client.send_message(msg, SENDER, [RECIPIENT])
    assert "nothing was sent" in str(caught.value).lower()
    session_client.quit()
    assert_nothing_sent(lab)


def test_a_header_value_that_ends_the_header_section_is_refused(
    lab: LabServer, session_client: Client
) -> None:
    msg = Message()
    msg["From"] = SENDER
    msg["Subject"] = "hi\n"  # would write an empty line: the rest becomes the body
    msg["To"] = RECIPIENT
    msg.set_payload("Hello.\n")
    with pytest.raises(LocalProtocolError, match="header injection"):
        session_client.send_message(msg)
    session_client.quit()
    assert_nothing_sent(lab)


def test_folded_header_values_are_not_injection_and_arrive(lab: LabServer) -> None:
    msg = Message()
    msg["From"] = SENDER
    msg["To"] = RECIPIENT
    msg["Subject"] = "a subject\r\n folded on purpose"
    msg.set_payload("Hello.\n")
    with Client(lab.host, lab.port, timeout=5) as client:
        client.send_message(msg)
    [received] = lab.wait_for(1)
    assert decode_header_value(received.message["Subject"]) == "a subject folded on purpose"
    assert_clean_wire(last_session(lab))


@pytest.mark.parametrize(
    "field", ["subject", "sender_name", "to", "cc", "bcc", "sender", "header", "filename"]
)
@pytest.mark.parametrize("kind", list(BREAKS))
def test_compose_refuses_a_line_break_in_any_header(field: str, kind: str) -> None:
    bad = "x" + BREAKS[kind] + "Bcc: victim@example.com"
    args: dict[str, object] = {"sender": SENDER, "to": RECIPIENT, "subject": "hi"}
    address = f"a{BREAKS[kind]}b@example.com"
    if field in ("to", "cc", "bcc", "sender"):
        args[field] = address
    elif field == "header":
        args["headers"] = {"X-Course": bad}
    elif field == "filename":
        args["attachments"] = [(bad, b"data")]
    else:
        args[field] = bad
    with pytest.raises(LocalProtocolError):
        compose(**args)  # type: ignore[arg-type]


def test_an_emailmessage_refuses_a_line_break_when_the_header_is_set() -> None:
    msg = EmailMessage()
    with pytest.raises(ValueError, match="linefeed or carriage return"):
        msg["Subject"] = "hi\r\nBcc: victim@example.com"


RAW = b"Subject: x\r\n\r\nx\r\n"
ENVELOPE_CALLS: dict[str, Callable[[Client, str], object]] = {
    "mail": lambda c, bad: c.mail(bad),
    "rcpt": lambda c, bad: (c.mail(SENDER), c.rcpt(bad)),
    "send_message from_addr": lambda c, bad: c.send_message(RAW, bad, [RECIPIENT]),
    "send_message to_addrs": lambda c, bad: c.send_message(RAW, SENDER, [RECIPIENT, bad]),
}


@pytest.mark.parametrize("kind", list(BREAKS))
@pytest.mark.parametrize("call", list(ENVELOPE_CALLS))
def test_a_line_break_in_an_envelope_address_is_refused_before_sending(
    lab: LabServer, session_client: Client, call: str, kind: str
) -> None:
    bad = f"x@example.com>{BREAKS[kind]}RCPT TO:<victim@example.com"
    with pytest.raises(LocalProtocolError, match=r"injection|'<' or '>'|NUL") as caught:
        ENVELOPE_CALLS[call](session_client, bad)
    assert "victim" not in "".join(last_session(lab).received_lines())
    assert caught.value.transcript is session_client.transcript  # type: ignore[attr-defined]
    session_client.quit()
    if call == "rcpt":  # MAIL FROM was fine and went out; the bad RCPT did not
        assert commands(lab) == ["EHLO", "MAIL", "QUIT"]
    else:
        assert_nothing_sent(lab)


@pytest.mark.parametrize("kind", list(BREAKS))
def test_a_line_break_in_the_ehlo_name_or_a_mail_parameter_is_refused(
    lab: LabServer, kind: str
) -> None:
    client = Client(lab.host, lab.port, timeout=5)
    with pytest.raises(LocalProtocolError):
        client.ehlo(f"learner.example{BREAKS[kind]}MAIL FROM:<evil@example.com>")
    with pytest.raises(LocalProtocolError):
        client.mail(SENDER, (f"SIZE=10{BREAKS[kind]}RSET",))
    client.quit()
    assert commands(lab) == ["EHLO", "QUIT"]  # only mail() said EHLO, by itself


# --- addresses and lengths ----------------------------------------------------------------


@pytest.mark.parametrize("address", ["bob", "bob.example.com", ""])
def test_an_address_without_at_is_refused_before_anything_is_sent(
    lab: LabServer, session_client: Client, address: str
) -> None:
    with pytest.raises(LocalProtocolError, match=r"'@'|empty"):
        session_client.send_message(b"Subject: x\r\n\r\nx\r\n", SENDER, [RECIPIENT, address])
    with pytest.raises(LocalProtocolError, match=r"'@'|empty"):
        session_client.rcpt(address)
    session_client.quit()
    assert_nothing_sent(lab)  # not even MAIL FROM: every command is checked first
    with pytest.raises(LocalProtocolError, match="'@'"):
        compose(sender=SENDER, to=address or "nobody")


def test_an_over_long_address_is_refused_before_anything_is_sent(
    lab: LabServer, session_client: Client
) -> None:
    long_address = "x" * 600 + "@example.com"
    with pytest.raises(LocalProtocolError, match="512"):
        session_client.send_message(b"Subject: x\r\n\r\nx\r\n", SENDER, [RECIPIENT, long_address])
    with pytest.raises(LocalProtocolError, match="512"):
        session_client.mail(long_address)
    session_client.quit()
    assert_nothing_sent(lab)


def test_an_over_long_line_in_a_raw_message_is_refused_before_sending(
    lab: LabServer, session_client: Client
) -> None:
    message = b"Subject: long\r\n\r\nshort\r\n" + b"y" * 1200 + b"\r\nshort again\r\n"
    with pytest.raises(LocalProtocolError, match="998") as caught:
        session_client.send_message(message, SENDER, [RECIPIENT])
    text = str(caught.value)
    assert text.startswith("The kit refused to send this message, and nothing was sent: ")
    assert "line 4 is longer than 998 octets" in text and "500:" not in text
    session_client.quit()
    assert_nothing_sent(lab)


def test_an_over_long_line_given_to_data_is_refused_before_data(
    lab: LabServer, session_client: Client
) -> None:
    session_client.mail(SENDER)
    session_client.rcpt(RECIPIENT)
    with pytest.raises(LocalProtocolError, match="998"):
        session_client.data(b"Subject: long\r\n\r\n" + b"y" * 1200 + b"\r\n")
    session_client.quit()
    assert "DATA" not in commands(lab)
    assert lab.inbox == []


def test_a_long_line_in_a_composed_body_is_sent_correctly(lab: LabServer) -> None:
    body = "word " * 500 + "\n" + "z" * 3000 + "\n"
    draft = compose(sender=SENDER, to=RECIPIENT, subject="long lines", body=body)
    with Client(lab.host, lab.port, timeout=5) as client:
        client.send_message(draft)
    [received] = lab.wait_for(1)
    assert received.message.get_content().replace("\r\n", "\n") == body
    assert max(len(line) for line in received.data.split(b"\r\n")) <= 998
    assert_clean_wire(last_session(lab))


# --- SMTPUTF8 and SIZE ---------------------------------------------------------------------


@pytest.fixture
def ascii_lab(lab_factory: Callable[..., LabServer]) -> LabServer:
    """A lab that does not offer SMTPUTF8 (many real servers do not)."""
    lab = lab_factory(policy=LabPolicy(smtputf8=False))
    return lab


NON_ASCII = "张三@例子.测试"


@pytest.mark.parametrize("how", ["mail", "rcpt", "send_message", "draft"])
def test_a_non_ascii_address_without_smtputf8_is_refused_before_sending(
    ascii_lab: LabServer, how: str
) -> None:
    client = Client(ascii_lab.host, ascii_lab.port, timeout=5)
    client.ehlo()
    assert not client.extensions.smtputf8
    with pytest.raises(NotSupported, match="SMTPUTF8") as caught:
        if how == "mail":
            client.mail(NON_ASCII)
        elif how == "rcpt":
            client.rcpt(NON_ASCII)
        elif how == "send_message":
            client.send_message(b"Subject: x\r\n\r\nx\r\n", SENDER, [RECIPIENT, NON_ASCII])
        else:
            client.send_message(compose(sender=NON_ASCII, to=RECIPIENT, subject="x", body="x"))
    assert "RFC 6531" in str(caught.value)
    client.quit()
    assert_nothing_sent(ascii_lab)


def test_non_ascii_names_and_subject_need_no_smtputf8_and_arrive(ascii_lab: LabServer) -> None:
    draft = compose(
        sender=SENDER, sender_name="张三", to=RECIPIENT, subject="你好 SMTP", body="正文\n"
    )
    with Client(ascii_lab.host, ascii_lab.port, timeout=5) as client:
        client.send_message(draft)
    [received] = ascii_lab.wait_for(1)
    assert received.data.isascii()  # RFC 2047 words and a 7-bit body: no SMTPUTF8 needed
    assert "SMTPUTF8" not in received.mail_options
    assert str(received.message["Subject"]) == "你好 SMTP"
    assert received.message.get_content().replace("\r\n", "\n") == "正文\n"


def test_a_message_over_the_servers_size_is_refused_before_sending(
    lab_factory: Callable[..., LabServer],
) -> None:
    lab = lab_factory(size_limit=2000)
    big = compose(sender=SENDER, to=RECIPIENT, subject="big", body="x" * 70 * 60)
    with Client(lab.host, lab.port, timeout=5) as client:
        assert client.extensions.size is None  # not yet: send_message says EHLO itself
        with pytest.raises(LocalProtocolError, match="RFC 1870") as caught:
            client.send_message(big)
        assert "larger than the server's limit" in str(caught.value)
        client.mail(SENDER)
        client.rcpt(RECIPIENT)
        with pytest.raises(LocalProtocolError, match="RFC 1870"):
            client.data(big)
    assert "DATA" not in commands(lab)
    assert lab.inbox == []


# --- the DATA encoding and SMTP smuggling ----------------------------------------------------


def smuggling_body(end: str) -> str:
    return f"first line{end}{SMUGGLED}.{end}after the fake end{end}"


@pytest.mark.parametrize("end", list(SMUGGLING_ENDS))
@pytest.mark.parametrize("form", ["str", "bytes via data()", "compose", "EmailMessage"])
def test_a_body_cannot_end_the_message_early(lab: LabServer, form: str, end: str) -> None:
    body = smuggling_body(SMUGGLING_ENDS[end])
    headers = f"From: {SENDER}\r\nTo: {RECIPIENT}\r\nSubject: smuggling\r\n\r\n"
    with Client(lab.host, lab.port, timeout=5) as client:
        if form == "str":
            client.send_message(headers + body, SENDER, [RECIPIENT])
        elif form == "bytes via data()":
            client.mail(SENDER)
            client.rcpt(RECIPIENT)
            client.data((headers + body).encode())
        elif form == "compose":
            client.send_message(compose(sender=SENDER, to=RECIPIENT, subject="s", body=body))
        else:
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = SENDER, RECIPIENT, "smuggling"
            msg.set_content(body)
            client.send_message(msg)
    messages = lab.wait_for(1, timeout=5)
    session = last_session(lab)
    assert session.commands() == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]
    assert len(lab.inbox) == 1 and len(messages) == 1
    [received] = messages
    assert received.rcpt_tos == [RECIPIENT]
    expected = normalize_newlines(body.encode()).decode()
    content = received.message.get_content() if form in ("compose", "EmailMessage") else None
    if content is None:
        content = received.data.decode().split("\r\n\r\n", 1)[1]
    assert content.replace("\r\n", "\n") == expected.replace("\r\n", "\n")
    wire = wire_body(session)
    assert not BARE_LINE_END.search(wire)
    assert b"\r\n.\r\n" not in wire and not wire.startswith(b".\r\n")
    assert_clean_wire(session)


def test_dot_stuffing_on_the_wire_and_undone_by_the_server(lab: LabServer) -> None:
    raw = b"Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nend"
    with Client(lab.host, lab.port, timeout=5) as client:
        client.send_message(raw, SENDER, [RECIPIENT])
    [received] = lab.wait_for(1)
    wire = wire_body(last_session(lab))
    assert wire == b"Subject: dots\r\n\r\n..\r\n...\r\n..leading\r\nend\r\n"
    assert received.data == b"Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nend\r\n"


# --- property-based: what arrives is what was composed ---------------------------------------


@pytest.fixture(scope="module")
def shared_lab() -> Iterator[LabServer]:
    """ONE lab for every example of the property-based tests."""
    with LabServer() as server:
        yield server
    assert server.errors == []


PROPERTY = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Text without control characters (compose refuses those in headers: tested above).
HEADER_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=120)
BODY_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["\r", "\n", "\r\n", ".", "..", " ", "\t", "\r\n.\r\n", "\n.\n", "\r.\r"]),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    ),
    max_size=40,
).map("".join)


def send_and_receive(lab: LabServer, message: object, *envelope: object) -> bytes:
    """Send one message to ``lab`` and return the bytes that arrived (after checks)."""
    lab.clear_inbox()
    with Client(lab.host, lab.port, timeout=5) as client:
        client.send_message(message, *envelope)  # type: ignore[arg-type]
    [received] = lab.wait_for(1, timeout=5)
    session = lab.session(received.session_id)
    assert session.commands() in (
        ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"],
        ["EHLO", "MAIL", "RCPT", "DATA"],  # QUIT not logged yet
    )
    assert_clean_wire(session)
    return received.data


@PROPERTY
@given(subject=HEADER_TEXT, name=HEADER_TEXT, body=BODY_TEXT)
def test_any_composed_message_arrives_as_composed(
    shared_lab: LabServer, subject: str, name: str, body: str
) -> None:
    draft = compose(
        sender=SENDER, sender_name=name or None, to=RECIPIENT, subject=subject, body=body
    )
    data = send_and_receive(shared_lab, draft)
    assert data == normalize_newlines(draft.to_bytes())
    received = shared_lab.inbox[0].message
    assert decode_header_value(str(received.get("Subject", ""))).strip() == subject.strip()
    expected = normalize_newlines(body.encode()).decode().replace("\r\n", "\n")
    if not expected.endswith("\n"):
        expected += "\n"
    assert received.get_content().replace("\r\n", "\n") == expected


@PROPERTY
@given(body=st.binary(max_size=600), dots=st.lists(st.sampled_from([b".", b"\r", b"\n"])))
def test_any_raw_body_arrives_with_only_its_line_ends_normalised(
    shared_lab: LabServer, body: bytes, dots: list[bytes]
) -> None:
    payload = b"Subject: raw\r\n\r\n" + b"".join(dots) + body
    data = send_and_receive(shared_lab, payload, SENDER, [RECIPIENT])
    expected = normalize_newlines(payload)
    if not expected.endswith(b"\r\n"):
        expected += b"\r\n"
    assert data == expected
