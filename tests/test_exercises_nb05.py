"""The checks of notebook 05 (AUTH): each passes with its reference solution, says "not
tried yet" for the untouched template, and fails with the right hint for the usual
mistakes. No result may ever contain the password or its base64."""

from __future__ import annotations

import base64
import getpass
import os
from collections.abc import Callable
from typing import Any

import pytest
from helpers import failed_with, load_solution

from smtplab.course import Result
from smtplab.course.nb05 import (
    ENV_VARIABLE,
    check_login_by_hand,
    check_plain_response,
    check_read_password,
)

solutions = load_solution("nb05_auth")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


class Seen:
    """Remembers the passwords the checks handed to a function, to look for leaks."""

    def __init__(self) -> None:
        self.secrets: list[str] = []

    def add(self, password: str) -> None:
        self.secrets.extend([password, b64(password)])

    def assert_not_in(self, result: Result) -> None:
        for secret in self.secrets:
            assert secret not in result.message
            assert secret not in result._repr_html_()


# --------------------------------------------------------------------------- LOGIN


def test_login_solution_passes() -> None:
    result = check_login_by_hand(solutions.login_by_hand)
    assert result, result
    assert "235" in result.message


def test_login_untouched_is_not_tried() -> None:
    def login_by_hand(client: Any, user: str, password: str) -> None: ...

    assert check_login_by_hand(login_by_hand).status == "not tried"


def test_login_without_return_still_passes_by_what_the_server_saw() -> None:
    def login_by_hand(client: Any, user: str, password: str) -> None:
        solutions.login_by_hand(client, user, password)

    assert check_login_by_hand(login_by_hand)


def login_attempt(answer: Callable[[Any, str, str], Any]) -> tuple[Result, Seen]:
    seen = Seen()

    def login_by_hand(client: Any, user: str, password: str) -> Any:
        seen.add(password)
        return answer(client, user, password)

    result = check_login_by_hand(login_by_hand)
    seen.assert_not_in(result)
    return result, seen


def test_login_user_name_in_clear_text() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN")
        client.command(user)
        return client.command(b64(password))

    result, _ = login_attempt(answer)
    failed_with(result, "user name in clear text")


def test_login_password_in_clear_text() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN")
        client.command(b64(user))
        return client.command(password)

    result, _ = login_attempt(answer)
    failed_with(result, "password in clear text")


def test_login_prompts_answered_in_the_wrong_order() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN")
        client.command(b64(password))
        return client.command(b64(user))

    result, _ = login_attempt(answer)
    failed_with(result, "first prompt with the password")


def test_login_password_prompt_left_unanswered() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN")
        return client.command(b64(user))

    result, _ = login_attempt(answer)
    failed_with(result, "did not answer")


def test_login_bytes_instead_of_text() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN")
        return client.command(base64.b64encode(user.encode()))

    result, _ = login_attempt(answer)
    failed_with(result, ".decode('ascii')")


def test_login_encodebytes_adds_a_line_break() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN")
        return client.command(base64.encodebytes(user.encode()).decode())

    result, _ = login_attempt(answer)
    failed_with(result, "line break", "b64encode")


def test_login_with_plain_is_the_wrong_mechanism() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        return client.command("AUTH PLAIN " + b64(f"\0{user}\0{password}"))

    result, _ = login_attempt(answer)
    failed_with(result, "about LOGIN")


def test_login_wrong_user_name() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN")
        client.command(b64(user.upper()))
        return client.command(b64(password))

    result, _ = login_attempt(answer)
    failed_with(result, "not base64 of 'student'", "'STUDENT'")


def test_login_user_name_with_the_auth_command() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN " + b64(user))
        return client.command(b64(password))

    result, _ = login_attempt(answer)
    failed_with(result, "'AUTH LOGIN' alone")


def test_login_nothing_sent_but_something_returned() -> None:
    result, _ = login_attempt(lambda client, user, password: "done")
    failed_with(result, "received nothing")


# --------------------------------------------------------------------------- PLAIN


def plain_attempt(answer: Callable[[str, str], Any]) -> Result:
    seen = Seen()

    def plain(user: str, password: str) -> Any:
        seen.add(password)
        return answer(user, password)

    result = check_plain_response(plain)
    seen.assert_not_in(result)
    return result


def test_plain_solution_passes() -> None:
    result = check_plain_response(solutions.plain_response)
    assert result, result
    assert "235" in result.message


def test_plain_untouched_is_not_tried() -> None:
    def plain(user: str, password: str) -> None: ...

    assert check_plain_response(plain).status == "not tried"


def test_plain_password_without_the_user_name() -> None:
    failed_with(plain_attempt(lambda user, pw: b64(pw)), "without the user name")


@pytest.mark.parametrize("separator", ["", " ", ":"])
def test_plain_forgot_the_nul_bytes(separator: str) -> None:
    result = plain_attempt(lambda user, pw: b64(user + separator + pw))
    failed_with(result, "forgot the NUL bytes")


def test_plain_leading_nul_missing() -> None:
    failed_with(plain_attempt(lambda user, pw: b64(f"{user}\0{pw}")), "one NUL byte is missing")


def test_plain_fields_swapped() -> None:
    failed_with(plain_attempt(lambda user, pw: b64(f"\0{pw}\0{user}")), "swapped")


def test_plain_sent_in_clear_text() -> None:
    failed_with(plain_attempt(lambda user, pw: f"\0{user}\0{pw}"), "clear text")


def test_plain_bytes_instead_of_text() -> None:
    result = plain_attempt(lambda user, pw: base64.b64encode(f"\0{user}\0{pw}".encode()))
    failed_with(result, "not bytes")


def test_plain_not_base64() -> None:
    failed_with(plain_attempt(lambda user, pw: "hello!"), "not base64")


def test_plain_authzid_equal_to_the_user_is_accepted() -> None:
    assert plain_attempt(lambda user, pw: b64(f"{user}\0{user}\0{pw}"))


# --------------------------------------------------------------------------- secrets


@pytest.fixture(autouse=False)
def outside_value(monkeypatch: pytest.MonkeyPatch) -> str:
    """A value the learner may have set for a real account: the check must restore it."""
    monkeypatch.setenv(ENV_VARIABLE, "the-learner's-own-value")
    return "the-learner's-own-value"


def test_read_solution_passes_and_restores_the_environment(outside_value: str) -> None:
    result = check_read_password(solutions.read_password)
    assert result, result
    assert os.environ[ENV_VARIABLE] == outside_value


def test_read_untouched_is_not_tried() -> None:
    def read_password() -> None: ...

    assert check_read_password(read_password).status == "not tried"


def test_read_never_calls_the_real_getpass(monkeypatch: pytest.MonkeyPatch) -> None:
    def real_getpass(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("the real getpass must not run during a check")

    monkeypatch.setattr(getpass, "getpass", real_getpass)
    assert check_read_password(solutions.read_password)


def test_read_with_input() -> None:
    def read_password() -> str:
        return os.environ.get(ENV_VARIABLE) or input("Password: ")

    failed_with(check_read_password(read_password), "input()")


def test_read_prints_the_password() -> None:
    def read_password() -> str | None:
        password = solutions.read_password()
        print("using", password)
        return password

    result = check_read_password(read_password)
    failed_with(result, "printed the password")


def test_read_always_asks() -> None:
    def read_password() -> str:
        return getpass.getpass("Password: ")

    failed_with(check_read_password(read_password), "still asked")


def test_read_without_a_fallback() -> None:
    def read_password() -> str | None:
        return os.environ.get(ENV_VARIABLE)

    failed_with(check_read_password(read_password), "returned None", "getpass")


def test_read_with_os_environ_subscript() -> None:
    def read_password() -> str:
        return os.environ[ENV_VARIABLE]

    failed_with(check_read_password(read_password), "KeyError", "os.environ.get")


def test_read_hard_coded_password() -> None:
    def read_password() -> str:
        return "hunter2"

    failed_with(check_read_password(read_password), "did not return its value")


def test_read_ignores_getpass_answer() -> None:
    def read_password() -> str:
        value = os.environ.get(ENV_VARIABLE)
        if value is None:
            getpass.getpass("Password: ")
            return "something else"
        return value

    failed_with(check_read_password(read_password), "return what getpass")
