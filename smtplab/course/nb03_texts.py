"""Notebook 03's hints and praise, marked for translation (nb03.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

READ_GMAIL_TWO = N_(
    "you read Gmail's two-line 535, a three-line 554 and a one-line 550, each up to "
    "its last line and not a line further, with the code as a number."
)
EXERCISE_MOVED_NOTEBOOK = N_(
    "this exercise moved to notebook 01 (exercise 3, check_read_reply). Notebook 03's "
    "exercise 1 is now 'read a multi-line 5xx reply': use check_error_reply."
)
SERVER_SENT_LINE = N_(
    "{shown} the server sent {count} line(s) before the next reply; your text "
    "should be the text of each of them, in order, one per line, and nothing else."
)
FOUND_LAB_EXTENSIONS = N_(
    "you found the lab's {lab_count} extensions and Gmail's "
    "{gmail_count}, parameters included (Gmail's AUTH: {auth!r})."
)
CODE_TEXT_RETURN = N_(
    "{shown} the code is {got!r}, text: return it as an int, so that the caller "
    "can ask whether it is a 5xx (a permanent failure) with a comparison."
)
TEXT_STILL_HOLDS = N_(
    "{shown} your text still holds line ends ({ends!r}): \\r\\n ends each "
    "line on the wire (RFC 5321 §2.3.8), it is not part of the text. Strip it from "
    "every line."
)
READ_PAST_LAST = N_(
    "{shown} you read past the last line: {next_line!r} belongs to the NEXT reply. "
    "The line with a space after the code ends a reply whatever the code is (not "
    "only '250 '; RFC 5321 §4.2.1): stop after it."
)
READ_PAST_SAME_CODE = N_(
    "{shown} you read past the last line: {next_line!r} belongs to the NEXT reply, "
    "which carries the same code (with pipelining, replies arrive back to back). The "
    "code does not say where a reply ends: the line with a space after the code does "
    "(RFC 5321 §4.2.1). Stop after it."
)
TEXT_STILL_STARTS = N_(
    "{shown} your text still starts with the code ({start!r}...): every line "
    "carries the code, then '-' or ' '; the text of a line starts after them."
)
RETURNED_ONLY_FIRST = N_(
    "{shown} you returned only the first line's text. A '-' after the code means "
    "MORE lines follow (RFC 5321 §4.2.1): this reply has {count} lines, and "
    "its text is all of them."
)
JOINED_LINES_TEXTS = N_(
    "{shown} you joined the lines' texts without a line break: keep each line's "
    "text on a line of its own (join them with a newline), as the server wrote them."
)
RETURNED_RETURN_DICT = N_(
    "you returned a {kind}: return a dict that maps each keyword to its parameters, e.g. {example}."
)
SOME_KEYS_STILL = N_(
    "some keys still start with the code, e.g. {key!r}: the keyword "
    "starts at the 5th character of the line, after '250-' or '250 '."
)
DICT_FIRST_LINE = N_(
    "{name!r} is in your dict, but the first line of an EHLO reply is the "
    "server's name (and maybe a greeting), not an extension: skip it."
)
MISSING_LAST_LINE = N_(
    "{keyword!r} is missing: it is on the last line, {line!r}. That line "
    "(a space after 250) ends the reply, and it is part of it: parse it too."
)
KEY_HOLDS_PARAMETERS = N_(
    "the key {key!r} holds the parameters too: split each line at the first space, "
    "keyword before it, parameters after it."
)
SERVER_NEVER_GOT = N_(
    "the server never got EHLO, so it never told you its SIZE: greet it with "
    "EHLO first, then read SIZE from what the client parsed."
)
SIZE_NOTEBOOK_LAB = N_(
    "10485760 is the SIZE of the notebook's lab, not of this server: read "
    "the number from this server's EHLO reply."
)
SERVER_TAKES_MESSAGES = N_(
    "this server takes messages up to {limit} bytes (3 MiB): you asked it "
    "with EHLO and read SIZE from its reply."
)
MAPS_NUMBER_KEEP = N_(
    "{key} maps to the number {value!r}: keep the parameters as text "
    "({params!r}); turning SIZE into a number is the caller's job."
)
SHOULD_MAP_PARAMETERS = N_(
    "for {name}, {key} should map to its parameters {params!r} "
    "(an empty string when there are none), not {value!r}."
)
GMAIL_REPORTED_EHLO = N_(
    "on Gmail's reported EHLO reply your function raised {kind}: "
    "{error}. Its first line is 'smtp.gmail.com at your service, [...]' and its "
    "AUTH line has several words of parameters."
)
FUNCTION_RETURNED_WITHOUT = N_(
    "your function returned {value!r} without connecting to the server: "
    "connect to (host, port) with Client and ask it (EHLO)."
)
RETURNED_TEXT_RETURN = N_(
    "you returned the text {value!r}: return a number; SIZE is a number of "
    "bytes (RFC 1870), and the client's parsed extensions already hold it "
    "as one."
)
RETURNED_RETURN_SIZE = N_(
    "you returned {value!r} ({kind}): return the SIZE as an int, the largest message in bytes."
)
EXERCISE_READ_WHOLE = N_("Exercise 1 (read a whole reply)")
EXERCISE_READ_MULTI = N_("Exercise 1 (read a multi-line 5xx reply)")
RETURNED_RETURN_PAIR = N_(
    "{shown} you returned {kind} {answer!r:.60}: return a pair, (code, text)."
)
CODE_SHOULD_REPLY = N_(
    "{shown} the code should be the reply's three digits as an int, not {got!r}."
)
TEXT_SHOULD_STR = N_("{shown} the text should be a str, not {kind}.")
RETURNED_RETURN_DICT_KEYWORD = N_("you returned {kind}: return a dict (keyword -> parameters).")
SERVER_GOT_HELO = N_("the server got HELO, not EHLO: only EHLO asks for the extensions.")
SERVER_ANNOUNCED_SIZE = N_("this server announced 'SIZE {limit}', but you returned {value}.")
KEYWORDS_EXPECTED = N_("for {name} the keywords should be {keywords}; ")
EHLO_REFUSED = N_(
    "the server answered your EHLO with {reply!r}, so it announced no extension, SIZE "
    "neither. EHLO names the client (RFC 5321 §4.1.1.1): its fully qualified domain "
    "name, or an address literal in brackets when it has none (notebook 03, 'Which "
    "name?')."
)
EHLO_ADDRESS = N_(  # the same text as notebook 10's (one translation)
    "EHLO {name}: an address as EHLO name is written as an address literal, in "
    "brackets, [{name}] (RFC 5321 §4.1.3); better, your own domain name."
)
EHLO_NOT_FQDN = N_(
    "EHLO {name}: not a fully qualified domain name. RFC 5321 §4.1.1.1 asks for "
    "the client's FQDN, or an address literal in brackets when it has none; hardened "
    "servers refuse other names (Postfix: reject_non_fqdn_helo_hostname)."
)
MIXED_CASE = N_("a reply with its keywords in lower and mixed case")
MIXED_CASE_RAISED = N_(
    "on a reply with its keywords in lower and mixed case ('250-size 52428800', "
    "'250-8bitmime'), your function raised {kind}: {error}."
)
KEYWORDS_ONE_CASE = N_(
    "for {name} your keys keep the case the server wrote them in ({keys}): keywords are "
    "case-insensitive (RFC 5321 §2.4), 'size' is SIZE. Write every keyword in one case "
    "(upper, as in the exercise's example), so that the caller finds SIZE however the "
    "server wrote it."
)
KEYWORD_ALONE = N_(
    "on the lab's reply your function raised {kind}: {error}. Some of its lines hold a "
    "keyword without parameters, such as '250-8BITMIME': such a keyword maps to an "
    "empty string, as in the exercise's example."
)
