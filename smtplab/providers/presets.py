"""The provider presets: where a program sends mail, and what it logs in with.

Every fact cites its sources; a fact without a source is left out (``None``, an empty
tuple, or "unknown" in ``notes``). Every preset is ``verified=False``: nobody has yet
checked it against the live service, and providers change their rules.
"""

# fmt: off
# A table laid out by hand: a record takes a few lines instead of one per field.

from ..i18n import N_
from . import observed
from . import sources as src
from .records import Provider
from .terms import (
    CREDENTIAL_APP_PASSWORD,
    CREDENTIAL_AUTHORIZATION_CODE,
    CREDENTIAL_OAUTH2_ONLY,
    CREDENTIAL_ORGANISATION,
    CREDENTIAL_PASSWORD,
)

__all__: list[str] = []  # the presets: use smtplab.providers.PROVIDERS

PRESETS: tuple[Provider, ...] = (
    Provider(
        key="qq", name="QQ Mail", host="smtp.qq.com", tls_port=465, starttls_port=587,
        auth_mechanisms=("LOGIN", "PLAIN"), credential=CREDENTIAL_AUTHORIZATION_CODE,
        basic_auth=True, domains=("qq.com", "foxmail.com"),
        aliases=("qqmail", "qq mail", "foxmail", "tencent", "腾讯", "qq邮箱"),
        credential_help=N_("In QQ Mail on the web, open Settings → Account, turn on the "
                           "POP3/IMAP/SMTP/Exchange/CardDAV/CalDAV service, confirm by SMS or "
                           "WeChat, and copy the 16-character authorization code (授权码); type it "
                           "where a program asks for the password."),
        login_hint=N_("use the authorization code (授权码), not your QQ password"),
        notes=N_("Since 1 November 2022 mail programs can log in only with an authorization code, "
                 "not the QQ password. Some error texts come in GBK-encoded Chinese. The server "
                 "also advertises XOAUTH and XOAUTH2; whether other programs may use them is "
                 "unknown. foxmail.com addresses use the same server."),
        sources=(src.QQ_CHATMAIL, src.KOISHI, src.QQ_KD, src.QQ_ITHOME, src.ZHUFUYI),
        observed=observed.QQ),
    Provider(
        key="163", name="NetEase 163 Mail", host="smtp.163.com", tls_port=465, starttls_port=None,
        auth_mechanisms=("PLAIN",), credential=CREDENTIAL_AUTHORIZATION_CODE, basic_auth=True,
        domains=("163.com",),
        aliases=("netease", "netease163", "163mail", "163 mail", "wangyi", "网易", "163邮箱"),
        credential_help=N_("In 163 Mail on the web, open Settings → POP3/SMTP/IMAP, turn the "
                           "service on (it asks for an SMS), and add a client authorization code "
                           "(授权码); type it where a program asks for the password."),
        login_hint=N_("turn SMTP on in the mailbox settings and use the authorization code "
                      "(授权码), not your password"),
        notes=N_("Port 994 is also reported for implicit TLS, port 25 for plain text. Some guides "
                 "list 587 with STARTTLS, but no authoritative source was found: unknown, left "
                 "out. NetEase's own help page was not available to us; the ports come from "
                 "third-party guides that agree. Free accounts get at most 2 authorization codes "
                 "at once. Only AUTH PLAIN is seen in a public log (answered 535, not 504); the "
                 "full EHLO reply is unknown."),
        sources=(src.NETEASE_CHATMAIL, src.KOISHI, src.ZHUFUYI, src.NETEASE_NODE12306,
            src.NETEASE_12306), observed=observed.NETEASE_163),
    Provider(
        key="126", name="NetEase 126 Mail", host="smtp.126.com", tls_port=465, starttls_port=None,
        auth_mechanisms=(), credential=CREDENTIAL_AUTHORIZATION_CODE, basic_auth=True,
        domains=("126.com",), aliases=("netease126", "126mail", "126 mail", "126邮箱"),
        credential_help=N_("In 126 Mail on the web, open Settings → POP3/SMTP/IMAP, turn the SMTP "
                           "service on, and set a client authorization code (授权码); type it "
                           "where a program asks for the password."),
        login_hint=N_("turn SMTP on in the mailbox settings and use the authorization code "
                      "(授权码), not your password"),
        notes=N_("Port 994 is also reported for implicit TLS, port 25 for plain text; a STARTTLS "
                 "port is unknown. The AUTH mechanisms are unknown (no public EHLO reply found); "
                 "126 is run by NetEase like 163, but nothing here assumes they are the same."),
        sources=(src.ZHUFUYI, src.NETEASE_126_NOTE, src.NETEASE_126_SELFTEACHING)),
    Provider(
        key="gmail", name="Gmail", host="smtp.gmail.com", tls_port=465, starttls_port=587,
        auth_mechanisms=("PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"),
        credential=CREDENTIAL_APP_PASSWORD, basic_auth=True,
        domains=("gmail.com", "googlemail.com"), aliases=("google", "googlemail", "google mail"),
        credential_help=N_("Turn on 2-Step Verification for your Google Account, then create an "
                           "app password at https://myaccount.google.com/apppasswords and type its "
                           "16 letters where a program asks for the password. Your normal Google "
                           "password is refused."),
        login_hint=N_("use an app password (it needs 2-Step Verification), not your Google "
                      "password"),
        notes=N_("Google removed the 'less secure apps' switch in 2022: a program logs in with an "
                 "app password or with OAuth2 (XOAUTH2). A Workspace administrator can turn app "
                 "passwords off, and Advanced Protection accounts cannot create them."),
        sources=(src.GMAIL_DEV, src.GMAIL_CHATMAIL, src.GMAIL_WARMBLY, src.GMAIL_TGTG),
        observed=observed.GMAIL),
    Provider(
        key="outlook", host="smtp-mail.outlook.com",
        name="Outlook.com (Hotmail, Live, MSN)",  # i18n: keep a brand name
        tls_port=None, starttls_port=587, auth_mechanisms=("XOAUTH2",),
        credential=CREDENTIAL_OAUTH2_ONLY, basic_auth=False,
        domains=("outlook.com", "hotmail.com", "live.com", "msn.com"),
        aliases=("hotmail", "live", "msn", "outlook.com", "outlookcom", "windowslive"),
        credential_help=N_("Outlook.com no longer accepts your password or an app password over "
                           "SMTP (since 16 September 2024): a program must sign in with OAuth2 "
                           "(XOAUTH2). For the password lessons, use the lab server or another "
                           "provider."),
        login_hint=N_("sign-in works only with OAuth2 (XOAUTH2) now, not with a password"),
        notes=N_("The server still advertises AUTH LOGIN after STARTTLS, but a password login "
                 "answers 535 5.7.139 'basic authentication is disabled'. Only STARTTLS on 587 is "
                 "documented."),
        sources=(src.KOISHI, src.MS_GIST, src.MS_SEPT2024, src.MS_PATRIOT, src.MS_NINA),
        observed=observed.OUTLOOK),
    Provider(
        key="office365", host="smtp.office365.com",
        name="Microsoft 365 (Exchange Online)",  # i18n: keep a brand name
        tls_port=None, starttls_port=587, auth_mechanisms=("LOGIN", "XOAUTH2"),
        credential=CREDENTIAL_ORGANISATION, basic_auth=None, domains=(),
        aliases=("microsoft365", "m365", "o365", "office 365", "exchange online", "exchangeonline"),
        credential_help=N_("Your organisation decides. A password login (AUTH LOGIN) works only if "
                           "the administrator turned SMTP AUTH on for your mailbox; Microsoft "
                           "turns it off by default for existing tenants at the end of December "
                           "2026. OAuth2 (XOAUTH2) with an app registered by the administrator is "
                           "the supported way."),
        login_hint=N_("ask your administrator whether SMTP AUTH is on for your mailbox; otherwise "
                      "sign in with OAuth2 (XOAUTH2)"),
        notes=N_("Basic auth for SMTP AUTH stays as it is until December 2026, is disabled by "
                 "default for existing tenants at the end of December 2026 (administrators can "
                 "turn it back on), is unavailable by default for tenants created after that, and "
                 "Microsoft announces its final removal date in the second half of 2027 (update of "
                 "27 January 2026). TLS is only available via STARTTLS on port 587."),
        sources=(src.MS_BLOG, src.MS_MC786329, src.MS_MSMTP83, src.MS_OAUTH2MS),
        observed=observed.OFFICE365),
    Provider(
        key="icloud", name="iCloud Mail", host="smtp.mail.me.com", tls_port=None, starttls_port=587,
        auth_mechanisms=("PLAIN", "LOGIN"), credential=CREDENTIAL_APP_PASSWORD, basic_auth=True,
        domains=("icloud.com", "me.com", "mac.com"), aliases=("apple", "icloud mail", "mobileme"),
        credential_help=N_("Turn on two-factor authentication for your Apple Account, then create "
                           "an app-specific password at https://account.apple.com (Sign-In and "
                           "Security → App-Specific Passwords); use your full iCloud address as "
                           "the user name."),
        login_hint=N_("use an app-specific password and your full iCloud address, not your Apple "
                      "Account password"),
        notes=N_("Apple documents only port 587 with STARTTLS. Third-party guides disagree about "
                 "465 (one says it works, one that it is refused): left out. The AUTH mechanisms "
                 "(PLAIN, LOGIN) come from a third-party guide: before STARTTLS the server offers "
                 "no AUTH at all."),
        sources=(src.ICLOUD_NYLAS, src.ICLOUD_CHATMAIL, src.ICLOUD_MESH, src.ICLOUD_POSTIGO),
        observed=observed.ICLOUD),
    Provider(
        key="yahoo", name="Yahoo Mail", host="smtp.mail.yahoo.com", tls_port=465, starttls_port=587,
        auth_mechanisms=("PLAIN", "LOGIN", "XOAUTH2"), credential=CREDENTIAL_APP_PASSWORD,
        basic_auth=True, domains=("yahoo.com", "ymail.com", "rocketmail.com"),
        aliases=("yahoo mail", "ymail", "rocketmail"),
        credential_help=N_("In your Yahoo account's security page, turn on two-step verification, "
                           "choose 'Generate app password' and type the 16 characters where a "
                           "program asks for the password."),
        login_hint=N_("use an app password from Yahoo's account security page, not your Yahoo "
                      "password"),
        notes=N_("Yahoo's own help page was not available to us; the ports come from several "
                 "third-party guides that agree. After many failed logins Yahoo refuses AUTH for a "
                 "while (535 5.7.0 #AUTH005)."),
        sources=(src.YAHOO_CHATMAIL, src.FLOWCRYPT, src.YAHOO_XENO, src.YAHOO_ECHALLAN),
        observed=observed.YAHOO),
    Provider(
        key="zoho", name="Zoho Mail", host="smtp.zoho.com", tls_port=465, starttls_port=587,
        auth_mechanisms=("LOGIN", "PLAIN"), credential=CREDENTIAL_PASSWORD, basic_auth=True,
        domains=("zoho.com", "zohomail.com"), aliases=("zohomail", "zoho mail"),
        credential_help=N_("Your Zoho password; if two-factor authentication is on, create an "
                           "application-specific password in your Zoho account and use it instead. "
                           "Use your data centre's host (smtp.zoho.eu, smtp.zoho.in, ...) and "
                           "smtppro.zoho.com for paid organisation accounts."),
        login_hint=N_("use your Zoho password (an application-specific one if two-factor "
                      "authentication is on) and your region's host"),
        notes=N_("smtp.zoho.com is for personal and free organisation accounts in the US data "
                 "centre; other regions have their own hosts. Whether free plans include SMTP "
                 "access is reported both ways: unknown."),
        sources=(src.ZOHO_WIKI, src.ZOHO_POSTIGO, src.ZOHO_FREEPLAN), observed=observed.ZOHO),
    Provider(
        key="fastmail", name="Fastmail", host="smtp.fastmail.com", tls_port=465, starttls_port=587,
        auth_mechanisms=("PLAIN", "LOGIN"), credential=CREDENTIAL_APP_PASSWORD, basic_auth=True,
        domains=("fastmail.com", "fastmail.fm"), aliases=("fastmail.fm", "messagingengine"),
        credential_help=N_("In Fastmail's settings (Privacy & Security → app passwords), create a "
                           "new app password with access to mail and use it with your full "
                           "Fastmail address; your normal password never works over SMTP."),
        login_hint=N_("use an app password and your full address, not your Fastmail password"),
        notes=N_("Fastmail's page lists only 465 with implicit TLS ('not STARTTLS') and PLAIN; 587 "
                 "with STARTTLS is reported to work but 'very strongly discouraged'. The server "
                 "also advertises XOAUTH2 and OAUTHBEARER."),
        sources=(src.FM_PORTS, src.FM_IMAP, src.FM_CHATMAIL), observed=observed.FASTMAIL))
