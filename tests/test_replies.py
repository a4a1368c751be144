"""Replies as values and their explanations, with literal examples."""

from __future__ import annotations

import pytest

from smtplab.replies import (
    EnhancedStatus,
    Reply,
    decode_reply_text,
    explain,
    explain_code,
    explain_enhanced,
)


def test_from_text_renders_the_wire_form() -> None:
    reply = Reply.from_text(250, "lab.smtplab.test", "PIPELINING", "STARTTLS")
    assert reply.raw == b"250-lab.smtplab.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
    assert reply.lines == ("lab.smtplab.test", "PIPELINING", "STARTTLS")
    assert str(reply) == "250-lab.smtplab.test\n250-PIPELINING\n250 STARTTLS"
    assert reply.text == "lab.smtplab.test\nPIPELINING\nSTARTTLS"


def test_from_text_without_lines() -> None:
    reply = Reply.from_text(220)
    assert reply.lines == ("",)
    assert reply.raw == b"220 \r\n"
    assert str(reply) == "220 "


def test_raw_does_not_take_part_in_equality() -> None:
    assert Reply(250, ("OK",), b"250 OK\n") == Reply(250, ("OK",), b"250 OK\r\n")
    assert Reply(250, ("OK",)) != Reply(251, ("OK",))
    assert hash(Reply(250, ("OK",))) == hash(Reply(250, ("OK",), b"x"))


@pytest.mark.parametrize(
    ("code", "success", "intermediate", "transient", "permanent"),
    [
        (220, True, False, False, False),
        (354, False, True, False, False),
        (334, False, True, False, False),
        (421, False, False, True, False),
        (451, False, False, True, False),
        (535, False, False, False, True),
        (554, False, False, False, True),
    ],
)
def test_reply_classes(
    code: int, success: bool, intermediate: bool, transient: bool, permanent: bool
) -> None:
    reply = Reply.from_text(code, "x")
    assert reply.klass == code // 100
    assert reply.is_success is success
    assert reply.is_intermediate is intermediate
    assert reply.is_transient is transient
    assert reply.is_permanent is permanent


@pytest.mark.parametrize(
    ("text", "enhanced"),
    [
        ("5.7.8 Authentication credentials invalid", "5.7.8"),
        ("2.0.0 OK: queued as 1A2B3C", "2.0.0"),
        ("4.7.1 Greylisted, try again", "4.7.1"),
        ("2.1.5", "2.1.5"),
        ("5.7.100 long detail", "5.7.100"),
        ("lab.smtplab.test ESMTP", None),
        ("3.0.0 no such class", None),
        ("2.0.0x glued", None),
        ("2.0 too short", None),
        ("", None),
    ],
)
def test_enhanced_status(text: str, enhanced: str | None) -> None:
    reply = Reply.from_text(250, text)
    assert (str(reply.enhanced) if reply.enhanced else None) == enhanced


def test_enhanced_status_parts() -> None:
    status = EnhancedStatus.parse("5.1.1 No such user")
    assert status == EnhancedStatus(5, 1, 1)
    assert (status.klass, status.subject, status.detail) == (5, 1, 1)
    assert Reply(250, ()).enhanced is None


def test_message_drops_the_enhanced_code_on_each_line() -> None:
    reply = Reply.from_text(550, "5.1.1 No such user", "5.1.1 Check the spelling")
    assert reply.message == "No such user\nCheck the spelling"
    assert Reply.from_text(220, "lab ESMTP").message == "lab ESMTP"


def test_explain_code() -> None:
    assert explain_code(503).startswith("503: bad sequence")
    assert "permanent failure" in explain_code(503)
    assert explain_code(299) == "299: done: the server carried out the command"
    assert "not a valid reply class" in explain_code(699)


def test_explain_enhanced() -> None:
    assert explain_enhanced(EnhancedStatus(5, 7, 8)) == (
        "5.7.8: the authentication credentials are invalid (permanent; subject: security or policy)"
    )
    assert explain_enhanced(EnhancedStatus(4, 9, 9)) == "4.9.9: temporary, about an unknown subject"
    assert explain_enhanced(EnhancedStatus(2, 1, 99)) == "2.1.99: success, about addressing"


def test_explain_combines_both() -> None:
    text = explain(Reply.from_text(535, "5.7.8 Authentication credentials invalid"))
    assert text.startswith("535: the server refused the user name or password")
    assert "; 5.7.8: the authentication credentials are invalid" in text
    assert ";" not in explain(Reply.from_text(220, "lab ESMTP"))


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"OK", "OK"),
        ("好的".encode(), "好的"),
        ("用户不存在".encode("gbk"), "用户不存在"),  # QQ Mail answers in GBK
        (b"caf\xe9", "café"),  # neither UTF-8 nor GB18030: Latin-1
        (b"", ""),
    ],
)
def test_decode_reply_text(raw: bytes, text: str) -> None:
    assert decode_reply_text(raw) == text


def test_decode_reply_text_never_fails() -> None:
    every_byte = bytes(range(256))
    assert len(decode_reply_text(every_byte)) > 0
