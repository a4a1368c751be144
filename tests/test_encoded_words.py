"""Tests for smtplab.encoded_words: RFC 2047 encoded words, written and read."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtplab.encoded_words import WORD, decode, decode_word, encode, runs

# RFC 2047 §8: the example header fields, and the table of how white space is read.
RFC_EXAMPLES = [
    ("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>", "Keith Moore <moore@cs.utk.edu>"),
    ("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>", "Keld Jørn Simonsen <keld@dkuug.dk>"),
    (
        "=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
        "André Pirard <PIRARD@vm1.ulg.ac.be>",
    ),
    (
        "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
        "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
        "If you can read this you understand the example.",
    ),
    (
        "Nathaniel Borenstein <nsb@thumper.bellcore.com>\r\n"
        "    (=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)",
        "Nathaniel Borenstein <nsb@thumper.bellcore.com>    (םולש ןב ילטפנ)",
    ),
    ("(=?ISO-8859-1?Q?a?=)", "(a)"),
    ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
    ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
    ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
    ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
    ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
    ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
]


@pytest.mark.parametrize(("value", "text"), RFC_EXAMPLES)
def test_the_rfc_2047_examples(value: str, text: str) -> None:
    assert decode(value) == text


def test_a_word_holds_whole_characters() -> None:
    for max_bytes in range(4, 40):
        words = encode("张三李四🎈 héllo", max_bytes)
        for word in words:
            data = base64.b64decode(word[len("=?utf-8?b?") : -2])
            assert len(data) <= max_bytes
            data.decode("utf-8")  # each word decodes on its own: no character is split
        assert decode(" ".join(words)) == "张三李四🎈 héllo"


def test_a_character_larger_than_the_limit_still_gets_a_word() -> None:
    assert encode("🎈", 2) == ["=?utf-8?b?8J+OiA==?="]


def test_default_words_fit_rfc_2047_s_75_characters() -> None:
    assert all(len(word) <= 75 for word in encode("会议通知" * 40))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120))
def test_encode_then_decode_gives_the_text_back(text: str) -> None:
    assert decode(" ".join(encode(text))) == text


def test_adjacent_words_join_and_plain_text_keeps_its_spaces() -> None:
    assert decode("=?utf-8?b?5L2g?= =?utf-8?b?5aW9?=") == "你好"
    assert decode("=?utf-8?b?5L2g?=\r\n =?utf-8?b?5aW9?=") == "你好"
    assert decode("Re:  =?utf-8?b?5L2g?=  x") == "Re:  你  x"
    assert runs("From: =?utf-8?b?5L2g?= =?utf-8?b?5aW9?= <a@b.c>, =?utf-8?q?Bo?= <d@e.f>") == [
        "你好",
        "Bo",
    ]


def test_q_encoding() -> None:
    assert decode("=?utf-8?q?W=C3=B6rld_=3F?=") == "Wörld ?"
    assert decode("=?UTF-8?Q?caf=c3=a9?=") == "café"  # lower-case hex digits are read too


@pytest.mark.parametrize(
    "bad",
    [
        "=?bogus-charset?b?eHh4?=",  # unknown charset
        "=?utf-8?b?!!!?=",  # not base64
        "=?utf-8?q?a=ZZ?=",  # a broken =XX escape
        "=?utf-8?b?5L?=",  # half a character: not whole characters of UTF-8
        "=?utf-8?q?=E4=BD?=",
    ],
)
def test_a_word_that_cannot_be_decoded_is_left_as_it_is(bad: str) -> None:
    assert decode_word(WORD.fullmatch(bad)) is None  # type: ignore[arg-type]
    assert decode(f"x {bad} y") == f"x {bad} y"
    assert decode(f"=?utf-8?q?ok?= {bad}") == f"ok {bad}"


def test_a_split_character_is_not_glued_back() -> None:
    """RFC 2047 §5: a character may not be split between two words; such words stay."""
    split = "=?utf-8?b?5L?= =?utf-8?b?2g?="
    assert decode(split) == split


def test_values_without_words_are_only_unfolded() -> None:
    assert decode("plain\r\n text") == "plain text"
    assert decode("a=?b") == "a=?b"
    assert decode("") == ""


def test_a_charset_with_a_language() -> None:
    assert decode("=?utf-8*en?q?hello?=") == "hello"  # RFC 2231 §5
