"""``smtplab notebooks`` and ``smtplab lab``: the series for pip users (it ships as package
data); their logic is in :mod:`smtplab.install`."""

from __future__ import annotations

import argparse

from .. import install
from ..i18n import _
from .common import port

__all__: list[str] = []


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``notebooks`` and ``lab``."""
    notebooks = commands.add_parser(
        "notebooks",
        help=_("copy the notebook series into a folder of yours"),
        description=_(
            "Copy the notebooks (with their solutions and sanitize.cfg) into DIR. "
            "A notebook you edited is never overwritten unless you add --force."
        ),
    )
    _folder(notebooks, _("where to put them (default ./smtplab-notebooks)"))
    notebooks.add_argument(
        "--force",
        action="store_true",
        help=_("replace notebooks you edited (your changes are lost)"),
    )
    notebooks.set_defaults(run=lambda args: install.run_notebooks(args.folder, args.force))

    lab = commands.add_parser(
        "lab",
        help=_("open JupyterLab on the notebooks (copies them first if needed)"),
        description=_(
            "Open JupyterLab (this Python's, on 127.0.0.1 only) on the series in DIR, "
            "copying it there first if DIR does not hold it yet. Ctrl-C stops it."
        ),
    )
    _folder(lab, _("the notebooks folder (default ./smtplab-notebooks)"))
    lab.add_argument("--no-browser", action="store_true", help=_("print the URL, open no browser"))
    lab.add_argument("--port", type=port, default=None, help=_("JupyterLab's port (default 8888)"))
    lab.set_defaults(run=lambda args: install.run_lab(args.folder, not args.no_browser, args.port))


def _folder(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        "folder", nargs="?", default=install.DEFAULT_NOTEBOOK_FOLDER, metavar="DIR", help=help_text
    )
