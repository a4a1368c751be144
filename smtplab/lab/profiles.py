"""Provider look-alikes: ``LabServer(profile="qq")``, ``"qq-gbk"``, ``"gmail"``, ``"outlook"``,
``"163"``.

IMITATIONS, NOT RECORDINGS
--------------------------
A look-alike profile makes the lab greet, advertise extensions and refuse logins the way
a real provider's submission server was **publicly reported** to do. Every text comes
from :attr:`smtplab.providers.Provider.observed`: greetings, EHLO replies and error
replies as quoted in GitHub issues and posts that show client debug logs, each with its
:class:`~smtplab.providers.Source`. Nothing here was recorded from a provider, and this
project has never contacted one. Client names and addresses in the quotes were replaced
by documentation values (``203.0.113.5``); the lab shows them as quoted. Providers change
their servers: a look-alike shows what a learner is likely to meet, not a guarantee.

Every profile requires TLS and AUTH before mail and accepts ``student`` or
``student@<the provider's domain>`` as the login; the certificate still covers
``lab.hostname``, ``localhost`` and ``127.0.0.1``: only the texts change. Like sites with a
Postfix HELO access rule, every profile refuses RCPT TO after an EHLO/HELO that gave the
server's own name (``554 5.7.1 <name>: Helo command rejected``). Keywords the lab
does not implement (CHUNKING, XOAUTH2...) are advertised as quoted but not honoured.
:func:`describe_profile` says, for one profile, what it imitates, how, where it differs
from the real server (``qq-gbk``: QQ's older Chinese reply as raw **GBK** bytes;
``outlook``: **every** password login refused; ``163``: the lab's own EHLO keywords, since
no citable report quotes NetEase's), and its sources. Besides logins, ``qq`` refuses a
MAIL FROM that is not the logged-in account's (``501``) and a From header whose address
is inside an encoded word (``550``); ``163`` refuses a subject with
:data:`NETEASE_SPAM_PHRASE` (``554 DT:SPM``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, TypeVar

from ..i18n import N_, _
from ..providers import (
    IMITATION_NOTE,
    PROVIDERS,
    ObservedReply,
    Provider,
    Source,
    UnknownProviderError,
    get_provider,
)
from ..replies import reply_lines
from .policy import (
    CONTENT_REFUSED,
    DEFAULT_SIZE_LIMIT,
    FROM_HEADER_INVALID,
    LOGIN_REFUSED,
    SENDER_NOT_LOGIN,
    SUPPORTED_AUTH_MECHANISMS,
    LabPolicy,
    ReplyText,
    is_auth_keyword,
)

__all__ = ["describe_profile", "profile_for"]

GMAIL_APP_PASSWORD_ACCOUNT = "needs-app-password"
"""The Gmail look-alike's special account: any login as it gets ``534-5.7.9``."""

NETEASE_SMTP_OFF_ACCOUNT = "smtp-off"
"""The 163 look-alike's special account: any login as it gets ``550 User has no permission``
(what NetEase answers while the mailbox's SMTP service is switched off)."""

NETEASE_SPAM_PHRASE = "spam-test"
"""A subject containing this (any case) gets the 163 look-alike's ``554 DT:SPM`` refusal."""

# The lab's own reply lines that profiles replace (tests check that each is really sent).
LAB_AUTH_OK = "235 2.7.0 Authentication successful"
LAB_DATA_GO_AHEAD = "354 End data with <CR><LF>.<CR><LF>"
LAB_QUIT = "221 Bye"
LAB_STARTTLS = "220 Ready to start TLS"
LAB_UNKNOWN_MECHANISM = "504 5.5.4 Unrecognized authentication type"
LAB_AUTH_REQUIRED = "530 5.7.0 Authentication required: log in with AUTH first"


class UnknownProfileError(UnknownProviderError):
    """No look-alike profile has that name; the message lists the ones that exist."""


class _Sentence(str):
    """A sentence of a profile: the English text (what the str is), and the marked template
    and values :func:`_shown` puts in the current language when it is shown (a profile is
    built at import, before a language may be chosen)."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> _Sentence:
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template, self.values = template, values
        return self


def _shown(text: str) -> str:
    """*text* (a :class:`_Sentence`, or a text marked with ``N_``) in the current language."""
    if isinstance(text, _Sentence):
        if not text.values:
            return _(text.template)
        values = {
            name: _shown(v) if isinstance(v, _Sentence) else v for name, v in text.values.items()
        }
        return _(text.template).format(**values)
    return _(text)


@dataclass(frozen=True)
class LabProfile:
    """A provider look-alike: the :class:`LabPolicy` that imitates it, and what it does.

    ``provider`` is the key of the imitated preset in :data:`smtplab.providers.PROVIDERS`;
    ``behaviour`` and ``differences`` are sentences for :meth:`describe`; ``sources`` the
    public reports the texts come from. Pass it (or its ``key``) to
    ``LabServer(profile=...)``.
    """

    key: str
    provider: str
    title: str
    policy: LabPolicy
    behaviour: tuple[str, ...]
    differences: tuple[str, ...]
    sources: tuple[Source, ...]
    note: str = IMITATION_NOTE

    @property
    def preset(self) -> Provider:
        """The imitated provider's preset."""
        return PROVIDERS[self.provider]

    @property
    def security(self) -> str:
        """The imitated provider's default security mode (``"tls"`` or ``"starttls"``)."""
        return self.preset.default_security

    def describe(self) -> str:
        """What the look-alike imitates, how, where it differs, and its sources."""
        return describe_profile(self)

    def __repr__(self) -> str:
        return _("<LabProfile {key}: {title} (an imitation, not a recording)>").format(
            key=repr(self.key), title=_shown(self.title)
        )


# --------------------------------------------------------------------------- building


def _lines(reply: ObservedReply) -> tuple[str, ...]:
    """An observed reply as whole lines with their code (``535-...``, ``535 ...``)."""
    return reply_lines(reply.code, reply.lines)


def _own(command: str | None, standard: str, reply: ObservedReply) -> ReplyText:
    return ReplyText(command, standard, _lines(reply), reply.encoding)


def _pick(replies: Iterable[ObservedReply], code: int, needle: str) -> ObservedReply:
    """The observed reply with this code whose text contains ``needle``.

    Raises LookupError (at import time) when the provider data no longer has it, so a
    change there cannot silently change a look-alike.
    """
    for reply in replies:
        if reply.code == code and needle in reply.text:
            return reply
    raise LookupError(
        _("no observed {code} reply containing {needle}").format(code=code, needle=repr(needle))
    )


_T = TypeVar("_T")


def _quoted(value: _T | None) -> _T:
    """A piece of the provider data a look-alike needs (LookupError if it is gone)."""
    if value is None:
        raise LookupError(_("the provider data no longer quotes what this look-alike needs"))
    return value


def _merge_keywords(before_tls: Iterable[str], auth: Iterable[str]) -> tuple[str, ...]:
    """One keyword list for both EHLO replies: the AUTH lines go where STARTTLS stands
    (the policy shows STARTTLS only before TLS and AUTH only inside it)."""
    merged: list[str] = []
    for keyword in before_tls:
        merged.append(keyword)
        if keyword.upper() == "STARTTLS":
            merged.extend(auth)
    return tuple(merged)


# The HELO access rule every look-alike applies (LabPolicy.refuse_own_helo_name). Its
# sources are citations: titles and notes as read, kept in English.
_HELO_READ_ON = "2026-12-06"
_HELO_RULE_SOURCES = (
    Source(
        "Postfix SMTPD_ACCESS_README: "
        "Delayed evaluation of SMTP access restriction lists",  # i18n: keep a title
        "https://www.postfix.org/SMTPD_ACCESS_README.html",
        read_on=_HELO_READ_ON,
        note="helo restrictions are evaluated at RCPT TO (smtpd_delay_reject); stored copy "
        "read at linuxtopia.org/online_books/mail_systems/postfix_documentation",  # i18n: keep
    ),
    Source(
        "Postfix postconf(5): "
        "smtpd_helo_restrictions, check_helo_access type:table",  # i18n: keep a title
        "https://www.postfix.org/postconf.5.html#check_helo_access",
        read_on=_HELO_READ_ON,
        note="look up the HELO hostname; reject if the result is REJECT or '[45]xx text' "
        "(stored copy: Webmin's Postfix help page)",  # i18n: keep a citation's note
    ),
    Source(
        "A Postfix log line (pastebin.com/TVZVzp5w)",  # i18n: keep a citation
        "https://pastebin.com/TVZVzp5w",
        read_on=_HELO_READ_ON,
        note="the form of the reply: 'reject: RCPT from ...: 554 5.7.1 <name>: Helo command "
        "rejected: ...'",  # i18n: keep a citation's note
    ),
)
_HELO_RULE = N_(
    "An EHLO/HELO with the server's own name (its greeting's first word, as a client that "
    "copies it from the 220 line sends) is noted in the session log and refused at RCPT TO "
    "with 554 5.7.1 <name>: Helo command rejected, the way sites refuse it with a Postfix "
    "HELO access rule (check_helo_access, evaluated at RCPT TO). Names unknown to DNS "
    "(learner.example) are fine."
)

_COMMON_DIFFERENCES = (
    N_(
        "Replies no report quotes keep the lab's own texts "
        "(250 OK: queued as ..., its 530 replies)."
    ),
    N_(
        "The client's address in the EHLO reply is the documentation value "
        "of the report, not yours."
    ),
)


def _look_alike(
    key: str,
    provider: str,
    title: str,
    ehlo: ObservedReply | None,
    keywords: tuple[str, ...] | None,
    quoted: tuple[ObservedReply, ...],
    behaviour: tuple[str, ...],
    differences: tuple[str, ...],
    **fields: object,
) -> LabProfile:
    """A profile whose policy takes the provider's greeting (the first of ``quoted``),
    the first line of ``ehlo`` and ``keywords``, requires TLS and AUTH, and lets
    ``student@<the provider's domain>`` log in; its sources are those of ``quoted``.
    Without a quoted EHLO reply (``ehlo`` and ``keywords`` None) the lab's own keywords
    stand, offering the preset's mechanisms, without enhanced status codes."""
    preset = PROVIDERS[provider]
    words = [keyword.replace("=", " ").split() for keyword in keywords or () if keyword.strip()]
    upper = {word[0].upper() for word in words}
    sizes = [int(word[1]) for word in words if word[0].upper() == "SIZE" and len(word) == 2]
    offered = {w.upper() for word in words if is_auth_keyword(word[0]) for w in word[1:]}
    offered = offered if keywords is not None else set(preset.auth_mechanisms)
    policy = LabPolicy(
        banner=quoted[0].lines[0],
        ehlo_name=ehlo.lines[0] if ehlo is not None else "",
        keywords=keywords,
        size_limit=_quoted(sizes[0] if sizes else None) if keywords else DEFAULT_SIZE_LIMIT,
        # The advertised mechanisms the lab implements (LOGIN, PLAIN), in its order.
        auth_mechanisms=tuple(m for m in SUPPORTED_AUTH_MECHANISMS if m in offered),
        smtputf8="SMTPUTF8" in upper,
        pipelining="PIPELINING" in upper,
        enhanced_status_codes="ENHANCEDSTATUSCODES" in upper,
        require_tls=True,
        require_auth=True,
        login_domains=preset.domains,
        profile=key,
        refuse_own_helo_name=True,
        **fields,  # type: ignore[arg-type]
    )
    return LabProfile(
        key=key,
        provider=provider,
        title=title,
        policy=policy,
        behaviour=(*behaviour, _HELO_RULE),
        differences=(*differences, *_COMMON_DIFFERENCES),
        sources=(*dict.fromkeys(reply.source for reply in quoted), *_HELO_RULE_SOURCES),
    )


def _qq(key: str, chinese: bool) -> LabProfile:
    seen = _quoted(PROVIDERS["qq"].observed)
    ehlo = _quoted(seen.ehlo_tls)
    tls_keywords = ehlo.lines[1:]
    # The plain-text EHLO of port 587 was not quoted: STARTTLS goes before the AUTH lines.
    first_auth = next(i for i, k in enumerate(tls_keywords) if is_auth_keyword(k))
    refused = _pick(seen.errors, 535, "请使用授权码" if chinese else "authorization code")
    quoted_501 = "mail from address must be same as authorization user"  # i18n: keep QQ's
    not_login = _pick(seen.errors, 501, quoted_501)
    bad_from = _pick(seen.errors, 550, 'The "From" header is missing or invalid')  # i18n: keep QQ's
    ok = _pick(seen.other, 235, "Authentication successful")
    go_ahead = _pick(seen.other, 354, "End data")
    wrong = _Sentence(
        N_("the older Chinese reply, sent as GBK bytes") if chinese else N_("QQ's reply")
    )
    return _look_alike(
        key,
        "qq",
        N_("QQ Mail look-alike (Chinese GBK error)") if chinese else N_("QQ Mail look-alike"),
        ehlo,
        (*tls_keywords[:first_auth], "STARTTLS", *tls_keywords[first_auth:]),
        (_quoted(seen.greeting), ehlo, refused, ok, go_ahead, not_login, bad_from),
        behaviour=(
            N_("lab.tls_port plays port 465 (implicit TLS), lab.port plays 587 (STARTTLS)."),
            N_(
                "Greeting and EHLO keywords as quoted for smtp.qq.com:465; no enhanced status "
                "codes (QQ advertises no ENHANCEDSTATUSCODES)."
            ),
            N_(
                "TLS and AUTH are required before MAIL. The lab's password "
                "(lab.users['student']) plays the authorization code (授权码)."
            ),
            _Sentence(
                N_("A wrong password gets {wrong}: {reply}"), wrong=wrong, reply=_lines(refused)[0]
            ),
            _Sentence(
                N_(
                    "MAIL FROM must be the logged-in account's address (student@qq.com or "
                    "student@foxmail.com); another gets {reply}"
                ),
                reply=_lines(not_login)[0],
            ),
            _Sentence(
                N_(
                    "After the message, a From header with no address outside encoded words "
                    "(=?utf-8?q?you=40qq=2Ecom?=, or none at all) gets {reply}"
                ),
                reply=_lines(bad_from)[0],
            ),
        ),
        differences=(
            N_(
                "QQ's plain-text EHLO on port 587 was not quoted: the look-alike shows the "
                "port-465 keywords with STARTTLS and without AUTH."
            ),
            N_(
                "MAILCOMPRESS, XOAUTH and XOAUTH2 are advertised as quoted but not implemented "
                "(AUTH XOAUTH2 gets 504 5.5.4)."
            ),
            N_("A few of the lab's own replies still carry an enhanced status code."),
            N_(
                "The look-alike refuses only the sender and From cases the reports show; QQ's "
                "own rules (its help page detail/124/995) may refuse more."
            ),
        ),
        reply_texts=(
            _own("AUTH", LOGIN_REFUSED, refused),
            _own("AUTH", LAB_AUTH_OK, ok),
            _own("DATA", LAB_DATA_GO_AHEAD, go_ahead),
            _own("MAIL", SENDER_NOT_LOGIN, not_login),
            _own("DATA", FROM_HEADER_INVALID, bad_from),
        ),
        sender_must_be_login=True,
        from_address_required=True,
    )


def _gmail() -> LabProfile:
    seen = _quoted(PROVIDERS["gmail"].observed)
    ehlo, ehlo_tls, starttls = _quoted(seen.ehlo), _quoted(seen.ehlo_tls), _quoted(seen.starttls)
    auth = tuple(k for k in ehlo_tls.lines[1:] if is_auth_keyword(k))
    wrong = _pick(seen.errors, 535, "5.7.8 Username and Password not accepted")  # i18n: keep
    quoted_534 = "5.7.9 Application-specific password required"  # i18n: keep Gmail's
    app_password = _pick(seen.errors, 534, quoted_534)
    closing = _pick(seen.other, 221, "closing connection")
    return _look_alike(
        "gmail",
        "gmail",
        N_("Gmail look-alike"),
        ehlo,
        _merge_keywords(ehlo.lines[1:], auth),
        (_quoted(seen.greeting), ehlo, ehlo_tls, starttls, wrong, app_password, closing),
        behaviour=(
            N_("lab.tls_port plays port 465 (implicit TLS), lab.port plays 587 (STARTTLS)."),
            N_(
                "Greeting, STARTTLS reply and the EHLO replies before and after STARTTLS as "
                "quoted for smtp.gmail.com:587."
            ),
            N_(
                "TLS and AUTH are required before MAIL. The lab's password "
                "(lab.users['student']) plays the app password."
            ),
            _Sentence(
                N_("A wrong password gets a two-line reply: {reply} ..."), reply=_lines(wrong)[0]
            ),
            _Sentence(
                N_(
                    "Special account {account}: any password gets "
                    "{reply} ... (what Gmail answers to a Google account "
                    "password when 2-Step Verification is on)."
                ),
                account=repr(GMAIL_APP_PASSWORD_ACCOUNT),
                reply=_lines(app_password)[0],
            ),
        ),
        differences=(
            N_(
                "CHUNKING (BDAT) is advertised as quoted but not implemented; XOAUTH2, "
                "OAUTHBEARER, XOAUTH and PLAIN-CLIENTTOKEN get 504 5.5.4."
            ),
            N_(
                "Gmail tells a Google password from a wrong one; the look-alike cannot, so "
                "the 534 comes only for the special account."
            ),
        ),
        reply_texts=(
            _own("AUTH", LOGIN_REFUSED, wrong),
            _own("STARTTLS", LAB_STARTTLS, starttls),
            _own("QUIT", LAB_QUIT, closing),
        ),
        special_logins=((GMAIL_APP_PASSWORD_ACCOUNT, _own("AUTH", LOGIN_REFUSED, app_password)),),
    )


def _outlook() -> LabProfile:
    seen = _quoted(PROVIDERS["outlook"].observed)
    office = _quoted(PROVIDERS["office365"].observed)
    greeting, ehlo, auth = _quoted(seen.greeting), _quoted(seen.ehlo), _quoted(seen.auth_after_tls)
    starttls = _quoted(office.starttls)
    disabled = _pick(seen.errors, 535, "basic authentication is disabled")  # i18n: keep
    # Texts quoted for Microsoft 365 (the same Exchange Online service), borrowed:
    token_refused = _pick(office.errors, 535, "5.7.3 Authentication unsuccessful")
    not_logged_in = _pick(office.errors, 530, "5.7.57 Client not authenticated")  # i18n: keep
    closing = _pick(office.other, 221, "Service closing transmission channel")  # i18n: keep
    return _look_alike(
        "outlook",
        "outlook",
        N_("Outlook.com look-alike"),
        ehlo,
        _merge_keywords(ehlo.lines[1:], auth.lines),
        (greeting, ehlo, auth, disabled, token_refused, not_logged_in, starttls, closing),
        behaviour=(
            N_("lab.port plays port 587 (STARTTLS), the only documented port."),
            N_(
                "Greeting and EHLO as quoted for smtp-mail.outlook.com:587; after STARTTLS it "
                "offers AUTH LOGIN XOAUTH2."
            ),
            _Sentence(
                N_(
                    "TLS and AUTH are required before MAIL, and no password logs in: every "
                    "password login, even the right one, gets {reply}"
                ),
                reply=_lines(disabled)[0],
            ),
            N_(
                "AUTH XOAUTH2 gets 535 5.7.3 (the lab cannot check OAuth2 tokens), so the "
                "look-alike accepts no mail at all, like the real server without OAuth2."
            ),
        ),
        differences=(
            N_(
                "lab.tls_port still speaks implicit TLS (the lab always has that port); "
                "Outlook.com documents no implicit-TLS port."
            ),
            N_(
                "Borrowed from reports about Microsoft 365 (the same Exchange Online service): "
                "the STARTTLS and QUIT replies, 530 5.7.57 and 535 5.7.3."
            ),
            N_("CHUNKING, BINARYMIME and DSN are advertised as quoted but not implemented."),
        ),
        reply_texts=(
            _own("AUTH", LOGIN_REFUSED, disabled),
            _own("AUTH", LAB_UNKNOWN_MECHANISM, token_refused),
            _own(None, LAB_AUTH_REQUIRED, not_logged_in),
            _own("STARTTLS", LAB_STARTTLS, starttls),
            _own("QUIT", LAB_QUIT, closing),
        ),
        basic_auth=False,
    )


def _netease() -> LabProfile:
    """163 Mail: no report we could cite quotes its EHLO reply, so the look-alike keeps the
    lab's own keywords and takes only the quoted texts."""
    seen = _quoted(PROVIDERS["163"].observed)
    failed = _pick(seen.errors, 535, "authentication failed")
    smtp_off = _pick(seen.errors, 550, "User has no permission")  # i18n: keep 163's reply
    spam = _pick(seen.errors, 554, "DT:SPM")
    ok = _pick(seen.other, 235, "Authentication successful")
    mail_ok = _pick(seen.other, 250, "Mail OK")
    profile = _look_alike(
        "163",
        "163",
        N_("NetEase 163 Mail look-alike"),
        None,
        None,
        (_quoted(seen.greeting), failed, smtp_off, spam, ok, mail_ok),
        behaviour=(
            N_("lab.tls_port plays port 465 (implicit TLS), the port the guides agree on."),
            N_(
                "Greeting as quoted for smtp.163.com:25 (2016); AUTH PLAIN only (the mechanism "
                "seen in the reports); no enhanced status codes (none of the quoted replies "
                "has one)."
            ),
            N_(
                "TLS and AUTH are required before MAIL. The lab's password "
                "(lab.users['student']) plays the authorization code (授权码)."
            ),
            _Sentence(N_("A wrong password gets {reply}"), reply=_lines(failed)[0]),
            _Sentence(
                N_(
                    "Special account {account}: any login gets "
                    "{reply} (what NetEase answers while SMTP is switched off in the "
                    "mailbox's settings)."
                ),
                account=repr(NETEASE_SMTP_OFF_ACCOUNT),
                reply=_lines(smtp_off)[0],
            ),
            _Sentence(
                N_(
                    "A message whose subject contains {phrase} gets, after the final "
                    "dot, {reply}... (the content refused as spam)."
                ),
                phrase=repr(NETEASE_SPAM_PHRASE),
                reply=_lines(spam)[0][:40],
            ),
        ),
        differences=(
            N_(
                "No citable report quotes 163's EHLO reply: the look-alike shows the lab's own "
                "keywords, and its name is the lab's."
            ),
            _Sentence(
                N_(
                    "NetEase's spam filter is a secret; the look-alike refuses only the subject "
                    "phrase {phrase}; the reply's id and time are those of the "
                    "report."
                ),
                phrase=repr(NETEASE_SPAM_PHRASE),
            ),
            N_(
                "lab.port still speaks STARTTLS (the lab always has that port); no STARTTLS "
                "port is documented for 163."
            ),
        ),
        reply_texts=(
            _own("AUTH", LOGIN_REFUSED, failed),
            _own("AUTH", LAB_AUTH_OK, ok),
            _own("MAIL", "250 OK", mail_ok),
            _own("RCPT", "250 OK", mail_ok),
            _own("DATA", CONTENT_REFUSED, spam),
        ),
        special_logins=((NETEASE_SMTP_OFF_ACCOUNT, _own("AUTH", LOGIN_REFUSED, smtp_off)),),
        spam_phrase=NETEASE_SPAM_PHRASE,
    )
    # Its EHLO reply is the lab's: no client address from a report in it.
    own = "address in the EHLO reply"  # i18n: keep (a piece of an English sentence)
    kept = tuple(d for d in profile.differences if own not in d)
    return replace(profile, differences=kept)


PROFILES: Mapping[str, LabProfile] = MappingProxyType(
    {
        profile.key: profile
        for profile in (
            _qq("qq", chinese=False),
            _qq("qq-gbk", chinese=True),
            _gmail(),
            _outlook(),
            _netease(),
        )
    }
)
"""Every look-alike profile by key (read-only)."""


def profile_for(provider: str | Provider) -> LabProfile | None:
    """The look-alike of a provider (key, alias, host or address), or None if it has none."""
    try:
        preset = get_provider(provider)
    except UnknownProviderError:
        return None
    return PROFILES.get(preset.key)


def get_profile(name: str | LabProfile) -> LabProfile:
    """Find a profile by key (``"qq"``, ``"qq-gbk"``, ``"gmail"``, ``"outlook"``, ``"163"``) or any
    name of its provider (``"QQMail"``, ``"smtp.gmail.com"``, ``"hotmail"``).

    Raises :class:`UnknownProfileError` (a ``KeyError`` and a ``ValueError``) naming the
    profiles that exist.
    """
    if isinstance(name, LabProfile):
        return name
    if not isinstance(name, str):
        raise TypeError(
            _("profile must be a name or a LabProfile, not {name}.").format(name=repr(name))
        )
    found = PROFILES.get(name.strip().lower()) or profile_for(name)
    if found is not None:
        return found
    known = ", ".join(PROFILES)
    try:
        preset = get_provider(name)
    except UnknownProviderError:
        why = _("no look-alike profile called {name}").format(name=repr(name))
    else:
        why = _("there is no look-alike of {name} yet").format(name=preset.name)
    raise UnknownProfileError(
        _("{why}. Look-alike profiles: {known}. Without one, LabServer() is the plain lab.").format(
            why=why, known=known
        )
    )


# --------------------------------------------------------------------------- describe


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(
        text,
        width=92,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _field(label: str, text: str) -> str:
    return _wrap(text, f"  {label + ':':<12}", " " * 14)


_EVERYTHING = {"offer_starttls": True, "offer_auth": True}


def describe_profile(profile: str | LabProfile) -> str:
    """A learner-readable summary of a look-alike: what it imitates, how, where it differs."""
    p = get_profile(profile)
    preset = p.preset
    policy = p.policy
    lines = [
        _("{title} (profile {key})").format(title=_shown(p.title), key=repr(p.key)),
        _("  an IMITATION built from public reports, not a recording"),
        _field(_("imitates"), f"{preset.name}, {preset.host}: {preset.ports_sentence()}"),
        _field(_("greeting"), policy.greeting_line()),
        _field("EHLO", ", ".join(policy.keywords or policy.ehlo_keywords(**_EVERYTHING))),
    ]
    lines += [_field(_("does"), _shown(sentence)) for sentence in p.behaviour]
    lines += [_field(_("differs"), _shown(sentence)) for sentence in p.differences]
    lines.append(_("  sources:"))
    lines.extend(_wrap(f"- {source}", "    ", "      ") for source in p.sources)
    lines.append(_field(_("note"), _(p.note)))
    return "\n".join(lines)
