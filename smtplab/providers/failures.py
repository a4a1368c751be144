"""The failures learners meet with real providers, what they mean and what to do.

They are tried in this order: the distinctive reply texts first, then the generic login
refusal of a provider the caller named, then the transport errors (TLS on the wrong
port, a network that drops SMTP, a refused connection). Each cites its sources.
"""

# fmt: off
# A table laid out by hand: a record takes a few lines instead of one per field.

from ..i18n import N_
from . import sources as src
from .presets import PRESETS
from .records import KnownFailure

__all__: list[str] = []  # the table: use smtplab.providers.KNOWN_FAILURES

ANY = ("any",)
MICROSOFT = ("outlook", "office365")
NETEASE = ("163", "126")
LOGIN_REFUSED = N_("Wrong user name or password (for {name}: {hint}).")

# The patterns below are searched in the servers' own texts: they stay as the servers
# write them (each line says so for benchmarks/translated.py).

_TEXT_FAILURES = (
    KnownFailure(
        key="qq-authorization-code",
        pattern=r"enter your authorization code|请使用授权码|"
                r"service\.mail\.qq\.com/cgi-bin/help"
                r"\?subtype=1&&id=28&&no=1001256",  # i18n: keep server text
        applies_to=("qq",), codes=(535,),
        explanation=N_("QQ Mail refused the login because it got your QQ password, not an "
                       "authorization code."),
        advice=N_("Wrong user name or password (for QQ Mail: use the authorization code, not your "
                  "password): turn on SMTP in QQ Mail's web settings (Settings → Account) and log "
                  "in with the 16-character code it gives you."),
        sources=(src.QQ_YAPI, src.QQ_GSIL, src.QQ_QQBOT, src.QQ_VALINE, src.QQ_ITHOME)),
    KnownFailure(
        key="qq-sender-not-login",
        pattern=r"mail from address must be same as authorization user",  # i18n: keep server text
        applies_to=("qq",), codes=(501,),
        explanation=N_("QQ Mail sends only as the account you logged in with: MAIL FROM named "
                       "another address."),
        advice=N_("Use the address you logged in with as the envelope sender (MAIL FROM) and in "
                  "the From header; to send as another address, log in as that account."),
        sources=(src.QQ_ODOO, src.QQ_SOLID, src.QQ_GOPHISH)),
    KnownFailure(
        key="qq-from-header-invalid",
        pattern=r'The "From" header is missing or invalid',  # i18n: keep server text
        applies_to=("qq",), codes=(550,),
        explanation=N_("QQ Mail found no usable address in the From header: it is missing, or the "
                       "address was put inside an encoded word (=?utf-8?...?=), where RFC 2047 §5 "
                       "does not allow it."),
        advice=N_("Write From as name <address>: encode only the display name (compose() and "
                  "email.headerregistry.Address do this), never the address; with smtplib, do not "
                  "wrap the whole From value in email.header.Header."),
        sources=(src.QQ_FROM_FREAKS, src.QQ_FROM_JUEJIN)),
    KnownFailure(
        key="gmail-app-password-required",
        pattern=r"5\.7\.9 Application-specific password required",  # i18n: keep server text
        applies_to=("gmail",),
        codes=(534,),
        explanation=N_("Gmail refused your Google password: accounts with 2-Step Verification need "
                       "an app password for SMTP."),
        advice=N_("Create an app password at https://myaccount.google.com/apppasswords and log in "
                  "with it instead of your Google password."),
        sources=(src.GMAIL_TGTG, src.GMAIL_1116, src.GMAIL_CHATMAIL)),
    KnownFailure(
        key="gmail-bad-credentials",
        pattern=r"5\.7\.8 Username and Password not accepted",  # i18n: keep server text
        applies_to=("gmail",), codes=(535,),
        explanation=N_("Gmail did not accept the user name and password."),
        advice=N_("Wrong user name or password (for Gmail: use your full address and an app "
                  "password, which needs 2-Step Verification; your Google password is refused)."),
        sources=(src.GMAIL_205, src.GMAIL_MAGEPLAZA, src.GMAIL_CHATMAIL)),
    KnownFailure(
        key="microsoft-basic-auth-disabled",
        pattern=r"5\.7\.139 Authentication unsuccessful,? "
                r"basic authentication is disabled",  # i18n: keep server text
        applies_to=MICROSOFT, codes=(535,),
        explanation=N_("Microsoft no longer accepts a password (or app password) here: basic "
                       "authentication is disabled."),
        advice=N_("Sign in with OAuth2 (AUTH XOAUTH2) instead of a password; for the password "
                  "lessons, use the lab server or a provider that still takes app passwords."),
        sources=(src.MS_NINA, src.MS_1714, src.MS_SEPT2024, src.MS_BLOG)),
    KnownFailure(
        key="microsoft-smtp-auth-disabled",
        pattern=r"SmtpClientAuthentication is disabled",  # i18n: keep server text
        applies_to=("office365",), codes=(535,),
        explanation=N_("Your organisation has turned SMTP AUTH off, so Microsoft 365 refuses any "
                       "SMTP login."),
        advice=N_("Ask your administrator to enable SMTP AUTH for your mailbox "
                  "(https://aka.ms/smtp_auth_disabled), or send with another account."),
        sources=(src.MS_1484,)),
    KnownFailure(
        key="microsoft-basic-auth-retired",
        pattern=r"5\.7\.30 Basic authentication is not supported "
                r"for Client Submission",  # i18n: keep server text
        applies_to=MICROSOFT, codes=(550,),
        explanation=N_("Microsoft has removed password logins (Basic auth) from SMTP submission "
                       "for this mailbox."),
        advice=N_("Sign in with OAuth2 (AUTH XOAUTH2); a password or app password will not work "
                  "again."), sources=(src.MS_BLOG, src.MS_MC786329)),
    KnownFailure(
        key="microsoft-credentials-incorrect",
        pattern=r"5\.7\.139 Authentication unsuccessful,? "
                r"the user credentials were incorrect",  # i18n: keep server text
        applies_to=MICROSOFT, codes=(535,),
        explanation=N_("Microsoft did not accept the user name and password."),
        advice=N_("Check that the user name is your full address and the password is right; if "
                  "your organisation uses OAuth2 only, sign in with XOAUTH2 instead."),
        sources=(src.MS_FREESCOUT,)),
    KnownFailure(
        key="microsoft-authentication-unsuccessful",
        pattern=r"5\.7\.3 Authentication unsuccessful",  # i18n: keep server text
        applies_to=MICROSOFT, codes=(535,),
        explanation=N_("Microsoft refused the login without saying why (a wrong password, an "
                       "expired or wrongly scoped OAuth2 token, or SMTP AUTH switched off)."),
        advice=N_("Check the address and password or token; for Microsoft 365 ask whether SMTP "
                  "AUTH is enabled for your mailbox; personal Outlook.com accounts need OAuth2."),
        sources=(src.MS_GEOFF, src.MS_SWIFT)),
    KnownFailure(
        key="microsoft-client-not-authenticated",
        pattern=r"5\.7\.57 Client not authenticated",  # i18n: keep server text
        applies_to=MICROSOFT, codes=(530,),
        explanation=N_("Microsoft will not take mail from a session that has not logged in."),
        advice=N_("Log in (STARTTLS, then AUTH) before MAIL FROM, and check that the login itself "
                  "succeeded (235)."), sources=(src.MS_OAUTH2MS,)),
    KnownFailure(
        key="yahoo-too-many-bad-auth",
        pattern=r"#AUTH005|Too many bad auth attempts",  # i18n: keep server text
        applies_to=("yahoo",), codes=(535,),
        explanation=N_("Yahoo stopped accepting logins for a while after too many failed "
                       "attempts."),
        advice=N_("Wait before trying again, and log in with an app password from Yahoo's account "
                  "security page, not your Yahoo password."),
        sources=(src.YAHOO_LUA, src.YAHOO_ECHALLAN)),
    KnownFailure(
        key="netease-smtp-not-enabled",
        pattern=r"User has no permission",  # i18n: keep server text
        applies_to=NETEASE,
        codes=(550,), needs_provider=True,
        explanation=N_("NetEase answers this when the mailbox's SMTP service is switched off."),
        advice=N_("Turn on POP3/SMTP/IMAP in the mailbox's web settings, set an authorization code "
                  "(授权码), and log in with that code."),
        sources=(src.NETEASE_12306, src.NETEASE_FALCON)),
    KnownFailure(
        key="netease-content-refused",
        pattern=r"DT:SPM",  # i18n: keep server text
        applies_to=NETEASE, codes=(554,),
        explanation=N_("NetEase refused the message itself (DT:SPM): its content was taken for "
                       "spam or holds something NetEase does not permit. The login and addresses "
                       "were fine."),
        advice=N_("Change the subject and body so they do not read like spam, send fewer messages "
                  "at a time, and resend; resending the same content unchanged gets the same "
                  "refusal."),
        sources=(src.NETEASE_SPM_ZABBIX, src.NETEASE_SPM_YAGMAIL, src.NETEASE_SPM_NODEMAIL,
            src.NETEASE_SPM_100DAYS)),
)

# A provider's generic refusal ("535 authentication failed"), only for a provider the
# caller names: a generic 535 from the lab must not get QQ's advice.
_LOGIN_REFUSED = tuple(
    KnownFailure(
        key=f"{p.key}-login-refused",
        pattern="",
        applies_to=(p.key,), codes=(535,),
        needs_provider=True, explanation=N_("The server refused the user name or password."),
        advice=LOGIN_REFUSED.format(name=p.name, hint=p.login_hint), sources=p.sources,
        advice_template=LOGIN_REFUSED, advice_values=(("name", p.name), ("hint", p.login_hint)))
    for p in PRESETS
)

_TRANSPORT_FAILURES = (
    KnownFailure(
        key="tls-wrong-version-number",
        pattern=r"WRONG_VERSION_NUMBER|wrong version number",  # i18n: keep server text
        applies_to=ANY, kind="transport", mentions_ports=True,
        explanation=N_("Your program started TLS at once, but the server answered in plain SMTP: "
                       "that port expects STARTTLS (plain text first), like 587 or 25."),
        advice=N_("Either connect to the STARTTLS port in plain text and send STARTTLS "
                  "(security='starttls', port 587), or use the implicit-TLS port (security='tls', "
                  "port 465)."), sources=(src.ICLOUD_84, src.ETEXT, src.PAPERLESS)),
    KnownFailure(
        key="outbound-smtp-blocked",
        pattern=r"timed? ?out|network is unreachable|ETIMEDOUT|ENETUNREACH|"
                r"errno 110\b|errno 101\b|WinError 10060|WinError 10051",  # i18n: keep server text
        applies_to=ANY, kind="transport", mentions_ports=True,
        explanation=N_("No answer came. Most often the network drops outgoing SMTP connections "
                       "(mybinder.org blocks them, as do many cloud machines); the same happens "
                       "when you connect in plain text to an implicit-TLS port like 465 and wait "
                       "for a greeting that only comes after TLS."),
        advice=N_("Run the notebook on your own computer or a JupyterHub that allows outgoing "
                  "SMTP, or use the local lab server; on port 465 connect with security='tls'."),
        sources=(src.BINDER_977, src.BINDER_609, src.GITPOD_965, src.HMAILSERVER)),
    KnownFailure(
        key="connection-refused",
        pattern=r"connection refused|ECONNREFUSED|errno 111\b|WinError 10061",  # i18n: keep OS text
        applies_to=ANY,
        kind="transport", mentions_ports=True,
        explanation=N_("The machine answered, but nothing accepts connections on that port (or a "
                       "firewall rejected you)."),
        advice=N_("Check the host and port against the provider's settings (describe() shows "
                  "them); for the lab, use the port it printed and check it is still running."),
        sources=(src.ICLOUD_MESH,)),
)

KNOWN_FAILURES: tuple[KnownFailure, ...] = _TEXT_FAILURES + _LOGIN_REFUSED + _TRANSPORT_FAILURES
"""Every known failure, in the order they are tried (distinctive texts first)."""
