"""Text a peer sent, made safe to show on a terminal, in a page or in a picture.

A server (or any process that talks to the lab) chooses every byte of its lines. Shown
as they are, some characters act instead of showing: ESC starts a terminal escape
sequence (ESC ``[2J`` clears the screen, ESC ``]0;...`` BEL retitles the window), CR
goes back to the start of the line to overwrite it, C1 controls (U+009B is a one-byte
ESC ``[``) do the same on some terminals, bidi controls (U+202E) reorder what follows so
a line reads differently than it is, and XML 1.0 forbids most C0 controls, U+FFFE,
U+FFFF and lone surrogates outright, even written as ``&#x1b;`` (an SVG with one of them
is not drawn at all). :func:`printable` shows each of them as a visible stand-in:

* C0 controls and DEL as the Unicode control pictures the kit uses everywhere (NUL as
  ␀, as in AUTH PLAIN's ``␀user␀password``; CR as ␍, ESC as ␛);
* C1 controls, bidi controls, the line and paragraph separators, lone surrogates,
  U+FFFE and U+FFFF by their code point in angle brackets: ``⟨U+009B⟩``, ``⟨U+202E⟩``.

Each stand-in takes one column per character shown, so the text layout stays aligned,
and each output reads back to exactly one input: a control picture or a ``⟨`` that the
peer sent itself is written by its code point too (``⟨U+241B⟩``, ``⟨U+27E8⟩``).
Printable ASCII, backslashes included, is never changed.
"""

from __future__ import annotations

import re

__all__: list[str] = []

_PICTURES = {**{i: 0x2400 + i for i in range(32)}, 0x7F: 0x2421}
_ACTING = (
    "\x00-\x08\x0b-\x1f\x7f"  # C0 (not TAB; LF where lines are not kept), DEL
    "\x80-\x9f"  # C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, isolates
    "\u2028\u2029"  # line and paragraph separators: new lines in some viewers
    "\ud800-\udfff\ufffe\uffff"  # lone surrogates and non-characters: not XML
)
_PRETENDERS = "\u2400-\u2421\u27e8"  # control pictures and ⟨ sent as such
_PATTERNS = {
    (newlines, keep): re.compile(
        f"[{_ACTING}{'' if newlines else chr(10)}{'' if keep else _PRETENDERS}]"
    )
    for newlines in (False, True)
    for keep in (False, True)
}


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match[0])
    return chr(_PICTURES[code]) if code in _PICTURES else f"⟨U+{code:04X}⟩"


def printable(text: str | None, *, newlines: bool = False, keep_stand_ins: bool = False) -> str:
    """``text`` with every character that would act instead of showing made visible
    (ESC as ␛, CR as ␍, U+202E as ``⟨U+202E⟩``: see the module's docstring).

    TAB stays. LF is shown as ␊ too, unless ``newlines=True``: then the text keeps its
    own line structure (an error message of several lines). ``keep_stand_ins=True`` is
    for text that may hold this function's output already (an error message that quotes
    a reply): stand-ins are left as they are, so nothing is shown twice escaped.
    """
    if not text:
        return ""
    if text.isascii() and text.isprintable():
        return text
    return _PATTERNS[newlines, keep_stand_ins].sub(_stand_in, text)
