"""Checks for notebook 04 · TLS: STARTTLS by hand (RFC 3207), what an eavesdropper
reads of a tapped session, implicit TLS with :class:`smtplab.Client` (RFC 8314; in
:mod:`.nb04_implicit`, public from here); judged from the lab's log (whose lines carry a
``tls`` flag) or the tap's recording."""

from __future__ import annotations

import contextlib
import errno
import socket
import ssl
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from ..client import Client
from ..i18n import N_, _
from ..lab import LabServer, LabSession
from ..message import compose
from ..tap import WireTap
from . import nb04_texts as texts
from .harness import TRIED, Hint, Result, Trial, evaluate
from .labs import ReplyReader, lab_connection, wait_until
from .nb04_implicit import check_connect_implicit, checks_off_hint
from .reading import verb

__all__ = ["check_connect_implicit", "check_readable_part", "check_start_tls"]

SPLIT_PIECES = 3
"""In how many pieces :func:`check_start_tls`'s lab sends each reply (``split_replies``)."""


def _said(session: LabSession, command: str, *, tls: bool) -> bool:
    """True when the client sent ``command`` with TLS on (``tls=True``) or off."""
    return any(
        line.kind == "command" and line.tls == tls and verb(line) == command
        for line in session.lines
    )


def _plain_commands(session: LabSession) -> list[str]:
    return [verb(line) for line in session.lines if line.kind == "command" and not line.tls]


# ------------------------------------------------------------------------------ exercise 1


def _start_tls_timeout_hint(session: LabSession) -> str:
    if _said(session, "EHLO", tls=True):
        return _(texts.SERVER_GOT_EHLO)
    commands = _plain_commands(session)
    if "STARTTLS" in commands:
        return _(texts.SERVER_SAID_READY)
    hint = _(texts.CODE_WAITED_REPLY).format(commands=commands or _("nothing"))
    return hint if commands else hint + _(texts.GREETING_ALREADY_READ)  # waited before a word


def check_start_tls(start_tls: Callable[[socket.socket, ssl.SSLContext, str], Any]) -> Result:
    """Exercise 1: ``start_tls(sock, context, server_name)``: EHLO, STARTTLS, 220, wrap, EHLO."""
    returned: list[Any] = []
    # every reply in pieces, as over a real network: one recv() is not one reply here
    with lab_connection(split_replies=SPLIT_PIECES) as trial:
        ReplyReader(trial.sock).reply()  # the greeting: the learner starts right after it
        try:
            return evaluate(
                _("Exercise 1 (STARTTLS by hand)"),
                lambda: _start_tls(start_tls, trial, returned),
                lambda value: _verify_start_tls(trial.lab, value),
                lab=trial.lab,
                returns=_("the TLS socket"),
            )
        finally:
            for tls in returned:  # the plain socket closes with the connection
                with contextlib.suppress(OSError):
                    tls.close()


def _start_tls(
    start_tls: Callable[[socket.socket, ssl.SSLContext, str], Any],
    trial: Trial,
    returned: list[Any],
) -> object:
    session = trial.lab.sessions[-1]
    try:
        value = start_tls(trial.sock, trial.lab.ssl_context(), trial.lab.hostname)
    except TimeoutError:
        raise Hint(_start_tls_timeout_hint(session)) from None
    except ssl.SSLCertVerificationError as exc:
        raise Hint(_(texts.CERTIFICATE_REFUSED_PASS).format(reason=exc.verify_message)) from None
    except ssl.SSLError as exc:
        if "STARTTLS" in _plain_commands(session):
            raise Hint(_(texts.TLS_HANDSHAKE_FAILED).format(reason=exc.reason or exc)) from None
        raise
    except OSError as exc:
        if exc.errno == errno.EBADF:  # the plain socket, detached by wrap_socket
            raise Hint(_(texts.CODE_USED_OLD)) from None
        raise
    except ValueError as exc:
        if "server_hostname" in str(exc):
            raise Hint(_(texts.WRAP_SOCKET_NEEDS)) from None
        raise
    if value is None or value is Ellipsis:
        return None  # the harness looks at the lab: not tried, or judged ("forgot return")
    if isinstance(value, socket.socket):  # closed after the check; a reply returned is judged
        returned.append(value)
    return value


def _judge_start_tls_session(session: LabSession) -> None:
    """Raise a :class:`Hint` when the lab's log shows the STARTTLS steps out of order."""
    refusal = next((text for text in session.sent_lines() if text.startswith("521 ")), None)
    if refusal is not None:  # the strict lab hung up on a bare LF or CR
        raise Hint(_(texts.LAB_ANSWERED_CLOSED).format(reply=refusal[:50]))
    commands = _plain_commands(session)
    if "STARTTLS" not in commands:
        raise Hint(_(texts.SERVER_NEVER_GOT))
    if "EHLO" not in commands[: commands.index("STARTTLS")]:
        raise Hint(_(texts.SAY_EHLO_BEFORE))
    wait_until(lambda: _said(session, "EHLO", tls=True), 1.0)
    again = _starttls_again(session)
    if again is not None:
        raise Hint(_(texts.STARTTLS_AGAIN).format(reply=again))
    if not _said(session, "EHLO", tls=True):
        raise Hint(_(texts.TLS_DID_SAY))
    inside = [verb(line) for line in session.lines if line.kind == "command" and line.tls]
    first = next(word for word in inside if word)  # an EHLO came: there is a first word
    if first != "EHLO":
        raise Hint(_(texts.FIRST_INSIDE_TLS).format(command=first))
    refusal = _ehlo_refusal(session)
    if refusal is not None:  # the lab starts TLS after a refused EHLO, but takes no mail
        raise Hint(_(texts.SERVER_REFUSED_EHLO).format(reply=refusal))


def _starttls_again(session: LabSession) -> str | None:
    """The lab's answer to a STARTTLS sent inside TLS (503: TLS is active), or None."""
    lines = session.lines
    for index, line in enumerate(lines):
        if line.kind == "command" and line.tls and verb(line) == "STARTTLS":
            return next((later.text for later in lines[index + 1 :] if later.direction == "S"), "")
    return None


def _ehlo_refusal(session: LabSession) -> str | None:
    """The lab's 4xx/5xx answer to an EHLO (``501`` to one without a name), or None."""
    for sent, answer in pairwise(session.lines):
        said_ehlo = sent.kind == "command" and verb(sent) == "EHLO"
        if said_ehlo and answer.direction == "S" and answer.text[:1] in ("4", "5"):
            return answer.text
    return None


def _verify_start_tls(lab: LabServer, value: object) -> str:
    session = lab.sessions[-1]
    if value is TRIED:  # nothing returned: judge what the lab saw
        _judge_start_tls_session(session)
        return _("the server saw EHLO, STARTTLS and your EHLO inside TLS.")
    if not isinstance(value, ssl.SSLSocket):
        _judge_start_tls_session(session)
        raise Hint(_(texts.RETURNED_RETURN_SSL).format(kind=type(value).__name__))
    _judge_start_tls_session(session)
    checks_off = checks_off_hint(value.context, lab, _("the context you were given"))
    if checks_off is not None:
        raise Hint(checks_off)
    return _(texts.SERVER_SAW_EHLO).format(version=value.version(), name=value.server_hostname)


# ------------------------------------------------------------------------------ exercise 2


def _record_sessions(lab: LabServer) -> tuple[bytes, bytes]:
    """What a client sent through a tap: one STARTTLS session, one plain session."""
    draft = compose(
        sender="student@lab.smtplab.test",
        to="bob@example.com",
        subject="Salary review",
        body="My password hint is: the cat's name.\n",  # i18n: keep a message's body, on the wire
    )
    with WireTap(lab.host, lab.port) as tap:
        with Client(
            tap.host, tap.port, context=lab.ssl_context(), local_hostname="learner.example"
        ) as client:
            client.starttls()
            client.send_message(draft.message)
        with Client(tap.host, tap.port, local_hostname="learner.example") as client:
            client.send_message(draft.message)
        tap.wait_closed(2.0)
        return tap.bytes_from("C", connection=1), tap.bytes_from("C", connection=2)


def _readable(data: bytes) -> bytes:
    start = data.find(b"\x16\x03")
    return data if start < 0 else data[:start]


STARTTLS_SESSION = N_("STARTTLS session")
PLAIN_SESSION = N_("plain session")


def _judge_readable(which: str, data: bytes, got: Any) -> None:
    expected = _readable(data)
    if isinstance(got, str):
        raise Hint(_(texts.RETURNED_STR_RETURN).format(which=_(which)))
    if not isinstance(got, (bytes, bytearray)):
        raise Hint(_(texts.RETURNED_RETURN_BYTES).format(kind=type(got).__name__))
    got = bytes(got)
    if got == expected:
        return
    if which == PLAIN_SESSION:
        raise Hint(_(texts.SESSION_WITHOUT_STARTTLS).format(total=len(data), count=len(got)))
    if got.startswith(expected):
        raise Hint(_(texts.KEPT_BYTES_FROM))
    if expected.startswith(got):
        missing = expected[len(got) :]
        raise Hint(_(texts.CUT_TOO_EARLY).format(missing=missing))
    raise Hint(_(texts.EAVESDROPPER_READS_FIRST).format(count=len(expected), start=expected[:40]))


def check_readable_part(readable_part: Callable[[bytes], Any]) -> Result:
    """Exercise 2: ``readable_part(data)``: the bytes before the first TLS record (0x16 0x03)."""
    exercise = _("Exercise 2 (what the eavesdropper reads)")
    with LabServer() as lab:
        with_tls, plain = _record_sessions(lab)

    def verify(value: object) -> str:
        _judge_readable(STARTTLS_SESSION, with_tls, value)
        try:
            second = readable_part(plain)
        except Exception as exc:  # the learner's code on the plain session
            raise Hint(
                _(texts.SESSION_WITHOUT_STARTTLS_FUNCTION).format(
                    kind=type(exc).__name__, error=exc
                )
            ) from None
        _judge_readable(PLAIN_SESSION, plain, second)
        readable = _readable(with_tls)
        return _(texts.STARTTLS_EAVESDROPPER_READS).format(
            count=len(readable), total=len(with_tls), readable=readable, plain=len(plain)
        )

    return evaluate(exercise, lambda: readable_part(with_tls), verify)
