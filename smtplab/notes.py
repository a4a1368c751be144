"""The annotation tables: what each command, parameter and reply means, in a few words.

Data only: :mod:`smtplab.annotate` reads these tables to explain a transcript's lines.
The section signs (``§4.1.1.1``) are RFC 5321's unless another RFC is named.
"""

from __future__ import annotations

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

COMMAND_NOTE = {
    "EHLO": "say who you are, ask for extensions · §4.1.1.1",
    "HELO": "say who you are (HELO: the old form, no extensions) · §4.1.1.1",
    "LHLO": "LMTP's hello · RFC 2033",
    "STARTTLS": "ask to encrypt the connection · RFC 3207",
    "DATA": "the message follows · §4.1.1.4",
    "RSET": "start over: forget the current transaction · §4.1.1.5",
    "VRFY": "ask whether a user exists · §4.1.1.6",
    "EXPN": "ask for a mailing list's members · §4.1.1.7",
    "HELP": "ask for help · §4.1.1.8",
    "NOOP": "do nothing (is the server still there?) · §4.1.1.9",
    "QUIT": "say goodbye · §4.1.1.10",
}

SUCCESS_NOTE = {
    "STARTTLS": "go ahead: the TLS handshake starts now",
    "HELO": "hello (HELO: no extensions)",
    "MAIL": "sender accepted",
    "RCPT": "recipient accepted",
    "MESSAGE": "accepted: the server now owns the message",
    "BDAT": "chunk accepted",
    "RSET": "transaction forgotten",
    "NOOP": "still here",
    "QUIT": "goodbye: the server closes the connection",
}

PARAM_NOTES = {
    "BODY=8BITMIME": "BODY=8BITMIME: the body has 8-bit bytes · RFC 6152",
    "BODY=7BIT": "BODY=7BIT: the body is plain ASCII · RFC 6152",
    "BODY=BINARYMIME": "BODY=BINARYMIME: a binary body, sent with BDAT · RFC 3030",
    "SMTPUTF8": "SMTPUTF8: UTF-8 in addresses and headers · RFC 6531",
    "REQUIRETLS": "REQUIRETLS: TLS all the way, or no delivery · RFC 8689",
    "RET": "RET: what a bounce carries back · RFC 3461",
    "ENVID": "ENVID: an id for delivery reports · RFC 3461",
    "NOTIFY": "NOTIFY: when to send delivery reports · RFC 3461",
    "ORCPT": "ORCPT: the original recipient · RFC 3461",
    "AUTH": "AUTH=: who submitted the message · RFC 4954 §5",
    "MT-PRIORITY": "MT-PRIORITY: a priority · RFC 6710",
}

FAILURE_NOTE: dict[tuple[str, int], str] = {
    ("AUTH", 535): "wrong user name or password",
    ("AUTH-RESPONSE", 535): "wrong user name or password",
    ("AUTH", 534): "mechanism too weak for this server (an app password may be needed)",
    ("AUTH-RESPONSE", 534): "mechanism too weak for this server (an app password may be needed)",
    ("AUTH", 538): "this mechanism needs TLS: STARTTLS first",
    ("AUTH-RESPONSE", 501): "AUTH cancelled, or the answer was not valid base64",
    ("AUTH", 504): "the server does not know this mechanism",
    ("AUTH", 503): "already logged in, or AUTH is not allowed now",
    ("AUTH", 530): "STARTTLS first: no login before encryption",
    ("EHLO", 500): "this server does not know EHLO: try HELO",
    ("EHLO", 502): "this server does not know EHLO: try HELO",
    ("STARTTLS", 454): "TLS is not available right now",
    ("STARTTLS", 502): "this server does not offer STARTTLS",
    ("MAIL", 530): "log in (AUTH) first, or STARTTLS first",
    ("RCPT", 530): "log in (AUTH) first, or STARTTLS first",
    ("MAIL", 553): "the server refuses this sender address (the enhanced code says why)",
    ("RCPT", 553): "the server refuses this address (the enhanced code says why)",
    ("RCPT", 550): "the server refuses this recipient (no such mailbox, or no relaying)",
    ("RCPT", 554): "the server refuses this recipient (relaying denied?)",
    ("MESSAGE", 552): "the message is too big",
    ("MESSAGE", 554): "the message was refused (spam? policy?)",
    ("DATA", 554): "no valid recipients, or the server refuses the transaction",
}

# A failure note that depends on the enhanced code, tried before FAILURE_NOTE: 553 alone
# means a malformed address, a non-ASCII one without SMTPUTF8, or one you may not use.
# Keyed by (command, enhanced code); command None: any MAIL or RCPT.
ADDRESS_NOTE: dict[tuple[str | None, str], str] = {
    (None, "5.6.7"): "a non-ASCII address: declare SMTPUTF8 on MAIL FROM, or use an ASCII "
    "address · RFC 6531 §3.4, §3.5",
    ("MAIL", "5.1.7"): "the sender address is malformed: check its syntax · RFC 3463",
    ("MAIL", "5.1.3"): "the sender address is malformed: check its syntax · RFC 3463",
    ("RCPT", "5.1.3"): "the recipient address is malformed: check its syntax · RFC 3463",
    ("MAIL", "5.7.1"): "you may not send as this address (not yours, or not allowed)",
}


ENHANCED_SHORT = {
    "2.0.0": "2.0.0: OK",
    "2.1.0": "2.1.0: sender OK",
    "2.1.5": "2.1.5: recipient OK",
    "2.6.0": "2.6.0: message accepted",
    "2.7.0": "2.7.0: security check passed",
}

NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

GREETING_NOTE = {
    2: "ready",
    4: "not available now, retry later",
    5: "the server refuses this connection",
}

TYPED_LINE_NOTE = {
    "end": "a line with one dot ends the message · §4.1.1.4",
    "empty": "a line of the message (an empty one: between headers and body, the first)",
    "stuffed": "a line of the message; the server removes the first dot (dot-stuffing §4.5.2)",
    "line": "a line of the message, sent by hand",
}

LINE_END_NOTE = {
    b"\n": "ends in a bare LF, not CRLF (§2.3.8)",
    b"\r": "ends in a bare CR, not CRLF (§2.3.8)",
    b"": "no CRLF at the end: the server waits for the rest of the line",
}
