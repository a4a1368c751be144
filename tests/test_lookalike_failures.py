"""The look-alikes' failures beyond logins (issue 16), over real sockets on 127.0.0.1.

QQ: ``501 mail from address must be same as authorization user`` for a MAIL FROM that is
not the logged-in account's, and ``550 The "From" header is missing or invalid ...`` after
a message whose From address is inside an encoded word. NetEase 163: ``535 Error:
authentication failed`` (advice: the authorization code), ``550 User has no permission``
(advice: turn SMTP on), ``554 DT:SPM ...`` after the message (advice: change the content).
Each is met with the kit's Client (its error carries the advice) and with smtplib, and
each text must be the one the provider records quote.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.header import Header
from email.mime.text import MIMEText

import pytest

from smtplab import Client, compose
from smtplab.errors import AuthenticationError, DataRefused, SenderRefused
from smtplab.lab import LabPolicy, LabServer
from smtplab.lab.policy import CONTENT_REFUSED, FROM_HEADER_INVALID, SENDER_NOT_LOGIN
from smtplab.lab.profiles import NETEASE_SMTP_OFF_ACCOUNT, NETEASE_SPAM_PHRASE, PROFILES
from smtplab.providers import PROVIDERS, explain_failure

QQ_501 = "501 mail from address must be same as authorization user"
QQ_550 = (
    '550 The "From" header is missing or invalid. Please follow RFC5322, RFC2047, RFC822 '
    "standard protocol. https://service.mail.qq.com/detail/124/995."
)


def _observed(provider: str, code: int) -> str:
    seen = PROVIDERS[provider].observed
    assert seen is not None
    return next(f"{r.code} {r.text}" for r in seen.errors if r.code == code)


@pytest.fixture(scope="module")
def qq() -> Iterator[LabServer]:
    with LabServer(profile="qq") as lab:
        yield lab


@pytest.fixture(scope="module")
def netease() -> Iterator[LabServer]:
    with LabServer(profile="163") as lab:
        yield lab


def _client(lab: LabServer, provider: str) -> Client:
    return Client.for_provider(
        provider, **lab.provider_overrides(), local_hostname="learner.example", timeout=5
    )


def _smtplib(lab: LabServer) -> smtplib.SMTP_SSL:
    return smtplib.SMTP_SSL(lab.host, lab.tls_port, context=lab.ssl_context(), timeout=5)


# --------------------------------------------------------------------------- the records


def test_the_texts_are_the_quoted_ones() -> None:
    assert _observed("qq", 501) == QQ_501
    assert _observed("qq", 550) == QQ_550
    assert _observed("163", 554).startswith("554 DT:SPM 163 smtp12,")
    assert _observed("163", 550) == "550 User has no permission"
    assert _observed("163", 535) == "535 Error: authentication failed"


def test_the_plain_lab_keeps_none_of_these_rules() -> None:
    policy = LabPolicy()
    assert policy.sender_refusal("someone@else.example", "student") is None
    assert policy.message_refusal(b"Subject: spam-test\r\n\r\nno From\r\n") is None


def test_the_lab_rules_and_their_own_texts() -> None:
    policy = LabPolicy(
        sender_must_be_login=True,
        from_address_required=True,
        spam_phrase="spam-test",
        login_domains=("qq.com",),
    )
    assert policy.sender_refusal("student@qq.com", "student") is None
    assert policy.sender_refusal("Student@QQ.com", "student") is None
    assert policy.sender_refusal("learner@qq.com", "student") == SENDER_NOT_LOGIN
    assert policy.sender_refusal("student@example.com", "student") == SENDER_NOT_LOGIN
    assert policy.sender_refusal("", "student") == SENDER_NOT_LOGIN  # the null sender
    ok = b"From: =?utf-8?b?5a2m55Sf?= <student@qq.com>\r\nSubject: hi\r\n\r\nx\r\n"
    assert policy.message_refusal(ok) is None
    quoted = b'From: "=?utf-8?b?5a2m55Sf?=" <student@qq.com>\r\n\r\nx\r\n'
    assert policy.message_refusal(quoted) is None
    inside = b"From: =?utf-8?q?student=40qq=2Ecom?=\r\n\r\nx\r\n"
    assert policy.message_refusal(inside) == FROM_HEADER_INVALID
    assert policy.message_refusal(b"Subject: no from\r\n\r\nx\r\n") == FROM_HEADER_INVALID
    spam = b"From: student@qq.com\r\nSubject: =?utf-8?q?SPAM-TEST_now?=\r\n\r\nx\r\n"
    assert policy.message_refusal(spam) == CONTENT_REFUSED
    # Each standard line carries an enhanced code of its class (RFC 3463).
    for line in (SENDER_NOT_LOGIN, FROM_HEADER_INVALID, CONTENT_REFUSED):
        assert line[4] == line[0]


# --------------------------------------------------------------------------- QQ


def test_qq_refuses_a_sender_that_is_not_the_login_with_advice(qq: LabServer) -> None:
    with _client(qq, "qq") as client:
        client.login("student", qq.users["student"])
        with pytest.raises(SenderRefused) as caught:
            client.mail("learner@example.com")
        assert caught.value.reply.raw == (QQ_501 + "\r\n").encode()
        assert "Use the address you logged in with" in str(caught.value)
        assert "as the envelope sender (MAIL FROM)" in caught.value.hint
        client.rset()
        assert client.mail("student@qq.com").code == 250  # its own address passes
        transcript = client.transcript
    assert "Use the address you logged in with" in " ".join(str(transcript).split())


def test_qq_501_with_smtplib(qq: LabServer) -> None:
    with _smtplib(qq) as server:
        server.login("student@qq.com", qq.users["student"])
        with pytest.raises(smtplib.SMTPSenderRefused) as caught:
            server.sendmail("boss@qq.com", ["friend@example.com"], b"Subject: x\r\n\r\nx\r\n")
    assert caught.value.smtp_code == 501
    assert caught.value.smtp_error == QQ_501[4:].encode()
    failure = explain_failure(error_text=str(caught.value.smtp_error), provider="qq")
    assert failure is not None and failure.key == "qq-sender-not-login"


def test_qq_refuses_a_from_address_inside_an_encoded_word_with_advice(qq: LabServer) -> None:
    # The classic mistake: the whole From value wrapped in email.header.Header.
    mistake = MIMEText("Hello", "plain", "utf-8")
    mistake["From"] = Header("student@qq.com", "utf-8")
    mistake["To"] = "friend@example.com"
    mistake["Subject"] = "hi"
    assert "=?utf-8?" in mistake.as_string().split("From: ", 1)[1].splitlines()[0]
    with _client(qq, "qq") as client:
        client.login("student", qq.users["student"])
        with pytest.raises(DataRefused) as caught:
            client.send_message(mistake.as_bytes(), "student@qq.com", ["friend@example.com"])
        assert caught.value.reply.raw == (QQ_550 + "\r\n").encode()
        assert "encode only the display name" in caught.value.hint
        # compose() encodes only the display name: accepted.
        right = compose(
            sender="student@qq.com", sender_name="学生", to="friend@example.com", body="Hi"
        )
        assert client.send_message(right).code == 250


def test_qq_550_with_smtplib(qq: LabServer) -> None:
    with _smtplib(qq) as server:
        server.login("student", qq.users["student"])
        with pytest.raises(smtplib.SMTPDataError) as caught:
            server.sendmail(
                "student@qq.com",
                ["friend@example.com"],
                b"From: =?utf-8?q?student=40qq=2Ecom?=\r\nSubject: x\r\n\r\nx\r\n",
            )
    assert caught.value.smtp_code == 550
    failure = explain_failure(error_text=repr(caught.value.args), provider="qq")
    assert failure is not None and failure.key == "qq-from-header-invalid"


# --------------------------------------------------------------------------- 163


def test_163_profile_greets_and_logs_in_with_plain(netease: LabServer) -> None:
    profile = PROFILES["163"]
    assert profile.security == "tls" and profile.policy.auth_mechanisms == ("PLAIN",)
    with _client(netease, "163") as client:
        assert client.greeting.text == "163.com Anti-spam GT for Coremail System (163com[20141201])"
        reply = client.login("student@163.com", netease.users["student"])
        assert reply.raw == b"235 Authentication successful\r\n"
        assert client.mail("student@163.com").raw == b"250 Mail OK\r\n"


def test_163_wrong_password_gets_535_and_the_authorization_code_advice(
    netease: LabServer,
) -> None:
    with _client(netease, "163") as client, pytest.raises(AuthenticationError) as caught:
        client.login("student", "my 163 password")
    assert caught.value.reply.raw == b"535 Error: authentication failed\r\n"
    assert "authorization code (授权码)" in caught.value.hint
    assert "turn SMTP on" in caught.value.hint


def test_163_smtp_switched_off_gets_550_and_the_enable_advice(netease: LabServer) -> None:
    with _client(netease, "163") as client, pytest.raises(AuthenticationError) as caught:
        client.login(NETEASE_SMTP_OFF_ACCOUNT, netease.users["student"])
    assert caught.value.reply.raw == b"550 User has no permission\r\n"
    assert "Turn on POP3/SMTP/IMAP" in caught.value.hint
    # smtplib meets the same reply.
    with _smtplib(netease) as server, pytest.raises(smtplib.SMTPAuthenticationError) as seen:
        server.login(f"{NETEASE_SMTP_OFF_ACCOUNT}@163.com", "anything")
    assert (seen.value.smtp_code, seen.value.smtp_error) == (550, b"User has no permission")


def test_163_spam_content_gets_554_dt_spm_and_the_content_advice(netease: LabServer) -> None:
    spam = compose(
        sender="student@163.com",
        to="friend@example.com",
        subject=f"Win now ({NETEASE_SPAM_PHRASE})",
        body="Hello\n",
    )
    with _client(netease, "163") as client:
        client.login("student", netease.users["student"])
        with pytest.raises(DataRefused) as caught:
            client.send_message(spam)
        assert caught.value.reply.text.startswith("DT:SPM 163 smtp12,")
        assert "Change the subject and body" in caught.value.hint
        fine = compose(sender="student@163.com", to="friend@example.com", subject="Notes", body="x")
        assert client.send_message(fine).code == 250
    with _smtplib(netease) as server:
        server.login("student", netease.users["student"])
        with pytest.raises(smtplib.SMTPDataError) as seen:
            server.send_message(spam.message)
    assert seen.value.smtp_code == 554 and seen.value.smtp_error.startswith(b"DT:SPM 163")
    assert len(netease.inbox) >= 1  # only the fine message arrived


def test_serve_can_be_the_163_look_alike() -> None:
    """``smtplab serve --profile 163``, in a real process, greets as 163 does."""
    from test_cli import serving

    with serving("--profile", "163") as (banner, port):
        assert any("look-alike: 163" in line for line in banner)
        with smtplib.SMTP(timeout=10) as client:
            code, greeting = client.connect("127.0.0.1", port)
            assert code == 220 and b"Anti-spam GT for Coremail System" in greeting
