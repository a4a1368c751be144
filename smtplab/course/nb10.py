"""Checks for notebook 10 (capstone: write a client), judged from what the lab saw.

Build it: ``read_reply(sock, expected)`` on a lab whose replies come in pieces,
``encode_name(name)`` (RFC 2047 words of whole characters, read back from the inbox) and
the whole client ``send_by_hand(job)`` against the QQ look-alike (implicit TLS verified,
AUTH LOGIN with the authorization code, dot-stuffing, QUIT). Review it: one check per bug
of the given client, each on a fresh QQ look-alike. The optional extension: a picture
attached (multipart/mixed, base64). Exercises 1 and 2 are checked here; the whole client
in :mod:`.nb10_client`, the review and the extension in :mod:`.nb10_review` (all public
from here).
"""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Callable
from email.header import decode_header, make_header
from typing import Any

from .. import encoded_words
from ..i18n import _
from ..lab import LabServer
from . import nb10_texts as texts
from .harness import Hint, Result, Trial, answers_to, evaluate
from .labs import CLIENT_TIMEOUT, LEARNER_TIMEOUT, lab_client, on_a_connection, run_with_deadline
from .nb10_client import QQ_PASSWORD, check_send_by_hand, job_for, short_error
from .nb10_review import (
    check_attachment,
    check_fixed_dots,
    check_fixed_helo,
    check_fixed_names,
    check_fixed_separator,
)
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

NAMES = ("张三", "李四", "欧阳" * 15)
"""Display names for ``encode_name``: short, and one too long for one encoded word."""

_EVERY_BYTE = 10_000  # pieces: more than a reply has bytes, so each piece is one byte
_ENCODED_WORD = re.compile(r"^=\?([^?]+)\?([bBqQ])\?([^?]*)\?=$")

# ------------------------------------------------------------------ exercise 1: read_reply


def check_read_reply(read_reply: Callable[[socket.socket, int], Any]) -> Result:
    """``read_reply(sock, expected)``: the greeting and the EHLO reply in pieces, whole;
    a 503 where 250 was expected raises with the reply; the next reply is still right.
    A call still reading after :data:`READ_WAIT` seconds (the socket's timeout taken
    away, reading until the connection closes) is stopped, the socket shut down."""
    exercise = _("read a whole reply")

    def scenario(trial: Trial) -> object:
        sock, notes = trial.sock, trial.notes

        def read(what: str, expected: int) -> object:
            """``read_reply(sock, expected)``, stopped when it waits past the reply."""
            notes["reading"] = what
            finished = run_with_deadline(
                lambda: read_reply(sock, expected), READ_WAIT, stop=lambda: _shut(sock)
            )
            if finished is None or isinstance(finished.error, TimeoutError):
                raise _ReadPastReply
            if finished.error is not None:
                raise finished.error
            return finished.value

        try:
            notes["greeting"] = read(_("greeting"), 220)
        except _ReadPastReply:
            raise
        except Exception as error:
            notes["greeting_error"] = trial.error = error
            return None
        if notes["greeting"] in (None, Ellipsis) and _unread(sock):
            return None  # the template: it read nothing
        # The EHLO reply byte by byte: some recv() then ends with a whole 250- line, as
        # from a server that writes line by line; a reading "until CRLF" stops there.
        trial.lab.split_replies(_EVERY_BYTE, pause=0.003, times=1)
        sock.sendall(b"EHLO learner.example\r\n")
        notes["ehlo"] = read(_("EHLO reply"), 250)
        trial.lab.split_replies(3)
        sock.sendall(b"RCPT TO:<bob@example.com>\r\n")  # before MAIL: 503
        try:
            notes["refused"] = read(_("reply to RCPT TO"), 250)
        except _ReadPastReply:
            raise
        except Exception as error:
            notes["raised"] = error
        sock.sendall(b"NOOP\r\n")
        notes["noop"] = read(_("NOOP reply"), 250)
        return notes["ehlo"]

    return evaluate(
        exercise,
        lambda: on_a_connection(scenario, split_replies=3),
        _verify_read_reply,
        returns=_("the reply's lines"),
    )


READ_WAIT = 2 * LEARNER_TIMEOUT
"""Seconds the learner's ``read_reply`` may take for one reply before the check stops
it: the reply has come whole long before (the slowest, the EHLO reply byte by byte, in
under a second). More than the socket's own timeout, so a reader that kept it raises
TimeoutError first; less than :data:`~.labs.LINE_WAIT`, so the check, not the lab's
hang-up, ends a reader that took the timeout away."""


class _ReadPastReply(Exception):
    """The learner's ``read_reply`` went on reading after the whole reply had come."""


def _shut(sock: socket.socket) -> None:
    """Shut the connection down from the check's side: a recv() blocked on it returns."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


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
    if isinstance(trial.error, _ReadPastReply):
        raise Hint(_(texts.WAITED_FOR_MORE).format(what=notes["reading"]))
    error = notes.get("greeting_error") or trial.error
    if "greeting_error" in notes and "220" in str(error):
        raise Hint(_(texts.FUNCTION_RAISED_GREETING).format(error=error))
    if trial.error is not None:
        raise Hint(
            _(texts.FUNCTION_FAILED_REPLY).format(
                type=type(error).__name__, error=short_error(error)
            )
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
        raise Hint(_(texts.SERVER_ANSWERED_WHERE))
    if "503" not in str(raised):
        raise Hint(_(texts.FUNCTION_RAISED_PUT).format(raised=raised))
    noop = notes.get("noop")
    if (
        noop is not None
        and text_lines(noop) != [line for line in sent if line.startswith("250")][-1:]
    ):
        raise Hint(_pieces_hint(_("NOOP reply"), noop, ["250 ..."]))
    return _(texts.GREETING_EHLO_REPLY)


def _pieces_hint(what: str, got: object, want: list[str]) -> str:
    lines = text_lines(got)
    shown = (
        _("nothing usable")
        if lines is None
        else _(texts.LINES_SHOWN).format(count=len(lines), first=lines[:2])
    )
    return _(texts.PIECES).format(what=what, shown=shown, count=len(want))


# --------------------------------------------------------------- exercise 2: encode_name


def check_encode_name(encode_name: Callable[[str], Any]) -> Result:
    """``encode_name(name)``: RFC 2047 words (whole characters, at most 75 characters
    each) that the lab's inbox reads back as the name."""
    exercise = _("encode a display name")

    def verify(values: object) -> str:
        assert isinstance(values, list)
        for name, value in zip(NAMES, values, strict=True):
            _judge_encoded(name, value)
        received = _through_the_lab(values[0])
        if received != NAMES[0]:
            raise Hint(_(texts.LAB_INBOX_READ).format(received=received, name=NAMES[0]))
        return _(texts.BECAME_LAB_INBOX).format(
            name=NAMES[0], encoded=values[0], count=len(str(values[2]).split())
        )

    return evaluate(exercise, lambda: answers_to(encode_name, NAMES), verify)


def _judge_encoded(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise Hint(_(texts.RETURN_ENCODED_NAME).format(type=type(value).__name__))
    if not value.isascii():
        raise Hint(_(texts.ENCODED_HEADER_ASCII).format(value=value))
    for word in value.split():
        found = _ENCODED_WORD.match(word)
        if found is None:
            raise Hint(_(texts.BASE_TEXT_ENCODED).format(word=word[:40]))
        if len(word) > 75:
            raise Hint(_(texts.ENCODED_WORD_CHARACTERS).format(length=len(word)))
        if found[1].lower() not in ("utf-8", "utf8"):
            raise Hint(_(texts.CHARSET_LABEL_SAYS).format(charset=found[1]))
        if encoded_words.decode_word(found) is None:  # B or Q (its =XX escapes), alone
            raise Hint(_(texts.ENCODED_WORD_DOES).format(word=word[:32]))
    decoded = str(make_header(decode_header(value)))
    if decoded != name:
        raise Hint(_(texts.NAME_DECODES_WRONG).format(value=value, decoded=decoded, name=name))


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
