"""The error tree: what each error is, says and carries."""

from __future__ import annotations

import pickle

import pytest

from smtplab.errors import (
    AuthenticationError,
    ConnectError,
    DataRefused,
    Disconnected,
    LocalProtocolError,
    NotSupported,
    ProtocolError,
    RecipientRefused,
    RemoteProtocolError,
    ReplyError,
    SenderRefused,
    SmtplabError,
    Timeout,
    TLSError,
    TransportError,
    tls_hint,
)
from smtplab.replies import Reply

USER_UNKNOWN = Reply.from_text(550, "5.1.1 No such user")
GREYLISTED = Reply.from_text(451, "4.7.1 Greylisted, try again later")


@pytest.mark.parametrize(
    ("error", "parents"),
    [
        (ProtocolError, (SmtplabError,)),
        (LocalProtocolError, (ProtocolError, ValueError)),
        (RemoteProtocolError, (ProtocolError,)),
        (ReplyError, (SmtplabError,)),
        (AuthenticationError, (ReplyError,)),
        (SenderRefused, (ReplyError,)),
        (RecipientRefused, (ReplyError,)),
        (DataRefused, (ReplyError,)),
        (NotSupported, (SmtplabError,)),
        (TransportError, (SmtplabError,)),
        (ConnectError, (TransportError, ConnectionError)),
        (Disconnected, (TransportError, ConnectionError)),
        (Timeout, (TransportError, TimeoutError)),
        (TLSError, (TransportError,)),
    ],
)
def test_tree(error: type[Exception], parents: tuple[type[Exception], ...]) -> None:
    for parent in parents:
        assert issubclass(error, parent)


def test_remote_protocol_error_is_not_a_value_error() -> None:
    assert not issubclass(RemoteProtocolError, ValueError)


def test_builtin_catches_work() -> None:
    with pytest.raises(TimeoutError):
        raise Timeout("no answer in 10 s")
    with pytest.raises(ConnectionError):
        raise Disconnected("the server closed the connection")


def test_reply_error_message() -> None:
    error = RecipientRefused(
        USER_UNKNOWN, "RCPT TO:<nobody@example.com>", recipient="nobody@example.com"
    )
    text = str(error)
    assert text.splitlines()[0] == (
        "RCPT TO:<nobody@example.com>: the server answered 550 5.1.1 No such user"
    )
    assert "meaning: 550: the mailbox is unavailable" in text
    assert "what to do: read the server's text above" in text
    assert error.recipient == "nobody@example.com"
    assert error.code == 550
    assert error.is_permanent and not error.is_transient
    assert error.explain().startswith("550:")


def test_transient_advice_and_hint() -> None:
    assert "try the same thing again" in str(ReplyError(GREYLISTED))
    assert ReplyError(GREYLISTED).is_transient
    hinted = AuthenticationError(
        Reply.from_text(535, "5.7.8 Error: authentication failed"),
        "AUTH LOGIN",
        hint="for QQ Mail, use the authorization code, not your password.",
    )
    assert str(hinted).endswith(
        "what to do: for QQ Mail, use the authorization code, not your password."
    )


def test_unexpected_success_advice() -> None:
    text = str(DataRefused(Reply.from_text(250, "OK")))
    assert "not the one this step expects" in text


@pytest.mark.parametrize(
    "error",
    [
        ReplyError(USER_UNKNOWN, "step", "hint"),
        SenderRefused(USER_UNKNOWN, "MAIL FROM:<a@b.c>", sender="a@b.c"),
        RecipientRefused(USER_UNKNOWN, "RCPT", recipient="x@y.z"),
        AuthenticationError(USER_UNKNOWN),
        DataRefused(USER_UNKNOWN, "DATA"),
    ],
)
def test_reply_errors_pickle(error: ReplyError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.reply == error.reply and copy.reply.raw == error.reply.raw
    assert getattr(copy, "recipient", None) == getattr(error, "recipient", None)
    assert getattr(copy, "sender", None) == getattr(error, "sender", None)


def test_every_client_error_pickles_without_its_transcript(lab) -> None:
    """Not only a ReplyError: an error the client raised carries the session's transcript
    (locks, secrets), which stays behind when the error is pickled (multiprocessing, a
    notebook's parallel tools); its words and fields travel."""
    from smtplab import Client
    from smtplab.errors import LocalProtocolError, TLSError

    with Client(lab.host, lab.port) as client, pytest.raises(LocalProtocolError) as caught:
        client.mail("bad\r\naddress@example.com")
    assert caught.value.transcript is client.transcript
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is LocalProtocolError and str(copy) == str(caught.value)
    assert getattr(copy, "transcript", None) is None
    tls = TLSError("handshake failed")
    tls.transcript = client.transcript
    copy = pickle.loads(pickle.dumps(tls))
    assert str(copy) == "handshake failed" and getattr(copy, "transcript", None) is None


@pytest.mark.parametrize(
    ("reason", "verify", "needle"),
    [
        ("WRONG_VERSION_NUMBER", None, "implicit TLS to a STARTTLS port"),
        ("CERTIFICATE_VERIFY_FAILED", None, "lab.ssl_context()"),
        (
            "CERTIFICATE_VERIFY_FAILED",
            "Hostname mismatch, certificate is not valid",
            "another name",
        ),
        ("CERTIFICATE_VERIFY_FAILED", "certificate has expired", "expired"),
        ("CERTIFICATE_VERIFY_FAILED", "self-signed certificate in chain", "self-signed"),
        ("CERTIFICATE_VERIFY_FAILED", "unable to get local issuer certificate", "issued"),
        ("CERTIFICATE_VERIFY_FAILED", "something new", "could not be verified: something new"),
        (None, "something new", "could not be verified: something new"),
        ("TLSV1_ALERT_UNKNOWN_CA", None, "does not trust"),
        ("UNSUPPORTED_PROTOCOL", None, "no TLS version in common"),
        (None, None, "465 is implicit TLS"),
        ("SOMETHING_ELSE", None, "465 is implicit TLS"),
    ],
)
def test_tls_hint(reason: str | None, verify: str | None, needle: str) -> None:
    assert needle in tls_hint(reason, verify)


def test_docstring_examples() -> None:
    import doctest

    import smtplab.errors

    result = doctest.testmod(smtplab.errors)
    assert result.attempted > 0 and result.failed == 0


# --- the 553 note follows the enhanced code (issue 16) ---------------------------------------


@pytest.mark.parametrize(
    ("status", "says", "never"),
    [
        ("5.6.7", "SMTPUTF8", "send as"),
        ("5.1.7", "malformed", "send as"),
        ("5.7.1", "send as this address", "SMTPUTF8"),
    ],
)
def test_a_553_to_mail_from_is_explained_by_its_enhanced_code(
    status: str, says: str, never: str
) -> None:
    from smtplab.annotate import _failure_note

    reply = Reply.from_text(553, f"{status} refused")
    advice = str(SenderRefused(reply, "MAIL FROM:<x@example.com>")).split("what to do:")[1]
    note = _failure_note("MAIL", reply, None)
    assert says in advice and never not in advice
    assert says.split()[0] in note and never not in note


def test_a_553_for_a_non_ascii_recipient_says_declare_smtputf8() -> None:
    from smtplab.annotate import _failure_note

    reply = Reply.from_text(553, "5.6.7 Must declare SMTPUTF8 to send unicode address")
    assert "SMTPUTF8" in _failure_note("RCPT", reply, None)
    assert "SMTPUTF8" in str(RecipientRefused(reply, "RCPT TO:<张三@example.com>"))


def test_the_labs_553_for_an_undeclared_non_ascii_sender_is_noted_as_smtputf8(lab) -> None:
    """The real lab answers 553 5.6.7 (RFC 6531 §3.5); the transcript's note follows it."""
    from smtplab import Client

    with Client(lab.host, lab.port, local_hostname="learner.example") as client:
        client.ehlo()
        reply = client.command("MAIL FROM:<张三@example.com>")
        assert (reply.code, str(reply.enhanced)) == (553, "5.6.7")
        shown = client.transcript.text()
    assert "declare SMTPUTF8" in shown and "send as" not in shown
