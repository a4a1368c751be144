"""Faults on demand, for the lessons on errors: a refusal, a slow or silent server, a drop.

A :class:`Fault` says what the lab does *instead of* (or before) its normal answer at one
step of the dialogue (:data:`STEPS`): ``CONNECT`` (the greeting), each command, ``BODY``
(while the message arrives, after 354) and ``DATA_END`` (the reply after the final dot;
``MESSAGE`` is an alias). Actions: ``reply`` (send this reply instead; the command has no
other effect), ``slow`` (wait, then answer normally), ``hang`` (never answer; the
connection stays open until the client gives up or the lab stops) and ``drop`` (close the
connection without a reply). A ``421`` reply closes the connection (RFC 5321 §3.8).
:class:`SplitReplies` is a fault of the wire rather than of a step: every reply the lab
sends goes out in several pieces with a pause between them, as over a slow network, so
a reader that takes one ``recv()`` for one reply is seen to fail.
:class:`FaultBook` holds the faults of one lab, shared by the notebook's thread (which
adds them) and the server thread (which takes them).
"""

from __future__ import annotations

import fnmatch
import math
import re
import threading
from dataclasses import dataclass, replace
from typing import Literal

from ..i18n import N_, _
from ..replies import EnhancedStatus, Reply, reply_lines

__all__: list[str] = []  # faults are set with LabServer.fail() and its siblings

# fmt: off
STEPS: tuple[str, ...] = (
    "CONNECT", "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BODY", "DATA_END",
    "RSET", "NOOP", "VRFY", "HELP", "QUIT",
)
"""The points of the dialogue where a fault can be placed, in dialogue order."""
# fmt: on

_ALIASES = {
    "MESSAGE": "DATA_END",
    "DATA-END": "DATA_END",
    "DATAEND": "DATA_END",
    "GREETING": "CONNECT",
}

FaultAction = Literal["reply", "slow", "hang", "drop"]
"""What a fault does: send a reply, wait then go on, never answer, or drop the connection."""

_ADDRESS_STEPS = ("MAIL", "RCPT")
_BODY_ACTIONS = ("reply", "drop")
_LINE_PREFIX = re.compile(r"^([2-5]\d\d)([ -]|$)")


def parse_fault_reply(reply: str | Reply) -> tuple[str, ...]:
    """Check a reply given to :meth:`LabServer.fail` and return its lines (``"550 ..."``).

    ``reply`` is ``"550 5.1.1 No such user"``, several lines joined with newlines (each
    may repeat the code, ``"451-..."``), or a :class:`~smtplab.replies.Reply`. The code
    must be 2xx, 4xx or 5xx, and an enhanced code, when given, must agree with it
    (RFC 2034 §4). Lines without an enhanced code get one when the reply is sent.
    """
    if isinstance(reply, Reply):
        code, texts = reply.code, list(reply.lines or ("",))
    else:
        text = str(reply).replace("\r\n", "\n")
        if "\r" in text or "\0" in text:
            raise ValueError(_("a fault reply must not contain CR or NUL characters."))
        raw_lines = text.split("\n")
        match = _LINE_PREFIX.match(raw_lines[0])
        if match is None:
            raise ValueError(
                _(
                    "fault reply {reply} must start with a 2xx, 4xx or 5xx code, "
                    "e.g. '550 5.1.1 No such user' or '451 4.7.1 Try again later'."
                ).format(reply=repr(reply))
            )
        code = int(match[1])
        texts = []
        for line in raw_lines:
            line_match = _LINE_PREFIX.match(line)
            if line_match is not None and int(line_match[1]) == code:
                line = line[4:]
            texts.append(line)
    if code // 100 not in (2, 4, 5):
        raise ValueError(
            _(
                "fault reply code {code}: use a 2xx, 4xx or 5xx code (3xx replies are the "
                "server asking for more, which a fault cannot continue)."
            ).format(code=code)
        )
    for text in texts:
        status = EnhancedStatus.parse(text)
        if status is not None and status.klass != code // 100:
            raise ValueError(
                _(
                    "fault reply {code} {text}: the enhanced code {status} must start with "
                    "{klass} to agree with the reply code (RFC 2034 §4)."
                ).format(code=code, text=repr(text), status=status, klass=code // 100)
            )
    return tuple(line.rstrip() for line in reply_lines(code, texts))


@dataclass
class Fault:
    """One fault: at ``step``, do ``action`` (see the module docstring).

    ``reply`` holds the reply lines for the ``reply`` action; ``delay`` is the wait in
    seconds before acting (``slow`` waits then answers normally); ``times`` is how many
    times it applies (None: until cleared); ``address`` limits a MAIL or RCPT fault to
    addresses matching this shell-style pattern (``"nobody@*"``, case-insensitive);
    ``used`` counts how many times it has applied.
    """

    step: str
    action: FaultAction
    reply: tuple[str, ...] = ()
    delay: float = 0.0
    times: int | None = None
    address: str | None = None
    used: int = 0

    def __post_init__(self) -> None:
        name = str(self.step).strip().upper()  # any case; MESSAGE is DATA_END
        if _ALIASES.get(name, name) not in STEPS:
            raise ValueError(
                _(
                    "unknown step {step}: choose one of {steps} "
                    "(DATA is the reply to the DATA command, BODY the message itself, "
                    "DATA_END the reply after the final dot)."
                ).format(step=repr(self.step), steps=", ".join(STEPS))
            )
        self.step = _ALIASES.get(name, name)
        if self.action not in ("reply", "slow", "hang", "drop"):
            raise ValueError(_("unknown fault action {action}.").format(action=repr(self.action)))
        if self.action == "reply" and not self.reply:
            raise ValueError(
                _("a reply fault needs the reply to send, e.g. '550 5.1.1 No such user'.")
            )
        if not 0 <= self.delay < math.inf:  # also refuses nan, which compares False
            raise ValueError(
                _("delay must be a finite number of seconds, zero or more, not {delay}.").format(
                    delay=repr(self.delay)
                )
            )
        if self.times is not None and (isinstance(self.times, bool) or self.times < 1):
            raise ValueError(_(_TIMES).format(times=repr(self.times)))
        if self.address is not None and self.step not in _ADDRESS_STEPS:
            raise ValueError(
                _(
                    "address= applies to MAIL or RCPT only (the address in the command), "
                    "not to {step}."
                ).format(step=self.step)
            )
        if self.step == "BODY" and (self.action not in _BODY_ACTIONS or self.delay):
            raise ValueError(
                _(
                    "at BODY (while the message arrives) a fault can only drop the connection "
                    "or send a reply and close; for a slow or silent answer to the message, "
                    "use the DATA_END step."
                )
            )

    @property
    def remaining(self) -> int | None:
        """How many more times the fault applies (None: until cleared)."""
        return None if self.times is None else max(self.times - self.used, 0)

    @property
    def exhausted(self) -> bool:
        """True once the fault has applied ``times`` times."""
        return self.times is not None and self.used >= self.times

    def matches(self, step: str, address: str | None) -> bool:
        """True if this fault applies to ``step`` with ``address`` (MAIL/RCPT) now."""
        if self.exhausted or step != self.step:
            return False
        if self.address is None:
            return True
        return address is not None and fnmatch.fnmatchcase(address.lower(), self.address.lower())

    def __str__(self) -> str:
        what = {
            "reply": _("reply {reply}").format(reply=" / ".join(self.reply)),
            "slow": _("answer after {seconds} s").format(seconds=f"{self.delay:g}"),
            "hang": _("never answer"),
            "drop": _("drop the connection"),
        }[self.action]
        if self.delay and self.action != "slow":
            what += _(" after {seconds} s").format(seconds=f"{self.delay:g}")
        scope = (
            _(" for addresses matching {pattern}").format(pattern=self.address)
            if self.address
            else ""
        )
        left = (
            _("always")
            if self.times is None
            else _("{left} of {times} uses left").format(left=self.remaining, times=self.times)
        )
        return _("{step}: {what}{scope} ({left})").format(
            step=self.step, what=what, scope=scope, left=left
        )


_TIMES = N_("times must be a positive count or None (always), not {times}.")

MAX_SPLIT_PAUSE = 5.0
"""The longest pause between two pieces of a reply (seconds) :class:`SplitReplies` allows."""


@dataclass
class SplitReplies:
    """Every reply the lab sends goes out in ``pieces`` separate writes, ``pause`` seconds
    apart (separate TCP segments: the lab sets TCP_NODELAY), for ``times`` replies (None:
    until cleared). ``used`` counts the replies split so far."""

    pieces: int = 3
    pause: float = 0.02
    times: int | None = None
    used: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.pieces, bool) or not isinstance(self.pieces, int) or self.pieces < 2:
            raise ValueError(
                _("pieces must be an int of at least 2, not {pieces}.").format(
                    pieces=repr(self.pieces)
                )
            )
        if not 0 <= self.pause <= MAX_SPLIT_PAUSE:  # also refuses nan
            raise ValueError(
                _("pause must be between 0 and {limit} seconds, not {pause}.").format(
                    limit=f"{MAX_SPLIT_PAUSE:g}", pause=repr(self.pause)
                )
            )
        if self.times is not None and (isinstance(self.times, bool) or self.times < 1):
            raise ValueError(_(_TIMES).format(times=repr(self.times)))

    def cut(self, data: bytes) -> list[bytes]:
        """``data`` in at most :attr:`pieces` pieces of nearly equal length, in order."""
        size = max(1, -(-len(data) // self.pieces))
        return [data[start : start + size] for start in range(0, len(data), size)]

    def __str__(self) -> str:
        left = _("always")
        if self.times is not None:
            left = _("{left} of {times} left").format(
                left=max(self.times - self.used, 0), times=self.times
            )
        return _("every reply in {pieces} pieces, {pause} s apart ({left})").format(
            pieces=self.pieces, pause=f"{self.pause:g}", left=left
        )


class FaultBook:
    """The faults of one lab, shared by the notebook's thread and the server thread.

    The server asks at every step whether a fault applies, so the common answer ("no
    fault here") is made cheap: the book keeps the set of steps that have a fault,
    replaced as a whole under the lock when a fault is added or the book cleared, and read
    without it (reading one attribute is atomic). A used-up fault stays in the set until
    :meth:`clear`: it only tells where to look.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._steps: frozenset[str] = frozenset()
        self._split: SplitReplies | None = None

    def _refresh(self) -> None:
        """Recompute the step set (the caller holds the lock)."""
        self._steps = frozenset(fault.step for fault in self._faults)

    def add(self, fault: Fault) -> Fault:
        """Add ``fault``; the first fault added that matches a step is the one applied."""
        with self._lock:
            self._faults.append(fault)
            self._refresh()
        return fault

    def has(self, step: str) -> bool:
        """True if a fault may apply at ``step`` (a cheap check, without the lock)."""
        return step in self._steps

    def take(self, step: str, address: str | None = None) -> Fault | None:
        """Return a copy of the fault to apply at ``step`` now (counting the use), or None."""
        if step not in self._steps:
            return None
        with self._lock:
            for fault in self._faults:
                if fault.matches(step, address):
                    fault.used += 1
                    return replace(fault)
        return None

    def split_replies(self, split: SplitReplies) -> SplitReplies:
        """Split the replies from now on (replacing any earlier :class:`SplitReplies`)."""
        with self._lock:
            self._split = split
        return split

    def take_split(self) -> SplitReplies | None:
        """The split to apply to the reply being sent now (counting the use), or None."""
        if self._split is None:  # the common case, without the lock
            return None
        with self._lock:
            split = self._split
            if split is None or (split.times is not None and split.used >= split.times):
                return None
            split.used += 1
            return split

    def clear(self) -> None:
        """Remove every fault: the lab behaves normally again."""
        with self._lock:
            self._faults.clear()
            self._split = None
            self._refresh()

    def snapshot(self) -> list[Fault]:
        """The faults still active (not used up), oldest first."""
        with self._lock:
            return [fault for fault in self._faults if not fault.exhausted]
