"""The kinds of record the provider data is made of (the words they share are in ``terms``).

:class:`Source` (where a fact comes from), :class:`ObservedReply` and :class:`Observed`
(what a server was publicly reported to send), :class:`Provider` (one preset) and
:class:`KnownFailure` (a failure learners meet, and what to do). The data modules
(``sources``, ``observed``, ``presets``, ``failures``) hold the records themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from ..i18n import _
from ..replies import Reply, reply_lines
from .terms import CREDENTIALS, IMITATION_NOTE, PORT_KINDS, READ_ON

__all__: list[str] = []  # the record kinds of the data modules: use smtplab.providers


@dataclass(frozen=True)
class Source:
    """Where a fact comes from.

    ``read_on`` is the day we read the stored copy; ``dated`` the date the copy itself
    shows (a post's or issue's date), or ``""`` when it shows none.
    """

    title: str
    url: str
    read_on: str = READ_ON
    note: str = ""
    dated: str = ""

    @classmethod
    def github(
        cls,
        ref: str,
        title: str,
        dated: str = "",
        note: str = "",
        *,
        pull: bool = False,
        read_on: str = READ_ON,
    ) -> Source:
        """A GitHub issue (or pull request) named ``"owner/repo#number"``."""
        repo, _sep, number = ref.partition("#")
        url = f"https://github.com/{repo}/{'pull' if pull else 'issues'}/{number}"
        return cls(f"{ref}: {title}", url, read_on=read_on, note=note, dated=dated)

    def __str__(self) -> str:
        when = f"read {self.read_on}" + (f"; dated {self.dated}" if self.dated else "")
        extra = f" — {self.note}" if self.note else ""
        return f"{self.title} <{self.url}> ({when}){extra}"


@dataclass(frozen=True)
class ObservedReply:
    """A reply as a public report quoted it: an imitation, not a recording.

    ``lines`` hold the text of each line without the code; ``context`` says when it was
    sent (port, step); ``encoding`` is how its bytes came on the wire (QQ Mail sends
    some errors in GBK).
    """

    code: int
    lines: tuple[str, ...]
    source: Source
    context: str = ""
    note: str = ""
    encoding: str = "utf-8"

    def to_reply(self) -> Reply:
        """This reply as a :class:`~smtplab.replies.Reply` (``raw`` in ``encoding``)."""
        return Reply(self.code, self.lines, self.to_bytes())

    def to_bytes(self) -> bytes:
        """The reply as it would cross the wire: each line with its CRLF."""
        lines = reply_lines(self.code, self.lines)
        return "".join(f"{line}\r\n" for line in lines).encode(self.encoding)

    @property
    def text(self) -> str:
        """All the lines' text, joined with newlines."""
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return "\n".join(reply_lines(self.code, self.lines))


@dataclass(frozen=True)
class Observed:
    """What a provider's server was publicly reported to send (imitation material).

    ``ehlo`` is the EHLO reply before TLS (on a STARTTLS port); ``ehlo_tls`` the one
    after STARTTLS or on an implicit-TLS port. ``auth_after_tls`` holds the AUTH line
    alone when a report quoted only that line. ``errors`` are failure replies; ``other``
    further replies worth imitating (STARTTLS ready, AUTH prompts, QUIT).
    """

    greeting: ObservedReply | None = None
    ehlo: ObservedReply | None = None
    starttls: ObservedReply | None = None
    ehlo_tls: ObservedReply | None = None
    auth_after_tls: ObservedReply | None = None
    errors: tuple[ObservedReply, ...] = ()
    other: tuple[ObservedReply, ...] = ()
    note: str = IMITATION_NOTE

    @property
    def ehlo_lines(self) -> tuple[str, ...]:
        """The richest EHLO reply's lines (after TLS if quoted), or ``()``."""
        best = self.ehlo_tls or self.ehlo
        return best.lines if best is not None else ()

    def replies(self) -> tuple[ObservedReply, ...]:
        """Every observed reply, greeting first."""
        singles = (self.greeting, self.ehlo, self.starttls, self.ehlo_tls, self.auth_after_tls)
        return tuple(r for r in singles if r is not None) + self.errors + self.other


@dataclass(frozen=True)
class Provider:
    """A preset for one provider's submission server.

    ``tls_port`` is the implicit-TLS port (TLS from the first byte, like 465);
    ``starttls_port`` the port where you start in plain text and send STARTTLS (587).
    ``credential`` is one of :data:`CREDENTIALS`: what a program gives as the password.
    ``basic_auth`` is True when a user name and a secret (password, app password or
    authorization code) still log in, False where the provider dropped it, and None
    when it depends (on an administrator, say) or is unknown. ``login_hint`` is the
    short phrase used in advice ("use the authorization code, not your password").
    ``aliases`` and ``domains`` are further names :func:`get_provider` knows it by.
    """

    key: str
    name: str
    host: str
    tls_port: int | None
    starttls_port: int | None
    auth_mechanisms: tuple[str, ...]
    credential: str
    credential_help: str
    basic_auth: bool | None
    notes: str
    sources: tuple[Source, ...]
    verified: bool = False
    observed: Observed | None = None
    login_hint: str = ""
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.tls_port is None and self.starttls_port is None:
            # i18n: keep (both errors) a broken data record, raised at import for maintainers
            raise ValueError(f"{self.key}: a preset needs at least one port")  # i18n: keep
        if self.credential not in CREDENTIALS:
            message = f"{self.key}: unknown credential kind {self.credential!r}"  # i18n: keep
            raise ValueError(message)

    @property
    def default_security(self) -> Literal["tls", "starttls"]:
        """``"tls"`` when the provider has an implicit-TLS port, else ``"starttls"``."""
        return "tls" if self.tls_port else "starttls"

    @property
    def default_port(self) -> int:
        """The port that goes with :attr:`default_security`."""
        return self.security_options[0][1]

    @property
    def security_options(self) -> tuple[tuple[str, int], ...]:
        """Every ``(security, port)`` pair the preset knows, the default first."""
        pairs = (("tls", self.tls_port), ("starttls", self.starttls_port))
        return tuple((security, port) for security, port in pairs if port)

    def ports_sentence(self) -> str:
        """Say which port speaks what: "465 is implicit TLS ...; 587 is STARTTLS ..."
        (in the current language)."""
        parts = [
            _("port {port} is {kind}").format(port=port, kind=_(PORT_KINDS[security]))
            for security, port in self.security_options
        ]
        if not self.tls_port:
            parts.append(_("no implicit-TLS port is documented"))
        return _("; ").join(parts)


@dataclass(frozen=True)
class KnownFailure:
    """A failure learners meet, what it means and what to do.

    ``pattern`` (a regular expression, case ignored) is searched in the reply's text, or
    in a transport error's text; ``codes`` limits a reply failure to those reply codes.
    ``applies_to`` holds provider keys, or ``("any",)``. When ``needs_provider`` is True
    the failure is only reported if the caller names one of those providers: a generic
    ``535`` from the lab must not get QQ's advice. ``mentions_ports`` adds the
    provider's port facts to the advice. ``advice_template`` and ``advice_values``, when
    set, build the advice again in another language (the template and each value go
    through ``_()`` and ``format``): a generated advice is not a catalog text itself.
    """

    key: str
    pattern: str
    applies_to: tuple[str, ...]
    explanation: str
    advice: str
    sources: tuple[Source, ...]
    codes: tuple[int, ...] = ()
    kind: Literal["reply", "transport"] = "reply"
    needs_provider: bool = False
    mentions_ports: bool = False
    advice_template: str = field(default="", repr=False, compare=False)
    advice_values: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    def applies(self, provider: str | None) -> bool:
        """True when this failure concerns that provider key (``"any"`` concerns all)."""
        return "any" in self.applies_to or provider in self.applies_to

    def matches(self, code: int | None, text: str, provider: str | None = None) -> bool:
        """Does a reply (``code`` and ``text``) or an error text show this failure?"""
        if self.needs_provider and provider not in self.applies_to:
            return False
        # A reply with another code is another failure. A text with no code (an
        # exception's) may still show this one, unless it needs its provider and code.
        if self.codes and code not in self.codes and (code is not None or self.needs_provider):
            return False
        return re.search(self.pattern, text, re.IGNORECASE | re.DOTALL) is not None

    @property
    def sentence(self) -> str:
        """Explanation and advice together."""
        return f"{self.explanation} {self.advice}"

    def translated(self) -> KnownFailure:
        """This failure with its explanation and advice in the current language (itself
        when nothing changes, as in English). The table holds the English texts."""
        explanation = _(self.explanation)
        advice = _(self.advice)
        if self.advice_template:
            advice = _(self.advice_template).format(
                **{name: _(value) for name, value in self.advice_values}
            )
        if (explanation, advice) == (self.explanation, self.advice):
            return self
        return replace(self, explanation=explanation, advice=advice)
