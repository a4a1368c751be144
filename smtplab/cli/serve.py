"""``smtplab serve``: a lab server in the terminal.

It prints where the lab listens, its CA file and the demo account (a fresh password,
printed: it is your own terminal; one you chose never is), then a line per message
(:mod:`.received`: shown whole, kept in mail files), until Ctrl-C, SIGTERM, SIGHUP or its
reader goes away (``| head -3``). Only the main thread prints.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable

from ..errors import Timeout
from ..i18n import _
from ..lab import LabServer, ReceivedMessage
from ..lab.faults import STEPS, Fault
from ..lab.policy import DEFAULT_HOSTNAME, DEFAULT_SIZE_LIMIT
from ..lab.profiles import PROFILES
from ..lab.server import is_loopback
from ..printable import printable
from . import common, received

__all__: list[str] = []

_POLL_SECONDS = 0.5


def _step(text: str) -> str:
    step = text.strip().upper()
    step = {"MESSAGE": "DATA_END", "GREETING": "CONNECT"}.get(step, step)
    if step not in STEPS:
        problem = _("{text} is not a step; use one of {steps}")
        raise argparse.ArgumentTypeError(problem.format(text=repr(text), steps=" ".join(STEPS)))
    return step


def _fault_reply(text: str) -> tuple[str, str]:
    step, equals, reply = text.partition("=")
    if not equals or not reply.strip()[:3].isdigit():
        raise argparse.ArgumentTypeError(
            _("{text}: write STEP=REPLY, e.g. 'RCPT=550 5.1.1 No such user'").format(
                text=repr(text)
            )
        )
    return _step(step), reply.strip()


def _fault_delay(text: str) -> tuple[str, float]:
    step, equals, seconds = text.partition("=")
    if not equals:
        problem = _("{text}: write STEP=SECONDS, e.g. DATA_END=5").format(text=repr(text))
        raise argparse.ArgumentTypeError(problem)
    return _step(step), common.seconds(seconds)


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``serve`` and its options."""
    serve = commands.add_parser(
        "serve",
        help=_("run the lab SMTP server in this terminal"),
        description=_(
            "Run the lab SMTP server until Ctrl-C: a plain port that offers STARTTLS "
            "(like 587) and an implicit-TLS port (like 465), with a demo account. "
            "Received messages are printed, one line each (--show: whole); --maildir and "
            "--mbox keep them for any mail client."
        ),
    )
    add, many, free = serve.add_argument, {"action": "append", "default": []}, _("0: a free one")
    add(
        "--bind",
        default="127.0.0.1",
        help=_(
            "address to listen on (default 127.0.0.1; anything "
            "else is reachable from other machines)"
        ),
    )
    port_help = _("plain/STARTTLS port (default {free})").format(free=free)
    add("--port", type=common.port, default=0, help=port_help)
    tls_port_help = _("implicit-TLS port (default {free})").format(free=free)
    add("--tls-port", type=common.port, default=0, help=tls_port_help)
    add(
        "--hostname",
        default=DEFAULT_HOSTNAME,
        help=_("server name in the greeting and certificate (default {hostname})").format(
            hostname=DEFAULT_HOSTNAME
        ),
    )
    add(
        "--user",
        type=common.account,
        action="append",
        metavar="NAME",
        help=_(
            "an account that may "
            "log in (repeatable); its password comes from {variable} or a prompt, "
            "never from the command line (default: 'student' with a fresh password, printed)"
        ).format(variable=common.PASSWORD_VARIABLE),
    )
    for refused in common.PASSWORD_FLAGS:
        add(*refused, nargs="?", action=common.RefusePasswordFlag, help=argparse.SUPPRESS)
    tls_help = _("answer 530 until the client sends STARTTLS")
    add("--require-tls", action="store_true", help=tls_help)
    auth_help = _("answer 530 to MAIL until the client logs in")
    add("--require-auth", action="store_true", help=auth_help)
    add(
        "--size-limit",
        type=common.positive,
        help=_("largest message accepted, in bytes (default {limit})").format(
            limit=DEFAULT_SIZE_LIMIT
        ),
    )
    add(
        "--profile",
        choices=sorted(PROFILES),
        help=_(
            "behave like a look-alike of a real "
            "provider (an imitation built from public reports: its greeting, extensions, AUTH "
            "and error texts)"
        ),
    )
    add(
        "--fail",
        type=_fault_reply,
        metavar="STEP=REPLY",
        help=_(
            "answer REPLY at STEP, e.g. "
            "--fail 'RCPT=550 5.1.1 No such user' (repeatable; steps: {steps})"
        ).format(steps=" ".join(STEPS)),
        **many,
    )
    add(
        "--shared-host",
        action=argparse.BooleanOptionalAction,
        help=_(
            "serve only connections "
            "opened by your own user of this machine (Linux); default: on under JupyterHub, off "
            "elsewhere"
        ),
    )
    add(
        "--greylist",
        action="store_true",
        help=_(
            "refuse the first RCPT TO with 451 4.7.1, as a greylisting server does "
            "(RFC 6647); the retry is accepted"
        ),
    )
    add(
        "--slow",
        type=_fault_delay,
        metavar="STEP=SECONDS",
        help=_("wait SECONDS before answering at STEP, e.g. --slow DATA_END=5 (repeatable)"),
        **many,
    )
    add(
        "--drop",
        type=_step,
        metavar="STEP",
        help=_("close the connection without a reply at STEP, e.g. --drop BODY (repeatable)"),
        **many,
    )
    add(
        "--show",
        action="store_true",
        help=_(
            "print each message whole after its line: "
            "headers decoded (RFC 2047), the first {limit} bytes of the body"
        ).format(limit=received.SHOW_LIMIT),
    )
    add(
        "--maildir",
        metavar="DIR",
        help=_(
            "keep each message in this Maildir (made if missing; "
            "tmp/ then new/), for any mail client; the envelope as Return-Path and Delivered-To"
        ),
    )
    add(
        "--mbox",
        metavar="FILE",
        help=_(
            "append each message to this mbox file (From_ line: the "
            "envelope sender; a body line 'From ' is written '>From ')"
        ),
    )
    serve.set_defaults(run=run)


def _banner(lab: LabServer, chosen_passwords: bool) -> list[str]:
    policy = lab.policy
    tls = _("STARTTLS required") if policy.require_tls else _("STARTTLS offered")
    auth = _("AUTH required") if policy.require_auth else _("mail accepted without AUTH")
    name = next(iter(lab.users))
    shown = {
        user: _("(the password you gave)") if chosen_passwords else secret
        for user, secret in lab.users.items()
    }
    shared = _("on: only your user's") if lab.shared_host else _("off: any user's")
    # The labels (host:, CA file:...) stay as they are in every language: scripts read them.
    lines = [
        _("smtplab lab server is running (Ctrl-C to stop)"),
        f"  host:       {lab.host}",
        "  hostname:   "
        + _("{hostname} (in the greeting and the certificate)").format(hostname=lab.hostname),
        "  port:       " + _("{port} (plain, {tls}; like 587)").format(port=lab.port, tls=tls),
        "  tls_port:   " + _("{port} (implicit TLS; like 465)").format(port=lab.tls_port),
        f"  CA file:    {lab.ca_path}",
        *(f"  account:    {user} / {secret}" for user, secret in shown.items()),
        "  policy:     "
        + _("{auth}; size limit {limit} bytes").format(auth=auth, limit=policy.size_limit),
        "  shared:     "
        + _("{shared} connections from this machine are served").format(shared=shared),
    ]
    if lab.profile:
        lines.append(
            "  look-alike: "
            + _("{key} (an imitation built from public reports)").format(key=lab.profile.key)
        )
    lines.extend(f"  fault:      {_describe_fault(fault)}" for fault in lab.faults)
    return [
        *lines,
        _("Try it (swaks asks for the password):"),
        f"  swaks --server {lab.host}:{lab.port} --tls --tls-verify --tls-ca-path {lab.ca_path} "
        f"--auth-user {name} --to bob@example.com",  # i18n: keep a command to copy
        _("Waiting for mail..."),
    ]


def _describe_fault(fault: Fault) -> str:
    times = _("always") if fault.times is None else _("{times} time(s)").format(times=fault.times)
    what = {
        "reply": lambda: _("answer {reply}").format(reply=repr(" / ".join(fault.reply))),
        "slow": lambda: _("wait {delay} s, then answer").format(delay=f"{fault.delay:g}"),
        "hang": lambda: _("never answer"),
        "drop": lambda: _("close the connection"),
    }[fault.action]()
    return _("at {step}: {what} ({times})").format(step=fault.step, what=what, times=times)


def _describe_message(number: int, message: ReceivedMessage) -> str:
    """One line about a received message, for the terminal (what the peer chose is
    shown through :func:`~smtplab.printable.printable`: it cannot act on the terminal)."""
    when = message.received_at.astimezone().strftime("%H:%M:%S")
    login = f"AUTH {printable(message.auth_user)}" if message.auth_user else _("no AUTH")
    sender = printable(message.mail_from or "<>")
    recipients = printable(", ".join(message.rcpt_tos))
    return _(
        "[{when}] #{number} from {sender} to {recipients}: "
        "{size} bytes, {security}, {login}, "
        "{subject_header} (queued as {queue_id}, session {session})"
    ).format(
        when=when,
        number=number,
        sender=sender,
        recipients=recipients,
        size=message.size,
        security="TLS" if message.tls else _("plain"),
        login=login,
        subject_header=f"Subject: {message.subject!r}",  # the header's name, as on the wire
        queue_id=message.queue_id,
        session=message.session_id,
    )


def _serve_passwords(names: list[str]) -> dict[str, str] | None:
    """The accounts of ``serve --user NAME``: each password from SMTPLAB_PASSWORD (the
    same for every account) or a prompt; None (after an error line) when there is none."""
    accounts = {}
    for name in names:
        password = common.read_password(
            "--user", _("password for the lab account {name} (not shown): ").format(name=name)
        )
        if not password:
            if password is not None:
                common.print_error(
                    _("the account {name} needs a non-empty password.").format(name=name)
                )
            return None
        accounts[name] = password
    return accounts


def run(args: argparse.Namespace) -> int:
    """Run ``serve`` until Ctrl-C (SIGINT), SIGTERM or SIGHUP; return the exit code."""
    users = _serve_passwords(args.user) if args.user else None
    if args.user and users is None:
        return 2
    try:
        files = received.MailFiles(args.maildir, args.mbox)
    except OSError as error:
        problem = _("cannot keep mail in {path}: {reason}")
        common.print_error(problem.format(path=error.filename, reason=error.strerror))
        return 2
    if not is_loopback(args.bind):
        print(
            _(
                "warning: listening on {bind} makes the lab reachable from other "
                "machines; anyone who can reach it can send mail into it."
            ).format(bind=args.bind),
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
        common.print_error(reason)
        return 1
    try:
        if args.greylist:  # first: a greylisting server defers before it looks further
            lab.fail("RCPT", "451 4.7.1 Greylisted: please try again later", times=1)
        for step, reply in args.fail:
            lab.fail(step, reply)
        for step, delay in args.slow:
            lab.slow(step, delay)
        for step in args.drop:
            lab.drop(step)
    except ValueError as error:
        lab.stop()
        common.print_error(error)
        return 2
    restore = _stop_on_signals()
    try:
        print("\n".join(_banner(lab, chosen_passwords=users is not None)), flush=True)
        shown = 0
        while True:
            try:
                lab.wait_for(count=shown + 1, timeout=_POLL_SECONDS)
            except Timeout:
                if common.reader_gone():  # `smtplab serve | head -3`: nobody reads on
                    common.discard_output()
                    break
                continue
            total = lab.received_count
            new = lab.inbox[shown - total :] if total > shown else []
            for number, message in enumerate(new, start=shown + 1):
                try:  # kept before its line says it arrived; a failure is said, serving goes on
                    files.keep(message)
                except OSError as error:
                    problem = _("message #{number} was not kept: {error}")
                    common.print_error(problem.format(number=number, error=error))
                print(_describe_message(number, message), flush=True)
                if args.show:
                    print(received.show(number, message), flush=True)
            shown = total
    except KeyboardInterrupt:
        print("\n" + _("stopping the lab server"), flush=True)
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
