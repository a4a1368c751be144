"""Reference solutions for notebook 02 (a whole conversation by hand): "Your turn".

Run them with the checks from the notebook::

    from smtplab.course.nb02 import check_conversation, check_what_next, check_dot_line
    check_conversation(send_by_hand); check_what_next(what_next); check_dot_line(send_ellipsis)
"""

from __future__ import annotations

import socket


# The helpers of the notebook (read_reply is exercise 3 of notebook 01) --------------------
def read_line(sock: socket.socket) -> bytes:
    """Read bytes until CRLF; return the whole line, CRLF included."""
    line = b""
    while not line.endswith(b"\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise ConnectionError(f"connection closed after {line!r}")
        line += byte
    return line


def read_reply(sock: socket.socket) -> str:
    """Read one whole reply (all its lines) and return it as text."""
    lines = [read_line(sock)]
    while lines[-1][3:4] == b"-":  # "250-..." means more lines follow
        lines.append(read_line(sock))
    return b"".join(lines).decode("ascii")


def command(sock: socket.socket, line: str) -> str:
    """Send one command line (CRLF added) and return the server's reply."""
    sock.sendall(line.encode("ascii") + b"\r\n")
    return read_reply(sock)


# Exercise 1 ------------------------------------------------------------------------------
def send_by_hand(sock: socket.socket) -> str:
    """The whole conversation, one step at a time; return the reply to the final dot."""
    read_reply(sock)  # the greeting: the server speaks first
    command(sock, "HELO learner.example")
    command(sock, "MAIL FROM:<alice@example.com>")
    command(sock, "RCPT TO:<bob@example.com>")
    command(sock, "DATA")  # 354: go ahead
    message = (
        b"From: Alice <alice@example.com>\r\n"
        b"To: Bob <bob@example.com>\r\n"
        b"Subject: Hello by hand\r\n"
        b"\r\n"
        b"Hi Bob,\r\n"
        b"I typed every byte of this message myself.\r\n"
    )
    sock.sendall(message + b".\r\n")
    final = read_reply(sock)
    command(sock, "QUIT")
    return final


# Exercise 2 ------------------------------------------------------------------------------
def what_next(reply: str) -> str:
    """What a reply tells the client to do, from the first digit of its code."""
    return {"2": "done", "3": "go on", "4": "retry later", "5": "give up"}[reply[0]]


# Exercise 3 ------------------------------------------------------------------------------
def send_ellipsis(sock: socket.socket) -> str:
    """A message whose body has a line starting with '.': the dot is doubled."""
    read_reply(sock)
    command(sock, "HELO learner.example")
    command(sock, "MAIL FROM:<alice@example.com>")
    command(sock, "RCPT TO:<bob@example.com>")
    command(sock, "DATA")
    body = ["Hi Bob,", "...and that is all.", "Alice"]
    stuffed = ["." + line if line.startswith(".") else line for line in body]
    message = "Subject: Dots\r\n\r\n" + "".join(line + "\r\n" for line in stuffed)
    sock.sendall(message.encode("ascii") + b".\r\n")
    final = read_reply(sock)
    command(sock, "QUIT")
    return final
