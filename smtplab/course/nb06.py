"""Checks for notebook 06 (DATA and the message): dot-stuffing (RFC 5321 §4.5.2),
encoded subjects (RFC 2047; in :mod:`.nb06_subject`, public from here) and Bcc, judged
from the lab's inbox, envelope and log."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from .. import commands
from ..client import Client
from ..data_encoding import dot_stuff
from ..errors import LocalProtocolError, SmtplabError
from ..i18n import _, made_from
from ..lab import LabServer
from ..message import anatomy
from . import nb06_texts as texts
from .harness import Hint, Result, answers_to, evaluate
from .labs import CLIENT_TIMEOUT, evaluate_on_client, lab_client, strict_lab
from .nb06_subject import check_subject

__all__ = ["check_bcc", "check_dot_stuffing", "check_subject"]

_SENDER = "alice@example.com"
_RECIPIENT = "bob@example.com"

BODY_LINES: tuple[str, ...] = (
    "From: alice@example.com",  # i18n: keep the lines sent to the lab (data)
    "To: bob@example.com",  # i18n: keep the lines sent to the lab (data)
    "Subject: dots",
    "",
    "Our plan:",
    ".",
    ".hidden files start with a dot",  # i18n: keep the lines sent to the lab (data)
    "..",
    "P.S. see you at 3",  # i18n: keep the lines sent to the lab (data)
)
"""The lines :func:`check_dot_stuffing` sends, one ``stuff_line()`` each."""


def _line_hint(exc: LocalProtocolError) -> str:
    text = str(exc)
    if made_from(text, commands.NOT_TEXT):
        return _("return text (str), not bytes.")
    if "LF" in text or "CR" in text:
        return _(texts.LINE_HINT_CRLF)
    return _("the client refused to send your line: {error}").format(error=text)


# --------------------------------------------------------------------------- dot-stuffing


def check_dot_stuffing(stuff_line: Callable[[str], Any]) -> Result:
    """``stuff_line(line)`` for each of :data:`BODY_LINES`: the inbox holds them unchanged."""
    exercise = _("dot-stuffing")

    def attempt() -> object:
        sent = answers_to(stuff_line, BODY_LINES)
        if sent is None:
            return None
        for line, value in zip(BODY_LINES, sent, strict=True):
            if value is None:
                raise Hint(_(texts.STUFF_LINE_RETURNED).format(line=line))
            if isinstance(value, (bytes, bytearray)):
                raise Hint(_("return text (str), not bytes: client.command() sends text."))
            if not isinstance(value, str):
                raise Hint(_("return a str, not a {type}.").format(type=type(value).__name__))
            if "\r" in value or "\n" in value:
                raise Hint(
                    _(texts.STUFF_LINE_RETURNED_LINE_END).format(line=line, value=value)
                    + _(texts.LINE_HINT_CRLF)
                )
        return sent

    def verify(sent: object) -> str:
        assert isinstance(sent, list)
        with strict_lab() as lab:
            return _verify_stuffing(lab, sent)

    return evaluate(exercise, attempt, verify)


def _send_lines(lab: LabServer, lines: Sequence[str]) -> None:
    with lab_client(lab) as client:
        client.mail(_SENDER)
        client.rcpt(_RECIPIENT)
        client.command("DATA")
        try:
            for line in lines:
                client.command(line)
            client.command(".")
        except LocalProtocolError as exc:
            raise Hint(_line_hint(exc)) from None
        except SmtplabError:
            pass  # the server hung up (too many bad commands): its log and inbox tell why


def _verify_stuffing(lab: LabServer, sent: list[str]) -> str:
    _send_lines(lab, sent)
    inbox = lab.wait_for(1, timeout=CLIENT_TIMEOUT)
    expected = [line.encode() for line in BODY_LINES]
    got = inbox[0].data.split(b"\r\n")
    if got and got[-1] == b"":
        got.pop()
    session = lab.sessions[-1]
    refused = [text for text in session.sent_lines() if text.startswith("500")]
    ended = next((i for i, line in enumerate(sent) if line == "."), None)
    if ended is not None and BODY_LINES[ended] == "":
        raise Hint(_(texts.LINE_EMPTY_SENT).format(number=ended + 1))
    if len(got) < len(expected) and got == expected[: len(got)]:
        last = got[-1].decode() if got else ""
        raise Hint(
            _(texts.MESSAGE_ENDED_EARLY).format(count=len(got), last=last, refused=len(refused))
        )
    for index, (want, have) in enumerate(zip(expected, got, strict=False)):
        if want == have:
            continue
        if want.startswith(b".") and have == want[1:]:
            raise Hint(
                _(texts.LINE_ARRIVED_SERVER).format(
                    number=index + 1, want=want.decode(), have=have.decode()
                )
            )
        raise Hint(
            _(texts.LINE_SENT_ARRIVED).format(
                number=index + 1, sent=sent[index], have=have.decode(), want=want.decode()
            )
        )
    if len(got) != len(expected):
        raise Hint(_(texts.LINES_ARRIVED_INSTEAD).format(count=len(got), expected=len(expected)))
    body = next((line.raw for line in session.lines if line.kind == "body"), b"")
    wanted_on_wire = dot_stuff(b"".join(line + b"\r\n" for line in expected))
    if body != wanted_on_wire:
        raise Hint(_(texts.MESSAGE_ARRIVED_INTACT))
    return _(texts.SERVER_RECEIVED_HIDDEN).format(count=len(expected))


# --------------------------------------------------------------------------- Bcc


def check_bcc(send_with_bcc: Callable[[Client, str, str, str], Any]) -> Result:
    """``send_with_bcc(client, sender, to, bcc)``: one message, bcc in the envelope only."""
    sender, to, bcc = _SENDER, _RECIPIENT, "boss@example.com"
    returned: list[object] = []

    def run(client: Client) -> object:
        returned.append(send_with_bcc(client, sender, to, bcc))
        return returned[-1]

    def verify(client: Client, before: int) -> str:
        try:
            return _verify_bcc(lab, sender, to, bcc)
        except Hint as hint:
            if returned[-1:] != [None]:
                raise
            raise Hint(str(hint) + _(texts.FUNCTION_RETURNED_NOTHING)) from None

    with strict_lab() as lab:
        return evaluate_on_client(
            _("a blind copy"),
            lab,
            run,
            verify,
            lambda exc: _("the client refused: {error}").format(error=exc),
        )


_HEADER_LINE = re.compile(rb"^[!-9;-~]+:|^[ \t]")
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_DATE_TIME = re.compile(  # RFC 5322 §3.3, with the zones of §4.3 that are still read
    rf"^\s*(?:[A-Z]{{3}}\s*,\s*)?\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}\s+\d\d:\d\d(?::\d\d)?"
    r"\s+(?:[+-]\d{4}|UT|GMT|[ECMP][SD]T)\s*(?:\(.*\))?\s*$",
    re.IGNORECASE,
)
_MSG_ID = re.compile(r"^\s*<[^<>@\s]+@[^<>@\s]+>\s*(?:\(.*\))?\s*$")  # RFC 5322 §3.6.4


def _text_among_headers(data: bytes) -> str | None:
    """The first line of the head that is no header (the empty line is missing), or None."""
    for line in data.split(b"\r\n"):
        if not line:
            return None
        if not _HEADER_LINE.match(line):
            return line.decode("utf-8", "replace")
    return None


def _verify_bcc(lab: LabServer, sender: str, to: str, bcc: str) -> str:
    inbox = lab.inbox
    if not inbox:
        raise Hint(_(texts.MESSAGE_ARRIVED_SEND))
    if len(inbox) > 1:
        raise Hint(_(texts.MESSAGES_ARRIVED_SEND).format(count=len(inbox)))
    message = inbox[0]
    stray = _text_among_headers(message.data)
    if stray is not None:
        raise Hint(_(texts.LINE_ARRIVED_AMONG).format(line=stray))
    parts = anatomy(message.data, mail_from=message.mail_from, rcpt_tos=message.rcpt_tos)
    in_headers = [h.name for h in parts.headers if bcc.lower() in h.value.lower()]
    rcpts = [r.lower() for r in message.rcpt_tos]
    if bcc.lower() not in rcpts:
        if in_headers:
            raise Hint(_(texts.HEADER_ENVELOPE_NOTHING).format(bcc=bcc, header=in_headers[0]))
        raise Hint(_(texts.BLIND_COPY_NEVER).format(bcc=bcc))
    if to.lower() not in rcpts:
        raise Hint(_(texts.ENVELOPE_HAS_RCPT).format(to=to))
    blind = parts.header("Bcc")
    if blind is not None and "@" in blind.value:  # empty, or a group with no address
        # ('undisclosed-recipients:;'), it names nobody (RFC 5322 §3.6.3)
        raise Hint(_(texts.BCC_PUT_HEADERS))
    if in_headers:
        raise Hint(_(texts.APPEARS_HEADER_EVERY).format(bcc=bcc, header=in_headers[0]))
    if to.lower() not in (a.lower() for a in parts.header_to):
        raise Hint(_(texts.HEADER_SHOULD_SHOW).format(to=to))
    if not parts.header_from:
        raise Hint(_("the message has no From: header; RFC 5322 §3.6 requires one."))
    date, message_id = parts.header("Date"), parts.header("Message-ID")
    if date is None:
        raise Hint(_(texts.MESSAGE_HAS_DATE))
    if not _DATE_TIME.match(date.value):
        raise Hint(_(texts.DATE_NOT_RFC_5322).format(value=date.value.strip()))
    if message_id is None:
        raise Hint(_(texts.MESSAGE_HAS_MESSAGE))
    if not _MSG_ID.match(message_id.value):
        raise Hint(_(texts.MESSAGE_ID_FORM).format(value=message_id.value.strip()))
    if message.mail_from.lower() != sender.lower():
        raise Hint(_("the envelope sender (MAIL FROM) should be {sender}.").format(sender=sender))
    return _(texts.SERVER_GOT_RCPT).format(to=to, bcc=bcc)
