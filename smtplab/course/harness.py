"""The one harness of the exercise checks: run the learner's code, read what the lab saw.

A check calls :func:`evaluate` with two functions of its own: ``attempt()`` runs the
learner's code (usually against a lab the check starts itself) and ``verify(value)``
judges what happened, raising :class:`Hint` for a mistake. The rest of this module is
what the checks of several notebooks need: a fresh lab with a connection to it
(:func:`lab_connection`, :class:`Trial`), the check's own reader of whole replies,
waiting until the lab has logged what the learner sent, readings of the lab's session
log, and the check's own client. Only the public API of the lab, the client and the
protocol is used here.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from typing import Any, Literal

from ..client import Client
from ..errors import LocalProtocolError
from ..lab import LabServer, LabSession, LogLine
from ..protocol import ReplyParser

__all__ = ["Hint", "Result", "Status", "evaluate"]

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
            f"{escape(self.message)}</div>"
        )


def evaluate(
    exercise: str,
    attempt: Callable[[], object],
    verify: Callable[[object], str],
) -> Result:
    """Run ``attempt`` (the learner's code, wrapped), then ``verify`` its value.

    * the attempt returns None or ``...``, or raises NotImplementedError: not tried yet;
    * it raises anything else: failed, with the error named (the usual cause first);
    * ``verify`` raises :class:`Hint`: failed, with the hint;
    * otherwise passed, with the sentence ``verify`` returned.
    """
    not_tried = Result(
        exercise,
        "not tried",
        "not tried yet: fill in the function above, then run this cell again.",
    )
    try:
        value = attempt()
    except NotImplementedError:
        return not_tried
    except Hint as hint:
        return Result(exercise, "failed", str(hint))
    except Exception as exc:  # the learner's code failed: say how, do not crash the cell
        return Result(exercise, "failed", f"your code raised {type(exc).__name__}: {exc}")
    if value is None or value is Ellipsis:
        return not_tried
    try:
        return Result(exercise, "passed", verify(value))
    except Hint as hint:
        return Result(exercise, "failed", str(hint))


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


@contextmanager
def lab_connection() -> Iterator[Trial]:
    """Start a lab, connect to it (timeout :data:`LEARNER_TIMEOUT`), yield a Trial; then
    close the socket, wait until the server has logged the end, and fill ``trial.session``.
    The lab stops when the block ends; its inbox stays readable."""
    with LabServer() as lab:
        sock = socket.create_connection((lab.host, lab.port), timeout=LEARNER_TIMEOUT)
        wait_until(lambda: bool(lab.sessions))  # the server has accepted the connection
        trial = Trial(lab, sock)
        try:
            yield trial
        finally:
            sock.close()
            wait_until(lambda: bool(lab.sessions) and all(s.closed for s in lab.sessions))
            trial.session = lab.sessions[-1] if lab.sessions else None


def on_a_connection(scenario: Callable[[Trial], object]) -> Trial | None:
    """Run ``scenario(trial)`` (the learner's code) on a fresh :func:`lab_connection`.

    What it returns becomes ``trial.value`` (unless None) and what it raises
    ``trial.error``: the verifier judges both from the session log. None (not tried yet)
    when the learner's code neither returned nor raised anything.
    """
    with lab_connection() as trial:
        try:
            value = scenario(trial)
            if value is not None:
                trial.value = value
        except Exception as error:  # judged from the session log, not raised
            trial.error = error
    return None if trial.error is None and trial.value is None else trial


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
        return evaluate(exercise, attempt, lambda _: verify(client, before))
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

    worker = threading.Thread(target=run, name="smtplab-exercise", daemon=True)
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


def require_line_end(line: LogLine, what: str = "your line") -> None:
    """Raise a :class:`Hint` if a received line does not end with CRLF."""
    if line.partial or not line.raw.endswith(b"\n"):
        raise Hint(
            f"the server received {show(line.raw)} but no line end, so it is still waiting for the "
            f"rest of the line and never answered. End {what} with \\r\\n (CR LF, RFC 5321 §2.3.8)."
        )
    if not line.raw.endswith(b"\r\n"):
        raise Hint(
            f"the server received {show(line.raw)}: it ends with \\n only (a bare LF). "
            "In SMTP every line ends with \\r\\n (CR LF, RFC 5321 §2.3.8). The lab let it "
            "pass; many servers refuse it, and inside a message a bare LF is not a line end."
        )


def refuse_str_sent(error: BaseException | None) -> None:
    """Raise a :class:`Hint` for the usual TypeError of sending a str."""
    if isinstance(error, TypeError) and "bytes-like" in str(error):
        raise Hint(
            f'{error}. A socket sends bytes, not str: write b"HELO learner.example\\r\\n", '
            'or turn text into bytes with .encode("ascii").'
        )
