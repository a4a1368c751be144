"""The server's side of each conversation, made from the bytes really on the connection.

For every connection the lab keeps a :class:`LabSession`: who connected, when, whether
TLS is on, who logged in, and the ordered :class:`LogLine` list of what the server
*received* (``C``) and *sent* (``S``). The lines are cut from the bytes that pass the
lab's connection (inside TLS: the plaintext), never rebuilt from handler hooks, so a
notebook can put "what the server saw" next to the client's transcript, and an exercise
can check what a learner really sent (pipelined commands, bare line feeds and all).
Commands end at LF, the message at its line ``.``, as aiosmtpd reads them (the cutter of
:class:`~smtplab.protocol.SessionReader`, ``protocol.next_line_end``). Three exceptions to
"exactly the bytes":

* **The message body** after ``354`` is one ``LogLine`` of kind ``"body"`` (dot-stuffing
  included), then the final ``.`` line. While it arrives it keeps at most ``body_limit``
  bytes and what is left of the session's ``max_bytes`` (the rest is counted in
  ``omitted``). When the message is delivered and its bytes are the body as sent (no line
  was dot-stuffed: nearly always) the log and the inbox's ``ReceivedMessage.data`` share
  one ``bytes`` object (a cut body is then replaced by the whole one); when a full inbox
  drops the message, the log keeps only its first :data:`RELEASED_BODY_KEEP` bytes, so a
  full inbox stops the lab's memory growing.
* **Long sessions** keep their first ``max_lines`` lines and their first ``max_bytes``
  bytes (1 MiB by default, each line counted with what keeping it costs,
  :data:`LINE_COST`); the rest are counted in ``omitted_lines`` and
  ``omitted_bytes``, and the rendered log says so. The store keeps the last
  ``max_sessions`` sessions and drops the oldest while all of them hold more than
  ``max_log_bytes``.
* **AUTH secrets** are masked (``secret=True``, ``●●●●●●●●``) by :mod:`smtplab.secrecy`,
  as in the client's transcript: the response after a ``Password:`` prompt, the PLAIN
  response, the initial response of ``AUTH PLAIN <blob>`` (the LOGIN user name stays
  visible). A line is an AUTH response while an AUTH exchange is open (from ``AUTH`` to
  the first reply that is not ``334``), so even a client that answers without waiting for
  the prompts never has its password logged; an answer cut short (the connection closed
  before its line end, or the lab cut a line too long) is masked too.
"""

from __future__ import annotations

import html
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Literal

from .. import secrecy
from ..auth import b64decode_text
from ..events import AuthStep
from ..i18n import _
from ..printable import printable
from ..protocol import next_line_end
from ..replies import decode_reply_text

__all__: list[str] = []  # LabSession and LogLine are public as smtplab.lab's

DEFAULT_MAX_SESSIONS = 1_000
"""How many sessions a lab keeps by default before dropping the oldest."""

DEFAULT_MAX_LINES = 1_000
"""How many lines one session's log keeps by default before it only counts them."""

DEFAULT_MAX_SESSION_BYTES = 1024 * 1024
"""How many bytes one session's log keeps by default before it only counts them."""

DEFAULT_MAX_LOG_BYTES = 32 * 1024 * 1024
"""How many bytes all the sessions kept may hold before the oldest are dropped."""

LINE_COST = 160
"""What keeping one line costs a log besides its bytes (its ``LogLine``, its time, the
header of its ``bytes``: CPython, 64-bit), counted in ``logged_bytes``: a session of
1,000 lines of 2 bytes holds some 160 KB, not 2 KB."""

RELEASED_BODY_KEEP = 512
"""How many bytes of a message body the log keeps once the inbox has dropped the message."""

_MAX_PENDING_LINE = 64 * 1024
_MAX_NOTES = 16  # notes one session keeps
_REPLY_ROOM = 4096  # a body cut at max_bytes leaves this for its final dot and the replies
_SHARED_LINE_MAX = 256  # command lines up to this size are kept once per connection...
_SHARED_LINES_MAX = 64  # ... up to this many different ones
_DOT = b".\r\n"

LineKind = Literal["command", "auth", "body", "dot", "reply"]
"""What a :class:`LogLine` is: a client command, an AUTH response, the message body, the
final ``.`` of a message, or a server reply line."""


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line the server received (``direction="C"``) or sent (``"S"``).

    ``raw`` is the bytes with their line end (as the client sent it), ``tls`` whether they
    travelled inside TLS, ``time`` when (``time.time()``), ``kind`` one of
    :data:`LineKind`, ``secret`` marks a masked AUTH secret, ``omitted`` counts body bytes
    not kept, ``partial`` marks bytes without a line end when the connection closed.
    """

    direction: Literal["C", "S"]
    raw: bytes
    tls: bool
    time: float
    kind: LineKind = "command"
    secret: bool = False
    omitted: int = 0
    partial: bool = False

    @property
    def text(self) -> str:
        """The line decoded for reading, without its line end (a body keeps inner newlines)."""
        if self.kind == "body":
            return "\n".join(decode_reply_text(part) for part in _split_crlf(self.raw))
        return decode_reply_text(self.raw.rstrip(b"\r\n"))

    @property
    def at(self) -> datetime:
        """``time`` as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time, tz=timezone.utc)

    def render(self) -> list[str]:
        """The line as ``C: ...``/``S: ...`` text lines (a body gives one per line), with
        what would act on a terminal or a page (ESC, CR, bidi controls...) made visible:
        any process on the host can send the lab such bytes (:mod:`smtplab.printable`)."""
        if self.kind == "body":
            rendered = [f"C: {printable(part)}" for part in self.text.split("\n")]
            if self.omitted:
                more = _("[... {count} more bytes received, not kept in the log]")
                rendered.append("C: " + more.format(count=self.omitted))
            return rendered
        suffix = ""
        if self.secret:
            suffix = _("   (AUTH secret hidden)")
        elif self.partial:
            suffix = _("   (no line end: the connection closed first)")
        return [f"{self.direction}: {printable(self.text)}{suffix}"]

    def __str__(self) -> str:
        return "\n".join(self.render())


def _split_crlf(raw: bytes) -> list[bytes]:
    parts = raw.split(b"\r\n")
    if parts and parts[-1] == b"":
        parts.pop()
    return parts


class LabSession:
    """The server's record of one connection (see the module docstring).

    Attributes: ``id`` (``"S1"``, ``"S2"``...), ``peer`` (the client's address and port),
    ``listener`` (``"plain"``: the port offering STARTTLS, or ``"tls"``: implicit TLS),
    ``local_port``, ``started_at``/``ended_at`` (aware UTC datetimes; ``ended_at`` is
    None while connected), ``tls`` (TLS is on now), ``tls_version``/``tls_cipher``,
    ``auth_user`` (who logged in, or None), ``notes`` (the lab's remarks), ``error``
    (what went wrong, e.g. a failed TLS handshake, or None), ``omitted_lines`` (lines
    past ``max_lines``, counted only), ``omitted_bytes`` (bytes past ``max_bytes``, counted only).
    The server thread writes; other threads read snapshots.
    """

    def __init__(
        self,
        session_id: str,
        listener: Literal["plain", "tls"],
        max_lines: int = DEFAULT_MAX_LINES,
        max_bytes: int = DEFAULT_MAX_SESSION_BYTES,
    ) -> None:
        self.id = session_id
        self.listener = listener
        self.peer: tuple[Any, ...] | None = None
        self.local_port: int | None = None
        self.started_at = datetime.now(timezone.utc)
        self.ended_at: datetime | None = None
        self.tls = False
        self.tls_version: str | None = None
        self.tls_cipher: str | None = None
        self.auth_user: str | None = None
        self.error: str | None = None
        self.max_lines = max_lines
        self.omitted_lines = 0
        self.max_bytes = max_bytes
        self.logged_bytes = 0
        """Bytes the log keeps (at most ``max_bytes``), each line's with :data:`LINE_COST`."""
        self.omitted_bytes = 0
        """Bytes not kept because the log had ``max_bytes`` already."""
        self._lines: list[LogLine] = []
        self._notes: list[tuple[int, str]] = []  # (lines before it, text): the lab's remarks
        self._delivered: dict[str, int] = {}  # queue id -> index of its body line

    @property
    def lines(self) -> list[LogLine]:
        """A snapshot of the lines received and sent so far, in order."""
        return list(self._lines)

    @property
    def closed(self) -> bool:
        """True once the connection has ended."""
        return self.ended_at is not None

    @property
    def notes(self) -> list[str]:
        """What the lab remarked on during the session (e.g. an EHLO with its own name)."""
        return [text for _, text in self._notes]

    def add_note(self, text: str) -> None:
        """Remark on the session; the note is shown after the lines logged so far."""
        if len(self._notes) < _MAX_NOTES:
            self._notes.append((len(self._lines) + self.omitted_lines, text))

    def received_lines(self) -> list[str]:
        """The text of every line the server received, in order (a message body is one
        item, its lines joined with newlines; masked secrets read ``●●●●●●●●``)."""
        return [line.text for line in self._lines if line.direction == "C"]

    def sent_lines(self) -> list[str]:
        """The text of every line the server sent, in order."""
        return [line.text for line in self._lines if line.direction == "S"]

    def commands(self) -> list[str]:
        """The command verbs the client sent, upper-cased (``["EHLO", "MAIL", ...]``);
        AUTH responses, message bodies and the final dot are left out."""
        return [
            (line.text.split(None, 1) or [""])[0].upper()
            for line in self._lines
            if line.kind == "command"
        ]

    def _claim_body(self, data: bytes, queue_id: str) -> bytes:
        """See :meth:`SessionStore.claim_body`."""
        if self.omitted_lines:  # lines are only counted now: the body may not be here
            return data
        for index in range(len(self._lines) - 1, -1, -1):
            line = self._lines[index]
            if line.direction == "S":  # a body is claimed before the reply to it
                break
            if line.kind == "body":
                if line.partial:
                    break
                # The whole body as sent (a cut one: same length and start; unstuffing a
                # dot only removes bytes, so equal lengths mean equal bytes): one copy.
                whole = line.raw == data or (
                    line.omitted
                    and len(line.raw) + line.omitted == len(data)
                    and data.startswith(line.raw)
                )
                if not whole:
                    return data
                self._delivered[queue_id] = index
                self.logged_bytes -= len(line.raw)  # the inbox's now (bounded there)
                if line.omitted:
                    self._lines[index] = replace(line, raw=data, omitted=0)
                    return data
                return line.raw
        return data

    @property
    def _full(self) -> bool:
        """True once the log keeps no more lines: the recorder then only counts them."""
        return len(self._lines) >= self.max_lines or self.omitted_bytes > 0

    def _keep(self, line: LogLine) -> None:
        """Keep ``line`` if the log has room for it, else count it (from the first line
        that does not fit in ``max_bytes``, every later one is only counted too)."""
        if len(self._lines) >= self.max_lines:
            self.omitted_lines += 1
            return
        cost = len(line.raw) + LINE_COST
        if self.omitted_bytes or self.logged_bytes + cost > self.max_bytes:
            self._omit(len(line.raw) + line.omitted)
            return
        self.logged_bytes += cost
        self._lines.append(line)

    def _omit(self, size: int) -> None:
        """Count a line of ``size`` bytes the log does not keep (it is full)."""
        self.omitted_lines += 1
        if len(self._lines) < self.max_lines:  # full of bytes, not of lines
            self.omitted_bytes += max(size, 1)

    def _release_body(self, queue_id: str) -> None:
        """The inbox dropped message ``queue_id``: keep only the start of its body."""
        index = self._delivered.pop(queue_id, None)
        if index is None or index >= len(self._lines):
            return
        line = self._lines[index]
        if len(line.raw) <= RELEASED_BODY_KEEP:
            return
        cut = line.raw.rfind(b"\r\n", 0, RELEASED_BODY_KEEP - 1)
        keep = line.raw[: cut + 2 if cut >= 0 else RELEASED_BODY_KEEP]
        omitted = line.omitted + len(line.raw) - len(keep)
        self.logged_bytes += len(keep)  # the shared body was the inbox's; this bit is ours
        self._lines[index] = replace(line, raw=keep, omitted=omitted)

    def _header(self) -> str:
        peer = f"{self.peer[0]}:{self.peer[1]}" if self.peer else "?"
        mode = _("implicit TLS") if self.listener == "tls" else _("plain, STARTTLS offered")
        return _("-- session {id}: {peer} -> port {port} ({mode}), {time} UTC --").format(
            id=self.id,
            peer=peer,
            port=self.local_port,
            mode=mode,
            time=f"{self.started_at:%Y-%m-%d %H:%M:%S}",
        )

    def _tls_banner(self, implicit: bool) -> str:
        details = ", ".join(x for x in (self.tls_version, self.tls_cipher) if x)
        what = _("TLS (implicit, from the first byte)") if implicit else _("TLS started")
        return f"-- {what}{f': {details}' if details else ''} --"

    def render(self) -> list[str]:
        """The session as text lines: a header, ``C:``/``S:`` lines, TLS and end markers."""
        out = [self._header()]
        tls = False
        notes = list(self._notes)
        for index, line in enumerate(self.lines):
            if line.tls and not tls:
                out.append(self._tls_banner(implicit=self.listener == "tls"))
            tls = line.tls
            out.extend(line.render())
            while notes and notes[0][0] <= index + 1:
                out.append(_("-- lab note: {note} --").format(note=printable(notes.pop(0)[1])))
        out.extend(_("-- lab note: {note} --").format(note=printable(text)) for _at, text in notes)
        if self.listener == "tls" and not tls and self.error is None and not self._lines:
            out.append(self._tls_banner(implicit=True))
        if self.omitted_bytes:
            out.append(
                _(
                    "-- ... {bytes} bytes not logged in {lines} "
                    "line(s) (a session keeps at most {limit} bytes) --"
                ).format(bytes=self.omitted_bytes, lines=self.omitted_lines, limit=self.max_bytes)
            )
        elif self.omitted_lines:
            out.append(
                _(
                    "-- ... {lines} more line(s) not kept in the log "
                    "(a session keeps its first {limit}) --"
                ).format(lines=self.omitted_lines, limit=self.max_lines)
            )
        if self.error:
            out.append(f"-- {printable(self.error, keep_stand_ins=True)} --")
        if self.ended_at is not None:
            out.append(_("-- connection closed --"))
        return out

    def __str__(self) -> str:
        return "\n".join(self.render())

    def _repr_html_(self) -> str:
        rows = []
        for text in self.render():
            colour = {"C": "#1a5fb4", "S": "#26a269"}.get(text[:1], "#77767b")
            rows.append(f'<span style="color:{colour}">{html.escape(text)}</span>')  # i18n: keep
        return "<pre>" + "\n".join(rows) + "</pre>"

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return (
            f"<LabSession {self.id} {self.listener} peer={self.peer} tls={self.tls} "
            f"auth_user={self.auth_user!r} {len(self._lines)} lines, {state}>"  # i18n: keep repr
        )


class SessionRecorder:
    """Cuts the bytes of one connection into :class:`LogLine` s (server thread only).

    Its only input: :meth:`received` with every chunk that arrived and :meth:`sent` with
    every chunk written, each with whether it travelled inside TLS and when (seconds since
    the epoch), then :meth:`close` when the connection ends. Commands are cut line by
    line; a message body is taken whole, up to the line that ends it.
    """

    def __init__(self, session: LabSession, body_limit: int) -> None:
        self.session = session
        self._body_limit = body_limit
        self._pending = bytearray()
        self._pending_tls = False
        self._in_body = False
        self._body: list[bytes] = []
        self._body_size = 0
        self._body_omitted = 0
        self._body_time = 0.0
        self._body_tls = False
        self._body_mid_line = False
        self._seen: dict[bytes, bytes] = {}  # command lines already logged: one copy each
        self._auth: AuthStep | None = None  # the AUTH exchange open, as the client's is

    # -- what the client sent ------------------------------------------------------------
    def received(self, data: bytes, tls: bool, now: float) -> None:
        """Record a chunk the server received."""
        pending = self._pending
        if not pending:
            self._pending_tls = tls
        pending += data
        while pending:
            if self._in_body:
                if not self._body_received(pending, tls, now):
                    break
                continue
            end = next_line_end(pending, in_message=False)
            if not end:
                break
            line = bytes(pending[:end])
            del pending[:end]
            self._line_received(line, tls, now)
        if len(pending) > _MAX_PENDING_LINE:
            chunk = bytes(pending)
            pending.clear()
            if self._in_body:
                self._add_body(chunk, tls, now)
                self._body_mid_line = True
            else:
                self._line_received(chunk, tls, now, partial=True)

    def _body_received(self, pending: bytearray, tls: bool, now: float) -> bool:
        """Take the message lines in ``pending`` into the body; True if the final ``.``
        line came (the body is then logged and ``pending`` holds what follows it)."""
        end = next_line_end(pending, in_message=True, at_line_start=not self._body_mid_line)
        if not end:  # no end yet: keep the whole lines, wait for the rest
            cut = pending.rfind(b"\r\n") + 2
            if cut >= 2:
                self._add_body(bytes(pending[:cut]), tls, now)
                del pending[:cut]
                self._body_mid_line = False
            return False
        self._add_body(bytes(pending[: end - len(_DOT)]), tls, now)  # b"": the dot alone
        del pending[:end]
        self._flush_body()
        self._append("C", _DOT, tls, now, kind="dot")
        self._in_body = False
        return True

    def _line_received(self, line: bytes, tls: bool, now: float, partial: bool = False) -> None:
        """Log one line; ``partial``: without its line end (the connection closed, or the
        line was too long to wait for); :mod:`~smtplab.secrecy` says if it is a secret."""
        step = self._auth
        if step is not None and secrecy.is_auth_answer(
            step.mechanism, step.initial_response, step.answers, step.prompts
        ):
            step = self._auth = step._replace(answers=step.answers + 1)
            text = line.decode("utf-8", "replace")
            answer = (step.mechanism, step.answers, step.initial_response, step.prompt, text)
            kind = secrecy.answer_secret(*answer, complete=not partial)
            if kind:
                line = secrecy.masked_line(line)
            self._append("C", line, tls, now, "auth", secret=kind is not None, partial=partial)
            return
        words = line.split(None, 1)
        if words and words[0].upper() == b"AUTH":
            self._auth_line_received(line, tls, now, partial)
            return
        if not partial and len(line) <= _SHARED_LINE_MAX:  # MAIL FROM... again: one object
            seen = self._seen.get(line)
            if seen is not None:
                line = seen
            elif len(self._seen) < _SHARED_LINES_MAX:
                self._seen[line] = line
        self._append("C", line, tls, now, partial=partial)

    def _auth_line_received(self, line: bytes, tls: bool, now: float, partial: bool) -> None:
        """Log an ``AUTH`` line, its initial response masked if it is a secret; a whole
        line with a mechanism opens the exchange its answers belong to."""
        words = line.decode("utf-8", "replace").split()
        mechanism = words[1].upper() if len(words) > 1 else "?"
        initial = words[2] if len(words) > 2 else None
        kind = secrecy.auth_line_secret(mechanism, initial, complete=not partial)
        if len(words) > 1 and not partial:
            self._auth = AuthStep(mechanism, initial is not None)
        if kind:
            line = secrecy.masked_line(line, auth_line=True)
        self._append("C", line, tls, now, secret=kind is not None, partial=partial)

    def _add_body(self, chunk: bytes, tls: bool, now: float) -> None:
        if not self._body and not self._body_omitted:
            self._body_time = now
            self._body_tls = tls
        session = self.session
        if session._full:  # the body will not be kept: only count it
            self._body_omitted += len(chunk)
            return
        room = max(self._body_limit - self._body_size, 0)
        left = session.max_bytes - _REPLY_ROOM - session.logged_bytes - self._body_size
        room = min(room, max(left, 0))
        if len(chunk) > room:
            self._body_omitted += len(chunk) - room
            chunk = chunk[:room]
        if chunk:
            self._body.append(chunk)
            self._body_size += len(chunk)

    def _flush_body(self, partial: bool = False) -> None:
        session = self.session
        if (self._body or self._body_omitted) and session._full:
            session._omit(self._body_size + self._body_omitted)
        elif self._body or self._body_omitted:
            raw = self._body[0] if len(self._body) == 1 else b"".join(self._body)
            omitted = self._body_omitted
            tls, at = self._body_tls, self._body_time
            session._keep(LogLine("C", raw, tls, at, "body", False, omitted, partial))
        self._body = []
        self._body_size = 0
        self._body_omitted = 0
        self._body_mid_line = False

    # -- what the server sent ------------------------------------------------------------
    def sent(self, data: bytes, tls: bool, now: float) -> None:
        """Record a chunk the server wrote."""
        for line in data.splitlines(keepends=True):
            self._append("S", line, tls, now, kind="reply")
            code = line[:3]
            final = line[3:4] != b"-"
            step = self._auth
            if step is not None and code == b"334":
                prompt = b64decode_text(line[4:].decode("utf-8", "replace"))  # "" for none
                self._auth = step._replace(prompts=step.prompts + 1, prompt=prompt)
            elif step is not None and final:
                self._auth = None
            if code == b"354" and final:
                self._in_body = True
                self._body_mid_line = False

    def close(self) -> None:
        """Flush what is pending when the connection ends."""
        if self._in_body:
            if self._pending:
                self._add_body(bytes(self._pending), self._pending_tls, time.time())
                self._pending.clear()
            self._flush_body(partial=True)
        elif self._pending:
            self._line_received(bytes(self._pending), self._pending_tls, time.time(), True)
            self._pending.clear()

    def _append(
        self,
        direction: Literal["C", "S"],
        raw: bytes,
        tls: bool,
        now: float,
        kind: LineKind = "command",
        secret: bool = False,
        partial: bool = False,
    ) -> None:
        self.session._keep(LogLine(direction, raw, tls, now, kind, secret, 0, partial))


class SessionStore:
    """The sessions of one lab, bounded, oldest first; ids are ``S1``, ``S2``..."""

    def __init__(
        self,
        max_sessions: int,
        max_session_lines: int,
        max_session_bytes: int = DEFAULT_MAX_SESSION_BYTES,
        max_log_bytes: int = DEFAULT_MAX_LOG_BYTES,
    ) -> None:
        limits = (
            ("max_sessions", max_sessions),
            ("max_session_lines", max_session_lines),
            ("max_session_bytes", max_session_bytes),
            ("max_log_bytes", max_log_bytes),
        )
        for name, value in limits:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    _("{name} must be a positive int, not {value}.").format(
                        name=name, value=repr(value)
                    )
                )
        self._lock = threading.Lock()
        self._sessions: deque[LabSession] = deque(maxlen=max_sessions)
        self._by_id: dict[str, LabSession] = {}
        self._max_lines = max_session_lines
        self._max_bytes = max_session_bytes
        self._max_log_bytes = max_log_bytes
        self._counter = 0
        self.dropped_sessions = 0
        """How many sessions were dropped to keep within ``max_sessions``/``max_log_bytes``."""

    def open(self, listener: Literal["plain", "tls"]) -> LabSession:
        """Create and keep the record of a new connection."""
        with self._lock:
            self._counter += 1
            session = LabSession(f"S{self._counter}", listener, self._max_lines, self._max_bytes)
            sessions = self._sessions
            held = sum(kept.logged_bytes for kept in sessions)
            while sessions and (len(sessions) == sessions.maxlen or held > self._max_log_bytes):
                oldest = sessions.popleft()
                held -= oldest.logged_bytes
                del self._by_id[oldest.id]
                self.dropped_sessions += 1
            sessions.append(session)
            self._by_id[session.id] = session
            return session

    def claim_body(self, session: LabSession, data: bytes, queue_id: str) -> bytes:
        """The lab delivers ``data`` as message ``queue_id`` of ``session``: link it to the
        body just logged (the one before the reply to it) and return the bytes for the
        inbox: the log's own object when they are equal, so both share one copy. Once
        linked, :meth:`release_body` can shrink the logged body when the inbox drops it.
        """
        return session._claim_body(data, queue_id)

    def release_body(self, session_id: str, queue_id: str) -> None:
        """The inbox dropped message ``queue_id`` of session ``session_id``: its session
        log (if still kept) keeps only the start of the message body."""
        with self._lock:
            session = self._by_id.get(session_id)
        if session is not None:
            session._release_body(queue_id)

    def snapshot(self) -> list[LabSession]:
        """The sessions kept, oldest first."""
        with self._lock:
            return list(self._sessions)

    def get(self, session_id: str) -> LabSession:
        """The session with this id; KeyError (saying why) if unknown or dropped."""
        with self._lock:
            session = self._by_id.get(session_id)
        if session is not None:
            return session
        raise KeyError(
            _(
                "no session {id} in this lab: it never existed, was cleared, or was "
                "dropped because the lab keeps only the last {count} sessions."
            ).format(id=repr(session_id), count=self._sessions.maxlen)
        )

    def clear(self) -> None:
        """Forget every session (ids keep counting up)."""
        with self._lock:
            self._sessions.clear()
            self._by_id.clear()
