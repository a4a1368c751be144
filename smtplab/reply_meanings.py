"""What reply codes mean (RFC 5321 §4.2, RFC 4954) and what enhanced status codes mean
(RFC 3463), in English as a learner reads them, marked for translation;
:mod:`smtplab.replies` reads them through ``_()``. Tables only."""

from .i18n import N_

__all__: list[str] = []

CLASS_MEANING = {
    2: N_("done: the server carried out the command"),
    3: N_("go on: the server is waiting for more from you"),
    4: N_("a temporary failure: nothing is wrong with your command; retry later"),
    5: N_("a permanent failure: the same command will fail again; give up, or fix and resend"),
}
NOT_A_CLASS = N_("not a valid reply class (only 2, 3, 4 and 5 exist)")

CODE_MEANING: dict[int, str] = {
    211: N_("system status"),
    214: N_("help text"),
    220: N_("the server is ready"),
    221: N_("the server says goodbye and closes the connection"),
    235: N_("you are logged in"),
    250: N_("OK"),
    251: N_("the recipient is not local; the server will forward the message"),
    252: N_("the server cannot verify the user but will try to deliver"),
    334: N_("the server waits for the next piece of your AUTH exchange (base64)"),
    354: N_("send the message now, and end it with a line holding a single dot"),
    421: N_("the server is closing the connection; retry later"),
    432: N_("a password change is needed before this mechanism can be used"),
    450: N_("the mailbox is unavailable right now (busy, or greylisting); retry later"),
    451: N_("the server hit a local error, or asks you to retry later (greylisting)"),
    452: N_("the server is short of storage or of room for more recipients; retry later"),
    454: N_("a temporary failure of TLS or authentication on the server's side"),
    455: N_("the server cannot accept these parameters right now"),
    500: N_("the server did not understand the command (a syntax error, or a line too long)"),
    501: N_("the command's arguments are wrong"),
    502: N_("the server does not implement this command"),
    503: N_("bad sequence: this command is not allowed at this point of the dialogue"),
    504: N_("the server does not implement this parameter"),
    530: N_("authentication is required first (or STARTTLS first, for some servers)"),
    534: N_("this AUTH mechanism is too weak for the server (some providers want an app password)"),
    535: N_("the server refused the user name or password"),
    538: N_("this AUTH mechanism needs an encrypted connection: STARTTLS first"),
    550: N_("the mailbox is unavailable (no such user) or the server's policy refuses it"),
    551: N_("the user is not local to this server"),
    552: N_("the message is too big, or the mailbox is over its storage limit"),
    553: N_(
        "the mailbox name is not allowed (malformed, not ASCII without SMTPUTF8, or not "
        "yours to use: the enhanced code says which)"
    ),
    554: N_("the transaction failed"),
    555: N_("the server does not recognise or cannot honour a MAIL FROM/RCPT TO parameter"),
}

# RFC 3463 §3.1: the class of an enhanced code.
OUTCOME = {2: N_("success"), 4: N_("temporary"), 5: N_("permanent")}

# RFC 3463 §3: the subject (second number) and common detail codes.
ENHANCED_SUBJECT = {
    0: N_("other or undefined status"),
    1: N_("addressing"),
    2: N_("the mailbox"),
    3: N_("the mail system"),
    4: N_("the network or routing"),
    5: N_("the mail delivery protocol"),
    6: N_("the message content or media"),
    7: N_("security or policy"),
}
UNKNOWN_SUBJECT = N_("an unknown subject")

ENHANCED_DETAIL: dict[tuple[int, int], str] = {
    (0, 0): N_("no further detail"),
    (1, 0): N_("something about an address"),
    (1, 1): N_("the recipient's mailbox does not exist"),
    (1, 2): N_("the recipient's domain does not exist"),
    (1, 3): N_("the recipient address has a bad syntax"),
    (1, 5): N_("the recipient address is valid"),
    (1, 6): N_("the mailbox has moved"),
    (1, 7): N_("the sender's address has a bad syntax"),
    (1, 8): N_("the sender's domain is bad"),
    (1, 10): N_("the recipient address has a null MX"),
    (2, 0): N_("something about the mailbox"),
    (2, 1): N_("the mailbox is disabled"),
    (2, 2): N_("the mailbox is full"),
    (2, 3): N_("the message is longer than the mailbox accepts"),
    (3, 0): N_("the mail system"),
    (3, 1): N_("the mail system is full"),
    (3, 2): N_("the system is not accepting network messages"),
    (3, 4): N_("the message is too big for the system"),
    (4, 1): N_("no answer from the next host"),
    (4, 2): N_("the connection was dropped"),
    (4, 7): N_("the delivery time expired"),
    (5, 0): N_("other protocol status"),
    (5, 1): N_("an invalid command"),
    (5, 2): N_("a syntax error"),
    (5, 3): N_("too many recipients"),
    (5, 4): N_("invalid command arguments"),
    (5, 6): N_("an authentication exchange line is too long"),
    (6, 0): N_("something about the content"),
    (6, 7): N_("a non-ASCII address needs SMTPUTF8"),
    (7, 0): N_("security or policy (not further specified)"),
    (7, 1): N_("delivery is not authorised, the message is refused"),
    (7, 8): N_("the authentication credentials are invalid"),
    (7, 9): N_("the authentication mechanism is too weak"),
    (7, 10): N_("encryption is needed for this authentication mechanism"),
    (7, 11): N_("encryption is required for the requested authentication mechanism"),
    (7, 12): N_("a password transition is needed"),
}
