"""The checks of notebook 04 (TLS): the catalogue of each exercise's typical wrong answers
(tests/catalogue.py), each failing with the hint meant for it, and the behaviours that are
not catalogue rows."""

from __future__ import annotations

import socket
import ssl

from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution

from smtplab import Client
from smtplab.course.nb04 import check_connect_implicit, check_readable_part, check_start_tls

sol = load_solution("nb04_tls")
read_reply = sol.read_reply


# --- exercise 1: STARTTLS by hand ---------------------------------------------------------


def plain_until_220(sock: socket.socket) -> None:
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO learner.example\r\n")
    read_reply(reader)
    sock.sendall(b"STARTTLS\r\n")
    read_reply(reader)


def no_ehlo_after_tls(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    plain_until_220(sock)
    return context.wrap_socket(sock, server_hostname=name)


def wraps_before_220(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO learner.example\r\n")
    read_reply(reader)
    sock.sendall(b"STARTTLS\r\n")
    tls = context.wrap_socket(sock, server_hostname=name)  # the 220 is still unread
    tls.sendall(b"EHLO learner.example\r\n")
    read_reply(tls.makefile("rb"))
    return tls


def verification_off(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    plain_until_220(sock)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\r\n")
    read_reply(tls.makefile("rb"))
    return tls


def unverified_context(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    """Wraps with a context of its own that checks nothing, not the one given."""
    return sol.start_tls(sock, ssl._create_unverified_context(), name)


def name_not_checked(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    context.check_hostname = False  # the chain is still verified, the name no longer
    return sol.start_tls(sock, context, name)


def starttls_again(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    """Does every step, then sends STARTTLS once more inside TLS: the server answers 503."""
    tls = sol.start_tls(sock, context, name)
    tls.sendall(b"STARTTLS\r\n")
    read_reply(tls.makefile("rb"))
    return tls


def noop_first_inside_tls(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    """Says NOOP inside TLS before the new EHLO."""
    plain_until_220(sock)
    tls = context.wrap_socket(sock, server_hostname=name)
    reader = tls.makefile("rb")
    for line in (b"NOOP\r\n", b"EHLO learner.example\r\n"):
        tls.sendall(line)
        read_reply(reader)
    return tls


def no_server_hostname(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    plain_until_220(sock)
    return context.wrap_socket(sock)


def reads_old_file(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO learner.example\r\n")
    read_reply(reader)
    sock.sendall(b"STARTTLS\r\n")
    read_reply(reader)
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\r\n")
    read_reply(reader)  # the old reader: it sees only ciphertext and waits for a line end
    return tls


def one_line_per_reply(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    """Reads one line of each reply: the EHLO reply's other lines are still unread."""
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO learner.example\r\n")
    reader.readline()
    sock.sendall(b"STARTTLS\r\n")
    reader.readline()
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\r\n")
    tls.makefile("rb").readline()
    return tls


def one_recv_per_reply(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    """Takes one recv() for one reply: it returns what has arrived so far."""
    sock.sendall(b"EHLO learner.example\r\n")
    sock.recv(4096)
    sock.sendall(b"STARTTLS\r\n")
    sock.recv(4096)
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\r\n")
    tls.recv(4096)
    return tls


def bare_lf(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO learner.example\n")
    read_reply(reader)
    sock.sendall(b"STARTTLS\n")
    read_reply(reader)
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\n")
    read_reply(tls.makefile("rb"))
    return tls


def returns_the_reply(sock: socket.socket, context: ssl.SSLContext, name: str) -> list[bytes]:
    """Does every step, then returns the EHLO reply read inside TLS instead of the socket."""
    plain_until_220(sock)
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\r\n")
    return read_reply(tls.makefile("rb"))


def reads_the_greeting(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    """Waits for the greeting first, as in notebooks 01-03: here it has been read already."""
    read_reply(sock.makefile("rb"))
    return sol.start_tls(sock, context, name)


def ehlo_without_a_name(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    """Says EHLO with no name: the lab answers 501 both times, yet still starts TLS."""
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO\r\n")
    read_reply(reader)
    sock.sendall(b"STARTTLS\r\n")
    read_reply(reader)
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO\r\n")
    read_reply(tls.makefile("rb"))
    return tls


def forgets_return(sock: socket.socket, context: ssl.SSLContext, name: str) -> None:
    sol.start_tls(sock, context, name)


def forgets_return_and_ehlo(sock: socket.socket, context: ssl.SSLContext, name: str) -> None:
    no_ehlo_after_tls(sock, context, name)


def starttls_without_ehlo(sock: socket.socket, context: ssl.SSLContext, name: str) -> ssl.SSLSocket:
    reader = sock.makefile("rb")
    sock.sendall(b"STARTTLS\r\n")
    read_reply(reader)
    tls = context.wrap_socket(sock, server_hostname=name)
    tls.sendall(b"EHLO learner.example\r\n")
    read_reply(tls.makefile("rb"))
    return tls


STARTTLS_SECTION = "04 · STARTTLS: plain text first, then TLS"
CERTIFICATE = "04 · The certificate, and who checks it"
MISTAKES = "04 · The classic mistakes"

START_TLS = Exercise(
    number="04.1",
    title="STARTTLS by hand",
    checks="start_tls(sock, context, server_name) on a plain connection to a lab: EHLO, "
    "STARTTLS, the 220, wrap with the context given (verified), EHLO again inside TLS; judged "
    "from the lab's log (each line flagged plain or TLS) and the returned socket",
    check=check_start_tls,
    correct=sol.start_tls,
    mistakes=(
        Mistake(
            name="no EHLO after TLS",
            rule="after STARTTLS the session starts afresh: EHLO again (RFC 3207 §4.2)",
            warned_in="04 · Why EHLO again? (RFC 3207 §4.2)",
            answer=no_ehlo_after_tls,
            hint="did not say EHLO again",
        ),
        Mistake(
            name="wraps before reading the 220",
            rule="TLS starts after the server's 220 has been read (RFC 3207 §4)",
            warned_in=STARTTLS_SECTION + " (the 220, then the handshake)",
            answer=wraps_before_220,
            hint="before reading",
        ),
        Mistake(
            name="one line of each reply",
            rule="a reply is read to its last line (RFC 5321 §4.2.1)",
            warned_in="03 · EHLO (RFC 5321 §4.2.1); 04 · Your turn (the read_reply loop given)",
            answer=one_line_per_reply,
            hint="to its last line",
        ),
        Mistake(
            name="one recv() per reply",
            rule="one recv() returns what has arrived so far, not one reply (TCP is a stream)",
            warned_in="01 · One `recv()` is not one reply; 03 · Why not just sock.recv()?",
            answer=one_recv_per_reply,
            hint="to its last line",
        ),
        Mistake(
            name="bare LF",
            rule="every line ends with CRLF; hardened servers refuse a bare LF (RFC 5321 §2.3.8)",
            warned_in="01 · And a bare `\\n`?",
            answer=bare_lf,
            hint="lenient server",
        ),
        Mistake(
            name="certificate verification turned off",
            rule="the certificate and the name are verified (CERT_REQUIRED, check_hostname)",
            warned_in="04 · A trap in smtplib: no context, no verification",
            answer=verification_off,
            hint="you set verify_mode to CERT_NONE on the context you were given",
        ),
        Mistake(
            name="an unverified context of its own",
            rule="the context given trusts the lab's CA and checks the name: wrap with it",
            warned_in="04 · A trap in smtplib: no context, no verification",
            answer=unverified_context,
            hint="ssl._create_unverified_context()",
        ),
        Mistake(
            name="name check turned off",
            rule="both checks stay on: the chain and the name (check_hostname)",
            warned_in=CERTIFICATE + " (2. the name)",
            answer=name_not_checked,
            hint="check_hostname = False",
        ),
        Mistake(
            name="STARTTLS again inside TLS",
            rule="TLS starts once: no STARTTLS on a TLS connection (RFC 3207 §4; 503)",
            warned_in=STARTTLS_SECTION + " (STARTTLS is gone once TLS is on)",
            answer=starttls_again,
            hint="STARTTLS again inside TLS",
        ),
        Mistake(
            name="another command before the new EHLO",
            rule="EHLO is the first command after the handshake (RFC 3207 §4.2)",
            warned_in="04 · Why EHLO again? (RFC 3207 §4.2: EHLO as the first command)",
            answer=noop_first_inside_tls,
            hint="first command inside TLS was NOOP",
        ),
        Mistake(
            name="no server_hostname",
            rule="the name the certificate must be issued for is checked (RFC 6125)",
            warned_in=CERTIFICATE + " (2. the name)",
            answer=no_server_hostname,
            hint="server_hostname=server_name",
        ),
        Mistake(
            name="reads the old file after wrapping",
            rule="after wrap_socket only the new TLS socket carries the session",
            warned_in=STARTTLS_SECTION + " (after wrapping, the TLS socket)",
            answer=reads_old_file,
            hint="the NEW socket",
        ),
        Mistake(
            name="STARTTLS without EHLO",
            rule="EHLO first: its reply says whether STARTTLS is offered (RFC 3207 §4)",
            warned_in="03 · What the server announced (250 STARTTLS); 04 · STARTTLS",
            answer=starttls_without_ehlo,
            hint="say EHLO before STARTTLS",
        ),
        Mistake(
            name="EHLO without a name",
            rule="EHLO names the client (RFC 5321 §4.1.1.1); a refused EHLO greets nobody",
            warned_in="03 · HELO: the old greeting (which name?)",
            answer=ehlo_without_a_name,
            hint="to your EHLO",
        ),
        Mistake(
            name="waits for the greeting again",
            rule="the server greets once; the socket given has its greeting read",
            warned_in="04 · Your turn, exercise 1 (a plain connection whose greeting has been "
            "read)",
            answer=reads_the_greeting,
            hint="greeting has been read already",
        ),
        Mistake(
            name="returns the EHLO reply",
            rule="the caller goes on with the connection: return the TLS socket, not a reply",
            warned_in="04 · Your turn, exercise 1 (return the TLS socket)",
            answer=returns_the_reply,
            hint="return the ssl.SSLSocket",
        ),
        Mistake(
            name="forgot return",
            rule="the function returns the TLS socket",
            warned_in="04 · Your turn, exercise 1",
            answer=forgets_return,
            hint="forgot to `return`",
            kind="forgot return",
        ),
    ),
)


def test_start_tls_names_what_the_server_saw() -> None:
    result = check_start_tls(sol.start_tls)
    assert result, result
    assert "inside TLS" in result.message


def test_start_tls_without_return_is_judged_by_the_log_first() -> None:
    failed_with(check_start_tls(forgets_return_and_ehlo), "did not say EHLO again")


# --- exercise 2: what the eavesdropper reads ----------------------------------------------


def everything(data: bytes) -> bytes:
    return data


def cut_before_starttls(data: bytes) -> bytes:
    index = data.find(b"STARTTLS")
    return data if index < 0 else data[:index]


def assumes_starttls(data: bytes) -> bytes:
    return data[: data.index(b"STARTTLS\r\n") + len(b"STARTTLS\r\n")]


def decoded(data: bytes) -> str:
    return sol.readable_part(data).decode("ascii")


READABLE = Exercise(
    number="04.2",
    title="what the eavesdropper reads",
    checks="readable_part(data) on what a wire tap recorded of a STARTTLS session and of a "
    "plain one: the bytes before the first TLS record (0x16 0x03), or all of them",
    check=check_readable_part,
    correct=sol.readable_part,
    talks_to_lab=False,
    mistakes=(
        Mistake(
            name="everything",
            rule="from the first TLS record on, the bytes are encrypted",
            warned_in="04 · What an eavesdropper sees (the first TLS record starts 16 03)",
            answer=everything,
            hint="after STARTTLS",
        ),
        Mistake(
            name="cut before STARTTLS",
            rule="the STARTTLS command itself crosses in plain text",
            warned_in="04 · What an eavesdropper sees (250 STARTTLS crossed in plain text)",
            answer=cut_before_starttls,
            hint="cut too early",
        ),
        Mistake(
            name="assumes STARTTLS",
            rule="without STARTTLS everything, the message included, is readable",
            warned_in="04 · What an eavesdropper sees (everything before STARTTLS)",
            answer=assumes_starttls,
            hint="all of data",
        ),
        Mistake(
            name="decoded to text",
            rule="what crossed the wire is bytes: slice, do not decode",
            warned_in="04 · Your turn, exercise 2 (return bytes)",
            answer=decoded,
            hint="return bytes",
        ),
    ),
)


def test_readable_part_names_what_crossed_in_clear() -> None:
    result = check_readable_part(sol.readable_part)
    assert result, result
    assert "b'EHLO learner.example\\r\\nSTARTTLS\\r\\n'" in result.message


# --- exercise 3: implicit TLS with Client -------------------------------------------------


def tls_to_starttls_port(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.port, security="tls", context=lab.ssl_context())


def plain_to_tls_port(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.tls_port, context=lab.ssl_context())  # waits 30 s by default


def plain_to_tls_port_short(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.tls_port, context=lab.ssl_context(), timeout=1)


def default_context(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.tls_port, security="tls")


def verify_off(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.tls_port, security="tls", verify=False)


def starttls_instead(lab):  # type: ignore[no-untyped-def]
    return Client(lab.host, lab.port, security="starttls", context=lab.ssl_context())


def wrong_name(lab):  # type: ignore[no-untyped-def]
    return Client(
        lab.host,
        lab.tls_port,
        security="tls",
        context=lab.ssl_context(),
        server_hostname="smtp.example.com",
    )


def verify_off_with_lab_context(lab):  # type: ignore[no-untyped-def]
    """verify=False next to lab.ssl_context(): the context wins, the certificate is verified."""
    return Client(lab.host, lab.tls_port, security="tls", verify=False, context=lab.ssl_context())


def unverified_context_implicit(lab):  # type: ignore[no-untyped-def]
    context = ssl._create_unverified_context()
    return Client(lab.host, lab.tls_port, security="tls", context=context)


def lab_context_checks_nothing(lab):  # type: ignore[no-untyped-def]
    context = lab.ssl_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return Client(lab.host, lab.tls_port, security="tls", context=context)


def name_check_off(lab):  # type: ignore[no-untyped-def]
    context = lab.ssl_context()
    context.check_hostname = False  # the chain is still verified, the name no longer
    return Client(lab.host, lab.tls_port, security="tls", context=context)


def returns_a_closed_client(lab):  # type: ignore[no-untyped-def]
    with Client(lab.host, lab.tls_port, security="tls", context=lab.ssl_context()) as client:
        return client  # the with block says QUIT and closes it on the way out


def forgets_to_return_the_client(lab):  # type: ignore[no-untyped-def]
    sol.connect_implicit(lab)


IMPLICIT = Exercise(
    number="04.3",
    title="implicit TLS with Client",
    checks="connect_implicit(lab) returns a Client on the lab's implicit-TLS port, "
    "certificate verified, within a few seconds",
    check=check_connect_implicit,
    correct=sol.connect_implicit,
    mistakes=(
        Mistake(
            name="TLS to the STARTTLS port",
            rule="the submission port speaks plain SMTP first; implicit TLS has its own port "
            "(RFC 8314 §3.3)",
            warned_in=MISTAKES + " (1. implicit TLS to a STARTTLS port)",
            answer=tls_to_starttls_port,
            hint="WRONG_VERSION_NUMBER",
        ),
        Mistake(
            name="plain to the TLS port",
            rule="on the implicit-TLS port TLS starts with the first byte",
            warned_in=MISTAKES + " (2. plain text to an implicit-TLS port)",
            answer=plain_to_tls_port_short,
            hint="waited for a greeting",
        ),
        Mistake(
            name="the system's authorities",
            rule="the certificate is verified against the authority that issued it",
            warned_in=MISTAKES + " (3. a certificate your context does not trust)",
            answer=default_context,
            hint="not trusted",
        ),
        Mistake(
            name="verification off",
            rule="an unverified certificate lets anyone in the middle pose as the server",
            warned_in=MISTAKES + " (never fix it with verify=False)",
            answer=verify_off,
            hint="verify=False turns the check off",
        ),
        Mistake(
            name="an unverified context",
            rule="a context that checks nothing (CERT_NONE) verifies no certificate",
            warned_in=MISTAKES + " (never fix it with verify=False); 04 · A trap in smtplib",
            answer=unverified_context_implicit,
            hint="ssl._create_unverified_context() makes one",
        ),
        Mistake(
            name="CERT_NONE on the lab's context",
            rule="lab.ssl_context() verifies the chain and the name: use it as it is",
            warned_in=CERTIFICATE + "; 04 · A trap in smtplib (CERT_NONE)",
            answer=lab_context_checks_nothing,
            hint="setting it on lab.ssl_context()",
        ),
        Mistake(
            name="STARTTLS instead",
            rule="implicit TLS and STARTTLS are different modes (RFC 8314)",
            warned_in="04 · Two ways to get TLS",
            answer=starttls_instead,
            hint="that is STARTTLS",
        ),
        Mistake(
            name="another name",
            rule="the certificate must be issued for the name checked",
            warned_in=MISTAKES + " (4. the wrong name)",
            answer=wrong_name,
            hint="not for the name",
        ),
        Mistake(
            name="name check turned off",
            rule="both checks stay on: the chain and the name (check_hostname)",
            warned_in=CERTIFICATE + " (2. the name); 04 · A trap in smtplib",
            answer=name_check_off,
            hint="check_hostname = False",
        ),
        Mistake(
            name="returns it from a with block",
            rule="the Client returned is still connected: a with block closes it (QUIT) as it ends",
            warned_in="04 · Your turn, exercise 3 (return a Client connected to lab); "
            "04 · What an eavesdropper sees (with Client(...) as c)",
            answer=returns_a_closed_client,
            hint="no longer connected",
        ),
        Mistake(
            name="forgot return",
            rule="the function returns the connected Client",
            warned_in="04 · Your turn, exercise 3",
            answer=forgets_to_return_the_client,
            hint="forgot to `return`",
            kind="forgot return",
        ),
    ),
)


def test_connect_implicit_names_the_certificate() -> None:
    result = check_connect_implicit(sol.connect_implicit)
    assert result, result
    assert "verified" in result.message


def test_verify_false_beside_the_labs_context_is_verified_all_the_same() -> None:
    """The Client verifies with the context given: verify=False only applies without one."""
    result = check_connect_implicit(verify_off_with_lab_context)
    assert result, result


def test_a_client_that_waits_30_seconds_is_cut_short() -> None:
    failed_with(check_connect_implicit(plain_to_tls_port), "waited for a greeting")


EXERCISES = [START_TLS, READABLE, IMPLICIT]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)
