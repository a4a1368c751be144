"""What the commands of :mod:`smtplab.cli` share: the parser class, the argument types,
the password rule and the one way an error line is printed."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import math
import os
import re
import select
import ssl
import sys
from collections.abc import Iterator
from typing import Any, NoReturn

from ..i18n import N_, _, language, ngettext
from ..printable import printable

__all__: list[str] = []

# `send` and `serve --user` read the password from this environment variable, or a
# prompt: never from a command-line flag (flags end up in the shell's history and in
# the process list).
PASSWORD_VARIABLE = "SMTPLAB_PASSWORD"


def no_password_flag() -> str:
    """Why a password is never a flag (in the current language)."""
    return _(
        "a password is never given on the command line (it would stay in your shell history "
        "and in the process list): set {variable}, or type it at the prompt"
    ).format(variable=PASSWORD_VARIABLE)


# argparse's own texts a learner meets (its help sections, its usage errors): argparse
# looks them up with gettext at the time it uses them; `in_language` hands it ours.
ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("show this help message and exit"),
    N_("positional arguments"),
    N_("options"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


@contextlib.contextmanager
def in_language() -> Iterator[None]:
    """While it lasts, argparse's own texts (section titles, usage errors) come from the
    kit's catalog in the kit's language (SMTPLAB_LANG), not from gettext's default domain
    and the machine's locale. English: argparse is left exactly as it is."""
    saved = {name: getattr(argparse, name, None) for name in ("_", "ngettext")}
    if language() == "en" or None in saved.values():
        yield
        return
    argparse._ = _  # type: ignore[attr-defined]  # argparse reads this module global
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(argparse, name, value)


def print_error(text: object) -> None:
    """Print ``error: TEXT`` on standard error, through printable() (it may quote a peer)."""
    text = printable(str(text), newlines=True, keep_stand_ins=True)
    print(_("error: {text}").format(text=text), file=sys.stderr)


def read_password(flag: str, prompt: str) -> str | None:
    """A password from SMTPLAB_PASSWORD or a prompt, or None after an error line."""
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print_error(
        _("{flag} needs a password: set {variable} (no terminal, so no prompt).").format(
            flag=flag, variable=PASSWORD_VARIABLE
        )
    )
    return None


def discard_output() -> None:
    """Standard output to /dev/null once its reader left, so no print fails (BrokenPipeError)."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def reader_gone() -> bool:
    """True when standard output's reader has closed it (POLLERR/POLLHUP on our end)."""
    try:  # no poll (Windows) or no file descriptor (a test's capture): nothing to tell
        poller = select.poll()
        poller.register(sys.stdout.fileno(), 0)
        return any(events & (select.POLLERR | select.POLLHUP) for _fd, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


def whole(text: str, what: str) -> int:
    """``text`` as a whole number, or a usage error naming ``what`` it should be."""
    try:
        return int(text)
    except ValueError:
        message = _("{text} is not a {what}").format(text=repr(text), what=what)
        raise argparse.ArgumentTypeError(message) from None


def port(text: str) -> int:
    """A port number, 0 (pick a free one) to 65535."""
    value = whole(text, _("port number"))
    if not 0 <= value <= 65535:
        problem = _("{value} is not a port: use 0 (pick a free one) to 65535")
        raise argparse.ArgumentTypeError(problem.format(value=value))
    return value


def positive(text: str) -> int:
    """A positive number of bytes."""
    value = whole(text, _("whole number of bytes"))
    if value <= 0:
        problem = _("{value}: the size limit must be a positive number")
        raise argparse.ArgumentTypeError(problem.format(value=value))
    return value


def account(text: str) -> str:
    """``--user``'s account name (serve, send): NAME:PASSWORD is refused, never echoed."""
    if ":" in text:
        problem = _("give the account NAME only; {reason}")
        raise argparse.ArgumentTypeError(problem.format(reason=no_password_flag()))
    if not text.strip():
        raise argparse.ArgumentTypeError(_("give an account name, e.g. --user student"))
    return text


PASSWORD_FLAGS = (("--password", "--pass", "--passwd"), ("-ap", "--auth-password"))
"""The spellings of a password option that are refused, so none of them is echoed back as
an unknown option with its value (swaks's are ``-ap`` and ``--auth-password``)."""


class RefusePasswordFlag(argparse.Action):
    """A password option (:data:`PASSWORD_FLAGS`): refused with the reason, without
    echoing the password back."""

    def __call__(self, parser: Any, namespace: Any, values: Any, flag: str | None = None) -> None:
        problem = _("{flag} is not an option: {reason}")
        parser.error(problem.format(flag=flag or "--password", reason=no_password_flag()))


def seconds(text: str) -> float:
    """A finite, non-negative number of seconds."""
    try:
        value = float(text)
    except ValueError:
        problem = _("{text} is not a number of seconds").format(text=repr(text))
        raise argparse.ArgumentTypeError(problem) from None
    if not 0 <= value < math.inf:  # nan compares False: refused too
        problem = _("{text}: give a finite number of seconds, e.g. 5").format(text=repr(text))
        raise argparse.ArgumentTypeError(problem)
    return value


def cafile(text: str) -> str:
    """A CA file that exists, can be read and holds PEM certificates (checked now, so a
    wrong path is an error line, not a traceback)."""
    try:
        ssl.create_default_context(cafile=text)
    except FileNotFoundError:
        problem = _("no such file")
    except PermissionError:
        problem = _("you may not read it")
    except IsADirectoryError:
        problem = _("it is a directory")
    except (ssl.SSLError, OSError, ValueError):
        problem = _("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    else:
        return text
    raise argparse.ArgumentTypeError(
        _(
            "{text}: {problem}. Give the lab's CA file (the 'CA file:' line of smtplab serve, "
            "or lab.ca_path in a notebook) while that lab runs."
        ).format(text=repr(text), problem=problem)
    )


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that takes options only spelled in full (``allow_abbrev=False``:
    ``--host`` is not taken for ``--hostname``) and says a usage error in one ``error:``
    line; its subcommands' parsers are the same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"allow_abbrev": False, **kwargs})

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE`` and where the options are explained; exit 2."""
        # Python 3.10's argparse writes "argument X: ..." without asking gettext: translate it.
        named = re.match(r"argument (\S+): (.*)", message, re.S)  # i18n: keep argparse's
        if named and language() != "en":
            message = _("argument %(argument_name)s: %(message)s") % {
                "argument_name": named[1],
                "message": named[2],
            }
        line = _("{prog}: error: {message} (options: {prog} --help)")
        self.exit(2, line.format(prog=self.prog, message=message) + "\n")
