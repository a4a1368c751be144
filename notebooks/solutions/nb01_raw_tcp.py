"""Reference solutions for notebook 01 (Raw TCP): the exercises of "Your turn".

Run them with the checks from the notebook::

    from smtplab.course.nb01 import check_helo, check_send_line, check_read_reply
    check_helo(my_helo); check_send_line(send_line); check_read_reply(read_reply)
"""

from __future__ import annotations

import socket


def read_line(sock: socket.socket) -> bytes:
    """Read bytes until CRLF; return the whole line, CRLF included (as in the notebook)."""
    line = b""
    while not line.endswith(b"\r\n"):
        byte = sock.recv(1)  # one byte: never read past the end of the line
        if not byte:  # b"": the server closed the connection
            raise ConnectionError(f"connection closed after {line!r}")
        line += byte
    return line


# Exercise 1 ------------------------------------------------------------------------------
def my_helo(sock: socket.socket) -> bytes:
    """Read the greeting, send HELO with CRLF, return the reply line."""
    read_line(sock)  # the server speaks first: 220 ...
    sock.sendall(b"HELO learner.example\r\n")
    return read_line(sock)


# Exercise 2 ------------------------------------------------------------------------------
def send_line(sock: socket.socket, text: str) -> bytes:
    """Send ``text`` as one SMTP line (ASCII + CRLF); refuse CR or LF inside it."""
    if "\r" in text or "\n" in text:
        raise ValueError(f"{text!r} holds a line break: it cannot be one SMTP line")
    data = text.encode("ascii") + b"\r\n"
    sock.sendall(data)
    return data


# Exercise 3 ------------------------------------------------------------------------------
def read_reply(sock: socket.socket) -> bytes:
    """Read one whole reply: lines while the code is followed by '-', then the last one."""
    lines = [read_line(sock)]
    while lines[-1][3:4] == b"-":  # "250-..." means more lines follow
        lines.append(read_line(sock))
    return b"".join(lines)
