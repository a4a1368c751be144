"""The checks of notebook 02 (a whole conversation by hand) against the reference
solutions and typical mistakes.

Each check must pass with its solution, say "not tried yet" for the untouched template,
and fail with the right hint for each usual wrong answer below. The wrong answers are
written as a learner would write them, with the notebook's helpers (``read_reply``,
``command``).
"""

from __future__ import annotations

import socket
import time

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution

from smtplab.course import labs
from smtplab.course.nb02 import (
    check_conversation,
    check_dot_line,
    check_what_next,
    transcript_of,
)
from smtplab.lab import LabServer

sol = load_solution("nb02_by_hand")
read_reply, command = sol.read_reply, sol.command

MESSAGE = b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: Hello by hand\r\n\r\nHi!\r\n"


@pytest.fixture(autouse=True)
def quick_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong answers that make the server wait time out after 1 s instead of 2 s."""
    monkeypatch.setattr(labs, "LEARNER_TIMEOUT", 1.0)


def envelope(sock: socket.socket) -> None:
    """The right opening, up to and including DATA's 354."""
    read_reply(sock)
    command(sock, "HELO learner.example")
    command(sock, "MAIL FROM:<alice@example.com>")
    command(sock, "RCPT TO:<bob@example.com>")
    assert command(sock, "DATA").startswith("354")


def skips_the_greeting(sock: socket.socket) -> str:
    command(sock, "HELO learner.example")  # gets the greeting...
    command(sock, "MAIL FROM:<alice@example.com>")  # ...and every reply one step late
    command(sock, "RCPT TO:<bob@example.com>")
    command(sock, "DATA")
    sock.sendall(MESSAGE + b".\r\n")
    final = read_reply(sock)
    command(sock, "QUIT")
    return final


def bare_lf_commands(sock: socket.socket) -> str:
    read_reply(sock)
    for line in ("HELO learner.example", "MAIL FROM:<alice@example.com>"):
        sock.sendall(line.encode() + b"\n")
        read_reply(sock)
    return "250"


def message_before_354(sock: socket.socket) -> str:
    read_reply(sock)
    command(sock, "HELO learner.example")
    command(sock, "MAIL FROM:<alice@example.com>")
    command(sock, "RCPT TO:<bob@example.com>")
    sock.sendall(b"DATA\r\n" + MESSAGE + b".\r\n")
    read_reply(sock)
    final = read_reply(sock)
    command(sock, "QUIT")
    return final


def ends_with_bare_lf_dot(sock: socket.socket) -> str:
    envelope(sock)
    sock.sendall(MESSAGE + b"\n.\n")
    return read_reply(sock)


def no_headers(sock: socket.socket) -> str:
    envelope(sock)
    sock.sendall(b"Hello by hand\r\n.\r\n")
    final = read_reply(sock)
    command(sock, "QUIT")
    return final


def no_empty_line_after_the_headers(sock: socket.socket) -> str:
    envelope(sock)
    sock.sendall(b"Subject: Hello by hand\r\nHi Bob,\r\n.\r\n")  # the body runs into them
    final = read_reply(sock)
    command(sock, "QUIT")
    return final


def sends_the_envelope_at_once(sock: socket.socket) -> str:
    """Three commands in one sendall, the replies read afterwards: the lab (HELO, no
    PIPELINING) answers them all, but the learner never waited for one."""
    read_reply(sock)
    sock.sendall(
        b"HELO learner.example\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\n"
    )
    for _reply in range(3):
        read_reply(sock)
    command(sock, "DATA")
    sock.sendall(MESSAGE + b".\r\n")
    final = read_reply(sock)
    command(sock, "QUIT")
    return final


def wrong_recipient(sock: socket.socket) -> str:
    read_reply(sock)
    command(sock, "HELO learner.example")
    command(sock, "MAIL FROM:<alice@example.com>")
    command(sock, "RCPT TO:<carol@example.com>")
    command(sock, "DATA")
    sock.sendall(MESSAGE + b".\r\n")
    final = read_reply(sock)
    command(sock, "QUIT")
    return final


def no_lone_dot(sock: socket.socket) -> str:
    envelope(sock)
    sock.sendall(MESSAGE)
    return read_reply(sock)


def by_exact_code(reply: str) -> str | None:
    return {"250": "done", "354": "go on", "451": "retry later", "550": "give up"}.get(reply[:3])


def gives_up_on_4xx(reply: str) -> str:
    return {"2": "done", "3": "go on"}.get(reply[0], "give up")


def calls_3xx_done(reply: str) -> str:
    return {"2": "done", "3": "done", "4": "retry later", "5": "give up"}[reply[0]]


def only_550_is_permanent(reply: str) -> str:
    if reply.startswith("550"):
        return "give up"
    return {"2": "done", "3": "go on"}.get(reply[0], "retry later")


def other_words(reply: str) -> str:
    return "ok"


def says_try_later(reply: str) -> str:
    return {"2": "done", "3": "go on", "4": "try later", "5": "give up"}[reply[0]]


def not_stuffed(sock: socket.socket) -> str:
    envelope(sock)
    sock.sendall(b"Subject: Dots\r\n\r\nHi Bob,\r\n...and that is all.\r\nAlice\r\n.\r\n")
    final = read_reply(sock)
    command(sock, "QUIT")
    return final


def bad_mail_from(sock: socket.socket) -> str:
    read_reply(sock)
    command(sock, "HELO learner.example")
    return command(sock, "MAIL FROM: <alice@example.com>")


def forgets_return(sock: socket.socket) -> None:
    sol.send_by_hand(sock)


def bare_lf_in_the_body(sock: socket.socket) -> str:
    envelope(sock)
    sock.sendall(b"Subject: Dots\r\n\r\nHi Bob,\n....and that is all.\nAlice\r\n.\r\n")
    return read_reply(sock)


def no_quit(sock: socket.socket) -> str:
    envelope(sock)
    sock.sendall(b"Subject: Dots\r\n\r\nHi Bob,\r\n....and that is all.\r\nAlice\r\n.\r\n")
    return read_reply(sock)


def ellipsis_forgetting_return(sock: socket.socket) -> None:
    sol.send_ellipsis(sock)


def only_451_is_temporary(reply: str) -> str:
    if reply.startswith("451"):
        return "retry later"
    return {"2": "done", "3": "go on"}.get(reply[0], "give up")


EXERCISES = [
    Exercise(
        number="02.1",
        title="a whole conversation",
        checks="send_by_hand(sock) holds the whole conversation on a strict lab (greeting, "
        "HELO, MAIL FROM, RCPT TO, DATA, the message, the lone dot, QUIT) and returns "
        "the reply to the dot",
        check=check_conversation,
        correct=sol.send_by_hand,
        mistakes=(
            Mistake(
                name="does not read the greeting",
                rule="the server speaks first: one reply read after each step",
                warned_in="02 · Connect, wait for the greeting, say HELO",
                answer=skips_the_greeting,
                hint="one step behind",
            ),
            Mistake(
                name="bare LF after commands",
                rule="every line ends with CRLF (RFC 5321 §2.3.8)",
                warned_in="02 · The plan; 01 · And a bare \\n?",
                answer=bare_lf_commands,
                hint="bare LF",
            ),
            Mistake(
                name="a space after MAIL FROM:",
                rule="MAIL FROM:<address>, the path right after the colon (RFC 5321 §4.1.2)",
                warned_in="02 · The envelope: MAIL FROM and RCPT TO (right after the colon)",
                answer=bad_mail_from,
                hint="a lenient server may have let your line through",
            ),
            Mistake(
                name="the message before 354",
                rule="after DATA wait for 354 before sending the message (RFC 5321 §4.1.1.4)",
                warned_in="02 · DATA: here comes the message",
                answer=message_before_354,
                hint="before the server answered '354",
            ),
            Mistake(
                name="no lone dot",
                rule="the message ends with a line holding only a dot (CRLF . CRLF)",
                warned_in="02 · The message (the lone dot)",
                answer=no_lone_dot,
                hint="send a line holding only a dot",
            ),
            Mistake(
                name="no headers, no empty line",
                rule="a message is headers, an empty line, then the body (RFC 5322)",
                warned_in="02 · The message (headers, an empty line, the body)",
                answer=no_headers,
                hint="empty line",
            ),
            Mistake(
                name="no empty line after the headers",
                rule="an empty line ends the headers; without it the body runs into them "
                "(RFC 5322 §2.1)",
                warned_in="02 · The message (the empty line: headers end, body begins)",
                answer=no_empty_line_after_the_headers,
                hint="no empty line after the headers",
            ),
            Mistake(
                name="commands sent before the replies",
                rule="wait for each reply before the next command: a server that did not "
                "offer PIPELINING may lose or refuse the rest (RFC 2920 §3.1)",
                warned_in="02 · The plan (after each step you wait for the server's reply)",
                answer=sends_the_envelope_at_once,
                hint="before the server had answered it",
            ),
            Mistake(
                name="another recipient",
                rule="servers deliver by the envelope: RCPT TO names the recipient",
                warned_in="02 · Envelope and headers",
                answer=wrong_recipient,
                hint="the envelope recipients are",
            ),
            Mistake(
                name="forgets return",
                rule="the function returns the reply to the lone dot",
                warned_in="02 · Your turn, exercise 1",
                answer=forgets_return,
                hint="you forgot to `return` the server's reply to the lone dot",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="02.2",
        title="what next?",
        checks="what_next(reply) for 14 real replies: 220 250 221 252, 354, 450 451 452, "
        "500 503 550 554",
        check=check_what_next,
        correct=sol.what_next,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="compares whole codes",
                rule="the first digit says what to do (RFC 5321 §4.2.1), every 2xx is done",
                warned_in="02 · Reply codes: the first digit",
                answer=by_exact_code,
                hint="Every 2xx reply means 'done'",
            ),
            Mistake(
                name="gives up on a 4xx",
                rule="4xx is transient: the same command may work later (greylisting)",
                warned_in="02 · A 4xx: retry later",
                answer=gives_up_on_4xx,
                hint="temporary failure",
            ),
            Mistake(
                name="only 451 is temporary",
                rule="every 4xx is transient, not only greylisting's 451",
                warned_in="02 · Reply codes: the first digit (4xx transient negative)",
                answer=only_451_is_temporary,
                hint="A 4xx reply is a temporary failure",
            ),
            Mistake(
                name="3xx taken for done",
                rule="3xx is intermediate: the server waits for more (354)",
                warned_in="02 · DATA: here comes the message (354 is not done)",
                answer=calls_3xx_done,
                hint="waits for more",
            ),
            Mistake(
                name="only 550 is permanent",
                rule="every 5xx is permanent: do not repeat it unchanged",
                warned_in="02 · A 5xx on purpose: a command out of order",
                answer=only_550_is_permanent,
                hint="Every 5xx reply",
            ),
            Mistake(
                name="other words",
                rule="the answer is one of: done, go on, retry later, give up",
                warned_in="02 · Your turn, exercise 2",
                answer=other_words,
                hint="return one of",
            ),
            Mistake(
                name="'try later', the kit's former word",
                rule="one vocabulary across 00, 02 and 07: a 4xx is 'retry later'",
                warned_in="02 · Reply codes: the first digit",
                answer=says_try_later,
                hint="a 4xx reply is 'retry later'",
            ),
        ),
    ),
    Exercise(
        number="02.3",
        title="a line that starts with a dot",
        checks="send_ellipsis(sock) sends a body whose middle line starts with '.', "
        "dot-stuffed, on a strict lab, and returns the reply to the lone dot",
        check=check_dot_line,
        correct=sol.send_ellipsis,
        mistakes=(
            Mistake(
                name="not dot-stuffed",
                rule="a line starting with '.' gets one more '.' (RFC 5321 §4.5.2)",
                warned_in="02 · The message (dot-stuffing)",
                answer=not_stuffed,
                hint="dot-stuffing",
            ),
            Mistake(
                name="bare LF inside the message",
                rule="inside the message too, every line ends with CRLF (RFC 5321 §2.3.8)",
                warned_in="02 · The message (every line ends with CRLF, here too)",
                answer=bare_lf_in_the_body,
                hint="a lenient server may have let it through",
            ),
            Mistake(
                name="ends with LF . LF",
                rule="the end of data is CRLF . CRLF; LF . LF is what SMTP smuggling abuses",
                warned_in="01 · And a bare \\n? (SMTP smuggling)",
                answer=ends_with_bare_lf_dot,
                hint="smuggling",
            ),
            Mistake(
                name="no QUIT",
                rule="say goodbye with QUIT and read the 221 (RFC 5321 §4.1.1.10)",
                warned_in="02 · The message (say goodbye)",
                answer=no_quit,
                hint="did not say goodbye",
            ),
            Mistake(
                name="forgets return",
                rule="the function returns the reply to the lone dot",
                warned_in="02 · Your turn, exercise 3",
                answer=ellipsis_forgetting_return,
                hint="you forgot to `return` the server's reply to the lone dot",
                kind="forgot return",
            ),
        ),
    ),
]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)


# --- the solutions pass, the templates are "not tried" ----------------------------------------


# --- exercise 1: the whole conversation ---------------------------------------------------------


def test_conversation_without_crlf() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        sock.sendall(b"HELO learner.example")
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "no line end")


def test_conversation_without_the_crlf_after_the_dot() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE + b".")
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "not the CRLF after it")


def test_conversation_with_the_dot_at_the_end_of_a_text_line() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE.rstrip(b"\r\n") + b".\r\n")
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "not alone on a line")


def test_conversation_without_helo() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        return command(sock, "MAIL FROM:<alice@example.com>")

    failed_with(check_conversation(send_by_hand), "send HELO first", "HELO learner.example")


def test_conversation_with_rcpt_before_mail() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        read_reply(sock)
        command(sock, "HELO learner.example")
        command(sock, "RCPT TO:<bob@example.com>")
        command(sock, "MAIL FROM:<alice@example.com>")
        return command(sock, "DATA")

    failed_with(check_conversation(send_by_hand), "503", "RCPT TO came before MAIL FROM")


def test_conversation_sending_the_message_as_str() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE.decode() + ".\r\n")  # type: ignore[arg-type]
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "bytes, not str")


def test_conversation_with_bare_lf_inside_the_message() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE.replace(b"\r\n", b"\n") + b"\r\n.\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_conversation(send_by_hand), "end with \\n only", "Inside a message")


def test_conversation_without_quit() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE + b".\r\n")
        return read_reply(sock)

    failed_with(check_conversation(send_by_hand), "QUIT", "221")


def test_conversation_returning_the_quit_reply() -> None:
    def send_by_hand(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(MESSAGE + b".\r\n")
        read_reply(sock)
        return command(sock, "QUIT")

    failed_with(check_conversation(send_by_hand), "the reply to QUIT")


# --- exercise 2: what next? -----------------------------------------------------------------------


# --- exercise 3: a line that starts with a dot -------------------------------------------------


def test_dot_line_without_the_empty_line_after_the_headers() -> None:
    def send_ellipsis(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(b"Subject: Dots\r\nHi Bob,\r\n....and that is all.\r\nAlice\r\n.\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_dot_line(send_ellipsis), "no empty line after the headers", "'Hi Bob,")


def test_conversation_never_reading_a_reply_is_told_to_wait() -> None:
    """Every line sent without reading a single reply: however the lab's log interleaves
    them, the hint is about waiting for the replies, never "no message" or "no QUIT"."""

    def send_by_hand(sock: socket.socket) -> str:
        for line in ("HELO learner.example", "MAIL FROM:<alice@example.com>"):
            sock.sendall(line.encode() + b"\r\n")
        sock.sendall(b"RCPT TO:<bob@example.com>\r\n")
        sock.sendall(b"DATA\r\n")
        sock.sendall(MESSAGE + b".\r\n")
        sock.sendall(b"QUIT\r\n")
        time.sleep(0.3)  # the lab reads it all before the socket closes
        return "250 OK"

    result = check_conversation(send_by_hand)
    assert result.status == "failed", result
    assert "before the server answered '354" in result.message or (
        "before the server had answered it" in result.message
    ), result.message


def test_dot_line_with_another_body() -> None:
    def send_ellipsis(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(b"Subject: Dots\r\n\r\nHi Bob,\r\nAlice\r\n.\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    failed_with(check_dot_line(send_ellipsis), "the body arrived as")


def test_dot_line_with_no_header_fields_but_the_empty_line() -> None:
    """No header field, then the empty line that ends the (empty) header section: the
    body is the three lines (RFC 5322 §2.1), as the notebook asks."""

    def send_ellipsis(sock: socket.socket) -> str:
        envelope(sock)
        sock.sendall(b"\r\nHi Bob,\r\n....and that is all.\r\nAlice\r\n.\r\n")
        final = read_reply(sock)
        command(sock, "QUIT")
        return final

    result = check_dot_line(send_ellipsis)
    assert result, result


# --- the picture ---------------------------------------------------------------------------------


def test_transcript_of_a_hand_made_session() -> None:
    with LabServer() as lab:
        sock = socket.create_connection((lab.host, lab.port), timeout=5)
        read_reply(sock)
        command(sock, "HELO learner.example")
        command(sock, "RCPT TO:<bob@example.com>")  # 503: out of order
        command(sock, "MAIL FROM:<alice@example.com>")
        command(sock, "RCPT TO:<bob@example.com>")
        command(sock, "DATA")
        sock.sendall(b"Subject: x\r\n\r\n..dot\r\n.\r\n")
        read_reply(sock)
        command(sock, "QUIT")
        sock.close()
        deadline = time.monotonic() + 2
        while not lab.sessions[-1].closed and time.monotonic() < deadline:
            time.sleep(0.01)
        transcript = transcript_of(lab.sessions[-1])
    text = str(transcript)
    assert "C: RCPT TO:<bob@example.com>" in text
    assert "S: 503 5.5.1 Error: need MAIL command" in text
    assert "C: ..dot" in text  # the body as it was on the wire, dot-stuffing included
    assert "C: QUIT" in text and "S: 221 2.0.0 Bye" in text
    diagram = transcript.diagram()
    assert "503 5.5.1" in diagram._repr_svg_()
