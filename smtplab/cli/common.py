"""What the commands of :mod:`smtplab.cli` share: the parser class, the argument types,
the password rule and the one way an error line is printed."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import math
import os
import select
import ssl
import sys
from typing import Any, NoReturn

from ..printable import printable

__all__: list[str] = []

# `send` and `serve --user` read the password from this environment variable, or a
# prompt: never from a command-line flag (flags end up in the shell's history and in
# the process list).
PASSWORD_VARIABLE = "SMTPLAB_PASSWORD"
NO_PASSWORD_FLAG = (
    f"a password is never given on the command line (it would stay in your shell history "
    f"and in the process list): set {PASSWORD_VARIABLE}, or type it at the prompt"
)


def print_error(text: object) -> None:
    """Print ``error: TEXT`` on standard error, through printable() (it may quote a peer)."""
    print(f"error: {printable(str(text), newlines=True, keep_stand_ins=True)}", file=sys.stderr)


def read_password(flag: str, prompt: str) -> str | None:
    """A password from SMTPLAB_PASSWORD or a prompt, or None after an error line."""
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print_error(f"{flag} needs a password: set {PASSWORD_VARIABLE} (no terminal, so no prompt).")
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
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


def whole(text: str, what: str) -> int:
    """``text`` as a whole number, or a usage error naming ``what`` it should be."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a {what}") from None


def port(text: str) -> int:
    """A port number, 0 (pick a free one) to 65535."""
    value = whole(text, "port number")
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: use 0 (pick a free one) to 65535")
    return value


def positive(text: str) -> int:
    """A positive number of bytes."""
    value = whole(text, "whole number of bytes")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value}: the size limit must be a positive number")
    return value


class RefusePasswordFlag(argparse.Action):
    """``--password`` (and swaks's ``-ap``): refused with the reason, without echoing the
    password back."""

    def __call__(self, parser: Any, namespace: Any, values: Any, flag: str | None = None) -> None:
        parser.error(f"{flag or '--password'} is not an option: {NO_PASSWORD_FLAG}")


def seconds(text: str) -> float:
    """A finite, non-negative number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value < math.inf:  # nan compares False: refused too
        raise argparse.ArgumentTypeError(f"{text!r}: give a finite number of seconds, e.g. 5")
    return value


def cafile(text: str) -> str:
    """A CA file that exists, can be read and holds PEM certificates (checked now, so a
    wrong path is an error line, not a traceback)."""
    try:
        ssl.create_default_context(cafile=text)
    except FileNotFoundError:
        problem = "no such file"
    except PermissionError:
        problem = "you may not read it"
    except IsADirectoryError:
        problem = "it is a directory"
    except (ssl.SSLError, OSError, ValueError):
        problem = "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
    else:
        return text
    raise argparse.ArgumentTypeError(
        f"{text!r}: {problem}. Give the lab's CA file (the 'CA file:' line of smtplab serve, "
        "or lab.ca_path in a notebook) while that lab runs."
    )


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that takes options only spelled in full (``allow_abbrev=False``:
    ``--host`` is not taken for ``--hostname``) and says a usage error in one ``error:``
    line; its subcommands' parsers are the same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"allow_abbrev": False, **kwargs})

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE`` and where the options are explained; exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (options: {self.prog} --help)\n")
