"""Run a send off the main thread, and bring its news back to the main thread.

A widget must be updated from the kernel's main thread (its messages to the browser go
from there, in order), yet a send takes as long as the server makes it take, and the
kernel must keep answering the browser meanwhile. So inside a kernel (an asyncio loop runs
on the main thread) the work runs in a worker thread and every event and the result are
handed to the loop with ``call_soon_threadsafe``; with no running loop (a script, a test)
the work runs at once. Nothing here prints: a worker's output would land in the next cell.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__: list[str] = []  # the Composer's machinery

E = TypeVar("E")
R = TypeVar("R")

THREAD_NAME = "smtplab-widgets-send"


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The asyncio loop running on this thread (a kernel's), or None."""
    with contextlib.suppress(RuntimeError):
        return asyncio.get_running_loop()
    return None


class Job(Generic[R]):
    """One piece of work, done at once or in a worker ``thread``. Its ``result`` (or
    ``error``) is set as soon as the work ends, before the main thread hears of it."""

    def __init__(self) -> None:
        self.result: R | None = None
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.ended = threading.Event()

    @property
    def done(self) -> bool:
        """True once the work has ended (the main thread may not have heard yet)."""
        return self.ended.is_set()

    @property
    def background(self) -> bool:
        """True when the work runs (or ran) in a worker thread."""
        return self.thread is not None

    def wait(self, timeout: float | None = None) -> R | None:
        """Block until the work has ended (or ``timeout`` s passed); return its result."""
        self.ended.wait(timeout)
        return self.result


def run_in_background(
    work: Callable[[Callable[[E], None]], R],
    on_event: Callable[[E], None],
    on_done: Callable[[R], None],
    *,
    loop: asyncio.AbstractEventLoop | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> Job[R]:
    """Run ``work(emit)``; hand each ``emit(event)`` to ``on_event``, the result to
    ``on_done`` and an exception to ``on_error``, all on ``loop``'s thread. Without a
    ``loop`` the work runs now, here, and its exception is raised here."""
    job: Job[R] = Job()

    def tell(callback: Callable[..., object], *args: object) -> None:
        if loop is None:
            callback(*args)
        else:  # the loop may be gone (kernel shutting down): then nobody is left to tell
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(callback, *args)

    def run() -> None:
        try:
            job.result = work(lambda event: tell(on_event, event))
        except BaseException as error:  # reported on the main thread, never printed here
            job.error = error
            job.ended.set()
            if loop is None:
                raise
            if on_error is not None:
                tell(on_error, error)
            return
        job.ended.set()
        tell(on_done, job.result)

    if loop is None:
        run()
    else:
        job.thread = threading.Thread(target=run, name=THREAD_NAME, daemon=True)
        job.thread.start()
    return job
