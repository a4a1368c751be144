"""Rules every notebook keeps (docs/ARCHITECTURE.md), checked on the committed files.

nbval (run by ``make test`` over ``notebooks/``) re-runs each notebook and compares the
outputs; these tests check what nbval cannot: the shape of the lessons, that the outputs
that carry the lesson are committed, that output-ignore markers are justified, and that
no secret was saved in a notebook.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SERIES = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
ALL = sorted(NOTEBOOKS.rglob("*.ipynb"))

IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION")
# A cell whose last line shows a transcript, a session log or a tap must keep its output.
TRANSCRIPT_CELL = re.compile(
    r"(\.transcript|\.sessions\[[^\]]*\]|\.diagram\(\)|\.anatomy\(\))\s*\)?\s*$"
)


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


def code_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


def test_the_series_exists_and_starts_at_00() -> None:
    assert SERIES, "no notebooks found"
    assert SERIES[0].name == "00-start-here.ipynb"
    numbers = [int(path.name[:2]) for path in SERIES]
    assert numbers == sorted(set(numbers)), "notebook numbers must be unique"


@pytest.mark.parametrize("path", SERIES, ids=lambda p: p.name)
def test_notebook_shape(path: Path) -> None:
    nb = load(path)
    cells = code_cells(nb)
    markdown = [cell for cell in nb["cells"] if cell["cell_type"] == "markdown"]
    assert len(markdown) >= len(cells), "at least as many markdown cells as code cells"
    first = source(cells[0])
    assert "import" in first and "*" not in first, "the first code cell holds explicit imports"
    assert "lab.stop()" in source(cells[-1]) or "stop()" in source(cells[-1]), (
        "the last code cell stops the lab"
    )
    for cell in cells:
        text = source(cell)
        lines = [line for line in text.splitlines() if line.strip()]
        assert len(lines) <= 10, f"a code cell has {len(lines)} lines (at most ~10):\n{text}"
        assert not re.search(r"^\s*[!%]pip", text, re.M), "no !pip in notebooks"
    opening = source(markdown[0]).lower()
    assert "you will" in opening or "you learn" in opening, "open with what you will learn"


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_outputs_that_carry_the_lesson_are_committed(path: Path) -> None:
    for cell in code_cells(load(path)):
        text = source(cell)
        last = text.strip().splitlines()[-1] if text.strip() else ""
        if TRANSCRIPT_CELL.search(last) and not last.lstrip().startswith("#"):
            assert cell.get("outputs"), f"this cell shows a dialogue but has no output:\n{text}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_every_ignore_marker_works_and_says_why(path: Path) -> None:
    """nbval obeys a marker only when the whole comment is the marker (``# NBVAL_SKIP``),
    so the reason goes on the next line: ``# why: the tap's chunks differ on every run``."""
    for cell in code_cells(load(path)):
        lines = source(cell).splitlines()
        for number, line in enumerate(lines):
            for marker in IGNORE_MARKERS:
                if marker not in line:
                    continue
                assert line.strip() == f"# {marker}", (
                    f"nbval ignores {line.strip()!r}: write '# {marker}' alone on its line, "
                    "and the reason on the next line"
                )
                reason = lines[number + 1].strip() if number + 1 < len(lines) else ""
                assert reason.startswith("#") and len(reason.strip("# ")) >= 10, (
                    f"{marker} without a reason: the next line must say why the output varies"
                )


# --- secrets ------------------------------------------------------------------------------

AUTH_PLAIN_LINE = re.compile(r"AUTH PLAIN ([A-Za-z0-9+/=]{12,})")
# Passwords the kit's own tests and demos use; a lab's fresh password cannot be known here,
# but its base64 forms after a 334 prompt are caught by the AUTH patterns and the masking.
KNOWN_TEST_SECRETS = ("s3cret-Pa55", "not-the-password")
# The one exception, by notebook: 05 shows on purpose what a wire tap caught of a login
# before TLS (issue 16), with a made-up password written in its cell; any other password
# in an AUTH PLAIN line, there or anywhere else, still fails.
MADE_UP_PASSWORDS = {
    "05-auth.ipynb": ("correct-horse-7",),
    "05-auth-solved.ipynb": ("correct-horse-7",),  # its solved copy (docs/instructor/)
}


def shown_on_purpose(blob: str, notebook: str) -> bool:
    """True for an AUTH PLAIN blob whose password is that notebook's made-up one."""
    try:
        fields = base64.b64decode(blob + "=" * (-len(blob) % 4)).split(b"\0")
    except ValueError:
        return False
    made_up = {p.encode() for p in MADE_UP_PASSWORDS.get(notebook, ())}
    return len(fields) == 3 and fields[2] in made_up


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_no_secret_is_saved_in_a_notebook(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")  # outputs, metadata and saved widget state alike
    for match in AUTH_PLAIN_LINE.finditer(raw):
        assert shown_on_purpose(match[1], path.name), "an AUTH PLAIN credential is saved unmasked"
    for secret in KNOWN_TEST_SECRETS:
        assert secret not in raw
    nb = load(path)
    state = json.dumps(nb.get("metadata", {}).get("widgets", {}))
    assert '"password"' not in state.lower() or '"value": ""' in state, (
        "a Password widget's value is saved in the notebook metadata"
    )


def test_only_the_made_up_password_of_that_notebook_is_shown_on_purpose() -> None:
    made_up = base64.b64encode(b"\0student\0correct-horse-7").decode()
    real_looking = base64.b64encode(b"\0student\0aB3dE5fG7hJ9kL1m").decode()
    assert shown_on_purpose(made_up, "05-auth.ipynb")
    assert not shown_on_purpose(made_up, "04-tls.ipynb")
    assert not shown_on_purpose(real_looking, "05-auth.ipynb")
