"""Short and common-word passwords (issue 13, "smaller leaks"): a server's echo is masked
however short the password is, and the mask never hides more than the password itself.

The rule (:mod:`smtplab.secrecy`): a form of a secret of six characters or more is
masked wherever it occurs; a shorter one where it stands as a word of its own (not
joined to an ASCII letter or digit). A line that repeats a secret is shown with the
secret masked, never hidden whole.

Each password of the catalogue logs in (LOGIN and PLAIN, over STARTTLS) to a scripted
server on 127.0.0.1 that echoes it back in its 535 (as itself, as base64, quoted, after
``pass=``), then sends a message whose text holds the common words. Checked:

* no view a learner can see (text, HTML and SVG as displayed, the dialogue, the timeline)
  holds the password or its base64 as a word;
* nothing else shows it more often than in the same session with another password
  (the error, reprs: the kit's own words, such as "the" or the code 250, are not a leak);
* the dialogue is the other password's dialogue with only the password's words masked:
  no other word and no whole line is hidden.
"""

from __future__ import annotations

import base64
import re
import ssl
import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser

import pytest
import trustme
from interop.scripted import Peer, ScriptedServer

from smtplab import Client, Transcript
from smtplab.errors import AuthenticationError
from smtplab.replies import Reply
from smtplab.secrecy import MASK, scrub

pytestmark = pytest.mark.timeout(60)

USER = "student"
OTHER = "Qz9xk"  # the other password: none of its forms is a word of the session
PASSWORDS = ["a", "Z", "7", "ab", "OK", "s3", "250", "the", "abc", "mail", "DATA", "x!", "é"]
PASSWORDS += ["密码", "a-b"]
MESSAGE = (
    "From: student@example.com\r\nTo: bob@example.com\r\nSubject: the mail is OK\r\n\r\n"
    "A note: 250 OK, a mailbox for the DATA, and abc.\r\nx! ab s3 7 Z é 密码 a-b\r\n"
)
EHLO = b"250-hostile.test\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"

_CA = trustme.CA()
_CERT = _CA.issue_cert("127.0.0.1")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def echo(peer: Peer, password: str) -> None:
    peer.send(
        f"535-5.7.8 bad password {password}\r\n535-5.7.8 you sent {b64(password)}\r\n"
        f'535-5.7.8 pass="{password}";\r\n535 5.7.8 Authentication failed\r\n'.encode()
    )


def script(peer: Peer) -> None:
    """STARTTLS, AUTH that echoes the password it got, then a normal transaction."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _CERT.configure_cert(server_context)
    peer.send(b"220 hostile.test ESMTP\r\n")
    while True:
        line = peer.line()
        verb = line.split()[0].upper() if line.split() else b""
        if verb == b"EHLO":
            peer.send(EHLO)
        elif verb == b"STARTTLS":
            peer.send(b"220 2.0.0 Ready to start TLS\r\n")
            peer.start_tls(server_context)
        elif line.upper().startswith(b"AUTH PLAIN "):
            echo(peer, base64.b64decode(line.split()[2]).decode().split("\0")[2])
        elif line.upper().startswith(b"AUTH LOGIN"):
            peer.send(b"334 VXNlcm5hbWU6\r\n")
            peer.line()
            peer.send(b"334 UGFzc3dvcmQ6\r\n")
            echo(peer, base64.b64decode(peer.line().strip()).decode())
        elif verb == b"DATA":
            peer.send(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            peer.message()
            peer.send(b"250 2.0.0 OK queued\r\n")
        elif verb == b"QUIT":
            peer.send(b"221 2.0.0 Bye\r\n")
            peer.close()
        else:
            peer.send(b"250 2.0.0 OK\r\n")


@cache
def session(password: str, mechanism: str) -> tuple[Transcript, AuthenticationError]:
    """Log in with ``password`` (refused, echoed), then send the message; once each."""
    context = ssl.create_default_context()
    _CA.configure_trust(context)
    with (
        ScriptedServer(script) as server,
        Client(server.host, server.port, security="starttls", context=context) as client,
    ):
        with pytest.raises(AuthenticationError) as caught:
            client.login(USER, password, mechanism=mechanism)
        client.send_message(MESSAGE, "student@example.com", ["bob@example.com"])
    return client.transcript, caught.value


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def displayed(t: Transcript) -> dict[str, str]:
    """What a learner sees: text, HTML and SVG as displayed (not their markup)."""
    reader = _TextOf()
    reader.feed(t._repr_html_())
    svg = ET.fromstring(t.diagram().svg)
    return {
        "text": str(t),
        "text(annotate=False)": t.text(annotate=False, width=60),
        "show_body()": t.show_body(),
        "dialogue()": t.dialogue(),
        "HTML": "".join(reader.parts),
        "SVG": "".join("".join(element.itertext()) for element in svg.iter()),
        "timeline": "\n".join(summary for *_, summary in t.timeline()),
    }


def everything_else(t: Transcript, error: AuthenticationError) -> dict[str, str]:
    return {
        "error": str(error),
        "error repr": repr(error) + repr(error.reply),
        "entries": repr(t.entries) + "".join(str(e.raw) for e in t),
        "replies": "".join(repr(e.reply) for e in t),
        "summaries": "".join(e.summary() for e in t),
    }


def words(form: str) -> re.Pattern[str]:
    """Where ``form`` stands as a word of its own (an independent copy of the rule)."""
    before = r"(?<![A-Za-z0-9])" if re.match(r"[A-Za-z0-9]", form[0]) else ""
    after = r"(?![A-Za-z0-9])" if re.match(r"[A-Za-z0-9]", form[-1]) else ""
    return re.compile(before + re.escape(form) + after)


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
@pytest.mark.parametrize("password", PASSWORDS)
def test_an_echoed_short_password_never_shows(password: str, mechanism: str) -> None:
    t, error = session(password, mechanism)
    forms = (password, b64(password), b64(f"\0{USER}\0{password}"))
    for where, text in displayed(t).items():
        for form in forms:
            assert not words(form).search(text), f"{form!r} shows in {where}"
    assert "bad password " + MASK in t.dialogue() and "you sent " + MASK in t.dialogue()
    assert "bad password " + MASK in str(error) and f'pass="{MASK}";' in str(error)
    other, other_error = session(OTHER, mechanism)
    baseline = everything_else(other, other_error)
    for where, text in everything_else(t, error).items():
        for form in forms:
            seen, usual = len(words(form).findall(text)), len(words(form).findall(baseline[where]))
            assert seen <= usual, f"{form!r} shows {seen} times in {where} ({usual} usually)"
    assert f"bad password {password}" in t.reveal()


@pytest.mark.parametrize("password", PASSWORDS)
def test_the_mask_hides_the_password_and_nothing_else(password: str) -> None:
    t, _ = session(password, "PLAIN")
    other, _ = session(OTHER, "PLAIN")
    expected = words(password).sub(MASK, other.dialogue())
    assert t.dialogue() == expected
    # Every line is still there, one for one, and no line is hidden whole.
    assert t.dialogue().count("\n") == other.dialogue().count("\n")
    others = [line for line in t.dialogue().splitlines() if not line.startswith("C: AUTH PLAIN")]
    assert not any("hidden" in line for line in others)


def test_common_words_are_masked_only_where_they_are_the_password() -> None:
    t, _ = session("mail", "PLAIN")
    dialogue = t.dialogue()
    assert "C: MAIL FROM:<student@example.com>" in dialogue  # MAIL is not "mail"
    assert f"C: Subject: the {MASK} is OK" in dialogue
    assert f"a {MASK}box" not in dialogue and "a mailbox for the DATA" in dialogue
    t, _ = session("OK", "LOGIN")
    assert f"S: 250 2.0.0 {MASK}" in t.dialogue()  # the password IS the text here
    assert "S: 220 hostile.test ESMTP" in t.dialogue()
    t, _ = session("250", "LOGIN")
    # The EHLO reply after TLS: every line is there, only the code is masked.
    ehlo = ["-hostile.test", "-STARTTLS", "-AUTH PLAIN LOGIN", " 8BITMIME"]
    assert "\n".join(f"S: {MASK}{line}" for line in ehlo) in t.dialogue()


def test_a_line_that_repeats_a_secret_keeps_its_other_words() -> None:
    t = Transcript()
    t.record_received(Reply.from_text(220, "x ESMTP"))
    t.record_sent(b"AUTH PLAIN " + b64(f"\0{USER}\0the").encode() + b"\r\n")
    t.record_received(Reply.from_text(535, "5.7.8 the password the is wrong", "see there"))
    t.record_sent(b"NOOP the other\r\n")
    entries = t.entries
    assert entries[2].secret and entries[3].secret  # the bytes stay out of reprs
    assert "the password" not in repr(entries[2]) + repr(entries[3])
    dialogue = t.dialogue().splitlines()
    assert dialogue[2:] == [
        f"S: 535-5.7.8 {MASK} password {MASK} is wrong",
        "S: 535 see there",
        f"C: NOOP {MASK} other",
    ]
    assert "it repeats a secret: masked" in str(t)


def test_scrub_follows_the_rule() -> None:
    assert scrub("535 bad password a, try again", {"a"}) == f"535 bad password {MASK}, try again"
    assert scrub("mailbox mail MAIL mail.example", {"mail"}) == (
        f"mailbox {MASK} MAIL {MASK}.example"
    )
    assert scrub("250 2.0.0 OK 12500", {"250"}) == f"{MASK} 2.0.0 OK 12500"
    assert scrub("密码错误", {"密码"}) == f"{MASK}错误"  # no word boundary in CJK text
    assert scrub("x=s3cret99y", {"s3cret99"}) == f"x={MASK}y"  # long: anywhere
    assert scrub("a!!b", {"!!"}) == f"a{MASK}b"
