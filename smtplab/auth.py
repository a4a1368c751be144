"""Logging in (SMTP AUTH, RFC 4954): the SASL mechanisms as pure functions.

Every function returns the base64 text to send, so you can see each step::

    AUTH PLAIN     one line: base64("authzid\\0user\\0password")         RFC 4616
    AUTH LOGIN     334 "Username:" -> base64(user); 334 "Password:" -> base64(password)
    AUTH CRAM-MD5  334 challenge -> base64(user + " " + HMAC-MD5(password, challenge))
                                                                          RFC 2195
    AUTH XOAUTH2   base64("user=" + user + "\\1auth=Bearer " + token + "\\1\\1")  (Google)

User names and passwords are UTF-8 (RFC 4616 §2), sent exactly as given: no SASLprep (RFC
4013), and bytes os.environ could not decode (lone surrogates) go out as those bytes. Base64
is an *encoding*, not encryption: anyone who sees the line can decode it (use TLS).
"""

from __future__ import annotations

import base64
import binascii
import hmac

from . import errors_texts
from .errors import LocalProtocolError, NotSupported, RemoteProtocolError
from .i18n import N_, _

__all__ = ["plain_response"]

MECHANISMS: tuple[str, ...] = ("PLAIN", "LOGIN", "CRAM-MD5")
"""Password mechanisms in the order :func:`choose_mechanism` prefers them.

PLAIN first: one round trip, and inside TLS it is as safe as the others. LOGIN is what
many providers list first, with the same security. CRAM-MD5 never sends the password
but needs the server to store it in a usable form, and MD5 is weak; RFC 8314 era
servers rarely offer it.
"""

SUPPORTED_MECHANISMS: frozenset[str] = frozenset((*MECHANISMS, "XOAUTH2"))
"""Every mechanism this kit can speak (XOAUTH2 takes a token, not a password)."""


def b64encode_text(text: str) -> str:
    """Base64 of the UTF-8 bytes of ``text`` (surrogate escapes: the bytes), as text.

    >>> b64encode_text("Username:")
    'VXNlcm5hbWU6'
    """
    return base64.b64encode(text.encode("utf-8", "surrogateescape")).decode("ascii")


def b64decode_text(data: str) -> str | None:
    """Decode base64 to UTF-8 text for annotations; None when it is not base64 of text.

    Whitespace around ``data`` is ignored; ``""`` decodes to ``""``.

    >>> b64decode_text("VXNlcm5hbWU6")
    'Username:'
    >>> b64decode_text("not base64!") is None
    True
    """
    try:
        raw = base64.b64decode(data.strip(), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


NOT_TEXT = N_("{what} must be text (str), not {type}.")
"""The refusal of a credential that is not ``str`` (the exercise checks recognise it)."""


NOT_UTF8 = N_("a lone surrogate is no character, and UTF-8 cannot carry it.")


def _no_char(value: str, char: str, what: str, why: str) -> str:
    """``value``, refused when it holds ``char`` (``why`` says why) or is no UTF-8 text."""
    if not isinstance(value, str):
        raise LocalProtocolError(_(NOT_TEXT).format(what=_(what), type=type(value).__name__))
    if char in value:
        raise _bad_character(value, value.index(char), what, why)
    return _utf8_text(value, what)


def _utf8_text(value: str, what: str) -> str:
    """``value``, refused when UTF-8 cannot carry it: a lone surrogate that is no byte
    escaped by ``os.environ`` (U+D800, say; those go out as the bytes they stand for)."""
    try:
        value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as unsendable:
        position = unsendable.start  # the error holds the whole value: not chained on
    else:
        return value
    raise _bad_character(value, position, what, NOT_UTF8)


def _bad_character(value: str, position: int, what: str, why: str) -> LocalProtocolError:
    message = _(errors_texts.AUTH_BAD_CHARACTER)
    char = repr(value[position])
    return LocalProtocolError(
        message.format(what=_(what), char=char, position=position, why=_(why))
    )


def plain_response(username: str, password: str, authzid: str = "") -> str:
    r"""The AUTH PLAIN response: base64 of ``authzid NUL username NUL password`` (RFC 4616).

    ``authzid`` (act as another user) is almost always empty.

    >>> plain_response("tim", "tanstaaftanstaaf")
    'AHRpbQB0YW5zdGFhZnRhbnN0YWFm'
    """
    why = N_("PLAIN separates its three fields with NUL bytes (RFC 4616 §2).")
    _no_char(authzid, "\0", N_("the authorization identity"), why)
    _no_char(username, "\0", N_("the user name"), why)
    _no_char(password, "\0", N_("the password"), why)
    return b64encode_text(f"{authzid}\0{username}\0{password}")


def login_username(username: str) -> str:
    """The answer to LOGIN's first 334 ("Username:"): base64 of the user name.

    >>> login_username("student")
    'c3R1ZGVudA=='
    """
    _no_char(username, "\0", N_("the user name"), N_("a NUL byte cannot be part of it."))
    return b64encode_text(username)


def login_password(password: str) -> str:
    """The answer to LOGIN's second 334 ("Password:"): base64 of the password.

    >>> login_password("secret")
    'c2VjcmV0'
    """
    _no_char(password, "\0", N_("the password"), N_("a NUL byte cannot be part of it."))
    return b64encode_text(password)


def cram_md5_response(username: str, password: str, challenge_b64: str) -> str:
    """The CRAM-MD5 answer: base64 of ``username + " " + hex(HMAC-MD5(password, challenge))``.

    ``challenge_b64`` is the text of the server's 334 reply (RFC 2195). Raises
    RemoteProtocolError when the challenge is not base64.

    >>> cram_md5_response("tim", "tanstaaftanstaaf",
    ...     "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+")
    'dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw'
    """
    try:
        challenge = base64.b64decode(challenge_b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        message = _(errors_texts.AUTH_CRAM_CHALLENGE)
        raise RemoteProtocolError(message.format(challenge=repr(challenge_b64[:60]))) from None
    key = _utf8_text(password, N_("the password")).encode("utf-8", "surrogateescape")
    digest = hmac.new(key, challenge, "md5").hexdigest()
    return b64encode_text(f"{username} {digest}")


def xoauth2_response(username: str, token: str) -> str:
    r"""The XOAUTH2 response (Google, Microsoft): an OAuth 2.0 access token, not a password.

    base64 of ``"user=" + username + "\x01auth=Bearer " + token + "\x01\x01"``.

    >>> xoauth2_response("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
    'dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=='
    """
    why = N_("XOAUTH2 separates its fields with \\x01 bytes.")
    _no_char(username, "\x01", N_("the user name"), why)
    _no_char(token, "\x01", N_("the token"), why)
    return b64encode_text(f"user={username}\x01auth=Bearer {token}\x01\x01")  # i18n: keep wire


def choose_mechanism(offered: frozenset[str], preferred: str | None = None) -> str:
    """Pick the mechanism to log in with.

    ``offered`` is what the server listed after AUTH in its EHLO reply (see
    :attr:`smtplab.extensions.Extensions.auth_mechanisms`). With ``preferred``, that
    one is used if the server offers it and the kit speaks it; without, the first of
    :data:`MECHANISMS` the server offers. Raises NotSupported, saying what the server
    offers and what to do, when there is no match.

    >>> choose_mechanism(frozenset({"LOGIN", "PLAIN", "XOAUTH2"}))
    'PLAIN'
    """
    offered_upper = frozenset(mechanism.upper() for mechanism in offered)
    listing = ", ".join(sorted(offered_upper))
    if not offered_upper:
        raise NotSupported(_(errors_texts.AUTH_NONE_OFFERED))
    if preferred is not None:
        wanted = preferred.upper()
        if wanted not in SUPPORTED_MECHANISMS:
            known = ", ".join(sorted(SUPPORTED_MECHANISMS))
            message = _(errors_texts.AUTH_UNKNOWN_MECHANISM)
            message += _(errors_texts.AUTH_SERVER_OFFERS)
            raise NotSupported(message.format(wanted=wanted, known=known, listing=listing))
        if wanted not in offered_upper:
            message = _(errors_texts.AUTH_NOT_OFFERED)
            raise NotSupported(message.format(wanted=wanted, listing=listing))
        return wanted
    for mechanism in MECHANISMS:
        if mechanism in offered_upper:
            return mechanism
    hint = _(errors_texts.AUTH_XOAUTH2_HINT) if "XOAUTH2" in offered_upper else ""
    message = _(errors_texts.AUTH_NO_PASSWORD_MECHANISM)
    raise NotSupported(message.format(listing=listing, mechanisms=", ".join(MECHANISMS), hint=hint))
