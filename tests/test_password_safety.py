"""No password in clear by default (issue 13), against a real LabServer on 127.0.0.1.

The lab offers AUTH only inside TLS; a fault on EHLO makes it offer AUTH on the plain
port too, as a careless server would. The client must then refuse, before sending
anything (``UnencryptedAuthRefused``, a ``NotSupported``), unless the learner opts in
with ``allow_unencrypted_auth=True``; then the transcript says so loudly. Raw
``command("AUTH LOGIN")`` lines stay the learner's own business. Passwords are wrapped in
a ``SecretText`` on entry, so a verbose traceback (frame locals) does not show them.
"""

from __future__ import annotations

import base64
import pickle
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from interop.scripted import ScriptedServer, smtp_script

import smtplab
from smtplab import Client
from smtplab.auth import cram_md5_response, login_password, xoauth2_response
from smtplab.errors import (
    AuthenticationError,
    LocalProtocolError,
    NotSupported,
    RemoteProtocolError,
    ReplyError,
    Timeout,
    UnencryptedAuthRefused,
)
from smtplab.lab import LabServer
from smtplab.printable import printable
from smtplab.secrecy import MASK, SecretText, password_forms
from smtplab.transcript import Transcript
from smtplab.widgets import Composer, DraftForm
from smtplab.widgets.model import ServerChoice, deliver

AUTH_IN_CLEAR_EHLO = "250-lab.smtplab.test\n250-STARTTLS\n250 AUTH PLAIN LOGIN"
MESSAGE = smtplab.compose(sender="student@lab.smtplab.test", to="bob@example.com", body="Hi.")
WRONG_PASSWORD = "a-wrong-guess-7f3c9e"  # a constant, so no test frame holds it as a local
WARNING = "AUTH WITHOUT TLS"
TOKEN_WITH_CONTROL = "ya29.token\x01with-a-control"  # XOAUTH2 separates fields with ^A
LATIN1_BYTES = b"Gr\xfc\xdfe-aus-Latin-1"  # a password set in a Latin-1 terminal
LATIN1_PASSWORD = LATIN1_BYTES.decode("utf-8", "surrogateescape")  # as os.environ gives it


@pytest.fixture
def careless_lab() -> Iterator[LabServer]:
    """A lab whose plain port offers AUTH in its EHLO reply (through a fault)."""
    with LabServer() as lab:
        lab.fail("EHLO", AUTH_IN_CLEAR_EHLO)
        yield lab


def auth_lines_sent(transcript: Transcript) -> list[str]:
    """The AUTH command lines ``transcript`` holds, each without its masked secret."""
    lines = [entry.summary() for entry in transcript if entry.direction == "C"]
    return [line.split(MASK)[0].strip() for line in lines if line.startswith("AUTH")]


def lab_saw_auth(lab: LabServer) -> bool:
    return any("C: AUTH" in str(session) for session in lab.sessions)


def assert_said_loudly(transcript: Transcript) -> None:
    """The warning is in the text and the HTML, before the first AUTH line."""
    text = str(transcript)
    assert WARNING in text and WARNING in transcript._repr_html_()
    assert text.index(WARNING) < text.index("C: AUTH")


# ----------------------------------------------------------------- the client refuses


def test_login_refuses_auth_that_a_server_offers_in_clear(careless_lab: LabServer) -> None:
    lab = careless_lab
    client = Client(lab.host, lab.port, local_hostname="learner.example", timeout=5)
    client.ehlo()
    assert client.extensions.auth_mechanisms == {"PLAIN", "LOGIN"} and not client.tls_active
    with pytest.raises(UnencryptedAuthRefused) as caught:
        client.login("student", lab.users["student"])
    error = caught.value
    assert isinstance(error, NotSupported)  # `except NotSupported` cells keep working
    text = str(error)
    for words in ("base64", "anyone on the path", "security='starttls'", "security='tls'"):
        assert words in text
    assert "allow_unencrypted_auth=True" in text and "--allow-unencrypted-auth" in text
    assert "nothing was sent" in text
    assert error.transcript is client.transcript  # type: ignore[attr-defined]
    assert auth_lines_sent(client.transcript) == [] and WARNING not in str(client.transcript)
    assert client.quit() is not None  # the dialogue goes on: nothing was sent
    assert not lab_saw_auth(lab)


def test_login_refuses_after_starttls_was_refused_with_454(careless_lab: LabServer) -> None:
    lab = careless_lab
    lab.fail("STARTTLS", "454 4.7.0 TLS not available right now")
    with Client(lab.host, lab.port, local_hostname="learner.example", timeout=5) as client:
        with pytest.raises(ReplyError) as refused:
            client.starttls(lab.ssl_context())
        assert refused.value.code == 454 and not client.tls_active
        with pytest.raises(UnencryptedAuthRefused, match="454"):
            client.login("student", lab.users["student"], mechanism="PLAIN")
        assert auth_lines_sent(client.transcript) == []
    assert not lab_saw_auth(lab)


def test_the_lab_that_offers_auth_only_inside_tls_gets_the_same_advice_as_before(
    lab: LabServer,
) -> None:
    """Notebook 05's cell: the plain port lists STARTTLS and no AUTH."""
    with Client(lab.host, lab.port, local_hostname="learner.example", timeout=5) as client:
        with pytest.raises(NotSupported, match="only after STARTTLS"):
            client.login("student", lab.users["student"])
        assert auth_lines_sent(client.transcript) == []


def test_a_raw_auth_command_is_the_learners_own_business(lab: LabServer) -> None:
    with Client(lab.host, lab.port, local_hostname="learner.example", timeout=5) as client:
        client.ehlo()
        reply = client.command("AUTH LOGIN")
        assert reply is not None and reply.code == 538  # the lab refuses; the client did not
        assert auth_lines_sent(client.transcript) == ["AUTH LOGIN"]


def test_send_refuses_to_log_in_in_clear_and_sends_nothing(careless_lab: LabServer) -> None:
    lab = careless_lab
    with pytest.raises(UnencryptedAuthRefused) as caught:
        smtplab.send(
            MESSAGE,
            host=lab.host,
            port=lab.port,
            username="student",
            password=lab.users["student"],
            timeout=5,
        )
    transcript = caught.value.transcript  # type: ignore[attr-defined]
    assert auth_lines_sent(transcript) == [] and "MAIL FROM" not in str(transcript)
    assert lab.inbox == [] and not lab_saw_auth(lab)


def test_a_login_inside_tls_carries_no_warning(lab: LabServer) -> None:
    transcript = smtplab.send(
        MESSAGE,
        host=lab.host,
        port=lab.port,
        security="starttls",
        context=lab.ssl_context(),
        username="student",
        password=lab.users["student"],
        timeout=5,
    )
    assert "C: AUTH LOGIN" in str(transcript) and WARNING not in str(transcript)
    [message] = lab.wait_for(1)
    assert message.tls and message.auth_user == "student"


# ----------------------------------------------------------------- opting in


def test_opting_in_sends_auth_in_clear_and_the_transcript_says_so(
    careless_lab: LabServer,
) -> None:
    lab = careless_lab
    password = lab.users["student"]
    with Client(lab.host, lab.port, local_hostname="learner.example", timeout=5) as client:
        with pytest.raises(AuthenticationError):  # aiosmtpd still refuses AUTH in clear
            client.login("student", password, mechanism="PLAIN", allow_unencrypted_auth=True)
        assert auth_lines_sent(client.transcript) == ["AUTH PLAIN"]
        assert_said_loudly(client.transcript)
        assert password not in str(client.transcript) + client.transcript._repr_html_()
    assert lab_saw_auth(lab)


def test_send_opts_in_with_the_same_parameter(careless_lab: LabServer) -> None:
    lab = careless_lab
    with pytest.raises(AuthenticationError) as caught:
        smtplab.send(
            MESSAGE,
            host=lab.host,
            port=lab.port,
            username="student",
            password=lab.users["student"],
            timeout=5,
            allow_unencrypted_auth=True,
        )
    assert_said_loudly(caught.value.transcript)  # type: ignore[attr-defined]


def accept_plain(peer: Any) -> None:
    peer.send(b"235 2.7.0 Authentication successful\r\n")


def test_opting_in_logs_in_where_a_server_accepts_auth_in_clear() -> None:
    """A scripted server (plain TCP only) that takes AUTH PLAIN without TLS: the opt-in
    logs in, and the warning stands before the AUTH line."""
    ehlo = b"250-plain.test\r\n250 AUTH PLAIN\r\n"
    with ScriptedServer(smtp_script({"AUTH": accept_plain}, ehlo=ehlo)) as server:
        client = Client(server.host, server.port, timeout=3)
        with pytest.raises(UnencryptedAuthRefused):
            client.login("student", "lesson-password")
        reply = client.login("student", "lesson-password", allow_unencrypted_auth=True)
        client.close()
    assert reply.code == 235 and client.authenticated
    assert_said_loudly(client.transcript)


# ----------------------------------------------------------------- the secret type


def test_secret_text_shows_only_the_mask() -> None:
    secret = SecretText("hunter2-hunter2")
    assert "hunter2" not in repr(secret) + str(secret) + f"{secret}" + repr([secret])
    assert MASK in repr(secret) and secret.reveal() == "hunter2-hunter2"
    assert SecretText.wrap(secret) is secret and not SecretText("")
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(secret)
    with pytest.raises(TypeError, match="text"):
        SecretText(b"bytes")  # type: ignore[arg-type]


def verbose_traceback(error: BaseException) -> str:
    """The traceback as IPython's verbose mode shows it: every frame's locals."""
    return "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())


def assert_no_password(text: str, password: str) -> None:
    for form in {password, login_password(password), *password_forms("student", password)}:
        assert form not in text, f"{form!r} is in the traceback"


def test_a_failing_login_leaves_no_password_in_the_frames(lab: LabServer) -> None:
    client = Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())
    with client, pytest.raises(AuthenticationError) as caught:
        client.login("student", WRONG_PASSWORD)
    text = verbose_traceback(caught.value)
    assert "password = <SecretText" in text  # the locals are there, masked
    assert_no_password(text, WRONG_PASSWORD)


def test_a_send_cut_by_a_timeout_in_auth_leaves_no_password_in_the_frames(
    lab: LabServer,
) -> None:
    lab.hang("AUTH")
    with pytest.raises(Timeout) as caught:
        smtplab.send(
            MESSAGE,
            host=lab.host,
            port=lab.port,
            security="starttls",
            context=lab.ssl_context(),
            username="student",
            password=WRONG_PASSWORD,
            timeout=0.5,
        )
    text = verbose_traceback(caught.value)
    assert "auth_exchange" in text and "password = <SecretText" in text
    assert_no_password(text, WRONG_PASSWORD)


def test_a_plain_login_cut_by_a_timeout_leaves_no_blob_in_the_frames(lab: LabServer) -> None:
    """AUTH PLAIN carries the password (base64) on its first line; no answer comes."""
    lab.hang("AUTH")
    client = Client(lab.host, lab.port, security="starttls", context=lab.ssl_context(), timeout=0.5)
    with client, pytest.raises(Timeout) as caught:
        client.login("student", WRONG_PASSWORD, mechanism="PLAIN")
    text = verbose_traceback(caught.value)
    assert "command = Auth(mechanism='PLAIN'" in text
    assert_no_password(text, WRONG_PASSWORD)


# ----------------------------------------------------------------- the Composer


def test_a_custom_server_without_tls_needs_the_box_to_log_in() -> None:
    choice = ServerChoice("custom", "plain", "student", host="mail.example.org", port=25)
    problems = choice.problems(password_given=True)
    assert set(problems) == {"security"} and "Allow AUTH without TLS" in problems["security"]
    assert ServerChoice("custom", "plain", host="mail.example.org", port=25).problems() == {}
    allowed = ServerChoice(
        "custom", "plain", "student", host="m.example.org", port=25, allow_unencrypted_auth=True
    )
    assert allowed.problems(password_given=True) == {}
    assert allowed.resolve().allow_unencrypted_auth


def test_deliver_refuses_a_login_in_clear_unless_the_target_allows_it(
    careless_lab: LabServer,
) -> None:
    lab = careless_lab
    draft = DraftForm(sender="student@lab.smtplab.test", to="bob@example.com").draft()
    choice = ServerChoice("custom", "plain", "student", host=lab.host, port=lab.port)
    outcome = deliver(draft, choice.resolve(), lab.users["student"], timeout=5)
    assert not outcome.delivered and outcome.error_kind == "UnencryptedAuthRefused"
    assert auth_lines_sent(outcome.transcript) == [] and not lab_saw_auth(lab)
    allowed = ServerChoice(
        "custom", "plain", "student", host=lab.host, port=lab.port, allow_unencrypted_auth=True
    )
    outcome = deliver(draft, allowed.resolve(), lab.users["student"], timeout=5)
    assert auth_lines_sent(outcome.transcript) == ["AUTH LOGIN"]
    assert_said_loudly(outcome.transcript)


def test_the_composer_box_allows_auth_in_clear_for_a_custom_server(
    careless_lab: LabServer,
) -> None:
    lab = careless_lab
    form = DraftForm(sender="student@lab.smtplab.test", to="bob@example.com", body="hi")
    composer = Composer(None, local_hostname="learner.example", timeout=5).load(form)
    box = composer.allow_unencrypted_auth
    assert box.description == "Allow AUTH without TLS (lab lessons only)" and not box.value
    assert composer._rows["allow_unencrypted_auth"].layout.display == "none"  # provider
    composer.where.value = "custom"
    assert composer._rows["allow_unencrypted_auth"].layout.display == ""
    composer.host.value, composer.port.value = lab.host, lab.port
    composer.security.value = "plain"
    composer.user.value = "student"
    composer.password.value = lab.users["student"]
    refused = composer.send_mail(block=True)
    assert refused is not None and refused.error_kind == "invalid input"
    assert "Allow AUTH without TLS" in composer.field_errors["security"].value
    assert composer.password.value == "" and not lab_saw_auth(lab)
    box.value = True
    composer.password.value = lab.users["student"]
    outcome = composer.send_mail(block=True)
    assert outcome is not None and auth_lines_sent(outcome.transcript) == ["AUTH LOGIN"]
    assert_said_loudly(outcome.transcript)


def test_a_password_plain_cannot_carry_gets_plains_own_refusal(lab: LabServer) -> None:
    """A NUL in the password: PLAIN's encoder refuses it before anything is sent, and that
    refusal is the error the learner sees (masking the error must not raise another)."""
    client = Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())
    with client, pytest.raises(LocalProtocolError, match=r"password.*NUL") as caught:
        client.login("student", "nul\0inside", mechanism="PLAIN")
    assert caught.value.__context__ is None or caught.value.__suppress_context__
    assert "During handling" not in "".join(traceback.format_exception(caught.value))
    assert not lab_saw_auth(lab)
    text = verbose_traceback(caught.value)  # every frame's locals, as IPython's verbose mode
    assert "password = <SecretText" in text
    for form in (
        "nul\0inside",
        repr("nul\0inside")[1:-1],
        *password_forms("student", "nul\0inside"),
    ):
        assert form not in text, f"{form!r} is in the traceback"


def test_password_forms_keep_the_forms_an_encoder_refuses_out() -> None:
    """LOGIN and PLAIN cannot carry a NUL, XOAUTH2 can: only the forms that exist."""
    password = "nul\0inside"
    forms = password_forms("student", password)
    token = xoauth2_response("student", password)
    assert set(forms) == {password, printable(password), token}


def challenge_not_base64(peer: Any) -> None:
    peer.send(b"334 this is not base64!\r\n")


def test_a_broken_cram_md5_challenge_leaves_no_password_in_the_frames() -> None:
    """The encoder that signs the challenge refuses it (the server's fault): the error
    leaves without the encoder's frames, whose locals hold the password in clear."""
    ehlo = b"250-plain.test\r\n250 AUTH CRAM-MD5\r\n"
    with ScriptedServer(smtp_script({"AUTH": challenge_not_base64}, ehlo=ehlo)) as server:
        client = Client(server.host, server.port, timeout=3)
        with pytest.raises(RemoteProtocolError, match="base64") as caught:
            client.login(
                "student", WRONG_PASSWORD, mechanism="CRAM-MD5", allow_unencrypted_auth=True
            )
        client.close()
    assert_no_password(verbose_traceback(caught.value), WRONG_PASSWORD)


def test_a_token_xoauth2_cannot_carry_leaves_no_token_in_the_frames() -> None:
    """A ^A in an XOAUTH2 token: refused before anything is sent, and the traceback holds
    the token in no frame (the encoder's frames are left behind)."""
    ehlo = b"250-plain.test\r\n250 AUTH XOAUTH2\r\n"
    with ScriptedServer(smtp_script({}, ehlo=ehlo)) as server:
        client = Client(server.host, server.port, timeout=3)
        with pytest.raises(LocalProtocolError, match="token") as caught:
            client.login(
                "student", TOKEN_WITH_CONTROL, mechanism="XOAUTH2", allow_unencrypted_auth=True
            )
        client.close()
    text = verbose_traceback(caught.value)
    assert TOKEN_WITH_CONTROL not in text and repr(TOKEN_WITH_CONTROL)[1:-1] not in text
    assert "C: AUTH" not in str(client.transcript)  # nothing was sent


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_a_password_from_a_latin1_environment_goes_out_as_its_bytes(
    lab: LabServer, mechanism: str
) -> None:
    """os.environ (SMTPLAB_PASSWORD) hands bytes that are not UTF-8 over as lone
    surrogates: the password goes out as those bytes, exactly, and the server decides.
    No UnicodeEncodeError naming a character of the password and its position, with the
    password in clear in the encoder's frames and in the error itself."""
    client = Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())
    with client, pytest.raises(AuthenticationError, match="535") as caught:
        client.login("student", LATIN1_PASSWORD, mechanism=mechanism)
    text = verbose_traceback(caught.value)
    assert "password = <SecretText" in text
    for form in {LATIN1_PASSWORD, repr(LATIN1_PASSWORD)[1:-1], printable(LATIN1_PASSWORD)}:
        assert form not in text, f"{form!r} is in the traceback"
    sent = {"LOGIN": LATIN1_BYTES, "PLAIN": b"\0student\0" + LATIN1_BYTES}[mechanism]
    assert base64.b64encode(sent).decode() in str(client.transcript.reveal())
    assert base64.b64encode(sent).decode() not in text + str(client.transcript)


NOT_UTF8_PASSWORD = "pw\ud800Xq7zKv"  # a lone surrogate no os.environ byte stands for


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_a_password_utf8_cannot_carry_is_refused_without_showing_it(
    lab: LabServer, mechanism: str
) -> None:
    """A lone surrogate such as U+D800 (from JSON or a program, never from os.environ) is
    no character: the encoder refuses it with the kit's own error, before the password
    goes out. It used to be a UnicodeEncodeError whose ``object`` was the password, raised
    from frames that held it in clear."""
    client = Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())
    with client, pytest.raises(LocalProtocolError, match="lone surrogate") as caught:
        client.login("student", NOT_UTF8_PASSWORD, mechanism=mechanism)
    error = caught.value
    assert "position 2" in str(error)
    assert error.__context__ is None and error.__cause__ is None
    text = verbose_traceback(error) + repr(pickle.loads(pickle.dumps(error)).args)
    for form in {NOT_UTF8_PASSWORD, repr(NOT_UTF8_PASSWORD)[1:-1], "Xq7zKv"}:
        assert form not in text, f"{form!r} is in the traceback"
    if mechanism == "PLAIN":  # refused before the AUTH line was made
        assert "C: AUTH" not in str(client.transcript)


def test_cram_md5_refuses_a_password_utf8_cannot_carry() -> None:
    with pytest.raises(LocalProtocolError, match="lone surrogate") as caught:
        cram_md5_response("student", NOT_UTF8_PASSWORD, "PDE4OTY+")
    assert "Xq7zKv" not in str(caught.value) and caught.value.__context__ is None


def test_a_login_refused_mid_exchange_is_cancelled_so_quit_is_not_taken_for_the_password(
    lab: LabServer,
) -> None:
    """LOGIN's user name went out, then the encoder refuses the password (a NUL): the
    client cancels the exchange with "*" (RFC 4954 §4). Left open, the QUIT that closes
    the client was the server's password answer: a failed login counted against the
    account, and a transcript line "password hidden" for a password never sent."""
    client = Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())
    with pytest.raises(LocalProtocolError, match=r"password.*NUL"), client:
        client.login("student", "nul\0inside", mechanism="LOGIN")
    dialogue = str(client.transcript.dialogue()).splitlines()
    auth = dialogue[dialogue.index("C: AUTH LOGIN") :]
    assert auth[1:5] == ["S: 334 VXNlcm5hbWU6", "C: c3R1ZGVudA==", "S: 334 UGFzc3dvcmQ6", "C: *"]
    assert auth[5].startswith("S: 501") and auth[6:] == ["C: QUIT", "S: 221 2.0.0 Bye"]
    assert not any(entry.secret for entry in client.transcript)
    log = str(lab.sessions[-1])
    # "S: 535", not "535": the log's first line names the lab's port (54535 failed once)
    assert "C: *" in log and "S: 535" not in log and "S: 221" in log
