"""The common frame every notebook of the series keeps (issue 16; /docs/instructor/README.md).

For every ``notebooks/NN-*.ipynb`` (``07a`` and the like included):

* **top navigation**: the first line of cell 0 (a markdown cell, before the ``#`` title) is
  ``[← NN · Title](NN-file.ipynb) · [Series map](00-start-here.ipynb#The-map-of-the-series)
  · [NN · Title →](NN-file.ipynb)``, with the previous and next notebooks of the series
  (00 has no "←" part, the last notebook no "→" part; 10 and 11 are part of the series
  even on a branch that does not hold them yet, so 09 points to 10). An appendix such as
  ``07a`` is beside the series: 07 links to 08, and 07a's "←" is 07, its "→" 08;
* **the end**: the exercises, then ``## Stop the lab`` and a code cell that stops it (in a
  notebook that starts a lab), then one final markdown cell with ``## Further reading``,
  ``**Next:** [NN · Title](file): ...`` (not in the last notebook) and the navigation line
  again as its last line; "Next:" appears nowhere else;
* a ``> **With the standard library.**`` box before the exercises;
* the "Stuck?" line, once, before the exercises of a notebook that has checks, naming its
  own solutions file;
* at most 2,200 words of markdown;
* every relative link in markdown resolves to a file (``ALLOWED_BROKEN_LINKS`` is kept
  empty: the lead merges every branch, so 10 and 11 exist on main). Links into
  ``solutions/`` are checked only where that folder exists (a student branch leaves it out;
  the "Stuck?" line says so).

Each rule is one helper returning the problems it found (empty: the notebook keeps it);
the tests at the end run the helpers on a small synthetic series, so the helpers are known
to catch what they claim to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SERIES_GLOB = "[0-9][0-9]*-*.ipynb"
MAX_WORDS = 2200
MAP_LINK = "[Series map](00-start-here.ipynb#The-map-of-the-series)"
MAP_HEADING = "## The map of the series"
STDLIB_BOX = "> **With the standard library.**"
STUCK = (
    "Stuck? Each check's hint names the rule you broke and where this notebook explains it; "
    "worked solutions are in [solutions/{file}](solutions/{file}) (your teacher may have "
    "left them out)."
)
# The notebooks the series has even where a branch does not hold them yet (issue 16).
PLANNED = {
    "10": ("10-capstone-write-a-client.ipynb", "10 · Capstone: write a client"),
    "11": ("11-after-send.ipynb", "11 · After Send: where the mail goes"),
}
# Relative links allowed not to resolve. Keep it EMPTY: every link of main must work.
ALLOWED_BROKEN_LINKS: frozenset[str] = frozenset()

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
NAV_PART = re.compile(r"^\[(?P<label>[^\]]+)\]\((?P<target>[^)\s]+)\)$")
CHECK_CALL = re.compile(r"\bcheck_\w+\(")
STARTS_LAB = re.compile(r"\bLabServer\(")


# --- reading notebooks --------------------------------------------------------------------


def source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def title_of(nb: dict[str, Any]) -> str:
    """The notebook's ``# `` title without its number (``Raw TCP: talk to...``)."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].split("·", 1)[-1].strip()
    return ""


@dataclass(frozen=True)
class Entry:
    """One notebook of the series: its number, file name and (when the file exists, or
    when it is planned) its title."""

    prefix: str
    file: str
    title: str = ""  # the notebook's own title without its number
    label: str = ""  # the exact label, when the series fixes it (10 and 11)


def series_in(folder: Path) -> list[Entry]:
    """The series: the notebooks in ``folder`` plus the planned ones, in order."""
    entries = {
        path.name.split("-", 1)[0]: Entry(
            path.name.split("-", 1)[0], path.name, title_of(load(path))
        )
        for path in folder.glob(SERIES_GLOB)
    }
    for prefix, (file, label) in PLANNED.items():
        existing = entries.get(prefix)
        title = existing.title if existing else ""
        entries[prefix] = Entry(prefix, file, title, label)
    return [entries[key] for key in sorted(entries)]


def exercise_cells(nb: dict[str, Any]) -> list[int]:
    return [
        index
        for index, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and CHECK_CALL.search(source(cell))
    ]


def markdown_words(nb: dict[str, Any]) -> int:
    return sum(len(source(c).split()) for c in nb["cells"] if c["cell_type"] == "markdown")


# --- the rules, one helper each -----------------------------------------------------------


def _label_problems(where: str, label: str, target: str, entry: Entry) -> list[str]:
    problems = []
    if target != entry.file:
        problems.append(f"{where}: links to {target!r}, expected {entry.file!r}")
    if entry.label:
        if label != entry.label:
            problems.append(f"{where}: label {label!r}, expected {entry.label!r}")
    elif not label.startswith(f"{entry.prefix} · "):
        problems.append(f"{where}: label {label!r} must start with '{entry.prefix} · '")
    else:
        short = label.split("·", 1)[1].strip()
        if not short or not entry.title.lower().startswith(short.lower()):
            problems.append(
                f"{where}: label {label!r} is not a shortening of {entry.prefix}'s title "
                f"{entry.title!r}"
            )
    return problems


def expected_neighbours(prefix: str, series: list[Entry]) -> tuple[Entry | None, Entry | None]:
    """The "←" and "→" notebooks of ``prefix``. The main series is the two-digit
    notebooks; an appendix such as ``07a`` sits beside it: its "←" is its own notebook
    (07) and its "→" the next of the main series (08), and the main series skips it."""
    main = [entry for entry in series if entry.prefix.isdigit()]
    if not prefix.isdigit():
        parent = next((entry for entry in main if entry.prefix == prefix[:2]), None)
        after = next((entry for entry in main if entry.prefix > prefix), None)
        return parent, after
    keys = [entry.prefix for entry in main]
    at = keys.index(prefix)
    return (main[at - 1] if at > 0 else None, main[at + 1] if at + 1 < len(main) else None)


def nav_problems(line: str, prefix: str, series: list[Entry], where: str) -> list[str]:
    """What is wrong with one navigation line of notebook ``prefix``."""
    before, after = expected_neighbours(prefix, series)
    if MAP_LINK not in line:
        return [f"{where}: not the navigation line (it has no {MAP_LINK}): {line!r}"]
    parts = [part.strip() for part in line.split(" · [")]
    parts = [parts[0], *(f"[{part}" for part in parts[1:])]
    expected_parts = (before is not None) + 1 + (after is not None)
    if len(parts) != expected_parts:
        return [
            f"{where}: expected {expected_parts} parts "
            f"({'← previous · ' if before else ''}Series map{' · next →' if after else ''}) "
            f"separated by ' · ', found {line!r}"
        ]
    problems = []
    position = 0
    if before is not None:
        match = NAV_PART.match(parts[0])
        if not match or not match["label"].startswith("← "):
            problems.append(f"{where}: the first part must be '[← NN · Title](file)': {parts[0]!r}")
        else:
            problems += _label_problems(f"{where} ←", match["label"][2:], match["target"], before)
        position = 1
    if parts[position] != MAP_LINK:
        problems.append(f"{where}: expected {MAP_LINK!r}, found {parts[position]!r}")
    if after is not None:
        match = NAV_PART.match(parts[-1])
        if not match or not match["label"].endswith(" →"):
            problems.append(f"{where}: the last part must be '[NN · Title →](file)': {parts[-1]!r}")
        else:
            problems += _label_problems(f"{where} →", match["label"][:-2], match["target"], after)
    return problems


def top_problems(nb: dict[str, Any], prefix: str, series: list[Entry]) -> list[str]:
    """Cell 0: markdown, the navigation line first, the ``#`` title after it."""
    first = nb["cells"][0]
    if first["cell_type"] != "markdown":
        return ["cell 0 is not a markdown cell"]
    lines = source(first).splitlines()
    if not lines or lines[0].startswith("#"):
        return ["cell 0 does not start with the navigation line (it must come before the # title)"]
    problems = nav_problems(lines[0], prefix, series, "top navigation")
    if not any(line.startswith("# ") for line in lines[1:]):
        problems.append("cell 0 has no '# ' title after the navigation line")
    return problems


def end_problems(nb: dict[str, Any], prefix: str, series: list[Entry]) -> list[str]:
    """The end: stop the lab, then one final cell with Further reading, Next:, navigation."""
    cells = nb["cells"]
    problems = []
    last = cells[-1]
    if last["cell_type"] != "markdown":
        return ["the last cell must be markdown (Further reading, Next:, navigation)"]
    text = source(last)
    lines = [line for line in text.splitlines() if line.strip()]
    _, after = expected_neighbours(prefix, series)
    if "## Further reading" not in text:
        problems.append("the last cell has no '## Further reading'")
    if after is not None:
        if "**Next:**" not in text:
            problems.append("the last cell has no '**Next:** [NN · Title](file): one sentence.'")
        else:
            match = re.search(r"\*\*Next:\*\* \[([^\]]+)\]\(([^)\s]+)\):", text)
            if not match:
                problems.append("'**Next:**' must be followed by '[NN · Title](file):'")
            else:
                problems += _label_problems("Next:", match[1], match[2], after)
            if "## Further reading" in text and text.index("**Next:**") < text.index(
                "## Further reading"
            ):
                problems.append("'**Next:**' must come after '## Further reading'")
    elif "**Next:**" in text:
        problems.append("the last notebook of the series has no '**Next:**'")
    if not lines:
        return [*problems, "the last cell is empty"]
    problems += nav_problems(lines[-1].strip(), prefix, series, "bottom navigation")
    top = source(cells[0]).splitlines()[0] if cells[0]["cell_type"] == "markdown" else ""
    if lines[-1].strip() != top.strip():
        problems.append("the bottom navigation line differs from the top one")
    for index, cell in enumerate(cells[:-1]):
        if "**Next:**" in source(cell):
            problems.append(f"cell {index} says '**Next:**': only the final cell may")
    starts_lab = any(
        cell["cell_type"] == "code" and STARTS_LAB.search(source(cell)) for cell in cells
    )
    if starts_lab:
        stops = [
            index
            for index, cell in enumerate(cells)
            if cell["cell_type"] == "markdown" and "## Stop the lab" in source(cell)
        ]
        if not stops:
            problems.append("the notebook starts a lab but has no '## Stop the lab' cell")
        else:
            stop = stops[-1]
            following = cells[stop + 1] if stop + 1 < len(cells) else None
            if not (
                following is not None
                and following["cell_type"] == "code"
                and ".stop()" in source(following)
            ):
                problems.append("'## Stop the lab' must be followed by a code cell calling .stop()")
            exercises = exercise_cells(nb)
            if exercises and stop < exercises[-1]:
                problems.append("'## Stop the lab' must come after the exercises")
            if stop + 2 != len(cells) - 1:
                problems.append(
                    "the final markdown cell must come right after the lab is stopped "
                    "('## Stop the lab', its code cell, then Further reading/Next:)"
                )
    return problems


def stdlib_problems(nb: dict[str, Any]) -> list[str]:
    """One ``> **With the standard library.**`` box, before the exercises and the end."""
    boxes = [
        index
        for index, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "markdown" and source(cell).lstrip().startswith(STDLIB_BOX)
    ]
    if len(boxes) != 1:
        return [f"expected one markdown cell starting {STDLIB_BOX!r}, found {len(boxes)}"]
    exercises = exercise_cells(nb)
    if exercises and boxes[0] > exercises[0]:
        return ["the standard-library box must come before the exercises"]
    if boxes[0] == len(nb["cells"]) - 1:
        return ["the standard-library box must come before the final cell"]
    return []


def stuck_problems(nb: dict[str, Any], prefix: str, solutions: Path | None) -> list[str]:
    """The "Stuck?" line, once, before the first exercise, naming this notebook's file."""
    exercises = exercise_cells(nb)
    found = [
        index
        for index, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "markdown" and "Stuck?" in source(cell)
    ]
    if not exercises:
        return ["a notebook without checks has no 'Stuck?' line"] if found else []
    if len(found) != 1:
        return [f"expected the 'Stuck?' line once (the notebook has checks), found {len(found)}"]
    text = source(nb["cells"][found[0]])
    match = re.search(r"\(solutions/(nb[0-9]+[a-z]?_\w+\.py)\)", text)
    if not match:
        return ["the 'Stuck?' line must link solutions/nbNN_x.py"]
    file = match[1]
    problems = []
    if STUCK.format(file=file) not in " ".join(text.split()):
        problems.append(f"the 'Stuck?' line must read: {STUCK.format(file=file)!r}")
    if not file.startswith(f"nb{prefix}_"):
        problems.append(f"the 'Stuck?' line names {file}, not this notebook's nb{prefix}_*.py")
    if solutions is not None and solutions.is_dir() and not (solutions / file).is_file():
        problems.append(f"the 'Stuck?' line names {file}, which is not in solutions/")
    if found[0] > exercises[0]:
        problems.append("the 'Stuck?' line must come before the first exercise")
    box = [
        index
        for index, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "markdown" and source(cell).lstrip().startswith(STDLIB_BOX)
    ]
    if box and found[0] < box[0]:
        problems.append("the 'Stuck?' line comes just before the exercises, after the box")
    return problems


def words_problems(nb: dict[str, Any]) -> list[str]:
    words = markdown_words(nb)
    return [f"{words} words of markdown, more than {MAX_WORDS}"] if words > MAX_WORDS else []


def link_problems(
    nb: dict[str, Any], folder: Path, allowed: frozenset[str] = ALLOWED_BROKEN_LINKS
) -> list[str]:
    """Relative links in markdown that do not resolve to a file (anchors to 00's map are
    checked too). Links into ``solutions/`` count only where that folder exists."""
    problems = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for _, target in LINK.findall(source(cell)):
            if re.match(r"^(https?:|mailto:|#|attachment:)", target) or target in allowed:
                continue
            path, _, anchor = target.partition("#")
            if path.startswith("solutions/") and not (folder / "solutions").is_dir():
                continue
            resolved = folder / path
            if not resolved.exists():
                problems.append(f"cell {index}: link {target!r} does not resolve")
            elif anchor == "The-map-of-the-series" and resolved.suffix == ".ipynb":
                headings = [source(c) for c in load(resolved)["cells"]]
                if not any(MAP_HEADING in text for text in headings):
                    problems.append(f"cell {index}: {path} has no {MAP_HEADING!r} heading")
    return problems


# --- the tests on the committed notebooks --------------------------------------------------

SERIES = series_in(NOTEBOOKS)
NOTEBOOK_FILES = sorted(NOTEBOOKS.glob(SERIES_GLOB))


def _prefix(path: Path) -> str:
    return path.name.split("-", 1)[0]


def _report(path: Path, problems: list[str]) -> str:
    return f"{path.name} does not keep the common frame (issue 16):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_top_navigation(path: Path) -> None:
    problems = top_problems(load(path), _prefix(path), SERIES)
    assert not problems, _report(path, problems)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_the_end_stop_the_lab_further_reading_next_navigation(path: Path) -> None:
    problems = end_problems(load(path), _prefix(path), SERIES)
    assert not problems, _report(path, problems)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_with_the_standard_library_box(path: Path) -> None:
    problems = stdlib_problems(load(path))
    assert not problems, _report(path, problems)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_stuck_line_before_the_exercises(path: Path) -> None:
    problems = stuck_problems(load(path), _prefix(path), NOTEBOOKS / "solutions")
    assert not problems, _report(path, problems)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_at_most_2200_words_of_markdown(path: Path) -> None:
    problems = words_problems(load(path))
    assert not problems, _report(path, problems)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_every_relative_link_resolves(path: Path) -> None:
    problems = link_problems(load(path), NOTEBOOKS)
    assert not problems, _report(path, problems)


def test_the_allowlist_of_broken_links_is_empty() -> None:
    assert not ALLOWED_BROKEN_LINKS, "every link must resolve on main: fix it, do not allow it"


# --- the helpers, on a small synthetic series ----------------------------------------------


def test_the_map_in_00_lists_every_notebook() -> None:
    """00's "The map of the series" links every other notebook, appendices included."""
    nb = load(NOTEBOOKS / "00-start-here.ipynb")
    maps = [source(c) for c in nb["cells"] if MAP_HEADING in source(c)]
    assert maps, f"00-start-here.ipynb has no {MAP_HEADING!r} cell"
    missing = [
        path.name
        for path in NOTEBOOK_FILES
        if not path.name.startswith("00-") and f"]({path.name})" not in maps[0]
    ]
    assert not missing, f"the map in 00 does not link {missing}"


def _md(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(keepends=True)}


def _code(text: str) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "source": text}


TINY_SERIES = [
    Entry("00", "00-start-here.ipynb", "Start here: what happens"),
    Entry("01", "01-raw-tcp.ipynb", "Raw TCP: a bare socket"),
    Entry("02", "02-by-hand.ipynb", "A whole conversation by hand"),
]
TINY_NAV = (
    "[← 00 · Start here](00-start-here.ipynb) · "
    + MAP_LINK
    + " · [02 · A whole conversation →](02-by-hand.ipynb)"
)


def tiny_notebook() -> dict[str, Any]:
    """Notebook 01 of TINY_SERIES, keeping every rule."""
    return {
        "cells": [
            _md(f"{TINY_NAV}\n\n# 01 · Raw TCP: a bare socket\n\nYou will talk to a server."),
            _code("from smtplab import LabServer\nlab = LabServer().start()"),
            _md(f"{STDLIB_BOX} `socket.create_connection` is what we used."),
            _md(STUCK.format(file="nb01_raw_tcp.py")),
            _code("def my_helo(sock):\n    ...\n\n\ncheck_helo(my_helo)"),
            _md("## Stop the lab"),
            _code("lab.stop()"),
            _md(
                "## Further reading\n\n* RFC 5321 §2.3.8\n\n"
                "**Next:** [02 · A whole conversation](02-by-hand.ipynb): by hand.\n\n" + TINY_NAV
            ),
        ]
    }


def test_helpers_accept_a_notebook_that_keeps_the_frame(tmp_path: Path) -> None:
    nb = tiny_notebook()
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "nb01_raw_tcp.py").write_text("")
    for entry in TINY_SERIES:
        (tmp_path / entry.file).write_text(json.dumps({"cells": [_md(f"{MAP_HEADING}\n")]}))
    assert top_problems(nb, "01", TINY_SERIES) == []
    assert end_problems(nb, "01", TINY_SERIES) == []
    assert stdlib_problems(nb) == []
    assert stuck_problems(nb, "01", tmp_path / "solutions") == []
    assert words_problems(nb) == []
    assert link_problems(nb, tmp_path) == []


def test_the_first_and_last_notebooks_have_one_neighbour() -> None:
    first = MAP_LINK + " · [01 · Raw TCP →](01-raw-tcp.ipynb)"
    assert nav_problems(first, "00", TINY_SERIES, "top") == []
    last = "[← 01 · Raw TCP](01-raw-tcp.ipynb) · " + MAP_LINK
    assert nav_problems(last, "02", TINY_SERIES, "top") == []
    assert nav_problems(first, "01", TINY_SERIES, "top")  # 01 needs both neighbours


def _problems_of(nb: dict[str, Any]) -> str:
    return "\n".join(
        [
            *top_problems(nb, "01", TINY_SERIES),
            *end_problems(nb, "01", TINY_SERIES),
            *stdlib_problems(nb),
            *stuck_problems(nb, "01", None),
            *words_problems(nb),
        ]
    )


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda nb: nb["cells"][0].update(source="# 01 · Raw TCP\n"), "navigation line"),
        (
            lambda nb: nb["cells"][0].update(
                source=TINY_NAV.replace("02-by-hand", "03-x") + "\n# 01 · T"
            ),
            "expected '02-by-hand.ipynb'",
        ),
        (
            lambda nb: nb["cells"][0].update(
                source=TINY_NAV.replace("00 · Start here", "00 · Begin") + "\n# 01 · T"
            ),
            "not a shortening",
        ),
        (lambda nb: nb["cells"].pop(2), "expected one markdown cell starting"),
        (
            lambda nb: nb["cells"].insert(5, nb["cells"].pop(2)),
            "box must come before the exercises",
        ),
        (lambda nb: nb["cells"].pop(3), "'Stuck?' line once"),
        (
            lambda nb: nb["cells"][3].update(source=STUCK.format(file="nb07_errors.py")),
            "not this notebook's nb01_",
        ),
        (lambda nb: nb["cells"][5].update(source="## Stop it"), "no '## Stop the lab' cell"),
        (
            lambda nb: nb["cells"].insert(2, _md("**Next:** [02 · A](02-by-hand.ipynb): go.")),
            "only the final cell",
        ),
        (
            lambda nb: nb["cells"][-1].update(
                source=source(nb["cells"][-1]).replace("## Further reading", "## More")
            ),
            "no '## Further reading'",
        ),
        (
            lambda nb: nb["cells"][-1].update(
                source=source(nb["cells"][-1]).replace(TINY_NAV, "The end.")
            ),
            "bottom navigation",
        ),
        (lambda nb: nb["cells"].append(_code("print('after')")), "last cell must be markdown"),
        (lambda nb: nb["cells"].insert(1, _md("word " * 2201)), "more than 2200"),
    ],
    ids=[
        "no nav",
        "wrong next",
        "label not from title",
        "no box",
        "box after exercises",
        "no stuck",
        "stuck names another file",
        "no stop",
        "next too early",
        "no further reading",
        "no bottom nav",
        "code last",
        "too long",
    ],
)
def test_helpers_say_what_is_missing(breakage: Any, message: str) -> None:
    nb = tiny_notebook()
    breakage(nb)
    assert message in _problems_of(nb)


def test_links_that_do_not_resolve_are_reported(tmp_path: Path) -> None:
    nb = {
        "cells": [
            _md(
                "[x](nowhere.ipynb) [map](00-start-here.ipynb#The-map-of-the-series) "
                "[s](solutions/nb01_a.py)"
            )
        ]
    }
    (tmp_path / "00-start-here.ipynb").write_text(json.dumps({"cells": [_md("## Other\n")]}))
    problems = "\n".join(link_problems(nb, tmp_path))
    assert "'nowhere.ipynb' does not resolve" in problems
    assert "has no '## The map of the series' heading" in problems
    assert "solutions" not in problems  # no solutions/ folder here: a student's copy
    (tmp_path / "solutions").mkdir()
    assert "solutions/nb01_a.py" in "\n".join(link_problems(nb, tmp_path))
    assert link_problems(nb, tmp_path, frozenset({"nowhere.ipynb"}))[0].startswith("cell 0: 00")


def test_an_appendix_sits_beside_the_series() -> None:
    series = [*TINY_SERIES[:2], Entry("01a", "01a-more.ipynb", "More"), TINY_SERIES[2]]
    assert expected_neighbours("01", series) == (series[0], series[3])
    assert expected_neighbours("01a", series) == (series[1], series[3])
    assert expected_neighbours("02", series) == (series[1], None)


def test_the_series_includes_the_planned_notebooks(tmp_path: Path) -> None:
    (tmp_path / "09-real.ipynb").write_text(json.dumps({"cells": [_md("# 09 · Real\n")]}))
    series = series_in(tmp_path)
    assert [entry.prefix for entry in series] == ["09", "10", "11"]
    _, after = expected_neighbours("09", series)
    assert after == Entry("10", PLANNED["10"][0], "", PLANNED["10"][1])
