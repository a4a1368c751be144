"""One secret rule (issue 12): the lab's session log and the client's transcript, given
the same session's bytes, hide the same lines with the same mask, because both ask
smtplab.secrecy (the lab through SessionRecorder, the transcript through SessionReader)."""

from __future__ import annotations

import base64

import pytest

from smtplab import secrecy
from smtplab.lab import LabSession
from smtplab.lab.sessionlog import SessionRecorder
from smtplab.protocol import SessionReader, next_line_end
from smtplab.secrecy import MASK
from smtplab.transcript import Transcript

PASSWORD = "s3cret-Pa55word"


def b64(text: str) -> bytes:
    return base64.b64encode(text.encode()).decode().encode()


HELLO = [
    ("S", b"220 lab.smtplab.test ESMTP\r\n"),
    ("C", b"EHLO learner.example\r\n"),
    ("S", b"250-lab.smtplab.test\r\n250 AUTH PLAIN LOGIN XOAUTH2 EXTERNAL\r\n"),
]
PLAIN_BLOB = b64(f"\0student\0{PASSWORD}")
USER, SECRET = b64("student"), b64(PASSWORD)
USERNAME_PROMPT, PASSWORD_PROMPT = b"334 VXNlcm5hbWU6\r\n", b"334 UGFzc3dvcmQ6\r\n"

SESSIONS: dict[str, list[tuple[str, bytes]]] = {
    "plain-initial-response": [
        ("C", b"AUTH PLAIN " + PLAIN_BLOB + b"\r\n"),
        ("S", b"235 2.7.0 ok\r\n"),
        ("C", b"QUIT\r\n"),
        ("S", b"221 bye\r\n"),
    ],
    "plain-after-334": [
        ("C", b"AUTH PLAIN\r\n"),
        ("S", b"334 \r\n"),
        ("C", PLAIN_BLOB + b"\r\n"),
        ("S", b"235 2.7.0 ok\r\n"),
    ],
    "login": [
        ("C", b"AUTH LOGIN\r\n"),
        ("S", USERNAME_PROMPT),
        ("C", USER + b"\r\n"),
        ("S", PASSWORD_PROMPT),
        ("C", SECRET + b"\r\n"),
        ("S", b"235 2.7.0 ok\r\n"),
    ],
    "login-initial-response": [
        ("C", b"AUTH LOGIN " + USER + b"\r\n"),
        ("S", PASSWORD_PROMPT),
        ("C", SECRET + b"\r\n"),
        ("S", b"235 2.7.0 ok\r\n"),
    ],
    "login-password-asked-first": [  # the first answer is a password when the prompt says so
        ("C", b"AUTH LOGIN\r\n"),
        ("S", PASSWORD_PROMPT),
        ("C", SECRET + b"\r\n"),
        ("S", b"535 5.7.8 no\r\n"),
    ],
    "answers-sent-early": [
        ("C", b"AUTH LOGIN\r\n" + USER + b"\r\n" + SECRET + b"\r\nNOOP\r\n"),
        ("S", USERNAME_PROMPT + PASSWORD_PROMPT + b"235 2.7.0 ok\r\n250 ok\r\n"),
    ],
    "answer-cut-short": [
        ("C", b"AUTH PLAIN\r\n"),
        ("S", b"334 \r\n"),
        ("C", PLAIN_BLOB[:-3]),
    ],
    "user-name-cut-short": [
        ("C", b"AUTH LOGIN\r\n"),
        ("S", USERNAME_PROMPT),
        ("C", USER),
    ],
    "auth-line-cut-short": [("C", b"AUTH PLAIN " + PLAIN_BLOB[:-2])],
    "cancel-and-empty": [
        ("C", b"AUTH PLAIN\r\n"),
        ("S", b"334 \r\n"),
        ("C", b"*\r\n"),
        ("S", b"501 5.7.0 cancelled\r\n"),
        ("C", b"AUTH EXTERNAL =\r\n"),
        ("S", b"535 5.7.8 no\r\n"),
    ],
    "xoauth2": [
        ("C", b"AUTH XOAUTH2 " + b64(f"user=student\x01auth=Bearer {PASSWORD}\x01\x01") + b"\r\n"),
        ("S", b"235 2.7.0 ok\r\n"),
    ],
}


def lab_log(events: list[tuple[str, bytes]]) -> LabSession:
    session = LabSession("S1", "plain")
    recorder = SessionRecorder(session, body_limit=1000)
    for direction, data in events:
        if direction == "C":
            recorder.received(data, tls=False, now=0.0)
        else:
            recorder.sent(data, tls=False, now=0.0)
    recorder.close()
    return session


def transcript_of(events: list[tuple[str, bytes]]) -> Transcript:
    transcript = Transcript()
    reader = SessionReader(transcript.record)
    for direction, data in events:
        if direction == "C":
            reader.client_bytes(data, time=0.0)
        else:
            reader.server_bytes(data, time=0.0)
    reader.close(time=0.0)
    return transcript


def lab_client_lines(events: list[tuple[str, bytes]]) -> list[tuple[bool, str]]:
    """(hidden?, text as shown) of every line the lab received."""
    return [(line.secret, line.text) for line in lab_log(events).lines if line.direction == "C"]


def transcript_client_lines(events: list[tuple[str, bytes]]) -> list[tuple[bool, str]]:
    """(hidden?, text as shown) of every line the transcript says the client sent."""
    shown = []
    for entry in transcript_of(events):
        if entry.direction != "C":
            continue
        if entry.secret:
            shown.append((True, entry.shown + MASK))
        else:
            shown.append((False, entry.raw.rstrip(b"\r\n").decode()))
    return shown


@pytest.mark.parametrize("name", list(SESSIONS))
def test_the_lab_and_the_transcript_hide_the_same_lines_with_the_same_mask(name: str) -> None:
    events = [*HELLO, *SESSIONS[name]]
    lab = lab_client_lines(events)
    assert lab == transcript_client_lines(events)
    assert any(hidden for hidden, _text in lab) != (name == "cancel-and-empty")
    for hidden, text in lab:
        assert PASSWORD not in text and SECRET.decode() not in text
        assert PLAIN_BLOB[:-3].decode() not in text
        assert (MASK in text) == hidden
    assert "********" not in str(lab_log(events))


@pytest.mark.parametrize(
    ("name", "hidden"),
    [
        ("plain-initial-response", ["AUTH PLAIN " + MASK]),
        ("plain-after-334", [MASK]),
        ("login", [MASK]),
        ("login-password-asked-first", [MASK]),
        ("answers-sent-early", [MASK]),
        ("answer-cut-short", [MASK]),
        ("user-name-cut-short", [MASK]),
        ("auth-line-cut-short", ["AUTH PLAIN " + MASK]),
        ("cancel-and-empty", []),
    ],
)
def test_what_the_lab_hides(name: str, hidden: list[str]) -> None:
    lines = lab_client_lines([*HELLO, *SESSIONS[name]])
    assert [text for secret, text in lines if secret] == hidden
    if name == "login":  # the user name stays visible
        assert (False, USER.decode()) in lines
    if name == "answers-sent-early":
        assert lines[-1] == (False, "NOOP")


def test_the_lab_asks_secrecy_which_lines_are_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Change the rule in secrecy and the lab's log follows: it has no rule of its own."""
    events = [*HELLO, *SESSIONS["login"]]
    assert [secret for secret, _text in lab_client_lines(events)] == [False] * 3 + [True]
    monkeypatch.setattr(secrecy, "answer_secret", lambda *args, **kwargs: "password")
    monkeypatch.setattr(secrecy, "MASK", "◆")
    lines = lab_client_lines(events)
    assert lines == [
        (False, "EHLO learner.example"),
        (False, "AUTH LOGIN"),
        (True, "◆"),
        (True, "◆"),
    ]


# -- one cutting rule ------------------------------------------------------------------------


def test_next_line_end_cuts_commands_at_lf_and_the_message_at_its_dot_line() -> None:
    assert next_line_end(b"NOOP\nRSET\r\n", in_message=False) == 5
    assert next_line_end(b"NOOP", in_message=False) == 0
    assert next_line_end(b".\r\nQUIT\r\n", in_message=True) == 3
    assert next_line_end(b".\r\nmore", in_message=True, at_line_start=False) == 0
    assert next_line_end(b"a\r\n..b\r\n.\r\nQUIT\r\n", in_message=True) == 11
    assert next_line_end(b"a\r\n.\r", in_message=True) == 0


def test_the_lab_and_the_reader_cut_the_same_lines() -> None:
    events = [
        *HELLO,
        ("C", b"MAIL FROM:<a@x>\nRCPT TO:<b@y>\r"),
        ("C", b"\nDA"),
        ("C", b"TA\r\n"),
        ("S", b"250 ok\r\n250 ok\r\n354 go\r\n"),
        ("C", b"Subject: s\r\n\r\n..dot\r\n.\r\nQU"),
        ("C", b"IT\r\n"),
        ("S", b"250 queued\r\n221 bye\r\n"),
    ]
    lab = [line.raw for line in lab_log(events).lines if line.direction == "C"]
    lab[-3:-1] = [lab[-3] + lab[-2]]  # the lab keeps the message and its dot apart
    assert lab == [entry.raw for entry in transcript_of(events) if entry.direction == "C"]
