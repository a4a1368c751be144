"""Tests for smtplab.providers: presets, aliases, known failures, GBK replies.

Nothing here touches the network: an autouse fixture makes any socket connection fail.
"""

from __future__ import annotations

import ast
import ipaddress
import re
import socket
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtplab import providers
from smtplab.providers import (
    IMITATION_NOTE,
    KNOWN_FAILURES,
    PROVIDERS,
    KnownFailure,
    Observed,
    ObservedReply,
    Provider,
    Source,
    UnknownProviderError,
    advice_for,
    describe,
    explain_failure,
    get_provider,
    repair_mojibake,
    terms,
)
from smtplab.providers.terms import CREDENTIALS, KNOWN_MECHANISMS, READ_ON, READ_ON_ISSUE_16
from smtplab.replies import Reply, decode_reply_text

EXPECTED_KEYS = {
    "qq",
    "163",
    "126",
    "gmail",
    "outlook",
    "office365",
    "icloud",
    "yahoo",
    "zoho",
    "fastmail",
}
ALL = sorted(PROVIDERS.values(), key=lambda p: p.key)
QQ_HELP = "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"
QQ_GBK_TEXT = f"Error: 请使用授权码登录。详情请看: {QQ_HELP}"
# The bytes smtplib showed in FeeiCN/GSIL#70 (GBK of 请使用授权码登录。详情请看).
QQ_GBK_BYTES = (
    b"Error: \xc7\xeb\xca\xb9\xd3\xc3\xca\xda\xc8\xa8\xc2\xeb\xb5\xc7\xc2\xbc\xa1\xa3"
    b"\xcf\xea\xc7\xe9\xc7\xeb\xbf\xb4: " + QQ_HELP.encode()
)
LAB_535 = Reply.from_text(535, "5.7.8 Authentication credentials invalid")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything in these tests tries to open a connection."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("test_providers must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def gbk_reply(code: int, text: str) -> Reply:
    """A reply whose bytes came GBK-encoded, decoded the way the protocol layer does."""
    raw = f"{code} {text}\r\n".encode("gbk")
    return Reply(code, (decode_reply_text(raw[4:-2]),), raw)


# --------------------------------------------------------------------------- presets


def test_the_issue_s_providers_are_all_there() -> None:
    assert set(PROVIDERS) == EXPECTED_KEYS


def test_providers_mapping_is_read_only() -> None:
    with pytest.raises(TypeError):
        PROVIDERS["evil"] = PROVIDERS["qq"]  # type: ignore[index]


@pytest.mark.parametrize("p", ALL, ids=lambda p: p.key)
def test_preset_is_well_formed(p: Provider) -> None:
    assert p.key and p.name and p.host == p.host.lower()
    assert re.fullmatch(r"[a-z0-9.-]+\.[a-z]+", p.host)
    ports = [port for port in (p.tls_port, p.starttls_port) if port is not None]
    assert ports, "at least one port"
    assert all(1 <= port <= 65535 for port in ports)
    assert p.tls_port != p.starttls_port
    assert p.default_security == ("tls" if p.tls_port else "starttls")
    assert p.default_port == (p.tls_port or p.starttls_port)
    assert p.security_options[0] == (p.default_security, p.default_port)
    assert all(m == m.upper() and m in KNOWN_MECHANISMS for m in p.auth_mechanisms)
    assert len(set(p.auth_mechanisms)) == len(p.auth_mechanisms)
    assert p.credential in CREDENTIALS
    assert p.credential_help.endswith(".") and p.login_hint and p.notes
    assert p.basic_auth in (True, False, None)
    assert p.verified is False, "nobody has checked the presets against the live services"
    assert p.sources
    for source in p.sources:
        assert isinstance(source, Source)
        assert source.title and source.url.startswith("https://")
        assert source.read_on == READ_ON


@pytest.mark.parametrize("p", ALL, ids=lambda p: p.key)
def test_dropped_basic_auth_is_said_not_pretended(p: Provider) -> None:
    if p.basic_auth is False:
        assert p.credential == terms.CREDENTIAL_OAUTH2_ONLY
        assert set(p.auth_mechanisms) <= {"XOAUTH2", "OAUTHBEARER"}
    if p.credential == terms.CREDENTIAL_OAUTH2_ONLY:
        assert p.basic_auth is False


def test_specific_facts() -> None:
    qq = PROVIDERS["qq"]
    assert (qq.host, qq.tls_port, qq.starttls_port) == ("smtp.qq.com", 465, 587)
    assert qq.credential == terms.CREDENTIAL_AUTHORIZATION_CODE
    assert PROVIDERS["163"].credential == terms.CREDENTIAL_AUTHORIZATION_CODE
    assert PROVIDERS["163"].starttls_port is None  # unsourced: left out
    gmail = PROVIDERS["gmail"]
    assert (gmail.tls_port, gmail.starttls_port) == (465, 587)
    assert gmail.credential == terms.CREDENTIAL_APP_PASSWORD
    outlook = PROVIDERS["outlook"]
    assert outlook.basic_auth is False and outlook.default_security == "starttls"
    assert outlook.default_port == 587
    assert PROVIDERS["office365"].basic_auth is None  # the tenant decides (until removal)
    assert PROVIDERS["icloud"].tls_port is None  # Apple documents 587 only
    assert PROVIDERS["fastmail"].default_port == 465


def test_provider_needs_a_port_and_a_known_credential() -> None:
    base = dict(PROVIDERS["qq"].__dict__)
    with pytest.raises(ValueError, match="port"):
        Provider(**{**base, "tls_port": None, "starttls_port": None})
    with pytest.raises(ValueError, match="credential"):
        Provider(**{**base, "credential": "magic"})


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("qq", "qq"),
        ("QQ", "qq"),
        ("qqmail", "qq"),
        ("QQ Mail", "qq"),
        ("foxmail", "qq"),
        ("netease", "163"),
        ("163", "163"),
        ("126", "126"),
        ("Gmail", "gmail"),
        ("googlemail", "gmail"),
        ("hotmail", "outlook"),
        ("Outlook.com", "outlook"),
        ("microsoft365", "office365"),
        ("Microsoft 365", "office365"),
        ("m365", "office365"),
        ("O365", "office365"),
        ("office-365", "office365"),
        ("icloud", "icloud"),
        ("ymail", "yahoo"),
        ("zohomail", "zoho"),
        ("fastmail", "fastmail"),
        ("smtp.gmail.com", "gmail"),
        ("SMTP.QQ.COM", "qq"),
        ("smtp-mail.outlook.com", "outlook"),
        ("alice@163.com", "163"),
        ("bob@me.com", "icloud"),
        (" yahoo ", "yahoo"),
    ],
)
def test_aliases(name: str, key: str) -> None:
    assert get_provider(name) is PROVIDERS[key]


def test_get_provider_passes_a_preset_through() -> None:
    assert get_provider(PROVIDERS["zoho"]) is PROVIDERS["zoho"]


def test_unknown_name_lists_the_known_keys() -> None:
    with pytest.raises(UnknownProviderError) as info:
        get_provider("aol")
    err = info.value
    assert isinstance(err, KeyError) and isinstance(err, ValueError)
    message = str(err)
    assert message.startswith("no provider preset called 'aol'")  # no KeyError quoting
    for key in EXPECTED_KEYS:
        assert key in message


# --------------------------------------------------------------------------- observed


def _observed_replies() -> list[tuple[str, ObservedReply]]:
    return [(p.key, reply) for p in ALL if p.observed is not None for reply in p.observed.replies()]


OBSERVED = _observed_replies()
_IP_RE = re.compile(r"\[([0-9a-fA-F:.]+)\]|\((\d+\.\d+\.\d+\.\d+)\)")
_DOC_NETS = [
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
] + [ipaddress.ip_network("2001:db8::/32")]


def test_module_says_observed_data_are_imitations() -> None:
    doc = " ".join((providers.__doc__ or "").split())
    assert "imitation" in doc.lower() and "not recordings" in doc.lower()
    assert all(p.observed.note == IMITATION_NOTE for p in ALL if p.observed is not None)


@pytest.mark.parametrize(("key", "reply"), OBSERVED, ids=lambda x: getattr(x, "code", x))
def test_observed_reply_is_sourced_and_well_formed(key: str, reply: ObservedReply) -> None:
    assert 200 <= reply.code <= 599 and reply.lines
    assert reply.source.url.startswith("https://")
    assert reply.source.read_on in (READ_ON, READ_ON_ISSUE_16)
    assert reply.context, "say when the server sent it"
    for line in reply.lines:
        assert "\r" not in line and "\n" not in line
        assert not re.match(r"\d{3}[ -]", line), "lines hold the text without the code"
    as_reply = reply.to_reply()
    assert (as_reply.code, as_reply.lines) == (reply.code, reply.lines)
    assert reply.to_bytes().endswith(b"\r\n")


@pytest.mark.parametrize(("key", "reply"), OBSERVED, ids=lambda x: getattr(x, "code", x))
def test_observed_client_addresses_are_documentation_values(key: str, reply: ObservedReply) -> None:
    for match in _IP_RE.finditer(reply.text):
        text = match[1] or match[2]
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        assert any(address in net for net in _DOC_NETS), f"{key}: real address {address}"


def advertised_auth(observed: Observed) -> tuple[str, ...]:
    """The AUTH mechanisms the reports show the server advertising, in order."""
    for reply in (observed.ehlo_tls, observed.auth_after_tls, observed.ehlo):
        for line in reply.lines if reply is not None else ():
            words = line.split()
            if words and words[0].upper() == "AUTH":
                return tuple(word.upper() for word in words[1:])
    return ()


@pytest.mark.parametrize("p", [p for p in ALL if p.observed], ids=lambda p: p.key)
def test_observed_greetings_and_mechanisms(p: Provider) -> None:
    observed = p.observed
    assert observed is not None
    if observed.greeting is not None:
        assert observed.greeting.code == 220
    advertised = advertised_auth(observed)
    assert set(advertised) <= KNOWN_MECHANISMS
    if advertised:
        assert set(p.auth_mechanisms) <= set(advertised), "preset agrees with the reports"
    for ehlo in (observed.ehlo, observed.ehlo_tls, observed.auth_after_tls):
        if ehlo is not None:
            assert ehlo.code == 250


def test_observed_ehlo_details() -> None:
    gmail = PROVIDERS["gmail"].observed
    assert gmail is not None and gmail.ehlo is not None
    assert "STARTTLS" in gmail.ehlo.lines and not any(
        line.startswith("AUTH") for line in gmail.ehlo.lines
    )
    assert advertised_auth(gmail)[:3] == ("LOGIN", "PLAIN", "XOAUTH2")
    icloud = PROVIDERS["icloud"].observed
    assert icloud is not None and advertised_auth(icloud) == ()  # no AUTH before STARTTLS
    outlook = PROVIDERS["outlook"].observed
    assert outlook is not None and advertised_auth(outlook) == ("LOGIN", "XOAUTH2")
    assert PROVIDERS["126"].observed is None  # nothing public found: nothing invented


def test_observed_qq_gbk_error_crosses_the_wire_as_gbk() -> None:
    qq = PROVIDERS["qq"].observed
    assert qq is not None
    (gbk,) = [r for r in qq.errors if r.encoding == "gbk"]
    assert gbk.to_bytes() == b"535 " + QQ_GBK_BYTES + b"\r\n"
    assert str(gbk) == f"535 {QQ_GBK_TEXT}"


# --------------------------------------------------------------------------- GBK


def test_decode_reply_text_reads_qq_gbk_error() -> None:
    assert decode_reply_text(QQ_GBK_BYTES) == QQ_GBK_TEXT


def test_gbk_qq_reply_is_recognised() -> None:
    reply = gbk_reply(535, QQ_GBK_TEXT)
    assert reply.text == QQ_GBK_TEXT
    failure = explain_failure(reply)
    assert failure is not None and failure.key == "qq-authorization-code"
    assert "authorization code" in (advice_for(reply) or "")


def test_gbk_chinese_alone_is_recognised_without_the_url() -> None:
    reply = gbk_reply(535, "Error: 请使用授权码登录。")
    assert reply.text == "Error: 请使用授权码登录。"
    failure = explain_failure(reply)
    assert failure is not None and failure.key == "qq-authorization-code"


def test_smtplib_bytes_repr_of_the_gbk_error_is_recognised() -> None:
    # str(smtplib.SMTPAuthenticationError) shows the bytes as escapes.
    error_text = str((535, QQ_GBK_BYTES))
    assert "\\xc7\\xeb" in error_text
    failure = explain_failure(error_text=error_text.replace(QQ_HELP, ""))
    assert failure is not None and failure.key == "qq-authorization-code"


def test_latin1_mojibake_of_the_gbk_error_is_repaired_and_recognised() -> None:
    shown = QQ_GBK_BYTES.decode("latin-1")  # as DesertsP/Valine-Admin#86 showed it
    assert shown.startswith("Error: ÇëÊ¹ÓÃÊÚÈ¨ÂëµÇÂ¼")
    assert repair_mojibake(shown) == QQ_GBK_TEXT
    failure = explain_failure(error_text=f"Invalid login: 535 {shown}".replace(QQ_HELP, ""))
    assert failure is not None and failure.key == "qq-authorization-code"


def test_repair_mojibake_leaves_other_text_alone() -> None:
    for text in ("plain ASCII", "Grüße aus München", "Grüße", "请使用授权码", "café", "ÄÖ"):
        assert repair_mojibake(text) == text


def test_decode_reply_text_prefers_utf8_when_gbk_is_ambiguous() -> None:
    """A documented choice: bytes valid as UTF-8 are read as UTF-8 (RFC 6531), even the
    few GBK strings that happen to be valid UTF-8, because Cyrillic or Greek UTF-8
    replies must not turn into Chinese."""
    assert decode_reply_text("535 系统".encode("gbk")) == "535 ϵͳ"
    assert decode_reply_text("550 Ошибка".encode()) == "550 Ошибка"


def test_decode_reply_text_latin1_is_not_read_as_gb18030() -> None:
    assert decode_reply_text("550 Müller".encode("latin-1")) == "550 Müller"
    assert decode_reply_text("550 Grüße".encode("latin-1")) == "550 Grüße"
    assert decode_reply_text("535 请使用授权码登录".encode("gbk")) == "535 请使用授权码登录"


# --------------------------------------------------------------------------- failures


def test_known_failures_are_well_formed() -> None:
    keys = [f.key for f in KNOWN_FAILURES]
    assert len(keys) == len(set(keys))
    for failure in KNOWN_FAILURES:
        assert isinstance(failure, KnownFailure)
        assert failure.explanation.endswith(".") and failure.advice.endswith(".")
        assert failure.sources and all(s.url and s.read_on for s in failure.sources)
        assert failure.applies_to == ("any",) or set(failure.applies_to) <= EXPECTED_KEYS
        assert failure.kind in ("reply", "transport")
        if failure.kind == "transport":
            assert not failure.codes and failure.applies_to == ("any",)


REPLY_CASES = [
    (
        "qq-authorization-code",
        Reply.from_text(
            535,
            "Login Fail. Please enter your authorization code to login. More information in "
            + QQ_HELP,
        ),
    ),
    (
        "gmail-app-password-required",
        Reply.from_text(
            534,
            "5.7.9 Application-specific password required. For more information, go to",
            "5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor x - gsmtp",
        ),
    ),
    (
        "gmail-app-password-required",
        Reply.from_text(
            534,
            "5.7.9 Application-specific password required. Learn more at",
            "5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor o13sm2119833lfg.90"
            " - gsmtp",
        ),
    ),
    (
        "gmail-bad-credentials",
        Reply.from_text(
            535,
            "5.7.8 Username and Password not accepted. Learn more at",
            "5.7.8  https://support.google.com/mail/?p=BadCredentials i5sm8565805wrv.34 - gsmtp",
        ),
    ),
    (
        "microsoft-basic-auth-disabled",
        Reply.from_text(
            535,
            "5.7.139 Authentication unsuccessful, basic authentication is disabled. "
            "[PN0PR01CA0024.INDPRD01.PROD.OUTLOOK.COM 2025-01-26T18:54:30.055Z 08DD3DD7D75D7743]",
        ),
    ),
    (
        "microsoft-smtp-auth-disabled",
        Reply.from_text(
            535,
            "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
            "the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
        ),
    ),
    (
        "microsoft-basic-auth-retired",
        Reply.from_text(550, "5.7.30 Basic authentication is not supported for Client Submission."),
    ),
    (
        "microsoft-credentials-incorrect",
        Reply.from_text(
            535,
            "5.7.139 Authentication unsuccessful, the user credentials were incorrect. "
            "[PH0PR07CA0004.namprd07.prod.outlook.com]",
        ),
    ),
    (
        "microsoft-authentication-unsuccessful",
        Reply.from_text(535, "5.7.3 Authentication unsuccessful"),
    ),
    (
        "microsoft-client-not-authenticated",
        Reply.from_text(530, "5.7.57 Client not authenticated to send mail. [x.prod.outlook.com]"),
    ),
    (
        "yahoo-too-many-bad-auth",
        Reply.from_text(535, "5.7.0 (#AUTH005) Too many bad auth attempts."),
    ),
]


@pytest.mark.parametrize(("key", "reply"), REPLY_CASES, ids=[k for k, _ in REPLY_CASES])
def test_literal_reply_is_recognised(key: str, reply: Reply) -> None:
    failure = explain_failure(reply)
    assert failure is not None and failure.key == key
    assert advice_for(reply) == failure.advice


@pytest.mark.parametrize(("key", "reply"), REPLY_CASES, ids=[k for k, _ in REPLY_CASES])
def test_literal_reply_is_recognised_from_smtplib_error_text(key: str, reply: Reply) -> None:
    error_text = str((reply.code, reply.text.encode()))  # like SMTPAuthenticationError
    failure = explain_failure(error_text=error_text)
    assert failure is not None and failure.key == key


@pytest.mark.parametrize("provider", sorted(EXPECTED_KEYS))
def test_observed_errors_are_explained(provider: str) -> None:
    """Every observed 535 of a provider gets a specific sentence, never a silent None."""
    p = PROVIDERS[provider]
    for reply in p.observed.errors if p.observed else ():
        if reply.code == 535:
            failure = explain_failure(reply.to_reply(), provider=provider)
            assert failure is not None and failure.applies(provider)


def test_generic_lab_535_gets_no_provider_sentence() -> None:
    assert explain_failure(LAB_535) is None
    assert advice_for(LAB_535) is None


@pytest.mark.parametrize(
    ("provider", "needle"),
    [
        ("qq", "(for QQ Mail: use the authorization code (授权码), not your QQ password)"),
        ("163", "authorization code"),
        ("126", "authorization code"),
        ("gmail", "app password"),
        ("outlook", "OAuth2"),
        ("office365", "administrator"),
        ("icloud", "app-specific password"),
        ("yahoo", "app password"),
        ("zoho", "application-specific"),
        ("fastmail", "app password"),
    ],
)
def test_generic_535_gets_the_named_provider_s_sentence(provider: str, needle: str) -> None:
    advice = advice_for(LAB_535, provider=provider)
    assert advice is not None and advice.startswith("Wrong user name or password")
    assert needle in advice
    failure = explain_failure(LAB_535, provider=provider)
    assert failure is not None and failure.key == f"{provider}-login-refused"


def test_provider_can_be_given_by_alias_host_or_preset() -> None:
    for name in ("qqmail", "smtp.qq.com", PROVIDERS["qq"]):
        failure = explain_failure(LAB_535, provider=name)
        assert failure is not None and failure.key == "qq-login-refused"


def test_provider_specific_texts_win_over_the_generic_sentence() -> None:
    reply = REPLY_CASES[0][1]
    failure = explain_failure(reply, provider="qq")
    assert failure is not None and failure.key == "qq-authorization-code"


def test_netease_no_permission_needs_the_provider() -> None:
    reply = Reply.from_text(550, "User has no permission")
    assert explain_failure(reply) is None
    for provider in ("163", "126", "netease"):
        failure = explain_failure(reply, provider=provider)
        assert failure is not None and failure.key == "netease-smtp-not-enabled"
    assert explain_failure(reply, provider="gmail") is None


def test_unrelated_replies_are_not_matched() -> None:
    unrelated = [
        Reply.from_text(250, "OK"),
        Reply.from_text(220, "smtp.gmail.com ESMTP g69sm1020259wmg.17 - gsmtp"),
        Reply.from_text(550, "5.1.1 No such user"),
        Reply.from_text(451, "4.7.1 Greylisted, try again later"),
        Reply.from_text(535, "5.7.8 Error: authentication failed: UGFzc3dvcmQ6"),
    ]
    for reply in unrelated:
        assert explain_failure(reply) is None, reply
        for p in ALL:
            failure = explain_failure(reply, provider=p.key)
            assert failure is None or (reply.code == 535 and failure.needs_provider)


def test_unknown_provider_is_ignored_not_raised() -> None:
    assert explain_failure(LAB_535, provider="no-such-provider") is None
    assert advice_for(LAB_535, provider="no-such-provider") is None


def test_nothing_given_gives_nothing() -> None:
    assert explain_failure() is None and advice_for() is None
    assert explain_failure(error_text="") is None


TRANSPORT_CASES = [
    ("tls-wrong-version-number", "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)"),
    (
        "tls-wrong-version-number",
        "139634851661696:error:1408F10B:SSL routines:ssl3_get_record:wrong version number",
    ),
    ("outbound-smtp-blocked", "timed out"),
    ("outbound-smtp-blocked", "[Errno 110] Connection timed out"),
    ("outbound-smtp-blocked", "[Errno 101] Network is unreachable"),
    ("outbound-smtp-blocked", "TimeoutError: [WinError 10060] A connection attempt failed"),
    ("connection-refused", "[Errno 111] Connection refused"),
    ("connection-refused", "ConnectionRefusedError: [WinError 10061] No connection could be made"),
]


@pytest.mark.parametrize(("key", "error_text"), TRANSPORT_CASES)
def test_transport_errors_are_recognised(key: str, error_text: str) -> None:
    failure = explain_failure(error_text=error_text)
    assert failure is not None and failure.key == key and failure.kind == "transport"


def test_transport_advice_names_the_provider_s_ports() -> None:
    text = "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)"
    icloud = advice_for(error_text=text, provider="icloud")
    assert icloud is not None and "For iCloud Mail: port 587 is STARTTLS" in icloud
    assert "no implicit-TLS port is documented" in icloud
    gmail = advice_for(error_text=text, provider="gmail")
    assert gmail is not None and "port 465 is implicit TLS" in gmail
    assert advice_for(error_text=text) == explain_failure(error_text=text).advice  # type: ignore[union-attr]


def test_blocked_network_advice_mentions_binder_and_the_lab() -> None:
    failure = explain_failure(error_text="timed out")
    assert failure is not None
    assert "mybinder.org" in failure.explanation and "lab" in failure.advice
    assert any("mybinder.org" in s.url for s in failure.sources)


def test_unrelated_transport_errors_are_not_matched() -> None:
    for text in (
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
        "Connection unexpectedly closed",
        "Name or service not known",
    ):
        assert explain_failure(error_text=text) is None


@given(code=st.integers(min_value=200, max_value=599), text=st.text(max_size=200))
def test_explain_failure_never_raises_and_never_guesses_a_provider(code: int, text: str) -> None:
    reply = Reply.from_text(code, text.replace("\r", " ").replace("\n", " "))
    failure = explain_failure(reply, error_text=text)
    assert failure is None or not failure.needs_provider


# --------------------------------------------------------------------------- describe


@pytest.mark.parametrize("p", ALL, ids=lambda p: p.key)
def test_describe(p: Provider) -> None:
    text = describe(p.key)
    assert text.splitlines()[0].startswith(p.name)
    assert "NOT verified" in text
    assert p.host in text and str(p.default_port) in text and p.credential in text
    assert all(source.url in text.replace("\n", "").replace(" ", "") for source in p.sources)
    assert all(len(line) <= 100 or "://" in line for line in text.splitlines())


# --------------------------------------------------------------------------- layering


def test_package_is_pure_standard_library_core() -> None:
    imported: set[str] = set()
    for path in Path(providers.__file__).parent.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        imported |= _absolute_imports(source)
    assert imported <= {
        "__future__",
        "contextlib",
        "re",
        "textwrap",
        "collections",
        "dataclasses",
        "types",
        "typing",
    }


def test_data_modules_hold_records_only() -> None:
    """terms, sources, observed, presets and failures are tables: no function, class or
    lambda."""
    for name in ("terms", "sources", "observed", "presets", "failures"):
        tree = ast.parse((Path(providers.__file__).parent / f"{name}.py").read_text("utf-8"))
        logic = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
        assert not any(isinstance(node, logic) for node in ast.walk(tree)), name


def _absolute_imports(source: str) -> set[str]:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    return imported
