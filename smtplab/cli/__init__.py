"""The command line: ``python -m smtplab <command>`` (or ``smtplab <command>``).

Each command (:mod:`.serve`, :mod:`.send`, :mod:`.doctor`, and :mod:`.notebooks` with
``notebooks`` and ``lab``) is a module whose
``add_command(commands)`` adds its subparser and sets ``run`` (parsed arguments -> exit
code); registering one is a line in ``COMMANDS``. :mod:`.common` holds what they share.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .. import install
from ..i18n import _
from . import common, doctor, notebooks, send, serve

__all__ = ["main"]

COMMANDS = (serve, send, doctor, notebooks)
"""The command modules, in the order ``smtplab --help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The ``smtplab`` argument parser with every command."""
    parser = common.Parser(prog="smtplab", description=_("smtplab: learn SMTP by talking it."))
    parser.add_argument(
        "--version",
        action="version",
        version=f"smtplab {install.version()}",
        help=_("show program's version number and exit"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for a usage error).

    Its texts (help included) are in the language of ``SMTPLAB_LANG`` (English unless set).
    """
    try:
        with common.in_language():  # argparse's own words too, while the parser is built
            args = build_parser().parse_args(argv)
    except SystemExit as exit_request:  # argparse exits on --help and on usage errors
        code = exit_request.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    try:
        return int(args.run(args))
    except BrokenPipeError:  # the reader of our output left (`| head`): end quietly
        common.discard_output()
        return 0
