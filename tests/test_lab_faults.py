"""Faults on demand: refusals, greylisting, slow and silent servers, dropped connections."""

from __future__ import annotations

import smtplib
import socket
import threading
import time

import pytest

from smtplab.lab import LabServer
from smtplab.lab.faults import STEPS
from smtplab.replies import Reply

pytestmark = pytest.mark.timeout(30)

TIMEOUT = 5.0

# For each command step: the commands that lead to it, then the command itself.
DIALOGUE: dict[str, tuple[list[str], str]] = {
    "EHLO": ([], "EHLO learner.example"),
    "HELO": ([], "HELO learner.example"),
    "STARTTLS": (["EHLO learner.example"], "STARTTLS"),
    "AUTH": (["EHLO learner.example"], "AUTH LOGIN"),
    "MAIL": (["EHLO learner.example"], "MAIL FROM:<a@learner.example>"),
    "RCPT": (["EHLO learner.example", "MAIL FROM:<a@learner.example>"], "RCPT TO:<b@example.com>"),
    "DATA": (
        ["EHLO learner.example", "MAIL FROM:<a@learner.example>", "RCPT TO:<b@example.com>"],
        "DATA",
    ),
    "RSET": (["EHLO learner.example"], "RSET"),
    "NOOP": ([], "NOOP"),
    "VRFY": ([], "VRFY bob@example.com"),
    "HELP": ([], "HELP"),
    "QUIT": ([], "QUIT"),
}


def reach(lab: LabServer, raw_smtp, step: str, timeout: float = TIMEOUT):
    """Connect, read the greeting, run the commands leading to ``step``; return the
    client and the command for ``step`` (not sent yet)."""
    client = raw_smtp(lab.host, lab.port, timeout=timeout)
    client.read_reply()
    before, command = DIALOGUE[step]
    for line in before:
        assert client.command(line).code == 250, line
    return client, command


def start_message(lab: LabServer, raw_smtp, timeout: float = TIMEOUT):
    client, command = reach(lab, raw_smtp, "DATA", timeout)
    assert client.command(command).code == 354
    return client


def assert_closed(client) -> None:
    with pytest.raises((EOFError, ConnectionResetError)):
        client.read_reply()


def test_every_step_has_a_dialogue_or_its_own_test() -> None:
    assert set(DIALOGUE) | {"CONNECT", "BODY", "DATA_END"} == set(STEPS)


@pytest.mark.parametrize("step", sorted(DIALOGUE))
def test_fail_replaces_the_reply_at_each_command(lab: LabServer, raw_smtp, step: str) -> None:
    fault = lab.fail(step, f"554 5.7.1 Refused at {step}")
    client, command = reach(lab, raw_smtp, step)
    assert client.command(command).raw == f"554 5.7.1 Refused at {step}\r\n".encode()
    assert fault.used == 1
    if step not in ("NOOP", "QUIT"):
        assert client.command("NOOP").code == 250  # the other steps answer normally


def test_fail_at_connect_replaces_the_greeting_and_421_closes(lab: LabServer, raw_smtp) -> None:
    lab.fail("CONNECT", "421 4.3.2 Service shutting down, try later")
    client = raw_smtp(lab.host, lab.port)
    assert client.read_reply().raw == b"421 4.3.2 Service shutting down, try later\r\n"
    assert client.closed_by_server()
    with pytest.raises(smtplib.SMTPConnectError):
        smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT)


def test_a_greeting_of_several_lines_carries_no_enhanced_code(lab: LabServer, raw_smtp) -> None:
    """A 220 greeting given as a CONNECT fault is the initial greeting, which RFC 2034 §3
    exempts, as the lab's own greeting (it was sent as '220-2.0.0 ...'); a greeting may
    have several lines (RFC 5321 §4.2), and the dialogue goes on after it."""
    lab.fail("CONNECT", "220-lab.smtplab.test ESMTP\n220 lab.smtplab.test - ready", times=1)
    client = raw_smtp(lab.host, lab.port)
    greeting = client.read_reply()
    assert greeting.raw == b"220-lab.smtplab.test ESMTP\r\n220 lab.smtplab.test - ready\r\n"
    assert client.command("NOOP").raw == b"250 2.0.0 OK\r\n"


def test_a_refused_recipient_only_for_a_pattern(lab: LabServer) -> None:
    lab.fail("RCPT", "550 5.1.1 No such user here", address="nobody@*")
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        refused = client.sendmail(
            "a@learner.example",
            ["Nobody@example.com", "bob@example.com"],
            b"Subject: x\r\n\r\ny\r\n",
        )
    assert refused == {"Nobody@example.com": (550, b"5.1.1 No such user here")}
    assert lab.wait_for(1)[0].rcpt_tos == ["bob@example.com"]


def test_greylisting_refuses_once_then_accepts(lab: LabServer) -> None:
    """Greylisting defers the recipient, at RCPT TO (RFC 6647 §2.1), not the sender."""
    fault = lab.fail("RCPT", "451 4.7.1 Greylisted, try again later", times=1)
    assert lab.faults == [fault]
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("a@learner.example", ["b@example.com"], b"x\r\n")
        assert refused.value.recipients["b@example.com"][0] == 451
        client.rset()
        assert client.sendmail("a@learner.example", ["b@example.com"], b"x\r\n") == {}
    assert lab.faults == []
    assert fault.used == 1 and fault.remaining == 0
    assert len(lab.wait_for(1)) == 1


def test_a_reply_without_an_enhanced_code_gets_one(lab: LabServer, raw_smtp) -> None:
    lab.fail("MAIL", "452 Too many sessions right now")
    client, command = reach(lab, raw_smtp, "MAIL")
    assert client.command(command).raw == b"452 4.3.1 Too many sessions right now\r\n"


def test_multi_line_fault_reply(lab: LabServer, raw_smtp) -> None:
    lab.fail("RCPT", Reply.from_text(550, "5.7.1 First line", "5.7.1 Second line"))
    client, command = reach(lab, raw_smtp, "RCPT")
    reply = client.command(command)
    assert reply.raw == b"550-5.7.1 First line\r\n550 5.7.1 Second line\r\n"


def test_421_at_a_command_closes_the_connection(lab: LabServer, raw_smtp) -> None:
    lab.fail("RCPT", "421 4.3.2 Shutting down")
    client, _ = reach(lab, raw_smtp, "RCPT")
    client.send(b"RCPT TO:<b@example.com>\r\nNOOP\r\n")  # the NOOP is never answered
    assert client.read_reply().raw == b"421 4.3.2 Shutting down\r\n"
    assert_closed(client)
    log = lab.sessions[-1]
    assert log.received_lines()[-2:] == ["RCPT TO:<b@example.com>", "NOOP"]  # received...
    assert log.sent_lines()[-1] == "421 4.3.2 Shutting down"  # ...but never answered


def test_refused_message_at_data_end_is_not_delivered(lab: LabServer, raw_smtp) -> None:
    lab.fail("MESSAGE", "550 5.7.1 Message refused as spam")
    client = start_message(lab, raw_smtp)
    client.send(b"Subject: buy now\r\n\r\nx\r\n.\r\n")
    assert client.read_reply().raw == b"550 5.7.1 Message refused as spam\r\n"
    assert lab.inbox == []
    for expected in (550, 250):  # no times=: it applies until cleared
        client.command("MAIL FROM:<a@learner.example>")
        client.command("RCPT TO:<b@example.com>")
        client.command("DATA")
        client.send(b"Subject: again\r\n\r\nx\r\n.\r\n")
        assert client.read_reply().code == expected
        lab.clear_faults()
    assert len(lab.inbox) == 1


def test_slow_reply_then_normal_answer(lab: LabServer, raw_smtp) -> None:
    lab.slow("RCPT", 0.3)
    lab.fail("DATA_END", "451 4.3.0 Disk busy", delay=0.2, times=1)
    client, command = reach(lab, raw_smtp, "RCPT")
    started = time.monotonic()
    assert client.command(command).raw == b"250 2.1.5 OK\r\n"
    assert time.monotonic() - started >= 0.29
    client.command("DATA")
    started = time.monotonic()
    client.send(b"Subject: s\r\n\r\nx\r\n.\r\n")
    assert client.read_reply().raw == b"451 4.3.0 Disk busy\r\n"
    assert time.monotonic() - started >= 0.19


@pytest.mark.parametrize("step", ["CONNECT", "EHLO", "MAIL", "DATA_END"])
def test_hang_never_answers_and_the_lab_still_stops(raw_smtp, step: str) -> None:
    lab = LabServer().start()
    try:
        lab.hang(step)
        client = raw_smtp(lab.host, lab.port, timeout=0.3)
        if step == "CONNECT":
            pass
        elif step == "DATA_END":
            client.read_reply()
            for line in DIALOGUE["DATA"][0] + ["DATA"]:
                client.command(line)
            client.send(b"Subject: h\r\n\r\nx\r\n.\r\n")
        else:
            client.read_reply()
            before, command = DIALOGUE[step]
            for line in before:
                client.command(line)
            client.send(command + "\r\n")
        with pytest.raises(socket.timeout):
            client.read_reply()
    finally:
        started = time.monotonic()
        lab.stop()
    assert time.monotonic() - started < 1.0
    assert not any(t.name.startswith("smtplab-lab") for t in threading.enumerate())
    client.sock.settimeout(TIMEOUT)
    assert client.closed_by_server()


@pytest.mark.parametrize("step", sorted(DIALOGUE))
def test_drop_closes_without_a_reply_at_each_command(lab: LabServer, raw_smtp, step: str) -> None:
    lab.drop(step)
    client, command = reach(lab, raw_smtp, step)
    client.send(command + "\r\n")
    assert_closed(client)


def test_drop_at_connect(lab: LabServer, raw_smtp) -> None:
    lab.drop("CONNECT", times=1)
    assert_closed(raw_smtp(lab.host, lab.port))
    assert raw_smtp(lab.host, lab.port).read_reply().code == 220


def test_drop_in_the_middle_of_the_message(lab: LabServer, raw_smtp) -> None:
    lab.drop("BODY")
    client = start_message(lab, raw_smtp)
    client.send(b"Subject: half\r\n\r\nfirst half of the")
    assert_closed(client)
    assert lab.inbox == []
    session = lab.sessions[-1]
    deadline = time.monotonic() + TIMEOUT
    while not session.closed and time.monotonic() < deadline:
        time.sleep(0.01)
    body = session.lines[-1]
    assert body.kind == "body" and body.partial
    assert body.raw == b"Subject: half\r\n\r\nfirst half of the"


def test_reply_and_close_in_the_middle_of_the_message(lab: LabServer, raw_smtp) -> None:
    lab.fail("BODY", "421 4.4.2 Timeout while receiving the message")
    client = start_message(lab, raw_smtp)
    client.send(b"Subject: half\r\n")
    assert client.read_reply().raw == b"421 4.4.2 Timeout while receiving the message\r\n"
    assert_closed(client)


def test_drop_after_the_message_before_the_reply(lab: LabServer, raw_smtp) -> None:
    lab.drop("DATA_END")
    with (
        smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client,
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        client.sendmail("a@learner.example", ["b@example.com"], b"Subject: lost?\r\n\r\nx\r\n")
    assert lab.inbox == []


def test_clear_faults_restores_normal_answers(lab: LabServer) -> None:
    lab.fail("MAIL", "550 5.7.1 No")
    lab.drop("RCPT")
    assert len(lab.faults) == 2
    lab.clear_faults()
    assert lab.faults == []
    with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
        assert client.sendmail("a@learner.example", ["b@example.com"], b"x\r\n") == {}


def test_the_first_matching_fault_applies_and_times_counts(lab: LabServer, raw_smtp) -> None:
    lab.fail("NOOP", "450 4.2.0 First", times=2)
    lab.fail("NOOP", "550 5.0.0 Second", times=1)
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    answers = [client.command("NOOP").raw for _ in range(4)]
    assert answers == [
        b"450 4.2.0 First\r\n",
        b"450 4.2.0 First\r\n",
        b"550 5.0.0 Second\r\n",
        b"250 2.0.0 OK\r\n",
    ]


def test_pipelined_commands_with_a_refused_recipient(lab: LabServer, raw_smtp) -> None:
    lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*")
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    client.send(
        b"MAIL FROM:<a@learner.example>\r\nRCPT TO:<nobody@example.com>\r\n"
        b"RCPT TO:<bob@example.com>\r\nDATA\r\n"
    )
    codes = [client.read_reply().code for _ in range(4)]
    assert codes == [250, 550, 250, 354]
    client.send(b"Subject: p\r\n\r\nx\r\n.\r\n")
    assert client.read_reply().code == 250
    assert lab.wait_for(1)[0].rcpt_tos == ["bob@example.com"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda lab: lab.fail("BOGUS", "550 5.0.0 x"), "unknown step 'BOGUS'"),
        (lambda lab: lab.fail("MAIL", "354 go on"), "2xx, 4xx or 5xx"),
        (lambda lab: lab.fail("MAIL", "hello"), "must start with a 2xx, 4xx or 5xx code"),
        (lambda lab: lab.fail("MAIL", "550 4.1.1 x"), "must start with 5"),
        (lambda lab: lab.fail("MAIL", "550 x\r550 y"), "CR"),
        (lambda lab: lab.fail("EHLO", "550 5.0.0 x", address="a@*"), "MAIL or RCPT only"),
        (lambda lab: lab.slow("BODY", 1.0), "DATA_END"),
        (lambda lab: lab.hang("BODY"), "DATA_END"),
        (lambda lab: lab.drop("MAIL", times=0), "positive count"),
        (lambda lab: lab.slow("MAIL", -1), "finite number of seconds, zero or more"),
        (lambda lab: lab.slow("MAIL", float("nan")), "finite number of seconds"),
        (lambda lab: lab.slow("MAIL", float("inf")), "finite number of seconds"),
        (lambda lab: lab.fail("MAIL", "451 4.7.1 x", delay=float("inf")), "finite number"),
        (lambda lab: lab.drop("MAIL", delay=float("nan")), "finite number of seconds"),
        (lambda lab: lab.wait_for(1, timeout=float("nan")), "finite number of seconds"),
    ],
)
def test_fault_arguments_are_checked_with_helpful_messages(
    lab: LabServer, call, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(lab)
    assert lab.faults == []


def test_fault_description_reads_well(lab: LabServer) -> None:
    fault = lab.fail("rcpt", "550 5.1.1 No such user", address="nobody@*", times=3)
    assert fault.step == "RCPT"
    assert str(fault) == (
        "RCPT: reply 550 5.1.1 No such user for addresses matching nobody@* (3 of 3 uses left)"
    )
    assert str(lab.hang("EHLO")) == "EHLO: never answer (always)"


# -- the cost of no fault ------------------------------------------------------------------


def test_the_fault_book_answers_where_to_look_without_its_lock() -> None:
    from smtplab.lab.faults import Fault, FaultBook

    book = FaultBook()
    assert not book.has("MAIL") and book.take("MAIL") is None
    book.add(Fault("RCPT", "reply", ("550 5.1.1 no",), address="nobody@*"))
    book.add(Fault("MAIL", "slow", (), 0.0, times=1))
    assert book.has("RCPT") and book.has("MAIL")
    assert not book.has("DATA") and book.take("DATA") is None
    assert book.take("RCPT", "bob@example.com") is None
    assert book.take("RCPT", "nobody@example.com") is not None
    assert book.take("MAIL") is not None and book.take("MAIL") is None  # used up
    book.clear()
    assert not book.has("RCPT")


def test_an_address_fault_matches_the_address_aiosmtpd_parsed(lab: LabServer, raw_smtp) -> None:
    lab.fail("MAIL", "550 5.7.1 Sender refused", address="spam@*")
    lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*")
    client = raw_smtp(lab.host, lab.port)
    client.read_reply()
    client.command("EHLO learner.example")
    assert client.command("MAIL FROM: <Spam@Example.com> SIZE=10").code == 550
    assert client.command("MAIL FROM:<a@learner.example> SIZE=10").code == 250
    assert client.command("RCPT TO: <NOBODY@example.com>").code == 550
    assert client.command("RCPT TO:<bob@example.com>").code == 250
    assert [fault.used for fault in lab.faults] == [1, 1]
