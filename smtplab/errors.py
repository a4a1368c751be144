"""The errors smtplab raises: one tree, each message saying what happened and what to try.

::

    SmtplabError
    ├── ProtocolError            LocalProtocolError (you) / RemoteProtocolError (the peer)
    ├── ReplyError(reply)        .is_transient (4xx) / .is_permanent (5xx); .explain()
    │   ├── AuthenticationError, SenderRefused, RecipientRefused(.recipient), DataRefused
    ├── NotSupported             an extension or mechanism the server did not advertise
    │   └── UnencryptedAuthRefused   AUTH on a connection without TLS (nothing was sent)
    └── TransportError           ConnectError, Disconnected (both ConnectionError),
                                 Timeout (TimeoutError), TLSError (with a hint)

Errors subclass the matching built-ins where one exists, so ``except TimeoutError``
and ``except ConnectionError`` work as a learner expects.

This module is part of the sans-I/O core: it imports no socket or ssl. The TLS
hints are computed from the *strings* an ``ssl.SSLError`` carries.
"""

from __future__ import annotations

from collections.abc import Callable

from . import errors_texts as texts
from .i18n import _
from .printable import printable
from .replies import Reply, explain

__all__ = [
    "AuthenticationError",
    "ConnectError",
    "DataRefused",
    "Disconnected",
    "LocalProtocolError",
    "NotSupported",
    "ProtocolError",
    "RecipientRefused",
    "RemoteProtocolError",
    "ReplyError",
    "SenderRefused",
    "SmtplabError",
    "TLSError",
    "Timeout",
    "TransportError",
    "UnencryptedAuthRefused",
]


class SmtplabError(Exception):
    """The root of every error smtplab raises on purpose."""

    def scrubbed(self, scrub: Callable[[str], str]) -> SmtplabError:
        """This error with ``scrub`` applied to every text it shows (to mask a password
        a server echoed back); returns the error itself."""
        self.args = tuple(scrub(a) if isinstance(a, str) else a for a in self.args)
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), self.args, self._pickled_state())

    def _pickled_state(self) -> dict[str, object]:
        # Fields of the error (a ReplyError's sender or recipient...) travel
        # in the instance's state; the transcript a client attached stays behind (it
        # holds locks and secrets).
        return {key: value for key, value in self.__dict__.items() if key != "transcript"}


class ProtocolError(SmtplabError):
    """Something broke the rules of SMTP."""


class LocalProtocolError(ProtocolError, ValueError):
    """What *you* asked for would break SMTP (a CR/LF inside a command, a line too long...).

    Nothing was sent.
    """


class RemoteProtocolError(ProtocolError):
    """The *server* sent something that is not valid SMTP."""


class ReplyError(SmtplabError):
    """The server answered, but not with the reply this step needs.

    ``reply`` is the :class:`~smtplab.replies.Reply`; ``step`` names what was being
    done (``"RCPT TO:<bob@example.com>"``...).
    """

    def __init__(self, reply: Reply, step: str = "", hint: str = "") -> None:
        self.reply = reply
        self.step = step
        self.hint = hint
        super().__init__(self._render())

    def scrubbed(self, scrub: Callable[[str], str]) -> SmtplabError:
        """This error with ``scrub`` applied to each line of its reply (and so to its
        message); returns the error itself."""
        lines = tuple(scrub(line) for line in self.reply.lines)
        if lines != self.reply.lines:
            self.reply = Reply.from_text(self.reply.code, *lines)
            self.args = (self._render(),)
        return self

    def _render(self) -> str:
        where = f"{_(self.step)}: " if self.step else ""  # a step name, or a command
        text = printable(self.reply.text, newlines=True)  # the server's words, shown safely
        answered = _("the server answered {code} {text}").format(code=self.reply.code, text=text)
        advice = self.hint or self._default_advice()
        meaning = _("meaning: {meaning}").format(meaning=explain(self.reply))
        return (
            f"{where}{answered}".rstrip()
            + f"\n  {meaning}\n  "
            + _("what to do: {advice}").format(advice=advice)
        )

    def _default_advice(self) -> str:
        if self.reply.code == 530 and "STARTTLS" in self.reply.text.upper():
            return _(texts.STARTTLS_FIRST)
        status = str(self.reply.enhanced) if self.reply.enhanced is not None else ""
        if status in texts.ADDRESS_ADVICE and self.reply.is_permanent:
            return _(texts.ADDRESS_ADVICE[status])
        klass = {4: "transient", 5: "permanent"}.get(self.reply.klass, "unexpected")
        return _(texts.REPLY_ADVICE[klass])

    @property
    def code(self) -> int:
        """The reply's three-digit code."""
        return self.reply.code

    @property
    def is_transient(self) -> bool:
        """True for a 4xx reply: the same command may work later."""
        return self.reply.is_transient

    @property
    def is_permanent(self) -> bool:
        """True for a 5xx reply: it will fail again unchanged."""
        return self.reply.is_permanent

    def explain(self) -> str:
        """The reply's meaning in plain words."""
        return explain(self.reply)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.reply, self.step, self.hint), self._pickled_state())


class AuthenticationError(ReplyError):
    """AUTH failed: wrong user name or password, or a mechanism the server refuses."""


class SenderRefused(ReplyError):
    """MAIL FROM was refused."""

    def __init__(self, reply: Reply, step: str = "", hint: str = "", sender: str = "") -> None:
        self.sender = sender
        super().__init__(reply, step, hint)

    def _default_advice(self) -> str:
        if str(self.reply.enhanced or "") == "5.7.1":  # at MAIL FROM: this sender
            return _(texts.REPLY_ADVICE["sender policy"])
        return super()._default_advice()


class RecipientRefused(ReplyError):
    """RCPT TO was refused; ``recipient`` says which address."""

    def __init__(self, reply: Reply, step: str = "", hint: str = "", recipient: str = "") -> None:
        self.recipient = recipient
        super().__init__(reply, step, hint)


class DataRefused(ReplyError):
    """DATA, or the message after it, was refused."""


class NotSupported(SmtplabError):
    """The server did not advertise an extension or mechanism that this step needs."""


class UnencryptedAuthRefused(NotSupported):
    """The client would not send AUTH on a connection without TLS: LOGIN and PLAIN only
    base64-encode the password, and anyone on the path can decode it. Nothing was sent.

    Use ``security="starttls"`` or ``"tls"``; a lab lesson that shows AUTH in clear on
    purpose opts in with ``allow_unencrypted_auth=True``.
    """


class TransportError(SmtplabError):
    """The connection itself failed (as opposed to a reply the server chose to send)."""


class ConnectError(TransportError, ConnectionError):
    """No connection could be made to the server."""


class Disconnected(TransportError, ConnectionError):
    """The server closed the connection."""


class Timeout(TransportError, TimeoutError):
    """The server did not answer in time."""


class TLSError(TransportError):
    """The TLS handshake failed; the message names the likely cause."""


def tls_hint(reason: str | None, verify_message: str | None = None) -> str:
    """Explain a TLS failure from an ``ssl.SSLError``'s ``reason`` and ``verify_message``.

    >>> tls_hint("WRONG_VERSION_NUMBER").startswith("the server did not answer in TLS")
    True
    """
    if verify_message:
        for needle, hint in texts.VERIFY_HINTS:
            if needle.lower() in verify_message.lower():
                return _(hint)
        # OpenSSL said why; that beats the generic "not trusted" hint below.
        return _("the certificate could not be verified: {message}.").format(message=verify_message)
    for needle, hint in texts.TLS_HINTS:
        if reason and needle in reason:
            return _(hint)
    return _("the TLS handshake failed; check the port (465 is implicit TLS, 587 STARTTLS).")
