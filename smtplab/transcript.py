"""The record of an SMTP session, annotated for a learner.

A transcript keeps the events of one session as :mod:`smtplab.protocol` hands them over
(every line sent, every reply with the command it answers, the start of TLS), plus the
driver's notes. Keeping is cheap; the annotations (phase, RFC section, what each reply
means, base64 decoded inline) are worked out from the events when someone reads the
transcript (:mod:`smtplab.annotate`), and kept::

    client = Client(lab.host, lab.port)      # records into client.transcript
    print(client.transcript)                 # C: / S: lines, annotations on the right
    client.transcript                        # in a notebook: an HTML table
    client.transcript.diagram()              # a sequence diagram (SVG)

Secrets never show by accident: the lines :mod:`smtplab.secrecy` marks (a password, a
token, a digest) are held as :class:`~smtplab.secrecy.Secret` values whose ``str`` and
``repr`` are a mask, and every rendering scrubs any later line that repeats one. Only
:meth:`Transcript.reveal` shows them, for your own eyes.

A session that exists only as bytes can be recorded too: :meth:`Transcript.record_sent`
and :meth:`Transcript.record_received` read them with the same protocol code.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Callable, Iterator
from time import monotonic as _clock
from typing import Any, NamedTuple

from .annotate import Entry, Memory, entry, note_entry
from .diagram import Diagram
from .events import Record, TLSInfo
from .protocol import SessionReader
from .replies import Reply
from .secrecy import MASK as MASK  # importable from here too, as before 0.2
from .secrecy import Secret as Secret

__all__: list[str] = []  # Transcript is public as smtplab.Transcript

DEFAULT_WIDTH = 112
"""The default width of the text rendering (the annotation column starts at half of it)."""


class Rendering(str):
    """A rendering of a transcript: a ``str`` that a notebook shows as text, not as a repr."""

    __slots__ = ()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


class _Note(NamedTuple):
    """A line of commentary the driver recorded (not part of the dialogue)."""

    text: str
    time: float
    tls: bool


class Transcript:
    """The annotated record of one SMTP session.

    A connection records into it (:meth:`record` is its ``on_event``); a driver adds
    notes (:meth:`record_note`). A learner reads ``print(t)``, ``t`` in a notebook
    (HTML), :meth:`dialogue` (the bare lines, to copy), :meth:`show_body`,
    :meth:`diagram` and :meth:`timeline`. Secrets are hidden everywhere but in
    :meth:`reveal`. Reading is safe from any thread while another records.
    """

    def __init__(self, provider: str | None = None) -> None:
        self.provider = provider
        """The provider (key, alias or host: ``"qq"``, ``"smtp.gmail.com"``) whose known
        failures the annotations explain; see :mod:`smtplab.providers`."""
        self._records: list[Record | _Note] = []
        self._entries: list[Entry] = []
        self._memory = Memory(provider)
        self._listeners: list[Callable[[Entry], None]] = []
        self._lock = threading.Lock()
        self._reader: SessionReader | None = None

    # ----------------------------------------------------------------- recording

    def record(self, event: Record) -> None:
        """Keep one protocol event (a ClientConnection's ``on_event``)."""
        if self._listeners or _debugging():
            self._annotate()  # what came before, when nobody listened: not logged now
            self._records.append(event)
            self._annotate(log=True)
        else:
            self._records.append(event)

    def record_note(self, text: str, *, time: float | None = None) -> Entry:
        """Record a line of commentary from the driver (not part of the dialogue)."""
        tls = self._tls_now()
        self.record(_Note(text, _clock() if time is None else time, tls))  # type: ignore[arg-type]
        return self._annotate()[-1]

    def record_sent(
        self,
        raw: bytes,
        *,
        secret: bool = False,
        time: float | None = None,
        is_message: bool = False,
        tls: bool | None = None,
    ) -> Entry:
        """Record bytes the client sent, read by the protocol code: one command line (or
        several: each becomes an entry), or with ``is_message=True`` the whole message
        (dot-stuffed, ending with ``.\\r\\n``). ``secret=True`` hides the line whatever
        it is. Returns the last entry. (``tls`` is accepted for compatibility: whether TLS
        is on comes from the session itself.)"""
        self._session_reader().sent(bytes(raw), time=time, whole_message=is_message, secret=secret)
        return self._annotate()[-1]

    def record_received(
        self, reply: Reply, *, time: float | None = None, tls: bool | None = None
    ) -> Entry:
        """Record one complete reply from the server (all of its lines)."""
        raw = reply.raw or "".join(f"{line}\r\n" for line in str(reply).split("\n")).encode()
        self._session_reader().server_bytes(raw, time=time)
        return self._annotate()[-1]

    def record_tls(
        self,
        version: str,
        cipher: str,
        *,
        verified: bool,
        server_name: str | None,
        issuer: str | None,
        time: float | None = None,
    ) -> Entry:
        """Record the moment TLS started (after STARTTLS's 220, or first for implicit
        TLS). ``verified=False`` says loudly that the certificate was not checked."""
        info = TLSInfo(version, cipher, verified, server_name, issuer)
        self._session_reader().start_tls(info, time=time)
        return self._annotate()[-1]

    def clear(self) -> None:
        """Forget every entry (and every secret): start a new session."""
        with self._lock:
            self._records.clear()
            self._entries.clear()
            self._memory = Memory(self.provider)
            self._reader = None

    def subscribe(self, listener: Callable[[Entry], None]) -> Callable[[], None]:
        """Call ``listener(entry)`` for every entry recorded from now on; returns an
        ``unsubscribe()`` function.

        The listener runs on the thread that records (the client's): a view should hand
        each entry to its own thread (for a notebook, the kernel's event loop). Entries
        are masked as everywhere else.
        """
        self._annotate()  # what was recorded before is not "from now on"
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def _session_reader(self) -> SessionReader:
        if self._reader is None:
            self._reader = SessionReader(self.record)
        return self._reader

    def _tls_now(self) -> bool:
        for record in reversed(self._records):
            context = getattr(record, "context", None)
            if context is not None:
                return bool(context.tls)
            if isinstance(record, _Note):
                return record.tls
        return False

    def _annotate(self, *, log: bool = False) -> list[Entry]:
        """Annotate every event not annotated yet, in order; return the entries.

        Listeners are called after the lock is released: a listener may read the
        transcript (a view renders it whole)."""
        made_now: list[Entry] = []
        with self._lock:
            entries, records = self._entries, self._records
            while len(entries) < len(records):
                record = records[len(entries)]
                if isinstance(record, _Note):
                    made = note_entry(record.text, record.time, record.tls, self._memory)
                else:
                    made = entry(record, self._memory)
                entries.append(made)
                made_now.append(made)
                if log and _debugging():
                    _log().debug("%s: %s", made.direction, made.summary(100, self._memory.scrub))
        for made in made_now:
            for listener in tuple(self._listeners):
                listener(made)
        return entries

    # ----------------------------------------------------------------- reading

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The entries in order, as a tuple (a snapshot)."""
        return tuple(self._annotate())

    def __len__(self) -> int:
        return len(self._annotate())

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __getitem__(self, index: int) -> Entry:
        return self._annotate()[index]

    @property
    def tls_info(self) -> TLSInfo | None:
        """How TLS started (version, cipher, certificate check), or None without TLS."""
        return next((e.tls_info for e in self._annotate() if e.tls_info is not None), None)

    @property
    def messages(self) -> tuple[Entry, ...]:
        """The entries that hold a message (the bytes after DATA)."""
        return tuple(e for e in self._annotate() if e.is_message)

    # ----------------------------------------------------------------- rendering

    def text(
        self,
        annotate: bool = True,
        width: int = DEFAULT_WIDTH,
        *,
        times: bool = False,
        body_lines: int | None = 3,
    ) -> Rendering:
        """The transcript as plain text: ``C:`` / ``S:`` lines, annotations on the right.

        A message body longer than ``body_lines`` lines is folded into one line
        (``None``: never fold). ``times=True`` starts each entry with the milliseconds
        since the first entry. Over-long lines are shortened here only: :meth:`dialogue`
        has them whole. Secrets are hidden.
        """
        from .render import layout

        rows = self._rows(reveal=False, body_lines=body_lines, details=False)
        return Rendering(layout(rows, annotate, width, times, self._t0()))

    def __str__(self) -> str:
        return str(self.text())

    def show_body(self, annotate: bool = True, width: int = DEFAULT_WIDTH) -> Rendering:
        """The text rendering with every message shown whole (no folding)."""
        return self.text(annotate, width, body_lines=None)

    def dialogue(self, *, body_lines: int | None = None) -> Rendering:
        """Only the ``C:`` and ``S:`` lines, exactly as sent, without annotations.

        Secrets stay hidden. Messages are shown whole unless ``body_lines`` is given.
        """
        out: list[str] = []
        for row in self._rows(reveal=False, body_lines=body_lines, details=False):
            if row.kind in ("C", "S"):
                out.append(f"{row.kind}: {row.text}")
            elif row.kind == "fold":
                out.append(f"C: {row.text}")
        return Rendering("\n".join(out))

    def reveal(
        self, annotate: bool = True, width: int = DEFAULT_WIDTH, *, body_lines: int | None = 3
    ) -> Rendering:
        """The text rendering WITH the secrets shown: for your own eyes only.

        Base64 is not encryption: this shows what anyone on the wire would see without
        TLS. Do not paste it anywhere, and clear the cell's output before you save or
        share a notebook (the output is stored in the file).
        """
        from .render import layout

        rows = self._rows(reveal=True, body_lines=body_lines, details=False)
        return Rendering(layout(rows, annotate, width, False, self._t0()))

    def timeline(self) -> list[tuple[float, str, str, str]]:
        """``(seconds since the first entry, direction, phase, masked summary)`` per entry."""
        entries, t0 = self._annotate(), self._t0()
        scrub = self._memory.scrub
        return [(e.time - t0, e.direction, e.phase, e.summary(72, scrub)) for e in entries]

    def scrub(self, text: str) -> str:
        """``text`` with every secret this session sent masked, in every form the
        transcript knows (as typed, base64, the PLAIN blob): for a server's words quoted
        outside the transcript, such as an error or a result line.

        >>> Transcript().scrub("nothing was sent")
        'nothing was sent'
        """
        self._annotate()
        return self._memory.scrub(text)

    def __repr__(self) -> str:
        rows = self._rows(reveal=False, body_lines=3, details=False)
        tls_line = next((n for n, row in enumerate(rows, 1) if row.kind == "band"), 0)
        info = self.tls_info
        if info is None:
            tls = "no TLS"
        elif info.verified:
            tls = f"TLS from line {tls_line}"  # i18n: keep repr
        else:
            tls = f"TLS (certificate NOT verified) from line {tls_line}"  # i18n: keep repr
        count = len(self.messages)
        messages = f"{count} message{'s' * (count != 1)}"
        secrets = "secrets hidden" if any(e.secret for e in self._entries) else "no secrets"
        return f"<Transcript: {len(rows)} lines, {tls}, {messages}, {secrets}>"

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, last: int | None = None) -> str:
        """The transcript as the HTML table a notebook shows (secrets masked); with
        ``last``, of its latest ``last`` entries only (a live view renders after every
        entry: the whole transcript each time would grow as the square of its length)."""
        from .render import table

        return table(self._rows(reveal=False, body_lines=3, details=True, last=last))

    def diagram(self) -> Diagram:
        """The session as a sequence diagram (SVG): client and server lanes, one arrow a
        line. Secrets are hidden; a multi-line reply is one arrow; the message is one."""
        from .diagram import draw

        return draw(self._annotate(), self._memory)

    def _rows(
        self, *, reveal: bool, body_lines: int | None, details: bool, last: int | None = None
    ) -> list[Any]:
        from .render import rows

        entries, scrub = self._annotate(), str if reveal else self._memory.scrub
        entries = entries[-last:] if last else entries
        return rows(entries, reveal=reveal, body_lines=body_lines, details=details, scrub=scrub)

    def _t0(self) -> float:
        return next((e.time for e in self._annotate()), 0.0)


def _debugging() -> bool:
    """True when this module's logger takes DEBUG records (without importing logging:
    while nothing has imported it, nobody can have switched a DEBUG log on)."""
    logging = sys.modules.get("logging")
    return logging is not None and _log().isEnabledFor(logging.DEBUG)


@functools.cache  # a logger lives as long as the process: asked once
def _log() -> Any:
    import logging

    return logging.getLogger(__name__)
