"""Build what Binder builds, as closely as this machine allows, and use it like a student.

repo2docker itself (the ``jupyter-repo2docker`` package in the ``test`` extra) reads a copy
of the repository with ``--no-build --debug``, which needs no Docker and prints the
Dockerfile it would build. The test takes from that Dockerfile the conda lock file of the
base environment (repo2docker's own, for the Python in ``binder/runtime.txt``), the pip
command that installs ``binder/requirements.txt`` and the ``postBuild`` step, and replays
them in a fresh virtual environment:

1. the lock's Jupyter packages (jupyterlab, notebook, jupyter_server, ipywidgets...) at the
   lock's exact versions, every Python package of the lock pinned as a constraint (so
   ipykernel, pyzmq, tornado... are the lock's too). The lock lists conda URLs, which this
   machine cannot reach: the same names and versions come from PyPI instead;
2. ``binder/requirements.txt`` with the command from the Dockerfile (pip, on top, as Binder);
3. ``binder/postBuild`` in the repository copy, standing for the student's home, which it
   must leave as it found it (no ``build/``, no ``*.egg-info``);
4. then, with the kit imported from that environment (the copy's ``smtplab/`` removed),
   the whole notebook series under strict nbval and the browser test (JupyterLab in that
   environment, Chromium clicking the Composer's Send in notebook 08).

What still differs from Binder: the Python patch level (pyenv's 3.12.x here, the lock's
3.12.N there; the test says which it used); packages come from PyPI wheels, not conda-forge
builds (same versions, different builds; non-Python libraries such as OpenSSL are the
machine's); ``jupyterhub-singleuser`` (only used under a hub) and nodejs are not installed;
the image's user, paths and the container itself are not reproduced.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

pytestmark = [pytest.mark.timeout(900), pytest.mark.binder]  # about 3 min here

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
IPYKERNEL_FLOOR = Version("7.1.0")  # 7.0.x: the Composer's Send never finishes in the page
# Test runners added last, constrained to what is installed so they change nothing else.
RUNNER = ["pytest>=8", "pytest-timeout>=2.3", "nbval>=0.11", "playwright>=1.40"]
# In the base environment's yml but not installed here (only meaningful under a hub).
NOT_REPRODUCED = {"python", "pip", "nodejs", "jupyterhub-singleuser"}
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "notebooks/sanitize.cfg"]


def normalised(name: str) -> str:
    """A package name as PyPI compares them (PEP 503): ``jupyter_server`` = ``jupyter-server``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _missing(what: str) -> None:
    if _in_ci():
        pytest.fail(f"{what} (CI=true: the Binder test must run, so this is a failure)")
    pytest.skip(what)


def runtime_python() -> tuple[str, str]:
    """The interpreter named by runtime.txt if this machine has it, else this one."""
    wanted = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    candidates = [shutil.which(f"python{wanted}") or ""]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{wanted}*/bin/python3")))
    for candidate in candidates:
        if candidate:
            probe = subprocess.run(
                [candidate, "-c", "import platform; print(platform.python_version())"],
                capture_output=True,
                text=True,
            )
            if probe.returncode == 0:
                return candidate, probe.stdout.strip()
    return sys.executable, sys.version.split()[0]


def run(
    cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
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


def files_under(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


# --------------------------------------------------------------------------------------------
# What repo2docker says it would build


def repo2docker_dockerfile(repo: Path) -> str:
    """The Dockerfile ``repo2docker --no-build --debug`` prints for ``repo``."""
    tool = Path(sys.executable).parent / "repo2docker"
    if not tool.exists():
        found = shutil.which("repo2docker")
        if found is None:
            _missing("repo2docker is not installed: `pip install -e '.[test]'` installs it")
        tool = Path(str(found))
    done = run([str(tool), "--no-build", "--debug", str(repo)], repo.parent, dict(os.environ))
    assert "FROM " in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def lock_file(dockerfile: str) -> Path:
    """The conda lock the Dockerfile copies to /tmp/env/environment.lock, in repo2docker."""
    import repo2docker

    found = re.search(
        r"^COPY .*build_script_files/(\S+) /tmp/env/environment\.lock$", dockerfile, re.M
    )
    assert found, "the Dockerfile copies no environment.lock: has repo2docker changed?"
    # build_script_files/<the source path, escaped with '-' + two hex digits>-<6-char hash>
    escaped = found.group(1).rsplit("-", 1)[0]
    name = re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), escaped)
    path = Path(name)
    assert path.is_file(), f"{path} is not in the installed repo2docker"
    assert Path(repo2docker.__file__).parent in path.parents
    return path


def lock_versions(lock: Path) -> dict[str, str]:
    """Every Python package of a conda explicit lock: name (PyPI spelling) -> version."""
    versions: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        if not line.startswith("https://"):
            continue
        filename = line.split("#")[0].rsplit("/", 1)[1]
        stem = filename.removesuffix(".conda").removesuffix(".tar.bz2")
        name, version, build = stem.rsplit("-", 2)
        if not build.startswith("py"):  # C libraries, Python itself, nodejs...
            continue
        try:
            Version(version)
        except InvalidVersion:
            continue
        versions[normalised(name)] = version
    return versions


def base_packages(lock: Path) -> list[str]:
    """The names the lock's environment.yml asks for (the base image's own packages)."""
    yml = lock.with_name(re.sub(r"-linux-.*\.lock$", ".yml", lock.name))
    dependencies = yml.read_text().split("dependencies:", 1)[1]
    names = re.findall(r"^- ([A-Za-z0-9_.-]+)", dependencies, re.M)
    return [n for n in names if n.lower() not in NOT_REPRODUCED]


# --------------------------------------------------------------------------------------------
# Tests


def test_binder_files_follow_repo2docker_rules() -> None:
    requirements = (BINDER / "requirements.txt").read_text().splitlines()
    pins = [line for line in requirements if line.strip() and not line.startswith("#")]
    assert pins and all("==" in line for line in pins), "pin every third-party package"
    assert not any(line.startswith((".", "/", "-e")) for line in pins), "no local paths"
    assert not any(line.lower().startswith("jupyterlab==") for line in pins), (
        "do not re-pin jupyterlab: the Binder base image provides it"
    )
    pinned = {Requirement(line).name.lower(): Requirement(line) for line in pins}
    assert "ipykernel" in pinned, "pin ipykernel: Binder's base image has 7.0.1"
    (kernel,) = pinned["ipykernel"].specifier
    assert Version(kernel.version) >= IPYKERNEL_FLOOR
    post_build = (BINDER / "postBuild").read_text()
    assert post_build.startswith("#!") and "set -e" in post_build
    assert "--no-deps" in post_build
    assert os.access(BINDER / "postBuild", os.X_OK)
    assert (BINDER / "runtime.txt").read_text().startswith("python-3.")
    assert not (BINDER / "start").exists(), "no binder/start: each notebook starts its own lab"


def test_pyproject_has_the_ipykernel_floor() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    found = re.search(r'"ipykernel>=([0-9.]+)"', pyproject)
    assert found, "pyproject.toml must put a floor on ipykernel (7.0.x breaks the Composer)"
    assert Version(found.group(1)) >= IPYKERNEL_FLOOR


def test_the_lock_is_read_as_pip_pins(tmp_path: Path) -> None:
    lock = tmp_path / "environment.py-3.12-linux-64.lock"
    lock.write_text(
        "@EXPLICIT\n"
        "https://conda.anaconda.org/conda-forge/linux-64/python-3.12.12-hfe2f287_0_cpython.conda#c\n"
        "https://conda.anaconda.org/conda-forge/linux-64/libgcc-15.2.0-h767d61c_7.conda#c\n"
        "https://conda.anaconda.org/conda-forge/noarch/ipykernel-7.0.1-pyha191276_0.conda#c\n"
        "https://conda.anaconda.org/conda-forge/noarch/jupyter_server-2.17.0-pyhcf101f3_0.conda#c\n"
        "https://conda.anaconda.org/conda-forge/linux-64/pyzmq-27.1.0-py312hfb55c3c_0.conda#c\n"
        "https://conda.anaconda.org/conda-forge/noarch/defusedxml-0.7.1-pyhd8ed1ab_0.tar.bz2#c\n"
    )
    assert lock_versions(lock) == {
        "ipykernel": "7.0.1",
        "jupyter-server": "2.17.0",
        "pyzmq": "27.1.0",
        "defusedxml": "0.7.1",
    }


def test_a_binder_build_runs_every_notebook_and_the_composer(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        _missing("git is needed to copy the tracked files")
    chromium = os.environ.get("SMTPLAB_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        _missing("Chromium is needed for the Composer's Send: `sudo apt-get install chromium`")
    repo = tmp_path / "repo"
    copy_repository(repo)
    dockerfile = repo2docker_dockerfile(repo)
    (tmp_path / "Dockerfile").write_text(dockerfile)
    lock = lock_file(dockerfile)
    wanted = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    assert f"environment.py-{wanted}-" in lock.name, f"{lock.name} is not for Python {wanted}"
    pip_step = re.search(
        r'^RUN \S*/bin/pip (install .*"binder/requirements.txt")$', dockerfile, re.M
    )
    assert pip_step, "the Dockerfile does not pip-install binder/requirements.txt"
    assert re.search(r"^RUN ./binder/postBuild$", dockerfile, re.M), "no postBuild step"

    python, version = runtime_python()
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    run([python, "-m", "venv", str(venv)], repo, env)
    # No Rust toolchain, as in Binder's image: pip asks `rustc --version` for its user agent,
    # and a rustup proxy would write ~/.rustup into the "home".
    path = [p for p in env.get("PATH", "").split(os.pathsep) if ".cargo" not in p]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *path])
    env["VIRTUAL_ENV"] = str(venv)
    venv_python = str(venv / "bin" / "python")
    pip = [venv_python, "-m", "pip", "--disable-pip-version-check"]

    # 1. The base image: the yml's packages at the lock's versions, the rest constrained.
    pins = lock_versions(lock)
    constraints = tmp_path / "lock-constraints.txt"
    constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())))
    base = [f"{n}=={pins[normalised(n)]}" for n in base_packages(lock)]
    run([*pip, "install", "--quiet", "-c", str(constraints), *base], repo, env)
    installed = installed_versions(venv_python, env)
    for name in ("jupyterlab", "ipykernel", "ipywidgets", "jupyter-server", "notebook"):
        assert installed[name] == pins[name], f"{name}: {installed[name]} != lock {pins[name]}"
    # 2. binder/requirements.txt, with the Dockerfile's own pip command.
    run([*pip, *shlex.split(pip_step.group(1)), "--quiet"], repo, env)
    # 3. postBuild, in the "home" (the repository copy), which it leaves as it was.
    before = files_under(repo)
    run(["./binder/postBuild"], repo, {**env, "HOME": str(repo)})
    assert files_under(repo) == before, f"postBuild left {sorted(files_under(repo) - before)}"
    final = installed_versions(venv_python, env)
    assert Version(final["ipykernel"]) >= IPYKERNEL_FLOOR
    freeze = run([*pip, "freeze", "--exclude", "smtplab"], repo, env).stdout
    (tmp_path / "frozen.txt").write_text(freeze)
    run([*pip, "install", "--quiet", "-c", str(tmp_path / "frozen.txt"), *RUNNER], repo, env)
    changed = {
        n: v for n, v in installed_versions(venv_python, env).items() if final.get(n, v) != v
    }
    assert not changed, f"the test runners changed the Binder environment: {changed}"
    report = ", ".join(
        f"{n} {final[n]} (lock {pins[n]})"
        for n in ("jupyterlab", "ipykernel", "ipywidgets", "jupyterlab-widgets", "notebook")
    )
    print(f"Binder build from {lock.name} on Python {version}: {report}")

    # 4. The kit from the environment, complete (every subpackage), not from the checkout.
    shutil.rmtree(repo / "smtplab")
    probe = run(
        [
            venv_python,
            "-c",
            "import smtplab, smtplab.lab, smtplab.exercises; print(smtplab.__file__)",
        ],
        tmp_path,
        env,
    )
    assert str(venv) in probe.stdout
    pytest_cmd = [venv_python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    notebooks = run(
        [*pytest_cmd, *NBVAL, "notebooks"],
        repo,
        env,
    )
    assert " passed" in notebooks.stdout and "failed" not in notebooks.stdout, notebooks.stdout
    # `make lab`'s own test needs the checkout's .venv, which a Binder image does not run.
    browser = run(
        [*pytest_cmd, "-p", "no:nbval", "-k", "not make_lab", "tests/test_browser.py"], repo, env
    )
    assert " passed" in browser.stdout and "skipped" not in browser.stdout, browser.stdout
    print(f"notebooks: {notebooks.stdout.strip().splitlines()[-1]}")
    print(f"browser: {browser.stdout.strip().splitlines()[-1]}")


def installed_versions(python: str, env: dict[str, str]) -> dict[str, str]:
    """name (normalised) -> version of every distribution in ``python``'s environment."""
    listed = run(
        [
            python,
            "-c",
            "import importlib.metadata as m; [print(d.metadata['Name'], d.version) "
            "for d in m.distributions()]",
        ],
        Path.cwd(),
        env,
    ).stdout
    out: dict[str, str] = {}
    for line in listed.splitlines():
        name, _, version = line.partition(" ")
        out[normalised(name)] = version
    return out
