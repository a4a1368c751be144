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

from .i18n import N_, Texts, _
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


class ProtocolError(SmtplabError):
    """Something broke the rules of SMTP."""


class LocalProtocolError(ProtocolError, ValueError):
    """What *you* asked for would break SMTP (a CR/LF inside a command, a line too long...).

    Nothing was sent.
    """


class RemoteProtocolError(ProtocolError):
    """The *server* sent something that is not valid SMTP."""


STARTTLS_FIRST = N_(
    "the server takes this command only inside TLS (RFC 3207 §4: 530 5.7.0 Must issue a "
    "STARTTLS command first): call starttls(), then login(), then send again (or connect "
    "with security='starttls', as on port 587)."
)
"""The advice for a 530 that asks for STARTTLS first (refusing MAIL, AUTH...)."""

# What to do about a refused address, by its enhanced code: 553 alone may mean any of them.
_ADDRESS_ADVICE = {
    "5.6.7": N_(
        "the address is not ASCII and the server wants it declared: send MAIL FROM:<...> "
        "SMTPUTF8 (RFC 6531 §3.4; send_message does it when the server offers SMTPUTF8), or "
        "use an ASCII address."
    ),
    "5.1.7": N_(
        "the sender address is malformed: check its syntax (one @, no spaces, inside "
        "<...>), then send again."
    ),
    "5.1.3": N_(
        "the address is malformed: check its syntax (one @, no spaces, inside <...>), "
        "then send again."
    ),
}


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
            return _(STARTTLS_FIRST)
        status = str(self.reply.enhanced) if self.reply.enhanced is not None else ""
        if status in _ADDRESS_ADVICE and self.reply.is_permanent:
            return _(_ADDRESS_ADVICE[status])
        if self.reply.is_transient:
            return _("this is temporary; wait a little and try the same thing again.")
        if self.reply.is_permanent:
            return _("read the server's text above; repeating the same command will fail again.")
        return _("the server's reply was not the one this step expects; read its text above.")

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
        return (type(self), (self.reply, self.step, self.hint))


class AuthenticationError(ReplyError):
    """AUTH failed: wrong user name or password, or a mechanism the server refuses."""


class SenderRefused(ReplyError):
    """MAIL FROM was refused."""

    def __init__(self, reply: Reply, step: str = "", hint: str = "", sender: str = "") -> None:
        self.sender = sender
        super().__init__(reply, step, hint)

    def _default_advice(self) -> str:
        if str(self.reply.enhanced or "") == "5.7.1":  # at MAIL FROM: this sender
            return _(
                "the server does not let you send as this address (policy): use the "
                "address of the account you logged in with, or one it may send as."
            )
        return super()._default_advice()

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.reply, self.step, self.hint, self.sender))


class RecipientRefused(ReplyError):
    """RCPT TO was refused; ``recipient`` says which address."""

    def __init__(self, reply: Reply, step: str = "", hint: str = "", recipient: str = "") -> None:
        self.recipient = recipient
        super().__init__(reply, step, hint)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.reply, self.step, self.hint, self.recipient))


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


_TLS_HINTS: tuple[tuple[str, str], ...] = (
    (
        "WRONG_VERSION_NUMBER",
        N_(
            "the server did not answer in TLS. You probably spoke implicit TLS to a STARTTLS "
            "port (like 587 or 25): connect in plain text and send STARTTLS, or use the "
            "implicit-TLS port (like 465)."
        ),
    ),
    (
        "CERTIFICATE_VERIFY_FAILED",
        N_(
            "the server's certificate is not trusted by your SSL context. For the lab, pass "
            "context=lab.ssl_context(); for a real provider, use the default context."
        ),
    ),
    (
        "TLSV1_ALERT_UNKNOWN_CA",
        N_("the other side does not trust the certificate authority of the certificate it saw."),
    ),
    (
        "UNSUPPORTED_PROTOCOL",
        N_("client and server have no TLS version in common (the server may be very old)."),
    ),
    (
        "SSLV3_ALERT_HANDSHAKE_FAILURE",
        N_("the server refused the handshake: no cipher or TLS version in common."),
    ),
)

_VERIFY_HINTS: tuple[tuple[str, str], ...] = (
    (
        "Hostname mismatch",  # i18n: keep OpenSSL's verify message, matched
        N_(
            "the certificate is for another name than the one you connected to. Connect "
            "with the server's real host name (the one in its certificate)."
        ),
    ),
    (
        "IP address mismatch",  # i18n: keep OpenSSL's verify message, matched
        N_(
            "the certificate does not cover the IP address you connected to. Use the "
            "server's host name instead."
        ),
    ),
    (
        "certificate has expired",  # i18n: keep OpenSSL's verify message, matched
        N_(
            "the server's certificate has expired. The server's owner must renew it; do not "
            "turn verification off to get around it."
        ),
    ),
    (
        "certificate is not yet valid",  # i18n: keep OpenSSL's verify message, matched
        N_(
            "the server's certificate is not yet valid: check the clock of your computer "
            "(and the server's); a wrong date makes every certificate look bad."
        ),
    ),
    (
        "self-signed certificate",  # i18n: keep OpenSSL's verify message, matched
        N_("the server uses a self-signed certificate that your context does not trust."),
    ),
    (
        "unable to get local issuer certificate",  # i18n: keep OpenSSL's verify message, matched
        N_(
            "the certificate was issued by an authority your context does not trust. For the "
            "lab, pass context=lab.ssl_context()."
        ),
    ),
)


def tls_hint(reason: str | None, verify_message: str | None = None) -> str:
    """Explain a TLS failure from an ``ssl.SSLError``'s ``reason`` and ``verify_message``.

    >>> tls_hint("WRONG_VERSION_NUMBER").startswith("the server did not answer in TLS")
    True
    """
    if verify_message:
        for needle, hint in _VERIFY_HINTS:
            if needle.lower() in verify_message.lower():
                return _(hint)
        # OpenSSL said why; that beats the generic "not trusted" hint below.
        return _("the certificate could not be verified: {message}.").format(message=verify_message)
    for needle, hint in _TLS_HINTS:
        if reason and needle in reason:
            return _(hint)
    return _("the TLS handshake failed; check the port (465 is implicit TLS, 587 STARTTLS).")


# The advice of the transport errors, filled in by the client's exception map
# (smtplab.wire): {step} is what was being done, {detail} the system's own message.
TRANSPORT_ADVICE: Texts[str] = Texts(
    {
        "unresolved": N_(
            "{step}: the host name {host!r} could not be resolved ({detail}). Check "
            "the spelling; for the lab use lab.host."
        ),
        "refused": N_(
            "{step}: connection refused, nothing listens on port {port}. Is the server "
            "running (lab.start()) and is the port right (lab.port, lab.tls_port)?"
        ),
        "reset": N_(
            "waiting for the greeting: the server accepted the connection to {host}:{port} "
            "and reset it at once ({detail}). It may be overloaded or refuse your address; try "
            "again later."
        ),
        "no answer": N_("{step}: no answer within {timeout:g} s. {advice}"),
        "unreachable": N_("{step}: {detail}. Check host, port and network."),
        "untrusted": N_("{step}: the certificate of {name!r} failed verification: {hint}"),
        "closed in handshake": N_(  # i18n: keep the key (the text is marked)
            "{step}: the server closed the connection in the middle of the "
            "TLS handshake ({reason}). {advice}"
        ),
        "handshake failed": N_("{step} failed ({reason}): {advice}"),
        "slow handshake": N_("{step}: no complete TLS handshake within {timeout:g} s. {advice}"),
        "broke in handshake": N_(  # i18n: keep the key (the text is marked)
            "{step}: the connection broke during the handshake ({detail})."
        ),
        "send timeout": N_("{step}: the server took no data for {timeout:g} s."),
        "broke while sending": N_(  # i18n: keep the key (the text is marked)
            "{step}: the connection broke while sending ({detail}).{unknown}"
        ),
        "broke while reading": N_(  # i18n: keep the key (the text is marked)
            "{step}: the connection broke while reading ({detail}){got}.{unknown}"
        ),
        "no reply": N_("{step}: no complete reply within {timeout:g} s{got}.{hint}{unknown}"),
        "closed": N_(
            "{step}: the server closed the connection {what}. It may have crashed, timed "
            "you out, or refused you.{hint}{unknown}"
        ),
        "not connected": N_("{step}: the connection is closed ({reason}); connect again."),
        "deadline": N_(
            "{step}: the overall deadline of {seconds:g} s for this whole send elapsed "
            "(each step may take {timeout:g} s; deadline= bounds them all together).{unknown}"
        ),
        "in clear": N_(
            "AUTH {mechanism}: this connection to {where} is not encrypted{why}, so the kit "
            "did not send AUTH (nothing was sent). AUTH PLAIN and LOGIN only base64-encode the "
            "password: anyone on the path (the café's Wi-Fi, a router on the way) can decode it. "
            "Connect with security='starttls' (port 587 style) or security='tls' (port 465 style). "
            "For a lab lesson that shows AUTH in clear on purpose, opt in with "
            "allow_unencrypted_auth=True (smtplab send --allow-unencrypted-auth; the Composer's "
            "'Allow AUTH without TLS (lab lessons only)' box)."
        ),
    }
)

TRANSPORT_HINTS: Texts[str] = Texts(
    {
        "firewall": N_(
            "A firewall may drop the connection: many networks (and mybinder.org) "
            "block outbound SMTP ports."
        ),
        "closed after starttls": N_(  # i18n: keep the key (the text is marked)
            "It had said 220 to STARTTLS: it may not really support TLS, "
            "or it refused your TLS version or ciphers."
        ),
        "closed on tls port": N_(  # i18n: keep the key (the text is marked)
            "It may not speak TLS on this port, or it refused your TLS version or ciphers."
        ),
        "not tls after starttls": N_(  # i18n: keep the key (the text is marked)
            "the server said 220 to STARTTLS, but what it sent next is "
            "not TLS. The server is broken, or something between you and it (a firewall or proxy "
            "that does not understand STARTTLS) is in the way; do not go on in plain text."
        ),
        "stalled after starttls": N_(  # i18n: keep the key (the text is marked)
            "The server said 220 to STARTTLS and then did not go on with "
            "the handshake: it may not really support TLS."
        ),
        "plain port": N_(
            "If this port speaks plain SMTP first (like 587 or 25), connect with "
            "security='starttls'."
        ),
        "tls port": N_(
            " A port that speaks implicit TLS (like 465) waits for your TLS handshake "
            "first: connect with security='tls'."
        ),
        "unknown delivery": N_(
            " No 250 came for the message, so it is NOT known to be delivered: "
            "it may be lost, or the server may have kept it after all. Check (the recipient's "
            "mailbox, lab.inbox) before sending it again, or it may arrive twice (RFC 5321 §6.1)."
        ),
    }
)

# The client's own messages (smtplab.client, at its size budget, reads them here).
CLIENT_TEXT: Texts[str] = Texts(
    {
        "no starttls": N_(
            "the server did not offer STARTTLS in its EHLO reply, so the kit will "
            "not go on in plain text (an attacker who strips STARTTLS from the "
            "reply — STRIPTLS — makes it look exactly like this). Use the "
            "implicit-TLS port (security='tls'), or another server."
        ),
        "non-ascii": N_(
            "the address {address} has non-ASCII characters, which need the "
            "SMTPUTF8 extension (RFC 6531), and the server did not offer it. Use an "
            "ASCII address with this server."
        ),
        "no 8bitmime": N_(
            "the server did not offer 8BITMIME (RFC 6152): send a 7-bit message "
            "(an EmailMessage with base64 or quoted-printable parts)."
        ),
        "announce": N_(
            " send_message() announces BODY=8BITMIME and SMTPUTF8 (raw UTF-8 headers) "
            "for you; with mail(), pass body='8BITMIME' (and params=['SMTPUTF8'])."
        ),
        "refused": N_(
            "The kit refused to send this message, and nothing was sent: {problems}.{advice}"
        ),
        "8-bit": N_(
            "the message has 8-bit bytes (e.g. UTF-8 text) and the server did "
            "not offer 8BITMIME (RFC 6152). Build an EmailMessage whose text "
            "parts use base64 or quoted-printable, so that it is 7-bit."
        ),
        "no headers": N_(
            "a message given as str or bytes has no parsed headers to take the "
            "envelope from: pass from_addr and to_addrs."
        ),
        "no recipients": N_(
            "the message has no recipients (no To, Cc or Bcc, and no to_addrs): add one."
        ),
        "security": N_(
            "security={security} is not a mode; use 'plain', 'starttls' (port 587 "
            "style) or 'tls' (implicit TLS, port 465 style)."
        ),
    }
)
# The client's step names (see smtplab.wire: it compares them in English); a ReplyError
# shows its step in the current language.
STEPS = (
    N_("implicit TLS handshake"),
    N_("STARTTLS handshake"),
    N_("waiting for the greeting"),
    N_("the greeting"),
    N_("the end of the message"),
    N_("the message (after DATA)"),
    N_("MAIL, RCPT and DATA (pipelined)"),
    N_("ending an empty message"),
    N_("a line of the message"),
    N_("not connected"),
)
