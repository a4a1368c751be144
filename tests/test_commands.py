"""Commands render to exact bytes; injection, over-long lines and smuggling are refused."""

from __future__ import annotations

import re
import time
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtplab import commands
from smtplab.commands import (
    AUTH_LINE_LIMIT,
    COMMAND_LINE_LIMIT,
    Auth,
    AuthContinuation,
    Command,
    Data,
    Ehlo,
    Helo,
    Help,
    Mail,
    MailData,
    Noop,
    Quit,
    RawCommand,
    Rcpt,
    Rset,
    StartTLS,
    Vrfy,
    check_address,
    decode_data,
    dot_stuff,
    dot_unstuff,
    encode_data,
    has_8bit,
    is_ascii_address,
    long_lines,
    normalize_newlines,
)
from smtplab.errors import LocalProtocolError

# --- rendering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "wire"),
    [
        (Ehlo("learner.example"), b"EHLO learner.example\r\n"),
        (Ehlo("[127.0.0.1]"), b"EHLO [127.0.0.1]\r\n"),
        (Helo("learner.example"), b"HELO learner.example\r\n"),
        (StartTLS(), b"STARTTLS\r\n"),
        (Auth("LOGIN"), b"AUTH LOGIN\r\n"),
        (
            Auth("plain", "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"),
            b"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n",
        ),
        (Auth("PLAIN", ""), b"AUTH PLAIN =\r\n"),
        (AuthContinuation("c3R1ZGVudA=="), b"c3R1ZGVudA==\r\n"),
        (AuthContinuation(""), b"\r\n"),
        (AuthContinuation("*", secret=False), b"*\r\n"),
        (Mail("student@lab.smtplab.test"), b"MAIL FROM:<student@lab.smtplab.test>\r\n"),
        (
            Mail("student@lab.smtplab.test", ("BODY=8BITMIME", "SMTPUTF8")),
            b"MAIL FROM:<student@lab.smtplab.test> BODY=8BITMIME SMTPUTF8\r\n",
        ),
        (Mail(""), b"MAIL FROM:<>\r\n"),
        (Rcpt("bob@example.com"), b"RCPT TO:<bob@example.com>\r\n"),
        (Rcpt("Postmaster"), b"RCPT TO:<Postmaster>\r\n"),
        (Rcpt("bob@example.com", ("NOTIFY=NEVER",)), b"RCPT TO:<bob@example.com> NOTIFY=NEVER\r\n"),
        (Data(), b"DATA\r\n"),
        (Rset(), b"RSET\r\n"),
        (Noop(), b"NOOP\r\n"),
        (Quit(), b"QUIT\r\n"),
        (Vrfy("bob"), b"VRFY bob\r\n"),
        (Help(), b"HELP\r\n"),
        (Help("MAIL"), b"HELP MAIL\r\n"),
        (RawCommand("mail from:<a@b.c>"), b"mail from:<a@b.c>\r\n"),
        (RawCommand(""), b"\r\n"),
    ],
)
def test_render(command: Command, wire: bytes) -> None:
    assert command.render() == wire
    assert command.text == wire[:-2].decode()
    assert str(command) == command.text


def test_utf8_address_renders_as_utf8() -> None:
    command = Mail("张三@例子.中国", ("SMTPUTF8",))
    assert command.render() == "MAIL FROM:<张三@例子.中国> SMTPUTF8\r\n".encode()
    assert not is_ascii_address(command.sender)
    assert is_ascii_address("bob@example.com")


def test_verbs_and_keywords() -> None:
    assert Ehlo("x").verb == Ehlo.verb == "EHLO"
    assert Mail("a@b.c").keyword == "MAIL"
    assert AuthContinuation("x").verb == "AUTH-RESPONSE"
    assert MailData(b"x").verb == "MAIL-DATA"
    assert RawCommand("mail FROM:<a@b.c>").keyword == "MAIL"
    assert RawCommand("ehlo me").keyword == "EHLO"
    assert RawCommand("QUIT").keyword == "QUIT"
    assert RawCommand("c3R1ZGVudA==").keyword == ""
    assert RawCommand("").keyword == ""
    assert RawCommand("MAIL-DATA").keyword == ""


def test_secret_flags() -> None:
    # A command says it is secret only when its author says so: which lines of an AUTH
    # exchange are secret is decided in one place, from the dialogue (smtplab.secrecy).
    assert Ehlo("x").secret is None
    assert Mail("a@b.c").secret is None
    assert Auth("PLAIN", "AHRpbQB0YW5zdGFhZg==").secret is None
    assert Auth("LOGIN", "c3R1ZGVudA==", secret=True).secret is True
    assert AuthContinuation("c2VjcmV0").secret is None
    assert AuthContinuation("c3R1ZGVudA==", secret=False).secret is False
    assert RawCommand("c2VjcmV0", secret=True).secret is True
    assert MailData(b"x").secret is None


def test_commands_are_frozen_and_comparable() -> None:
    assert Mail("a@b.c") == Mail("a@b.c")
    assert hash(Rcpt("a@b.c")) == hash(Rcpt("a@b.c"))
    with pytest.raises(AttributeError):
        Mail("a@b.c").sender = "x@y.z"  # type: ignore[misc]


# --- command injection ----------------------------------------------------------------

BAD_CHARS = {"\r": "CR", "\n": "LF", "\0": "NUL"}

BUILDERS = {
    "Ehlo": lambda s: Ehlo(s),
    "Helo": lambda s: Helo(s),
    "Auth mechanism": lambda s: Auth(s),
    "Auth response": lambda s: Auth("PLAIN", s),
    "AuthContinuation": lambda s: AuthContinuation(s),
    "Mail": lambda s: Mail(s),
    "Mail param": lambda s: Mail("a@b.c", (s,)),
    "Rcpt": lambda s: Rcpt(s),
    "Rcpt param": lambda s: Rcpt("a@b.c", (s,)),
    "Vrfy": lambda s: Vrfy(s),
    "Help": lambda s: Help(s),
    "RawCommand": lambda s: RawCommand(s),
}


@pytest.mark.parametrize("builder", BUILDERS.values(), ids=list(BUILDERS))
@pytest.mark.parametrize("char", BAD_CHARS, ids=list(BAD_CHARS.values()))
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_injection_refused_everywhere(builder, char: str, where: str) -> None:
    base = "bob@example.com"
    value = {"start": char + base, "middle": base[:3] + char + base[3:], "end": base + char}
    with pytest.raises(LocalProtocolError) as caught:
        builder(value[where])
    message = str(caught.value)
    assert BAD_CHARS[char] in message
    assert "position" in message
    assert "injection" in message


def test_injection_message_says_which_character_and_where() -> None:
    with pytest.raises(LocalProtocolError, match=r"LF \(line feed.*position 15"):
        Rcpt("bob@example.com\nRCPT TO:<victim@example.org>")


def test_classic_injection_attack_is_refused() -> None:
    # A web form puts the "recipient" straight into RCPT TO: the attacker adds a command.
    with pytest.raises(LocalProtocolError):
        Rcpt("bob@example.com>\r\nRCPT TO:<everyone@example.org")


def test_non_text_argument_is_refused() -> None:
    with pytest.raises(LocalProtocolError, match="must be text"):
        Ehlo(b"host")  # type: ignore[arg-type]


# --- line lengths ---------------------------------------------------------------------


def _address_for_mail_line(total: int) -> str:
    overhead = len(b"MAIL FROM:<@b.c>\r\n")
    return "a" * (total - overhead) + "@b.c"


def test_command_line_of_512_octets_is_accepted() -> None:
    command = Mail(_address_for_mail_line(COMMAND_LINE_LIMIT))
    assert len(command.render()) == 512


def test_command_line_of_513_octets_is_refused() -> None:
    with pytest.raises(LocalProtocolError, match=r"513 octets.*at most 512.*4\.5\.3\.1\.4"):
        Mail(_address_for_mail_line(COMMAND_LINE_LIMIT + 1))


def test_length_counts_octets_not_characters() -> None:
    # 170 Chinese characters are 510 octets in UTF-8.
    with pytest.raises(LocalProtocolError, match="octets"):
        Rcpt("张" * 170 + "@b.c")


def test_auth_lines_may_be_longer() -> None:
    token = "A" * (AUTH_LINE_LIMIT - len("AUTH XOAUTH2 \r\n"))
    assert len(Auth("XOAUTH2", token).render()) == AUTH_LINE_LIMIT
    assert len(AuthContinuation("B" * (AUTH_LINE_LIMIT - 2)).render()) == AUTH_LINE_LIMIT
    with pytest.raises(LocalProtocolError, match="12288"):
        Auth("XOAUTH2", token + "A")
    with pytest.raises(LocalProtocolError, match="12288"):
        AuthContinuation("B" * (AUTH_LINE_LIMIT - 1))


def test_raw_command_allows_the_longest_smtp_line_only() -> None:
    assert len(RawCommand("x" * (AUTH_LINE_LIMIT - 2)).render()) == AUTH_LINE_LIMIT
    with pytest.raises(LocalProtocolError):
        RawCommand("x" * (AUTH_LINE_LIMIT - 1))


# --- arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "needle"),
    [
        ("", "empty"),
        ("<bob@example.com>", "angle brackets"),
        ("bob.example.com", "no '@'"),
        ("bob @example.com", "whitespace"),
        (" bob@example.com", "whitespace"),
        ("bob@example.com\t", "whitespace"),
    ],
)
def test_check_address_refusals(address: str, needle: str) -> None:
    with pytest.raises(LocalProtocolError, match=re.escape(needle)):
        check_address(address)


def test_check_address_accepts() -> None:
    assert check_address("bob@example.com") == "bob@example.com"
    assert check_address('"bob smith"@example.com') == '"bob smith"@example.com'
    assert check_address('"a\\" b"@example.com') == '"a\\" b"@example.com'
    assert check_address("", allow_empty=True) == ""
    assert check_address("张三@例子.中国") == "张三@例子.中国"


@given(st.from_regex(commands._PLAIN_ADDRESS, fullmatch=True), st.booleans())
def test_the_plain_address_form_takes_only_what_the_rules_take(address: str, empty: bool) -> None:
    # check_address accepts the plain form at once: the rules one by one must agree.
    assert commands._check_unusual_address(address, empty, "the address") == address


def test_check_address_names_the_argument() -> None:
    with pytest.raises(LocalProtocolError, match="the recipient"):
        Rcpt("nobody")
    with pytest.raises(LocalProtocolError, match="the sender"):
        Mail("<a@b.c>")


@pytest.mark.parametrize("param", ["", "BODY=", "=8BITMIME", "BODY 8BITMIME", "SIZE=1=2"])
def test_bad_esmtp_parameters_are_refused(param: str) -> None:
    with pytest.raises(LocalProtocolError, match="KEYWORD"):
        Mail("a@b.c", (param,))


def test_params_given_as_one_string_are_refused() -> None:
    with pytest.raises(LocalProtocolError, match="tuple"):
        Mail("a@b.c", "BODY=8BITMIME")  # type: ignore[arg-type]


def test_params_list_becomes_tuple() -> None:
    assert Mail("a@b.c", ["SMTPUTF8"]).params == ("SMTPUTF8",)  # type: ignore[arg-type]


@pytest.mark.parametrize("domain", ["", "two words", "tab\there"])
def test_ehlo_domain_is_one_word(domain: str) -> None:
    with pytest.raises(LocalProtocolError, match="one word"):
        Ehlo(domain)


@pytest.mark.parametrize("mechanism", ["", "PL AIN", "X" * 21, "LOGIN!"])
def test_auth_mechanism_name_is_checked(mechanism: str) -> None:
    with pytest.raises(LocalProtocolError, match="mechanism"):
        Auth(mechanism)


def test_auth_response_has_no_spaces() -> None:
    with pytest.raises(LocalProtocolError, match="whitespace"):
        AuthContinuation("c3R1 ZGVudA==")


def test_vrfy_needs_an_argument() -> None:
    with pytest.raises(LocalProtocolError, match="VRFY"):
        Vrfy("")


def test_mail_data_needs_bytes() -> None:
    with pytest.raises(LocalProtocolError, match="as_bytes"):
        MailData("text")  # type: ignore[arg-type]
    assert MailData(b"hi").render() == b"hi\r\n.\r\n"
    assert "2 bytes" in repr(MailData(b"hi"))


# --- DATA encoding: literal examples --------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (b"", b""),
        (b"a", b"a"),
        (b"a\r\nb", b"a\r\nb"),
        (b"a\nb", b"a\r\nb"),
        (b"a\rb", b"a\r\nb"),
        (b"a\r\r\nb", b"a\r\n\r\nb"),
        (b"a\n\rb", b"a\r\n\r\nb"),
        (b"\n\n", b"\r\n\r\n"),
        (b"\r", b"\r\n"),
    ],
)
def test_normalize_newlines(raw: bytes, normal: bytes) -> None:
    assert normalize_newlines(raw) == normal


def test_normalize_newlines_does_not_copy_clean_data() -> None:
    clean = b"a\r\nb\r\n" * 10
    assert normalize_newlines(clean) is clean


@pytest.mark.parametrize(
    ("raw", "stuffed"),
    [
        (b"", b""),
        (b".", b".."),
        (b".\r\n", b"..\r\n"),
        (b"a\r\n.\r\nb", b"a\r\n..\r\nb"),
        (b"..\r\n", b"...\r\n"),
        (b"a.b\r\n", b"a.b\r\n"),
        (b"\r\n.x\r\n.y", b"\r\n..x\r\n..y"),
    ],
)
def test_dot_stuff_and_unstuff(raw: bytes, stuffed: bytes) -> None:
    assert dot_stuff(raw) == stuffed
    assert dot_unstuff(stuffed) == raw


@pytest.mark.parametrize(
    ("message", "wire"),
    [
        (b"", b".\r\n"),
        (b"hi", b"hi\r\n.\r\n"),
        (b"hi\r\n", b"hi\r\n.\r\n"),
        (b"hi\n", b"hi\r\n.\r\n"),
        (b"Subject: x\n\n.\nbye", b"Subject: x\r\n\r\n..\r\nbye\r\n.\r\n"),
        (b".leading", b"..leading\r\n.\r\n"),
    ],
)
def test_encode_data(message: bytes, wire: bytes) -> None:
    assert encode_data(message) == wire


# SMTP smuggling: each body tries to end the message early with a line end the client
# would pass on unchanged, hoping the server reads it as the end of data.
SMUGGLING_BODIES = [
    b"Hi\n.\nMAIL FROM:<ceo@bank.example>\nRCPT TO:<victim@example.org>\nDATA\nSpoofed\n",
    b"Hi\r\n.\r\nMAIL FROM:<ceo@bank.example>\r\n",
    b"Hi\n.\r\nMAIL FROM:<ceo@bank.example>\r\n",
    b"Hi\r.\rMAIL FROM:<ceo@bank.example>\r",
    b"Hi\r\n.\nMAIL FROM:<ceo@bank.example>\r\n",
    b"Hi\r.\r\nMAIL FROM:<ceo@bank.example>\r\n",
    b".\r\nstart with the end",
    b"end with the end\r\n.\r\n",
    b"end with a bare dot\n.",
]


def _bare_cr_or_lf(data: bytes) -> bool:
    return re.search(rb"\r(?!\n)|(?<!\r)\n", data) is not None


@pytest.mark.parametrize("body", SMUGGLING_BODIES)
def test_smuggling_bodies_cannot_end_the_message_early(body: bytes) -> None:
    wire = encode_data(body)
    assert wire.endswith(b"\r\n.\r\n")
    assert wire.find(b"\r\n.\r\n") == len(wire) - 5
    assert not wire.startswith(b".\r\n")
    assert not _bare_cr_or_lf(wire)


def test_decode_data_round_trip_and_refusal() -> None:
    assert decode_data(b".\r\n") == b""
    assert decode_data(encode_data(b"a\n.b\n")) == b"a\r\n.b\r\n"
    with pytest.raises(LocalProtocolError, match="end-of-data"):
        decode_data(b"no end\r\n")


def test_has_8bit() -> None:
    assert has_8bit(b"") is False
    assert has_8bit(b"plain ascii\r\n") is False
    assert has_8bit("你好".encode()) is True
    assert has_8bit(b"\x80") is True
    assert has_8bit(b"\x7f") is False


# --- long lines -----------------------------------------------------------------------


def _long_lines_reference(data: bytes) -> list[int]:
    lines = re.split(rb"\r\n|\r|\n", data)
    return [number for number, line in enumerate(lines, 1) if len(line) > 998]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", []),
        (b"x" * 998, []),
        (b"x" * 999, [1]),
        (b"x" * 998 + b"\r\n" + b"y" * 999, [2]),
        (b"a\r\r\n" + b"y" * 999 + b"\nb\r" + b"z" * 998 + b"\r\n" + b"w" * 2000, [3, 6]),
        (b"x" * 5000, [1]),
    ],
)
def test_long_lines(data: bytes, expected: list[int]) -> None:
    assert long_lines(data) == expected
    assert _long_lines_reference(data) == expected


line_pieces = st.lists(
    st.one_of(
        st.sampled_from([b"\r\n", b"\n", b"\r", b"."]),
        st.integers(min_value=0, max_value=2100).map(lambda n: b"x" * n),
    ),
    max_size=12,
)


@given(line_pieces)
def test_long_lines_matches_a_simple_reference(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert long_lines(data) == _long_lines_reference(data)


def test_long_lines_across_the_pieces_a_big_message_is_read_in() -> None:
    """Lines of every kind of end around each 64 KiB piece's cut are numbered right."""
    lines = [b"x" * (n * 997 % 70_001) for n in range(300)]
    data = b"".join(line + (b"\r\n", b"\n", b"\r")[n % 3] for n, line in enumerate(lines))
    assert len(data) > 10 * 64 * 1024
    assert long_lines(data) == _long_lines_reference(data) != []


def test_long_lines_never_copies_a_big_message_whole() -> None:
    """A 10 MB message is read in pieces: the check holds a fraction of it, not a copy."""
    message = (b"x" * 68 + b"\r\n") * 150_000 + b"y" * 999
    tracemalloc.start()
    try:
        assert long_lines(message) == [150_001]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(message) / 10, f"peak {peak} bytes for a {len(message)}-byte message"


# --- properties of the DATA encoder ---------------------------------------------------

messages = st.lists(
    st.one_of(
        st.sampled_from([b"\r\n", b"\n", b"\r", b".", b"..", b"\r\n.\r\n", b"\n.\n", b" "]),
        st.binary(max_size=8),
    ),
    max_size=25,
).map(b"".join)


@given(messages)
def test_encode_data_never_lets_a_bare_cr_or_lf_out(message: bytes) -> None:
    assert not _bare_cr_or_lf(encode_data(message))


@given(messages)
def test_encode_data_ends_exactly_once(message: bytes) -> None:
    wire = encode_data(message)
    assert wire.endswith(b".\r\n")
    body = wire[:-3]
    assert body == b"" or body.endswith(b"\r\n")
    # No line of the body is a lone dot: the server cannot see the end early.
    assert b"\r\n.\r\n" not in b"\r\n" + body


@given(messages)
def test_decode_undoes_encode(message: bytes) -> None:
    normal = normalize_newlines(message)
    if normal and not normal.endswith(b"\r\n"):
        normal += b"\r\n"
    assert decode_data(encode_data(message)) == normal


@given(messages)
def test_dot_unstuff_inverts_dot_stuff_on_normalised_data(message: bytes) -> None:
    normal = normalize_newlines(message)
    assert dot_unstuff(dot_stuff(normal)) == normal


@given(messages)
def test_normalize_newlines_is_idempotent(message: bytes) -> None:
    once = normalize_newlines(message)
    assert normalize_newlines(once) == once
    assert not _bare_cr_or_lf(once)
    assert once.replace(b"\r\n", b"") == message.replace(b"\r\n", b"").replace(b"\r", b"").replace(
        b"\n", b""
    )


# --- speed ----------------------------------------------------------------------------


def test_ten_megabytes_encode_fast() -> None:
    line = b"A line of a long message, with a dot now and then at the start.\n.dot\n"
    message = b"Subject: big\n\n" + line * (10_000_000 // len(line))
    started = time.perf_counter()
    wire = encode_data(message)
    lines = long_lines(message)
    elapsed = time.perf_counter() - started
    assert lines == []
    assert wire.endswith(b"\r\n.\r\n")
    assert elapsed < 1.0, f"encoding 10 MB took {elapsed:.2f} s"


def test_docstring_examples() -> None:
    import doctest

    import smtplab.commands
    import smtplab.data_encoding

    for module in (smtplab.commands, smtplab.data_encoding):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_a_message_is_read_once_for_what_mail_from_needs() -> None:
    from smtplab.data_encoding import message_facts

    facts = message_facts("Subject: Grüße\r\n\r\nhi\r\n".encode())
    assert facts.size == 24 and facts.eight_bit and facts.utf8_headers
    body_only = message_facts("Subject: hi\r\n\r\nGrüße\r\n".encode())
    assert body_only.eight_bit and not body_only.utf8_headers
    assert message_facts(b"Subject: hi\r\n\r\n" + b"x" * 999).long_lines == [3]
    assert message_facts(b"Subject: hi\r\n\r\nhi\r\n") == (19, False, False, [])


# --- a command is made and checked once -------------------------------------------------


def test_text_and_render_are_worked_out_once_and_stay_the_same() -> None:
    command = Mail("a@b.c", ("SIZE=10",))
    assert command.render() is command.render()  # kept, not rendered again
    assert command.text == "MAIL FROM:<a@b.c> SIZE=10"
    assert command.render() == b"MAIL FROM:<a@b.c> SIZE=10\r\n"
    assert command == Mail("a@b.c", ("SIZE=10",)) and repr(command) == (
        "Mail(sender='a@b.c', params=('SIZE=10',))"
    )
    assert MailData(b"x\n").render() == b"x\r\n.\r\n"  # the message: encoded when sent


@pytest.mark.parametrize(
    ("address", "position"),
    [("a b@c.d", 1), ("a\tb@c.d", 1), ("a\u00a0b@c.d", 1), ("a@c.d\u3000", 5), ('"a b"@c.d x', 9)],
)
def test_whitespace_outside_quotes_is_found_in_every_form(address: str, position: int) -> None:
    with pytest.raises(LocalProtocolError, match=f"whitespace at position {position}"):
        check_address(address)


def test_quoted_spaces_and_printable_addresses_pass() -> None:
    assert check_address('"a b"@c.d') == '"a b"@c.d'
    assert check_address("张三@例子.中国") == "张三@例子.中国"


@pytest.mark.parametrize("param", ["BODY=8BIT\0MIME", "SIZE=1\r\n", 12])
def test_a_bad_parameter_is_refused_as_before(param: object) -> None:
    with pytest.raises(LocalProtocolError):
        Mail("a@b.c", (param,))  # type: ignore[arg-type]
