"""Tests for smtplab.message: compose, to_bytes, envelopes and anatomy."""

from __future__ import annotations

import email
import re
import smtplib
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from smtplab.errors import LocalProtocolError
from smtplab.message import (
    Anatomy,
    Attachment,
    Draft,
    anatomy,
    compose,
    decode_header_value,
    encode_header_value,
    envelope_from_headers,
    needs_smtputf8,
    strip_bcc,
    to_bytes,
)


def parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def simple(**kwargs: object) -> Draft:
    args: dict[str, object] = {"sender": "alice@example.com", "to": "bob@example.com"}
    args.update(kwargs)
    return compose(**args)  # type: ignore[arg-type]


def text_of(part: EmailMessage) -> str:
    """A text part's content with the wire's CRLF turned back into LF."""
    return part.get_content().replace("\r\n", "\n")


def header_lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


# ---------------------------------------------------------------------------------------------
# Round trips


def test_plain_message_round_trips() -> None:
    draft = simple(subject="Hello", body="Hi Bob,\nsee you.\n")
    msg = parse(draft.to_bytes())
    assert msg["Subject"] == "Hello"
    assert msg["From"].addresses[0].addr_spec == "alice@example.com"
    assert msg["To"].addresses[0].addr_spec == "bob@example.com"
    assert text_of(msg) == "Hi Bob,\nsee you.\n"
    assert msg["MIME-Version"] == "1.0"
    assert msg["Content-Transfer-Encoding"] == "7bit"
    assert re.fullmatch(r"<[0-9a-f]{32}@example\.com>", msg["Message-ID"])
    assert msg["Date"].datetime.tzinfo is not None
    assert draft.mail_from == "alice@example.com"
    assert draft.recipients == ("bob@example.com",)
    assert draft.mail_options == ()


def test_chinese_name_subject_and_body_round_trip() -> None:
    subject = "会议通知：明天下午三点 🎉"
    draft = simple(sender_name="张三", subject=subject, body="你好，李四！\n明天见。\n")
    data = draft.to_bytes()
    assert data.isascii(), "a default draft is 7-bit clean"
    assert b"From: =?utf-8?b?5byg5LiJ?= <alice@example.com>\r\n" in data
    msg = parse(data)
    assert msg["Subject"] == subject
    assert msg["From"].addresses[0].display_name == "张三"
    assert text_of(msg) == "你好，李四！\n明天见。\n"


def test_long_subject_is_folded_and_round_trips_exactly() -> None:
    subject = "你好 " * 30 + "🎉 the end"
    data = simple(subject=subject).to_bytes()
    for line in header_lines(data):
        assert len(line) <= 78, line
    subject_lines = [ln for ln in header_lines(data) if ln.startswith((b"Subject:", b" "))]
    assert len(subject_lines) > 3, "a long subject is folded over several lines"
    assert parse(data)["Subject"] == subject


@pytest.mark.parametrize(
    "fields",
    [
        {"subject": "abcdefgh " + "会" * 12},  # one word that fits 78 but not 76
        {"subject": "Re: " + "会议通知：明天下午三点在三楼会议室开会" * 3},
        {"sender_name": "张" * 15},  # one word of 45 bytes: 72 characters
        {"sender_name": "张" * 15, "to": "李" * 15 + " <bob@example.com>"},
        {"headers": {"Reply-To": "王" * 15 + " <carol@example.com>"}},
    ],
)
def test_a_header_line_with_an_encoded_word_stays_within_76(fields: dict[str, Any]) -> None:
    """RFC 2047 §2: a header line that holds an encoded word is at most 76 characters
    (notebook 06 teaches it); compose folded at 78, RFC 5322's limit for other lines."""
    draft = simple(**fields)
    data = draft.to_bytes()
    for line in header_lines(data):
        assert b"=?" not in line or len(line) <= 76, line
    parsed = parse(data)
    assert parsed["Subject"] == fields.get("subject", parsed["Subject"])
    if "sender_name" in fields:
        assert parsed["From"].addresses[0].display_name == fields["sender_name"]


def test_long_ascii_subject_is_folded_at_spaces_and_stays_readable() -> None:
    subject = "A rather long subject line about the SMTP lab " * 4
    subject = subject.strip()
    data = simple(subject=subject).to_bytes()
    assert b"=?" not in data
    assert all(len(line) <= 78 for line in header_lines(data))
    assert parse(data)["Subject"] == subject


def test_mixed_subject_keeps_ascii_words_readable() -> None:
    data = simple(subject="Re: 会议 notes").to_bytes()
    assert b"Subject: Re: =?utf-8?b?" in data
    assert parse(data)["Subject"] == "Re: 会议 notes"


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=200,
    ).filter(lambda s: s == s.strip() and s.strip())
)
def test_any_subject_round_trips(subject: str) -> None:
    data = simple(subject=subject).to_bytes()
    for line in header_lines(data):
        if line[:1] in (b"S", b" "):
            assert len(line) <= (76 if b"=?" in line else 78), line  # RFC 2047 §2
    assert parse(data)["Subject"] == subject
    assert decode_header_value(encode_header_value(subject)) == subject


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=45,
    ).filter(lambda s: s == " ".join(s.split()) and s and "<" not in s and '"' not in s)
)
def test_any_display_name_round_trips(name: str) -> None:
    """A display name up to 45 UTF-8 bytes is one encoded word and reads back exactly.

    Runs of spaces in a display name mean one space (RFC 5322 §3.2.2), hence the filter.
    """
    assume(len(name.encode()) <= 45)
    data = simple(sender_name=name).to_bytes()
    assert parse(data)["From"].addresses[0].display_name == name
    assert parse(data)["From"].addresses[0].addr_spec == "alice@example.com"


def test_long_display_name_is_split_into_encoded_words() -> None:
    """Longer names take several words; an RFC 2047 decoder joins them without a space."""
    name = "张三" * 20
    data = simple(sender_name=name, to="A Very Long Name Indeed Of Someone <x@example.com>")
    data = data.to_bytes()
    assert all(len(line) <= 78 for line in header_lines(data))
    value = anatomy(data).header("From")
    assert value is not None and value.decoded == f"{name} <alice@example.com>"


@pytest.mark.parametrize("name", ["x" * 2000, "Smith, Carol " * 150])
def test_an_ascii_display_name_too_long_for_a_line_is_encoded(name: str) -> None:
    """A word (or quoted string) over a line cannot be folded: compose wrote a From line of
    2,000 characters and then refused its own message (over 998 octets, RFC 5321)."""
    data = simple(sender_name=name.strip()).to_bytes()
    assert all(len(line) <= 78 for line in header_lines(data))
    value = anatomy(data).header("From")
    assert value is not None and value.decoded == f"{name.strip()} <alice@example.com>"


def test_emoji_body_and_html_alternative() -> None:
    draft = simple(subject="Party 🎉", body="Come! 🎈\n", html="<p>Come! 🎈</p>\n")
    msg = parse(draft.to_bytes())
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert text_of(msg.get_body(("plain",))) == "Come! 🎈\n"
    assert text_of(msg.get_body(("html",))) == "<p>Come! 🎈</p>\n"
    assert b"MIME-Version" not in draft.to_bytes().split(b"\r\n\r\n", 1)[1]


def test_attachments_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    blob = bytes(range(256)) * 4
    draft = simple(
        body="See attached.\n",
        html="<p>See attached.</p>",
        attachments=[
            ("报告.pdf", b"%PDF-1.4 fake"),
            Attachment("blob", blob),
            Attachment("x.bin", b"\x00\x01", content_type="application/x-lab"),
            path,
        ],
    )
    msg = parse(draft.to_bytes())
    assert msg.get_content_type() == "multipart/mixed"
    files = list(msg.iter_attachments())
    assert [f.get_filename() for f in files] == ["报告.pdf", "blob", "x.bin", "data.csv"]
    assert [f.get_content_type() for f in files] == [
        "application/pdf",
        "application/octet-stream",
        "application/x-lab",
        "text/csv",
    ]
    assert files[0].get_content() == b"%PDF-1.4 fake"
    assert files[1].get_content() == blob
    assert files[3].get_payload(decode=True) == b"a,b\n1,2\n"
    assert text_of(msg.get_body(("plain",))) == "See attached.\n"


def test_no_bare_lf_or_cr_in_composed_bytes() -> None:
    draft = simple(
        sender_name="张三",
        subject="x " * 60,
        body="one\ntwo\r\nthree\rfour\n" + "long " * 100,
        html="<p>\n</p>",
        attachments=[("a.txt", b"x\ny\n" * 50)],
    )
    data = draft.to_bytes()
    assert re.search(rb"(?<!\r)\n", data) is None
    assert re.search(rb"\r(?!\n)", data) is None
    assert max(len(line) for line in data.split(b"\r\n")) <= 998


def test_to_bytes_is_repeatable() -> None:
    draft = simple(html="<p>x</p>", attachments=[("a.txt", b"a")])
    assert draft.to_bytes() == draft.to_bytes() == bytes(draft) == to_bytes(draft)


def test_body_encodings() -> None:
    text = "Viele Grüße aus Köln: wir sehen uns nächste Woche im Workshop.\n"
    assert parse(simple(body=text).to_bytes())["Content-Transfer-Encoding"] == "quoted-printable"
    chinese = "你好" * 10 + "\n"
    assert parse(simple(body=chinese).to_bytes())["Content-Transfer-Encoding"] == "base64"
    eight = simple(body=chinese, body_encoding="8bit")
    assert chinese.strip().encode() + b"\r\n" in eight.to_bytes()
    assert eight.mail_options == ("BODY=8BITMIME",)
    assert text_of(parse(eight.to_bytes())) == chinese
    with pytest.raises(LocalProtocolError, match="7bit cannot carry"):
        simple(body=chinese, body_encoding="7bit")
    with pytest.raises(LocalProtocolError, match="not one of"):
        simple(body="x", body_encoding="binary")
    with pytest.raises(LocalProtocolError, match="998"):
        simple(body="x" * 1200, body_encoding="8bit")
    long_line = parse(simple(body="x" * 1200).to_bytes())
    assert text_of(long_line) == "x" * 1200 + "\n"


def test_date_and_message_id() -> None:
    when = datetime(2024, 5, 17, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    msg = parse(simple(date=when, message_id_domain="lab.test").to_bytes())
    assert msg["Date"] == "Fri, 17 May 2024 09:30:00 +0800"
    assert msg["Message-ID"].endswith("@lab.test>")
    ids = {simple().message["Message-ID"] for _ in range(5)}
    assert len(ids) == 5
    with pytest.raises(LocalProtocolError, match="message_id_domain"):
        simple(message_id_domain="bad domain")


def test_extra_headers() -> None:
    draft = simple(
        headers={"Reply-To": "Team <team@example.com>", "X-Course": "SMTP 课程", "Date": "x"}
    )
    msg = parse(draft.to_bytes())
    assert msg["Reply-To"].addresses[0].addr_spec == "team@example.com"
    assert msg["X-Course"] == "SMTP 课程"
    assert len(msg.get_all("Date")) == 1
    with pytest.raises(LocalProtocolError, match="bcc="):
        simple(headers={"Bcc": "spy@example.com"})
    with pytest.raises(LocalProtocolError, match="written by compose"):
        simple(headers={"Content-Type": "text/html"})
    with pytest.raises(LocalProtocolError, match="header name"):
        simple(headers={"X Bad": "v"})


def test_addresses_with_names_and_lists() -> None:
    draft = compose(
        sender="Alice Example <alice@example.com>",
        to=["Bob <bob@example.com>", '"Smith, John" <john@example.com>'],
        cc="carol@example.com",
    )
    msg = parse(draft.to_bytes())
    names = [(a.display_name, a.addr_spec) for a in msg["To"].addresses]
    assert names == [("Bob", "bob@example.com"), ("Smith, John", "john@example.com")]
    assert msg["From"].addresses[0].display_name == "Alice Example"
    assert draft.recipients == ("bob@example.com", "john@example.com", "carol@example.com")
    with pytest.raises(LocalProtocolError, match="display name"):
        compose(sender="A <a@example.com>", sender_name="B", to="b@example.com")


def test_non_ascii_address_makes_an_smtputf8_message() -> None:
    draft = simple(to="用户@例子.广告", sender_name="张三")
    assert draft.smtputf8
    assert draft.mail_options == ("SMTPUTF8", "BODY=8BITMIME")
    data = draft.to_bytes()
    assert "To: 用户@例子.广告\r\n".encode() in data
    assert b"=?utf-8?b?5byg5LiJ?=" in data  # names stay encoded words
    assert needs_smtputf8(draft.message)
    assert not needs_smtputf8(simple().message)
    reply_to = simple(headers={"Reply-To": "用户@例子.广告"})
    assert reply_to.smtputf8 and reply_to.mail_options[0] == "SMTPUTF8"
    assert "Reply-To: 用户@例子.广告".encode() in reply_to.to_bytes()


# ---------------------------------------------------------------------------------------------
# Refusals


INJECTIONS = ["x\r\nBcc: spy@evil.example", "x\nX-Evil: 1", "x\rX-Evil: 1", "x\x00y"]


@pytest.mark.parametrize("bad", INJECTIONS)
@pytest.mark.parametrize(
    ("field", "make"),
    [
        ("subject", lambda bad: simple(subject=bad)),
        ("sender_name", lambda bad: simple(sender_name=bad)),
        ("sender", lambda bad: compose(sender=f"a@example.com{bad}", to="b@example.com")),
        ("to", lambda bad: simple(to=["ok@example.com", f"b@example.com{bad}"])),
        ("cc", lambda bad: simple(cc=f"{bad} <c@example.com>")),
        ("bcc", lambda bad: simple(bcc=f"d@example.com{bad}")),
        ("header 'X-Course'", lambda bad: simple(headers={"X-Course": bad})),
        ("attachment's filename", lambda bad: simple(attachments=[(bad, b"x")])),
        ("message_id_domain", lambda bad: simple(message_id_domain=f"example.com{bad}")),
    ],
)
def test_header_injection_is_refused(field: str, make, bad: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LocalProtocolError) as info:
        make(bad)
    text = str(info.value)
    assert field in text
    assert "header injection" in text or "NUL" in text


def test_encode_header_value_refuses_line_breaks() -> None:
    with pytest.raises(LocalProtocolError, match="line feed"):
        encode_header_value("a\nb")


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("bob.example.com", "no '@'"),
        ("bob at example.com", "no '@'"),
        ("@example.com", "name before the '@'"),
        ("bob@", "domain after it"),
        ("bob smith@example.com", "cannot carry"),
        ("bob..smith@example.com", "cannot carry"),
        ("bob@exa mple.com", "not a domain"),
        ("bob@example..com", "not a domain"),
        ("a@example.com, b@example.com", "several addresses"),
    ],
)
def test_bad_addresses_are_refused(address: str, message: str) -> None:
    with pytest.raises(LocalProtocolError, match=message):
        simple(to=address)


def test_no_recipient_is_refused() -> None:
    with pytest.raises(LocalProtocolError, match="no recipient"):
        compose(sender="a@example.com", to=[])


def test_attachment_checks() -> None:
    with pytest.raises(LocalProtocolError, match="must be bytes"):
        Attachment("a.txt", "text")  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError, match="type/subtype"):
        Attachment("a.txt", b"", content_type="text")
    with pytest.raises(LocalProtocolError, match="tuple"):
        simple(attachments=[("a", b"", "text/plain", "extra")])  # type: ignore[list-item]


# ---------------------------------------------------------------------------------------------
# Bcc and envelopes


def test_bcc_is_in_the_envelope_not_in_the_bytes() -> None:
    draft = simple(cc="carol@example.com", bcc=["boss@example.com", "bob@EXAMPLE.com"])
    data = draft.to_bytes()
    assert b"boss@example.com" not in data
    assert b"Bcc" not in data
    assert draft.recipients == ("bob@example.com", "carol@example.com", "boss@example.com")
    assert draft.bcc == ("boss@example.com",)


def test_envelope_from_headers_like_smtplib() -> None:
    msg = EmailMessage()
    msg["From"] = "Alice <alice@example.com>"
    msg["Sender"] = "list@example.com"
    msg["To"] = "bob@example.com, carol@example.com"
    msg["Cc"] = "dave@example.com"
    msg["Bcc"] = "boss@example.com, bob@example.com"
    assert envelope_from_headers(msg) == (
        "list@example.com",
        ["bob@example.com", "carol@example.com", "boss@example.com", "dave@example.com"],
    )
    del msg["Sender"]
    assert envelope_from_headers(msg)[0] == "alice@example.com"
    draft = simple(bcc="x@example.com")
    assert envelope_from_headers(draft) == (draft.mail_from, list(draft.recipients))


def test_envelope_from_resent_headers() -> None:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = "bob@example.com"
    msg["Resent-Date"] = "Fri, 17 May 2024 09:30:00 +0000"
    msg["Resent-From"] = "bob@example.com"
    msg["Resent-To"] = "eve@example.com"
    assert envelope_from_headers(msg) == ("bob@example.com", ["eve@example.com"])
    msg["Resent-Date"] = "Sat, 18 May 2024 09:30:00 +0000"
    with pytest.raises(LocalProtocolError, match="more than one Resent"):
        envelope_from_headers(msg)


def test_envelope_needs_a_from() -> None:
    msg = EmailMessage()
    msg["To"] = "bob@example.com"
    with pytest.raises(LocalProtocolError, match="no From header"):
        envelope_from_headers(msg)


def test_strip_bcc_copies_and_to_bytes_drops_bcc() -> None:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = "bob@example.com"
    msg["Bcc"] = "boss@example.com"
    msg.set_content("hi")
    stripped = strip_bcc(msg)
    assert "Bcc" not in stripped
    assert msg["Bcc"] == "boss@example.com"
    data = to_bytes(msg)
    assert b"boss@example.com" not in data
    assert b"\r\n" in data and re.search(rb"(?<!\r)\n", data) is None


def test_to_bytes_of_str_and_bytes_is_raw() -> None:
    assert to_bytes("Subject: 你好\nhi\n") == "Subject: 你好\nhi\n".encode()
    assert to_bytes(b"raw\n") == b"raw\n"
    with pytest.raises(LocalProtocolError, match="cannot send"):
        to_bytes(42)  # type: ignore[arg-type]


def test_to_bytes_matches_what_smtplib_sends_for_a_draft() -> None:
    """The bytes are those smtplib.send_message would put after DATA (before dot-stuffing)."""
    sent: list[bytes] = []

    class Recorder(smtplib.SMTP):
        def sendmail(self, from_addr, to_addrs, msg, mail_options=(), rcpt_options=()):  # type: ignore[no-untyped-def, override]
            sent.append(msg)
            return {}

        def ehlo_or_helo_if_needed(self) -> None:
            pass

    draft = simple(sender_name="张三", subject="你好", attachments=[("a.txt", b"a")])
    Recorder().send_message(draft.message, draft.mail_from, list(draft.recipients))
    assert sent == [draft.to_bytes()]


# ---------------------------------------------------------------------------------------------
# Anatomy and decoding


def test_decode_header_value() -> None:
    assert decode_header_value("=?utf-8?b?5byg5LiJ?=") == "张三"
    assert decode_header_value("Hello =?utf-8?q?W=C3=B6rld?=") == "Hello Wörld"
    assert decode_header_value("=?utf-8?b?5L2g?=\r\n =?utf-8?b?5aW9?=") == "你好"
    assert decode_header_value("plain\r\n text") == "plain text"
    assert decode_header_value("=?bogus-charset?b?eHh4?=") == "=?bogus-charset?b?eHh4?="
    assert decode_header_value("=?utf-8?b?!!!?=") == "=?utf-8?b?!!!?="
    assert encode_header_value("Hello 张三") == "Hello =?utf-8?b?5byg5LiJ?="


def test_anatomy_of_a_draft_shows_the_envelope_header_split() -> None:
    draft = simple(
        sender_name="张三",
        subject="你好",
        cc="carol@example.com",
        bcc="boss@example.com",
        html="<p>hi</p>",
        attachments=[("报告.pdf", b"%PDF")],
    )
    view = anatomy(draft)
    assert isinstance(view, Anatomy)
    assert view.envelope_source == "draft"
    assert view.mail_from == "alice@example.com"
    assert view.hidden_recipients == ("boss@example.com",)
    assert view.header_to == ("bob@example.com",)
    assert view.header_cc == ("carol@example.com",)
    assert view.header_bcc == ()
    from_field = view.header("from")
    assert from_field is not None and from_field.is_encoded
    assert from_field.value == "=?utf-8?b?5byg5LiJ?= <alice@example.com>"
    assert from_field.decoded == "张三 <alice@example.com>"
    assert [p.content_type for p in view.parts] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]
    pdf = view.parts[-1]
    assert (pdf.filename, pdf.transfer_encoding, pdf.decoded_size) == ("报告.pdf", "base64", 4)
    assert pdf.path == "2" and view.parts[2].path == "1.1"
    assert view.size == len(draft.to_bytes())

    text = str(view)
    assert "MAIL FROM: <alice@example.com>" in text
    assert "<boss@example.com>   <- not in To/Cc (Bcc)" in text
    assert "decoded: 张三 <alice@example.com>" in text
    assert "decoded: 你好" in text
    assert "└── application/pdf" in text and "│   ├── text/plain" in text
    assert "blind copies" in text


def test_anatomy_with_a_given_envelope_and_raw_bytes() -> None:
    raw = (
        b"From: =?utf-8?b?5byg5LiJ?= <boss@example.com>\r\n"
        b"To: team@example.com\r\n"
        b"Bcc: secret@example.com\r\n"
        b"Subject: =?utf-8?q?caf=C3=A9?=\r\n"
        b"\r\n"
        b"body\r\n"
    )
    view = anatomy(raw, mail_from="mallory@evil.example", rcpt_tos=["victim@example.com"])
    assert view.envelope_source == "given"
    assert view.sender_differs
    assert view.hidden_recipients == ("victim@example.com",)
    assert view.unaddressed == ("team@example.com",)
    assert view.header_bcc == ("secret@example.com",)
    assert view.header("Subject").decoded == "café"  # type: ignore[union-attr]
    assert view.parts[0].content_type == "text/plain"
    notes = " ".join(view.notes())
    assert "forged" in notes and "receive nothing" in notes and "Bcc: header" in notes


def test_anatomy_derives_the_envelope_from_headers() -> None:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = "bob@example.com"
    msg["Bcc"] = "boss@example.com"
    msg.set_content("hi")
    view = anatomy(msg)
    assert view.envelope_source == "headers"
    assert view.rcpt_tos == ("bob@example.com", "boss@example.com")
    assert view.header_bcc == ("boss@example.com",), "anatomy shows the Bcc header to_bytes drops"
    assert anatomy(b"Subject: x\r\n\r\nno from\r\n").envelope_source == "none"


def test_anatomy_html_is_escaped_and_has_no_script() -> None:
    draft = simple(
        sender_name="<script>alert(1)</script>",
        subject="<b>&amp;</b>",
        attachments=[("<img src=x onerror=alert(1)>.txt", b"x")],
    )
    page = draft._repr_html_()
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;" in page
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in page
    assert "color:inherit" in page  # legible on a dark theme
    assert "background:#" not in page.replace(" ", "")


def test_draft_repr_is_short() -> None:
    text = repr(simple(subject="Hi"))
    assert text.startswith("Draft(mail_from='alice@example.com'")
    assert "subject='Hi'" in text


@pytest.mark.parametrize("html", [None, "<p>" + "long html line with é " * 20 + "</p>"])
def test_quoted_printable_lines_are_at_most_76_characters(html: str | None) -> None:
    """RFC 2045 §6.7: 'The Quoted-Printable encoding REQUIRES that encoded lines be no
    more than 76 characters long.'"""
    body = "hello world, a long line of mostly ASCII text with an é in it " * 6 + "\n"
    draft = compose(
        sender="a@example.com",
        to="b@example.com",
        subject="x",
        body=body,
        html=html,
        body_encoding="quoted-printable",
    )
    raw = draft.to_bytes()
    body_part = raw.split(b"\r\n\r\n", 1)[1]
    assert max(len(line) for line in body_part.split(b"\r\n")) <= 76
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    text = parsed.get_body(("plain",))
    assert text is not None and text.get_content().replace("\r\n", "\n") == body
