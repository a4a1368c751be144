"""The checks of notebook 03 (EHLO and extensions): the catalogue of each exercise's
typical wrong answers (tests/catalogue.py), each failing with the hint meant for it, and
the behaviours that are not catalogue rows."""

from __future__ import annotations

import socket

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import load_solution, untouched

from smtplab import Client
from smtplab.course import labs
from smtplab.course.nb03 import (
    check_ask,
    check_error_reply,
    check_max_size,
    check_parse_extensions,
)

sol = load_solution("nb03_ehlo")

READING_A_REPLY = "03 · EHLO: hello, and what can you do? (the RFC 5321 §4.2.1 table)"
EXTENSIONS = "03 · What the server announced"


# --- exercise 1: read a multi-line 5xx reply ----------------------------------------------


def _texts(lines: list[bytes]) -> list[str]:
    return [line.decode().rstrip("\r\n") for line in lines]


def first_line_only(lines: list[bytes]) -> tuple[int, str]:
    first = _texts(lines)[0]
    return int(first[:3]), first[4:]


def keeps_the_codes(lines: list[bytes]) -> tuple[int, str]:
    code, _ = sol.read_error(lines)
    kept = []
    for text in _texts(lines):
        kept.append(text)
        if text[3:4] != "-":
            break
    return code, "\n".join(kept)


def only_250_ends(lines: list[bytes]) -> tuple[int, str]:
    """Reads on until a line starts with '250 ': a 5xx reply runs into the next one."""
    texts = []
    for text in _texts(lines):
        texts.append(text[4:])
        if text.startswith("250 "):
            break
    return int(_texts(lines)[0][:3]), "\n".join(texts)


def a_hyphen_anywhere(lines: list[bytes]) -> tuple[int, str]:
    """Reads on while the line holds a '-' anywhere, not only right after the code."""
    texts = []
    for text in _texts(lines):
        texts.append(text[4:])
        if "-" not in text:
            break
    return int(_texts(lines)[0][:3]), "\n".join(texts)


def reads_while_the_code_is_the_same(lines: list[bytes]) -> tuple[int, str]:
    """Takes every line with the first line's code: one reply's lines all carry it, but so
    may the next reply's (two refused recipients, pipelined: 550 then 550)."""
    code = lines[0][:3]
    return int(code), "\n".join(text[4:] for text in _texts(lines) if text[:3] == code.decode())


def keeps_line_ends(lines: list[bytes]) -> tuple[int, str]:
    texts = []
    for line in lines:
        texts.append(line.decode()[4:])
        if line[3:4] != b"-":
            break
    return int(lines[0][:3]), "".join(texts)


def code_as_text(lines: list[bytes]) -> tuple[str, str]:
    code, text = sol.read_error(lines)
    return str(code), text


def joined_with_spaces(lines: list[bytes]) -> tuple[int, str]:
    code, text = sol.read_error(lines)
    return code, text.replace("\n", " ")


ERROR_REPLY = Exercise(
    number="03.1",
    title="read a multi-line 5xx reply",
    checks="read_error(lines) returns (code, text) of the first whole reply in lines read "
    "from a server: Gmail's two-line 535, a three-line 554 and a one-line 550, each followed "
    "by the next reply",
    check=check_error_reply,
    correct=sol.read_error,
    talks_to_lab=False,
    mistakes=(
        Mistake(
            name="only the first line",
            rule="'-' after the code means more lines follow (RFC 5321 §4.2.1)",
            warned_in=READING_A_REPLY,
            answer=first_line_only,
            hint="only the first line",
        ),
        Mistake(
            name="keeps the codes in the text",
            rule="every line carries the code then '-' or ' '; the text starts after them",
            warned_in=READING_A_REPLY,
            answer=keeps_the_codes,
            hint="starts with the code",
        ),
        Mistake(
            name="only '250 ' ends a reply",
            rule="the line with a space after the code ends the reply, whatever the code",
            warned_in="03 · Why not just sock.recv()? (stopping at a line starting 250)",
            answer=only_250_ends,
            hint="whatever the code is",
        ),
        Mistake(
            name="a '-' anywhere in the line",
            rule="the fourth character says it: '-' right after the code, not in the text",
            warned_in=READING_A_REPLY + " (keep reading while the fourth character is -)",
            answer=a_hyphen_anywhere,
            hint="you read past the last line",
        ),
        Mistake(
            name="reads while the code is the same",
            rule="the next reply may carry the same code: only the space after it ends a reply",
            warned_in=READING_A_REPLY + " (every line carries the same code; with pipelining, "
            "replies arrive back to back)",
            answer=reads_while_the_code_is_the_same,
            hint="the same code",
        ),
        Mistake(
            name="keeps the CRLF line ends",
            rule="CRLF ends each line on the wire; it is not part of the text (RFC 5321 §2.3.8)",
            warned_in="01 · Every line ends with CRLF; 03 · HELO (readline keeps the CRLF)",
            answer=keeps_line_ends,
            hint="line ends",
        ),
        Mistake(
            name="the code as text",
            rule="the reply code is a number whose first digit says success or failure",
            warned_in="03 · Extensions at work (552 is a permanent failure)",
            answer=code_as_text,
            hint="as an int",
        ),
        Mistake(
            name="lines joined with spaces",
            rule="a multi-line reply's text keeps one line per reply line",
            warned_in="03 · Your turn, exercise 1",
            answer=joined_with_spaces,
            hint="without a line break",
        ),
    ),
)


def test_the_old_exercise_says_where_it_moved() -> None:
    result = check_ask(untouched)
    assert result.status == "not tried"
    assert "moved to notebook 01" in result.message
    assert "check_error_reply" in result.message


def test_a_pair_is_asked_for() -> None:
    result = check_error_reply(lambda lines: lines[0])
    assert result.status == "failed"
    assert "(code, text)" in result.message


# --- exercise 2: parse the extensions -----------------------------------------------------


def keeps_server_name(lines: list[str]) -> dict[str, str]:
    result = {}
    for line in lines:
        keyword, _, params = line[4:].partition(" ")
        result[keyword] = params
    return result


def only_dash_lines(lines: list[str]) -> dict[str, str]:
    result = {}
    for line in lines[1:]:
        if line.startswith("250-"):
            keyword, _, params = line[4:].partition(" ")
            result[keyword] = params
    return result


def keeps_code(lines: list[str]) -> dict[str, str]:
    return {line.partition(" ")[0]: line.partition(" ")[2] for line in lines[1:]}


def keeps_params_in_key(lines: list[str]) -> dict[str, str]:
    return {line[4:]: "" for line in lines[1:]}


def size_as_int(lines: list[str]) -> dict[str, object]:
    result: dict[str, object] = dict(sol.parse_extensions(lines))
    result["SIZE"] = int(str(result["SIZE"]))
    return result


def splits_every_line_in_two(lines: list[str]) -> dict[str, str]:
    """Keyword, then parameters, on every line: '250-8BITMIME' has no second part."""
    result = {}
    for line in lines[1:]:
        keyword, params = line[4:].split(" ", 1)
        result[keyword.upper()] = params
    return result


def keeps_the_servers_case(lines: list[str]) -> dict[str, str]:
    """Keywords as the server wrote them: 'size' from one server, 'SIZE' from another."""
    result = {}
    for line in lines[1:]:
        keyword, _, params = line[4:].partition(" ")
        result[keyword] = params.strip()
    return result


def returns_list(lines: list[str]) -> list[str]:
    return [line[4:].split()[0] for line in lines[1:]]


PARSE = Exercise(
    number="03.2",
    title="parse the extensions",
    checks="parse_extensions(lines) maps the keywords of the lab's EHLO reply, Gmail's reported "
    "one and one in lower and mixed case to their parameters (text), keys in one case",
    check=check_parse_extensions,
    correct=sol.parse_extensions,
    talks_to_lab=False,
    mistakes=(
        Mistake(
            name="keeps the server's name",
            rule="the first line of an EHLO reply is the server's name (RFC 5321 §4.1.1.1)",
            warned_in=EXTENSIONS,
            answer=keeps_server_name,
            hint="server's name",
        ),
        Mistake(
            name="only the '250-' lines",
            rule="the last line ('250 ') is part of the reply (RFC 5321 §4.2.1)",
            warned_in=READING_A_REPLY,
            answer=only_dash_lines,
            hint="'STARTTLS' is missing",
        ),
        Mistake(
            name="keeps the code in the keyword",
            rule="a line is the code, '-' or ' ', then the keyword",
            warned_in=READING_A_REPLY,
            answer=keeps_code,
            hint="start with the code",
        ),
        Mistake(
            name="parameters in the key",
            rule="a keyword and its parameters are separated by a space (RFC 5321 §4.1.1.1)",
            warned_in=EXTENSIONS,
            answer=keeps_params_in_key,
            hint="holds the parameters",
        ),
        Mistake(
            name="SIZE turned into a number",
            rule="the parser keeps parameters as text; SIZE's meaning is the caller's (RFC 1870)",
            warned_in="03 · Your turn, exercise 2 (parameters as text)",
            answer=size_as_int,
            hint="keep the parameters as text",
        ),
        Mistake(
            name="every keyword taken to have parameters",
            rule="a keyword may come alone, without parameters ('250-8BITMIME', RFC 5321 §4.1.1.1)",
            warned_in=EXTENSIONS + " (8BITMIME, PIPELINING...); 03 · Your turn, exercise 2 "
            "('8BITMIME': '')",
            answer=splits_every_line_in_two,
            hint="without parameters",
        ),
        Mistake(
            name="keywords in the server's case",
            rule="extension keywords are case-insensitive (RFC 5321 §2.4): one case for all",
            warned_in=EXTENSIONS + " (keywords are case-insensitive)",
            answer=keeps_the_servers_case,
            hint="case-insensitive",
        ),
        Mistake(
            name="a list of keywords",
            rule="each keyword has parameters: a mapping, not a list",
            warned_in=EXTENSIONS,
            answer=returns_list,
            hint="return a dict",
        ),
    ),
)


# --- exercise 3: the biggest message ------------------------------------------------------


def with_helo(host: str, port: int) -> int | None:
    with Client(host, port, local_hostname="learner.example") as client:
        client.helo()
        return client.extensions.size


def as_text(host: str, port: int) -> str:
    with Client(host, port, local_hostname="learner.example") as client:
        client.ehlo()
        return client.extensions.get("SIZE") or ""


def hard_coded(host: str, port: int) -> int:
    with Client(host, port, local_hostname="learner.example") as client:
        client.ehlo()
        return 10485760


def never_asks(host: str, port: int) -> int:
    return 3145728


def bare_lf_on_a_raw_socket(host: str, port: int) -> int | None:
    with socket.create_connection((host, port), timeout=5) as sock:
        reader = sock.makefile("rb")
        reader.readline()
        sock.sendall(b"EHLO learner.example\n")  # a bare LF: the strict lab hangs up
        for line in reader:
            if line[4:8].upper() == b"SIZE":
                return int(line[9:])
    return None


def names_itself(name: str):  # type: ignore[no-untyped-def]
    """max_size, right but for the name its EHLO gives."""

    def max_size(host: str, port: int) -> int | None:
        with Client(host, port, local_hostname=name) as client:
            client.ehlo()
            return client.extensions.size

    return max_size


def ehlo_without_a_name(host: str, port: int) -> int | None:
    """'EHLO' alone: refused (501), so no extension is announced; returns None."""
    with Client(host, port) as client:
        client.command("EHLO")
        return client.extensions.size


def forgets_return(host: str, port: int) -> None:
    with Client(host, port, local_hostname="learner.example") as client:
        client.ehlo()
        client.extensions.size  # noqa: B018 - read, never returned


MAX_SIZE = Exercise(
    number="03.3",
    title="the biggest message",
    checks="max_size(host, port) asks a lab whose SIZE is 3 MiB (not the notebook's 10 MiB) "
    "with an EHLO that names the client (an FQDN or an address literal) and returns SIZE as "
    "an int",
    check=check_max_size,
    correct=sol.max_size,
    mistakes=(
        Mistake(
            name="HELO instead of EHLO",
            rule="only EHLO asks for the extensions (RFC 5321 §4.1.1.1)",
            warned_in="03 · HELO: the old greeting",
            answer=with_helo,
            hint="HELO, not EHLO",
        ),
        Mistake(
            name="EHLO without a name",
            rule="EHLO names the client (RFC 5321 §4.1.1.1): a bare EHLO is refused (501)",
            warned_in="03 · HELO: the old greeting (which name?)",
            answer=ehlo_without_a_name,
            hint="the server answered your EHLO with '501",
        ),
        Mistake(
            name="a bare IP address as the name",
            rule="an address as EHLO name is an address literal, in brackets (RFC 5321 §4.1.3)",
            warned_in="03 · HELO: the old greeting ([192.0.2.1], the literal's syntax)",
            answer=names_itself("127.0.0.1"),
            hint="in brackets, [127.0.0.1]",
        ),
        Mistake(
            name="a name that is no FQDN",
            rule="the client's fully qualified domain name (RFC 5321 §4.1.1.1, §2.3.5)",
            warned_in="03 · HELO: the old greeting (reject_non_fqdn_helo_hostname)",
            answer=names_itself("learner"),
            hint="not a fully qualified domain name",
        ),
        Mistake(
            name="SIZE as text",
            rule="SIZE's parameter is a number of bytes (RFC 1870 §4)",
            warned_in=EXTENSIONS,
            answer=as_text,
            hint="return a number",
        ),
        Mistake(
            name="the notebook's 10 MiB",
            rule="each server announces its own limit: ask this one",
            warned_in="03 · Meet smtplab.Client (SIZE: 10485760 is the notebook's lab)",
            answer=hard_coded,
            hint="this server",
        ),
        Mistake(
            name="never connects",
            rule="what a server offers is learnt from its EHLO reply, not assumed",
            warned_in="03 · EHLO: hello, and what can you do?",
            answer=never_asks,
            hint="without connecting",
        ),
        Mistake(
            name="EHLO with a bare LF, on a raw socket",
            rule="every line ends with CRLF (RFC 5321 §2.3.8): the strict lab refuses a bare LF",
            warned_in="03 · Your turn (the checks' labs are strict: a bare LF is refused)",
            answer=bare_lf_on_a_raw_socket,
            hint="a bare LF",
        ),
        Mistake(
            name="forgot return",
            rule="the function returns the number it read",
            warned_in="03 · Your turn, exercise 3",
            answer=forgets_return,
            hint="forgot to `return`",
            kind="forgot return",
        ),
    ),
)


EXERCISES = [ERROR_REPLY, PARSE, MAX_SIZE]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)


def test_parse_names_gmails_auth_line() -> None:
    result = check_parse_extensions(sol.parse_extensions)
    assert result, result
    assert "Gmail" in result.message


def test_parse_takes_keywords_in_one_case_upper_or_lower_and_any_spacing() -> None:
    """Keywords are case-insensitive (RFC 5321 §2.4): a parser that writes them all in lower
    case, as smtplib's esmtp_features does, is as right as the upper case of the example;
    and one that splits on any whitespace, or maps a keyword without parameters to None."""

    def lower_case(lines: list[str]) -> dict[str, str]:
        return {k.lower(): v for k, v in sol.parse_extensions(lines).items()}

    def any_whitespace(lines: list[str]) -> dict[str, str | None]:
        words = [line[4:].split(None, 1) for line in lines[1:]]
        return {w[0].upper(): (w[1] if len(w) > 1 else None) for w in words}

    for parse in (lower_case, any_whitespace):
        result = check_parse_extensions(parse)
        assert result.status == "passed", (parse.__name__, result)


def test_max_size_names_the_limit() -> None:
    result = check_max_size(sol.max_size)
    assert result, result
    assert "3145728" in result.message


def test_max_size_without_crlf_on_a_blocking_socket_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notebook 01's mistake (no CRLF) on a raw socket with no timeout, as notebook 03's
    own raw part reads the EHLO reply (makefile, readline): the check's lab hangs up after
    LINE_WAIT seconds, as the labs of notebook 01's checks do, so the check ends with a
    hint instead of the cell hanging for the lab's 300 s."""
    assert labs.LINE_WAIT <= 15
    monkeypatch.setattr(labs, "LINE_WAIT", 1.0)  # every check's lab (labs.strict_lab)

    def max_size(host: str, port: int) -> int | None:
        sock = socket.create_connection((host, port))
        reader = sock.makefile("rb")
        reader.readline()
        sock.sendall(b"EHLO learner.example")  # no CRLF: the server waits for the rest
        for line in reader:
            if line[4:8].upper() == b"SIZE":
                return int(line[9:])
        return None

    finished = labs.run_with_deadline(lambda: check_max_size(max_size), 20.0)
    assert finished is not None, "the check hung"
    assert finished.value.status == "failed", finished.value
    assert "no line end" in finished.value.message, finished.value


def test_max_size_names_a_refused_ehlo_behind_the_error_it_caused() -> None:
    """'EHLO' without a name is refused (501): the client then holds no SIZE, and a learner
    who turns client.extensions.get("SIZE") into an int gets a TypeError. The check had
    said only "your code raised TypeError: ..."; it now names the refused EHLO, the cause."""

    def max_size(host: str, port: int) -> int:
        with Client(host, port) as client:
            client.command("EHLO")
            return int(client.extensions.get("SIZE"))  # type: ignore[arg-type]

    result = check_max_size(max_size)
    assert result.status == "failed", result
    assert "the server answered your EHLO with '501" in result.message, result


def test_max_size_takes_the_names_a_client_may_give() -> None:
    """An FQDN, an address literal, and the defaults of Client and smtplib pass."""
    for name in ("learner.example", "[127.0.0.1]", "[IPv6:::1]", None):
        result = check_max_size(names_itself(name))  # type: ignore[arg-type]
        assert result.status == "passed", (name, result)
