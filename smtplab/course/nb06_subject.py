"""Notebook 06's encoded subjects (RFC 2047): ``subject_header(text)`` for each of
:data:`SUBJECTS`, sent to the lab and judged from the raw header it received: ASCII, read
back as the text, encoded words of whole characters and at most 75 characters, each apart
from its neighbours (white space), in lines of at most 76 characters (RFC 2047 §2, §5)
(``smtplab.course.nb06`` is the public path of its check)."""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Callable
from typing import Any

from ..auth import b64decode_text
from ..errors import SmtplabError
from ..i18n import _
from ..lab import LabServer
from ..message import decode_header_value
from . import nb06_texts as texts
from .harness import Hint, Result, answers_to, evaluate
from .labs import CLIENT_TIMEOUT, lab_client, strict_lab

__all__: list[str] = []  # public as smtplab.course.nb06.check_subject

_SENDER = "alice@example.com"
_RECIPIENT = "bob@example.com"
_DATE = "Fri, 27 Nov 2026 14:00:00 +0000"

SUBJECTS: tuple[str, ...] = (
    "你好 SMTP",
    "Grüße aus Köln",  # i18n: keep a subject sent to the lab (data)
    "Re: 会议通知：明天下午三点在三楼会议室开会",
    "Hello",
)
"""The subjects :func:`check_subject` encodes and sends."""

_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_LINE_LIMIT = 76  # RFC 2047 §2: a header line that holds an encoded word


def check_subject(subject_header: Callable[[str], Any]) -> Result:
    """``subject_header(text)`` for :data:`SUBJECTS`: ASCII, decodes back, words of ≤ 75
    chars apart from their neighbours, lines of ≤ 76 chars."""
    exercise = _("encoded {header}").format(header="subject")

    def attempt() -> object:
        values = answers_to(subject_header, SUBJECTS)
        if values is None:
            return None
        for text, value in zip(SUBJECTS, values, strict=True):
            if isinstance(value, (bytes, bytearray)):
                raise Hint(_("return the header value as text (str), not bytes."))
            if not isinstance(value, str):
                raise Hint(_(texts.SUBJECT_HEADER_RETURNED).format(text=text, value=value))
        return values

    def verify(values: object) -> str:
        assert isinstance(values, list)
        with strict_lab() as lab:
            return _verify_subjects(lab, values)

    return evaluate(exercise, attempt, verify)


def _subject_lines(data: bytes) -> list[bytes]:
    """The Subject header's lines as the lab received them, the first with ``Subject:``."""
    head = data.split(b"\r\n\r\n", 1)[0]
    found: list[bytes] = []
    for line in head.split(b"\r\n"):
        if found and line[:1] in (b" ", b"\t"):
            found.append(line)
        elif found:
            break
        elif line.lower().startswith(b"subject:"):
            found.append(line)
    return found


def _raw_subject(lines: list[bytes]) -> bytes:
    return b"\r\n".join(lines)[len(b"subject:") :].strip()


def _verify_subjects(lab: LabServer, values: list[str]) -> str:
    for value in values:
        if value.lower().startswith("subject:"):
            raise Hint(_(texts.RETURN_ONLY_VALUE).format(header="Subject"))
        if re.search(r"\r?\n(?![ \t])|\r(?!\n)", value):
            raise Hint(_(texts.VALUE_HAS_LINE))
    with lab_client(lab) as client:
        for index, value in enumerate(values):
            message = (
                f"From: {_SENDER}\r\nTo: {_RECIPIENT}\r\nSubject: {value}\r\n"  # i18n: keep data
                f"Date: {_DATE}\r\nMessage-ID: <subject-{index}@learner.example>\r\n\r\nHello.\r\n"
            ).encode()
            eight_bit = not message.isascii()
            try:
                # Raw UTF-8 in a header goes out declared (SMTPUTF8), so the lab receives
                # it and the judge can say what is wrong with it.
                utf8 = ("SMTPUTF8",) if eight_bit else ()
                client.mail(_SENDER, utf8, body="8BITMIME" if eight_bit else None)
                client.rcpt(_RECIPIENT)
                client.data(message)
            except SmtplabError as exc:
                raise Hint(_("sending the message failed: {error}").format(error=exc)) from None
    inbox = lab.wait_for(len(values), timeout=CLIENT_TIMEOUT)
    for text, received in zip(SUBJECTS, inbox[: len(values)], strict=True):
        _judge_subject(text, _subject_lines(received.data))
    first = _raw_subject(_subject_lines(inbox[0].data)).decode("ascii")
    return _(texts.SERVER_RECEIVED_ASCII).format(
        header="Subject", first=first, decoded=SUBJECTS[0], headers="subjects"
    )


def _word_bytes(word: str) -> tuple[str, bytes | None]:
    """An encoded word's charset and bytes (None when its text is not base64 / Q)."""
    charset, encoding, payload = word[2:-2].split("?", 2)
    try:
        if encoding.lower() == "b":
            return charset, base64.b64decode(payload + "=" * (-len(payload) % 4))
        return charset, quopri.decodestring(payload.replace("_", " ").encode(), header=True)
    except (ValueError, binascii.Error):
        return charset, None


def _decodes(data: bytes, charset: str) -> bool:
    try:
        data.decode(charset)
    except (ValueError, LookupError):
        return False
    return True


def _judge_characters(text: str, received: str) -> None:
    """Each word's bytes decode on their own (RFC 2047 §5); when even all the words of its
    charset together do not, the bytes are not that charset at all (§2)."""
    words = [(*_word_bytes(word), word) for word in _ENCODED_WORD.findall(received)]
    for charset, data, word in words:
        if data is not None and _decodes(data, charset):
            continue
        together = b"".join(d or b"" for c, d, _w in words if c.lower() == charset.lower())
        if data is not None and not _decodes(together, charset):
            raise Hint(
                _(texts.WORD_NOT_CHARSET).format(
                    header="Subject", text=text, word=word[:32], charset=charset
                )
            )
        raise Hint(_(texts.ENCODED_WORD_DOES).format(header="Subject", text=text, word=word[:32]))


def _judge_subject(text: str, lines: list[bytes]) -> None:
    raw = _raw_subject(lines)
    if not raw.isascii():
        raise Hint(_(texts.ENCODED_SERVER_RECEIVED).format(header="Subject", text=text))
    received = raw.decode("ascii")
    _judge_characters(text, received)
    for match in _ENCODED_WORD.finditer(received):
        # RFC 2047 §5 (1): white space between an encoded word and what is next to it.
        glued = re.search(r"\S+$", received[: match.start()])
        glued = glued or re.match(r"\S+", received[match.end() :])
        if glued:
            raise Hint(
                _(texts.ENCODED_WORD_GLUED).format(
                    header="Subject", text=text, word=match[0], glued=glued[0][:40]
                )
            )
    decoded = decode_header_value(received)
    if decoded == text:
        for word in _ENCODED_WORD.findall(received):
            if len(word) > 75:
                raise Hint(
                    _(texts.DECODES_RIGHT_ONE).format(header="Subject", text=text, length=len(word))
                    + _(texts.HEADER_ENCODE_76).format(header="Subject") * (len(word) == 76)
                )
        for number, line in enumerate(lines, 1):
            if len(line) > _LINE_LIMIT and _ENCODED_WORD.search(line.decode("ascii")):
                raise Hint(
                    _(texts.LINE_OVER_76).format(
                        header="Subject", text=text, number=number, length=len(line)
                    )
                    + _(texts.HEADER_ENCODE_76).format(header="Subject") * (len(line) <= 78)
                )
        return
    if "=?" not in received and b64decode_text(received) == text:
        raise Hint(_(texts.BASE_ENCODED_DID).format(text=text))
    if "=?" not in received:
        raise Hint(
            _(texts.ARRIVED_WHICH_PLAIN).format(header="Subject", text=text, received=received)
        )
    raise Hint(
        _(texts.ARRIVED_DECODES_CHECK).format(
            header="Subject", text=text, received=received, decoded=decoded
        )
    )
