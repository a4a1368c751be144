"""What ``serve`` does with a message besides its line: ``--show`` prints it (peer text
through printable(), encoded words decoded); ``--maildir``/``--mbox`` keep it (stdlib
:mod:`mailbox`, 0700/0600) after ``Return-Path`` and a ``Delivered-To`` per recipient."""

from __future__ import annotations

import contextlib
import email
import mailbox
import os
import time
from collections.abc import Iterator
from datetime import timezone
from pathlib import Path

from ..encoded_words import decode
from ..i18n import _
from ..lab import ReceivedMessage
from ..lab.inbox import INBOX_POLICY
from ..printable import printable

__all__: list[str] = []

SHOW_LIMIT = 20_000  # bytes of a message that `serve --show` prints


def show(number: int, message: ReceivedMessage, limit: int = SHOW_LIMIT) -> str:
    """Message ``number`` for the terminal, its first ``limit`` bytes: headers decoded."""
    cut = max(message.size - limit, 0)
    head, _blank, body = message.data[:limit].replace(b"\r\n", b"\n").partition(b"\n\n")
    headers = email.message_from_bytes(head + b"\n\n", policy=INBOX_POLICY).raw_items()
    lines = [
        _("----- message #{number}: {size} bytes -----").format(number=number, size=message.size),
        *(printable(f"{name}: {decode(value)}") for name, value in headers),
        "",
        printable(body.decode("utf-8", errors="replace"), newlines=True).removesuffix("\n"),
    ]
    if cut:
        hidden = _("[... {cut} of its {size} bytes not shown: --mbox keeps all]")
        lines.append(hidden.format(cut=cut, size=message.size))
    lines.append(_("----- end of message #{number} -----").format(number=number))
    return "\n".join(lines)


@contextlib.contextmanager
def _private() -> Iterator[None]:
    """Files and directories made meanwhile are for this user only (0600, 0700)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _with_envelope(message: ReceivedMessage) -> bytes:
    """The message as a mailbox keeps it: the envelope headers first, LF line ends."""
    envelope = [f"Return-Path: <{message.mail_from}>"]
    envelope += [f"Delivered-To: {recipient}" for recipient in message.rcpt_tos]
    head = "".join(f"{line}\n" for line in envelope).encode("utf-8", errors="replace")
    return head + message.data.replace(b"\r\n", b"\n")


class MailFiles:
    """The Maildir and/or mbox (either may be None) that ``serve`` keeps each message in,
    made before the lab starts: a path that cannot be used is an error line, not lost mail."""

    def __init__(self, maildir: str | None, mbox: str | None) -> None:
        self.maildir, self.mbox = maildir, mbox
        with _private():
            if maildir is not None:
                self._open_maildir()
            if mbox is not None:
                mailbox.mbox(mbox, create=True).close()  # the file exists from now on

    def _open_maildir(self) -> mailbox.Maildir:
        assert self.maildir is not None
        for sub in ("", "tmp", "new", "cur"):  # an empty directory given: made a Maildir
            path = Path(self.maildir, sub)
            if not path.is_dir():
                path.mkdir(mode=0o700)
        return mailbox.Maildir(self.maildir, factory=None, create=False)

    def keep(self, message: ReceivedMessage) -> None:
        """Add ``message``: in tmp/, renamed into new/ (Maildir); appended, locked (mbox)."""
        data = _with_envelope(message)
        with _private():
            if self.maildir is not None:
                self._open_maildir().add(data)
            if self.mbox is not None:
                sender = "".join(message.mail_from.split()) or "MAILER-DAEMON"
                arrived = message.received_at.astimezone(timezone.utc).timetuple()
                from_line = f"From {sender} {time.asctime(arrived)}\n".encode(errors="replace")
                box = mailbox.mbox(self.mbox, create=True)
                box.lock()
                try:
                    box.add(from_line + data)
                    box.flush()
                finally:
                    box.unlock()
                    box.close()
