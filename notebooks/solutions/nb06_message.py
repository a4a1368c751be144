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

    An encoded word may be at most 75 characters (RFC 2047 §2): "=?utf-8?b?" and "?="
    take 12, so each word carries at most 45 bytes of UTF-8 (60 characters of base64).
    The space between two encoded words is not part of the text (RFC 2047 §6.2).
    """
    if text.isascii():
        return text
    words, piece = [], ""
    for char in text:
        if len((piece + char).encode("utf-8")) > 45:
            words.append(piece)
            piece = ""
        piece += char
    words.append(piece)
    return " ".join(
        "=?utf-8?b?" + base64.b64encode(w.encode("utf-8")).decode("ascii") + "?=" for w in words
    )


def send_with_bcc(client, sender, to, bcc):
    """One message: To in the headers, the blind copy in the envelope only."""
    draft = compose(sender=sender, to=to, bcc=bcc, subject="Minutes", body="See below.\n")
    return client.send_message(draft)  # RCPT TO for to and bcc; no Bcc header
