"""``smtplab send``: send one message and print the annotated dialogue line by line as it
happens (like swaks), with swaks's spellings of the common options."""

from __future__ import annotations

import argparse
import ssl
import sys
from pathlib import Path

from ..errors import SmtplabError
from ..secrecy import SecretText
from ..transcript import Transcript
from . import common
from .common import PASSWORD_VARIABLE

__all__: list[str] = []

_SWAKS = """\
swaks's spellings work too (-s -p -f -t --tls --tlsc -au -a --header --body -d --tls-verify
--tls-ca-path -l); -ap/--auth-password is refused: the password comes from a prompt or
SMTPLAB_PASSWORD. A closed pipe (| head -1) ends the output quietly: the send goes on to
its end, and the exit code is the send's."""


def _server(text: str) -> tuple[str, int | None]:
    """HOST, HOST:PORT, [HOST]:PORT or HOST/PORT (swaks's forms)."""
    host, separator, port = text.rpartition("/")
    if not separator:
        host, separator, port = text.rpartition(":")
        if not separator or (host.count(":") and not host.startswith("[")):  # a bare IPv6
            return text, None
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise argparse.ArgumentTypeError(f"{text!r}: give a host, e.g. 127.0.0.1:2525")
    return host, common.port(port)


def _header(text: str) -> tuple[str, str]:
    """``Name: value``, one line (a CR or LF would start another header of your own)."""
    if any(character in text for character in "\r\n\0"):
        raise argparse.ArgumentTypeError(
            "a header is one line: it may not hold a CR, LF or NUL (they would add "
            "header lines of their own)"
        )
    name, colon, value = text.partition(":")
    if not colon or not name or any(not 33 <= ord(c) <= 126 for c in name):
        raise argparse.ArgumentTypeError(
            f"{text!r}: write --header 'Name: value', e.g. --header 'X-Course: smtp101'"
        )
    return name, value.strip()


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``send`` and its options (swaks's spellings included)."""
    send = commands.add_parser(
        "send",
        help="send one message and show the whole SMTP dialogue",
        description=(
            "Send one message and print the annotated SMTP dialogue as it happens\n"
            "(passwords hidden). The password comes from the "
            f"{PASSWORD_VARIABLE} environment\nvariable, or from "
            "a prompt: never from a flag (flags stay in your shell history).\n"
            "Exits 1 with an explanation if the server refuses the message."
        ),
        epilog=(
            "examples:\n"
            "  smtplab send --server 127.0.0.1:2525 --from a@example.com --to b@example.com\n"
            "  smtplab send --server 127.0.0.1:2525 --security starttls --cafile lab-ca.pem \\\n"
            "      --user student --from student@lab.smtplab.test --to b@example.com\n"
            "  smtplab send -s 127.0.0.1:2525 --tls --tls-ca-path lab-ca.pem -au student \\\n"
            "      -f student@lab.smtplab.test -t b@example.com --header 'X-Course: smtp'\n"
            "  smtplab send --provider qq --user 12345@qq.com \\\n"
            "      --from 12345@qq.com --to b@example.com\n\n" + _SWAKS
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = send.add_argument
    for refused in (("--password",), ("-ap", "--auth-password")):
        add(*refused, nargs="?", action=common.RefusePasswordFlag, help=argparse.SUPPRESS)
    where = send.add_mutually_exclusive_group(required=True).add_argument
    where("-s", "--server", type=_server, metavar="HOST[:PORT]", help="the server to talk to")
    where("--provider", metavar="NAME", help="a known provider (qq, 163, gmail, outlook...)")
    add("-p", "--port", type=common.port, help="the port (wins over the one in --server)")
    modes = ("plain", "starttls", "tls")
    add(
        "--security",
        choices=modes,
        help="starttls: like 587, tls: like 465 (default: plain, or the provider's)",
    )
    tls = {"dest": "security_flags", "action": "append_const", "default": []}
    add("--tls", "-tls", const="starttls", help="as --security starttls", **tls)
    add("--tlsc", "-tlsc", "--tls-on-connect", const="tls", help="as --security tls", **tls)
    add("--user", "-au", "--auth-user", help="log in with AUTH as this user (password: see above)")
    add("-a", "--auth", metavar="MECHANISM", help="AUTH mechanism (LOGIN, PLAIN...; default LOGIN)")
    add(
        "--allow-unencrypted-auth",
        action="store_true",
        help="log in even without TLS (lab lessons only: the password crosses the network "
        "readable by anyone on the path); without it, --user needs --security starttls or tls",
    )
    add("-f", "--from", dest="sender", required=True, help="the sender's address")
    add("-t", "--to", action="append", required=True, help="a recipient (repeatable, or a,b)")
    add("--subject", default="", help="the subject")
    many = {"action": "append", "default": []}
    add("--header", type=_header, help="'Name: value' (repeatable; wins over compose's)", **many)
    add("--body", help="the text: TEXT, - (standard input, the default) or @FILE")
    add("-d", "--data", help="the whole message: TEXT (\\n: a line break), - or @FILE")
    add("--attach", metavar="FILE", help="attach a file (repeatable)", **many)
    add("--cafile", "--tls-ca-path", type=common.cafile, help="trust this CA file (the lab's)")
    add("--tls-verify", action="store_true", help="verify the certificate: always done here")
    add("--ehlo", "-l", "--helo", metavar="NAME", help="the name to give in EHLO")
    add("--timeout", type=common.seconds, default=30.0, help="seconds to wait for a reply (30)")
    send.set_defaults(run=run)


def _text_argument(value: str, what: str) -> str:
    """swaks's forms: ``-`` is standard input, ``@FILE`` a file (``@@`` a literal ``@``)."""
    if value == "-":
        if sys.stdin.isatty():
            print(f"Type the {what}, then Ctrl-D on an empty line:", file=sys.stderr)
        return sys.stdin.read()
    if value.startswith("@@"):
        return value[1:]
    if value.startswith("@"):
        return Path(value[1:]).read_text(encoding="utf-8")
    return value


class _LinePrinter:
    """Prints the transcript's new lines each time it records an entry (a listener of
    :meth:`~smtplab.transcript.Transcript.subscribe`): the rendering is the transcript's
    own, so secrets are masked and peer text goes through printable(). When the reader of
    standard output goes away (``| head -1``) it stops printing, quietly."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.printed = 0
        self.reader_gone = False

    def __call__(self, entry: object = None) -> None:
        if self.reader_gone:
            return
        lines = str(self.transcript).split("\n") if len(self.transcript) else []
        try:
            for line in lines[self.printed :]:
                print(line)
            sys.stdout.flush()
        except BrokenPipeError:
            self.reader_gone = True
            common.discard_output()
        self.printed = len(lines)


def _security(args: argparse.Namespace) -> str | None:
    """The one security mode --security, --tls and --tlsc ask for (None: the default);
    raises ValueError when they disagree."""
    modes = {*([args.security] if args.security else []), *args.security_flags}
    if len(modes) > 1:
        raise ValueError(
            f"--security {' and '.join(sorted(modes))} at once: --tls is --security starttls, "
            "--tlsc is --security tls; give one"
        )
    return modes.pop() if modes else None


def _message(args: argparse.Namespace) -> tuple[object, list[str]]:
    """What to send (a composed draft, or the bytes of --data) and the recipients."""
    from ..message import compose

    recipients = [a.strip() for value in args.to for a in value.split(",") if a.strip()]
    if args.data is not None:
        others = [name for name in ("subject", "body", "header", "attach") if getattr(args, name)]
        if others:
            raise ValueError(
                f"--data is the whole message (headers and body): put --{others[0]} inside it, "
                "or leave --data out"
            )
        data = _text_argument(args.data, "message (headers, an empty line, the body)")
        if args.data != "-" and (not args.data.startswith("@") or args.data.startswith("@@")):
            data = data.replace("\\n", "\n")  # swaks: \n in the argument is a line break
        return data.encode("utf-8"), recipients
    body = _text_argument("-" if args.body is None else args.body, "message")
    draft = compose(
        sender=args.sender,
        to=recipients,
        subject=args.subject,
        body=body,
        attachments=args.attach,
        headers=dict(args.header) or None,
    )
    return draft, recipients


def run(args: argparse.Namespace) -> int:
    """Run ``send``: compose, send, print each line of the dialogue as it happens; return
    0, 1 when the send fails, 2 when it was not tried."""
    from ..client import Client

    try:
        security = _security(args)
    except ValueError as error:
        common.print_error(error)
        return 2
    context = ssl.create_default_context(cafile=args.cafile) if args.cafile else None
    in_clear = (security or ("plain" if args.server else "")) == "plain"
    if args.user and in_clear and not args.allow_unencrypted_auth:
        print(
            f"error: --user {args.user} over --security plain would send the password without "
            "TLS (AUTH only base64-encodes it: anyone on the path can read it), so nothing "
            "was sent. Use --security starttls (--tls) or --security tls (--tlsc); for a lab "
            "lesson, --allow-unencrypted-auth.",
            file=sys.stderr,
        )
        return 2
    try:
        message, recipients = _message(args)
    except (SmtplabError, OSError, ValueError) as error:
        common.print_error(error)
        return 2
    typed = args.user and common.read_password(
        f"--user {args.user}", f"password for {args.user} (not shown): "
    )
    if args.user and typed is None:
        return 2
    password = SecretText(typed or "")  # masked from here on
    options = {"timeout": args.timeout, "context": context, "local_hostname": args.ehlo}
    printer: _LinePrinter | None = None
    try:
        if args.provider:
            client = Client.for_provider(
                args.provider, security=security, port=args.port, connect=False, **options
            )
        else:
            host, port = args.server
            client = Client(
                host, args.port or port, security=security or "plain", connect=False, **options
            )
        printer = _LinePrinter(client.transcript)
        client.transcript.subscribe(printer)
        with client:
            client.connect()
            if args.user:
                client.login(
                    args.user,
                    password or "",
                    mechanism=args.auth,
                    allow_unencrypted_auth=args.allow_unencrypted_auth,
                )
            if isinstance(message, bytes):
                client.send_message(message, args.sender, recipients)
            else:
                client.send_message(message)  # type: ignore[arg-type]
    except (SmtplabError, OSError, KeyError, ValueError) as error:
        if printer is not None:
            printer()  # the lines that happened, before the explanation
        common.print_error(error)
        return 1
    printer()
    return 0
