"""Build the solved notebooks an instructor projects: every exercise filled in and run.

For each notebook of the series (``notebooks/NN-*.ipynb``, ``07a`` and the like included)
that has checked exercises (a code cell calling ``check_...(name)``), this script copies
the notebook, replaces each exercise's template (``def name(...): ...``) by the worked
solution from ``notebooks/solutions/nbNN_*.py`` (with the imports and helper functions of
that module it uses), executes the copy with nbclient and writes it, with its real
outputs, to ``notebooks/instructor/solved/NN-...-solved.ipynb``. nbval checks those files
like the rest of ``notebooks/``.

Which solution answers which exercise: the function of the same name in the solution
module, or else the ``correct=`` of the catalogue entry whose ``check=`` is the cell's check
(``tests/test_exercises_nbNN.py``, read without importing it). A notebook with exercises
but no solution for one of them is an error: the solved copy would not be solved.

Run from the repository root (the lead reruns it after every change to a notebook or a
solution)::

    PYTHONPATH=$PWD .venv/bin/python docs/instructor/make_solutions.py          # all
    PYTHONPATH=$PWD .venv/bin/python docs/instructor/make_solutions.py 02 05    # some
    .venv/bin/python docs/instructor/make_solutions.py --no-execute             # fill only
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"
SOLVED = NOTEBOOKS / "instructor" / "solved"
TESTS = ROOT / "tests"
SERIES_GLOB = "[0-9][0-9]*-*.ipynb"
# check_x(my_function) or check_x(my_function, more...): the first argument is the answer.
CHECK_CALL = re.compile(r"^\s*(check_\w+)\(\s*(\w+)\s*[,)]", re.M)
# A relative link in markdown: not a URL, not an anchor of this page, not an attachment.
RELATIVE_LINK = re.compile(r"\]\((?!https?:|mailto:|#|/|attachment:)([^)\s]+)\)")
TIMEOUT = 120  # seconds per cell: a check runs a lab of its own, some wait on purpose

BANNER = (
    "> **Instructor copy, with the worked solutions.** Generated from "
    "[{name}](../../{name}) and [solutions/{solution}](../../solutions/{solution}) by "
    "`python docs/instructor/make_solutions.py`; do not edit it by hand, and do not hand "
    "it out before the class has tried the exercises. The exercise cells hold the "
    "solutions and their checks' real verdicts."
)
CHDIR_CELL = (
    "# Run from notebooks/, like the learner's copy (files the notebook opens are there)\n"
    "import os\n"
    "\n"
    'os.chdir("../..")'
)


def source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


def series() -> list[Path]:
    """The notebooks of the series, in order (whatever exists: 07a, 10 and 11 included)."""
    return sorted(NOTEBOOKS.glob(SERIES_GLOB))


def prefix(notebook: Path) -> str:
    """``07a`` for ``07a-more-errors.ipynb``."""
    return notebook.name.split("-", 1)[0]


def solution_file(notebook: Path) -> Path | None:
    found = sorted(SOLUTIONS.glob(f"nb{prefix(notebook)}_*.py"))
    return found[0] if found else None


def exercises(nb: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(cell index, check name, function name) of every checked exercise cell."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for check, name in CHECK_CALL.findall(source(cell)):
            found.append((index, check, name))
    return found


def catalogue_answers(number: str) -> dict[str, str]:
    """``{check name: solution function name}`` from ``tests/test_exercises_nbNN.py``'s
    ``Exercise(check=check_x, correct=solutions.y)`` entries, read statically."""
    path = TESTS / f"test_exercises_nb{number}.py"
    if not path.exists():
        return {}
    answers = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        check, correct = keywords.get("check"), keywords.get("correct")
        if isinstance(check, ast.Name) and isinstance(correct, ast.Attribute):
            answers[check.id] = correct.attr
    return answers


class Solutions:
    """The functions of one solution module, with what each needs to stand alone."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.tree = ast.parse(self.text)
        self.defs: dict[str, ast.AST] = {}
        self.imports: list[tuple[set[str], str]] = []
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                self.defs[node.name] = node
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                    continue
                bound = {(alias.asname or alias.name).split(".")[0] for alias in node.names}
                self.imports.append((bound, ast.get_source_segment(self.text, node) or ""))

    def _names(self, node: ast.AST) -> set[str]:
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}

    def code_for(self, name: str, rename_to: str) -> str:
        """The solution ``name`` (renamed ``rename_to``), after the helpers and imports it
        uses from its module, as one block of code."""
        if name not in self.defs:
            raise KeyError(f"{self.path.name} has no function {name!r}")
        order: list[str] = []

        def visit(current: str) -> None:
            for used in sorted(self._names(self.defs[current])):
                if used in self.defs and used != current and used not in order:
                    visit(used)
                    if used not in order:
                        order.append(used)

        visit(name)
        blocks = [ast.get_source_segment(self.text, self.defs[n]) or "" for n in order]
        main = ast.get_source_segment(self.text, self.defs[name]) or ""
        if rename_to != name:
            main = re.sub(rf"^def {name}\(", f"def {rename_to}(", main, count=1, flags=re.M)
        blocks.append(main)
        used = set().union(*(self._names(self.defs[n]) for n in [*order, name]))
        imports = [line for bound, line in self.imports if bound & used]
        head = f"# Worked solution (notebooks/solutions/{self.path.name})"
        return "\n\n\n".join(["\n".join([head, *imports]) if imports else head, *blocks])


def solve_cell(cell_source: str, name: str, code: str) -> str:
    """``cell_source`` with its ``def name`` replaced by ``code`` (the rest kept)."""
    tree = ast.parse(cell_source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            lines = cell_source.splitlines()
            start = node.lineno - 1 - len(node.decorator_list)
            end = node.end_lineno or node.lineno
            return "\n".join([*lines[:start], code, *lines[end:]])
    raise ValueError(f"the exercise cell defines no function {name!r}:\n{cell_source}")


def defining_cell(nb: dict[str, Any], check_cell: int, name: str) -> int:
    """The code cell that defines ``name``: the check's own cell, or the nearest one
    before it (a template in one cell and its check in the next)."""
    pattern = re.compile(rf"^def {re.escape(name)}\(", re.M)
    for index in range(check_cell, -1, -1):
        cell = nb["cells"][index]
        if cell["cell_type"] == "code" and pattern.search(source(cell)):
            return index
    raise ValueError(f"no cell before the check defines {name!r}")


def relink(text: str) -> str:
    """Relative links in a markdown cell, rewritten from notebooks/instructor/solved/."""
    return RELATIVE_LINK.sub(lambda m: f"](../../{m.group(1)})", text)


def as_source(text: str) -> list[str]:
    """Text as nbformat's list of lines (the committed notebooks' form)."""
    return text.splitlines(keepends=True)


def solved_notebook(notebook: Path) -> dict[str, Any] | None:
    """The solved copy of ``notebook`` (not executed), or None when it has no exercises."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found = exercises(nb)
    if not found:
        return None
    path = solution_file(notebook)
    if path is None:
        raise FileNotFoundError(
            f"{notebook.name} has exercises but no solutions/nb{prefix(notebook)}_*.py"
        )
    module = Solutions(path)
    answers = catalogue_answers(prefix(notebook))
    solved = copy.deepcopy(nb)
    for index, check, name in found:
        answer = name if name in module.defs else answers.get(check)
        if answer is None or answer not in module.defs:
            raise KeyError(f"{notebook.name}: no solution for {check}({name}) in {path.name}")
        cell = solved["cells"][defining_cell(solved, index, name)]
        cell["source"] = as_source(solve_cell(source(cell), name, module.code_for(answer, name)))
    for cell in solved["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = as_source(relink(source(cell)))
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell.get("metadata", {}).pop("execution", None)
    banner = {
        "cell_type": "markdown",
        "id": "instructor-banner",
        "metadata": {},
        "source": as_source(BANNER.format(name=notebook.name, solution=path.name)),
    }
    setup = {
        "cell_type": "code",
        "execution_count": None,
        "id": "instructor-chdir",
        "metadata": {},
        "outputs": [],
        "source": as_source(CHDIR_CELL),
    }
    solved["cells"][:0] = [banner, setup]
    solved.setdefault("metadata", {}).pop("widgets", None)
    return solved


def target_for(notebook: Path) -> Path:
    return SOLVED / f"{notebook.stem}-solved.ipynb"


def execute(nb: dict[str, Any], where: Path) -> dict[str, Any]:
    """Run every cell with nbclient in ``where`` (the solved folder, as nbval will)."""
    import nbformat
    from nbclient import NotebookClient

    node = nbformat.reads(json.dumps(nb), as_version=4)  # sources joined, as nbclient wants
    client = NotebookClient(
        node,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(where)}},
        store_widget_state=False,
    )
    client.execute()
    return json.loads(nbformat.writes(node))  # sources split into lines again, as committed


def write(nb: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("numbers", nargs="*", help="only these notebooks (e.g. 02 07a)")
    parser.add_argument("--no-execute", action="store_true", help="fill in, do not run")
    args = parser.parse_args(argv)
    failed = []
    for notebook in series():
        if args.numbers and prefix(notebook) not in args.numbers:
            continue
        try:
            solved = solved_notebook(notebook)
        except (OSError, KeyError, ValueError, SyntaxError) as error:
            print(f"{notebook.name}: NOT SOLVED: {error}", file=sys.stderr)
            failed.append(notebook.name)
            continue
        if solved is None:
            print(f"{notebook.name}: no checked exercises, no solved copy")
            continue
        if not args.no_execute:
            SOLVED.mkdir(parents=True, exist_ok=True)
            try:
                solved = execute(solved, SOLVED)
            except Exception as error:  # a cell raised: say which notebook, go on
                print(f"{notebook.name}: NOT SOLVED: a cell failed:\n{error}", file=sys.stderr)
                failed.append(notebook.name)
                continue
        write(solved, target_for(notebook))
        print(f"{notebook.name} -> {target_for(notebook).relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
