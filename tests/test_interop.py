"""Interop with software no one here wrote: Postfix, swaks and the standard library.

* The smtplab Client against a real Postfix (Debian's), run from a private directory
  on 127.0.0.1 that relays nothing and delivers to Maildir files
  (:mod:`interop.postfix`): EHLO, STARTTLS with a test certificate, AUTH LOGIN and
  PLAIN, a UTF-8 message (SMTPUTF8 address, 8-bit body), pipelining; the message is
  read back from Postfix's mailbox.
* swaks against the LabServer: STARTTLS (and implicit TLS) with the lab CA verified,
  AUTH LOGIN and PLAIN; the message arrives intact.
* smtplib against the LabServer: plain, STARTTLS verified and implicit TLS are in
  tests/test_lab_smtp.py; what was missing is smtplib's AUTH LOGIN (its ``login()``
  prefers PLAIN) with the classic two prompts, over STARTTLS and implicit TLS.

Under ``CI=true`` a missing tool fails the run; elsewhere these tests skip, saying how to
install the tools (:mod:`interop.tools`).
"""

from __future__ import annotations

import shutil
import smtplib
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import trustme
from interop.postfix import DOMAIN, DovecotAuth, PostfixInstance
from interop.tools import require_perl_module, require_root, require_tool

from smtplab import Client, compose
from smtplab.errors import AuthenticationError, NotSupported, RecipientRefused
from smtplab.lab import LabServer

pytestmark = pytest.mark.interop

POSTFIX_USER = "alice@postfix.test"
POSTFIX_PASSWORD = "Interop-Pa55-word"
BOB = f"bob@{DOMAIN}"


# --- Postfix ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postfix_ca() -> trustme.CA:
    return trustme.CA(organization_name="smtplab interop CA")


@pytest.fixture(scope="module")
def postfix(postfix_ca: trustme.CA) -> Iterator[PostfixInstance]:
    """One private Postfix for the module (started in ~1-2 s, stopped after)."""
    command = require_tool("postfix", "the Client is tested against a real Postfix")
    require_root("running a private Postfix instance")
    auth = DovecotAuth({POSTFIX_USER: POSTFIX_PASSWORD}).start()
    # Not under pytest's 0700 temporary directory: the postfix user must reach its queue.
    base = Path(tempfile.mkdtemp(prefix="smtplab-postfix-"))
    instance = PostfixInstance(
        base,
        cert=postfix_ca.issue_cert("127.0.0.1", "localhost"),
        auth_port=auth.port,
        postfix=command,
    )
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()
        auth.stop()
        shutil.rmtree(base, ignore_errors=True)
    assert auth.errors == []


@pytest.fixture
def postfix_context(postfix_ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    postfix_ca.configure_trust(context)
    return context


def test_the_client_talks_to_postfix_starttls_auth_utf8_pipelining(
    postfix: PostfixInstance, postfix_context: ssl.SSLContext
) -> None:
    before = len(postfix.delivered())
    draft = compose(
        sender="张三@例子.测试",
        sender_name="张三",
        to=BOB,
        subject="你好 Postfix, from smtplab",
        body="正文：你好。\n.\nA line with a lone dot, and ünïcödé.\n",
        body_encoding="8bit",
    )
    client = Client(postfix.host, postfix.port, timeout=10, pipelining=True)
    client.ehlo("learner.example")
    assert client.extensions.starttls and not client.extensions.auth_mechanisms
    with pytest.raises(NotSupported, match="STARTTLS"):  # Postfix: AUTH only inside TLS
        client.login(POSTFIX_USER, POSTFIX_PASSWORD)
    client.starttls(context=postfix_context)
    extensions = client.extensions
    assert {"LOGIN", "PLAIN"} <= set(extensions.auth_mechanisms)
    assert extensions.pipelining and extensions.smtputf8 and extensions.eightbitmime
    assert client.login(POSTFIX_USER, POSTFIX_PASSWORD).code == 235
    reply = client.send_message(draft)
    assert reply.code == 250 and "queued as" in reply.text
    client.quit()

    [*_, message] = postfix.wait_for_mail(before + 1)
    assert str(message["Subject"]) == "你好 Postfix, from smtplab"
    assert message["From"].addresses[0].display_name == "张三"
    assert message["From"].addresses[0].addr_spec == "张三@例子.测试"
    assert message.get_content().replace("\r\n", "\n") == draft.message.get_content()
    text = str(client.transcript)
    assert "pipelined" in text  # MAIL, RCPT and DATA went out in one batch
    assert "SMTPUTF8" in text and "BODY=8BITMIME" in text
    assert POSTFIX_PASSWORD not in text
    info = client.transcript.tls_info
    assert info is not None and info.verified and info.issuer == "smtplab interop CA"
    log = postfix.log()
    assert "sasl_method=LOGIN" in log and f"sasl_username={POSTFIX_USER}" in log


def test_auth_plain_over_starttls_to_postfix(
    postfix: PostfixInstance, postfix_context: ssl.SSLContext
) -> None:
    before = len(postfix.delivered())
    with Client(
        postfix.host, postfix.port, security="starttls", context=postfix_context, timeout=10
    ) as client:
        assert client.login(POSTFIX_USER, POSTFIX_PASSWORD, mechanism="PLAIN").code == 235
        client.send_message(
            compose(sender=POSTFIX_USER, to=BOB, subject="PLAIN", body="Sent after PLAIN.\n")
        )
    [*_, message] = postfix.wait_for_mail(before + 1)
    assert str(message["Subject"]) == "PLAIN"


def test_postfix_refuses_a_wrong_password_and_relaying_and_the_client_explains(
    postfix: PostfixInstance, postfix_context: ssl.SSLContext
) -> None:
    client = Client(
        postfix.host, postfix.port, security="starttls", context=postfix_context, timeout=10
    )
    with pytest.raises(AuthenticationError) as failed:
        client.login(POSTFIX_USER, "not-" + POSTFIX_PASSWORD)
    assert failed.value.code == 535 and "authentication failed" in str(failed.value)
    assert POSTFIX_PASSWORD not in str(failed.value) + str(client.transcript)
    with pytest.raises(RecipientRefused) as refused:
        client.send_message(
            compose(sender="alice@example.com", to="someone@example.org", subject="x", body="x")
        )
    assert refused.value.code == 554 and "Relay access denied" in str(refused.value)
    assert refused.value.recipient == "someone@example.org"
    client.quit()


def test_postfix_sees_one_message_for_a_smuggling_attempt(
    postfix: PostfixInstance, postfix_context: ssl.SSLContext
) -> None:
    """Postfix reads a bare LF as a line end in some settings: the client never sends one."""
    before = len(postfix.delivered())
    body = "first\n.\nMAIL FROM:<evil@example.com>\nRCPT TO:<bob@postfix.test>\nDATA\nx\n.\n"
    with Client(
        postfix.host, postfix.port, security="starttls", context=postfix_context, timeout=10
    ) as client:
        client.send_message(body.encode(), "alice@example.com", [BOB])
    postfix.wait_for_mail(before + 1)
    deadline = time.monotonic() + 10
    while postfix.log().count("status=sent") < before + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # room for a second (smuggled) message, if there were one
    messages = postfix.wait_for_mail(before + 1, timeout=0)
    assert len(messages) == before + 1, "exactly one more message was delivered"
    assert postfix.log().count("status=sent") == before + 1
    assert b"MAIL FROM:<evil@example.com>" in postfix.delivered()[-1]  # it stayed in the body


# --- swaks against the lab --------------------------------------------------------------------


@pytest.fixture
def swaks() -> str:
    path = require_tool("swaks", "swaks is the independent SMTP client of these tests")
    require_perl_module("Net::SSLeay", "libnet-ssleay-perl", "swaks needs it for TLS")
    return path


@pytest.mark.parametrize(
    ("mode", "mechanism"), [("starttls", "LOGIN"), ("starttls", "PLAIN"), ("tls", "LOGIN")]
)
def test_swaks_sends_to_the_lab_with_tls_verified_and_auth(
    lab: LabServer, swaks: str, mode: str, mechanism: str
) -> None:
    body = "Hello from swaks.\r\n.\r\n..two dots\r\nlast line"
    port = lab.port if mode == "starttls" else lab.tls_port
    command = [
        swaks,
        "--server", f"{lab.host}:{port}",
        "--helo", "swaks.example",
        "--tls" if mode == "starttls" else "--tls-on-connect",
        "--tls-verify", "--tls-ca-path", lab.ca_path,
        "--auth", mechanism, "--auth-user", "student",
        "--auth-password", lab.users["student"],
        "--from", "alice@example.com", "--to", "bob@example.com",
        "--header", f"Subject: swaks {mode} {mechanism}",
        "--body", body,
        "--timeout", "10",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [received] = lab.wait_for(1)
    assert received.tls and received.auth_user == "student"
    assert received.rcpt_tos == ["bob@example.com"]
    assert str(received.message["Subject"]) == f"swaks {mode} {mechanism}"
    content = received.message.get_content().replace("\r\n", "\n").rstrip("\n")
    assert content == body.replace("\r\n", "\n")
    session = lab.session(received.session_id)
    assert lab.users["student"] not in str(session)  # the lab masks swaks' AUTH too


def test_swaks_refuses_the_lab_without_its_ca(lab: LabServer, swaks: str) -> None:
    """The lab's certificate is not trusted by the system: verification really happens."""
    command = [swaks, "--server", f"{lab.host}:{lab.port}", "--tls", "--tls-verify",
               "--to", "bob@example.com", "--timeout", "10", "--quit-after", "EHLO"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "verif" in (done.stdout + done.stderr).lower()


# --- smtplib: what tests/test_lab_smtp.py does not cover ----------------------------------------


def smtplib_login(client: smtplib.SMTP, user: str, password: str) -> tuple[int, bytes]:
    """AUTH LOGIN the classic way: AUTH LOGIN, then answer the two 334 prompts."""
    client.user, client.password = user, password  # what login() would set
    return client.auth("LOGIN", client.auth_login, initial_response_ok=False)


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_smtplib_auth_login_with_both_prompts(lab: LabServer, mode: str) -> None:
    context = lab.ssl_context()
    client: smtplib.SMTP
    if mode == "tls":
        client = smtplib.SMTP_SSL(lab.host, lab.tls_port, context=context, timeout=10)
    else:
        client = smtplib.SMTP(lab.host, lab.port, timeout=10)
        client.starttls(context=context)
    with client:
        client.ehlo("learner.example")
        assert smtplib_login(client, "student", lab.users["student"]) == (
            235,
            b"2.7.0 Authentication successful",
        )
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "alice@example.com", "bob@example.com", mode
        msg.set_content("Hello from smtplib.\n")
        client.send_message(msg)
    [received] = lab.wait_for(1)
    assert received.auth_user == "student" and received.tls
    session = lab.session(received.session_id)
    assert {"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6"} <= set(session.sent_lines())
