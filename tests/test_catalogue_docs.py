"""docs/exercises.md is generated from the catalogue of wrong answers: it must be current."""

from __future__ import annotations

from catalogue import DOCS_TABLE, all_exercises, table


def test_the_instructors_table_is_generated_from_the_catalogue() -> None:
    expected = table(all_exercises())
    assert DOCS_TABLE.read_text(encoding="utf-8") == expected, (
        "docs/exercises.md is out of date: run `python tests/catalogue.py`"
    )
