"""Run slow work off the main thread, and bring its news back to the main thread.

A widget must be updated from the kernel's main thread: that is where its messages to the
browser are sent from, in order. A send, though, takes as long as the server makes it
take, and the kernel must keep answering the browser meanwhile (or the page freezes and
the dialogue appears all at once at the end). So:

* inside a kernel (an asyncio event loop runs on the main thread), :func:`run_in_background`
  runs the work in a worker thread, and hands every event and the result to that loop
  with ``loop.call_soon_threadsafe``: the callbacks run on the main thread, in order;
* with no running loop (a plain script, a headless test), the work runs at once on the
  calling thread and the callbacks are called directly.

Nothing here prints: output from a worker thread would land in whichever cell runs next.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Job", "run_in_background", "running_loop"]

E = TypeVar("E")
R = TypeVar("R")

THREAD_NAME = "smtplab-widgets-send"
"""The name of the worker threads (one per send)."""


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The asyncio loop running on this thread (a kernel's), or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Job(Generic[R]):
    """One piece of work: done at once (no loop) or running in a worker thread.

    ``result`` is set by the worker as soon as the work ends (before the main thread hears
    of it), so :meth:`wait` can return it even while the main thread is blocked.
    """

    def __init__(self) -> None:
        self.result: R | None = None
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self._done = threading.Event()

    @property
    def done(self) -> bool:
        """True once the work has ended (the main thread may not have heard yet)."""
        return self._done.is_set()

    @property
    def background(self) -> bool:
        """True when the work runs (or ran) in a worker thread."""
        return self.thread is not None

    def wait(self, timeout: float | None = None) -> R | None:
        """Block until the work has ended (or ``timeout`` s passed); return its result."""
        self._done.wait(timeout)
        return self.result

    def _finish(self, result: R | None, error: BaseException | None = None) -> None:
        self.result = result
        self.error = error
        self._done.set()


def _post(loop: asyncio.AbstractEventLoop, callback: Callable[..., object], *args: object) -> None:
    # The loop may be gone (kernel shutting down): then nobody is left to tell.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback, *args)


def run_in_background(
    work: Callable[[Callable[[E], None]], R],
    on_event: Callable[[E], None],
    on_done: Callable[[R], None],
    *,
    loop: asyncio.AbstractEventLoop | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> Job[R]:
    """Run ``work(emit)``; deliver each ``emit(event)`` to ``on_event`` and the result to
    ``on_done`` on the thread of ``loop``.

    ``loop`` None: run now, on this thread (callbacks called directly). Otherwise run in
    a daemon worker thread; callbacks are scheduled on ``loop`` (the main thread's) with
    ``call_soon_threadsafe``. If ``work`` raises, ``on_error`` gets the exception (on the
    loop's thread) and the job's ``error`` holds it; ``work`` should catch what it can.
    """
    job: Job[R] = Job()
    if loop is None:
        try:
            result = work(on_event)
        except BaseException as error:
            job._finish(None, error)
            raise
        job._finish(result)
        on_done(result)
        return job

    def emit(event: E) -> None:
        _post(loop, on_event, event)

    def run() -> None:
        try:
            result = work(emit)
        except BaseException as error:  # reported on the main thread, never printed here
            job._finish(None, error)
            if on_error is not None:
                _post(loop, on_error, error)
            return
        job._finish(result)
        _post(loop, on_done, result)

    job.thread = threading.Thread(target=run, name=THREAD_NAME, daemon=True)
    job.thread.start()
    return job
