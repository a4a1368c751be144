"""The common notebook frame (issue 16), checked on the committed notebooks that have it.

Every notebook opens with a navigation line, ends with the exercises, then "## Stop the
lab" and ``lab.stop()``, then one final cell: "## Further reading", "**Next:** ...", and
the navigation line again. Before its exercises it has one "With the standard library"
box and one "Stuck?" line linking its solutions. Its markdown stays within 2,200 words.

``FRAMED`` lists the notebooks that have the frame so far (04 and 05, 10 join when their
branches are merged); once every notebook has it, this can become the whole series.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
FRAMED = [
    "00-start-here.ipynb",
    "01-raw-tcp.ipynb",
    "02-a-conversation-by-hand.ipynb",
    "03-ehlo-and-extensions.ipynb",
    "06-data-and-the-message.ipynb",
    "07-when-things-go-wrong.ipynb",
    "08-compose-with-widgets.ipynb",
    "09-sending-for-real.ipynb",
    "11-after-send.ipynb",
]
MAP = "[Series map](00-start-here.ipynb#The-map-of-the-series)"
MAX_WORDS = 2200
# Notebooks being written elsewhere, named as the series map names them.
LATER = {
    10: ("10 · Capstone: write a client", "10-capstone-write-a-client.ipynb"),
    11: ("11 · After Send: where the mail goes", "11-after-send.ipynb"),
}


def source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


def cells(name: str) -> list[dict[str, Any]]:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]


def short_title(path: Path) -> str:
    """'02 · A whole conversation by hand' from the notebook's '# ...' title line."""
    first = next(c for c in cells(path.name) if c["cell_type"] == "markdown")
    title = next(line for line in source(first).splitlines() if line.startswith("# "))
    return title[2:].split(":")[0].strip()


def neighbours(name: str) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    number = int(name[:2])
    found = {
        int(p.name[:2]): (short_title(p), p.name) for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")
    }
    found = {**LATER, **found}
    return found.get(number - 1), found.get(number + 1)


def navigation(name: str) -> str:
    before, after = neighbours(name)
    parts = [f"[← {before[0]}]({before[1]})"] if before else []
    parts.append(MAP)
    parts += [f"[{after[0]} →]({after[1]})"] if after else []
    return " · ".join(parts)


@pytest.mark.parametrize("name", FRAMED)
def test_navigation_opens_and_closes_the_notebook(name: str) -> None:
    nav = navigation(name)
    first = next(c for c in cells(name) if c["cell_type"] == "markdown")
    assert source(first).splitlines()[0] == nav
    assert source(first).splitlines()[2].startswith(f"# {name[:2]} · ")
    assert source(cells(name)[-1]).rstrip().splitlines()[-1] == nav


@pytest.mark.parametrize("name", FRAMED)
def test_the_lab_stops_before_further_reading_and_next(name: str) -> None:
    *_, stop, stop_code, final = cells(name)
    assert stop["cell_type"] == "markdown" and source(stop).startswith("## Stop the lab")
    assert stop_code["cell_type"] == "code" and re.search(r"\.stop(_all)?\(\)", source(stop_code))
    text = source(final)
    assert final["cell_type"] == "markdown" and text.startswith("## Further reading\n")
    assert re.search(r"RFC \d+", text) and "§" in text, "the key RFCs, with sections"
    nexts = re.findall(r"^\*\*Next:\*\* \[([^]]+)\]\(([^)]+)\): \S", text, re.M)
    assert len(nexts) == 1, "one **Next:** [title](file): sentence"
    after = neighbours(name)[1]
    if after is None:  # the last notebook: back to the map
        assert nexts[0][1] == "00-start-here.ipynb#The-map-of-the-series"
    else:
        assert nexts[0] == after
    earlier = "".join(source(c) for c in cells(name)[:-1])
    assert "**Next:**" not in earlier, "Next: comes only after the lab is stopped"


@pytest.mark.parametrize("name", FRAMED)
def test_the_box_and_the_stuck_line_come_before_the_exercises(name: str) -> None:
    every = cells(name)
    first_check = next(  # the first cell that runs a check: check_...(...) on a line
        i
        for i, c in enumerate(every)
        if c["cell_type"] == "code" and re.search(r"^check_\w+\(", source(c), re.M)
    )
    boxes = [
        i for i, c in enumerate(every) if source(c).startswith("> **With the standard library.**")
    ]
    assert len(boxes) == 1 and boxes[0] < first_check
    stuck = [i for i, c in enumerate(every) if "Stuck? Each check's hint" in source(c)]
    assert len(stuck) == 1 and stuck[0] < first_check
    link = re.search(r"\[solutions/(nb\d\d_\w+\.py)\]\(solutions/\1\)", source(every[stuck[0]]))
    assert link and link.group(1).startswith(f"nb{name[:2]}_")
    assert (NOTEBOOKS / "solutions" / link.group(1)).is_file()


@pytest.mark.parametrize("name", FRAMED)
def test_markdown_stays_within_the_word_budget(name: str) -> None:
    words = sum(len(source(c).split()) for c in cells(name) if c["cell_type"] == "markdown")
    assert words <= MAX_WORDS, f"{name}: {words} words of markdown"


def test_the_map_lists_every_notebook_and_the_ones_to_come() -> None:
    the_map = next(
        c for c in cells("00-start-here.ipynb") if "## The map of the series" in source(c)
    )
    for number, (title, file) in LATER.items():
        assert f"[{title}]({file})" in source(the_map), number
    for path in NOTEBOOKS.glob("[0-9][0-9]*-*.ipynb"):  # appendices (07a-...) included
        assert path.name in source(the_map) or path.name.startswith("00-")
