"""Reproduce a Binder (repo2docker) build as closely as this machine allows, and run the
notebooks in it.

repo2docker, given a ``binder/`` folder, ignores the root ``pyproject.toml``: it installs
``binder/requirements.txt`` into the image's environment (on the Python named in
``binder/runtime.txt``), then runs ``binder/postBuild``. There is no Docker here, so the
test does the same in a fresh virtual environment: the requirements, JupyterLab and
ipykernel standing in for the base image, ``postBuild``, then the whole notebook series
under strict nbval with the kit imported from that environment (not from the checkout).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.timeout(1200), pytest.mark.binder]

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
# What the Binder base image already has, and what runs the check.
BASE_IMAGE = ["jupyterlab>=4,<5", "ipykernel"]
RUNNER = ["pytest>=8", "nbval>=0.11"]


def runtime_python() -> tuple[str, str]:
    """The interpreter named by runtime.txt if this machine has it, else this one."""
    wanted = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    candidates = [shutil.which(f"python{wanted}") or ""]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{wanted}*/bin/python3")))
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-V"], capture_output=True).returncode == 0:
            return candidate, f"Python {wanted} as runtime.txt asks"
    return sys.executable, f"Python {sys.version.split()[0]} (runtime.txt's {wanted} is not here)"


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (
        f"{' '.join(cmd)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    return done


def copy_repository(target: Path) -> None:
    """Copy the files git tracks (as they are in the working tree), like a fresh clone."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_binder_files_follow_repo2docker_rules() -> None:
    requirements = (BINDER / "requirements.txt").read_text().splitlines()
    pins = [line for line in requirements if line.strip() and not line.startswith("#")]
    assert pins and all("==" in line for line in pins), "pin every third-party package"
    assert not any(line.startswith((".", "/", "-e")) for line in pins), "no local paths"
    assert not any(line.lower().startswith("jupyterlab==") for line in pins), (
        "do not re-pin jupyterlab: the Binder base image provides it"
    )
    post_build = (BINDER / "postBuild").read_text()
    assert post_build.startswith("#!") and "set -e" in post_build
    assert "--no-deps" in post_build
    assert os.access(BINDER / "postBuild", os.X_OK)
    assert (BINDER / "runtime.txt").read_text().startswith("python-3.")
    assert not (BINDER / "start").exists(), "no binder/start: each notebook starts its own lab"


def test_a_binder_like_build_runs_every_notebook(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is needed to copy the tracked files")
    repo = tmp_path / "repo"
    copy_repository(repo)
    python, which = runtime_python()
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    run([python, "-m", "venv", str(venv)], repo, env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*pip, "-r", "binder/requirements.txt", *BASE_IMAGE, *RUNNER], repo, env)
    run(["bash", "binder/postBuild"], repo, env)
    # The kit must come from the environment, complete (every subpackage), not the checkout.
    shutil.rmtree(repo / "smtplab")
    probe = run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import smtplab, smtplab.lab, smtplab.exercises; print(smtplab.__file__)",
        ],
        tmp_path,
        env,
    )
    assert str(venv) in probe.stdout
    done = run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "notebooks/sanitize.cfg",
            "notebooks",
        ],
        repo,
        env,
    )
    assert " passed" in done.stdout, done.stdout
    print(f"binder build on {which}: {done.stdout.strip().splitlines()[-1]}")
