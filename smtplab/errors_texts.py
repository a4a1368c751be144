"""The texts of the errors and of the refusals of the client and of auth.py, marked for
translation and read through ``_()`` where used: tables only."""

from __future__ import annotations

from .i18n import N_, Texts

__all__: list[str] = []

STARTTLS_FIRST = N_(
    "the server takes this command only inside TLS (RFC 3207 §4: 530 5.7.0 Must issue a "
    "STARTTLS command first): call starttls(), then login(), then send again (or connect "
    "with security='starttls', as on port 587)."
)
"""The advice for a 530 that asks for STARTTLS first (refusing MAIL, AUTH...)."""

# The advice of a refused reply when its step gives none, by what the reply says.
REPLY_ADVICE = {
    "sender policy": N_(  # 5.7.1 at MAIL FROM: this sender
        "the server does not let you send as this address (policy): use the "
        "address of the account you logged in with, or one it may send as."
    ),
    "transient": N_("this is temporary; wait a little and try the same thing again."),
    "permanent": N_("read the server's text above; repeating the same command will fail again."),
    "unexpected": N_("the server's reply was not the one this step expects; read its text above."),
}

# What to do about a refused address, by its enhanced code: 553 alone may mean any of them.
ADDRESS_ADVICE = {
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


TLS_HINTS: tuple[tuple[str, str], ...] = (
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

VERIFY_HINTS: tuple[tuple[str, str], ...] = (
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

# auth.py's refusals (of a credential, a response, a mechanism).
AUTH_BAD_CHARACTER = N_(
    "{what} contains {char} at position {position}; {why} Remove that character."
)
AUTH_CRAM_CHALLENGE = N_(
    "the server's CRAM-MD5 challenge {challenge} is not base64; "
    "cancel with '*' and try another mechanism."
)
AUTH_NONE_OFFERED = N_(
    "the server offers no AUTH mechanism (no AUTH line in its EHLO reply). Many "
    "servers offer AUTH only inside TLS: use STARTTLS (or port 465) and EHLO "
    "again. A receiving server (port 25) may not offer login at all."
)
AUTH_UNKNOWN_MECHANISM = N_("this kit cannot log in with {wanted}; it speaks {known}. ")
AUTH_SERVER_OFFERS = N_("The server offers {listing}.")
AUTH_NOT_OFFERED = N_(
    "the server does not offer AUTH {wanted}; it offers {listing}. "
    "Pick one of those (or leave the mechanism out to let the kit choose)."
)
AUTH_XOAUTH2_HINT = N_(" XOAUTH2 needs an OAuth token: pass mechanism='XOAUTH2' and the token.")
AUTH_NO_PASSWORD_MECHANISM = N_(
    "the server offers AUTH {listing}, and none of them is a password mechanism "
    "this kit speaks ({mechanisms}).{hint}"
)
