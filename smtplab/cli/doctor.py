"""``smtplab doctor``: check the installation and say what is wrong."""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from collections.abc import Callable

from .. import install
from ..i18n import _
from ..lab import LabServer
from ..printable import printable

__all__: list[str] = []


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``doctor``."""
    doctor = commands.add_parser(
        "doctor",
        help=_("check that the kit is installed and works"),
        description=_(
            "Check the installation: Python, the packages, JupyterLab and its widgets "
            "extension, and a real lab server that receives one message over "
            "STARTTLS + AUTH. Prints a verdict; exits 1 if something is wrong."
        ),
    )
    doctor.set_defaults(run=run)


def _check_packages() -> str:
    version = importlib.metadata.version
    return ", ".join(f"{name} {version(name)}" for name in ("aiosmtpd", "trustme", "ipywidgets"))


def _check_lab_round_trip() -> str:
    from ..client import Client

    with LabServer() as lab:
        name, password = next(iter(lab.users.items()))
        with Client(
            lab.host, lab.port, security="starttls", context=lab.ssl_context(), timeout=10
        ) as client:
            client.login(name, password)
            client.send_message(
                b"Subject: doctor\r\n\r\nsmtplab doctor was here\r\n",
                f"{name}@{lab.hostname}",
                ["doctor@example.com"],
            )
        [message] = lab.wait_for(1, timeout=10)
        if not (message.tls and message.auth_user == name):
            raise RuntimeError(_("the message arrived, but not over TLS with AUTH"))
    return _("a lab server started and received a message over STARTTLS + AUTH")


def run(args: argparse.Namespace) -> int:
    """Run every check, print one line each and a verdict; return 0 when all pass."""
    installed = install.installation()
    checks: dict[str, Callable[[], str]] = {
        "Python": lambda: f"{sys.version.split()[0]} at {sys.executable}",
        "installed": installed.describe,
        "packages": _check_packages,
        "JupyterLab": install.check_jupyterlab,
        "lab server": _check_lab_round_trip,
    }
    failures = 0
    for name, check in checks.items():
        try:
            print(f"  ok    {name}: {check()}")
        except Exception as error:  # a check failing is the news: report, go on
            failures += 1
            reason = printable(str(error), newlines=True, keep_stand_ins=True)
            print(f"  FAIL  {name}: {type(error).__name__}: {reason}")
    for warning in installed.warnings():
        print(f"  note  {warning}")
    if failures:
        print(
            _("{failures} check(s) failed. Reinstall with: {repair}").format(
                failures=failures, repair=installed.repair()
            )
        )
        print(_("then run smtplab doctor again."))
        return 1
    print(_("All good: {next_steps}.").format(next_steps=installed.next_steps()))
    return 0
