"""Checks for notebook 09 (sending for real), offline against provider look-alikes:
send through QQ with the authorization code, the advice for a failure
(``smtplab.providers.advice_for``), and whether a port can be reached."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

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
from ..lab.profiles import get_profile
from ..message import Draft, compose
from ..providers import advice_for
from ..transcript import Transcript
from . import nb09_texts as texts
from .harness import TRIED, Hint, Result, evaluate, untouched, work_of
from .labs import CLIENT_TIMEOUT, run_with_deadline, strict_lab, wait_until

__all__ = ["check_can_reach", "check_send_with_qq", "check_what_to_do"]

QQ_PASSWORD = "my-QQ-password-2024"
"""The made-up "QQ password" of the exercise's account: the look-alike refuses it, as QQ
Mail refuses a QQ password from a mail program (only the authorization code works)."""

_SENDER = "student@qq.com"  # the account's own address: QQ refuses another (501)
_RECIPIENT = "friend@example.com"


def qq_account(lab: LabServer) -> dict[str, str]:
    """The exercise's QQ account on a QQ look-alike: user, QQ password, authorization code."""
    return {
        "user": "student",
        "qq_password": QQ_PASSWORD,
        "authorization_code": lab.users["student"],
    }


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
    # A plain-text client on the implicit-TLS port is dropped after 2 s, not 30.
    profile = get_profile("qq")
    quick = replace(profile, policy=replace(profile.policy, tls_handshake_timeout=2.0))
    with strict_lab(profile=quick) as lab:
        account = qq_account(lab)

        def attempt() -> object:
            try:
                value = send_with_qq(lab.provider_overrides(), dict(account), _message())
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
                raise Hint(_auth_hint(error, lab)) from None
            except TLSError as error:
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


def _auth_hint(error: AuthenticationError, lab: LabServer) -> str:
    session = lab.sessions[-1] if lab.sessions else None
    user = session.auth_user if session is not None else None
    if user is None and "authorization code" in error.reply.text:
        return _(texts.QQ_LOOK_ALIKE)
    return _("the login failed: {error}").format(error=_first_line(error))


def _verify_send(lab: LabServer, value: object) -> str:
    try:
        inbox = lab.wait_for(1, timeout=1.0)
    except Timeout:
        inbox = []
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


# --------------------------------------------------------------------------- exercise 3


@contextlib.contextmanager
def _black_hole() -> Iterator[tuple[int, list[socket.socket]]]:
    """A port on 127.0.0.1 whose new connections get no answer (full accept queue).

    On Linux a listener with backlog 0 and one connection waiting drops further SYNs, as
    a firewall does; other systems may refuse them instead (then the probe fails fast,
    which is fine too).
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    held: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        with contextlib.suppress(OSError):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=0.5))
        yield port, held
    finally:
        for sock in held:
            sock.close()
        listener.close()


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (just released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(can_reach: Callable[[str, int, float], Any], port: int, timeout: float) -> Any:
    """Call the learner's probe in a thread; give up after a few seconds (no hang)."""
    finished = run_with_deadline(lambda: can_reach("127.0.0.1", port, timeout), timeout + 2.5)
    if finished is None:
        raise Hint(
            _(texts.CAN_REACH_DID).format(deadline=f"{timeout + 2.5:g}", timeout=f"{timeout:g}")
        )
    error = finished.error
    if isinstance(error, OSError):
        raise Hint(_(texts.CAN_REACH_RAISED).format(error=type(error).__name__))
    if error is not None:
        raise error
    return finished.value


def check_can_reach(can_reach: Callable[[str, int, float], Any]) -> Result:
    """``can_reach(host, port, timeout)``: open port True (closed at once), else False in time."""
    exercise = _("can I reach the port?")
    with strict_lab() as lab:

        def attempt() -> object:
            value = _call(can_reach, lab.port, 2.0)
            wait_until(lambda: bool(lab.sessions), timeout=0.3)  # logged a moment after
            return value

        return evaluate(
            exercise,
            attempt,
            lambda value: _verify_reach(can_reach, lab, value),
            lab=lab,
            returns=_(texts.TRUE_FALSE_WHEN),
        )


def _verify_reach(
    can_reach: Callable[[str, int, float], Any], lab: LabServer, value: object
) -> str:
    if value is not TRIED and not isinstance(value, bool):
        raise Hint(_("return True or False, not {value!r}.").format(value=value))
    if value is not True and value is not TRIED:
        raise Hint(_(texts.LAB_PORT_OPEN))
    # the lab notes a connection a moment after it opens
    wait_until(lambda: bool(lab.sessions) and all(s.ended_at is not None for s in lab.sessions))
    if not lab.sessions:
        raise Hint(_("the lab saw no connection: open one with socket.create_connection()."))
    if any(s.ended_at is None for s in lab.sessions):
        raise Hint(_(texts.CONNECTION_LAB_STAYED))
    if value is TRIED:  # judged by what the lab saw (the harness says: no return)
        return _("the lab saw your probe connect and close at once")
    if _call(can_reach, _closed_port(), 2.0) is not False:
        raise Hint(_("nothing listens on the second port, yet can_reach() did not say False."))
    with _black_hole() as (port, _held):
        value = _call(can_reach, port, 0.5)
    if value is not False:
        raise Hint(_("the third port never answers, yet can_reach() did not say False."))
    return _(texts.OPEN_PORT_TRUE)
