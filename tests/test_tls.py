"""TLS: verification is ON by default everywhere, and every failure names its cause.

tests/test_client.py already covers: the lab CA trusted (each certificate name), another
name than the certificate's (implicit TLS), the system's CAs or another CA (not trusted),
``verify=False`` shown loudly, implicit TLS on the STARTTLS port, plain text on the
implicit-TLS port, STARTTLS twice, and ``starttls()`` called by hand when the server does
not offer it. This file covers the rest: the defaults of ``Client`` and ``send()``, an
expired, a not-yet-valid and a self-signed certificate and a name or IP address mismatch
(served by a small TLS server in the test, since the lab only serves its own valid
certificate), STARTTLS on the implicit-TLS port, and the STRIPTLS downgrade when the
learner asked for ``security="starttls"``: the kit must fail, never go on in plain text.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import pytest
import trustme
from interop.scripted import STARTTLS_EHLO, Peer, ScriptedServer, smtp_script

import smtplab
from smtplab import Client
from smtplab.errors import NotSupported, ReplyError, Timeout, TLSError
from smtplab.lab import LabServer

TIMEOUT = 2.0
NOW = datetime.now(timezone.utc).replace(tzinfo=None)


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = "bob@example.com"
    msg["Subject"] = "tls"
    msg.set_content("Hello.\n")
    return msg


# --- a small TLS server with the certificate a test wants ----------------------------------

CA = trustme.CA(organization_name="smtplab test CA")


def trusting() -> ssl.SSLContext:
    """A client context that trusts CA, with certificate and host name checks ON."""
    context = ssl.create_default_context()
    CA.configure_trust(context)
    return context


def server_context(
    cert: trustme.LeafCert | None = None, *, self_signed: bool = False
) -> ssl.SSLContext:
    """The scripted server's context: ``cert``, or the CA's own (self-signed) certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    if self_signed:  # a CA certificate is signed by itself; the client does not trust it
        other = trustme.CA(organization_name="nobody's CA")
        with other.cert_pem.tempfile() as cert_file, other.private_key_pem.tempfile() as key:
            context.load_cert_chain(cert_file, key)
        return context
    assert cert is not None
    cert.configure_cert(context)
    return context


CERTIFICATES: dict[str, Callable[[], ssl.SSLContext]] = {
    "valid": lambda: server_context(CA.issue_cert("127.0.0.1", "localhost")),
    "expired": lambda: server_context(
        CA.issue_cert(
            "127.0.0.1", not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(days=1)
        )
    ),
    "not yet valid": lambda: server_context(
        CA.issue_cert(
            "127.0.0.1", not_before=NOW + timedelta(days=1), not_after=NOW + timedelta(days=400)
        )
    ),
    "another name": lambda: server_context(CA.issue_cert("smtp.example.test")),
    "self-signed": lambda: server_context(self_signed=True),
}

# What the error must say for each certificate (the cause, in the learner's words).
CAUSES = {
    "expired": "expired",
    "not yet valid": "not yet valid",
    "another name": "does not cover the IP address",
    "self-signed": "self-signed",
}


@pytest.fixture
def tls_server() -> Iterator[Callable[[str, str], ScriptedServer]]:
    """``tls_server(certificate, mode)``: a scripted SMTP server on 127.0.0.1 serving one
    of CERTIFICATES, with ``mode`` "starttls" (STARTTLS offered) or "tls" (implicit)."""
    servers: list[ScriptedServer] = []

    def make(certificate: str, mode: str) -> ScriptedServer:
        context = CERTIFICATES[certificate]()
        if mode == "starttls":
            script = smtp_script(ehlo=STARTTLS_EHLO, tls=context)
        else:
            inner = smtp_script()

            def script(peer: Peer) -> None:
                peer.start_tls(context)
                inner(peer)

        server = ScriptedServer(script).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_a_valid_certificate_from_a_trusted_ca_passes(
    tls_server: Callable[[str, str], ScriptedServer], mode: str
) -> None:
    server = tls_server("valid", mode)
    with Client(server.host, server.port, security=mode, context=trusting()) as client:  # type: ignore[arg-type]
        client.send_message(message())
    info = client.transcript.tls_info
    assert info is not None and info.verified and info.server_name == "127.0.0.1"
    assert info.issuer == "smtplab test CA"


@pytest.mark.parametrize("mode", ["starttls", "tls"])
@pytest.mark.parametrize("certificate", list(CAUSES))
def test_a_bad_certificate_fails_naming_the_cause(
    tls_server: Callable[[str, str], ScriptedServer], certificate: str, mode: str
) -> None:
    server = tls_server(certificate, mode)
    with pytest.raises(TLSError) as caught:
        Client(server.host, server.port, security=mode, context=trusting(), timeout=TIMEOUT)  # type: ignore[arg-type]
    text = str(caught.value)
    assert CAUSES[certificate] in text, text
    assert "failed verification" in text and "'127.0.0.1'" in text
    assert "do not turn verification off" in text or certificate != "expired"
    sent = bytes(server.peers[0].received)
    assert b"MAIL FROM" not in sent and b"AUTH" not in sent  # nothing went on in plain text


@pytest.mark.parametrize("certificate", list(CAUSES))
def test_send_refuses_a_bad_certificate_too(
    tls_server: Callable[[str, str], ScriptedServer], certificate: str
) -> None:
    server = tls_server(certificate, "tls")
    with pytest.raises(TLSError, match=CAUSES[certificate]):
        smtplab.send(
            message(), host=server.host, port=server.port, security="tls", context=trusting()
        )


# --- verification is the default --------------------------------------------------------------


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_send_verifies_by_default(lab: LabServer, mode: str) -> None:
    port = lab.port if mode == "starttls" else lab.tls_port
    with pytest.raises(TLSError, match=r"not trusted|authority") as caught:
        smtplab.send(
            message(),
            host=lab.host,
            port=port,
            security=mode,  # type: ignore[arg-type]
            username="student",
            password=lab.users["student"],
            timeout=TIMEOUT,
        )
    assert "lab.ssl_context()" in str(caught.value)
    assert all(session.auth_user is None for session in lab.sessions)
    assert lab.inbox == []


def test_client_implicit_tls_and_starttls_verify_by_default(lab: LabServer) -> None:
    with pytest.raises(TLSError, match=r"not trusted|authority"):
        Client(lab.host, lab.tls_port, security="tls", timeout=TIMEOUT)
    client = Client(lab.host, lab.port, timeout=TIMEOUT)
    with pytest.raises(TLSError, match=r"not trusted|authority"):
        client.starttls()  # no context: the system's authorities, which do not know the lab
    assert not client.connected


def test_the_default_context_checks_certificate_and_name(lab: LabServer) -> None:
    # No context given: the system's trust store, which does not know the lab's own CA.
    with pytest.raises(TLSError) as caught:
        Client(lab.host, lab.port, security="starttls")
    assert "certificate" in str(caught.value)
    # Only when asked for, by name, does the client accept any certificate.
    with Client(lab.host, lab.port, security="starttls", verify=False) as unverified:
        assert unverified.tls_active


def test_a_wrong_name_over_starttls_fails_naming_the_cause(lab: LabServer) -> None:
    with pytest.raises(TLSError) as caught:
        Client(
            lab.host,
            lab.port,
            security="starttls",
            context=lab.ssl_context(),
            server_hostname="smtp.example.com",
        )
    assert "another name" in str(caught.value) and "'smtp.example.com'" in str(caught.value)


# --- the wrong mode for the port ----------------------------------------------------------------


def test_starttls_to_the_implicit_tls_port_times_out_with_the_explanation(lab: LabServer) -> None:
    started = time.monotonic()
    with pytest.raises(Timeout) as caught:
        Client(lab.host, lab.tls_port, security="starttls", context=lab.ssl_context(), timeout=1)
    assert time.monotonic() - started < 1 + 1.0
    text = str(caught.value)
    assert "waiting for the greeting" in text and "nothing arrived" in text
    assert "implicit TLS" in text and "security='tls'" in text


def test_implicit_tls_to_the_starttls_port_fails_with_the_explanation(lab: LabServer) -> None:
    with pytest.raises(TLSError) as caught:
        smtplab.send(
            message(), host=lab.host, port=lab.port, security="tls", context=lab.ssl_context()
        )
    assert "WRONG_VERSION_NUMBER" in str(caught.value) and "STARTTLS" in str(caught.value)


# --- STRIPTLS: the learner asked for TLS and the server does not offer it ------------------------


def test_security_starttls_without_starttls_offered_fails_instead_of_going_on_in_plain_text(
    lab: LabServer,
) -> None:
    lab.fail("EHLO", "250-lab.smtplab.test\n250-AUTH LOGIN PLAIN\n250 PIPELINING")
    with pytest.raises(NotSupported, match="STRIPTLS"):
        smtplab.send(
            message(),
            host=lab.host,
            port=lab.port,
            security="starttls",
            context=lab.ssl_context(),
            username="student",
            password=lab.users["student"],
        )
    session = lab.sessions[-1]
    assert session.commands() == ["EHLO"]  # then the client hung up: no AUTH, no MAIL
    assert lab.users["student"] not in str(session)
    assert lab.inbox == []


def test_a_refused_starttls_fails_instead_of_going_on_in_plain_text(lab: LabServer) -> None:
    lab.fail("STARTTLS", "454 4.7.0 TLS not available due to temporary reason")
    with pytest.raises(ReplyError) as caught:
        Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())
    assert caught.value.code == 454 and "STARTTLS" in str(caught.value)
    assert lab.sessions[-1].commands() == ["EHLO", "STARTTLS"]
    assert lab.inbox == []


def test_the_striptls_error_names_the_attack_and_the_way_out(lab: LabServer) -> None:
    lab.fail("EHLO", "250 lab.smtplab.test")
    with pytest.raises(NotSupported) as caught:
        Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())
    text = str(caught.value)
    assert "STARTTLS" in text and "plain text" in text and "security='tls'" in text
