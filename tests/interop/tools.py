"""Finding the system tools the interop tests need: fail under CI, skip elsewhere.

CI (``.ci/run``, ``CI=true``) installs postfix, swaks and libnet-ssleay-perl, so a missing
tool there is a broken setup and must fail the run. On a developer's machine the tests
skip, saying how to install the tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import NoReturn

import pytest

__all__ = ["INSTALL", "in_ci", "missing", "require_perl_module", "require_root", "require_tool"]

INSTALL = (
    'echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections'
    " && apt-get install -y postfix swaks libnet-ssleay-perl"
)
"""How to install the tools (Debian/Ubuntu, as root; no system-wide Postfix is set up)."""

_SBIN = ("/usr/sbin", "/sbin", "/usr/local/sbin")


def in_ci() -> bool:
    """True when running under CI (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(message: str) -> NoReturn:
    """Fail under CI, skip elsewhere; ``message`` says what is missing and how to fix it."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: the tool must be there)", pytrace=False)
    pytest.skip(message)


def require_tool(name: str, why: str) -> str:
    """The path of the executable ``name`` (also looked up in the sbin directories)."""
    path = shutil.which(name) or shutil.which(name, path=os.pathsep.join(_SBIN))
    if path is None:
        missing(f"{name} is not installed ({why}); install it with: {INSTALL}")
    return path


def require_perl_module(module: str, package: str, why: str) -> None:
    """Check that perl can load ``module`` (shipped by the Debian ``package``)."""
    perl = require_tool("perl", why)
    found = subprocess.run([perl, f"-M{module}", "-e", "1"], capture_output=True, timeout=30)
    if found.returncode != 0:
        missing(f"the Perl module {module} ({package}) is missing ({why}); install: {INSTALL}")


def require_root(why: str) -> None:
    """Postfix's master runs as root (it starts its daemons as the postfix user)."""
    if os.geteuid() != 0:
        missing(f"{why} needs root (CI runs as root); run the tests as root to include it")
