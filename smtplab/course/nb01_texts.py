"""Notebook 01's hints and praise, marked for translation (nb01.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

SERVER_RECEIVED_HELO = N_(
    "the server received 'HELO learner.example\\r\\n' and 'NOOP\\r\\n', one command per "
    "call, and nothing from the text with CR LF inside. Well done!"
)
RETURNED_ONLY_PART = N_(
    "for {name} you returned {got!r}, only part of what the server "
    "sent. One recv() returns whatever has arrived so far, which may be part of a "
    "line: TCP keeps no boundaries. Keep reading until the line ends with \\r\\n "
    "(read_line above does that)."
)
SERVER_RECEIVED_NOTHING = N_(
    "the server received nothing: send the HELO line with sock.sendall(...), on the "
    "socket your function receives as its argument."
)
SERVER_RECEIVED_NOTHING_SEND = N_(
    "the server received nothing: send the bytes with sock.sendall(...) on the socket "
    "your function receives, then return them."
)
READ_GREETING_ALL = N_(
    "you read the greeting's {greeting} lines, all {count} lines of the EHLO reply, then the "
    "MAIL FROM and RCPT TO replies that had arrived together, each exactly once. That is "
    "framing. Well done!"
)
CODE_WAITED_REPLY = N_(
    "your code waited for a reply, but the server received nothing from you: "
    "send the line with sock.sendall(...) before reading the reply."
)
MAIL_FROM_REPLY = N_(
    "the MAIL FROM reply was right, but then your function waited in vain for "
    "the RCPT TO reply: it had already arrived, right behind the first one, and "
    "your function read it from the socket and threw it away. Never read past "
    "the end of a reply: read_line() reads one byte at a time for that reason."
)
SERVER_RECEIVED_AFTER = N_(
    "the server received {received}: after HELO give your name, exactly 'HELO learner.example'."
)
AFTER_HELO_LINE = N_(
    "after the HELO line the server also received {others}. Send exactly one "
    "line (an empty line is a command too: the server answers 500 to it)."
)
SERVER_GOT_HELO = N_(
    "{raised}. The server got your HELO line; did you read the greeting and the reply?"
)
RETURNED_GREETING_REPLY = N_(
    "you returned the greeting ({greeting!r}), not the reply to HELO. The server "
    "speaks first (RFC 5321 §3.1): read the greeting, then send HELO, then read again."
)
SERVER_ANSWERED_HELO = N_(
    "the server answered {answer!r} to your HELO, but your function returned "
    "{returned!r}. Return the reply line the server sent."
)
CRLF_INSIDE_TEXT = N_(
    "for a text holding \\r\\n the server received {shown}. Do not repair the "
    "text: refuse it with raise ValueError(...) and send nothing."
)
SEND_LINE_SOCK = N_(
    "send_line(sock, 'NOOP\\r\\nQUIT') {did}; it should raise ValueError, so that "
    "the caller knows the text cannot be one SMTP line."
)
SHOW_BYTES_DRAWS = N_(
    "show_bytes() draws bytes, not {kind}: pass what recv() returned (or text.encode('ascii'))."
)
LINE_RECEIVED_WRONG = N_(
    "for the text {text!r} the server received {received}; "
    "send exactly {want}: the text, then CR LF."
)
SERVER_RECEIVED_FUNCTION = N_(
    "the server received {received}, but your function returned {value!r}. "
    "Return the bytes you sent (the same bytes object you gave to sendall)."
)
RAISED_VALUEERROR_ONLY = N_(
    "you raised ValueError, but only after sending: the server received {shown}. "
    "Check the text first, and send nothing when it holds \\r or \\n."
)
SEND_LINE_SOCK_NOOP = N_(
    "send_line(sock, 'NOOP\\r\\nQUIT') made the server receive {shown}: one "
    "call, two commands! A CR or LF inside the text ends the line early, so "
    "whoever controls the text can add commands of their own (command "
    "injection). Raise ValueError when the text holds \\r or \\n."
)
RETURNED_LINES_REPLY = N_(
    "for {name} you returned {count} lines, but the reply ends after {last!r}: "
    "the next line ({more!r}) belongs to the next reply. One recv() may hold "
    "several replies; stop after the line whose code is followed by a space "
    "(RFC 5321 §4.2.1)."
)
RETURNED_ONLY_LINES = N_(
    "for {name} you returned only {count} of its {total} lines. "
    "{start!r}: a hyphen after the code means more lines follow; keep "
    "reading lines until one has a space after the code."
)
HYPHEN_AFTER_ANY_CODE = N_(
    "for {name} you returned only {count} of its {total} lines: the last line you read "
    "starts with {start!r}. A hyphen after the code means more lines follow whatever the "
    "code is, not only after 250: a greeting may have several lines too. Read lines until "
    "the character right after the code is a space (notebook 01, 'One recv() is not one "
    "reply': the code on every line, followed by '-' on all but the last; RFC 5321 §4.2.1)."
)
FUNCTION_WAITED_MORE = N_(
    "your function waited for more bytes while reading {name}, and none "
    "came: the reply was already complete. Stop at the last line (the one with "
    "a space after the code)."
)
EXERCISE_READ_ONE = N_("Exercise 3 (read one whole reply)")
SERVER_RECEIVED_ANSWERED = N_("the server received {received} and answered {answer!r}. Well done!")
HELO_WORK_ONLY = N_("the server received {received} and answered {answer!r}.")
LINE_END_RECV = N_("{lines} line end(s) in {count} recv() result(s)")
BOX_LINE_END_TITLE = N_("{name} = byte {byte} = {escaped}")
LABELS_MISMATCH = N_("{chunks} chunk(s) but {labels} label(s).")
SERVER_RECEIVED_SEND = N_("the server received {received}; send HELO learner.example.{extra}")
RETURN_SERVER_REPLY = N_("return the server's reply (bytes or str), not a {kind}.")
SERVER_SENT_RETURNED = N_("for {name} the server sent {want!r}, but you returned {got!r}.")
WHILE_READING_CODE = N_("while reading {name} your code raised {kind}: {error}")
CHUNK_ROW = N_("{label} ({count} bytes): {data}")
CR_LF_END = N_("CR LF = end of a line (a new row starts after it)")
NOT_DRAWN = N_("... and {count} more bytes, not drawn (show_bytes draws the first {limit})")
RETURN_REPLY_BYTES = N_("return the reply as bytes (or str), not a {kind}.")
READ_REPLY_NAMES = (  # what each reply read in exercise 3 is, for its hints
    N_("the greeting"),
    N_("the EHLO reply"),
    N_("the MAIL FROM reply"),
    N_("the RCPT TO reply"),
)
LONE_BREAK_LET_THROUGH = N_(
    "send_line(sock, {text!r}) did not raise ValueError: a \\r or a \\n alone breaks "
    "the line too (a bare LF is how SMTP smuggling works). Raise ValueError when the "
    "text holds either one."
)
