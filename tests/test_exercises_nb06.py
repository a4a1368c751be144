"""The checks of notebook 06 (DATA and the message): each passes with its reference
solution, says "not tried yet" for the untouched template, and fails with the right hint
for the usual mistakes (no dot-stuffing, a non-encoded subject, Bcc in the headers...)."""

from __future__ import annotations

import base64
from email.header import Header
from email.message import EmailMessage
from typing import Any

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution

from smtplab import encoded_words
from smtplab.course.nb06 import check_bcc, check_dot_stuffing, check_subject
from smtplab.course.nb06_subject import SUBJECTS
from smtplab.message import compose

DATE = "Fri, 27 Nov 2026 14:00:00 +0000"
solutions = load_solution("nb06_message")


def b64_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode("ascii") + "?="


# --------------------------------------------------------------------------- dot-stuffing


def test_stuffing_solution_passes() -> None:
    result = check_dot_stuffing(solutions.stuff_line)
    assert result, result


def test_stuffing_untouched_is_not_tried() -> None:
    def stuff_line(line: str) -> None: ...

    assert check_dot_stuffing(stuff_line).status == "not tried"


def test_stuffing_forgotten_ends_the_message_early() -> None:
    failed_with(check_dot_stuffing(lambda line: line), "ended early", "500", "'..'")


def test_stuffing_only_the_lone_dot() -> None:
    result = check_dot_stuffing(lambda line: ".." if line == "." else line)
    failed_with(result, "'.hidden files start with a dot'", "EVERY")


def test_stuffing_every_line_breaks_on_the_empty_line() -> None:
    failed_with(check_dot_stuffing(lambda line: "." + line), "empty", "'.'")


def test_stuffing_every_non_empty_line_is_against_the_rule() -> None:
    result = check_dot_stuffing(lambda line: "." + line if line else line)
    failed_with(result, "do not begin with one")


def test_stuffing_with_a_line_end() -> None:
    failed_with(check_dot_stuffing(lambda line: solutions.stuff_line(line) + "\r\n"), "CRLF")


def test_stuffing_with_a_space_instead_of_a_dot() -> None:
    result = check_dot_stuffing(lambda line: " " + line if line.startswith(".") else line)
    failed_with(result, "arrived as ' .'")


def test_stuffing_returns_bytes() -> None:
    result = check_dot_stuffing(lambda line: solutions.stuff_line(line).encode())
    failed_with(result, "not bytes")


def test_stuffing_forgets_to_return_for_some_lines() -> None:
    result = check_dot_stuffing(lambda line: "." + line if line.startswith(".") else None)
    failed_with(result, "returned None")


# --------------------------------------------------------------------------- subjects


def test_subject_solution_passes() -> None:
    result = check_subject(solutions.subject_header)
    assert result, result
    assert "=?utf-8?b?5L2g5aW9IFNNVFA=?=" in result.message


def test_subject_solution_folds_its_long_subject() -> None:
    """RFC 2047 §2: a line with an encoded word is at most 76 characters, the first
    counted with "Subject: "; the long subject needs two lines."""
    value = solutions.subject_header(SUBJECTS[2])
    lines = ("Subject: " + value).split("\r\n")
    assert len(lines) > 1, value
    assert all(len(line) <= 76 for line in lines), lines
    assert all(line.startswith(" ") for line in lines[1:]), lines


def compose_subject(text: str) -> str:
    """The Subject value compose() writes, folded as it is sent."""
    raw = compose(sender="a@example.com", to="b@example.com", subject=text, body="x")
    return raw.anatomy().header("Subject").raw.removeprefix("Subject: ")


@pytest.mark.parametrize(
    "encoder",
    [
        compose_subject,
        lambda text: Header(text, "utf-8", header_name="Subject", maxlinelen=76).encode(),
        lambda text: Header(text, "utf-8", header_name="Subject", maxlinelen=76).encode(
            linesep="\r\n"
        ),
        lambda text: solutions.subject_header(text).replace("\r\n ", "\r\n\t"),
    ],
    ids=["smtplab", "email.header", "folded-with-crlf", "folded-with-a-tab"],
)
def test_subject_library_encoders_pass(encoder: Any) -> None:
    assert check_subject(encoder)


def test_subject_untouched_is_not_tried() -> None:
    def subject_header(text: str) -> None: ...

    assert check_subject(subject_header).status == "not tried"


def test_subject_not_encoded() -> None:
    failed_with(check_subject(lambda text: text), "not encoded", "RFC 2047")


def test_subject_base64_without_the_wrapper() -> None:
    result = check_subject(lambda text: base64.b64encode(text.encode()).decode())
    failed_with(result, "did not wrap it")


def test_subject_wrapper_not_closed() -> None:
    result = check_subject(lambda text: b64_word(text)[:-2])
    failed_with(result, "closing ?=")


def test_subject_wrong_charset_label() -> None:
    result = check_subject(lambda text: b64_word(text).replace("utf-8", "latin-1"))
    failed_with(result, "charset")


def bytes_split_words(text: str) -> str:
    """Words of 45 UTF-8 bytes each: short enough, but a character may be cut in two."""
    if text.isascii():
        return text
    data = text.encode()
    return " ".join(
        "=?utf-8?b?" + base64.b64encode(data[i : i + 45]).decode("ascii") + "?="
        for i in range(0, len(data), 45)
    )


def test_subject_split_inside_a_character_breaks_rule_3() -> None:
    failed_with(check_subject(bytes_split_words), "whole characters", "RFC 2047 §5")


def test_subject_one_encoded_word_too_long() -> None:
    result = check_subject(lambda text: text if text.isascii() else b64_word(text))
    failed_with(result, "75")


def test_subject_header_without_header_name_gets_a_precise_hint() -> None:
    result = check_subject(lambda text: Header(text, "utf-8").encode())
    failed_with(result, "76", "header_name")


def subject_on_one_line(text: str) -> str:
    """The encoded words joined by spaces: each short enough, the line is not."""
    return solutions.subject_header(text).replace("\r\n ", " ")


def test_subject_unfolded_line_is_over_76() -> None:
    result = check_subject(subject_on_one_line)
    length = len("Subject: " + subject_on_one_line(SUBJECTS[2]))
    failed_with(result, "line 1", f"is {length} characters long", "76", "CRLF + space")


def test_subject_folded_but_the_first_word_too_long_for_its_line() -> None:
    """Words of 72 characters, folded: the first line, with "Subject: ", is 81."""

    def subject_header(text: str) -> str:
        return text if text.isascii() else "\r\n ".join(encoded_words.encode(text, 45))

    failed_with(check_subject(subject_header), "line 1", "81", "shorter")


def test_subject_email_header_default_folds_at_78() -> None:
    """email.header folds for 78 characters unless told maxlinelen=76."""
    result = check_subject(lambda text: Header(text, "utf-8", header_name="Subject").encode())
    failed_with(result, "line 1", "77", "maxlinelen=76")


def glued_after(text: str) -> str:
    """'你好 SMTP' as one encoded word (with the space) glued to SMTP."""
    if text != SUBJECTS[0]:
        return solutions.subject_header(text)
    return b64_word("你好 ") + "SMTP"


def encodes_inside_words(text: str) -> str:
    """Only the non-ASCII letters encoded, inside their words: Gr=?utf-8?b?w7zDnw==?=e."""
    return "".join(char if char.isascii() else b64_word(char) for char in text)


def test_subject_word_glued_to_the_text_after_it() -> None:
    result = check_subject(glued_after)
    failed_with(result, "=?utf-8?b?5L2g5aW9IA==?=", "'SMTP'", "RFC 2047 §5")


def test_subject_word_glued_to_the_text_before_it() -> None:
    def subject_header(text: str) -> str:
        return "SMTP" + b64_word(text) if text == SUBJECTS[0] else solutions.subject_header(text)

    result = check_subject(subject_header)
    failed_with(result, "'SMTP'", "RFC 2047 §5")


def test_subject_encoded_letters_inside_words_are_glued() -> None:
    failed_with(check_subject(encodes_inside_words), "=?utf-8?b?", "RFC 2047 §5")


def test_subject_two_words_glued_together() -> None:
    def subject_header(text: str) -> str:
        if text != SUBJECTS[1]:
            return solutions.subject_header(text)
        return "".join(encoded_words.encode(text, 12))

    failed_with(check_subject(subject_header), "RFC 2047 §5")


def test_subject_with_the_header_name() -> None:
    result = check_subject(lambda text: "Subject: " + solutions.subject_header(text))
    failed_with(result, "only the value")


def test_subject_returns_bytes() -> None:
    failed_with(check_subject(subject_bytes), "not bytes")


def test_subject_with_an_injected_line() -> None:
    result = check_subject(lambda text: solutions.subject_header(text) + "\r\nBcc: x@y.z")
    failed_with(result, "line break")


# --------------------------------------------------------------------------- Bcc


def raw_message(sender: str, to: str, extra: str = "") -> str:
    return (
        f"From: {sender}\r\nTo: {to}\r\n{extra}Subject: minutes\r\nDate: {DATE}\r\n"
        "Message-ID: <minutes-1@example.com>\r\n\r\nSee below.\r\n"
    )


def test_bcc_solution_passes() -> None:
    result = check_bcc(solutions.send_with_bcc)
    assert result, result


def test_bcc_untouched_is_not_tried() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> None: ...

    assert check_bcc(send_with_bcc).status == "not tried"


def test_bcc_without_return_still_passes() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> None:
        solutions.send_with_bcc(client, sender, to, bcc)

    assert check_bcc(send_with_bcc)


def test_bcc_by_hand_passes() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.mail(sender)
        client.rcpt(to)
        client.rcpt(bcc)
        return client.data(raw_message(sender, to))

    assert check_bcc(send_with_bcc)


def test_bcc_an_empty_bcc_header_passes() -> None:
    """RFC 5322 §3.6.3: a Bcc: field with no addresses may be sent, to say that blind
    copies went to someone; it names nobody, so it keeps the copy blind."""

    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.mail(sender)
        client.rcpt(to)
        client.rcpt(bcc)
        return client.data(raw_message(sender, to, "Bcc:\r\n"))

    assert check_bcc(send_with_bcc)


def test_bcc_header_in_a_raw_message() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.mail(sender)
        client.rcpt(to)
        client.rcpt(bcc)
        return client.data(raw_message(sender, to, f"Bcc: {bcc}\r\n"))

    failed_with(check_bcc(send_with_bcc), "Bcc put in the headers")


def test_bcc_put_in_to() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        return client.send_message(compose(sender=sender, to=[to, bcc], subject="x", body="y"))

    failed_with(check_bcc(send_with_bcc), "To: header", "every recipient")


def test_bcc_header_only_delivers_nothing() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.mail(sender)
        client.rcpt(to)
        return client.data(raw_message(sender, to, f"Bcc: {bcc}\r\n"))

    failed_with(check_bcc(send_with_bcc), "not in the envelope", "RCPT TO")


def test_bcc_forgotten() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        return client.send_message(compose(sender=sender, to=to, subject="x", body="y"))

    failed_with(check_bcc(send_with_bcc), "never left")


def test_bcc_without_date() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        message = EmailMessage()
        message["From"], message["To"], message["Bcc"] = sender, to, bcc
        message["Subject"] = "minutes"
        message.set_content("See below.")
        return client.send_message(message)  # the client drops the Bcc header itself

    failed_with(check_bcc(send_with_bcc), "no Date")


def test_bcc_without_message_id() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.mail(sender)
        client.rcpt(to)
        client.rcpt(bcc)
        text = raw_message(sender, to).replace("Message-ID: <minutes-1@example.com>\r\n", "")
        return client.data(text)

    failed_with(check_bcc(send_with_bcc), "Message-ID", "SHOULD")


def test_bcc_two_messages() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        client.send_message(compose(sender=sender, to=to, subject="x", body="y"))
        return client.send_message(compose(sender=sender, to=bcc, subject="x", body="y"))

    failed_with(check_bcc(send_with_bcc), "ONE message")


def test_bcc_nothing_delivered() -> None:
    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        return client.mail(sender)

    failed_with(check_bcc(send_with_bcc), "no message arrived")


# --------------------------------------------------------------------------- the catalogue


def no_stuffing(line: str) -> str:
    return line


def stuffs_only_the_lone_dot(line: str) -> str:
    return ".." if line == "." else line


def stuffs_every_line(line: str) -> str:
    return "." + line


def stuffs_with_a_line_end(line: str) -> str:
    return solutions.stuff_line(line) + "\r\n"


def space_instead_of_dot(line: str) -> str:
    return " " + line if line.startswith(".") else line


def stuffed_bytes(line: str) -> bytes:
    return solutions.stuff_line(line).encode()


def subject_unencoded(text: str) -> str:
    return text


def subject_base64_unwrapped(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def subject_one_long_word(text: str) -> str:
    return text if text.isascii() else b64_word(text)


def subject_wrong_charset(text: str) -> str:
    return b64_word(text).replace("utf-8", "latin-1")


def subject_with_injected_line(text: str) -> str:
    return solutions.subject_header(text) + "\r\nBcc: x@y.z"


def subject_bytes(text: str) -> bytes:
    return solutions.subject_header(text).encode("ascii")


def subject_with_header_name(text: str) -> str:
    return "Subject: " + solutions.subject_header(text)


def bcc_by_hand(client: Any, sender: str, to: str, message: str, *bcc: str) -> Any:
    client.mail(sender)
    client.rcpt(to)
    for address in bcc:
        client.rcpt(address)
    return client.data(message)


def bcc_header_in_raw_message(client: Any, sender: str, to: str, bcc: str) -> Any:
    return bcc_by_hand(client, sender, to, raw_message(sender, to, f"Bcc: {bcc}\r\n"), bcc)


def bcc_in_to(client: Any, sender: str, to: str, bcc: str) -> Any:
    return client.send_message(compose(sender=sender, to=[to, bcc], subject="x", body="y"))


def bcc_header_only(client: Any, sender: str, to: str, bcc: str) -> Any:
    return bcc_by_hand(client, sender, to, raw_message(sender, to, f"Bcc: {bcc}\r\n"))


def bcc_two_messages(client: Any, sender: str, to: str, bcc: str) -> Any:
    client.send_message(compose(sender=sender, to=to, subject="x", body="y"))
    return client.send_message(compose(sender=sender, to=bcc, subject="x", body="y"))


def bcc_without_date(client: Any, sender: str, to: str, bcc: str) -> Any:
    text = raw_message(sender, to).replace(f"Date: {DATE}\r\n", "")
    return bcc_by_hand(client, sender, to, text, bcc)


def bcc_without_empty_line(client: Any, sender: str, to: str, bcc: str) -> Any:
    text = raw_message(sender, to).replace("\r\n\r\n", "\r\n")
    return bcc_by_hand(client, sender, to, text, bcc)


def bcc_header_and_no_return(client: Any, sender: str, to: str, bcc: str) -> None:
    bcc_header_in_raw_message(client, sender, to, bcc)


def bcc_with_an_iso_date(client: Any, sender: str, to: str, bcc: str) -> Any:
    text = raw_message(sender, to).replace(DATE, "2026-11-27 14:00:00")
    return bcc_by_hand(client, sender, to, text, bcc)


def bcc_with_a_bare_message_id(client: Any, sender: str, to: str, bcc: str) -> Any:
    text = raw_message(sender, to).replace("<minutes-1@example.com>", "minutes-1")
    return bcc_by_hand(client, sender, to, text, bcc)


def subject_gbk_bytes_labelled_utf8(text: str) -> str:
    """GB18030 (GBK) bytes, a character a word, under a utf-8 label."""
    if text.isascii():
        return text
    return " ".join(
        "=?utf-8?b?" + base64.b64encode(char.encode("gb18030")).decode("ascii") + "?="
        for char in text
        if char != " "
    )


@pytest.mark.parametrize(
    "date",
    [
        "Fri, 27 Nov 2026 14:00:00 +0800",
        "27 Nov 2026 14:00 -0500",
        "Fri, 27 Nov 2026 14:00:00 GMT",
        "fri, 27 nov 2026 14:00:00 +0000 (UTC)",
        "Fri, 27 Nov 2026\r\n 14:00:00 +0000",
    ],
)
def test_bcc_dates_in_other_rfc_5322_forms_pass(date: str) -> None:
    """RFC 5322 §3.3: the day name and seconds are optional, names in any case, a comment
    may follow, the field may be folded, and the obsolete zone GMT is still read (§4.3)."""

    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        return bcc_by_hand(client, sender, to, raw_message(sender, to).replace(DATE, date), bcc)

    assert check_bcc(send_with_bcc)


@pytest.mark.parametrize(
    "date", ["2026-11-27 14:00:00", "Fri, 27 Nov 2026 14:00:00", "Tue Dec  8 01:09:41 UTC 2026"]
)
def test_bcc_dates_not_in_rfc_5322_form_fail(date: str) -> None:
    """Without the zone, or in ISO or date(1) form, the Date is not RFC 5322 §3.3's."""

    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        return bcc_by_hand(client, sender, to, raw_message(sender, to).replace(DATE, date), bcc)

    failed_with(check_bcc(send_with_bcc), repr(date), "RFC 5322 §3.3", "format_datetime")


@pytest.mark.parametrize(
    ("message_id", "passes"),
    [
        ("<minutes.1.x@[127.0.0.1]>", True),
        ("  <MINUTES-1@Example.COM>  (ours)", True),
        ("\r\n <minutes-1@example.com>", True),
        ("<12345>", False),
        ("minutes-1@example.com", False),
    ],
)
def test_bcc_message_id_forms(message_id: str, passes: bool) -> None:
    """RFC 5322 §3.6.4: msg-id is "<" id-left "@" id-right ">", comments around it allowed."""

    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        text = raw_message(sender, to).replace("<minutes-1@example.com>", message_id)
        return bcc_by_hand(client, sender, to, text, bcc)

    result = check_bcc(send_with_bcc)
    if passes:
        assert result, result
    else:
        failed_with(result, "<unique@domain>", "§3.6.4", "make_msgid")


def test_bcc_an_empty_group_in_bcc_passes() -> None:
    """'Bcc: undisclosed-recipients:;' is a group with no address (RFC 5322 §3.4): like
    an empty Bcc: it names nobody, so the copy stays blind (§3.6.3)."""

    def send_with_bcc(client: Any, sender: str, to: str, bcc: str) -> Any:
        text = raw_message(sender, to, "Bcc: undisclosed-recipients:;\r\n")
        return bcc_by_hand(client, sender, to, text, bcc)

    assert check_bcc(send_with_bcc)


def test_bcc_without_the_empty_line_is_told_where_the_body_begins() -> None:
    failed_with(check_bcc(bcc_without_empty_line), "'See below.'", "empty line", "§2.1")


EXERCISES = [
    Exercise(
        number="06.1",
        title="dot-stuffing",
        checks="stuff_line(line) for nine body lines (a lone '.', '..', '.hidden', an empty "
        "line); the check sends them through its own lab and compares the inbox",
        check=check_dot_stuffing,
        correct=solutions.stuff_line,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="no stuffing",
                rule="a line of a single '.' ends the message (RFC 5321 §4.1.1.4)",
                warned_in="06 · The lone dot",
                answer=no_stuffing,
                hint="ended early",
            ),
            Mistake(
                name="stuffs only the lone dot",
                rule="the receiver takes the first dot off every line that begins with one "
                "(RFC 5321 §4.5.2)",
                warned_in="06 · Dot-stuffing",
                answer=stuffs_only_the_lone_dot,
                hint="EVERY",
            ),
            Mistake(
                name="a dot before every line",
                rule="only a line that begins with a dot gets one; an empty line would "
                "become the lone '.'",
                warned_in="06 · Dot-stuffing",
                answer=stuffs_every_line,
                hint="empty",
            ),
            Mistake(
                name="returns the line with CRLF",
                rule="each line ends with exactly one CRLF, added by c.command() (RFC 5321 §2.3.8)",
                warned_in="06 · Your turn (exercise 1: without CRLF)",
                answer=stuffs_with_a_line_end,
                hint="CRLF",
            ),
            Mistake(
                name="a space instead of a dot",
                rule="transparency is one added dot, nothing else (RFC 5321 §4.5.2)",
                warned_in="06 · Dot-stuffing",
                answer=space_instead_of_dot,
                hint="arrived as ' .",
            ),
            Mistake(
                name="returns bytes",
                rule="c.command() sends text (str)",
                warned_in="06 · Your turn (exercise 1)",
                answer=stuffed_bytes,
                hint="not bytes",
            ),
        ),
    ),
    Exercise(
        number="06.2",
        title="an encoded subject",
        checks="subject_header(text) for four subjects (one needs several encoded words and "
        "mixes 1- and 3-byte characters); the check sends each and judges the raw header that "
        "arrived: it decodes back, words of at most 75 characters set apart by white space, "
        "lines of at most 76 (the first with 'Subject: ')",
        check=check_subject,
        correct=solutions.subject_header,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="raw UTF-8 in the header",
                rule="header fields are ASCII (RFC 5322 §2.2); non-ASCII needs encoded words",
                warned_in="06 · Non-ASCII names and subjects: encoded words",
                answer=subject_unencoded,
                hint="not encoded",
            ),
            Mistake(
                name="base64 without =?utf-8?b?...?=",
                rule="an encoded word is =?charset?encoding?text?= (RFC 2047 §2)",
                warned_in="06 · Non-ASCII names and subjects (the table of its parts)",
                answer=subject_base64_unwrapped,
                hint="did not wrap it",
            ),
            Mistake(
                name="one encoded word for a long subject",
                rule="an encoded word is at most 75 characters (RFC 2047 §2)",
                warned_in="06 · Non-ASCII names and subjects (at most 75 characters)",
                answer=subject_one_long_word,
                hint="75",
            ),
            Mistake(
                name="words cut every 45 bytes, inside a character",
                rule="each encoded word holds whole characters (RFC 2047 §5)",
                warned_in="06 · Non-ASCII names and subjects (split between characters)",
                answer=bytes_split_words,
                hint="whole characters",
            ),
            Mistake(
                name="the wrong charset label",
                rule="the charset names how the text became bytes (RFC 2047 §2)",
                warned_in="06 · Non-ASCII names and subjects (the table of its parts)",
                answer=subject_wrong_charset,
                hint="charset",
            ),
            Mistake(
                name="GB18030 (GBK) bytes under a utf-8 label",
                rule="the charset names how the text became bytes: UTF-8 bytes for utf-8 "
                "(RFC 2047 §2)",
                warned_in="06 · Non-ASCII names and subjects (the table of its parts)",
                answer=subject_gbk_bytes_labelled_utf8,
                hint="do not decode as utf-8",
            ),
            Mistake(
                name="a line break that starts a new header",
                rule="a header continues only on a folded line starting with a space "
                "(RFC 5322 §2.2.3)",
                warned_in="06 · Non-ASCII names and subjects (folded)",
                answer=subject_with_injected_line,
                hint="line break",
            ),
            Mistake(
                name="returns bytes",
                rule="the check writes the value into its message as text (str)",
                warned_in="06 · Your turn (exercise 2)",
                answer=subject_bytes,
                hint="not bytes",
            ),
            Mistake(
                name="returns 'Subject: ' with the value",
                rule="the value follows the field name and colon, which the check writes "
                "(RFC 5322 §2.2)",
                warned_in="06 · Your turn (exercise 2: a Subject: value)",
                answer=subject_with_header_name,
                hint="only the value",
            ),
            Mistake(
                name="encoded words on one long line",
                rule="a header line that holds an encoded word is at most 76 characters "
                "(RFC 2047 §2): fold with CRLF + space (RFC 5322 §2.2.3)",
                warned_in="06 · Non-ASCII names and subjects (at most 76 characters, folded)",
                answer=subject_on_one_line,
                hint="at most 76 in a line",
            ),
            Mistake(
                name="an encoded word glued to the text next to it",
                rule="white space separates an encoded word from the text or encoded word "
                "next to it (RFC 2047 §5 (1))",
                warned_in="06 · Your turn (exercise 2: set apart by spaces)",
                answer=glued_after,
                hint="no space between them",
            ),
        ),
    ),
    Exercise(
        number="06.3",
        title="a blind copy",
        checks="send_with_bcc(client, sender, to, bcc): the lab's envelope has RCPT TO for "
        "both, no header names the blind copy, From/To/Date/Message-ID are there",
        check=check_bcc,
        correct=solutions.send_with_bcc,
        mistakes=(
            Mistake(
                name="a Bcc: header in the message",
                rule="a blind copy is in the envelope only, never in the headers (RFC 5322 §3.6.3)",
                warned_in="06 · MAIL FROM is not From:",
                answer=bcc_header_in_raw_message,
                hint="Bcc put in the headers",
            ),
            Mistake(
                name="the blind copy in To:",
                rule="every recipient reads every header",
                warned_in="06 · Two layers: the envelope and the letter",
                answer=bcc_in_to,
                hint="every recipient",
            ),
            Mistake(
                name="a Bcc: header and no RCPT TO for it",
                rule="servers deliver by the envelope: one RCPT TO per recipient (RFC 5321 §3.3)",
                warned_in="06 · MAIL FROM is not From:",
                answer=bcc_header_only,
                hint="not in the envelope",
            ),
            Mistake(
                name="two messages",
                rule="one message, one RCPT TO per recipient: the server makes the copies",
                warned_in="06 · Two layers: the envelope and the letter",
                answer=bcc_two_messages,
                hint="ONE message",
            ),
            Mistake(
                name="no Date: header",
                rule="Date and From are required headers (RFC 5322 §3.6)",
                warned_in="06 · The headers of RFC 5322",
                answer=bcc_without_date,
                hint="no Date",
            ),
            Mistake(
                name="a Date: in ISO form",
                rule="the date is day, date, time and zone: Fri, 27 Nov 2026 14:00:00 +0000 "
                "(RFC 5322 §3.3)",
                warned_in="06 · The headers of RFC 5322 (the form of §3.3)",
                answer=bcc_with_an_iso_date,
                hint="RFC 5322 §3.3",
            ),
            Mistake(
                name="a Message-ID without <...@domain>",
                rule="a Message-ID is <unique@domain>, in angle brackets (RFC 5322 §3.6.4)",
                warned_in="06 · The headers of RFC 5322 (random on the left of the @)",
                answer=bcc_with_a_bare_message_id,
                hint="<unique@domain>",
            ),
            Mistake(
                name="no empty line after the headers",
                rule="headers, an empty line, then the body (RFC 5322 §2.1)",
                warned_in="06 · The headers of RFC 5322",
                answer=bcc_without_empty_line,
                hint="empty line",
            ),
            Mistake(
                name="no return, and the Bcc: header sent",
                rule="judged by what the server received, whatever the function returned",
                warned_in="06 · Your turn (exercise 3)",
                answer=bcc_header_and_no_return,
                hint="Bcc put in the headers",
                kind="forgot return",
            ),
        ),
    ),
]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)
