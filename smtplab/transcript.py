"""The record of an SMTP session, annotated for a learner.

A driver (:mod:`smtplab.client`) hands every line it sends and every reply it receives
to a :class:`Transcript`; the transcript works out the rest from the dialogue itself: the
phase (greeting, EHLO, TLS, AUTH, envelope, DATA, message, QUIT), the RFC section, what
each reply means, base64 decoded inline, and which lines carry a secret::

    t = Transcript()
    t.record_received(greeting)                  # a smtplab.replies.Reply
    t.record_sent(b"EHLO learner.example\\r\\n")
    ...
    print(t)                                     # C: / S: lines, annotations on the right

Secrets never show by accident. Whatever the driver says, the transcript itself hides the
argument of ``AUTH PLAIN <blob>`` and ``AUTH XOAUTH2 <blob>``, every answer to a 334 that
may carry a password, token or digest, and any later line that repeats one of them. The
bytes of a hidden line live in a :class:`Secret`, whose ``str`` and ``repr`` are a mask;
only :meth:`Transcript.reveal` (for your own eyes) renders them.

This module is part of the sans-I/O core: it imports no socket, ssl or thread, and
:meth:`Diagram.save` is its only file access.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import sys
import time as _time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .auth import b64decode_text
from .extensions import describe_extension
from .replies import EnhancedStatus, Reply, decode_reply_text, explain_code, explain_enhanced

__all__ = [
    "DEFAULT_WIDTH",
    "MASK",
    "PHASES",
    "Diagram",
    "Entry",
    "Rendering",
    "Secret",
    "TLSInfo",
    "Transcript",
]

_log: Any = None
"""This module's logger (``smtplab.transcript``), once the logging module is in use."""


def _debugging() -> bool:
    """True when this module's logger takes DEBUG records.

    The logging module is not imported for this (it is a few ms of ``import smtplab``):
    while nothing has imported it, nobody can have switched a DEBUG log on.
    """
    global _log
    if _log is None:
        logging = sys.modules.get("logging")
        if logging is None:
            return False
        _log = logging.getLogger(__name__)
    return bool(_log.isEnabledFor(10))  # logging.DEBUG


def __getattr__(name: str) -> Any:
    """``smtplab.transcript.log``: the module's logger (created on first use)."""
    if name == "log":
        import logging

        return logging.getLogger(__name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MASK = "●●●●●●●●"
"""What a hidden secret looks like in every rendering but :meth:`Transcript.reveal`."""

PHASES: tuple[str, ...] = (
    "greeting",
    "ehlo",
    "tls",
    "auth",
    "envelope",
    "data",
    "message",
    "quit",
    "other",
)
"""The phases of a session, in the order a session usually goes through them."""

DEFAULT_WIDTH = 112
"""The default width of the text rendering (the annotation column starts at half of it)."""

_MIN_SCRUB = 6
"""Secrets at least this long are also scrubbed from any other line that repeats them."""

_HTML_BODY_CAP = 200
"""At most this many body lines go into the folded ``<details>`` of the HTML view."""

_HEADER_CAP = 200
"""At most this many header lines are shown before they are folded too."""


# --------------------------------------------------------------------------- values


class Secret:
    """The bytes of a line that carries a password, token or digest, kept out of sight.

    ``str()`` and ``repr()`` show a mask; ``bytes(secret)`` fails; pickling fails. Only
    :meth:`reveal` returns the bytes: call it on purpose, never to log or print.
    """

    __slots__ = ("_kind", "_note", "_value")

    def __init__(self, value: bytes, kind: str = "password", note: str = "") -> None:
        self._value = value
        self._kind = kind
        self._note = note

    @property
    def kind(self) -> str:
        """What is hidden: ``"password"``, ``"token"``, ``"digest"`` or ``"secret"``."""
        return self._kind

    def reveal(self) -> bytes:
        """The hidden bytes, exactly as they were sent. For your own eyes only."""
        return self._value

    def __repr__(self) -> str:
        return f"<Secret: {MASK} ({self._kind} hidden)>"

    def __str__(self) -> str:
        return f"{MASK} ({self._kind} hidden)"

    def __reduce__(self) -> Any:
        raise TypeError("a Secret is not pickled: its bytes would be written out in clear")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


@dataclass(frozen=True)
class TLSInfo:
    """What the driver learnt when TLS started: version, cipher, certificate check."""

    version: str
    cipher: str
    verified: bool
    server_name: str | None = None
    issuer: str | None = None

    @property
    def band(self) -> str:
        """The one line that marks the TLS moment in a transcript."""
        version = _tls_version(self.version)
        if self.verified:
            who = f"certificate for {self.server_name}" if self.server_name else "certificate"
            issuer = f" (issuer: {self.issuer})" if self.issuer else ""
            check = f"{who} verified{issuer}"
        else:
            check = (
                "⚠ CERTIFICATE NOT VERIFIED: verification was OFF, "
                "anyone in the middle could be reading"
            )
        return f"══ {version} · {self.cipher} · {check} ══"


@dataclass(frozen=True, repr=False)
class Entry:
    """One thing in a transcript: a command, a reply, the message, TLS starting, a note.

    ``direction`` is ``"C"`` (client), ``"S"`` (server), ``"TLS"`` or ``"NOTE"``.
    ``raw`` is the exact bytes (a reply's lines with their CRLF, a command line, the whole
    dot-stuffed message); for a secret entry it is a :class:`Secret`, so the bytes cannot
    be printed or logged by accident. ``annotation`` is the one-line explanation;
    ``line_notes`` explains each line of a multi-line reply. ``shown`` is the part of a
    secret line that may be shown (``"AUTH PLAIN "``).
    """

    direction: str
    raw: bytes | Secret
    time: float
    tls: bool
    phase: str
    annotation: str = ""
    secret: bool = False
    line_notes: tuple[str, ...] = ()
    shown: str = ""
    is_message: bool = False
    reply: Reply | None = None
    tls_info: TLSInfo | None = None

    def summary(self, width: int = 72) -> str:
        """The entry in one short, masked line (for diagrams, timelines and reprs)."""
        if self.direction == "NOTE":
            text = "# " + _as_text(self.raw)
        elif self.direction == "TLS":
            text = self.tls_info.band if self.tls_info else _as_text(self.raw)
        elif self.is_message and isinstance(self.raw, bytes):
            text = f"message ({_message_line_count(self.raw)} lines) + ."
        elif isinstance(self.raw, Secret):
            text = f"{self.shown}{MASK} ({self.raw.kind} hidden)"
        else:
            lines = _split_lines(self.raw)
            text = _display(lines[0]) if lines else ""
            if len(lines) > 1:
                more = len(lines) - 1
                text = f"{_shorten(text, max(12, width - 14))} (+{more} line{'s' * (more > 1)})"
        return _shorten(text, width)

    def __repr__(self) -> str:
        if isinstance(self.raw, Secret):
            raw = f"<secret: {self.shown}{MASK} ({self.raw.kind} hidden)>"
        elif self.is_message:
            raw = f"<message: {len(self.raw)} bytes, {_message_line_count(self.raw)} lines + .>"
        else:
            raw = repr(self.raw) if len(self.raw) <= 120 else repr(self.raw[:117]) + "…"
        return (
            f"Entry({self.direction!r}, {raw}, phase={self.phase!r}, tls={self.tls}, "
            f"time={self.time:.6f}, annotation={self.annotation!r})"
        )


class Rendering(str):
    """A rendering of a transcript: a ``str`` that a notebook shows as text, not as a repr."""

    __slots__ = ()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


@dataclass(frozen=True)
class Diagram:
    """A session drawn as a sequence diagram: ``.svg`` text, shown inline by notebooks."""

    svg: str
    arrows: int
    width: int
    height: int

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str | Path) -> Path:
        """Write the SVG to ``path`` (UTF-8) and return the path."""
        target = Path(path)
        target.write_text(self.svg, encoding="utf-8")
        return target

    def __repr__(self) -> str:
        return f"<Diagram: {self.arrows} arrows, {self.width}×{self.height} px>"


# ------------------------------------------------------------------ the transcript


_SENT, _RECEIVED, _TLS, _NOTE = range(4)
"""The kinds of raw record a transcript keeps until it is read (see Transcript._flush)."""

_RawRecord = tuple[int, Any, float, bool, Any]
"""``(kind, payload, time, tls, extra)``: ``payload`` is the bytes sent (a Secret when the
driver flagged them), the Reply, the TLSInfo or the note's text; ``extra`` is
``is_message`` for bytes sent and the transcript's provider for a reply."""


# The annotations' small working values are plain classes with __slots__, not dataclasses:
# a dataclass costs about a millisecond of ``import smtplab`` to make, and these need
# nothing a dataclass adds.


class _Pending:
    """A command waiting for its reply (several may wait: PIPELINING, RFC 2920)."""

    __slots__ = ("arg", "phase", "verb")

    def __init__(self, verb: str, phase: str, arg: str = "") -> None:
        self.verb = verb
        self.phase = phase
        self.arg = arg


class _AuthState:
    """An AUTH exchange in progress: from the AUTH command to its final reply."""

    __slots__ = ("mechanism", "prompt", "user_given")

    def __init__(self, mechanism: str, user_given: bool = False, prompt: str | None = None) -> None:
        self.mechanism = mechanism
        self.user_given = user_given
        self.prompt = prompt


class _EhloMemory:
    """The extension lines of the last EHLO reply, and whether it came inside TLS."""

    __slots__ = ("keywords", "lines", "tls")

    def __init__(self, lines: frozenset[str], keywords: frozenset[str], tls: bool) -> None:
        self.lines = lines
        self.keywords = keywords
        self.tls = tls


class _Row:
    """One line of a rendering before layout."""

    __slots__ = ("body", "failure", "kind", "loud", "more", "note", "secret", "text", "time")

    def __init__(
        self,
        kind: str,  # "C", "S", "band", "note", "fold"
        text: str,
        note: str = "",
        secret: bool = False,
        time: float | None = None,
        failure: bool = False,
        loud: bool = False,
        body: list[_Row] | None = None,
        more: int = 0,
    ) -> None:
        self.kind = kind
        self.text = text
        self.note = note
        self.secret = secret
        self.time = time
        self.failure = failure
        self.loud = loud
        self.body = body
        self.more = more


class Transcript:
    """The annotated record of one SMTP session.

    A driver calls :meth:`record_sent`, :meth:`record_received`, :meth:`record_tls` and
    :meth:`record_note`; a learner reads ``print(t)``, ``t`` in a notebook (HTML),
    :meth:`dialogue` (the bare lines, to copy), :meth:`show_body`, :meth:`diagram` and
    :meth:`timeline`. Secrets are hidden everywhere except in :meth:`reveal`.
    """

    def __init__(self, provider: str | None = None) -> None:
        self._listeners: list[Callable[[Entry], None]] = []
        self.provider = provider
        """The provider (key, alias or host: ``"qq"``, ``"smtp.gmail.com"``) whose known
        failures the annotations explain; see :mod:`smtplab.providers`."""
        self._entries: list[Entry] = []
        # Recorded but not yet annotated: (kind, payload, time, tls, extra) per call of a
        # record method, replayed in order by _flush() when anything reads the transcript.
        self._raw: deque[_RawRecord] = deque()
        self._replaying = False
        self._logging = False
        self._reset_context()

    def _reset_context(self) -> None:
        self._recording_tls = False  # the default ``tls`` of what is recorded from now on
        # What the annotations need to know, as of the record being replayed:
        self._typing_message = False  # after 354, lines sent one by one are the message
        self._pending: deque[_Pending] = deque([_Pending("GREETING", "greeting")])
        self._auth: _AuthState | None = None
        self._secrets: set[str] = set()
        self._tls_on = False
        self._ehlo: _EhloMemory | None = None
        self._ehlo_count = 0
        self._tls_since_ehlo = False
        self._taught: set[str] = set()

    # ----------------------------------------------------------------- recording
    #
    # Recording is cheap: each record_* call appends a small raw record (the bytes or the
    # Reply, the time, whether TLS was on) and returns. The annotations (phase, RFC notes,
    # secret detection, explanations) are worked out from those records, in order, the
    # first time anything reads the transcript (_flush), and then kept. A listener
    # (subscribe) gets every entry as it is recorded: while there is one, each record is
    # annotated at once. A line the driver flags secret is a Secret from the start.
    # Reading annotates, so record and read from one thread at a time, or read from the
    # recording thread (a listener runs there).

    def record_sent(
        self,
        raw: bytes,
        *,
        secret: bool = False,
        tls: bool | None = None,
        time: float | None = None,
        is_message: bool = False,
    ) -> Entry:
        """Record what the client sent: one command line (with its CRLF), or the message.

        With ``is_message=True``, ``raw`` is the whole DATA payload, already dot-stuffed
        and ending with ``".\\r\\n"``; the bytes object is kept as given (never copied).
        ``secret=True`` hides the line; lines carrying a password or token are hidden
        anyway. Several command lines in one call (a pipelined batch) become several
        entries; the last is returned. ``tls`` defaults to whether TLS has started;
        ``time`` defaults to ``time.monotonic()``.
        """
        if not isinstance(raw, bytes):
            raw = bytes(raw)
        self._sent(
            raw,
            secret,
            is_message,
            _time.monotonic() if time is None else time,
            self._recording_tls if tls is None else tls,
        )
        self._flush()
        return self._entries[-1]

    def record_received(
        self, reply: Reply, *, tls: bool | None = None, time: float | None = None
    ) -> Entry:
        """Record one complete reply from the server (all of its lines)."""
        self._received(
            reply,
            _time.monotonic() if time is None else time,
            self._recording_tls if tls is None else tls,
        )
        self._flush()
        return self._entries[-1]

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
        """Record the moment TLS started (after STARTTLS's 220, or first with implicit TLS).

        ``verified=False`` says loudly that the certificate was not checked.
        """
        info = TLSInfo(version, cipher, verified, server_name, issuer)
        self._recording_tls = True
        when = _time.monotonic() if time is None else time
        self._record((_TLS, info, when, True, None))
        self._flush()
        return self._entries[-1]

    def record_note(self, text: str, *, time: float | None = None) -> Entry:
        """Record a line of commentary from the driver (not part of the dialogue)."""
        when = _time.monotonic() if time is None else time
        self._record((_NOTE, text, when, self._recording_tls, None))
        self._flush()
        return self._entries[-1]

    def clear(self) -> None:
        """Forget every entry (and every secret): start a new session."""
        self._raw.clear()
        self._entries.clear()
        self._reset_context()

    # The drivers' fast path: record without building an Entry (nothing is returned).

    def _sent(
        self,
        raw: bytes,
        secret: bool = False,
        is_message: bool = False,
        when: float | None = None,
        tls: bool | None = None,
    ) -> None:
        """Record sent bytes (see :meth:`record_sent`) and return at once."""
        record = (
            _SENT,
            Secret(raw) if secret else raw,  # flagged: never held in clear, even here
            _time.monotonic() if when is None else when,
            self._recording_tls if tls is None else tls,
            is_message,
        )
        if self._listeners or ("logging" in sys.modules and _debugging()):
            self._record(record)
        else:
            self._raw.append(record)

    def _received(self, reply: Reply, when: float | None = None, tls: bool | None = None) -> None:
        """Record a reply (see :meth:`record_received`) and return at once."""
        record = (
            _RECEIVED,
            reply,
            _time.monotonic() if when is None else when,
            self._recording_tls if tls is None else tls,
            self.provider,
        )
        if self._listeners or ("logging" in sys.modules and _debugging()):
            self._record(record)
        else:
            self._raw.append(record)

    def _record(self, record: _RawRecord) -> None:
        """Keep ``record``; annotate it at once for a listener or a DEBUG log."""
        if not (self._listeners or _debugging()):
            self._raw.append(record)
            return
        self._flush()  # records kept before, when nobody listened: not logged now either
        self._raw.append(record)
        self._flush(log=True)

    def _flush(self, *, log: bool = False) -> None:
        """Annotate every record not annotated yet, in order (see "recording" above).

        ``log``: the records are being recorded right now, so the entries go to the
        DEBUG log as well (as they always did when the log was on while recording).
        """
        raw = self._raw
        if not raw or self._replaying:
            return
        self._replaying = True
        self._logging = log
        try:
            while raw:
                self._replay(*raw.popleft())
        finally:
            self._replaying = False
            self._logging = False

    def _replay(self, kind: int, payload: Any, when: float, on: bool, extra: Any) -> None:
        """Turn one raw record into entries, exactly as if it were annotated when recorded."""
        if kind == _RECEIVED:
            self._add(self._reply_entry(payload, when, on, extra))
        elif kind == _SENT:
            if extra:  # is_message
                self._add(self._message_entry(payload, when, on))
                return
            flagged = isinstance(payload, Secret)
            data = payload.reveal() if flagged else payload
            for line in _split_lines(data, keep_ends=True) or [data]:
                self._add(self._command_entry(line, flagged, when, on))
        elif kind == _TLS:
            self._add(self._tls_entry(payload, when))
        else:
            text = self._scrub(" ".join(payload.splitlines()))
            phase = self._entries[-1].phase if self._entries else "other"
            self._add(Entry("NOTE", text.encode("utf-8"), when, on, phase))

    def _tls_entry(self, info: TLSInfo, when: float) -> Entry:
        self._tls_on = True
        self._tls_since_ehlo = self._ehlo is not None
        self._auth = None
        implicit = not any(entry.direction in ("C", "S") for entry in self._entries)
        if info.verified:
            note = "from here on, everything is encrypted · " + (
                "implicit TLS, RFC 8314" if implicit else "STARTTLS, RFC 3207"
            )
        else:
            note = (
                "encrypted, but the certificate was NOT checked: "
                "turn verification on (it is on by default)"
            )
        return Entry("TLS", info.band.encode("utf-8"), when, True, "tls", note, tls_info=info)

    def _add(self, entry: Entry) -> Entry:
        self._entries.append(entry)
        if self._logging and _debugging():
            _log.debug("%s: %s", entry.direction, self._scrub(entry.summary(100)))
        for listener in tuple(self._listeners):
            listener(entry)
        return entry

    def subscribe(self, listener: Callable[[Entry], None]) -> Callable[[], None]:
        """Call ``listener(entry)`` for every entry recorded from now on; returns an
        ``unsubscribe()`` function.

        The listener runs on the thread that records (the client's). A view that shows
        the dialogue live should hand each entry over to its own thread (for a notebook,
        the kernel's event loop) rather than update the page from here. Entries are
        masked as everywhere else: a listener never sees a secret unless it calls
        ``Secret.reveal()``.
        """
        self._flush()  # what was recorded before is not "from now on"
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    # ----------------------------------------------------------------- reading

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The entries in order, as a tuple (a snapshot)."""
        self._flush()
        return tuple(self._entries)

    def __len__(self) -> int:
        self._flush()
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        self._flush()
        return iter(tuple(self._entries))

    def __getitem__(self, index: int) -> Entry:
        self._flush()
        return self._entries[index]

    @property
    def tls_info(self) -> TLSInfo | None:
        """What :meth:`record_tls` recorded, or None if TLS never started."""
        self._flush()
        for entry in self._entries:
            if entry.tls_info is not None:
                return entry.tls_info
        return None

    @property
    def messages(self) -> tuple[Entry, ...]:
        """The entries that hold a message (the bytes after DATA)."""
        self._flush()
        return tuple(e for e in self._entries if e.is_message)

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
        rows = self._rows(reveal=False, body_lines=body_lines, details=False)
        return Rendering(self._scrub(_layout(rows, annotate, width, times, self._t0())))

    def __str__(self) -> str:
        return str(self.text())

    def show_body(self, annotate: bool = True, width: int = DEFAULT_WIDTH) -> Rendering:
        """The text rendering with every message shown whole (no folding)."""
        return self.text(annotate, width, body_lines=None)

    def dialogue(self, *, body_lines: int | None = None) -> Rendering:
        """Only the ``C:`` and ``S:`` lines, exactly as sent, without annotations.

        Secrets stay hidden. Messages are shown whole unless ``body_lines`` is given.
        """
        rows = self._rows(reveal=False, body_lines=body_lines, details=False)
        out: list[str] = []
        for row in rows:
            if row.kind in ("C", "S"):
                out.append(f"{row.kind}: {row.text}")
            elif row.kind == "fold":
                out.append(f"C: {row.text}")
        return Rendering(self._scrub("\n".join(out)))

    def reveal(
        self, annotate: bool = True, width: int = DEFAULT_WIDTH, *, body_lines: int | None = 3
    ) -> Rendering:
        """The text rendering WITH the secrets shown: for your own eyes only.

        Base64 is not encryption: this shows what anyone on the wire would see without
        TLS. Do not paste it anywhere, and clear the cell's output before you save or
        share a notebook (the output is stored in the file).
        """
        rows = self._rows(reveal=True, body_lines=body_lines, details=False)
        return Rendering(_layout(rows, annotate, width, False, self._t0()))

    def timeline(self) -> list[tuple[float, str, str, str]]:
        """``(seconds since the first entry, direction, phase, masked summary)`` per entry."""
        self._flush()
        t0 = self._t0()
        return [
            (e.time - t0, e.direction, e.phase, self._scrub(e.summary())) for e in self._entries
        ]

    def __repr__(self) -> str:
        rows = self._rows(reveal=False, body_lines=3, details=False)
        tls_line = 0
        number = 0
        for row in rows:
            number += 1
            if row.kind == "band" and not tls_line:
                tls_line = number
        info = self.tls_info
        if info is None:
            tls = "no TLS"
        elif info.verified:
            tls = f"TLS from line {tls_line}"
        else:
            tls = f"TLS (certificate NOT verified) from line {tls_line}"
        count = len(self.messages)
        messages = f"{count} message{'s' * (count != 1)}"
        secrets = "secrets hidden" if any(e.secret for e in self._entries) else "no secrets"
        return f"<Transcript: {number} lines, {tls}, {messages}, {secrets}>"

    def _repr_html_(self) -> str:
        rows = self._rows(reveal=False, body_lines=3, details=True)
        return self._scrub(_html(rows), html_too=True)

    def diagram(self) -> Diagram:
        """The session as a sequence diagram (SVG): client and server lanes, one arrow a line.

        Secrets are hidden; a multi-line reply is one arrow; the message is one arrow.
        """
        self._flush()
        svg, arrows, width, height = _diagram(self._entries, self._scrub)
        return Diagram(self._scrub(svg, html_too=True), arrows, width, height)

    # ----------------------------------------------------------------- internals

    def _t0(self) -> float:
        return self._entries[0].time if self._entries else 0.0

    def _scrub(self, text: str, *, html_too: bool = False) -> str:
        """Replace every known secret (the safety net behind the masking) by the mask.

        The secrets are those of the entries annotated so far: every rendering calls
        :meth:`_flush` first (``_rows``, ``diagram``, ``timeline``).
        """
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
            if html_too:
                escaped = _escape(secret)
                if escaped in text:
                    text = text.replace(escaped, MASK)
        return text

    def _remember(self, *values: str | None) -> None:
        for value in values:
            if value and len(value) >= _MIN_SCRUB:
                self._secrets.add(value)
                self._secrets.add(_visible(value))  # as the renderings show it (NUL as ␀)
                self._secrets.add(base64.b64encode(value.encode("utf-8")).decode("ascii"))

    def _carries_known_secret(self, data: bytes) -> bool:
        if not self._secrets:
            return False
        text = decode_reply_text(data)
        return any(secret in text for secret in self._secrets)

    # -- commands

    def _command_entry(self, line: bytes, flagged: bool, when: float, on: bool) -> Entry:
        text = _display(line)
        if self._typing_message:
            return self._typed_message_line(line, text, when, on)
        if self._auth is not None:
            return self._auth_response_entry(line, text, flagged, when, on)
        verb, _, rest = text.partition(" ")
        verb = verb.upper()
        phase = _COMMAND_PHASE.get(verb, "other")
        shown, kind, note, reveal_note = "", "", "", ""
        if verb == "AUTH":
            annotation, shown, kind, note, reveal_note = self._auth_command(text, rest)
        else:
            annotation = self._command_note(verb, rest)
        waiting = self._pending[-1].verb if self._pending else ""
        if waiting == "GREETING":
            annotation += "; sent before the greeting: too early (§3.1)"
        elif waiting:
            annotation += f"; pipelined: sent before the reply to {waiting} · RFC 2920"
        self._pending.append(_Pending(verb, "auth" if verb == "AUTH" else phase, rest))
        annotation = _with_line_end_note(annotation, line)
        if not kind and (flagged or self._carries_known_secret(line)):
            kind = "password" if flagged else "secret"
            note = "hidden: this line was marked secret"
            if not flagged:
                note = "hidden: this line repeats a secret"
            reveal_note = note
            if flagged:
                self._remember(text, b64decode_text(text))
        if kind:
            return Entry(
                "C",
                Secret(line, kind, reveal_note),
                when,
                on,
                phase,
                note or annotation,
                secret=True,
                shown=shown,
            )
        return Entry("C", line, when, on, phase, annotation)

    def _command_note(self, verb: str, rest: str) -> str:
        if verb in ("EHLO", "HELO", "LHLO"):
            self._ehlo_count += 1
            if self._ehlo_count > 1 and self._tls_since_ehlo:
                return "again: TLS reset the session · RFC 3207 §4.2"
            if self._ehlo_count > 1:
                return "say hello again: this resets the session · §4.1.4"
            return _COMMAND_NOTE[verb]
        if verb == "MAIL":
            return _envelope_note(rest, "FROM")
        if verb == "RCPT":
            return _envelope_note(rest, "TO")
        if verb == "BDAT":
            return f"a chunk of the message follows ({rest.strip() or '?'}) · RFC 3030"
        if verb in _COMMAND_NOTE:
            return _COMMAND_NOTE[verb]
        return "not an SMTP command this kit knows"

    def _auth_command(self, text: str, rest: str) -> tuple[str, str, str, str, str]:
        """(annotation, shown, secret kind, masked note, revealed note) for an AUTH line."""
        parts = rest.split()
        mechanism = parts[0].upper() if parts else ""
        self._auth = _AuthState(mechanism or "?")
        if not mechanism:
            return "AUTH needs a mechanism name · RFC 4954", "", "", "", ""
        if len(parts) < 2:
            return f"log in, mechanism {mechanism} · RFC 4954", "", "", "", ""
        initial = parts[1]
        match = re.match(r"(?is)^(\s*\S+\s+\S+\s+)", text)
        shown = match[1] if match else ""
        if initial == "=":
            return f"log in with {mechanism}, empty initial response · RFC 4954", "", "", "", ""
        if mechanism == "LOGIN":
            self._auth.user_given = True
            user = b64decode_text(initial)
            if user is None:
                return "log in with LOGIN, user name at once (not base64?)", "", "", "", ""
            return (
                f'log in with LOGIN, user name at once: base64 of "{_visible(user)}"',
                "",
                "",
                "",
                "",
            )
        if mechanism in ("EXTERNAL", "ANONYMOUS"):
            decoded = b64decode_text(initial)
            what = f'base64 of "{_visible(decoded)}"' if decoded is not None else "not base64"
            return f"log in with {mechanism}: {what} · RFC 4422", "", "", "", ""
        kind, note, reveal_note = self._secret_response(mechanism, initial)
        lead = f"log in with {mechanism} at once: "
        return lead + note, shown, kind, lead + note, lead + reveal_note

    def _auth_response_entry(
        self, line: bytes, text: str, flagged: bool, when: float, on: bool
    ) -> Entry:
        state = self._auth
        assert state is not None
        self._pending.append(_Pending("AUTH-RESPONSE", "auth"))
        answer = text.strip()
        prompt, state.prompt = state.prompt, None
        if answer == "*" and not flagged:
            note = "* cancels the AUTH exchange · RFC 4954 §4"
            return Entry("C", line, when, on, "auth", _with_line_end_note(note, line))
        if answer == "" and not flagged:
            note = "an empty answer" + (
                " (XOAUTH2: acknowledges the error)" if state.mechanism == "XOAUTH2" else ""
            )
            return Entry("C", line, when, on, "auth", _with_line_end_note(note, line))
        if (
            state.mechanism == "LOGIN"
            and not state.user_given
            and not _is_password_prompt(prompt)
            and not flagged
            and not self._carries_known_secret(line)
        ):
            state.user_given = True
            user = b64decode_text(answer)
            note = f'base64 of "{_visible(user)}"' if user is not None else "not base64 (?)"
            return Entry("C", line, when, on, "auth", _with_line_end_note(note, line))
        kind, note, reveal_note = self._secret_response(state.mechanism, answer)
        return Entry(
            "C",
            Secret(line, kind, reveal_note),
            when,
            on,
            "auth",
            note,
            secret=True,
        )

    def _secret_response(self, mechanism: str, blob: str) -> tuple[str, str, str]:
        """(kind, masked note, revealed note) for a secret AUTH answer; remembers secrets."""
        self._remember(blob)
        decoded = b64decode_text(blob)
        revealed = (
            f'base64 of "{_visible(decoded)}"' if decoded is not None else "(not base64 of text)"
        )
        if mechanism == "PLAIN":
            fields = decoded.split("\0") if decoded is not None else []
            if len(fields) == 3:
                self._remember(fields[2])
                authzid = _visible(fields[0])
                note = f'base64 of "{authzid}␀{_visible(fields[1])}␀" + the password · RFC 4616'
                return "password", note, revealed
            self._remember(decoded)
            return "password", "base64 of the user name and password · RFC 4616", revealed
        if mechanism in ("XOAUTH2", "OAUTHBEARER"):
            user = ""
            if decoded is not None:
                found = re.search(r"(?:user=|a=)([^\x01,]*)", decoded)
                token = re.search(r"auth=Bearer ([^\x01]*)", decoded)
                user = found[1] if found else ""
                self._remember(token[1] if token else decoded)
            who = f'user "{_visible(user)}" + ' if user else ""
            return "token", f"base64 of {who}an OAuth 2.0 access token", revealed
        if mechanism == "CRAM-MD5":
            user, _, digest = (decoded or "").rpartition(" ")
            self._remember(digest if user else decoded)
            who = f'"{_visible(user)} ' if user else '"'
            note = f'base64 of {who}<digest hidden>": HMAC-MD5 of the challenge · RFC 2195'
            return "digest", note, revealed
        self._remember(decoded)
        if mechanism == "LOGIN":
            return "password", "base64 of the password", revealed
        return "secret", f"{mechanism} answer (may carry a secret)", revealed

    def _typed_message_line(self, line: bytes, text: str, when: float, on: bool) -> Entry:
        """A line of the message sent on its own after 354 (as in a telnet session)."""
        if line.rstrip(b"\r\n") == b".":
            self._typing_message = False
            self._pending.append(_Pending("MESSAGE", "message"))
            note = "a line with one dot ends the message · §4.1.1.4"
        elif not line.rstrip(b"\r\n"):
            note = "a line of the message (an empty one: between headers and body, the first)"
        elif line.startswith(b".."):
            note = "a line of the message; the server removes the first dot (dot-stuffing §4.5.2)"
        else:
            note = "a line of the message, sent by hand"
        if not line.endswith(b"\r\n") and line.endswith((b"\n", b"\r")):
            note += "; NOT ended by CRLF"
        return Entry("C", line, when, on, "message", note)

    def _message_entry(self, raw: bytes, when: float, on: bool) -> Entry:
        self._typing_message = False
        self._pending.append(_Pending("MESSAGE", "message"))
        lines = _message_line_count(raw)
        ending = "ends with a lone dot" if _ends_ok(raw) else "does NOT end with CRLF.CRLF"
        note = f"the message: {lines} lines, {_size(len(raw))}; {ending} · §4.1.1.4"
        return Entry("C", raw, when, on, "message", note, is_message=True)

    # -- replies

    def _reply_entry(
        self, reply: Reply, when: float, on: bool, provider: str | None = None
    ) -> Entry:
        pending = self._pending.popleft() if self._pending else _Pending("?", "other")
        raw = reply.raw or "".join(f"{line}\r\n" for line in str(reply).split("\n")).encode()
        texts = [_display(line) for line in _split_lines(raw)] or [str(reply)]
        phase = pending.phase
        if pending.verb in ("AUTH", "AUTH-RESPONSE") or reply.code == 334:
            phase = "auth"
        if reply.code == 334:
            if self._auth is None:
                self._auth = _AuthState("?")
            mechanism = self._auth.mechanism
            notes = [self._challenge_note(reply, mechanism)]
        elif pending.verb in ("EHLO", "LHLO") and reply.is_success and len(texts) > 1:
            notes = self._ehlo_notes(reply, texts)
        else:
            notes = [self._reply_note(pending, reply, provider)]
            if len(texts) > 1:
                notes = self._multiline_notes(reply, texts, notes[0])
        if pending.verb in ("AUTH", "AUTH-RESPONSE") and reply.code != 334:
            self._auth = None
        if pending.verb == "DATA" and reply.code == 354:
            self._typing_message = True
        if pending.verb in ("EHLO", "HELO", "LHLO") and reply.is_success:
            self._remember_ehlo(texts)
        annotation = notes[0]
        if self._carries_known_secret(raw):
            scrubbed = tuple(self._scrub(line) for line in reply.lines)
            safe = Reply(reply.code, scrubbed, "".join(f"{t}\r\n" for t in scrubbed).encode())
            return Entry(
                "S",
                Secret(raw, "secret", annotation),
                when,
                on,
                phase,
                "this reply repeats a secret: hidden",
                secret=True,
                reply=safe,
                shown=self._scrub(texts[0]) + " ",
            )
        line_notes = tuple(notes) if len(texts) > 1 else ()
        return Entry("S", raw, when, on, phase, annotation, line_notes=line_notes, reply=reply)

    def _challenge_note(self, reply: Reply, mechanism: str) -> str:
        assert self._auth is not None
        challenge = reply.text.strip()
        if not challenge:
            self._auth.prompt = ""
            return "an empty challenge: send your answer now (base64)"
        decoded = b64decode_text(challenge)
        self._auth.prompt = decoded
        if decoded is None:
            return "334: go on with AUTH (this text is not base64 of text)"
        note = f'base64 of "{_visible(_shorten(decoded, 60))}"'
        if mechanism == "CRAM-MD5":
            return note + ": the challenge to sign · RFC 2195"
        if mechanism == "XOAUTH2" and decoded.lstrip().startswith("{"):
            return note + ": the token was refused; answer with an empty line"
        return note

    def _reply_note(self, pending: _Pending, reply: Reply, provider: str | None) -> str:
        code, verb = reply.code, pending.verb
        if verb == "GREETING":
            what = {
                2: "ready",
                4: "not available now, try later",
                5: "the server refuses this connection",
            }.get(reply.klass, _meaning(code))
            return f"greeting: {what} ({reply.klass}xx) · RFC 5321 §3.1"
        if reply.is_success:
            if verb == "EHLO":
                return "hello: no extensions offered"
            if verb in ("AUTH", "AUTH-RESPONSE") and code == 235:
                status = reply.enhanced
                detail = f" ({_short_enhanced(status)})" if status else ""
                return f"logged in{detail}"
            note = _SUCCESS_NOTE.get(verb)
            if note:
                return note
            return _meaning(code)
        if verb == "DATA" and code == 354:
            return "3xx: go on: send the message, end it with a lone dot"
        if reply.is_intermediate:
            return f"{code}: {_meaning(code)}"
        return _failure_note(verb, reply, provider)

    def _multiline_notes(self, reply: Reply, texts: list[str], first: str) -> list[str]:
        notes = [f"one reply, {_number(len(texts))} lines: {first}"]
        notes.extend("" for _ in texts[1:])
        if "multiline" not in self._taught:
            self._taught.add("multiline")
            notes[0] = f'one reply, {_number(len(texts))} lines ("{reply.code}-" = more follows): '
            notes[0] += first
            notes[-1] = f'"{reply.code} " = last line'
        return notes

    def _ehlo_notes(self, reply: Reply, texts: list[str]) -> list[str]:
        count = _number(len(texts))
        extensions = [t[4:] for t in texts[1:]]
        memory = self._ehlo
        notes: list[str] = []
        teach = "multiline" not in self._taught
        self._taught.add("multiline")
        if teach:
            notes.append(f'one reply, {count} lines: "{reply.code}-" = more follows')
        elif memory is None:
            notes.append(f"one reply, {count} lines: the server's name, then its extensions")
        else:
            first = f"one reply, {count} lines: the extensions again"
            keywords = {_keyword(e) for e in extensions}
            gone = sorted(memory.keywords - keywords)
            if gone:
                first += f"; {', '.join(gone)} no longer offered"
            notes.append(first)
        for extension in extensions:
            if memory is not None and extension.upper() in memory.lines:
                notes.append("")
                continue
            keyword, _, params = extension.partition(" ")
            if "=" in keyword and keyword.upper().startswith("AUTH="):
                keyword, params = "AUTH=", keyword[5:] + " " + params
            note = describe_extension(keyword, params.strip())
            if memory is not None:
                if keyword.upper() == "AUTH" and self._tls_on and not memory.tls:
                    note = f"{note}; offered only now, inside TLS"
                else:
                    note = f"{note}; new"
            notes.append(note)
        if teach:
            last = f'"{reply.code} " = last line'
            notes[-1] = f"{last}; {notes[-1]}" if notes[-1] else last
        return notes

    def _remember_ehlo(self, texts: list[str]) -> None:
        extensions = [t[4:] for t in texts[1:]]
        self._ehlo = _EhloMemory(
            frozenset(e.upper() for e in extensions),
            frozenset(_keyword(e) for e in extensions),
            self._tls_on,
        )
        self._tls_since_ehlo = False

    # -- rows (the common ground of every rendering)

    def _rows(self, *, reveal: bool, body_lines: int | None, details: bool) -> list[_Row]:
        self._flush()  # every rendering starts here, before it scrubs with self._secrets
        rows: list[_Row] = []
        for entry in self._entries:
            rows.extend(_entry_rows(entry, reveal, body_lines, details))
        return rows


# --------------------------------------------------------------------- annotations

_COMMAND_PHASE = {
    "EHLO": "ehlo",
    "HELO": "ehlo",
    "LHLO": "ehlo",
    "STARTTLS": "tls",
    "AUTH": "auth",
    "MAIL": "envelope",
    "RCPT": "envelope",
    "DATA": "data",
    "BDAT": "data",
    "QUIT": "quit",
}

_COMMAND_NOTE = {
    "EHLO": "say who you are, ask for extensions · §4.1.1.1",
    "HELO": "say who you are (HELO: the old form, no extensions) · §4.1.1.1",
    "LHLO": "LMTP's hello · RFC 2033",
    "STARTTLS": "ask to encrypt the connection · RFC 3207",
    "DATA": "the message follows · §4.1.1.4",
    "RSET": "start over: forget the current transaction · §4.1.1.5",
    "VRFY": "ask whether a user exists · §4.1.1.6",
    "EXPN": "ask for a mailing list's members · §4.1.1.7",
    "HELP": "ask for help · §4.1.1.8",
    "NOOP": "do nothing (is the server still there?) · §4.1.1.9",
    "QUIT": "say goodbye · §4.1.1.10",
}

_SUCCESS_NOTE = {
    "STARTTLS": "go ahead: the TLS handshake starts now",
    "HELO": "hello (HELO: no extensions)",
    "MAIL": "sender accepted",
    "RCPT": "recipient accepted",
    "MESSAGE": "accepted: the server now owns the message",
    "BDAT": "chunk accepted",
    "RSET": "transaction forgotten",
    "NOOP": "still here",
    "QUIT": "goodbye: the server closes the connection",
}

_PARAM_NOTES = {
    "BODY=8BITMIME": "BODY=8BITMIME: the body has 8-bit bytes · RFC 6152",
    "BODY=7BIT": "BODY=7BIT: the body is plain ASCII · RFC 6152",
    "BODY=BINARYMIME": "BODY=BINARYMIME: a binary body, sent with BDAT · RFC 3030",
    "SMTPUTF8": "SMTPUTF8: UTF-8 in addresses and headers · RFC 6531",
    "REQUIRETLS": "REQUIRETLS: TLS all the way, or no delivery · RFC 8689",
    "RET": "RET: what a bounce carries back · RFC 3461",
    "ENVID": "ENVID: an id for delivery reports · RFC 3461",
    "NOTIFY": "NOTIFY: when to send delivery reports · RFC 3461",
    "ORCPT": "ORCPT: the original recipient · RFC 3461",
    "AUTH": "AUTH=: who submitted the message · RFC 4954 §5",
    "MT-PRIORITY": "MT-PRIORITY: a priority · RFC 6710",
}

_FAILURE_NOTE: dict[tuple[str, int], str] = {
    ("AUTH", 535): "wrong user name or password",
    ("AUTH-RESPONSE", 535): "wrong user name or password",
    ("AUTH", 534): "mechanism too weak for this server (an app password may be needed)",
    ("AUTH-RESPONSE", 534): "mechanism too weak for this server (an app password may be needed)",
    ("AUTH", 538): "this mechanism needs TLS: STARTTLS first",
    ("AUTH-RESPONSE", 501): "AUTH cancelled, or the answer was not valid base64",
    ("AUTH", 504): "the server does not know this mechanism",
    ("AUTH", 503): "already logged in, or AUTH is not allowed now",
    ("AUTH", 530): "STARTTLS first: no login before encryption",
    ("EHLO", 500): "this server does not know EHLO: try HELO",
    ("EHLO", 502): "this server does not know EHLO: try HELO",
    ("STARTTLS", 454): "TLS is not available right now",
    ("STARTTLS", 502): "this server does not offer STARTTLS",
    ("MAIL", 530): "log in (AUTH) first, or STARTTLS first",
    ("RCPT", 530): "log in (AUTH) first, or STARTTLS first",
    ("MAIL", 553): "you may not send as this address",
    ("RCPT", 550): "the server refuses this recipient (no such mailbox, or no relaying)",
    ("RCPT", 554): "the server refuses this recipient (relaying denied?)",
    ("MESSAGE", 552): "the message is too big",
    ("MESSAGE", 554): "the message was refused (spam? policy?)",
    ("DATA", 554): "no valid recipients, or the server refuses the transaction",
}


def _meaning(code: int) -> str:
    """The short meaning of a reply code, taken from :func:`smtplab.replies.explain_code`."""
    text = explain_code(code)
    prefix = f"{code}: "
    text = text.removeprefix(prefix)
    if text.endswith(")") and " (" in text:
        shorter = text[: text.rfind(" (")]
        if shorter:
            return shorter
    return text


_ENHANCED_SHORT = {
    "2.0.0": "2.0.0: OK",
    "2.1.0": "2.1.0: sender OK",
    "2.1.5": "2.1.5: recipient OK",
    "2.6.0": "2.6.0: message accepted",
    "2.7.0": "2.7.0: security check passed",
}


def _short_enhanced(status: EnhancedStatus) -> str:
    """A short explanation of an RFC 3463 code, from :func:`explain_enhanced`."""
    known = _ENHANCED_SHORT.get(str(status))
    if known:
        return known
    text = explain_enhanced(status)
    if text.endswith(")") and " (" in text:
        return text[: text.rfind(" (")]
    return text


def _failure_note(verb: str, reply: Reply, provider: str | None) -> str:
    from .providers import explain_failure  # its tables load on the first failure

    known = explain_failure(reply, provider=provider)
    note = (
        _first_clause(known.advice) if known is not None else _FAILURE_NOTE.get((verb, reply.code))
    )
    if note is None:
        note = _meaning(reply.code)
        if reply.enhanced is not None and str(reply.enhanced) not in _ENHANCED_SHORT:
            note = f"{note} · {_short_enhanced(reply.enhanced)}"
    if reply.is_transient:
        note += " (4xx: temporary, try again later)"
    return note


def _first_clause(text: str, limit: int = 120) -> str:
    """The start of a sentence up to its first ':', ';' or '.' outside brackets."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and char in ":;." and text[i + 1 : i + 2] in (" ", ""):
            return _shorten(text[:i], limit)
    return _shorten(text, limit)


def _envelope_note(rest: str, keyword: str) -> str:
    """Explain ``MAIL FROM:<...> params`` or ``RCPT TO:<...> params``."""
    if keyword == "FROM":
        base = "envelope sender (bounces go here) · §4.1.1.2"
    else:
        base = "envelope recipient · §4.1.1.3"
    match = re.match(rf"(?i)^{keyword}:(\s*)<([^>]*)>(.*)$", rest.strip())
    if match is None:
        return f"{base}; expected {keyword}:<address> (§4.1.2)"
    space, address, params = match[1], match[2], match[3].split()
    notes = [base]
    if space:
        notes.append("a space after the colon: not allowed by §4.1.2 (many servers accept it)")
    if keyword == "FROM" and address == "":
        notes.append("<> is the null sender: used by bounces, so none comes back · §4.5.5")
    if not address.isascii() and not any(p.upper() == "SMTPUTF8" for p in params):
        notes.append("a non-ASCII address needs SMTPUTF8 · RFC 6531")
    for param in params:
        name, _, value = param.partition("=")
        upper = name.upper()
        if upper == "SIZE" and value.isdigit():
            notes.append(f"SIZE={value}: about {_size(int(value))} · RFC 1870")
        elif param.upper() in _PARAM_NOTES:
            notes.append(_PARAM_NOTES[param.upper()])
        elif upper in _PARAM_NOTES:
            notes.append(_PARAM_NOTES[upper])
        else:
            notes.append(f"{name}: a parameter of an extension")
    return "; ".join(notes)


def _with_line_end_note(note: str, line: bytes) -> str:
    """Add a warning when a line does not end in CRLF (RFC 5321 §2.3.8)."""
    if line.endswith(b"\r\n"):
        return note
    if line.endswith(b"\n"):
        warning = "ends in a bare LF, not CRLF (§2.3.8)"
    elif line.endswith(b"\r"):
        warning = "ends in a bare CR, not CRLF (§2.3.8)"
    else:
        warning = "no CRLF at the end: the server waits for the rest of the line"
    return f"{note}; {warning}" if note else warning


def _is_password_prompt(prompt: str | None) -> bool:
    return prompt is not None and any(w in prompt.lower() for w in ("pass", "pwd", "密码"))


def _keyword(extension: str) -> str:
    return extension.split(" ", 1)[0].split("=", 1)[0].upper()


_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _number(n: int) -> str:
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def _size(octets: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if octets >= scale:
            value = octets / scale
            return f"{value:.0f} {unit}" if octets % scale == 0 else f"{value:.1f} {unit}"
    return f"{octets} bytes" if octets != 1 else "1 byte"


def _tls_version(version: str) -> str:
    match = re.fullmatch(r"TLSv(\d)(?:\.(\d))?", version.strip())
    if match:
        return f"TLS {match[1]}.{match[2] or '0'}"
    return version


# ----------------------------------------------------------------------- text helpers
#
# html and textwrap serve the renderings only: imported when first used (they are a few
# ms of ``import smtplab``), then kept here.

_escape_function: Callable[[str], str] | None = None


def _escaper() -> Callable[[str], str]:
    """:func:`html.escape` (quotes too), imported on first use."""
    global _escape_function
    if _escape_function is None:
        from html import escape

        _escape_function = escape
    return _escape_function


def _escape(text: str) -> str:
    """:func:`html.escape` of ``text`` (quotes too)."""
    return _escaper()(text)


def _textwrap() -> Any:
    """The :mod:`textwrap` module."""
    import textwrap

    return textwrap


_CONTROL = {i: 0x2400 + i for i in range(32) if i != 9}
_CONTROL[127] = 0x2421


def _visible(text: str | None) -> str:
    """Control characters as visible symbols (NUL as ␀), for annotations and labels."""
    return (text or "").translate(_CONTROL)


def _display(line: bytes) -> str:
    """One line as text: without its line end, decoded, control characters made visible."""
    if line.endswith(b"\r\n"):
        line = line[:-2]
    elif line.endswith((b"\n", b"\r")):
        line = line[:-1]
    text = decode_reply_text(line)
    return text if text.isprintable() else text.translate(_CONTROL)


def _as_text(raw: bytes | Secret) -> str:
    return MASK if isinstance(raw, Secret) else raw.decode("utf-8", "replace")


def _split_lines(raw: bytes, *, keep_ends: bool = False) -> list[bytes]:
    """Split small data (a reply, a batch of commands) into lines, each ending in LF."""
    lines = raw.splitlines(keepends=True)
    merged: list[bytes] = []
    for piece in lines:
        # splitlines() also splits on a lone CR; keep "\r\n" together and a bare CR inside.
        if merged and not merged[-1].endswith(b"\n"):
            merged[-1] += piece
        else:
            merged.append(piece)
    if keep_ends:
        return merged
    return [m.rstrip(b"\r\n") for m in merged]


def _width(text: str) -> int:
    """How many columns ``text`` takes in a terminal (CJK characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shorten(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` columns, ending with … when it was cut."""
    if _width(text) <= width:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        step = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + step > width - 1:
            break
        out.append(char)
        used += step
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _wrap(note: str, width: int) -> list[str]:
    """Wrap an annotation: at '; ' first, then at spaces."""
    width = max(width, 16)
    parts = note.split("; ")
    parts = [p + (";" if i < len(parts) - 1 else "") for i, p in enumerate(parts)]
    lines: list[str] = []
    for part in parts:
        if lines and _width(lines[-1]) + 1 + _width(part) <= width:
            lines[-1] += " " + part
        elif _width(part) <= width:
            lines.append(part)
        else:
            # Keep "RFC 4954" and "· §4.1.1.2" in one piece (textwrap splits only at ASCII
            # whitespace, not at a no-break space).
            glued = re.sub(r"(RFC|·|§) ", "\\1\u00a0", part)
            wrapped = _textwrap().wrap(
                glued, width, break_long_words=False, break_on_hyphens=False
            ) or [glued]
            lines.extend(line.replace("\u00a0", " ") for line in wrapped)
    return lines or [""]


# ----------------------------------------------------------------------- the message


def _ends_ok(raw: bytes) -> bool:
    return raw.endswith(b"\r\n.\r\n") or raw == b".\r\n"


def _message_line_count(raw: bytes) -> int:
    """How many lines the message has, the final dot line not counted."""
    end = len(raw) - 3 if _ends_ok(raw) else len(raw)
    count = raw.count(b"\n", 0, end)
    if end > 0 and raw[end - 1 : end] != b"\n":
        count += 1
    return count


def _iter_lines(raw: bytes, start: int, end: int) -> Iterator[tuple[bytes, bool]]:
    """Yield ``(line without its line end, bare_lf)`` for raw[start:end], slicing lines only."""
    pos = start
    while pos < end:
        newline = raw.find(b"\n", pos, end)
        if newline < 0:
            yield raw[pos:end], False
            return
        if newline > pos and raw[newline - 1] == 13:
            yield raw[pos : newline - 1], False
        else:
            yield raw[pos:newline], True
        pos = newline + 1


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def _decode_word(charset: str, encoding: str, payload: str) -> str:
    try:
        if encoding in "bB":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4))
        else:
            data = re.sub(
                rb"=([0-9A-Fa-f]{2})",
                lambda m: bytes([int(m[1], 16)]),
                payload.replace("_", " ").encode("ascii", "replace"),
            )
        return data.decode(charset.split("*")[0], "replace")
    except (LookupError, binascii.Error, ValueError):
        return "?"


def _encoded_words(line: str) -> list[str]:
    """The decoded runs of RFC 2047 encoded words in a header line (adjacent ones joined)."""
    runs: list[str] = []
    last_end = -1
    for match in _ENCODED_WORD.finditer(line):
        text = _decode_word(match[1], match[2], match[3])
        if runs and line[last_end : match.start()].strip() == "":
            runs[-1] += text
        else:
            runs.append(text)
        last_end = match.end()
    return runs


def _decoded_value(value: str) -> str:
    """A header value with its encoded words decoded (whitespace between two words dropped)."""
    out: list[str] = []
    last_end = 0
    previous_was_word = False
    for match in _ENCODED_WORD.finditer(value):
        between = value[last_end : match.start()]
        if not (previous_was_word and between.strip() == ""):
            out.append(between)
        out.append(_decode_word(match[1], match[2], match[3]))
        last_end = match.end()
        previous_was_word = True
    out.append(value[last_end:])
    return "".join(out).strip()


_ADDRESS_HEADERS = ("from", "to", "cc", "bcc", "reply-to", "sender")


def _header_note(line: bytes, text: str, bare_lf: bool, state: dict[str, bool]) -> str:
    notes: list[str] = []
    name, colon, value = text.partition(":")
    runs = _encoded_words(text)
    if runs:
        if colon and name.strip().lower() not in _ADDRESS_HEADERS:
            decoded = f'"{_visible(_decoded_value(value))}"'
        else:  # in an address header, only the display name is encoded
            decoded = ", ".join(f'"{_visible(r)}"' for r in runs)
        if not state.get("taught"):
            state["taught"] = True
            notes.append(f"encoded word = {decoded} · RFC 2047")
        else:
            notes.append(f"= {decoded}")
    if not line.isascii():
        notes.append("raw UTF-8 in a header: needs SMTPUTF8 · RFC 6532")
    if len(line) > 998:
        notes.append("longer than 998 bytes: not allowed · RFC 5322 §2.1.1")
    if bare_lf:
        notes.append("a bare LF, not CRLF (§2.3.8)")
    return "; ".join(notes)


def _body_note(line: bytes, bare_lf: bool) -> str:
    notes: list[str] = []
    if line.startswith(b".."):
        notes.append("an extra dot was added: dot-stuffing, RFC 5321 §4.5.2")
    if bare_lf:
        notes.append("a bare LF, not CRLF: not allowed in SMTP (§2.3.8)")
    if len(line) > 998:
        notes.append("longer than 998 bytes: not allowed · §4.5.3.1.6")
    return "; ".join(notes)


def _message_rows(
    raw: bytes, entry: Entry, body_lines: int | None, details: bool
) -> Iterator[_Row]:
    when = entry.time
    ok = _ends_ok(raw)
    end = len(raw) - 3 if ok else len(raw)
    if raw.startswith(b"\r\n"):
        header_end, body_start = 0, 2
    else:
        found = raw.find(b"\r\n\r\n", 0, end + 2)
        header_end, body_start = (found + 2, found + 4) if found >= 0 else (end, -1)
    state: dict[str, bool] = {}
    pos = 0
    for shown, (line, bare) in enumerate(_iter_lines(raw, 0, header_end)):
        if shown == _HEADER_CAP:
            more = raw.count(b"\n", pos, header_end)
            yield _Row("fold", f"… {more} more header lines (show_body() to expand) …", time=when)
            break
        pos += len(line) + (1 if bare else 2)
        text = _display(line)
        yield _Row("C", text, _header_note(line, text, bare, state), time=when)
        when = None
    if body_start >= 0:
        yield _Row("C", "", "empty line: headers end, body begins", time=when)
        when = None
        count = raw.count(b"\n", body_start, end)
        if end > body_start and raw[end - 1 : end] != b"\n":
            count += 1
        if body_lines is None or count <= body_lines:
            for line, bare in _iter_lines(raw, body_start, end):
                yield _Row("C", _display(line), _body_note(line, bare))
        else:
            stuffed = raw.count(b"\n..", body_start - 1, end)
            note = f"{_size(end - body_start)}"
            if stuffed:
                note += f"; {stuffed} dot-stuffed line{'s' * (stuffed > 1)} (§4.5.2)"
            body: list[_Row] | None = None
            if details:
                body = []
                for line, bare in _iter_lines(raw, body_start, end):
                    if len(body) == _HTML_BODY_CAP:
                        break
                    body.append(_Row("C", _display(line), _body_note(line, bare)))
            plural = "s" * (count != 1)
            text = f"… {count} body line{plural} (show_body() to expand) …"
            yield _Row("fold", text, note, body=body, more=count - len(body or ()))
    if ok:
        yield _Row("C", ".", "a line with one dot ends the message", time=when)
    else:
        yield _Row("note", "# no final '.' line: the server is still waiting for the message")


def _entry_rows(entry: Entry, reveal: bool, body_lines: int | None, details: bool) -> list[_Row]:
    raw = entry.raw
    if entry.direction == "TLS":
        loud = entry.tls_info is not None and not entry.tls_info.verified
        return [_Row("band", _as_text(raw), entry.annotation, time=entry.time, loud=loud)]
    if entry.direction == "NOTE":
        return [_Row("note", "# " + _as_text(raw), time=entry.time)]
    if entry.is_message and isinstance(raw, bytes):
        return list(_message_rows(raw, entry, body_lines, details))
    if isinstance(raw, Secret):
        if reveal:
            lines = [_display(line) for line in _split_lines(raw.reveal())] or [""]
            note = raw._note or entry.annotation
            return [
                _Row(entry.direction, line, note if i == 0 else "", secret=True, time=entry.time)
                for i, line in enumerate(lines)
            ]
        text = f"{entry.shown}{MASK} ({raw.kind} hidden; transcript.reveal() shows it)"
        return [_Row(entry.direction, text, entry.annotation, secret=True, time=entry.time)]
    lines = [_display(line) for line in _split_lines(raw)] or [""]
    failure = entry.reply is not None and entry.reply.klass in (4, 5)
    if len(lines) == 1:
        return [_Row(entry.direction, lines[0], entry.annotation, time=entry.time, failure=failure)]
    notes = list(entry.line_notes) + [""] * (len(lines) - len(entry.line_notes))
    rows = []
    for i, line in enumerate(lines):
        glyph = "┐" if i == 0 else ("┘" if i == len(lines) - 1 else "│")
        note = f"{glyph} {notes[i]}".rstrip()
        rows.append(
            _Row(entry.direction, line, note, time=entry.time if i == 0 else None, failure=failure)
        )
    return rows


# ------------------------------------------------------------------------- layout


def _layout(rows: list[_Row], annotate: bool, width: int, times: bool, t0: float) -> str:
    """Lay rows out as text: the dialogue on the left, annotations in a column."""
    column = min(56, max(24, width // 2))
    out: list[str] = []
    for row in rows:
        stamp = ""
        if times:
            stamp = f"{(row.time - t0) * 1000:>9.1f} ms  " if row.time is not None else " " * 14
        if row.kind in ("band", "note"):
            pieces = _textwrap().wrap(
                row.text, width, subsequent_indent="   ", break_on_hyphens=False
            ) or [row.text]
            out.append(stamp + pieces[0])
            out.extend(" " * len(stamp) + piece for piece in pieces[1:])
            continue
        left = f"C: {row.text}" if row.kind == "fold" else f"{row.kind}: {row.text}"
        left = left.expandtabs(4)
        note = row.note if annotate else ""
        if _width(left) > width and not row.secret:  # a revealed secret is shown whole
            left = _shorten(left, width)
            if annotate:
                note = f"{note}; shortened here: dialogue() has the whole line".lstrip("; ")
        indent = " " * (len(stamp) + column)
        if not note:
            out.append(stamp + left.rstrip())
            continue
        glyph = note[0] if note[0] in "┐│┘" else ""
        cont = {"┐": "│ ", "│": "│ ", "┘": "  "}.get(glyph, "")
        if _width(left) <= column - 2:
            notes = _wrap(note, width - column)
            out.append(stamp + _pad(left, column) + notes[0])
        elif _width(left) + 3 + _width(note) <= width:
            out.append(f"{stamp}{left}   {note}")
            continue
        else:
            out.append(stamp + left)
            notes = _wrap(note, width - column)
            out.append(indent + notes[0])
        out.extend(indent + cont + line for line in notes[1:])
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML

_HTML_STYLE = {
    "table": (
        "border-collapse:collapse;border:none;margin:0;table-layout:auto;width:auto;"
        "font-size:12.5px;line-height:1.45"
    ),
    "line": (
        "text-align:left;vertical-align:top;white-space:pre;padding:0 1em 0 .5em;"
        "font-family:var(--jp-code-font-family,SFMono-Regular,Menlo,Consolas,monospace)"
    ),
    "note": (
        "text-align:left;vertical-align:top;white-space:normal;padding:0 .5em;opacity:.72;"
        "font-family:var(--jp-ui-font-family,system-ui,sans-serif)"
    ),
    "C": "background:rgba(9,105,218,.10);border-left:3px solid rgba(9,105,218,.75)",
    "S": "background:rgba(130,80,223,.10);border-left:3px solid rgba(130,80,223,.75)",
    "fail": "background:rgba(207,34,46,.14);border-left:3px solid rgba(207,34,46,.85)",
    "band": (
        "font-family:var(--jp-ui-font-family,system-ui,sans-serif);"
        "text-align:center;font-weight:bold;padding:.25em .5em;white-space:normal;"
        "background:rgba(26,127,55,.20);border-top:2px solid rgba(26,127,55,.8);"
        "border-bottom:2px solid rgba(26,127,55,.8)"
    ),
    "loud": (
        "font-family:var(--jp-ui-font-family,system-ui,sans-serif);"
        "text-align:center;font-weight:bold;padding:.25em .5em;white-space:normal;"
        "background:rgba(207,34,46,.25);border-top:3px solid rgba(207,34,46,.9);"
        "border-bottom:3px solid rgba(207,34,46,.9)"
    ),
    "note_row": "text-align:left;font-style:italic;opacity:.72;padding:0 .5em;white-space:pre",
    "secret": "font-weight:bold;letter-spacing:.05em",
}


def _html(rows: list[_Row]) -> str:
    """The rows as an HTML table: readable with the styles, and without them (GitHub)."""
    esc = _escaper()
    st = _HTML_STYLE
    out = [
        '<div class="smtplab-transcript" style="max-width:100%;overflow-x:auto">',
        f'<table style="{st["table"]}">',
    ]

    def line_row(row: _Row) -> str:
        kind = "C" if row.kind == "fold" else row.kind
        tone = st["fail"] if row.failure else st[kind]
        text = esc(f"{kind}: {row.text}")
        if row.secret:
            text = f'<span style="{st["secret"]}" title="hidden">{text}</span>'
        return (
            f'<tr class="smtplab-{kind.lower()}"><td style="{st["line"]};{tone}">{text}</td>'
            f'<td style="{st["note"]}">{esc(row.note)}</td></tr>'
        )

    for row in rows:
        if row.kind == "band":
            style = st["loud"] if row.loud else st["band"]
            note = f"<br><small>{esc(row.note)}</small>" if row.note else ""
            out.append(
                f'<tr class="smtplab-tls"><td colspan="2" style="{style}">'
                f"{esc(row.text)}{note}</td></tr>"
            )
        elif row.kind == "note":
            out.append(
                f'<tr class="smtplab-note"><td colspan="2" style="{st["note_row"]}">'
                f"{esc(row.text)}</td></tr>"
            )
        elif row.kind == "fold" and row.body is not None:
            inner = [f'<table style="{st["table"]}">']
            inner.extend(line_row(b) for b in row.body)
            if row.more:
                more = f"… and {row.more} more lines: transcript.show_body() shows them all"
                inner.append(f'<tr><td colspan="2" style="{st["note_row"]}">{esc(more)}</td></tr>')
            inner.append("</table>")
            summary = esc(f"C: {row.text}")
            out.append(
                f'<tr class="smtplab-body"><td colspan="2" style="{st["line"]};{st["C"]}">'
                f'<details><summary>{summary} <span style="opacity:.72">{esc(row.note)}'
                f"</span></summary>{''.join(inner)}</details></td></tr>"
            )
        else:
            out.append(line_row(row))
    out.append("</table></div>")
    return "\n".join(out)


# ------------------------------------------------------------------------ the diagram

_SVG_WIDTH = 760
_LANE_C = 96
_LANE_S = 664
_ROW = 26
_COLORS = {
    "C": "#0550ae",
    "S": "#6639ba",
    "fail": "#cf222e",
    "text": "#1f2328",
    "muted": "#59636e",
    "tls": "#1a7f37",
}


def _label(text: str, limit: int = 78) -> str:
    return _escaper()(_shorten(text, limit))


def _diagram(entries: list[Entry], scrub: Callable[[str], str]) -> tuple[str, int, int, int]:
    """Draw entries as an SVG sequence diagram (strings and html.escape, nothing else)."""
    c = _COLORS
    body: list[str] = []
    y = 70
    arrows = 0
    tls_start: int | None = None
    tls_label = ""
    tls_loud = False
    server = "server"
    for entry in entries:
        if entry.direction == "TLS":
            tls_start = y - 8
            info = entry.tls_info
            tls_loud = info is not None and not info.verified
            if info is not None:
                check = "certificate verified" if info.verified else "certificate NOT verified"
                tls_label = f"{_tls_version(info.version)} · {check}"
            else:
                tls_label = "TLS"
            y += 34
            continue
        if entry.direction == "NOTE":
            body.append(
                f'<text x="{_SVG_WIDTH // 2}" y="{y - 6}" text-anchor="middle" font-size="11" '
                f'font-style="italic" fill="{c["muted"]}">{_label(scrub(entry.summary(90)), 90)}'
                "</text>"
            )
            y += 22
            continue
        arrows += 1
        failure = entry.reply is not None and entry.reply.klass in (4, 5)
        color = c["fail"] if failure else c[entry.direction]
        label = scrub(entry.summary(78))
        if entry.direction == "S" and server == "server" and entry.phase == "greeting":
            words = (entry.reply.lines[0] if entry.reply and entry.reply.lines else "").split()
            server = f"server · {words[0]}" if words else "server"
        if entry.direction == "C":
            x1, x2, head = _LANE_C, _LANE_S - 9, _LANE_S
            points = f"{head},{y} {head - 9},{y - 4.5} {head - 9},{y + 4.5}"
        else:
            x1, x2, head = _LANE_S, _LANE_C + 9, _LANE_C
            points = f"{head},{y} {head + 9},{y - 4.5} {head + 9},{y + 4.5}"
        weight = "2.5" if entry.is_message else "1.4"
        kind = "client" if entry.direction == "C" else "server"
        body.append(
            f'<g class="arrow {kind}"><title>{_escaper()(label)}</title>'
            f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{color}" '
            f'stroke-width="{weight}"/><polygon points="{points}" fill="{color}"/>'
            f'<text x="{(_LANE_C + _LANE_S) // 2}" y="{y - 5}" text-anchor="middle" '
            f'fill="{color}">{_label(label)}</text></g>'
        )
        y += _ROW
    height = y + 14
    shade = ""
    if tls_start is not None:
        color = c["fail"] if tls_loud else c["tls"]
        shade = (
            f'<rect class="tls" x="14" y="{tls_start}" width="{_SVG_WIDTH - 28}" '
            f'height="{height - tls_start - 8}" rx="6" fill="{color}" fill-opacity="0.08" '
            f'stroke="{color}" stroke-opacity="0.6" stroke-dasharray="5 3"/>'
            f'<text x="{_LANE_C + 8}" y="{tls_start + 14}" font-size="11" font-weight="bold" '
            f'fill="{color}">{_escape(tls_label)}</text>'
        )
    lanes = []
    for x, name, color in ((_LANE_C, "client", c["C"]), (_LANE_S, server, c["S"])):
        name = _shorten(name, 40)
        box = max(90, 8 * len(name) + 16)
        middle = min(x, _SVG_WIDTH - 8 - box // 2)
        lanes.append(
            f'<rect x="{middle - box // 2}" y="12" width="{box}" height="26" rx="5" '
            f'fill="#ffffff" stroke="{color}"/>'
            f'<text x="{middle}" y="30" text-anchor="middle" font-weight="bold" '
            f'fill="{color}">{_escape(name)}</text>'
            f'<line x1="{x}" y1="38" x2="{x}" y2="{height - 8}" stroke="{c["muted"]}" '
            f'stroke-dasharray="3 3"/>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SVG_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_SVG_WIDTH} {height}" font-family="Menlo, Consolas, monospace" '
        f'font-size="11.5" role="img">'
        f"<title>SMTP session: {arrows} lines between client and server</title>"
        f'<rect width="{_SVG_WIDTH}" height="{height}" rx="8" fill="#fbfbfc"/>'
        f"{shade}{''.join(lanes)}{''.join(body)}</svg>"
    )
    return svg, arrows, _SVG_WIDTH, height
