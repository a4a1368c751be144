"""Checks for notebook 03 · EHLO and extensions: read a WHOLE reply (``250-`` goes on,
``250 `` ends, RFC 5321 §4.2.1), parse an EHLO reply into keywords, ask SIZE (RFC 1870)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from typing import Any

from ..lab import LabServer, LabSession
from ..providers import get_provider
from .harness import (
    Hint,
    ReplyReader,
    Result,
    Trial,
    evaluate,
    lab_connection,
    text_lines,
    wait_until,
)

__all__ = ["check_ask", "check_max_size", "check_parse_extensions"]

ASK_COMMANDS = ("EHLO learner.example", "NOOP", "XHELLO")
"""What :func:`check_ask` asks: a multi-line reply, a one-line 250, a one-line 500."""

SIZE_LIMIT = 3 * 1024 * 1024
"""The SIZE limit of the lab :func:`check_max_size` starts (not the default 10 MiB)."""


# ------------------------------------------------------------------------------ helpers


def _replies(session: LabSession) -> list[list[str]]:
    """Every reply the server sent, each as its lines, grouped from the ``S`` lines alone."""
    replies: list[list[str]] = []
    current: list[str] = []
    for line in session.lines:
        if line.direction != "S":
            continue
        current.append(line.text)
        if line.text[3:4] != "-":
            replies.append(current)
            current = []
    return replies


def _reply_to(session: LabSession, number: int) -> list[str]:
    """The reply to the ``number``-th command (0 = the first; the greeting is not counted)."""
    replies = _replies(session)
    return replies[number + 1] if len(replies) > number + 1 else []


def _shown(lines: Sequence[str], limit: int = 3) -> str:
    text = ", ".join(repr(line) for line in lines[:limit])
    return f"[{text}{', ...' if len(lines) > limit else ''}]"


# ------------------------------------------------------------------------------ exercise 1


def _ask_timeout_hint(session: LabSession, command: str, number: int) -> str:
    received = [line for line in session.lines if line.direction == "C"]
    if len(received) <= number or received[number].text != command:
        return (
            f"your code waited for a reply to {command!r}, but the server never got the "
            "whole command: end every command with CRLF, e.g. "
            "sock.sendall((command + '\\r\\n').encode())."
        )
    reply = _reply_to(session, number)
    last = reply[-1] if reply else ""
    if command == "XHELLO":
        return (
            f"your code kept waiting after the last line of the reply to XHELLO, which was "
            f"{last!r}. The last line is the one with a SPACE after the code, whatever the "
            "code is (500 here), not only '250 '."
        )
    return (
        f"your code kept reading after the last line of the reply to {command!r} "
        f"({last!r}: a space after the code means 'last line'), so it waited for bytes that "
        "never come. Stop reading when the 4th character is a space."
    )


def check_ask(ask: Callable[[socket.socket, str], Any]) -> Result:
    """Exercise 1: ``ask(sock, command)`` returns the whole reply (EHLO, NOOP, XHELLO)."""
    with lab_connection() as trial:
        ReplyReader(trial.sock).reply()  # the greeting: the learner starts right after it
        return evaluate(
            "Exercise 1 (read a whole reply)",
            lambda: _ask_all(ask, trial),
            lambda answers: _verify_ask(trial.lab.sessions[-1], answers),
        )


def _ask_all(ask: Callable[[socket.socket, str], Any], trial: Trial) -> object:
    session = trial.lab.sessions[-1]
    answers: list[tuple[str, Any]] = []
    for number, command in enumerate(ASK_COMMANDS):
        try:
            value = ask(trial.sock, command)
        except TimeoutError:
            raise Hint(_ask_timeout_hint(session, command, number)) from None
        if value is None or value is Ellipsis:
            if not session.commands():
                return None  # untouched: nothing reached the server
            raise Hint(
                f"ask(sock, {command!r}) returned None: return the reply's lines "
                "(a list such as ['250-lab.smtplab.test', ..., '250 STARTTLS'])."
            )
        answers.append((command, value))
    return answers


def _verify_ask(session: LabSession, answers: object) -> str:
    assert isinstance(answers, list)
    for raw_line in (line.raw for line in session.lines if line.direction == "C"):
        if not raw_line.endswith(b"\r\n"):
            raise Hint(
                f"the server received {raw_line!r}: end each command with \\r\\n "
                "(CR LF), not \\n alone (RFC 5321 §2.3.8)."
            )
    wait_until(lambda: len(_replies(session)) > len(answers), 1.0)
    for number, (command, value) in enumerate(answers):
        _judge_reply(command, value, _reply_to(session, number))
    return (
        "your function read the 7-line EHLO reply, the one-line 250 to NOOP and the "
        "one-line 500 to XHELLO exactly as the server sent them."
    )


def _judge_reply(command: str, value: Any, expected: list[str]) -> None:
    got = text_lines(value)
    if got is None:
        raise Hint(
            f"ask(sock, {command!r}) returned {type(value).__name__}: return the lines as a "
            "list of str (or bytes), e.g. ['250-lab.smtplab.test', '250-SIZE 10485760', ...]."
        )
    got = [line.rstrip("\r\n") for line in got]
    if got == expected:
        return
    if got and expected and [line[4:] for line in expected] == got:
        raise Hint(
            f"for {command!r} you returned the texts without their codes: keep each line whole, "
            "e.g. '250-SIZE 10485760', so the caller can see the code and the '-' or ' ' after it."
        )
    if len(expected) > 1 and got == expected[:1]:
        raise Hint(
            f"for {command!r} you returned only the first line, {got[0]!r}. A dash after the "
            "code ('250-') means MORE lines follow; only a line with a space after the code "
            f"('250 ') ends the reply (RFC 5321 §4.2.1). The server sent {len(expected)} lines."
        )
    if len(expected) > 1 and got == expected[:-1]:
        raise Hint(
            f"for {command!r} you left out the last line, {expected[-1]!r}: the line with a "
            "space after the code is still part of the reply: keep it, then stop."
        )
    if got and got == expected[: len(got)]:
        raise Hint(
            f"for {command!r} you returned {len(got)} of the {len(expected)} lines: one recv() "
            "gives whatever has arrived so far, not a whole reply. Keep reading lines until "
            "one has a space after the code."
        )
    raise Hint(
        f"for {command!r} the server sent {_shown(expected)} ({len(expected)} line(s)), but "
        f"your function returned {_shown(got)}."
    )


# ------------------------------------------------------------------------------ exercise 2


def _lab_ehlo_lines() -> list[str]:
    """The lines of a real EHLO reply from a fresh lab (read with the lab's own log)."""
    with lab_connection() as trial:
        reader = ReplyReader(trial.sock)
        reader.reply()  # the greeting
        trial.sock.sendall(b"EHLO learner.example\r\n")
        reader.reply()
        trial.sock.sendall(b"QUIT\r\n")
    assert trial.session is not None
    return _reply_to(trial.session, 0)


def _gmail_ehlo_lines() -> list[str]:
    """Gmail's EHLO reply after STARTTLS as quoted in public reports (smtplab.providers)."""
    observed = get_provider("gmail").observed
    assert observed is not None and observed.ehlo_tls is not None
    raw = observed.ehlo_tls.to_bytes().decode("utf-8")
    return raw.split("\r\n")[:-1]


def _expected_keywords(lines: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for line in lines[1:]:
        keyword, _, params = line[4:].partition(" ")
        result[keyword.upper()] = params.strip()
    return result


def _judge_keywords(name: str, lines: list[str], got: Any) -> None:
    expected = _expected_keywords(lines)
    server_name = lines[0][4:].split()[0]
    if isinstance(got, (list, tuple, set, frozenset)):
        raise Hint(
            f"you returned a {type(got).__name__}: return a dict that maps each keyword to its "
            "parameters, e.g. {'SIZE': '10485760', '8BITMIME': '', ...}."
        )
    if not isinstance(got, dict):
        raise Hint(f"you returned {type(got).__name__}: return a dict (keyword -> parameters).")
    keys = {str(key).upper(): key for key in got}
    if any(key.startswith(("250-", "250 ", "250")) for key in keys):
        raise Hint(
            "some keys still start with the code, e.g. "
            f"{next(k for k in got if str(k).upper().startswith('250'))!r}: the keyword "
            "starts at the 5th character of the line (line[4:]), after '250-' or '250 '."
        )
    if server_name.upper() in keys or any(server_name.upper() in key for key in keys):
        raise Hint(
            f"{server_name!r} is in your dict, but the first line of an EHLO reply is the "
            "server's name (and maybe a greeting), not an extension: skip it."
        )
    last_keyword = lines[-1][4:].partition(" ")[0].upper()
    if last_keyword not in keys and set(expected) - {last_keyword} <= set(keys):
        raise Hint(
            f"{last_keyword!r} is missing: it is on the last line, {lines[-1]!r}. That line "
            "(a space after 250) ends the reply, and it is part of it: parse it too."
        )
    if any(" " in key for key in keys):
        bad = next(key for key in keys if " " in key)
        raise Hint(
            f"the key {bad!r} holds the parameters too: split each line at the first space, "
            "keyword before it, parameters after it (line[4:].partition(' '))."
        )
    missing = sorted(set(expected) - set(keys))
    extra = sorted(set(keys) - set(expected))
    if missing or extra:
        raise Hint(
            f"for {name} the keywords should be {sorted(expected)}; "
            + (f"missing: {missing}" if missing else "")
            + ("; " if missing and extra else "")
            + (f"not keywords: {extra}" if extra else "")
            + "."
        )
    for key, params in expected.items():
        value = got[keys[key]]
        value = "" if value is None else value
        if isinstance(value, int) and not isinstance(value, bool):
            raise Hint(
                f"{key} maps to the number {value!r}: keep the parameters as text "
                f"({params!r}); turning SIZE into a number is the caller's job."
            )
        if not isinstance(value, str) or value.strip() != params:
            raise Hint(
                f"for {name}, {key} should map to its parameters {params!r} "
                f"(an empty string when there are none), not {value!r}."
            )


def check_parse_extensions(parse: Callable[[list[str]], Any]) -> Result:
    """Exercise 2: ``parse(lines)`` maps the lab's and Gmail's EHLO keywords to parameters."""
    exercise = "Exercise 2 (parse the extensions)"
    lab_lines = _lab_ehlo_lines()
    gmail_lines = _gmail_ehlo_lines()

    def verify(value: object) -> str:
        _judge_keywords("the lab's reply", lab_lines, value)
        try:
            gmail = parse(list(gmail_lines))
        except Exception as exc:  # the learner's code on a second reply
            raise Hint(
                f"on Gmail's reported EHLO reply your function raised {type(exc).__name__}: "
                f"{exc}. Its first line is 'smtp.gmail.com at your service, [...]' and its "
                "AUTH line has several words of parameters."
            ) from None
        _judge_keywords("Gmail's reported reply", gmail_lines, gmail)
        return (
            f"you found the lab's {len(lab_lines) - 1} extensions and Gmail's "
            f"{len(gmail_lines) - 1}, parameters included (Gmail's AUTH: "
            f"{_expected_keywords(gmail_lines)['AUTH']!r})."
        )

    return evaluate(exercise, lambda: parse(list(lab_lines)), verify)


# ------------------------------------------------------------------------------ exercise 3


def check_max_size(max_size: Callable[[str, int], Any]) -> Result:
    """Exercise 3: ``max_size(host, port)`` asks this lab's SIZE (3 MiB, not the usual 10)."""
    exercise = "Exercise 3 (the biggest message)"
    with LabServer(size_limit=SIZE_LIMIT) as lab:

        def attempt() -> object:
            value = max_size(lab.host, lab.port)
            if (value is None or value is Ellipsis) and lab.sessions:
                said = [verb for s in lab.sessions for verb in s.commands()]
                if "EHLO" not in said and "HELO" in said:
                    raise Hint(
                        "the server got HELO, not EHLO: HELO gets a one-line reply with no "
                        "extensions, so there is no SIZE to read. Use c.ehlo()."
                    )
                raise Hint(
                    "your function connected but returned None: return the number, e.g. "
                    "c.extensions.size after c.ehlo()."
                )
            return value

        def verify(value: object) -> str:
            wait_until(lambda: any(s.commands() for s in lab.sessions), 1.0)
            said = [verb for s in lab.sessions for verb in s.commands()]
            if not lab.sessions:
                raise Hint(
                    f"your function returned {value!r} without connecting to the server: "
                    "connect to (host, port) with Client and ask it (EHLO)."
                )
            if "EHLO" not in said:
                if "HELO" in said:
                    raise Hint("the server got HELO, not EHLO: only EHLO asks for the extensions.")
                raise Hint(
                    "the server never got EHLO, so it never told you its SIZE: call c.ehlo() "
                    "and read c.extensions.size."
                )
            if isinstance(value, str) and value.strip().isdigit():
                raise Hint(
                    f"you returned the text {value!r}: return a number (int(...)), or use "
                    "c.extensions.size, which is already an int."
                )
            if value == 10 * 1024 * 1024:
                raise Hint(
                    "10485760 is the SIZE of the notebook's lab, not of this server: read the "
                    "number from this server's EHLO reply."
                )
            if isinstance(value, bool) or not isinstance(value, int):
                raise Hint(
                    f"you returned {value!r} ({type(value).__name__}): return the SIZE as an "
                    "int, the largest message in bytes."
                )
            if value != SIZE_LIMIT:
                raise Hint(f"this server announced 'SIZE {SIZE_LIMIT}', but you returned {value}.")
            return (
                f"this server takes messages up to {SIZE_LIMIT} bytes (3 MiB): you asked it "
                "with EHLO and read SIZE from its reply."
            )

        return evaluate(exercise, attempt, verify)
