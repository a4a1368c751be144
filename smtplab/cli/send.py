"""``smtplab send``: send one message and print the annotated dialogue (like swaks)."""

from __future__ import annotations

import argparse
import getpass
import os
import ssl
import sys

from ..errors import SmtplabError
from ..secrecy import SecretText
from . import common
from .common import PASSWORD_VARIABLE

__all__: list[str] = []


def _server(text: str) -> tuple[str, int | None]:
    host, colon, port = text.rpartition(":")
    if not colon:
        return text, None
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, common.port(port)


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    send = commands.add_parser(
        "send",
        help="send one message and show the whole SMTP dialogue",
        description=(
            "Send one message and print the annotated SMTP dialogue (passwords hidden).\n"
            f"The password comes from the {PASSWORD_VARIABLE} environment variable, or from\n"
            "a prompt: never from a flag (flags stay in your shell history). Exits 1 with an\n"
            "explanation if the server refuses the message."
        ),
        epilog=(
            "examples:\n"
            "  smtplab send --server 127.0.0.1:2525 --from a@example.com --to b@example.com\n"
            "  smtplab send --server 127.0.0.1:2525 --security starttls --cafile lab-ca.pem \\\n"
            "      --user student --from student@lab.smtplab.test --to b@example.com\n"
            "  smtplab send --provider qq --user 12345@qq.com \\\n"
            "      --from 12345@qq.com --to b@example.com"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = send.add_argument
    add("--password", nargs="?", action=common.RefusePasswordFlag, help=argparse.SUPPRESS)
    where = send.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--server", type=_server, metavar="HOST[:PORT]", help="the SMTP server to talk to"
    )
    where.add_argument(
        "--provider", metavar="NAME", help="a known provider (qq, 163, gmail, outlook...)"
    )
    add(
        "--security",
        choices=("plain", "starttls", "tls"),
        help="plain, starttls (like port 587) or tls (implicit TLS, like 465); "
        "default: the provider's, else plain",
    )
    add("--user", help="log in with AUTH as this user (password: see above)")
    add("--auth", metavar="MECHANISM", help="AUTH mechanism (LOGIN, PLAIN...; default LOGIN)")
    add(
        "--allow-unencrypted-auth",
        action="store_true",
        help="log in even without TLS (lab lessons only: the password crosses the network "
        "readable by anyone on the path); without it, --user needs --security starttls or tls",
    )
    add("--from", dest="sender", required=True, help="the sender's address")
    add("--to", action="append", required=True, help="a recipient (repeatable, or comma-separated)")
    add("--subject", default="", help="the subject")
    add("--body", help="the text of the message (default: read it from standard input)")
    add("--attach", action="append", default=[], metavar="FILE", help="attach a file (repeatable)")
    add(
        "--cafile",
        type=common.cafile,
        help="trust the certificate authority in this PEM file (the lab's: ca_path)",
    )
    add("--ehlo", metavar="NAME", help="the name to give in EHLO")
    add(
        "--timeout",
        type=common.seconds,
        default=30.0,
        help="seconds to wait for each reply (default 30)",
    )
    send.set_defaults(run=run)


def _read_password(user: str) -> SecretText | None:
    """The password for ``user``, from the environment or a prompt, masked at once."""
    if os.environ.get(PASSWORD_VARIABLE):
        return SecretText(os.environ[PASSWORD_VARIABLE])
    if not sys.stdin.isatty():
        print(
            f"error: --user {user} needs a password: set {PASSWORD_VARIABLE} (standard input "
            "is not a terminal, so there is no prompt).",
            file=sys.stderr,
        )
        return None
    return SecretText(getpass.getpass(f"password for {user} (not shown): "))


def run(args: argparse.Namespace) -> int:
    """Run ``send``: compose, send, print the transcript; return 0, or 1 on failure."""
    from ..client import Client
    from ..message import compose

    body = args.body
    if body is None:
        if sys.stdin.isatty():
            print("Type the message, then Ctrl-D on an empty line:", file=sys.stderr)
        body = sys.stdin.read()
    context = ssl.create_default_context(cafile=args.cafile) if args.cafile else None
    in_clear = (args.security or ("plain" if args.server else "")) == "plain"
    if args.user and in_clear and not args.allow_unencrypted_auth:
        print(
            f"error: --user {args.user} over --security plain would send the password without "
            "TLS (AUTH only base64-encodes it: anyone on the path can read it), so nothing "
            "was sent. Use --security starttls or --security tls; for a lab lesson, "
            "--allow-unencrypted-auth.",
            file=sys.stderr,
        )
        return 2
    password = _read_password(args.user) if args.user else None
    if args.user and password is None:
        return 2
    options = {"timeout": args.timeout, "context": context, "local_hostname": args.ehlo}
    client = None
    try:
        draft = compose(
            sender=args.sender,
            to=[a.strip() for value in args.to for a in value.split(",") if a.strip()],
            subject=args.subject,
            body=body,
            attachments=args.attach,
        )
        if args.provider:
            client = Client.for_provider(args.provider, security=args.security, **options)
        else:
            client = Client(*args.server, security=args.security or "plain", **options)
        with client:
            if args.user:
                client.login(
                    args.user,
                    password or "",
                    mechanism=args.auth,
                    allow_unencrypted_auth=args.allow_unencrypted_auth,
                )
            client.send_message(draft)
    except (SmtplabError, OSError, KeyError, ValueError) as error:
        transcript = client.transcript if client else getattr(error, "transcript", None)
        if transcript is not None:
            print(transcript)
        common.print_error(error)
        return 1
    print(client.transcript)
    return 0
