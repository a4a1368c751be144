"""Make (or update) a ``student`` branch: the repository without the worked solutions.

The branch's tree is the source commit's tree (``main`` by default) with
``notebooks/solutions/`` and ``notebooks/instructor/`` left out. Its history is its own:
each run adds one commit on top of the branch's previous commit, never on top of the
source, so no commit reachable from the branch holds a solution (a clone, or nbgitpuller,
fetches the whole history of the branch it follows). A run that would change nothing adds
nothing. The working tree, the index and the current branch are not touched (git plumbing
on a temporary index).

Run from the repository (then push the branch where nbgitpuller pulls from)::

    python docs/instructor/make_student_branch.py                   # main -> student
    python docs/instructor/make_student_branch.py --source v0.3.0 --branch class-2026-autumn
    git push origin student

The students' notebooks say "your teacher may have left them out" where they link their
solutions; every other link and import works without them (``tests/test_instructor_pack.py``
builds the branch in a temporary clone and checks).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

LEFT_OUT = ("notebooks/solutions", "notebooks/instructor")


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout.strip()


def student_tree(repo: Path, source: str) -> str:
    """The id of ``source``'s tree without the folders in ``LEFT_OUT``."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(folder) / "index")}
        git("read-tree", source, cwd=repo, env=env)
        git("rm", "--cached", "-r", "-q", "--ignore-unmatch", "--", *LEFT_OUT, cwd=repo, env=env)
        return git("write-tree", cwd=repo, env=env)


def update(repo: Path, source: str = "main", branch: str = "student") -> str | None:
    """Add a commit to ``branch`` holding ``source`` without the solutions; return its id,
    or None when the branch already holds exactly that tree."""
    source_id = git("rev-parse", "--verify", f"{source}^{{commit}}", cwd=repo)
    tree = student_tree(repo, source_id)
    try:
        previous: str | None = git("rev-parse", "--verify", "-q", f"refs/heads/{branch}", cwd=repo)
    except RuntimeError:
        previous = None
    if previous and git("rev-parse", f"{previous}^{{tree}}", cwd=repo) == tree:
        return None
    subject = git("log", "-1", "--format=%s", source_id, cwd=repo)
    message = (
        f"Student copy of {source} ({source_id[:12]}): {subject}\n\n"
        f"Made by docs/instructor/make_student_branch.py: the tree of {source_id} without "
        + ", ".join(f"{path}/" for path in LEFT_OUT)
        + "."
    )
    parents = ["-p", previous] if previous else []
    commit = git("commit-tree", tree, *parents, "-m", message, cwd=repo)
    git("update-ref", f"refs/heads/{branch}", commit, *([previous] if previous else []), cwd=repo)
    return commit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="main", help="commit to copy (default: main)")
    parser.add_argument("--branch", default="student", help="branch to update (default: student)")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="repository (default: .)")
    args = parser.parse_args(argv)
    commit = update(args.repo, args.source, args.branch)
    if commit is None:
        print(f"{args.branch} already holds {args.source} without the solutions: nothing to do")
    else:
        print(f"{args.branch} -> {commit[:12]}: now `git push origin {args.branch}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
