"""Checks for notebook 03 · EHLO and extensions: read a multi-line 5xx reply (in
:mod:`.nb03_error`, public from here), parse an EHLO reply into keywords, ask SIZE (RFC
1870) with an EHLO that names the client. Exercise 1 used to be "read a whole reply", which repeated
notebook 01's exercise 3: :func:`check_ask` stays importable and says where it moved."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..i18n import _
from ..lab import LabServer, LabSession
from ..providers import get_provider
from . import nb03_texts as texts
from .harness import TRIED, Hint, Result, evaluate
from .labs import ReplyReader, lab_connection, strict_lab, wait_until
from .nb03_error import check_error_reply
from .reading import require_line_end, verb

__all__ = ["check_ask", "check_error_reply", "check_max_size", "check_parse_extensions"]

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


# ------------------------------------------------------------------------------ exercise 1


def check_ask(ask: Callable[..., Any]) -> Result:
    """The former exercise 1 ("read a whole reply"): it moved to notebook 01 (exercise 3,
    ``check_read_reply``); notebook 03's exercise 1 is now ``check_error_reply``."""
    return Result(
        _(texts.EXERCISE_READ_WHOLE),
        "not tried",
        _(texts.EXERCISE_MOVED_NOTEBOOK),
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


MIXED_CASE_EHLO = (
    "250-mail.example.net",
    "250-size 52428800",
    "250-8bitmime",
    "250-Pipelining",
    "250-ENHANCEDSTATUSCODES",
    "250 auth PLAIN LOGIN",
)
"""A server that writes its keywords in lower and mixed case, as RFC 5321 §2.4 allows:
a parser that keeps the server's case maps 'size' here and 'SIZE' from the lab."""


def _expected_keywords(lines: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for line in lines[1:]:
        keyword, _space, params = line[4:].partition(" ")
        result[keyword.upper()] = params.strip()
    return result


def _judge_keywords(name: str, lines: list[str], got: Any) -> None:
    expected = _expected_keywords(lines)
    server_name = lines[0][4:].split()[0]
    if isinstance(got, (list, tuple, set, frozenset)):
        raise Hint(
            _(texts.RETURNED_RETURN_DICT).format(
                kind=type(got).__name__, example="{'SIZE': '10485760', '8BITMIME': '', ...}"
            )
        )
    if not isinstance(got, dict):
        raise Hint(_(texts.RETURNED_RETURN_DICT_KEYWORD).format(kind=type(got).__name__))
    keys = {str(key).upper(): key for key in got}
    if any(key.startswith(("250-", "250 ", "250")) for key in keys):
        raise Hint(
            _(texts.SOME_KEYS_STILL).format(
                key=next(k for k in got if str(k).upper().startswith("250"))
            )
        )
    if server_name.upper() in keys or any(server_name.upper() in key for key in keys):
        raise Hint(_(texts.DICT_FIRST_LINE).format(name=server_name))
    last_keyword = lines[-1][4:].partition(" ")[0].upper()
    if last_keyword not in keys and set(expected) - {last_keyword} <= set(keys):
        raise Hint(_(texts.MISSING_LAST_LINE).format(keyword=last_keyword, line=lines[-1]))
    if any(" " in key for key in keys):
        bad = next(key for key in keys if " " in key)
        raise Hint(_(texts.KEY_HOLDS_PARAMETERS).format(key=bad))
    words = sorted(map(str, got))  # the keys as returned: in one case, upper or lower
    if not (all(w == w.upper() for w in words) or all(w == w.lower() for w in words)):
        raise Hint(_(texts.KEYWORDS_ONE_CASE).format(name=name, keys=words))
    missing = sorted(set(expected) - set(keys))
    extra = sorted(set(keys) - set(expected))
    if missing or extra:
        raise Hint(
            _(texts.KEYWORDS_EXPECTED).format(name=name, keywords=sorted(expected))
            + (_("missing: {missing}").format(missing=missing) if missing else "")
            + ("; " if missing and extra else "")
            + (_("not keywords: {extra}").format(extra=extra) if extra else "")
            + "."
        )
    for key, params in expected.items():
        value = got[keys[key]]
        value = "" if value is None else value
        if isinstance(value, int) and not isinstance(value, bool):
            raise Hint(_(texts.MAPS_NUMBER_KEEP).format(key=key, value=value, params=params))
        if not isinstance(value, str) or value.strip() != params:
            raise Hint(
                _(texts.SHOULD_MAP_PARAMETERS).format(
                    name=name, key=key, params=params, value=value
                )
            )


def check_parse_extensions(parse: Callable[[list[str]], Any]) -> Result:
    """Exercise 2: ``parse(lines)`` maps the keywords of the lab's EHLO reply, Gmail's and
    one in lower and mixed case (:data:`MIXED_CASE_EHLO`) to their parameters."""
    exercise = _("Exercise 2 (parse the extensions)")
    lab_lines = _lab_ehlo_lines()
    gmail_lines = _gmail_ehlo_lines()

    def judge_another(name: str, lines: list[str], raised: str) -> None:
        try:
            got = parse(list(lines))
        except Exception as exc:  # the learner's code on another reply
            raise Hint(_(raised).format(kind=type(exc).__name__, error=exc)) from None
        _judge_keywords(name, lines, got)

    def verify(value: object) -> str:
        _judge_keywords(_("the lab's reply"), lab_lines, value)
        judge_another(_("Gmail's reported reply"), gmail_lines, texts.GMAIL_REPORTED_EHLO)
        judge_another(_(texts.MIXED_CASE), list(MIXED_CASE_EHLO), texts.MIXED_CASE_RAISED)
        return _(texts.FOUND_LAB_EXTENSIONS).format(
            lab_count=len(lab_lines) - 1,
            gmail_count=len(gmail_lines) - 1,
            auth=_expected_keywords(gmail_lines)["AUTH"],
        )

    def attempt() -> object:
        try:
            return parse(list(lab_lines))
        except (ValueError, IndexError) as exc:  # '250-8BITMIME' split in two, or [1]
            raise Hint(_(texts.KEYWORD_ALONE).format(kind=type(exc).__name__, error=exc)) from None

    return evaluate(exercise, attempt, verify)


# ------------------------------------------------------------------------------ exercise 3


def _judge_ehlo_name(lab: LabServer, refused_only: bool = False) -> None:
    """A hint when no EHLO was answered 250, or the last one that was gave no FQDN or
    address literal (RFC 5321 §4.1.1.1, §4.1.3; notebook 03, 'HELO: the old greeting')."""
    hellos: list[tuple[str, str]] = []  # each EHLO's name, and its reply's first line
    for line in (line for session in lab.sessions for line in session.lines):
        if line.direction == "C" and line.kind == "command" and verb(line) == "EHLO":
            hellos.append(((line.text.split()[1:] or [""])[0], ""))
        elif line.direction == "S" and hellos and not hellos[-1][1]:
            hellos[-1] = (hellos[-1][0], line.text)
    accepted = [name for name, reply in hellos if reply.startswith("250")]
    if hellos and not accepted:
        raise Hint(_(texts.EHLO_REFUSED).format(reply=hellos[-1][1]))
    if refused_only or not accepted:
        return
    name = accepted[-1]
    if re.fullmatch(r"[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*", name):
        raise Hint(_(texts.EHLO_ADDRESS).format(name=name))
    if "." not in name and not name.startswith("["):
        raise Hint(_(texts.EHLO_NOT_FQDN).format(name=name))


def check_max_size(max_size: Callable[[str, int], Any]) -> Result:
    """Exercise 3: ``max_size(host, port)`` asks this lab's SIZE (3 MiB, not the usual 10)."""
    exercise = _("Exercise 3 (the biggest message)")
    with strict_lab(size_limit=SIZE_LIMIT) as lab:  # a silent client: hung up on (LINE_WAIT)

        def verify(value: object) -> str:
            wait_until(lambda: any(s.commands() for s in lab.sessions), 1.0)
            said = [verb for s in lab.sessions for verb in s.commands()]
            if not lab.sessions:
                raise Hint(_(texts.FUNCTION_RETURNED_WITHOUT).format(value=value))
            for line in (line for s in lab.sessions for line in s.lines):
                if line.direction == "C" and line.kind == "command":
                    require_line_end(line)  # a line cut short is no EHLO (a raw socket's)
            if "EHLO" not in said:
                if "HELO" in said:
                    raise Hint(_(texts.SERVER_GOT_HELO))
                raise Hint(_(texts.SERVER_NEVER_GOT))
            _judge_ehlo_name(lab)
            if value is TRIED:  # nothing returned: what the lab saw was right
                return _("the server got your EHLO and announced its SIZE.")
            if isinstance(value, str) and value.strip().isdigit():
                raise Hint(_(texts.RETURNED_TEXT_RETURN).format(value=value))
            if value == 10 * 1024 * 1024:
                raise Hint(_(texts.SIZE_NOTEBOOK_LAB))
            if isinstance(value, bool) or not isinstance(value, int):
                raise Hint(
                    _(texts.RETURNED_RETURN_SIZE).format(value=value, kind=type(value).__name__)
                )
            if value != SIZE_LIMIT:
                raise Hint(_(texts.SERVER_ANNOUNCED_SIZE).format(limit=SIZE_LIMIT, value=value))
            return _(texts.SERVER_TAKES_MESSAGES).format(limit=SIZE_LIMIT)

        def attempt() -> object:
            try:
                return max_size(lab.host, lab.port)
            except Exception:  # KeyError 'SIZE' after a refused EHLO: name the refusal
                _judge_ehlo_name(lab, refused_only=True)
                raise

        return evaluate(exercise, attempt, verify, lab=lab, returns=_("the SIZE"))
