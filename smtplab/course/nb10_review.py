"""Notebook 10's review of the given client, one check per bug, each on a fresh QQ
look-alike, and the optional extension (a picture attached: multipart/mixed, base64).
``smtplab.course.nb10`` is the public path of its checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..i18n import _
from ..lab import LabServer, ReceivedMessage
from . import nb10_texts as texts
from .harness import TRIED, Hint, Result, evaluate, work_of
from .labs import quick_lookalike
from .nb10_client import (
    BODY,
    PNG,
    body_lines,
    dots_hint,
    job_for,
    judge_names,
    judge_returned_reply,
    received_message,
    run_client,
    separator_hint,
)

__all__: list[str] = []  # public as smtplab.course.nb10

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
    with quick_lookalike("qq") as lab:

        def attempt() -> object:
            try:
                value = run_client(fixed_send, job_for(lab))
            except Exception as error:  # the look-alike's own refusal says more than the error
                refusal = _from_header_refusal(lab)
                if refusal is not None:
                    raise Hint(refusal) from error
                raise
            return work_of(value, lab)

        def verify(value: object) -> str:
            received = received_message(lab) if needs_message else None
            said = judge(lab, received)
            if value is not TRIED and lab.sessions:
                judge_returned_reply(lab.sessions[-1], value)
            return said

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
        return _(texts.EHLO_CLIENT_OWN).format(name=name)

    return _review(_("fix bug 1: the EHLO name"), fixed_send, judge)


def check_fixed_separator(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 2: an empty line ends the headers; the inbox's parser finds no defect."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        assert received is not None
        if received.defects:
            raise Hint(separator_hint(received))
        subject = received.message.get("Subject")
        if subject is None:
            raise Hint(_(texts.NO_SUBJECT).format(header="Subject"))
        first = body_lines(received)[:1]
        if first != BODY.splitlines()[:1]:
            raise Hint(_(texts.BODY_STARTS).format(first=first))
        return _("the headers end with an empty line: no defect, the body starts where it should.")

    return _review(_("fix bug 2: the empty line after the headers"), fixed_send, judge)


def check_fixed_dots(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 3: every body line that starts with a dot is sent with one more dot."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        assert received is not None
        body, want = body_lines(received), BODY.splitlines()
        if body[: len(want)] != want:
            raise Hint(dots_hint(body, want))
        return _("the lines that start with a dot arrived as written: your client dot-stuffs.")

    return _review(_("fix bug 3: dot-stuffing"), fixed_send, judge)


def check_fixed_names(fixed_send: Callable[[dict[str, Any]], Any]) -> Result:
    """Bug 4: the names in From and To as RFC 2047 words (or SMTPUTF8 declared)."""

    def judge(lab: LabServer, received: ReceivedMessage | None) -> str:
        assert received is not None
        judge_names(received)
        how = _("declared SMTPUTF8") if received.smtputf8 else _("RFC 2047 encoded words")
        return _("张三 and 李四 arrived readable in From and To ({how}).").format(how=how)

    return _review(_("fix bug 4: the names in From and To"), fixed_send, judge)


# ----------------------------------------------------------- optional: attach a picture


def check_attachment(send_with_picture: Callable[[dict[str, Any]], Any]) -> Result:
    """``send_with_picture(job)``: multipart/mixed, the text, and the picture as
    image/png in base64 with its file name; the lab's inbox decodes the same bytes."""
    exercise = _("attach a picture")
    with quick_lookalike("qq") as lab:

        def attempt() -> object:
            value = run_client(send_with_picture, job_for(lab, picture=PNG, filename="dot.png"))
            return work_of(value, lab)

        def verify(value: object) -> str:
            message = received_message(lab).message
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
            longest = max(map(len, str(picture.get_payload()).splitlines()), default=0)
            if longest > 76:
                raise Hint(_(texts.BASE64_LINE_LONG).format(length=longest))
            if picture.get_payload(decode=True) != PNG:
                raise Hint(_("the picture's base64 does not decode to the bytes you were given."))
            if picture.get_filename() != "dot.png":
                raise Hint(_(texts.NO_FILE_NAME))
            if value is not TRIED:
                judge_returned_reply(lab.sessions[-1], value)
            return _("multipart/mixed with the text and dot.png in base64: the inbox decodes it.")

        return evaluate(exercise, attempt, verify, lab=lab, returns=_("the reply to the message"))
