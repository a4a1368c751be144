"""The checks of notebook 09 (sending for real): each passes with its reference solution,
says "not tried yet" for the untouched template, and fails with the right hint for the
usual mistakes. Everything runs on 127.0.0.1 against look-alikes: no provider is reached,
and no result may contain the authorization code."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution, untouched

from smtplab import Client
from smtplab.course import Result
from smtplab.course.nb09 import (
    QQ_PASSWORD,
    check_can_reach,
    check_send_with_qq,
    check_what_to_do,
)
from smtplab.errors import ReplyError
from smtplab.providers import advice_for, explain_failure

solutions = load_solution("nb09_real")


# --------------------------------------------------------------------------- exercise 1


class CodeSpy:
    """Records the authorization codes handed out, to check no result repeats them."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.codes: list[str] = []

    def __call__(self, overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
        self.codes.append(account["authorization_code"])
        return self.inner(overrides, account, message)

    def assert_not_in(self, result: Result) -> None:
        for code in self.codes:
            assert code not in result.message and code not in result._repr_html_()


def test_send_with_qq_passes_with_the_solution() -> None:
    spy = CodeSpy(solutions.send_with_qq)
    result = check_send_with_qq(spy)
    assert result.status == "passed", result
    assert "implicit TLS" in result.message and "QUIT" in result.message
    spy.assert_not_in(result)


def test_send_with_qq_untouched_is_not_tried() -> None:
    result = check_send_with_qq(untouched)
    assert result.status == "not tried"
    assert "not tried yet" in str(result)


def test_send_with_qq_with_the_qq_password_gets_the_authorization_code_hint() -> None:
    def with_password(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
        with Client.for_provider("qq", **overrides) as client:
            client.login(account["user"], account["qq_password"])
            client.send_message(message)
        return client.transcript

    spy = CodeSpy(with_password)
    result = check_send_with_qq(spy)
    failed_with(result, "535 Login Fail", "account['authorization_code']")
    assert QQ_PASSWORD not in result.message
    spy.assert_not_in(result)


def test_send_with_qq_without_login_gets_the_530_hint() -> None:
    def no_login(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
        with Client.for_provider("qq", **overrides) as client:
            client.send_message(message)
        return client.transcript

    failed_with(check_send_with_qq(no_login), "530", "client.login")


def test_send_with_qq_in_plain_text_on_the_tls_port_gets_the_implicit_tls_hint() -> None:
    def plain(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
        with Client(overrides["host"], overrides["port"], timeout=5) as client:
            client.login(account["user"], account["authorization_code"])
        return client.transcript

    failed_with(check_send_with_qq(plain), "implicit TLS", "security='tls'")


def test_send_with_qq_without_sending_or_quit_or_transcript() -> None:
    def login_only(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
        with Client.for_provider("qq", **overrides) as client:
            client.login(account["user"], account["authorization_code"])
        return client.transcript

    failed_with(check_send_with_qq(login_only), "no message arrived", "send_message")

    kept: list[Client] = []

    def no_quit(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
        client = Client.for_provider("qq", **overrides)
        kept.append(client)
        client.login(account["user"], account["authorization_code"])
        client.send_message(message)
        return client.transcript

    failed_with(check_send_with_qq(no_quit), "without QUIT", "client.quit()")
    kept[0].close()

    def returns_reply(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
        with Client.for_provider("qq", **overrides) as client:
            client.login(account["user"], account["authorization_code"])
            return client.send_message(message)

    failed_with(check_send_with_qq(returns_reply), "return client.transcript")


def qq_without_return(overrides: dict[str, Any], account: dict[str, str], message: Any) -> None:
    solutions.send_with_qq(overrides, account, message)


def test_send_with_qq_that_returns_nothing_after_sending_is_judged() -> None:
    result = check_send_with_qq(qq_without_return)
    failed_with(result, "forgot to `return` client.transcript", "What the lab saw was right")


# --------------------------------------------------------------------------- exercise 2


def test_what_to_do_passes_with_the_solution() -> None:
    result = check_what_to_do(solutions.what_to_do)
    assert result.status == "passed", result
    assert "465/587" in result.message


def test_what_to_do_untouched_is_not_tried() -> None:
    assert check_what_to_do(untouched).status == "not tried"


def test_what_to_do_returning_the_server_s_text_gets_a_hint() -> None:
    def server_text(error: Any, provider: str) -> str:
        reply = getattr(error, "reply", None)
        return reply.text if reply is not None else str(error)

    failed_with(check_what_to_do(server_text), "server's own text")


def test_what_to_do_reading_reply_of_a_tls_error_gets_a_hint() -> None:
    def only_replies(error: Any, provider: str) -> Any:
        return advice_for(error.reply, provider=provider)

    failed_with(check_what_to_do(only_replies), "AttributeError", "error_text=str(error)")


def test_what_to_do_returning_none_for_transport_errors_gets_a_hint() -> None:
    def replies_or_none(error: Any, provider: str) -> Any:
        if isinstance(error, ReplyError):
            return advice_for(error.reply, provider=provider)
        return None

    failed_with(check_what_to_do(replies_or_none), "TLSError has no reply", "error_text")


def test_what_to_do_without_the_provider_misses_the_port_facts() -> None:
    def no_provider(error: Any, provider: str) -> Any:
        reply = getattr(error, "reply", None)
        return advice_for(reply, error_text=None if reply else str(error))

    failed_with(check_what_to_do(no_provider), "port facts", "provider=provider")


def test_what_to_do_with_the_generic_explanation_gets_the_expected_sentence() -> None:
    failed_with(check_what_to_do(lambda error, provider: "try again"), "not the sentence")
    failed_with(check_what_to_do(lambda error, provider: 535), "as text")


# --------------------------------------------------------------------------- exercise 3


def test_can_reach_passes_with_the_solution() -> None:
    result = check_can_reach(solutions.can_reach)
    assert result.status == "passed", result


def test_can_reach_untouched_is_not_tried() -> None:
    assert check_can_reach(untouched).status == "not tried"


def test_can_reach_that_raises_gets_the_catch_oserror_hint() -> None:
    def raises(host: str, port: int, timeout: float) -> bool:
        with socket.create_connection((host, port), timeout=timeout):
            return True

    failed_with(check_can_reach(raises), "ConnectionRefusedError", "Catch OSError")


def test_can_reach_that_keeps_the_connection_gets_the_close_hint() -> None:
    kept: list[socket.socket] = []

    def keeps(host: str, port: int, timeout: float) -> bool:
        try:
            kept.append(socket.create_connection((host, port), timeout=timeout))
            return True
        except OSError:
            return False

    try:
        failed_with(check_can_reach(keeps), "stayed open", "close it")
    finally:
        for sock in kept:
            sock.close()


def test_can_reach_wrong_answers_get_hints() -> None:
    failed_with(check_can_reach(lambda host, port, timeout: "yes"), "True or False")
    failed_with(check_can_reach(lambda host, port, timeout: False), "said False")

    def always_true(host: str, port: int, timeout: float) -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            pass
        return True

    def true_after_trying(host: str, port: int, timeout: float) -> bool:
        try:
            return always_true(host, port, timeout)
        except OSError:
            return True

    failed_with(check_can_reach(true_after_trying), "nothing listens")


# --------------------------------------------------------------------------- the catalogue


def closed_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def qq_with_the_qq_password(
    overrides: dict[str, Any], account: dict[str, str], message: Any
) -> Any:
    with Client.for_provider("qq", **overrides) as client:
        client.login(account["user"], account["qq_password"])
        client.send_message(message)
    return client.transcript


def qq_logging_in_as(user_of: Callable[[dict[str, str]], str], secret_key: str) -> Any:
    """A send_with_qq that logs in as ``user_of(account)`` with ``account[secret_key]``."""

    def send(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
        with Client.for_provider("qq", **overrides) as client:
            client.login(user_of(account), account[secret_key])
            client.send_message(message)
        return client.transcript

    return send


qq_as_another_user = qq_logging_in_as(lambda account: "friend", "authorization_code")
qq_user_with_spaces = qq_logging_in_as(lambda account: f" {account['user']} ", "authorization_code")
qq_user_and_code_swapped = qq_logging_in_as(lambda account: account["authorization_code"], "user")
qq_user_glued_to_the_code = qq_logging_in_as(
    lambda account: f"{account['user']}:{account['authorization_code']}", "authorization_code"
)


def qq_code_with_spaces(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
    with Client.for_provider("qq", **overrides) as client:
        client.login(account["user"], account["authorization_code"] + " ")
        client.send_message(message)
    return client.transcript


def test_send_with_qq_login_hints_name_the_wrong_part_and_never_the_code() -> None:
    for answer, hint in (
        (qq_as_another_user, "'friend' is not the account's"),
        (qq_user_with_spaces, "spaces around it"),
        (qq_user_and_code_swapped, "takes the user first"),
        (qq_user_glued_to_the_code, "takes the user first"),  # the code inside the name
        (qq_code_with_spaces, "exactly as it is"),
    ):
        spy = CodeSpy(answer)
        result = check_send_with_qq(spy)
        failed_with(result, hint)
        assert "refuses the QQ password" not in result.message, result.message
        spy.assert_not_in(result)


def test_send_with_qq_with_another_user_and_the_qq_password_is_told_both() -> None:
    result = check_send_with_qq(qq_logging_in_as(lambda account: "friend", "qq_password"))
    failed_with(result, "'friend' is not the account's", "Then the password", "not the QQ")


def test_send_with_qq_logging_in_with_the_full_address_passes() -> None:
    """QQ Mail's user name is the full address; the look-alike takes both forms."""
    full = qq_logging_in_as(lambda account: account["user"] + "@qq.com", "authorization_code")
    assert check_send_with_qq(full).status == "passed"


def qq_without_login(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
    with Client.for_provider("qq", **overrides) as client:
        client.send_message(message)
    return client.transcript


def qq_in_plain_text(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
    with Client(overrides["host"], overrides["port"], timeout=5) as client:
        client.login(account["user"], account["authorization_code"])
    return client.transcript


def qq_without_verification(
    overrides: dict[str, Any], account: dict[str, str], message: Any
) -> Any:
    where = {key: overrides[key] for key in ("host", "port", "security")}
    with Client.for_provider("qq", **where, verify=False) as client:
        client.login(account["user"], account["authorization_code"])
        client.send_message(message)
    return client.transcript


def qq_without_the_context(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
    """Takes host and port from the overrides, but not the context that trusts the CA."""
    with Client.for_provider("qq", host=overrides["host"], port=overrides["port"]) as client:
        client.login(account["user"], account["authorization_code"])
        client.send_message(message)
    return client.transcript


LEFT_OPEN: list[Any] = []
"""Clients and sockets the wrong answers below leave open; closed after each test."""


@pytest.fixture(autouse=True)
def close_what_was_left_open() -> Any:
    yield
    while LEFT_OPEN:
        LEFT_OPEN.pop().close()


def qq_without_quit(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
    client = Client.for_provider("qq", **overrides)
    LEFT_OPEN.append(client)
    client.login(account["user"], account["authorization_code"])
    client.send_message(message)
    return client.transcript


def qq_on_another_loopback_port(
    overrides: dict[str, Any], account: dict[str, str], message: Any
) -> Any:
    with Client.for_provider(
        "qq", **{**overrides, "port": closed_loopback_port()}, timeout=2
    ) as client:
        client.login(account["user"], account["authorization_code"])
    return client.transcript


def qq_returns_the_reply(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
    with Client.for_provider("qq", **overrides) as client:
        client.login(account["user"], account["authorization_code"])
        return client.send_message(message)


def test_send_with_qq_on_another_port_is_told_to_use_the_lab() -> None:
    failed_with(
        check_send_with_qq(qq_on_another_loopback_port),
        "saw no connection at all",
        "use the lab's host/port you were given",
    )


@pytest.mark.timeout(10)
def test_send_with_qq_to_the_real_qq_is_refused_before_it_connects() -> None:
    def real_qq(overrides: dict[str, Any], account: dict[str, str], message: Any) -> Any:
        with Client.for_provider("qq", timeout=3) as client:  # ignores the overrides
            client.login(account["user"], account["authorization_code"])
        return client.transcript

    started = time.monotonic()
    result = check_send_with_qq(real_qq)
    failed_with(result, "use the lab's host/port you were given", "'smtp.qq.com'", "before")
    assert time.monotonic() - started < 5  # refused at the name lookup, no network wait


def advice_server_text(error: Any, provider: str) -> str:
    reply = getattr(error, "reply", None)
    return reply.text if reply is not None else str(error)


def advice_from_replies_only(error: Any, provider: str) -> Any:
    return advice_for(error.reply, provider=provider)


def advice_from_the_hint(error: Any, provider: str) -> Any:
    """err.hint is "what to do" for a reply error (09 · 163); a TLSError has none."""
    return error.hint


def advice_none_for_transport_errors(error: Any, provider: str) -> Any:
    if isinstance(error, ReplyError):
        return advice_for(error.reply, provider=provider)
    return None


def advice_without_provider(error: Any, provider: str) -> Any:
    reply = getattr(error, "reply", None)
    return advice_for(reply, error_text=None if reply else str(error))


def advice_of_explain_failure(error: Any, provider: str) -> Any:
    """explain_failure's advice, with the provider: the port facts are advice_for's own."""
    reply = getattr(error, "reply", None)
    failure = explain_failure(reply, provider=provider, error_text=None if reply else str(error))
    return None if failure is None else failure.advice


def advice_generic(error: Any, provider: str) -> str:
    return "try again"


def advice_the_code(error: Any, provider: str) -> int:
    return 535


def reach_raises(host: str, port: int, timeout: float) -> bool:
    with socket.create_connection((host, port), timeout=timeout):
        return True


def reach_without_timeout(host: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((host, port)):
            return True
    except OSError:
        return False


def reach_keeps_the_connection(host: str, port: int, timeout: float) -> bool:
    try:
        LEFT_OPEN.append(socket.create_connection((host, port), timeout=timeout))
        return True
    except OSError:
        return False


def reach_answers_yes(host: str, port: int, timeout: float) -> str:
    return "yes"


def reach_true_after_trying(host: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return True


def reach_without_return(host: str, port: int, timeout: float) -> None:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError:
        pass


def test_can_reach_without_return_is_told() -> None:
    failed_with(check_can_reach(reach_without_return), "forgot to `return` True", "was right")


EXERCISES = [
    Exercise(
        number="09.1",
        title="send through the QQ look-alike",
        checks="send_with_qq(overrides, account, message) against a QQ look-alike on "
        "implicit TLS: the look-alike must see a verified TLS login with the authorization "
        "code, the message and QUIT; the transcript is returned",
        check=check_send_with_qq,
        correct=solutions.send_with_qq,
        mistakes=(
            Mistake(
                name="the QQ password",
                rule="QQ Mail takes only the authorization code from a mail program",
                warned_in="09 · QQ Mail: the password instead of the authorization code",
                answer=qq_with_the_qq_password,
                hint="account['authorization_code']",
            ),
            Mistake(
                name="another user name",
                rule="log in as the account's user name (account['user'], or the full address)",
                warned_in="09 · Your turn (exercise 1)",
                answer=qq_as_another_user,
                hint="is not the account's",
            ),
            Mistake(
                name="spaces around the user name",
                rule="the server compares the user name exactly: pass account['user'] unchanged",
                warned_in="09 · Your turn (exercise 1)",
                answer=qq_user_with_spaces,
                hint="spaces around it",
            ),
            Mistake(
                name="user and code swapped",
                rule="client.login(user, password): the user first, the secret second",
                warned_in="09 · Connect, log in, send yourself a message",
                answer=qq_user_and_code_swapped,
                hint="takes the user first",
            ),
            Mistake(
                name="the authorization code changed",
                rule="a secret is sent exactly as given, every character counts",
                warned_in="09 · QQ Mail: the password instead of the authorization code",
                answer=qq_code_with_spaces,
                hint="exactly as it is",
            ),
            Mistake(
                name="no login",
                rule="the provider refuses MAIL FROM before AUTH (530, RFC 4954 §6)",
                warned_in="09 · Connect, log in, send yourself a message",
                answer=qq_without_login,
                hint="530",
            ),
            Mistake(
                name="plain text on the implicit-TLS port",
                rule="port 465 speaks TLS from the first byte (RFC 8314 §3.3)",
                warned_in="09 · 465 or 587? WRONG_VERSION_NUMBER",
                answer=qq_in_plain_text,
                hint="implicit TLS",
            ),
            Mistake(
                name="certificate verification turned off",
                rule="TLS without verifying the certificate protects nothing (RFC 8314 §4.1)",
                warned_in="04 · A trap in smtplib: no context, no verification",
                answer=qq_without_verification,
                hint="verification was off",
            ),
            Mistake(
                name="the overrides' context left out",
                rule="the overrides' context trusts the look-alike's CA: pass them all",
                warned_in="09 · Where the mail goes; Your turn (exercise 1)",
                answer=qq_without_the_context,
                hint="context included",
            ),
            Mistake(
                name="no QUIT",
                rule="a session ends with QUIT (RFC 5321 §4.1.1.10)",
                warned_in="09 · Connect, log in, send yourself a message",
                answer=qq_without_quit,
                hint="without QUIT",
            ),
            Mistake(
                name="ignores the overrides",
                rule="a check dials only the lab's host and port, never a real provider",
                warned_in="09 · The switch: real provider or look-alike?",
                answer=qq_on_another_loopback_port,
                hint="use the lab's host/port you were given",
            ),
            Mistake(
                name="returns the 250 instead of the transcript",
                rule="the exercise returns client.transcript",
                warned_in="09 · Your turn (exercise 1)",
                answer=qq_returns_the_reply,
                hint="return client.transcript",
            ),
            Mistake(
                name="no return",
                rule="the exercise returns client.transcript",
                warned_in="09 · Your turn (exercise 1)",
                answer=qq_without_return,
                hint="forgot to `return` client.transcript",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="09.2",
        title="what to do about a failure",
        checks="what_to_do(error, provider) for four real failures caused against "
        "look-alikes (QQ, Gmail, Outlook 535s and a WRONG_VERSION_NUMBER TLSError): the "
        "advice_for sentence",
        check=check_what_to_do,
        correct=solutions.what_to_do,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="the server's own text",
                rule="advice says what to do, not what the server said",
                warned_in="09 · When it goes wrong",
                answer=advice_server_text,
                hint="server's own text",
            ),
            Mistake(
                name="reads .reply of a TLSError",
                rule="a TLS failure has no SMTP reply, only its text",
                warned_in="09 · 465 or 587? WRONG_VERSION_NUMBER",
                answer=advice_from_replies_only,
                hint="AttributeError",
            ),
            Mistake(
                name="reads .hint of a TLSError",
                rule="only a reply error carries a hint beside its reply; a TLS failure has its "
                "text",
                warned_in="09 · NetEase 163: three refusals (err.hint: what to do); "
                "09 · Your turn (exercise 2: a TLSError has only its text)",
                answer=advice_from_the_hint,
                hint="and .hint",
            ),
            Mistake(
                name="no advice for a transport error",
                rule="every failure gets advice, a TLS error too",
                warned_in="09 · Your turn (exercise 2: a TLSError has only its text)",
                answer=advice_none_for_transport_errors,
                hint="TLSError has no reply",
            ),
            Mistake(
                name="the provider left out",
                rule="the right port and secret depend on the provider",
                warned_in="09 · The settings, chosen for you",
                answer=advice_without_provider,
                hint="port facts",
            ),
            Mistake(
                name="explain_failure's advice",
                rule="advice_for adds the provider's port facts to the known failure's advice",
                warned_in="09 · A network that blocks SMTP (explain_failure, advice_for)",
                answer=advice_of_explain_failure,
                hint="explain_failure",
            ),
            Mistake(
                name="a generic sentence",
                rule="the advice comes from the failure, not a fixed phrase",
                warned_in="09 · When it goes wrong",
                answer=advice_generic,
                hint="not the sentence advice_for gives",
            ),
            Mistake(
                name="returns the code",
                rule="the advice is text for a person",
                warned_in="09 · Your turn (exercise 2)",
                answer=advice_the_code,
                hint="as text",
            ),
        ),
    ),
    Exercise(
        number="09.3",
        title="can I reach the port?",
        checks="can_reach(host, port, timeout) on an open lab port (True, closed at once), a "
        "closed port and a port that never answers (False within the timeout)",
        check=check_can_reach,
        correct=solutions.can_reach,
        mistakes=(
            Mistake(
                name="lets ConnectionRefusedError escape",
                rule="a refused or timed-out connection is an answer: False",
                warned_in="09 · Is the way out open?",
                answer=reach_raises,
                hint="Catch OSError",
            ),
            Mistake(
                name="no timeout",
                rule="every network wait has a deadline",
                warned_in="09 · A network that blocks SMTP",
                answer=reach_without_timeout,
                hint="timeout=timeout",
            ),
            Mistake(
                name="keeps the connection open",
                rule="a probe closes its connection at once",
                warned_in="09 · Your turn (exercise 3: close it at once)",
                answer=reach_keeps_the_connection,
                hint="stayed open",
            ),
            Mistake(
                name="answers 'yes'",
                rule="the answer is a bool",
                warned_in="09 · Your turn (exercise 3)",
                answer=reach_answers_yes,
                hint="True or False",
            ),
            Mistake(
                name="True even when the connection failed",
                rule="a closed port is not reachable",
                warned_in="09 · Is the way out open?",
                answer=reach_true_after_trying,
                hint="nothing listens",
            ),
            Mistake(
                name="no return",
                rule="return True or False",
                warned_in="09 · Your turn (exercise 3)",
                answer=reach_without_return,
                hint="forgot to `return`",
                kind="forgot return",
            ),
        ),
    ),
]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)


def qq_without_quit_or_return(
    overrides: dict[str, Any], account: dict[str, str], message: Any
) -> None:
    qq_without_quit(overrides, account, message)


def test_send_with_qq_without_return_or_quit_is_told_both() -> None:
    result = check_send_with_qq(qq_without_quit_or_return)
    failed_with(result, "forgot to `return` client.transcript", "Also:", "without QUIT")
