"""Checks for notebook 03 · EHLO and extensions: read a multi-line 5xx reply (the code
on every line, ``550-`` goes on, ``550 `` ends, RFC 5321 §4.2.1), parse an EHLO reply into
keywords, ask SIZE (RFC 1870). Exercise 1 used to be "read a whole reply", which repeated
notebook 01's exercise 3: :func:`check_ask` stays importable and says where it moved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i18n import _
from ..lab import LabSession
from ..providers import get_provider
from . import nb03_texts as texts
from .harness import TRIED, Hint, Result, answers_to, evaluate
from .labs import ReplyReader, lab_connection, strict_lab, wait_until
from .reading import require_line_end

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

ERROR_REPLIES: tuple[tuple[bytes, ...], ...] = (
    (
        b"535-5.7.8 Username and Password not accepted. For more information, go to\r\n",
        b"535 5.7.8  https://support.google.com/mail/?p=BadCredentials\r\n",
        b"250 2.0.0 Ok: reset\r\n",
    ),
    (
        b"554-5.7.1 The message was refused as spam.\r\n",
        b"554-5.7.1 To appeal, read https://postmaster.example.com/spam\r\n",
        b"554 5.7.1 and quote the reference ABC-123.\r\n",
        b"221 2.0.0 Bye\r\n",
    ),
    (
        b"550 5.1.1 <nobody@example.com>: Recipient address rejected\r\n",
        b"550 5.1.1 <nemo@example.com>: Recipient address rejected\r\n",
    ),
)
"""What :func:`check_error_reply` hands to the learner's function: the lines a reader
returned, a whole 5xx reply first, then the first line of the next (pipelined) reply.
The first is Gmail's reported reply to a refused password (notebook 05). The 554's last
line holds a '-' in its text: only a '-' right after the code says more lines follow. The
550 is followed by the reply to the next pipelined RCPT, also a 550: the code does not
change where a reply ends."""


def check_ask(ask: Callable[..., Any]) -> Result:
    """The former exercise 1 ("read a whole reply"): it moved to notebook 01 (exercise 3,
    ``check_read_reply``); notebook 03's exercise 1 is now ``check_error_reply``."""
    return Result(
        _(texts.EXERCISE_READ_WHOLE),
        "not tried",
        _(texts.EXERCISE_MOVED_NOTEBOOK),
    )


def _split(line: bytes) -> tuple[int, str, bool]:
    """A reply line's code, text and whether it is the last line (a space, or nothing)."""
    text = line.decode("utf-8").rstrip("\r\n")
    return int(text[:3]), text[4:], text[3:4] != "-"


def _expected_error(lines: tuple[bytes, ...]) -> tuple[int, list[str], str]:
    """The reply's code, the texts of its lines, and the text of the next reply's line."""
    line_texts: list[str] = []
    for number, line in enumerate(lines):
        code, text, last = _split(line)
        line_texts.append(text)
        if last:
            return code, line_texts, _split(lines[number + 1])[1]
    raise AssertionError("a sample reply without its last line")  # i18n: keep a bug in the check


def check_error_reply(read_error: Callable[[list[bytes]], Any]) -> Result:
    """Exercise 1: ``read_error(lines)`` returns ``(code, text)`` of the first whole reply in
    ``lines``: the code as an int, the texts of its lines joined by newlines."""
    return evaluate(
        _(texts.EXERCISE_READ_MULTI),
        lambda: answers_to(read_error, [list(sample) for sample in ERROR_REPLIES]),
        _verify_error_replies,
    )


def _verify_error_replies(answers: object) -> str:
    assert isinstance(answers, list)
    for sample, answer in zip(ERROR_REPLIES, answers, strict=True):
        _judge_error_reply(sample, answer)
    return _(texts.READ_GMAIL_TWO)


def _judge_error_reply(sample: tuple[bytes, ...], answer: object) -> None:
    code, line_texts, next_text = _expected_error(sample)
    shown = _("for the reply starting {start!r}").format(start=sample[0][:24])
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Hint(
            _(texts.RETURNED_RETURN_PAIR).format(
                shown=shown, kind=type(answer).__name__, answer=answer
            )
        )
    got_code, got_text = answer
    if isinstance(got_code, (str, bytes)):
        raise Hint(_(texts.CODE_TEXT_RETURN).format(shown=shown, got=got_code))
    if isinstance(got_code, bool) or not isinstance(got_code, int) or got_code != code:
        raise Hint(_(texts.CODE_SHOULD_REPLY).format(shown=shown, got=got_code))
    if isinstance(got_text, (bytes, bytearray)):
        raise Hint(_("{shown} the text is bytes: decode it and return a str.").format(shown=shown))
    if not isinstance(got_text, str):
        raise Hint(_(texts.TEXT_SHOULD_STR).format(shown=shown, kind=type(got_text).__name__))
    if got_text == "\n".join(line_texts):
        return
    if "\r" in got_text or got_text.endswith("\n"):
        raise Hint(_(texts.TEXT_STILL_HOLDS).format(shown=shown, ends=got_text[-12:]))
    if next_text in got_text:
        same_code = sample[-1][:3] == sample[0][:3]  # the next reply carries the same code
        past = texts.READ_PAST_SAME_CODE if same_code else texts.READ_PAST_LAST
        raise Hint(_(past).format(shown=shown, next_line=next_text))
    if any(line[:3].isdigit() and line[3:4] in ("-", " ") for line in got_text.split("\n")):
        raise Hint(_(texts.TEXT_STILL_STARTS).format(shown=shown, start=got_text[:10]))
    if len(line_texts) > 1 and got_text == line_texts[0]:
        raise Hint(_(texts.RETURNED_ONLY_FIRST).format(shown=shown, count=len(line_texts)))
    if got_text == " ".join(line_texts) or got_text == "".join(line_texts):
        raise Hint(_(texts.JOINED_LINES_TEXTS).format(shown=shown))
    raise Hint(_(texts.SERVER_SENT_LINE).format(shown=shown, count=len(line_texts)))


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
    """Exercise 2: ``parse(lines)`` maps the lab's and Gmail's EHLO keywords to parameters."""
    exercise = _("Exercise 2 (parse the extensions)")
    lab_lines = _lab_ehlo_lines()
    gmail_lines = _gmail_ehlo_lines()

    def verify(value: object) -> str:
        _judge_keywords(_("the lab's reply"), lab_lines, value)
        try:
            gmail = parse(list(gmail_lines))
        except Exception as exc:  # the learner's code on a second reply
            raise Hint(
                _(texts.GMAIL_REPORTED_EHLO).format(kind=type(exc).__name__, error=exc)
            ) from None
        _judge_keywords(_("Gmail's reported reply"), gmail_lines, gmail)
        return _(texts.FOUND_LAB_EXTENSIONS).format(
            lab_count=len(lab_lines) - 1,
            gmail_count=len(gmail_lines) - 1,
            auth=_expected_keywords(gmail_lines)["AUTH"],
        )

    return evaluate(exercise, lambda: parse(list(lab_lines)), verify)


# ------------------------------------------------------------------------------ exercise 3


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

        return evaluate(
            exercise, lambda: max_size(lab.host, lab.port), verify, lab=lab, returns=_("the SIZE")
        )
