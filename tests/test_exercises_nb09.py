"""The checks of notebook 09 (sending for real): each passes with its reference solution,
says "not tried yet" for the untouched template, and fails with the right hint for the
usual mistakes. Everything runs on 127.0.0.1 against look-alikes: no provider is reached,
and no result may contain the authorization code."""

from __future__ import annotations

import socket
from typing import Any

import pytest
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
from smtplab.providers import advice_for

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

    failed_with(check_send_with_qq(no_login), "530", "client.login(")


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


def test_send_with_qq_that_returns_nothing_after_sending_is_judged() -> None:
    def no_return(overrides: dict[str, Any], account: dict[str, str], message: Any) -> None:
        solutions.send_with_qq(overrides, account, message)

    assert check_send_with_qq(no_return).status == "passed"


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
    failed_with(check_what_to_do(lambda error, provider: "try again"), "expected the sentence")
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


@pytest.mark.timeout(30)
def test_can_reach_without_timeout_gets_the_timeout_hint() -> None:
    def no_timeout(host: str, port: int, timeout: float) -> bool:
        try:
            with socket.create_connection((host, port)):
                return True
        except OSError:
            return False

    failed_with(check_can_reach(no_timeout), "did not return", "timeout=timeout")


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
