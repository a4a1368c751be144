"""Notebook 02's hints and praise, marked for translation (nb02.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

HUNG_UP = N_(
    " The lab answered 521 and hung up, as hardened servers do since SMTP smuggling "
    "(Postfix: smtpd_forbid_bare_newline); a lenient server may have let it through."
)
SERVER_ANSWERED_AFTER = N_(
    "the server answered {reply!r}: after the greeting, say HELO learner.example before MAIL FROM."
    " See notebook 02 · The plan."
)
SERVER_ANSWERED_WRITE = N_(
    "the server answered {reply!r}: write MAIL FROM:<alice@example.com>, "
    "with the colon right after FROM and the address in angle brackets "
    "(RFC 5321 §4.1.1.2)."
)
SERVER_ANSWERED_MAIL = N_(
    "the server answered {reply!r}: MAIL FROM: is followed at once by the sender's "
    "address in angle brackets (RFC 5321 §4.1.2). A lenient server may have let your "
    "line through; hardened ones refuse it, as this check's lab does."
)
SERVER_ANSWERED_RCPT = N_(
    "the server answered {reply!r}: RCPT TO: is followed at once by the recipient's "
    "address in angle brackets (RFC 5321 §4.1.2). A lenient server may have let your "
    "line through; hardened ones refuse it, as this check's lab does."
)
SERVER_ANSWERED_WRITE_RCPT = N_(
    "the server answered {reply!r}: write RCPT TO:<bob@example.com>, one "
    "address per RCPT TO line, in angle brackets (RFC 5321 §4.1.1.3)."
)
SERVER_ANSWERED_RCPT_CAME = N_(
    "the server answered {reply!r}: RCPT TO came before MAIL FROM. The order "
    "is HELO, MAIL FROM, RCPT TO, DATA."
    " See notebook 02 · The plan."
)
SERVER_ANSWERED_DATA = N_(
    "the server answered {reply!r}: DATA came before any accepted RCPT TO. "
    "Name the recipient first."
    " See notebook 02 · The plan."
)
SERVER_ANSWERED_EMPTY = N_(
    "the server answered {reply!r} to an empty line: send no empty line "
    "outside the message (an extra \\r\\n is an empty command)."
)
SERVER_RECEIVED_NOTHING = N_(
    "the server received nothing: send each command with sock.sendall(...) on the "
    "socket your function receives, starting with HELO learner.example after "
    "reading the greeting."
)
SERVER_STILL_WAITING = N_(
    "the server is still waiting for the end of the message: after the message, "
    "send a line holding only a dot, b'.\\r\\n' (the message itself ends with "
    "\\r\\n, so the end looks like b'\\r\\n.\\r\\n')."
    " See notebook 02 · The message."
)
SERVER_SAID_RECEIVED = N_(
    "the server said 354 but received no message: after 354 send the headers, an "
    "empty line, the body, and a line holding only a dot."
    " See notebook 02 · The message."
)
MESSAGE_ARRIVED_DID = N_(
    "the message arrived, but you did not say goodbye: end with QUIT and read the "
    "221 reply (RFC 5321 §4.1.1.10)."
)
CODE_WAITED_REPLY = N_(
    "your code waited for a reply that never came. Look at what the server "
    "received: every command must end with \\r\\n, and read exactly one reply "
    "per command."
)
MESSAGE_ARRIVED_STEPS = N_(
    "no message arrived. The steps: read the greeting, HELO, MAIL FROM, RCPT TO, "
    "DATA (wait for 354), the message, the lone dot, QUIT, reading one reply after "
    "each step."
    " See notebook 02 · The plan."
)
LAB_RECEIVED_MESSAGE = N_(
    "the lab received your message from {sender} to {recipient}, {header} "
    "{want!r}, and answered {final!r}. You sent an e-mail by hand!"
)
RIGHT_ALL_REPLIES = N_(
    "right for all {count} replies the lab sent ({codes}): the first "
    "digit tells you what to do next."
)
BODY_ARRIVED_LINE = N_(
    "the body arrived with its line '...and that is all.' intact: you sent it as "
    "'....and that is all.' and the server removed the extra dot. It answered {final!r}."
)
ENDED_MESSAGE_BARE = N_(
    "you ended the message with a bare LF ('\\n.\\n'). The end is a line holding "
    "only a dot, with CR LF around it (RFC 5321 §4.1.1.4); servers that disagree "
    "about '\\n.\\n' are what SMTP smuggling exploits."
)
SOME_LINES_MESSAGE = N_(
    "some lines of your message end with \\n only (a bare LF). Inside a message "
    "too, every line ends with \\r\\n (RFC 5321 §2.3.8)."
)
SERVER_STILL_WAITING_END = N_(
    "the server is still waiting for the end of the message: you ended it with "
    "a bare LF ('\\n.\\n'). The end is a line holding only a dot, with CR LF "
    "around it: b'\\r\\n.\\r\\n' (RFC 5321 §4.1.1.4). Servers that disagree "
    "about '\\n.\\n' are what SMTP smuggling exploits."
)
SERVER_STILL_WAITING_END_MESSAGE = N_(
    "the server is still waiting for the end of the message: you sent the lone "
    "dot, but not the CRLF after it. A line is finished only by its \\r\\n: "
    "end the message with b'\\r\\n.\\r\\n'."
    " See notebook 02 · The message."
)
SERVER_STILL_WAITING_END_MESSAGE_DOT = N_(
    "the server is still waiting for the end of the message: your dot is at "
    "the end of a line of text, not alone on a line of its own. End the "
    "message with b'\\r\\n.\\r\\n' (the last line of text ends with "
    "\\r\\n, then '.\\r\\n')."
    " See notebook 02 · The message."
)
SOME_LINES_MESSAGE_END = N_(
    "some lines of your message end with \\n only (a bare LF). Inside a message "
    "too, every line ends with \\r\\n (RFC 5321 §2.3.8); servers may refuse "
    "bare LFs or handle them differently, which is what SMTP smuggling exploits."
)
BODY_ARRIVED_HI = N_(
    "the body arrived as 'Hi Bob,' / '..and that is all.' / 'Alice': the server "
    "removed the first dot of your line. A line of the message that starts with "
    "'.' must be sent with one more '.' in front ('....and that is all.'); the "
    "server removes it again. This is dot-stuffing (RFC 5321 §4.5.2; notebook 06)."
)
RETURNED_REPLY_DATA = N_(
    "you returned {first!r}, the reply to DATA: your replies are one step behind "
    "the commands, so one reply was never read. Did you read the greeting before "
    "sending HELO (the server speaks first, RFC 5321 §3.1), and the 354 after DATA? "
    "Read exactly one reply after each step."
)
RETURNED_REPLY_QUIT = N_(
    "you returned {first!r}, the reply to QUIT. Return the reply to the final dot ({final!r})."
)
MESSAGE_ARRIVED_START = N_(
    "the message arrived, but {found}. Start the message with the header line "
    "'{header}: {want}' (with From: and To: if you like), then an empty line, then "
    "the body."
    " See notebook 02 · The message."
)
SAID_FIRST_DIGIT = N_(
    "for {reply!r} you said {answer!r}, but the first digit {klass} means {want!r}."
    " See notebook 02 · Reply codes: the first digit."
)
BODY_ARRIVED_SHOULD = N_(
    "the body arrived as {got!r}; it should be {want!r}: the three lines, "
    "each ending with \\r\\n, after the headers and an empty line."
    " See notebook 02 · The message."
)
SERVER_ANSWERED_READ = N_(
    "the server answered {reply!r}: it read a line as a command. Lines of your "
    "message count as message only after the server said 354, and up to the "
    "lone dot; check the order, and that the dot ends the message."
)
RETURNED_RETURN_ONE = N_(
    "for {reply!r} you returned {answer!r}; return one of 'done', 'go on', "
    "'retry later', 'give up'."
    " See notebook 02 · Reply codes: the first digit."
)
WHAT_NEXT_4XX = N_(
    "for {reply!r} you said {answer!r}. A 4xx reply is a temporary failure: "
    "nothing is wrong with the command, the same command may work later "
    "('retry later'; greylisting works this way). Only 5xx means 'give up'."
    " See notebook 02 · Reply codes: the first digit."
)
WHAT_NEXT_3XX = N_(
    "for {reply!r} you said {answer!r}. A 3xx reply means the server waits for "
    "more from you ('go on': 354 after DATA asks for the message)."
    " See notebook 02 · Reply codes: the first digit."
)
WHAT_NEXT_2XX = N_(
    "for {reply!r} you said {answer!r}. Every 2xx reply means 'done', not only "
    "250: look at the first digit of the code, not at the whole code."
    " See notebook 02 · Reply codes: the first digit."
)
WHAT_NEXT_5XX = N_(
    "for {reply!r} you said {answer!r}. Every 5xx reply is a permanent failure, "
    "not only 550: repeating the same command will fail again, so 'give up' (or "
    "fix the command and send it again; notebook 07 tells the two apart)."
    " See notebook 02 · Reply codes: the first digit."
)
SENT_RIGHT_AFTER = N_(
    "you sent {sent} right after DATA, before the server "
    "answered '354 ...'. Wait for the 354 reply (\"go ahead\"), then send "
    "the message (RFC 5321 §4.1.1.4)."
)
SENT_BEFORE_REPLY = N_(
    "you sent {sent} right after {previous}, before the server had answered it. Read "
    "exactly one reply after each step, the greeting first (the server speaks first, RFC "
    "5321 §3.1), as the plan of notebook 02 does: a server that did not offer PIPELINING, "
    "as this one, may lose or refuse what comes early (RFC 2920 §3.1)."
)
NO_EMPTY_LINE = N_(
    "the message arrived, but there is no empty line after the headers: the line "
    "{line!r} came right after them, so the body runs into the headers. Send an empty "
    "line (b'\\r\\n') after the last header, then the body (RFC 5322 §2.1; notebook "
    "02 · The message)."
)
SERVER_ANSWERED_GIVE = N_(
    "the server answered {reply!r}: give your name after HELO, 'HELO learner.example'."
)
SERVER_ANSWERED_ONE = N_("the server answered {reply!r}: one MAIL FROM per message.")
EXERCISE_WHOLE_CONVERSATION = N_("Exercise 1 (a whole conversation)")
EXERCISE_LINE_STARTS = N_("Exercise 3 (a line that starts with a dot)")
SERVER_REPLY_LONE = N_("the server's reply to the lone dot")
SERVER_ANSWERED_FINAL = N_(
    "the server answered {final!r} to the final dot, but you returned {returned!r}."
)
RETURN_SERVER_REPLY = N_("return the server's reply to the final dot (bytes or str), not a {kind}.")
ENVELOPE_SENDER_SEND = N_(
    "the envelope sender is {got!r}: send MAIL FROM:<{want}>."
    " See notebook 02 · The envelope: MAIL FROM and RCPT TO."
)
ENVELOPE_RECIPIENTS_SEND = N_(
    "the envelope recipients are {got!r}: send RCPT TO:<{want}>, once."
    " See notebook 02 · The envelope: MAIL FROM and RCPT TO."
)

REPLY_HINTS = (  # (a piece of the lab's reply text, the hint: translated where used)
    ("send HELO first", SERVER_ANSWERED_AFTER),  # i18n: keep a reply, matched
    ("Syntax: HELO", SERVER_ANSWERED_GIVE),
    ("Syntax: MAIL", SERVER_ANSWERED_WRITE),
    ("Bad sender address syntax", SERVER_ANSWERED_MAIL),  # i18n: keep a reply, matched
    ("Bad recipient address syntax", SERVER_ANSWERED_RCPT),  # i18n: keep a reply, matched
    ("Syntax: RCPT", SERVER_ANSWERED_WRITE_RCPT),
    ("need MAIL", SERVER_ANSWERED_RCPT_CAME),
    ("need RCPT", SERVER_ANSWERED_DATA),
    ("nested MAIL", SERVER_ANSWERED_ONE),
    ("bad syntax", SERVER_ANSWERED_EMPTY),
)
