"""What a hostile peer sends cannot act on a terminal, a page or a picture (issue 13).

A scripted server on 127.0.0.1 (:mod:`interop.scripted`, a plain socket server) greets
and answers with ANSI escape sequences (``ESC [2J`` clears a terminal, ``ESC ]0;...BEL``
retitles it), a bidi override, C1 controls (U+009B, also as a raw 0x9B byte that is not
UTF-8), U+FFFE/U+FFFF and the characters XML and HTML care about. The transcript's text
and HTML, its SVG diagram, the client's error and the ``smtplab`` command's output must
hold none of those characters raw, and must show each as its stand-in
(:func:`smtplab.printable.printable`): ␛, ␇, ␍, ``⟨U+202E⟩``, ``⟨U+009B⟩``.
"""

from __future__ import annotations

import os
import re
import shutil
import smtplib
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from interop.scripted import Peer, ScriptedServer

from smtplab import Client
from smtplab.cli.serve import _describe_message
from smtplab.errors import SenderRefused, SmtplabError
from smtplab.lab import LabServer, ReceivedMessage
from smtplab.printable import printable
from smtplab.replies import Reply
from smtplab.secrecy import MASK
from smtplab.transcript import Transcript

pytestmark = pytest.mark.timeout(60)

SCRIPT = shutil.which("smtplab", path=str(Path(sys.executable).parent))

# Every character that must never reach a view raw, with a few of the bytes around it.
ACTING = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)
GREETING = (
    b"220 hostile.test \x1b[2J\x1b]0;pwned\x07 ESMTP \xe2\x80\xaeevil\xe2\x80\xac "
    b"\xc2\x9b31m csi\r\n"
)
EHLO = b"250-hostile.test\r\n250-X-\x1b[31mRED\x1b[0m\r\n250-X-\x9bLATIN\r\n250 SIZE 1000\r\n"
REFUSAL = b"550 5.7.1 \x1b[2K\rOK sent \xe2\x80\xae<txt.exe>\xef\xbf\xbe & ]]> \xc2\x85\r\n"
STAND_INS = ("␛[2J", "␛]0;pwned␇", "⟨U+202E⟩evil⟨U+202C⟩", "⟨U+009B⟩31m")


def hostile_script() -> object:
    def greet(peer: Peer) -> None:
        peer.send(GREETING)
        _serve_on(peer)

    return greet


def _serve_on(peer: Peer) -> None:
    """EHLO with a hostile keyword, then refuse MAIL with a hostile text."""
    while True:
        line = peer.line().upper()
        if line.startswith((b"EHLO", b"HELO")):
            peer.send(EHLO)
        elif line.startswith(b"MAIL"):
            peer.send(REFUSAL)
        elif line.startswith(b"QUIT"):
            peer.send(b"221 2.0.0 Bye\r\n")
            peer.close()
        else:
            peer.send(b"250 2.0.0 OK\r\n")


class _TextOf(HTMLParser):
    """The text a browser would show of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(markup: str) -> str:
    reader = _TextOf()
    reader.feed(markup)
    reader.close()
    return "".join(reader.parts)


def svg_text(svg: str) -> str:
    """The text of every element of the SVG, which must parse as XML."""
    root = ET.fromstring(svg)
    return "".join("".join(element.itertext()) for element in root.iter())


def assert_shown_safely(text: str, where: str) -> None:
    raw = ACTING.findall(text.replace("\n", "").replace("\t", ""))
    assert not raw, f"{where} holds raw characters {raw!r}"


def hostile_session() -> tuple[Transcript, SenderRefused]:
    with ScriptedServer(hostile_script()) as server:  # type: ignore[arg-type]
        client = Client(server.host, server.port, timeout=5)
        with pytest.raises(SenderRefused) as caught:
            client.mail("a@example.com")
        client.close()
    return client.transcript, caught.value


def test_a_hostile_server_is_shown_escaped_in_every_view() -> None:
    transcript, error = hostile_session()
    views = {
        "text": str(transcript),
        "text(annotate=False)": transcript.text(annotate=False, times=True),
        "dialogue()": transcript.dialogue(),
        "HTML": transcript._repr_html_(),
        "HTML as shown": html_text(transcript._repr_html_()),
        "SVG": transcript.diagram().svg,
        "SVG as shown": svg_text(transcript.diagram().svg),
        "timeline": "\n".join(summary for *_, summary in transcript.timeline()),
        "error": str(error),
    }
    for where, text in views.items():
        assert_shown_safely(text, where)
    for where in ("text", "dialogue()", "HTML as shown", "SVG as shown"):
        for stand_in in STAND_INS[:3]:
            assert stand_in in views[where], (where, stand_in)
    # A raw 0x9B byte (not UTF-8) is read as Latin-1, and shown as U+009B too.
    for line in ("X-␛[31mRED␛[0m", "X-⟨U+009B⟩LATIN"):
        assert line in views["text"] and line in views["HTML as shown"]
    # The refusal: CR cannot overwrite the line, U+FFFE and NEL are shown; '<', '&' and
    # ']]>' are only text.
    refusal = "550 5.7.1 ␛[2K␍OK sent ⟨U+202E⟩<txt.exe>⟨U+FFFE⟩ & ]]> ⟨U+0085⟩"
    for where in ("text", "dialogue()", "HTML as shown", "error"):
        assert refusal.removeprefix("550 ") in views[where], where
    assert "⟨U+202E⟩&lt;txt.exe&gt;⟨U+FFFE⟩ &amp; ]]&gt;" in views["HTML"]
    assert "server · hostile.test" in views["SVG as shown"]


def test_the_svg_stays_well_formed_whatever_the_peer_and_the_driver_send(
    tmp_path: Path,
) -> None:
    transcript, _ = hostile_session()
    # A note written by a driver from bytes decoded with surrogateescape, and a TLS moment
    # whose certificate names are the peer's choice too.
    transcript.record_note(b"seen: \xff\xfe \x1b[5m".decode("utf-8", "surrogateescape"))
    transcript.record_tls(
        "TLSv1.3",
        "TLS_AES_128_GCM_SHA256",
        verified=True,
        server_name="hostile.test\u202e",
        issuer="CA \x1b]0;x\x07\udcff\uffff",
    )
    svg = transcript.diagram().svg
    shown = svg_text(svg)
    assert "seen: ⟨U+DCFF⟩⟨U+DCFE⟩ ␛[5m" in shown
    assert_shown_safely(svg, "SVG")
    for view in (str(transcript), html_text(transcript._repr_html_())):
        assert "␛]0;x␇⟨U+DCFF⟩⟨U+FFFF⟩) ══" in view
        assert "certificate for hostile.test⟨U+202E⟩" in view
        assert_shown_safely(view, "a view")
    saved = transcript.diagram().save(tmp_path / "session.svg")
    ET.parse(saved)


def test_the_cli_prints_a_hostile_server_escaped() -> None:
    assert SCRIPT, "the smtplab console script is not installed in this environment"
    with ScriptedServer(hostile_script()) as server:  # type: ignore[arg-type]
        done = subprocess.run(
            [SCRIPT, "send", "--server", f"{server.host}:{server.port}", "--from",
             "a@example.com", "--to", "b@example.com", "--body", "hello"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            timeout=30,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert_shown_safely(done.stdout, "stdout")
    assert_shown_safely(done.stderr, "stderr")
    assert done.stderr.startswith("error: MAIL FROM:<a@example.com> SIZE=243: the server answered")
    assert "␛[2K␍OK sent ⟨U+202E⟩<txt.exe>⟨U+FFFE⟩ & ]]> ⟨U+0085⟩" in done.stderr
    assert "\n  meaning: " in done.stderr  # the error's own lines are kept
    for stand_in in STAND_INS:
        assert stand_in in done.stdout


def test_serve_describes_what_a_hostile_client_sent_escaped() -> None:
    """A real lab and a real client: what ``serve`` prints about the message."""
    subject = "Subject: \x1b[2J\x1b]0;owned\x07 \u202eevil\r\n\r\nbody\r\n".encode()
    with LabServer() as lab, smtplib.SMTP(lab.host, lab.port, timeout=10) as client:
        sender = "a\u202eb\x9b@example.com"
        try:  # the lab may refuse controls in addresses (issue 13): then a plain one
            client.sendmail(sender, ["bob@example.com"], subject, mail_options=["SMTPUTF8"])
        except smtplib.SMTPException:
            client.rset()
            sender = "a@example.com"
            client.sendmail(sender, ["bob@example.com"], subject)
        [message] = lab.wait_for(1)
    line = _describe_message(1, message)
    assert_shown_safely(line, "serve's line")
    assert f"from {printable(sender)} to bob@example.com" in line
    assert "Subject: '\\x1b[2J\\x1b]0;owned\\x07 \\u202eevil'" in line


def test_serve_describes_a_hostile_envelope_escaped() -> None:
    message = ReceivedMessage(
        mail_from="\x1b]0;owned\x07a@example.com",
        rcpt_tos=["b\u202e@example.com", "c\x9b2J@example.com"],
        data=b"Subject: \x1b[2J hi\r\n\r\nbody\r\n",
        peer=("127.0.0.1", 1),
        tls=False,
        auth_user=None,
        received_at=datetime.now(timezone.utc),
        session_id="s1",
        queue_id="Q1",
    )
    line = _describe_message(1, message)
    assert_shown_safely(line, "serve's line")
    assert "from ␛]0;owned␇a@example.com to b⟨U+202E⟩@example.com, c⟨U+009B⟩2J@example.com" in line


# --- the function itself ----------------------------------------------------------------------


def read_back(shown: str) -> str:
    """The text :func:`printable` was given, from what it showed (its inverse)."""

    def original(found: re.Match[str]) -> str:
        if found[1] is not None:
            return chr(int(found[1], 16))
        return "\x7f" if found[0] == "\u2421" else chr(ord(found[0]) - 0x2400)

    return re.sub("⟨U\\+([0-9A-F]{4,6})⟩|[\u2400-\u241f\u2421]", original, shown)


def test_each_kind_of_character_has_its_stand_in() -> None:
    assert printable("a\x00b\rc\x1bd\x7f") == "a␀b␍c␛d␡"
    assert printable("\x85\x9b\u202e\u2067\u200f\u061c\u2028") == (
        "⟨U+0085⟩⟨U+009B⟩⟨U+202E⟩⟨U+2067⟩⟨U+200F⟩⟨U+061C⟩⟨U+2028⟩"
    )
    assert printable("\udcff\ufffe\uffff") == "⟨U+DCFF⟩⟨U+FFFE⟩⟨U+FFFF⟩"
    assert printable("one\ntwo\tthree") == "one␊two\tthree"
    assert printable("one\ntwo\r", newlines=True) == "one\ntwo␍"
    # What a peer could send to pass for a stand-in is shown by its code point.
    assert printable("␛[2J ⟨U+202E⟩") == "⟨U+241B⟩[2J ⟨U+27E8⟩U+202E⟩"
    # Ordinary text is unchanged: ASCII with backslashes, accents, CJK, emoji, NBSP.
    for text in ("C:\\temp \\x1b", "Grüße", "你好　世界", "👩‍💻 ok", "a\u00a0b", ""):
        assert printable(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=0x2FFFF, exclude_categories=()), max_size=40))
def test_what_is_shown_reads_back_to_exactly_what_was_sent(text: str) -> None:
    shown = printable(text)
    assert not ACTING.search(shown)
    assert read_back(shown) == text
    # A safety net over text that already went through printable() changes nothing.
    assert printable(shown, keep_stand_ins=True) == shown
    assert not ACTING.search(printable(text, keep_stand_ins=True))
    if text.isascii() and text.isprintable():
        assert shown == text


def test_a_line_that_repeats_a_secret_is_escaped_once() -> None:
    t = Transcript()
    t.record_sent(b"AUTH PLAIN AHN0dWRlbnQAczNjcmV0LVBhNTU=\r\n")  # \0student\0s3cret-Pa55
    t.record_received(Reply.from_text(535, "\x1b[2J s3cret-Pa55 \u202e\u241b"))
    assert t[-1].secret
    assert f"S: 535 ␛[2J {MASK} ⟨U+202E⟩⟨U+241B⟩" in t.dialogue()
    assert f"535 ␛[2J {MASK} ⟨U+202E⟩⟨U+241B⟩" in t.diagram().svg


def test_a_hostile_421_is_quoted_escaped_in_the_next_error() -> None:
    def script(peer: Peer) -> None:
        peer.send(b"220 hostile.test ESMTP\r\n")
        peer.line()
        peer.send(b"421 4.3.2 \x1b[2J\xe2\x80\xae bye\r\n")
        peer.hold()

    with ScriptedServer(script) as server:
        client = Client(server.host, server.port, timeout=5)
        with pytest.raises(SmtplabError):
            client.ehlo()
        with pytest.raises(SmtplabError) as caught:
            client.noop()
        client.close()
    assert "421: 4.3.2 ␛[2J⟨U+202E⟩ bye" in str(caught.value)
    assert_shown_safely(str(caught.value), "the error")
