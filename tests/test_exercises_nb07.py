"""The checks of notebook 07 (When things go wrong) against the solutions and typical mistakes.

Each check must pass with its solution, say "not tried yet" for the untouched template
(a body of ``...``), and fail with the right hint for each usual wrong answer below. The
retry and delivery checks run real labs with faults, so these tests are integration tests.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from typing import Any

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution

from smtplab import Client
from smtplab.course.nb07 import check_decide, check_retry, check_undelivered
from smtplab.errors import RecipientRefused, ReplyError, SenderRefused
from smtplab.lab import LabServer
from smtplab.replies import Reply

pytestmark = pytest.mark.timeout(60)

sol = load_solution("nb07_errors")


def client_for(lab: LabServer) -> Client:
    return Client(lab.host, lab.port, local_hostname="learner.example")


# --- the solutions pass, the templates are "not tried" -------------------------------------


def test_the_solutions_pass() -> None:
    for result in (
        check_decide(sol.decide),
        check_retry(sol.send_with_retry),
        check_undelivered(sol.undelivered),
    ):
        assert result.status == "passed", result
        assert bool(result)


def test_untouched_templates_are_not_tried() -> None:
    def decide(reply):  # type: ignore[no-untyped-def]
        ...

    def send_with_retry(lab, msg):  # type: ignore[no-untyped-def]
        ...

    def undelivered(lab, msg):  # type: ignore[no-untyped-def]
        ...

    for result in (
        check_decide(decide),
        check_retry(send_with_retry),
        check_undelivered(undelivered),
    ):
        assert result.status == "not tried", result
        assert "not tried yet" in str(result)


def test_a_template_that_raises_not_implemented_is_not_tried() -> None:
    def decide(reply: Reply) -> str:
        raise NotImplementedError

    assert check_decide(decide).status == "not tried"


# --- exercise 1: decide(reply) -------------------------------------------------------------


def test_decide_treating_every_failure_as_final_misses_the_4xx() -> None:
    def decide(reply: Reply) -> str:
        return "give up"

    failed_with(check_decide(decide), "451 4.7.1", "starts with 4", "'retry later'")


def test_decide_that_only_retries_450_and_451_misses_421() -> None:
    def decide(reply: Reply) -> str:
        if reply.code in (450, 451):
            return "retry later"
        return "give up"

    failed_with(check_decide(decide), "421", "closes the connection")


def test_decide_that_gives_up_on_every_5xx_misses_the_syntax_error() -> None:
    def decide(reply: Reply) -> str:
        return "retry later" if reply.is_transient else "give up"

    failed_with(check_decide(decide), "500 5.5.2", "second digit is 0", "'fix and resend'")


def test_decide_that_reads_an_enhanced_code_which_is_not_there_gets_told() -> None:
    def decide(reply: Reply) -> str:
        if reply.klass == 4:
            return "retry later"
        if reply.enhanced.subject == 5 or (reply.enhanced.subject, reply.enhanced.detail) in (
            (3, 4),
            (7, 8),
        ):
            return "fix and resend"
        return "give up"

    failed_with(check_decide(decide), "AttributeError", "reply.enhanced is None")


def test_decide_that_trusts_552_alone_misses_the_full_mailbox() -> None:
    def decide(reply: Reply) -> str:
        if reply.klass == 4:
            return "retry later"
        if reply.code // 10 % 10 == 0 or reply.code in (552, 535):
            return "fix and resend"
        return "give up"

    failed_with(check_decide(decide), "552 5.2.2", "mailbox is full", "reply.enhanced")


def test_decide_that_forgets_the_wrong_password_is_told_about_5_7_8() -> None:
    def decide(reply: Reply) -> str:
        if reply.klass == 4:
            return "retry later"
        if reply.code // 10 % 10 == 0 or str(reply.enhanced) == "5.3.4":
            return "fix and resend"
        return "give up"

    failed_with(check_decide(decide), "535 5.7.8", "user name or password")


def test_decide_that_retries_a_permanent_failure_is_told_it_is_permanent() -> None:
    def decide(reply: Reply) -> str:
        if reply.code // 10 % 10 == 0 or str(reply.enhanced) in ("5.3.4", "5.7.8"):
            return "fix and resend"
        return "retry later"

    failed_with(check_decide(decide), "550 5.1.1", "5xx: permanent", "'give up'")


def test_decide_with_a_misspelt_answer_is_told_the_three_choices() -> None:
    def decide(reply: Reply) -> str:
        return "retry" if reply.is_transient else "give up"

    failed_with(check_decide(decide), "returned 'retry'", "'retry later', 'fix and resend'")


# --- exercise 2: send_with_retry(lab, msg) -------------------------------------------------


def test_retry_without_any_retry_is_caught_from_the_mail_commands() -> None:
    def send_with_retry(lab: LabServer, msg: Any) -> Reply:
        try:
            with client_for(lab) as client:
                return client.send_message(msg)
        except ReplyError as err:
            return err.reply

    failed_with(check_retry(send_with_retry), "451", "did not try again")


def test_retry_without_a_pause_is_told_to_wait() -> None:
    def send_with_retry(lab: LabServer, msg: Any) -> Reply:
        for attempt in range(3):
            try:
                with client_for(lab) as client:
                    return client.send_message(msg)
            except ReplyError as err:
                if err.is_permanent or attempt == 2:
                    return err.reply
        raise AssertionError("not reached")

    failed_with(check_retry(send_with_retry), "tried again after waiting", "time.sleep")


def test_retry_after_a_5xx_is_caught() -> None:
    def send_with_retry(lab: LabServer, msg: Any) -> Reply:
        for attempt in range(3):
            try:
                with client_for(lab) as client:
                    return client.send_message(msg)
            except ReplyError as err:
                if attempt == 2:
                    return err.reply
                time.sleep(0.15)
        raise AssertionError("not reached")

    failed_with(check_retry(send_with_retry), "550", "tried 3 times", "permanent")


def test_retry_forever_is_stopped_and_caught() -> None:
    def send_with_retry(lab: LabServer, msg: Any) -> Reply:
        while True:
            try:
                with client_for(lab) as client:
                    return client.send_message(msg)
            except ReplyError as err:
                if err.is_permanent:
                    return err.reply
                time.sleep(0.11)

    failed_with(check_retry(send_with_retry), "always answers 451", "Stop after a few")


def test_retry_on_the_same_connection_breaks_after_421() -> None:
    def send_with_retry(lab: LabServer, msg: Any) -> Reply:
        with client_for(lab) as client:
            for attempt in range(3):
                try:
                    return client.send_message(msg)
                except ReplyError as err:
                    if err.is_permanent or attempt == 2:
                        return err.reply
                    time.sleep(0.15)
        raise AssertionError("not reached")

    failed_with(check_retry(send_with_retry), "421", "Disconnected", "new Client")


def test_retry_that_catches_the_wrong_error_is_told_to_catch_reply_error() -> None:
    """Greylisting defers at RCPT TO (RFC 6647): catching SenderRefused alone misses it."""
    failed_with(
        check_retry(retry_catches_sender_refused), "RecipientRefused (451) escape", "ReplyError"
    )


def test_retry_that_forgets_to_return_the_reply_is_told() -> None:
    def send_with_retry(lab: LabServer, msg: Any) -> bool:
        for attempt in range(3):
            try:
                with client_for(lab) as client:
                    client.send_message(msg)
                    return True
            except ReplyError:
                if attempt == 2:
                    return False
                time.sleep(0.15)
        return False

    failed_with(check_retry(send_with_retry), "returned True", "Return the last Reply")


def test_retry_that_sends_every_time_makes_duplicates() -> None:
    def send_with_retry(lab: LabServer, msg: Any) -> Reply | None:
        last = None
        for _ in range(3):
            try:
                with client_for(lab) as client:
                    last = client.send_message(msg)
            except ReplyError as err:
                last = err.reply
                time.sleep(0.15)
        return last

    failed_with(check_retry(send_with_retry), "arrived 2 times", "duplicates")


# --- exercise 3: undelivered(lab, msg) -----------------------------------------------------


def test_undelivered_that_trusts_the_final_250_is_pointed_to_last_refused() -> None:
    def undelivered(lab: LabServer, msg: Any) -> list[str]:
        with client_for(lab) as client:
            client.send_message(msg)
        return []

    failed_with(check_undelivered(undelivered), "returned no one", "client.last_refused")


def test_undelivered_that_lets_recipient_refused_escape_is_told() -> None:
    def undelivered(lab: LabServer, msg: Any) -> list[str]:
        with client_for(lab) as client:
            client.send_message(msg)
        return list(client.last_refused)

    failed_with(
        check_undelivered(undelivered), "every recipient unknown", "RecipientRefused escape"
    )


def test_undelivered_that_returns_only_err_recipient_is_told_about_the_others() -> None:
    def undelivered(lab: LabServer, msg: Any) -> list[str]:
        try:
            with client_for(lab) as client:
                client.send_message(msg)
        except RecipientRefused as err:
            return [err.recipient]
        return list(client.last_refused)

    failed_with(check_undelivered(undelivered), "err.recipient names only the first")


def test_undelivered_that_returns_the_delivered_ones_is_caught() -> None:
    def undelivered(lab: LabServer, msg: Any) -> list[str]:
        client = client_for(lab)
        try:
            with client:
                client.send_message(msg)
        except RecipientRefused:
            pass
        return [m for m in ("bob@example.com", "carol@example.com") if m not in client.last_refused]

    failed_with(check_undelivered(undelivered), "only nobody@example.com was refused")


def test_undelivered_returning_a_string_is_asked_for_a_list() -> None:
    def undelivered(lab: LabServer, msg: Any) -> str:
        with client_for(lab) as client:
            client.send_message(msg)
        return ", ".join(client.last_refused)

    failed_with(check_undelivered(undelivered), "Return a list")


def test_undelivered_that_sends_nothing_is_told_to_send() -> None:
    def undelivered(lab: LabServer, msg: Any) -> list[str]:
        return ["nobody@example.com"]

    failed_with(check_undelivered(undelivered), "no message arrived", "send_message")


def test_undelivered_returning_none_when_all_went_well_is_told() -> None:
    def undelivered(lab: LabServer, msg: Any) -> list[str] | None:
        client = client_for(lab)
        try:
            with client:
                client.send_message(msg)
        except RecipientRefused:
            pass
        return list(client.last_refused) or None

    failed_with(check_undelivered(undelivered), "everyone known", "empty list")


# --- the catalogue: the wrong answers above, as rows of docs/exercises.md ------------------


def decide_gives_up_always(reply: Reply) -> str:
    return "give up"


def decide_retries_450_451_only(reply: Reply) -> str:
    return "retry later" if reply.code in (450, 451) else "give up"


def decide_by_first_digit_only(reply: Reply) -> str:
    return "retry later" if reply.is_transient else "give up"


def decide_reads_missing_enhanced(reply: Reply) -> str:
    if reply.klass == 4:
        return "retry later"
    enhanced = reply.enhanced
    if enhanced.subject == 5 or (enhanced.subject, enhanced.detail) in ((3, 4), (7, 8)):  # type: ignore[union-attr]
        return "fix and resend"
    return "give up"


def decide_trusts_552(reply: Reply) -> str:
    if reply.klass == 4:
        return "retry later"
    if reply.code // 10 % 10 == 0 or reply.code in (552, 535):
        return "fix and resend"
    return "give up"


def decide_forgets_5_7_8(reply: Reply) -> str:
    if reply.klass == 4:
        return "retry later"
    if reply.code // 10 % 10 == 0 or str(reply.enhanced) == "5.3.4":
        return "fix and resend"
    return "give up"


def decide_retries_permanent(reply: Reply) -> str:
    if reply.code // 10 % 10 == 0 or str(reply.enhanced) in ("5.3.4", "5.7.8"):
        return "fix and resend"
    return "retry later"


def decide_compares_enhanced_with_a_str(reply: Reply) -> str:
    """print(reply.enhanced) shows 5.3.4, but it is an EnhancedStatus: == '5.3.4' is False."""
    if reply.klass == 4:
        return "retry later"
    if reply.code // 10 % 10 == 0 or reply.enhanced in ("5.3.4", "5.7.8"):
        return "fix and resend"
    return "give up"


def decide_misspelt(reply: Reply) -> str:
    return "retry" if reply.is_transient else "give up"


def decide_syntax_500_501_only(reply: Reply) -> str:
    """Lists the syntax errors it knows instead of reading the second digit."""
    if reply.klass == 4:
        return "retry later"
    if reply.code in (500, 501) or str(reply.enhanced) in ("5.3.4", "5.7.8"):
        return "fix and resend"
    return "give up"


def retry_tries(tries: int, pause: Callable[[int], float] = lambda attempt: 0.15) -> Any:
    """The solution's loop with ``tries`` tries in all, waiting ``pause(attempt)`` seconds
    after the failed try ``attempt``."""

    def send_with_retry(lab: LabServer, msg: Any) -> Reply:
        for attempt in range(tries):
            try:
                with client_for(lab) as client:
                    return client.send_message(msg)
            except ReplyError as err:
                if err.is_permanent or attempt == tries - 1:
                    return err.reply
                time.sleep(pause(attempt))
        raise AssertionError("not reached")

    return send_with_retry


def retry_never(lab: LabServer, msg: Any) -> Reply:
    try:
        with client_for(lab) as client:
            return client.send_message(msg)
    except ReplyError as err:
        return err.reply


def retry_at_once(lab: LabServer, msg: Any) -> Reply:
    for attempt in range(3):
        try:
            with client_for(lab) as client:
                return client.send_message(msg)
        except ReplyError as err:
            if err.is_permanent or attempt == 2:
                return err.reply
    raise AssertionError("not reached")


def retry_a_5xx_too(lab: LabServer, msg: Any) -> Reply:
    for attempt in range(3):
        try:
            with client_for(lab) as client:
                return client.send_message(msg)
        except ReplyError as err:
            if attempt == 2:
                return err.reply
            time.sleep(0.15)
    raise AssertionError("not reached")


def retry_forever(lab: LabServer, msg: Any) -> Reply:
    while True:
        try:
            with client_for(lab) as client:
                return client.send_message(msg)
        except ReplyError as err:
            if err.is_permanent:
                return err.reply
            time.sleep(0.11)


def retry_on_the_same_connection(lab: LabServer, msg: Any) -> Reply:
    with client_for(lab) as client:
        for attempt in range(3):
            try:
                return client.send_message(msg)
            except ReplyError as err:
                if err.is_permanent or attempt == 2:
                    return err.reply
                time.sleep(0.15)
    raise AssertionError("not reached")


def retry_catches_sender_refused(lab: LabServer, msg: Any) -> Reply:
    for attempt in range(3):
        try:
            with client_for(lab) as client:
                return client.send_message(msg)
        except SenderRefused as err:  # as if greylisting deferred MAIL FROM
            if err.is_permanent or attempt == 2:
                return err.reply
            time.sleep(0.15)
    raise AssertionError("not reached")


def retry_sends_every_time(lab: LabServer, msg: Any) -> Reply | None:
    last = None
    for _ in range(3):
        try:
            with client_for(lab) as client:
                last = client.send_message(msg)
        except ReplyError as err:
            last = err.reply
            time.sleep(0.15)
    return last


def retry_returns_a_forgotten_err(lab: LabServer, msg: Any) -> Reply:
    """Returns err.reply after the loop: Python has forgotten err when its block ended."""
    for _ in range(3):
        try:
            with client_for(lab) as client:
                return client.send_message(msg)
        except ReplyError as err:
            if err.is_permanent:
                return err.reply
            time.sleep(0.15)
    return err.reply  # type: ignore[possibly-undefined]  # noqa: F821


def retry_without_return(lab: LabServer, msg: Any) -> None:
    sol.send_with_retry(lab, msg)


def bare_lf_bytes(msg: Any) -> bytes:
    """The message with bare LF line ends, as a hand-written bytes message has them
    (smtplib sends bytes as they are; it fixes the line ends of a str only)."""
    return bytes(msg.to_bytes().replace(b"\r\n", b"\n"))


def retry_with_smtplib_and_bare_lf(lab: LabServer, msg: Any) -> Reply:
    """The notebook's "with the standard library" way, the message's lines ending in LF."""
    for attempt in range(3):
        try:
            with smtplib.SMTP(lab.host, lab.port, local_hostname="learner.example") as server:
                server.sendmail(msg.mail_from, list(msg.recipients), bare_lf_bytes(msg))
                return Reply.from_text(250, "OK")
        except smtplib.SMTPRecipientsRefused as err:
            code, text = next(iter(err.recipients.values()))
        except smtplib.SMTPResponseException as err:
            code, text = err.smtp_code, err.smtp_error
        if code >= 500 or attempt == 2:
            return Reply.from_text(code, text.decode())
        time.sleep(0.15)
    raise AssertionError("not reached")


def undelivered_with_smtplib_and_bare_lf(lab: LabServer, msg: Any) -> list[str]:
    """Sends with bare LF line ends, and takes any failure for the refused recipients."""
    server = smtplib.SMTP(lab.host, lab.port, local_hostname="learner.example")
    try:
        return list(server.sendmail(msg.mail_from, list(msg.recipients), bare_lf_bytes(msg)))
    except smtplib.SMTPRecipientsRefused as err:
        return list(err.recipients)
    except smtplib.SMTPException:
        return [to for to in msg.recipients if to.startswith("nobody@")]
    finally:
        server.close()


def undelivered_trusts_250(lab: LabServer, msg: Any) -> list[str]:
    with client_for(lab) as client:
        client.send_message(msg)
    return []


def undelivered_lets_refusal_escape(lab: LabServer, msg: Any) -> list[str]:
    with client_for(lab) as client:
        client.send_message(msg)
    return list(client.last_refused)


def undelivered_only_err_recipient(lab: LabServer, msg: Any) -> list[str]:
    try:
        with client_for(lab) as client:
            client.send_message(msg)
    except RecipientRefused as err:
        return [err.recipient]
    return list(client.last_refused)


def undelivered_returns_the_delivered(lab: LabServer, msg: Any) -> list[str]:
    client = client_for(lab)
    try:
        with client:
            client.send_message(msg)
    except RecipientRefused:
        pass
    return [m for m in ("bob@example.com", "carol@example.com") if m not in client.last_refused]


def undelivered_as_a_string(lab: LabServer, msg: Any) -> str:
    with client_for(lab) as client:
        client.send_message(msg)
    return ", ".join(client.last_refused)


def undelivered_sends_nothing(lab: LabServer, msg: Any) -> list[str]:
    return ["nobody@example.com"]


def undelivered_without_return(lab: LabServer, msg: Any) -> None:
    sol.undelivered(lab, msg)


EXERCISES = [
    Exercise(
        number="07.1",
        title="read a failure: decide(reply)",
        checks="decide(reply) for fourteen 4xx/5xx replies, with and without enhanced codes "
        "(451, 421, 450, 550 5.1.1, 554 5.7.1, 550, 500 5.5.2, 501, 502, 503 5.5.1, 504 5.5.4, "
        "552 5.3.4, 535 5.7.8, 552 5.2.2)",
        check=check_decide,
        correct=sol.decide,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="gives up on every failure",
                rule="a 4xx is temporary: try again later (RFC 5321 §4.2.1)",
                warned_in="07 · A reply, digit by digit",
                answer=decide_gives_up_always,
                hint="starts with 4",
            ),
            Mistake(
                name="retries only 450 and 451",
                rule="421 is a 4xx too, and it closes the connection (RFC 5321 §3.8)",
                warned_in="07 · 4 · 421: the server hangs up",
                answer=decide_retries_450_451_only,
                hint="closes the connection",
            ),
            Mistake(
                name="gives up on every 5xx",
                rule="a second digit 0 (x0z) is a syntax error: fix the command (RFC 5321 §4.2.1)",
                warned_in="07 · A reply, digit by digit",
                answer=decide_by_first_digit_only,
                hint="second digit is 0",
            ),
            Mistake(
                name="reads an enhanced code that is not there",
                rule="enhanced status codes are optional: reply.enhanced may be None",
                warned_in="07 · Your turn (exercise 1: Careful)",
                answer=decide_reads_missing_enhanced,
                hint="reply.enhanced is None",
            ),
            Mistake(
                name="trusts 552 alone",
                rule="the enhanced code tells 5.3.4 (too big) from 5.2.2 (mailbox full) (RFC 3463)",
                warned_in="07 · Enhanced status codes",
                answer=decide_trusts_552,
                hint="mailbox is full",
            ),
            Mistake(
                name="forgets the wrong password",
                rule="5.7.8: the credentials are wrong, fix them (RFC 4954 §6)",
                warned_in="07 · Reading an error and deciding what to do",
                answer=decide_forgets_5_7_8,
                hint="user name or password",
            ),
            Mistake(
                name="retries a permanent failure",
                rule="a 5xx is permanent: do not retry it unchanged (RFC 5321 §4.2.1)",
                warned_in="07 · Reading an error and deciding what to do",
                answer=decide_retries_permanent,
                hint="5xx: permanent",
            ),
            Mistake(
                name="compares reply.enhanced with a str",
                rule="reply.enhanced is an EnhancedStatus, not a str: compare its str() or parts",
                warned_in="07 · Enhanced status codes (Reply takes both codes apart: "
                "status.klass, .subject, .detail)",
                answer=decide_compares_enhanced_with_a_str,
                hint="not a str",
            ),
            Mistake(
                name="lists only 500 and 501 as syntax errors",
                rule="every x0z reply is a syntax error, 502, 503 and 504 too (RFC 5321 §4.2.1)",
                warned_in="07 · Reading an error and deciding what to do (a syntax code, 50x)",
                answer=decide_syntax_500_501_only,
                hint="'502 Command not implemented'",
            ),
            Mistake(
                name="a misspelt answer",
                rule="the answer is one of the three strings of the exercise",
                warned_in="07 · Your turn (exercise 1)",
                answer=decide_misspelt,
                hint="'retry later', 'fix and resend'",
            ),
        ),
    ),
    Exercise(
        number="07.2",
        title="retry after greylisting: send_with_retry(lab, msg)",
        checks="send_with_retry(lab, msg) against labs that greylist (451 once at RCPT TO), "
        "refuse (550 at MAIL), answer 451 forever and close with 421; the check counts the "
        "MAIL commands (3 tries in all), their pauses and the deliveries",
        check=check_retry,
        correct=sol.send_with_retry,
        mistakes=(
            Mistake(
                name="no retry",
                rule="a 4xx is temporary: try again (RFC 5321 §4.2.1)",
                warned_in="07 · 2 · Greylisting: 451 4.7.1, then try again",
                answer=retry_never,
                hint="did not try again",
            ),
            Mistake(
                name="retries at once",
                rule="a retry waits first (RFC 5321 §4.5.4.1)",
                warned_in="07 · 2 · Greylisting: 451 4.7.1, then try again",
                answer=retry_at_once,
                hint="time.sleep",
            ),
            Mistake(
                name="retries a 550",
                rule="a 5xx is permanent: do not retry it unchanged (RFC 5321 §4.2.1)",
                warned_in="07 · Reading an error and deciding what to do",
                answer=retry_a_5xx_too,
                hint="permanent",
            ),
            Mistake(
                name="retries forever",
                rule="give up after a few tries (RFC 5321 §4.5.4.1)",
                warned_in="07 · Your turn (exercise 2: 3 tries in all)",
                answer=retry_forever,
                hint="Stop after a few",
            ),
            Mistake(
                name="tries five times",
                rule="3 tries in all, not more: the exercise says how often to try",
                warned_in="07 · Your turn (exercise 2: 3 tries in all)",
                answer=retry_tries(5),
                hint="saw 5 tries",
            ),
            Mistake(
                name="gives up after the second try",
                rule="3 tries in all: a 4xx on the second try is retried once more",
                warned_in="07 · Your turn (exercise 2: 3 tries in all)",
                answer=retry_tries(2),
                hint="saw 2 tries",
            ),
            Mistake(
                name="waits before the first retry only",
                rule="every retry waits first (RFC 5321 §4.5.4.1)",
                warned_in="07 · Your turn (exercise 2: wait at least 0.1 s and try again)",
                answer=retry_tries(3, lambda attempt: 0.15 if attempt == 0 else 0.0),
                hint="always answers 451: you tried again after waiting",
            ),
            Mistake(
                name="retries on the connection a 421 closed",
                rule="421 closes the connection: reconnect to retry (RFC 5321 §3.8)",
                warned_in="07 · 4 · 421: the server hangs up",
                answer=retry_on_the_same_connection,
                hint="new Client",
            ),
            Mistake(
                name="catches SenderRefused only",
                rule="greylisting defers at RCPT TO (RFC 6647): catch ReplyError, not one kind",
                warned_in="07 · 2 · Greylisting: 451 4.7.1, then try again",
                answer=retry_catches_sender_refused,
                hint="ReplyError",
            ),
            Mistake(
                name="sends again after a success",
                rule="stop at the first 250: every send is delivered once more",
                warned_in="07 · 2 · Greylisting: 451 4.7.1, then try again",
                answer=retry_sends_every_time,
                hint="duplicates",
            ),
            Mistake(
                name="returns err after its except block",
                rule="Python forgets the name of `except ... as err` when the block ends: "
                "keep the reply in a name of your own",
                warned_in="07 · 1 · An unknown recipient (Python forgets `e` when the except "
                "block ends: keep it as `err`)",
                answer=retry_returns_a_forgotten_err,
                hint="forgets the name",
            ),
            Mistake(
                name="bare LF line ends",
                rule="every line ends with CR LF, the message's too (RFC 5321 §2.3.8)",
                warned_in="01 · And a bare \\n? (SMTP smuggling); 07 · With the standard library",
                answer=retry_with_smtplib_and_bare_lf,
                hint="a lenient server may have let it through",
            ),
            Mistake(
                name="no return",
                rule="the exercise returns the last Reply",
                warned_in="07 · Your turn (exercise 2)",
                answer=retry_without_return,
                hint="forgot to `return` the last Reply",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="07.3",
        title="who did not get it: undelivered(lab, msg)",
        checks="undelivered(lab, msg) with one, every and no recipient refused at RCPT; "
        "the check compares the list with what the lab delivered",
        check=check_undelivered,
        correct=sol.undelivered,
        mistakes=(
            Mistake(
                name="trusts the final 250",
                rule="the 250 after DATA covers only the recipients RCPT accepted (RFC 5321 §3.3)",
                warned_in="07 · 1 · An unknown recipient: 550 5.1.1",
                answer=undelivered_trusts_250,
                hint="client.last_refused",
            ),
            Mistake(
                name="lets RecipientRefused escape",
                rule="when every RCPT is refused no DATA follows (RFC 5321 §3.3)",
                warned_in="07 · Your turn (exercise 3: when every recipient is refused)",
                answer=undelivered_lets_refusal_escape,
                hint="RecipientRefused escape",
            ),
            Mistake(
                name="returns only err.recipient",
                rule="each recipient gets its own RCPT reply: report every refused one",
                warned_in="07 · 1 · An unknown recipient: 550 5.1.1",
                answer=undelivered_only_err_recipient,
                hint="err.recipient names only the first",
            ),
            Mistake(
                name="returns the delivered ones",
                rule="return who did NOT get it",
                warned_in="07 · Your turn (exercise 3)",
                answer=undelivered_returns_the_delivered,
                hint="only nobody@example.com was refused",
            ),
            Mistake(
                name="returns a string",
                rule="the answer is a list of addresses",
                warned_in="07 · Your turn (exercise 3)",
                answer=undelivered_as_a_string,
                hint="Return a list",
            ),
            Mistake(
                name="sends nothing",
                rule="the answer comes from what the server replied, not a guess",
                warned_in="07 · 1 · An unknown recipient: 550 5.1.1",
                answer=undelivered_sends_nothing,
                hint="no message arrived",
            ),
            Mistake(
                name="bare LF line ends",
                rule="every line ends with CR LF, the message's too (RFC 5321 §2.3.8)",
                warned_in="01 · And a bare \\n? (SMTP smuggling); 07 · With the standard library",
                answer=undelivered_with_smtplib_and_bare_lf,
                hint="a lenient server may have let it through",
            ),
            Mistake(
                name="no return",
                rule="the exercise returns the list",
                warned_in="07 · Your turn (exercise 3)",
                answer=undelivered_without_return,
                hint="forgot to `return` the list",
                kind="forgot return",
            ),
        ),
    ),
]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)


def retry_at_once_without_return(lab: LabServer, msg: Any) -> None:
    retry_at_once(lab, msg)


def test_retry_without_return_and_without_a_pause_is_told_both() -> None:
    result = check_retry(retry_at_once_without_return)
    failed_with(result, "forgot to `return` the last Reply", "Also:", "time.sleep")


def test_undelivered_that_fails_only_when_nobody_got_it_is_told_where() -> None:
    """An error the learner's code raises in a later scenario of the check is a hint naming
    that scenario, not a traceback out of the check."""

    def undelivered(lab: LabServer, msg: Any) -> list[str]:
        client = client_for(lab)
        try:
            with client:
                client.send_message(msg)
        except RecipientRefused:
            pass
        delivered = lab.inbox[-1].rcpt_tos  # IndexError when nothing was delivered
        return [address for address in client.last_refused if address not in delivered]

    failed_with(check_undelivered(undelivered), "every recipient unknown", "IndexError")
