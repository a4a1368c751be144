"""Notebook 10's capstone client as a program: one message over implicit TLS, by hand.

Only ``socket``, ``ssl`` and ``base64`` speak SMTP here (``argparse``, ``getpass`` and
``os`` read the command line and the password). Start a lab that plays QQ Mail in one
terminal, with a password you choose::

    SMTPLAB_PASSWORD=my-code smtplab serve --profile qq --user student

then, in another, with the port and the CA file it printed::

    SMTPLAB_PASSWORD=my-code python capstone_client.py --port 40465 \\
        --cafile /tmp/.../ca.pem --from student@qq.com --to friend@example.com

The password (the authorization code) comes from the environment variable
SMTPLAB_PASSWORD or a prompt that shows nothing, never from the command line: a command
line is visible to every user of the machine (``ps``) and lands in the shell's history.
The exit code is 0 when the server accepted the message, 1 when it refused something
(its reply is printed), 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import os
import socket
import ssl
import sys

PASSWORD_VARIABLE = "SMTPLAB_PASSWORD"


def read_reply(sock: socket.socket, expected: int) -> list[str]:
    """Read one whole reply; return its lines; raise if its code is not ``expected``."""
    data = b""
    while True:
        lines = data.split(b"\r\n")[:-1]
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


def ask(sock: socket.socket, line: str, expected: int, *, shown: str | None = None) -> list[str]:
    """Send one command line and read its reply; print both (``shown`` hides a secret)."""
    print("C:", shown or line)
    sock.sendall(line.encode("ascii") + b"\r\n")
    reply = read_reply(sock, expected)
    for text in reply:
        print("S:", text)
    return reply


def b64(text: str) -> str:
    """``text`` as UTF-8, then base64, as an ASCII str."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def encode_name(name: str) -> str:
    """A display name as RFC 2047 encoded words of whole characters (75 at most each)."""
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


def message_bytes(job: dict) -> bytes:
    """Headers, an empty line, the body dot-stuffed, the final dot."""
    headers = [
        f"From: {encode_name(job['from_name'])} <{job['from_addr']}>",
        f"To: {encode_name(job['to_name'])} <{job['to_addr']}>",
        f"Subject: {encode_name(job['subject'])}",
    ]
    body = ["." + line if line.startswith(".") else line for line in job["body"].splitlines()]
    return ("\r\n".join([*headers, "", *body]) + "\r\n.\r\n").encode("utf-8")


def send_by_hand(job: dict) -> list[str]:
    """Send one message as ``job`` says; return the reply to the message."""
    context = ssl.create_default_context(cafile=job["cafile"])
    raw = socket.create_connection((job["host"], job["port"]), timeout=10)
    with context.wrap_socket(raw, server_hostname=job["host"]) as sock:
        for text in read_reply(sock, 220):
            print("S:", text)
        ask(sock, f"EHLO {job['helo']}", 250)
        ask(sock, "AUTH LOGIN", 334)
        ask(sock, b64(job["user"]), 334)
        ask(sock, b64(job["secret"]), 235, shown="******** (the password, base64)")
        ask(sock, f"MAIL FROM:<{job['from_addr']}>", 250)
        ask(sock, f"RCPT TO:<{job['to_addr']}>", 250)
        ask(sock, "DATA", 354)
        print(f"C: ... the message, {len(message_bytes(job))} bytes, then a line with a dot")
        sock.sendall(message_bytes(job))
        accepted = read_reply(sock, 250)
        for text in accepted:
            print("S:", text)
        ask(sock, "QUIT", 221)
    return accepted


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, read the password, send; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="server (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=465, help="implicit-TLS port (465)")
    parser.add_argument("--cafile", help="CA certificate file (default: the system's CAs)")
    parser.add_argument("--helo", default="learner.example", help="your name for EHLO")
    parser.add_argument("--user", default="student", help="login name")
    parser.add_argument("--from", dest="from_addr", required=True, help="sender address")
    parser.add_argument("--from-name", default="张三", help="sender's name (default 张三)")
    parser.add_argument("--to", dest="to_addr", required=True, help="recipient address")
    parser.add_argument("--to-name", default="李四", help="recipient's name (default 李四)")
    parser.add_argument("--subject", default="Hello from capstone_client.py")
    parser.add_argument("--body", default="Hello!\n.NET 8 is out.\n", help="the text")
    args = parser.parse_args(argv)
    secret = os.environ.get(PASSWORD_VARIABLE) or getpass.getpass(f"Password for {args.user}: ")
    job = dict(vars(args), secret=secret)
    try:
        send_by_hand(job)
    except (OSError, RuntimeError, ssl.SSLError) as error:
        print(f"failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
