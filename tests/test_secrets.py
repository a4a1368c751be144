"""Secrets never show: not in transcripts, errors, logs, the lab's session log, widget
state, nor the committed notebooks.

Two passwords are followed through whole sessions with AUTH LOGIN and AUTH PLAIN: the
lab's demo password (random for each lab) and a fixed test password. "Showing" means any
of its forms: the password itself, its base64 (what AUTH LOGIN sends) and the base64 of
``\\0user\\0password`` (what AUTH PLAIN sends).

The notebook scan cannot know the password of the lab that ran a notebook, so it looks
for what any leak of the demo account looks like (see :func:`notebook_leaks`); the
synthetic notebooks at the end prove that each of its checks can fail.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import re
import smtplib
import traceback
import warnings
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from interop.scripted import ScriptedServer, smtp_script

import smtplab
from smtplab import Client, Transcript
from smtplab.errors import AuthenticationError, ReplyError
from smtplab.lab import LabServer
from smtplab.lab.server import make_password

TEST_USER = "tester"
TEST_PASSWORD = "s3cret-Pa55-for-tests"
WRONG_PASSWORD = "Wr0ng-but-still-secret"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ALL_NOTEBOOKS = sorted(NOTEBOOKS.rglob("*.ipynb"))


def forms(user: str, password: str) -> dict[str, str]:
    """Every form in which a password travels in AUTH LOGIN and AUTH PLAIN."""
    return {
        "password": password,
        "LOGIN base64": base64.b64encode(password.encode()).decode(),
        "PLAIN base64": base64.b64encode(f"\0{user}\0{password}".encode()).decode(),
    }


def assert_no_secret(text: str, user: str, password: str, where: str) -> None:
    for name, form in forms(user, password).items():
        assert form not in text, f"the {name} is in {where}"
        assert html.escape(form) not in text, f"the {name} (HTML-escaped) is in {where}"


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = "bob@example.com"
    msg["Subject"] = "secrets"
    msg.set_content("Nothing to hide here.\n")
    return msg


@pytest.fixture(params=["demo", "test"])
def account(request: pytest.FixtureRequest, lab_factory: Callable[..., LabServer]) -> Any:
    """(lab, user, password): the lab's random demo account, or a fixed test account."""
    if request.param == "demo":
        lab = lab_factory()
        return lab, "student", lab.users["student"]
    lab = lab_factory(users={TEST_USER: TEST_PASSWORD})
    return lab, TEST_USER, TEST_PASSWORD


class ListHandler(logging.Handler):
    """Keeps every record, formatted with its exception text."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def all_logs() -> Iterator[ListHandler]:
    """Capture every logger at DEBUG: the root, and each existing logger that does not
    propagate, with its level lowered for the test (restored afterwards)."""
    handler = ListHandler()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger, level in saved:
            logger.setLevel(level)
            if handler in logger.handlers:
                logger.removeHandler(handler)


def rendered(transcript: smtplab.Transcript) -> dict[str, str]:
    """Every way a transcript can be shown."""
    return {
        "text": str(transcript),
        "text(annotate=False)": transcript.text(annotate=False, times=True),
        "show_body()": transcript.show_body(),
        "dialogue()": transcript.dialogue(),
        "repr": repr(transcript),
        "HTML": transcript._repr_html_(),
        "diagram": transcript.diagram().svg,
        "timeline": repr(transcript.timeline()),
        "entries": repr(transcript.entries),
        "entry strings": "\n".join(str(entry.raw) for entry in transcript.entries),
    }


# --- a whole session --------------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_a_full_session_shows_no_password_anywhere(
    account: Any, mechanism: str, all_logs: ListHandler
) -> None:
    lab, user, password = account
    with Client(lab.host, lab.port, security="starttls", context=lab.ssl_context()) as client:
        client.login(user, password, mechanism=mechanism)
        client.send_message(message())
        assert password not in repr(vars(client)), "the client must not keep the password"
    lab.wait_for(1)
    assert password in client.transcript.reveal()  # the secret was really there...
    for where, text in rendered(client.transcript).items():  # ...and is hidden everywhere
        assert_no_secret(text, user, password, f"the transcript's {where}")
    assert_no_secret(repr(client), user, password, "the client's repr")
    session = lab.sessions[-1]
    assert session.auth_user == user
    for where, text in {
        "str": str(session),
        "HTML": session._repr_html_(),
        "received_lines()": "\n".join(session.received_lines()),
        "raw lines": repr([line.raw for line in session.lines]),
        "lab repr": repr(lab),
        "lab errors": repr(lab.errors),
    }.items():
        assert_no_secret(text, user, password, f"the lab's session log ({where})")
    logged = "\n".join(all_logs.lines)
    assert "smtplab" in logged, "the transcript's DEBUG log should have been captured"
    assert_no_secret(logged, user, password, "the log output")


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_a_failed_login_shows_no_password_in_the_error(
    account: Any, mechanism: str, all_logs: ListHandler
) -> None:
    lab, user, _ = account
    client = Client(lab.host, lab.tls_port, security="tls", context=lab.ssl_context())
    with pytest.raises(AuthenticationError) as caught:
        client.login(user, WRONG_PASSWORD, mechanism=mechanism)
    error = caught.value
    client.quit()
    texts = {
        "str": str(error),
        "repr": repr(error),
        "reply": repr(error.reply) + repr(error.reply.raw),
        **{f"err.transcript {k}": v for k, v in rendered(error.transcript).items()},  # type: ignore[attr-defined]
        "logs": "\n".join(all_logs.lines),
        "session log": str(lab.sessions[-1]),
    }
    for where, text in texts.items():
        assert_no_secret(text, user, WRONG_PASSWORD, where)


def test_send_and_its_error_show_no_password(account: Any) -> None:
    lab, user, password = account
    transcript = smtplab.send(
        message(),
        host=lab.host,
        port=lab.port,
        security="starttls",
        context=lab.ssl_context(),
        username=user,
        password=password,
    )
    for where, text in rendered(transcript).items():
        assert_no_secret(text, user, password, f"send()'s transcript ({where})")
    with pytest.raises(AuthenticationError) as caught:
        smtplab.send(
            message(),
            host=lab.host,
            port=lab.tls_port,
            security="tls",
            context=lab.ssl_context(),
            username=user,
            password=WRONG_PASSWORD,
        )
    assert_no_secret(str(caught.value) + repr(caught.value), user, WRONG_PASSWORD, "the error")


ECHO_EHLO = b"250-hostile.test\r\n250 AUTH PLAIN LOGIN\r\n"


def echo_plain(peer: Any) -> None:
    blob = peer.last_line.split()[-1]
    peer.send(b"535 5.7.8 Bad credentials " + blob + b" for " + TEST_PASSWORD.encode() + b"\r\n")
    peer.hold()


def echo_login(peer: Any) -> None:
    peer.send(b"334 VXNlcm5hbWU6\r\n")
    peer.line()
    peer.send(b"334 UGFzc3dvcmQ6\r\n")
    answer = peer.line().strip()
    peer.send(
        b"535-5.7.8 you sent " + answer + b"\r\n535 5.7.8 = " + TEST_PASSWORD.encode() + b"\r\n"
    )
    peer.hold()


def assert_reply_error_masked(error: ReplyError, transcript: Transcript) -> None:
    """Neither the user name nor the password in the error (its text, repr and reply),
    in its traceback as a verbose one prints it (every frame's locals: the steps' replies)
    or in any rendering of the transcript."""
    verbose = traceback.TracebackException.from_exception(error, capture_locals=True)
    for where, text in {
        "str": str(error),
        "repr": repr(error),
        "reply": repr(error.reply) + repr(error.reply.raw) + repr(error.reply.lines),
        "the locals of a verbose traceback": "".join(verbose.format()),
        **rendered(transcript),
    }.items():
        assert_no_secret(text, TEST_USER, TEST_PASSWORD, where)


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_a_server_that_echoes_the_password_cannot_leak_it_through_the_error(
    mechanism: str,
) -> None:
    script = smtp_script(
        {"AUTH": echo_plain if mechanism == "PLAIN" else echo_login}, ehlo=ECHO_EHLO
    )
    with ScriptedServer(script) as server:
        client = Client(server.host, server.port, timeout=2)
        with pytest.raises(AuthenticationError) as caught:
            # The scripted server speaks plain TCP only; what is tested is the echo, so
            # this test opts in to AUTH without TLS (the transcript says so).
            client.login(TEST_USER, TEST_PASSWORD, mechanism=mechanism, allow_unencrypted_auth=True)
        client.close()
    error = caught.value
    assert error.code == 535 and "●●●●●●●●" in str(error)
    assert_reply_error_masked(error, client.transcript)


def accept_then_echo_later(peer: Any) -> None:
    """235 to AUTH, then every later reply repeats the password (a careless server's
    "helpful" diagnostics)."""
    peer.send(b"235 2.7.0 Authentication successful\r\n")
    peer.line()  # MAIL FROM
    peer.send(b"250 2.1.0 ok, sender of " + TEST_PASSWORD.encode() + b"\r\n")
    peer.line()  # RCPT TO
    peer.send(b"550 5.7.1 relaying denied for " + TEST_PASSWORD.encode() + b"\r\n")
    peer.line()  # RSET
    peer.send(b"250 2.0.0 ok\r\n")
    peer.hold()


def test_a_password_echoed_after_the_login_stays_out_of_a_later_steps_error() -> None:
    """The transcript masks a password a server repeats at any later step; the error of
    that step, printed as it is, must mask it too (not only the errors of login())."""
    with ScriptedServer(smtp_script({"AUTH": accept_then_echo_later}, ehlo=ECHO_EHLO)) as server:
        client = Client(server.host, server.port, timeout=2)
        client.login(TEST_USER, TEST_PASSWORD, mechanism="PLAIN", allow_unencrypted_auth=True)
        with pytest.raises(smtplab.errors.RecipientRefused) as caught:
            client.send_message(message())
        client.close()
    error = caught.value
    assert error.code == 550 and "relaying denied for ●●●●●●●●" in str(error)
    assert_reply_error_masked(error, client.transcript)
    kept = repr(client.last_refused)  # what a notebook prints after a refused recipient
    assert "relaying denied for ●●●●●●●●" in kept
    assert_no_secret(kept, TEST_USER, TEST_PASSWORD, "client.last_refused")


def accept_then_echo_cut_short(peer: Any) -> None:
    peer.send(b"235 2.7.0 Authentication successful\r\n")
    peer.line()  # MAIL FROM
    peer.send(b"550 5.7.1 not for " + TEST_PASSWORD.encode())  # no line end: then gone
    peer.close()


def accept_then_echo_and_stall(peer: Any) -> None:
    peer.send(b"235 2.7.0 Authentication successful\r\n")
    peer.line()  # MAIL FROM
    peer.send(b"550-5.7.1 not for " + TEST_PASSWORD.encode() + b"\r\n")  # then nothing more
    peer.hold()


@pytest.mark.parametrize(
    ("script", "error", "shown"),
    [
        # cut short: Disconnected, caused by the parser's RemoteProtocolError; both quote
        # the bytes that came, and a printed traceback shows both
        (accept_then_echo_cut_short, smtplab.errors.Disconnected, "direct cause"),
        # a first line that echoes it, then nothing: Timeout, quoting what came
        (accept_then_echo_and_stall, smtplab.errors.Timeout, "550-5.7.1 not for ●●●●●●●●"),
    ],
)
def test_a_password_echoed_in_a_reply_that_never_ends_stays_out_of_every_traceback(
    script: Callable[[Any], None], error: type[Exception], shown: str
) -> None:
    """The error's text is masked; a verbose traceback (``%xmode Verbose``) prints every
    frame's locals, where the reader held the raw bytes (the last chunk, and the bytes
    kept for the error)."""
    with ScriptedServer(smtp_script({"AUTH": script}, ehlo=ECHO_EHLO)) as server:
        client = Client(server.host, server.port, timeout=0.5)
        client.login(TEST_USER, TEST_PASSWORD, mechanism="PLAIN", allow_unencrypted_auth=True)
        with pytest.raises(error) as caught:
            client.send_message(message())
        client.close()
    printed = "".join(traceback.format_exception(caught.value))
    assert shown in printed and "●●●●●●●●" in printed
    assert_no_secret(printed, TEST_USER, TEST_PASSWORD, "the printed traceback")
    verbose = traceback.TracebackException.from_exception(caught.value, capture_locals=True)
    assert_no_secret("".join(verbose.format()), TEST_USER, TEST_PASSWORD, "a verbose traceback")


def test_other_clients_leave_no_password_in_the_session_log(account: Any, raw_smtp: Any) -> None:
    """smtplib (AUTH PLAIN with an initial response; LOGIN), and answers sent by hand
    without waiting for the prompts: the lab masks them all."""
    lab, user, password = account
    context = lab.ssl_context()
    with smtplib.SMTP_SSL(lab.host, lab.tls_port, context=context, timeout=5) as client:
        client.login(user, password)  # smtplib prefers PLAIN
    with smtplib.SMTP_SSL(lab.host, lab.tls_port, context=context, timeout=5) as client:
        client.ehlo()
        client.user, client.password = user, password  # what login() sets for auth_login
        client.auth("LOGIN", client.auth_login, initial_response_ok=False)
    raw = raw_smtp(lab.host, lab.tls_port, context=context)
    raw.read_reply()
    raw.command("EHLO learner.example")
    b64 = forms(user, password)
    user64 = base64.b64encode(user.encode()).decode()
    raw.send(f"AUTH LOGIN\r\n{user64}\r\n{b64['LOGIN base64']}\r\n")  # all at once
    replies = [raw.read_reply().code for _ in range(3)]
    assert replies == [334, 334, 235]
    raw.command("QUIT")
    raw = raw_smtp(lab.host, lab.tls_port, context=context)
    raw.read_reply()
    raw.command("EHLO learner.example")
    raw.send(f"AUTH PLAIN\r\n{b64['PLAIN base64']}\r\n")
    assert [raw.read_reply().code for _ in range(2)] == [334, 235]
    raw.command("QUIT")
    for session in lab.sessions:
        assert_no_secret(str(session), user, password, f"session {session.id}")


# --- widget state -------------------------------------------------------------------------------


def widget_states() -> str:
    """The synced state of every live widget, as a notebook would save it."""
    import ipywidgets

    registry = getattr(ipywidgets.widgets.widget, "_instances", None)
    if registry is None:  # ipywidgets before 8.1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            registry = ipywidgets.Widget.widgets
    states = {}
    for model_id, widget in list(registry.items()):
        try:
            states[model_id] = widget.get_state()
        except Exception:  # a widget being closed
            continue
    return json.dumps(states, default=repr)


@pytest.mark.parametrize("correct", [True, False], ids=["right password", "wrong password"])
def test_widget_state_never_holds_the_password(
    lab: LabServer, all_logs: ListHandler, correct: bool
) -> None:
    widgets = pytest.importorskip("smtplab.widgets", reason="smtplab.widgets is not there yet")
    password = lab.users["student"] if correct else WRONG_PASSWORD
    view = widgets.playground(lab, timeout=5)
    composer = view.composer
    composer.load(
        sender="alice@example.com", to="bob@example.com", subject="widgets", body="Hello."
    )
    composer.security.value = "starttls"
    composer.user.value = "student"
    composer.password.value = password
    assert password in widget_states()  # while typed, the value is synced state...
    outcome = composer.send_mail(block=True)
    assert outcome is not None and outcome.delivered is correct, outcome
    assert composer.password.value == ""  # ...and cleared the moment Send is clicked
    texts = {
        "widget state": widget_states(),
        "outcome": str(outcome) + repr(outcome),
        "logs": "\n".join(all_logs.lines),
        "session log": str(lab.sessions[-1]),
    }
    for where, text in texts.items():
        assert_no_secret(text, "student", password, where)


def login_then_echo_in_the_queue_reply(peer: Any) -> None:
    peer.send(b"334 VXNlcm5hbWU6\r\n")
    peer.line()
    peer.send(b"334 UGFzc3dvcmQ6\r\n")
    peer.line()
    for reply in (b"235 2.7.0 ok", b"250 2.1.0 ok", b"250 2.1.5 ok", b"354 go ahead"):
        peer.send(reply + b"\r\n")
        peer.line()
    peer.message()
    peer.send(b"250 2.0.0 queued for " + TEST_PASSWORD.encode() + b"\r\n")
    peer.line()  # QUIT
    peer.send(b"221 2.0.0 bye\r\n")
    peer.close()


def test_the_composers_result_line_masks_a_password_the_server_echoes() -> None:
    """The result under Send quotes the server's final reply; the Composer shows it in a
    widget, saved with the notebook: an echoed password is masked there as in the
    transcript."""
    from smtplab.widgets import DraftForm
    from smtplab.widgets.model import ServerChoice, deliver

    script = smtp_script({"AUTH": login_then_echo_in_the_queue_reply}, ehlo=ECHO_EHLO)
    with ScriptedServer(script) as server:
        draft = DraftForm(sender="a@example.com", to="bob@example.com", body="hi").draft()
        choice = ServerChoice(
            "custom", "plain", TEST_USER, host=server.host, port=server.port,
            allow_unencrypted_auth=True,
        )  # fmt: skip
        outcome = deliver(draft, choice.resolve(), TEST_PASSWORD, timeout=3)
    assert outcome.delivered and "queued for ●●●●●●●●" in outcome.summary
    for where, text in {"str": str(outcome), "html": outcome._repr_html_()}.items():
        assert_no_secret(text, TEST_USER, TEST_PASSWORD, f"the outcome ({where})")


# --- the committed notebooks --------------------------------------------------------------------

DEMO_USER = "student"
PLAIN_PREFIX = base64.b64encode(b"\0student\0").decode()[:12]  # "AHN0dWRlbnQA"
B64_TOKEN = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}")
AUTH_PLAIN = re.compile(r"AUTH\s+PLAIN\s+([A-Za-z0-9+/]{8,}={0,2})")
PASSWORD_PROMPT = "334 UGFzc3dvcmQ6"  # base64 of "Password:"
MASKS = ("●", "****", "hidden")
# The lab's passwords: 16 letters and digits (smtplab.lab.server.make_password).
LAB_PASSWORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{16}(?![A-Za-z0-9])")
AFTER_STUDENT = re.compile(r"student\W{1,8}([A-Za-z0-9]{16})(?![A-Za-z0-9])")
KNOWN_SECRETS = (TEST_PASSWORD, WRONG_PASSWORD, "s3cret-Pa55", "not-the-password")


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_texts(nb: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) for every output of every cell, and for the metadata (widget state
    included), as a reader of the file would see them."""
    for number, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []):
            for key in ("text", "traceback", "evalue"):
                if key in output:
                    yield f"cell {number} {key}", _text(output[key])
            for mime, data in output.get("data", {}).items():
                text = json.dumps(data) if isinstance(data, dict) else _text(data)
                yield f"cell {number} {mime}", text
        yield f"cell {number} metadata", json.dumps(cell.get("metadata", {}))
    yield "notebook metadata", json.dumps(nb.get("metadata", {}))


def _readable_lines(text: str) -> list[str]:
    """Lines as a reader sees them: HTML tags and JSON escapes removed."""
    text = text.replace("\\n", "\n").replace("\\r", "")
    text = re.sub(r"<[^>]+>", "\n", text)
    return [line.strip() for line in html.unescape(text).splitlines() if line.strip()]


def _b64decode(token: str) -> bytes:
    """``token`` decoded as base64 (padding added), or ``b"?\\0"`` when it is not base64:
    a token that cannot be read counts as a possible secret."""
    try:
        return base64.b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        return b"?\0"


def _decodes_to_lab_password(blob: str) -> bool:
    """True for an AUTH PLAIN blob of the demo user whose password looks like a lab's."""
    parts = _b64decode(blob).decode("utf-8", "replace").split("\0")
    return len(parts) != 3 or bool(LAB_PASSWORD.fullmatch(parts[2]))


# Issue 16: notebook 05 decodes, on purpose, a login a wire tap caught before TLS; its
# password is made up and written in the cell. Only that password, only in that notebook.
MADE_UP_PASSWORDS = {
    "05-auth.ipynb": ("correct-horse-7",),
    "05-auth-solved.ipynb": ("correct-horse-7",),  # its solved copy (docs/instructor/)
}


def notebook_leaks(nb: dict[str, Any], made_up: tuple[str, ...] = ()) -> list[str]:
    """What in a notebook's outputs or metadata looks like a saved secret:

    * a saved Password widget with a value;
    * ``AUTH PLAIN <base64>`` (a PLAIN credential written out);
    * a base64 PLAIN blob of the demo user (``AHN0dWRlbnQA...``) whose password looks like
      a lab's (16 letters and digits); a made-up example password is allowed;
    * a client line right after the ``334 UGFzc3dvcmQ6`` ("Password:") prompt that is not
      masked;
    * 16 letters and digits right after ``student`` (``{'student': 'aB3...'}``);
    * a password this test suite uses.

    ``made_up``: passwords the notebook shows on purpose (an AUTH PLAIN blob of one of
    them is no leak).
    """
    leaks: list[str] = []
    widgets = nb.get("metadata", {}).get("widgets", {})
    for bundle in widgets.values() if isinstance(widgets, dict) else ():
        for model_id, model in (bundle.get("state") or {}).items():
            state = model.get("state", {})
            if model.get("model_name") == "PasswordModel" and state.get("value"):
                leaks.append(f"widget {model_id}: a Password widget's value is saved")
    for where, text in notebook_texts(nb):
        for match in AUTH_PLAIN.finditer(text):
            fields = _b64decode(match[1]).split(b"\0")
            if len(fields) == 3 and fields[2].decode("utf-8", "replace") in made_up:
                continue  # shown on purpose (MADE_UP_PASSWORDS)
            if len(fields) > 1:  # a PLAIN blob: authzid NUL user NUL password
                leaks.append(f"{where}: AUTH PLAIN {match[1][:6]}... is saved unmasked")
        for token in B64_TOKEN.findall(text):
            if token.startswith(PLAIN_PREFIX) and _decodes_to_lab_password(token):
                leaks.append(f"{where}: a PLAIN credential of the demo user ({token[:14]}...)")
        for match in AFTER_STUDENT.finditer(text):
            leaks.append(f"{where}: {match[0][:12]}... looks like the demo password")
        for secret in KNOWN_SECRETS:
            if secret in text:
                leaks.append(f"{where}: a test password ({secret[:3]}...)")
        lines = _readable_lines(text)
        for index, line in enumerate(lines):
            if PASSWORD_PROMPT not in line:
                continue
            answer = next((later for later in lines[index + 1 :] if "C:" in later), "")
            if answer and not any(mask in answer for mask in MASKS):
                leaks.append(f"{where}: the answer to the Password: prompt is not masked")
    return leaks


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_no_notebook_saves_a_secret(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert notebook_leaks(nb, MADE_UP_PASSWORDS.get(path.name, ())) == []


def test_a_made_up_password_is_allowed_only_where_it_is_declared() -> None:
    blob = forms("student", "correct-horse-7")["PLAIN base64"]
    shown = _notebook(f"b'AUTH PLAIN {blob}'")
    assert notebook_leaks(shown, MADE_UP_PASSWORDS["05-auth.ipynb"]) == []
    assert notebook_leaks(shown)  # in any other notebook it is a leak
    other = _notebook(f"b'AUTH PLAIN {forms('student', LAB_LIKE)['PLAIN base64']}'")
    assert notebook_leaks(other, MADE_UP_PASSWORDS["05-auth.ipynb"])


def _notebook(output_text: str = "", widgets: dict[str, Any] | None = None) -> dict[str, Any]:
    output = {"output_type": "stream", "name": "stdout", "text": [output_text]}
    metadata: dict[str, Any] = {"widgets": widgets} if widgets else {}
    return {"cells": [{"cell_type": "code", "outputs": [output]}], "metadata": metadata}


LAB_LIKE = make_password()


@pytest.mark.parametrize(
    "leak",
    [
        f"C: AUTH PLAIN {forms('student', LAB_LIKE)['PLAIN base64']}",
        f"'{forms('student', LAB_LIKE)['PLAIN base64']}'",
        f"S: 334 UGFzc3dvcmQ6\nC: {forms('student', LAB_LIKE)['LOGIN base64']}",
        f"<td>S: 334 UGFzc3dvcmQ6</td></tr><tr><td>C: {forms('x', LAB_LIKE)['LOGIN base64']}</td>",
        f"{{'student': '{LAB_LIKE}'}}",
        f"password = {TEST_PASSWORD}",
    ],
    ids=["AUTH PLAIN line", "PLAIN blob", "LOGIN answer", "LOGIN answer in HTML", "users", "test"],
)
def test_the_notebook_scan_finds_each_kind_of_leak(leak: str) -> None:
    assert notebook_leaks(_notebook(leak)), f"the scan missed {leak!r}"


def test_the_notebook_scan_finds_a_saved_password_widget_and_passes_clean_ones() -> None:
    state = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"abc": {"model_name": "PasswordModel", "state": {"value": LAB_LIKE}}}
        }
    }
    assert notebook_leaks(_notebook(widgets=state))
    state["application/vnd.jupyter.widget-state+json"]["state"]["abc"]["state"]["value"] = ""
    masked = "S: 334 UGFzc3dvcmQ6\nC: ●●●●●●●● (password hidden)\nS: 235 2.7.0 OK"
    example = f"'{forms('student', 'correct horse')['PLAIN base64']}'"  # a made-up password
    assert notebook_leaks(_notebook(f"{masked}\n{example}\nstudent@lab.smtplab.test", state)) == []


def test_a_lab_password_is_what_the_scan_expects() -> None:
    """The scan's idea of a lab password follows smtplab.lab.server.make_password."""
    for _ in range(20):
        assert LAB_PASSWORD.fullmatch(make_password())
    with LabServer() as lab:
        assert LAB_PASSWORD.fullmatch(lab.users["student"])
