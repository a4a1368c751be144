"""Reference solutions for notebook 03 · EHLO and extensions.

CI runs each check of :mod:`smtplab.course.nb03` against these functions
(tests/test_exercises_nb03.py).
"""

from __future__ import annotations

import socket

from smtplab import Client


def ask(sock: socket.socket, command: str) -> list[str]:
    """Exercise 1: send one command, return every line of its reply."""
    sock.sendall(command.encode("ascii") + b"\r\n")
    reader = sock.makefile("rb")
    lines = []
    while True:
        line = reader.readline().decode("utf-8").rstrip("\r\n")
        lines.append(line)
        if line[3:4] != "-":  # "250 ..." (a space, or nothing) is the last line
            return lines


def parse_extensions(lines: list[str]) -> dict[str, str]:
    """Exercise 2: the extension keywords of an EHLO reply, with their parameters."""
    extensions = {}
    for line in lines[1:]:  # the first line is the server's name
        keyword, _, params = line[4:].partition(" ")
        extensions[keyword.upper()] = params.strip()
    return extensions


def max_size(host: str, port: int) -> int | None:
    """Exercise 3: the largest message the server takes (SIZE, RFC 1870)."""
    with Client(host, port, local_hostname="learner.example") as client:
        client.ehlo()
        return client.extensions.size
