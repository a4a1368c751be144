"""What we know about real mail providers, and the failures learners meet with them.

Each :class:`Provider` preset says where a program sends mail (host, implicit-TLS port,
STARTTLS port), which AUTH mechanisms the server takes, and what it wants as the
password: the account password, an *app password*, QQ's and NetEase's *authorization
code*, or OAuth2 only. :func:`explain_failure` and :func:`advice_for` turn the error a
learner actually sees (a server reply, or a transport error such as
``WRONG_VERSION_NUMBER``) into a sentence that says what to do.

How far to trust this data
--------------------------
* Every fact names the public page it comes from (:class:`Source`), with the date we read
  our stored copy (``read_on``) and, when the copy shows one, its own date (``dated``).
  A fact without a source is left out: ``None``, an empty tuple, or "unknown" in
  ``notes``. Several sources are third-party guides, and ``note`` says so.
* Every preset carries ``verified=False``: nobody has yet checked it against the live
  service. Providers change their rules (Microsoft and Google both did); check before
  relying on a preset.
* ``Provider.observed`` holds greetings, EHLO replies and error texts **as quoted in
  public reports** (GitHub issues, posts quoting client debug logs). They are NOT
  recordings made by this project and nothing here has contacted a provider. The lab's
  look-alike profiles are imitations built from these quotes. Client host names and IP
  addresses in them were replaced by documentation values (RFC 5737 / RFC 3849).

The logic is here; the records are in data modules with no logic: ``sources`` (where
each fact comes from), ``observed`` (the quoted replies), ``presets`` and ``failures``;
``records`` holds the kinds of record they are made of. Part of the sans-I/O core:
standard library only, no network code.
"""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Mapping
from types import MappingProxyType

from ..errors import NotSupported, SmtplabError
from ..i18n import _
from ..replies import CJK_CHARACTER, Reply, decode_reply_text
from .failures import KNOWN_FAILURES
from .presets import PRESETS
from .records import KnownFailure, Provider
from .records import Observed as Observed
from .records import ObservedReply as ObservedReply
from .records import Source as Source
from .terms import DESCRIBE, PORT_KINDS
from .terms import IMITATION_NOTE as IMITATION_NOTE

__all__ = ["PROVIDERS", "Provider", "advice_for", "describe", "explain_failure", "get_provider"]

PROVIDERS: Mapping[str, Provider] = MappingProxyType({p.key: p for p in PRESETS})
"""Every preset by key (read-only)."""


class UnknownProviderError(SmtplabError, KeyError, ValueError):
    """No preset has that name; the message lists the names that exist."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


def get_provider(name: str | Provider) -> Provider:
    """Find a preset by key, alias, host or address, ignoring case and spaces.

    ``get_provider("QQMail")``, ``get_provider("m365")``, ``get_provider("smtp.gmail.com")``
    and ``get_provider("alice@163.com")`` all work. Raises :class:`UnknownProviderError`
    (a ``KeyError`` and a ``ValueError``) naming the known keys.
    """
    preset = _named(name)
    if preset is None:
        known = ", ".join(PROVIDERS)
        raise UnknownProviderError(DESCRIBE["unknown preset"].format(name=repr(name), known=known))
    return preset


def connection_target(
    provider: str, host: str | None, port: int | None, security: str | None
) -> tuple[str, int, str, str]:
    """Host, port, security mode and key of a provider's preset, each overridden when
    given (the port follows the security mode: implicit TLS or STARTTLS)."""
    preset = get_provider(provider)
    mode = security or preset.default_security
    if port is None:
        port = preset.tls_port if mode == "tls" else preset.starttls_port
        if port is None:
            raise NotSupported(
                _("{provider} has no known port for security={mode}: {ports}.").format(
                    provider=preset.name, mode=repr(mode), ports=preset.ports_sentence()
                )
            )
    return host or preset.host, port, mode, preset.key


def explain_failure(
    reply: Reply | None = None,
    *,
    provider: str | Provider | None = None,
    error_text: str | None = None,
) -> KnownFailure | None:
    """Recognise a known failure in a server reply or a transport error text.

    ``reply`` is what the server answered; ``error_text`` the text of an exception
    (``str(exc)`` of an ``ssl.SSLError``, a timeout, or smtplib's
    ``(535, b'...')``). ``provider`` (a key, alias or host) lets a generic reply such as
    ``535`` get that provider's advice; an unknown provider name is ignored, so this
    never raises. Returns None when nothing is recognised. The failure's explanation and
    advice are in the current language (``smtplab.set_language``).
    """
    preset = _named(provider)
    key = preset.key if preset is not None else None
    if reply is not None:
        text = reply.text
        for failure in KNOWN_FAILURES:
            if failure.kind == "reply" and failure.matches(reply.code, text, key):
                return failure.translated()
    if error_text:
        match = _LEADING_CODE_RE.match(error_text)
        code = int(match[1]) if match else None
        for reading in _readings(error_text):
            for failure in KNOWN_FAILURES:
                if failure.matches(code, reading, key):
                    return failure.translated()
    return None


def advice_for(
    reply: Reply | None = None,
    *,
    provider: str | Provider | None = None,
    error_text: str | None = None,
) -> str | None:
    """The sentence that tells the learner what to do, or None (see :func:`explain_failure`).

    For port-related failures with a known provider, its port facts are added:
    "(for iCloud Mail: port 587 is STARTTLS ...)".
    """
    failure = explain_failure(reply, provider=provider, error_text=error_text)
    if failure is None:
        return None
    preset = _named(provider)
    if failure.mentions_ports and preset is not None:
        return _("{advice} (For {provider}: {ports}.)").format(
            advice=failure.advice, provider=preset.name, ports=preset.ports_sentence()
        )
    return failure.advice


def describe(provider: str | Provider) -> str:
    """A short multi-line summary of a preset for a learner to read (in the current
    language; the sources stay as published)."""
    p = get_provider(provider)
    ports = [f"{port} {_(PORT_KINDS[security])}" for security, port in p.security_options]
    basic = DESCRIBE[{True: "basic yes", False: "basic no", None: "basic depends"}[p.basic_auth]]
    status = DESCRIBE["verified" if p.verified else "not verified"]
    port_line = _("{ports}; default {security} on {port}").format(
        ports=", ".join(ports), security=p.default_security, port=p.default_port
    )
    credential = _("{credential}. {help}")
    credential = credential.format(credential=_(p.credential), help=_(p.credential_help))
    fields = [
        (_("host"), p.host),
        (_("ports"), port_line),
        ("AUTH", ", ".join(p.auth_mechanisms) or _("unknown")),
        (_("credential"), credential),
        (_("basic AUTH"), basic),
        (_("notes"), _(p.notes)),
    ]
    lines = [f"{p.name} ({p.key}) — {status}"]
    for label, value in fields:
        lines.append(_wrap(f"{label + ':':<13}{value}", "  ", " " * 15))
    lines.append("  " + _("sources:"))
    lines.extend(_wrap(f"- {source}", "    ", "      ") for source in p.sources)
    if p.observed is not None:
        label = _("observed:")
        lines.append(_wrap(f"{label:<13}{DESCRIBE['observed']}", "  ", " " * 15))
    return "\n".join(lines)


# --------------------------------------------------------------------------- helpers


def repair_mojibake(text: str) -> str:
    """Undo GBK text that was shown as Latin-1 (``'ÇëÊ¹ÓÃ'`` → ``'请使用'``), if it was.

    A heuristic: every run of non-ASCII characters must have an even length (a GBK
    character is two bytes) and re-reading the bytes as GB18030 must give at least two
    Chinese characters and nothing else outside ASCII. Otherwise ``text`` is returned
    unchanged, so ``'Grüße aus München'`` stays as it is.
    """
    runs = _HIGH_RUN_RE.findall(text)
    if not runs or any(len(run) % 2 for run in runs):
        return text
    try:
        fixed = text.encode("latin-1").decode("gb18030")
    except UnicodeError:  # not Latin-1 text, or not GB18030 bytes
        return text
    non_ascii = [ch for ch in fixed if ord(ch) > 0x7F]
    if len(non_ascii) >= 2 and all(_CJK_RE.match(ch) for ch in non_ascii):
        return fixed
    return text


def _named(name: object) -> Provider | None:
    """The preset a caller named (itself, or a key, alias, host name, domain or e-mail
    address), or None."""
    if isinstance(name, Provider):
        return name
    return _NAMES.get(_norm(name)) if isinstance(name, str) else None


def _norm(name: str) -> str:
    """A name as presets are looked up by it: an address's domain, without case,
    spaces, ``_`` or ``-``."""
    return re.sub(r"[\s_\-]+", "", name.rpartition("@")[2].lower())


_NAMES: Mapping[str, Provider] = MappingProxyType(
    {_norm(name): p for p in PRESETS for name in (p.key, p.host, *p.aliases, *p.domains)}
)
"""Every name a preset is known by (key, host, aliases, mail domains), normalised."""

_ESCAPE_RE = re.compile(r"\\x([0-9a-fA-F]{2})")
_LEADING_CODE_RE = re.compile(r"^\W*([2-5]\d\d)\b")
_CJK_RE = re.compile(CJK_CHARACTER)
_HIGH_RUN_RE = re.compile(r"[\x80-\xff]+")


def _readings(text: str) -> tuple[str, ...]:
    """The text, plus its \\xNN escapes decoded (smtplib's bytes repr), plus mojibake undone."""
    readings = [text]
    if _ESCAPE_RE.search(text):
        escaped = _ESCAPE_RE.sub(lambda m: chr(int(m[1], 16)), text)
        with contextlib.suppress(UnicodeEncodeError):
            readings.append(decode_reply_text(escaped.encode("latin-1")))
    repaired = repair_mojibake(text)
    if repaired != text:
        readings.append(repaired)
    return tuple(readings)


_WIDTH = 92


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(
        text,
        width=_WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    )
