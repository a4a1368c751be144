"""The public API (issue 12): what the notebooks, their solutions and scripts, the README
and the docs use is public, and nothing else.

docs/ARCHITECTURE.md's table "The public API" names each public name once, at the path
users import it from. These tests hold three things together: that table, every module's
``__all__`` (what benchmarks/shape.py counts), and the ``smtplab`` imports of the
learners' and teachers' material. A name a notebook imports cannot leave ``__all__``
unnoticed, and a name cannot become public without a row in the table.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import load_benchmark

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "smtplab"
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
SECTION = "## The public API"
ROW = re.compile(r"^\|(?P<what>[^|]*)\|\s*`(?P<path>smtplab(?:\.\w+)*)`\s*\|(?P<names>[^|]*)\|$")
MAGIC = re.compile(r"^\s*[%!].*$", re.M)  # IPython's %magics and !commands
FENCED_PYTHON = re.compile(r"^```(?:python|py)\n(.*?)^```", re.M | re.S)


def documented_api() -> dict[str, set[str]]:
    """The table of docs/ARCHITECTURE.md's "The public API": import path -> names."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert SECTION in text, f"docs/ARCHITECTURE.md has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    api: dict[str, set[str]] = {}
    for line in section.splitlines():
        row = ROW.match(line.strip())
        if row:
            api.setdefault(row["path"], set()).update(re.findall(r"`(\w+)`", row["names"]))
    return api


API = documented_api()


def module_path(path: Path) -> str:
    """``smtplab/lab/server.py`` -> ``smtplab.lab.server``; a package's ``__init__`` is the
    package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_table_is_read() -> None:
    # A change of the table's format must not leave the tests below with nothing to check.
    assert {"smtplab", "smtplab.lab", "smtplab.errors", "smtplab.course.nb10"} <= set(API)
    assert sum(map(len, API.values())) > 80


@pytest.mark.parametrize("path", sorted(API))
def test_each_documented_name_is_importable_and_declared(path: str) -> None:
    module = importlib.import_module(path)
    missing = sorted(name for name in API[path] if not hasattr(module, name))
    assert not missing, f"{path} has no {missing}"
    declared = set(module.__all__)
    assert declared == API[path], (
        f"{path}.__all__ and docs/ARCHITECTURE.md disagree: only in __all__ "
        f"{sorted(declared - API[path])}, only in the table {sorted(API[path] - declared)}"
    )


def test_no_module_declares_a_name_the_table_does_not() -> None:
    shape = load_benchmark("shape")
    extra = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        names = set(shape.public_names(ast.parse(path.read_text(encoding="utf-8"))))
        if names - API.get(module_path(path), set()):
            extra[module_path(path)] = sorted(names - API.get(module_path(path), set()))
    assert not extra, f"public (counted by benchmarks/shape.py) but not in the table: {extra}"


def user_sources() -> Iterator[tuple[str, str]]:
    """(where, Python source) of everything learners and teachers run or copy: the
    notebooks' code cells (English, zh-CN, the solved copies), the solutions, the scripts,
    and the Python blocks of the README and the docs."""
    for notebook in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                yield f"{notebook.relative_to(ROOT)} cell {number}", MAGIC.sub("", source)
    for folder in ("solutions", "scripts"):
        for script in sorted((ROOT / "notebooks" / folder).glob("*.py")):
            yield str(script.relative_to(ROOT)), script.read_text(encoding="utf-8")
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for block in FENCED_PYTHON.findall(doc.read_text(encoding="utf-8")):
            yield str(doc.relative_to(ROOT)), block


def smtplab_uses(source: str) -> Iterator[tuple[str, str]]:
    """(module, name) of each ``from smtplab... import name`` and each ``smtplab.x.name``
    attribute of the source."""
    tree = compile(source, "<cell>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "smtplab":
                yield from ((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Attribute):
            chain = [node.attr]
            value = node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id == "smtplab":
                *modules, name = ["smtplab", *reversed(chain)]
                yield ".".join(modules), name


def is_module(path: str) -> bool:
    """True when ``path`` names a module of the package (``from smtplab.course import
    nb05`` imports a module, not a name)."""
    relative = Path(*path.split("."))
    return (ROOT / relative).with_suffix(".py").is_file() or (ROOT / relative).is_dir()


def test_every_smtplab_name_users_import_is_public() -> None:
    uses, private = 0, []
    for where, source in user_sources():
        for module, name in smtplab_uses(source):
            if not is_module(module) or is_module(f"{module}.{name}"):
                continue  # an attribute of an object, or a module imported by name
            uses += 1
            if name not in importlib.import_module(module).__all__:
                private.append(f"{where}: {module}.{name}")
    assert uses > 100, f"only {uses} uses found: has the material's layout changed?"
    assert not private, "used by learners, missing from __all__:\n" + "\n".join(private)


def test_old_paths_keep_working_and_declare_nothing() -> None:
    # CHANGELOG 0.2.0: these paths keep working in this version.
    import smtplab.course
    import smtplab.exercises
    import smtplab.secrecy
    import smtplab.transcript

    assert smtplab.exercises.__all__ == []
    for name in smtplab.course.__all__:
        assert getattr(smtplab.exercises, name) is getattr(smtplab.course, name)
    assert importlib.import_module("smtplab.exercises.nb05") is importlib.import_module(
        "smtplab.course.nb05"
    )
    assert smtplab.transcript.Secret is smtplab.secrecy.Secret
