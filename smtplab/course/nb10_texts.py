"""The longer hints of notebook 10's checks (course/nb10.py), in English as the learner
reads them, marked for translation (issue 19): a module of texts only, so that nb10.py,
which raises them translated (``_(texts.NAME).format(...)``), stays within the 700 lines
a module may have. Nothing here is for learners to import."""

from ..i18n import N_

__all__: list[str] = []

PIECES = N_(
    "for the {what} your function returned {shown}, but the server sent {count} "
    "line(s). A reply can arrive in pieces, and a 250- line says more lines follow "
    "(RFC 5321 §4.2.1): keep calling recv() until the line with a space after its code "
    "has come whole, and return every line (without its \\r\\n)."
)
NAME_NOT_VERIFIED = N_(
    "your client did not check job['host'] against the certificate: given {name!r} (127.0.0.1 "
    "written short, a name the look-alike's certificate does not cover), it logged in "
    "all the same. Keep context.check_hostname on, and connect to job['host'] with "
    "server_hostname=job['host'] (never a name of your own): a certificate is proof "
    "only for the names it covers (RFC 6125)."
)
CA_NOT_VERIFIED = N_(
    "with a CA file that did not sign the lab's certificate your client still "
    "logged in: it did not verify the certificate, so anyone in the middle "
    "could read the authorization code. Build the context with "
    "ssl.create_default_context(cafile=job['cafile']) and keep "
    "verification on."
)
STILL_RUNNING = N_(
    "your client was still running after {deadline} s. Does your reply "
    "reader stop when recv() returns b'' (the server closed the connection)? Does "
    "it wait for a reply the server never sends?"
)
HELO_REJECTED = N_(
    "RCPT TO got '554 5.7.1 <...>: Helo command rejected': you greeted with the "
    "server's own name. EHLO names the client (RFC 5321 §4.1.1.1): send "
    "EHLO job['helo'], never the name from the 220 greeting."
)
AUTHORIZATION_CODE = N_(
    "the look-alike answered 535 Login Fail. Please enter your authorization "
    "code: QQ refuses the QQ password from a mail program. Log in with "
    "job['secret'], the authorization code."
)
TLS_FAILED = N_(
    "the TLS handshake failed: {error}. Build the context with "
    "ssl.create_default_context(cafile=job['cafile']) and connect to "
    "job['host']."
)
GREET_FIRST = N_(
    "the server answered {reply!r}: greet with EHLO and your own name before "
    "MAIL FROM (RFC 5321 §4.1.4)."
)
NO_MESSAGE = N_(
    "no message arrived: after DATA's 354, send the message and the line with a "
    "single dot, and read the 250."
)
NO_QUIT = N_(
    "the message arrived, but your client never said QUIT (RFC 5321 §4.1.1.10): end "
    "the session with QUIT and read the 221 before closing."
)
RETURN_REPLY = N_(
    "return the lines of the reply to the message, the ones the look-alike answered after "
    "your final '.' line ({want!r}), not {value!r}."
)
OTHER_REPLY = N_(
    "you returned {got!r}: the look-alike's reply to {answered}, not to the message. Return "
    "the lines it answered after your final '.' line, {want!r} (RFC 5321 §4.1.1.4: that "
    "reply says whether the message was accepted)."
)
SENT_BY_HAND = N_(
    "implicit TLS verified against the lab's CA, EHLO with your own name, AUTH LOGIN with "
    "the authorization code, the names as encoded words, the dots doubled, and QUIT: the "
    "look-alike queued the message as the sender wrote it."
)
DOTS = N_(
    "the body arrived as {body!r}, not {want!r}: the server removes the first dot of "
    "every line that starts with one (RFC 5321 §4.5.2). Dot-stuff: add a dot in front of "
    "each line that starts with a dot, and only there."
)
SEPARATOR = N_(
    "the inbox's parser found {names} (message.defects): no empty line ends the "
    "headers, so the body's first line was read as part of them. Send an empty line "
    "(\\r\\n alone) after the last header (RFC 5322 §2.1)."
)
RAW_UTF8 = N_(
    "the headers arrived with raw UTF-8 (the names) but MAIL FROM did not declare "
    "SMTPUTF8 (RFC 6531 §3.4, RFC 6532): write the names as RFC 2047 encoded words, "
    "=?utf-8?b?...?=, or declare SMTPUTF8 when the server offers it."
)
ADDRESS_LOST = N_(
    "the {header} header reads {raw!r}: its address {address} is lost. Encode "
    "only the name: '{header}: =?utf-8?b?...?= <{address}>' (RFC 2047 §5)."
)
NOT_ENCODED_WORD = N_(
    "the {header} name reads {shown!r}, not {name!r}: base64 alone is not an "
    "encoded word; wrap it as =?utf-8?b?...?= (RFC 2047 §2), in To: as in From:."
)
FROM_REFUSED = N_(
    "the look-alike refused the message after the final dot, as QQ does: "
    "{reply!r}... Its From header has no address outside an encoded "
    "word: encode only the name and keep the address outside, "
    "'From: =?utf-8?b?...?= <student@qq.com>' (RFC 2047 §5, RFC 5322 §3.4)."
)
EHLO_OWN_NAME = N_(
    "EHLO {name}: that is the server's own name (lab note: {note!r}). EHLO "
    "names the client (RFC 5321 §4.1.1.1)."
)
EHLO_ADDRESS = N_(
    "EHLO {name}: an address as EHLO name is written as an address literal, in "
    "brackets, [{name}] (RFC 5321 §4.1.3); better, your own domain name."
)
EHLO_NOT_FQDN = N_(
    "EHLO {name}: not a fully qualified domain name. RFC 5321 §4.1.1.1 asks for "
    "the client's FQDN, and many servers refuse others (Postfix: "
    "reject_non_fqdn_helo_hostname). Use job['helo']."
)
NO_SUBJECT = N_(
    "the message arrived without a {header} header: the empty line came too "
    "early, so '{header}: ...' became the body's first line, one that looks like "
    "a header. Put the empty line after the last header (RFC 5322 §2.1)."
)
BODY_STARTS = N_(
    "the body starts with {first!r}: the line that ends the headers must be "
    "empty, \\r\\n alone (RFC 5322 §2.1)."
)
NOT_MULTIPART = N_(
    "the message is {type}, not multipart/mixed: a "
    "text and a picture are two parts of one multipart/mixed message "
    "(RFC 2046 §5.1.3), each after a --boundary line."
)
BOUNDARY = N_(
    "the parser found defects in the parts: the boundary in Content-Type "
    "must be the one on the --boundary lines, and the last is --boundary-- "
    "(RFC 2046 §5.1.1)."
)
NO_BASE64 = N_(
    "the picture's bytes went without Content-Transfer-Encoding: base64. "
    "Binary bytes do not survive SMTP: base64 them (RFC 2045 §6.8)."
)
BASE64_LINE_LONG = N_(
    "the picture's base64 has a line of {length} characters: RFC 2045 §6.8 allows "
    "at most 76. base64.encodebytes() cuts the lines for you (then make each \\n "
    "a \\r\\n)."
)
NO_FILE_NAME = N_(
    "the picture has no file name: add Content-Disposition: attachment; "
    'filename="dot.png" (RFC 2183).'
)
GREETING_EHLO_REPLY = N_(
    "the greeting and the EHLO reply came in pieces and your function returned each "
    "whole, with all its lines; the 503 raised with the reply in the message."
)
SERVER_ANSWERED_WHERE = N_(
    "the server answered 503 where 250 was expected, and your function returned "
    "instead of raising: raise an exception that carries the reply, so the caller "
    "stops there."
)
BECAME_LAB_INBOX = N_(
    "{name!r} became {encoded}, and the lab's inbox reads it back; the long "
    "name took {count} encoded words of whole characters."
)
FUNCTION_RAISED_GREETING = N_(
    "your function raised on the greeting, whose code is the expected 220: "
    "{error!r}. Compare the code as a number, int(line[:3]) == expected (expected "
    "is an int)."
)
WAITED_FOR_MORE = N_(
    "reading the {what}, your function waited for more than the server sent: the whole "
    "reply had come, and it went on calling recv() until it was stopped. After the last "
    "line of a reply (the one with a space after its code) the server sends nothing more "
    "until your next command, and it does not close the connection: stop reading at that "
    "line, do not wait for the connection to close (recv() returning b''). And do not "
    "take the socket's timeout away (settimeout(None), setblocking(True)): with it, a "
    "read that waits for nothing raises TimeoutError instead of hanging the cell."
)
FUNCTION_FAILED_REPLY = N_(
    "your function failed: {type}: {error}. A reply can "
    "arrive in pieces (here it did): read with recv() until the last line, the one "
    "with a space after its code, has come whole."
)
FUNCTION_RAISED_PUT = N_(
    "your function raised {raised!r} for the 503: put the reply itself in the "
    "exception's message, so whoever reads the error sees what the server said."
)
ENCODED_HEADER_ASCII = N_(
    "{value!r} is not encoded: a header is ASCII (RFC 5322 §2.2); raw UTF-8 needs "
    "SMTPUTF8 (RFC 6532). Write the name as encoded words, '=?utf-8?b?' + base64 + "
    "'?=' (RFC 2047)."
)
LAB_INBOX_READ = N_(
    "the lab's inbox read the From name as {received!r}, not {name!r}: "
    "check the charset label and the base64."
)
BASE_TEXT_ENCODED = N_(
    "{word!r} is base64 (or text) but not an encoded word: wrap it as "
    "=?utf-8?b?...?= so that a reader knows to decode it (RFC 2047 §2)."
)
ENCODED_WORD_CHARACTERS = N_(
    "an encoded word of {length} characters: RFC 2047 §2 allows at most 75. "
    "Cut the name into pieces and encode each, separated by a space."
)
CHARSET_LABEL_SAYS = N_(
    "the charset label says {charset!r}, but the bytes are UTF-8: write "
    "=?utf-8?b?...?= (RFC 2047 §2)."
)
ENCODED_WORD_DOES = N_(
    "the encoded word {word}... does not hold whole characters: its bytes do "
    "not decode on their own. RFC 2047 §5: cut the text between "
    "characters, not between bytes, then encode each piece."
)
MESSAGE_CAME_WITHOUT = N_(
    "the message came without TLS: job['port'] speaks implicit TLS from the start."
)
LINES_SHOWN = N_("{count} line(s) ({first!r}...)")
EHLO_CLIENT_OWN = N_("EHLO {name}: your client's own name; the look-alike took the recipient.")
RETURN_ENCODED_NAME = N_("return the encoded name as a str, not {type}.")
NAME_DECODES_WRONG = N_("{value!r} decodes to {decoded!r}, not {name!r}.")
