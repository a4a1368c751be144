"""The one harness of the exercise checks: run the learner's code, read what the lab saw.

A check calls :func:`evaluate` with two functions of its own: ``attempt()`` runs the
learner's code (usually against a lab the check starts itself) and ``verify(value)``
judges what happened, raising :class:`Hint` for a mistake. The rest of this module is
what the checks of several notebooks need: a fresh lab with a connection to it
(:func:`lab_connection`, :class:`Trial`), the check's own reader of whole replies,
waiting until the lab has logged what the learner sent, readings of the lab's session
log, and the check's own client. Only the public API of the lab, the client and the
protocol is used here.

Every check (every :func:`evaluate`) runs with the machine's doors closed: while it
runs, a connection or a name lookup to anything but loopback raises
:class:`LeavesTheMachine` before a packet leaves (an audit hook, installed once, idle
outside checks), and the check fails with "use the lab's host/port you were given".
Its labs (:func:`strict_lab`, :func:`lab_connection`) are strict
(``LabServer(strict=True)``) and watched: when the learner's function returns nothing
but a watched lab saw its work, that work is judged, not called "not tried".
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from typing import Any, Literal

from ..client import Client
from ..errors import LocalProtocolError
from ..i18n import N_, _
from ..lab import LabServer, LabSession, LogLine
from ..protocol import ReplyParser

__all__: list[str] = []  # public as smtplab.course (Hint, Result, Status, evaluate)


Status = Literal["not tried", "passed", "failed"]

_ICONS: dict[str, str] = {"not tried": "…", "passed": "✔", "failed": "✘"}


class Hint(AssertionError):
    """Raised by a verifier: the attempt is wrong, and the message says how to fix it."""


@dataclass(frozen=True)
class Result:
    """What a check found: ``status`` and a ``message`` for the learner.

    ``bool(result)`` is True only when the exercise passed.
    """

    exercise: str
    status: Status
    message: str

    def __bool__(self) -> bool:
        return self.status == "passed"

    def __str__(self) -> str:
        return f"{_ICONS[self.status]} {self.exercise}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = {"passed": "#1a7f37", "failed": "#cf222e", "not tried": "#6e7781"}
        return (
            f'<div style="border-left: 4px solid {colour[self.status]}; padding: 2px 8px">'
            f"<b>{escape(_ICONS[self.status])} {escape(self.exercise)}</b>: "
            f"{escape(self.message)}</div>"  # i18n: keep HTML
        )


# ----------------------------------------------------------- the doors closed during a check

LOOPBACK_ONLY = N_(
    "a check only talks to the lab on this machine: use the lab's host/port you were given"
)
"""The hint when the learner's code reached for another machine during a check."""

_GUARDED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
    }
)
_LOOPBACK_NAMES = {"", "localhost", "localhost.localdomain", "ip6-localhost"}
"""Names of this machine; :func:`_install_guard` adds its own host name (smtplib asks
for it to greet with: ``socket.getfqdn()``)."""


class LeavesTheMachine(PermissionError):
    """Raised inside a check when code tries to reach anything but loopback (nothing
    has been sent: the connection or the name lookup is refused before it starts)."""


@dataclass
class _Check:
    """What one running check watches: the labs it started and what it refused."""

    labs: list[tuple[LabServer, int]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


_RUNNING: contextvars.ContextVar[_Check | None] = contextvars.ContextVar(
    "smtplab_check", default=None
)
_CHECK_LABS: weakref.WeakSet[LabServer] = weakref.WeakSet()
"""The labs :func:`strict_lab` made: every check watches those still running."""
_hook_lock = threading.Lock()
_hook_installed = False


def _is_loopback(host: object) -> bool:
    """True for a host that is this machine: a loopback address or ``localhost``."""
    if host is None:  # getaddrinfo(None, port): the local machine
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    name = str(host).strip().rstrip(".").lower()
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False  # a name: looking it up would ask a DNS server
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _guard(event: str, args: tuple[Any, ...]) -> None:
    """The audit hook: during a check, refuse what would leave the machine."""
    if event not in _GUARDED_EVENTS:
        return
    check = _RUNNING.get()
    if check is None:
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[1] if len(args) > 1 else None
        if not isinstance(address, tuple) or not address:
            return  # a Unix socket, or a send on a connected socket
        host = address[0]
    elif event == "socket.getnameinfo":
        host = args[0][0] if args and isinstance(args[0], tuple) and args[0] else None
    else:
        host = args[0] if args else None
    if _is_loopback(host):
        return
    what = f"{event.removeprefix('socket.')} {host!r}"
    check.refused.append(what)
    raise LeavesTheMachine(
        _("{loopback_only} (refused: {what}; nothing was sent).").format(
            loopback_only=_(LOOPBACK_ONLY), what=what
        )
    )


def _install_guard() -> None:
    """Install the audit hook once (audit hooks cannot be removed; outside a check it
    returns at once)."""
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            _LOOPBACK_NAMES.add(socket.gethostname().lower())
            sys.addaudithook(_guard)
            _hook_installed = True


def _activity(lab: LabServer) -> int:
    """How much the lab has seen: its sessions and the lines it received."""
    sessions = lab.sessions
    return len(sessions) + sum(len(s.received_lines()) + s.omitted_lines for s in sessions)


def watch(lab: LabServer) -> LabServer:
    """Count what reaches ``lab`` from now on as the learner's activity in the running
    check (outside a check: nothing). Returns ``lab``."""
    check = _RUNNING.get()
    if check is not None:  # watched again: from now on (the check's own setup is done)
        check.labs[:] = [(seen, before) for seen, before in check.labs if seen is not lab]
        check.labs.append((lab, _activity(lab)))
    return lab


def _lab_saw_activity(check: _Check) -> bool:
    return any(_activity(lab) > before for lab, before in check.labs)


def evaluate(
    exercise: str,
    attempt: Callable[[], object],
    verify: Callable[[object], str],
    *,
    lab: LabServer | None = None,
    returns: str | None = None,
) -> Result:
    """Run ``attempt`` (the learner's code, wrapped), then ``verify`` its value.

    * the attempt reaches for another machine: failed, "use the lab's host/port";
    * it returns None or ``...`` (or raises NotImplementedError) and no lab the check
      watches (``lab``, and the labs of :func:`lab_connection`) saw anything: not tried;
    * it returns nothing but a watched lab saw its work: ``verify`` judges it (it gets
      :data:`TRIED`, or a :class:`Trial` whose ``value`` is None); with ``returns``
      (what should have been returned, "the reply lines"), failed with
      "you forgot to `return` <returns>" and any hint about the work;
    * it raises anything else: failed, with the error named (the usual cause first);
    * ``verify`` raises :class:`Hint`: failed, with the hint;
    * otherwise passed, with the sentence ``verify`` returned.
    """
    _install_guard()
    check = _Check()
    token = _RUNNING.set(check)
    try:
        for running in [lab, *_CHECK_LABS]:  # a check's labs started before it began
            if running is not None and running.running:
                watch(running)
        result = _run_check(exercise, attempt, verify, check, returns)
    finally:
        _RUNNING.reset(token)
    if check.refused:
        return Result(
            exercise,
            "failed",
            _(
                "{loopback_only}. Your code tried to reach {what}, another machine; "
                "it was stopped before anything was sent."
            ).format(loopback_only=_(LOOPBACK_ONLY), what=check.refused[0]),
        )
    return result


def _run_check(
    exercise: str,
    attempt: Callable[[], object],
    verify: Callable[[object], str],
    check: _Check,
    returns: str | None,
) -> Result:
    not_tried = Result(
        exercise,
        "not tried",
        _("not tried yet: fill in the function above, then run this cell again."),
    )
    try:
        value = attempt()
    except NotImplementedError:
        value = None
    except Hint as hint:
        return Result(exercise, "failed", str(hint))
    except Exception as exc:  # the learner's code failed: say how, do not crash the cell
        refusal = _strict_refusal(check)
        if refusal is not None:
            return Result(exercise, "failed", refusal)
        return Result(exercise, "failed", raised_hint(exc))
    if isinstance(value, Trial):
        returned, raised = value.value, value.error
    else:
        returned, raised = value, None
    if raised is None and (returned is None or returned is Ellipsis or returned is TRIED):
        if returned is not TRIED and not _lab_saw_activity(check):
            return not_tried
        if not isinstance(value, Trial):
            value = TRIED
        if returns is not None:
            return _forgot_return(exercise, verify, value, returns)
    try:
        message = verify(value)
    except Hint as hint:
        return Result(exercise, "failed", str(hint))
    refusal = _strict_refusal(check)  # the lab hung up on a bare line end: not a pass
    return Result(exercise, "passed", message) if refusal is None else _failed(exercise, refusal)


def _failed(exercise: str, message: str) -> Result:
    return Result(exercise, "failed", message)


def _strict_refusal(check: _Check) -> str | None:
    """The hint when a watched strict lab hung up on a bare LF or CR (the learner's code
    then fails on the closed connection), or None."""
    for lab, _before in check.labs:
        for session in lab.sessions:
            for text in session.sent_lines():
                if text.startswith("521 ") and "bare <" in text:
                    return _(
                        "the lab answered {reply!r}... and closed the connection: end "
                        "every line with \\r\\n (CR LF), not \\n alone or \\r alone "
                        "(RFC 5321 §2.3.8). Hardened servers refuse a bare LF or CR as this "
                        "check's lab did; a lenient server may have let it through."
                    ).format(reply=text[:60])
    return None


def _forgot_return(
    exercise: str, verify: Callable[[object], str], value: object, returns: str
) -> Result:
    """The learner's function did its work against the lab but returned nothing."""
    message = _(
        "you forgot to `return` {returns}: the lab saw your function at work, but the "
        "function gave nothing back to its caller."
    ).format(returns=returns)
    try:
        verify(value)
    except Hint as hint:
        message += _(" Also: {hint}").format(hint=hint)
    else:
        message += _(" What the lab saw was right: add the return.")
    return Result(exercise, "failed", message)


def untouched(values: Iterable[object]) -> bool:
    """True when every value is None or ``...``: the learner has not filled the function in."""
    return all(value is None or value is Ellipsis for value in values)


def answers_to(function: Callable[[Any], object], questions: Iterable[Any]) -> list[Any] | None:
    """``function(q)`` for each question, or None (not tried yet) when all are untouched."""
    answers = [function(question) for question in questions]
    return None if untouched(answers) else answers


# ------------------------------------------------------------------------ a lab of its own

LEARNER_TIMEOUT = 2.0
"""Seconds a socket handed to a learner's function waits before ``TimeoutError``, and
a check's own read waits for a reply."""

CLIENT_TIMEOUT = 5.0
"""Seconds the checks' own :class:`~smtplab.client.Client` waits for the lab."""

TRIED = object()
"""What an attempt returns when the learner's function returned nothing but the lab did
receive something: not "not tried yet", the verifier judges what the lab saw."""


def wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> bool:
    """Wait until ``condition()`` holds (True) or ``timeout`` seconds passed (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


class ReplyReader:
    """The check's own reader: whole replies, with a deadline, never hanging."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.parser = ReplyParser()

    def reply(self, timeout: float | None = None) -> str | None:
        """The next whole reply as text (lines joined by newlines), or None on timeout
        (default :data:`LEARNER_TIMEOUT`) or when the connection closed."""
        deadline = time.monotonic() + (LEARNER_TIMEOUT if timeout is None else timeout)
        while True:
            reply = self.parser.next_reply()
            if reply is not None:
                return reply.raw.decode("latin-1").replace("\r\n", "\n").rstrip("\n")
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except (TimeoutError, OSError):
                return None
            if not data:
                return None
            self.parser.feed(data)


@dataclass
class Trial:
    """What happened when a learner's function ran on a connection to a lab: what it
    returned or raised, and the lab's log of the session (``session``, filled in when the
    connection has closed)."""

    lab: LabServer
    sock: socket.socket
    value: Any = None
    error: BaseException | None = None
    session: LabSession | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def lines(self) -> list[LogLine]:
        """Every line of the session's log, in order."""
        return self.session.lines if self.session is not None else []

    def received(self) -> list[LogLine]:
        """The lines the server received (commands, body, dot), in order."""
        return [line for line in self.lines if line.direction == "C"]

    def sent(self) -> list[str]:
        """The text of every line the server sent, in order."""
        return [line.text for line in self.lines if line.direction == "S"]


def strict_lab(**options: Any) -> LabServer:
    """A lab for a check (not started): strict (``LabServer(strict=True)``, refusing what
    hardened servers refuse) unless ``strict=False`` is given, and watched by the running
    check (:func:`watch`) once started, so work that returns nothing is still judged."""
    options.setdefault("strict", True)
    return _WatchedLab(**options)


class _WatchedLab(LabServer):
    """A LabServer that the running check watches from the moment it starts."""

    def start(self) -> LabServer:
        """Start the lab, and watch it in the running check."""
        super().start()
        _CHECK_LABS.add(self)
        return watch(self)


@contextmanager
def lab_connection(
    *, split_replies: int | None = None, split_times: int | None = None, **options: Any
) -> Iterator[Trial]:
    """Start a strict lab (:func:`strict_lab`, ``options`` passed on), connect to it
    (timeout :data:`LEARNER_TIMEOUT`), yield a Trial; then close the socket, wait until
    the server has logged the end, and fill ``trial.session``. With ``split_replies=n``
    each reply, the greeting first, comes in ``n`` pieces (``lab.split_replies(n,
    times=split_times)``), as over a slow network. The lab stops when the block ends;
    its inbox stays readable."""
    with strict_lab(**options) as lab:
        if split_replies is not None:
            lab.split_replies(split_replies, times=split_times)
        sock = socket.create_connection((lab.host, lab.port), timeout=LEARNER_TIMEOUT)
        wait_until(lambda: bool(lab.sessions))  # the server has accepted the connection
        watch(lab)  # from here on, what reaches the lab is the learner's
        trial = Trial(lab, sock)
        try:
            yield trial
        finally:
            sock.close()
            wait_until(lambda: bool(lab.sessions) and all(s.closed for s in lab.sessions))
            trial.session = lab.sessions[-1] if lab.sessions else None


def on_a_connection(scenario: Callable[[Trial], object], **options: Any) -> Trial | None:
    """Run ``scenario(trial)`` (the learner's code) on a fresh :func:`lab_connection`
    (``options`` passed on: ``split_replies=3``...).

    What it returns becomes ``trial.value`` (unless None) and what it raises
    ``trial.error``: the verifier judges both from the session log. None (not tried yet)
    when the learner's code neither returned nor raised anything and the lab received
    nothing; when the lab did, the trial (its ``value`` None: :func:`evaluate` judges it,
    and says "you forgot to `return`" when the check names what should be returned).
    """
    with lab_connection(**options) as trial:
        try:
            value = scenario(trial)
            if value is not None:
                trial.value = value
        except Exception as error:  # judged from the session log, not raised
            trial.error = error
    if trial.error is None and trial.value is None and not trial.received():
        return None
    return trial


def lab_client(lab: LabServer, *, starttls: bool = False) -> Client:
    """The check's own client to ``lab``, EHLO said (inside TLS, twice, with ``starttls``)."""
    options: dict[str, Any] = {"local_hostname": "learner.example", "timeout": CLIENT_TIMEOUT}
    if starttls:
        return Client(lab.host, lab.port, security="starttls", context=lab.ssl_context(), **options)
    client = Client(lab.host, lab.port, **options)
    client.ehlo()
    return client


def evaluate_on_client(
    exercise: str,
    lab: LabServer,
    run: Callable[[Client], object],
    verify: Callable[[Client, int], str],
    refused: Callable[[LocalProtocolError], str],
    *,
    starttls: bool = False,
) -> Result:
    """Run ``run(client)`` on the check's own client to ``lab`` (EHLO said), then
    ``verify(client, before)``, ``before`` being where the learner's lines start in the
    lab's log. A line the client refuses to send becomes the hint ``refused(error)``; a
    function that returned nothing after sending something is judged, not "not tried"."""
    client = lab_client(lab, starttls=starttls)
    before = len(lab.sessions[-1].lines)

    def attempt() -> object:
        try:
            value = run(client)
        except LocalProtocolError as exc:
            raise Hint(refused(exc)) from None
        if value is None and len(lab.sessions[-1].lines) > before:
            return TRIED
        return value

    try:
        return evaluate(exercise, attempt, lambda _value: verify(client, before), lab=lab)
    finally:
        client.close()


@dataclass
class Finished:
    """What a function run by :func:`run_with_deadline` returned or raised."""

    value: object = None
    error: BaseException | None = None


def run_with_deadline(function: Callable[[], object], seconds: float) -> Finished | None:
    """Run ``function()`` in a thread, waiting at most ``seconds``: None when it is still
    running then (it is stuck; the daemon thread is left to end on its own)."""
    finished = Finished()

    def run() -> None:
        try:
            finished.value = function()
        except BaseException as error:  # handed back to the check
            finished.error = error

    # The thread runs in a copy of this context: the running check's guard goes with it.
    context = contextvars.copy_context()
    worker = threading.Thread(target=context.run, args=(run,), name="smtplab-exercise", daemon=True)
    worker.start()
    worker.join(seconds)
    return None if worker.is_alive() else finished


# ------------------------------------------------------------------- reading the lab's log


def verb(line: LogLine) -> str:
    """The command word of a received line, upper-cased (``"MAIL"``), or ``""``."""
    words = line.text.split()
    return words[0].upper() if words else ""


# --------------------------------------------------------- what the learner sent and returned


def escape_bytes(data: bytes) -> str:
    """Bytes as readable text with CR and LF (and other control bytes) made visible."""
    names = {13: "\\r", 10: "\\n"}
    return "".join(
        names.get(byte, chr(byte) if 32 <= byte < 127 else f"\\x{byte:02x}") for byte in data
    )


def show(raw: bytes) -> str:
    """Bytes quoted for a hint, CR and LF visible: ``'HELO x\\r\\n'``."""
    return f"'{escape_bytes(raw)}'"


def as_text(value: object) -> str | None:
    """A learner's returned reply as text: bytes decoded, lists joined; None if unusable."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(
        isinstance(v, (bytes, bytearray, str)) for v in value
    ):
        parts = [v if isinstance(v, str) else bytes(v).decode("latin-1") for v in value]
        return "\n".join(part.rstrip("\r\n") for part in parts)
    return None


def text_lines(value: object) -> list[str] | None:
    """The lines of a returned reply, without their line ends."""
    text = as_text(value)
    return None if text is None else text.splitlines()


def require_line_end(line: LogLine, what: str | None = None) -> None:
    """Raise a :class:`Hint` if a received line does not end with CRLF (``what``: the
    line as the hint names it, translated; default "your line")."""
    what = _("your line") if what is None else what
    if line.partial or not line.raw.endswith(b"\n"):
        raise Hint(
            _(
                "the server received {received} but no line end, so it is still waiting for "
                "the rest of the line and never answered. End {what} with \\r\\n (CR LF, "
                "RFC 5321 §2.3.8)."
            ).format(received=show(line.raw), what=what)
        )
    if not line.raw.endswith(b"\r\n"):
        raise Hint(
            _(
                "the server received {received}: it ends with \\n only (a bare LF). "
                "In SMTP every line ends with \\r\\n (CR LF, RFC 5321 §2.3.8). Hardened servers "
                "refuse a bare LF (Postfix: 521 'bare <LF> received', and it hangs up), as this "
                "check's lab does; a lenient server may have let it through."
            ).format(received=show(line.raw))
        )


def refuse_str_sent(error: BaseException | None) -> None:
    """Raise a :class:`Hint` for the usual TypeError of sending a str."""
    if isinstance(error, TypeError) and "bytes-like" in str(error):
        raise Hint(
            _(
                "{error}. A socket sends bytes, not str: write a bytes literal, or turn the "
                "text into bytes with .encode() (notebook 01, 'Bytes and text')."
            ).format(error=error)
        )


def raised_hint(error: BaseException) -> str:
    """The hint naming an exception the learner's code raised: its type and text."""
    return _("your code raised {name}: {error}").format(name=type(error).__name__, error=error)
