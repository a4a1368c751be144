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
from ..i18n import _
from ..lab import LabServer, ReceivedMessage
from ..lab.profiles import get_profile
from . import nb10_texts as texts
from .harness import TRIED, Hint, Result, Trial, evaluate
from .labs import CLIENT_TIMEOUT, lab_client, on_a_connection, run_with_deadline, strict_lab
from .reading import text_lines

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

BODY = (
    "Hello Li Si,\n.NET 8 is out, and so is this line.\n"  # i18n: keep the body sent (data)
    "..and this one.\nZhang San\n"
)
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
    exercise = _("read a whole reply")

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
        returns=_("the reply's lines"),
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
        raise Hint(_("run the check again: the lab saw nothing of your function."))
    notes, sent = trial.notes, trial.sent()
    error = notes.get("greeting_error") or trial.error
    if "greeting_error" in notes and "220" in str(error):
        raise Hint(
            _(
                "your function raised on the greeting, whose code is the expected 220: "
                "{error!r}. Compare the code as a number, int(line[:3]) == expected (expected "
                "is an int)."
            ).format(error=error)
        )
    if trial.error is not None:
        raise Hint(
            _(
                "your function failed: {type}: {error}. A reply can "
                "arrive in pieces (here it did): read with recv() until the last line, the one "
                "with a space after its code, has come whole."
            ).format(type=type(error).__name__, error=_short(error))
        )
    ehlo = [line for line in sent if line.startswith("250")][:-1]  # the EHLO reply
    greeting = [line for line in sent if line.startswith("220")]
    for got, want, what in ((notes.get("greeting"), greeting, _("greeting")),):
        if got is not None and text_lines(got) != want:
            raise Hint(_pieces_hint(what, got, want))
    got = notes.get("ehlo")
    if got is not None and text_lines(got) != ehlo:
        raise Hint(_pieces_hint(_("EHLO reply"), got, ehlo))
    raised = notes.get("raised")
    if raised is None:
        raise Hint(
            _(
                "the server answered 503 where 250 was expected, and your function returned "
                "instead of raising: raise an exception that carries the reply, so the caller "
                "stops there."
            )
        )
    if "503" not in str(raised):
        raise Hint(
            _(
                "your function raised {raised!r} for the 503: put the reply itself in the "
                "exception's message, so whoever reads the error sees what the server said."
            ).format(raised=raised)
        )
    noop = notes.get("noop")
    if (
        noop is not None
        and text_lines(noop) != [line for line in sent if line.startswith("250")][-1:]
    ):
        raise Hint(_pieces_hint(_("NOOP reply"), noop, ["250 ..."]))
    return _(
        "the greeting and the EHLO reply came in pieces and your function returned each "
        "whole, with all its lines; the 503 raised with the reply in the message."
    )


def _pieces_hint(what: str, got: object, want: list[str]) -> str:
    lines = text_lines(got)
    shown = (
        _("nothing usable")
        if lines is None
        else _("{count} line(s) ({first!r}...)").format(count=len(lines), first=lines[:2])
    )
    return _(texts.PIECES).format(what=what, shown=shown, count=len(want))


# --------------------------------------------------------------- exercise 2: encode_name


def check_encode_name(encode_name: Callable[[str], Any]) -> Result:
    """``encode_name(name)``: RFC 2047 words (whole characters, at most 75 characters
    each) that the lab's inbox reads back as the name."""
    exercise = _("encode a display name")

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
                _(
                    "the lab's inbox read the From name as {received!r}, not {name!r}: "
                    "check the charset label and the base64."
                ).format(received=received, name=NAMES[0])
            )
        return _(
            "{name!r} became {encoded}, and the lab's inbox reads it back; the long "
            "name took {count} encoded words of whole characters."
        ).format(name=NAMES[0], encoded=values[0], count=len(str(values[2]).split()))

    return evaluate(exercise, attempt, verify)


def _judge_encoded(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise Hint(
            _("return the encoded name as a str, not {type}.").format(type=type(value).__name__)
        )
    if not value.isascii():
        raise Hint(
            _(
                "{value!r} is not encoded: a header is ASCII (RFC 5322 §2.2); raw UTF-8 needs "
                "SMTPUTF8 (RFC 6532). Write the name as encoded words, '=?utf-8?b?' + base64 + "
                "'?=' (RFC 2047)."
            ).format(value=value)
        )
    for word in value.split():
        found = _ENCODED_WORD.match(word)
        if found is None:
            raise Hint(
                _(
                    "{word!r} is base64 (or text) but not an encoded word: wrap it as "
                    "=?utf-8?b?...?= so that a reader knows to decode it (RFC 2047 §2)."
                ).format(word=word[:40])
            )
        if len(word) > 75:
            raise Hint(
                _(
                    "an encoded word of {length} characters: RFC 2047 §2 allows at most 75. "
                    "Cut the name into pieces and encode each, separated by a space."
                ).format(length=len(word))
            )
        if found[1].lower() not in ("utf-8", "utf8"):
            raise Hint(
                _(
                    "the charset label says {charset!r}, but the bytes are UTF-8: write "
                    "=?utf-8?b?...?= (RFC 2047 §2)."
                ).format(charset=found[1])
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
                _(
                    "the encoded word {word}... does not hold whole characters: its bytes do "
                    "not decode on their own. RFC 2047 §5 (rule 3): cut the text between "
                    "characters, not between bytes, then encode each piece."
                ).format(word=word[:32])
            ) from None
    decoded = str(make_header(decode_header(value)))
    if decoded != name:
        raise Hint(
            _("{value!r} decodes to {decoded!r}, not {name!r}.").format(
                value=value, decoded=decoded, name=name
            )
        )


def _through_the_lab(encoded: str) -> str:
    """Send a message whose From name is ``encoded``; the display name the inbox reads."""
    with LabServer() as lab:
        with lab_client(lab) as client:
            message = (
                f"From: {encoded} <a@example.com>\r\n"  # i18n: keep the message sent (data)
                "To: b@example.com\r\nSubject: name\r\n\r\nHi\r\n"
            ).encode("ascii")
            client.send_message(message, "a@example.com", ["b@example.com"])
        received = lab.wait_for(1, timeout=CLIENT_TIMEOUT)[0]
    return str(received.message["From"].addresses[0].display_name)


# ----------------------------------------------------------- exercise 3: the whole client


def check_send_by_hand(send_by_hand: Callable[[dict[str, Any]], Any]) -> Result:
    """``send_by_hand(job)`` on the QQ look-alike: implicit TLS verified against the lab's
    CA (a second run with another CA must fail), EHLO, AUTH LOGIN with the authorization
    code, the message dot-stuffed with an encoded From name, QUIT."""
    exercise = _("a whole client by hand")
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
                raise Hint(_(texts.CA_NOT_VERIFIED))
            return said

        return evaluate(exercise, attempt, verify, lab=lab, returns=_("the reply to the message"))


_DEADLINE = 30.0
"""Seconds a learner's whole client may take before the check gives up on it."""


def _run(function: Callable[[dict[str, Any]], Any], job: dict[str, Any]) -> Any:
    """Run the learner's client (at most :data:`_DEADLINE` seconds); its failure
    becomes a hint that names the reply."""
    finished = run_with_deadline(lambda: function(job), _DEADLINE)
    if finished is None:
        raise Hint(_(texts.STILL_RUNNING).format(deadline=f"{_DEADLINE:g}"))
    try:
        if finished.error is not None:
            raise finished.error
        return finished.value
    except NotImplementedError:
        raise
    except Exception as error:
        text = _short(error)
        if "Helo command rejected" in text:  # i18n: keep the server's reply, matched
            raise Hint(_(texts.HELO_REJECTED)) from None
        if "authorization code" in text:
            raise Hint(_(texts.AUTHORIZATION_CODE)) from None
        if "CERTIFICATE_VERIFY_FAILED" in text:
            raise Hint(_(texts.TLS_FAILED).format(error=text)) from None
        if "send HELO first" in text or "send EHLO first" in text:  # i18n: keep replies matched
            raise Hint(_(texts.GREET_FIRST).format(reply=text)) from None
        raise  # the harness names it (and a strict lab's hang-up on a bare LF)


def _received(lab: LabServer) -> ReceivedMessage:
    try:
        inbox = lab.wait_for(1, timeout=1.0)
    except Timeout:
        inbox = []
    if not inbox:
        raise Hint(_(texts.NO_MESSAGE))
    return inbox[-1]


def _judge_send(lab: LabServer, value: object) -> str:
    sessions = lab.sessions
    if not sessions:
        raise Hint(_("the look-alike saw no connection: connect to job['host'], job['port']."))
    session = sessions[-1]
    received = _received(lab)
    if not received.tls:
        raise Hint(
            _("the message came without TLS: job['port'] speaks implicit TLS from the start.")
        )
    body = _body_lines(received)
    want = BODY.splitlines()
    if body[: len(want)] != want:
        raise Hint(_dots_hint(body, want))
    if received.defects:
        raise Hint(_separator_hint(received))
    _judge_names(received)
    if "QUIT" not in session.commands():
        raise Hint(_(texts.NO_QUIT))
    lines = text_lines(value) if value is not TRIED else None
    if value is not TRIED and (lines is None or not any(line.startswith("250") for line in lines)):
        raise Hint(_(texts.RETURN_REPLY).format(value=value))
    return _(texts.SENT_BY_HAND)


def _body_lines(received: ReceivedMessage) -> list[str]:
    data = received.data
    end = data.find(b"\r\n\r\n")
    body = data[end + 4 :] if end >= 0 else b""
    return body.decode("utf-8", "replace").splitlines()


def _dots_hint(body: list[str], want: list[str]) -> str:
    return _(texts.DOTS).format(body=body[:4], want=want)


def _separator_hint(received: ReceivedMessage) -> str:
    names = ", ".join(type(d).__name__ for d in received.defects)
    return _(texts.SEPARATOR).format(names=names)


def _judge_names(received: ReceivedMessage) -> None:
    message = received.message
    head = received.data.split(b"\r\n\r\n", 1)[0]
    declared = received.smtputf8
    if not head.isascii() and not declared:
        raise Hint(_(texts.RAW_UTF8))
    for header, name, address in (
        ("From", "张三", "student@qq.com"),
        ("To", "李四", "friend@example.com"),
    ):
        raw = str(message.get(header, ""))
        pairs = getaddresses([raw])
        if not pairs or pairs[0][1] != address:
            raise Hint(_(texts.ADDRESS_LOST).format(header=header, raw=raw, address=address))
        if pairs[0][0] != name:
            shown = pairs[0][0] or raw
            raise Hint(_(texts.NOT_ENCODED_WORD).format(header=header, shown=shown, name=name))


# -------------------------------------------------------------- review: one check per bug


def _from_header_refusal(lab: LabServer) -> str | None:
    """The hint when the QQ look-alike refused the message for its From header (as QQ
    does when the address is missing or only inside an encoded word), or None."""
    for session in lab.sessions:
        for text in session.sent_lines():
            if text.startswith("550 ") and '"From" header' in text:
                return _(texts.FROM_REFUSED).format(reply=text[:60])
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

        return evaluate(exercise, attempt, verify, lab=lab, returns=_("the reply to the message"))


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
            raise Hint(_("your client sent no EHLO: greet first (RFC 5321 §4.1.4)."))
        name = hellos[-1][1] if len(hellos[-1]) > 1 else ""
        if lab.policy.is_own_name(name):
            raise Hint(_(texts.EHLO_OWN_NAME).format(name=name, note=session.notes[:1]))
        if re.fullmatch(r"[0-9.]+", name):
            raise Hint(_(texts.EHLO_ADDRESS).format(name=name))
        if "." not in name and not name.startswith("["):
            raise Hint(_(texts.EHLO_NOT_FQDN).format(name=name))
        return _("EHLO {name}: your client's own name; the look-alike took the recipient.").format(
            name=name
        )

    return _review(_("fix bug 1: the EHLO name"), fixed_send, judge)


def check_fixed_separator(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 2: an empty line ends the headers; the inbox's parser finds no defect."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        assert received is not None
        if received.defects:
            raise Hint(_separator_hint(received))
        subject = received.message.get("Subject")
        if subject is None:
            raise Hint(_(texts.NO_SUBJECT).format(header="Subject"))
        first = _body_lines(received)[:1]
        if first != BODY.splitlines()[:1]:
            raise Hint(_(texts.BODY_STARTS).format(first=first))
        return _("the headers end with an empty line: no defect, the body starts where it should.")

    return _review(_("fix bug 2: the empty line after the headers"), fixed_send, judge)


def check_fixed_dots(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 3: every body line that starts with a dot is sent with one more dot."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        assert received is not None
        body, want = _body_lines(received), BODY.splitlines()
        if body[: len(want)] != want:
            raise Hint(_dots_hint(body, want))
        return _("the lines that start with a dot arrived as written: your client dot-stuffs.")

    return _review(_("fix bug 3: dot-stuffing"), fixed_send, judge)


def check_fixed_names(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 4: the names in From and To as RFC 2047 words (or SMTPUTF8 declared)."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        assert received is not None
        _judge_names(received)
        how = _("declared SMTPUTF8") if received.smtputf8 else _("RFC 2047 encoded words")
        return _("张三 and 李四 arrived readable in From and To ({how}).").format(how=how)

    return _review(_("fix bug 4: the names in From and To"), fixed_send, judge)


# ----------------------------------------------------------- optional: attach a picture


def check_attachment(send_with_picture: Callable[[dict[str, Any]], Any]) -> Result:
    """``send_with_picture(job)``: multipart/mixed, the text, and the picture as
    image/png in base64 with its file name; the lab's inbox decodes the same bytes."""
    exercise = _("attach a picture")
    with _qq_lab() as lab:

        def attempt() -> object:
            value = _run(send_with_picture, job_for(lab, picture=_PNG, filename="dot.png"))
            if value is None and not lab.sessions:
                return None
            return TRIED if value is None else value

        def verify(value: object) -> str:
            message = _received(lab).message
            if message.get_content_type() != "multipart/mixed":
                raise Hint(_(texts.NOT_MULTIPART).format(type=message.get_content_type()))
            # Declared multipart, yet no parts found (or defects): the boundary is wrong.
            defects = message.defects or any(part.defects for part in message.walk())
            if not message.is_multipart() or defects:
                raise Hint(_(texts.BOUNDARY))
            pictures = [p for p in message.walk() if p.get_content_type() == "image/png"]
            if not pictures:
                raise Hint(_("no image/png part arrived: give the picture's part that type."))
            picture = pictures[0]
            if str(picture.get("Content-Transfer-Encoding", "")).lower() != "base64":
                raise Hint(_(texts.NO_BASE64))
            if picture.get_payload(decode=True) != _PNG:
                raise Hint(_("the picture's base64 does not decode to the bytes you were given."))
            if picture.get_filename() != "dot.png":
                raise Hint(_(texts.NO_FILE_NAME))
            return _("multipart/mixed with the text and dot.png in base64: the inbox decodes it.")

        return evaluate(exercise, attempt, verify, lab=lab, returns=_("the reply to the message"))
