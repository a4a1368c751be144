"""The package's shape against its budgets (issue 12; docs/ARCHITECTURE.md).

    .venv/bin/python benchmarks/shape.py            # print every figure
    .venv/bin/python benchmarks/shape.py --json     # the same, as JSON

Figures, each with its budget:

* lines of ``smtplab/`` (all lines of every file shipped in the package: .py, and data
  files such as .json, .toml, .mo catalogs), at most 14,000 (it was 20,372);
* lines of code of the I/O-free core (the core modules of tests/test_layering.py,
  without the modules that hold only records and tables: no function, class or lambda),
  at most 5,500 (it was 7,929 with everything);
* the longest module (a .py file), at most 700 lines;
* public names: per module its ``__all__`` if it has one, otherwise every module-level
  name without a leading underscore; at most ~120 (it was 323);
* the learner path: ``smtplab.send()`` of one plain message (no TLS, no login) to a lab,
  run under ``sys.settrace``; the sum of the sizes (first to last line) of the distinct
  smtplab functions entered. It was 1,098 lines in 76 functions over 7 files; the
  budget is 60% of that, 658 lines.

tests/test_shape.py checks the static figures; this script also measures the learner
path (it starts a lab).
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "smtplab"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from test_layering import CORE  # noqa: E402  (the one list of core modules)

BUDGETS = {
    "package_lines": 14_000,
    "core_code_lines": 5_500,
    "longest_module": 700,
    "public_names": 120,
    "learner_path_lines": 658,
}
BEFORE = {
    "package_lines": 20_372,
    "core_code_lines": 7_929,
    "longest_module": 1_938,
    "public_names": 323,
    "learner_path_lines": 1_098,
}
DATA_SUFFIXES = {".py", ".json", ".toml", ".mo", ".po", ".txt", ".cfg"}


def package_files() -> list[Path]:
    """Every file shipped in the package (caches left out)."""
    return sorted(
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix in DATA_SUFFIXES and "__pycache__" not in path.parts
    )


def line_count(path: Path) -> int:
    """All lines of a file."""
    return len(path.read_bytes().splitlines())


def is_data_only(tree: ast.Module) -> bool:
    """True for a module of records and tables: no function, class or lambda in it."""
    code = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    return not any(isinstance(node, code) for node in ast.walk(tree))


def is_core(path: Path) -> bool:
    """True for a module on the core floor (see tests/test_layering.py)."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py") in CORE


def public_names(tree: ast.Module) -> list[str]:
    """The module's ``__all__``, or every module-level name without a leading underscore."""
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            assert node.value is not None
            return [ast.literal_eval(element) for element in node.value.elts]  # type: ignore[attr-defined]
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return sorted(name for name in names if not name.startswith("_"))


def static_figures() -> dict[str, object]:
    """Every figure that needs no running code."""
    files = package_files()
    sizes = {str(path.relative_to(ROOT)): line_count(path) for path in files}
    core: dict[str, int] = {}
    names: dict[str, list[str]] = {}
    for path in files:
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names[str(path.relative_to(ROOT))] = public_names(tree)
        if is_core(path) and not is_data_only(tree):
            core[str(path.relative_to(ROOT))] = line_count(path)
    # A module is a .py file: a catalog (.po) is data, counted in the package's lines only.
    modules = [name for name in sizes if name.endswith(".py")]
    longest = max(modules, key=lambda name: sizes[name])
    return {
        "package_lines": sum(sizes.values()),
        "core_code_lines": sum(core.values()),
        "longest_module": sizes[longest],
        "longest_module_name": longest,
        "public_names": sum(len(v) for v in names.values()),
        "public_names_by_module": {k: v for k, v in names.items() if v},
        "core_modules": core,
        "module_lines": sizes,
    }


def learner_path() -> dict[str, object]:
    """Run ``smtplab.send()`` of one plain message under ``sys.settrace`` (see above)."""
    import smtplab
    from smtplab.lab import LabServer

    def size(code: object) -> int:
        first = code.co_firstlineno  # type: ignore[attr-defined]
        lines = [line for _, _, line in code.co_lines() if line is not None]  # type: ignore[attr-defined]
        return max([*lines, first]) - first + 1

    message = "Subject: hello\r\n\r\nHello, lab.\r\n"
    seen: dict[tuple[str, int, str], int] = {}
    prefix = str(PACKAGE)

    def tracer(frame: object, event: str, arg: object) -> None:
        if event == "call":
            code = frame.f_code  # type: ignore[attr-defined]
            if code.co_filename.startswith(prefix):
                seen[(code.co_filename, code.co_firstlineno, code.co_name)] = size(code)

    with LabServer() as lab:
        host, port = lab.host, lab.port
        arguments = {"host": host, "port": port, "from_addr": "a@example.com"}
        smtplab.send(message, to_addrs=["b@example.com"], **arguments)  # imports, caches
        sys.settrace(tracer)  # type: ignore[arg-type]
        try:
            smtplab.send(message, to_addrs=["b@example.com"], **arguments)
        finally:
            sys.settrace(None)
    files = sorted({Path(name).relative_to(PACKAGE).as_posix() for name, _, _ in seen})
    return {
        "learner_path_lines": sum(seen.values()),
        "learner_path_functions": len(seen),
        "learner_path_files": files,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    figures = {**static_figures(), **learner_path()}
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return 0
    for key, budget in BUDGETS.items():
        value = figures[key]
        verdict = "ok" if isinstance(value, int) and value <= budget else "OVER"
        print(f"{key:<22} {value!s:>7}  budget {budget:>6}  was {BEFORE[key]:>6}  {verdict}")
    print(f"longest module: {figures['longest_module_name']}")
    print(
        f"learner path: {figures['learner_path_functions']} functions in "
        f"{', '.join(figures['learner_path_files'])}"
    )  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
