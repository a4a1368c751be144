"""Notebook 07's hints and praise, marked for translation (nb07.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

RETRY_WHY = N_(
    "{line!r} starts with 4: a temporary failure (RFC 5321 §4.2.1). Whatever the rest "
    "says, the same message may get through later: answer 'retry later'."
)
GIVE_UP_WHY = N_(
    "{line!r} is a 5xx: permanent. {detail} Nothing you can change in your message "
    "makes it work, so answer 'give up' (and tell the sender)."
)
SYNTAX_ERROR_WHY = N_(
    "{line!r}: the second digit is 0 (x0z, syntax, RFC 5321 §4.2.1): the command you "
    "sent was wrong. Fix it and send again: answer 'fix and resend'."
)
ARGUMENTS_ERROR_WHY = N_(
    "{line!r}: the second digit is 0 (x0z, syntax): your command's arguments were "
    "wrong; this reply has no enhanced code, so read reply.code. Answer 'fix and resend'."
)
TOO_BIG_WHY = N_(
    "{line!r}: the enhanced code 5.3.4 says the message is too big. Make it smaller "
    "(or send a link instead of the attachment) and send again: 'fix and resend'."
)
CREDENTIALS_WHY = N_(
    "{line!r}: 5.7.8 means a wrong user name or password (for many providers: use the "
    "app password or authorization code). Fix them and try again: 'fix and resend'."
)
MAILBOX_FULL_WHY = N_(
    "{line!r}: the code 552 alone does not mean 'too big': here the enhanced code "
    "5.2.2 says the recipient's mailbox is full, which you cannot fix. Read "
    "reply.enhanced (5.3.4 only is 'fix and resend'): answer 'give up'."
)
RIGHT_ALL_THREE = N_(
    "right in all three cases: one refused (the others still got it), all refused "
    "(nothing sent), none refused."
)
ALL_REPLIES_READ = N_(
    "all {count} replies read right: the first digit first (4 retry, "
    "5 do not), then the second digit and the enhanced code to tell 'fix' from 'give up'."
)
RETRIED_AFTER_AFTER = N_(
    "retried after 451 and after 421 (after a pause, on a new connection), gave "
    "up on an endless 451 after {count} tries, and never retried a 550."
)
FUNCTION_RETURNED_RETURN = N_(
    "{what}: your function returned {value}. Return the last Reply: "
    "the one send_message returned (250), or err.reply when you stop."
)
FUNCTION_RETURNED_RETURN_LIST = N_(
    "{what}: your function returned {value}. Return a list of the "
    "addresses that did not get the message (an empty list if everyone got it)."
)
DECIDE_REPLY_RETURNED = N_(
    "decide(Reply {line!r}) returned {answer!r}: return exactly one of {choices}."
)
NO_RETRY_AFTER_451 = N_(
    "{what}: the server answered 451 (4xx: temporary) and you did not try "
    "again. On a ReplyError whose err.is_transient is True, wait, then retry."
)
MESSAGE_ARRIVED_TIMES = N_(
    "{what}: the message arrived {count} times: stop as soon as "
    "send_message returns (250), or the recipient gets duplicates."
)
TRIED_AGAIN_AFTER = N_(
    "{what}: you tried again after waiting {waited} ms. Wait a "
    "little first (at least {least} s, e.g. time.sleep(0.2)): a greylisting "
    "server accepts only a retry that comes later (a real MTA waits 30 minutes "
    "or more, RFC 5321 §4.5.4.1)."
)
RETRIED_A_5XX = N_(
    "{what}: you tried {count} times. A 5xx is permanent: the same "
    "message will be refused again, so stop at once (only err.is_transient "
    "errors are worth a retry)."
)
TRIED_TIMES_WOULD = N_(
    "{what}: you tried {count} times and would have gone on. Stop after "
    "a few tries (3 in all) and return the last reply; a real MTA gives up "
    "after some days (RFC 5321 §4.5.4.1)."
)
TRIES_NOT_ASKED = N_(
    "{what}: the lab saw {count} tries (one MAIL FROM each), but the exercise asks for "
    "{asked} tries in all: the first and up to {retries} retries after a 4xx. When the "
    "last try fails too, stop and return its err.reply (e.g. for attempt in range({asked}))."
)
MESSAGE_SHOULD_ARRIVE = N_(
    "{what}: the message should arrive on the second try (it arrived "
    "{count} times). 421 is a 4xx: retry, on a new connection."
)
MESSAGE_ARRIVED_SEND = N_(
    "{what}: no message arrived. Send msg with client.send_message(msg): the "
    "server refuses nobody@ but takes the others."
)
RETURNED_ONE_SERVER = N_(
    "{what}: you returned no one, but the server answered 550 to RCPT "
    "TO:<{nobody}>. The final 250 only means the message was accepted for "
    "the OTHER recipients: client.last_refused lists the refused ones."
)
RETURNED_ONLY_REFUSED = N_(
    "{what}: you returned {got}, but only {nobody} was refused (the "
    "lab delivered to {delivered}). Return who was refused: "
    "the client remembers each refused recipient."
)
RETURNED_NONE_EVERYONE = N_(
    "{what}: you returned None. Everyone was refused (RecipientRefused): return all the recipients."
)
RETURNED_NOBODY_GOT = N_(
    "{what}: you returned {got}, but nobody got the message: return "
    "{everyone}. err.recipient names only the first refused address; "
    "client.last_refused lists them all."
)
CODE_RAISED_DISCONNECTED = N_(
    "{what}: your code raised Disconnected ({error}). After a 421 the server has "
    "closed the connection (RFC 5321 §3.8): make a new Client for each try."
)
FUNCTION_LET_ESCAPE = N_(
    "{what}: your function let {error} ({code}) escape. Every "
    "refusal the server answers is a ReplyError (smtplab.errors): catch that "
    "family, decide by the reply's first digit, and hand back its reply when "
    "you stop."
)
FUNCTION_LET_RECIPIENTREFUSED = N_(
    "{what}: your function let RecipientRefused escape ({code} for "
    "{recipient}). When EVERY recipient is refused, send_message raises it "
    "and sends nothing: catch it and return all of them (client.last_refused "
    "still lists them)."
)
DECIDE_REPLY_RAISED = N_(
    "decide(Reply {line!r}) raised AttributeError ({error}): this reply "
    "has no enhanced code, so reply.enhanced is None. Check "
    "`reply.enhanced is not None` before reading its parts."
)
MAILBOX_DOES_EXIST = N_("5.1.1: the mailbox does not exist.")
SERVER_POLICY_REFUSES = N_("5.7.1: the server's policy refuses it.")
HAS_ENHANCED_CODE = N_("It has no enhanced code, and 5x0 is no syntax error.")
ALSO_CLOSES_CONNECTION = N_(" (421 also closes the connection: you will need a new one.)")
ENHANCED_IS_NOT_TEXT = N_(
    " Careful: reply.enhanced is not a str, although print() shows it as one, so "
    "reply.enhanced == '5.3.4' (or '5.7.8') is never true: compare str(reply.enhanced), or "
    "its `klass`, `subject` and `detail`."
)
LAST_REPLY_WHAT = N_("the last Reply (what send_message returned, or err.reply)")
LIST_ADDRESSES_DID = N_("the list of addresses that did not get the message")
RETURN_ADDRESSES_STRINGS = N_(
    "{what}: return the addresses as strings, e.g. ['{nobody}'] (not {items})."
)
LAB_RECEIVED_MAIL = N_("{what}: the lab received no MAIL FROM: send msg with send_message.")
MESSAGE_ARRIVED_RETURNED = N_("{what}: the message arrived, but you returned {code}, not 250.")
RETURN_ERR_REPLY = N_("{what}: return err.reply of the last try (the 451) when you stop.")
FUNCTION_RETURNED_NONE = N_("{what}: your function returned None: return a list of addresses.")
MESSAGE_ARRIVED_WHICH = N_("{what}: a message arrived, which should be impossible here.")
MESSAGE_SHOULD_ARRIVE_ONCE = N_("{what}: the message should arrive once; it arrived {count} times.")
RETURNED_NONE_RETURN = N_("{what}: you returned None: return an empty list when everyone got it.")
EVERYONE_GOT_MESSAGE = N_("{what}: everyone got the message, but you returned {got}.")
DECIDE_WRONG_ANSWER = N_("decide(Reply {line!r}) returned {answer!r}. ")
CODE_RAISED_TIMEOUT = N_("{what}: your code raised Timeout ({error}).")
CODE_RAISED_IN = N_("{what}: {raised}")
NAME_FORGOTTEN = N_(
    "{what}: your code raised UnboundLocalError ({error}). Careful: Python forgets the name "
    "of `except ... as err` when the except block ends (notebook 07 keeps it as `err = e`): "
    "keep what you need after the block, such as err.reply, in a name of your own."
)

FIX_AND_RESEND = "fix and resend"  # i18n: keep an answer decide() returns (compared)
DECIDE_CASES = (  # (a reply line, the right answer, why, the why's {detail}, a sentence after it)
    ("451 4.7.1 Try again later", "retry later", RETRY_WHY, "", ""),
    (
        "421 4.3.2 System not accepting network messages",
        "retry later",
        RETRY_WHY,
        "",
        ALSO_CLOSES_CONNECTION,
    ),
    ("450 Mailbox busy", "retry later", RETRY_WHY, "", ""),
    ("550 5.1.1 No such user", "give up", GIVE_UP_WHY, MAILBOX_DOES_EXIST, ""),
    ("554 5.7.1 Relay access denied", "give up", GIVE_UP_WHY, SERVER_POLICY_REFUSES, ""),
    ("550 Mailbox unavailable", "give up", GIVE_UP_WHY, HAS_ENHANCED_CODE, ""),
    ("500 5.5.2 Syntax error, command unrecognized", FIX_AND_RESEND, SYNTAX_ERROR_WHY, "", ""),
    ("501 Syntax error in parameters or arguments", FIX_AND_RESEND, ARGUMENTS_ERROR_WHY, "", ""),
    ("502 Command not implemented", FIX_AND_RESEND, SYNTAX_ERROR_WHY, "", ""),
    ("503 5.5.1 Bad sequence of commands", FIX_AND_RESEND, SYNTAX_ERROR_WHY, "", ""),
    ("504 5.5.4 Command parameter not implemented", FIX_AND_RESEND, SYNTAX_ERROR_WHY, "", ""),
    ("552 5.3.4 Message too big for system", FIX_AND_RESEND, TOO_BIG_WHY, "", ENHANCED_IS_NOT_TEXT),
    (
        "535 5.7.8 Authentication credentials invalid",
        FIX_AND_RESEND,
        CREDENTIALS_WHY,
        "",
        ENHANCED_IS_NOT_TEXT,
    ),
    ("552 5.2.2 Mailbox full", "give up", MAILBOX_FULL_WHY, "", ""),
)
