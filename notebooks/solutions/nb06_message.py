"""Reference solutions for the exercises of notebook 06 (DATA and the message).

CI runs every check of ``smtplab.course.nb06`` against these functions
(tests/test_exercises_nb06.py).
"""

from __future__ import annotations

import base64

from smtplab import compose


def stuff_line(line):
    """Dot-stuffing (RFC 5321 §4.5.2): a line that begins with a dot gets one more."""
    return "." + line if line.startswith(".") else line


def subject_header(text):
    """An unstructured header value in ASCII: RFC 2047 encoded words when needed.

    A line that holds an encoded word is at most 76 characters (RFC 2047 §2), the first
    with "Subject: " (9) in front: so a word of at most 67, "=?utf-8?b?" and "?=" take
    12, which leaves 52 characters of base64 for 39 bytes of UTF-8. Each word holds whole
    characters (§5) and goes on a line of its own: CRLF + space between two words folds
    the header (RFC 5322 §2.2.3), and that white space is not part of the text (§6.2).
    """
    if text.isascii():
        return text
    words, piece = [], ""
    for char in text:
        if len((piece + char).encode("utf-8")) > 39:
            words.append(piece)
            piece = ""
        piece += char
    words.append(piece)
    return "\r\n ".join(
        "=?utf-8?b?" + base64.b64encode(w.encode("utf-8")).decode("ascii") + "?=" for w in words
    )


def send_with_bcc(client, sender, to, bcc):
    """One message: To in the headers, the blind copy in the envelope only."""
    draft = compose(sender=sender, to=to, bcc=bcc, subject="Minutes", body="See below.\n")
    return client.send_message(draft)  # RCPT TO for to and bcc; no Bcc header
