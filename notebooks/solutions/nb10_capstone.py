"""Worked solutions for notebook 10 (capstone: write a client).

A whole SMTP client with only ``socket``, ``ssl`` and ``base64``: implicit TLS verified
against a CA file, whole replies checked against the expected code, EHLO, AUTH LOGIN,
an RFC 2047 display name, MAIL/RCPT/DATA with dot-stuffing, QUIT. The same code is
``notebooks/scripts/capstone_client.py``, which runs outside Jupyter.
"""

from __future__ import annotations

import base64
import socket
import ssl

# ---------------------------------------------------------------- exercise 1: read_reply


def read_reply(sock, expected):
    """Read one whole reply; return its lines; raise if its code is not ``expected``.

    A reply is complete when a line has a space (or nothing) after its code: ``250-``
    says more lines follow (RFC 5321 §4.2.1). One ``recv()`` may bring a piece of a
    reply, or more than one line, so read until the last line has come.
    """
    data = b""
    while True:
        lines = data.split(b"\r\n")[:-1]  # the whole lines so far
        if lines and lines[-1][3:4] in (b" ", b""):
            break
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"the server closed the connection; it had sent {data!r}")
        data += chunk
    text = [line.decode("utf-8", "replace") for line in lines]
    if int(text[-1][:3]) != expected:
        raise RuntimeError(f"expected {expected}, the server answered: " + " | ".join(text))
    return text


def ask(sock, line, expected):
    """Send one command line (CRLF added) and read its reply (see :func:`read_reply`)."""
    sock.sendall(line.encode("ascii") + b"\r\n")
    return read_reply(sock, expected)


def b64(text):
    """``text`` as UTF-8, then base64, as an ASCII str (an AUTH LOGIN answer)."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


# --------------------------------------------------------------- exercise 2: encode_name


def encode_name(name):
    """A display name as RFC 2047 encoded words: whole characters in each, each word at
    most 75 characters (RFC 2047 §2 and §5). ASCII names stay as they are."""
    if name.isascii():
        return name
    room = 75 - len("=?utf-8?b??=")
    pieces, piece = [], ""
    for char in name:
        if len(base64.b64encode((piece + char).encode("utf-8"))) > room:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    pieces.append(piece)
    return " ".join(f"=?utf-8?b?{b64(piece)}?=" for piece in pieces)


# ------------------------------------------------------- exercise 3: the whole client


def message_bytes(job):
    """The message as sent after 354: headers, an empty line, the body dot-stuffed, and
    the final dot line (RFC 5322 §2.1, RFC 5321 §4.5.2)."""
    headers = [
        f"From: {encode_name(job['from_name'])} <{job['from_addr']}>",
        f"To: {encode_name(job['to_name'])} <{job['to_addr']}>",
        f"Subject: {encode_name(job['subject'])}",
    ]
    body = []
    for line in job["body"].splitlines():
        body.append("." + line if line.startswith(".") else line)
    text = "\r\n".join([*headers, "", *body]) + "\r\n.\r\n"
    return text.encode("utf-8")


def deliver(job, data):
    """One session over implicit TLS as ``job`` says: greet, log in, send ``data`` (the
    message, dot-stuffed, with its final dot); return the lines of the reply to it."""
    context = ssl.create_default_context(cafile=job["cafile"])  # verifies, names included
    raw = socket.create_connection((job["host"], job["port"]), timeout=10)
    with context.wrap_socket(raw, server_hostname=job["host"]) as sock:
        read_reply(sock, 220)
        ask(sock, f"EHLO {job['helo']}", 250)
        ask(sock, "AUTH LOGIN", 334)
        ask(sock, b64(job["user"]), 334)
        ask(sock, b64(job["secret"]), 235)
        ask(sock, f"MAIL FROM:<{job['from_addr']}>", 250)
        ask(sock, f"RCPT TO:<{job['to_addr']}>", 250)
        ask(sock, "DATA", 354)
        sock.sendall(data)
        accepted = read_reply(sock, 250)
        ask(sock, "QUIT", 221)
    return accepted


def send_by_hand(job):
    """Send one message as ``job`` says; return the lines of the reply to the message."""
    return deliver(job, message_bytes(job))


# ------------------------------------------------- review: the buggy client, fixed


def fixed_send(job):
    """The review's client with its four bugs fixed: EHLO with the client's own name,
    an empty line after the headers, dot-stuffing, encoded words for the names."""
    return send_by_hand(job)


# -------------------------------------------------- the optional extension: a picture


def send_with_picture(job):
    """Send the message with ``job['picture']`` (PNG bytes) attached as
    ``job['filename']``: multipart/mixed, the picture in base64 (RFC 2045, RFC 2046)."""
    boundary = "=_capstone_boundary_1"
    picture = base64.encodebytes(job["picture"]).decode("ascii").replace("\n", "\r\n")
    parts = [
        f"From: {encode_name(job['from_name'])} <{job['from_addr']}>",
        f"To: {encode_name(job['to_name'])} <{job['to_addr']}>",
        f"Subject: {encode_name(job['subject'])}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "",
        *("." + line if line.startswith(".") else line for line in job["body"].splitlines()),
        f"--{boundary}",
        "Content-Type: image/png",
        "Content-Transfer-Encoding: base64",
        f'Content-Disposition: attachment; filename="{job["filename"]}"',
        "",
        picture.rstrip("\r\n"),
        f"--{boundary}--",
    ]
    return deliver(job, ("\r\n".join(parts) + "\r\n.\r\n").encode("utf-8"))
