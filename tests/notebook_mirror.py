"""The Chinese series mirrors the English one (issue 19): the rules, and a tool for translators.

    python tests/notebook_mirror.py start 03-ehlo-and-extensions   # a new mirror to translate
    python tests/notebook_mirror.py apply 03-ehlo-and-extensions cells.json
    python tests/notebook_mirror.py status                           # what needs work, per notebook
    python tests/notebook_mirror.py reviewed 03-ehlo-and-extensions CELL_ID
    python tests/notebook_mirror.py figures                          # prose parity, per notebook
    python tests/notebook_mirror.py gloss 03-ehlo-and-extensions     # add missing 信封（envelope）

``notebooks/zh-CN/NN-name.ipynb`` mirrors ``notebooks/NN-name.ipynb`` cell for cell (same
ids, same types, same order) plus one code cell, the first code cell, that sets the
language (``LANGUAGE_CELL``). A mirrored code cell is the English one apart from its
comments and the text of its string literals (both may be translated) and relative paths
in ``%``/``!`` lines, which gain a ``../`` (the mirror sits one folder down): the two
token streams must be equal. Every mirrored cell records in its metadata a hash of the
English source it was translated from (``smtplab.en_sha``): when the English cell
changes, the Chinese one is reported as needing review until a translator updates it
(``apply`` with the new text, or ``reviewed`` when the translation still holds).

Markdown cells must read as Chinese: a run of six or more English words outside code,
links, HTML tags and parentheses is reported as English prose left untranslated; and a
glossary term (docs/i18n-glossary.md) gives its English form in parentheses at its first
use in each notebook's prose (headings and link labels do not count), e.g. ``信封（envelope）``.

``tests/test_notebooks_zh.py`` runs these checks; ``cells.json`` for ``apply`` maps cell
ids to their new (translated) source.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import io
import json
import re
import sys
import tokenize
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = ROOT / "notebooks"
CHINESE = ENGLISH / "zh-CN"
GLOSSARY = ROOT / "docs" / "i18n-glossary.md"

LANGUAGE_CELL_ID = "zh-cn-language"
LANGUAGE_CELL = (
    'import smtplab\n\nsmtplab.set_language("zh-CN")  # 本系列的提示、错误信息和注释都用简体中文'
)
ENGLISH_RUN = re.compile(r"(?:\b[A-Za-z][A-Za-z'’-]*\b[ ,;:]+){5,}[A-Za-z][A-Za-z'’-]*")
CODE_SPAN = re.compile(r"```.*?```|`[^`\n]*`", re.S)
LINK_TARGET = re.compile(r"\]\([^)]*\)")
HTML_TAG = re.compile(r"<[^>\n]+>")
URL = re.compile(r"https?://\S+")
PARENTHESES = re.compile(r"（[^（）]*）|\([^()]*\)")

Notebook = dict[str, Any]


def text(cell: dict[str, Any]) -> str:
    """A cell's source as one string."""
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def english_sha(source: str) -> str:
    """The hash a mirrored cell records of the English source it translates."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def load(path: Path) -> Notebook:
    """A notebook as JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, notebook: Notebook) -> None:
    """Write a notebook the way Jupyter does (indent 1, sources as lists of lines, a final
    newline)."""
    for cell in notebook["cells"]:
        if isinstance(cell["source"], str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def english_series() -> list[Path]:
    """The English notebooks the Chinese series mirrors."""
    return sorted(ENGLISH.glob("[0-9][0-9]*-*.ipynb"))


def mirror_of(english: Path) -> Path:
    """Where the Chinese mirror of an English notebook lives."""
    return CHINESE / english.name


# --- code cells: the same tokens --------------------------------------------------------------

MAGIC = re.compile(r"^\s*[%!]")


def code_tokens(source: str) -> list[tuple[str, ...]]:
    """The tokens of a code cell, without comments and string texts; ``%``/``!`` lines
    compared as text with ``../`` removed."""
    magic_lines: list[tuple[str, ...]] = []
    python_lines = []
    for line in source.splitlines():
        if MAGIC.match(line):
            magic_lines.append(("MAGIC", re.sub(r"\s+#.*$", "", line).replace("../", "").strip()))
            python_lines.append("pass")
        else:
            python_lines.append(line)
    tokens: list[tuple[str, ...]] = []
    readline = io.StringIO("\n".join(python_lines) + "\n").readline
    try:
        for token in tokenize.generate_tokens(readline):
            kind = tokenize.tok_name[token.type]
            if kind in {"COMMENT", "NL", "ENCODING"}:
                continue
            if kind == "STRING":  # its prefix (f, r, b...) stays, its text may change
                tokens.append((kind, _string_prefix(token.string)))
                tokens += _fields(token.string)
            elif kind == "FSTRING_MIDDLE":  # 3.12+: text around an f-string's fields, which a
                continue  # translation may add or drop (a final 。), as before 3.12
            else:
                tokens.append((kind, token.string))
    except (tokenize.TokenError, SyntaxError) as error:
        tokens.append(("UNTOKENIZABLE", str(error)))
    return tokens + magic_lines


def _fields(literal: str) -> list[tuple[str, ...]]:
    """The replacement fields of an f-string token (before 3.12 one STRING token): their
    expressions must stay, only the text around them may be translated."""
    if "f" not in _string_prefix(literal):
        return []
    try:
        tree = ast.parse(literal, mode="eval")
    except SyntaxError:
        return [("UNPARSABLE", literal)]
    return [
        ("FIELD", ast.unparse(node.value), str(node.conversion))
        for node in ast.walk(tree)
        if isinstance(node, ast.FormattedValue)
    ]


def _string_prefix(literal: str) -> str:
    """A string literal's prefix (f, r, b...), which a translation must keep."""
    match = re.match(r"[A-Za-z]*", literal)
    return match.group(0).lower() if match else ""


# --- markdown cells: Chinese prose, glossary terms ---------------------------------------------


def prose_of(markdown: str) -> str:
    """The prose of a markdown cell: code, links' targets, tags, URLs and parentheses out."""
    for pattern in (CODE_SPAN, LINK_TARGET, HTML_TAG, URL, PARENTHESES):
        markdown = pattern.sub(" ", markdown)
    return markdown


def english_left(markdown: str) -> list[str]:
    """Runs of six or more English words left in a Chinese markdown cell."""
    return ENGLISH_RUN.findall(prose_of(markdown))


def glossary() -> list[tuple[list[str], str]]:
    """The glossary's rows: (the English term and its variants, the Chinese term); the
    one reading of docs/i18n-glossary.md (tests/test_i18n.py uses it too)."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3 or cells[0] in ("English", "---"):
            continue
        rows.append(([term.strip() for term in cells[0].split("/")], cells[1]))
    return rows


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def prose_mask(markdown: str) -> str:
    """*markdown* with everything that is not prose blanked out, offsets kept: headings and
    link labels (titles, the navigation line), code spans and fenced blocks."""
    for pattern in (re.compile(r"^#.*$", re.M), re.compile(r"\[[^\]]*\]\([^)]*\)"), CODE_SPAN):
        markdown = pattern.sub(_blank, markdown)
    return markdown


def first_uses(texts: list[str]) -> list[tuple[list[str], str, int, int, bool]]:
    """For each glossary term used in the prose of *texts* (a notebook's markdown cells,
    in order): its English variants, the Chinese term, the cell and the offset just after
    its first use, and whether the English is given right after it."""
    rows = glossary()
    longer = sorted({chinese for _, chinese in rows}, key=len, reverse=True)
    masked = [prose_mask(text) for text in texts]
    found = []
    for variants, chinese in rows:
        if not chinese:
            continue
        first = None
        for index, prose in enumerate(masked):
            for match in re.finditer(re.escape(chinese), prose):
                start = match.start()
                if any(
                    prose[start - offset : start - offset + len(other)] == other
                    for other in longer
                    if len(other) > len(chinese)
                    for offset in _offsets(chinese, other)
                    if start >= offset
                ):
                    continue  # part of a longer term (邮件 in 邮件头): not this term's use
                first = (index, match.end())
                break
            if first:
                break
        if first:
            index, end = first
            after = texts[index][end : end + 40].lower()
            given = any(variant.lower() in after for variant in _bare(variants))
            found.append((_bare(variants), chinese, index, end, given))
    return found


def _bare(variants: list[str]) -> list[str]:
    """The English variants without a leading article ("the lab" -> "lab"): a gloss in
    parentheses names the thing, 实验服务器（lab）."""
    return [re.sub(r"^(the|a|an) ", "", variant) for variant in variants]


def first_use_problems(markdown: str, where: str) -> list[str]:
    """Glossary terms whose first use in a notebook's prose lacks the English term."""
    return [
        f"{where}: first use of 「{chinese}」 should give the English term, "
        f"e.g. {chinese}（{variants[0]}）"
        for variants, chinese, _, _, given in first_uses([markdown])
        if not given
    ]


def gloss(stem: str) -> int:
    """Add the English term at each glossary term's first use that lacks it (inside an
    existing parenthesis when one follows: 问候语（greeting，220）); return how many."""
    path = CHINESE / f"{stem}.ipynb"
    notebook = load(path)
    cells = [c for c in notebook["cells"] if c["cell_type"] == "markdown"]
    texts = [text(c) for c in cells]
    edits: dict[int, list[tuple[int, str]]] = {}
    for variants, _, index, end, given in first_uses(texts):
        if given:
            continue
        following = texts[index][end : end + 1]
        inserted = f"{variants[0]}，" if following == "（" else f"（{variants[0]}）"
        at = end + 1 if following == "（" else end
        edits.setdefault(index, []).append((at, inserted))
    for index, changes in edits.items():
        value = texts[index]
        for at, inserted in sorted(changes, reverse=True):
            rest = value[at:]
            if inserted.endswith("）") and rest.startswith(" "):
                rest = rest[1:]  # 隐式 TLS（implicit TLS）与: no space after a full-width mark
            value = value[:at] + inserted + rest
        cells[index]["source"] = value
    save(path, notebook)
    return sum(len(changes) for changes in edits.values())


def _offsets(part: str, whole: str) -> list[int]:
    """Where *part* occurs in *whole*."""
    return [i for i in range(len(whole) - len(part) + 1) if whole.startswith(part, i)]


# --- the checks ---------------------------------------------------------------------------------


def problems_of(english_path: Path) -> list[str]:
    """Everything that keeps a mirror from matching its English notebook."""
    path = mirror_of(english_path)
    name = f"zh-CN/{path.name}"
    if not path.exists():
        return [f"{name}: missing (python tests/notebook_mirror.py start {english_path.stem})"]
    english = load(english_path)["cells"]
    chinese = load(path)["cells"]
    problems = []
    language = [i for i, cell in enumerate(chinese) if cell.get("id") == LANGUAGE_CELL_ID]
    codes = [i for i, cell in enumerate(chinese) if cell["cell_type"] == "code"]
    if len(language) != 1 or not codes or codes[0] != language[0]:
        problems.append(f"{name}: the language cell must be the first code cell, once")
    elif text(chinese[language[0]]) != LANGUAGE_CELL:
        problems.append(f"{name}: the language cell must read {LANGUAGE_CELL!r}")
    mirrored = [cell for cell in chinese if cell.get("id") != LANGUAGE_CELL_ID]
    pairs = [(e.get("id"), e["cell_type"]) for e in english]
    if pairs != [(c.get("id"), c["cell_type"]) for c in mirrored]:
        return [*problems, f"{name}: cells differ from the English ones (ids, types or order)"]
    all_markdown = ""
    for original, mirror in zip(english, mirrored, strict=True):
        where = f"{name} cell {mirror['id']}"
        recorded = mirror.get("metadata", {}).get("smtplab", {}).get("en_sha")
        if recorded != english_sha(text(original)):
            problems.append(f"{where}: the English cell changed: review the translation")
        if mirror["cell_type"] == "code":
            if code_tokens(text(original)) != code_tokens(text(mirror)):
                problems.append(f"{where}: code differs from the English beyond comments/strings")
        elif mirror["cell_type"] == "markdown":
            all_markdown += text(mirror) + "\n"
            if text(original).strip() and text(mirror) == text(original):
                problems.append(f"{where}: not translated")
            for run in english_left(text(mirror)):
                problems.append(f"{where}: English prose left: {run!r}")
    problems += first_use_problems(all_markdown, name)
    return problems


def figures(english_path: Path) -> dict[str, int]:
    """Prose parity of one mirror: markdown cells, how many read as Chinese and are
    current (their English unchanged since), code cells with the English tokens, and the
    English words and Chinese characters of the prose."""
    path = mirror_of(english_path)
    english = load(english_path)["cells"]
    chinese = {c.get("id"): c for c in load(path)["cells"]} if path.exists() else {}
    counts = dict.fromkeys(
        ("markdown", "translated", "code", "same_tokens", "english_words", "chinese_chars"), 0
    )
    for cell in english:
        mirror = chinese.get(cell.get("id"))
        current = bool(mirror) and mirror.get("metadata", {}).get("smtplab", {}).get(
            "en_sha"
        ) == english_sha(text(cell))
        if cell["cell_type"] == "markdown":
            counts["markdown"] += 1
            counts["english_words"] += len(prose_of(text(cell)).split())
            if mirror and current and text(mirror) != text(cell):
                counts["translated"] += not english_left(text(mirror))
                counts["chinese_chars"] += len(re.findall(r"[\u4e00-\u9fff]", text(mirror)))
        elif cell["cell_type"] == "code":
            counts["code"] += 1
            if mirror and code_tokens(text(cell)) == code_tokens(text(mirror)):
                counts["same_tokens"] += 1
    return counts


# --- the tool ------------------------------------------------------------------------------------


def start(stem: str) -> Path:
    """Create the mirror of ``notebooks/<stem>.ipynb`` with English text to translate."""
    english_path = ENGLISH / f"{stem}.ipynb"
    notebook = load(english_path)
    path = mirror_of(english_path)
    if path.exists():
        raise SystemExit(f"{path} exists already")
    cells = []
    for cell in notebook["cells"]:
        mirror = copy.deepcopy(cell)
        mirror.setdefault("metadata", {})["smtplab"] = {"en_sha": english_sha(text(cell))}
        if cell["cell_type"] == "code" and not any(c.get("id") == LANGUAGE_CELL_ID for c in cells):
            cells.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": LANGUAGE_CELL_ID,
                    "metadata": {},
                    "outputs": [],
                    "source": LANGUAGE_CELL,
                }
            )
        cells.append(mirror)
    notebook["cells"] = cells
    CHINESE.mkdir(exist_ok=True)
    save(path, notebook)
    return path


def apply(stem: str, translations: Path) -> None:
    """Set the given cells' sources (id -> source) and record them as reviewed."""
    english = {c["id"]: c for c in load(ENGLISH / f"{stem}.ipynb")["cells"]}
    path = CHINESE / f"{stem}.ipynb"
    notebook = load(path)
    wanted: dict[str, str] = json.loads(translations.read_text(encoding="utf-8"))
    unknown = set(wanted) - set(english)
    if unknown:
        raise SystemExit(f"no such English cells in {stem}: {sorted(unknown)}")
    for cell in notebook["cells"]:
        if cell.get("id") in wanted:
            cell["source"] = wanted[cell["id"]]
            cell["metadata"].setdefault("smtplab", {})["en_sha"] = english_sha(
                text(english[cell["id"]])
            )
    save(path, notebook)


def reviewed(stem: str, cell_id: str) -> None:
    """Record that a cell's translation still holds for the current English cell."""
    english = {c["id"]: c for c in load(ENGLISH / f"{stem}.ipynb")["cells"]}
    path = CHINESE / f"{stem}.ipynb"
    notebook = load(path)
    for cell in notebook["cells"]:
        if cell.get("id") == cell_id:
            cell["metadata"].setdefault("smtplab", {})["en_sha"] = english_sha(
                text(english[cell_id])
            )
    save(path, notebook)


def main(argv: list[str]) -> int:
    """The command line (see the module's docstring)."""
    if argv[:1] == ["start"] and len(argv) == 2:
        print(start(argv[1]))
    elif argv[:1] == ["apply"] and len(argv) == 3:
        apply(argv[1], Path(argv[2]))
    elif argv[:1] == ["reviewed"] and len(argv) == 3:
        reviewed(argv[1], argv[2])
    elif argv[:1] == ["gloss"] and len(argv) == 2:
        print(f"{gloss(argv[1])} English terms added at their first use")
    elif argv[:1] == ["figures"]:
        total: dict[str, int] = {}
        print(f"{'notebook':<34}{'markdown':>9}{'translated':>11}{'code':>6}{'same':>6}")
        for english_path in english_series():
            row = figures(english_path)
            total = {k: total.get(k, 0) + v for k, v in row.items()}
            print(
                f"{english_path.stem:<34}{row['markdown']:>9}{row['translated']:>11}"
                f"{row['code']:>6}{row['same_tokens']:>6}"
            )
        print(
            f"{'all':<34}{total['markdown']:>9}{total['translated']:>11}{total['code']:>6}"
            f"{total['same_tokens']:>6}  ({total['english_words']} English words of prose, "
            f"{total['chinese_chars']} Chinese characters)"
        )
    elif argv[:1] == ["status"]:
        wanted = argv[1:]
        for english_path in english_series():
            if wanted and english_path.stem not in wanted:
                continue
            problems = problems_of(english_path)
            print(f"{english_path.stem}: {len(problems)} problem(s)")
            for problem in problems:
                print(f"  {problem}")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
