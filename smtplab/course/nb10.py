"""Checks for notebook 10 (capstone: write a client), judged from what the lab saw.

Build it: ``read_reply(sock, expected)`` on a lab whose replies come in pieces,
``encode_name(name)`` (RFC 2047 words of whole characters, read back from the inbox) and
the whole client ``send_by_hand(job)`` against the QQ look-alike (implicit TLS verified,
AUTH LOGIN with the authorization code, dot-stuffing, QUIT). Review it: one check per bug
of the given client, each on a fresh QQ look-alike. The optional extension: a picture
attached (multipart/mixed, base64).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import socket
from collections.abc import Callable
from dataclasses import replace
from email.header import decode_header, make_header
from email.utils import getaddresses
from typing import Any

from ..errors import Timeout
from ..lab import LabServer, ReceivedMessage
from ..lab.profiles import get_profile
from .harness import (
    CLIENT_TIMEOUT,
    TRIED,
    Hint,
    Result,
    Trial,
    evaluate,
    lab_client,
    on_a_connection,
    run_with_deadline,
    strict_lab,
    text_lines,
)

__all__ = [
    "QQ_PASSWORD",
    "check_attachment",
    "check_encode_name",
    "check_fixed_dots",
    "check_fixed_helo",
    "check_fixed_names",
    "check_fixed_separator",
    "check_read_reply",
    "check_send_by_hand",
    "job_for",
]

QQ_PASSWORD = "my-QQ-password-2024"
"""The made-up QQ password of the exercise's account: the look-alike refuses it (535)."""

BODY = "Hello Li Si,\n.NET 8 is out, and so is this line.\n..and this one.\nZhang San\n"
"""The body every check sends: two lines start with a dot, so dot-stuffing shows."""

NAMES = ("张三", "李四", "欧阳" * 15)
"""Display names for ``encode_name``: short, and one too long for one encoded word."""

_ENCODED_WORD = re.compile(r"^=\?([^?]+)\?([bBqQ])\?([^?]*)\?=$")
_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def job_for(lab: LabServer, **changes: Any) -> dict[str, Any]:
    """What the learner's client is asked to do on ``lab`` (a QQ look-alike): where to
    connect (its implicit-TLS port, its CA file), who logs in with which secret, who
    sends what to whom. ``job["qq_password"]`` is the QQ password the look-alike refuses."""
    job: dict[str, Any] = {
        "host": lab.host,
        "port": lab.tls_port,
        "cafile": lab.ca_path,
        "helo": "learner.example",
        "user": "student",
        "secret": lab.users["student"],
        "qq_password": QQ_PASSWORD,
        "from_name": "张三",
        "from_addr": "student@qq.com",
        "to_name": "李四",
        "to_addr": "friend@example.com",
        "subject": "Capstone",
        "body": BODY,
    }
    job.update(changes)
    return job


def _qq_lab() -> LabServer:
    """A strict, watched QQ look-alike that drops a silent client after 2 s, not 30."""
    profile = get_profile("qq")
    quick = replace(profile, policy=replace(profile.policy, tls_handshake_timeout=2.0))
    return strict_lab(profile=quick)


def _short(error: BaseException) -> str:
    return " ".join(str(error).split())[:200]


# ------------------------------------------------------------------ exercise 1: read_reply


def check_read_reply(read_reply: Callable[[socket.socket, int], Any]) -> Result:
    """``read_reply(sock, expected)``: the greeting and the EHLO reply in pieces, whole;
    a 503 where 250 was expected raises with the reply; the next reply is still right."""
    exercise = "read a whole reply"

    def scenario(trial: Trial) -> object:
        sock, notes = trial.sock, trial.notes
        try:
            notes["greeting"] = read_reply(sock, 220)
        except Exception as error:
            notes["greeting_error"] = trial.error = error
            return None
        if notes["greeting"] in (None, Ellipsis) and _unread(sock):
            return None  # the template: it read nothing
        sock.sendall(b"EHLO learner.example\r\n")
        notes["ehlo"] = read_reply(sock, 250)
        sock.sendall(b"RCPT TO:<bob@example.com>\r\n")  # before MAIL: 503
        try:
            notes["refused"] = read_reply(sock, 250)
        except Exception as error:
            notes["raised"] = error
        sock.sendall(b"NOOP\r\n")
        notes["noop"] = read_reply(sock, 250)
        return notes["ehlo"]

    return evaluate(
        exercise,
        lambda: on_a_connection(scenario, split_replies=3),
        _verify_read_reply,
        returns="the reply's lines",
    )


def _unread(sock: socket.socket) -> bool:
    """True when the greeting still waits in the socket (the function read nothing)."""
    sock.settimeout(0.5)
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except OSError:
        return False


def _verify_read_reply(trial: object) -> str:
    if not isinstance(trial, Trial):
        raise Hint("run the check again: the lab saw nothing of your function.")
    notes, sent = trial.notes, trial.sent()
    error = notes.get("greeting_error") or trial.error
    if "greeting_error" in notes and "220" in str(error):
        raise Hint(
            f"your function raised on the greeting, whose code is the expected 220: {error!r}. "
            "Compare the code as a number, int(line[:3]) == expected (expected is an int)."
        )
    if trial.error is not None:
        raise Hint(
            f"your function failed: {type(error).__name__}: {_short(error)}. A reply can "
            "arrive in pieces (here it did): read with recv() until the last line, the one "
            "with a space after its code, has come whole."
        )
    ehlo = [line for line in sent if line.startswith("250")][:-1]  # the EHLO reply
    greeting = [line for line in sent if line.startswith("220")]
    for got, want, what in ((notes.get("greeting"), greeting, "greeting"),):
        if got is not None and text_lines(got) != want:
            raise Hint(_pieces_hint(what, got, want))
    got = notes.get("ehlo")
    if got is not None and text_lines(got) != ehlo:
        raise Hint(_pieces_hint("EHLO reply", got, ehlo))
    raised = notes.get("raised")
    if raised is None:
        raise Hint(
            "the server answered 503 where 250 was expected, and your function returned "
            "instead of raising: raise an exception that carries the reply, so the caller "
            "stops there."
        )
    if "503" not in str(raised):
        raise Hint(
            f"your function raised {raised!r} for the 503: put the reply itself in the "
            "exception's message, so whoever reads the error sees what the server said."
        )
    noop = notes.get("noop")
    if (
        noop is not None
        and text_lines(noop) != [line for line in sent if line.startswith("250")][-1:]
    ):
        raise Hint(_pieces_hint("NOOP reply", noop, ["250 ..."]))
    return (
        "the greeting and the EHLO reply came in pieces and your function returned each "
        "whole, with all its lines; the 503 raised with the reply in the message."
    )


def _pieces_hint(what: str, got: object, want: list[str]) -> str:
    lines = text_lines(got)
    shown = "nothing usable" if lines is None else f"{len(lines)} line(s) ({lines[:2]!r}...)"
    return (
        f"for the {what} your function returned {shown}, but the server sent {len(want)} "
        "line(s). A reply can arrive in pieces, and a 250- line says more lines follow "
        "(RFC 5321 §4.2.1): keep calling recv() until the line with a space after its code "
        "has come whole, and return every line (without its \\r\\n)."
    )


# --------------------------------------------------------------- exercise 2: encode_name


def check_encode_name(encode_name: Callable[[str], Any]) -> Result:
    """``encode_name(name)``: RFC 2047 words (whole characters, at most 75 characters
    each) that the lab's inbox reads back as the name."""
    exercise = "encode a display name"

    def attempt() -> object:
        values = [encode_name(name) for name in NAMES]
        if all(value is None or value is Ellipsis for value in values):
            return None
        return values

    def verify(values: object) -> str:
        assert isinstance(values, list)
        for name, value in zip(NAMES, values, strict=True):
            _judge_encoded(name, value)
        received = _through_the_lab(values[0])
        if received != NAMES[0]:
            raise Hint(
                f"the lab's inbox read the From name as {received!r}, not {NAMES[0]!r}: "
                "check the charset label and the base64."
            )
        return (
            f"{NAMES[0]!r} became {values[0]}, and the lab's inbox reads it back; the long "
            f"name took {len(str(values[2]).split())} encoded words of whole characters."
        )

    return evaluate(exercise, attempt, verify)


def _judge_encoded(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise Hint(f"return the encoded name as a str, not {type(value).__name__}.")
    if not value.isascii():
        raise Hint(
            f"{value!r} is not encoded: a header is ASCII (RFC 5322 §2.2); raw UTF-8 needs "
            "SMTPUTF8 (RFC 6532). Write the name as encoded words, '=?utf-8?b?' + base64 + "
            "'?=' (RFC 2047)."
        )
    for word in value.split():
        found = _ENCODED_WORD.match(word)
        if found is None:
            raise Hint(
                f"{word[:40]!r} is base64 (or text) but not an encoded word: wrap it as "
                "=?utf-8?b?...?= so that a reader knows to decode it (RFC 2047 §2)."
            )
        if len(word) > 75:
            raise Hint(
                f"an encoded word of {len(word)} characters: RFC 2047 §2 allows at most 75. "
                "Cut the name into pieces and encode each, separated by a space."
            )
        if found[1].lower() not in ("utf-8", "utf8"):
            raise Hint(
                f"the charset label says {found[1]!r}, but the bytes are UTF-8: write "
                "=?utf-8?b?...?= (RFC 2047 §2)."
            )
        try:
            payload = found[3] + "=" * (-len(found[3]) % 4)
            raw = (
                base64.b64decode(payload)
                if found[2].lower() == "b"
                else found[3].replace("_", " ").encode()
            )
            raw.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise Hint(
                f"the encoded word {word[:32]}... does not hold whole characters: its bytes do "
                "not decode on their own. RFC 2047 §5 (rule 3): cut the text between "
                "characters, not between bytes, then encode each piece."
            ) from None
    decoded = str(make_header(decode_header(value)))
    if decoded != name:
        raise Hint(f"{value!r} decodes to {decoded!r}, not {name!r}.")


def _through_the_lab(encoded: str) -> str:
    """Send a message whose From name is ``encoded``; the display name the inbox reads."""
    with LabServer() as lab:
        with lab_client(lab) as client:
            message = (
                f"From: {encoded} <a@example.com>\r\nTo: b@example.com\r\nSubject: name\r\n"
                "\r\nHi\r\n"
            ).encode("ascii")
            client.send_message(message, "a@example.com", ["b@example.com"])
        received = lab.wait_for(1, timeout=CLIENT_TIMEOUT)[0]
    return str(received.message["From"].addresses[0].display_name)


# ----------------------------------------------------------- exercise 3: the whole client


def check_send_by_hand(send_by_hand: Callable[[dict[str, Any]], Any]) -> Result:
    """``send_by_hand(job)`` on the QQ look-alike: implicit TLS verified against the lab's
    CA (a second run with another CA must fail), EHLO, AUTH LOGIN with the authorization
    code, the message dot-stuffed with an encoded From name, QUIT."""
    exercise = "a whole client by hand"
    with _qq_lab() as lab, LabServer() as stranger:
        wrong_ca = stranger.ca_path

        def attempt() -> object:
            value = _run(send_by_hand, job_for(lab))
            if value is None and not lab.sessions:
                return None
            return TRIED if value is None else value

        def verify(value: object) -> str:
            said = _judge_send(lab, value)
            before = len(lab.sessions)
            with contextlib.suppress(Exception):  # any refusal is right here
                send_by_hand(job_for(lab, cafile=wrong_ca))
            after = lab.sessions[before:]
            if any(s.auth_user for s in after) or len(lab.inbox) > 1:
                raise Hint(
                    "with a CA file that did not sign the lab's certificate your client still "
                    "logged in: it did not verify the certificate, so anyone in the middle "
                    "could read the authorization code. Build the context with "
                    "ssl.create_default_context(cafile=job['cafile']) and keep "
                    "verification on."
                )
            return said

        return evaluate(exercise, attempt, verify, lab=lab, returns="the reply to the message")


_DEADLINE = 30.0
"""Seconds a learner's whole client may take before the check gives up on it."""


def _run(function: Callable[[dict[str, Any]], Any], job: dict[str, Any]) -> Any:
    """Run the learner's client (at most :data:`_DEADLINE` seconds); its failure
    becomes a hint that names the reply."""
    finished = run_with_deadline(lambda: function(job), _DEADLINE)
    if finished is None:
        raise Hint(
            f"your client was still running after {_DEADLINE:g} s. Does your reply "
            "reader stop when recv() returns b'' (the server closed the connection)? Does "
            "it wait for a reply the server never sends?"
        )
    try:
        if finished.error is not None:
            raise finished.error
        return finished.value
    except NotImplementedError:
        raise
    except Exception as error:
        text = _short(error)
        if "Helo command rejected" in text:
            raise Hint(
                "RCPT TO got '554 5.7.1 <...>: Helo command rejected': you greeted with the "
                "server's own name. EHLO names the client (RFC 5321 §4.1.1.1): send "
                "EHLO job['helo'], never the name from the 220 greeting."
            ) from None
        if "authorization code" in text:
            raise Hint(
                "the look-alike answered 535 Login Fail. Please enter your authorization "
                "code: QQ refuses the QQ password from a mail program. Log in with "
                "job['secret'], the authorization code."
            ) from None
        if "CERTIFICATE_VERIFY_FAILED" in text:
            raise Hint(
                f"the TLS handshake failed: {text}. Build the context with "
                "ssl.create_default_context(cafile=job['cafile']) and connect to job['host']."
            ) from None
        if "send HELO first" in text or "send EHLO first" in text:
            raise Hint(
                f"the server answered {text!r}: greet with EHLO and your own name before "
                "MAIL FROM (RFC 5321 §4.1.4)."
            ) from None
        raise  # the harness names it (and a strict lab's hang-up on a bare LF)


def _received(lab: LabServer) -> ReceivedMessage:
    try:
        inbox = lab.wait_for(1, timeout=1.0)
    except Timeout:
        inbox = []
    if not inbox:
        raise Hint(
            "no message arrived: after DATA's 354, send the message and the line with a single "
            "dot, and read the 250."
        )
    return inbox[-1]


def _judge_send(lab: LabServer, value: object) -> str:
    sessions = lab.sessions
    if not sessions:
        raise Hint("the look-alike saw no connection: connect to job['host'], job['port'].")
    session = sessions[-1]
    received = _received(lab)
    if not received.tls:
        raise Hint("the message came without TLS: job['port'] speaks implicit TLS from the start.")
    body = _body_lines(received)
    want = BODY.splitlines()
    if body[: len(want)] != want:
        raise Hint(_dots_hint(body, want))
    if received.defects:
        raise Hint(_separator_hint(received))
    _judge_names(received)
    if "QUIT" not in session.commands():
        raise Hint(
            "the message arrived, but your client never said QUIT (RFC 5321 §4.1.1.10): end "
            "the session with QUIT and read the 221 before closing."
        )
    lines = text_lines(value) if value is not TRIED else None
    if value is not TRIED and (lines is None or not any(line.startswith("250") for line in lines)):
        raise Hint(
            f"return the lines of the reply to the message (250 ... queued as ...), not {value!r}."
        )
    return (
        "implicit TLS verified against the lab's CA, EHLO with your own name, AUTH LOGIN with "
        "the authorization code, the names as encoded words, the dots doubled, and QUIT: the "
        "look-alike queued the message as the sender wrote it."
    )


def _body_lines(received: ReceivedMessage) -> list[str]:
    data = received.data
    end = data.find(b"\r\n\r\n")
    body = data[end + 4 :] if end >= 0 else b""
    return body.decode("utf-8", "replace").splitlines()


def _dots_hint(body: list[str], want: list[str]) -> str:
    return (
        f"the body arrived as {body[:4]!r}, not {want!r}: the server removes the first dot of "
        "every line that starts with one (RFC 5321 §4.5.2). Dot-stuff: add a dot in front of "
        "each line that starts with a dot, and only there."
    )


def _separator_hint(received: ReceivedMessage) -> str:
    names = ", ".join(type(d).__name__ for d in received.defects)
    return (
        f"the inbox's parser found {names} (message.defects): no empty line ends the "
        "headers, so the body's first line was read as part of them. Send an empty line "
        "(\\r\\n alone) after the last header (RFC 5322 §2.1)."
    )


def _judge_names(received: ReceivedMessage) -> None:
    message = received.message
    head = received.data.split(b"\r\n\r\n", 1)[0]
    declared = received.smtputf8
    if not head.isascii() and not declared:
        raise Hint(
            "the headers arrived with raw UTF-8 (the names) but MAIL FROM did not declare "
            "SMTPUTF8 (RFC 6531 §3.4, RFC 6532): write the names as RFC 2047 encoded words, "
            "=?utf-8?b?...?=, or declare SMTPUTF8 when the server offers it."
        )
    for header, name, address in (
        ("From", "张三", "student@qq.com"),
        ("To", "李四", "friend@example.com"),
    ):
        raw = str(message.get(header, ""))
        pairs = getaddresses([raw])
        if not pairs or pairs[0][1] != address:
            raise Hint(
                f"the {header} header reads {raw!r}: its address {address} is lost. Encode "
                f"only the name: '{header}: =?utf-8?b?...?= <{address}>' (RFC 2047 §5)."
            )
        if pairs[0][0] != name:
            shown = pairs[0][0] or raw
            raise Hint(
                f"the {header} name reads {shown!r}, not {name!r}: base64 alone is not an "
                "encoded word; wrap it as =?utf-8?b?...?= (RFC 2047 §2), in To: as in From:."
            )


# -------------------------------------------------------------- review: one check per bug


def _from_header_refusal(lab: LabServer) -> str | None:
    """The hint when the QQ look-alike refused the message for its From header (as QQ
    does when the address is missing or only inside an encoded word), or None."""
    for session in lab.sessions:
        for text in session.sent_lines():
            if text.startswith("550 ") and '"From" header' in text:
                return (
                    f"the look-alike refused the message after the final dot, as QQ does: "
                    f"{text[:60]!r}... Its From header has no address outside an encoded "
                    "word: encode only the name and keep the address outside, "
                    "'From: =?utf-8?b?...?= <student@qq.com>' (RFC 2047 §5, RFC 5322 §3.4)."
                )
    return None


def _review(
    exercise: str,
    fixed_send: Callable[[dict[str, Any]], Any],
    judge: Callable[[LabServer, ReceivedMessage | None], str],
    *,
    needs_message: bool = True,
) -> Result:
    with _qq_lab() as lab:

        def attempt() -> object:
            try:
                value = _run(fixed_send, job_for(lab))
            except Exception as error:  # the look-alike's own refusal says more than the error
                refusal = _from_header_refusal(lab)
                if refusal is not None:
                    raise Hint(refusal) from error
                raise
            if value is None and not lab.sessions:
                return None
            return TRIED if value is None else value

        def verify(value: object) -> str:
            received = _received(lab) if needs_message else None
            return judge(lab, received)

        return evaluate(exercise, attempt, verify, lab=lab, returns="the reply to the message")


def check_fixed_helo(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 1: the EHLO name must be the client's (a domain with a dot, or an address
    literal in brackets), not the server's, and EHLO must come first."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        session = lab.sessions[-1]
        hellos = [
            line.text.split()
            for line in session.lines
            if line.kind == "command" and line.text.split()[:1] in (["EHLO"], ["HELO"])
        ]
        if not hellos:
            raise Hint("your client sent no EHLO: greet first (RFC 5321 §4.1.4).")
        name = hellos[-1][1] if len(hellos[-1]) > 1 else ""
        if lab.policy.is_own_name(name):
            raise Hint(
                f"EHLO {name}: that is the server's own name (lab note: "
                f"{session.notes[:1]!r}). EHLO names the client (RFC 5321 §4.1.1.1)."
            )
        if re.fullmatch(r"[0-9.]+", name):
            raise Hint(
                f"EHLO {name}: an address as EHLO name is written as an address literal, in "
                f"brackets, [{name}] (RFC 5321 §4.1.3); better, your own domain name."
            )
        if "." not in name and not name.startswith("["):
            raise Hint(
                f"EHLO {name}: not a fully qualified domain name. RFC 5321 §4.1.1.1 asks for "
                "the client's FQDN, and many servers refuse others (Postfix: "
                "reject_non_fqdn_helo_hostname). Use job['helo']."
            )
        return f"EHLO {name}: your client's own name; the look-alike took the recipient."

    return _review("fix bug 1: the EHLO name", fixed_send, judge)


def check_fixed_separator(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 2: an empty line ends the headers; the inbox's parser finds no defect."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        assert received is not None
        if received.defects:
            raise Hint(_separator_hint(received))
        subject = received.message.get("Subject")
        if subject is None:
            raise Hint(
                "the message arrived without a Subject header: the empty line came too early, "
                "so 'Subject: ...' became the body's first line, one that looks like a "
                "header. Put the empty line after the last header (RFC 5322 §2.1)."
            )
        first = _body_lines(received)[:1]
        if first != BODY.splitlines()[:1]:
            raise Hint(
                f"the body starts with {first!r}: the line that ends the headers must be empty, "
                "\\r\\n alone (RFC 5322 §2.1)."
            )
        return "the headers end with an empty line: no defect, the body starts where it should."

    return _review("fix bug 2: the empty line after the headers", fixed_send, judge)


def check_fixed_dots(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 3: every body line that starts with a dot is sent with one more dot."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        assert received is not None
        body, want = _body_lines(received), BODY.splitlines()
        if body[: len(want)] != want:
            raise Hint(_dots_hint(body, want))
        return "the lines that start with a dot arrived as written: your client dot-stuffs."

    return _review("fix bug 3: dot-stuffing", fixed_send, judge)


def check_fixed_names(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 4: the names in From and To as RFC 2047 words (or SMTPUTF8 declared)."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        assert received is not None
        _judge_names(received)
        how = "declared SMTPUTF8" if received.smtputf8 else "RFC 2047 encoded words"
        return f"张三 and 李四 arrived readable in From and To ({how})."

    return _review("fix bug 4: the names in From and To", fixed_send, judge)


# ----------------------------------------------------------- optional: attach a picture


def check_attachment(send_with_picture: Callable[[dict[str, Any]], Any]) -> Result:
    """``send_with_picture(job)``: multipart/mixed, the text, and the picture as
    image/png in base64 with its file name; the lab's inbox decodes the same bytes."""
    exercise = "attach a picture"
    with _qq_lab() as lab:

        def attempt() -> object:
            value = _run(send_with_picture, job_for(lab, picture=_PNG, filename="dot.png"))
            if value is None and not lab.sessions:
                return None
            return TRIED if value is None else value

        def verify(value: object) -> str:
            message = _received(lab).message
            if not message.is_multipart() or message.get_content_type() != "multipart/mixed":
                raise Hint(
                    f"the message is {message.get_content_type()}, not multipart/mixed: a "
                    "text and a picture are two parts of one multipart/mixed message "
                    "(RFC 2046 §5.1.3), each after a --boundary line."
                )
            if message.defects or any(part.defects for part in message.walk()):
                raise Hint(
                    "the parser found defects in the parts: the boundary in Content-Type must "
                    "be the one on the --boundary lines, and the last is --boundary-- "
                    "(RFC 2046 §5.1.1)."
                )
            pictures = [p for p in message.walk() if p.get_content_type() == "image/png"]
            if not pictures:
                raise Hint("no image/png part arrived: give the picture's part that type.")
            picture = pictures[0]
            if str(picture.get("Content-Transfer-Encoding", "")).lower() != "base64":
                raise Hint(
                    "the picture's bytes went without Content-Transfer-Encoding: base64. "
                    "Binary bytes do not survive SMTP: base64 them (RFC 2045 §6.8)."
                )
            if picture.get_payload(decode=True) != _PNG:
                raise Hint("the picture's base64 does not decode to the bytes you were given.")
            if picture.get_filename() != "dot.png":
                raise Hint(
                    "the picture has no file name: add Content-Disposition: attachment; "
                    'filename="dot.png" (RFC 2183).'
                )
            return "multipart/mixed with the text and dot.png in base64: the inbox decodes it."

        return evaluate(exercise, attempt, verify, lab=lab, returns="the reply to the message")
