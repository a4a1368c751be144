"""Hold every module's imports to the layering of docs/ARCHITECTURE.md.

Four floors, imports only pointing down (or sideways within the core):

* core (standard library only, no I/O): i18n <- the tables errors_texts and reply_meanings,
  printable, replies <- errors <- the rest;
* the system (standard library only, I/O allowed): what both wings ask of the machine
  (owners: which user opened a connection, for the shared-host mode);
* two wings that never import each other: the client side (client, tap) and the lab;
* views and glue (widgets, cli, exercises), which nothing else imports.

A module that is in no floor fails the test, so the table below stays the truth.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "smtplab"

CORE = {
    "i18n",
    "replies",
    "reply_meanings",
    "errors",
    "errors_texts",
    "commands",
    "extensions",
    "auth",
    "protocol",
    "transcript",
    "message",
    "message_texts",
    "anatomy",
    "providers",
    "encoded_words",
    "secrecy",
    "events",
    "reply_parser",
    "legality",
    "legality_tables",
    "annotate",
    "notes",
    "render",
    "styles",
    "diagram",
    "data_encoding",
    "printable",
}
SYSTEM = {"owners"}
CLIENT_WING = {"client", "auth_exchange", "wire", "tap", "eavesdrop", "netcheck"}
LAB_WING = {"lab"}
VIEWS = {"widgets", "cli", "install", "course", "exercises", "internet", "__main__"}
FACADE = {"__init__"}  # `from smtplab import Client, send`: core + client wing, lazily the rest

# Standard-library modules that do I/O or concurrency: never in the core.
IO_MODULES = {
    "socket",
    "ssl",
    "select",
    "selectors",
    "threading",
    "asyncio",
    "subprocess",
    "multiprocessing",
    "concurrent",
    "http",
    "urllib",
    "smtplib",
}
THIRD_PARTY_ALLOWED = {
    "core": set(),
    "system": set(),
    "client": set(),
    "lab": {"aiosmtpd", "trustme"},
    "views": {
        "ipywidgets",
        "IPython",
        "traitlets",
        "aiosmtpd",
        "trustme",
        "jupyterlab_widgets",
        "jupyter_core",
        "dns",  # dnspython: the lab internet's offline DNS table (internet/)
        "dkim",  # dkimpy: DKIM signing and verification in the lab internet
        "cryptography",  # the lab internet's DKIM key (trustme's dependency already)
    },
    "facade": set(),
}
ALLOWED_SMTPLAB = {
    "core": CORE,
    "system": CORE | SYSTEM,
    "client": CORE | SYSTEM | CLIENT_WING,
    "lab": CORE | SYSTEM | LAB_WING,
    "views": CORE | SYSTEM | CLIENT_WING | LAB_WING | VIEWS,
    "facade": CORE | CLIENT_WING | VIEWS,  # views only inside functions (lazy)
}


def floor_of(path: Path, root: Path = PACKAGE) -> tuple[str, str]:
    """Return (floor, first-level module name) of a file in the package."""
    rel = path.relative_to(root)
    top = rel.parts[0].removesuffix(".py")
    for floor, names in (
        ("core", CORE),
        ("system", SYSTEM),
        ("client", CLIENT_WING),
        ("lab", LAB_WING),
        ("views", VIEWS),
        ("facade", FACADE),
    ):
        if top in names:
            return floor, top
    raise AssertionError(f"{rel} is in no floor of docs/ARCHITECTURE.md: add it to test_layering")


def imports_of(
    path: Path, root: Path = PACKAGE, *, type_checking: bool = False
) -> list[tuple[str, bool]]:
    """Each imported top-level name inside smtplab-relative terms, and whether it is lazy.

    Returns names like ``"socket"`` or ``"smtplab.client"``; *lazy* is True for an import
    inside a function body (allowed for the facade only). Imports under ``if
    TYPE_CHECKING:`` are left out unless ``type_checking`` is True.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = ["smtplab", *path.relative_to(root).parent.parts]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner_lazy = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, lazy) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package_parts[: len(package_parts) - child.level + 1]
                    module = ".".join([*base, child.module] if child.module else base)
                    if not child.module:
                        found.extend((f"{module}.{alias.name}", lazy) for alias in child.names)
                        continue
                else:
                    module = child.module or ""
                found.append((module, lazy))
            if type_checking or not (isinstance(child, ast.If) and _is_type_checking(child)):
                visit(child, inner_lazy)

    visit(tree, False)
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def only_locks(path: Path) -> bool:
    """Whether *path* uses nothing of ``threading`` but ``threading.Lock``/``RLock``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "threading":
            return False
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "threading"
            and node.attr not in {"Lock", "RLock"}
        ):
            return False
    return True


def problems_of(path: Path, root: Path = PACKAGE) -> list[str]:
    """Every import of *path* that breaks the floors, as sentences."""
    floor, name = floor_of(path, root)
    problems: list[str] = []
    for module, lazy in imports_of(path, root):
        top = module.split(".")[0]
        if top == "smtplab":
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else "__init__"
            if target == "__init__" and floor != "facade":
                problems.append("imports the package facade 'smtplab' (import the module instead)")
                continue
            if target not in ALLOWED_SMTPLAB[floor]:
                problems.append(f"{floor} module imports smtplab.{target}")
            elif floor == "facade" and target in VIEWS and not lazy:
                problems.append(f"the facade imports smtplab.{target} eagerly (import it lazily)")
            if name == "i18n" and target != name:
                problems.append("i18n sits at the very bottom and imports no smtplab module")
            if name in ("printable", "errors_texts", "reply_meanings") and target not in {
                name,
                "i18n",
            }:
                problems.append(f"{name} sits at the bottom and imports only smtplab.i18n")
            if name == "replies" and target not in {name, "i18n", "reply_meanings"}:
                problems.append("replies imports only smtplab.i18n and its tables")
            if name == "errors" and target not in {
                "replies",
                "printable",
                "errors",
                "errors_texts",
                "i18n",
            }:
                problems.append("errors imports only replies, printable and its texts")
        elif top in sys.stdlib_module_names or top == "__future__":
            if floor == "core" and top == "threading" and only_locks(path):
                continue  # a lock guards shared state; it does no I/O and starts no thread
            if floor == "core" and top in IO_MODULES:
                problems.append(f"core module imports {top!r} (the core does no I/O)")
        elif top not in THIRD_PARTY_ALLOWED[floor]:
            problems.append(f"{floor} module imports third-party {top!r}")
    return problems


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_floors(path: Path) -> None:
    problems = problems_of(path)
    assert not problems, f"{path.relative_to(PACKAGE)}: " + "; ".join(problems)


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """``smtplab.lab.server`` for ``smtplab/lab/server.py``; a package is its ``__init__``."""
    parts = ["smtplab", *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Which smtplab modules each module imports: lazy imports and the imports made only
    for type checking included (two modules that need each other's types are one module
    in two files)."""
    files = sorted(root.rglob("*.py"))
    known = {module_name(path, root) for path in files}
    graph: dict[str, set[str]] = {}
    for path in files:
        targets: set[str] = set()
        for module, _lazy in imports_of(path, root, type_checking=True):
            while module and module not in known:  # "smtplab.errors.Timeout" -> the module
                module = module.rpartition(".")[0]
            if module.startswith("smtplab"):
                targets.add(module)
        name = module_name(path, root)
        targets.discard(name)
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle of *graph* (``[a, b, a]``), or ``[]`` when there is none.

    A package's ``__init__`` importing its own submodules is not a circle: a submodule
    that imports its package's facade is (the layering test forbids that elsewhere).
    """
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if target != "smtplab" and node.startswith(target + "."):
                continue  # a submodule imports through its parent package: not a circle
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return []

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return []


def test_no_import_circles() -> None:
    cycle = find_cycle(import_graph())
    assert not cycle, "import circle: " + " -> ".join(cycle)


def test_the_circle_finder_finds_a_circle(tmp_path: Path) -> None:
    root = tmp_path / "smtplab"
    (root / "widgets").mkdir(parents=True)
    (root / "widgets" / "model.py").write_text("from .render import page\n")
    (root / "widgets" / "render.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .model import Form\n"
    )
    cycle = find_cycle(import_graph(root))
    assert cycle in (
        ["smtplab.widgets.model", "smtplab.widgets.render", "smtplab.widgets.model"],
        ["smtplab.widgets.render", "smtplab.widgets.model", "smtplab.widgets.render"],
    )


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("commands.py", "import socket\n", "the core does no I/O"),
        ("transcript.py", "def f():\n    import ssl\n", "the core does no I/O"),
        ("events.py", "import threading\nthreading.Thread(target=print)\n", "does no I/O"),
        ("events.py", "from threading import Lock\n", "the core does no I/O"),
        ("protocol.py", "from . import client\n", "core module imports smtplab.client"),
        ("client.py", "from .lab import LabServer\n", "client module imports smtplab.lab"),
        ("lab/server.py", "from ..client import Client\n", "lab module imports smtplab.client"),
        ("lab/server.py", "import ipywidgets\n", "third-party 'ipywidgets'"),
        ("replies.py", "from .errors import SmtplabError\n", "imports only smtplab.i18n"),
        ("printable.py", "from .replies import Reply\n", "imports only smtplab.i18n"),
        ("i18n.py", "from .replies import Reply\n", "imports no smtplab module"),
        ("__init__.py", "from .widgets import Composer\n", "eagerly"),
    ],
)
def test_the_checker_catches_violations(
    tmp_path: Path, module: str, source: str, expected: str
) -> None:
    """The rules are not vacuous: each kind of violation is caught."""
    root = tmp_path / "smtplab"
    path = root / module
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    assert any(expected in problem for problem in problems_of(path, root))


def test_a_core_module_may_hold_a_lock(tmp_path: Path) -> None:
    path = tmp_path / "smtplab" / "events.py"
    path.parent.mkdir()
    path.write_text("import threading\n_lock = threading.Lock()\n")
    assert problems_of(path, tmp_path / "smtplab") == []


def test_a_module_outside_every_floor_fails(tmp_path: Path) -> None:
    path = tmp_path / "smtplab" / "mystery.py"
    path.parent.mkdir()
    path.write_text("")
    with pytest.raises(AssertionError, match="in no floor"):
        problems_of(path, tmp_path / "smtplab")
