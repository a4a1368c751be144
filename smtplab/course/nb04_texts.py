"""Notebook 04's hints and praise, marked for translation (nb04.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

CLIENT_WAITED_GREETING = N_(
    "your client waited for a greeting on the implicit-TLS port, while the server waited "
    "for a TLS handshake: each waits for the other. On lab.tls_port use security='tls' "
    "(TLS from the first byte)."
)
SERVER_GOT_EHLO = N_(
    "the server got your EHLO inside TLS and answered, but your code waited in vain: "
    "after wrap_socket, read from the NEW socket it returned (tls.recv or "
    "tls.makefile('rb')); the old socket or file only sees encrypted bytes."
)
SERVER_SAID_READY = N_(
    "the server said '220 Ready to start TLS' and waits for your TLS handshake, but "
    "your code kept waiting for something else. After the 220, call "
    "context.wrap_socket(sock, server_hostname=server_name)."
)
IMPLICIT_TLS_LAB = N_(
    "implicit TLS to lab.port failed with WRONG_VERSION_NUMBER: that port speaks plain "
    "SMTP first (STARTTLS, 587 style), so its '220' greeting was read as a TLS record. "
    "Implicit TLS is on lab.tls_port."
)
CERTIFICATE_NAME_CHECKED = N_(
    "the certificate is not for the name you checked: leave server_hostname out (the "
    "lab's certificate covers 127.0.0.1) or use lab.hostname."
)
LAB_CERTIFICATE_TRUSTED = N_(
    "the lab's certificate was not trusted: without context= the client uses the "
    "system's authorities, and the lab's CA is not one of them. Pass a context that "
    "trusts the lab's CA (the lab gives you one)."
)
CODE_WAITED_REPLY = N_(
    "your code waited for a reply that never came (the server got {commands}): "
    "end every command with \\r\\n, and stop reading at the line with a space after the "
    "code ('250 STARTTLS')."
)
GREETING_ALREADY_READ = N_(
    " And if your code first waited for the greeting: its greeting has been read already "
    "(your function starts right after it), so begin with EHLO."
)
SERVER_REFUSED_EHLO = N_(
    "the server answered {reply!r} to your EHLO: EHLO names your client (EHLO "
    "learner.example, RFC 5321 §4.1.1.1), and after a refused EHLO the server takes no "
    "mail (503 'send HELO first')."
)
SERVER_NEVER_GOT = N_(
    "the server never got STARTTLS in plain text: send 'STARTTLS\\r\\n' "
    "after EHLO, read the 220, then wrap."
)
SAY_EHLO_BEFORE = N_(
    "say EHLO before STARTTLS: its reply is how you learn that the server "
    "offers STARTTLS at all (RFC 3207 §4)."
)
TLS_DID_SAY = N_(
    "TLS is on, but you did not say EHLO again after STARTTLS: the server "
    "forgot everything from before TLS (RFC 3207 §4.2), and only the new "
    "EHLO reply tells you what it offers now (AUTH appears here)."
)
SERVER_SAW_EHLO = N_(
    "the server saw EHLO and STARTTLS in plain text, then your EHLO inside TLS "
    "({version}, certificate for {name!r} verified)."
)
KEPT_BYTES_FROM = N_(
    "you kept bytes from after STARTTLS: from the first TLS record on (it starts "
    "with 0x16 0x03) an eavesdropper sees only encrypted bytes. Cut there."
)
CLIENT_REACHED_LAB = N_(
    "your client reached the lab's plain port (STARTTLS style). This exercise wants "
    "implicit TLS: TLS from the first byte, on lab.tls_port."
)
STARTTLS_PLAIN_FIRST = N_(
    "that is STARTTLS (plain first, then TLS: the 587 style). This exercise wants "
    "implicit TLS, TLS from the first byte: security='tls' on lab.tls_port."
)
VERIFICATION_OFF = N_(
    "the connection is encrypted, but the certificate was NOT verified, so anyone in the "
    "middle could pose as the server. verify=False turns the check off, and so does a "
    "context with verify_mode CERT_NONE (ssl._create_unverified_context() makes one; "
    "setting it on lab.ssl_context() does too). Leave verify out and pass "
    "context=lab.ssl_context() as it is: it trusts the lab's CA and checks the name."
)
CHAIN_CHECK_OFF = N_(
    "the certificate was NOT verified: you set verify_mode to CERT_NONE on {source}, so "
    "anyone in the middle could pose as the server. Use {source} as it is: it trusts the "
    "lab's CA and checks the name."
)
UNVERIFIED_CONTEXT = N_(
    "the certificate was NOT verified: the context you made checks nothing (verify_mode "
    "CERT_NONE, as ssl._create_unverified_context() makes it), so anyone in the middle "
    "could pose as the server. Use {source} instead: it trusts the lab's CA and checks the "
    "name."
)
NAME_CHECK_OFF = N_(
    "the chain was verified but not the name: your context has check_hostname = False, so "
    "a certificate the CA signed for any other name would pass too. Use {source} as it "
    "is: it checks both."
)
STARTTLS_AGAIN = N_(
    "your code sent STARTTLS again inside TLS, and the server answered {reply!r}: TLS is "
    "on already, and a client must not start it twice (RFC 3207 §4). Send STARTTLS once, "
    "in plain text; inside TLS begin with EHLO."
)
FIRST_INSIDE_TLS = N_(
    "your first command inside TLS was {command}: after the handshake both sides have "
    "forgotten the plain-text session, so EHLO comes first (RFC 3207 §4.2), and only its "
    "reply tells you what the server offers now."
)
IMPLICIT_TLS_LAB_TLS = N_(
    "implicit TLS on the lab's TLS port: {version}, certificate for "
    "{name!r} verified (issuer: {issuer})."
)
EAVESDROPPER_READS_FIRST = N_(
    "an eavesdropper reads the first {count} bytes ({start!r}...), the "
    "bytes before the first TLS record: return exactly data[:n] for that n."
)
STARTTLS_EAVESDROPPER_READS = N_(
    "with STARTTLS an eavesdropper reads {count} of {total} bytes "
    "({readable!r}); without it, all {plain} bytes, the message included."
)
CODE_USED_OLD = N_(
    "your code used the old socket (or a file made from it) after "
    "wrap_socket: wrap_socket takes the connection over. Send and read "
    "with the NEW socket it returned (tls.sendall, tls.makefile('rb'))."
)
WRAP_SOCKET_NEEDS = N_(
    "wrap_socket needs server_hostname=server_name: it is the name the "
    "certificate must be issued for (without it nothing checks WHO you are "
    "talking to)."
)
LAB_ANSWERED_CLOSED = N_(
    "the lab answered {reply!r}... and closed the connection: end every line "
    "with \\r\\n (CR LF), not \\n alone (RFC 5321 §2.3.8). Hardened servers refuse "
    "a bare LF as this check's lab did; a lenient server may have let it through."
)
RETURNED_RETURN_SSL = N_(
    "you returned {kind}: return the ssl.SSLSocket that the context's wrap_socket gave you."
)
RETURNED_STR_RETURN = N_(
    "for the {which} you returned a str: return bytes, a slice of data "
    "(data[:n]), so nothing is decoded or changed."
)
SESSION_WITHOUT_STARTTLS = N_(
    "in the session without STARTTLS everything is readable, the whole message "
    "included: return all of data ({total} bytes), not {count} bytes."
)
CUT_TOO_EARLY = N_(
    "you cut too early: {missing!r} also crossed in plain text. The STARTTLS "
    "command itself is readable; what follows it is not."
)
RETURNED_RETURN_CONNECTED = N_(
    "you returned {kind}: return the connected Client "
    "(implicit TLS: which port, which security mode, which context?)."
)
CERTIFICATE_REFUSED_PASS = N_(
    "the certificate was refused ({reason}): pass the context you were given, "
    "and server_hostname=server_name (the name in the lab's certificate)."
)
TLS_HANDSHAKE_FAILED = N_(
    "the TLS handshake failed ({reason}): you wrapped the socket before "
    "reading the server's '220 Ready to start TLS', so TLS read plain-text lines "
    "as if they were a TLS record. Read every reply to its last line (the EHLO "
    "reply has several, RFC 5321 §4.2.1), then the 220, then wrap."
)
SESSION_WITHOUT_STARTTLS_FUNCTION = N_(
    "on a session without STARTTLS your function raised {kind}: "
    "{error}. When no TLS record comes, everything is readable: return all of "
    "data."
)
EXERCISE_IMPLICIT_TLS = N_("Exercise 3 (implicit TLS with Client)")
RETURNED_RETURN_BYTES = N_("you returned {kind}: return bytes (a slice of data).")
CLIENT_NO_LONGER_CONNECTED = N_(
    "the Client you returned is no longer connected: a with block (or quit()) closes it as "
    "it ends. Return it still connected; whoever called your function goes on with it and "
    "closes it."
)
