"""How much of the kit's learner-facing text is translated (issue 19; docs/i18n.md).

    .venv/bin/python benchmarks/translated.py              # the figures, per area
    .venv/bin/python benchmarks/translated.py --left       # every text still English only
    .venv/bin/python benchmarks/translated.py --json       # the figures as JSON

A *learner-facing text* is a string literal of ``smtplab/`` (an f-string counts as one,
its literal parts joined) that reads as prose: at least three words of letters and a
space. Not counted:

* docstrings (the code's documentation, for the engineers who read it);
* protocol text, which stays as the wire has it: a literal starting with a reply code
  (``"250 OK"``, ``"550 5.1.1 ..."``) or with an SMTP command (``"MAIL FROM:<...>"``);
* a literal on a line (or whose first line) carries the pragma ``# i18n: keep`` followed
  by the reason (a server's text quoted verbatim, a log format read by tests, a command's
  example...). Each such pragma is a decision a reviewer can see next to the text;
* every literal of a module that carries the line ``# i18n: keep-file`` and its reason
  (a module of citations: page titles and quotes, kept as published).

A counted text is *marked* when it sits inside ``_()``, ``N_()`` or ``ngettext()``, and
*translated* when it is marked and the zh_CN catalog has a non-fuzzy translation for it.
The goal is 100% translated.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "smtplab"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "smtplab.po"

MARKERS = {"_", "N_", "ngettext"}
PRAGMA = "# i18n: keep"
FILE_PRAGMA = "# i18n: keep-file"
WORD = re.compile(r"[A-Za-z]{2,}")
PROTOCOL = re.compile(
    r"^\s*(\d{3}([ -]|$)|(EHLO|HELO|MAIL FROM|RCPT TO|DATA|QUIT|RSET|NOOP|VRFY|EXPN|HELP"
    r"|STARTTLS|AUTH|BDAT)\b)"
)


@dataclass(frozen=True)
class Text:
    """One counted literal: where it is, its text, and whether it is marked."""

    path: str
    line: int
    text: str
    marked: bool


def area(path: str) -> str:
    """The part of the package a file belongs to (its subpackage, or "core")."""
    parts = Path(path).parts
    return parts[1] if len(parts) > 2 else "core"


def literal_text(node: ast.AST) -> str | None:
    """The text of a str constant or of an f-string's literal parts; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    return None


def is_prose(text: str) -> bool:
    """Three words of letters or more, with a space: a sentence, a phrase, a label."""
    return " " in text.strip() and len(WORD.findall(text)) >= 3


def docstring_nodes(tree: ast.AST) -> set[int]:
    """The ids of every docstring constant in *tree*."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr):
                value = body[0].value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add(id(value))
        # A string expression right after an assignment documents it (attribute docs).
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for before, after in itertools.pairwise(body):
                if (
                    isinstance(before, ast.Assign | ast.AnnAssign)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)
                ):
                    found.add(id(after.value))
    return found


def texts_of(path: Path) -> list[Text]:
    """Every counted learner-facing literal of one module."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    if any(line.startswith(FILE_PRAGMA) for line in lines):
        return []
    tree = ast.parse(source)
    docstrings = docstring_nodes(tree)
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    relative = path.relative_to(ROOT).as_posix()
    found: list[Text] = []
    for node in ast.walk(tree):
        text = literal_text(node)
        if text is None or id(node) in docstrings:
            continue
        if isinstance(parents.get(id(node)), ast.JoinedStr):
            continue  # a part of an f-string: counted with the f-string
        if not is_prose(text) or PROTOCOL.match(text):
            continue
        line = node.lineno  # type: ignore[attr-defined]
        if PRAGMA in lines[line - 1] or (
            # the pragma may also close the call or statement the literal belongs to
            PRAGMA in lines[getattr(node, "end_lineno", line) - 1]
        ):
            continue
        found.append(Text(relative, line, text, marked=_is_marked(node, parents)))
    return found


def _is_marked(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Whether *node* is (part of) an argument of ``_``, ``N_`` or ``ngettext``."""
    current = parents.get(id(node))
    while current is not None:
        if isinstance(current, ast.Call):
            function = current.func
            if isinstance(function, ast.Name) and function.id in MARKERS:
                return True
        if isinstance(current, ast.stmt):
            return False
        current = parents.get(id(current))
    return False


def translated_ids() -> set[str]:
    """The msgids the zh_CN catalog translates (non-empty, not fuzzy)."""
    if not PO.exists():
        return set()
    from babel.messages.pofile import read_po  # the test extra; only for this figure

    with PO.open("rb") as handle:
        catalog = read_po(handle)
    done: set[str] = set()
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            done.update(ids)
    return done


def measure() -> tuple[dict[str, dict[str, float]], list[Text]]:
    """The figures per area (and "all"), and the texts not yet translated."""
    done = translated_ids()
    counted: Counter[str] = Counter()
    marked: Counter[str] = Counter()
    translated: Counter[str] = Counter()
    left: list[Text] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for text in texts_of(path):
            where = area(text.path)
            counted[where] += 1
            marked[where] += text.marked
            is_done = text.marked and text.text in done
            translated[where] += is_done
            if not is_done:
                left.append(text)
    figures: dict[str, dict[str, float]] = {}
    for where in [*sorted(counted), "all"]:
        total = sum(counted.values()) if where == "all" else counted[where]
        n_marked = sum(marked.values()) if where == "all" else marked[where]
        n_done = sum(translated.values()) if where == "all" else translated[where]
        figures[where] = {
            "texts": total,
            "marked": n_marked,
            "translated": n_done,
            "percent": round(100 * n_done / total, 1) if total else 100.0,
        }
    return figures, left


def main(argv: list[str] | None = None) -> int:
    """Print the figures (or the texts left, or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--left", action="store_true", help="list every text not translated")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("paths", nargs="*", help="with --left: only files under these paths")
    options = parser.parse_args(argv)
    figures, left = measure()
    if options.json:
        print(json.dumps(figures, indent=2))
    elif options.left:
        for text in left:
            if options.paths and not any(text.path.startswith(p) for p in options.paths):
                continue
            state = "marked, not translated" if text.marked else "not marked"
            print(f"{text.path}:{text.line}: {state}: {text.text[:100]!r}")
    else:
        print(f"{'area':<12}{'texts':>7}{'marked':>8}{'translated':>12}{'%':>7}")
        for where, row in figures.items():
            print(
                f"{where:<12}{row['texts']:>7}{row['marked']:>8}"
                f"{row['translated']:>12}{row['percent']:>7}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
