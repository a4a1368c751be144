"""Parsing EHLO replies into Extensions, and the one-line explanations."""

from __future__ import annotations

import pytest

from smtplab.extensions import Extensions, describe_extension, format_size
from smtplab.replies import Reply

LAB_EHLO = Reply.from_text(
    250,
    "lab.smtplab.test Hello [127.0.0.1]",
    "SIZE 10485760",
    "8BITMIME",
    "SMTPUTF8",
    "PIPELINING",
    "ENHANCEDSTATUSCODES",
    "CHUNKING",
    "DSN",
    "AUTH LOGIN PLAIN",
    "STARTTLS",
)


def test_parse_lab_reply() -> None:
    ext = Extensions.parse(LAB_EHLO)
    assert ext.server_name == "lab.smtplab.test"
    assert ext.ehlo is True
    assert ext.size == 10485760
    assert ext.auth_mechanisms == frozenset({"LOGIN", "PLAIN"})
    assert ext.starttls and ext.pipelining and ext.smtputf8 and ext.eightbitmime
    assert ext.enhanced_status_codes and ext.chunking and ext.dsn and ext.auth
    assert list(ext.keywords) == [
        "SIZE",
        "8BITMIME",
        "SMTPUTF8",
        "PIPELINING",
        "ENHANCEDSTATUSCODES",
        "CHUNKING",
        "DSN",
        "AUTH",
        "STARTTLS",
    ]
    assert ext.keywords["AUTH"] == "LOGIN PLAIN"
    assert ext.keywords["STARTTLS"] == ""
    assert len(ext) == 9
    assert list(ext) == list(ext.keywords)


def test_lookup_ignores_case() -> None:
    ext = Extensions.parse(Reply.from_text(250, "mx.example", "starttls", "Size 100"))
    assert "STARTTLS" in ext and "starttls" in ext and ext.has("StartTLS")
    assert ext.size == 100
    assert ext.get("size") == "100"
    assert ext.get("AUTH") is None
    assert 42 not in ext  # type: ignore[operator]


def test_a_bare_250_greeting_has_no_extensions() -> None:
    ext = Extensions.parse(Reply.from_text(250, "mx.example"))
    assert ext.server_name == "mx.example"
    assert not ext.starttls and ext.size is None and ext.auth_mechanisms == frozenset()
    assert len(ext) == 0


def test_empty_first_line() -> None:
    ext = Extensions.parse(Reply(250, ("", "PIPELINING")))
    assert ext.server_name == ""
    assert ext.pipelining


@pytest.mark.parametrize(
    ("line", "size"),
    [("SIZE", None), ("SIZE 0", None), ("SIZE abc", None), ("SIZE 35882577", 35882577)],
)
def test_size(line: str, size: int | None) -> None:
    assert Extensions.parse(Reply.from_text(250, "mx", line)).size == size


def test_no_size_line_means_none() -> None:
    assert Extensions.parse(Reply.from_text(250, "mx", "8BITMIME")).size is None


def test_old_auth_equals_form_is_merged() -> None:
    reply = Reply.from_text(250, "smtp.example", "AUTH=LOGIN PLAIN", "AUTH LOGIN PLAIN XOAUTH2")
    ext = Extensions.parse(reply)
    assert ext.auth_mechanisms == frozenset({"LOGIN", "PLAIN", "XOAUTH2"})
    assert ext.keywords["AUTH"] == "LOGIN PLAIN XOAUTH2"
    assert "AUTH=LOGIN" not in ext.keywords


def test_old_auth_equals_form_alone() -> None:
    ext = Extensions.parse(Reply.from_text(250, "smtp.example", "AUTH=LOGIN"))
    assert ext.auth and ext.auth_mechanisms == frozenset({"LOGIN"})


def test_mechanisms_are_upper_cased() -> None:
    ext = Extensions.parse(Reply.from_text(250, "mx", "AUTH login Plain"))
    assert ext.auth_mechanisms == frozenset({"LOGIN", "PLAIN"})


def test_odd_lines_are_skipped_and_first_wins() -> None:
    reply = Reply.from_text(250, "mx", "", "-weird", "SIZE 100", "SIZE 200", "X-FOO=bar")
    ext = Extensions.parse(reply)
    assert ext.size == 100
    assert list(ext.keywords) == ["SIZE"]


def test_none() -> None:
    ext = Extensions.none("mx.example")
    assert ext.server_name == "mx.example"
    assert ext.ehlo is False
    assert len(ext) == 0 and not ext.auth
    assert Extensions.none() == Extensions()


def test_extensions_are_immutable_values() -> None:
    ext = Extensions.parse(LAB_EHLO)
    assert ext == Extensions.parse(LAB_EHLO)
    hash(ext)
    with pytest.raises(TypeError):
        ext.keywords["NEW"] = ""  # type: ignore[index]
    with pytest.raises(AttributeError):
        ext.server_name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("keyword", "params", "text"),
    [
        ("SIZE", "10485760", "SIZE: messages up to 10 MiB · RFC 1870"),
        ("SIZE", "35882577", "SIZE: messages up to 34.2 MiB · RFC 1870"),
        ("SIZE", "", "SIZE: the server announces no fixed size limit · RFC 1870"),
        ("SIZE", "0", "SIZE: the server announces no fixed size limit · RFC 1870"),
        ("8BITMIME", "", "8BITMIME: 8-bit bodies allowed · RFC 6152"),
        ("SMTPUTF8", "", "SMTPUTF8: UTF-8 addresses allowed · RFC 6531"),
        ("PIPELINING", "", "PIPELINING: may batch commands · RFC 2920"),
        ("STARTTLS", "", "STARTTLS: can switch to TLS · RFC 3207"),
        ("AUTH", "LOGIN PLAIN", "AUTH LOGIN PLAIN: log in with LOGIN or PLAIN · RFC 4954"),
        (
            "AUTH",
            "PLAIN LOGIN XOAUTH2",
            "AUTH PLAIN LOGIN XOAUTH2: log in with PLAIN, LOGIN or XOAUTH2 · RFC 4954",
        ),
        ("AUTH", "PLAIN", "AUTH PLAIN: log in with PLAIN · RFC 4954"),
        ("AUTH", "", "AUTH: login offered, but no mechanism listed · RFC 4954"),
        (
            "ENHANCEDSTATUSCODES",
            "",
            "ENHANCEDSTATUSCODES: replies carry codes like 2.1.0 · RFC 2034",
        ),
        ("CHUNKING", "", "CHUNKING: BDAT may send the message in chunks · RFC 3030"),
        ("DSN", "", "DSN: delivery status notifications on request · RFC 3461"),
        ("starttls", "", "STARTTLS: can switch to TLS · RFC 3207"),
        ("X-FOO", "", "X-FOO: an extension this kit does not know"),
    ],
)
def test_describe_extension(keyword: str, params: str, text: str) -> None:
    assert describe_extension(keyword, params) == text


def test_describe_old_auth_form() -> None:
    text = describe_extension("AUTH=", "LOGIN PLAIN")
    assert text.startswith("AUTH=LOGIN PLAIN: log in with LOGIN or PLAIN")
    assert "old" in text


@pytest.mark.parametrize(
    ("octets", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1 KiB"),
        (1536, "1.5 KiB"),
        (10485760, "10 MiB"),
        (52428800, "50 MiB"),
        (1 << 30, "1 GiB"),
    ],
)
def test_format_size(octets: int, text: str) -> None:
    assert format_size(octets) == text


@pytest.mark.parametrize(
    ("keyword", "params", "text"),
    [
        ("SIZE", "10485760", "SIZE: messages up to 10 MiB · RFC 1870"),
        ("AUTH", "LOGIN PLAIN", "AUTH LOGIN PLAIN: log in with LOGIN or PLAIN · RFC 4954"),
        (
            "AUTH=",
            "LOGIN",
            "AUTH=LOGIN: log in with LOGIN · RFC 4954"
            " (old AUTH= form, for clients older than RFC 2554)",
        ),
        ("8bitmime", "", "8BITMIME: 8-bit bodies allowed · RFC 6152"),
    ],
)
def test_describe_extension_keeps_its_keyword(keyword: str, params: str, text: str) -> None:
    assert describe_extension(keyword, params) == text


def test_docstring_examples() -> None:
    import doctest

    import smtplab.extensions

    result = doctest.testmod(smtplab.extensions)
    assert result.attempted > 0 and result.failed == 0
