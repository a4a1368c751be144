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

This module is part of the sans-I/O core: standard library only, no network code.
"""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from .errors import SmtplabError
from .replies import Reply, decode_reply_text

__all__ = [
    "CREDENTIALS",
    "CREDENTIAL_APP_PASSWORD",
    "CREDENTIAL_AUTHORIZATION_CODE",
    "CREDENTIAL_OAUTH2_ONLY",
    "CREDENTIAL_ORGANISATION",
    "CREDENTIAL_PASSWORD",
    "IMITATION_NOTE",
    "KNOWN_FAILURES",
    "KNOWN_MECHANISMS",
    "PROVIDERS",
    "READ_ON",
    "KnownFailure",
    "Observed",
    "ObservedReply",
    "Provider",
    "Source",
    "UnknownProviderError",
    "advice_for",
    "describe",
    "explain_failure",
    "get_provider",
    "provider_for_host",
    "repair_mojibake",
]

READ_ON = "2026-11-27"
"""The day the stored copies of the sources below were read."""

IMITATION_NOTE = (
    "Imitation built from public reports (issues and posts quoting client debug logs), "
    "not a recording: this project has not contacted the provider. Client names and "
    "addresses were replaced by documentation values."
)

CREDENTIAL_PASSWORD = "password"
CREDENTIAL_APP_PASSWORD = "app password"
CREDENTIAL_AUTHORIZATION_CODE = "authorization code"
CREDENTIAL_OAUTH2_ONLY = "oauth2 only"
CREDENTIAL_ORGANISATION = "set by your organisation"
CREDENTIALS = frozenset(
    {
        CREDENTIAL_PASSWORD,
        CREDENTIAL_APP_PASSWORD,
        CREDENTIAL_AUTHORIZATION_CODE,
        CREDENTIAL_OAUTH2_ONLY,
        CREDENTIAL_ORGANISATION,
    }
)

KNOWN_MECHANISMS = frozenset(
    {
        "PLAIN",
        "LOGIN",
        "CRAM-MD5",
        "XOAUTH2",
        "OAUTHBEARER",
        "XOAUTH",
        "PLAIN-CLIENTTOKEN",
        "XYMCOOKIE",
    }
)
"""Every mechanism name that appears in a preset or in an observed AUTH line."""


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Source:
    """Where a fact comes from.

    ``read_on`` is the day we read the stored copy; ``dated`` the date the copy itself
    shows (a post's or issue's date), or ``""`` when it shows none.
    """

    title: str
    url: str
    read_on: str
    note: str = ""
    dated: str = ""

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
        last = len(self.lines) - 1
        return b"".join(
            f"{self.code}{'-' if i < last else ' '}{text}\r\n".encode(self.encoding)
            for i, text in enumerate(self.lines)
        )

    @property
    def text(self) -> str:
        """All the lines' text, joined with newlines."""
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return self.to_bytes().decode(self.encoding).replace("\r\n", "\n").rstrip("\n")


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

    @property
    def advertised_auth(self) -> tuple[str, ...]:
        """The AUTH mechanisms the reports show the server advertising, in order."""
        for reply in (self.ehlo_tls, self.auth_after_tls, self.ehlo):
            if reply is None:
                continue
            for line in reply.lines:
                words = line.split()
                if words and words[0].upper() == "AUTH":
                    return tuple(word.upper() for word in words[1:])
        return ()

    def replies(self) -> tuple[ObservedReply, ...]:
        """Every observed reply, greeting first."""
        singles = (self.greeting, self.ehlo, self.starttls, self.ehlo_tls, self.auth_after_tls)
        return tuple(r for r in singles if r is not None) + self.errors + self.other


@dataclass(frozen=True)
class Provider:
    """A preset for one provider's submission server (see the module docstring).

    ``tls_port`` is the implicit-TLS port (TLS from the first byte, like 465);
    ``starttls_port`` the port where you start in plain text and send STARTTLS (587).
    ``basic_auth`` is True when a user name and a secret (password, app password or
    authorization code) still log in, False where the provider dropped it, and None
    when it depends (on an administrator, say) or is unknown. ``login_hint`` is the
    short phrase used in advice ("use the authorization code, not your password").
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
            raise ValueError(f"{self.key}: a preset needs at least one port")
        if self.credential not in CREDENTIALS:
            raise ValueError(f"{self.key}: unknown credential kind {self.credential!r}")

    @property
    def default_security(self) -> Literal["tls", "starttls"]:
        """``"tls"`` when the provider has an implicit-TLS port, else ``"starttls"``."""
        return "tls" if self.tls_port else "starttls"

    @property
    def default_port(self) -> int:
        """The port that goes with :attr:`default_security`."""
        port = self.tls_port if self.tls_port else self.starttls_port
        assert port is not None  # __post_init__ guarantees one of them
        return port

    @property
    def security_options(self) -> tuple[tuple[str, int], ...]:
        """Every ``(security, port)`` pair the preset knows, the default first."""
        pairs: list[tuple[str, int]] = []
        if self.tls_port:
            pairs.append(("tls", self.tls_port))
        if self.starttls_port:
            pairs.append(("starttls", self.starttls_port))
        return tuple(pairs)

    def ports_sentence(self) -> str:
        """Say which port speaks what: "465 is implicit TLS ...; 587 is STARTTLS ..."."""
        parts = []
        if self.tls_port:
            parts.append(f"port {self.tls_port} is implicit TLS (security='tls')")
        if self.starttls_port:
            parts.append(f"port {self.starttls_port} is STARTTLS (security='starttls')")
        if not self.tls_port:
            parts.append("no implicit-TLS port is documented")
        return "; ".join(parts)


class UnknownProviderError(SmtplabError, KeyError, ValueError):
    """No preset has that name; the message lists the names that exist."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


# --------------------------------------------------------------------------- sources


def _src(title: str, url: str, note: str = "", dated: str = "") -> Source:
    return Source(title=title, url=url, read_on=READ_ON, note=note, dated=dated)


def _gh(
    repo: str, number: int, title: str, dated: str, note: str = "", kind: str = "issues"
) -> Source:
    return _src(
        f"{repo}#{number}: {title}", f"https://github.com/{repo}/{kind}/{number}", note, dated
    )


# Multi-provider guides.
S_KOISHI = _src(
    "@koishijs/plugin-adapter-mail — 接入方式 (QQ, NetEase 163, Outlook, Gmail server settings)",
    "https://koishi.chat/en-US/plugins/adapter/mail",
    "third-party documentation; links each provider's own help page",
)
S_ZHUFUYI = _src(
    "zhufuyi/pkg email README (QQ, 126, 163 SMTP hosts and ports)",
    "https://github.com/zhufuyi/pkg/blob/master/email",
    "third-party README",
)
S_FLOWCRYPT = _src(
    "FlowCrypt/flowcrypt-android wiki: Email providers IMAP SMTP settings",
    "https://github.com/FlowCrypt/flowcrypt-android/wiki/Email-providers-IMAP-SMTP-settings",
    "third-party wiki",
)
S_HMAILSERVER = _src(
    "hMailServer wiki: Connecting a Mail Client",
    "https://github.com/RainbowWizard-coder/hMailServer/wiki/Connecting-a-Mail-Client",
    "on an implicit-TLS port a plain-text client 'hangs waiting for a banner it will never "
    "get, then times out'",
    "2026-09-08",
)

# QQ Mail.
S_QQ_CHATMAIL = _src(
    "chatmail/provider-db: _providers/qq.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/qq.md",
    "smtp.qq.com 465 SSL; app-specific password (authorization code) required",
    "2021-06",
)
S_QQ_KD = _src(
    "QQ邮箱服务器地址 (cloud.kd.cn)",
    "https://cloud.kd.cn/ask/9658.html",
    "third-party: smtp.qq.com 465 SSL, 587 TLS, 25 plain; authorization code, not password",
)
S_QQ_ITHOME = _src(
    "IT之家: QQ 邮箱从 2022 年 11 月 1 日起仅允许通过授权码登录 (copy on ashea.com.cn)",
    "https://ashea.com.cn/guandian/2022/1011/707174.html",
    "POP3/IMAP/SMTP clients log in only with a 16-character authorization code",
    "2022-10-11",
)
S_QQ_DOKUWIKI = _gh(
    "splitbrain/dokuwiki-plugin-smtp",
    64,
    "Email was sent but still noted 'SMTP Server did not respond...'",
    "2024-12-17",
    "full session with smtp.qq.com:465",
)
S_QQ_YAPI = _gh(
    "YMFE/yapi", 2219, "Invalid login, Please enter your authorization code to login", "2021-06-25"
)
S_QQ_GSIL = _gh(
    "FeeiCN/GSIL",
    70,
    "smtplib.SMTPAuthenticationError: (535, b'Error: \\xc7\\xeb...')",
    "2020-09-18",
    "the GBK bytes of the Chinese error, as smtplib showed them",
)
S_QQ_QQBOT = _gh(
    "pandolia/qqbot", 221, "SMTPAuthenticationError: (535, 'Error: \\xc7\\xeb...')", "2017-10-10"
)
S_QQ_VALINE = _gh(
    "DesertsP/Valine-Admin",
    86,
    "535error",
    "2020-03-31",
    "the same GBK bytes shown as Latin-1 mojibake: 'ÇëÊ¹ÓÃÊÚÈ¨ÂëµÇÂ¼'",
)
S_QQ_TELNET = _gh(
    "greycodee/blog-comment",
    22,
    "telnet使用smtp协议发送qq邮件",
    "2021-03-24",
    "greeting on port 25: 220 newxmesmtplogicsvrsza5.qq.com XMail Esmtp QQ Mail Server.",
)

# NetEase 163 / 126.
S_163_CHATMAIL = _src(
    "chatmail/provider-db: _providers/163.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/163.md",
    "smtp.163.com 465 SSL; enable POP3/SMTP/IMAP and log in with a third-party auth code; "
    "free accounts get at most 2 such codes at once",
    "2024-11",
)
S_163_SMTPCLI = _gh(
    "mludvig/smtp-cli",
    4,
    "smtp-cli does not actually try to login",
    "2014-11-12",
    "session with applesmtp.163.com:465 (an old, Apple-specific host name)",
)
S_163_NODEMAIL = _gh(
    "Vincedream/NodeMail",
    11,
    "Error: Invalid login: 535 Error: authentication",
    "2019-03-06",
    "163 account; nodemailer's AUTH PLAIN answered 535",
)
S_163_NODE12306 = _gh(
    "hongrunhui/node_12306",
    1,
    "Invalid login: 535 Error: authentication failed",
    "2017-01-14",
    "163: turn on SMTP in settings and use the client authorization password",
)
S_163_12306 = _gh(
    "testerSunshine/12306",
    62,
    "SMTPAuthenticationError(550, 'User has no permission')",
    "2019-01-02",
    "fixed by turning on SMTP in the mailbox settings",
)
S_163_FALCON = _gh(
    "open-falcon/mail-provider",
    6,
    "User has no permission",
    "2017-04-07",
    "163 account; points to help.163.com on enabling SMTP",
)
S_126_NOTE = _src(
    "「EMAIL」- 163.com | 126.com (note.lispstudio.com)",
    "https://note.lispstudio.com/dacaf276000eb6a58da4f0ecc45cd0e2",
    "third-party notes: smtp.163.com 25 / 465 (ssl); smtp.126.com 25",
)
S_126_SELFTEACHING = _gh(
    "selfteaching/selfteaching-python-camp",
    1053,
    "以网易126邮箱为例 分享如何设置邮箱SMTP以及授权码",
    "",
    "126: turn on SMTP, then set an authorization code",
)

# Gmail.
S_GMAIL_DEV = _src(
    "Google for Developers: IMAP, POP, and SMTP (Gmail)",
    "https://developers.google.com/gmail/imap",
    "smtp.gmail.com supports TLS: port 465 (SSL) or 587 (STARTTLS); SASL XOAUTH2",
)
S_GMAIL_CHATMAIL = _src(
    "chatmail/provider-db: _providers/gmail.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/gmail.md",
    "needs 2-Step Verification and an app password "
    "(support.google.com/accounts/answer/185833, myaccount.google.com/apppasswords)",
    "2024-08",
)
S_GMAIL_WARMBLY = _gh(
    "warmbly/warmbly",
    577,
    "feat: mark Gmail OAuth as not recommended in the connect dialog",
    "",
    "quotes Google help: 'less secure apps' removed May 2022; Workspace admins can "
    "disable app passwords; Advanced Protection accounts cannot create them",
    "pull",
)
S_GMAIL_TGTG = _gh(
    "Der-Henning/tgtg", 517, "Gmail SMTP password not taken", "2024-07-13", "534 5.7.9 quoted"
)
S_GMAIL_1116 = _gh(
    "nodemailer/nodemailer",
    1116,
    "Nodemailer cannot use smtp.gmail.com to send email anymore",
    "2020-03-11",
    "534-5.7.9 Application-specific password required",
)
S_GMAIL_205 = _gh(
    "dawidd6/action-send-mail",
    205,
    "Username and Password Error Message",
    "2024-05-31",
    "535-5.7.8 Username and Password not accepted",
)
S_GMAIL_MAGEPLAZA = _gh(
    "mageplaza/magento-2-smtp",
    178,
    "5.7.8 Username and Password not accept",
    "2019-07-02",
    "fixed with an app password",
)
S_GMAIL_2031 = _gh(
    "PHPMailer/PHPMailer",
    2031,
    "Unknown Error Code",
    "2020-04-17",
    "session with smtp.gmail.com:587",
)
S_GMAIL_AVIDEO = _gh(
    "WWBN/AVideo",
    3212,
    "email fails to be sent and shows error",
    "2020-06-07",
    "EHLO after STARTTLS on smtp.gmail.com",
)
S_GMAIL_1076 = _gh(
    "PHPMailer/PHPMailer",
    1076,
    "GMail SMTP No Error but No Mail",
    "2017-06-16",
    "221 reply to QUIT",
)

# Microsoft.
S_MS_GIST = _src(
    "gabrielbarros: Mail servers (SMTP, IMAP and POP) for Gmail and Microsoft",
    "https://gist.github.com/gabrielbarros/f494b2ec6e330842b43619f8e2b66481",
    "SMTP: smtp-mail.outlook.com:587 (STARTTLS)",
    "2024-03-07",
)
S_MS_SEPT2024 = _src(
    "How to update Outlook email settings to avoid losing access after September 16",
    "https://techissuestoday.com/how-to-update-outlook-email-settings-to-avoid-losing-access-after-september-16/",
    "Microsoft timeline: from 16 September 2024 Basic Authentication no longer works for "
    "any Outlook.com (Hotmail, Live) account",
)
S_MS_PATRIOT = _src(
    "Outlook App Passwords Are Gone for Personal Accounts: What to Do Instead",
    "https://patriotmail.ai/blog/microsoft-modern-authentication-outlook-app-passwords",
    "personal Outlook.com/Hotmail/Live/MSN: Modern Authentication (OAuth) required, app "
    "passwords no longer the path",
    "2026-03-25",
)
S_MS_NINA = _gh(
    "daleghent/nina-ground-station",
    17,
    "The new Outlook stop working",
    "2024-11-11",
    "535 5.7.139 basic authentication is disabled, from smtp-mail.outlook.com:587",
)
S_MS_1714 = _gh(
    "nodemailer/nodemailer", 1714, "error with outlook", "2025-01-26", "535 5.7.139 quoted"
)
S_MS_416 = _gh(
    "simonrob/email-oauth2-proxy",
    416,
    "SMTP 502 5.3.3 after AUTH when client uses SMTPUTF8",
    "2026-05-06",
    "session with smtp-mail.outlook.com:587, host names shortened in the quote",
)
S_MS_53647 = _gh(
    "symfony/symfony",
    53647,
    "Client side ConnectionTimeout breaks mail authentication",
    "2024-01-26",
    "smtp-mail.outlook.com with STARTTLS: the client tries LOGIN, then XOAUTH2",
)
S_MS_BLOG = _src(
    "Microsoft Exchange Team Blog: Exchange Online to retire Basic auth for Client Submission "
    "(SMTP AUTH)",
    "https://techcommunity.microsoft.com/t5/exchange-team-blog/exchange-online-to-retire-basic-auth-for-client-submission-smtp/ba-p/4114750",
    "endpoints smtp.office365.com and smtp-legacy.office365.com; after removal clients get "
    "'550 5.7.30 Basic authentication is not supported for Client Submission.'",
    "2025-06-11",
)
S_MS_MC786329 = _src(
    "Microsoft 365 Message Center MC786329 (copy on app.cloudscout.one)",
    "https://app.cloudscout.one/evergreen-item/MC786329",
    "update of 27 January 2026: unchanged until December 2026; end of December 2026 SMTP "
    "AUTH Basic auth disabled by default for existing tenants (admins can re-enable); "
    "unavailable by default for new tenants; final removal date announced in H2 2027",
    "2026-01-27",
)
S_MS_MSMTP83 = _gh(
    "marlam/msmtp",
    83,
    "Issues while sending email to office 365",
    "2022-07-27",
    "maintainer: 'TLS is only available via STARTTLS on port 587'",
)
S_MS_MSMTP198 = _gh(
    "marlam/msmtp",
    198,
    "Setting 'auth xoauth2' in config file has no effect",
    "2025-07-15",
    "greeting and EHLO from smtp.office365.com:587",
)
S_MS_OAUTH2MS = _gh(
    "harishkrupo/oauth2ms",
    5,
    "Sending Emails Fails",
    "2021-02-26",
    "whole session with Office 365: EHLO before and after STARTTLS, 530/451 errors",
)
S_MS_1484 = _gh(
    "nodemailer/nodemailer",
    1484,
    'Office365 SMTP requested "AUTH LOGIN OAUTH2" AND "SMTP LOGIN" was '
    '"Authentication unsuccessful"',
    "2022-11-16",
    "535 5.7.139 SmtpClientAuthentication is disabled for the Tenant",
)
S_MS_FREESCOUT = _gh(
    "freescout-help-desk/freescout",
    4173,
    "SMTP connected via o365 OAuth but agent-account invitations are still send via LOGIN",
    "2024-08-09",
    "535 5.7.139 the user credentials were incorrect",
)
S_MS_GEOFF = _gh(
    "geoffsmith82/GmailAuthSMTP", 15, "Microsoft Auth", "2022-12-02", "535 5.7.3 quoted"
)
S_MS_SWIFT = _gh(
    "swiftmailer/swiftmailer",
    1302,
    "OFFICE365 ... Authenticator LOGIN returned ... 535 5.7.3 Authentication unsuccessful",
    "2020-10-28",
)
S_MS_ENOUGH = _gh(
    "Enough-Software/enough_mail",
    106,
    "SMTP Auth Failure With Office365 Account",
    "2021-01-12",
    "after STARTTLS smtp.office365.com advertises '250-AUTH LOGIN XOAUTH2'",
)

# Apple iCloud.
S_ICLOUD_NYLAS = _src(
    "Nylas: iCloud Mail API: IMAP, app passwords, and REST",
    "https://developer.nylas.com/docs/cookbook/email/icloud-mail-api/",
    "quotes Apple's 'iCloud Mail server settings' (support.apple.com/en-us/102525): SMTP "
    "smtp.mail.me.com port 587, app-specific password",
)
S_ICLOUD_CHATMAIL = _src(
    "chatmail/provider-db: _providers/icloud.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/icloud.md",
    "smtp.mail.me.com 587 STARTTLS; app-specific password before login",
    "2024-10",
)
S_ICLOUD_MESH = _src(
    "MeshWorld: How to Use iCloud Mail SMTP Server for Sending Email",
    "https://meshworld.in/blog/devops/email/icloud-smtp-server",
    "third-party: 587 STARTTLS is the only documented port; says 465 is refused",
    "2026-04-05",
)
S_ICLOUD_POSTIGO = _src(
    "Postigo: iCloud Mail SMTP Settings (2026)",
    "https://postigo.net/smtp/icloud",
    "third-party: authentication LOGIN / PLAIN; claims 465 as an alternative (contradicted "
    "by MeshWorld)",
    "2026-01",
)
S_ICLOUD_PASTE = _src(
    "pastebin XUeAk0ih: Apple Mail connection log with smtp.mail.me.com:587",
    "https://pastebin.com/XUeAk0ih",
    "the log shows 'Dec 11' without a year; the server software is from June 2017",
)
S_ICLOUD_84 = _gh(
    "dawidd6/action-send-mail",
    84,
    "Sending emails with iCloud",
    "2021-11-16",
    "implicit TLS on 587 gave 'ssl3_get_record:wrong version number'; fixed by STARTTLS",
)

# Yahoo.
S_YAHOO_CHATMAIL = _src(
    "chatmail/provider-db: _providers/yahoo.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/yahoo.md",
    "smtp.mail.yahoo.com 465 SSL; create an app password in the account security screen",
    "2020-06",
)
S_YAHOO_XENO = _src(
    "Xenocept docs: Yahoo Mail",
    "https://xenocept.com/docs/email-setup/yahoo.html",
    "third-party: 587 STARTTLS or 465 implicit TLS; 16-character app password after "
    "turning on two-step verification",
)
S_YAHOO_ECHALLAN = _src(
    "e-challan help: email SMTP settings",
    "https://e-challan.mics.asia/help/email-smtp",
    "third-party: Yahoo's normal password is blocked for SMTP; app password required",
)
S_YAHOO_ZETA = _gh(
    "zetacomponents/Mail", 37, "Fix AUTH issue with Yahoo SMTP servers", "2015-01-31", kind="pull"
)
S_YAHOO_MAILCORE = _gh(
    "MailCore/mailcore2",
    1488,
    "Mac OS X: Yahoo OAuth2 SMTP send failure",
    "2016-08-01",
    "session with smtp.mail.yahoo.com:465 (TLS)",
)
S_YAHOO_LUA = _gh(
    "GUI/lua-resty-mail", 4, "yahoo smtp issues", "2019-06-29", "535 5.7.0 (#AUTH005) quoted"
)

# Zoho.
S_ZOHO_WIKI = _src(
    "[How-To] Configure Email Server with Zoho SMTP Settings (wiki.stretchpowered.com)",
    "https://wiki.stretchpowered.com/books/zoho/page/how-to-configure-email-server-with-zoho-smtp-settings",
    "reproduces Zoho's 'SMTP Server Configuration' help: smtp.zoho.com 465 SSL / 587 TLS "
    "(smtppro.zoho.com for paid organisations); application-specific password with 2FA",
)
S_ZOHO_POSTIGO = _src(
    "Postigo: Zoho Mail SMTP Settings (2026)",
    "https://postigo.net/smtp/zoho",
    "third-party: regional hosts (smtp.zoho.eu, smtp.zoho.in, ...); LOGIN / PLAIN",
    "2026-01",
)
S_ZOHO_FREEPLAN = _src(
    "Zoho SMTP Server Setup Guide (ai-productivity.pages.dev)",
    "https://ai-productivity.pages.dev/guides/zoho-smtp-server-setup-guide/",
    "third-party; says SMTP is a paid-plan feature, which other guides contradict",
)
S_ZOHO_PASTE = _src(
    "pastebin bN4xNDz3: session with smtps://smtp.zoho.com:465/",
    "https://pastebin.com/bN4xNDz3",
    "",
    "2019-01-18",
)
S_ZOHO_456 = _gh(
    "nodemailer/nodemailer",
    456,
    '"535 Authentication Failed" when using Zoho',
    "2015-07-07",
    "the log's lines are printed out of order",
)

# Fastmail.
S_FM_PORTS = _src(
    "Fastmail help: Server names and ports",
    "https://www.fastmail.com/help/technical/servernamesandports.html",
    "SMTP smtp.fastmail.com port 465, SSL/TLS 'Enabled, but not STARTTLS', authentication "
    "PLAIN, app-specific password only",
)
S_FM_IMAP = _src(
    "Fastmail help: IMAP, POP, and SMTP",
    "https://fastmail.help/hc/en-us/articles/1500000279921",
    "every IMAP/POP/SMTP connection needs its own app password",
)
S_FM_CHATMAIL = _src(
    "chatmail/provider-db: _providers/fastmail.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/fastmail.md",
    "465 SSL; 587 STARTTLS 'technically supported, but very strongly discouraged by Fastmail'",
    "2022-01",
)
S_FM_DMA = _gh("corecode/dma", 50, "Support for PLAIN authentication", "2016-11-19", "EHLO quoted")
S_FM_PROXY = _gh(
    "simonrob/email-oauth2-proxy",
    93,
    "Setting up for Office 365 Apple Mail on MacOS Ventura",
    "2022-11-05",
    "an Apple Mail log with smtp.fastmail.com:465",
)

# Networks and transport errors.
S_BINDER_977 = _gh(
    "jupyterhub/mybinder.org-deploy",
    977,
    "Outbound SMTP email from Jupyter Notebook run on myBinder",
    "2019-05-24",
    "'Network is unreachable'; maintainer: outgoing connections are blocked on almost all "
    "ports and SMTP will not be added",
)
S_BINDER_609 = _gh(
    "jupyterhub/binderhub",
    609,
    "Outgoing TCP connections ?",
    "2018-07-13",
    "mybinder.org blocks outgoing connections except HTTP(S) and git; the connections timed out",
)
S_GITPOD_965 = _gh(
    "gitpod-io/gitpod",
    965,
    "Remote ports 25 and 587 can't be reached",
    "2019-12-02",
    "a cloud IDE blocking SMTP ports against spam",
)
S_PAPERLESS = _gh(
    "paperless-ngx/paperless-ngx",
    13950,
    "SSL wrong version number",
    "2026-09-03",
    "maintainer: a port/TLS mode mismatch; 587 is STARTTLS, 465 implicit SSL",
)
S_ETEXT = _gh(
    "AlfredoSequeida/etext",
    2,
    "[SSL: WRONG_VERSION_NUMBER]",
    "2021-09-28",
    "SMTP_SSL against Outlook's STARTTLS port; fixed with SMTP + starttls()",
)


# --------------------------------------------------------------------------- observed


def _obs(
    code: int,
    lines: tuple[str, ...] | str,
    source: Source,
    context: str = "",
    note: str = "",
    encoding: str = "utf-8",
) -> ObservedReply:
    if isinstance(lines, str):
        lines = (lines,)
    return ObservedReply(code, lines, source, context, note, encoding)


_ADDR_NOTE = "client name and address replaced by documentation values"

_QQ_HELP = "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"

OBSERVED_QQ = Observed(
    greeting=_obs(
        220,
        "newxmesmtplogicsvrszgpua5-0.qq.com XMail Esmtp QQ Mail Server.",
        S_QQ_DOKUWIKI,
        "port 465, after the TLS handshake",
        "on port 25 the same form was quoted: "
        "'220 newxmesmtplogicsvrsza5.qq.com XMail Esmtp QQ Mail Server.' (greycodee#22)",
    ),
    ehlo_tls=_obs(
        250,
        (
            "newxmesmtplogicsvrszgpua5-0.qq.com",
            "PIPELINING",
            "SIZE 73400320",
            "AUTH LOGIN PLAIN XOAUTH XOAUTH2",
            "AUTH=LOGIN",
            "MAILCOMPRESS",
            "SMTPUTF8",
            "8BITMIME",
        ),
        S_QQ_DOKUWIKI,
        "port 465",
    ),
    errors=(
        _obs(
            535,
            f"Login Fail. Please enter your authorization code to login. More information in "
            f"{_QQ_HELP}",
            S_QQ_YAPI,
            "AUTH with the QQ password instead of the authorization code",
        ),
        _obs(
            535,
            f"Error: 请使用授权码登录。详情请看: {_QQ_HELP}",
            S_QQ_GSIL,
            "AUTH with the QQ password (older form, in Chinese)",
            "sent GBK-encoded: smtplib showed b'Error: \\xc7\\xeb\\xca\\xb9...'; also quoted "
            "in pandolia/qqbot#221 and, as Latin-1 mojibake, in DesertsP/Valine-Admin#86",
            encoding="gbk",
        ),
    ),
    other=(
        _obs(235, "Authentication successful", S_QQ_DOKUWIKI, "after AUTH LOGIN"),
        _obs(250, "OK", S_QQ_DOKUWIKI, "reply to MAIL FROM and RCPT TO"),
        _obs(354, "End data with <CR><LF>.<CR><LF>.", S_QQ_DOKUWIKI, "reply to DATA"),
    ),
)

OBSERVED_163 = Observed(
    greeting=_obs(
        220,
        "163.com Anti-spam GT for Coremail System (163com[20121016])",
        S_163_SMTPCLI,
        "applesmtp.163.com:465, after the TLS handshake",
        "quoted in 2014; today's greeting on smtp.163.com is unknown",
    ),
    errors=(
        _obs(
            535,
            "Error: authentication failed",
            S_163_NODEMAIL,
            "AUTH PLAIN with the account password (or SMTP not turned on)",
            "also quoted in hongrunhui/node_12306#1 (2017-01-14)",
        ),
        _obs(
            550,
            "User has no permission",
            S_163_12306,
            "sending while the SMTP service is off in the mailbox settings",
            "also quoted in open-falcon/mail-provider#6 (2017-04-07)",
        ),
        _obs(
            553,
            "authentication is required,smtp13,EcCowECZoy+xLGNU4LXrAQ--.2290S2 1415785650",
            S_163_SMTPCLI,
            "MAIL FROM without AUTH (after HELO)",
        ),
    ),
    other=(
        _obs(250, "OK", S_163_SMTPCLI, "reply to HELO"),
        _obs(221, "Bye", S_163_SMTPCLI, "reply to QUIT"),
    ),
)

OBSERVED_GMAIL = Observed(
    greeting=_obs(220, "smtp.gmail.com ESMTP g69sm1020259wmg.17 - gsmtp", S_GMAIL_2031, "port 587"),
    ehlo=_obs(
        250,
        (
            "smtp.gmail.com at your service, [203.0.113.5]",
            "SIZE 35882577",
            "8BITMIME",
            "STARTTLS",
            "ENHANCEDSTATUSCODES",
            "PIPELINING",
            "CHUNKING",
            "SMTPUTF8",
        ),
        S_GMAIL_2031,
        "port 587, before STARTTLS",
        _ADDR_NOTE,
    ),
    starttls=_obs(220, "2.0.0 Ready to start TLS", S_GMAIL_2031, "reply to STARTTLS"),
    ehlo_tls=_obs(
        250,
        (
            "smtp.gmail.com at your service, [2001:db8::5]",
            "SIZE 35882577",
            "8BITMIME",
            "AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH",
            "ENHANCEDSTATUSCODES",
            "PIPELINING",
            "CHUNKING",
            "SMTPUTF8",
        ),
        S_GMAIL_AVIDEO,
        "port 587, after STARTTLS",
        _ADDR_NOTE + "; the same AUTH line is quoted in PHPMailer#543 (2015) and "
        "bokysan/docker-postfix#101 (2022)",
    ),
    errors=(
        _obs(
            534,
            (
                "5.7.9 Application-specific password required. For more information, go to",
                "5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor "
                "ffacd0b85a97d-368119970e7sm1809147f8f.21 - gsmtp",
            ),
            S_GMAIL_TGTG,
            "AUTH with the Google account password on an account with 2-Step Verification",
            "older wording: 'Learn more at' instead of 'For more information, go to' "
            "(nodemailer#1116, 2020)",
        ),
        _obs(
            535,
            (
                "5.7.8 Username and Password not accepted. For more information, go to",
                "5.7.8  https://support.google.com/mail/?p=BadCredentials "
                "af79cd13be357-794f3061475sm18893085a.74 - gsmtp",
            ),
            S_GMAIL_205,
            "AUTH with a wrong password (or the account password without an app password)",
        ),
    ),
    other=(
        _obs(334, "VXNlcm5hbWU6", S_GMAIL_AVIDEO, "reply to AUTH LOGIN: base64 of 'Username:'"),
        _obs(
            221,
            "2.0.0 closing connection 201sm2958616wmr.4 - gsmtp",
            S_GMAIL_1076,
            "reply to QUIT",
        ),
    ),
)

_MS_EHLO_PLAIN = (
    "SIZE 157286400",
    "PIPELINING",
    "DSN",
    "ENHANCEDSTATUSCODES",
    "STARTTLS",
    "8BITMIME",
    "BINARYMIME",
    "CHUNKING",
    "SMTPUTF8",
)

OBSERVED_OUTLOOK = Observed(
    greeting=_obs(
        220,
        "outlook.office365.com Microsoft ESMTP ready",
        S_MS_416,
        "smtp-mail.outlook.com:587",
        "as quoted, with host names shortened by the reporter; unshortened reports show "
        "'<server>.outlook.office365.com Microsoft ESMTP MAIL Service ready at <date>'",
    ),
    ehlo=_obs(
        250,
        ("outlook.office365.com Hello [203.0.113.9]", *_MS_EHLO_PLAIN),
        S_MS_416,
        "smtp-mail.outlook.com:587, before STARTTLS",
        _ADDR_NOTE,
    ),
    auth_after_tls=_obs(
        250,
        "AUTH LOGIN XOAUTH2",
        S_MS_ENOUGH,
        "AUTH line of the EHLO reply after STARTTLS (reported for smtp.office365.com; "
        "symfony#53647 shows clients trying LOGIN then XOAUTH2 on smtp-mail.outlook.com)",
    ),
    errors=(
        _obs(
            535,
            "5.7.139 Authentication unsuccessful, basic authentication is disabled. "
            "[PH7P220CA0132.NAMP220.PROD.OUTLOOK.COM 2024-11-11T21:51:32.927Z 08DD021D9EEB05BC]",
            S_MS_NINA,
            "AUTH LOGIN with a password or app password, smtp-mail.outlook.com:587",
            "also quoted in nodemailer#1714 (2025-01-26) and rpremraj/mailR#107 (2022-08-30)",
        ),
    ),
)

OBSERVED_OFFICE365 = Observed(
    greeting=_obs(
        220,
        "FR4P281CA0195.outlook.office365.com Microsoft ESMTP MAIL Service ready at "
        "Tue, 15 Jul 2025 09:03:14 +0000 [08DDC3531BF902E3]",
        S_MS_MSMTP198,
        "smtp.office365.com:587",
        "older reports (2020-2024) end after the date, without the bracketed id",
    ),
    ehlo=_obs(
        250,
        ("FR4P281CA0195.outlook.office365.com Hello [2001:db8::198]", *_MS_EHLO_PLAIN),
        S_MS_MSMTP198,
        "smtp.office365.com:587, before STARTTLS",
        _ADDR_NOTE,
    ),
    starttls=_obs(220, "2.0.0 SMTP server ready", S_MS_OAUTH2MS, "reply to STARTTLS"),
    ehlo_tls=_obs(
        250,
        (
            "server.outlook.office365.com Hello [198.51.100.17]",
            "SIZE 157286400",
            "PIPELINING",
            "DSN",
            "ENHANCEDSTATUSCODES",
            "AUTH LOGIN XOAUTH2",
            "8BITMIME",
            "BINARYMIME",
            "CHUNKING",
            "SMTPUTF8",
        ),
        S_MS_OAUTH2MS,
        "after STARTTLS",
        _ADDR_NOTE + "; 'server' is the reporter's placeholder",
    ),
    errors=(
        _obs(
            535,
            "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
            "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. "
            "[TY1PR01CA0183.jpnprd01.prod.outlook.com]",
            S_MS_1484,
            "AUTH LOGIN when the organisation turned SMTP AUTH off",
        ),
        _obs(
            535,
            "5.7.139 Authentication unsuccessful, the user credentials were incorrect. "
            "[FR4P281CA0331.DEUP281.PROD.OUTLOOK.COM 2024-08-08T06:54:04.069Z 08DCB6FD3F8F9511]",
            S_MS_FREESCOUT,
            "AUTH LOGIN with wrong credentials",
        ),
        _obs(
            535,
            "5.7.3 Authentication unsuccessful [ROAP284CA0191.BRAP284.PROD.OUTLOOK.COM]",
            S_MS_GEOFF,
            "AUTH (XOAUTH2 here) refused",
            "also quoted after AUTH LOGIN in swiftmailer#1302 (2020-10-28)",
        ),
        _obs(
            530,
            "5.7.57 Client not authenticated to send mail. [server.prod.outlook.com]",
            S_MS_OAUTH2MS,
            "MAIL FROM before a successful AUTH",
        ),
        _obs(
            451,
            "4.7.0 Temporary server error. Please try again later. PRX4  [server.prod.outlook.com]",
            S_MS_OAUTH2MS,
            "reply to a failed AUTH in the same session",
        ),
        _obs(
            550,
            "5.7.30 Basic authentication is not supported for Client Submission.",
            S_MS_BLOG,
            "announced by Microsoft for after Basic auth is removed from SMTP AUTH",
            "quoted from Microsoft's announcement, not from a session",
        ),
    ),
    other=(
        _obs(334, "UGFzc3dvcmQ6", S_MS_1484, "AUTH LOGIN prompt: base64 of 'Password:'"),
        _obs(221, "2.0.0 Service closing transmission channel", S_MS_OAUTH2MS, "reply to QUIT"),
    ),
)

OBSERVED_ICLOUD = Observed(
    greeting=_obs(
        220,
        "pv33p00im-asmtp001.mac.com -- Server ESMTP (Oracle Communications Messaging Server "
        "8.0.1.2.20170607 64bit (built Jun 7 2017))",
        S_ICLOUD_PASTE,
        "smtp.mail.me.com:587",
    ),
    ehlo=_obs(
        250,
        (
            "pv33p00im-asmtp001.mac.com",
            "8BITMIME",
            "PIPELINING",
            "CHUNKING",
            "DSN",
            "ENHANCEDSTATUSCODES",
            "EXPN",
            "HELP",
            "XLOOP E6ADDAEB9E0CF2D57FC7222EF205750D",
            "STARTTLS",
            "NO-SOLICITING",
            "SIZE 28311552",
        ),
        S_ICLOUD_PASTE,
        "port 587, before STARTTLS: no AUTH is offered in plain text",
    ),
)

OBSERVED_YAHOO = Observed(
    greeting=_obs(220, "smtp.mail.yahoo.com ESMTP ready", S_YAHOO_MAILCORE, "port 465"),
    ehlo_tls=_obs(
        250,
        (
            "smtp.mail.yahoo.com",
            "PIPELINING",
            "SIZE 41697280",
            "8 BITMIME",
            "AUTH PLAIN LOGIN XOAUTH2 XYMCOOKIE",
        ),
        S_YAHOO_MAILCORE,
        "port 465",
        "'8 BITMIME' (with a space) as quoted; the same reply is quoted in "
        "zetacomponents/Mail#37 (2015-01-31)",
    ),
    errors=(
        _obs(
            535,
            "5.7.0 (#AUTH005) Too many bad auth attempts.",
            S_YAHOO_LUA,
            "AUTH after repeated failures (ports 465 and 587)",
        ),
    ),
)

OBSERVED_ZOHO = Observed(
    greeting=_obs(
        220,
        "mx.zohomail.com SMTP Server ready January 18, 2019 3:02:21 AM PST",
        S_ZOHO_PASTE,
        "smtp.zoho.com:465",
        "the same form, with another date, in nodemailer#456 (2015-07-07)",
    ),
    ehlo_tls=_obs(
        250,
        (
            "mx.zohomail.com Hello [192.0.2.10] (client.example.net (192.0.2.10))",
            "AUTH LOGIN PLAIN",
            "SIZE 53477376",
        ),
        S_ZOHO_PASTE,
        "port 465",
        _ADDR_NOTE + "; nodemailer#456 (2015) shows SIZE 25000000",
    ),
    errors=(
        _obs(
            535,
            "Authentication Failed",
            S_ZOHO_456,
            "AUTH PLAIN refused (the report's log is printed out of order)",
        ),
    ),
    other=(
        _obs(235, "Authentication Successful", S_ZOHO_PASTE, "after AUTH PLAIN"),
        _obs(354, "Ok Send data ending with <CRLF>.<CRLF>", S_ZOHO_PASTE, "reply to DATA"),
    ),
)

OBSERVED_FASTMAIL = Observed(
    greeting=_obs(220, "smtp.fastmail.com ESMTP ready", S_FM_DMA, "port not shown"),
    ehlo=_obs(
        250,
        (
            "smtp.fastmail.com",
            "PIPELINING",
            "SIZE 71000000",
            "ENHANCEDSTATUSCODES",
            "8BITMIME",
            "AUTH PLAIN LOGIN",
            "AUTH=PLAIN LOGIN",
        ),
        S_FM_DMA,
        "port not shown (2016)",
    ),
    ehlo_tls=_obs(
        250,
        (
            "smtp.fastmail.com",
            "PIPELINING",
            "SIZE 71000000",
            "ENHANCEDSTATUSCODES",
            "8BITMIME",
            "AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER",
        ),
        S_FM_PROXY,
        "port 465 (2022)",
    ),
    errors=(_obs(530, "5.7.1 Authentication required", S_FM_DMA, "MAIL FROM without AUTH"),),
    other=(_obs(235, "2.0.0 OK", S_FM_PROXY, "after AUTH PLAIN"),),
)


# --------------------------------------------------------------------------- presets

_PRESETS: tuple[Provider, ...] = (
    Provider(
        key="qq",
        name="QQ Mail",
        host="smtp.qq.com",
        tls_port=465,
        starttls_port=587,
        auth_mechanisms=("LOGIN", "PLAIN"),
        credential=CREDENTIAL_AUTHORIZATION_CODE,
        credential_help=(
            "In QQ Mail on the web, open Settings → Account, turn on the "
            "POP3/IMAP/SMTP/Exchange/CardDAV/CalDAV service, confirm by SMS or WeChat, and "
            "copy the 16-character authorization code (授权码); type it where a program asks "
            "for the password."
        ),
        login_hint="use the authorization code (授权码), not your QQ password",
        basic_auth=True,
        notes=(
            "Since 1 November 2022 mail programs can log in only with an authorization code, "
            "not the QQ password. Some error texts come in GBK-encoded Chinese. The server "
            "also advertises XOAUTH and XOAUTH2; whether other programs may use them is "
            "unknown. foxmail.com addresses use the same server."
        ),
        sources=(S_QQ_CHATMAIL, S_KOISHI, S_QQ_KD, S_QQ_ITHOME, S_ZHUFUYI),
        observed=OBSERVED_QQ,
        aliases=("qqmail", "qq mail", "foxmail", "tencent", "腾讯", "qq邮箱"),
        domains=("qq.com", "foxmail.com"),
    ),
    Provider(
        key="163",
        name="NetEase 163 Mail",
        host="smtp.163.com",
        tls_port=465,
        starttls_port=None,
        auth_mechanisms=("PLAIN",),
        credential=CREDENTIAL_AUTHORIZATION_CODE,
        credential_help=(
            "In 163 Mail on the web, open Settings → POP3/SMTP/IMAP, turn the service on "
            "(it asks for an SMS), and add a client authorization code (授权码); type it where "
            "a program asks for the password."
        ),
        login_hint="turn SMTP on in the mailbox settings and use the authorization code "
        "(授权码), not your password",
        basic_auth=True,
        notes=(
            "Port 994 is also reported for implicit TLS, port 25 for plain text. Some guides "
            "list 587 with STARTTLS, but no authoritative source was found: unknown, left "
            "out. NetEase's own help page was not available to us; the ports come from "
            "third-party guides that agree. Free accounts get at most 2 authorization codes "
            "at once. Only AUTH PLAIN is seen in a public log (answered 535, not 504); the "
            "full EHLO reply is unknown."
        ),
        sources=(S_163_CHATMAIL, S_KOISHI, S_ZHUFUYI, S_163_NODE12306, S_163_12306),
        observed=OBSERVED_163,
        aliases=("netease", "netease163", "163mail", "163 mail", "wangyi", "网易", "163邮箱"),
        domains=("163.com",),
    ),
    Provider(
        key="126",
        name="NetEase 126 Mail",
        host="smtp.126.com",
        tls_port=465,
        starttls_port=None,
        auth_mechanisms=(),
        credential=CREDENTIAL_AUTHORIZATION_CODE,
        credential_help=(
            "In 126 Mail on the web, open Settings → POP3/SMTP/IMAP, turn the SMTP service "
            "on, and set a client authorization code (授权码); type it where a program asks "
            "for the password."
        ),
        login_hint="turn SMTP on in the mailbox settings and use the authorization code "
        "(授权码), not your password",
        basic_auth=True,
        notes=(
            "Port 994 is also reported for implicit TLS, port 25 for plain text; a STARTTLS "
            "port is unknown. The AUTH mechanisms are unknown (no public EHLO reply found); "
            "126 is run by NetEase like 163, but nothing here assumes they are the same."
        ),
        sources=(S_ZHUFUYI, S_126_NOTE, S_126_SELFTEACHING),
        observed=None,
        aliases=("netease126", "126mail", "126 mail", "126邮箱"),
        domains=("126.com",),
    ),
    Provider(
        key="gmail",
        name="Gmail",
        host="smtp.gmail.com",
        tls_port=465,
        starttls_port=587,
        auth_mechanisms=("PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"),
        credential=CREDENTIAL_APP_PASSWORD,
        credential_help=(
            "Turn on 2-Step Verification for your Google Account, then create an app "
            "password at https://myaccount.google.com/apppasswords and type its 16 letters "
            "where a program asks for the password. Your normal Google password is refused."
        ),
        login_hint="use an app password (it needs 2-Step Verification), not your Google password",
        basic_auth=True,
        notes=(
            "Google removed the 'less secure apps' switch in 2022: a program logs in with an "
            "app password or with OAuth2 (XOAUTH2). A Workspace administrator can turn app "
            "passwords off, and Advanced Protection accounts cannot create them."
        ),
        sources=(S_GMAIL_DEV, S_GMAIL_CHATMAIL, S_GMAIL_WARMBLY, S_GMAIL_TGTG),
        observed=OBSERVED_GMAIL,
        aliases=("google", "googlemail", "google mail"),
        domains=("gmail.com", "googlemail.com"),
    ),
    Provider(
        key="outlook",
        name="Outlook.com (Hotmail, Live, MSN)",
        host="smtp-mail.outlook.com",
        tls_port=None,
        starttls_port=587,
        auth_mechanisms=("XOAUTH2",),
        credential=CREDENTIAL_OAUTH2_ONLY,
        credential_help=(
            "Outlook.com no longer accepts your password or an app password over SMTP "
            "(since 16 September 2024): a program must sign in with OAuth2 (XOAUTH2). For "
            "the password lessons, use the lab server or another provider."
        ),
        login_hint="sign-in works only with OAuth2 (XOAUTH2) now, not with a password",
        basic_auth=False,
        notes=(
            "The server still advertises AUTH LOGIN after STARTTLS, but a password login "
            "answers 535 5.7.139 'basic authentication is disabled'. Only STARTTLS on 587 is "
            "documented."
        ),
        sources=(S_KOISHI, S_MS_GIST, S_MS_SEPT2024, S_MS_PATRIOT, S_MS_NINA),
        observed=OBSERVED_OUTLOOK,
        aliases=("hotmail", "live", "msn", "outlook.com", "outlookcom", "windowslive"),
        domains=("outlook.com", "hotmail.com", "live.com", "msn.com"),
    ),
    Provider(
        key="office365",
        name="Microsoft 365 (Exchange Online)",
        host="smtp.office365.com",
        tls_port=None,
        starttls_port=587,
        auth_mechanisms=("LOGIN", "XOAUTH2"),
        credential=CREDENTIAL_ORGANISATION,
        credential_help=(
            "Your organisation decides. A password login (AUTH LOGIN) works only if the "
            "administrator turned SMTP AUTH on for your mailbox; Microsoft turns it off by "
            "default for existing tenants at the end of December 2026. OAuth2 (XOAUTH2) "
            "with an app registered by the administrator is the supported way."
        ),
        login_hint="ask your administrator whether SMTP AUTH is on for your mailbox; "
        "otherwise sign in with OAuth2 (XOAUTH2)",
        basic_auth=None,
        notes=(
            "Basic auth for SMTP AUTH stays as it is until December 2026, is disabled by "
            "default for existing tenants at the end of December 2026 (administrators can "
            "turn it back on), is unavailable by default for tenants created after that, and "
            "Microsoft announces its final removal date in the second half of 2027 (update "
            "of 27 January 2026). TLS is only available via STARTTLS on port 587."
        ),
        sources=(S_MS_BLOG, S_MS_MC786329, S_MS_MSMTP83, S_MS_OAUTH2MS),
        observed=OBSERVED_OFFICE365,
        aliases=(
            "microsoft365",
            "m365",
            "o365",
            "office 365",
            "exchange online",
            "exchangeonline",
        ),
        domains=(),
    ),
    Provider(
        key="icloud",
        name="iCloud Mail",
        host="smtp.mail.me.com",
        tls_port=None,
        starttls_port=587,
        auth_mechanisms=("PLAIN", "LOGIN"),
        credential=CREDENTIAL_APP_PASSWORD,
        credential_help=(
            "Turn on two-factor authentication for your Apple Account, then create an "
            "app-specific password at https://account.apple.com (Sign-In and Security → "
            "App-Specific Passwords); use your full iCloud address as the user name."
        ),
        login_hint="use an app-specific password and your full iCloud address, not your "
        "Apple Account password",
        basic_auth=True,
        notes=(
            "Apple documents only port 587 with STARTTLS. Third-party guides disagree about "
            "465 (one says it works, one that it is refused): left out. The AUTH mechanisms "
            "(PLAIN, LOGIN) come from a third-party guide: before STARTTLS the server offers "
            "no AUTH at all."
        ),
        sources=(S_ICLOUD_NYLAS, S_ICLOUD_CHATMAIL, S_ICLOUD_MESH, S_ICLOUD_POSTIGO),
        observed=OBSERVED_ICLOUD,
        aliases=("apple", "icloud mail", "mobileme"),
        domains=("icloud.com", "me.com", "mac.com"),
    ),
    Provider(
        key="yahoo",
        name="Yahoo Mail",
        host="smtp.mail.yahoo.com",
        tls_port=465,
        starttls_port=587,
        auth_mechanisms=("PLAIN", "LOGIN", "XOAUTH2"),
        credential=CREDENTIAL_APP_PASSWORD,
        credential_help=(
            "In your Yahoo account's security page, turn on two-step verification, choose "
            "'Generate app password' and type the 16 characters where a program asks for "
            "the password."
        ),
        login_hint="use an app password from Yahoo's account security page, not your "
        "Yahoo password",
        basic_auth=True,
        notes=(
            "Yahoo's own help page was not available to us; the ports come from several "
            "third-party guides that agree. After many failed logins Yahoo refuses AUTH for "
            "a while (535 5.7.0 #AUTH005)."
        ),
        sources=(S_YAHOO_CHATMAIL, S_FLOWCRYPT, S_YAHOO_XENO, S_YAHOO_ECHALLAN),
        observed=OBSERVED_YAHOO,
        aliases=("yahoo mail", "ymail", "rocketmail"),
        domains=("yahoo.com", "ymail.com", "rocketmail.com"),
    ),
    Provider(
        key="zoho",
        name="Zoho Mail",
        host="smtp.zoho.com",
        tls_port=465,
        starttls_port=587,
        auth_mechanisms=("LOGIN", "PLAIN"),
        credential=CREDENTIAL_PASSWORD,
        credential_help=(
            "Your Zoho password; if two-factor authentication is on, create an "
            "application-specific password in your Zoho account and use it instead. Use your "
            "data centre's host (smtp.zoho.eu, smtp.zoho.in, ...) and smtppro.zoho.com for "
            "paid organisation accounts."
        ),
        login_hint="use your Zoho password (an application-specific one if two-factor "
        "authentication is on) and your region's host",
        basic_auth=True,
        notes=(
            "smtp.zoho.com is for personal and free organisation accounts in the US data "
            "centre; other regions have their own hosts. Whether free plans include SMTP "
            "access is reported both ways: unknown."
        ),
        sources=(S_ZOHO_WIKI, S_ZOHO_POSTIGO, S_ZOHO_FREEPLAN),
        observed=OBSERVED_ZOHO,
        aliases=("zohomail", "zoho mail"),
        domains=("zoho.com", "zohomail.com"),
    ),
    Provider(
        key="fastmail",
        name="Fastmail",
        host="smtp.fastmail.com",
        tls_port=465,
        starttls_port=587,
        auth_mechanisms=("PLAIN", "LOGIN"),
        credential=CREDENTIAL_APP_PASSWORD,
        credential_help=(
            "In Fastmail's settings (Privacy & Security → app passwords), create a new app "
            "password with access to mail and use it with your full Fastmail address; your "
            "normal password never works over SMTP."
        ),
        login_hint="use an app password and your full address, not your Fastmail password",
        basic_auth=True,
        notes=(
            "Fastmail's page lists only 465 with implicit TLS ('not STARTTLS') and PLAIN; 587 "
            "with STARTTLS is reported to work but 'very strongly discouraged'. The server "
            "also advertises XOAUTH2 and OAUTHBEARER."
        ),
        sources=(S_FM_PORTS, S_FM_IMAP, S_FM_CHATMAIL),
        observed=OBSERVED_FASTMAIL,
        aliases=("fastmail.fm", "messagingengine"),
        domains=("fastmail.com", "fastmail.fm"),
    ),
)

PROVIDERS: Mapping[str, Provider] = MappingProxyType({p.key: p for p in _PRESETS})
"""Every preset by key (read-only)."""


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lower())


def _build_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for p in _PRESETS:
        for name in (p.key, p.host, *p.aliases, *p.domains):
            names[_norm(name)] = p.key
    return names


_NAMES: Mapping[str, str] = MappingProxyType(_build_names())


def _lookup(name: str) -> str | None:
    """The preset key for a key, alias, host name, domain or e-mail address, or None."""
    text = name.strip()
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    return _NAMES.get(_norm(text))


def get_provider(name: str | Provider) -> Provider:
    """Find a preset by key, alias, host or address, ignoring case and spaces.

    ``get_provider("QQMail")``, ``get_provider("m365")``, ``get_provider("smtp.gmail.com")``
    and ``get_provider("alice@163.com")`` all work. Raises :class:`UnknownProviderError`
    (a ``KeyError`` and a ``ValueError``) naming the known keys.
    """
    if isinstance(name, Provider):
        return name
    key = _lookup(name) if isinstance(name, str) else None
    if key is None:
        known = ", ".join(PROVIDERS)
        raise UnknownProviderError(
            f"no provider preset called {name!r}. Known presets: {known} "
            "(aliases such as 'qqmail', 'netease', 'hotmail', 'm365' work too)."
        )
    return PROVIDERS[key]


def provider_for_host(host: str) -> Provider | None:
    """The preset whose SMTP host is ``host`` (any case), or None."""
    wanted = host.strip().rstrip(".").lower()
    return next((p for p in _PRESETS if p.host == wanted), None)


# --------------------------------------------------------------------------- failures


@dataclass(frozen=True)
class KnownFailure:
    """A failure learners meet, what it means and what to do.

    ``pattern`` is searched in the reply's text (or in a transport error's text);
    ``codes`` limits a reply failure to those reply codes. ``applies_to`` holds provider
    keys, or ``("any",)``. When ``needs_provider`` is True the failure is only reported
    if the caller names one of those providers: a generic ``535`` from the lab must not
    get QQ's advice. ``mentions_ports`` adds the provider's port facts to the advice.
    """

    key: str
    pattern: re.Pattern[str]
    applies_to: tuple[str, ...]
    explanation: str
    advice: str
    sources: tuple[Source, ...]
    codes: tuple[int, ...] = ()
    kind: Literal["reply", "transport"] = "reply"
    needs_provider: bool = False
    mentions_ports: bool = False

    def applies(self, provider: str | None) -> bool:
        """True when this failure concerns that provider key (``"any"`` concerns all)."""
        return "any" in self.applies_to or provider in self.applies_to

    def matches(self, code: int | None, text: str, provider: str | None = None) -> bool:
        """Does a reply (``code`` and ``text``) or an error text show this failure?"""
        if self.needs_provider and (provider is None or provider not in self.applies_to):
            return False
        if self.codes:
            if code is None and self.needs_provider:
                return False
            if code is not None and code not in self.codes:
                return False
        return self.pattern.search(text) is not None

    @property
    def sentence(self) -> str:
        """Explanation and advice together."""
        return f"{self.explanation} {self.advice}"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.DOTALL)


_ANY = ("any",)
_MS = ("outlook", "office365")
_NETEASE = ("163", "126")

_TEXT_FAILURES: tuple[KnownFailure, ...] = (
    KnownFailure(
        key="qq-authorization-code",
        pattern=_rx(
            r"enter your authorization code|请使用授权码|"
            r"service\.mail\.qq\.com/cgi-bin/help\?subtype=1&&id=28&&no=1001256"
        ),
        applies_to=("qq",),
        codes=(535,),
        explanation="QQ Mail refused the login because it got your QQ password, not an "
        "authorization code.",
        advice="Wrong user name or password (for QQ Mail: use the authorization code, not "
        "your password): turn on SMTP in QQ Mail's web settings (Settings → Account) and "
        "log in with the 16-character code it gives you.",
        sources=(S_QQ_YAPI, S_QQ_GSIL, S_QQ_QQBOT, S_QQ_VALINE, S_QQ_ITHOME),
    ),
    KnownFailure(
        key="gmail-app-password-required",
        pattern=_rx(r"5\.7\.9 Application-specific password required"),
        applies_to=("gmail",),
        codes=(534,),
        explanation="Gmail refused your Google password: accounts with 2-Step Verification "
        "need an app password for SMTP.",
        advice="Create an app password at https://myaccount.google.com/apppasswords and log "
        "in with it instead of your Google password.",
        sources=(S_GMAIL_TGTG, S_GMAIL_1116, S_GMAIL_CHATMAIL),
    ),
    KnownFailure(
        key="gmail-bad-credentials",
        pattern=_rx(r"5\.7\.8 Username and Password not accepted"),
        applies_to=("gmail",),
        codes=(535,),
        explanation="Gmail did not accept the user name and password.",
        advice="Wrong user name or password (for Gmail: use your full address and an app "
        "password, which needs 2-Step Verification; your Google password is refused).",
        sources=(S_GMAIL_205, S_GMAIL_MAGEPLAZA, S_GMAIL_CHATMAIL),
    ),
    KnownFailure(
        key="microsoft-basic-auth-disabled",
        pattern=_rx(r"5\.7\.139 Authentication unsuccessful,? basic authentication is disabled"),
        applies_to=_MS,
        codes=(535,),
        explanation="Microsoft no longer accepts a password (or app password) here: basic "
        "authentication is disabled.",
        advice="Sign in with OAuth2 (AUTH XOAUTH2) instead of a password; for the "
        "password lessons, use the lab server or a provider that still takes app passwords.",
        sources=(S_MS_NINA, S_MS_1714, S_MS_SEPT2024, S_MS_BLOG),
    ),
    KnownFailure(
        key="microsoft-smtp-auth-disabled",
        pattern=_rx(r"SmtpClientAuthentication is disabled"),
        applies_to=("office365",),
        codes=(535,),
        explanation="Your organisation has turned SMTP AUTH off, so Microsoft 365 refuses "
        "any SMTP login.",
        advice="Ask your administrator to enable SMTP AUTH for your mailbox "
        "(https://aka.ms/smtp_auth_disabled), or send with another account.",
        sources=(S_MS_1484,),
    ),
    KnownFailure(
        key="microsoft-basic-auth-retired",
        pattern=_rx(r"5\.7\.30 Basic authentication is not supported for Client Submission"),
        applies_to=_MS,
        codes=(550,),
        explanation="Microsoft has removed password logins (Basic auth) from SMTP "
        "submission for this mailbox.",
        advice="Sign in with OAuth2 (AUTH XOAUTH2); a password or app password will not "
        "work again.",
        sources=(S_MS_BLOG, S_MS_MC786329),
    ),
    KnownFailure(
        key="microsoft-credentials-incorrect",
        pattern=_rx(r"5\.7\.139 Authentication unsuccessful,? the user credentials were incorrect"),
        applies_to=_MS,
        codes=(535,),
        explanation="Microsoft did not accept the user name and password.",
        advice="Check that the user name is your full address and the password is right; "
        "if your organisation uses OAuth2 only, sign in with XOAUTH2 instead.",
        sources=(S_MS_FREESCOUT,),
    ),
    KnownFailure(
        key="microsoft-authentication-unsuccessful",
        pattern=_rx(r"5\.7\.3 Authentication unsuccessful"),
        applies_to=_MS,
        codes=(535,),
        explanation="Microsoft refused the login without saying why (a wrong password, an "
        "expired or wrongly scoped OAuth2 token, or SMTP AUTH switched off).",
        advice="Check the address and password or token; for Microsoft 365 ask whether SMTP "
        "AUTH is enabled for your mailbox; personal Outlook.com accounts need OAuth2.",
        sources=(S_MS_GEOFF, S_MS_SWIFT),
    ),
    KnownFailure(
        key="microsoft-client-not-authenticated",
        pattern=_rx(r"5\.7\.57 Client not authenticated"),
        applies_to=_MS,
        codes=(530,),
        explanation="Microsoft will not take mail from a session that has not logged in.",
        advice="Log in (STARTTLS, then AUTH) before MAIL FROM, and check that the login "
        "itself succeeded (235).",
        sources=(S_MS_OAUTH2MS,),
    ),
    KnownFailure(
        key="yahoo-too-many-bad-auth",
        pattern=_rx(r"#AUTH005|Too many bad auth attempts"),
        applies_to=("yahoo",),
        codes=(535,),
        explanation="Yahoo stopped accepting logins for a while after too many failed attempts.",
        advice="Wait before trying again, and log in with an app password from Yahoo's "
        "account security page, not your Yahoo password.",
        sources=(S_YAHOO_LUA, S_YAHOO_ECHALLAN),
    ),
)

_PROVIDER_FAILURES: tuple[KnownFailure, ...] = (
    KnownFailure(
        key="netease-smtp-not-enabled",
        pattern=_rx(r"User has no permission"),
        applies_to=_NETEASE,
        codes=(550,),
        needs_provider=True,
        explanation="NetEase answers this when the mailbox's SMTP service is switched off.",
        advice="Turn on POP3/SMTP/IMAP in the mailbox's web settings, set an authorization "
        "code (授权码), and log in with that code.",
        sources=(S_163_12306, S_163_FALCON),
    ),
    *(
        KnownFailure(
            key=f"{p.key}-login-refused",
            pattern=_rx(r""),
            applies_to=(p.key,),
            codes=(535,),
            needs_provider=True,
            explanation="The server refused the user name or password.",
            advice=f"Wrong user name or password (for {p.name}: {p.login_hint}).",
            sources=p.sources,
        )
        for p in _PRESETS
    ),
)

_TRANSPORT_FAILURES: tuple[KnownFailure, ...] = (
    KnownFailure(
        key="tls-wrong-version-number",
        pattern=_rx(r"WRONG_VERSION_NUMBER|wrong version number"),
        applies_to=_ANY,
        kind="transport",
        mentions_ports=True,
        explanation="Your program started TLS at once, but the server answered in plain "
        "SMTP: that port expects STARTTLS (plain text first), like 587 or 25.",
        advice="Either connect to the STARTTLS port in plain text and send STARTTLS "
        "(security='starttls', port 587), or use the implicit-TLS port (security='tls', "
        "port 465).",
        sources=(S_ICLOUD_84, S_ETEXT, S_PAPERLESS),
    ),
    KnownFailure(
        key="outbound-smtp-blocked",
        pattern=_rx(
            r"timed? ?out|network is unreachable|ETIMEDOUT|ENETUNREACH|"
            r"errno 110\b|errno 101\b|WinError 10060|WinError 10051"
        ),
        applies_to=_ANY,
        kind="transport",
        mentions_ports=True,
        explanation="No answer came. Most often the network drops outgoing SMTP connections "
        "(mybinder.org blocks them, as do many cloud machines); the same happens when you "
        "connect in plain text to an implicit-TLS port like 465 and wait for a greeting "
        "that only comes after TLS.",
        advice="Run the notebook on your own computer or a JupyterHub that allows outgoing "
        "SMTP, or use the local lab server; on port 465 connect with security='tls'.",
        sources=(S_BINDER_977, S_BINDER_609, S_GITPOD_965, S_HMAILSERVER),
    ),
    KnownFailure(
        key="connection-refused",
        pattern=_rx(r"connection refused|ECONNREFUSED|errno 111\b|WinError 10061"),
        applies_to=_ANY,
        kind="transport",
        mentions_ports=True,
        explanation="The machine answered, but nothing accepts connections on that port "
        "(or a firewall rejected you).",
        advice="Check the host and port against the provider's settings (describe() shows "
        "them); for the lab, use the port it printed and check it is still running.",
        sources=(S_ICLOUD_MESH,),
    ),
)

KNOWN_FAILURES: tuple[KnownFailure, ...] = _TEXT_FAILURES + _PROVIDER_FAILURES + _TRANSPORT_FAILURES
"""Every known failure, in the order they are tried (distinctive texts first)."""


_ESCAPE_RE = re.compile(r"\\x([0-9a-fA-F]{2})")
_LEADING_CODE_RE = re.compile(r"^\W*([2-5]\d\d)\b")
_CJK_RE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_HIGH_RUN_RE = re.compile(r"[\x80-\xff]+")


def repair_mojibake(text: str) -> str:
    """Undo GBK text that was shown as Latin-1 (``'ÇëÊ¹ÓÃ'`` → ``'请使用'``), if it was.

    A heuristic: every run of non-ASCII characters must have an even length (a GBK
    character is two bytes) and re-reading the bytes as GB18030 must give at least two
    Chinese characters and nothing else outside ASCII. Otherwise ``text`` is returned
    unchanged, so ``'Grüße aus München'`` stays as it is.
    """
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text
    runs = _HIGH_RUN_RE.findall(text)
    if not runs or any(len(run) % 2 for run in runs):
        return text
    try:
        fixed = raw.decode("gb18030")
    except UnicodeDecodeError:
        return text
    non_ascii = [ch for ch in fixed if ord(ch) > 0x7F]
    if len(non_ascii) >= 2 and all(_CJK_RE.match(ch) for ch in non_ascii):
        return fixed
    return text


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
    never raises. Returns None when nothing is recognised.
    """
    key = provider.key if isinstance(provider, Provider) else None
    if isinstance(provider, str):
        key = _lookup(provider)
    if reply is not None:
        text = reply.text
        for failure in KNOWN_FAILURES:
            if failure.kind == "reply" and failure.matches(reply.code, text, key):
                return failure
    if error_text:
        match = _LEADING_CODE_RE.match(error_text)
        code = int(match[1]) if match else None
        for reading in _readings(error_text):
            for failure in KNOWN_FAILURES:
                if failure.matches(code, reading, key):
                    return failure
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
    advice = failure.advice
    if failure.mentions_ports and provider is not None:
        try:
            preset = get_provider(provider)
        except UnknownProviderError:
            return advice
        advice = f"{advice} (For {preset.name}: {preset.ports_sentence()}.)"
    return advice


# --------------------------------------------------------------------------- describe


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


def describe(provider: str | Provider) -> str:
    """A short multi-line summary of a preset for a learner to read."""
    p = get_provider(provider)
    ports = []
    if p.tls_port:
        ports.append(f"{p.tls_port} implicit TLS (security='tls')")
    if p.starttls_port:
        ports.append(f"{p.starttls_port} STARTTLS (security='starttls')")
    basic = {
        True: "yes: a user name and the secret above log in",
        False: "no: the provider dropped password logins",
        None: "depends (see the notes)",
    }[p.basic_auth]
    status = "verified" if p.verified else "NOT verified against the live service"
    fields = [
        ("host", p.host),
        ("ports", f"{', '.join(ports)}; default {p.default_security} on {p.default_port}"),
        ("AUTH", ", ".join(p.auth_mechanisms) or "unknown"),
        ("credential", f"{p.credential}. {p.credential_help}"),
        ("basic AUTH", basic),
        ("notes", p.notes),
    ]
    lines = [f"{p.name} ({p.key}) — {status}"]
    for label, value in fields:
        lines.append(_wrap(f"{label + ':':<13}{value}", "  ", " " * 15))
    lines.append("  sources:")
    lines.extend(_wrap(f"- {source}", "    ", "      ") for source in p.sources)
    if p.observed is not None:
        lines.append(
            _wrap(
                "observed:    greeting, EHLO and error texts quoted from public reports "
                "(imitation material, not recordings)",
                "  ",
                " " * 15,
            )
        )
    return "\n".join(lines)
