"""The lab's inbox: every message it accepted, with its envelope and the session's facts.

The server thread adds messages; the notebook's thread reads snapshots and waits for
new ones. The inbox is bounded in messages (``max_messages``) and in bytes
(``max_bytes``, 64 MiB by default, the envelopes counted with the messages: a tiny message
may have 100 recipients of 500 bytes): when it is full the oldest messages are dropped and
counted (how many, how many bytes), so a long classroom session, or a classmate's script
sending 10 MB messages in a loop, cannot eat the machine's memory.
"""

from __future__ import annotations

import email
import email.errors
import email.parser
import email.policy
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from functools import cached_property
from typing import Any

from ..data_encoding import header_section
from ..i18n import _

__all__: list[str] = []  # ReceivedMessage is public as smtplab.lab.ReceivedMessage

DEFAULT_MAX_MESSAGES = 10_000
"""How many messages a lab keeps by default before dropping the oldest."""

DEFAULT_MAX_INBOX_BYTES = 64 * 1024 * 1024
"""How many bytes of messages a lab keeps by default before dropping the oldest."""


def _has_escaped_bytes(value: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in value)


class _UTF8HeadersPolicy(email.policy.EmailPolicy):
    """``email.policy.SMTPUTF8``, but raw UTF-8 in headers (RFC 6532) is read as UTF-8.

    The bytes parser keeps non-ASCII header bytes as surrogate escapes; the standard
    policy decodes them in ``str(header)`` but not inside parsed addresses, so a display
    name like "张三" would come out as escapes. This policy decodes them first.
    """

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        """Decode escaped UTF-8 bytes in a raw header value, then parse it as usual."""
        if isinstance(value, str) and _has_escaped_bytes(value):
            raw = value.encode("ascii", "surrogateescape")
            value = raw.decode("utf-8", "surrogateescape")
        return super().header_fetch_parse(name, value)


INBOX_POLICY = _UTF8HeadersPolicy(linesep="\r\n", utf8=True)
"""The policy of ``ReceivedMessage.message``: like ``email.policy.SMTPUTF8``, and UTF-8
header bytes read as UTF-8 (RFC 6532)."""


@dataclass(frozen=True, eq=False)
class ReceivedMessage:
    """One message the lab accepted (its final reply was ``250 2.0.0 OK: queued as ...``).

    ``mail_from`` and ``rcpt_tos`` are the envelope (MAIL FROM / RCPT TO), ``data`` the
    message bytes exactly as received after dot-unstuffing (RFC 5321 §4.5.2; CRLF line
    ends, the final ``.`` line removed), ``message`` the parsed message (``defects``:
    what its parser found wrong). ``peer`` is the client's (address, port), ``tls``
    whether the message came over TLS, ``auth_user`` the account that logged in (or
    None), ``session_id`` links to ``lab.sessions``. ``helo`` is the name the client gave
    in EHLO/HELO; ``folder`` is ``"inbox"`` unless a relay callback
    (``LabServer(relay=...)``) filed it elsewhere (``"spam"``).
    """

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    peer: tuple[Any, ...] | None
    tls: bool
    auth_user: str | None
    received_at: datetime
    session_id: str
    queue_id: str
    mail_options: list[str] = field(default_factory=list)
    rcpt_options: list[str] = field(default_factory=list)
    smtputf8: bool = False
    helo: str | None = None
    folder: str = "inbox"

    @cached_property
    def message(self) -> EmailMessage:
        """The message, parsed with :data:`INBOX_POLICY` (``email.policy.SMTPUTF8`` that
        reads raw UTF-8 headers as UTF-8).

        It is parsed with CRLF line ends turned into ``\n``, as Python's email package
        expects (otherwise every body line would end in ``\r``); ``data`` keeps the bytes.
        """
        text = self.data.replace(b"\r\n", b"\n")
        parsed = email.message_from_bytes(text, policy=INBOX_POLICY)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def defects(self) -> list[email.errors.MessageDefect]:
        """What Python's parser found wrong in the message, its parts included: e.g.
        ``MissingHeaderBodySeparatorDefect`` when no empty line ends the headers (RFC 5322
        §2.1). Empty for a well-formed message."""
        return [defect for part in self.message.walk() for defect in part.defects]

    @property
    def size(self) -> int:
        """The message's size in bytes."""
        return len(self.data)

    @property
    def subject(self) -> str:
        """The decoded Subject header, or an empty string. Only the headers are read: a
        list of the inbox must not parse every message (120,000 MIME parts took a minute)."""
        headers = header_section(self.data)[0].replace(b"\r\n", b"\n")
        parsed = email.parser.BytesHeaderParser(policy=INBOX_POLICY).parsebytes(headers)
        return str(parsed.get("Subject", ""))

    def __repr__(self) -> str:
        return (
            f"ReceivedMessage(queue_id={self.queue_id!r}, mail_from={self.mail_from!r}, "
            f"rcpt_tos={self.rcpt_tos!r}, size={self.size}, tls={self.tls}, "
            f"auth_user={self.auth_user!r}, session_id={self.session_id!r})"  # i18n: keep repr
        )


def held_bytes(message: ReceivedMessage) -> int:
    """What keeping ``message`` costs the inbox's byte bound: its bytes and its envelope."""
    envelope = [message.mail_from, *message.rcpt_tos, *message.mail_options]
    envelope += [*message.rcpt_options, message.helo or ""]
    return message.size + sum(map(len, envelope))


class Inbox:
    """A bounded, thread-safe list of :class:`ReceivedMessage`, oldest first: at most
    ``max_messages`` messages and ``max_bytes`` bytes of them (:func:`held_bytes`)."""

    def __init__(
        self, max_messages: int = DEFAULT_MAX_MESSAGES, max_bytes: int = DEFAULT_MAX_INBOX_BYTES
    ) -> None:
        for name, value in (("max_messages", max_messages), ("max_inbox_bytes", max_bytes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    _("{name} must be a positive int, not {value}.").format(
                        name=name, value=repr(value)
                    )
                )
        self._messages: deque[ReceivedMessage] = deque()
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self._changed = threading.Condition()
        self._received = 0
        self._dropped = 0
        self._bytes = 0
        self._dropped_bytes = 0

    def add(self, message: ReceivedMessage) -> list[ReceivedMessage]:
        """Add a message (server thread); drop and count the oldest while the inbox holds
        too many messages or bytes (the new one is always kept).

        Returns the messages dropped to make room, oldest first.
        """
        dropped = []
        with self._changed:
            messages = self._messages
            self._bytes += held_bytes(message)
            messages.append(message)
            while len(messages) > 1 and (
                len(messages) > self.max_messages or self._bytes > self.max_bytes
            ):
                oldest = messages.popleft()
                self._bytes -= held_bytes(oldest)
                self._dropped += 1
                self._dropped_bytes += oldest.size
                dropped.append(oldest)
            self._received += 1
            self._changed.notify_all()
        return dropped

    def snapshot(self) -> list[ReceivedMessage]:
        """A copy of the messages, oldest first."""
        with self._changed:
            return list(self._messages)

    def clear(self) -> None:
        """Empty the inbox and reset the counts."""
        with self._changed:
            self._messages.clear()
            self._received = 0
            self._dropped = 0
            self._bytes = 0
            self._dropped_bytes = 0
            self._changed.notify_all()

    @property
    def received(self) -> int:
        """How many messages arrived since the lab started or the inbox was cleared."""
        with self._changed:
            return self._received

    @property
    def dropped(self) -> int:
        """How many of them were dropped because the inbox was full."""
        with self._changed:
            return self._dropped

    @property
    def dropped_bytes(self) -> int:
        """How many bytes of messages were dropped because the inbox was full."""
        with self._changed:
            return self._dropped_bytes

    @property
    def size(self) -> int:
        """How many bytes of messages the inbox holds now, their envelopes included."""
        with self._changed:
            return self._bytes

    def wait_until(self, count: int, timeout: float) -> int:
        """Wait until ``count`` messages arrived (or ``timeout`` s passed); return how many."""
        with self._changed:
            self._changed.wait_for(lambda: self._received >= count, timeout)
            return self._received
