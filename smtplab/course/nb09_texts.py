"""Notebook 09's hints and praise, marked for translation (nb09.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

OPEN_PORT_TRUE = N_(
    "open port: True (and closed at once); closed port: False; a port that never "
    "answers: False within the timeout. That is how to tell a blocked network apart."
)
QQ_LOOK_ALIKE = N_(
    "the QQ look-alike answered 535 Login Fail. Please enter your authorization code: "
    "QQ Mail refuses the QQ password from a mail program. Log in with "
    "account['authorization_code'] as the password."
)
LOGIN_WRONG_USER = N_(
    "the look-alike refused the login (535): the user name {login!r} is not the "
    "account's. QQ's 535 always speaks of the authorization code, whichever part was "
    "wrong. Log in as account['user'] ({user!r}), or as your full QQ address."
)
LOGIN_ALSO_CODE = N_(
    " Then the password: QQ takes account['authorization_code'], not the QQ password."
)
LOGIN_USER_SPACES = N_(
    "the look-alike refused the user name {login!r}: there are spaces around it, and a "
    "server compares the name exactly. Pass account['user'] unchanged."
)
LOGIN_SECRET_AS_USER = N_(
    "you sent a secret as the user name: client.login(user, password) takes the user "
    "first and the secret second: client.login(account['user'], "
    "account['authorization_code'])."
)
LOGIN_CODE_CHANGED = N_(
    "the user name was right and you read account['authorization_code'], but the "
    "look-alike got another secret: pass the code exactly as it is (nothing added, cut "
    "or changed), as the password, the second argument of client.login."
)
ALL_FOUR_FAILURES = N_(
    "all four failures got the advice that says what to do: QQ's authorization "
    "code, Gmail's app password, Microsoft's OAuth2, and the 465/587 mix-up."
)
LOOK_ALIKE_SAW = N_(
    "the look-alike saw no connection at all{what}: your function dialled somewhere "
    "else, perhaps QQ's real server. Checks never leave this machine: use the lab's "
    "host/port you were given, by passing **overrides unchanged to "
    "Client.for_provider('qq', ...)."
)
CONNECTED_NEVER_LOGGED = N_(
    "you connected but never logged in: log in with client.login before sending "
    "(the look-alike, like QQ, refuses MAIL FROM without AUTH: 530)."
)
LOGGED_MESSAGE_ARRIVED = N_(
    "you logged in, but no message arrived: call client.send_message(message) after login()."
)
MESSAGE_WENT_OVER = N_(
    "the message went over TLS, but your client did not verify the certificate "
    "(verification was off), so anyone in the middle could have read your "
    "authorization code. Keep certificate verification on: the overrides' context "
    'trusts the look-alike\'s CA (notebook 04, "no context, no verification").'
)
MESSAGE_ARRIVED_LEFT = N_(
    "the message arrived, but you left without QUIT: end with client.quit() (or use "
    "`with Client.for_provider(...) as client:`), as RFC 5321 §4.1.1.10 asks."
)
QQ_LOOK_ALIKE_RECEIVED = N_(
    "the QQ look-alike received your message over {how}, logged in as "
    "{user!r} with the authorization code, and you said QUIT."
)
LAB_PORT_OPEN = N_(
    "the lab's port is open, but can_reach() said False: return True when "
    "socket.create_connection() succeeds."
)
CONNECTION_LAB_STAYED = N_(
    "the connection to the lab stayed open: close it at once (`with "
    "socket.create_connection(...) as sock: pass`), a probe must not hold it."
)
SENTENCE_ADVICE_GIVES = N_(
    "{what}: {answer!r} is not the sentence advice_for gives for this failure: "
    "pass it what the error carries (its reply, or its text) and the provider."
)
RETURNED_NONE_REPLY = N_(
    "{what}: you returned None. A reply error carries the server's reply: ask "
    "advice_for about it, naming the provider."
)
RETURNED_SERVER_OWN = N_(
    "{what}: you returned the server's own text. The learner needs what to DO: "
    "that is the sentence advice_for gives for the error's reply."
)
CLOSE_ADVICE_LACKS = N_(
    "{what}: close, but the advice lacks the provider's port facts: pass "
    "provider=provider to advice_for (explain_failure's advice never has them)."
)
CAN_REACH_DID = N_(
    "can_reach() did not return within {deadline} s although timeout was "
    "{timeout}: a connection attempt without a deadline can wait minutes; pass "
    "your timeout on to it (timeout=timeout)."
)
CAN_REACH_RAISED = N_(
    "can_reach() raised {error}: a port that does not answer is "
    "an answer too. Catch OSError (ConnectionRefusedError and TimeoutError are "
    "both OSErrors) and return False."
)
GREETING_CAME_PORT = N_(
    "no greeting came: the port in overrides speaks implicit TLS (like 465), "
    "so the server waits for your TLS handshake. Pass **overrides unchanged "
    "to Client.for_provider('qq', ...): they say security='tls'."
)
RETURNED_NONE_TLSERROR = N_(
    "{what}: you returned None. A TLSError has no reply: ask "
    "advice_for(provider=provider, error_text=str(error))."
)
LOOK_ALIKE_ANSWERED = N_(
    "the look-alike answered 530 to MAIL FROM: it wants you logged in "
    "first (RFC 4954 §6). Log in with client.login and the account's "
    "user before send_message(); which secret QQ takes is in the lesson."
)
TLS_NOT_TRUSTED = N_(
    "the look-alike's certificate failed verification: your client did not get the "
    "overrides' context, the one that trusts the look-alike's CA. Pass **overrides "
    "unchanged to Client.for_provider('qq', ...), context included; never turn "
    "verification off."
)
TLS_HANDSHAKE_FAILED = N_(
    "the TLS handshake failed: keep the security and port that "
    "lab.provider_overrides() gives ({error}: {first})."
)
FUNCTION_RAISED_ATTRIBUTEERROR = N_(
    "{what}: your function raised AttributeError ({error}). Only reply errors "
    "have .reply (and .hint); a TLSError has neither: use error_text=str(error) for it."
)
MESSAGE_CROSSED_CONNECTION = N_(
    "the message crossed the connection without TLS: keep the overrides' security."
)
TRUE_FALSE_WHEN = N_("True (or False when the connection fails)")
MESSAGE_ARRIVED_SEND = N_("the message arrived, but not for {recipient}: send it as it is.")
RETURN_CLIENT_TRANSCRIPT = N_("return client.transcript (you returned a {type}).")
RETURN_ADVICE_TEXT = N_("{what}: return the advice as text (a str), not a {type}.")
