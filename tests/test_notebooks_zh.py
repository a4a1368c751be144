"""The Chinese series (issue 19): it mirrors the English one and reads as Chinese.

The rules live in tests/notebook_mirror.py (which is also the translators' tool): the same
cells with the same code tokens, a hash of the English each cell was translated from, no
English prose left, glossary terms with their English at first use. Here they are run on
every notebook, the links are checked, and the checks themselves are shown to fail on
the mistakes they exist for. nbval runs the Chinese notebooks with the English ones.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import notebook_mirror as mirror
import pytest

SERIES = mirror.english_series()
HEADING = re.compile(r"^#+\s+(.+?)\s*$", re.M)
LINK = re.compile(r"\[[^\]]+\]\(([^)\s]+)\)")


@pytest.mark.parametrize("english", SERIES, ids=[p.stem for p in SERIES])
def test_the_chinese_notebook_mirrors_the_english_one(english: Path) -> None:
    problems = mirror.problems_of(english)
    assert not problems, "\n".join(
        [*problems[:40], "(python tests/notebook_mirror.py status: the whole list)"]
    )


def anchors_of(path: Path) -> set[str]:
    """The anchors JupyterLab gives a notebook's headings (spaces become hyphens)."""
    notebook = mirror.load(path)
    found = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for heading in HEADING.findall(mirror.text(cell)):
                found.add(heading.replace(" ", "-"))
    return found


@pytest.mark.parametrize("english", SERIES, ids=[p.stem for p in SERIES])
def test_every_link_of_the_chinese_notebook_resolves(english: Path) -> None:
    path = mirror.mirror_of(english)
    if not path.exists():
        pytest.fail(f"{path} is missing")
    broken = []
    for cell in mirror.load(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in LINK.findall(mirror.text(cell)):
            if re.match(r"^(https?:|mailto:|attachment:)", target):
                continue
            file, _, anchor = target.partition("#")
            resolved = (path.parent / file) if file else path
            if not resolved.exists():
                broken.append(f"{target}: no such file")
            elif anchor and resolved.suffix == ".ipynb" and anchor not in anchors_of(resolved):
                broken.append(f"{target}: no heading with that anchor")
    assert not broken, f"{path.name}: {broken}"


def test_the_series_is_shipped_with_its_chinese_mirror() -> None:
    from smtplab.install import SERIES_PATTERNS

    shipped = {
        p for pattern in SERIES_PATTERNS for p in mirror.ENGLISH.glob(pattern) if p.is_file()
    }
    assert {mirror.mirror_of(e) for e in SERIES} <= shipped


def test_readme_teaching_guide_and_make_lab_zh_open_the_chinese_series() -> None:
    first = "notebooks/zh-CN/00-start-here.ipynb"
    assert (mirror.ROOT / first).is_file()
    readme = (mirror.ROOT / "README.md").read_text(encoding="utf-8")
    assert f"urlpath=lab/tree/{first})" in readme  # the Binder badge of the Chinese series
    assert "make lab-zh" in readme
    teaching = (mirror.ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    assert "urlpath=lab/tree/notebooks/zh-CN/00-start-here.ipynb" in teaching
    makefile = (mirror.ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile[makefile.index("\nlab-zh:") :].split("\n\n")[0]
    assert first in target and "SMTPLAB_LANG=zh-CN" in target
    binder = (mirror.ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")
    assert "jupyterlab-language-pack-zh-CN==" in binder


# --- the checks fail on the mistakes they exist for --------------------------------------------


def test_code_tokens_ignore_comments_and_string_texts_only() -> None:
    english = 'print("hello", lab.port)  # the port\n!python scripts/x.py --port {lab.port}'
    chinese = 'print("你好", lab.port)  # 端口\n!python ../scripts/x.py --port {lab.port}'
    assert mirror.code_tokens(english) == mirror.code_tokens(chinese)
    # an f-string's text may be translated too (3.12+ tokenizes its pieces separately)
    assert mirror.code_tokens('f"provider: {name}!"') == mirror.code_tokens('f"服务商：{name}！"')
    assert mirror.code_tokens('f"provider: {name}"') != mirror.code_tokens('f"服务商：{other}"')
    assert mirror.code_tokens('f"{a} and {b}"') == mirror.code_tokens('f"{a}和{b}。"')
    for changed in (
        'print("hello", lab.host)',
        'print(f"hello", lab.port)',
        'print("hello", lab.port, 1)\n!python scripts/x.py --port {lab.port}',
        'print("hello", lab.port)\n!python scripts/y.py --port {lab.port}',
    ):
        assert mirror.code_tokens(english) != mirror.code_tokens(changed), changed


def test_english_prose_left_is_found_and_code_links_and_terms_are_not() -> None:
    left = "信封（envelope）和邮件头不同。This sentence was never translated at all."
    assert mirror.english_left(left)
    assert not mirror.english_left(
        "运行 `smtplab.send(to='bob@example.com', subject='hello there my friend')`，"
        "见 [RFC 5321 §4.5.2](https://www.rfc-editor.org/rfc/rfc5321#section-4.5.2)，"
        "以及（the envelope is not the header at all）。"
    )


def test_a_glossary_term_needs_its_english_at_first_use_only() -> None:
    assert not mirror.first_use_problems("信封（envelope）……后来的信封不必再写。", "x")
    assert mirror.first_use_problems("信封不同于邮件头。信封（envelope）", "x")
    # 邮件 inside 邮件头 is the header's use, not the message's
    assert not mirror.first_use_problems("邮件头（header）", "x")
    # headings and link labels are not prose: the first use is in the text below them
    assert not mirror.first_use_problems("# 信封\n[看信封](a.ipynb)\n信封（envelope）", "x")


def test_a_changed_english_cell_or_code_marks_the_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    english_path = SERIES[0]
    monkeypatch.setattr(mirror, "CHINESE", tmp_path)
    notebook = mirror.load(english_path)
    english_copy = tmp_path / "english" / english_path.name
    english_copy.parent.mkdir()
    mirror.save(english_copy, notebook)
    monkeypatch.setattr(mirror, "ENGLISH", english_copy.parent)
    path = mirror.start(english_path.stem)
    problems = mirror.problems_of(english_copy)
    assert any("not translated" in p for p in problems)
    # after a change to the English code, the mirror needs review and its code differs
    changed = copy.deepcopy(notebook)
    code = next(c for c in changed["cells"] if c["cell_type"] == "code")
    code["source"] = mirror.text(code) + "\nprint('one more line')"
    mirror.save(english_copy, changed)
    problems = mirror.problems_of(english_copy)
    assert any(code["id"] in p and "review" in p for p in problems)
    assert any(code["id"] in p and "code differs" in p for p in problems)
    # a missing language cell is found
    chinese = mirror.load(path)
    chinese["cells"] = [c for c in chinese["cells"] if c.get("id") != mirror.LANGUAGE_CELL_ID]
    mirror.save(path, chinese)
    assert any("language cell" in p for p in mirror.problems_of(english_copy))
