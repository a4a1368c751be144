"""Logging in from the client (RFC 4954): whether AUTH may go out, and the exchange itself.

:meth:`smtplab.client.Client.login` asks :func:`choose` which mechanism to use, and
whether this connection may carry it: AUTH goes out only inside TLS, unless the learner
opts in for a lesson (``allow_unencrypted_auth=True``), and then the transcript says so
before the AUTH line (:data:`IN_CLEAR_WARNING`). :func:`run` runs the mechanism's
lines; the password stays a :class:`~smtplab.secrecy.SecretText` and is revealed only
where :mod:`smtplab.auth` base64-encodes it, so no frame of a failing login holds it.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable

from . import auth
from .commands import Auth, AuthContinuation, Command
from .errors import NotSupported, SmtplabError, UnencryptedAuthRefused
from .errors_texts import TRANSPORT_ADVICE
from .extensions import Extensions
from .i18n import N_, _
from .replies import Reply
from .secrecy import SecretText

__all__: list[str] = []

IN_CLEAR_WARNING = N_(
    "⚠ WARNING: AUTH WITHOUT TLS (allow_unencrypted_auth=True). The password below crosses "
    "the network only base64-encoded: anyone on the path can read it. Lab lessons only, "
    "never with a real password."
)
"""The note the transcript gets before an AUTH the learner allowed in clear (in English:
:func:`in_clear_warning` gives it in the current language)."""


def in_clear_warning() -> str:
    """:data:`IN_CLEAR_WARNING` in the current language."""
    return _(IN_CLEAR_WARNING)


def choose(
    extensions: Extensions,
    mechanism: str | None,
    *,
    tls_active: bool,
    allow_unencrypted_auth: bool,
    where: str,
) -> str:
    """The mechanism to log in with (LOGIN by default when offered), or an error when AUTH
    must not go out: NotSupported when the server offers AUTH only after STARTTLS, or no
    mechanism that fits, and UnencryptedAuthRefused on a connection without TLS unless
    ``allow_unencrypted_auth``. Nothing is sent either way."""
    offered = extensions.auth_mechanisms
    if not offered and not tls_active and extensions.starttls:
        raise NotSupported(
            _(
                "the server offers AUTH only after STARTTLS (its EHLO reply lists "
                "STARTTLS and no AUTH): call starttls() first, then login()."
            )
        )
    preferred = "LOGIN" if mechanism is None and "LOGIN" in offered else mechanism
    chosen = auth.choose_mechanism(offered, preferred)
    if not tls_active and not allow_unencrypted_auth:
        why = (
            _(
                " (the server offers STARTTLS: call starttls() before login(); if it refused "
                "STARTTLS, as with 454, use its implicit-TLS port or another server)"
            )
            if extensions.starttls
            else _(" (no TLS, and the server offers no STARTTLS)")
        )
        advice = TRANSPORT_ADVICE["in clear"]
        raise UnencryptedAuthRefused(advice.format(mechanism=chosen, where=where, why=why))
    return chosen


def run(
    ask: Callable[[Command, str], Reply],
    mechanism: str,
    username: str,
    password: SecretText,
    step: str,
) -> Reply:
    """Run the AUTH exchange of ``mechanism`` with ``ask(command, step)`` (send one line,
    read its reply); return the server's last reply. Each answer is computed when its
    334 has come, so no encoded password waits in a frame."""
    answers: tuple[Callable[[Reply], str], ...] = ()
    if mechanism == "PLAIN":  # no encoded answer is ever a local here (frames show locals)
        reply = ask(
            Auth("PLAIN", _encoded(lambda: auth.plain_response(username, password.reveal()))),
            step,
        )
    elif mechanism == "XOAUTH2":
        reply = ask(
            Auth("XOAUTH2", _encoded(lambda: auth.xoauth2_response(username, password.reveal()))),
            step,
        )
        answers = (lambda _: "",)  # a 334 here carries the error: an empty line acknowledges it
    elif mechanism == "LOGIN":
        reply = ask(Auth("LOGIN"), step)
        answers = (
            lambda _: auth.login_username(username),
            lambda _: auth.login_password(password.reveal()),
        )
    else:  # CRAM-MD5: the answer signs the server's challenge
        reply = ask(Auth(mechanism), step)
        answers = (lambda c: auth.cram_md5_response(username, password.reveal(), c.text.strip()),)
    cancel = functools.partial(ask, AuthContinuation("*"), step)  # RFC 4954 §4
    for answer in answers:
        if reply.code != 334:
            break
        reply = ask(AuthContinuation(_encoded(functools.partial(answer, reply), cancel)), step)
    return cancel() if reply.code == 334 else reply  # 334: more than the mechanism has


def _encoded(encode: Callable[[], str], cancel: Callable[[], object] = str) -> str:
    """``encode()``, which reveals the password to an encoder of :mod:`smtplab.auth`. A
    refusal (a NUL in a password, a challenge that is not base64) ends an exchange under
    way with ``cancel()`` (else the client's next line, a QUIT, is the answer) and leaves from
    here without the encoder's frames: their locals hold the password in clear, and a
    verbose traceback (IPython's ``%xmode Verbose``) prints every frame's locals."""
    try:
        return encode()
    except SmtplabError as refused:
        with contextlib.suppress(SmtplabError):  # the refusal is the error to show
            cancel()
        raise refused.with_traceback(None) from None
