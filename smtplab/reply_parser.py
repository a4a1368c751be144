"""Cutting the bytes a server sends into whole replies (RFC 5321 §4.2).

A reply may arrive in pieces, several may arrive at once, and a hostile or broken server
may send anything: :class:`ReplyParser` holds at most one line plus one chunk, and says in
words what was wrong.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from .errors import LocalProtocolError, RemoteProtocolError
from .i18n import N_, _
from .replies import Reply, decode_reply_text

__all__: list[str] = []  # ReplyParser is public as smtplab.protocol.ReplyParser (notebook 10)

MAX_LINE = 4096
"""The longest reply line accepted, line end included (RFC 5321 §4.5.3.1.5 says 512;
real servers stay well below 4096)."""

MAX_REPLY_LINES = 1000
"""The most lines one reply may have."""

MAX_REPLY_BYTES = 64 * 1024
"""The most bytes one reply may have: the longest real replies (an EHLO or HELP list, a
provider's explanation) are a few KiB."""


_OTHER_PROTOCOLS = (
    (b"\x15\x03", N_("this is a TLS alert: the server speaks TLS. Connect with implicit TLS")),
    (b"\x16\x03", N_("this is a TLS record: the server speaks TLS. Connect with implicit TLS")),
    (b"+OK", N_("this is a POP3 server (ports 110, 995), not SMTP")),
    (b"-ERR", N_("this is a POP3 server (ports 110, 995), not SMTP")),
    (b"* OK", N_("this is an IMAP server (ports 143, 993), not SMTP")),
    (b"HTTP/", N_("this is a web server, not SMTP")),
    (b"SSH-", N_("this is an SSH server, not SMTP")),
)


def _preview(data: bytes, limit: int = 80) -> str:
    """repr() of the start of ``data``, cut to ``limit`` bytes."""
    if len(data) <= limit:
        return repr(bytes(data))
    return f"{bytes(data[:limit])!r}... ({len(data)} bytes)"


def _other_protocol_hint(line: bytes) -> str:
    for prefix, hint in _OTHER_PROTOCOLS:
        if line.startswith(prefix):
            return " " + _("Hint: {hint}.").format(hint=_(hint))
    return ""


class ReplyParser:
    """Cut a stream of bytes from the server into :class:`~smtplab.replies.Reply` values.

    ``feed()`` bytes as they come (cut anywhere, several replies at once), then take
    replies with ``next_reply()`` until it returns None. A reply is one or more lines
    ``CODE-text`` ending with one ``CODE text`` (RFC 5321 §4.2.1). Tolerated, as real
    servers do it: a bare LF line end, and a line that is just the code. ``Reply.raw``
    keeps the exact bytes either way.

    Refused with RemoteProtocolError (raised by ``next_reply`` after the good replies
    before it): a line not starting with a code 2xx-5xx, a fourth character other than
    ``-`` or space, a code that changes inside a reply, a line longer than ``max_line``
    (found as soon as that many bytes arrive without a line end), a reply of more than
    ``max_lines`` lines or ``max_reply`` bytes, and a close in mid-reply. After an error
    the parser stays broken.
    """

    def __init__(
        self,
        max_line: int = MAX_LINE,
        max_lines: int = MAX_REPLY_LINES,
        max_reply: int = MAX_REPLY_BYTES,
    ) -> None:
        self.max_line = max_line
        self.max_lines = max_lines
        self.max_reply = max_reply
        self._buffer = bytearray()
        self._texts: list[str] = []  # the text of each line of the reply being read
        self._raws: list[bytes] = []  # and its bytes
        self._size = 0
        self._replies: deque[Reply] = deque()
        self._error: RemoteProtocolError | None = None
        self._eof = False

    def feed(self, data: bytes) -> None:
        """Add bytes received from the server (raises the parser's error if it is broken)."""
        if self._error is not None:
            raise self._error
        if self._eof:
            raise LocalProtocolError(_("bytes fed after the end of the stream (feed_eof)."))
        buffer = self._buffer
        if not buffer and 0 <= data.find(b"\n") == len(data) - 1 < self.max_line:
            self._take_line(bytes(data))  # the usual case: one line that arrived whole, alone
            return
        buffer += data
        start = 0
        while (newline := buffer.find(b"\n", start)) >= 0 and self._error is None:
            if newline + 1 - start > self.max_line:
                break
            self._take_line(bytes(buffer[start : newline + 1]))
            start = newline + 1
        del buffer[:start]
        # left: a line without its end yet, or one longer than max_line that broke the loop
        if len(buffer) > self.max_line and self._error is None:
            self._fail(self._unended_line())

    def _unended_line(self) -> str:
        """The error of a line that goes on past ``max_line`` without its line end."""
        message = _(
            "the server sent a line longer than {limit} bytes without ending it: {seen}. "
            "SMTP reply lines are at most 512 bytes (RFC 5321 §4.5.3.1.5), so this is not "
            "an SMTP server, or a broken one; the kit stopped reading.{hint}"
        )
        seen = _preview(bytes(self._buffer[: self.max_line]))
        hint = _other_protocol_hint(bytes(self._buffer))
        return message.format(limit=self.max_line, seen=seen, hint=hint)

    def feed_eof(self) -> None:
        """The server closed the connection; an unfinished reply becomes an error."""
        was_eof, self._eof = self._eof, True  # at_eof says so, even after an error
        if was_eof or self._error is not None:
            return
        if self._buffer or self._raws:
            seen = b"".join(self._raws) + bytes(self._buffer)
            message = _(
                "the server closed the connection in the middle of a reply: {seen}. The reply "
                "is incomplete; the server may have crashed or dropped you. Connect again."
            )
            self._fail(message.format(seen=_preview(seen)))

    def next_reply(self) -> Reply | None:
        """The next complete reply, or None when more bytes are needed."""
        if self._replies:
            return self._replies.popleft()
        if self._error is not None:
            raise self._error
        return None

    def __iter__(self) -> Iterator[Reply]:
        """Every complete reply available now."""
        while (reply := self.next_reply()) is not None:
            yield reply

    @property
    def buffered(self) -> int:
        """Bytes held that do not make a complete reply yet (0 when idle)."""
        return len(self._buffer) + self._size

    @property
    def replies_waiting(self) -> int:
        """Complete replies parsed but not yet taken."""
        return len(self._replies)

    @property
    def at_eof(self) -> bool:
        """True once feed_eof() was called."""
        return self._eof

    @property
    def failed(self) -> bool:
        """True once the server sent something that is not a valid reply."""
        return self._error is not None

    def _fail(self, message: str) -> None:
        self._error = RemoteProtocolError(message)
        self._buffer.clear()
        self._texts, self._raws, self._size = [], [], 0

    def _take_line(self, raw: bytes) -> None:
        content = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
        head, separator = content[:3], content[3:4]  # "250", then "-" (more lines) or " "
        good = len(head) == 3 and head.isdigit() and head[:1] in b"2345"
        changed = bool(self._raws) and head != self._raws[0][:3]  # inside one reply
        if not good or separator not in (b"-", b" ", b"") or changed:
            return self._fail(self._bad_line(raw, head, separator, good))
        rest = content[4:]
        self._texts.append(rest.decode("ascii") if rest.isascii() else decode_reply_text(rest))
        self._raws.append(raw)
        self._size += len(raw)
        if separator != b"-":
            texts, raws = tuple(self._texts), self._raws
            self._texts, self._raws, self._size = [], [], 0
            self._replies.append(Reply(int(head), texts, raw if len(raws) == 1 else b"".join(raws)))
        elif len(self._raws) >= self.max_lines or self._size > self.max_reply:
            self._fail(self._too_long_reply(int(head)))
        return None

    def _bad_line(self, raw: bytes, head: bytes, separator: bytes, good: bool) -> str:
        """The error of a line that is no reply line (``good``: its code is one), or whose
        code changed mid-reply."""
        if not good:
            message = _(
                "the server sent a line that does not start with a reply code (three "
                "digits, the first 2 to 5): {seen}. Is this an SMTP server?{hint}"
            )
            return message.format(seen=_preview(raw), hint=_other_protocol_hint(raw))
        if separator not in (b"-", b" ", b""):
            message = _(
                "the server sent a reply line whose code is followed by {separator}, "
                "not '-' (more lines follow) or ' ' (last line): {seen}."
            )
            return message.format(separator=repr(separator), seen=_preview(raw))
        seen = b"".join(self._raws) + raw
        message = _(
            "the server changed the reply code from {first} to {code} inside one "
            "multi-line reply: {seen}. Every line of a reply must carry the same code "
            "(RFC 5321 §4.2.1)."
        )
        first = self._raws[0][:3].decode()
        return message.format(first=first, code=int(head), seen=_preview(seen))

    def _too_long_reply(self, code: int) -> str:
        """The error of a reply past ``max_lines`` lines or ``max_reply`` bytes."""
        if len(self._raws) >= self.max_lines:
            message = _(
                "the server sent a reply of more than {limit} lines (code {code}); "
                "the kit stopped reading. This is no normal SMTP reply."
            )
            return message.format(limit=self.max_lines, code=code)
        message = _(
            "the server sent a reply of more than {limit} bytes in {count} lines (code "
            "{code}), and it goes on; the kit stopped reading. This is no normal SMTP reply."
        )
        return message.format(limit=self.max_reply, count=len(self._raws), code=code)
