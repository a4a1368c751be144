"""Notebook 05's password, kept secret: every form of it masked in what a check shows
and in what the learner's code prints (shared by the three checks), and the check of
``read_password`` (``SMTPLAB_PASSWORD``, else getpass; never input or print), public from
:mod:`smtplab.course.nb05`."""

from __future__ import annotations

import builtins
import contextlib
import getpass
import inspect
import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from unittest import mock

from ..errors import SmtplabError
from ..i18n import _
from ..lab import LabServer
from ..secrecy import password_forms, repeats, scrub
from . import nb05_texts as texts
from .harness import Hint, Result, evaluate
from .labs import lab_client, strict_lab

__all__: list[str] = []  # public as smtplab.course.nb05 (check_read_password, ENV_VARIABLE)

ENV_VARIABLE = "SMTPLAB_PASSWORD"
"""The environment variable notebook 05 reads the password from."""

USER = "student"
"""The lab's user whose password the checks use."""


def kept_secret(result: Result, password: str) -> Result:
    """``result`` with every form of ``password`` (clear, base64, a PLAIN blob) masked:
    a hint quotes the text of what the learner's code raised, and a learner may well
    have put the password in it (``raise ValueError(f"login failed for {password}")``);
    the hint is an output the notebook saves."""
    return replace(result, message=scrub(result.message, password_forms(USER, password)))


@contextlib.contextmanager
def quiet_about(password: str) -> Iterator[None]:
    """Run the learner's code with what it prints caught, then shown with every form of
    ``password`` masked; a :class:`Hint` when it printed one (the output is saved in the
    notebook: "never print a password, not even to check it")."""
    forms = password_forms(USER, password)
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            yield
    finally:
        sys.stdout.write(scrub(captured.getvalue(), forms))
    if repeats(captured.getvalue(), forms):
        raise Hint(_(texts.FUNCTION_PRINTED_PASSWORD))


@contextlib.contextmanager
def _environment(value: str | None) -> Iterator[None]:
    """Set (or remove, for None) the variable for the duration; restore it afterwards."""
    with mock.patch.dict(os.environ):
        os.environ.pop(ENV_VARIABLE, None)
        if value is not None:
            os.environ[ENV_VARIABLE] = value
        yield


@dataclass(frozen=True)
class _Run:
    """What one call of the learner's function did."""

    value: object
    getpass_calls: int
    input_calls: int
    output: str


def _run(
    read_password: Callable[[], Any], env: str | None, typed: str, *, allow_none: bool
) -> _Run:
    asked = mock.Mock(return_value=typed)  # getpass.getpass and input, counting calls
    typed_in = mock.Mock(return_value=typed)
    captured = io.StringIO()
    with (
        _environment(env),
        _imported_names(read_password, getpass.getpass, asked),
        _imported_names(read_password, builtins.input, typed_in),
        mock.patch.object(getpass, "getpass", asked),
        mock.patch.object(builtins, "input", typed_in),
        contextlib.redirect_stdout(captured),
        contextlib.redirect_stderr(captured),
    ):
        try:
            value = read_password()
        except KeyError:
            raise Hint(_(texts.OS_ENVIRON_RAISES).format(variable=ENV_VARIABLE)) from None
    run = _Run(value, asked.call_count, typed_in.call_count, captured.getvalue())
    if value is None and not allow_none:
        raise Hint(_(texts.READ_PASSWORD_RETURNED).format(variable=ENV_VARIABLE))
    return run


def _is_same(value: object, real: object) -> bool:
    """``value`` is ``real``, or an equal bound method (Jupyter binds its getpass anew
    before each cell, so a name imported in an earlier cell is not the same object)."""
    if value is real:
        return True
    if inspect.ismethod(value) and inspect.ismethod(real):
        return value.__func__ is real.__func__ and value.__self__ is real.__self__
    return False


@contextlib.contextmanager
def _imported_names(function: Callable[..., Any], real: object, stand_in: object) -> Iterator[None]:
    """The names of ``function``'s module (a notebook's namespace) bound to ``real``
    (``from getpass import getpass``, ``from builtins import input as ask``) point to
    ``stand_in`` for the duration, so the real prompt never asks the learner; only
    those names are put back afterwards."""
    namespace = getattr(function, "__globals__", None)
    if not isinstance(namespace, dict):
        yield
        return
    saved = {name: value for name, value in namespace.items() if _is_same(value, real)}
    namespace.update(dict.fromkeys(saved, stand_in))
    try:
        yield
    finally:
        for name, value in saved.items():
            if namespace.get(name) is stand_in:
                namespace[name] = value


def _login_works(lab: LabServer, secret: object) -> bool:
    if not isinstance(secret, str) or not secret:
        return False
    with lab_client(lab, starttls=True) as client:
        try:
            client.login(USER, secret)
        except SmtplabError:
            return False
    return lab.sessions[-1].auth_user == USER


def check_read_password(read_password: Callable[[], Any]) -> Result:
    """``read_password()`` reads SMTPLAB_PASSWORD, else getpass (stand-ins); never input/print."""
    exercise = _("keep the password out of the notebook")
    with strict_lab() as lab:
        password = lab.users[USER]
        decoy = "typed-at-the-keyboard"

        def attempt() -> object:
            first = _run(read_password, password, decoy, allow_none=True)
            if first.value is None and not (first.getpass_calls or first.input_calls):
                return None  # untouched: not tried yet
            second = _run(read_password, None, password, allow_none=False)
            return (first, second)

        def verify(value: object) -> str:
            assert isinstance(value, tuple)
            return _verify_read(lab, password, *value)

        return kept_secret(evaluate(exercise, attempt, verify), password)


def _verify_read(lab: LabServer, password: str, first: _Run, second: _Run) -> str:
    for run in (first, second):
        if run.input_calls:
            raise Hint(_(texts.USED_INPUT_SHOWS))
        printed = repeats(run.output, password_forms(USER, password))  # its base64 too
        if printed or (run.value and str(run.value) in run.output):
            raise Hint(_(texts.FUNCTION_PRINTED_PASSWORD))
    if first.getpass_calls:
        raise Hint(_(texts.SET_STILL_ASKED).format(variable=ENV_VARIABLE))
    if isinstance(first.value, (bytes, bytearray)):
        raise Hint(_(texts.RETURN_PASSWORD_TEXT))
    if first.value != password:
        raise Hint(_(texts.SET_FUNCTION_DID).format(variable=ENV_VARIABLE))
    if not second.getpass_calls:
        raise Hint(_(texts.MISSING_FUNCTION_DID).format(variable=ENV_VARIABLE))
    if second.value != password:
        raise Hint(_("with the variable missing, return what getpass.getpass() gave you."))
    if not _login_works(lab, first.value):
        raise Hint(_("the lab refused the password your function returned."))
    return _(texts.READ_FIRST_GETPASS).format(variable=ENV_VARIABLE)
