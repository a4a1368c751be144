"""Issue 16: the lesson-only lab that offers AUTH before TLS, what a wire tap sees of a
login before and after STARTTLS, the plain client on the implicit-TLS port, and the
advice for ``530 5.7.0 Must issue a STARTTLS command first``. Real sockets, a real lab."""

from __future__ import annotations

import base64
import time

import pytest

from smtplab import Client
from smtplab.errors import Disconnected, SenderRefused, Timeout, UnencryptedAuthRefused
from smtplab.lab import LabPolicy, LabServer
from smtplab.tap import WireTap

LESSON_PASSWORD = "correct-horse-7"  # made up, as notebook 05's
USERS = {"student": LESSON_PASSWORD}


@pytest.fixture
def insecure_lab() -> LabServer:
    with LabServer(auth_before_tls=True, users=USERS) as lab:
        yield lab


def test_the_lesson_lab_says_it_is_insecure_in_its_greeting_and_repr(insecure_lab) -> None:
    with Client(insecure_lab.host, insecure_lab.port, timeout=5) as client:
        greeting = client.greeting
    assert greeting.code == 220
    assert "LESSON ONLY: insecure lab, offers AUTH before TLS" in greeting.text
    assert "LESSON ONLY" in repr(insecure_lab) and "AUTH before TLS" in repr(insecure_lab)
    assert "LESSON ONLY" not in repr(LabServer())  # the ordinary lab says nothing of it


def test_the_lesson_lab_offers_auth_in_plain_text_and_the_ordinary_one_does_not(
    insecure_lab,
) -> None:
    with Client(insecure_lab.host, insecure_lab.port, timeout=5) as client:
        client.ehlo()
        assert client.extensions.starttls
        assert sorted(client.extensions.auth_mechanisms) == ["LOGIN", "PLAIN"]
    with LabServer() as lab, Client(lab.host, lab.port, timeout=5) as client:
        client.ehlo()
        assert client.extensions.auth_mechanisms == set()
        assert client.command("AUTH LOGIN").code == 538


def test_the_client_still_refuses_auth_in_clear_unless_the_learner_opts_in(insecure_lab) -> None:
    with WireTap(insecure_lab.host, insecure_lab.port) as tap:
        with Client(tap.host, tap.port, timeout=5) as client:
            client.ehlo()
            with pytest.raises(UnencryptedAuthRefused, match="allow_unencrypted_auth=True"):
                client.login("student", LESSON_PASSWORD)
        assert tap.wait_closed()
        assert b"AUTH" not in tap.bytes_from_client  # nothing was sent
        for mechanism in ("Login", "plain"):  # named in any case, sent in upper case
            with Client(tap.host, tap.port, timeout=5) as client:
                client.ehlo()
                reply = client.login(
                    "student", LESSON_PASSWORD, mechanism=mechanism, allow_unencrypted_auth=True
                )
                assert reply.code == 235
                assert "WITHOUT TLS" in str(client.transcript.reveal())
        assert tap.wait_closed()
        sent = tap.bytes_from_client
    lines = sent.split(b"\r\n")
    assert b"AUTH plain" not in sent and b"AUTH Login" not in sent
    plain = next(line for line in lines if line.startswith(b"AUTH PLAIN "))
    assert base64.b64decode(plain.split()[2]) == b"\0student\0" + LESSON_PASSWORD.encode()
    password_line = lines[lines.index(b"AUTH LOGIN") + 2]
    assert base64.b64decode(password_line) == LESSON_PASSWORD.encode()


def test_after_starttls_the_tap_sees_only_records_whose_length_gives_the_password_length(
    insecure_lab,
) -> None:
    with WireTap(insecure_lab.host, insecure_lab.port) as tap:
        with Client(tap.host, tap.port, timeout=5) as client:
            client.starttls(context=insecure_lab.ssl_context())
            client.login("student", LESSON_PASSWORD)
        assert tap.wait_closed()
        sent = tap.bytes_from_client
    start = sent.find(b"\x16\x03")
    assert b"STARTTLS" in sent[:start] and b"AUTH" not in sent[start:]
    records, offset = [], start
    while offset < len(sent):
        records.append(
            (sent[offset : offset + 3], int.from_bytes(sent[offset + 3 : offset + 5], "big"))
        )
        offset += 5 + records[-1][1]
    assert offset == len(sent)
    assert records[0][0][:2] == b"\x16\x03"  # the hello: only handshake records start 16 03
    data = [length for kind, length in records if kind == b"\x17\x03\x03"]
    # Finished, EHLO, AUTH LOGIN, the user name, the password, QUIT: each its own record,
    # 17 bytes longer than its line (1 byte of content type, 16 of AEAD tag; RFC 8446 §5.2).
    assert len(data) == 6
    password_line = len(base64.b64encode(LESSON_PASSWORD.encode())) + 2
    assert data[4] == password_line + 17


def test_a_plain_client_on_the_implicit_tls_port_is_closed_with_the_hint() -> None:
    with LabServer(policy=LabPolicy(tls_handshake_timeout=0.3)) as lab:
        started = time.monotonic()
        with pytest.raises(Disconnected) as closed:
            Client(lab.host, lab.tls_port, timeout=10)
        assert time.monotonic() - started < 5
    assert "waiting for the greeting" in str(closed.value)
    assert "waits for your TLS handshake first" in str(closed.value)
    assert "security='tls'" in str(closed.value)


def test_the_same_hint_when_the_client_gives_up_first() -> None:
    lab = LabServer(policy=LabPolicy(tls_handshake_timeout=10))
    with lab, pytest.raises(Timeout) as timed_out:
        Client(lab.host, lab.tls_port, timeout=0.3)
    assert "waits for your TLS handshake first" in str(timed_out.value)
    assert "security='tls'" in str(timed_out.value)


def test_the_lab_gives_up_on_a_silent_client_before_the_clients_default_timeout() -> None:
    from smtplab.wire import DEFAULT_TIMEOUT

    assert LabPolicy().tls_handshake_timeout < DEFAULT_TIMEOUT / 2


def test_530_starttls_first_advises_starttls_then_login() -> None:
    with LabServer(require_tls=True) as lab, Client(lab.host, lab.port, timeout=5) as client:
        client.ehlo()
        with pytest.raises(SenderRefused) as refused:
            client.mail("student@lab.smtplab.test")
    assert refused.value.code == 530
    assert "Must issue a STARTTLS command first" in str(refused.value)
    assert "starttls(), then login()" in str(refused.value)
