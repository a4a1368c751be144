"""Notebook 06's hints and praise, marked for translation (nb06.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

HEADER_ENCODE_76 = N_(
    " (email.header.Header(text, 'utf-8').encode() keeps to these limits only when you pass "
    "header_name='{header}' and maxlinelen=76: by default it folds for lines of 78 "
    "characters.)"
)
LINE_HINT_CRLF = N_(
    "return the line WITHOUT its CRLF: client.command() adds the line end itself (RFC "
    "5321 §2.3.8: one CRLF ends each line), and a line break inside a line would split it."
)
MESSAGE_ARRIVED_INTACT = N_(
    "the message arrived intact, but you added dots to lines that do not begin with "
    "one (the server removed them again). The rule is: only a line that begins with "
    "a dot gets a second one; an empty line would become '.' and end the message."
)
SERVER_RECEIVED_HIDDEN = N_(
    "the server received '..', '..hidden files start with a dot' and '...', took one dot "
    "off each, and the inbox holds all {count} lines as you meant them."
)
SERVER_RECEIVED_ASCII = N_(
    "the server received {header}: {first} (ASCII only), and it decodes to "
    "{decoded!r}; the other {headers} decode exactly too."
)
MESSAGE_ARRIVED_SEND = N_(
    "no message arrived. Send MAIL FROM, one RCPT TO per recipient, then DATA with "
    "the message (client.mail, client.rcpt, client.data), or compose(...) and "
    "client.send_message(draft)."
)
BCC_PUT_HEADERS = N_(
    "Bcc put in the headers: the message carries a Bcc: header, and every recipient "
    "can read it. A blind copy lives in the envelope only (RFC 5322 §3.6.3)."
)
MESSAGE_HAS_DATE = N_(
    "the message has no Date: header; RFC 5322 §3.6 requires it (compose() adds it, "
    "or email.utils.format_datetime)."
)
DATE_NOT_RFC_5322 = N_(
    "the Date: header is {value!r}, which is not the form of RFC 5322 §3.3: day, date, "
    "time and the offset from UTC, like 'Fri, 27 Nov 2026 14:00:00 +0000' (\"The headers "
    'of RFC 5322"). email.utils.format_datetime(datetime.now(timezone.utc)) writes it, '
    "and compose() adds it."
)
MESSAGE_ID_FORM = N_(
    "the Message-ID: header is {value!r}: RFC 5322 §3.6.4 writes it as <unique@domain>, "
    "in angle brackets, something unique on the left of the @ and a domain on the right "
    '("The headers of RFC 5322"). email.utils.make_msgid() writes one, and compose() '
    "adds it."
)
MESSAGE_HAS_MESSAGE = N_(
    "the message has no Message-ID: header; RFC 5322 §3.6.4 says every message "
    "SHOULD have one (compose() adds it, or email.utils.make_msgid())."
)
SERVER_GOT_RCPT = N_(
    "the server got RCPT TO for {to} and {bcc}; the headers the recipients read never "
    "mention {bcc}, and From, To, Date and Message-ID are there."
)
VALUE_HAS_LINE = N_(
    "your value has a line break that is not followed by a space: that would end "
    "the header (or inject a new one). Fold only with CRLF + space, or not at all."
)
ARRIVED_DECODES_CHECK = N_(
    "the {header} for {text!r} arrived as {received!r} and decodes to {decoded!r}. Check "
    "the form =?charset?B?text?= (charset utf-8, B for base64), the UTF-8 bytes, and "
    "the closing ?=."
)
LINE_EMPTY_SENT = N_(
    "line {number} is empty and you sent it as '.': a lone dot ends the message, so "
    "the server delivered only the headers. Add a dot only to lines that begin with "
    "one."
)
MESSAGE_ENDED_EARLY = N_(
    "the message ended early: the inbox holds only its first {count} lines (up "
    "to {last!r}), because a line with a single '.' ends the message. The server then "
    "read the rest as commands ({refused} answered '500 ... not recognized'). "
    "Add a dot to a line that begins with a dot: '.' is sent as '..' (RFC 5321 §4.5.2)."
)
LINE_SENT_ARRIVED = N_(
    "line {number} was sent as {sent!r} and arrived as {have!r}; it should arrive "
    "as {want!r}. Add exactly one dot before a line that begins with a dot, and "
    "change nothing else."
)
LINES_ARRIVED_INSTEAD = N_(
    "{count} lines arrived instead of {expected}: send one line for each line you were given."
)
ENCODED_SERVER_RECEIVED = N_(
    "the {header} {text!r} was not encoded: the server received raw UTF-8 bytes in "
    "the header. Headers are ASCII (RFC 5322 §2.2; raw UTF-8 needs SMTPUTF8, RFC "
    "6532). Write non-ASCII text as an encoded word: '=?utf-8?b?' + base64 + '?='  "
    "(RFC 2047)."
)
BASE_ENCODED_DID = N_(
    "you base64-encoded {text!r} but did not wrap it, so a mail program shows the "
    "base64 itself. An encoded word is =?utf-8?b?<base64>?= (RFC 2047 §2)."
)
ARRIVED_WHICH_PLAIN = N_(
    "the {header} for {text!r} arrived as {received!r}, which is plain text that "
    "reads differently: use an RFC 2047 encoded word, =?utf-8?b?<base64 of the UTF-8 "
    "bytes>?=."
)
MESSAGES_ARRIVED_SEND = N_(
    "{count} messages arrived: send ONE message with one RCPT TO for each "
    "recipient; the server makes the copies."
)
LINE_ARRIVED_AMONG = N_(
    "the line {line!r} arrived among the headers: the empty line that separates the "
    'headers from the body is missing (RFC 5322 §2.1, "The headers of RFC 5322"), so '
    "a mail program reads your body as a broken header. End the headers with an "
    "empty line (CRLF CRLF), then write the body."
)
BLIND_COPY_NEVER = N_(
    "the blind copy never left: the envelope has no RCPT TO:<{bcc}>. A Bcc recipient "
    "needs its own RCPT TO, like any other."
)
APPEARS_HEADER_EVERY = N_(
    "{bcc} appears in the {header}: header, so every recipient sees the blind "
    "copy. Put it in the envelope only (one more RCPT TO), not in any header."
)
LINE_ARRIVED_SERVER = N_(
    "line {number}, {want!r}, arrived as {have!r}: the server removes the first "
    "dot of every line that begins with one, so stuff EVERY such line, not only "
    "the lone '.'."
)
ENCODED_WORD_DOES = N_(
    "in the {header} for {text!r}, the encoded word {word}... does not hold "
    "whole characters: it ends or begins inside a UTF-8 character (its bytes do "
    "not decode on their own). RFC 2047 §5: each encoded word must hold "
    "whole characters, so cut the text between characters, not between bytes, "
    "then encode each piece."
)
FUNCTION_RETURNED_NOTHING = N_(
    " (Your function returned nothing: that is fine here, the check "
    "judged what the server received.)"
)
HEADER_ENVELOPE_NOTHING = N_(
    "{bcc} is in the {header}: header but not in the envelope, so nothing was "
    "delivered to it: servers deliver by RCPT TO. Add RCPT TO:<{bcc}> and "
    "remove it from the headers."
)
DECODES_RIGHT_ONE = N_(
    "the {header} {text!r} decodes right, but one encoded word is {length} "
    "characters long and RFC 2047 §2 allows at most 75: split the text into "
    "several encoded words separated by a space (the space between two "
    "encoded words disappears when they are decoded)."
)
LINE_OVER_76 = N_(
    "the {header} {text!r} decodes right, but line {number} of the header is {length} "
    "characters long (the first line counted with '{header}: '), and RFC 2047 §2 allows "
    "at most 76 in a line that holds an encoded word. Fold the header: put CRLF + space "
    "between two encoded words, so that the next word begins a new line; if a word is "
    "still too long for its line, make the words shorter."
)
WORD_NOT_CHARSET = N_(
    "in the {header} for {text!r}, the encoded word {word}... says its bytes are "
    "{charset}, but they are not: they do not decode as {charset}, even with the words "
    "next to it. The charset names how the text became bytes (RFC 2047 §2): encode the "
    "text with it, text.encode('utf-8') for =?utf-8?b?...?= (GBK bytes would need "
    "=?gbk?b?...?=)."
)
ENCODED_WORD_GLUED = N_(
    "in the {header} for {text!r}, the encoded word {word} touches {glued!r} with no "
    "space between them. RFC 2047 §5 (1): an encoded word is separated from the text or "
    "encoded word next to it by white space, or a mail program may show it undecoded. "
    "Put a space there (a space between an encoded word and plain text stays in the "
    "text; one between two encoded words does not, §6.2)."
)
ENVELOPE_HAS_RCPT = N_("the envelope has no RCPT TO:<{to}>: the main recipient got nothing.")
HEADER_SHOULD_SHOW = N_("the To: header should show {to}: that is what the recipients read.")
RETURN_ONLY_VALUE = N_("return only the value: the check writes '{header}: ' in front of it.")
STUFF_LINE_RETURNED = N_("stuff_line({line!r}) returned None: return the line to send.")
SUBJECT_HEADER_RETURNED = N_("subject_header({text!r}) returned {value!r}: return a str.")
STUFF_LINE_RETURNED_LINE_END = N_("stuff_line({line!r}) returned {value!r}: ")
