"""The command line: ``python -m smtplab <command>`` (or ``smtplab <command>``).

* ``serve``: a lab server in the terminal. It prints where the lab listens, its CA file
  and the demo account (a fresh password, printed: it is your own terminal; a password
  you chose is never printed), then one line per received message, until Ctrl-C,
  SIGTERM or SIGHUP. The server thread never prints; the main thread waits on the inbox
  and prints.
* ``send``: send one message and print the annotated transcript (like swaks).
* ``doctor``: check the installation and say what is wrong.
* ``notebooks`` / ``lab``: copy the series from the package / open JupyterLab on it
  (their logic is in :mod:`smtplab.install`).

Each command is a subparser whose ``run`` function takes the parsed arguments and
returns the exit code.
"""

from __future__ import annotations

import argparse
import getpass
import importlib.metadata
import math
import os
import signal
import ssl
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from . import install
from .errors import SmtplabError, Timeout
from .lab import LabServer, ReceivedMessage
from .lab.faults import STEPS, Fault
from .lab.policy import DEFAULT_HOSTNAME, DEFAULT_SIZE_LIMIT
from .lab.profiles import PROFILES
from .lab.server import is_loopback
from .printable import printable
from .secrecy import SecretText

__all__ = ["main"]

_POLL_SECONDS = 0.5
# `send` and `serve --user` read the password from this environment variable, or a
# prompt: never from a command-line flag (flags end up in the shell's history and in
# the process list).
_PASSWORD_VARIABLE = "SMTPLAB_PASSWORD"
_NO_PASSWORD_FLAG = (
    f"a password is never given on the command line (it would stay in your shell history "
    f"and in the process list): set {_PASSWORD_VARIABLE}, or type it at the prompt"
)


# --- reading arguments ----------------------------------------------------------------------


def _whole(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a {what}") from None


def _port(text: str) -> int:
    value = _whole(text, "port number")
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: use 0 (pick a free one) to 65535")
    return value


def _positive(text: str) -> int:
    value = _whole(text, "whole number of bytes")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value}: the size limit must be a positive number")
    return value


def _account(text: str) -> str:
    if ":" in text:  # NAME:PASSWORD, as before: never echo it back
        raise argparse.ArgumentTypeError(f"give the account NAME only; {_NO_PASSWORD_FLAG}")
    if not text.strip():
        raise argparse.ArgumentTypeError("give an account name, e.g. --user student")
    return text


class _RefusePasswordFlag(argparse.Action):
    """``--password``: refused with the reason, without echoing the password back."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        parser.error(f"--password is not an option: {_NO_PASSWORD_FLAG}")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value < math.inf:  # nan compares False: refused too
        raise argparse.ArgumentTypeError(f"{text!r}: give a finite number of seconds, e.g. 5")
    return value


def _cafile(text: str) -> str:
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


def _step(text: str) -> str:
    step = text.strip().upper()
    step = {"MESSAGE": "DATA_END", "GREETING": "CONNECT"}.get(step, step)
    if step not in STEPS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a step; use one of {' '.join(STEPS)}")
    return step


def _fault_reply(text: str) -> tuple[str, str]:
    step, equals, reply = text.partition("=")
    if not equals or not reply.strip()[:3].isdigit():
        raise argparse.ArgumentTypeError(
            f"{text!r}: write STEP=REPLY, e.g. 'RCPT=550 5.1.1 No such user'"
        )
    return _step(step), reply.strip()


def _fault_delay(text: str) -> tuple[str, float]:
    step, equals, seconds = text.partition("=")
    if not equals:
        raise argparse.ArgumentTypeError(f"{text!r}: write STEP=SECONDS, e.g. DATA_END=5")
    return _step(step), _seconds(seconds)


def _server(text: str) -> tuple[str, int | None]:
    host, colon, port = text.rpartition(":")
    if not colon:
        return text, None
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, _port(port)


# --- serve ----------------------------------------------------------------------------------


def _add_serve(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser(
        "serve",
        help="run the lab SMTP server in this terminal",
        description=(
            "Run the lab SMTP server until Ctrl-C: a plain port that offers STARTTLS "
            "(like 587) and an implicit-TLS port (like 465), with a demo account. "
            "Received messages are printed, one line each."
        ),
    )
    add = serve.add_argument
    add(
        "--bind",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; anything else is reachable "
        "from other machines)",
    )
    add("--port", type=_port, default=0, help="plain/STARTTLS port (default 0: pick a free one)")
    add("--tls-port", type=_port, default=0, help="implicit-TLS port (default 0: pick a free one)")
    add(
        "--hostname",
        default=DEFAULT_HOSTNAME,
        help=f"server name in the greeting and certificate (default {DEFAULT_HOSTNAME})",
    )
    add(
        "--user",
        type=_account,
        action="append",
        metavar="NAME",
        help=f"an account that may log in (repeatable); its password comes from "
        f"{_PASSWORD_VARIABLE} or a prompt, never from the command line (default: "
        "'student' with a fresh password, printed)",
    )
    add("--password", nargs="?", action=_RefusePasswordFlag, help=argparse.SUPPRESS)
    add("--require-tls", action="store_true", help="answer 530 until the client sends STARTTLS")
    add("--require-auth", action="store_true", help="answer 530 to MAIL until the client logs in")
    add(
        "--size-limit",
        type=_positive,
        default=None,
        help=f"largest message accepted, in bytes (default {DEFAULT_SIZE_LIMIT})",
    )
    add(
        "--profile",
        choices=sorted(PROFILES),
        help="behave like a look-alike of a real provider (an imitation built from public "
        "reports: its greeting, extensions, AUTH and error texts)",
    )
    add(
        "--fail",
        type=_fault_reply,
        action="append",
        default=[],
        metavar="STEP=REPLY",
        help="answer REPLY at STEP, e.g. --fail 'RCPT=550 5.1.1 No such user' "
        f"(repeatable; steps: {' '.join(STEPS)})",
    )
    add(
        "--shared-host",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="serve only connections opened by your own user of this machine (Linux); "
        "default: on under JupyterHub, off elsewhere",
    )
    add(
        "--greylist",
        action="store_true",
        help="refuse the first MAIL FROM with 451 4.7.1, as a greylisting server does; "
        "the retry is accepted",
    )
    add(
        "--slow",
        type=_fault_delay,
        action="append",
        default=[],
        metavar="STEP=SECONDS",
        help="wait SECONDS before answering at STEP, e.g. --slow DATA_END=5 (repeatable)",
    )
    add(
        "--drop",
        type=_step,
        action="append",
        default=[],
        metavar="STEP",
        help="close the connection without a reply at STEP, e.g. --drop BODY (repeatable)",
    )
    serve.set_defaults(run=_run_serve)


def _banner(lab: LabServer, chosen_passwords: bool) -> list[str]:
    policy = lab.policy
    tls = "STARTTLS required" if policy.require_tls else "STARTTLS offered"
    auth = "AUTH required" if policy.require_auth else "mail accepted without AUTH"
    name = next(iter(lab.users))
    shown = {
        user: "(the password you gave)" if chosen_passwords else secret
        for user, secret in lab.users.items()
    }
    shared = "on: only your user's" if lab.shared_host else "off: any user's"
    lines = [
        "smtplab lab server is running (Ctrl-C to stop)",
        f"  host:       {lab.host}",
        f"  hostname:   {lab.hostname} (in the greeting and the certificate)",
        f"  port:       {lab.port} (plain, {tls}; like 587)",
        f"  tls_port:   {lab.tls_port} (implicit TLS; like 465)",
        f"  CA file:    {lab.ca_path}",
        *(f"  account:    {user} / {secret}" for user, secret in shown.items()),
        f"  policy:     {auth}; size limit {policy.size_limit} bytes",
        f"  shared:     {shared} connections from this machine are served",
    ]
    if lab.profile:
        lines.append(f"  look-alike: {lab.profile.key} (an imitation built from public reports)")
    lines.extend(f"  fault:      {_describe_fault(fault)}" for fault in lab.faults)
    return [
        *lines,
        "Try it (swaks asks for the password):",
        f"  swaks --server {lab.host}:{lab.port} --tls --tls-verify --tls-ca-path {lab.ca_path} "
        f"--auth-user {name} --to bob@example.com",
        "Waiting for mail...",
    ]


def _describe_fault(fault: Fault) -> str:
    times = "always" if fault.times is None else f"{fault.times} time(s)"
    what = {
        "reply": f"answer {' / '.join(fault.reply)!r}",
        "slow": f"wait {fault.delay:g} s, then answer",
        "hang": "never answer",
        "drop": "close the connection",
    }[fault.action]
    return f"at {fault.step}: {what} ({times})"


def _describe_message(number: int, message: ReceivedMessage) -> str:
    """One line about a received message, for the terminal (what the peer chose is
    shown through :func:`~smtplab.printable.printable`: it cannot act on the terminal)."""
    when = message.received_at.astimezone().strftime("%H:%M:%S")
    login = f"AUTH {printable(message.auth_user)}" if message.auth_user else "no AUTH"
    sender, recipients = (
        printable(message.mail_from or "<>"),
        printable(", ".join(message.rcpt_tos)),
    )
    return (
        f"[{when}] #{number} from {sender} to {recipients}: "
        f"{message.size} bytes, {'TLS' if message.tls else 'plain'}, {login}, "
        f"Subject: {message.subject!r} (queued as {message.queue_id}, session {message.session_id})"
    )


def _serve_passwords(names: list[str]) -> dict[str, str] | None:
    """The accounts of ``serve --user NAME``: each password from SMTPLAB_PASSWORD (the
    same for every account) or a prompt; None (after an error line) when there is none."""
    from_environment = os.environ.get(_PASSWORD_VARIABLE)
    if from_environment:
        return dict.fromkeys(names, from_environment)
    if not sys.stdin.isatty():
        print(
            f"error: --user needs a password: set {_PASSWORD_VARIABLE} (standard input is "
            "not a terminal, so there is no prompt).",
            file=sys.stderr,
        )
        return None
    accounts = {}
    for name in names:
        accounts[name] = getpass.getpass(f"password for the lab account {name} (not shown): ")
        if not accounts[name]:
            print(f"error: the account {name} needs a non-empty password.", file=sys.stderr)
            return None
    return accounts


def _run_serve(args: argparse.Namespace) -> int:
    """Run ``serve`` until Ctrl-C (SIGINT), SIGTERM or SIGHUP; return the exit code."""
    users = _serve_passwords(args.user) if args.user else None
    if args.user and users is None:
        return 2
    if not is_loopback(args.bind):
        print(
            f"warning: listening on {args.bind} makes the lab reachable from other "
            "machines; anyone who can reach it can send mail into it.",
            file=sys.stderr,
        )
    try:
        lab = LabServer(
            host=args.bind,
            port=args.port,
            tls_port=args.tls_port,
            hostname=args.hostname,
            users=users,
            require_tls=args.require_tls or None,  # None: the profile's (or the default) rule
            require_auth=args.require_auth or None,
            size_limit=args.size_limit,
            profile=args.profile,
            shared_host=args.shared_host,
        ).start()
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        print(
            f"error: {printable(str(reason), newlines=True, keep_stand_ins=True)}", file=sys.stderr
        )
        return 1
    try:
        for step, reply in args.fail:
            lab.fail(step, reply)
        for step, delay in args.slow:
            lab.slow(step, delay)
        for step in args.drop:
            lab.drop(step)
        if args.greylist:
            lab.fail("MAIL", "451 4.7.1 Greylisted: please try again later", times=1)
    except ValueError as error:
        lab.stop()
        print(
            f"error: {printable(str(error), newlines=True, keep_stand_ins=True)}", file=sys.stderr
        )
        return 2
    restore = _stop_on_signals()
    try:
        print("\n".join(_banner(lab, chosen_passwords=users is not None)), flush=True)
        shown = 0
        while True:
            try:
                lab.wait_for(count=shown + 1, timeout=_POLL_SECONDS)
            except Timeout:
                continue
            total = lab.received_count
            new = lab.inbox[shown - total :] if total > shown else []
            for number, message in enumerate(new, start=shown + 1):
                print(_describe_message(number, message), flush=True)
            shown = total
    except KeyboardInterrupt:
        print("\nstopping the lab server", flush=True)
    finally:
        lab.stop()
        restore()
    return 0


def _stop_on_signals() -> Callable[[], None]:
    """Treat SIGTERM and SIGHUP (the terminal closed) like Ctrl-C, so the lab stops and
    removes its CA directory (main thread only); return a function that undoes it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    numbers = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    previous = {number: signal.signal(number, interrupt) for number in numbers}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


# --- send -----------------------------------------------------------------------------------


def _add_send(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    send = commands.add_parser(
        "send",
        help="send one message and show the whole SMTP dialogue",
        description=(
            "Send one message and print the annotated SMTP dialogue (passwords hidden).\n"
            f"The password comes from the {_PASSWORD_VARIABLE} environment variable, or from\n"
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
    add("--password", nargs="?", action=_RefusePasswordFlag, help=argparse.SUPPRESS)
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
        type=_cafile,
        help="trust the certificate authority in this PEM file (the lab's: ca_path)",
    )
    add("--ehlo", metavar="NAME", help="the name to give in EHLO")
    add(
        "--timeout", type=_seconds, default=30.0, help="seconds to wait for each reply (default 30)"
    )
    send.set_defaults(run=_run_send)


def _read_password(user: str) -> SecretText | None:
    """The password for ``user``, from the environment or a prompt, masked at once."""
    if os.environ.get(_PASSWORD_VARIABLE):
        return SecretText(os.environ[_PASSWORD_VARIABLE])
    if not sys.stdin.isatty():
        print(
            f"error: --user {user} needs a password: set {_PASSWORD_VARIABLE} (standard input "
            "is not a terminal, so there is no prompt).",
            file=sys.stderr,
        )
        return None
    return SecretText(getpass.getpass(f"password for {user} (not shown): "))


def _run_send(args: argparse.Namespace) -> int:
    """Run ``send``: compose, send, print the transcript; return 0, or 1 on failure."""
    from .client import Client
    from .message import compose

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
        print(
            f"error: {printable(str(error), newlines=True, keep_stand_ins=True)}", file=sys.stderr
        )
        return 1
    print(client.transcript)
    return 0


# --- doctor ---------------------------------------------------------------------------------


def _add_doctor(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    doctor = commands.add_parser(
        "doctor",
        help="check that the kit is installed and works",
        description=(
            "Check the installation: Python, the packages, JupyterLab and its widgets "
            "extension, and a real lab server that receives one message over "
            "STARTTLS + AUTH. Prints a verdict; exits 1 if something is wrong."
        ),
    )
    doctor.set_defaults(run=_run_doctor)


def _check_packages() -> str:
    version = importlib.metadata.version
    return ", ".join(f"{name} {version(name)}" for name in ("aiosmtpd", "trustme", "ipywidgets"))


def _check_lab_round_trip() -> str:
    from .client import Client

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
            raise RuntimeError("the message arrived, but not over TLS with AUTH")
    return "a lab server started and received a message over STARTTLS + AUTH"


def _run_doctor(args: argparse.Namespace) -> int:
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
        print(f"{failures} check(s) failed. Reinstall with: {installed.repair()}")
        print("then run smtplab doctor again.")
        return 1
    print(f"All good: {installed.next_steps()}.")
    return 0


# --- the parser -----------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that takes options only spelled in full (``allow_abbrev=False``:
    ``--host`` is not taken for ``--hostname``) and says a usage error in one ``error:``
    line; its subcommands' parsers are the same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"allow_abbrev": False, **kwargs})

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE`` and where the options are explained; exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (options: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``smtplab`` argument parser with every command."""
    parser = _Parser(prog="smtplab", description="smtplab: learn SMTP by talking it.")
    parser.add_argument("--version", action="version", version=f"smtplab {install.version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_command in (_add_serve, _add_send, _add_doctor, _add_notebooks, _add_lab):
        add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for a usage error)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_request:  # argparse exits on --help and on usage errors
        code = exit_request.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    return int(args.run(args))


# --- notebooks and lab (pip users: the series ships as package data; see install.py) --------


def _add_notebooks(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    notebooks = commands.add_parser(
        "notebooks",
        help="copy the notebook series into a folder of yours",
        description="Copy the notebooks (with their solutions and sanitize.cfg) into DIR. "
        "A notebook you edited is never overwritten unless you add --force.",
    )
    notebooks.add_argument(
        "folder",
        nargs="?",
        default=install.DEFAULT_NOTEBOOK_FOLDER,
        metavar="DIR",
        help="where to put them (default ./smtplab-notebooks)",
    )
    notebooks.add_argument(
        "--force", action="store_true", help="replace notebooks you edited (your changes are lost)"
    )
    notebooks.set_defaults(run=lambda args: install.run_notebooks(args.folder, args.force))


def _add_lab(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    lab = commands.add_parser(
        "lab",
        help="open JupyterLab on the notebooks (copies them first if needed)",
        description="Open JupyterLab (this Python's, on 127.0.0.1 only) on the series in DIR, "
        "copying it there first if DIR does not hold it yet. Ctrl-C stops it.",
    )
    lab.add_argument(
        "folder",
        nargs="?",
        default=install.DEFAULT_NOTEBOOK_FOLDER,
        metavar="DIR",
        help="the notebooks folder (default ./smtplab-notebooks)",
    )
    lab.add_argument("--no-browser", action="store_true", help="print the URL, open no browser")
    lab.add_argument("--port", type=_port, default=None, help="JupyterLab's port (default 8888)")
    lab.set_defaults(run=lambda args: install.run_lab(args.folder, not args.no_browser, args.port))
