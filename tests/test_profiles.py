"""Tests for the lab's provider look-alikes (smtplab.lab.profiles) and their wiring.

Every look-alike is checked over real sockets on 127.0.0.1: with the smtplab Client
(its error message must carry the provider's advice, and so must the transcript's
annotation) and with an independent client (the standard library's smtplib, and raw
sockets for exact bytes). An autouse fixture refuses any connection or name lookup that
is not loopback: nothing here may contact a real provider.
"""

from __future__ import annotations

import base64
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Iterator

import pytest

from smtplab import Client
from smtplab.errors import AuthenticationError, SenderRefused
from smtplab.lab import LabPolicy, LabServer
from smtplab.lab.policy import LOGIN_REFUSED, ReplyText, hold_login_refusal
from smtplab.lab.profiles import (
    GMAIL_APP_PASSWORD_ACCOUNT,
    LAB_AUTH_OK,
    LAB_AUTH_REQUIRED,
    LAB_DATA_GO_AHEAD,
    LAB_QUIT,
    LAB_STARTTLS,
    LAB_UNKNOWN_MECHANISM,
    PROFILES,
    LabProfile,
    UnknownProfileError,
    describe_profile,
    get_profile,
    profile_for,
)
from smtplab.providers import IMITATION_NOTE, PROVIDERS, advice_for, explain_failure
from smtplab.replies import Reply

QQ = PROVIDERS["qq"].observed
GMAIL = PROVIDERS["gmail"].observed
OUTLOOK = PROVIDERS["outlook"].observed
OFFICE365 = PROVIDERS["office365"].observed
assert QQ is not None and GMAIL is not None and OUTLOOK is not None and OFFICE365 is not None

# The bytes smtplib showed in FeeiCN/GSIL#70: GBK of "请使用授权码登录。详情请看".
QQ_GBK_START = (
    b"535 Error: \xc7\xeb\xca\xb9\xd3\xc3\xca\xda\xc8\xa8\xc2\xeb\xb5\xc7\xc2\xbc\xa1\xa3"
    b"\xcf\xea\xc7\xe9\xc7\xeb\xbf\xb4: "
)
WRONG = "not the right secret"
MESSAGE = "From: learner@example.com\r\nTo: friend@example.com\r\nSubject: hi\r\n\r\nHello\r\n"


# --------------------------------------------------------------------------- fixtures


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
    """Refuse any connection or DNS lookup that is not 127.0.0.1 / ::1 / localhost."""
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def guard(address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _is_loopback(host):
            raise AssertionError(f"a test tried to reach {address!r}: loopback only")

    def checked_connect(self: socket.socket, address: object) -> None:
        guard(address)
        return connect(self, address)  # type: ignore[arg-type]

    def checked_connect_ex(self: socket.socket, address: object) -> int:
        guard(address)
        return connect_ex(self, address)  # type: ignore[arg-type]

    def checked_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        guard(host)
        return getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", checked_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", checked_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", checked_getaddrinfo)


@pytest.fixture(scope="module")
def labs() -> Iterator[dict[str, LabServer]]:
    """One running look-alike per profile, shared by the tests of this module."""
    started = {key: LabServer(profile=key).start() for key in PROFILES}
    try:
        yield started
    finally:
        for lab in started.values():
            lab.stop()


def client_for(lab: LabServer, provider: str, security: str | None = None) -> Client:
    return Client.for_provider(
        provider, **lab.provider_overrides(security), local_hostname="learner.example", timeout=5
    )


def refused(lab: LabServer, provider: str, user: str, password: str) -> AuthenticationError:
    with client_for(lab, provider) as client, pytest.raises(AuthenticationError) as caught:
        client.login(user, password)
    return caught.value


def flat(text: object) -> str:
    """Text with every run of whitespace made one space (annotations wrap in a column)."""
    return " ".join(str(text).split())


def server_lines(lab: LabServer) -> list[str]:
    return [line.text for line in lab.sessions[-1].lines if line.direction == "S"]


# --------------------------------------------------------------------------- the data


def test_the_issue_s_profiles_exist() -> None:
    assert set(PROFILES) == {"qq", "qq-gbk", "gmail", "outlook", "163"}
    for key, profile in PROFILES.items():
        assert profile.key == key == profile.policy.profile
        assert profile.provider in PROVIDERS
        assert profile.note == IMITATION_NOTE
        assert profile.sources, key
        assert "imitation" in repr(profile)


def test_every_profile_requires_tls_and_auth_and_keeps_the_certificate_name() -> None:
    for profile in PROFILES.values():
        policy = profile.policy
        assert policy.require_tls and policy.require_auth
        assert policy.hostname == LabPolicy().hostname  # the certificate still covers it
        assert policy.login_domains == profile.preset.domains


def test_profiles_are_built_from_the_observed_replies() -> None:
    assert QQ.greeting and QQ.ehlo_tls and GMAIL.greeting and GMAIL.ehlo and GMAIL.ehlo_tls
    assert OUTLOOK.greeting and OUTLOOK.ehlo
    qq = PROFILES["qq"].policy
    assert qq.greeting_line() == f"220 {QQ.greeting.lines[0]}"
    assert qq.ehlo_name == QQ.ehlo_tls.lines[0]
    assert qq.size_limit == 73400320
    assert not qq.enhanced_status_codes  # QQ advertises no ENHANCEDSTATUSCODES
    gmail = PROFILES["gmail"].policy
    assert gmail.greeting_line() == f"220 {GMAIL.greeting.lines[0]}"
    assert gmail.enhanced_status_codes
    outlook = PROFILES["outlook"].policy
    assert outlook.greeting_line() == f"220 {OUTLOOK.greeting.lines[0]}"
    assert outlook.auth_mechanisms == ("LOGIN",)
    assert outlook.basic_auth is False


def test_each_profile_s_ehlo_replies_match_the_quotes() -> None:
    def texts(policy: LabPolicy, *, tls: bool) -> list[str]:
        lines = policy.ehlo_reply_lines(offer_starttls=not tls, offer_auth=tls)
        return [line[4:] for line in lines]

    qq = PROFILES["qq"].policy
    assert texts(qq, tls=True) == list(QQ.ehlo_tls.lines)  # type: ignore[union-attr]
    assert "STARTTLS" in texts(qq, tls=False) and not any(
        t.startswith("AUTH") for t in texts(qq, tls=False)
    )
    gmail = PROFILES["gmail"].policy
    assert texts(gmail, tls=False) == list(GMAIL.ehlo.lines)  # type: ignore[union-attr]
    # The two quotes name the client differently ([203.0.113.5], [2001:db8::5]): one name.
    assert texts(gmail, tls=True)[1:] == list(GMAIL.ehlo_tls.lines[1:])  # type: ignore[union-attr]
    outlook = PROFILES["outlook"].policy
    assert texts(outlook, tls=False) == list(OUTLOOK.ehlo.lines)  # type: ignore[union-attr]
    after = texts(outlook, tls=True)
    assert "AUTH LOGIN XOAUTH2" in after and "STARTTLS" not in after


def test_get_profile_by_key_alias_host_and_object() -> None:
    assert get_profile("qq") is PROFILES["qq"]
    assert get_profile("QQMail") is PROFILES["qq"]
    assert get_profile("smtp.gmail.com") is PROFILES["gmail"]
    assert get_profile("hotmail") is PROFILES["outlook"]
    assert get_profile("alice@foxmail.com") is PROFILES["qq"]
    assert get_profile(" QQ-GBK ") is PROFILES["qq-gbk"]
    assert get_profile(PROFILES["gmail"]) is PROFILES["gmail"]
    assert profile_for("gmail") is PROFILES["gmail"]
    assert profile_for("163") is PROFILES["163"]
    assert get_profile("netease") is PROFILES["163"]
    assert profile_for("126") is None
    assert profile_for("no such provider") is None


def test_unknown_profiles_say_which_exist() -> None:
    with pytest.raises(UnknownProfileError, match="no look-alike of NetEase 126 Mail yet"):
        get_profile("126")
    with pytest.raises(UnknownProfileError, match="qq, qq-gbk, gmail, outlook, 163") as caught:
        get_profile("aol")
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)
    with pytest.raises(TypeError):
        get_profile(42)  # type: ignore[arg-type]


def test_describe_profile_says_imitation_what_and_where_it_differs() -> None:
    for key, profile in PROFILES.items():
        text = describe_profile(key)
        assert text == profile.describe()
        assert "IMITATION" in text and "not a recording" in text
        assert profile.preset.host in text
        assert "differs:" in text and "sources:" in text
        for source in profile.sources:
            assert source.url in text
        assert all(len(line) <= 100 for line in text.splitlines() if "://" not in line)
    assert GMAIL_APP_PASSWORD_ACCOUNT in describe_profile("gmail")
    assert "tls_port" in describe_profile("outlook")


# --------------------------------------------------------------------------- the policy


def test_reply_text_renders_whole_lines_and_gbk_bytes() -> None:
    two = ReplyText("AUTH", LOGIN_REFUSED, ("535-5.7.8 first", "535 5.7.8 second"))
    assert two.code == 535
    assert two.to_bytes() == b"535-5.7.8 first\r\n535 5.7.8 second\r\n"
    assert two.wire_text() == "535-5.7.8 first\r\n535 5.7.8 second"
    gbk = ReplyText("AUTH", LOGIN_REFUSED, ("535 Error: 请使用授权码登录",), "gbk")
    assert gbk.wire_text().encode(
        "utf-8", "surrogateescape"
    ) == "535 Error: 请使用授权码登录".encode("gbk")


@pytest.mark.parametrize(
    "lines",
    [(), ("hello",), ("535 a", "535 b"), ("535-a", "534 b"), ("535 a\r\n250 b",), ("535-a",)],
)
def test_reply_text_refuses_malformed_lines(lines: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        ReplyText("AUTH", LOGIN_REFUSED, lines)


def test_reply_text_refuses_text_its_encoding_cannot_write() -> None:
    with pytest.raises(UnicodeEncodeError):
        ReplyText("AUTH", LOGIN_REFUSED, ("535 Grüße",), "ascii")


def test_policy_look_alike_fields_are_checked() -> None:
    policy = LabPolicy(keywords=("SIZE 5", "STARTTLS"), size_limit=6)
    assert policy.ehlo_keywords(offer_starttls=True, offer_auth=False) == ["SIZE 6", "STARTTLS"]
    with pytest.raises(ValueError, match="one line"):
        LabPolicy(banner="a\r\nb")
    with pytest.raises(ValueError, match="one line"):
        LabPolicy(keywords=("PIPELINING\nX",))


def test_the_plain_policy_is_unchanged() -> None:
    policy = LabPolicy()
    assert policy.greeting_line() == "220 lab.smtplab.test ESMTP smtplab lab server"
    assert policy.finish_reply("221 Bye", "QUIT") == "221 2.0.0 Bye"
    assert policy.finish_reply(LOGIN_REFUSED, "AUTH") == LOGIN_REFUSED
    assert policy.login_refusal("student") is None and policy.basic_auth


def test_own_reply_matches_command_and_exact_line() -> None:
    quit_text = ReplyText("QUIT", LAB_QUIT, ("221 2.0.0 closing",))
    anywhere = ReplyText(None, LAB_AUTH_REQUIRED, ("530 5.7.57 not logged in",))
    policy = LabPolicy(reply_texts=(quit_text, anywhere))
    assert policy.finish_reply(LAB_QUIT, "QUIT") == "221 2.0.0 closing"
    assert policy.finish_reply(LAB_QUIT, "NOOP") == "221 2.0.0 Bye"  # another command
    assert policy.finish_reply("221 Bye now", "QUIT") == "221 2.0.0 Bye now"  # another line
    assert policy.finish_reply(LAB_AUTH_REQUIRED, "RCPT") == "530 5.7.57 not logged in"


def test_a_held_refusal_is_sent_once_in_place_of_the_lab_s_535() -> None:
    special = ReplyText("AUTH", LOGIN_REFUSED, ("534 5.7.9 app password",))
    policy = LabPolicy(special_logins=(("needs", special),))
    assert policy.login_refusal("NEEDS@example.com") is special
    assert policy.login_refusal("student") is None
    hold_login_refusal(special)
    assert policy.finish_reply(LOGIN_REFUSED, "MAIL") == LOGIN_REFUSED  # only for AUTH
    assert policy.finish_reply(LOGIN_REFUSED, "AUTH") == "534 5.7.9 app password"
    assert policy.finish_reply(LOGIN_REFUSED, "AUTH") == LOGIN_REFUSED  # used up


# --------------------------------------------------------------------------- the server


def test_labserver_profile_wiring(labs: dict[str, LabServer]) -> None:
    lab = labs["qq"]
    assert isinstance(lab.profile, LabProfile) and lab.profile.key == "qq"
    assert lab.policy == PROFILES["qq"].policy
    assert "QQ Mail look-alike: an imitation" in repr(lab)
    assert LabServer().profile is None
    assert "imitation" not in repr(LabServer())


def test_single_parameters_override_the_profile_s_policy() -> None:
    lab = LabServer(profile="gmail", require_auth=False, size_limit=1000)
    assert lab.policy.banner == PROFILES["gmail"].policy.banner
    assert not lab.policy.require_auth and lab.policy.require_tls
    assert lab.policy.size_limit == 1000
    assert "SIZE 1000" in lab.policy.ehlo_keywords(offer_starttls=True, offer_auth=False)


def test_profile_and_policy_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        LabServer(profile="qq", policy=LabPolicy())
    with pytest.raises(UnknownProfileError):
        LabServer(profile="126")


def test_provider_overrides_pick_the_port_of_the_provider_s_security(
    labs: dict[str, LabServer],
) -> None:
    qq = labs["qq"].provider_overrides()
    assert (qq["host"], qq["port"], qq["security"]) == ("127.0.0.1", labs["qq"].tls_port, "tls")
    assert isinstance(qq["context"], ssl.SSLContext)
    outlook = labs["outlook"].provider_overrides()
    assert (outlook["port"], outlook["security"]) == (labs["outlook"].port, "starttls")
    assert labs["gmail"].provider_overrides("starttls")["port"] == labs["gmail"].port
    with pytest.raises(ValueError):
        labs["gmail"].provider_overrides("ssl")
    with LabServer() as plain:
        assert plain.provider_overrides()["security"] == "starttls"


def test_the_certificate_still_names_the_lab(labs: dict[str, LabServer]) -> None:
    lab = labs["gmail"]
    for name in (lab.hostname, "localhost"):
        with Client(
            lab.host,
            lab.tls_port,
            security="tls",
            context=lab.ssl_context(),
            server_hostname=name,
            local_hostname="learner.example",
        ) as client:
            assert client.greeting is not None and "gsmtp" in client.greeting.text


# --------------------------------------------------------------------------- QQ Mail


def test_qq_look_alike_greets_and_sends_like_qq(labs: dict[str, LabServer]) -> None:
    lab = labs["qq"]
    lab.clear_inbox()
    with client_for(lab, "qq") as client:
        assert client.greeting is not None
        assert client.greeting.raw.decode() == f"220 {QQ.greeting.lines[0]}\r\n"  # type: ignore[union-attr]
        assert client.tls_active  # implicit TLS, as on 465
        client.ehlo()
        assert set(client.extensions.auth_mechanisms) >= {"LOGIN", "PLAIN", "XOAUTH2"}
        reply = client.login("student@qq.com", lab.users["student"])
        assert reply.raw == b"235 Authentication successful\r\n"
        client.send_message(MESSAGE, "student@qq.com", ["friend@example.com"])
    assert lab.wait_for(1)[0].auth_user == "student"
    assert "354 End data with <CR><LF>.<CR><LF>." in server_lines(lab)
    assert LAB_AUTH_OK not in server_lines(lab) and LAB_DATA_GO_AHEAD not in server_lines(lab)


def test_qq_look_alike_also_speaks_starttls_on_its_587_port(labs: dict[str, LabServer]) -> None:
    lab = labs["qq"]
    with client_for(lab, "qq", "starttls") as client:
        assert client.tls_active and "AUTH" in client.extensions
        client.login("student", lab.users["student"])


def test_qq_wrong_password_gets_qq_s_535_and_the_advice(labs: dict[str, LabServer]) -> None:
    lab = labs["qq"]
    error = refused(lab, "qq", "student", WRONG)
    assert error.code == 535
    assert error.reply.text.startswith("Login Fail. Please enter your authorization code")
    failure = explain_failure(error.reply, provider="qq")
    assert failure is not None and failure.key == "qq-authorization-code"
    advice = advice_for(error.reply, provider="qq")
    assert advice is not None and advice in str(error)
    annotated = flat(error.transcript)
    assert "use the authorization code, not your password" in annotated


def test_qq_gbk_look_alike_sends_raw_gbk_and_the_client_decodes_it(
    labs: dict[str, LabServer],
) -> None:
    lab = labs["qq-gbk"]
    error = refused(lab, "qq", "student", WRONG)
    assert error.reply.raw.startswith(QQ_GBK_START)  # the very bytes of the report
    assert error.reply.raw == QQ.errors[1].to_bytes()
    assert error.reply.text.startswith("Error: 请使用授权码登录。详情请看")
    assert advice_for(error.reply, provider="qq") in str(error)  # type: ignore[operator]
    assert "请使用授权码登录" in flat(error.transcript)
    assert any("请使用授权码登录" in text for text in server_lines(lab))  # the lab's log decodes


def test_qq_gbk_bytes_reach_smtplib_as_in_the_public_reports(labs: dict[str, LabServer]) -> None:
    """An independent client sees what FeeiCN/GSIL#70 quoted: b'Error: \\xc7\\xeb...'."""
    lab = labs["qq-gbk"]
    with (
        smtplib.SMTP_SSL(lab.host, lab.tls_port, context=lab.ssl_context()) as smtp,
        pytest.raises(smtplib.SMTPAuthenticationError) as caught,
    ):
        smtp.login("student", WRONG)
    assert caught.value.smtp_code == 535
    assert caught.value.smtp_error.startswith(QQ_GBK_START[4:])
    advice = advice_for(provider="qq", error_text=str(caught.value.args))
    assert advice is not None and "authorization code" in advice


# --------------------------------------------------------------------------- Gmail


def test_gmail_look_alike_greets_like_gmail_on_both_ports(labs: dict[str, LabServer]) -> None:
    lab = labs["gmail"]
    for security in ("tls", "starttls"):
        with client_for(lab, "gmail", security) as client:
            assert client.greeting is not None and client.greeting.text.endswith("- gsmtp")
            client.login("student@gmail.com", lab.users["student"])
    lines = server_lines(lab)
    assert "220 2.0.0 Ready to start TLS" in lines
    assert "221 2.0.0 closing connection 201sm2958616wmr.4 - gsmtp" in lines
    assert LAB_STARTTLS not in lines


def test_gmail_wrong_password_gets_the_two_line_535(labs: dict[str, LabServer]) -> None:
    lab = labs["gmail"]
    error = refused(lab, "gmail", "student", WRONG)
    assert error.code == 535 and len(error.reply.lines) == 2
    assert error.reply.raw.startswith(b"535-5.7.8 Username and Password not accepted.")
    failure = explain_failure(error.reply, provider="gmail")
    assert failure is not None and failure.key == "gmail-bad-credentials"
    assert advice_for(error.reply, provider="gmail") in str(error)  # type: ignore[operator]
    assert "use your full address and an app password" in flat(error.transcript)


@pytest.mark.parametrize(
    "login",
    [GMAIL_APP_PASSWORD_ACCOUNT, f"{GMAIL_APP_PASSWORD_ACCOUNT}@gmail.com", "NEEDS-APP-PASSWORD"],
)
def test_gmail_special_account_gets_534_application_specific_password_required(
    labs: dict[str, LabServer], login: str
) -> None:
    lab = labs["gmail"]
    error = refused(lab, "gmail", login, lab.users["student"])  # whatever the password
    assert error.code == 534
    assert error.reply.text.startswith("5.7.9 Application-specific password required")
    failure = explain_failure(error.reply, provider="gmail")
    assert failure is not None and failure.key == "gmail-app-password-required"
    assert "myaccount.google.com/apppasswords" in str(error)
    assert "Create an app password" in flat(error.transcript)


def test_gmail_special_refusal_does_not_leak_into_other_connections(
    labs: dict[str, LabServer],
) -> None:
    """Two sessions interleaved step by step: each gets its own refusal."""
    lab = labs["gmail"]
    special = client_for(lab, "gmail")
    normal = client_for(lab, "gmail")
    b64 = base64.b64encode
    try:
        for client, user in ((special, GMAIL_APP_PASSWORD_ACCOUNT), (normal, "student")):
            client.ehlo()
            assert client.command("AUTH LOGIN").code == 334  # type: ignore[union-attr]
            assert client.command(b64(user.encode()).decode()).code == 334  # type: ignore[union-attr]
        first = special.command(b64(WRONG.encode()).decode())
        second = normal.command(b64(WRONG.encode()).decode())
        third = special.command("AUTH LOGIN " + b64(b"student").decode())
        assert third is not None and third.code == 334
        fourth = special.command(b64(WRONG.encode()).decode())
    finally:
        special.close()
        normal.close()
    assert first is not None and first.code == 534
    assert second is not None and second.code == 535
    assert fourth is not None and fourth.code == 535  # the held refusal was used up


def test_gmail_special_account_reaches_smtplib_as_534(labs: dict[str, LabServer]) -> None:
    lab = labs["gmail"]
    with smtplib.SMTP(lab.host, lab.port, local_hostname="learner.example") as smtp:
        smtp.starttls(context=lab.ssl_context())
        smtp.ehlo("learner.example")
        with pytest.raises(smtplib.SMTPAuthenticationError) as caught:
            smtp.login(GMAIL_APP_PASSWORD_ACCOUNT, "my Google password")
    assert caught.value.smtp_code == 534
    assert b"Application-specific password required" in caught.value.smtp_error


# --------------------------------------------------------------------------- Outlook


def test_outlook_look_alike_refuses_even_the_right_password(labs: dict[str, LabServer]) -> None:
    lab = labs["outlook"]
    with client_for(lab, "outlook") as client:
        assert client.greeting is not None
        assert client.greeting.text == OUTLOOK.greeting.lines[0]  # type: ignore[union-attr]
        assert set(client.extensions.auth_mechanisms) == {"LOGIN", "XOAUTH2"}
        with pytest.raises(AuthenticationError) as caught:
            client.login("student@outlook.com", lab.users["student"])
    error = caught.value
    assert error.code == 535
    assert (
        "5.7.139 Authentication unsuccessful, basic authentication is disabled" in error.reply.text
    )
    failure = explain_failure(error.reply, provider="outlook")
    assert failure is not None and failure.key == "microsoft-basic-auth-disabled"
    assert advice_for(error.reply, provider="outlook") in str(error)  # type: ignore[operator]
    assert "Sign in with OAuth2" in flat(error.transcript)
    lines = server_lines(lab)
    assert "220 2.0.0 SMTP server ready" in lines
    assert "221 2.0.0 Service closing transmission channel" in lines


def test_outlook_look_alike_refuses_tokens_and_mail_without_login(
    labs: dict[str, LabServer],
) -> None:
    lab = labs["outlook"]
    with client_for(lab, "outlook") as client:
        with pytest.raises(AuthenticationError) as token:
            client.login("student@outlook.com", "an OAuth2 token", mechanism="XOAUTH2")
        with pytest.raises(SenderRefused) as mail:
            client.mail("student@outlook.com")
    assert token.value.reply.text.startswith("5.7.3 Authentication unsuccessful")
    assert mail.value.code == 530
    assert mail.value.reply.text.startswith("5.7.57 Client not authenticated")
    failure = explain_failure(mail.value.reply, provider="outlook")
    assert failure is not None and failure.key == "microsoft-client-not-authenticated"
    lines = server_lines(lab)
    assert LAB_UNKNOWN_MECHANISM not in lines and LAB_AUTH_REQUIRED not in lines


def test_outlook_look_alike_offers_no_auth_before_starttls(labs: dict[str, LabServer]) -> None:
    lab = labs["outlook"]
    with Client(lab.host, lab.port, local_hostname="learner.example") as client:
        client.ehlo()
        assert client.extensions.starttls and not client.extensions.auth_mechanisms
        reply = client.command("MAIL FROM:<a@example.com>")
    assert reply is not None and reply.code == 530  # STARTTLS first (require_tls)


# --------------------------------------------------------------------------- the plain lab


def test_the_plain_lab_still_answers_its_own_535() -> None:
    with (
        LabServer() as lab,
        Client(lab.host, lab.port, security="starttls", context=lab.ssl_context()) as client,
    ):
        with pytest.raises(AuthenticationError) as caught:
            client.login("student", WRONG)
        assert client.login(f"student@{lab.hostname}", lab.users["student"]).code == 235
    assert caught.value.reply == Reply.from_text(535, "5.7.8 Authentication credentials invalid")
    assert explain_failure(caught.value.reply) is None  # no provider's advice for the lab
