"""Notebook 04's exercise 3, implicit TLS with :class:`smtplab.Client` (RFC 8314), public
from :mod:`smtplab.course.nb04`, and what both of the notebook's TLS exercises say of a
certificate check turned off: which check, and how the learner turned it off."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

from ..client import Client
from ..errors import SmtplabError, Timeout, TLSError
from ..i18n import _
from ..lab import LabServer
from . import nb04_texts as texts
from .harness import TRIED, Hint, Result, evaluate, raised_hint
from .labs import Finished, run_with_deadline, strict_lab, wait_until

__all__: list[str] = []  # public as smtplab.course.nb04 (check_connect_implicit)

CONNECT_DEADLINE = 3.0
"""Seconds :func:`check_connect_implicit` gives the learner's function to connect."""


def checks_off_hint(context: ssl.SSLContext, lab: LabServer, source: str) -> str | None:
    """What ``context`` fails to check, and how it came to, as a hint (None when it
    checks the chain and the name). ``source`` names the context the learner should have
    used as it is ("the context you were given", ``lab.ssl_context()``)."""
    if context.verify_mode != ssl.CERT_NONE:  # CERT_OPTIONAL verifies a certificate shown
        return None if context.check_hostname else _(texts.NAME_CHECK_OFF).format(source=source)
    lab_ca = lab.ssl_context().get_ca_certs()
    if any(ca in lab_ca for ca in context.get_ca_certs()):  # the lab's context, turned off
        return _(texts.CHAIN_CHECK_OFF).format(source=source)
    return _(texts.UNVERIFIED_CONTEXT).format(source=source)


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


def _checks_off(client: Client) -> str | None:
    """What the learner's Client did not check of the certificate, as a hint (or None),
    from what its handshake recorded (``transcript.tls_info``). ``verify=False`` and a
    context with ``CERT_NONE`` look the same there, so one hint names both."""
    info = client.transcript.tls_info
    if info is not None and not info.verified:
        return _(texts.VERIFICATION_OFF)
    if info is not None and info.server_name is None:  # the chain checked, the name not
        return _(texts.NAME_CHECK_OFF).format(source="lab.ssl_context()")
    return None


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
    checks_off = _checks_off(value)
    if checks_off is not None:
        raise Hint(checks_off)
    if not value.connected:  # `with Client(...) as c: return c` says QUIT on the way out
        raise Hint(_(texts.CLIENT_NO_LONGER_CONNECTED))
    return _(texts.IMPLICIT_TLS_LAB_TLS).format(
        version=info.version, name=info.server_name, issuer=info.issuer
    )
