"""Checks for notebook 04 · TLS: STARTTLS by hand (RFC 3207), what an eavesdropper
reads of a tapped session, implicit TLS with :class:`smtplab.Client` (RFC 8314); judged
from the lab's log (whose lines carry a ``tls`` flag) or the tap's recording."""

from __future__ import annotations

import contextlib
import contextvars
import errno
import socket
import ssl
from collections.abc import Callable
from typing import Any

from ..client import Client
from ..errors import SmtplabError, Timeout, TLSError
from ..i18n import N_, _
from ..lab import LabServer, LabSession
from ..message import compose
from ..tap import WireTap
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
        return _(
            "the server got your EHLO inside TLS and answered, but your code waited in vain: "
            "after wrap_socket, read from the NEW socket it returned (tls.recv or "
            "tls.makefile('rb')); the old socket or file only sees encrypted bytes."
        )
    commands = _plain_commands(session)
    if "STARTTLS" in commands:
        return _(
            "the server said '220 Ready to start TLS' and waits for your TLS handshake, but "
            "your code kept waiting for something else. After the 220, call "
            "context.wrap_socket(sock, server_hostname=server_name)."
        )
    return _(
        "your code waited for a reply that never came (the server got {commands}): "
        "end every command with \\r\\n, and stop reading at the line with a space after the "
        "code ('250 STARTTLS')."
    ).format(commands=commands or _("nothing"))


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
        raise Hint(
            _(
                "the certificate was refused ({reason}): pass the context you were given, "
                "and server_hostname=server_name (the name in the lab's certificate)."
            ).format(reason=exc.verify_message)
        ) from None
    except ssl.SSLError as exc:
        if "STARTTLS" in _plain_commands(session):
            raise Hint(
                _(
                    "the TLS handshake failed ({reason}): you wrapped the socket before "
                    "reading the server's '220 Ready to start TLS', so TLS read plain-text lines "
                    "as if they were a TLS record. Read every reply to its last line (the EHLO "
                    "reply has several, RFC 5321 §4.2.1), then the 220, then wrap."
                ).format(reason=exc.reason or exc)
            ) from None
        raise
    except OSError as exc:
        if exc.errno == errno.EBADF:  # the plain socket, detached by wrap_socket
            raise Hint(
                _(
                    "your code used the old socket (or a file made from it) after "
                    "wrap_socket: wrap_socket takes the connection over. Send and read "
                    "with the NEW socket it returned (tls.sendall, tls.makefile('rb'))."
                )
            ) from None
        raise
    except ValueError as exc:
        if "server_hostname" in str(exc):
            raise Hint(
                _(
                    "wrap_socket needs server_hostname=server_name: it is the name the "
                    "certificate must be issued for (without it nothing checks WHO you are "
                    "talking to)."
                )
            ) from None
        raise
    if value is None or value is Ellipsis:
        return None  # the harness looks at the lab: not tried, or judged ("forgot return")
    returned.append(value)
    return value


def _judge_start_tls_session(session: LabSession) -> None:
    """Raise a :class:`Hint` when the lab's log shows the STARTTLS steps out of order."""
    refusal = next((text for text in session.sent_lines() if text.startswith("521 ")), None)
    if refusal is not None:  # the strict lab hung up on a bare LF or CR
        raise Hint(
            _(
                "the lab answered {reply!r}... and closed the connection: end every line "
                "with \\r\\n (CR LF), not \\n alone (RFC 5321 §2.3.8). Hardened servers refuse "
                "a bare LF as this check's lab did; a lenient server may have let it through."
            ).format(reply=refusal[:50])
        )
    commands = _plain_commands(session)
    if "STARTTLS" not in commands:
        raise Hint(
            _(
                "the server never got STARTTLS in plain text: send 'STARTTLS\\r\\n' "
                "after EHLO, read the 220, then wrap."
            )
        )
    if "EHLO" not in commands[: commands.index("STARTTLS")]:
        raise Hint(
            _(
                "say EHLO before STARTTLS: its reply is how you learn that the server "
                "offers STARTTLS at all (RFC 3207 §4)."
            )
        )
    wait_until(lambda: _said(session, "EHLO", tls=True), 1.0)
    if not _said(session, "EHLO", tls=True):
        raise Hint(
            _(
                "TLS is on, but you did not say EHLO again after STARTTLS: the server "
                "forgot everything from before TLS (RFC 3207 §4.2), and only the new "
                "EHLO reply tells you what it offers now (AUTH appears here)."
            )
        )


def _verify_start_tls(session: LabSession, value: object) -> str:
    if value is TRIED:  # nothing returned: judge what the lab saw
        _judge_start_tls_session(session)
        return _("the server saw EHLO, STARTTLS and your EHLO inside TLS.")
    if not isinstance(value, ssl.SSLSocket):
        _judge_start_tls_session(session)
        raise Hint(
            _(
                "you returned {kind}: return the ssl.SSLSocket that the "
                "context's wrap_socket gave you."
            ).format(kind=type(value).__name__)
        )
    _judge_start_tls_session(session)
    context = value.context
    if context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname:
        raise Hint(
            _(
                "certificate verification was turned off (verify_mode {mode}, "
                "check_hostname {check}): then anyone in the middle could pose as "
                "the server. Use the context you were given, unchanged."
            ).format(mode=context.verify_mode.name, check=context.check_hostname)
        )
    return _(
        "the server saw EHLO and STARTTLS in plain text, then your EHLO inside TLS "
        "({version}, certificate for {name!r} verified)."
    ).format(version=value.version(), name=value.server_hostname)


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
        raise Hint(
            _(
                "for the {which} you returned a str: return bytes, a slice of data "
                "(data[:n]), so nothing is decoded or changed."
            ).format(which=_(which))
        )
    if not isinstance(got, (bytes, bytearray)):
        raise Hint(
            _("you returned {kind}: return bytes (a slice of data).").format(
                kind=type(got).__name__
            )
        )
    got = bytes(got)
    if got == expected:
        return
    if which == PLAIN_SESSION:
        raise Hint(
            _(
                "in the session without STARTTLS everything is readable, the whole message "
                "included: return all of data ({total} bytes), not {count} bytes."
            ).format(total=len(data), count=len(got))
        )
    if got.startswith(expected):
        raise Hint(
            _(
                "you kept bytes from after STARTTLS: from the first TLS record on (it starts "
                "with 0x16 0x03) an eavesdropper sees only encrypted bytes. Cut there."
            )
        )
    if expected.startswith(got):
        missing = expected[len(got) :]
        raise Hint(
            _(
                "you cut too early: {missing!r} also crossed in plain text. The STARTTLS "
                "command itself is readable; what follows it is not."
            ).format(missing=missing)
        )
    raise Hint(
        _(
            "an eavesdropper reads the first {count} bytes ({start!r}...), the "
            "bytes before the first TLS record: return exactly data[:n] for that n."
        ).format(count=len(expected), start=expected[:40])
    )


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
                _(
                    "on a session without STARTTLS your function raised {kind}: "
                    "{error}. When no TLS record comes, everything is readable: return all of "
                    "data."
                ).format(kind=type(exc).__name__, error=exc)
            ) from None
        _judge_readable(PLAIN_SESSION, plain, second)
        readable = _readable(with_tls)
        return _(
            "with STARTTLS an eavesdropper reads {count} of {total} bytes "
            "({readable!r}); without it, all {plain} bytes, the message included."
        ).format(count=len(readable), total=len(with_tls), readable=readable, plain=len(plain))

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
        return _(
            "implicit TLS to lab.port failed with WRONG_VERSION_NUMBER: that port speaks plain "
            "SMTP first (STARTTLS, 587 style), so its '220' greeting was read as a TLS record. "
            "Implicit TLS is on lab.tls_port."
        )
    if isinstance(exc, TLSError) and _verify_code(exc) in _NAME_MISMATCH:
        return _(
            "the certificate is not for the name you checked: leave server_hostname out (the "
            "lab's certificate covers 127.0.0.1) or use lab.hostname."
        )
    if isinstance(exc, TLSError) and (
        _verify_code(exc) is not None or "CERTIFICATE_VERIFY" in text
    ):
        return _(
            "the lab's certificate was not trusted: without context= the client uses the "
            "system's authorities, and the lab's CA is not one of them. Pass a context that "
            "trusts the lab's CA (the lab gives you one)."
        )
    if isinstance(exc, Timeout):
        return _plain_on_tls_port_hint()
    return raised_hint(exc)


def _plain_on_tls_port_hint() -> str:
    return _(
        "your client waited for a greeting on the implicit-TLS port, while the server waited "
        "for a TLS handshake: each waits for the other. On lab.tls_port use security='tls' "
        "(TLS from the first byte)."
    )


def check_connect_implicit(connect: Callable[[LabServer], Any]) -> Result:
    """Exercise 3: ``connect(lab)`` returns a Client on implicit TLS, certificate verified."""
    with strict_lab() as lab:
        runs: list[Finished | None] = []

        def attempt() -> object:
            inside = contextvars.copy_context()  # the check's closed doors, in the thread too
            runs.append(run_with_deadline(lambda: inside.run(connect, lab), CONNECT_DEADLINE))
            if runs[0] is None:
                raise Hint(_plain_on_tls_port_hint())
            error = runs[0].error
            if isinstance(error, SmtplabError):
                raise Hint(_connect_error_hint(error))
            if error is not None:
                raise error
            return runs[0].value

        try:
            return evaluate(
                _("Exercise 3 (implicit TLS with Client)"),
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
        raise Hint(
            _(
                "your client reached the lab's plain port (STARTTLS style). This exercise wants "
                "implicit TLS: TLS from the first byte, on lab.tls_port."
            )
        )
    return _("the server saw your client connect with TLS from the first byte.")


def _verify_implicit(lab: LabServer, value: object) -> str:
    if value is TRIED:  # nothing returned: judge what the lab saw
        return _judge_implicit_session(lab)
    if not isinstance(value, Client):
        raise Hint(
            _(
                "you returned {kind}: return the connected Client "
                "(implicit TLS: which port, which security mode, which context?)."
            ).format(kind=type(value).__name__)
        )
    info = value.transcript.tls_info
    if value.security == "starttls" or (value.tls_active and value.port == lab.port):
        raise Hint(
            _(
                "that is STARTTLS (plain first, then TLS: the 587 style). This exercise wants "
                "implicit TLS, TLS from the first byte: security='tls' on lab.tls_port."
            )
        )
    if not value.tls_active or info is None:
        raise Hint(_("the client is not using TLS: connect with security='tls' to lab.tls_port."))
    if not info.verified:
        raise Hint(
            _(
                "the connection is encrypted, but the certificate was NOT verified "
                "(verify=False): anyone in the middle could pose as the server. Verify it with "
                "a context that trusts the lab's CA instead."
            )
        )
    return _(
        "implicit TLS on the lab's TLS port: {version}, certificate for "
        "{name!r} verified (issuer: {issuer})."
    ).format(version=info.version, name=info.server_name, issuer=info.issuer)
