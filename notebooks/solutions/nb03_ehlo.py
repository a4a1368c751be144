"""Reference solutions for notebook 03 · EHLO and extensions.

CI runs each check of :mod:`smtplab.course.nb03` against these functions
(tests/test_exercises_nb03.py).
"""

from __future__ import annotations

from smtplab import Client


def read_error(lines: list[bytes]) -> tuple[int, str]:
    """Exercise 1: the code and text of the first whole reply in lines (RFC 5321 §4.2.1)."""
    texts = []
    for line in lines:
        text = line.decode("utf-8").rstrip("\r\n")
        texts.append(text[4:])  # after the code and the "-" or " "
        if text[3:4] != "-":  # a space (or nothing): the last line, whatever the code
            return int(text[:3]), "\n".join(texts)
    raise ValueError("the reply has no last line")


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
