"""Notebook 05's hints and praise, marked for translation (nb05.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

SERVER_REFUSED_PLAIN = N_(
    "the server refused it: PLAIN is base64 of exactly three fields, an empty authzid, "
    "the user name and the password, separated by NUL bytes ('\\0')."
    " See notebook 05 · Step 4: PLAIN, one line."
)
CLIENT_COMMAND_TAKES = N_(
    "client.command() takes text (str), and base64.b64encode() gives bytes: "
    "add .decode('ascii') to the base64 before you send it."
    " See notebook 05 · Your turn."
)
LINE_SENT_HAD = N_(
    "a line you sent had a line break inside (base64.encodebytes() adds one at the "
    "end): use base64.b64encode(), and let client.command() add the CRLF."
    " See notebook 05 · Your turn."
)
NUL_BYTE_CANNOT = N_(
    "a NUL byte cannot go on the wire as it is: it belongs INSIDE the base64 "
    "(encode the whole string, NUL bytes included)."
)
SERVER_RECEIVED_AUTH = N_(
    'the server received AUTH LOGIN, c3R1ZGVudA== ("student") and your password in '
    "base64 (its log masks it), and answered 235 2.7.0: you are logged in."
)
RESPONSE_HOLDS_PASSWORD = N_(
    "your response holds the password in clear text: the whole string "
    "'\\0student\\0password' must be base64-encoded before it is sent."
    " See notebook 05 · Step 4: PLAIN, one line."
)
RESPONSE_HAS_SPACES = N_(
    "your response has spaces or line breaks in it: return one base64 string "
    "(encodebytes adds a line break: use the encoder that does not)."
    " See notebook 05 · Your turn."
)
STR_OF_BYTES = N_(
    "your response starts with b': str() of bytes keeps the b'...' around them. "
    "base64.b64encode() gives bytes: add .decode('ascii') instead of calling str()."
    " See notebook 05 · Your turn."
)
RESPONSE_WHOLE_LINE = N_(
    "you returned the whole command line, AUTH PLAIN included: return only the base64 "
    "text that follows 'AUTH PLAIN ' (the check sends the command itself)."
    " See notebook 05 · Your turn."
)
BASE_ENCODED_PASSWORD = N_(
    "you base64-encoded the password without the user name. PLAIN carries both in one "
    "string of three fields, authzid, user and password (RFC 4616 §2), then base64."
)
FORGOT_NUL_BYTES = N_(
    "you forgot the NUL bytes: PLAIN separates its three fields with NUL ('\\0'), not "
    "with a space or a colon (RFC 4616 §2)."
)
ONE_NUL_BYTE = N_(
    "one NUL byte is missing: PLAIN has THREE fields, authzid NUL user NUL password, "
    "and the authzid is usually empty, so the string starts with '\\0'."
    " See notebook 05 · Step 4: PLAIN, one line."
)
USER_PASSWORD_SWAPPED = N_(
    "user and password are swapped: RFC 4616 §2 orders the fields authzid, user "
    "(authcid), password."
)
USER_NAME_RIGHT = N_(
    "the user name is right, the password is not: put the password given to your "
    "function, exactly as it is, after the second NUL (and encode it as UTF-8)."
    " See notebook 05 · Step 4: PLAIN, one line."
)
SERVER_RECEIVED_AUTH_PLAIN = N_(
    "the server received AUTH PLAIN and your response (its log masks it), and answered "
    "235 2.7.0: logged in. Remember that anyone who sees that line can decode it."
)
USED_CLIENT_LOGIN = N_(
    "client.login() did the whole exchange for you; this exercise is LOGIN by hand: "
    "send 'AUTH LOGIN' with client.command(), then answer each 334 prompt with "
    "client.command() and base64 text."
    " See notebook 05 · Your turn."
)
SENT_AUTH_PLAIN = N_(
    "you sent AUTH PLAIN; this exercise is about LOGIN: send 'AUTH LOGIN', then "
    "answer the two 334 prompts."
    " See notebook 05 · Step 2: log in with LOGIN, inside TLS."
)
SEND_AUTH_LOGIN = N_(
    "send 'AUTH LOGIN' alone, wait for the 334 prompt, then answer each prompt on a "
    "line of its own."
    " See notebook 05 · Step 2: log in with LOGIN, inside TLS."
)
FIRST_LINE_SERVER = N_(
    "the first line the server received was not 'AUTH LOGIN': start with "
    "client.command('AUTH LOGIN') and wait for 334 VXNlcm5hbWU6 (\"Username:\")."
    " See notebook 05 · Step 2: log in with LOGIN, inside TLS."
)
SERVER_ANSWERED_VXNLCM = N_(
    'the server answered 334 VXNlcm5hbWU6, base64 of "Username:", and then heard '
    "nothing: answer with the user name in base64."
    " See notebook 05 · Step 3: base64 is not encryption."
)
SENT_USER_NAME = N_(
    "you sent the user name in clear text ('student'): the server expects base64 "
    "(it answered 501 Can't decode base64). Send the base64 of the name's UTF-8 "
    "bytes, as text."
    " See notebook 05 · Step 3: base64 is not encryption."
)
ANSWERED_FIRST_PROMPT = N_(
    "you answered the first prompt with the password. Decode it: 334 VXNlcm5hbWU6 "
    "asks for the user name; the password comes second, after 334 UGFzc3dvcmQ6."
    " See notebook 05 · Step 3: base64 is not encryption."
)
SERVER_ASKED_UGFZC = N_(
    'the server asked 334 UGFzc3dvcmQ6 ("Password:") and you did not answer: send '
    "base64 of the password."
    " See notebook 05 · Step 3: base64 is not encryption."
)
SENT_PASSWORD_CLEAR = N_(
    "you sent the password in clear text. LOGIN expects it in base64, like the user "
    "name (the UTF-8 bytes, encoded, sent as text). (Base64 hides nothing, "
    "which is why LOGIN belongs inside TLS.)"
    " See notebook 05 · Step 3: base64 is not encryption."
)
SERVER_COULD_DECODE = N_(
    "the server could not decode your response: it is not base64. Encode the raw "
    "bytes of the three fields with base64 and return that as text."
    " See notebook 05 · Step 3: base64 is not encryption."
)
RETURN_TEXT_STR = N_(
    "return text (str), not bytes: base64.b64encode(...) gives bytes, so add .decode('ascii')."
    " See notebook 05 · Your turn."
)
READ_FIRST_GETPASS = N_(
    "{variable} was read first, getpass was the fallback, nothing was printed, and "
    "the lab accepted the password (235 2.7.0)."
)
SERVER_ANSWERED_PASSWORD = N_(
    "the server answered {reply!r} to your password line: it is not base64 of the "
    "password. Encode the password's UTF-8 bytes exactly, with nothing added."
    " See notebook 05 · Step 3: base64 is not encryption."
)
USED_INPUT_SHOWS = N_(
    "you used input(): it shows what you type and the notebook keeps it in the "
    "cell's output. Use getpass.getpass(), which does not echo."
    " See notebook 05 · Keeping secrets out of notebooks."
)
FUNCTION_PRINTED_PASSWORD = N_(
    "your function printed the password: outputs are saved in the notebook "
    "file. Never print a secret (not even to check it)."
    " See notebook 05 · Keeping secrets out of notebooks."
)
RETURNED_NOT_LAST = N_(
    "the server logged you in (235 2.7.0), but your function returned the reply "
    "{reply!r}: return the last reply, what the server answered to your password line."
)
SERVER_LOGGED_FORGOT = N_(
    "the server logged you in (235 2.7.0), but you forgot to `return` the "
    "last reply: return what the server answered to your password line, so "
    "the caller can see it worked."
)
ANSWER_USERNAME_BASE = N_(
    "your answer to \"Username:\" is not base64 of 'student': {shown}. Encode "
    "exactly the user name."
    " See notebook 05 · Step 3: base64 is not encryption."
)
SERVER_ANSWERED_PASSWORD_LINE = N_(
    "the server answered {reply!r}: your password line is base64 of a password, "
    "but not of the one passed to your function. Send the password you were given, "
    "never one typed into the code. (With a real provider, a 535 for your account "
    "password usually means it wants an app password or authorization code.)"
)
READ_PASSWORD_RETURNED = N_(
    "read_password() returned None when {variable} was not set: then ask with "
    "getpass, which does not echo, and return what was typed."
    " See notebook 05 · Keeping secrets out of notebooks."
)
SET_STILL_ASKED = N_(
    "{variable} was set and you still asked with getpass: read the environment "
    "first (the variable {variable}, spelled exactly so), and ask only when it is "
    "missing (under nbval or in a script there is no keyboard, and getpass fails)."
    " See notebook 05 · Keeping secrets out of notebooks."
)
RETURN_PASSWORD_TEXT = N_(
    "your function returned bytes: return the password as text (str), as os.environ "
    "and getpass.getpass() give it; encode it only where bytes are needed."
)
SET_FUNCTION_DID = N_(
    "with {variable} set, your function did not return its value: when the "
    "variable is set, its value is the password (never a password typed into the "
    "code)."
    " See notebook 05 · Keeping secrets out of notebooks."
)
MISSING_FUNCTION_DID = N_(
    "with {variable} missing, your function did not ask: fall back to getpass, which does not echo."
    " See notebook 05 · Keeping secrets out of notebooks."
)
OS_ENVIRON_RAISES = N_(
    "os.environ[{variable!r}] raises KeyError when the variable is not set: "
    "read it in a way that gives None when it is missing, and then ask with "
    "getpass."
    " See notebook 05 · Keeping secrets out of notebooks."
)
SERVER_RECEIVED_NOTHING = N_(
    "the server received nothing from you: start with client.command('AUTH LOGIN')."
)
RETURN_BASE_TEXT = N_("return the base64 text (a str), not a {kind}.")
AUTH_LINE_REFUSED = N_(
    "the server answered {reply!r} to {line!r}, not a 334 prompt: name the mechanism "
    "as the EHLO reply lists it, 'AUTH LOGIN' (SASL mechanism names are upper case, "
    "RFC 4422 §3.1)."
)
