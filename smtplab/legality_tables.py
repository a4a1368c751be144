"""The legality tables (RFC 5321 §4.1.4, RFC 3207, RFC 4954): the states in which each
command is legal, and why one is out of place, as the server would say it (texts marked
for translation, read through ``_()`` in :mod:`smtplab.legality`). Tables only."""

from .events import State
from .i18n import N_

__all__: list[str] = []

TOO_BIG = N_(
    "the message ({size}) is larger than the server's limit ({limit}, its SIZE in "
    "the EHLO reply; it would answer 552, RFC 1870)"
)
"""The refusal of a message over the server's SIZE (the Composer shows it by the body)."""

_S = State
SESSION = (_S.GREETED, _S.READY, _S.MAIL, _S.RCPT)  # the server reads commands


# The states in which each command is legal (RFC 5321 §4.1.4, RFC 3207, RFC 4954).
LEGAL_IN: dict[str, tuple[State, ...]] = {
    "EHLO": SESSION,
    "HELO": SESSION,
    "STARTTLS": (_S.READY,),
    "AUTH": (_S.READY,),
    "AUTH-RESPONSE": (_S.AUTH_IN_PROGRESS,),
    "MAIL": (_S.READY,),
    "RCPT": (_S.MAIL, _S.RCPT),
    "DATA": (_S.RCPT,),
    "MAIL-DATA": (),  # only while the server reads the message: see is_legal
    "RSET": SESSION,
    "NOOP": SESSION,
    "VRFY": SESSION,
    "EXPN": SESSION,
    "HELP": SESSION,
    "QUIT": (*SESSION, _S.REJECTED),
}

_AUTH_IN_TRANSACTION = N_(
    "503: AUTH is not allowed during a mail transaction: RSET first (RFC 4954 §4)"
)
_TLS_IN_TRANSACTION = N_(
    "503: STARTTLS is not accepted inside a mail transaction: RSET first, better still "
    "start TLS right after EHLO"
)
_NO_AUTH_EXCHANGE = N_(
    "500: no AUTH exchange is in progress: an AUTH answer "
    "follows a 334 reply; the server would read this line as a command"
)
_BEFORE_354 = N_(
    "send the message only after the server's 354 reply to DATA: "
    "before that, the server would read each of its lines as a command"
)
# Why a command is out of place: first by (role, state), then by state (texts marked with
# N_, translated where they are read).
WHY_NOT: dict[tuple[str, State], str] = {
    ("RCPT", _S.READY): N_("503: MAIL FROM first: RCPT needs a transaction (RFC 5321 §4.1.1.3)"),
    ("DATA", _S.READY): N_(
        "503: MAIL FROM and RCPT TO first: DATA needs a transaction with at "
        "least one recipient (RFC 5321 §4.1.1.4)"
    ),
    ("DATA", _S.MAIL): N_(
        "503: RCPT TO first: no recipient has been accepted yet, so there is "
        "nobody to deliver to (RFC 5321 §3.3)"
    ),
    ("MAIL", _S.MAIL): N_(
        "503: a transaction is already open (MAIL FROM was accepted): finish "
        "it with DATA or cancel it with RSET (RFC 5321 §4.1.1.2)"
    ),
    ("MAIL", _S.RCPT): N_(
        "503: a transaction is already open: finish it with DATA or cancel "
        "it with RSET (RFC 5321 §4.1.1.2)"
    ),
    ("AUTH", _S.MAIL): _AUTH_IN_TRANSACTION,
    ("AUTH", _S.RCPT): _AUTH_IN_TRANSACTION,
    ("STARTTLS", _S.MAIL): _TLS_IN_TRANSACTION,
    ("STARTTLS", _S.RCPT): _TLS_IN_TRANSACTION,
    **{("AUTH-RESPONSE", state): _NO_AUTH_EXCHANGE for state in SESSION},
    **{("MAIL-DATA", state): _BEFORE_354 for state in SESSION},
}

WHY_NOT_IN: dict[State, str] = {
    _S.AWAIT_GREETING: N_(
        "wait for the server's greeting (220) first: a client that talks "
        "before it is an 'early talker', and servers like Postfix drop it (RFC 5321 §3.1)"
    ),
    _S.REJECTED: N_(
        "503: the server refused this session in its greeting; only QUIT is left (RFC 5321 §3.1)"
    ),
    _S.GREETED: N_("503: say EHLO (or HELO) first (RFC 5321 §4.1.4)"),
    _S.READY: N_("503: this command does not fit here"),
    _S.MAIL: N_("503: this command does not fit inside a mail transaction"),
    _S.RCPT: N_("503: this command does not fit inside a mail transaction"),
    _S.AUTH_IN_PROGRESS: N_(
        "501: the server waits for your answer to its 334 (base64 text, or "
        "'*' to cancel, RFC 4954 §4): it would read this line as that answer"
    ),
    _S.DATA: N_("wait for the server's reply to the end of your message first"),
    _S.TLS_PENDING: N_(
        "the server expects the TLS handshake now (it said 220 to STARTTLS): "
        "anything else breaks the connection. Start TLS first"
    ),
    _S.CLOSED: N_("the connection is closed: connect again"),
}


# A message with 8-bit bytes sent without BODY=8BITMIME.
EIGHT_BIT_WITHOUT_BODY = N_(
    "the message has 8-bit bytes but MAIL FROM did not say BODY=8BITMIME (RFC 6152); "
    "some servers will damage or refuse it"
)
