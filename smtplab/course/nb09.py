"""Checks for notebook 09 (sending for real), offline against provider look-alikes:
send through QQ with the authorization code, the advice for a failure
(``smtplab.providers.advice_for``), and whether a port can be reached (in
:mod:`.nb09_reach`, public from here)."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

from ..auth import b64decode_text
from ..client import Client
from ..errors import (
    AuthenticationError,
    Disconnected,
    NotSupported,
    ReplyError,
    SmtplabError,
    Timeout,
    TLSError,
    TransportError,
)
from ..i18n import N_, _
from ..lab import LabServer
from ..message import Draft, compose
from ..providers import advice_for
from ..transcript import Transcript
from . import nb09_texts as texts
from .harness import TRIED, Hint, Result, evaluate, untouched, work_of
from .labs import (
    CLIENT_TIMEOUT,
    arrived,
    quick_lookalike,
    wait_until,
)
from .nb09_reach import check_can_reach

__all__ = ["check_can_reach", "check_send_with_qq", "check_what_to_do"]

QQ_PASSWORD = "my-QQ-password-2024"
"""The made-up "QQ password" of the exercise's account: the look-alike refuses it, as QQ
Mail refuses a QQ password from a mail program (only the authorization code works)."""

_USER = "student"
_SENDER = "student@qq.com"  # the account's own address: QQ refuses another (501)
_RECIPIENT = "friend@example.com"


def qq_account(lab: LabServer) -> dict[str, str]:
    """The exercise's QQ account on a QQ look-alike: user, QQ password, authorization code."""
    return {
        "user": _USER,
        "qq_password": QQ_PASSWORD,
        "authorization_code": lab.users["student"],
    }


class _Watched(dict[str, str]):
    """The account handed to the learner's function: it notes which entries were read
    with ``account[key]``."""

    def __init__(self, account: dict[str, str]) -> None:
        super().__init__(account)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)


def _message() -> Draft:
    return compose(
        sender=_SENDER,
        to=_RECIPIENT,
        subject="Sent through the QQ look-alike",  # i18n: keep the message sent (data)
        body="Hello! This message went through smtplab's QQ Mail look-alike.\n",  # i18n: keep data
    )


# --------------------------------------------------------------------------- exercise 1


def check_send_with_qq(
    send_with_qq: Callable[[dict[str, Any], dict[str, str], Draft], Any],
) -> Result:
    """``send_with_qq(overrides, account, message)``: implicit TLS, authorization code, QUIT."""
    exercise = _("send through the QQ look-alike")
    with quick_lookalike("qq") as lab:
        account = _Watched(qq_account(lab))

        def attempt() -> object:
            try:
                value = send_with_qq(lab.provider_overrides(), account, _message())
            except NotImplementedError:
                raise
            except Exception as error:
                if not _reached(lab):
                    raise Hint(_elsewhere_hint(error)) from None
                raise
            if value is not None and value is not Ellipsis and not _reached(lab):
                raise Hint(_elsewhere_hint(None))
            return work_of(value, lab)

        def judged() -> object:
            try:
                return attempt()
            except AuthenticationError as error:
                raise Hint(_auth_hint(error, lab, account.read)) from None
            except TLSError as error:
                if isinstance(error.__cause__, ssl.SSLCertVerificationError):
                    raise Hint(_(texts.TLS_NOT_TRUSTED)) from None
                raise Hint(
                    _(texts.TLS_HANDSHAKE_FAILED).format(
                        error=error.__class__.__name__, first=_first_line(error)
                    )
                ) from None
            except (Timeout, Disconnected):
                raise Hint(_(texts.GREETING_CAME_PORT)) from None
            except NotSupported as error:
                raise Hint(_("the client refused: {error}").format(error=error)) from None
            except ReplyError as error:
                if error.code == 530:
                    raise Hint(_(texts.LOOK_ALIKE_ANSWERED)) from None
                raise

        return evaluate(
            exercise,
            judged,
            lambda value: _verify_send(lab, value),
            lab=lab,
            returns="client.transcript",
        )


def _reached(lab: LabServer) -> bool:
    """True when the look-alike saw a connection (it logs one a moment after it opens)."""
    return wait_until(lambda: bool(lab.sessions), timeout=0.3)


def _elsewhere_hint(error: BaseException | None) -> str:
    """The learner's function ignored the overrides: it dialled somewhere else."""
    what = (
        "" if error is None else _(" (your code raised {error})").format(error=type(error).__name__)
    )
    return _(texts.LOOK_ALIKE_SAW).format(what=what)


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0][:120]


def _auth_hint(error: AuthenticationError, lab: LabServer, read: set[str]) -> str:
    """What was wrong with a refused login: QQ's 535 speaks of the authorization code
    whatever was wrong, so the user name the lab's log shows (AUTH LOGIN's, in base64)
    and the account entries the learner read tell the parts apart."""
    if "authorization code" not in error.reply.text:
        return _("the login failed: {error}").format(error=_first_line(error))
    login = _login_name(lab)
    if login is None:  # AUTH PLAIN: user and secret in one masked line
        return _(texts.QQ_LOOK_ALIKE)
    if any(secret in login for secret in (QQ_PASSWORD, lab.users[_USER])):  # never shown
        return _(texts.LOGIN_SECRET_AS_USER)
    if _right_user(login.strip(), lab) and login != login.strip():
        return _(texts.LOGIN_USER_SPACES).format(login=login)
    if not _right_user(login, lab):
        also = _(texts.LOGIN_ALSO_CODE) if "qq_password" in read else ""
        return _(texts.LOGIN_WRONG_USER).format(login=login[:60], user=_USER) + also
    if "authorization_code" in read and "qq_password" not in read:
        return _(texts.LOGIN_CODE_CHANGED)
    return _(texts.QQ_LOOK_ALIKE)


def _login_name(lab: LabServer) -> str | None:
    """The user name of the last AUTH LOGIN the lab saw (its answer to ``334
    VXNlcm5hbWU6``, "Username:"), or None."""
    for session in reversed(lab.sessions):
        lines = session.lines
        for prompt, answer in zip(reversed(lines[:-1]), reversed(lines[1:]), strict=True):
            if prompt.text.startswith("334 VXNlcm5hbWU6") and not answer.secret:
                return b64decode_text(answer.text)
    return None


def _right_user(login: str, lab: LabServer) -> bool:
    """True for the account's user name, alone or as an address at QQ's domains."""
    local, _at, domain = login.rpartition("@")
    return login == _USER or (local == _USER and domain.lower() in lab.policy.login_domains)


def _verify_send(lab: LabServer, value: object) -> str:
    inbox = arrived(lab)
    sessions = lab.sessions
    logged_in = [s for s in sessions if s.auth_user]
    if not sessions:
        raise Hint(_elsewhere_hint(None))
    if not logged_in:
        raise Hint(_(texts.CONNECTED_NEVER_LOGGED))
    if not inbox:
        raise Hint(_(texts.LOGGED_MESSAGE_ARRIVED))
    received = inbox[0]
    if _RECIPIENT not in received.rcpt_tos:
        raise Hint(_(texts.MESSAGE_ARRIVED_SEND).format(recipient=_RECIPIENT))
    if not received.tls:
        raise Hint(_(texts.MESSAGE_CROSSED_CONNECTION))
    info = value.tls_info if isinstance(value, Transcript) else None
    if info is not None and not info.verified:
        raise Hint(_(texts.MESSAGE_WENT_OVER))
    session = lab.session(received.session_id)
    said = [line.text.strip().upper() for line in session.lines if line.direction == "C"]
    if "QUIT" not in said:
        raise Hint(_(texts.MESSAGE_ARRIVED_LEFT))
    if value is TRIED:  # judged by what the look-alike saw (the harness says: no return)
        return _("the look-alike saw the whole session")
    if not isinstance(value, Transcript):
        raise Hint(_(texts.RETURN_CLIENT_TRANSCRIPT).format(type=type(value).__name__))
    how = _("implicit TLS, as on port 465") if session.local_port == lab.tls_port else "STARTTLS"
    return _(texts.QQ_LOOK_ALIKE_RECEIVED).format(how=how, user=received.auth_user)


# --------------------------------------------------------------------------- exercise 2


def _failures() -> Iterator[tuple[str, SmtplabError, str]]:
    """Real failures, caused against look-alikes: ``(provider, error, what happened)``."""
    for profile, user, provider, what in (
        ("qq", "student", "qq", N_("QQ Mail, the QQ password instead of the authorization code")),
        ("gmail", "needs-app-password", "gmail", N_("Gmail, a Google password with 2-Step")),
        ("outlook", "student", "outlook", N_("Outlook.com, any password")),
    ):
        with LabServer(profile=profile) as lab:
            try:
                with Client.for_provider(
                    provider, **lab.provider_overrides(), timeout=CLIENT_TIMEOUT
                ) as client:
                    client.login(user, "not the right secret")  # i18n: keep a password sent
            except AuthenticationError as error:
                yield provider, error, _(what)
    with LabServer(profile="gmail") as lab:
        try:
            Client.for_provider(
                "gmail",
                host=lab.host,
                port=lab.port,
                security="tls",
                context=lab.ssl_context(),
                timeout=CLIENT_TIMEOUT,
            )
        except TLSError as error:
            yield "gmail", error, _("Gmail, implicit TLS on the STARTTLS port")


def _expected(error: SmtplabError, provider: str) -> str | None:
    if isinstance(error, ReplyError):
        return advice_for(error.reply, provider=provider)
    return advice_for(provider=provider, error_text=str(error))


def check_what_to_do(what_to_do: Callable[[SmtplabError, str], Any]) -> Result:
    """``what_to_do(error, provider)`` gives advice_for's sentence for four real failures."""
    exercise = _("what to do about a failure")
    failures = list(_failures())

    def attempt() -> object:
        answers = []
        for provider, error, what in failures:
            try:
                answers.append((provider, error, what, what_to_do(error, provider)))
            except AttributeError as exc:
                raise Hint(
                    _(texts.FUNCTION_RAISED_ATTRIBUTEERROR).format(what=what, error=exc)
                ) from None
        return None if untouched(answer for *_, answer in answers) else answers

    def verify(answers: object) -> str:
        assert isinstance(answers, list)
        for provider, error, what, answer in answers:
            _verify_advice(provider, error, what, answer)
        return _(texts.ALL_FOUR_FAILURES)

    return evaluate(exercise, attempt, verify)


def _verify_advice(provider: str, error: SmtplabError, what: str, answer: object) -> None:
    expected = _expected(error, provider)
    assert expected is not None
    if answer is None:
        if isinstance(error, TransportError):
            raise Hint(_(texts.RETURNED_NONE_TLSERROR).format(what=what))
        raise Hint(_(texts.RETURNED_NONE_REPLY).format(what=what))
    if not isinstance(answer, str):
        raise Hint(_(texts.RETURN_ADVICE_TEXT).format(what=what, type=type(answer).__name__))
    if answer == expected:
        return
    if isinstance(error, ReplyError) and error.reply.text.strip() in answer:
        raise Hint(_(texts.RETURNED_SERVER_OWN).format(what=what))
    if expected.startswith(answer) or (
        isinstance(error, TransportError) and answer == advice_for(error_text=str(error))
    ):
        raise Hint(_(texts.CLOSE_ADVICE_LACKS).format(what=what))
    raise Hint(_(texts.SENTENCE_ADVICE_GIVES).format(what=what, answer=answer[:70]))
