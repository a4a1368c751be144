"""The smtplab Client against the real lab server, over real sockets on 127.0.0.1."""

from __future__ import annotations

import pickle
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage

import pytest
import trustme

import smtplab
from smtplab import Client, send
from smtplab.errors import (
    AuthenticationError,
    ConnectError,
    DataRefused,
    Disconnected,
    LocalProtocolError,
    NotSupported,
    RecipientRefused,
    ReplyError,
    Timeout,
    TLSError,
)
from smtplab.lab import LabServer
from smtplab.message import compose
from smtplab.protocol import State

SHORT = 2.0  # the client timeout in tests that wait for a silent server


def simple_message(subject: str = "Hello") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = "bob@example.com"
    msg["Subject"] = subject
    msg.set_content("Hi Bob.\n.\n..\n.leading dot\n")
    return msg


def test_the_issue_example_works_step_by_step(lab: LabServer) -> None:
    c = Client(lab.host, lab.port)
    assert c.greeting is not None and c.greeting.code == 220
    reply = c.ehlo("learner.example")
    assert reply.code == 250
    assert c.extensions.starttls and not c.extensions.auth_mechanisms
    c.starttls(context=lab.ssl_context())
    assert c.tls_active
    assert c.extensions.auth_mechanisms == {"LOGIN", "PLAIN"}  # learnt by the EHLO after TLS
    assert c.login("student", lab.users["student"]).code == 235
    assert c.mail("alice@example.com").code == 250
    assert c.rcpt("bob@example.com").code == 250
    final = c.data(simple_message())
    assert final.code == 250 and "queued as" in final.text
    assert c.quit() is not None and c.quit() is None  # the second QUIT: already closed
    [received] = lab.wait_for(1)
    assert received.mail_from == "alice@example.com"
    assert received.rcpt_tos == ["bob@example.com"]
    assert received.tls and received.auth_user == "student"
    assert received.message.get_content() == "Hi Bob.\n.\n..\n.leading dot\n"
    text = str(c.transcript)
    assert text.index("C: STARTTLS") < text.index("══ TLS") < text.index("C: AUTH LOGIN")
    assert text.count("C: EHLO learner.example") == 2
    assert "RFC 3207 §4.2" in text  # why EHLO again


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_login_mechanisms_succeed_and_hide_the_password(lab: LabServer, mechanism: str) -> None:
    password = lab.users["student"]
    with Client(lab.host, lab.port, security="starttls", context=lab.ssl_context()) as c:
        assert c.login("student", password, mechanism=mechanism).code == 235
        assert c.authenticated
    rendered = [str(c.transcript), repr(c.transcript), c.transcript._repr_html_()]
    assert all(password not in text for text in rendered)
    assert f"C: AUTH {mechanism}" in rendered[0]
    assert password in str(c.transcript.reveal())


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_wrong_password_raises_authentication_error_quickly(lab: LabServer, mechanism: str) -> None:
    c = Client(lab.host, lab.port, security="starttls", context=lab.ssl_context(), timeout=5)
    started = time.monotonic()
    with pytest.raises(AuthenticationError) as caught:
        c.login("student", "not-the-password", mechanism=mechanism)
    assert time.monotonic() - started < 2
    err = caught.value
    assert err.code == 535 and err.is_permanent
    assert "user name or password" in str(err)
    assert err.transcript is c.transcript  # type: ignore[attr-defined]
    assert "not-the-password" not in str(c.transcript)
    c.quit()


def test_implicit_tls_mode_reads_the_greeting_inside_tls(lab: LabServer) -> None:
    with Client(lab.host, lab.tls_port, security="tls", context=lab.ssl_context()) as c:
        assert c.tls_active
        c.ehlo()
        assert "PLAIN" in c.extensions.auth_mechanisms  # AUTH works on the implicit-TLS port
        c.login("student", lab.users["student"], mechanism="PLAIN")
        c.send_message(simple_message())
    lab.wait_for(1)
    entries = c.transcript.entries
    assert entries[0].direction == "TLS"  # TLS comes before the first byte of SMTP
    assert lab.inbox[0].tls


def test_starttls_mode_connects_with_ehlo_starttls_ehlo(lab: LabServer) -> None:
    c = Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())
    assert c.tls_active and c.state is State.READY
    lines = c.transcript.dialogue().splitlines()
    commands = [line for line in lines if line.startswith("C:")]
    assert commands[:3] == ["C: EHLO [127.0.0.1]", "C: STARTTLS", "C: EHLO [127.0.0.1]"]
    c.quit()


@pytest.mark.parametrize("name", ["lab.smtplab.test", "localhost", "127.0.0.1"])
def test_verification_succeeds_for_the_names_in_the_certificate(lab: LabServer, name: str) -> None:
    c = Client(
        lab.host, lab.tls_port, security="tls", context=lab.ssl_context(), server_hostname=name
    )
    assert c.transcript.tls_info is not None and c.transcript.tls_info.verified
    c.quit()


def test_verification_fails_for_another_name(lab: LabServer) -> None:
    with pytest.raises(TLSError, match=r"another name|mismatch|not valid for"):
        Client(
            lab.host,
            lab.tls_port,
            security="tls",
            context=lab.ssl_context(),
            server_hostname="smtp.example.com",
        )


def test_verification_fails_with_an_untrusted_context(lab: LabServer) -> None:
    with pytest.raises(TLSError) as caught:
        Client(lab.host, lab.port, security="starttls")  # the system's CAs, not the lab's
    assert "lab.ssl_context()" in str(caught.value)


def test_verification_fails_against_another_ca(lab: LabServer) -> None:
    other = ssl.create_default_context()
    trustme.CA().configure_trust(other)
    with pytest.raises(TLSError, match=r"not trusted|authority"):
        Client(lab.host, lab.tls_port, security="tls", context=other)


def test_verification_off_is_explicit_and_shown(lab: LabServer) -> None:
    c = Client(lab.host, lab.tls_port, security="tls", verify=False)
    info = c.transcript.tls_info
    assert info is not None and not info.verified
    assert "NOT" in str(c.transcript)
    c.quit()


def test_tls_to_a_starttls_port_explains_wrong_version_number(lab: LabServer) -> None:
    with pytest.raises(TLSError) as caught:
        Client(lab.host, lab.port, security="tls", context=lab.ssl_context(), timeout=SHORT)
    assert "STARTTLS" in str(caught.value) and "465" in str(caught.value)


def test_plain_to_an_implicit_tls_port_times_out_with_a_hint(lab: LabServer) -> None:
    started = time.monotonic()
    with pytest.raises(Timeout) as caught:
        Client(lab.host, lab.tls_port, timeout=1.0)
    assert time.monotonic() - started < 1.0 + 1.0
    assert "security='tls'" in str(caught.value)
    assert "greeting" in str(caught.value)


def test_starttls_not_offered_is_refused_not_ignored(lab_factory: Callable[..., LabServer]) -> None:
    lab = lab_factory()
    c = Client(lab.host, lab.tls_port, security="tls", context=lab.ssl_context())
    c.ehlo()
    with pytest.raises(LocalProtocolError, match="already"):
        c.starttls(context=lab.ssl_context())
    c.quit()


def test_starttls_missing_from_ehlo_is_a_downgrade_error(lab: LabServer) -> None:
    # A server that strips STARTTLS: the lab's EHLO reply is replaced with one without it.
    lab.fail("EHLO", "250 lab.smtplab.test")
    c = Client(lab.host, lab.port, context=lab.ssl_context())
    with pytest.raises(NotSupported, match="STRIPTLS"):
        c.starttls()
    assert not c.tls_active
    c.close()


def test_login_before_tls_says_to_use_starttls(lab: LabServer) -> None:
    c = Client(lab.host, lab.port)
    with pytest.raises(NotSupported, match="starttls"):
        c.login("student", lab.users["student"])
    c.quit()


def test_send_message_takes_the_envelope_from_the_headers_and_hides_bcc(lab: LabServer) -> None:
    msg = simple_message()
    msg["Cc"] = "carol@example.com"
    msg["Bcc"] = "dave@example.com"
    with Client(lab.host, lab.port) as c:
        reply = c.send_message(msg)
    assert reply.code == 250
    [received] = lab.wait_for(1)
    assert received.rcpt_tos == ["bob@example.com", "dave@example.com", "carol@example.com"]
    assert b"dave@" not in received.data


def test_utf8_names_subjects_and_addresses_arrive_intact(lab: LabServer) -> None:
    draft = compose(
        sender="张三@例子.测试",
        sender_name="张三",
        to="bob@example.com",
        subject="你好 SMTP",
        body="正文：你好\n",
    )
    with Client(lab.host, lab.port) as c:
        c.send_message(draft)
    [received] = lab.wait_for(1)
    assert received.mail_from == "张三@例子.测试"
    assert str(received.message["Subject"]) == "你好 SMTP"
    assert received.message["From"].addresses[0].display_name == "张三"
    assert "SMTPUTF8" in str(c.transcript)
    assert received.message.get_content().replace("\r\n", "\n") == "正文：你好\n"


def test_8bit_body_is_announced_with_body_8bitmime(lab: LabServer) -> None:
    raw = "From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\n\r\nGrüße\r\n"
    with Client(lab.host, lab.port) as c:
        c.send_message(raw.encode(), "a@example.com", ["b@example.com"])
    assert "BODY=8BITMIME" in c.transcript.dialogue()
    assert lab.wait_for(1)[0].data.endswith("Grüße\r\n".encode())


def test_8bit_data_without_body_8bitmime_is_refused_before_sending(lab: LabServer) -> None:
    with Client(lab.host, lab.port) as c:
        c.mail("a@example.com")
        c.rcpt("b@example.com")
        with pytest.raises(LocalProtocolError, match="8BITMIME"):
            c.data("Subject: x\r\n\r\nGrüße\r\n")
        assert "C: DATA" not in c.transcript.dialogue()
        c.rset()
        c.mail("a@example.com", body="8BITMIME")
        c.rcpt("b@example.com")
        assert c.data("Subject: x\r\n\r\nGrüße\r\n").code == 250


def test_non_ascii_address_without_smtputf8_is_refused(
    lab_factory: Callable[..., LabServer],
) -> None:
    lab = lab_factory()
    lab.fail("EHLO", "250-lab.smtplab.test\n250 8BITMIME")
    with Client(lab.host, lab.port) as c:
        with pytest.raises(NotSupported, match="SMTPUTF8"):
            c.mail("张三@example.com")
        assert "MAIL FROM" not in c.transcript.dialogue()


def test_message_over_size_is_refused_before_sending(lab_factory: Callable[..., LabServer]) -> None:
    lab = lab_factory(size_limit=1000)
    with Client(lab.host, lab.port) as c, pytest.raises(LocalProtocolError, match="RFC 1870"):
        c.send_message(
            b"Subject: big\r\n\r\n" + b"x" * 80 + b"\r\n" * 20 + b"y" * 2000,
            "a@example.com",
            ["b@example.com"],
        )
    assert "MAIL FROM" not in c.transcript.dialogue()


def test_pipelining_batches_mail_rcpt_data_in_one_write(lab: LabServer) -> None:
    with Client(lab.host, lab.port, pipelining=True) as c:
        c.send_message(simple_message())
        c.send_message(simple_message("second"))
    assert len(lab.wait_for(2)) == 2
    session = lab.sessions[-1]
    # The server saw MAIL, RCPT and DATA arrive before it answered the first of them.
    lines = [(line.direction, line.text) for line in session.lines]
    mail_at = next(i for i, (d, t) in enumerate(lines) if t.startswith("MAIL FROM"))
    assert lines[mail_at + 1][1].startswith("RCPT TO") and lines[mail_at + 2][1] == "DATA"


def test_pipelining_with_a_refused_recipient_still_delivers_to_the_rest(lab: LabServer) -> None:
    lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*")
    msg = simple_message()
    msg.replace_header("To", "bob@example.com, nobody@example.com")
    with Client(lab.host, lab.port, pipelining=True) as c:
        c.send_message(msg)
    assert list(c.last_refused) == ["nobody@example.com"]
    assert "will NOT get the message" in str(c.transcript)
    assert lab.wait_for(1)[0].rcpt_tos == ["bob@example.com"]


@pytest.mark.parametrize("pipelining", [False, True])
def test_every_recipient_refused_raises_and_sends_nothing(lab: LabServer, pipelining: bool) -> None:
    lab.fail("RCPT", "550 5.1.1 No such user")
    with Client(lab.host, lab.port, pipelining=pipelining) as c:
        with pytest.raises(RecipientRefused) as caught:
            c.send_message(simple_message())
        assert caught.value.recipient == "bob@example.com"
        assert c.noop().code == 250  # the session is still usable
    assert lab.inbox == []


def test_rcpt_fault_raises_recipient_refused_with_explanation(lab: LabServer) -> None:
    lab.fail("RCPT", "550 5.1.1 No such user")
    with Client(lab.host, lab.port) as c:
        c.mail("alice@example.com")
        with pytest.raises(RecipientRefused) as caught:
            c.rcpt("nobody@example.com")
    err = caught.value
    assert err.recipient == "nobody@example.com" and err.is_permanent
    assert "does not exist" in str(err)


def test_an_error_from_a_client_pickles_without_its_transcript(lab: LabServer) -> None:
    """A refused recipient carries the transcript; pickling keeps the error, not the
    transcript (it holds locks and, after a login, secrets that refuse to be pickled)."""
    lab.fail("RCPT", "550 5.1.1 No such user")
    with Client(lab.host, lab.port) as c:
        c.mail("alice@example.com")
        with pytest.raises(RecipientRefused) as caught:
            c.rcpt("nobody@example.com")
    assert caught.value.transcript is c.transcript
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.recipient == "nobody@example.com" and str(copy) == str(caught.value)
    assert getattr(copy, "transcript", None) is None


def test_greylisting_is_transient_and_a_retry_works(lab: LabServer) -> None:
    lab.fail("RCPT", "451 4.7.1 Try again later", times=1)  # RFC 6647: at RCPT TO
    with Client(lab.host, lab.port) as c:
        with pytest.raises(RecipientRefused) as caught:
            c.send_message(simple_message())
        assert caught.value.is_transient and caught.value.code == 451
        assert "temporary (4xx): wait, then send again" in str(caught.value)
        assert c.send_message(simple_message()).code == 250


def test_message_too_big_from_the_server_raises_data_refused(lab: LabServer) -> None:
    lab.fail("DATA_END", "552 5.3.4 Message too big")
    with Client(lab.host, lab.port) as c, pytest.raises(DataRefused, match="552"):
        c.send_message(simple_message())


def test_421_closes_and_later_steps_say_disconnected(lab: LabServer) -> None:
    lab.fail("MAIL", "421 4.3.2 Shutting down")
    c = Client(lab.host, lab.port)
    with pytest.raises(ReplyError) as caught:
        c.mail("alice@example.com")
    assert caught.value.is_transient and "421" in str(caught.value)
    with pytest.raises(Disconnected, match="closed"):
        c.rcpt("bob@example.com")


def test_dropped_connection_in_data_raises_disconnected(lab: LabServer) -> None:
    lab.drop("BODY")
    c = Client(lab.host, lab.port, timeout=5)
    with pytest.raises(Disconnected) as caught:
        c.send_message(simple_message())
    assert "closed the connection" in str(caught.value) or "broke" in str(caught.value)
    assert "C: DATA" in c.transcript.dialogue()  # the transcript so far is readable
    assert lab.inbox == []


def test_a_hanging_server_times_out_naming_the_step(lab: LabServer) -> None:
    lab.hang("RCPT")
    c = Client(lab.host, lab.port, timeout=1.0)
    c.mail("alice@example.com")
    started = time.monotonic()
    with pytest.raises(Timeout) as caught:
        c.rcpt("bob@example.com")
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 1.0 + 1.0
    assert "RCPT TO:<bob@example.com>" in str(caught.value)
    assert isinstance(caught.value, TimeoutError)


def test_a_slow_reply_inside_the_timeout_is_fine(lab: LabServer) -> None:
    lab.slow("MAIL", 0.3)
    with Client(lab.host, lab.port, timeout=2.0) as c:
        assert c.mail("alice@example.com").code == 250


def test_command_sends_anything_and_returns_the_real_reply(lab: LabServer) -> None:
    with Client(lab.host, lab.port) as c:
        assert c.command("HELO me.example").code == 250
        ok, why = c.is_legal("RCPT TO:<bob@example.com>")
        assert not ok and "MAIL" in why
        assert c.command("RCPT TO:<bob@example.com>").code == 503  # no MAIL yet: the lesson
        assert c.command("MAIL FROM:<a@example.com>").code == 250
        assert c.command("RCPT TO:<b@example.com>").code == 250
        assert c.command("DATA").code == 354
        assert c.command("Subject: by hand") is None
        assert c.command("") is None
        assert c.command("typed line by line") is None
        assert c.command(".").code == 250
    assert lab.wait_for(1)[0].data == b"Subject: by hand\r\n\r\ntyped line by line\r\n"


def test_command_refuses_injection(lab: LabServer) -> None:
    with Client(lab.host, lab.port) as c, pytest.raises(LocalProtocolError):
        c.command("NOOP\r\nRSET")


def test_helo_rset_noop(lab: LabServer) -> None:
    with Client(lab.host, lab.port) as c:
        assert c.helo("old.example").code == 250
        assert not c.extensions.pipelining
        assert c.noop().code == 250
        c.mail("a@example.com")
        assert c.rset().code == 250
        assert c.state is State.READY


def test_connect_refused_is_a_clear_connect_error(lab_factory: Callable[..., LabServer]) -> None:
    lab = lab_factory()
    port = lab.port
    lab.stop()
    with pytest.raises(ConnectError, match="refused") as caught:
        Client("127.0.0.1", port, timeout=2)
    assert isinstance(caught.value, ConnectionError)


def test_one_call_send_returns_the_transcript(lab: LabServer) -> None:
    transcript = send(
        simple_message(),
        host=lab.host,
        port=lab.port,
        security="starttls",
        username="student",
        password=lab.users["student"],
        context=lab.ssl_context(),
    )
    assert "235" in str(transcript) and "C: QUIT" in str(transcript)
    assert lab.wait_for(1)[0].auth_user == "student"
    assert lab.users["student"] not in str(transcript)


def test_one_call_send_attaches_the_transcript_to_errors(lab: LabServer) -> None:
    with pytest.raises(AuthenticationError) as caught:
        smtplab.send(
            simple_message(),
            host=lab.host,
            port=lab.tls_port,
            security="tls",
            username="student",
            password="wrong",
            context=lab.ssl_context(),
        )
    transcript = caught.value.transcript  # type: ignore[attr-defined]
    assert "535" in str(transcript)


def test_the_client_leaves_no_socket_open(lab: LabServer) -> None:
    c = Client(lab.host, lab.port)
    c.quit()
    assert not c.connected
    with pytest.raises(Disconnected):
        c.noop()


# --- light to import, cheap per message ---------------------------------------------------


def test_import_smtplab_leaves_the_message_and_provider_modules_for_later() -> None:
    """``import smtplab`` loads the client, not smtplab.message (email.policy, uuid...),
    smtplab.providers or logging: those come when first needed (docs/PERFORMANCE.md)."""
    import json
    import subprocess
    import sys

    code = (
        "import json, sys, smtplab; before = sorted(sys.modules); "
        "from smtplab import compose; "
        "print(json.dumps([before, compose.__module__, 'smtplab.message' in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    before, module, loaded = json.loads(out)
    for name in ("smtplab.message", "smtplab.providers", "logging", "email.policy", "uuid"):
        assert name not in before, name
    assert "smtplab.client" in before and "smtplab.transcript" in before
    assert module == "smtplab.message" and loaded
    assert "compose" in dir(smtplab) and smtplab.compose is compose
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        smtplab.nothing  # noqa: B018


# --- an overall deadline for a whole send ---------------------------------------------------

SLOW_REPLY = 0.3  # seconds each slowed step waits before its reply


def slow_every_step(lab: LabServer) -> None:
    """Each reply of a send comes SLOW_REPLY late: well within a step's timeout."""
    for step in ("EHLO", "MAIL", "RCPT", "DATA", "DATA_END"):
        lab.slow(step, SLOW_REPLY)


def test_send_within_its_deadline_stops_when_the_whole_takes_too_long(lab: LabServer) -> None:
    slow_every_step(lab)
    message = compose(sender="a@example.com", to="b@example.com", body="slow")
    started = time.monotonic()
    with pytest.raises(Timeout) as caught:
        send(message, host=lab.host, port=lab.port, timeout=SHORT, deadline=1.0)
    elapsed = time.monotonic() - started
    text = str(caught.value)
    assert "the overall deadline of 1 s for this whole send elapsed" in text
    assert text.startswith(("RCPT TO:<b@example.com>", "DATA", "the message"))  # the step
    assert f"each step may take {SHORT:g} s" in text
    assert 0.95 <= elapsed < 1.0 + 0.8  # the deadline, not the step's timeout
    transcript = caught.value.transcript  # type: ignore[attr-defined]
    assert "the overall deadline of 1 s elapsed while" in str(transcript)
    assert "timeout after" not in str(transcript)  # no per-step note: that was not it
    assert lab.inbox == []
    # The same send with no deadline succeeds: each step was within its timeout.
    send(message, host=lab.host, port=lab.port, timeout=SHORT)
    assert len(lab.wait_for(1)) == 1


def test_send_message_takes_a_deadline_for_its_transaction(lab: LabServer) -> None:
    with Client(lab.host, lab.port, timeout=SHORT) as client:
        client.ehlo()
        slow_every_step(lab)
        message = compose(sender="a@example.com", to="b@example.com", body="slow")
        with pytest.raises(Timeout, match=r"^RCPT TO:<b@example.com>: the overall deadline"):
            client.send_message(message, deadline=0.5)
        assert not client.connected


def test_a_deadline_covers_the_greeting_too(lab: LabServer) -> None:
    lab.slow("CONNECT", 1.0)
    started = time.monotonic()
    with pytest.raises(Timeout, match=r"^waiting for the greeting: the overall deadline"):
        send(
            "x",
            host=lab.host,
            port=lab.port,
            from_addr="a@example.com",
            to_addrs="b@example.com",
            timeout=SHORT,
            deadline=0.3,
        )
    assert time.monotonic() - started < 0.9


@pytest.mark.parametrize("deadline", [0, -1, float("nan"), float("inf")])
def test_a_deadline_is_a_positive_number_of_seconds(lab: LabServer, deadline: float) -> None:
    with pytest.raises(ValueError, match="deadline must be a positive number"):
        send(
            "x",
            host=lab.host,
            port=lab.port,
            from_addr="a@e.com",
            to_addrs="b@e.com",
            deadline=deadline,
        )
    assert lab.sessions == []  # refused before connecting


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf")])
def test_a_timeout_is_a_positive_number_of_seconds(lab: LabServer, timeout: float) -> None:
    """NaN and infinity are refused as 0 is, before connecting (they reached the socket,
    which raised OverflowError: timestamp out of range; no timeout is not an option)."""
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        Client(lab.host, lab.port, timeout=timeout)
    assert lab.sessions == []
