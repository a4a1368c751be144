"""Notebook 00's hints and praise, marked for translation (nb00.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

WORD_SERIES_LONGER = N_(
    "{who_said} {answer!r}, a word this series no longer uses: a 4xx reply is "
    "'retry later' and a 5xx reply 'give up' (the same words in notebooks 00, 02 and "
    "07). Here the answer is {expected!r}."
)
ONE_MESSAGE_FROM = N_(
    "one message from {sender} to {count} recipients arrived, queued as "
    "{queue_id}: your client sent RCPT TO once per recipient."
)
LAB_RECEIVED_CONNECTION = N_(
    "the lab received no connection: connect to the lab you are given, at its "
    "host and port (lab.host, lab.port: the lab picks its own port)."
)
CONNECTED_SENT_MESSAGE = N_(
    "you connected but sent no message: the message goes out with send_message, "
    "while the connection is open."
)
ENVELOPE_SENDER_SEND = N_(
    "the envelope sender is {got!r}, not {want!r}: send_message "
    "takes the envelope sender (MAIL FROM) from the message's From header."
)
DID_GET_SEND = N_(
    "{missing} did not get it: send_message sends one RCPT TO for each "
    "address in the To header, so every recipient must be listed there."
)
MESSAGE_ARRIVED_FUNCTION = N_(
    "the message arrived, but your function returned {value!r}. Return what "
    "send_message gave back: the recipients the server refused (none here)."
)
NOTHING_ANSWERED_WHERE = N_(
    "nothing answered where your code connected: the lab listens on its own "
    "host and port, picked when it starts. Use the lab you are given "
    "(lab.host, lab.port), not a port number you typed."
)
OUTCOME_SAID_LOOK = N_(
    "outcome({code}) said {answer!r}: look only at the first digit of the "
    "code, not the whole code (RFC 5321 §4.2.1)."
)
OUTCOME_4XX_WRONG = N_(
    "outcome({code}) said {answer!r}: 4xx means the failure is temporary "
    "(retry later), 5xx that it is permanent (give up, or fix the command "
    "and send it again)."
)
OUTCOME_3XX_WRONG = N_(
    "outcome({code}) said {answer!r}: a 3xx reply is not the end, the "
    "server waits for more from you (354 after DATA asks for the message)."
)
WHAT_SEND_MESSAGE = N_("what send_message returned (the recipients it refused)")
RIGHT_ALL_CODES = N_("right for all {count} codes the lab answered: {codes}.")
WRONG_HEADER = N_("the {header} arrived as {got!r}; it should be {want!r}.")
OUTCOME_RETURNED_ANSWER = N_("outcome({code}) returned {answer!r}; answer one of {words}.")
IN_HEADER_NOT_READ = N_(
    "{missing} did not get it, though your headers name it: send_message could not read "
    "it as an address, so it sent it no RCPT TO. Separate the addresses of a header "
    "with commas (an address list, RFC 5322 §3.4), not semicolons or spaces."
)
CODE_IS_AN_INT = N_(
    "outcome(code) raised {name}: {error}. The code comes as a number, an int such as "
    "250 (as smtplib gives it), not as text: its first digit is its hundreds."
)
PLAIN_ON_TLS_PORT = N_(
    "you connected to lab.tls_port, which speaks TLS from the first byte (like port "
    "465): smtplib.SMTP waited there for a greeting in plain text, and the lab hung up. "
    "Send to lab.port, as the exercise says (notebook 00, 'Start the lab server')."
)
