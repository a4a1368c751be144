"""``Client.for_provider(...)`` and ``send(..., provider=...)``: the presets' host, port and
security, and the whole flow against the lab's look-alikes, with the provider's advice in
every error.

Nothing here contacts a provider: ``connect=False`` shows where a client would go, and
the flows run against ``LabServer(profile=...)`` on 127.0.0.1 through host/port
overrides. An autouse fixture refuses any connection or name lookup that is not
loopback.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from smtplab import Client, send
from smtplab.errors import (
    AuthenticationError,
    ConnectError,
    NotSupported,
    Timeout,
    TLSError,
)
from smtplab.lab import LabServer
from smtplab.lab.profiles import GMAIL_APP_PASSWORD_ACCOUNT
from smtplab.message import compose
from smtplab.providers import PROVIDERS, UnknownProviderError, advice_for, explain_failure
from smtplab.transcript import Transcript

ALL = sorted(PROVIDERS.values(), key=lambda p: p.key)


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection or DNS lookup that is not loopback: no real provider."""
    connect, getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def guard(host: object) -> None:
        if not _is_loopback(host):
            raise AssertionError(f"a test tried to reach {host!r}: loopback only")

    def checked_connect(self: socket.socket, address: object) -> None:
        guard(address[0] if isinstance(address, tuple) else address)
        return connect(self, address)  # type: ignore[arg-type]

    def checked_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        guard(host)
        return getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", checked_connect)
    monkeypatch.setattr(socket, "getaddrinfo", checked_getaddrinfo)


def flat(text: object) -> str:
    """The text without layout: box-drawing marks dropped, whitespace runs made one space."""
    return " ".join(str(text).translate(str.maketrans("│┐┘", "   ")).split())


def draft() -> object:
    return compose(
        sender="learner@example.com", to="friend@example.com", subject="hi", body="Hello\n"
    )


# --------------------------------------------------------------------------- presets


@pytest.mark.parametrize("preset", ALL, ids=lambda p: p.key)
def test_for_provider_picks_the_preset_s_host_port_and_security(preset: object) -> None:
    client = Client.for_provider(preset.key, connect=False)  # type: ignore[attr-defined]
    assert not client.connected
    assert client.host == preset.host  # type: ignore[attr-defined]
    assert (client.security, client.port) == (
        preset.default_security,  # type: ignore[attr-defined]
        preset.default_port,  # type: ignore[attr-defined]
    )
    assert client.provider == preset.key  # type: ignore[attr-defined]
    assert client.transcript.provider == preset.key  # type: ignore[attr-defined]


@pytest.mark.parametrize("preset", ALL, ids=lambda p: p.key)
def test_for_provider_honours_every_documented_security(preset: object) -> None:
    for security, port in preset.security_options:  # type: ignore[attr-defined]
        client = Client.for_provider(preset.key, security=security, connect=False)  # type: ignore[attr-defined]
        assert (client.security, client.port) == (security, port)


def test_for_provider_accepts_aliases_hosts_and_addresses() -> None:
    assert Client.for_provider("QQMail", connect=False).host == "smtp.qq.com"
    assert Client.for_provider("smtp.gmail.com", connect=False).provider == "gmail"
    assert Client.for_provider("alice@hotmail.com", connect=False).provider == "outlook"
    with pytest.raises(UnknownProviderError, match="Known presets"):
        Client.for_provider("aol", connect=False)


def test_for_provider_refuses_a_port_the_provider_does_not_have() -> None:
    with pytest.raises(NotSupported, match="no implicit-TLS port is documented"):
        Client.for_provider("outlook", security="tls", connect=False)


def test_for_provider_overrides_host_and_port_but_keeps_the_provider() -> None:
    client = Client.for_provider("qq", host="127.0.0.1", port=2465, connect=False)
    assert (client.host, client.port, client.security, client.provider) == (
        "127.0.0.1",
        2465,
        "tls",
        "qq",
    )
    client = Client.for_provider("gmail", security="starttls", port=2587, connect=False)
    assert (client.host, client.port, client.security) == ("smtp.gmail.com", 2587, "starttls")


def test_send_refuses_a_port_the_provider_does_not_have_before_dialling() -> None:
    with pytest.raises(NotSupported, match=r"Outlook\.com"):
        send(draft(), provider="outlook", security="tls")  # type: ignore[arg-type]


def test_a_connect_timeout_gets_the_blocked_network_advice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a learner on mybinder.org sees, without dialling: the connect times out."""

    def blocked(*args: object, **kwargs: object) -> socket.socket:
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", blocked)
    with pytest.raises(ConnectError) as caught:
        Client.for_provider("qq", timeout=1)
    text = str(caught.value)
    assert "connecting to smtp.qq.com:465" in text
    assert advice_for(provider="qq", error_text="timed out") in text  # type: ignore[operator]
    assert "port 465 is implicit TLS" in text


# --------------------------------------------------------------------------- look-alikes


def test_for_provider_against_the_qq_look_alike_sends() -> None:
    with LabServer(profile="qq") as lab:
        with Client.for_provider(
            "qq", **lab.provider_overrides(), local_hostname="learner.example"
        ) as client:
            assert client.tls_active and client.port == lab.tls_port
            client.login("student", lab.users["student"])
            # QQ sends only as the logged-in account (501 otherwise): its own address.
            client.send_message(draft(), "student@qq.com")  # type: ignore[arg-type]
        message = lab.wait_for(1)[0]
    assert message.tls and message.auth_user == "student"
    assert message.rcpt_tos == ["friend@example.com"]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_send_with_provider_against_the_gmail_look_alike(security: str) -> None:
    with LabServer(profile="gmail") as lab:
        transcript = send(
            draft(),  # type: ignore[arg-type]
            provider="gmail",
            username="student@gmail.com",
            password=lab.users["student"],
            local_hostname="learner.example",
            **lab.provider_overrides(security),
        )
        assert lab.wait_for(1)[0].auth_user == "student"
    assert isinstance(transcript, Transcript)
    assert transcript.provider == "gmail"
    assert "- gsmtp" in transcript.dialogue()


@pytest.mark.parametrize(
    ("profile", "provider", "user", "failure"),
    [
        ("qq", "qq", "student", "qq-authorization-code"),
        ("qq-gbk", "qq", "student", "qq-authorization-code"),
        ("gmail", "gmail", "student", "gmail-bad-credentials"),
        ("gmail", "gmail", GMAIL_APP_PASSWORD_ACCOUNT, "gmail-app-password-required"),
        ("outlook", "outlook", "student", "microsoft-basic-auth-disabled"),
    ],
)
def test_send_with_provider_raises_with_the_provider_s_advice(
    profile: str, provider: str, user: str, failure: str
) -> None:
    with LabServer(profile=profile) as lab, pytest.raises(AuthenticationError) as caught:
        send(
            draft(),  # type: ignore[arg-type]
            provider=provider,
            username=user,
            password="a wrong secret",
            local_hostname="learner.example",
            **lab.provider_overrides(),
        )
    error = caught.value
    known = explain_failure(error.reply, provider=provider)
    assert known is not None and known.key == failure
    assert known.advice in str(error)
    annotation = known.advice.split(":")[0].split(";")[0]
    assert flat(annotation) in flat(error.transcript)  # type: ignore[attr-defined]


def test_implicit_tls_on_the_starttls_port_explains_wrong_version_number() -> None:
    with LabServer(profile="gmail") as lab, pytest.raises(TLSError) as caught:
        Client.for_provider(
            "gmail", host=lab.host, port=lab.port, security="tls", context=lab.ssl_context()
        )
    text = str(caught.value)
    assert "WRONG_VERSION_NUMBER" in text
    assert advice_for(provider="gmail", error_text="WRONG_VERSION_NUMBER") in text  # type: ignore[operator]
    assert "For Gmail: port 465 is implicit TLS" in text


def test_plain_text_on_the_implicit_tls_port_times_out_with_a_hint() -> None:
    with LabServer(profile="qq") as lab, pytest.raises(Timeout) as caught:
        Client.for_provider("qq", host=lab.host, port=lab.tls_port, security="plain", timeout=0.5)
    assert "connect with security='tls'" in str(caught.value)
