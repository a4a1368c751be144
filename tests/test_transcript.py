"""Tests for smtplab.transcript: built from the literal bytes of whole sessions.

The main session is the one of TRANSCRIPT-EXAMPLE.md: STARTTLS, AUTH LOGIN, and a message
from "张三" with the subject "你好 SMTP". Secrets are checked in every rendering, for every
AUTH mechanism the kit speaks.
"""

from __future__ import annotations

import base64
import copy
import hmac
import html
import logging
import pickle
import re
import time
import tracemalloc
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smtplab.annotate import Entry
from smtplab.commands import Ehlo, Noop, Quit
from smtplab.diagram import Diagram
from smtplab.protocol import ClientConnection
from smtplab.replies import Reply
from smtplab.secrecy import MASK, Secret
from smtplab.transcript import Rendering, Transcript

USER = "student"
PASSWORD = "s3cret-Pa55"
B64_PASSWORD = base64.b64encode(PASSWORD.encode()).decode()  # LOGIN's answer
B64_PLAIN = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()  # PLAIN's answer
TOKEN = "ya29.a0AfH6SMBx-very-secret-token"
B64_XOAUTH2 = base64.b64encode(f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01".encode()).decode()
CHALLENGE = base64.b64encode(b"<1896.697170952@lab.smtplab.test>").decode()
DIGEST = hmac.new(PASSWORD.encode(), base64.b64decode(CHALLENGE), "md5").hexdigest()
B64_CRAM = base64.b64encode(f"{USER} {DIGEST}".encode()).decode()

MESSAGE = (
    b"From: =?utf-8?b?5byg5LiJ?= <student@lab.smtplab.test>\r\n"
    b"To: bob@example.com\r\n"
    b"Subject: =?utf-8?b?5L2g5aW9IFNNVFA=?=\r\n"
    b"Date: Fri, 27 Nov 2026 14:00:00 +0000\r\n"
    b"Message-ID: <1@learner.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: text/plain; charset="utf-8"\r\n'
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    + "你好 Bob,\r\n\r\n..a line that began with a dot\r\nsee you\r\n-- \r\n张三\r\n".encode()
    + b".\r\n"
)
EHLO_PLAIN = (
    b"250-lab.smtplab.test\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
    b"250-PIPELINING\r\n250 STARTTLS\r\n"
)
EHLO_TLS = (
    b"250-lab.smtplab.test\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
    b"250-PIPELINING\r\n250 AUTH LOGIN PLAIN CRAM-MD5 XOAUTH2\r\n"
)
BAND = (
    "══ TLS 1.3 · TLS_AES_256_GCM_SHA384 · certificate for lab.smtplab.test verified "
    "(issuer: smtplab lab CA) ══"
)


def reply(raw: bytes) -> Reply:
    """A Reply from the exact bytes a server sent (every line with its CRLF)."""
    lines = raw.decode("utf-8").split("\r\n")[:-1]
    return Reply(int(lines[0][:3]), tuple(line[4:] for line in lines), raw)


class Session:
    """Records a session with a fake clock: one millisecond per step."""

    def __init__(self) -> None:
        self.t = Transcript()
        self.now = 100.0

    def tick(self) -> float:
        self.now += 0.001
        return self.now

    def s(self, raw: bytes) -> None:
        self.t.record_received(reply(raw), time=self.tick())

    def c(self, raw: bytes, **kwargs: bool) -> None:
        self.t.record_sent(raw, time=self.tick(), **kwargs)

    def up_to_auth(self) -> Session:
        self.s(b"220 lab.smtplab.test ESMTP smtplab lab server\r\n")
        self.c(b"EHLO learner.example\r\n")
        self.s(EHLO_PLAIN)
        self.c(b"STARTTLS\r\n")
        self.s(b"220 2.0.0 Ready to start TLS\r\n")
        self.t.record_tls(
            "TLSv1.3",
            "TLS_AES_256_GCM_SHA384",
            verified=True,
            server_name="lab.smtplab.test",
            issuer="smtplab lab CA",
            time=self.tick(),
        )
        self.c(b"EHLO learner.example\r\n")
        self.s(EHLO_TLS)
        return self

    def after_auth(self) -> Transcript:
        self.c(b"MAIL FROM:<student@lab.smtplab.test> BODY=8BITMIME\r\n")
        self.s(b"250 2.1.0 OK\r\n")
        self.c(b"RCPT TO:<bob@example.com>\r\n")
        self.s(b"250 2.1.5 OK\r\n")
        self.c(b"DATA\r\n")
        self.s(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        self.c(MESSAGE, is_message=True)
        self.s(b"250 2.0.0 OK: queued as 1A2B3C\r\n")
        self.c(b"QUIT\r\n")
        self.s(b"221 2.0.0 Bye\r\n")
        return self.t


def example_session() -> Transcript:
    """The session of TRANSCRIPT-EXAMPLE.md (AUTH LOGIN)."""
    s = Session().up_to_auth()
    s.c(b"AUTH LOGIN\r\n")
    s.s(b"334 VXNlcm5hbWU6\r\n")
    s.c(b"c3R1ZGVudA==\r\n")
    s.s(b"334 UGFzc3dvcmQ6\r\n")
    s.c(B64_PASSWORD.encode() + b"\r\n")
    s.s(b"235 2.7.0 Authentication successful\r\n")
    return s.after_auth()


def plain_initial() -> Transcript:
    s = Session().up_to_auth()
    s.c(f"AUTH PLAIN {B64_PLAIN}\r\n".encode())
    s.s(b"235 2.7.0 Authentication successful\r\n")
    return s.after_auth()


def plain_continuation() -> Transcript:
    s = Session().up_to_auth()
    s.c(b"AUTH PLAIN\r\n")
    s.s(b"334 \r\n")
    s.c(B64_PLAIN.encode() + b"\r\n")
    s.s(b"235 2.7.0 Authentication successful\r\n")
    return s.after_auth()


def login_initial() -> Transcript:
    s = Session().up_to_auth()
    s.c(b"AUTH LOGIN c3R1ZGVudA==\r\n")
    s.s(b"334 UGFzc3dvcmQ6\r\n")
    s.c(B64_PASSWORD.encode() + b"\r\n")
    s.s(b"235 2.7.0 Authentication successful\r\n")
    return s.after_auth()


def xoauth2() -> Transcript:
    s = Session().up_to_auth()
    s.c(f"AUTH XOAUTH2 {B64_XOAUTH2}\r\n".encode())
    s.s(b"235 2.7.0 Accepted\r\n")
    return s.after_auth()


def cram_md5() -> Transcript:
    s = Session().up_to_auth()
    s.c(b"AUTH CRAM-MD5\r\n")
    s.s(f"334 {CHALLENGE}\r\n".encode())
    s.c(B64_CRAM.encode() + b"\r\n")
    s.s(b"235 2.7.0 Authentication successful\r\n")
    return s.after_auth()


SESSIONS: dict[str, tuple[Callable[[], Transcript], tuple[str, ...]]] = {
    "login": (example_session, (PASSWORD, B64_PASSWORD)),
    "plain-initial": (plain_initial, (PASSWORD, B64_PASSWORD, B64_PLAIN)),
    "plain-334": (plain_continuation, (PASSWORD, B64_PASSWORD, B64_PLAIN)),
    "login-initial": (login_initial, (PASSWORD, B64_PASSWORD)),
    "xoauth2": (xoauth2, (TOKEN, B64_XOAUTH2)),
    "cram-md5": (cram_md5, (DIGEST, B64_CRAM)),
}


def every_public_view(t: Transcript, caplog: pytest.LogCaptureFixture | None = None) -> str:
    """Everything a learner, a notebook or a log could show, except reveal()."""
    views = [
        str(t),
        repr(t),
        t.text(),
        t.text(annotate=False),
        t.text(times=True, width=70),
        t.show_body(),
        t.dialogue(),
        t._repr_html_(),
        t.diagram().svg,
        t.diagram()._repr_html_(),
        repr(t.diagram()),
        repr(t.entries),
        str(t.entries),
        repr(t.timeline()),
        *(str(e.raw) for e in t),
        *(e.summary() for e in t),
        *(repr(e.reply) for e in t),
    ]
    if caplog is not None:
        views.append(caplog.text)
    return "\n".join(views)


# ------------------------------------------------------------------ the text rendering


def test_text_follows_the_example_line_by_line() -> None:
    lines = str(example_session()).splitlines()
    dialogue = [line for line in lines if line[:3] in ("C: ", "S: ") or line.startswith("══")]
    starts = [
        "S: 220 lab.smtplab.test ESMTP smtplab lab server",
        "C: EHLO learner.example",
        "S: 250-lab.smtplab.test",
        "S: 250-SIZE 10485760",
        "S: 250-8BITMIME",
        "S: 250-SMTPUTF8",
        "S: 250-PIPELINING",
        "S: 250 STARTTLS",
        "C: STARTTLS",
        "S: 220 2.0.0 Ready to start TLS",
        BAND,
        "C: EHLO learner.example",
        "S: 250-lab.smtplab.test",
        "S: 250-SIZE 10485760",
        "S: 250-8BITMIME",
        "S: 250-SMTPUTF8",
        "S: 250-PIPELINING",
        "S: 250 AUTH LOGIN PLAIN CRAM-MD5 XOAUTH2",
        "C: AUTH LOGIN",
        "S: 334 VXNlcm5hbWU6",
        "C: c3R1ZGVudA==",
        "S: 334 UGFzc3dvcmQ6",
        f"C: {MASK} (password hidden; transcript.reveal() shows it)",
        "S: 235 2.7.0 Authentication successful",
        "C: MAIL FROM:<student@lab.smtplab.test> BODY=8BITMIME",
        "S: 250 2.1.0 OK",
        "C: RCPT TO:<bob@example.com>",
        "S: 250 2.1.5 OK",
        "C: DATA",
        "S: 354 End data with <CR><LF>.<CR><LF>",
        "C: From: =?utf-8?b?5byg5LiJ?= <student@lab.smtplab.test>",
        "C: To: bob@example.com",
        "C: Subject: =?utf-8?b?5L2g5aW9IFNNVFA=?=",
        "C: Date: Fri, 27 Nov 2026 14:00:00 +0000",
        "C: Message-ID: <1@learner.example>",
        "C: MIME-Version: 1.0",
        'C: Content-Type: text/plain; charset="utf-8"',
        "C: Content-Transfer-Encoding: 8bit",
        "C: ",
        "C: … 6 body lines (show_body() to expand) …",
        "C: .",
        "S: 250 2.0.0 OK: queued as 1A2B3C",
        "C: QUIT",
        "S: 221 2.0.0 Bye",
    ]
    assert len(dialogue) == len(starts)
    for line, start in zip(dialogue, starts, strict=True):
        assert line.startswith(start), (line, start)
    assert BAND in lines  # the band is a line of its own, not annotated


def annotation_of(text: str, start: str) -> str:
    """The annotation beside the first line starting with ``start`` (and its continuation)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(start):
            note = line[len(start) :].strip()
            for more in lines[i + 1 :]:
                if more[:3] in ("C: ", "S: ") or not more.startswith(" "):
                    break
                note += " " + more.strip()
            return note
    raise AssertionError(f"no line starts with {start!r}")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("S: 220 lab.smtplab.test ESMTP smtplab lab server", "greeting: ready (2xx)"),
        ("C: EHLO learner.example", "say who you are, ask for extensions · §4.1.1.1"),
        ("S: 250-lab.smtplab.test", '┐ one reply, six lines: "250-" = more follows'),
        ("S: 250-SIZE 10485760", "│ SIZE: messages up to 10 MiB"),
        ("S: 250-8BITMIME", "8BITMIME: 8-bit bodies allowed · RFC 6152"),
        ("S: 250 STARTTLS", '┘ "250 " = last line'),
        ("S: 250 STARTTLS", "STARTTLS"),
        ("C: STARTTLS", "RFC 3207"),
        ("S: 250 AUTH LOGIN PLAIN", "offered only now, inside TLS"),
        ("C: AUTH LOGIN", "RFC 4954"),
        ("S: 334 VXNlcm5hbWU6", 'base64 of "Username:"'),
        ("C: c3R1ZGVudA==", 'base64 of "student"'),
        ("S: 334 UGFzc3dvcmQ6", 'base64 of "Password:"'),
        ("S: 235 2.7.0", "2.7.0: security check passed"),
        ("C: MAIL FROM:", "envelope sender (bounces go here) · §4.1.1.2"),
        ("C: MAIL FROM:", "BODY=8BITMIME: the body has 8-bit bytes · RFC 6152"),
        ("C: RCPT TO:", "envelope recipient · §4.1.1.3"),
        ("C: DATA", "§4.1.1.4"),
        ("S: 354", "3xx: go on"),
        ("C: From: =?utf-8?b?5byg5LiJ?=", 'encoded word = "张三" · RFC 2047'),
        ("C: Subject:", '= "你好 SMTP"'),
        ("C:  ", "empty line: headers end, body begins"),
        ("C: … 6 body lines", "1 dot-stuffed line"),
        ("C: .", "a line with one dot ends the message"),
        ("S: 250 2.0.0 OK: queued", "accepted: the server now owns the message"),
        ("C: QUIT", "§4.1.1.10"),
    ],
)
def test_annotations_sit_beside_their_line(start: str, expected: str) -> None:
    assert expected in annotation_of(str(example_session()), start)


def test_annotations_are_in_a_column_and_never_in_the_line() -> None:
    t = example_session()
    text = t.text()
    column = text.splitlines()[1].index("say who you are")
    assert column == 56
    for line in text.splitlines():
        if line[:3] in ("C: ", "S: ") and len(line) > column and line[column - 2 : column] == "  ":
            assert line[column] != " "
    # The dialogue is the same with and without annotations: they only add to the right.
    bare = t.text(annotate=False).splitlines()
    annotated = [line for line in text.splitlines() if not line.startswith(" ")]
    assert len(bare) == len(annotated)
    for plain, line in zip(bare, annotated, strict=True):
        assert line.startswith(plain)
    assert "say who you are" not in t.text(annotate=False)


def test_the_second_ehlo_only_explains_what_changed() -> None:
    text = str(example_session())
    second = text[text.index(BAND) :]
    assert annotation_of(second, "S: 250-SIZE 10485760") == "│"
    assert "STARTTLS no longer offered" in annotation_of(second, "S: 250-lab.smtplab.test")
    assert "again: TLS reset the session · RFC 3207 §4.2" in annotation_of(second, "C: EHLO")


def test_dialogue_is_exactly_the_bytes_on_the_wire() -> None:
    t = example_session()
    lines = t.dialogue().split("\n")
    wire: list[str] = []
    for entry in t:
        if entry.direction in ("TLS", "NOTE"):
            continue
        raw = entry.raw
        if isinstance(raw, Secret):
            wire.append(f"C: {MASK} (password hidden; transcript.reveal() shows it)")
            continue
        assert raw.endswith(b"\r\n")
        wire.extend(f"{entry.direction}: {line}" for line in raw.decode()[:-2].split("\r\n"))
    assert lines == wire
    assert "C: ..a line that began with a dot" in lines  # dot-stuffed, as sent
    assert "C: -- " in lines  # trailing space kept


def test_show_body_unfolds_and_annotates_dot_stuffing() -> None:
    t = example_session()
    assert "… 6 body lines" in str(t)
    assert "你好 Bob," not in str(t)
    body = t.show_body()
    assert "show_body() to expand" not in body
    assert "C: 你好 Bob," in body
    assert "C: 张三" in body
    assert "an extra dot was added: dot-stuffing, RFC 5321 §4.5.2" in annotation_of(
        body, "C: ..a line"
    )


def test_encoded_words_are_decoded_in_context() -> None:
    s = Session()
    s.s(b"220 x ESMTP\r\n")
    s.c(b"DATA\r\n")
    s.s(b"354 go\r\n")
    s.c(
        b"To: =?utf-8?q?Bob_M=C3=BCller?= <bob@example.com>\r\n"
        b"Subject: =?utf-8?b?5L2g5aW9?= SMTP =?utf-8?b?5Lit?=\r\n"
        b"\t=?utf-8?b?5paH?=\r\n\r\nHi\r\n.\r\n",
        is_message=True,
    )
    text = str(s.t)
    assert 'encoded word = "Bob Müller" · RFC 2047' in annotation_of(text, "C: To:")
    assert '= "你好 SMTP 中"' in annotation_of(text, "C: Subject:")
    assert '= "文"' in text  # the folded continuation line


def test_a_short_body_is_shown_whole() -> None:
    s = Session()
    s.s(b"220 x ESMTP\r\n")
    s.c(b"DATA\r\n")
    s.s(b"354 go\r\n")
    s.c(b"Subject: hi\r\n\r\nHello\r\nBob\r\n.\r\n", is_message=True)
    s.s(b"250 OK\r\n")
    text = str(s.t)
    assert "C: Hello" in text and "C: Bob" in text and "body lines" not in text
    assert "body lines" in s.t.text(body_lines=1)


def test_times_are_shown_on_request() -> None:
    t = example_session()
    assert " ms " not in str(t)
    lines = t.text(times=True).splitlines()
    assert lines[0].startswith("      0.0 ms  S: 220 ")
    assert lines[1].startswith("      1.0 ms  C: EHLO")
    offsets = [row[0] for row in t.timeline()]
    assert offsets == sorted(offsets) and offsets[0] == 0.0
    assert t.timeline()[1][1:3] == ("C", "ehlo")


def test_phases_and_tls_flags() -> None:
    t = example_session()
    phases = [e.phase for e in t]
    assert phases[:6] == ["greeting", "ehlo", "ehlo", "tls", "tls", "tls"]
    assert phases[8:14] == ["auth"] * 6
    assert [e.phase for e in t if e.direction == "C"][-4:] == [
        "envelope",
        "data",
        "message",
        "quit",
    ]
    assert [e.tls for e in t][:6] == [False] * 5 + [True]
    assert all(e.tls for e in t.entries[5:])


def test_the_repr_is_a_short_summary() -> None:
    t = example_session()
    text = repr(t)
    lines = t.text(annotate=False).splitlines()  # numbered as the rows of the HTML table
    number = re.search(r"TLS from line (\d+)", text)
    assert number is not None
    assert text.startswith("<Transcript: ") and "1 message" in text and "secrets hidden" in text
    assert lines[int(number[1]) - 1].startswith("══ TLS 1.3")
    assert repr(Transcript()) == "<Transcript: 0 lines, no TLS, 0 messages, no secrets>"


def test_long_lines_are_shortened_in_the_text_view_only() -> None:
    s = Session()
    s.s(b"220 x ESMTP\r\n")
    long = "RCPT TO:<" + "a" * 300 + "@example.com>"
    s.c(long.encode() + b"\r\n")
    s.s(b"250 OK\r\n")
    text = s.t.text(width=100)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "shortened here" in text
    assert f"C: {long}" in s.t.dialogue()


def test_notes_are_visibly_not_dialogue() -> None:
    s = Session()
    s.s(b"220 x ESMTP\r\n")
    s.c(b"DATA\r\n")
    s.t.record_note("timeout after 30 s waiting for the reply to DATA")
    text = str(s.t)
    assert "# timeout after 30 s waiting for the reply to DATA" in text.splitlines()
    assert "timeout" not in s.t.dialogue()
    assert s.t.entries[-1].direction == "NOTE"


def test_a_failure_shows_its_explanation() -> None:
    s = Session().up_to_auth()
    s.c(f"AUTH PLAIN {B64_PLAIN}\r\n".encode())
    s.s(b"535 5.7.8 Authentication credentials invalid\r\n")
    s.c(b"RCPT TO:<nobody@example.com>\r\n")
    s.s(b"451 4.3.0 Try again later\r\n")
    text = str(s.t)
    assert "wrong user name or password" in annotation_of(text, "S: 535 5.7.8")
    assert "temporary" in annotation_of(text, "S: 451")


def test_known_provider_failures_get_their_advice() -> None:
    qq = "535 Login Fail. Please enter your authorization code to login. More information in"
    for provider, raw, expected in (
        (None, f"{qq} https://service.mail.qq.com/detail/0/53", "for QQ Mail: use the authoriz"),
        ("smtp.qq.com", "535 5.7.8 Error: authentication failed", "for QQ Mail"),
        (None, "535 5.7.8 Error: authentication failed", "wrong user name or password"),
    ):
        t = Transcript(provider=provider)
        t.record_received(reply(b"220 x ESMTP\r\n"))
        t.record_sent(f"AUTH PLAIN {B64_PLAIN}\r\n".encode())
        t.record_received(reply(raw.encode() + b"\r\n"))
        assert expected in t[-1].annotation
        assert "\n" not in t[-1].annotation and len(t[-1].annotation) <= 120


def test_pipelined_replies_are_matched_to_their_commands() -> None:
    s = Session()
    s.s(b"220 x ESMTP\r\n")
    s.c(b"MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<c@example.com>\r\n")
    s.s(b"250 2.1.0 OK\r\n")
    s.s(b"550 5.1.1 No such user\r\n")
    s.s(b"250 2.1.5 OK\r\n")
    assert len(s.t) == 7
    text = str(s.t)
    assert "sender accepted" in annotation_of(text, "S: 250 2.1.0")
    assert "the server refuses this recipient" in annotation_of(text, "S: 550")
    assert "recipient accepted" in annotation_of(text, "S: 250 2.1.5")
    assert "pipelined" not in s.t[1].annotation
    assert "pipelined: sent before the reply to MAIL · RFC 2920" in s.t[2].annotation
    assert "pipelined: sent before the reply to RCPT · RFC 2920" in s.t[3].annotation


def test_a_bare_lf_and_a_null_sender_are_pointed_out() -> None:
    s = Session()
    s.s(b"220 x ESMTP\r\n")
    s.c(b"MAIL FROM:<>\n")
    text = str(s.t)
    assert "bare LF" in text and "null sender" in text


def test_clear_len_iteration_and_indexing() -> None:
    t = example_session()
    assert len(t) == len(t.entries) == len(list(t)) == 24
    assert isinstance(t[0], Entry) and t[-1].direction == "S"
    with pytest.raises(AttributeError):
        t[0].phase = "x"  # type: ignore[misc]
    t.clear()
    assert len(t) == 0 and str(t) == ""
    t.record_received(reply(b"220 again\r\n"))
    assert t[0].phase == "greeting"


def test_renderings_display_as_text_in_ipython() -> None:
    pretty = pytest.importorskip("IPython.lib.pretty")
    t = example_session()
    assert isinstance(t.dialogue(), Rendering) and isinstance(t.dialogue(), str)
    assert pretty.pretty(t.dialogue()) == str(t.dialogue())


# ----------------------------------------------------------------------- TLS


def test_tls_without_verification_is_loud() -> None:
    t = Transcript()
    t.record_tls(
        "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", verified=False, server_name=None, issuer=None
    )
    band = str(t)
    assert band.startswith("══ TLS 1.2 · ECDHE-RSA-AES128-GCM-SHA256 · ")
    assert "NOT VERIFIED" in band and "verification was OFF" in band
    assert "NOT verified" in repr(t)
    assert "NOT verified" in t.diagram().svg
    assert "verification was OFF" in t._repr_html_()


def test_implicit_tls_comes_before_the_greeting() -> None:
    t = Transcript()
    t.record_tls("TLSv1.3", "X", verified=True, server_name="lab", issuer=None)
    t.record_received(reply(b"220 lab ESMTP\r\n"))
    t.record_sent(b"EHLO me\r\n")
    assert t[1].phase == "greeting" and t[1].tls and t[2].tls
    assert "again" not in str(t)


# ----------------------------------------------------------------------- HTML


class _Checker(HTMLParser):
    VOID = frozenset({"br", "hr", "img", "meta", "input", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_well_formed_escaped_and_needs_no_styles() -> None:
    page = example_session()._repr_html_()
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert "script" not in checker.tags and "<script" not in page.lower()
    assert "details" in checker.tags and "summary" in checker.tags
    text = "".join(checker.text)
    assert "C: MAIL FROM:<student@lab.smtplab.test>" in text  # prefixes kept as text
    assert "S: 250 2.1.0 OK" in text
    assert "&lt;student@lab.smtplab.test&gt;" in page and "<student@" not in page
    assert BAND in text
    assert "C: 你好 Bob," in text  # the body is inside <details>
    assert not re.search(r"background(-color)?:\s*(#fff|white)", page, re.IGNORECASE)


def test_html_escapes_what_the_server_says() -> None:
    t = Transcript()
    t.record_received(reply(b"220 <script>alert(1)</script> & co\r\n"))
    page = t._repr_html_()
    assert "<script" not in page and "&lt;script&gt;" in page and "&amp; co" in page


# ----------------------------------------------------------------------- SVG


def test_diagram_is_valid_svg_with_one_arrow_per_line() -> None:
    t = example_session()
    diagram = t.diagram()
    assert isinstance(diagram, Diagram) and diagram._repr_svg_() == diagram.svg
    root = ET.fromstring(diagram.svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    arrows = [g for g in root.iter(f"{ns}g") if "arrow" in (g.get("class") or "")]
    commands = [e for e in t if e.direction == "C"]
    replies = [e for e in t if e.direction == "S"]
    assert len(arrows) == len(commands) + len(replies) == diagram.arrows
    client = [g for g in arrows if "client" in g.get("class", "")]
    assert len(client) == len(commands)
    labels = [g.find(f"{ns}text").text for g in arrows]  # type: ignore[union-attr]
    assert "EHLO learner.example" in labels
    assert "250-lab.smtplab.test (+5 lines)" in labels
    assert "message (15 lines) + ." in labels
    assert f"{MASK} (password hidden)" in labels
    assert "MAIL FROM:<student@lab.smtplab.test> BODY=8BITMIME" in labels
    shade = [r for r in root.iter(f"{ns}rect") if r.get("class") == "tls"]
    assert len(shade) == 1
    texts = [el.text or "" for el in root.iter(f"{ns}text")]
    assert "client" in texts and any(text.startswith("TLS") for text in texts)
    assert root.find(f"{ns}rect").get("fill") == "#fbfbfc"  # type: ignore[union-attr]


def test_diagram_notes_and_control_characters_stay_valid_xml(tmp_path: Path) -> None:
    t = Transcript()
    t.record_received(reply(b"220 x ESMTP\r\n"))
    t.record_sent(b"AUTH LOGIN\r\n")
    t.record_received(reply(b"334 VXNlciBOYW1lAA==\r\n"))  # aiosmtpd: "User Name\0"
    t.record_note("connection closed by the server <eof> & gone")
    root = ET.fromstring(t.diagram().svg)
    assert any("connection closed" in (el.text or "") for el in root.iter())
    assert 'base64 of "User Name␀"' in str(t)
    path = t.diagram().save(tmp_path / "session.svg")
    assert ET.parse(path).getroot().tag.endswith("svg")


# ----------------------------------------------------------------------- secrets


@pytest.mark.parametrize("name", SESSIONS)
def test_secrets_never_show_except_in_reveal(name: str, caplog: pytest.LogCaptureFixture) -> None:
    build, secrets = SESSIONS[name]
    with caplog.at_level(logging.DEBUG, logger="smtplab.transcript"):
        t = build()
        views = every_public_view(t, caplog)
    assert "C: MAIL FROM" in caplog.text  # the logger did log, masked
    for secret in secrets:
        assert secret not in views, f"{name}: {secret!r} leaked"
    assert MASK in views
    revealed = t.reveal()
    secret_line = secrets[-1]
    assert secret_line in revealed
    assert [e.secret for e in t].count(True) == 1
    entry = next(e for e in t if e.secret)
    assert isinstance(entry.raw, Secret)
    assert secret_line.encode() in entry.raw.reveal()


def test_what_may_show_around_a_secret() -> None:
    assert f"C: AUTH PLAIN {MASK} (password hidden" in str(plain_initial())
    plain = annotation_of(str(plain_initial()), "C: AUTH PLAIN")
    assert 'base64 of "␀student␀" + the password' in plain
    revealed = annotation_of(plain_initial().reveal(), f"C: AUTH PLAIN {B64_PLAIN}")
    assert f'base64 of "␀student␀{PASSWORD}"' in revealed
    cram = str(cram_md5())
    assert 'base64 of "student <digest hidden>"' in cram
    challenge = annotation_of(cram, f"S: 334 {CHALLENGE}")
    assert 'base64 of "<1896.697170952@lab.smtplab.test>": the challenge' in challenge
    assert f"C: AUTH XOAUTH2 {MASK} (token hidden" in str(xoauth2())
    assert 'base64 of user "student" + an OAuth 2.0 access token' in annotation_of(
        str(xoauth2()), "C: AUTH XOAUTH2"
    )
    login = str(login_initial())
    assert 'user name at once: base64 of "student"' in annotation_of(login, "C: AUTH LOGIN")
    assert f"C: {MASK} (password hidden" in login


def test_reveal_shows_the_line_as_sent() -> None:
    t = example_session()
    revealed = t.reveal()
    assert f"C: {B64_PASSWORD}" in revealed
    assert f'base64 of "{PASSWORD}"' in revealed
    assert "(password hidden" not in revealed


def test_the_secret_container_hides_its_bytes() -> None:
    t = example_session()
    secret = next(e.raw for e in t if isinstance(e.raw, Secret))
    assert isinstance(secret, Secret)
    assert PASSWORD not in repr(secret) + str(secret) + B64_PASSWORD
    assert B64_PASSWORD not in repr(secret) + str(secret)
    with pytest.raises(TypeError):
        bytes(secret)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert copy.deepcopy(secret) is secret
    assert secret.reveal() == B64_PASSWORD.encode() + b"\r\n"


def test_a_line_marked_secret_is_hidden() -> None:
    t = Transcript()
    t.record_sent(b"X-TOKEN hunter2-abc\r\n", secret=True)
    t.record_received(reply(b"500 unknown command X-TOKEN hunter2-abc\r\n"))
    assert "hunter2-abc" not in every_public_view(t)
    assert "hunter2-abc" in t.reveal()


def test_driver_bugs_cannot_leak_the_password() -> None:
    # The driver forgot to record AUTH LOGIN: the 334 alone starts an AUTH exchange.
    t = Transcript()
    t.record_received(reply(b"220 x ESMTP\r\n"))
    t.record_received(reply(b"334 UGFzc3dvcmQ6\r\n"))
    t.record_sent(B64_PASSWORD.encode() + b"\r\n")
    t.record_received(reply(b"235 2.7.0 OK\r\n"))
    # ... and later repeats the password in a note and in a command; a server echoes it.
    t.record_note(f"login failed for {USER} / {PASSWORD}")
    t.record_sent(f"NOOP {B64_PASSWORD}\r\n".encode())
    t.record_received(reply(f"500 5.5.1 what is {B64_PASSWORD}?\r\n".encode()))
    t.record_sent(f"HELP {PASSWORD}\r\n".encode())
    views = every_public_view(t)
    assert PASSWORD not in views and B64_PASSWORD not in views
    assert [e.secret for e in t] == [False, False, True, False, False, True, True, True]


def test_login_hides_everything_after_the_user_name_whatever_the_prompt() -> None:
    t = Transcript()
    t.record_received(reply(b"220 x\r\n"))
    t.record_sent(b"AUTH LOGIN\r\n")
    t.record_received(reply(b"334 VXNlciBOYW1lAA==\r\n"))  # aiosmtpd's "User Name\0"
    t.record_sent(b"c3R1ZGVudA==\r\n")
    t.record_received(reply(b"334 UGFzc3dvcmQA\r\n"))  # "Password\0"
    t.record_sent(B64_PASSWORD.encode() + b"\r\n")
    t.record_received(reply(b"535 5.7.8 no\r\n"))
    assert [e.secret for e in t] == [False] * 5 + [True, False]
    t = Transcript()  # a fresh one: it does not know this password yet
    t.record_received(reply(b"220 x\r\n"))
    t.record_sent(b"AUTH LOGIN c3R1ZGVudA==\r\n")
    t.record_received(reply(b"334 VXNlcm5hbWU6\r\n"))  # a confused server asks again
    t.record_sent(B64_PASSWORD.encode() + b"\r\n")
    assert t[-1].secret and B64_PASSWORD not in str(t)


def test_cancel_and_empty_answers_are_not_secrets() -> None:
    t = Transcript()
    t.record_received(reply(b"220 x\r\n"))
    t.record_sent(f"AUTH XOAUTH2 {B64_XOAUTH2}\r\n".encode())
    error = base64.b64encode(b'{"status":"401","schemes":"bearer"}').decode()
    t.record_received(reply(f"334 {error}\r\n".encode()))
    t.record_sent(b"\r\n")
    t.record_received(reply(b"535 5.7.8 Username and Password not accepted\r\n"))
    t.record_sent(b"AUTH PLAIN\r\n")
    t.record_received(reply(b"334 \r\n"))
    t.record_sent(b"*\r\n")
    t.record_received(reply(b"501 5.7.0 Auth aborted\r\n"))
    assert [e.secret for e in t if e.direction == "C"] == [True, False, False, False]
    text = str(t)
    assert "the token was refused; answer with an empty line" in t[2].annotation
    assert "cancels the AUTH exchange" in annotation_of(text, "C: *")
    assert "acknowledges the error" in annotation_of(text, "C:  ")
    assert TOKEN not in text


@settings(max_examples=60, deadline=None)
@given(
    password=st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF, exclude_characters="\x7f"),
        min_size=8,
        max_size=40,
    ),
    mechanism=st.sampled_from(["LOGIN", "PLAIN", "PLAIN-334"]),
)
def test_no_password_ever_leaks(password: str, mechanism: str) -> None:
    def logged_in_with(secret_password: str) -> Transcript:
        b64 = base64.b64encode(secret_password.encode()).decode()
        plain = base64.b64encode(f"\0{USER}\0{secret_password}".encode()).decode()
        t = Transcript()
        t.record_received(reply(b"220 x ESMTP\r\n"))
        if mechanism == "LOGIN":
            t.record_sent(b"AUTH LOGIN\r\n")
            t.record_received(reply(b"334 VXNlcm5hbWU6\r\n"))
            t.record_sent(b"c3R1ZGVudA==\r\n")
            t.record_received(reply(b"334 UGFzc3dvcmQ6\r\n"))
            t.record_sent(b64.encode() + b"\r\n")
        elif mechanism == "PLAIN":
            t.record_sent(f"AUTH PLAIN {plain}\r\n".encode())
        else:
            t.record_sent(b"AUTH PLAIN\r\n")
            t.record_received(reply(b"334 \r\n"))
            t.record_sent(plain.encode() + b"\r\n")
        t.record_received(reply(b"235 2.7.0 OK\r\n"))
        return t

    b64 = base64.b64encode(password.encode()).decode()
    plain = base64.b64encode(f"\0{USER}\0{password}".encode()).decode()
    t = logged_in_with(password)
    views = every_public_view(t)
    # A password such as "greeting" is also a word of the kit's own annotations:
    # text the views show with any other password is not a leak.
    views_without_it = every_public_view(logged_in_with("\u2603" * 12))
    for secret in (password, b64, plain):
        assert secret not in views or secret in views_without_it
    assert (b64 if mechanism == "LOGIN" else plain) in t.reveal()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(st.characters(min_codepoint=32, max_codepoint=0x7E), max_size=80), max_size=8)
)
def test_any_command_lines_render_and_round_trip(lines: list[str]) -> None:
    t = Transcript()
    t.record_received(reply(b"220 x ESMTP\r\n"))
    for line in lines:
        if line.upper().startswith("AUTH"):
            continue
        t.record_sent(line.encode() + b"\r\n")
        t.record_received(reply(b"250 OK\r\n"))
    sent = [line for line in lines if not line.upper().startswith("AUTH")]
    dialogue = t.dialogue().split("\n")
    assert [d[3:] for d in dialogue if d.startswith("C: ")] == sent
    ET.fromstring(t.diagram().svg)
    checker = _Checker()
    checker.feed(t._repr_html_())
    assert checker.stack == []


# ----------------------------------------------------------------------- big messages


def test_a_10_mb_message_is_kept_once_and_rendered_fast() -> None:
    line = b"x" * 76 + b"\r\n"
    count = (10 * 1024 * 1024) // len(line)
    message = b"".join([b"Subject: big\r\n\r\n", *([line] * count), b"..stuffed\r\n.\r\n"])
    size = len(message)
    t = Transcript()
    t.record_received(reply(b"220 x ESMTP\r\n"))
    t.record_sent(b"DATA\r\n")
    t.record_received(reply(b"354 go on\r\n"))
    # The message exists before tracing starts: whatever recording and rendering allocate
    # comes on top of it, and must stay under half of it (total < 1.5x the message).
    tracemalloc.start()
    try:
        started = time.perf_counter()
        t.record_sent(message, is_message=True)
        t.record_received(reply(b"250 2.0.0 OK\r\n"))
        text = t.text()
        summary = repr(t)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert t.messages[0].raw is message
    assert size + peak < 1.5 * size, f"{peak} bytes allocated for a message of {size}"
    assert peak < 100_000  # in fact: a few kilobytes, whatever the size of the message
    assert elapsed < 1.0, elapsed
    assert f"C: … {count + 1} body lines (show_body() to expand) …" in text
    assert "1 dot-stuffed line" in text
    assert "1 message" in summary
    started = time.perf_counter()
    page = t._repr_html_()
    svg = t.diagram().svg
    assert time.perf_counter() - started < 1.0
    assert len(page) < 200_000 and "more lines" in page
    assert f"message ({count + 3} lines) + ." in svg


def test_subscribers_see_each_entry_as_it_is_recorded_and_can_leave() -> None:
    t = Transcript()
    seen: list[str] = []
    unsubscribe = t.subscribe(lambda entry: seen.append(entry.direction))
    t.record_received(Reply.from_text(220, "lab.smtplab.test ESMTP"))
    t.record_sent(b"EHLO learner.example\r\n")
    unsubscribe()
    t.record_received(Reply.from_text(250, "lab.smtplab.test"))
    assert seen == ["S", "C"]
    unsubscribe()  # a second call is harmless


def test_message_lines_typed_one_by_one_after_354_are_annotated_as_the_message() -> None:
    t = Transcript()
    t.record_received(Reply.from_text(220, "lab.smtplab.test ESMTP"))
    for line, reply in [
        (b"HELO learner.example\r\n", Reply.from_text(250, "lab.smtplab.test")),
        (b"MAIL FROM:<a@example.com>\r\n", Reply.from_text(250, "2.1.0 OK")),
        (b"RCPT TO:<b@example.com>\r\n", Reply.from_text(250, "2.1.5 OK")),
        (b"DATA\r\n", Reply.from_text(354, "End data with <CR><LF>.<CR><LF>")),
    ]:
        t.record_sent(line)
        t.record_received(reply)
    for line in (b"Subject: by hand\r\n", b"\r\n", b"..dot\r\n", b"body\r\n", b".\r\n"):
        t.record_sent(line)
    t.record_received(Reply.from_text(250, "2.0.0 OK: queued as 1A2B3C4D5E"))
    t.record_sent(b"QUIT\r\n")
    text = str(t)
    assert "not an SMTP command" not in text and "pipelined" not in text
    assert "a line with one dot ends the message" in text
    assert "dot-stuffing" in text
    entries = [e for e in t.entries if e.direction == "C"]
    assert [e.phase for e in entries[4:9]] == ["message"] * 5
    assert "accepted" in str(t.entries[-2].annotation) or "queued" in text
    assert entries[-1].phase == "quit"


def test_the_tls_band_cites_rfc_8314_for_implicit_tls_and_3207_for_starttls() -> None:
    implicit = Transcript()
    implicit.record_tls(
        "TLSv1.3",
        "TLS_AES_256_GCM_SHA384",
        verified=True,
        server_name="lab.smtplab.test",
        issuer="smtplab",
    )
    note = implicit.entries[0].annotation
    assert "RFC 8314" in note and "RFC 3207" not in note
    upgraded = Transcript()
    upgraded.record_received(Reply.from_text(220, "lab.smtplab.test ESMTP"))
    upgraded.record_sent(b"STARTTLS\r\n")
    upgraded.record_received(Reply.from_text(220, "2.0.0 Ready to start TLS"))
    upgraded.record_tls(
        "TLSv1.3",
        "TLS_AES_256_GCM_SHA384",
        verified=True,
        server_name="lab.smtplab.test",
        issuer="smtplab",
    )
    assert "STARTTLS, RFC 3207" in upgraded.entries[-1].annotation


# ------------------------------------------------------- record cheaply, annotate lazily


def renderings(t: Transcript) -> dict[str, object]:
    """Every rendering and value a learner or a notebook can read, to compare two
    transcripts (the reveal() too: both must hold the same secrets)."""
    return {
        "text": str(t),
        "times": t.text(times=True, width=70),
        "bare": t.text(annotate=False),
        "body": t.show_body(),
        "dialogue": t.dialogue(),
        "reveal": t.reveal(),
        "repr": repr(t),
        "html": t._repr_html_(),
        "svg": t.diagram().svg,
        "timeline": t.timeline(),
        "entries": [(repr(e), e.annotation, e.line_notes, e.phase, e.shown) for e in t],
        "secret kinds": [e.raw.kind for e in t if isinstance(e.raw, Secret)],
        "tls": repr(t.tls_info),
        "messages": [repr(e) for e in t.messages],
    }


def test_events_are_annotated_when_the_transcript_is_read() -> None:
    """A connection hands its events over as they happen; the transcript keeps them and
    explains them when it is read (nothing is worked out twice)."""
    t = Transcript()
    conn = ClientConnection(t.record)
    conn.receive_data(b"220 lab.smtplab.test ESMTP\r\n")
    conn.next_event()
    conn.send(Noop())
    conn.receive_data(b"250 2.0.0 OK\r\n")
    conn.next_event()
    assert [e.annotation for e in t.entries[-2:]] == [
        "do nothing (is the server still there?) · §4.1.1.9",
        "still here",
    ]


def test_a_line_flagged_secret_is_a_secret_from_the_moment_it_is_recorded() -> None:
    t = Transcript()
    t.record_received(Reply.from_text(220, "lab.smtplab.test ESMTP"))
    t.record_sent(f"X-LOGIN {B64_PLAIN}\r\n".encode(), secret=True)
    assert B64_PLAIN not in repr(vars(t)) and B64_PLAIN not in repr(t._records)
    assert MASK in str(t) and B64_PLAIN not in str(t)


def test_an_unflagged_answer_after_a_password_prompt_is_hidden_before_anyone_reads() -> None:
    """The protocol marks the answer secret when it is recorded, not when it is read."""
    t = Transcript()
    for raw, line in [
        (b"220 lab.smtplab.test ESMTP\r\n", b"AUTH LOGIN\r\n"),
        (b"334 VXNlcm5hbWU6\r\n", b"c3R1ZGVudA==\r\n"),
        (b"334 UGFzc3dvcmQ6\r\n", B64_PASSWORD.encode() + b"\r\n"),  # typed: not flagged
    ]:
        t.record_received(reply(raw))
        t.record_sent(line)
    assert B64_PASSWORD not in repr(t._records)
    t.record_received(reply(f"535 5.7.8 bad password {PASSWORD}\r\n".encode()))
    views = every_public_view(t)
    assert PASSWORD not in views and B64_PASSWORD not in views
    assert isinstance(t.entries[5].raw, Secret)


def test_a_listener_gets_each_entry_as_it_is_recorded() -> None:
    t = Transcript()
    t.record_received(Reply.from_text(220, "lab.smtplab.test ESMTP"))  # before subscribing
    seen: list[tuple[str, int]] = []
    unsubscribe = t.subscribe(lambda entry: seen.append((entry.direction, len(t._entries))))
    t.record_sent(b"EHLO learner.example\r\nNOOP\r\n")  # one call, two entries
    t.record_received(Reply.from_text(250, "lab.smtplab.test"))
    assert seen == [("C", 2), ("C", 3), ("S", 4)]
    unsubscribe()
    t.record_sent(b"QUIT\r\n")
    assert seen[-1] == ("S", 4)


def test_the_debug_log_has_what_was_recorded_while_it_was_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    t = Transcript()
    conn = ClientConnection(t.record)
    conn.receive_data(b"220 lab.smtplab.test ESMTP\r\n")
    conn.next_event()
    with caplog.at_level(logging.DEBUG, logger="smtplab.transcript"):
        conn.send(Ehlo("learner.example"))  # logged now
        assert [r.getMessage() for r in caplog.records] == ["C: EHLO learner.example"]
    conn.send(Quit())
    with caplog.at_level(logging.DEBUG, logger="smtplab.transcript"):
        assert len(t) == 3  # annotated now, but recorded while the log was off: not logged
    assert [r.getMessage() for r in caplog.records] == ["C: EHLO learner.example"]


def test_clear_forgets_everything() -> None:
    t = example_session()
    t.clear()
    assert len(t) == 0 and str(t) == ""
    t.record_received(Reply.from_text(220, "lab.smtplab.test ESMTP"))
    assert t.entries[0].phase == "greeting"


# ------------------------------------------------------------- a notebook as opened


def test_the_diagram_is_also_an_img_that_an_untrusted_notebook_shows() -> None:
    # JupyterLab shows no image/svg+xml output of an untrusted notebook, but its sanitizer
    # keeps an <img> with a data: URL (tests/test_browser.py checks it in Chromium).
    diagram = example_session().diagram()
    found = re.fullmatch(
        r'<img class="smtplab-diagram" src="([^"]*)" width="(\d+)" height="(\d+)" '
        r'alt="([^"]*)" style="max-width:100%;height:auto">',
        diagram._repr_html_(),
    )
    assert found is not None
    url = html.unescape(found[1])
    prefix = "data:image/svg+xml;charset=utf-8,"
    assert url.startswith(prefix)
    assert not any(c in url for c in "#\t\n\r")  # a fragment or whitespace would cut it
    assert urllib.parse.unquote(url.removeprefix(prefix)) == diagram.svg  # the same picture
    assert "EHLO" in url  # readable in the notebook file, so nbval's sanitizers still apply
    assert (int(found[2]), int(found[3])) == (diagram.width, diagram.height)
    assert html.unescape(found[4]).startswith("SMTP session: ")


def test_the_transcript_html_keeps_its_layout_through_jupyterlabs_sanitizer() -> None:
    # The sanitizer drops each inline declaration its patterns reject: var() is one, so
    # the same property comes first with a plain value; numbers are written in full.
    page = example_session()._repr_html_()
    styles = re.findall(r'style="([^"]*)"', page)
    assert styles
    for style in styles:
        declarations = [d.split(":", 1) for d in style.split(";") if d]
        for n, (name, value) in enumerate(declarations):
            if "var(" in value:
                plain = [v for p, v in declarations[:n] if p == name and "var(" not in v]
                assert plain, f"{name} has no fallback the sanitizer keeps: {style}"
            assert not re.search(r"(^|[\s,(])\.\d", value), f"write 0.5, not .5: {style}"


def test_an_unknown_mechanism_named_like_a_kit_case_gets_the_generic_note() -> None:
    """The notes' own cases ("oauth", "other"...) are not mechanism names: ``AUTH OAUTH``
    (no such SASL mechanism) is "may carry a secret", not an OAuth 2.0 token."""
    for mechanism in ("OAUTH", "OTHER", "XOAUTH2"):
        s = Session().up_to_auth()
        s.c(f"AUTH {mechanism} {B64_XOAUTH2}\r\n".encode())
        s.s(b"235 2.7.0 Accepted\r\n")
        note = next(e.annotation for e in s.t.entries if e.phase == "auth" and e.direction == "C")
        if mechanism == "XOAUTH2":
            assert f'user "{USER}"' in note and "OAuth 2.0 access token" in note
        else:
            assert f"{mechanism} answer (may carry a secret)" in note, note
