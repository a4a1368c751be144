"""Non-ASCII attachment file names (issue 16): compose writes what Python's email package
writes (RFC 2231 ``filename*=utf-8''...``; raw UTF-8 under SMTPUTF8), and the anatomy view
shows the decoded name beside the parameter as written, whichever form a program used."""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage

import pytest

from smtplab import compose
from smtplab.anatomy import anatomy
from smtplab.lab import LabServer

NAME = "报告.pdf"
RFC2231 = "filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf"
LONG = "Grüße résumé, a very long file name to see how the parameter is continued.pdf"


def _disposition(raw: bytes) -> str:
    """The unfolded Content-Disposition of the first attachment in ``raw``."""
    text = raw.decode("utf-8")
    match = re.search(r"Content-Disposition: attachment;((?:[^\r\n]|\r\n[ \t])*)", text)
    assert match is not None
    return re.sub(r"\r\n[ \t]+", " ", match[1]).strip()


def _stdlib(filename: str, used: policy.Policy = policy.SMTP) -> str:
    msg = EmailMessage(policy=used)
    msg.set_content("x")
    msg.add_attachment(b"data", maintype="application", subtype="pdf", filename=filename)
    return _disposition(msg.as_bytes())


def _draft(filename: str, sender: str = "a@example.com") -> bytes:
    return compose(
        sender=sender, to="b@example.com", body="x", attachments=[(filename, b"data")]
    ).to_bytes()


def test_compose_writes_rfc_2231_like_the_standard_library() -> None:
    assert _disposition(_draft(NAME)) == RFC2231 == _stdlib(NAME)


def test_a_long_name_is_continued_like_the_standard_library() -> None:
    written = _disposition(_draft(LONG))
    assert written == _stdlib(LONG)
    assert written.startswith("filename*0*=utf-8''Gr%C3%BC%C3%9Fe") and "filename*1*=" in written
    back = email.message_from_bytes(_draft(LONG), policy=policy.default)
    assert [part.get_filename() for part in back.iter_attachments()] == [LONG]


def test_under_smtputf8_the_name_is_raw_utf8_like_the_standard_library() -> None:
    raw = _draft(NAME, sender="学生@example.com")
    assert _disposition(raw) == f'filename="{NAME}"' == _stdlib(NAME, policy.SMTPUTF8)


def test_ascii_names_stay_plain() -> None:
    assert _disposition(_draft("notes.txt")) == 'filename="notes.txt"'


@pytest.mark.parametrize(
    ("written", "form"),
    [
        (RFC2231, "RFC 2231"),
        ('filename="=?utf-8?b?5oql5ZGKLnBkZg==?="', "RFC 2047 in quotes"),
        ("filename*0*=utf-8''%E6%8A%A5; filename*1*=%E5%91%8A.pdf", "RFC 2231"),
    ],
)
def test_anatomy_shows_the_decoded_name_and_the_parameter_as_written(
    written: str, form: str
) -> None:
    raw = _draft(NAME).replace(RFC2231.encode(), written.encode())
    part = anatomy(raw).parts[-1]
    assert part.filename == NAME
    assert part.filename_param == written and part.filename_form == form
    assert f"filename='{NAME}'  [{form}: {written}]" in part.describe()


def test_anatomy_of_a_compat32_message_decodes_the_quoted_encoded_word() -> None:
    raw = _draft(NAME).replace(RFC2231.encode(), b'filename="=?utf-8?b?5oql5ZGKLnBkZg==?="')
    old_style = email.message_from_bytes(raw)  # compat32 leaves the encoded word as it is
    assert [p.get_filename() for p in old_style.walk()][-1].startswith("=?utf-8?b?")
    assert anatomy(old_style).parts[-1].filename == NAME


def test_anatomy_of_plain_and_utf8_names() -> None:
    plain = anatomy(_draft("notes.txt")).parts[-1]
    assert (plain.filename, plain.filename_form) == ("notes.txt", None)
    assert "[" not in plain.describe()
    utf8 = anatomy(_draft(NAME, sender="学生@example.com")).parts[-1]
    assert (utf8.filename, utf8.filename_form) == (NAME, "UTF-8 (RFC 6532)")


def test_the_name_survives_the_lab() -> None:
    """Sent through a real lab over a socket, the received bytes still carry RFC 2231."""
    from smtplab import send

    draft = compose(
        sender="a@example.com", to="b@example.com", body="x", attachments=[(NAME, b"data")]
    )
    with LabServer() as lab:
        send(draft, host=lab.host, port=lab.port, security="plain", local_hostname="t.example")
        received = lab.wait_for(1)[0]
    assert RFC2231 in _disposition(received.data)
    assert anatomy(received.data).parts[-1].filename == NAME
