"""Checks for notebook 04 · TLS: STARTTLS by hand (RFC 3207), what an eavesdropper
reads of a tapped session, implicit TLS with :class:`smtplab.Client` (RFC 8314); judged
from the lab's log (whose lines carry a ``tls`` flag) or the tap's recording."""

from __future__ import annotations

import contextlib
import errno
import socket
import ssl
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from ..client import Client
from ..errors import SmtplabError, Timeout, TLSError
from ..i18n import N_, _
from ..lab import LabServer, LabSession
from ..message import compose
from ..tap import WireTap
from . import nb04_texts as texts
from .harness import TRIED, Hint, Result, Trial, evaluate, raised_hint
from .labs import Finished, ReplyReader, lab_connection, run_with_deadline, strict_lab, wait_until
from .reading import verb

__all__ = ["check_connect_implicit", "check_readable_part", "check_start_tls"]

CONNECT_DEADLINE = 3.0
"""Seconds :func:`check_connect_implicit` gives the learner's function to connect."""

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
                lambda value: _verify_start_tls(trial.lab.sessions[-1], value),
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
    if not _said(session, "EHLO", tls=True):
        raise Hint(_(texts.TLS_DID_SAY))
    refusal = _ehlo_refusal(session)
    if refusal is not None:  # the lab starts TLS after a refused EHLO, but takes no mail
        raise Hint(_(texts.SERVER_REFUSED_EHLO).format(reply=refusal))


def _ehlo_refusal(session: LabSession) -> str | None:
    """The lab's 4xx/5xx answer to an EHLO (``501`` to one without a name), or None."""
    for sent, answer in pairwise(session.lines):
        said_ehlo = sent.kind == "command" and verb(sent) == "EHLO"
        if said_ehlo and answer.direction == "S" and answer.text[:1] in ("4", "5"):
            return answer.text
    return None


def _verify_start_tls(session: LabSession, value: object) -> str:
    if value is TRIED:  # nothing returned: judge what the lab saw
        _judge_start_tls_session(session)
        return _("the server saw EHLO, STARTTLS and your EHLO inside TLS.")
    if not isinstance(value, ssl.SSLSocket):
        _judge_start_tls_session(session)
        raise Hint(_(texts.RETURNED_RETURN_SSL).format(kind=type(value).__name__))
    _judge_start_tls_session(session)
    context = value.context
    if context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname:
        raise Hint(
            _(texts.CERTIFICATE_VERIFICATION_TURNED).format(
                mode=context.verify_mode.name, check=context.check_hostname
            )
        )
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


# ------------------------------------------------------------------------------ exercise 3


# OpenSSL's verification results (X509_V_ERR_*) for a name the certificate does not cover:
# the host name, the e-mail address, the IP address.
_NAME_MISMATCH = frozenset({62, 63, 64})


def _verify_code(exc: BaseException) -> int | None:
    """OpenSSL's verification result behind a TLSError (the kit keeps it as the cause),
    the same in every language; None when no certificate check failed."""
    cause = exc.__cause__
    return cause.verify_code if isinstance(cause, ssl.SSLCertVerificationError) else None


def _connect_error_hint(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, TLSError) and "WRONG_VERSION_NUMBER" in text:
        return _(texts.IMPLICIT_TLS_LAB)
    if isinstance(exc, TLSError) and _verify_code(exc) in _NAME_MISMATCH:
        return _(texts.CERTIFICATE_NAME_CHECKED)
    if isinstance(exc, TLSError) and (
        _verify_code(exc) is not None or "CERTIFICATE_VERIFY" in text
    ):
        return _(texts.LAB_CERTIFICATE_TRUSTED)
    if isinstance(exc, Timeout):
        return _(texts.CLIENT_WAITED_GREETING)
    return raised_hint(exc)


def check_connect_implicit(connect: Callable[[LabServer], Any]) -> Result:
    """Exercise 3: ``connect(lab)`` returns a Client on implicit TLS, certificate verified."""
    with strict_lab() as lab:
        runs: list[Finished | None] = []

        def attempt() -> object:
            # run_with_deadline's thread runs in a copy of this context: the doors stay closed
            runs.append(run_with_deadline(lambda: connect(lab), CONNECT_DEADLINE))
            if runs[0] is None:
                raise Hint(_(texts.CLIENT_WAITED_GREETING))
            error = runs[0].error
            if isinstance(error, SmtplabError):
                raise Hint(_connect_error_hint(error))
            if error is not None:
                raise error
            return runs[0].value

        try:
            return evaluate(
                _(texts.EXERCISE_IMPLICIT_TLS),
                attempt,
                lambda value: _verify_implicit(lab, value),
                lab=lab,
                returns=_("the connected Client"),
            )
        finally:
            if runs and runs[0] is not None and isinstance(runs[0].value, Client):
                runs[0].value.close()


def _judge_implicit_session(lab: LabServer) -> str:
    """What the lab saw of a client whose function returned nothing (a Hint if wrong)."""
    wait_until(lambda: any(s.lines for s in lab.sessions), 1.0)
    first = next((line for s in lab.sessions for line in s.lines), None)
    if first is not None and not first.tls:
        raise Hint(_(texts.CLIENT_REACHED_LAB))
    return _("the server saw your client connect with TLS from the first byte.")


def _verify_implicit(lab: LabServer, value: object) -> str:
    if value is TRIED:  # nothing returned: judge what the lab saw
        return _judge_implicit_session(lab)
    if not isinstance(value, Client):
        raise Hint(_(texts.RETURNED_RETURN_CONNECTED).format(kind=type(value).__name__))
    info = value.transcript.tls_info
    if value.security == "starttls" or (value.tls_active and value.port == lab.port):
        raise Hint(_(texts.STARTTLS_PLAIN_FIRST))
    if not value.tls_active or info is None:
        raise Hint(_("the client is not using TLS: connect with security='tls' to lab.tls_port."))
    if not info.verified:
        raise Hint(_(texts.CONNECTION_ENCRYPTED_CERTIFICATE))
    if info.server_name is None:  # the chain was verified, the name not (check_hostname off)
        raise Hint(
            _(texts.CERTIFICATE_VERIFICATION_TURNED).format(mode="CERT_REQUIRED", check=False)
        )
    if not value.connected:  # `with Client(...) as c: return c` says QUIT on the way out
        raise Hint(_(texts.CLIENT_NO_LONGER_CONNECTED))
    return _(texts.IMPLICIT_TLS_LAB_TLS).format(
        version=info.version, name=info.server_name, issuer=info.issuer
    )
