"""The checks of notebook 10 (capstone: write a client): each passes with its reference
solution, says "not tried yet" for the untouched template, and fails with the right hint
for the usual mistakes, the four bugs of the review among them. Everything runs on
127.0.0.1 against labs and the QQ look-alike; no result may contain the authorization
code."""

from __future__ import annotations

import base64
import socket
import ssl
import threading
import time
from typing import Any

from catalogue import Exercise, Mistake, catalogue_tests
from helpers import failed_with, load_solution

from smtplab.course.labs import LINE_WAIT, run_with_deadline, wait_until
from smtplab.course.nb10 import (
    check_attachment,
    check_encode_name,
    check_fixed_dots,
    check_fixed_helo,
    check_fixed_names,
    check_fixed_separator,
    check_read_reply,
    check_send_by_hand,
)

sol = load_solution("nb10_capstone")

# ------------------------------------------------------------------ exercise 1: read_reply


def one_recv(sock: Any, expected: int) -> list[str]:
    lines = sock.recv(4096).decode().split("\r\n")[:-1]
    if int(lines[-1][:3]) != expected:
        raise RuntimeError(" ".join(lines))
    return lines


def first_line_only(sock: Any, expected: int) -> list[str]:
    data = b""
    while b"\r\n" not in data:
        data += sock.recv(1)
    line = data.decode().rstrip("\r\n")
    if int(line[:3]) != expected:
        raise RuntimeError(line)
    return [line]


def until_a_line_end(sock: Any, expected: int) -> list[str]:
    """Reads until the data so far ends with CRLF: right only if no recv() ends at the
    end of a 250- line, which a server writing line by line makes happen."""
    data = b""
    while not data.endswith(b"\r\n"):
        data += sock.recv(4096)
    lines = data.decode().split("\r\n")[:-1]
    if int(lines[-1][:3]) != expected:
        raise RuntimeError(" ".join(lines))
    return lines


def never_raises(sock: Any, expected: int) -> list[str]:
    return _lenient(sock)


def _lenient(sock: Any) -> list[str]:
    data = b""
    while True:
        lines = data.split(b"\r\n")[:-1]
        if lines and lines[-1][3:4] in (b" ", b""):
            return [line.decode() for line in lines]
        data += sock.recv(4096)


def compares_str_to_int(sock: Any, expected: int) -> list[str]:
    lines = _lenient(sock)
    if lines[-1][:3] != expected:
        raise RuntimeError(" ".join(lines))
    return lines


def raises_without_the_reply(sock: Any, expected: int) -> list[str]:
    lines = _lenient(sock)
    if int(lines[-1][:3]) != expected:
        raise RuntimeError("unexpected reply code")
    return lines


def reads_but_returns_nothing(sock: Any, expected: int) -> None:
    sol.read_reply(sock, expected)


def until_closed(sock: Any, expected: int) -> list[str]:
    """Takes the socket's timeout away, then reads until the server closes the
    connection: after a whole reply nothing more comes, so recv() blocks."""
    sock.settimeout(None)
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    lines = data.decode().split("\r\n")[:-1]
    if int(lines[-1][:3]) != expected:
        raise RuntimeError(" ".join(lines))
    return lines


def until_a_blank_line(sock: Any, expected: int) -> list[str]:
    """No timeout, and a loop that never looks for b'' (the connection's end): waits for
    an empty line that never comes, and spins once the connection has closed."""
    sock.settimeout(None)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    return data.decode().split("\r\n")[:-2]


def until_closed_keeping_the_timeout(sock: Any, expected: int) -> list[str]:
    data = b""
    while chunk := sock.recv(4096):  # TimeoutError after LEARNER_TIMEOUT
        data += chunk
    return data.decode().split("\r\n")[:-1]


# --------------------------------------------------------------- exercise 2: encode_name


def raw_name(name: str) -> str:
    return name


def base64_without_wrapper(name: str) -> str:
    return base64.b64encode(name.encode()).decode()


def bytes_split(name: str) -> str:
    data = name.encode()
    return " ".join(
        "=?utf-8?b?" + base64.b64encode(data[i : i + 40]).decode() + "?="
        for i in range(0, len(data), 40)
    )


def _q_word(data: bytes) -> str:
    return "=?utf-8?q?" + "".join(f"={byte:02X}" for byte in data) + "?="


def q_bytes_split(name: str) -> str:
    """Q-encoded words of 20 bytes: a 3-byte character is cut in two, as with bytes_split."""
    data = name.encode()
    return " ".join(_q_word(data[i : i + 20]) for i in range(0, len(data), 20))


def q_whole_characters(name: str) -> str:
    """A correct answer written another way: Q-encoded words of whole characters."""
    return " ".join(_q_word(name[i : i + 6].encode()) for i in range(0, len(name), 6))


def one_long_word(name: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="


def latin1_label(name: str) -> str:
    return sol.encode_name(name).replace("utf-8", "iso-8859-1")


# ----------------------------------------- the whole client, with one bug switched on


def client(**bugs: Any) -> Any:
    """The reference client with the named bugs: the review's four and the usual others."""

    def send(job: dict[str, Any]) -> Any:
        context = ssl.create_default_context(cafile=job["cafile"])
        if bugs.get("no_verify"):
            context = ssl._create_unverified_context()
        if bugs.get("no_hostname"):
            context.check_hostname = False  # the certificate checked, its name not
        raw = socket.create_connection((job["host"], job["port"]), timeout=10)
        with context.wrap_socket(raw, server_hostname=job["host"]) as sock:
            greeting = sol.read_reply(sock, 220)
            helo = bugs.get("helo", job["helo"])
            if helo == "SERVER":
                helo = greeting[0].split()[1]
            replies = {}
            if helo is not None:
                replies["ehlo"] = sol.ask(sock, f"EHLO {helo}", 250)
            sol.ask(sock, "AUTH LOGIN", 334)
            sol.ask(sock, sol.b64(job["user"]), 334)
            secret = job["qq_password"] if bugs.get("qq_password") else job["secret"]
            sol.ask(sock, sol.b64(secret), 235)
            sol.ask(sock, f"MAIL FROM:<{job['from_addr']}>", 250)
            replies["rcpt"] = sol.ask(sock, f"RCPT TO:<{job['to_addr']}>", 250)
            sol.ask(sock, "DATA", 354)
            sock.sendall(message(job, **bugs))
            accepted = sol.read_reply(sock, 250)
            if not bugs.get("no_quit"):
                sol.ask(sock, "QUIT", 221)
        if bugs.get("no_return"):
            return None
        return replies[bugs["returns"]] if "returns" in bugs else accepted

    return send


def name_of(text: str, bugs: dict[str, Any], header: str) -> str:
    names = bugs.get("names")
    if names == "raw" or (names == "to raw" and header == "To"):
        return text
    if names == "plain base64":
        return base64.b64encode(text.encode()).decode()
    return sol.encode_name(text)


def message(job: dict[str, Any], **bugs: Any) -> bytes:
    if bugs.get("names") == "whole field":
        from_field = sol.encode_name(f"{job['from_name']} <{job['from_addr']}>")
    else:
        from_field = f"{name_of(job['from_name'], bugs, 'From')} <{job['from_addr']}>"
    headers = [
        f"From: {from_field}",
        f"To: {name_of(job['to_name'], bugs, 'To')} <{job['to_addr']}>",
        f"Subject: {job['subject']}",
    ]
    lines = job["body"].splitlines()
    stuffing = bugs.get("stuffing", "right")
    if stuffing == "right":
        lines = ["." + line if line.startswith(".") else line for line in lines]
    elif stuffing == "first line only":
        lines = ["." + lines[0] if lines[0].startswith(".") else lines[0], *lines[1:]]
    elif stuffing == "every dot":
        lines = [line.replace(".", "..") for line in lines]
    elif stuffing == "dots removed":
        lines = [line.lstrip(".") for line in lines]
    separator = bugs.get("separator", "\r\n")
    if separator == "before subject":
        text = "\r\n".join(headers[:2]) + "\r\n\r\n" + headers[2] + "\r\n" + "\r\n".join(lines)
    else:
        text = "\r\n".join(headers) + "\r\n" + separator + "\r\n".join(lines)
    return (text + "\r\n.\r\n").encode("utf-8")


# --------------------------------------------------------------- the optional extension


def picture_client(**bugs: Any) -> Any:
    def send(job: dict[str, Any]) -> Any:
        if bugs.get("no_return"):
            sol.send_with_picture(job)
            return None
        boundary = "b1"
        picture = base64.encodebytes(job["picture"]).decode().rstrip()
        if not bugs.get("bare_lf"):  # encodebytes ends its lines with a bare LF
            picture = picture.replace("\n", "\r\n")
        encoding = "Content-Transfer-Encoding: base64"
        if bugs.get("no_base64"):
            picture, encoding = job["picture"].hex(), "Content-Transfer-Encoding: 7bit"
        if bugs.get("one_line"):  # b64encode: no line breaks at all
            picture = base64.b64encode(job["picture"]).decode()
        disposition = 'Content-Disposition: attachment; filename="dot.png"'
        if bugs.get("no_filename"):
            disposition = "Content-Disposition: attachment"
        declared = "other" if bugs.get("wrong_boundary") else boundary
        kind = (
            "image/png" if bugs.get("not_multipart") else f'multipart/mixed; boundary="{declared}"'
        )
        parts = [
            "From: student@qq.com",
            "To: friend@example.com",
            "Subject: picture",
            "MIME-Version: 1.0",
            f"Content-Type: {kind}",
            "",
        ]
        if bugs.get("not_multipart"):
            parts += [picture]
        else:
            parts += [
                f"--{boundary}",
                "Content-Type: text/plain",
                "",
                "Here it is.",
                f"--{boundary}",
                "Content-Type: image/png",
                encoding,
                disposition,
                "",
                picture,
                f"--{boundary}--",
            ]
        data = ("\r\n".join(parts) + "\r\n.\r\n").encode()
        context = ssl.create_default_context(cafile=job["cafile"])
        raw = socket.create_connection((job["host"], job["port"]), timeout=10)
        with context.wrap_socket(raw, server_hostname=job["host"]) as sock:
            sol.read_reply(sock, 220)
            sol.ask(sock, f"EHLO {job['helo']}", 250)
            sol.ask(sock, "AUTH LOGIN", 334)
            sol.ask(sock, sol.b64(job["user"]), 334)
            sol.ask(sock, sol.b64(job["secret"]), 235)
            sol.ask(sock, f"MAIL FROM:<{job['from_addr']}>", 250)
            to_rcpt = sol.ask(sock, f"RCPT TO:<{job['to_addr']}>", 250)
            sol.ask(sock, "DATA", 354)
            sock.sendall(data)
            accepted = sol.read_reply(sock, 250)
            sol.ask(sock, "QUIT", 221)
        return to_rcpt if bugs.get("returns_rcpt") else accepted

    return send


# ------------------------------------------------------------------------- the catalogue

BUILD = "10 · Build it"
REVIEW = "10 · Review it"
FORGOT = "the function must give its result back to its caller"

EXERCISES = [
    Exercise(
        number="10.1",
        title="read a whole reply",
        checks="read_reply(sock, expected) returns the greeting and EHLO reply whole when "
        "they arrive in pieces, raises with the reply for a 503, and reads the next reply right",
        check=check_read_reply,
        correct=sol.read_reply,
        mistakes=(
            Mistake(
                name="one recv() per reply",
                rule="a reply may arrive in pieces: read until its last line has come",
                warned_in=f"{BUILD}: read a whole reply",
                answer=one_recv,
                hint="arrive in pieces",
            ),
            Mistake(
                name="stops after the first line",
                rule="a 250- line says more lines follow (RFC 5321 §4.2.1)",
                warned_in=f"{BUILD}: read a whole reply",
                answer=first_line_only,
                hint="250- line says more lines follow",
            ),
            Mistake(
                name="reads until the data ends with CRLF",
                rule="a piece may end with a whole 250- line: read until the line with a "
                "space after its code",
                warned_in=f"{BUILD}: read a whole reply",
                answer=until_a_line_end,
                hint="250- line says more lines follow",
            ),
            Mistake(
                name="never raises",
                rule="an unexpected code stops the client: raise",
                warned_in=f"{BUILD}: read a whole reply",
                answer=never_raises,
                hint="instead of raising",
            ),
            Mistake(
                name="compares the code as str with the int expected",
                rule="the code is a number: int(line[:3]) == expected",
                warned_in=f"{BUILD}: read a whole reply",
                answer=compares_str_to_int,
                hint="int(line[:3]) == expected",
            ),
            Mistake(
                name="raises without the reply",
                rule="the error must carry what the server said",
                warned_in=f"{BUILD}: read a whole reply",
                answer=raises_without_the_reply,
                hint="put the reply itself in the exception",
            ),
            Mistake(
                name="reads until the connection closes, its timeout taken away",
                rule="the line with a space after its code ends the reply; the server then "
                "waits for the next command and does not close",
                warned_in=f"{BUILD}: read a whole reply",
                answer=until_closed,
                hint="waited for more than the server sent",
            ),
            Mistake(
                name="reads the reply but returns nothing",
                rule=FORGOT,
                warned_in=f"{BUILD}: read a whole reply",
                answer=reads_but_returns_nothing,
                hint="forgot to `return`",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="10.2",
        title="encode a display name",
        checks="encode_name(name) gives RFC 2047 words of whole characters, at most 75 "
        "characters each, that the lab's inbox reads back",
        check=check_encode_name,
        correct=sol.encode_name,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="returns the name as it is",
                rule="headers are ASCII; raw UTF-8 needs SMTPUTF8 (RFC 5322 §2.2, RFC 6532)",
                warned_in=f"{BUILD}: a Chinese name in From",
                answer=raw_name,
                hint="not encoded",
            ),
            Mistake(
                name="base64 without the =?utf-8?b?...?= wrapper",
                rule="an encoded word is =?charset?b?base64?= (RFC 2047 §2)",
                warned_in=f"{BUILD}: a Chinese name in From",
                answer=base64_without_wrapper,
                hint="not an encoded word",
            ),
            Mistake(
                name="cuts the UTF-8 bytes, not the characters",
                rule="each encoded word holds whole characters (RFC 2047 §5)",
                warned_in=f"{BUILD}: a Chinese name in From",
                answer=bytes_split,
                hint="whole characters",
            ),
            Mistake(
                name="Q-encoded, the UTF-8 bytes cut, not the characters",
                rule="a Q-encoded word holds whole characters too (RFC 2047 §5)",
                warned_in=f"{BUILD}: a Chinese name in From",
                answer=q_bytes_split,
                hint="whole characters",
            ),
            Mistake(
                name="one word for a long name",
                rule="an encoded word is at most 75 characters (RFC 2047 §2)",
                warned_in=f"{BUILD}: a Chinese name in From",
                answer=one_long_word,
                hint="at most 75",
            ),
            Mistake(
                name="the wrong charset label",
                rule="the label names the bytes' charset (RFC 2047 §2)",
                warned_in=f"{BUILD}: a Chinese name in From",
                answer=latin1_label,
                hint="charset label",
            ),
        ),
    ),
    Exercise(
        number="10.3",
        title="a whole client by hand",
        checks="send_by_hand(job) on the QQ look-alike: implicit TLS verified (another CA "
        "must fail), EHLO, AUTH LOGIN with the authorization code, the names encoded, the "
        "dots doubled, QUIT; judged from the lab's log and inbox",
        check=check_send_by_hand,
        correct=sol.send_by_hand,
        mistakes=(
            Mistake(
                name="certificate not verified",
                rule="verify the server's certificate and name against the CA (RFC 7817)",
                warned_in=f"{BUILD}: implicit TLS, verified",
                answer=client(no_verify=True),
                hint="did not verify the certificate",
            ),
            Mistake(
                name="the name not checked",
                rule="a certificate is for a name: check it (check_hostname, server_hostname)",
                warned_in=f"{BUILD}: implicit TLS, verified (the certificate and the name)",
                answer=client(no_hostname=True),
                hint="did not check job['host'] against the certificate",
            ),
            Mistake(
                name="logs in with the QQ password",
                rule="QQ takes only the authorization code from a mail program",
                warned_in=f"{BUILD}: AUTH LOGIN with the authorization code",
                answer=client(qq_password=True),
                hint="authorization code",
            ),
            Mistake(
                name="no dot-stuffing",
                rule="a line starting with a dot gets one more (RFC 5321 §4.5.2)",
                warned_in=f"{BUILD}: MAIL, RCPT, DATA",
                answer=client(stuffing="none"),
                hint="dot-stuff",
            ),
            Mistake(
                name="no QUIT",
                rule="end the session with QUIT (RFC 5321 §4.1.1.10)",
                warned_in=f"{BUILD}: MAIL, RCPT, DATA",
                answer=client(no_quit=True),
                hint="never said QUIT",
            ),
            Mistake(
                name="EHLO with the server's name",
                rule="EHLO names the client (RFC 5321 §4.1.1.1)",
                warned_in=f"{BUILD}: EHLO",
                answer=client(helo="SERVER"),
                hint="Helo command rejected",
            ),
            Mistake(
                name="returns the EHLO reply",
                rule="the reply to the message is the one after the final '.' (RFC 5321 "
                "§4.1.1.4), not any 250",
                warned_in="10 · Your turn (exercise 3: return the lines of the reply to the "
                "message)",
                answer=client(returns="ehlo"),
                hint="reply to EHLO, not to the message",
            ),
            Mistake(
                name="returns the reply to RCPT",
                rule="a 250 to RCPT TO accepts a recipient, not the message (RFC 5321 §3.3)",
                warned_in="10 · Your turn (exercise 3: return the lines of the reply to the "
                "message)",
                answer=client(returns="rcpt"),
                hint="RCPT, not to the message",
            ),
            Mistake(
                name="sends but returns nothing",
                rule=FORGOT,
                warned_in=f"{BUILD}: MAIL, RCPT, DATA",
                answer=client(no_return=True),
                hint="forgot to `return`",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="10.4",
        title="fix bug 1: the EHLO name",
        checks="fixed_send(job) greets with the client's own fully qualified name",
        check=check_fixed_helo,
        correct=sol.fixed_send,
        mistakes=(
            Mistake(
                name="the server's name from the 220 greeting (the bug)",
                rule="EHLO names the client, not the server (RFC 5321 §4.1.1.1)",
                warned_in=f"{REVIEW}: bug 1",
                answer=client(helo="SERVER"),
                hint="server's own name",
            ),
            Mistake(
                name="a bare IP address",
                rule="an address is written as a literal in brackets (RFC 5321 §4.1.3)",
                warned_in=f"{REVIEW}: bug 1",
                answer=client(helo="127.0.0.1"),
                hint="[127.0.0.1]",
            ),
            Mistake(
                name="localhost",
                rule="EHLO gives the client's FQDN (RFC 5321 §4.1.1.1)",
                warned_in=f"{REVIEW}: bug 1",
                answer=client(helo="localhost"),
                hint="fully qualified",
            ),
            Mistake(
                name="fixed, but returns the EHLO reply",
                rule="the reply to the message is the one after the final '.' (RFC 5321 "
                "§4.1.1.4), not any 250",
                warned_in=f"{REVIEW}: your fix (it returns the reply to the message)",
                answer=client(returns="ehlo"),
                hint="reply to EHLO, not to the message",
            ),
            Mistake(
                name="no EHLO at all",
                rule="the client greets first (RFC 5321 §4.1.4)",
                warned_in=f"{REVIEW}: bug 1",
                answer=client(helo=None),
                hint="greet with EHLO",
            ),
            Mistake(
                name="fixed, but returns nothing",
                rule=FORGOT,
                warned_in=f"{REVIEW}: your fix",
                answer=client(no_return=True),
                hint="forgot to `return`",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="10.5",
        title="fix bug 2: the empty line after the headers",
        checks="fixed_send(job)'s message has an empty line after its headers: no parser "
        "defect, a Subject, the body where it should be",
        check=check_fixed_separator,
        correct=sol.fixed_send,
        mistakes=(
            Mistake(
                name="no empty line (the bug)",
                rule="an empty line ends the headers (RFC 5322 §2.1)",
                warned_in=f"{REVIEW}: bug 2",
                answer=client(separator=""),
                hint="MissingHeaderBodySeparatorDefect",
            ),
            Mistake(
                name="the empty line as a bare LF",
                rule="every line ends with CR LF (RFC 5321 §2.3.8)",
                warned_in=f"{REVIEW}: bug 2",
                answer=client(separator="\n"),
                hint="\\r\\n",
            ),
            Mistake(
                name="a line with a space instead of an empty line",
                rule="a line starting with a space continues a header (RFC 5322 §2.2.3)",
                warned_in=f"{REVIEW}: bug 2",
                answer=client(separator=" \r\n"),
                hint="empty",
            ),
            Mistake(
                name="the empty line before Subject",
                rule="every header comes before the empty line",
                warned_in=f"{REVIEW}: bug 2",
                answer=client(separator="before subject"),
                hint="without a Subject",
            ),
            Mistake(
                name="fixed, but returns nothing",
                rule=FORGOT,
                warned_in=f"{REVIEW}: your fix",
                answer=client(no_return=True),
                hint="forgot to `return`",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="10.6",
        title="fix bug 3: dot-stuffing",
        checks="fixed_send(job)'s body lines that start with a dot arrive as written",
        check=check_fixed_dots,
        correct=sol.fixed_send,
        mistakes=(
            Mistake(
                name="no dot-stuffing (the bug)",
                rule="the server removes a line's first dot (RFC 5321 §4.5.2)",
                warned_in=f"{REVIEW}: bug 3",
                answer=client(stuffing="none"),
                hint="Dot-stuff",
            ),
            Mistake(
                name="only the first line stuffed",
                rule="every line starting with a dot is stuffed, not only the first",
                warned_in=f"{REVIEW}: bug 3",
                answer=client(stuffing="first line only"),
                hint="each line that starts with a dot",
            ),
            Mistake(
                name="every dot doubled",
                rule="only a dot at the start of a line is doubled",
                warned_in=f"{REVIEW}: bug 3",
                answer=client(stuffing="every dot"),
                hint="only there",
            ),
            Mistake(
                name="the leading dots removed",
                rule="the text's own dots must arrive",
                warned_in=f"{REVIEW}: bug 3",
                answer=client(stuffing="dots removed"),
                hint="arrived as",
            ),
            Mistake(
                name="fixed, but returns nothing",
                rule=FORGOT,
                warned_in=f"{REVIEW}: your fix",
                answer=client(no_return=True),
                hint="forgot to `return`",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="10.7",
        title="fix bug 4: the names in From and To",
        checks="fixed_send(job)'s From and To names arrive readable: RFC 2047 words (or "
        "SMTPUTF8 declared), the addresses intact",
        check=check_fixed_names,
        correct=sol.fixed_send,
        mistakes=(
            Mistake(
                name="raw UTF-8 names (the bug)",
                rule="raw UTF-8 in headers needs SMTPUTF8 (RFC 6532), else encoded words",
                warned_in=f"{REVIEW}: bug 4",
                answer=client(names="raw"),
                hint="SMTPUTF8",
            ),
            Mistake(
                name="base64 without the wrapper",
                rule="an encoded word is =?charset?b?base64?= (RFC 2047 §2)",
                warned_in=f"{REVIEW}: bug 4",
                answer=client(names="plain base64"),
                hint="=?utf-8?b?...?=",
            ),
            Mistake(
                name="From fixed, To still raw",
                rule="every header with a non-ASCII name is encoded, To as well as From",
                warned_in=f"{REVIEW}: bug 4",
                answer=client(names="to raw"),
                hint="raw UTF-8",
            ),
            Mistake(
                name="the whole field encoded, address included",
                rule="only the display name is encoded; the address stays (RFC 2047 §5)",
                warned_in=f"{REVIEW}: bug 4",
                answer=client(names="whole field"),
                hint="keep the address outside",
            ),
            Mistake(
                name="fixed, but returns nothing",
                rule=FORGOT,
                warned_in=f"{REVIEW}: your fix",
                answer=client(no_return=True),
                hint="forgot to `return`",
                kind="forgot return",
            ),
        ),
    ),
    Exercise(
        number="10.8",
        title="attach a picture (optional)",
        checks="send_with_picture(job): multipart/mixed, the picture as image/png in base64 "
        "with its file name, decoded by the lab's inbox to the same bytes",
        check=check_attachment,
        correct=sol.send_with_picture,
        mistakes=(
            Mistake(
                name="the picture alone, not multipart",
                rule="text and picture are parts of multipart/mixed (RFC 2046 §5.1.3)",
                warned_in="10 · Optional: attach a picture",
                answer=picture_client(not_multipart=True),
                hint="not multipart/mixed",
            ),
            Mistake(
                name="a boundary that is not the declared one",
                rule="the parts are cut at the declared boundary (RFC 2046 §5.1.1)",
                warned_in="10 · Optional: attach a picture",
                answer=picture_client(wrong_boundary=True),
                hint="boundary",
            ),
            Mistake(
                name="returns the reply to RCPT",
                rule="the reply to the message is the one after the final '.' (RFC 5321 "
                "§4.1.1.4), not any 250",
                warned_in="10 · Optional: attach a picture (return the reply to the message)",
                answer=picture_client(returns_rcpt=True),
                hint="not to the message",
            ),
            Mistake(
                name="the bytes not in base64",
                rule="binary bytes go in base64 (RFC 2045 §6.8)",
                warned_in="10 · Optional: attach a picture",
                answer=picture_client(no_base64=True),
                hint="base64",
            ),
            Mistake(
                name="no file name",
                rule="an attachment names its file (RFC 2183)",
                warned_in="10 · Optional: attach a picture",
                answer=picture_client(no_filename=True),
                hint="no file name",
            ),
            Mistake(
                name="encodebytes' bare LF line ends kept",
                rule="the base64 lines end with CR LF on the wire too (RFC 5321 §2.3.8)",
                warned_in="10 · Optional: attach a picture (make each \\r\\n before sending)",
                answer=picture_client(bare_lf=True),
                hint="a lenient server may have let it through",
            ),
            Mistake(
                name="the base64 in one long line (b64encode)",
                rule="base64 lines are at most 76 characters (RFC 2045 §6.8)",
                warned_in="10 · Optional: attach a picture",
                answer=picture_client(one_line=True),
                hint="at most 76",
            ),
            Mistake(
                name="sends but returns nothing",
                rule=FORGOT,
                warned_in="10 · Optional: attach a picture",
                answer=picture_client(no_return=True),
                hint="forgot to `return`",
                kind="forgot return",
            ),
        ),
    ),
]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)


def test_the_buggy_client_fails_every_review_check_but_helo_first() -> None:
    buggy = client(helo="SERVER", separator="", stuffing="none", names="raw")
    for check in (check_fixed_helo, check_fixed_separator, check_fixed_dots, check_fixed_names):
        result = check(buggy)
        assert result.status == "failed"
        assert "Helo command rejected" in result.message


def test_encode_name_q_encoding_passes() -> None:
    assert check_encode_name(q_whole_characters)


def test_encode_name_broken_q_escape_gets_a_hint() -> None:
    """=Z5 is no escape (RFC 2047 §4.2): a hint, not the check's own UnicodeDecodeError."""
    result = check_encode_name(lambda name: q_whole_characters(name).replace("=E5", "=Z5"))
    assert result.status == "failed", result
    assert "whole characters" in result.message, result.message


def test_a_read_reply_that_never_ends_is_stopped() -> None:
    """Blocked in recv() without a timeout, then spinning on b'' forever: the check stops
    the learner's call after READ_WAIT (it shuts the socket down and the lab's hang-up
    is never needed), and says why; it hung for good before."""
    before = set(threading.enumerate())
    started = time.monotonic()
    finished = run_with_deadline(lambda: check_read_reply(until_a_blank_line), 30.0)
    assert finished is not None, "the check hung"
    assert time.monotonic() - started < LINE_WAIT, "the check waited for the lab's hang-up"
    failed_with(finished.value, "waited for more than the server sent", "settimeout(None)")
    learners = [
        t for t in threading.enumerate() if t not in before and t.name == "smtplab-exercise"
    ]
    assert wait_until(lambda: not any(t.is_alive() for t in learners)), "the learner's loop spins"


def test_reading_until_closed_with_the_timeout_kept_gets_the_same_hint() -> None:
    result = check_read_reply(until_closed_keeping_the_timeout)
    failed_with(result, "waited for more than the server sent", "greeting")


def test_send_by_hand_may_return_the_reply_to_the_message_as_text_or_bytes() -> None:
    """The reply after the final '.' passes as one str or as bytes, line ends and all."""
    right = client()
    as_text = lambda job: "\r\n".join(right(job)) + "\r\n"  # noqa: E731
    assert check_send_by_hand(as_text), check_send_by_hand(as_text)
    as_bytes = lambda job: as_text(job).encode()  # noqa: E731
    assert check_send_by_hand(as_bytes), check_send_by_hand(as_bytes)
