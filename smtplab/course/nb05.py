"""Checks for notebook 05 (AUTH): LOGIN by hand, the PLAIN response (RFC 4616), and a
password read from ``SMTPLAB_PASSWORD`` or getpass (in :mod:`.nb05_password`, with the
masking the three checks share; public from here). The lab's log masks secrets, so where
a hint needs the password line the check reads the client's own transcript; no hint
ever repeats a password or its base64."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any
from unittest import mock

from .. import auth, commands
from ..auth import b64decode_text
from ..client import Client
from ..errors import LocalProtocolError, SmtplabError
from ..i18n import _, made_from
from ..lab import LabServer
from ..replies import Reply
from ..transcript import Secret
from . import nb05_texts as texts
from .harness import Hint, Result, evaluate
from .labs import evaluate_on_client, lab_client, strict_lab
from .nb05_password import (
    ENV_VARIABLE,  # noqa: F401  (importable from here, as before)
    USER,
    check_read_password,
    kept_secret,
    quiet_about,
)
from .reading import verb

__all__ = ["check_login_by_hand", "check_plain_response", "check_read_password"]

_PASSWORD_PROMPT = "UGFzc3dvcmQ6"  # base64 of "Password:"


def _local_hint(exc: LocalProtocolError) -> str:
    text = str(exc)
    if made_from(text, commands.NOT_TEXT) or made_from(text, auth.NOT_TEXT):
        return _(texts.CLIENT_COMMAND_TAKES)
    if "LF" in text or "CR" in text:
        return _(texts.LINE_SENT_HAD)
    if "NUL" in text:
        return _(texts.NUL_BYTE_CANNOT)
    return _("the client refused to send a line: {error}").format(error=text)


def _client_line_after(client: Client, prompt: str) -> bytes | None:
    """The bytes the client wrote right after the server's ``334 <prompt>`` (or None)."""
    entries = list(client.transcript.entries)
    for index, entry in enumerate(entries):
        raw = entry.raw
        if entry.direction != "S" or not isinstance(raw, bytes):
            continue
        if raw.startswith(f"334 {prompt}".encode()):
            for later in entries[index + 1 :]:
                if later.direction == "C":
                    data = later.raw.reveal() if isinstance(later.raw, Secret) else later.raw
                    return bytes(data).rstrip(b"\r\n")
            return None
    return None


# --------------------------------------------------------------------------- LOGIN


def check_login_by_hand(login_by_hand: Callable[[Client, str, str], Any]) -> Result:
    """``login_by_hand(client, user, password)``: AUTH LOGIN, each 334 answered in base64."""
    with strict_lab() as lab:
        password = lab.users[USER]
        returned: list[object] = []
        by_login: list[bool] = []  # the kit's client.login() did it all

        def run(client: Client) -> object:
            with quiet_about(password), mock.patch.object(client, "login", wraps=client.login):
                returned.append(login_by_hand(client, USER, password))
                by_login.append(client.login.called)
            return returned[-1]

        def verify(client: Client, before: int) -> str:
            if by_login and by_login[0]:
                raise Hint(_(texts.USED_CLIENT_LOGIN))
            passed = _verify_login(lab, client, before, password)
            if returned and (returned[0] is None or returned[0] is Ellipsis):
                raise Hint(_(texts.SERVER_LOGGED_FORGOT))
            if returned and not _is_235(returned[0]):
                raise Hint(_(texts.RETURNED_NOT_LAST).format(reply=str(returned[0])[:60]))
            return passed

        result = evaluate_on_client(
            _("AUTH LOGIN by hand"), lab, run, verify, _local_hint, starttls=True
        )
        return kept_secret(result, password)


def _is_235(value: object) -> bool:
    """The last reply, 235, as client.command() returned it, as text or bytes, or its code."""
    if isinstance(value, Reply):
        return value.code == 235
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("latin-1")
    if isinstance(value, str):
        return value.lstrip().startswith("235")
    return type(value) is int and value == 235


def _verify_login(lab: LabServer, client: Client, before: int, password: str) -> str:
    session = lab.sessions[-1]
    lines = session.lines[before:]
    received = [line for line in lines if line.direction == "C"]
    while received and verb(received[0]) in ("EHLO", "HELO", "NOOP"):  # harmless before AUTH
        received.pop(0)
    sent = [line.text for line in lines if line.direction == "S"]
    if not received:
        raise Hint(_(texts.SERVER_RECEIVED_NOTHING))
    first = received[0].text.strip()
    if first.upper().startswith("AUTH PLAIN"):
        raise Hint(_(texts.SENT_AUTH_PLAIN))
    if first.upper().startswith("AUTH LOGIN "):
        raise Hint(_(texts.SEND_AUTH_LOGIN))
    if first.upper() != "AUTH LOGIN":
        raise Hint(_(texts.FIRST_LINE_SERVER))
    if not any(text.startswith("334") for text in sent):  # "auth logın": 504, no prompt
        reply = next((text for text in sent if text[:1] in "2345"), _("no reply"))
        raise Hint(_(texts.AUTH_LINE_REFUSED).format(line=first, reply=reply[:60]))
    if len(received) < 2:
        raise Hint(_(texts.SERVER_ANSWERED_VXNLCM))
    user_text = received[1].text.strip()
    if user_text == USER:
        raise Hint(_(texts.SENT_USER_NAME))
    if b64decode_text(user_text) == password:
        raise Hint(_(texts.ANSWERED_FIRST_PROMPT))
    if b64decode_text(user_text) != USER:
        decoded = b64decode_text(user_text)
        if decoded is not None and len(decoded) < 40:
            shown = _("it decodes to {decoded!r}").format(decoded=decoded)
        else:
            shown = _("it is not base64 of text")
        raise Hint(_(texts.ANSWER_USERNAME_BASE).format(shown=shown))
    if any(text.startswith("235") for text in sent) and session.auth_user == USER:
        return _(texts.SERVER_RECEIVED_AUTH)
    password_line = _client_line_after(client, _PASSWORD_PROMPT)
    if password_line is None:
        raise Hint(_(texts.SERVER_ASKED_UGFZC))
    if password_line == password.encode("utf-8"):
        raise Hint(_(texts.SENT_PASSWORD_CLEAR))
    last = next((text for text in reversed(sent) if text[:1] in "2345"), _("no reply"))
    typed = b64decode_text(password_line.decode("ascii", "replace"))
    if last.startswith("535") and typed and password not in typed:
        raise Hint(_(texts.SERVER_ANSWERED_PASSWORD_LINE).format(reply=last[:60]))
    raise Hint(_(texts.SERVER_ANSWERED_PASSWORD).format(reply=last[:60]))


# --------------------------------------------------------------------------- PLAIN


def check_plain_response(plain_response: Callable[[str, str], Any]) -> Result:
    """``plain_response(user, password)``: base64 of NUL user NUL password, sent to a lab."""
    exercise = _("AUTH PLAIN response")
    with strict_lab() as lab:
        password = lab.users[USER]
        result = evaluate(
            exercise,
            lambda: _quietly(plain_response, password),
            lambda value: _verify_plain(lab, value, password),
        )
        return kept_secret(result, password)


def _quietly(plain_response: Callable[[str, str], Any], password: str) -> object:
    with quiet_about(password):
        return plain_response(USER, password)


def _diagnose_plain(value: str, password: str) -> str | None:
    """A hint for a PLAIN response that cannot be right, without sending it."""
    if value.lstrip()[:2] in ("b'", 'b"'):
        return _(texts.STR_OF_BYTES)
    if password in value or "\0" in value:
        return _(texts.RESPONSE_HOLDS_PASSWORD)
    if not value.strip():
        return _("your response is empty: return the base64 of PLAIN's three fields (RFC 4616 §2).")
    if value.split()[0].upper() == "AUTH":
        return _(texts.RESPONSE_WHOLE_LINE)
    if any(char.isspace() for char in value):  # encodebytes' final "\n" too
        return _(texts.RESPONSE_HAS_SPACES)
    return None


def _explain_plain(value: str, user: str, password: str) -> str:
    """Why the server refused ``value``: look at what it decodes to."""
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return _(texts.SERVER_COULD_DECODE)
    pw = password.encode("utf-8")
    name = user.encode("utf-8")
    if raw == pw:
        return _(texts.BASE_ENCODED_PASSWORD)
    if b"\0" not in raw:
        return _(texts.FORGOT_NUL_BYTES)
    fields = raw.split(b"\0")
    if len(fields) == 2:
        return _(texts.ONE_NUL_BYTE)
    if len(fields) == 3 and fields[1] == pw and fields[2] == name:
        return _(texts.USER_PASSWORD_SWAPPED)
    if len(fields) == 3 and fields[1] == name and fields[2] != pw:
        return _(texts.USER_NAME_RIGHT)
    return _(texts.SERVER_REFUSED_PLAIN)


def _verify_plain(lab: LabServer, value: object, password: str) -> str:
    if isinstance(value, (bytes, bytearray)):
        raise Hint(_(texts.RETURN_TEXT_STR))
    if not isinstance(value, str):
        raise Hint(_(texts.RETURN_BASE_TEXT).format(kind=type(value).__name__))
    local = _diagnose_plain(value, password)
    if local is not None:
        raise Hint(local)
    with lab_client(lab, starttls=True) as client:
        before = len(lab.sessions[-1].lines)
        try:
            reply = client.command("AUTH PLAIN " + value.strip())
        except SmtplabError as exc:
            raise Hint(_("sending it failed: {error}").format(error=exc)) from None
        session = lab.sessions[-1]
        received = [line for line in session.lines[before:] if line.direction == "C"]
    if not received or not received[0].text.upper().startswith("AUTH PLAIN"):
        raise Hint(_("the server did not receive your AUTH PLAIN line."))
    if reply is not None and reply.code == 235 and session.auth_user == USER:
        return _(texts.SERVER_RECEIVED_AUTH_PLAIN)
    code = f"{reply.code} {reply.message}" if reply is not None else _("nothing")
    raise Hint(
        _("the server answered {reply}: ").format(reply=code)
        + _explain_plain(value, USER, password)
    )
