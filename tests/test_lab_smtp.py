"""The lab server speaks SMTP like a real provider: tested with the standard library only.

Every test talks to a real LabServer over real sockets on 127.0.0.1, with ``smtplib``
or with raw sockets (the ``raw_smtp`` fixture) where exact bytes matter.
"""

from __future__ import annotations

import base64
import re
import smtplib
import ssl
import time
from datetime import datetime
from email.message import EmailMessage

import pytest

from smtplab.lab import LabPolicy, LabServer
from smtplab.replies import EnhancedStatus

pytestmark = pytest.mark.timeout(30)

TIMEOUT = 5.0


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def plain_blob(user: str, password: str) -> str:
    return b64(f"\0{user}\0{password}")


def password_of(lab: LabServer) -> str:
    return lab.users["student"]


# -- the plain port: a receiving server -----------------------------------------------------


def test_plain_port_accepts_mail_without_auth_like_a_receiving_server(lab: LabServer) -> None:
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        client.helo("learner.example")
        refused = client.sendmail(
            "alice@learner.example", ["bob@example.com"], b"Subject: Hi\r\n\r\nHello Bob\r\n"
        )
    assert refused == {}
    (message,) = lab.wait_for(1)
    assert message.mail_from == "alice@learner.example"
    assert message.rcpt_tos == ["bob@example.com"]
    assert message.data == b"Subject: Hi\r\n\r\nHello Bob\r\n"
    assert message.message["Subject"] == "Hi"
    assert message.message.get_content() == "Hello Bob\n"
    assert message.tls is False
    assert message.auth_user is None
    assert message.peer is not None and message.peer[0] == "127.0.0.1"
    assert isinstance(message.received_at, datetime) and message.received_at.tzinfo is not None
    assert lab.session(message.session_id).peer == message.peer


def test_classic_socket_lab_dialogue_with_helo(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    greeting = client.read_reply()
    assert greeting.code == 220
    assert greeting.lines == (f"{lab.hostname} ESMTP smtplab lab server",)
    assert client.command("HELO learner.example").raw == f"250 {lab.hostname}\r\n".encode()
    assert client.command("MAIL FROM:<alice@learner.example>").code == 250
    assert client.command("RCPT TO:<bob@example.com>").code == 250
    assert client.command("DATA").code == 354
    client.send(b"Subject: socket lab\r\n\r\nsent by hand\r\n.\r\n")
    final = client.read_reply()
    assert final.code == 250
    assert client.command("QUIT").code == 221
    assert lab.wait_for(1)[0].data == b"Subject: socket lab\r\n\r\nsent by hand\r\n"


def test_final_reply_to_data_names_a_short_queue_id(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    client.command("MAIL FROM:<a@learner.example>")
    client.command("RCPT TO:<b@example.com>")
    client.command("DATA")
    client.send(b"Subject: id\r\n\r\nx\r\n.\r\n")
    final = client.read_reply()
    match = re.fullmatch(rb"250 2\.0\.0 OK: queued as ([0-9A-F]{6,12})\r\n", final.raw)
    assert match is not None, final.raw
    assert lab.wait_for(1)[0].queue_id == match[1].decode()


def test_ehlo_before_tls_offers_starttls_and_not_auth(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    ehlo = client.command("EHLO learner.example")
    assert ehlo.code == 250
    assert ehlo.lines[0] == lab.hostname
    keywords = ehlo.lines[1:]
    for keyword in ("SIZE 10485760", "8BITMIME", "SMTPUTF8", "PIPELINING", "ENHANCEDSTATUSCODES"):
        assert keyword in keywords
    assert "STARTTLS" in keywords
    assert not any(k.startswith("AUTH") for k in keywords)
    assert all(EnhancedStatus.parse(line) is None for line in ehlo.lines)


# -- TLS: STARTTLS and implicit TLS, with verification ---------------------------------------


def test_starttls_with_verification_then_auth_is_offered(lab: LabServer) -> None:
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        client.ehlo("learner.example")
        code, text = client.starttls(context=lab.ssl_context())
        assert (code, text) == (220, b"2.0.0 Ready to start TLS")
        code, _ = client.ehlo("learner.example")
        assert code == 250
        assert client.esmtp_features["auth"].split() == ["LOGIN", "PLAIN"]
        assert "starttls" not in client.esmtp_features
        client.login("student", password_of(lab))
        client.sendmail("student@lab.smtplab.test", ["bob@example.com"], b"Subject: s\r\n\r\nx\r\n")
    (message,) = lab.wait_for(1)
    assert message.tls is True
    assert message.auth_user == "student"


@pytest.mark.parametrize("name", ["lab.smtplab.test", "localhost", "127.0.0.1"])
def test_certificate_verifies_for_each_lab_name(lab: LabServer, raw_smtp, name: str) -> None:
    implicit = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context(), server_hostname=name)
    assert implicit.read_reply().code == 220
    starttls = raw_smtp(lab.host, lab.port)
    starttls.read_reply()
    starttls.command("EHLO learner.example")
    assert starttls.starttls(lab.ssl_context(), server_hostname=name).code == 220
    assert starttls.command("EHLO learner.example").code == 250


def test_certificate_fails_for_another_name(lab: LabServer, raw_smtp) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match="mismatch"):
        raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context(), server_hostname="other.example")


def test_a_default_context_does_not_trust_the_lab(lab: LabServer) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        smtplib.SMTP_SSL(
            lab.host, lab.tls_port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        client.ehlo()
        with pytest.raises(ssl.SSLCertVerificationError):
            client.starttls(context=ssl.create_default_context())
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and not all(s.error for s in lab.sessions):
        time.sleep(0.01)
    errors = [session.error or "" for session in lab.sessions]
    assert len(errors) == 2
    assert all("TLS handshake failed" in error for error in errors), errors


def test_plain_text_on_the_tls_port_is_a_failed_handshake(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.tls_port)
    client.send(b"EHLO learner.example\r\n")
    assert client.closed_by_server()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and not lab.sessions[-1].closed:
        time.sleep(0.01)
    assert "plain text on a TLS port" in (lab.sessions[-1].error or "")


def test_implicit_tls_with_auth_and_mail(lab: LabServer) -> None:
    context = lab.ssl_context()
    with smtplib.SMTP_SSL(lab.host, lab.tls_port, timeout=TIMEOUT, context=context) as client:
        client.ehlo("learner.example")
        assert client.esmtp_features["auth"].split() == ["LOGIN", "PLAIN"]
        assert "starttls" not in client.esmtp_features
        code, text = client.login("student", password_of(lab))
        assert (code, text) == (235, b"2.7.0 Authentication successful")
        client.sendmail("student@lab.smtplab.test", ["bob@example.com"], b"Subject: t\r\n\r\nx\r\n")
    (message,) = lab.wait_for(1)
    assert message.tls is True
    assert message.auth_user == "student"
    assert lab.session(message.session_id).listener == "tls"


def test_starttls_twice_is_refused(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    client.starttls(lab.ssl_context())
    client.command("EHLO learner.example")
    assert client.command("STARTTLS").raw == b"503 5.5.1 TLS already active\r\n"
    implicit = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    implicit.read_reply()
    implicit.command("EHLO learner.example")
    assert implicit.command("STARTTLS").code == 503


def test_plaintext_sent_after_starttls_is_not_executed(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    client.send(b"STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n")
    assert client.read_reply().code == 220
    client.sock = lab.ssl_context().wrap_socket(client.sock, server_hostname=lab.host)
    client.command("EHLO learner.example")
    assert client.command("RCPT TO:<bob@example.com>").code == 503  # no MAIL was kept


# -- AUTH ----------------------------------------------------------------------------------


def test_auth_login_prompts_are_the_usual_base64_bytes(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    client.read_reply()
    client.command("EHLO learner.example")
    assert client.command("AUTH LOGIN").raw == b"334 VXNlcm5hbWU6\r\n"
    assert base64.b64decode("VXNlcm5hbWU6") == b"Username:"
    assert client.command(b64("student")).raw == b"334 UGFzc3dvcmQ6\r\n"
    assert base64.b64decode("UGFzc3dvcmQ6") == b"Password:"
    assert client.command(b64(password_of(lab))).raw == b"235 2.7.0 Authentication successful\r\n"


def test_auth_login_with_initial_response(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    client.read_reply()
    client.command("EHLO learner.example")
    assert client.command(f"AUTH LOGIN {b64('student')}").raw == b"334 UGFzc3dvcmQ6\r\n"
    assert client.command(b64(password_of(lab))).code == 235


def test_auth_plain_with_and_without_initial_response(lab: LabServer, raw_smtp) -> None:
    blob = plain_blob("student", password_of(lab))
    with_ir = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    with_ir.read_reply()
    with_ir.command("EHLO learner.example")
    assert with_ir.command(f"AUTH PLAIN {blob}").code == 235
    without_ir = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    without_ir.read_reply()
    without_ir.command("EHLO learner.example")
    assert without_ir.command("AUTH PLAIN").raw == b"334 \r\n"
    assert without_ir.command(blob).code == 235


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_wrong_password_gets_535_promptly(lab: LabServer, raw_smtp, mechanism: str) -> None:
    client = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context(), timeout=2.0)
    client.read_reply()
    client.command("EHLO learner.example")
    started = time.monotonic()
    if mechanism == "PLAIN":
        reply = client.command(f"AUTH PLAIN {plain_blob('student', 'wrong')}")
    else:
        client.command("AUTH LOGIN")
        client.command(b64("student"))
        reply = client.command(b64("wrong"))
    assert reply.raw == b"535 5.7.8 Authentication credentials invalid\r\n"
    assert time.monotonic() - started < 1.0


def test_smtplib_login_failure_raises_535(lab: LabServer) -> None:
    context = lab.ssl_context()
    with (
        smtplib.SMTP_SSL(lab.host, lab.tls_port, timeout=2.0, context=context) as client,
        pytest.raises(smtplib.SMTPAuthenticationError) as failure,
    ):
        client.login("student", "not-the-password")
    assert failure.value.smtp_code == 535
    assert failure.value.smtp_error.startswith(b"5.7.8")


@pytest.mark.parametrize("command", ["AUTH LOGIN", "AUTH PLAIN AHN0dWRlbnQAcHc="])
def test_auth_before_tls_is_refused_with_encryption_required(
    lab: LabServer, raw_smtp, command: str
) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    reply = client.command(command)
    assert reply.code == 538
    assert str(reply.enhanced) == "5.7.11"
    assert "Encryption required" in reply.text


def lesson_client(lab: LabServer, raw_smtp):
    """A raw socket on the plain port of a lab that offers AUTH before TLS, after EHLO."""
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    assert "AUTH LOGIN PLAIN" in client.command("EHLO learner.example").text
    return client


@pytest.mark.parametrize("command", ["auth login", "AUTH login", "Auth Login"])
def test_a_mechanism_name_is_taken_in_any_case(lab_factory, raw_smtp, command: str) -> None:
    # RFC 5321 §2.4: verbs and argument values are not case sensitive; Postfix (Cyrus
    # SASL) and Exim take "auth login" as typed by hand in a raw-socket lesson.
    lab = lab_factory(auth_before_tls=True)
    client = lesson_client(lab, raw_smtp)
    assert client.command(command).raw == b"334 VXNlcm5hbWU6\r\n"
    assert client.command(b64("student")).raw == b"334 UGFzc3dvcmQ6\r\n"
    assert client.command(b64(password_of(lab))).raw == b"235 2.7.0 Authentication successful\r\n"
    assert client.command("MAIL FROM:<student@lab.smtplab.test>").code == 250


def test_auth_plain_in_lower_case_with_and_without_initial_response(lab_factory, raw_smtp) -> None:
    lab = lab_factory(auth_before_tls=True)
    blob = plain_blob("student", password_of(lab))
    assert lesson_client(lab, raw_smtp).command(f"auth plain {blob}").code == 235
    two_steps = lesson_client(lab, raw_smtp)
    assert two_steps.command("Auth Plain").raw == b"334 \r\n"
    assert two_steps.command(blob).code == 235


def test_the_initial_response_keeps_its_case(lab_factory, raw_smtp) -> None:
    # Only the mechanism name is read in any case: base64 is case-sensitive.
    lab = lab_factory(auth_before_tls=True, users={"student": "correct-horse-7"})
    blob = plain_blob("student", "correct-horse-7")
    wrong_case = blob[:-4] + blob[-4:].swapcase()  # the last group: the password's end
    assert wrong_case != blob
    assert lesson_client(lab, raw_smtp).command(f"auth plain {blob}").code == 235
    refused = lesson_client(lab, raw_smtp).command(f"auth plain {wrong_case}")
    assert refused.raw == b"535 5.7.8 Authentication credentials invalid\r\n"


@pytest.mark.parametrize(
    "command", ["auth cram-md5", "AUTH XOAUTH2", "auth xoauth2 dG9rZW4=", "auth log\u0131n"]
)
def test_an_unknown_mechanism_still_gets_504(lab_factory, raw_smtp, command: str) -> None:
    lab = lab_factory(auth_before_tls=True)
    reply = lesson_client(lab, raw_smtp).command(command)
    assert reply.raw == b"504 5.5.4 Unrecognized authentication type\r\n"


@pytest.mark.parametrize("command", ["auth login", "AUTH LOGIN"])
def test_a_mechanism_the_policy_leaves_out_is_refused_in_any_case(
    lab_factory, raw_smtp, command: str
) -> None:
    lab = lab_factory(policy=LabPolicy(auth_mechanisms=("PLAIN",)), auth_before_tls=True)
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    assert "AUTH PLAIN" in client.command("EHLO learner.example").text
    assert client.command(command).raw == b"504 5.5.4 Unrecognized authentication type\r\n"
    assert client.command(f"auth plain {plain_blob('student', password_of(lab))}").code == 235


def test_login_with_the_full_address_and_with_a_fixed_password(lab_factory) -> None:
    lab = lab_factory(users={"student": "pw", "teacher": "t"})
    assert lab.users == {"student": "pw", "teacher": "t"}
    for login, password in (("student@lab.smtplab.test", "pw"), ("teacher", "t")):
        context = lab.ssl_context()
        with smtplib.SMTP_SSL(lab.host, lab.tls_port, timeout=TIMEOUT, context=context) as c:
            assert c.login(login, password)[0] == 235


def test_each_lab_makes_a_fresh_demo_password(lab_factory) -> None:
    first, second = lab_factory(), lab_factory()
    assert set(first.users) == {"student"}
    assert first.users["student"] != second.users["student"]
    assert len(first.users["student"]) >= 12
    context = second.ssl_context()
    with (
        smtplib.SMTP_SSL(second.host, second.tls_port, timeout=TIMEOUT, context=context) as c,
        pytest.raises(smtplib.SMTPAuthenticationError),
    ):
        c.login("student", first.users["student"])


# -- message content -----------------------------------------------------------------------


def test_dot_lines_arrive_intact(lab: LabServer) -> None:
    body = b"Subject: dots\r\n\r\nbefore\r\n.\r\n..\r\n.foo\r\n...\r\nafter\r\n"
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        client.sendmail("a@learner.example", ["b@example.com"], body)
    (message,) = lab.wait_for(1)
    assert message.data == body
    wire = next(line for line in lab.sessions[-1].lines if line.kind == "body")
    assert b"\r\n..\r\n...\r\n..foo\r\n....\r\n" in wire.raw  # what smtplib really sent


def test_utf8_addresses_names_and_subject_arrive_intact(lab: LabServer) -> None:
    message = EmailMessage()
    message["From"] = "张三 <zhangsan@lab.smtplab.test>"
    message["To"] = "用户 <用户@例子.测试>"
    message["Subject"] = "你好 SMTP"
    message.set_content("正文：你好\n")
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        client.send_message(message)
    (received,) = lab.wait_for(1)
    assert received.rcpt_tos == ["用户@例子.测试"]
    assert received.smtputf8 is True
    assert "SMTPUTF8" in received.mail_options
    assert received.message["Subject"] == "你好 SMTP"
    assert received.message["From"].addresses[0].display_name == "张三"
    assert received.message["To"].addresses[0].addr_spec == "用户@例子.测试"
    assert received.message.get_content() == "正文：你好\n"


def test_8bitmime_body_arrives_byte_for_byte(lab: LabServer, raw_smtp) -> None:
    body = "Subject: 8bit\r\nContent-Type: text/plain; charset=utf-8\r\n"
    body += "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße, ça va ? 你好\r\n"
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    assert client.command("MAIL FROM:<a@learner.example> BODY=8BITMIME").code == 250
    client.command("RCPT TO:<b@example.com>")
    client.command("DATA")
    client.send(body.encode("utf-8") + b".\r\n")
    assert client.read_reply().code == 250
    (message,) = lab.wait_for(1)
    assert message.data == body.encode("utf-8")
    assert message.mail_options == ["BODY=8BITMIME"]
    assert message.message.get_content() == "Grüße, ça va ? 你好\n"


def test_size_limit_is_advertised_and_enforced_with_552(lab_factory, raw_smtp) -> None:
    lab = lab_factory(size_limit=1000)
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    assert "SIZE 1000" in client.command("EHLO learner.example").lines
    declared = client.command("MAIL FROM:<a@learner.example> SIZE=5000")
    assert declared.code == 552 and str(declared.enhanced) == "5.3.4"
    client.command("MAIL FROM:<a@learner.example>")
    client.command("RCPT TO:<b@example.com>")
    client.command("DATA")
    client.send(b"Subject: big\r\n\r\n" + (b"y" * 98 + b"\r\n") * 20 + b".\r\n")
    too_big = client.read_reply()
    assert too_big.code == 552
    assert str(too_big.enhanced) == "5.3.4"
    assert "1000 bytes" in too_big.text
    assert lab.inbox == []
    assert client.command("NOOP").code == 250  # the connection goes on


# -- policy: a submission server -----------------------------------------------------------


def test_require_tls_answers_530_until_starttls(lab_factory, raw_smtp) -> None:
    lab = lab_factory(require_tls=True)
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    refused = client.command("MAIL FROM:<a@learner.example>")
    assert refused.raw == b"530 5.7.0 Must issue a STARTTLS command first\r\n"
    client.starttls(lab.ssl_context())
    client.command("EHLO learner.example")
    assert client.command("MAIL FROM:<a@learner.example>").code == 250


def test_require_auth_answers_530_until_login(lab_factory, raw_smtp) -> None:
    lab = lab_factory(require_auth=True)
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    before_tls = client.command("MAIL FROM:<a@learner.example>")
    assert before_tls.code == 530 and str(before_tls.enhanced) == "5.7.0"
    assert "STARTTLS" in before_tls.text
    client.starttls(lab.ssl_context())
    client.command("EHLO learner.example")
    inside_tls = client.command("MAIL FROM:<a@learner.example>")
    assert inside_tls.code == 530 and "AUTH" in inside_tls.text
    assert client.command(f"AUTH PLAIN {plain_blob('student', password_of(lab))}").code == 235
    assert client.command("MAIL FROM:<a@learner.example>").code == 250

    implicit = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    implicit.read_reply()
    implicit.command("EHLO learner.example")
    assert implicit.command("MAIL FROM:<a@learner.example>").code == 530


def test_submission_server_with_smtplib(lab_factory) -> None:
    lab = lab_factory(require_tls=True, require_auth=True)
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        client.ehlo()
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.sendmail("a@learner.example", ["b@example.com"], b"x\r\n")
        assert refused.value.smtp_code == 530
        client.starttls(context=lab.ssl_context())
        client.ehlo()
        client.login("student", password_of(lab))
        client.sendmail("student@lab.smtplab.test", ["b@example.com"], b"Subject: ok\r\n\r\nx\r\n")
    assert lab.wait_for(1)[0].auth_user == "student"


# -- RFC 2034 and RFC 2920 -----------------------------------------------------------------


def test_enhanced_status_codes_on_every_reply_of_a_full_session(lab: LabServer, raw_smtp) -> None:
    password = password_of(lab)
    client = raw_smtp(lab.host, lab.port)
    replies = [("CONNECT", client.read_reply())]

    def say(line: str, step: str = "") -> None:
        replies.append((step or line.split(" ")[0].upper(), client.command(line)))

    say("EHLO learner.example")
    say("NOOP")
    say("BOGUS command")
    say("MAIL FROM:<@>")
    say("RCPT TO:<b@example.com>")
    say("AUTH LOGIN")
    say("STARTTLS")
    client.sock = lab.ssl_context().wrap_socket(client.sock, server_hostname=lab.host)
    say("EHLO learner.example")
    say("AUTH LOGIN")
    say(b64("student"), step="AUTH-USER")
    say(b64(password), step="AUTH-PASSWORD")
    say("AUTH PLAIN")
    say("HELP")
    say("VRFY bob@example.com")
    say("EXPN staff")
    say("MAIL FROM:<student@lab.smtplab.test>")
    say("MAIL FROM:<again@lab.smtplab.test>")
    say("RCPT TO:<bob@example.com>")
    say("RSET")
    say("DATA")
    say("MAIL FROM:<student@lab.smtplab.test>")
    say("RCPT TO:<bob@example.com>")
    say("DATA")
    client.send(b"Subject: codes\r\n\r\nx\r\n.\r\n")
    replies.append(("DATA_END", client.read_reply()))
    say("QUIT")

    for step, reply in replies:
        exempt = step == "CONNECT" or (step == "EHLO" and reply.code == 250)
        if exempt or reply.code // 100 == 3:
            assert all(EnhancedStatus.parse(line) is None for line in reply.lines), reply
            continue
        for line in reply.lines:
            status = EnhancedStatus.parse(line)
            assert status is not None, f"{step}: {reply.raw!r} has no enhanced code"
            assert status.klass == reply.code // 100, reply.raw

    seen = [(step, reply.code, str(reply.enhanced or "")) for step, reply in replies]
    assert seen == [
        ("CONNECT", 220, ""),
        ("EHLO", 250, ""),
        ("NOOP", 250, "2.0.0"),
        ("BOGUS", 500, "5.5.2"),
        ("MAIL", 553, "5.1.3"),
        ("RCPT", 503, "5.5.1"),
        ("AUTH", 538, "5.7.11"),
        ("STARTTLS", 220, "2.0.0"),
        ("EHLO", 250, ""),
        ("AUTH", 334, ""),
        ("AUTH-USER", 334, ""),
        ("AUTH-PASSWORD", 235, "2.7.0"),
        ("AUTH", 503, "5.5.1"),
        ("HELP", 214, "2.0.0"),
        ("VRFY", 252, "2.0.0"),
        ("EXPN", 502, "5.5.1"),
        ("MAIL", 250, "2.1.0"),
        ("MAIL", 503, "5.5.1"),
        ("RCPT", 250, "2.1.5"),
        ("RSET", 250, "2.0.0"),
        ("DATA", 503, "5.5.1"),
        ("MAIL", 250, "2.1.0"),
        ("RCPT", 250, "2.1.5"),
        ("DATA", 354, ""),
        ("DATA_END", 250, "2.0.0"),
        ("QUIT", 221, "2.0.0"),
    ]


def test_syntax_errors_carry_enhanced_codes(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    assert str(client.command("EHLO").enhanced) == "5.5.4"  # 501: RFC 2034 allows it here
    assert str(client.command("MAIL FROM:<a@x.example>").enhanced) == "5.5.1"  # 503 no EHLO
    client.command("EHLO learner.example")
    assert client.command("MAIL TO:<a@x.example>").raw.startswith(b"501 5.5.4 ")


def test_pipelined_commands_in_one_write(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    assert "PIPELINING" in client.command("EHLO learner.example").lines
    client.send(
        b"MAIL FROM:<a@learner.example>\r\nRCPT TO:<b@example.com>\r\n"
        b"RCPT TO:<c@example.com>\r\nDATA\r\n"
    )
    codes = [client.read_reply().raw[:9] for _ in range(4)]
    assert codes == [b"250 2.1.0", b"250 2.1.5", b"250 2.1.5", b"354 End d"]
    client.send(b"Subject: pipelined\r\n\r\nx\r\n.\r\nRSET\r\nNOOP\r\n")
    assert [client.read_reply().code for _ in range(3)] == [250, 250, 250]
    (message,) = lab.wait_for(1)
    assert message.rcpt_tos == ["b@example.com", "c@example.com"]


def test_help_lists_the_commands_and_their_syntax_with_214(lab: LabServer) -> None:
    """RFC 5321 §4.1.1.8: HELP is answered 211 or 214 (aiosmtpd itself says 250)."""
    import smtplib

    with smtplib.SMTP(lab.host, lab.port, timeout=5) as client:
        code, text = client.docmd("HELP")
        assert code == 214 and b"MAIL" in text and b"RCPT" in text
        code, text = client.docmd("HELP", "MAIL")
        assert code == 214 and b"MAIL FROM:" in text
        code, text = client.docmd("HELP", "BOGUS")  # an unknown topic stays a 501
        assert code == 501
        assert client.noop()[0] == 250  # and the next reply is untouched


def test_a_help_fault_is_sent_as_given(lab: LabServer, raw_smtp) -> None:
    lab.fail("HELP", "250 2.0.0 as the fault says", times=1)
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    assert client.command("HELP").code == 250
    assert client.command("HELP").code == 214


def test_unknown_commands_are_not_echoed_back(lab: LabServer, raw_smtp) -> None:
    """A password line sent at the wrong moment must not come back in the server's reply."""
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    reply = client.command("c2VjcmV0LXBhc3N3b3Jk")  # base64 of a password, out of place
    assert reply.code == 500
    assert "c2VjcmV0" not in reply.text.lower() and "C2VJCMV0" not in reply.text


# -- reads and writes ------------------------------------------------------------------------


def test_a_message_larger_than_the_read_buffer_arrives_intact(lab: LabServer) -> None:
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n"
    body = b"Subject: big\r\n\r\n" + line * 20_000  # 1.3 MB: several 256 KiB reads
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        client.sendmail("a@learner.example", ["b@example.com"], body)
    (message,) = lab.wait_for(1)
    assert message.data == body
    logged = next(line for line in lab.sessions[-1].lines if line.kind == "body")
    assert logged.raw is message.data  # one copy, shared by the inbox and the log


def test_a_multi_line_reply_is_written_at_once(lab: LabServer, raw_smtp) -> None:
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    reply = client.command("EHLO learner.example")
    assert len(reply.lines) > 3
    sent = [line for line in lab.sessions[-1].lines if line.direction == "S"][1:]
    assert b"".join(line.raw for line in sent) == reply.raw
    assert len({line.time for line in sent}) == 1  # one write() for the whole reply


def test_a_non_ascii_address_needs_smtputf8_on_mail_from(lab: LabServer, raw_smtp) -> None:
    """RFC 6531 §3.4: without SMTPUTF8 on MAIL FROM, UTF-8 addresses are refused."""
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    refused = client.command("MAIL FROM:<张三@example.com>")
    assert refused.code == 553 and refused.text.startswith("5.6.7")
    assert client.command("MAIL FROM:<a@example.com>").code == 250
    refused = client.command("RCPT TO:<用户@例子.广告>")
    assert refused.code == 553 and refused.text.startswith("5.6.7")
    assert client.command("RSET").code == 250
    assert client.command("MAIL FROM:<张三@example.com> SMTPUTF8").code == 250
    assert client.command("RCPT TO:<用户@例子.广告>").code == 250
