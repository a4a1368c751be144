"""A lab of a check's own and the check's ways to reach it: a strict, watched lab
(:func:`strict_lab`), a connection to a fresh one handed to the learner's function
(:func:`lab_connection`, :func:`on_a_connection`), the check's own reader of whole replies
and its own client, waiting until the lab has logged what the learner sent, and a deadline
for a function that may never return. Only the public API of the lab, the client and the
protocol is used here."""

from __future__ import annotations

import contextvars
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from ..client import Client
from ..errors import LocalProtocolError, Timeout
from ..lab import LabPolicy, LabServer, ReceivedMessage
from ..lab.profiles import get_profile
from ..protocol import ReplyParser
from .doors import watch, watch_from_start
from .harness import TRIED, Hint, Result, Trial, evaluate

__all__: list[str] = []  # the package's own (the harness's labs)

LEARNER_TIMEOUT = 2.0
"""Seconds a socket handed to a learner's function waits before ``TimeoutError``, and
a check's own read waits for a reply."""

CLIENT_TIMEOUT = 5.0
"""Seconds the checks' own :class:`~smtplab.client.Client` waits for the lab."""

LINE_WAIT = 10.0
"""Seconds the lab of :func:`lab_connection` waits for the learner's next line before it
hangs up (the lab's idle timeout, 300 s otherwise). A learner may take the socket's own
timeout away (``sock.setblocking(True)``, ``settimeout(None)``) and then wait for a reply
to a line that never ended: the connection's end comes, not a cell that hangs."""


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


def strict_lab(**options: Any) -> LabServer:
    """A lab for a check (not started): strict (``LabServer(strict=True)``, refusing what
    hardened servers refuse) unless ``strict=False`` is given, and watched by the running
    check (:func:`watch`) once started, so work that returns nothing is still judged.
    Unless a ``policy`` or a ``profile`` is given, it hangs up on a client silent for
    :data:`LINE_WAIT` seconds: a raw socket with no timeout, waiting for the reply to a
    line it never ended, gets the connection's end, not a cell held for 300 s."""
    options.setdefault("strict", True)
    if "policy" not in options and "profile" not in options:
        options["policy"] = LabPolicy(idle_timeout=LINE_WAIT)
    return _WatchedLab(**options)


class _WatchedLab(LabServer):
    """A LabServer that the running check watches from the moment it starts."""

    def start(self) -> LabServer:
        """Start the lab, and watch it in the running check."""
        super().start()
        return watch_from_start(self)


def quick_lookalike(provider: str) -> LabServer:
    """A strict, watched look-alike of ``provider`` (:func:`strict_lab`, not started) that
    drops a client silent on its implicit-TLS port after 2 s, not 30 (a plain-text client
    there waits for a greeting that never comes)."""
    profile = get_profile(provider)
    quick = replace(profile, policy=replace(profile.policy, tls_handshake_timeout=2.0))
    return strict_lab(profile=quick)


def arrived(lab: LabServer, timeout: float = 1.0) -> list[ReceivedMessage]:
    """The lab's inbox once a message has arrived, or empty after ``timeout`` seconds."""
    try:
        return lab.wait_for(1, timeout=timeout)
    except Timeout:
        return []


@contextmanager
def lab_connection(
    *,
    split_replies: int | None = None,
    split_times: int | None = None,
    setup: Callable[[LabServer], object] | None = None,
    **options: Any,
) -> Iterator[Trial]:
    """Start a strict lab (:func:`strict_lab`, ``options`` passed on), connect to it
    (timeout :data:`LEARNER_TIMEOUT`), yield a Trial; then close the socket, wait until
    the server has logged the end, and fill ``trial.session``. With ``split_replies=n``
    each reply, the greeting first, comes in ``n`` pieces (``lab.split_replies(n,
    times=split_times)``), as over a slow network; ``setup(lab)`` prepares the lab before
    the connection (a greeting of several lines: ``lab.fail("CONNECT", ...)``). The lab
    stops when the block ends; its inbox stays readable."""
    with strict_lab(**options) as lab:
        if setup is not None:
            setup(lab)
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
    (``options`` passed on: ``split_replies=3``, ``setup``...).

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


def run_with_deadline(
    function: Callable[[], object], seconds: float, *, stop: Callable[[], None] | None = None
) -> Finished | None:
    """Run ``function()`` in a thread, waiting at most ``seconds``: None when it is still
    running then (it is stuck; the daemon thread is left to end on its own). ``stop()``,
    when given, is called then to make it end (shut down the socket it is blocked on),
    and the thread gets a moment to do so."""
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
    if not worker.is_alive():
        return finished
    if stop is not None:
        stop()
        worker.join(0.5)  # a recv() blocked on a socket shut down returns at once
    return None
