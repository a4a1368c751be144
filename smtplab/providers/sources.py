"""Where the provider facts come from: one :class:`~.records.Source` per public page.

Each names the page, the day we read our stored copy (``READ_ON``) and, when the copy
shows one, its own date. Third-party guides say so in their note. The presets, the
observed replies and the known failures cite these by name.
"""

# fmt: off
# i18n: keep-file: citations (page titles, quotes, notes on the pages) stay as published
# A table laid out by hand: a record takes a few lines instead of one per field.

from .records import Source
from .terms import READ_ON_ISSUE_16 as R16

__all__: list[str] = []  # records for the other data modules: use smtplab.providers

# Multi-provider guides.
KOISHI = Source(
    "@koishijs/plugin-adapter-mail — 接入方式 (QQ, NetEase 163, Outlook, Gmail server settings)",
    "https://koishi.chat/en-US/plugins/adapter/mail",
    note="third-party documentation; links each provider's own help page")
ZHUFUYI = Source("zhufuyi/pkg email README (QQ, 126, 163 SMTP hosts and ports)",
    "https://github.com/zhufuyi/pkg/blob/master/email", note="third-party README")
FLOWCRYPT = Source("FlowCrypt/flowcrypt-android wiki: Email providers IMAP SMTP settings",
    "https://github.com/FlowCrypt/flowcrypt-android/wiki/Email-providers-IMAP-SMTP-settings",
    note="third-party wiki")
HMAILSERVER = Source("hMailServer wiki: Connecting a Mail Client",
    "https://github.com/RainbowWizard-coder/hMailServer/wiki/Connecting-a-Mail-Client",
    note="on an implicit-TLS port a plain-text client 'hangs waiting for a banner it will never "
         "get, then times out'", dated="2026-09-08")

# QQ Mail.
QQ_CHATMAIL = Source("chatmail/provider-db: _providers/qq.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/qq.md",
    note="smtp.qq.com 465 SSL; app-specific password (authorization code) required",
    dated="2021-06")
QQ_KD = Source("QQ邮箱服务器地址 (cloud.kd.cn)", "https://cloud.kd.cn/ask/9658.html",
    note="third-party: smtp.qq.com 465 SSL, 587 TLS, 25 plain; authorization code, not password")
QQ_ITHOME = Source(
    "IT之家: QQ 邮箱从 2022 年 11 月 1 日起仅允许通过授权码登录 (copy on ashea.com.cn)",
    "https://ashea.com.cn/guandian/2022/1011/707174.html",
    note="POP3/IMAP/SMTP clients log in only with a 16-character authorization code",
    dated="2022-10-11")
QQ_DOKUWIKI = Source.github("splitbrain/dokuwiki-plugin-smtp#64",
    "Email was sent but still noted 'SMTP Server did not respond...'", "2024-12-17",
    "full session with smtp.qq.com:465")
QQ_YAPI = Source.github("YMFE/yapi#2219",
    "Invalid login, Please enter your authorization code to login", "2021-06-25")
QQ_GSIL = Source.github("FeeiCN/GSIL#70",
    "smtplib.SMTPAuthenticationError: (535, b'Error: \\xc7\\xeb...')", "2020-09-18",
    "the GBK bytes of the Chinese error, as smtplib showed them")
QQ_QQBOT = Source.github("pandolia/qqbot#221",
    "SMTPAuthenticationError: (535, 'Error: \\xc7\\xeb...')", "2017-10-10")
QQ_VALINE = Source.github("DesertsP/Valine-Admin#86", "535error", "2020-03-31",
    "the same GBK bytes shown as Latin-1 mojibake: 'ÇëÊ¹ÓÃÊÚÈ¨ÂëµÇÂ¼'")
QQ_ODOO = Source.github("odoo/odoo#218", "Fixed mail message from header", "2014-05-26",
    "mail.qq.com: SMTPSenderRefused: (501, 'mail from address must be same as authorization "
    "user', ...)", pull=True, read_on=R16)
QQ_SOLID = Source.github("nodeSolidServer/node-solid-server#1281",
    "Mail command failed: 501 mail from address must be same as authorization user",
    "2019-08-05", "qq.com; maintainer: make the configured sender the login's address",
    read_on=R16)
QQ_GOPHISH = Source.github("gophish/gophish#1627", "I got an error when i use qq mail.",
    "2019-10-23", "quoted with a final period: '501 mail from address must be same as "
    "authorization user.'", read_on=R16)
QQ_FROM_FREAKS = Source(
    "QQ Mail SMTP Error 550: Fixing 'The From header is missing or invalid' in Python "
    "(freaks.city)",
    "https://freaks.city/blogs/qq-mail-smtp-error-550-fixing-the-from-header-is-missing-or-invalid-in-python.html",
    note="third-party post: smtplib via smtp.qq.com:465; Header(sender) put the address inside an "
         "encoded word (=?utf-8?q?you=40qq=2Ecom?=) and the message was refused with 550",
    read_on=R16)
QQ_FROM_JUEJIN = Source(
    "QQ邮箱使用SMTPLIB 报错550,'The \"From\" header is missing or invalid' (juejin.cn)",
    "https://juejin.cn/post/7222822313006284837",
    note="third-party post: From set with Header('LogSender <...@qq.com>', 'utf-8'), the whole "
         "value base64-encoded; the reply ends with '帮助系统' instead of the help URL",
    dated="2023-04", read_on=R16)
QQ_TELNET = Source.github("greycodee/blog-comment#22", "telnet使用smtp协议发送qq邮件", "2021-03-24",
    "greeting on port 25: 220 newxmesmtplogicsvrsza5.qq.com XMail Esmtp QQ Mail Server.")

# NetEase 163 / 126.
NETEASE_CHATMAIL = Source("chatmail/provider-db: _providers/163.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/163.md",
    note="smtp.163.com 465 SSL; enable POP3/SMTP/IMAP and log in with a third-party auth code; "
         "free accounts get at most 2 such codes at once", dated="2024-11")
NETEASE_SMTPCLI = Source.github("mludvig/smtp-cli#4", "smtp-cli does not actually try to login",
    "2014-11-12", "session with applesmtp.163.com:465 (an old, Apple-specific host name)")
NETEASE_NODEMAIL = Source.github("Vincedream/NodeMail#11",
    "Error: Invalid login: 535 Error: authentication", "2019-03-06",
    "163 account; nodemailer's AUTH PLAIN answered 535")
NETEASE_NODE12306 = Source.github("hongrunhui/node_12306#1",
    "Invalid login: 535 Error: authentication failed", "2017-01-14",
    "163: turn on SMTP in settings and use the client authorization password")
NETEASE_12306 = Source.github("testerSunshine/12306#62",
    "SMTPAuthenticationError(550, 'User has no permission')", "2019-01-02",
    "fixed by turning on SMTP in the mailbox settings")
NETEASE_FALCON = Source.github("open-falcon/mail-provider#6", "User has no permission",
    "2017-04-07", "163 account; points to help.163.com on enabling SMTP")
NETEASE_PHPMAIL = Source("fifths/php_mail README: a session with smtp.163.com:25",
    "https://github.com/fifths/php_mail/blob/master/README.md",
    note="greeting, 235, 250 Mail OK, 354 and 221 as the library printed them; its queue id's "
         "timestamp (1451891154) is 2016-01-04", read_on=R16)
NETEASE_SPM_ZABBIX = Source.github("zabbix-book/zabbix_mail_with_graph#1", "使用163邮箱报错",
    "2019-01-11", "(554, 'DT:SPM 163 smtp12,...,please see http://mail.163.com/help/"
    "help_spam_16.htm?...') and NetEase's explanation of DT:SPM", read_on=R16)
NETEASE_SPM_YAGMAIL = Source.github("kootenpv/yagmail#144",
    "smtplib.SMTPDataError: (554, 'DT:SPM 126 smtp10", "2019-09-09", "the same reply from 126",
    read_on=R16)
NETEASE_SPM_NODEMAIL = Source.github("Vincedream/NodeMail#20", "Message failed: 554",
    "2019-07-27", "554 DT:SPM 126 after the message (nodemailer's 'Message failed')", read_on=R16)
NETEASE_SPM_100DAYS = Source.github("jackfrued/Python-100-Days#255",
    "邮件发送失败，554 DT:SPM 发送的邮件内容包含了未被许可的信息,"
    "或被系统识别为垃圾邮件", "2019-07-28",
    "163; the title quotes NetEase's explanation: the content has unpermitted information or "
    "was taken for spam", read_on=R16)
NETEASE_126_NOTE = Source("「EMAIL」- 163.com | 126.com (note.lispstudio.com)",
    "https://note.lispstudio.com/dacaf276000eb6a58da4f0ecc45cd0e2",
    note="third-party notes: smtp.163.com 25 / 465 (ssl); smtp.126.com 25")
NETEASE_126_SELFTEACHING = Source.github("selfteaching/selfteaching-python-camp#1053",
    "以网易126邮箱为例 分享如何设置邮箱SMTP以及授权码", "",
    "126: turn on SMTP, then set an authorization code")

# Gmail.
GMAIL_DEV = Source("Google for Developers: IMAP, POP, and SMTP (Gmail)",
    "https://developers.google.com/gmail/imap",
    note="smtp.gmail.com supports TLS: port 465 (SSL) or 587 (STARTTLS); SASL XOAUTH2")
GMAIL_CHATMAIL = Source("chatmail/provider-db: _providers/gmail.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/gmail.md",
    note="needs 2-Step Verification and an app password "
         "(support.google.com/accounts/answer/185833, myaccount.google.com/apppasswords)",
    dated="2024-08")
GMAIL_WARMBLY = Source.github("warmbly/warmbly#577",
    "feat: mark Gmail OAuth as not recommended in the connect dialog", "",
    "quotes Google help: 'less secure apps' removed May 2022; Workspace admins can disable app "
    "passwords; Advanced Protection accounts cannot create them", pull=True)
GMAIL_TGTG = Source.github("Der-Henning/tgtg#517", "Gmail SMTP password not taken", "2024-07-13",
    "534 5.7.9 quoted")
GMAIL_1116 = Source.github("nodemailer/nodemailer#1116",
    "Nodemailer cannot use smtp.gmail.com to send email anymore", "2020-03-11",
    "534-5.7.9 Application-specific password required")
GMAIL_205 = Source.github("dawidd6/action-send-mail#205", "Username and Password Error Message",
    "2024-05-31", "535-5.7.8 Username and Password not accepted")
GMAIL_MAGEPLAZA = Source.github("mageplaza/magento-2-smtp#178",
    "5.7.8 Username and Password not accept", "2019-07-02", "fixed with an app password")
GMAIL_2031 = Source.github("PHPMailer/PHPMailer#2031", "Unknown Error Code", "2020-04-17",
    "session with smtp.gmail.com:587")
GMAIL_AVIDEO = Source.github("WWBN/AVideo#3212", "email fails to be sent and shows error",
    "2020-06-07", "EHLO after STARTTLS on smtp.gmail.com")
GMAIL_1076 = Source.github("PHPMailer/PHPMailer#1076", "GMail SMTP No Error but No Mail",
    "2017-06-16", "221 reply to QUIT")

# Microsoft.
MS_GIST = Source("gabrielbarros: Mail servers (SMTP, IMAP and POP) for Gmail and Microsoft",
    "https://gist.github.com/gabrielbarros/f494b2ec6e330842b43619f8e2b66481",
    note="SMTP: smtp-mail.outlook.com:587 (STARTTLS)", dated="2024-03-07")
MS_SEPT2024 = Source(
    "How to update Outlook email settings to avoid losing access after September 16",
    "https://techissuestoday.com/how-to-update-outlook-email-settings-to-avoid-losing-access-after-september-16/",
    note="Microsoft timeline: from 16 September 2024 Basic Authentication no longer works for "
         "any Outlook.com (Hotmail, Live) account")
MS_PATRIOT = Source("Outlook App Passwords Are Gone for Personal Accounts: What to Do Instead",
    "https://patriotmail.ai/blog/microsoft-modern-authentication-outlook-app-passwords",
    note="personal Outlook.com/Hotmail/Live/MSN: Modern Authentication (OAuth) required, app "
         "passwords no longer the path", dated="2026-03-25")
MS_NINA = Source.github("daleghent/nina-ground-station#17", "The new Outlook stop working",
    "2024-11-11", "535 5.7.139 basic authentication is disabled, from smtp-mail.outlook.com:587")
MS_1714 = Source.github("nodemailer/nodemailer#1714", "error with outlook", "2025-01-26",
    "535 5.7.139 quoted")
MS_416 = Source.github("simonrob/email-oauth2-proxy#416",
    "SMTP 502 5.3.3 after AUTH when client uses SMTPUTF8", "2026-05-06",
    "session with smtp-mail.outlook.com:587, host names shortened in the quote")
MS_53647 = Source.github("symfony/symfony#53647",
    "Client side ConnectionTimeout breaks mail authentication", "2024-01-26",
    "smtp-mail.outlook.com with STARTTLS: the client tries LOGIN, then XOAUTH2")
MS_BLOG = Source(
    "Microsoft Exchange Team Blog: Exchange Online to retire Basic auth for Client Submission "
    "(SMTP AUTH)",
    "https://techcommunity.microsoft.com/t5/exchange-team-blog/exchange-online-to-retire-basic-auth-for-client-submission-smtp/ba-p/4114750",
    note="endpoints smtp.office365.com and smtp-legacy.office365.com; after removal clients get "
         "'550 5.7.30 Basic authentication is not supported for Client Submission.'",
    dated="2025-06-11")
MS_MC786329 = Source("Microsoft 365 Message Center MC786329 (copy on app.cloudscout.one)",
    "https://app.cloudscout.one/evergreen-item/MC786329",
    note="update of 27 January 2026: unchanged until December 2026; end of December 2026 SMTP "
         "AUTH Basic auth disabled by default for existing tenants (admins can re-enable); "
         "unavailable by default for new tenants; final removal date announced in H2 2027",
    dated="2026-01-27")
MS_MSMTP83 = Source.github("marlam/msmtp#83", "Issues while sending email to office 365",
    "2022-07-27", "maintainer: 'TLS is only available via STARTTLS on port 587'")
MS_MSMTP198 = Source.github("marlam/msmtp#198",
    "Setting 'auth xoauth2' in config file has no effect", "2025-07-15",
    "greeting and EHLO from smtp.office365.com:587")
MS_OAUTH2MS = Source.github("harishkrupo/oauth2ms#5", "Sending Emails Fails", "2021-02-26",
    "whole session with Office 365: EHLO before and after STARTTLS, 530/451 errors")
MS_1484 = Source.github("nodemailer/nodemailer#1484",
    'Office365 SMTP requested "AUTH LOGIN OAUTH2" AND "SMTP LOGIN" was "Authentication '
    'unsuccessful"', "2022-11-16",
    "535 5.7.139 SmtpClientAuthentication is disabled for the Tenant")
MS_FREESCOUT = Source.github("freescout-help-desk/freescout#4173",
    "SMTP connected via o365 OAuth but agent-account invitations are still send via LOGIN",
    "2024-08-09", "535 5.7.139 the user credentials were incorrect")
MS_GEOFF = Source.github("geoffsmith82/GmailAuthSMTP#15", "Microsoft Auth", "2022-12-02",
    "535 5.7.3 quoted")
MS_SWIFT = Source.github("swiftmailer/swiftmailer#1302",
    "OFFICE365 ... Authenticator LOGIN returned ... 535 5.7.3 Authentication unsuccessful",
    "2020-10-28")
MS_ENOUGH = Source.github("Enough-Software/enough_mail#106",
    "SMTP Auth Failure With Office365 Account", "2021-01-12",
    "after STARTTLS smtp.office365.com advertises '250-AUTH LOGIN XOAUTH2'")

# Apple iCloud.
ICLOUD_NYLAS = Source("Nylas: iCloud Mail API: IMAP, app passwords, and REST",
    "https://developer.nylas.com/docs/cookbook/email/icloud-mail-api/",
    note="quotes Apple's 'iCloud Mail server settings' (support.apple.com/en-us/102525): SMTP "
         "smtp.mail.me.com port 587, app-specific password")
ICLOUD_CHATMAIL = Source(
    "chatmail/provider-db: _providers/icloud.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/icloud.md",
    note="smtp.mail.me.com 587 STARTTLS; app-specific password before login", dated="2024-10")
ICLOUD_MESH = Source("MeshWorld: How to Use iCloud Mail SMTP Server for Sending Email",
    "https://meshworld.in/blog/devops/email/icloud-smtp-server",
    note="third-party: 587 STARTTLS is the only documented port; says 465 is refused",
    dated="2026-04-05")
ICLOUD_POSTIGO = Source("Postigo: iCloud Mail SMTP Settings (2026)",
    "https://postigo.net/smtp/icloud",
    note="third-party: authentication LOGIN / PLAIN; claims 465 as an alternative (contradicted "
         "by MeshWorld)", dated="2026-01")
ICLOUD_PASTE = Source("pastebin XUeAk0ih: Apple Mail connection log with smtp.mail.me.com:587",
    "https://pastebin.com/XUeAk0ih",
    note="the log shows 'Dec 11' without a year; the server software is from June 2017")
ICLOUD_84 = Source.github("dawidd6/action-send-mail#84", "Sending emails with iCloud", "2021-11-16",
    "implicit TLS on 587 gave 'ssl3_get_record:wrong version number'; fixed by STARTTLS")

# Yahoo.
YAHOO_CHATMAIL = Source("chatmail/provider-db: _providers/yahoo.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/yahoo.md",
    note="smtp.mail.yahoo.com 465 SSL; create an app password in the account security screen",
    dated="2020-06")
YAHOO_XENO = Source("Xenocept docs: Yahoo Mail", "https://xenocept.com/docs/email-setup/yahoo.html",
    note="third-party: 587 STARTTLS or 465 implicit TLS; 16-character app password after turning "
         "on two-step verification")
YAHOO_ECHALLAN = Source("e-challan help: email SMTP settings",
    "https://e-challan.mics.asia/help/email-smtp",
    note="third-party: Yahoo's normal password is blocked for SMTP; app password required")
YAHOO_ZETA = Source.github("zetacomponents/Mail#37", "Fix AUTH issue with Yahoo SMTP servers",
    "2015-01-31", pull=True)
YAHOO_MAILCORE = Source.github("MailCore/mailcore2#1488",
    "Mac OS X: Yahoo OAuth2 SMTP send failure", "2016-08-01",
    "session with smtp.mail.yahoo.com:465 (TLS)")
YAHOO_LUA = Source.github("GUI/lua-resty-mail#4", "yahoo smtp issues", "2019-06-29",
    "535 5.7.0 (#AUTH005) quoted")

# Zoho.
ZOHO_WIKI = Source(
    "[How-To] Configure Email Server with Zoho SMTP Settings (wiki.stretchpowered.com)",
    "https://wiki.stretchpowered.com/books/zoho/page/how-to-configure-email-server-with-zoho-smtp-settings",
    note="reproduces Zoho's 'SMTP Server Configuration' help: smtp.zoho.com 465 SSL / 587 TLS "
         "(smtppro.zoho.com for paid organisations); application-specific password with 2FA")
ZOHO_POSTIGO = Source("Postigo: Zoho Mail SMTP Settings (2026)", "https://postigo.net/smtp/zoho",
    note="third-party: regional hosts (smtp.zoho.eu, smtp.zoho.in, ...); LOGIN / PLAIN",
    dated="2026-01")
ZOHO_FREEPLAN = Source("Zoho SMTP Server Setup Guide (ai-productivity.pages.dev)",
    "https://ai-productivity.pages.dev/guides/zoho-smtp-server-setup-guide/",
    note="third-party; says SMTP is a paid-plan feature, which other guides contradict")
ZOHO_PASTE = Source("pastebin bN4xNDz3: session with smtps://smtp.zoho.com:465/",
    "https://pastebin.com/bN4xNDz3", dated="2019-01-18")
ZOHO_456 = Source.github("nodemailer/nodemailer#456", '"535 Authentication Failed" when using Zoho',
    "2015-07-07", "the log's lines are printed out of order")

# Fastmail.
FM_PORTS = Source("Fastmail help: Server names and ports",
    "https://www.fastmail.com/help/technical/servernamesandports.html",
    note="SMTP smtp.fastmail.com port 465, SSL/TLS 'Enabled, but not STARTTLS', authentication "
         "PLAIN, app-specific password only")
FM_IMAP = Source("Fastmail help: IMAP, POP, and SMTP",
    "https://fastmail.help/hc/en-us/articles/1500000279921",
    note="every IMAP/POP/SMTP connection needs its own app password")
FM_CHATMAIL = Source("chatmail/provider-db: _providers/fastmail.md (dated: its last_checked field)",
    "https://github.com/chatmail/provider-db/blob/master/_providers/fastmail.md",
    note="465 SSL; 587 STARTTLS 'technically supported, but very strongly discouraged by Fastmail'",
    dated="2022-01")
FM_DMA = Source.github("corecode/dma#50", "Support for PLAIN authentication", "2016-11-19",
    "EHLO quoted")
FM_PROXY = Source.github("simonrob/email-oauth2-proxy#93",
    "Setting up for Office 365 Apple Mail on MacOS Ventura", "2022-11-05",
    "an Apple Mail log with smtp.fastmail.com:465")

# Networks and transport errors.
BINDER_977 = Source.github("jupyterhub/mybinder.org-deploy#977",
    "Outbound SMTP email from Jupyter Notebook run on myBinder", "2019-05-24",
    "'Network is unreachable'; maintainer: outgoing connections are blocked on almost all ports "
    "and SMTP will not be added")
BINDER_609 = Source.github("jupyterhub/binderhub#609", "Outgoing TCP connections ?", "2018-07-13",
    "mybinder.org blocks outgoing connections except HTTP(S) and git; the connections timed out")
GITPOD_965 = Source.github("gitpod-io/gitpod#965", "Remote ports 25 and 587 can't be reached",
    "2019-12-02", "a cloud IDE blocking SMTP ports against spam")
PAPERLESS = Source.github("paperless-ngx/paperless-ngx#13950", "SSL wrong version number",
    "2026-09-03", "maintainer: a port/TLS mode mismatch; 587 is STARTTLS, 465 implicit SSL")
ETEXT = Source.github("AlfredoSequeida/etext#2", "[SSL: WRONG_VERSION_NUMBER]", "2021-09-28",
    "SMTP_SSL against Outlook's STARTTLS port; fixed with SMTP + starttls()")
