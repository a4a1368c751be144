"""The annotation tables: what each command, parameter, extension and reply means, and what
to notice in a message's line, a secret AUTH answer, a TLS start, in a few words. Data
only: annotate.py (extensions.py, render.py) reads them to explain a transcript's lines.
The section signs (``§4.1.1.1``) are RFC 5321's unless another RFC is named. The texts
are marked for translation (issue 19): each table gives them in the current language."""

from __future__ import annotations

from .i18n import N_, Texts

__all__: list[str] = []  # the annotations' tables, read by annotate.py

COMMAND_PHASE = {
    "EHLO": "ehlo",
    "HELO": "ehlo",
    "LHLO": "ehlo",
    "STARTTLS": "tls",
    "AUTH": "auth",
    "MAIL": "envelope",
    "RCPT": "envelope",
    "DATA": "data",
    "BDAT": "data",
    "QUIT": "quit",
}

COMMAND_NOTE: Texts[str] = Texts(
    {
        "EHLO": N_("say who you are, ask for extensions · §4.1.1.1"),
        "HELO": N_("say who you are (HELO: the old form, no extensions) · §4.1.1.1"),
        "LHLO": N_("LMTP's hello · RFC 2033"),
        "STARTTLS": N_("ask to encrypt the connection · RFC 3207"),
        "DATA": N_("the message follows · §4.1.1.4"),
        "RSET": N_("start over: forget the current transaction · §4.1.1.5"),
        "VRFY": N_("ask whether a user exists · §4.1.1.6"),
        "EXPN": N_("ask for a mailing list's members · §4.1.1.7"),
        "HELP": N_("ask for help · §4.1.1.8"),
        "NOOP": N_("do nothing (is the server still there?) · §4.1.1.9"),
        "QUIT": N_("say goodbye · §4.1.1.10"),
    }
)

SUCCESS_NOTE: Texts[str] = Texts(
    {
        "STARTTLS": N_("go ahead: the TLS handshake starts now"),
        "HELO": N_("hello (HELO: no extensions)"),
        "MAIL": N_("sender accepted"),
        "RCPT": N_("recipient accepted"),
        "MESSAGE": N_("accepted: the server now owns the message"),
        "BDAT": N_("chunk accepted"),
        "RSET": N_("transaction forgotten"),
        "NOOP": N_("still here"),
        "QUIT": N_("goodbye: the server closes the connection"),
    }
)

PARAM_NOTES: Texts[str] = Texts(
    {
        "BODY=8BITMIME": N_("BODY=8BITMIME: the body has 8-bit bytes · RFC 6152"),
        "BODY=7BIT": N_("BODY=7BIT: the body is plain ASCII · RFC 6152"),
        "BODY=BINARYMIME": N_("BODY=BINARYMIME: a binary body, sent with BDAT · RFC 3030"),
        "SMTPUTF8": N_("SMTPUTF8: UTF-8 in addresses and headers · RFC 6531"),
        "REQUIRETLS": N_("REQUIRETLS: TLS all the way, or no delivery · RFC 8689"),
        "RET": N_("RET: what a bounce carries back · RFC 3461"),
        "ENVID": N_("ENVID: an id for delivery reports · RFC 3461"),
        "NOTIFY": N_("NOTIFY: when to send delivery reports · RFC 3461"),
        "ORCPT": N_("ORCPT: the original recipient · RFC 3461"),
        "AUTH": N_("AUTH=: who submitted the message · RFC 4954 §5"),
        "MT-PRIORITY": N_("MT-PRIORITY: a priority · RFC 6710"),
    }
)

FAILURE_NOTE: Texts[tuple[str, int]] = Texts(
    {
        ("AUTH", 535): N_("wrong user name or password"),
        ("AUTH-RESPONSE", 535): N_("wrong user name or password"),
        ("AUTH", 534): N_("mechanism too weak for this server (an app password may be needed)"),
        ("AUTH-RESPONSE", 534): N_(
            "mechanism too weak for this server (an app password may be needed)"
        ),
        ("AUTH", 538): N_("this mechanism needs TLS: STARTTLS first"),
        ("AUTH-RESPONSE", 501): N_("AUTH cancelled, or the answer was not valid base64"),
        ("AUTH", 504): N_("the server does not know this mechanism"),
        ("AUTH", 503): N_("already logged in, or AUTH is not allowed now"),
        ("AUTH", 530): N_("STARTTLS first: no login before encryption"),
        ("EHLO", 500): N_("this server does not know EHLO: try HELO"),
        ("EHLO", 502): N_("this server does not know EHLO: try HELO"),
        ("STARTTLS", 454): N_("TLS is not available right now"),
        ("STARTTLS", 502): N_("this server does not offer STARTTLS"),
        ("MAIL", 530): N_("log in (AUTH) first, or STARTTLS first"),
        ("RCPT", 530): N_("log in (AUTH) first, or STARTTLS first"),
        ("MAIL", 553): N_("the server refuses this sender address (the enhanced code says why)"),
        ("RCPT", 553): N_("the server refuses this address (the enhanced code says why)"),
        ("RCPT", 550): N_("the server refuses this recipient (no such mailbox, or no relaying)"),
        ("RCPT", 554): N_("the server refuses this recipient (relaying denied?)"),
        ("MESSAGE", 552): N_("the message is too big"),
        ("MESSAGE", 554): N_("the message was refused (spam? policy?)"),
        ("DATA", 554): N_("no valid recipients, or the server refuses the transaction"),
    }
)

# A failure note that depends on the enhanced code, tried before FAILURE_NOTE: 553 alone
# means a malformed address, a non-ASCII one without SMTPUTF8, or one you may not use.
# Keyed by (command, enhanced code); command None: any MAIL or RCPT.
ADDRESS_NOTE: Texts[tuple[str | None, str]] = Texts(
    {
        (None, "5.6.7"): N_(
            "a non-ASCII address: declare SMTPUTF8 on MAIL FROM, or use an ASCII "
            "address · RFC 6531 §3.4, §3.5"
        ),
        ("MAIL", "5.1.7"): N_("the sender address is malformed: check its syntax · RFC 3463"),
        ("MAIL", "5.1.3"): N_("the sender address is malformed: check its syntax · RFC 3463"),
        ("RCPT", "5.1.3"): N_("the recipient address is malformed: check its syntax · RFC 3463"),
        ("MAIL", "5.7.1"): N_("you may not send as this address (not yours, or not allowed)"),
    }
)


ENHANCED_SHORT: Texts[str] = Texts(
    {
        "2.0.0": N_("2.0.0: OK"),
        "2.1.0": N_("2.1.0: sender OK"),
        "2.1.5": N_("2.1.5: recipient OK"),
        "2.6.0": N_("2.6.0: message accepted"),
        "2.7.0": N_("2.7.0: security check passed"),
    }
)

NUMBERS = (
    N_("zero"),
    N_("one"),
    N_("two"),
    N_("three"),
    N_("four"),
    N_("five"),
    N_("six"),
    N_("seven"),
    N_("eight"),
    N_("nine"),
)

GREETING_NOTE: Texts[int] = Texts(
    {
        2: N_("ready"),
        4: N_("not available now, retry later"),
        5: N_("the server refuses this connection"),
    }
)

TYPED_LINE_NOTE: Texts[str] = Texts(
    {
        "end": N_("a line with one dot ends the message · §4.1.1.4"),
        "empty": N_("a line of the message (an empty one: between headers and body, the first)"),
        "stuffed": N_(
            "a line of the message; the server removes the first dot (dot-stuffing §4.5.2)"
        ),
        "line": N_("a line of the message, sent by hand"),
    }
)

LINE_END_NOTE: Texts[bytes] = Texts(
    {
        b"\n": N_("ends in a bare LF, not CRLF (§2.3.8)"),
        b"\r": N_("ends in a bare CR, not CRLF (§2.3.8)"),
        b"": N_("no CRLF at the end: the server waits for the rest of the line"),
    }
)

# What a secret AUTH answer carries, by mechanism (upper case, as sent; the lower-case keys
# are the kit's own cases, so no mechanism name can hit them). The secret is never shown.
SECRET_ANSWER_NOTE: Texts[str] = Texts(
    {
        "plain user": N_('base64 of "{authzid}␀{user}␀" + the password · RFC 4616'),
        "PLAIN": N_("base64 of the user name and password · RFC 4616"),
        "oauth user": N_('base64 of user "{user}" + an OAuth 2.0 access token'),
        "oauth": N_("base64 of an OAuth 2.0 access token"),
        "CRAM-MD5": N_('base64 of "{user}<digest hidden>": HMAC-MD5 of the challenge · RFC 2195'),
        "LOGIN": N_("base64 of the password"),
        "other": N_("{mechanism} answer (may carry a secret)"),
    }
)

# What each extension of an EHLO reply means ("": one this kit does not know); SIZE and
# AUTH are described from their parameters by extensions.describe_extension.
EXTENSION_NOTE: Texts[str] = Texts(
    {
        "8BITMIME": N_("8-bit bodies allowed · RFC 6152"),
        "SMTPUTF8": N_("UTF-8 addresses allowed · RFC 6531"),
        "PIPELINING": N_("may batch commands · RFC 2920"),
        "STARTTLS": N_("can switch to TLS · RFC 3207"),
        "ENHANCEDSTATUSCODES": N_("replies carry codes like 2.1.0 · RFC 2034"),
        "CHUNKING": N_("BDAT may send the message in chunks · RFC 3030"),
        "BINARYMIME": N_("binary bodies allowed with BDAT · RFC 3030"),
        "DSN": N_("delivery status notifications on request · RFC 3461"),
        "DELIVERBY": N_("delivery deadlines on request · RFC 2852"),
        "ETRN": N_("a relay can be asked to flush its queue · RFC 1985"),
        "REQUIRETLS": N_("mail can demand TLS all the way · RFC 8689"),
        "MT-PRIORITY": N_("messages may carry a priority · RFC 6710"),
        "LIMITS": N_("the server states its limits · RFC 9422"),
        "VRFY": N_("VRFY asks whether a user exists · RFC 5321 §3.5"),
        "EXPN": N_("EXPN expands a mailing list · RFC 5321 §3.5"),
        "HELP": N_("HELP gives help text · RFC 5321 §4.1.1.8"),
        "SEND": N_("SEND delivers to a terminal (obsolete) · RFC 821"),
        "XCLIENT": N_("a proxy may pass on the real client's details (Postfix)"),
        "XFORWARD": N_("a filter may pass on the original client's details (Postfix)"),
        "": N_("an extension this kit does not know"),
    }
)

# A line the server would cut a dot from; TLS without a checked certificate (the note and
# the band that marks the TLS moment).
SINGLE_DOT_NOTE = N_(
    "line {lines} starts with a single dot: the server removes it (dot-stuffing, "
    "RFC 5321 §4.5.2); a dot that belongs to the text is sent doubled"
)
TLS_UNCHECKED_NOTE = N_(
    "encrypted, but the certificate was NOT checked: turn verification on (it is on by default)"
)
TLS_UNCHECKED_BAND = N_(
    "⚠ CERTIFICATE NOT VERIFIED: verification was OFF, anyone in the middle could be reading"
)

# A line that repeats a secret seen before (a server echoing the password): shown masked.
REPEATS_NOTE = N_("it repeats a secret: masked (transcript.reveal() shows it)")
UNSOLICITED_NOTE = N_(
    "it answers no command: none sent was waiting for it (a reply too many, or one the "
    "server sent before the command it seems to answer)"
)

# What to notice in a line of a message as sent (render.py): in the headers, in the body.
HEADER_LINE_NOTE: Texts[str] = Texts(
    {
        "raw utf-8": N_("raw UTF-8 in a header: needs SMTPUTF8 · RFC 6532"),
        "too long": N_("longer than 998 bytes: not allowed · RFC 5322 §2.1.1"),
        "bare lf": N_("a bare LF, not CRLF (§2.3.8)"),
    }
)
BODY_LINE_NOTE: Texts[str] = Texts(
    {
        "stuffed": N_("an extra dot was added: dot-stuffing, RFC 5321 §4.5.2"),
        "bare lf": N_("a bare LF, not CRLF: not allowed in SMTP (§2.3.8)"),
        "too long": N_("longer than 998 bytes: not allowed · §4.5.3.1.6"),
    }
)
