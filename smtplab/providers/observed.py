"""What providers' servers were publicly reported to send: imitation material.

Greetings, EHLO replies and error texts **as quoted in public reports** (GitHub issues,
posts quoting client debug logs), each with its :class:`~.records.Source`. They are NOT
recordings made by this project, and nothing here has contacted a provider: the lab's
look-alike profiles are imitations built from these quotes. Client host names and IP
addresses in them were replaced by documentation values (RFC 5737 / RFC 3849).
"""

# fmt: off
# A table laid out by hand: a record takes a few lines instead of one per field.

from ..i18n import N_
from . import sources as src
from .records import Observed, ObservedReply

__all__: list[str] = []  # records for the presets: use smtplab.providers

_ADDR_NOTE = N_("client name and address replaced by documentation values")
_QQ_HELP = "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"

# Microsoft's EHLO keywords before STARTTLS, the same on both of its hosts.
_MS_EHLO_PLAIN = ("SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "STARTTLS",
                  "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8")

# Each record's reply lines are the server's text as a public report quoted it: they stay
# as published (`# i18n: keep quote`). The context (when it was sent) and the note are the
# kit's own words: marked with N_() and translated where they are shown.

QQ = Observed(
    greeting=ObservedReply(220,
        ("newxmesmtplogicsvrszgpua5-0.qq.com XMail Esmtp QQ Mail Server.",),  # i18n: keep quote
        src.QQ_DOKUWIKI, N_("port 465, after the TLS handshake"),
        note=N_("on port 25 the same form was quoted: '220 newxmesmtplogicsvrsza5.qq.com XMail "
                "Esmtp QQ Mail Server.' (greycodee#22)")),
    ehlo_tls=ObservedReply(250,
        ("newxmesmtplogicsvrszgpua5-0.qq.com", "PIPELINING", "SIZE 73400320",
            "AUTH LOGIN PLAIN XOAUTH XOAUTH2", "AUTH=LOGIN", "MAILCOMPRESS", "SMTPUTF8",
            "8BITMIME"), src.QQ_DOKUWIKI, N_("port 465")),
    errors=(
        ObservedReply(535,
            ("Login Fail. Please enter your authorization code to login. More information "
             f"in {_QQ_HELP}",),  # i18n: keep quote
            src.QQ_YAPI, N_("AUTH with the QQ password instead of the authorization code")),
        ObservedReply(535, (f"Error: 请使用授权码登录。详情请看: {_QQ_HELP}",), src.QQ_GSIL,
            N_("AUTH with the QQ password (older form, in Chinese)"),
            note=N_("sent GBK-encoded: smtplib showed b'Error: \\xc7\\xeb\\xca\\xb9...'; also "
                    "quoted in pandolia/qqbot#221 and, as Latin-1 mojibake, in "
                    "DesertsP/Valine-Admin#86"), encoding="gbk"),
        ObservedReply(501,
            ("mail from address must be same as authorization user",),  # i18n: keep quote
            src.QQ_ODOO, N_("MAIL FROM with an address other than the logged-in account's"),
            note=N_("also quoted in nodeSolidServer/node-solid-server#1281 (2019-08-05) and, "
                    "with a final period, gophish/gophish#1627 (2019-10-23)")),
        ObservedReply(550,
            ('The "From" header is missing or invalid. Please follow RFC5322, RFC2047, RFC822 '
             "standard protocol. https://service.mail.qq.com/detail/124/995.",),  # i18n: keep quote
            src.QQ_FROM_FREAKS,
            N_("after the message, when its From header's address was inside an encoded word"),
            note=N_("an older form ends with '帮助系统' instead of the URL (juejin.cn, 2023)"))),
    other=(
        ObservedReply(235, ("Authentication successful",), src.QQ_DOKUWIKI,
            N_("after AUTH LOGIN")),
        ObservedReply(250, ("OK",), src.QQ_DOKUWIKI, N_("reply to MAIL FROM and RCPT TO")),
        ObservedReply(354,
            ("End data with <CR><LF>.<CR><LF>.",),  # i18n: keep quote
            src.QQ_DOKUWIKI, N_("reply to DATA"))))

NETEASE_163 = Observed(
    greeting=ObservedReply(220,
        ("163.com Anti-spam GT for Coremail System (163com[20141201])",),  # i18n: keep quote
        src.NETEASE_PHPMAIL, "smtp.163.com:25",
        note=N_("quoted in 2016; in 2014 applesmtp.163.com:465 greeted with '(163com[20121016])' "
                "(mludvig/smtp-cli#4); today's greeting is unknown")),
    errors=(
        ObservedReply(535,
            ("Error: authentication failed",),  # i18n: keep quote
            src.NETEASE_NODEMAIL,
            N_("AUTH PLAIN with the account password (or SMTP not turned on)"),
            note=N_("also quoted in hongrunhui/node_12306#1 (2017-01-14)")),
        ObservedReply(550,
            ("User has no permission",),  # i18n: keep quote
            src.NETEASE_12306, N_("sending while the SMTP service is off in the mailbox settings"),
            note=N_("also quoted in open-falcon/mail-provider#6 (2017-04-07)")),
        ObservedReply(553,
            ("authentication is required,smtp13,"  # i18n: keep quote
             "EcCowECZoy+xLGNU4LXrAQ--.2290S2 1415785650",),
            src.NETEASE_SMTPCLI, N_("MAIL FROM without AUTH (after HELO)")),
        ObservedReply(554,
            ("DT:SPM 163 smtp12,EMCowACnzwc_BjhcKMZmAQ--.20404S2 1547175487,please see "
             "http://mail.163.com/help/help_spam_16.htm?ip=192.0.2.12&hostid=smtp12"
             "&time=1547175487",),  # i18n: keep quote
            src.NETEASE_SPM_ZABBIX, N_("after the message: its content was taken for spam"),
            note=N_("client address replaced by a documentation value; the same form with "
                    "'DT:SPM 126' is quoted in kootenpv/yagmail#144 and Vincedream/NodeMail#20 "
                    "(2019)"))),
    other=(ObservedReply(250, ("OK",), src.NETEASE_SMTPCLI, N_("reply to HELO")),
        ObservedReply(235,
            ("Authentication successful",),  # i18n: keep quote
            src.NETEASE_PHPMAIL, N_("after AUTH")),
        ObservedReply(250, ("Mail OK",), src.NETEASE_PHPMAIL, N_("reply to MAIL FROM and RCPT TO")),
        ObservedReply(354,
            ("End data with <CR><LF>.<CR><LF>",),  # i18n: keep quote
            src.NETEASE_PHPMAIL, N_("reply to DATA")),
        ObservedReply(221, ("Bye",), src.NETEASE_SMTPCLI, N_("reply to QUIT"))))

GMAIL = Observed(
    greeting=ObservedReply(220,
        ("smtp.gmail.com ESMTP g69sm1020259wmg.17 - gsmtp",),  # i18n: keep quote
        src.GMAIL_2031, N_("port 587")),
    ehlo=ObservedReply(250,
        ("smtp.gmail.com at your service, [203.0.113.5]",  # i18n: keep quote
            "SIZE 35882577", "8BITMIME", "STARTTLS", "ENHANCEDSTATUSCODES", "PIPELINING",
            "CHUNKING", "SMTPUTF8"), src.GMAIL_2031,
        N_("port 587, before STARTTLS"), note=_ADDR_NOTE),
    starttls=ObservedReply(220,
        ("2.0.0 Ready to start TLS",),  # i18n: keep quote
        src.GMAIL_2031, N_("reply to STARTTLS")),
    ehlo_tls=ObservedReply(250,
        ("smtp.gmail.com at your service, [2001:db8::5]",  # i18n: keep quote
            "SIZE 35882577", "8BITMIME",
            "AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH", "ENHANCEDSTATUSCODES",
            "PIPELINING", "CHUNKING", "SMTPUTF8"), src.GMAIL_AVIDEO, N_("port 587, after STARTTLS"),
        note=N_("client name and address replaced by documentation values; the same AUTH line "
                "is quoted in PHPMailer#543 (2015) and bokysan/docker-postfix#101 (2022)")),
    errors=(
        ObservedReply(534,
            ("5.7.9 Application-specific password required. "  # i18n: keep quote
             "For more information, go to",
                "5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor "  # i18n: keep quote
                "ffacd0b85a97d-368119970e7sm1809147f8f.21 - gsmtp"), src.GMAIL_TGTG,
            N_("AUTH with the Google account password on an account with 2-Step Verification"),
            note=N_("older wording: 'Learn more at' instead of 'For more information, go to' "
                    "(nodemailer#1116, 2020)")),
        ObservedReply(535,
            ("5.7.8 Username and Password not accepted. "  # i18n: keep quote
             "For more information, go to",
                "5.7.8  https://support.google.com/mail/?p=BadCredentials "  # i18n: keep quote
                "af79cd13be357-794f3061475sm18893085a.74 - gsmtp"), src.GMAIL_205,
            N_("AUTH with a wrong password (or the account password without an app password)"))),
    other=(
        ObservedReply(334, ("VXNlcm5hbWU6",), src.GMAIL_AVIDEO,
            N_("reply to AUTH LOGIN: base64 of 'Username:'")),
        ObservedReply(221,
            ("2.0.0 closing connection 201sm2958616wmr.4 - gsmtp",),  # i18n: keep quote
            src.GMAIL_1076, N_("reply to QUIT"))))

OUTLOOK = Observed(
    greeting=ObservedReply(220,
        ("outlook.office365.com Microsoft ESMTP ready",),  # i18n: keep quote
        src.MS_416, "smtp-mail.outlook.com:587",
        note=N_("as quoted, with host names shortened by the reporter; unshortened reports show "
                "'<server>.outlook.office365.com Microsoft ESMTP MAIL Service ready at <date>'")),
    ehlo=ObservedReply(250,
        ("outlook.office365.com Hello [203.0.113.9]", *_MS_EHLO_PLAIN),  # i18n: keep quote
        src.MS_416, N_("smtp-mail.outlook.com:587, before STARTTLS"), note=_ADDR_NOTE),
    auth_after_tls=ObservedReply(250, ("AUTH LOGIN XOAUTH2",), src.MS_ENOUGH,
        N_("AUTH line of the EHLO reply after STARTTLS (reported for smtp.office365.com; "
           "symfony#53647 shows clients trying LOGIN then XOAUTH2 on smtp-mail.outlook.com)")),
    errors=(
        ObservedReply(535,
            ("5.7.139 Authentication unsuccessful, basic authentication is disabled. "
             "[PH7P220CA0132.NAMP220.PROD.OUTLOOK.COM 2024-11-11T21:51:32.927Z "
             "08DD021D9EEB05BC]",),  # i18n: keep quote
            src.MS_NINA,
            N_("AUTH LOGIN with a password or app password, smtp-mail.outlook.com:587"),
            note=N_("also quoted in nodemailer#1714 (2025-01-26) and rpremraj/mailR#107 "
                    "(2022-08-30)")),))

OFFICE365 = Observed(
    greeting=ObservedReply(220,
        ("FR4P281CA0195.outlook.office365.com Microsoft ESMTP MAIL Service ready at Tue, 15 "
         "Jul 2025 09:03:14 +0000 [08DDC3531BF902E3]",),  # i18n: keep quote
        src.MS_MSMTP198, "smtp.office365.com:587",
        note=N_("older reports (2020-2024) end after the date, without the bracketed id")),
    ehlo=ObservedReply(250,
        ("FR4P281CA0195.outlook.office365.com Hello [2001:db8::198]",  # i18n: keep quote
            *_MS_EHLO_PLAIN),
        src.MS_MSMTP198, N_("smtp.office365.com:587, before STARTTLS"), note=_ADDR_NOTE),
    starttls=ObservedReply(220,
        ("2.0.0 SMTP server ready",),  # i18n: keep quote
        src.MS_OAUTH2MS, N_("reply to STARTTLS")),
    ehlo_tls=ObservedReply(250,
        ("server.outlook.office365.com Hello [198.51.100.17]",  # i18n: keep quote
            "SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "AUTH LOGIN XOAUTH2",
            "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8"), src.MS_OAUTH2MS,
        N_("after STARTTLS"),
        note=N_("client name and address replaced by documentation values; 'server' is the "
                "reporter's placeholder")),
    errors=(
        ObservedReply(535,
            ("5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
             "the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. "
             "[TY1PR01CA0183.jpnprd01.prod.outlook.com]",),  # i18n: keep quote
            src.MS_1484, N_("AUTH LOGIN when the organisation turned SMTP AUTH off")),
        ObservedReply(535,
            ("5.7.139 Authentication unsuccessful, the user credentials were incorrect. "
             "[FR4P281CA0331.DEUP281.PROD.OUTLOOK.COM 2024-08-08T06:54:04.069Z "
             "08DCB6FD3F8F9511]",),  # i18n: keep quote
            src.MS_FREESCOUT, N_("AUTH LOGIN with wrong credentials")),
        ObservedReply(535,
            ("5.7.3 Authentication unsuccessful "  # i18n: keep quote
             "[ROAP284CA0191.BRAP284.PROD.OUTLOOK.COM]",),
            src.MS_GEOFF, N_("AUTH (XOAUTH2 here) refused"),
            note=N_("also quoted after AUTH LOGIN in swiftmailer#1302 (2020-10-28)")),
        ObservedReply(530,
            ("5.7.57 Client not authenticated to send mail. "  # i18n: keep quote
             "[server.prod.outlook.com]",),
            src.MS_OAUTH2MS, N_("MAIL FROM before a successful AUTH")),
        ObservedReply(451,
            ("4.7.0 Temporary server error. Please try again later. PRX4  "
             "[server.prod.outlook.com]",),  # i18n: keep quote
            src.MS_OAUTH2MS, N_("reply to a failed AUTH in the same session")),
        ObservedReply(550,
            ("5.7.30 Basic authentication is not supported "  # i18n: keep quote
             "for Client Submission.",),
            src.MS_BLOG,
            N_("announced by Microsoft for after Basic auth is removed from SMTP AUTH"),
            note=N_("quoted from Microsoft's announcement, not from a session"))),
    other=(
        ObservedReply(334, ("UGFzc3dvcmQ6",), src.MS_1484,
            N_("AUTH LOGIN prompt: base64 of 'Password:'")),
        ObservedReply(221,
            ("2.0.0 Service closing transmission channel",),  # i18n: keep quote
            src.MS_OAUTH2MS, N_("reply to QUIT"))))

ICLOUD = Observed(
    greeting=ObservedReply(220,
        ("pv33p00im-asmtp001.mac.com -- Server ESMTP (Oracle Communications Messaging "
         "Server 8.0.1.2.20170607 64bit (built Jun 7 2017))",),  # i18n: keep quote
        src.ICLOUD_PASTE, "smtp.mail.me.com:587"),
    ehlo=ObservedReply(250,
        ("pv33p00im-asmtp001.mac.com", "8BITMIME", "PIPELINING", "CHUNKING", "DSN",
            "ENHANCEDSTATUSCODES", "EXPN", "HELP",
            "XLOOP E6ADDAEB9E0CF2D57FC7222EF205750D",  # i18n: keep quote
            "STARTTLS", "NO-SOLICITING", "SIZE 28311552"), src.ICLOUD_PASTE,
        N_("port 587, before STARTTLS: no AUTH is offered in plain text")))

YAHOO = Observed(
    greeting=ObservedReply(220,
        ("smtp.mail.yahoo.com ESMTP ready",),  # i18n: keep quote
        src.YAHOO_MAILCORE, N_("port 465")),
    ehlo_tls=ObservedReply(250,
        ("smtp.mail.yahoo.com", "PIPELINING", "SIZE 41697280", "8 BITMIME",
            "AUTH PLAIN LOGIN XOAUTH2 XYMCOOKIE"), src.YAHOO_MAILCORE, N_("port 465"),
        note=N_("'8 BITMIME' (with a space) as quoted; the same reply is quoted in "
                "zetacomponents/Mail#37 (2015-01-31)")),
    errors=(
        ObservedReply(535,
            ("5.7.0 (#AUTH005) Too many bad auth attempts.",),  # i18n: keep quote
            src.YAHOO_LUA, N_("AUTH after repeated failures (ports 465 and 587)")),))

ZOHO = Observed(
    greeting=ObservedReply(220,
        ("mx.zohomail.com SMTP Server ready January 18, 2019 3:02:21 AM PST",),  # i18n: keep quote
        src.ZOHO_PASTE, "smtp.zoho.com:465",
        note=N_("the same form, with another date, in nodemailer#456 (2015-07-07)")),
    ehlo_tls=ObservedReply(250,
        ("mx.zohomail.com Hello [192.0.2.10] (client.example.net (192.0.2.10))",  # i18n: keep quote
            "AUTH LOGIN PLAIN", "SIZE 53477376"), src.ZOHO_PASTE, N_("port 465"),
        note=N_("client name and address replaced by documentation values; nodemailer#456 "
                "(2015) shows SIZE 25000000")),
    errors=(
        ObservedReply(535, ("Authentication Failed",), src.ZOHO_456,
            N_("AUTH PLAIN refused (the report's log is printed out of order)")),),
    other=(
        ObservedReply(235, ("Authentication Successful",), src.ZOHO_PASTE,
            N_("after AUTH PLAIN")),
        ObservedReply(354,
            ("Ok Send data ending with <CRLF>.<CRLF>",),  # i18n: keep quote
            src.ZOHO_PASTE, N_("reply to DATA"))))

FASTMAIL = Observed(
    greeting=ObservedReply(220,
        ("smtp.fastmail.com ESMTP ready",),  # i18n: keep quote
        src.FM_DMA, N_("port not shown")),
    ehlo=ObservedReply(250,
        ("smtp.fastmail.com", "PIPELINING", "SIZE 71000000", "ENHANCEDSTATUSCODES", "8BITMIME",
            "AUTH PLAIN LOGIN", "AUTH=PLAIN LOGIN"), src.FM_DMA, N_("port not shown (2016)")),
    ehlo_tls=ObservedReply(250,
        ("smtp.fastmail.com", "PIPELINING", "SIZE 71000000", "ENHANCEDSTATUSCODES", "8BITMIME",
            "AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER"), src.FM_PROXY, N_("port 465 (2022)")),
    errors=(
        ObservedReply(530, ("5.7.1 Authentication required",), src.FM_DMA,
            N_("MAIL FROM without AUTH")),),
    other=(ObservedReply(235, ("2.0.0 OK",), src.FM_PROXY, N_("after AUTH PLAIN")),))
