"""Which lines of a session carry a secret, and what a secret looks like hidden.

This module is the one place that decides (docs/ARCHITECTURE.md): the protocol asks it
about every line sent during AUTH, and the transcript, the client's errors, the lab's
session log and the widgets all hide what it marks, with the one :data:`MASK`.

The rule (RFC 4954, and the mechanisms' own RFCs):

* ``AUTH PLAIN <blob>`` (and XOAUTH2, OAUTHBEARER, CRAM-MD5, any unknown mechanism)
  carries the secret on the AUTH line itself: the blob is hidden, ``AUTH PLAIN`` shown.
  ``AUTH LOGIN <user>`` carries only the user name (base64 is not secret, but it is not
  a password either); EXTERNAL and ANONYMOUS carry no secret.
* Every answer to a ``334`` is hidden (the password, a token, a digest), except ``*``
  (cancel), an empty answer, and LOGIN's first answer when it is the user name; LOGIN's
  and PLAIN's answers are answers before their prompts too (:func:`is_auth_answer`).
  Cut short (no line end), any answer and any initial response is hidden.
* A secret has other forms a server may echo or a learner may paste: its base64, the
  password inside a PLAIN blob, the token inside XOAUTH2. :func:`secret_forms` lists
  them, so a renderer can scrub any line that repeats one.

Where a form is masked in the other lines (:func:`scrub`, :func:`repeats`), however short
it is ("a", "250"), so that a server's echo never shows it:

* a form of :data:`MIN_SCRUBBED` characters or more wherever it occurs, even inside a
  longer word (``pass=s3cret99x``);
* a shorter one where it stands as a word of its own: not joined to an ASCII letter or
  digit on a side where the form itself begins or ends with one. With the password
  "mail", ``bad password mail`` and ``"mail"`` are masked, ``mailbox`` and ``MAIL FROM``
  are not; a CJK password is masked wherever it occurs.

A line is never hidden whole because it repeats a secret: it is shown with the forms
masked, and the rest of it (other words, the reply code) stays. The renderings cannot
tell an echo from a coincidence, so where the password is the text ("OK", "250"), that
text is masked too: the mask never hides more than the password itself.
"""

from __future__ import annotations

import contextlib
import functools
import re
from typing import Any, NamedTuple

from .auth import b64decode_text, b64encode_text, login_password, plain_response, xoauth2_response
from .errors import LocalProtocolError
from .i18n import N_, _
from .printable import printable

__all__: list[str] = []  # the kit's masking rule, applied by the transcript and the lab

MASK = "●●●●●●●●"
"""What a hidden secret looks like, everywhere but an explicit ``reveal()``."""

_KIND = {"PLAIN": "password", "LOGIN": "password", "CRAM-MD5": "digest"}
_KIND.update(XOAUTH2="token", OAUTHBEARER="token")
_KIND_WORDS = (N_("password"), N_("token"), N_("digest"), N_("secret"))  # for the catalog
_NO_SECRET_ON_AUTH_LINE = frozenset({"LOGIN", "EXTERNAL", "ANONYMOUS"})
_PASSWORD_PROMPT = ("pass", "pwd", "密码")
_ANSWERS_BEFORE_PROMPTS = {"LOGIN": 2, "PLAIN": 1}

_AUTH_LINE_SHOWN = re.compile(r"(?is)^(\s*\S+\s+\S+\s+)(?=\S)")

MIN_SCRUBBED = 6
"""A form this long is masked wherever it occurs; a shorter one (``"abc"``) only where it
stands as a word of its own, so that it does not hide parts of unrelated words."""


class Secret:
    """The bytes of a line that carries a password, token or digest, kept out of sight.

    ``str()`` and ``repr()`` show the mask; pickling fails. Only :meth:`reveal` gives
    the bytes: call it on purpose, never to log or print.
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

    @property
    def note(self) -> str:
        """What the line is, in words that may show the secret (for ``reveal()`` only)."""
        return self._note

    def reveal(self) -> bytes:
        """The hidden bytes, exactly as they were sent. For your own eyes only."""
        return self._value

    def __repr__(self) -> str:
        return f"<Secret: {MASK} ({self._kind} hidden)>"

    def __str__(self) -> str:
        return f"{MASK} {hidden(self._kind)}"

    def __reduce__(self) -> Any:
        raise TypeError(_("a Secret is not pickled: its bytes would be written out in clear"))

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


def hidden(kind: str) -> str:
    """``"(password hidden)"`` for a secret of ``kind``, in the current language."""
    return _("({kind} hidden)").format(kind=_(kind))


def kind_of(mechanism: str) -> str:
    """What the secret of ``mechanism`` is: ``"password"``, ``"token"``, ``"digest"``..."""
    return _KIND.get(mechanism, "secret")


def is_auth_answer(mechanism: str, initial_response: bool, answers: int, prompts: int) -> bool:
    """True when the client's next line answers the AUTH exchange (after ``answers``
    answers and ``prompts`` 334s): a 334 asked for one, or the mechanism expects it before
    any 334 (LOGIN the user name and the password, PLAIN the blob when not on the AUTH
    line; other mechanisms answer challenges, one line per 334)."""
    expected = _ANSWERS_BEFORE_PROMPTS.get(mechanism, 0) - initial_response
    return answers < max(expected, prompts)


def auth_line_secret(
    mechanism: str, initial_response: str | None, complete: bool = True
) -> str | None:
    """The kind of secret an ``AUTH mechanism [initial-response]`` line carries, or None
    (cut short, ``complete=False``: any initial response is hidden)."""
    no_secret = initial_response == "=" or mechanism in _NO_SECRET_ON_AUTH_LINE
    return None if not initial_response or (complete and no_secret) else kind_of(mechanism)


def auth_line_shown(text: str) -> str:
    """What a secret ``AUTH`` line may show (``"AUTH PLAIN "``), or ``""``."""
    match = _AUTH_LINE_SHOWN.match(text)
    return match[1] if match else ""


def masked_line(line: bytes, auth_line: bool = False) -> bytes:
    """A secret line as a log of bytes keeps it: :data:`MASK`, the line end, and for an
    AUTH line (``auth_line``) what :func:`auth_line_shown` allows before it."""
    shown = auth_line_shown(line.decode("latin-1")).encode("latin-1") if auth_line else b""
    return shown + MASK.encode() + line[len(line.rstrip(b"\r\n")) :]


def is_password_prompt(prompt: str | None) -> bool:
    """True when a decoded 334 prompt asks for a password (``Password:``, ``密码``)."""
    return prompt is not None and any(word in prompt.lower() for word in _PASSWORD_PROMPT)


def answer_secret(
    mechanism: str,
    number: int,
    initial_response: bool,
    prompt: str | None,
    answer: str,
    complete: bool = True,
) -> str | None:
    """The kind of secret the ``number``-th answer (from 1) of an AUTH exchange carries.

    ``prompt`` is the decoded text of the 334 it answers (None when it was sent before
    any prompt: a pipelining client). LOGIN's first answer is the user name unless the
    prompt asks for a password. An answer cut short (``complete=False``) is always hidden.
    """
    if complete and answer.strip() in ("*", ""):
        return None
    user_name_turn = complete and mechanism == "LOGIN" and number == 1 and not initial_response
    if user_name_turn and not is_password_prompt(prompt):
        return None
    return kind_of(mechanism)


class AnswerParts(NamedTuple):
    """A decoded AUTH answer taken apart: its secret, and who it names (not secret)."""

    secret: str  # the password, token or digest; the whole answer when it has no parts
    user: str | None = None  # the identity it names, when the mechanism carries one
    authzid: str = ""  # PLAIN's authorization identity (RFC 4616 §2)


def answer_parts(mechanism: str, decoded: str) -> AnswerParts:
    """Take a decoded secret answer of ``mechanism`` apart: PLAIN's ``authzid NUL user NUL
    password`` (RFC 4616), XOAUTH2's and OAUTHBEARER's ``user=``/``a=`` and
    ``auth=Bearer token`` (RFC 7628), CRAM-MD5's ``user digest`` (RFC 2195)."""
    if mechanism == "PLAIN" and decoded.count("\0") == 2:
        authzid, user, password = decoded.split("\0")
        return AnswerParts(password, user, authzid)
    if mechanism in ("XOAUTH2", "OAUTHBEARER"):
        token = re.search(r"auth=Bearer ([^\x01]*)", decoded)
        user = re.search(r"(?:user=|a=)([^\x01,]*)", decoded)
        return AnswerParts(token[1] if token else decoded, user[1] if user else None)
    if mechanism == "CRAM-MD5":
        user, _, digest = decoded.rpartition(" ")
        if user:
            return AnswerParts(digest, user)
    return AnswerParts(decoded)


def secret_forms(mechanism: str, blob: str) -> set[str]:
    """The texts that would give away the secret answer ``blob`` (base64) of
    ``mechanism``: the blob, the password, token or digest inside it (what it decodes
    to, when it has no parts), and their base64 and visible forms."""
    decoded = b64decode_text(blob) or ""  # not base64: only the blob, in its forms
    return forms_of(blob, answer_parts(mechanism, decoded).secret)


def forms_of(*values: str | None) -> set[str]:
    """Each value, as a display shows it (control characters visible) and its base64:
    what to scrub so that none of them shows."""
    forms: set[str] = set()
    for value in values:
        if value:
            forms.update((value, printable(value), b64encode_text(value)))
    return forms


def password_forms(username: str, password: str) -> tuple[str, ...]:
    """What a server could echo of a password (``535 bad password s3cret``): the
    password and its base64 forms (LOGIN, PLAIN, XOAUTH2), longest first."""
    forms = {password, printable(password)}
    encoders = (
        functools.partial(login_password, password),
        functools.partial(plain_response, username, password),
        functools.partial(xoauth2_response, username, password),
    )
    for encode in encoders:
        # An encoder refuses what its mechanism cannot carry (a NUL, a ^A): that form was
        # never sent, and its refusal must not replace the error being masked.
        with contextlib.suppress(LocalProtocolError):
            forms.add(encode())
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


def scrub(text: str, forms: set[str] | tuple[str, ...]) -> str:
    """``text`` with every form of a secret replaced by :data:`MASK`, longest first, by
    the rule of this module: short forms only where they stand as a word of their own."""
    return _occurrences(frozenset(forms)).sub(MASK, text) if forms else text


def repeats(text: str, forms: set[str] | tuple[str, ...]) -> bool:
    """True when ``text`` holds a form of a secret that :func:`scrub` would mask."""
    return bool(forms) and _occurrences(frozenset(forms)).search(text) is not None


@functools.lru_cache(maxsize=64)
def _occurrences(forms: frozenset[str]) -> re.Pattern[str]:
    """Where any of ``forms`` counts as an occurrence of a secret (the module's rule),
    longest first: one pattern, so a rendering is read once whatever the forms."""
    patterns = []
    for form in sorted(forms, key=len, reverse=True):
        pattern = re.escape(form)
        if len(form) < MIN_SCRUBBED:
            before = "(?<![A-Za-z0-9])" if form[0].isascii() and form[0].isalnum() else ""
            after = "(?![A-Za-z0-9])" if form[-1].isascii() and form[-1].isalnum() else ""
            pattern = before + pattern + after
        patterns.append(pattern)
    return re.compile("|".join(patterns))


class SecretText:
    """A password or token as the learner gave it, kept out of sight from the start.

    ``str()`` and ``repr()`` show the mask, so a traceback that prints every frame's
    locals (IPython's verbose mode, ``TracebackException(capture_locals=True)``) shows no
    password; pickling fails. :meth:`reveal` gives the text: the client calls it only
    where the text is base64-encoded for the wire.
    """

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            message = _("a password is text (str), not {type}.")
            raise TypeError(message.format(type=type(text).__name__))
        self._text = text

    @classmethod
    def wrap(cls, value: str | SecretText) -> SecretText:
        """``value`` as a SecretText (itself when it already is one)."""
        return value if isinstance(value, SecretText) else cls(value)

    def reveal(self) -> str:
        """The hidden text, exactly as given. Call it on purpose, never to log or print."""
        return self._text

    def __bool__(self) -> bool:
        return bool(self._text)

    def __repr__(self) -> str:
        return f"<SecretText: {MASK} (hidden)>"

    def __str__(self) -> str:
        return f"{MASK} " + _("(hidden)")

    def __reduce__(self) -> Any:
        raise TypeError(_("a SecretText is not pickled: its text would be written out in clear"))
