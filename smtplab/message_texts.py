"""The texts of message.py and anatomy.py, marked for translation and read through
``_()`` where used: compose's refusals, an anatomy's notes and refusals. Tables only."""

from .i18n import N_

__all__: list[str] = []

# What a line break in a header is called.
LINE_BREAKS = {
    "\r": N_("a carriage return (CR)"),
    "\n": N_("a line feed (LF)"),
    "\x00": N_("a NUL byte"),
}


A_LINE_BREAK = N_("a line break")

DEFECT_HINTS = {
    "MissingHeaderBodySeparatorDefect": N_(
        ": a line that is not a header field came before "
        "the empty line that ends the headers (RFC 5322 §2.1), so the parser guessed where the "
        "body starts; send an empty line after the last header."
    ),
}


# Where an Anatomy's envelope came from, said after its heading (none when given).
ENVELOPE_SOURCE = {
    "draft": N_(" (from the draft)"),
    "headers": N_(" (derived from the headers, as smtplib.send_message would)"),
    "none": N_(" (unknown: pass mail_from= and rcpt_tos=)"),
}

# compose() and Attachment refuse.
LINE_BREAK_REFUSED = N_(
    "{what} contains {name}: {value}. A line break inside a header value would "
    "start a new header line (header injection), so it is refused. Remove it; to "
    "address several people, pass a list."
)
CONTROL_CHARACTER = N_("{what} contains the control character {char}: {value}. Remove it.")
NOT_A_STRING = N_("{what} must be a string like 'alice@example.com', not {text}.")
SEVERAL_ADDRESSES = N_(
    "{what} {text} looks like several addresses in one string. Pass a list: "
    "['alice@example.com', 'bob@example.com']."
)
NO_AT = N_(
    "{what} {text} is not an e-mail address: it has no '@'. Write it like alice@example.com."
)
NO_LOCAL_OR_DOMAIN = N_(
    "{what} {text} needs a name before the '@' and a domain after it, like alice@example.com."
)
BAD_LOCAL_PART = N_(
    "{what} {text}: the part before '@' ({local}) has a character an address "
    "cannot carry unquoted (spaces, quotes, brackets, commas...) or a misplaced dot. "
    "Use letters, digits and . _ + - only."
)
BAD_DOMAIN = N_("{what} {text}: {domain} is not a domain name. Write it like example.com.")
ATTACHMENT_NOT_BYTES = N_(
    "the data of attachment {filename} must be bytes, not "
    "{kind}; encode text first, e.g. text.encode('utf-8')."
)
BAD_CONTENT_TYPE = N_(
    "content type {content_type} of {filename} is not 'type/subtype', like 'application/pdf'."
)
ATTACHMENT_TUPLE = N_(
    "an attachment tuple is (filename, data) or (filename, data, content_type), "
    "not a tuple of {count} items."
)
CANNOT_ATTACH = N_("cannot attach {item}: pass a path, a (filename, bytes) tuple or an Attachment.")
TWO_DISPLAY_NAMES = N_(
    "sender {sender} already has a display name and sender_name={sender_name}"
    " gives another: pass the name once."
)
NO_RECIPIENT = N_("the message has no recipient: give at least one address in to=.")
BAD_MESSAGE_ID_DOMAIN = N_("message_id_domain={domain} is not a domain name, like example.com.")
BAD_HEADER_NAME = N_(
    "header name {name} is not allowed: a name is printable ASCII without "
    "spaces or ':' (RFC 5322 §2.2), like 'X-Course'."
)
HEADER_NOT_A_STRING = N_("the value of header {name} must be a string.")
BCC_IN_HEADERS = N_(
    "{name} does not belong in the headers (it would show the hidden recipients "
    "to everyone): pass bcc=[...], which puts them in the envelope only."
)
WRITTEN_BY_COMPOSE = N_(
    "{name} is written by compose from the body, html and attachments; it "
    "cannot be set through headers=."
)

# anatomy() says and refuses.
CANNOT_TAKE_APART = N_("cannot take a {kind} apart: pass a Draft, an EmailMessage or bytes.")
NOTE_BLIND_COPIES = N_(
    "In the envelope but in no To/Cc header (blind copies): {hidden}. The server "
    "delivers to them; the other recipients cannot see them."
)
NOTE_UNADDRESSED = N_(
    "In a To/Cc header but not in the envelope: {unaddressed}. Headers are only "
    "text: these addresses receive nothing."
)
NOTE_SENDER_DIFFERS = N_(
    "MAIL FROM <{mail_from}> is not the From: address. That is allowed (bounces "
    "go to MAIL FROM), and it is also how forged senders look."
)
NOTE_BCC_HEADER = N_(
    "This message carries a Bcc: header. smtplib.send_message and "
    "smtplab.message.to_bytes remove it before sending; if a recipient got it, the "
    "blind copies were exposed."
)
NOTE_NON_ASCII = N_(
    "An address is non-ASCII: the client must send MAIL FROM:<...> SMTPUTF8 "
    "(RFC 6531), and the server must advertise SMTPUTF8."
)
NOTE_8BIT = N_(
    "The message has 8-bit bytes: announce it with MAIL FROM:<...> BODY=8BITMIME "
    "(RFC 6152) to a server that advertises 8BITMIME."
)
NO_SENDER_HEADER = N_(
    "the message has no {name} header to take the envelope sender from: add "
    "one, or pass the envelope sender explicitly."
)
SEVERAL_RESENT = N_(
    "the message has more than one Resent- block (several Resent-Date headers), so "
    "it is not clear who it goes to: pass the envelope explicitly."
)
UNREADABLE_ADDRESS = N_(
    "the {name} header {value} holds no address that Python's e-mail parser "
    "can read: write each as 'local@domain' or 'Name <local@domain>', or pass the "
    "{what} explicitly."
)
BAD_HEADER_NAME_SENT = N_(
    "the header name {name} is not allowed: a name is printable ASCII "
    "without spaces or ':' (RFC 5322 §2.2). Nothing was sent."
)
INJECTED_LINE_BREAK = N_(
    "the {name} header contains {what} at position {position}: "
    "{value}. A line break inside a header value would start a new "
    "header line (header injection); nothing was sent. Remove it (a long "
    "value is folded for you)."
)
