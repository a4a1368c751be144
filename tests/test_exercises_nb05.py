"""The checks of notebook 05 (AUTH): the catalogue of each exercise's typical wrong
answers (tests/catalogue.py), each failing with the hint meant for it, and the behaviours
that are not catalogue rows. No result may ever contain the password or its base64."""

from __future__ import annotations

import base64
import getpass
import os
from collections.abc import Callable
from typing import Any

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution

from smtplab.course import Result
from smtplab.course.nb05 import (
    ENV_VARIABLE,
    check_login_by_hand,
    check_plain_response,
    check_read_password,
)

solutions = load_solution("nb05_auth")

LOGIN_STEP = "05 · Step 2: log in with LOGIN, inside TLS"
BASE64_STEP = "05 · Step 3: base64 is not encryption"
PLAIN_STEP = "05 · Step 4: PLAIN, one line (RFC 4616 §2)"
SECRETS = "05 · Keeping secrets out of notebooks"


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


def user_name_in_clear_text(client: Any, user: str, password: str) -> Any:
    client.command("AUTH LOGIN")
    client.command(user)
    return client.command(b64(password))


def password_in_clear_text(client: Any, user: str, password: str) -> Any:
    client.command("AUTH LOGIN")
    client.command(b64(user))
    return client.command(password)


def prompts_in_the_wrong_order(client: Any, user: str, password: str) -> Any:
    client.command("AUTH LOGIN")
    client.command(b64(password))
    return client.command(b64(user))


def password_prompt_unanswered(client: Any, user: str, password: str) -> Any:
    client.command("AUTH LOGIN")
    return client.command(b64(user))


def bytes_instead_of_text(client: Any, user: str, password: str) -> Any:
    client.command("AUTH LOGIN")
    return client.command(base64.b64encode(user.encode()))


def encodebytes_adds_a_line_break(client: Any, user: str, password: str) -> Any:
    client.command("AUTH LOGIN")
    return client.command(base64.encodebytes(user.encode()).decode())


def plain_instead_of_login(client: Any, user: str, password: str) -> Any:
    return client.command("AUTH PLAIN " + b64(f"\0{user}\0{password}"))


def user_name_with_the_auth_command(client: Any, user: str, password: str) -> Any:
    client.command("AUTH LOGIN " + b64(user))
    return client.command(b64(password))


def a_password_of_its_own(client: Any, user: str, password: str) -> Any:
    """The learner's own account password typed into the code, not the one given."""
    client.command("AUTH LOGIN")
    client.command(b64(user))
    return client.command(b64("my-account-password"))


def an_error_that_quotes_the_password(client: Any, user: str, password: str) -> Any:
    """The learner's own error names the password: the hint quotes the error's text."""
    client.command("AUTH LOGIN")
    client.command(b64(user))
    raise ValueError(f"could not log in as {user} with {password!r}")


def prints_the_password_to_check_it(client: Any, user: str, password: str) -> Any:
    print("logging in with", password)
    return solutions.login_by_hand(client, user, password)


def login_without_return(client: Any, user: str, password: str) -> None:
    solutions.login_by_hand(client, user, password)


def login_returning_the_first_prompt(client: Any, user: str, password: str) -> Any:
    prompt = client.command("AUTH LOGIN")
    client.command(b64(user))
    client.command(b64(password))
    return prompt


def login_returning_the_first_prompt_as_text(client: Any, user: str, password: str) -> str:
    prompt = str(client.command("AUTH LOGIN"))
    client.command(b64(user))
    client.command(b64(password))
    return prompt


def the_clients_own_login(client: Any, user: str, password: str) -> Any:
    return client.login(user, password)  # the kit picks LOGIN and does it all


def login_then_again(client: Any, user: str, password: str) -> Any:
    solutions.login_by_hand(client, user, password)
    return client.command("AUTH LOGIN")  # 503: already logged in


LOGIN = Exercise(
    number="05.1",
    title="LOGIN by hand",
    checks="login_by_hand(client, user, password) on the check's client inside TLS: AUTH "
    "LOGIN, then base64 answers to 334 'Username:' and 334 'Password:'; judged from the lab's "
    "log (which masks the password) and the client's own transcript",
    check=check_login_by_hand,
    correct=solutions.login_by_hand,
    mistakes=(
        Mistake(
            name="user name in clear text",
            rule="each answer to a 334 prompt is base64 (RFC 4954 §4)",
            warned_in=LOGIN_STEP,
            answer=user_name_in_clear_text,
            hint="user name in clear text",
        ),
        Mistake(
            name="prompts answered in the wrong order",
            rule="LOGIN asks 'Username:' first, then 'Password:': two answers, in that order",
            warned_in=LOGIN_STEP + " (decode the prompts)",
            answer=prompts_in_the_wrong_order,
            hint="first prompt with the password",
        ),
        Mistake(
            name="password prompt left unanswered",
            rule="LOGIN takes two answers; the exchange ends with 235 or 535",
            warned_in=LOGIN_STEP,
            answer=password_prompt_unanswered,
            hint="did not answer",
        ),
        Mistake(
            name="bytes instead of text",
            rule="b64encode gives bytes; a command line is text",
            warned_in=BASE64_STEP,
            answer=bytes_instead_of_text,
            hint=".decode('ascii')",
        ),
        Mistake(
            name="encodebytes adds a line break",
            rule="one answer is one line: no CR or LF inside (RFC 5321 §2.3.8)",
            warned_in=BASE64_STEP,
            answer=encodebytes_adds_a_line_break,
            hint="line break",
        ),
        Mistake(
            name="PLAIN instead of LOGIN",
            rule="the mechanism named after AUTH decides the exchange (RFC 4954 §4)",
            warned_in=PLAIN_STEP,
            answer=plain_instead_of_login,
            hint="about LOGIN",
        ),
        Mistake(
            name="user name on the AUTH LOGIN line",
            rule="LOGIN prompts for each field: no initial response on the AUTH line",
            warned_in=LOGIN_STEP,
            answer=user_name_with_the_auth_command,
            hint="'AUTH LOGIN' alone",
        ),
        Mistake(
            name="a password of its own",
            rule="the password given is used, never one typed into the code; providers "
            "want an app password",
            warned_in="05 · Step 6: a wrong password gets 535; App passwords and "
            "authorization codes",
            answer=a_password_of_its_own,
            hint="app password",
        ),
        Mistake(
            name="an error that quotes the password",
            rule="an error's text is an output too: a secret never goes into one",
            warned_in=SECRETS + " (3. never print)",
            answer=an_error_that_quotes_the_password,
            hint="raised ValueError",
        ),
        Mistake(
            name="prints the password",
            rule="a secret is never printed: outputs are saved in the notebook",
            warned_in=SECRETS + " (3. never print)",
            answer=prints_the_password_to_check_it,
            hint="printed the password",
        ),
        Mistake(
            name="forgot return",
            rule="the function returns the last reply",
            warned_in="05 · Your turn, exercise 1 (return the last reply)",
            answer=login_without_return,
            hint="forgot to `return`",
            kind="forgot return",
        ),
        Mistake(
            name="returns the first prompt",
            rule="the function returns the last reply (235), not an earlier one",
            warned_in="05 · Your turn, exercise 1 (return the last reply)",
            answer=login_returning_the_first_prompt,
            hint="'334 VXNlcm5hbWU6'",
        ),
        Mistake(
            name="returns the first prompt as text",
            rule="whatever form it takes (a Reply, its text, its code), the value returned "
            "is the last reply, 235",
            warned_in="05 · Your turn, exercise 1 (return the last reply)",
            answer=login_returning_the_first_prompt_as_text,
            hint="'334 VXNlcm5hbWU6",
        ),
        Mistake(
            name="client.login() instead of by hand",
            rule="the exercise is LOGIN by hand: AUTH LOGIN and each answer sent with "
            "client.command()",
            warned_in="05 · Your turn, exercise 1 (client.command(...) only)",
            answer=the_clients_own_login,
            hint="client.login() did the whole exchange",
        ),
        Mistake(
            name="logs in, then sends AUTH again",
            rule="the function returns the last reply of the login (235); a second AUTH "
            "gets 503 (RFC 4954 §4)",
            warned_in="05 · Your turn, exercise 1 (return the last reply)",
            answer=login_then_again,
            hint="'503",
        ),
    ),
)


def test_login_password_in_clear_text() -> None:
    failed_with(check_login_by_hand(password_in_clear_text), "password in clear text")


def test_login_wrong_user_name() -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN")
        client.command(b64(user.upper()))
        return client.command(b64(password))

    failed_with(check_login_by_hand(answer), "not base64 of 'student'", "'STUDENT'")


def test_login_lower_case_mechanism_passes() -> None:
    """'auth login': a mechanism name in any case, as real servers take it (RFC 5321
    §2.4); the lab prompts and logs in, and the check passes it."""

    def answer(client: Any, user: str, password: str) -> Any:
        client.command("auth login")
        client.command(b64(user))
        return client.command(b64(password))

    result = check_login_by_hand(answer)
    assert result and result.status == "passed", result


def test_login_look_alike_mechanism_is_told_what_the_server_answered() -> None:
    """'auth log\u0131n' (a dotless ı, which Python upper-cases to I): the lab answers 504
    and never prompts; the hint says so, instead of "you did not answer the Password:
    prompt"."""

    def answer(client: Any, user: str, password: str) -> Any:
        client.command("auth log\u0131n")
        client.command(b64(user))
        return client.command(b64(password))

    failed_with(check_login_by_hand(answer), "504", "'auth log\u0131n'", "upper case")


@pytest.mark.parametrize("ehlo", ["client.ehlo()", "client.command('EHLO ...')"])
def test_login_after_another_ehlo_passes(ehlo: str) -> None:
    """EHLO again before AUTH (as after STARTTLS, RFC 3207 §4.2) is harmless: the check
    judges the login that follows it."""

    def answer(client: Any, user: str, password: str) -> Any:
        if ehlo == "client.ehlo()":
            client.ehlo()
        else:
            client.command("EHLO learner.example")
        return solutions.login_by_hand(client, user, password)

    result = check_login_by_hand(answer)
    assert result and result.status == "passed", result


@pytest.mark.parametrize("returned", ["text", "bytes", "code"])
def test_login_last_reply_in_another_form_passes(returned: str) -> None:
    def answer(client: Any, user: str, password: str) -> Any:
        reply = solutions.login_by_hand(client, user, password)
        forms = {"text": str(reply), "bytes": str(reply).encode(), "code": reply.code}
        return forms[returned]

    result = check_login_by_hand(answer)
    assert result and result.status == "passed", result


@pytest.mark.parametrize("line", ["empty", "repr"])
def test_login_password_line_with_something_else_is_not_called_another_password(
    line: str,
) -> None:
    """An empty answer, or the password with quotes around it: the hint says to encode the
    password exactly, not that the learner typed a password of their own into the code."""

    def answer(client: Any, user: str, password: str) -> Any:
        client.command("AUTH LOGIN")
        client.command(b64(user))
        return client.command("" if line == "empty" else b64(repr(password)))

    result = check_login_by_hand(answer)
    failed_with(result, "Encode the password's UTF-8 bytes exactly")
    assert "typed into the code" not in result.message


def test_login_nothing_sent_but_something_returned() -> None:
    failed_with(check_login_by_hand(lambda client, user, password: "done"), "received nothing")


def test_login_solution_names_the_235() -> None:
    assert "235" in check_login_by_hand(solutions.login_by_hand).message


# --------------------------------------------------------------------------- PLAIN


def password_without_the_user_name(user: str, pw: str) -> str:
    return b64(pw)


def no_nul_bytes(user: str, pw: str) -> str:
    return b64(user + ":" + pw)


def leading_nul_missing(user: str, pw: str) -> str:
    return b64(f"{user}\0{pw}")


def fields_swapped(user: str, pw: str) -> str:
    return b64(f"\0{pw}\0{user}")


def sent_in_clear_text(user: str, pw: str) -> str:
    return f"\0{user}\0{pw}"


def bytes_returned(user: str, pw: str) -> bytes:
    return base64.b64encode(f"\0{user}\0{pw}".encode())


def an_error_with_the_blob(user: str, pw: str) -> str:
    raise ValueError("the server will get " + b64(f"\0{user}\0{pw}"))


def prints_the_response(user: str, pw: str) -> str:
    response = solutions.plain_response(user, pw)
    print(response)  # base64 hides nothing: anyone can decode it
    return response


def the_whole_auth_line(user: str, pw: str) -> str:
    return "AUTH PLAIN " + b64(f"\0{user}\0{pw}")


def encodebytes_line_break(user: str, pw: str) -> str:
    return base64.encodebytes(f"\0{user}\0{pw}".encode()).decode("ascii")


def not_base64(user: str, pw: str) -> str:
    return "hello!"


PLAIN = Exercise(
    number="05.2",
    title="the PLAIN response",
    checks="plain_response(user, password) returns base64 of authzid NUL authcid NUL passwd; "
    "the check sends AUTH PLAIN with it to its own lab inside TLS and reads the answer",
    check=check_plain_response,
    correct=solutions.plain_response,
    talks_to_lab=False,
    mistakes=(
        Mistake(
            name="the password alone",
            rule="PLAIN carries the user name and the password in one string (RFC 4616 §2)",
            warned_in=PLAIN_STEP,
            answer=password_without_the_user_name,
            hint="without the user name",
        ),
        Mistake(
            name="no NUL bytes",
            rule="PLAIN's fields are separated by NUL, not a space or a colon",
            warned_in=PLAIN_STEP,
            answer=no_nul_bytes,
            hint="forgot the NUL bytes",
        ),
        Mistake(
            name="two fields, not three",
            rule="authzid NUL authcid NUL passwd: the empty authzid still has its NUL",
            warned_in=PLAIN_STEP,
            answer=leading_nul_missing,
            hint="one NUL byte is missing",
        ),
        Mistake(
            name="fields swapped",
            rule="the order is authzid, authcid (the user), passwd",
            warned_in=PLAIN_STEP,
            answer=fields_swapped,
            hint="swapped",
        ),
        Mistake(
            name="not encoded",
            rule="the response is base64 (RFC 4954 §4)",
            warned_in=BASE64_STEP,
            answer=sent_in_clear_text,
            hint="clear text",
        ),
        Mistake(
            name="bytes instead of text",
            rule="b64encode gives bytes; the response is text on the AUTH line",
            warned_in=BASE64_STEP,
            answer=bytes_returned,
            hint="not bytes",
        ),
        Mistake(
            name="the whole AUTH PLAIN line",
            rule="the response is the text that follows AUTH PLAIN, not the command line",
            warned_in="05 · Your turn, exercise 2 (the text that follows AUTH PLAIN)",
            answer=the_whole_auth_line,
            hint="only the base64 text that follows",
        ),
        Mistake(
            name="encodebytes adds a line break",
            rule="the response is one line of base64: encodebytes ends it with '\\n'",
            warned_in="05 · Your turn, exercise 1 (base64.b64encode(...).decode('ascii'))",
            answer=encodebytes_line_break,
            hint="line break",
        ),
        Mistake(
            name="not base64 at all",
            rule="only the base64 alphabet and '=' padding",
            warned_in=BASE64_STEP,
            answer=not_base64,
            hint="not base64",
        ),
        Mistake(
            name="an error that quotes the response",
            rule="an error's text is an output too: a secret never goes into one",
            warned_in=SECRETS + " (3. never print)",
            answer=an_error_with_the_blob,
            hint="raised ValueError",
        ),
        Mistake(
            name="prints the response",
            rule="the response is the password in base64: never printed",
            warned_in=BASE64_STEP + "; " + SECRETS + " (3. never print)",
            answer=prints_the_response,
            hint="printed the password",
        ),
    ),
)


@pytest.mark.parametrize("separator", ["", " ", ":"])
def test_plain_forgot_the_nul_bytes(separator: str) -> None:
    result = check_plain_response(lambda user, pw: b64(user + separator + pw))
    failed_with(result, "forgot the NUL bytes")


def test_plain_str_of_the_bytes_is_told_to_decode() -> None:
    """str(base64.b64encode(...)) is "b'...'": the hint names .decode('ascii')."""
    result = check_plain_response(
        lambda user, pw: str(base64.b64encode(f"\0{user}\0{pw}".encode()))
    )
    failed_with(result, ".decode('ascii')")


def test_plain_authzid_equal_to_the_user_is_accepted() -> None:
    assert check_plain_response(lambda user, pw: b64(f"{user}\0{user}\0{pw}"))


def test_plain_solution_names_the_235() -> None:
    assert "235" in check_plain_response(solutions.plain_response).message


# --------------------------------------------------------------------------- secrets


def with_input() -> str:
    return os.environ.get(ENV_VARIABLE) or input("Password: ")


def prints_the_password() -> str | None:
    password = solutions.read_password()
    print("using", password)
    return password


def prints_its_base64() -> str | None:
    password = solutions.read_password()
    print("using", b64(password))  # base64 hides nothing
    return password


def an_error_that_quotes_it() -> str:
    password = solutions.read_password()
    raise ValueError(f"is {password!r} right?")


def always_asks() -> str:
    return getpass.getpass("Password: ")


def without_a_fallback() -> str | None:
    return os.environ.get(ENV_VARIABLE)


def with_os_environ_subscript() -> str:
    return os.environ[ENV_VARIABLE]


def hard_coded_password() -> str:
    return "hunter2"


def ignores_getpass_answer() -> str:
    value = os.environ.get(ENV_VARIABLE)
    if value is None:
        getpass.getpass("Password: ")
        return "something else"
    return value


READ_PASSWORD = Exercise(
    number="05.3",
    title="keep the password out of the notebook",
    checks="read_password() with SMTPLAB_PASSWORD set and not set (getpass and input "
    "replaced by stand-ins): the variable first, getpass as the fallback, nothing printed; "
    "the lab accepts the password returned",
    check=check_read_password,
    correct=solutions.read_password,
    talks_to_lab=False,
    mistakes=(
        Mistake(
            name="input()",
            rule="input() echoes and keeps the secret in the output",
            warned_in=SECRETS + " (2. never input())",
            answer=with_input,
            hint="input()",
        ),
        Mistake(
            name="prints the password",
            rule="a secret is never printed: outputs are saved in the notebook",
            warned_in=SECRETS + " (3. never print)",
            answer=prints_the_password,
            hint="printed the password",
        ),
        Mistake(
            name="prints its base64",
            rule="base64 is not encryption: printing it prints the password",
            warned_in=BASE64_STEP + "; " + SECRETS + " (3. never print)",
            answer=prints_its_base64,
            hint="printed the password",
        ),
        Mistake(
            name="an error that quotes the password",
            rule="an error's text is an output too: a secret never goes into one",
            warned_in=SECRETS + " (3. never print)",
            answer=an_error_that_quotes_it,
            hint="raised ValueError",
        ),
        Mistake(
            name="always asks",
            rule="the environment first; ask only when the variable is missing",
            warned_in=SECRETS + " (1. an environment variable)",
            answer=always_asks,
            hint="still asked",
        ),
        Mistake(
            name="no fallback",
            rule="when the variable is missing, ask with getpass",
            warned_in=SECRETS + " (2. ask with getpass)",
            answer=without_a_fallback,
            hint="getpass",
        ),
        Mistake(
            name="os.environ[...]",
            rule="a missing variable is a normal case, not a KeyError",
            warned_in=SECRETS,
            answer=with_os_environ_subscript,
            hint="KeyError",
        ),
        Mistake(
            name="a password in the code",
            rule="never type a password into a cell",
            warned_in=SECRETS + " (1. never type a password into a cell)",
            answer=hard_coded_password,
            hint="did not return its value",
        ),
        Mistake(
            name="ignores what getpass gave",
            rule="the password typed at the prompt is the one returned",
            warned_in=SECRETS + " (2.)",
            answer=ignores_getpass_answer,
            hint="return what getpass",
        ),
    ),
)


@pytest.fixture
def outside_value(monkeypatch: pytest.MonkeyPatch) -> str:
    """A value the learner may have set for a real account: the check must restore it."""
    monkeypatch.setenv(ENV_VARIABLE, "the-learner's-own-value")
    return "the-learner's-own-value"


def test_read_solution_restores_the_environment(outside_value: str) -> None:
    result = check_read_password(solutions.read_password)
    assert result, result
    assert os.environ[ENV_VARIABLE] == outside_value


def test_read_an_error_that_quotes_the_password_is_masked() -> None:
    """The lab's password is random: whatever the check handed over is masked in the hint."""
    seen = Seen()

    def spied() -> str:
        password = solutions.read_password()
        seen.add(password)
        raise ValueError(f"is {password!r} right? {b64(password)}")

    result = check_read_password(spied)
    failed_with(result, "raised ValueError", "●")
    seen.assert_not_in(result)
    assert seen.secrets


def test_read_another_variable_is_told_the_name() -> None:
    """A typo in the variable's name: the hint names the variable the check set, instead of
    only "read the environment first" (which the learner thinks it did)."""

    def read_password() -> str | None:
        return os.environ.get("SMTP_PASSWORD") or getpass.getpass()

    failed_with(check_read_password(read_password), "SMTPLAB_PASSWORD", "spelled")


def test_read_bytes_returned_is_told_to_return_text() -> None:
    def read_password() -> bytes:
        return solutions.read_password().encode()

    result = check_read_password(read_password)
    failed_with(result, "text (str)")
    assert "typed into the code" not in result.message


def test_read_never_calls_the_real_getpass(monkeypatch: pytest.MonkeyPatch) -> None:
    def real_getpass(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("the real getpass must not run during a check")

    monkeypatch.setattr(getpass, "getpass", real_getpass)
    assert check_read_password(solutions.read_password)


def _from_getpass_import_getpass() -> Callable[[], Any]:
    """The learner's read_password in a namespace of its own (a notebook's), where
    ``from getpass import getpass`` ran first: the name is bound to the function itself."""
    namespace: dict[str, Any] = {}
    exec(  # the learner's cell, as written
        "import os\n"
        "from getpass import getpass\n"
        "def read_password():\n"
        "    password = os.environ.get('SMTPLAB_PASSWORD')\n"
        "    if password is None:\n"
        "        password = getpass('SMTP password: ')\n"
        "    return password\n",
        namespace,
    )
    return namespace["read_password"]


def test_read_from_getpass_import_getpass_gets_the_stand_in_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``from getpass import getpass`` is a correct answer: the check's stand-in replaces
    that name too, so the real getpass never asks the learner (in Jupyter it would show a
    password prompt; here it would raise EOFError)."""

    def real_getpass(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("the real getpass must not run during a check")

    monkeypatch.setattr(getpass, "getpass", real_getpass)
    read_password = _from_getpass_import_getpass()
    result = check_read_password(read_password)
    assert result and result.status == "passed", result
    assert read_password.__globals__["getpass"] is real_getpass  # put back afterwards


def test_read_from_getpass_import_getpass_as_jupyter_binds_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ipykernel sets getpass.getpass to its own bound method before each cell: the name
    imported in an earlier cell is an equal bound method, not the same object."""

    class Kernel:
        def getpass(self, prompt: str = "") -> str:
            raise AssertionError("the kernel's getpass must not run during a check")

    kernel = Kernel()
    monkeypatch.setattr(getpass, "getpass", kernel.getpass)  # the cell with the import
    read_password = _from_getpass_import_getpass()
    monkeypatch.setattr(getpass, "getpass", kernel.getpass)  # the cell with the check
    result = check_read_password(read_password)
    assert result and result.status == "passed", result


def test_read_input_under_another_name_is_still_input() -> None:
    """``from builtins import input as ask``: the stand-in replaces that name too, so the
    hint is about input(), and nothing is read from a real keyboard."""
    namespace: dict[str, Any] = {}
    exec(
        "import os\n"
        "from builtins import input as ask\n"
        "def read_password():\n"
        "    return os.environ.get('SMTPLAB_PASSWORD') or ask('Password: ')\n",
        namespace,
    )
    failed_with(check_read_password(namespace["read_password"]), "input()")


EXERCISES = [LOGIN, PLAIN, READ_PASSWORD]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)


def _spied(answer: Callable[..., Any], seen: Seen) -> Callable[..., Any]:
    def spy(*args: Any) -> Any:
        seen.add(args[-1])  # the password is the last argument of LOGIN and PLAIN
        return answer(*args)

    return spy


@pytest.mark.parametrize(
    ("exercise", "mistake"),
    [(e, m) for e in (LOGIN, PLAIN) for m in e.mistakes],
    ids=lambda value: getattr(value, "number", None) or getattr(value, "name", ""),
)
def test_no_hint_repeats_the_password_or_its_base64(exercise: Exercise, mistake: Mistake) -> None:
    seen = Seen()
    seen.assert_not_in(exercise.check(_spied(mistake.answer, seen)))
    assert seen.secrets
