"""``smtplab send``: send one message and print the annotated dialogue line by line as it
happens (like swaks), with swaks's spellings of the common options."""

from __future__ import annotations

import argparse
import ssl
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SmtplabError
from ..i18n import N_, _
from ..secrecy import SecretText
from ..transcript import Transcript
from . import common
from .common import PASSWORD_VARIABLE

if TYPE_CHECKING:
    from ..message import Draft

__all__: list[str] = []

_SWAKS = N_("""\
swaks's spellings work too (-s -p -f -t --tls --tlsc -au -a --header --body --tls-verify
--tls-ca-path -l); -ap/--auth-password is refused: the password comes from a prompt or
SMTPLAB_PASSWORD. A closed pipe (| head -1) ends the output quietly; the send goes on.""")


def _server(text: str) -> tuple[str, int | None]:
    """HOST, HOST:PORT, [HOST]:PORT or HOST/PORT (swaks's forms)."""
    host, separator, port = text.rpartition("/")
    if not separator:
        host, separator, port = text.rpartition(":")
        if not separator or (host.count(":") and not host.startswith("[")):  # a bare IPv6
            return text, None
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, common.port(port)


def _header(text: str) -> tuple[str, str]:
    """``Name: value``, one line (a CR or LF would start another header of your own)."""
    if any(character in text for character in "\r\n\0"):  # it would add lines of its own
        raise argparse.ArgumentTypeError(_("a header is one line: it may not hold a CR, LF or NUL"))
    name, colon, value = text.partition(":")
    if not colon or not name or any(not 33 <= ord(c) <= 126 for c in name):
        problem = _("{text}: write --header 'Name: value', e.g. 'X-A: b'").format(text=repr(text))
        raise argparse.ArgumentTypeError(problem)
    return name, value.strip()


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``send`` and its options (swaks's spellings included)."""
    send = commands.add_parser(
        "send",
        help=_("send one message and show the whole SMTP dialogue"),
        description=_(
            "Send one message and print the annotated SMTP dialogue as it happens\n"
            "(passwords hidden). The password comes from the "
            "{variable} environment\nvariable, or from "
            "a prompt: never from a flag (flags stay in your shell history).\n"
            "Exits 1 with an explanation if the server refuses the message."
        ).format(variable=PASSWORD_VARIABLE),
        epilog=(
            _("examples:") + "\n"  # i18n: keep command examples
            "  smtplab send --server 127.0.0.1:2525 --from a@example.com --to b@example.com\n"
            "  smtplab send -s 127.0.0.1:2525 --tls --tls-ca-path lab-ca.pem -au student \\\n"
            "      -f student@lab.smtplab.test -t b@example.com --header 'X-Course: smtp'\n"
            "  smtplab send --provider qq --user 12345@qq.com \\\n"
            "      --from 12345@qq.com --to b@example.com\n\n" + _(_SWAKS)
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = send.add_argument
    for refused in common.PASSWORD_FLAGS:
        add(*refused, nargs="?", action=common.RefusePasswordFlag, help=argparse.SUPPRESS)
    where = send.add_mutually_exclusive_group(required=True).add_argument
    where("-s", "--server", type=_server, metavar="HOST[:PORT]", help=_("the server to talk to"))
    where("--provider", metavar="NAME", help=_("a known provider (qq, 163, gmail, outlook...)"))
    add("-p", "--port", type=common.port, help=_("the port (wins over the one in --server)"))
    modes = ("plain", "starttls", "tls")
    add(
        "--security",
        choices=modes,
        help=_("starttls: like 587, tls: like 465 (default: plain, or the provider's)"),
    )
    tls = {"dest": "security_flags", "action": "append_const", "default": []}
    add("--tls", "-tls", const="starttls", help=_("as --security starttls"), **tls)
    add("--tlsc", "-tlsc", "--tls-on-connect", const="tls", help=_("as --security tls"), **tls)
    user_help = _("log in with AUTH as this user (password: see above)")
    add("--user", "-au", "--auth-user", type=common.account, help=user_help)
    auth_help = _("AUTH mechanism (LOGIN, PLAIN...; default LOGIN)")
    add("-a", "--auth", metavar="MECHANISM", help=auth_help)
    add(
        "--allow-unencrypted-auth",
        action="store_true",
        help=_(
            "log in even without TLS (lab lessons only: the password crosses the network "
            "readable by anyone on the path); without it, --user needs --security starttls or tls"
        ),
    )
    add("-f", "--from", dest="sender", required=True, help=_("the sender's address"))
    add("-t", "--to", action="append", required=True, help=_("a recipient (repeatable, or a,b)"))
    add(
        "--subject", default="", help="the subject"
    )  # untranslated: the glossary makes "subject" 类别
    many = {"action": "append", "default": []}
    header_help = _("'Name: value' (repeatable; wins over compose's)")
    add("--header", type=_header, help=header_help, **many)
    add("--body", help=_("the text: TEXT, - (standard input, the default) or @FILE"))
    add("--attach", metavar="FILE", help=_("attach a file (repeatable)"), **many)
    ca_help = _("trust this CA file (the lab's)")
    add("--cafile", "--tls-ca-path", type=common.cafile, help=ca_help)
    add("--tls-verify", action="store_true", help=_("verify the certificate: always done here"))
    add("--ehlo", "-l", "--helo", metavar="NAME", help=_("the name to give in EHLO"))
    timeout_help = _("seconds to wait for a reply (30)")
    add("--timeout", type=common.seconds, default=30.0, help=timeout_help)
    send.set_defaults(run=run)


def _text_argument(value: str, what: str) -> str:
    """swaks's forms: ``-`` is standard input, ``@FILE`` a file (``@@`` a literal ``@``)."""
    if value == "-":
        if sys.stdin.isatty():
            print(
                _("Type the {what}, then Ctrl-D on an empty line:").format(what=what),
                file=sys.stderr,
            )
        return sys.stdin.read()
    if value.startswith("@@"):
        return value[1:]
    if value.startswith("@"):
        return Path(value[1:]).read_text(encoding="utf-8")
    return value


class _LinePrinter:
    """A listener (``Transcript.subscribe``) printing the transcript's new lines (secrets
    masked, peer text through printable()) until the reader goes away (``| head -1``)."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript, self.printed, self.reader_gone = transcript, 0, False

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
    """The mode --security, --tls and --tlsc ask for (None: the default), or ValueError."""
    modes = {*([args.security] if args.security else []), *args.security_flags}
    if len(modes) > 1:
        both = _(" and ").join(sorted(modes))
        problem = _("--security {both} at once (--tls: starttls, --tlsc: tls); give one")
        raise ValueError(problem.format(both=both))
    return modes.pop() if modes else None


def _message(args: argparse.Namespace) -> Draft:
    """The message the options describe (its body from --body, or standard input)."""
    from ..message import compose

    return compose(
        sender=args.sender,
        to=[a.strip() for value in args.to for a in value.split(",") if a.strip()],
        subject=args.subject,
        body=_text_argument("-" if args.body is None else args.body, _("message")),
        attachments=args.attach,
        headers=dict(args.header) or None,
    )


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
        common.print_error(
            _(
                "--user {user} over --security plain would send the password without TLS "
                "(AUTH only base64-encodes it: anyone on the path can read it), so nothing was "
                "sent. Use --security starttls (--tls) or tls (--tlsc); for a lab lesson, "
                "--allow-unencrypted-auth."
            ).format(user=args.user)
        )
        return 2
    try:
        draft = _message(args)
    except (SmtplabError, OSError, ValueError) as error:  # nothing sent: exit 1, as before
        common.print_error(error)
        return 1
    typed = args.user and common.read_password(
        f"--user {args.user}", _("password for {user} (not shown): ").format(user=args.user)
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
                how = {"allow_unencrypted_auth": args.allow_unencrypted_auth}
                client.login(args.user, password, mechanism=args.auth, **how)
            client.send_message(draft)
    except (SmtplabError, OSError, KeyError, ValueError) as error:
        if printer is not None:
            printer()  # the lines that happened, before the explanation
        common.print_error(error)
        return 1
    printer()
    return 0
