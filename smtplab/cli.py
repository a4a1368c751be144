"""The command line: ``python -m smtplab <command>`` (or ``smtplab <command>``).

Commands are subparsers, each with a ``run`` function taking the parsed arguments and
returning the exit code, listed in :data:`COMMANDS`; adding ``send`` or ``doctor`` means
adding one ``add_*_parser`` function and one entry there.

``serve`` runs a :class:`~smtplab.lab.LabServer` in the terminal: it prints where the lab
listens, its CA file and the demo account (the password too: it is your own terminal),
then one line per received message, until Ctrl-C. The server thread never prints; the
main thread waits on the inbox and prints.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TextIO

from .errors import Timeout
from .lab import DEFAULT_HOSTNAME, DEFAULT_SIZE_LIMIT, LabServer, ReceivedMessage
from .lab.server import is_loopback

__all__ = ["COMMANDS", "build_parser", "main"]

_POLL_SECONDS = 0.5

Command = Callable[[argparse.Namespace], int]


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: use 0 (pick a free one) to 65535")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of bytes") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value}: the size limit must be a positive number")
    return value


def _user(text: str) -> tuple[str, str]:
    name, colon, password = text.partition(":")
    if not colon or not name or not password:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write the account as NAME:PASSWORD, e.g. --user student:secret"
        )
    return name, password


def add_serve_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``serve`` command."""
    serve = commands.add_parser(
        "serve",
        help="run the lab SMTP server in this terminal",
        description=(
            "Run the lab SMTP server until Ctrl-C: a plain port that offers STARTTLS "
            "(like 587) and an implicit-TLS port (like 465), with a demo account. "
            "Received messages are printed, one line each."
        ),
    )
    serve.add_argument(
        "--bind",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; anything else is reachable "
        "from other machines)",
    )
    serve.add_argument(
        "--port", type=_port, default=0, help="plain/STARTTLS port (default 0: pick a free one)"
    )
    serve.add_argument(
        "--tls-port", type=_port, default=0, help="implicit-TLS port (default 0: pick a free one)"
    )
    serve.add_argument(
        "--hostname",
        default=DEFAULT_HOSTNAME,
        help=f"server name in the greeting and certificate (default {DEFAULT_HOSTNAME})",
    )
    serve.add_argument(
        "--user",
        type=_user,
        action="append",
        metavar="NAME:PASSWORD",
        help="an account that may log in (repeatable; default: 'student' with a fresh password)",
    )
    serve.add_argument(
        "--require-tls", action="store_true", help="answer 530 until the client sends STARTTLS"
    )
    serve.add_argument(
        "--require-auth", action="store_true", help="answer 530 to MAIL until the client logs in"
    )
    serve.add_argument(
        "--size-limit",
        type=_positive,
        default=DEFAULT_SIZE_LIMIT,
        help=f"largest message accepted, in bytes (default {DEFAULT_SIZE_LIMIT})",
    )
    serve.set_defaults(run=run_serve)


def _banner(lab: LabServer) -> list[str]:
    policy = lab.policy
    rules = []
    rules.append("STARTTLS required" if policy.require_tls else "STARTTLS offered")
    rules.append("AUTH required" if policy.require_auth else "mail accepted without AUTH")
    accounts = [f"  account:    {name} / {password}" for name, password in lab.users.items()]
    name, password = next(iter(lab.users.items()))
    return [
        "smtplab lab server is running (Ctrl-C to stop)",
        f"  host:       {lab.host}",
        f"  hostname:   {lab.hostname} (in the greeting and the certificate)",
        f"  port:       {lab.port} (plain, {rules[0]}; like 587)",
        f"  tls_port:   {lab.tls_port} (implicit TLS; like 465)",
        f"  CA file:    {lab.ca_path}",
        *accounts,
        f"  policy:     {rules[1]}; size limit {policy.size_limit} bytes",
        "Try it:",
        f"  swaks --server {lab.host}:{lab.port} --tls --tls-ca-path {lab.ca_path} "
        f"--auth-user {name} --auth-password {password} --to bob@example.com",
        "Waiting for mail...",
    ]


def describe_message(number: int, message: ReceivedMessage) -> str:
    """One line about a received message, for the terminal."""
    when = message.received_at.astimezone().strftime("%H:%M:%S")
    security = "TLS" if message.tls else "plain"
    login = f"AUTH {message.auth_user}" if message.auth_user else "no AUTH"
    recipients = ", ".join(message.rcpt_tos)
    return (
        f"[{when}] #{number} from {message.mail_from or '<>'} to {recipients}: "
        f"{message.size} bytes, {security}, {login}, Subject: {message.subject!r} "
        f"(queued as {message.queue_id}, session {message.session_id})"
    )


def run_serve(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run ``serve`` until Ctrl-C (SIGINT) or SIGTERM; return the exit code."""
    out = out or sys.stdout
    if not is_loopback(args.bind):
        print(
            f"warning: listening on {args.bind} makes the lab reachable from other "
            "machines; anyone who can reach it can send mail into it.",
            file=sys.stderr,
        )
    users = dict(args.user) if args.user else None
    try:
        lab = LabServer(
            host=args.bind,
            port=args.port,
            tls_port=args.tls_port,
            hostname=args.hostname,
            users=users,
            require_tls=args.require_tls,
            require_auth=args.require_auth,
            size_limit=args.size_limit,
        ).start()
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        print(f"error: {reason}", file=sys.stderr)
        return 1
    restore = _stop_on_sigterm()
    try:
        for line in _banner(lab):
            print(line, file=out, flush=True)
        shown = 0
        while True:
            try:
                lab.wait_for(count=shown + 1, timeout=_POLL_SECONDS)
            except Timeout:
                continue
            total = lab.received_count
            new = lab.inbox[-(total - shown) :] if total > shown else []
            for offset, message in enumerate(new):
                print(describe_message(shown + offset + 1, message), file=out, flush=True)
            shown = total
    except KeyboardInterrupt:
        print("\nstopping the lab server", file=out, flush=True)
    finally:
        lab.stop()
        restore()
    return 0


def _stop_on_sigterm() -> Callable[[], None]:
    """Treat SIGTERM like Ctrl-C (main thread only); return a function that undoes it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)


COMMANDS: dict[str, Callable[[argparse._SubParsersAction], None]] = {  # type: ignore[type-arg]
    "serve": add_serve_parser,
}
"""Each command's name and the function that adds its parser."""


def build_parser() -> argparse.ArgumentParser:
    """The ``smtplab`` argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="smtplab",
        description="smtplab: learn SMTP by talking it.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_parser in COMMANDS.values():
        add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for a usage error)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse exits on --help and on usage errors
        code = exit_request.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    run: Command = args.run
    return run(args)
