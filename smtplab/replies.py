"""SMTP replies as values, and what they mean in words a learner understands.

This module sits at the very bottom of the core: it imports only smtplab.i18n (the
language of its explanations; protocol tokens, codes and RFC numbers stay as they are)
and its tables of meanings, :mod:`smtplab.reply_meanings`.

A reply is a three-digit code and one or more lines of text (RFC 5321 §4.2)::

    250-lab.smtplab.test        <- "250-": more lines follow
    250-PIPELINING
    250 STARTTLS                <- "250 ": the last line

Many servers put an *enhanced status code* (RFC 3463, announced with RFC 2034's
ENHANCEDSTATUSCODES) at the start of the text: ``550 5.1.1 No such user``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import reply_meanings as meanings
from .i18n import _

__all__ = ["Reply", "explain", "explain_code"]


_ENHANCED_RE = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)")


@dataclass(frozen=True)
class EnhancedStatus:
    """An RFC 3463 enhanced status code such as ``5.7.8`` (class.subject.detail)."""

    klass: int
    subject: int
    detail: int

    @classmethod
    def parse(cls, text: str) -> EnhancedStatus | None:
        """Read an enhanced code from the start of a reply's text, or return None."""
        match = _ENHANCED_RE.match(text)
        if match is None:
            return None
        return cls(int(match[1]), int(match[2]), int(match[3]))

    def __str__(self) -> str:
        return f"{self.klass}.{self.subject}.{self.detail}"


CJK_CHARACTER = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
"""A CJK character or CJK punctuation, full-width forms included (a pattern)."""
_CJK_RUN = CJK_CHARACTER + "{2,}"
_PRIVATE_USE = r"[\ue000-\uf8ff]"


def _looks_chinese(text: str) -> bool:
    """True when a GB18030 decoding produced Chinese text, not accidental byte pairs.

    Latin-1 text such as "Müller" also decodes as GB18030 (``FC 6C`` is a valid pair),
    but into one isolated character between Latin letters; real Chinese text has runs
    of at least two CJK characters or CJK punctuation, and no private-use characters.
    (The patterns are compiled on first use, by re's cache: their large character
    ranges took 2 ms of ``import smtplab``, and most sessions never need them.)
    """
    return bool(re.search(_CJK_RUN, text)) and not re.search(_PRIVATE_USE, text)


def decode_reply_text(raw: bytes) -> str:
    """Decode the text of a reply line for display.

    RFC 5321 replies are ASCII and RFC 6531 allows UTF-8, so valid UTF-8 wins. Some
    servers (QQ Mail, for one) answer in GBK: bytes that are not UTF-8 but decode as
    GB18030 (a superset of GBK) to Chinese text are read that way. Anything else is read
    as Latin-1, which never fails. One ambiguity is left on purpose: a few GBK strings
    are also valid UTF-8 (系统 is ``CF B5 CD B3``, which UTF-8 reads as "ϵͳ"); UTF-8
    wins there, because reading Cyrillic or Greek UTF-8 replies as Chinese would be worse.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_chinese(text):
        return text
    return raw.decode("latin-1")


def reply_lines(code: int, texts: Iterable[str]) -> tuple[str, ...]:
    """The lines of a reply as sent, without their CRLF: ``250-`` in front of every
    line but the last, ``250 `` in front of the last (RFC 5321 §4.2.1)."""
    texts = tuple(texts)
    last = len(texts) - 1
    return tuple(f"{code}{'-' if i < last else ' '}{text}" for i, text in enumerate(texts))


@dataclass(frozen=True)
class Reply:
    """One complete server reply.

    ``code`` is the three-digit code, ``lines`` the text of each line without the
    code and separator, ``raw`` the exact bytes received (every line with its CRLF).
    """

    code: int
    lines: tuple[str, ...]
    raw: bytes = field(default=b"", repr=False, compare=False)

    @classmethod
    def from_text(cls, code: int, *lines: str) -> Reply:
        """Build a reply from its code and text lines (handy in tests and examples)."""
        texts = lines or ("",)
        rendered = "".join(f"{line}\r\n" for line in reply_lines(code, texts)).encode()
        return cls(code, tuple(texts), rendered)

    @property
    def text(self) -> str:
        """All the lines' text, joined with newlines."""
        return "\n".join(self.lines)

    @property
    def enhanced(self) -> EnhancedStatus | None:
        """The RFC 3463 enhanced status code at the start of the text, if any."""
        return EnhancedStatus.parse(self.lines[0]) if self.lines else None

    @property
    def message(self) -> str:
        """The text without the enhanced status code on each line."""
        return "\n".join(_ENHANCED_RE.sub("", line, count=1).lstrip() for line in self.lines)

    @property
    def klass(self) -> int:
        """The first digit: 2 done, 3 go on, 4 retry later, 5 give up (or fix and resend)."""
        return self.code // 100

    @property
    def is_success(self) -> bool:
        """2xx: the command was carried out."""
        return self.klass == 2

    @property
    def is_intermediate(self) -> bool:
        """3xx: the server waits for more (the message after DATA, an AUTH answer)."""
        return self.klass == 3

    @property
    def is_transient(self) -> bool:
        """4xx: it failed this time; the same command may work later."""
        return self.klass == 4

    @property
    def is_permanent(self) -> bool:
        """5xx: it failed, and repeating it unchanged will fail again."""
        return self.klass == 5

    def __str__(self) -> str:
        return "\n".join(reply_lines(self.code, self.lines or ("",)))


def explain_code(code: int) -> str:
    """A sentence on what a basic reply code means; falls back to its class."""
    meaning = meanings.CODE_MEANING.get(code)
    klass = _(meanings.CLASS_MEANING.get(code // 100, meanings.NOT_A_CLASS))
    return f"{code}: {_(meaning)} ({klass})" if meaning else f"{code}: {klass}"


def explain_enhanced(status: EnhancedStatus) -> str:
    """A sentence on what an RFC 3463 enhanced status code means."""
    subject = _(meanings.ENHANCED_SUBJECT.get(status.subject, meanings.UNKNOWN_SUBJECT))
    detail = meanings.ENHANCED_DETAIL.get((status.subject, status.detail))
    outcome = _(meanings.OUTCOME.get(status.klass, "?"))
    if detail:
        text = _("{detail} ({outcome}; subject: {subject})")
        return f"{status}: " + text.format(detail=_(detail), outcome=outcome, subject=subject)
    return f"{status}: " + _("{outcome}, about {subject}").format(outcome=outcome, subject=subject)


def explain(reply: Reply) -> str:
    """Say in plain words what a reply means: its code, then its enhanced code.

    The words are English unless another language was chosen (``smtplab.set_language``
    or ``SMTPLAB_LANG``); the codes themselves are never translated.
    """
    parts = [explain_code(reply.code)]
    if reply.enhanced is not None:
        parts.append(explain_enhanced(reply.enhanced))
    return "; ".join(parts)
