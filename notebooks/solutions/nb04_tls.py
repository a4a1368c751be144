"""Reference solutions for notebook 04 · TLS.

CI runs each check of :mod:`smtplab.course.nb04` against these functions
(tests/test_exercises_nb04.py).
"""

from __future__ import annotations

import socket
import ssl

from smtplab import Client


def read_reply(reader) -> list[bytes]:
    """One whole reply, read line by line from a file made with sock.makefile("rb")."""
    lines = [reader.readline()]
    while lines[-1][3:4] == b"-":
        lines.append(reader.readline())
    return lines


def start_tls(sock: socket.socket, context: ssl.SSLContext, server_name: str) -> ssl.SSLSocket:
    """Exercise 1: EHLO, STARTTLS, read the 220, wrap, EHLO again."""
    reader = sock.makefile("rb")
    sock.sendall(b"EHLO learner.example\r\n")
    read_reply(reader)  # the list ends with '250 STARTTLS': the server offers it
    sock.sendall(b"STARTTLS\r\n")
    read_reply(reader)  # 220 2.0.0 Ready to start TLS -- read it BEFORE wrapping
    tls = context.wrap_socket(sock, server_hostname=server_name)
    tls.sendall(b"EHLO learner.example\r\n")
    read_reply(tls.makefile("rb"))  # a new reader: the old one sees only ciphertext
    return tls


def readable_part(data: bytes) -> bytes:
    """Exercise 2: the bytes before the first TLS record (0x16 0x03), or all of them."""
    start = data.find(b"\x16\x03")
    return data if start == -1 else data[:start]


def connect_implicit(lab) -> Client:
    """Exercise 3: implicit TLS (port 465 style), certificate verified."""
    return Client(
        lab.host,
        lab.tls_port,
        security="tls",
        context=lab.ssl_context(),
        local_hostname="learner.example",
    )
