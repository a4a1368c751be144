"""SASL mechanisms, checked against the examples of their RFCs."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtplab.auth import (
    MECHANISMS,
    SUPPORTED_MECHANISMS,
    b64decode_text,
    b64encode_text,
    choose_mechanism,
    cram_md5_response,
    login_password,
    login_username,
    plain_response,
    xoauth2_response,
)
from smtplab.errors import LocalProtocolError, NotSupported, RemoteProtocolError

# --- PLAIN (RFC 4616) -----------------------------------------------------------------


def test_plain_rfc4616_example() -> None:
    # RFC 4616 §4: "\0tim\0tanstaaftanstaaf"
    response = plain_response("tim", "tanstaaftanstaaf")
    assert base64.b64decode(response) == b"\x00tim\x00tanstaaftanstaaf"
    assert response == "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"


def test_plain_with_authzid_rfc4616_example() -> None:
    # RFC 4616 §4: "Ursel\0Kurt\0xipj3plmq"
    response = plain_response("Kurt", "xipj3plmq", authzid="Ursel")
    assert base64.b64decode(response) == b"Ursel\x00Kurt\x00xipj3plmq"


def test_plain_utf8() -> None:
    response = plain_response("张三", "пароль")
    assert base64.b64decode(response) == "\0张三\0пароль".encode()


def test_plain_refuses_nul() -> None:
    with pytest.raises(LocalProtocolError, match=r"password.*NUL"):
        plain_response("tim", "a\0b")
    with pytest.raises(LocalProtocolError, match="user name"):
        plain_response("t\0m", "pw")


@given(st.text(), st.text(), st.text())
def test_plain_round_trip(authzid: str, user: str, password: str) -> None:
    if "\0" in authzid + user + password:
        with pytest.raises(LocalProtocolError):
            plain_response(user, password, authzid)
        return
    assert (
        b64decode_text(plain_response(user, password, authzid)) == f"{authzid}\0{user}\0{password}"
    )


# --- LOGIN ----------------------------------------------------------------------------


def test_login() -> None:
    assert login_username("student") == "c3R1ZGVudA=="
    assert login_password("secret") == "c2VjcmV0"
    assert login_username("张三") == base64.b64encode("张三".encode()).decode()
    assert b64decode_text("VXNlcm5hbWU6") == "Username:"
    assert b64decode_text("UGFzc3dvcmQ6") == "Password:"


def test_login_refuses_nul() -> None:
    with pytest.raises(LocalProtocolError):
        login_password("a\0")


# --- CRAM-MD5 (RFC 2195) --------------------------------------------------------------


def test_cram_md5_rfc2195_example() -> None:
    challenge = "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"
    assert b64decode_text(challenge) == "<1896.697170952@postoffice.reston.mci.net>"
    response = cram_md5_response("tim", "tanstaaftanstaaf", challenge)
    assert response == "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
    assert b64decode_text(response) == "tim b913a602c7eda7a495b4e6e7334d3890"


def test_cram_md5_bad_challenge_is_the_servers_fault() -> None:
    with pytest.raises(RemoteProtocolError, match="not base64"):
        cram_md5_response("tim", "pw", "!!!")


# --- XOAUTH2 --------------------------------------------------------------------------


def test_xoauth2_google_example() -> None:
    # developers.google.com/gmail/imap/xoauth2-protocol
    response = xoauth2_response(
        "someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"
    )
    assert response == (
        "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNr"
        "QmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
    )
    assert b64decode_text(response) == (
        "user=someuser@example.com\x01"
        "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
    )


def test_xoauth2_refuses_ctrl_a() -> None:
    with pytest.raises(LocalProtocolError, match="token"):
        xoauth2_response("a@b.c", "tok\x01en")


# --- base64 helpers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("", ""),
        ("  VXNlcm5hbWU6 ", "Username:"),
        ("VXNlciBOYW1lAA==", "User Name\0"),  # aiosmtpd's prompt ends in NUL
        ("5byg5LiJ", "张三"),
        ("not base64!", None),
        ("VXNlcm5hbWU", None),  # bad padding
        ("//79", None),  # valid base64, not UTF-8
    ],
)
def test_b64decode_text(data: str, text: str | None) -> None:
    assert b64decode_text(data) == text


@given(st.text())
def test_b64_text_round_trip(text: str) -> None:
    assert b64decode_text(b64encode_text(text)) == text


# --- choosing a mechanism -------------------------------------------------------------


@pytest.mark.parametrize(
    ("offered", "preferred", "chosen"),
    [
        ({"LOGIN", "PLAIN"}, None, "PLAIN"),
        ({"LOGIN"}, None, "LOGIN"),
        ({"CRAM-MD5", "LOGIN"}, None, "LOGIN"),
        ({"CRAM-MD5"}, None, "CRAM-MD5"),
        ({"LOGIN", "PLAIN"}, "login", "LOGIN"),
        ({"login", "plain"}, None, "PLAIN"),
        ({"PLAIN", "XOAUTH2"}, "XOAUTH2", "XOAUTH2"),
    ],
)
def test_choose_mechanism(offered: set[str], preferred: str | None, chosen: str) -> None:
    assert choose_mechanism(frozenset(offered), preferred) == chosen


def test_choose_mechanism_with_nothing_offered_suggests_tls() -> None:
    with pytest.raises(NotSupported, match="STARTTLS"):
        choose_mechanism(frozenset())


def test_choose_mechanism_preferred_not_offered_lists_offers() -> None:
    with pytest.raises(NotSupported, match="does not offer AUTH CRAM-MD5; it offers LOGIN, PLAIN"):
        choose_mechanism(frozenset({"PLAIN", "LOGIN"}), "CRAM-MD5")


def test_choose_mechanism_unknown_to_the_kit() -> None:
    with pytest.raises(NotSupported, match="cannot log in with GSSAPI"):
        choose_mechanism(frozenset({"GSSAPI"}), "GSSAPI")


def test_choose_mechanism_only_token_mechanisms() -> None:
    with pytest.raises(NotSupported, match="XOAUTH2 needs an OAuth token"):
        choose_mechanism(frozenset({"XOAUTH2", "OAUTHBEARER"}))


def test_mechanism_lists() -> None:
    assert MECHANISMS[0] == "PLAIN"
    assert set(MECHANISMS) < SUPPORTED_MECHANISMS
    assert "XOAUTH2" in SUPPORTED_MECHANISMS


def test_docstring_examples() -> None:
    import doctest

    import smtplab.auth

    result = doctest.testmod(smtplab.auth)
    assert result.attempted > 0 and result.failed == 0
