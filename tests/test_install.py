"""The pip route (issue 15): how the kit was installed, its notebooks as package data,
``smtplab notebooks``, ``smtplab lab``, the doctor's advice, ``--version``, the sdist.

The fast tests run on the checkout. The tests marked ``install`` build the sdist once
per session, build the wheel from it (as pip does from PyPI), install that wheel into a
fresh virtual environment and with ``pip install --user`` into a temporary
PYTHONUSERBASE and HOME, and run the installed ``smtplab`` there. They fetch the
dependencies from PyPI (or pip's cache): skip them offline with ``-m "not install"``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from smtplab import install
from smtplab.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SLOW = [pytest.mark.install, pytest.mark.timeout(600)]


def run(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    """Run a command with a timeout; its output as text."""
    return subprocess.run(command, capture_output=True, text=True, timeout=300, **options)  # type: ignore[call-overload, no-any-return]


def checked(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    done = run(command, **options)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


# --- how it was installed (the decision, from facts) -----------------------------------------


def facts(tmp_path: Path, **changes: object) -> install._Facts:
    package = tmp_path / "site" / "smtplab"
    package.mkdir(parents=True, exist_ok=True)
    base = {
        "package_dir": package,
        "installed_init": package / "__init__.py",
        "editable_project": None,
        "in_venv": False,
        "user_site": tmp_path / "user-site",
        "python": "/usr/bin/python3",
    }
    return install._Facts(**{**base, **changes})  # type: ignore[arg-type]


def test_each_kind_of_installation_is_told_apart(tmp_path: Path) -> None:
    user_package = tmp_path / "user-site" / "smtplab"
    user_package.mkdir(parents=True)
    checkout = tmp_path / "site"
    kinds = {
        "system": facts(tmp_path),
        "venv": facts(tmp_path, in_venv=True),
        "user": facts(tmp_path, package_dir=user_package, installed_init=user_package / "x"),
        "editable": facts(tmp_path, installed_init=None, editable_project=checkout),
        "checkout": facts(tmp_path, installed_init=None),
    }
    for kind, given in kinds.items():
        assert install.classify(given).kind == kind
    # pip knows another smtplab than the one running (python -m smtplab in a checkout)
    elsewhere = facts(tmp_path, installed_init=tmp_path / "other" / "smtplab" / "__init__.py")
    assert install.classify(elsewhere).kind == "checkout"


def test_the_advice_fits_the_kind(tmp_path: Path) -> None:
    project = tmp_path / "site"
    advice = {
        kind: install.classify(given)
        for kind, given in {
            "checkout": facts(tmp_path, installed_init=None),
            "editable": facts(tmp_path, installed_init=None, editable_project=project),
            "venv": facts(tmp_path, in_venv=True),
            "user": facts(tmp_path, user_site=tmp_path / "site"),
            "system": facts(tmp_path),
        }.items()
    }
    for kind in ("checkout", "editable"):
        assert "make lab" in advice[kind].repair() and "-e '.[lab]'" in advice[kind].repair()
        assert str(project) in advice[kind].repair() and "make lab" in advice[kind].next_steps()
    for kind in ("venv", "user", "system"):
        assert "make" not in advice[kind].repair() + advice[kind].next_steps()
        assert "-e " not in advice[kind].repair()
        assert "smtplab notebooks" in advice[kind].next_steps()
    assert advice["venv"].repair() == "/usr/bin/python3 -m pip install --upgrade 'smtplab[lab]'"
    assert "--user" in advice["user"].repair()
    assert "venv" in advice["system"].repair() and "--user" not in advice["system"].repair()


def test_editable_installs_are_read_from_pips_record() -> None:
    record = json.dumps({"url": "file:///home/ada/smtp%20lab", "dir_info": {"editable": True}})
    assert install._editable_project(record) == Path("/home/ada/smtp lab")
    assert install._editable_project(json.dumps({"url": "file:///x", "dir_info": {}})) is None
    assert install._editable_project("not json") is None
    assert install._editable_project(None) is None


def test_this_test_environment_is_told_right() -> None:
    found = install.installation()
    distribution = install.installed_distribution()
    assert distribution is not None  # the tests run on an installed smtplab
    record = distribution.read_text("direct_url.json") or "{}"
    if json.loads(record).get("dir_info", {}).get("editable"):  # the Makefile's pip install -e
        assert (found.kind, found.project) == ("editable", ROOT)
    else:
        assert found.kind != "editable"
    assert found.describe().startswith(f"smtplab {importlib.metadata.version('smtplab')}, ")


def test_running_from_a_checkout_that_pip_does_not_know(tmp_path: Path) -> None:
    # An interpreter outside this venv, where pip never installed smtplab (isolated mode:
    # no user site), imports the package straight from the checkout.
    python = base_python()
    assert run([python, "-I", "-c", "import smtplab"], cwd=tmp_path).returncode == 1
    script = "import sys; sys.path.insert(0, sys.argv[1]); from smtplab import install; "
    script += "found = install.installation(); print(found.kind, found.project)"
    done = run([python, "-I", "-c", script, str(ROOT)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["checkout", str(ROOT)]


# --- --version ------------------------------------------------------------------------------


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"smtplab {importlib.metadata.version('smtplab')}\n"
    done = checked([sys.executable, "-m", "smtplab", "--version"])
    assert done.stdout.strip() == f"smtplab {install.version()}"


# --- the notebooks --------------------------------------------------------------------------


def test_a_checkout_reads_its_own_notebooks_folder() -> None:
    assert install.notebooks_source() == NOTEBOOKS
    names = [str(path) for path in install.series_files(NOTEBOOKS)]
    assert names[0] == "00-start-here.ipynb" and "sanitize.cfg" in names
    notebooks = [n for n in names if n.endswith(".ipynb")]
    series = list(NOTEBOOKS.glob("[0-9][0-9]*-*.ipynb"))  # the series grows (issue 18: 11)
    assert len(series) >= 12
    chinese = [n for n in notebooks if n.startswith("zh-CN/")]  # issue 19: its mirror
    assert len(notebooks) == 2 * len(series) and len(chinese) == len(series)  # all of them
    assert "zh-CN/00-start-here.ipynb" in chinese
    assert "07a-reply-codes-reference.ipynb" in notebooks  # an appendix ships too (07 links it)
    assert "solutions/nb07_errors.py" in names  # notebook 07 links it
    assert "scripts/smtp_by_hand.py" in names  # notebook 02 runs it


def test_copy_then_keep_a_learners_edits(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    first = install.copy_notebooks(target)
    assert len(first.copied) == len(install.series_files(NOTEBOOKS)) and not first.kept
    assert (target / "sanitize.cfg").read_bytes() == (NOTEBOOKS / "sanitize.cfg").read_bytes()
    again = install.copy_notebooks(target)
    assert not again.copied and not again.kept and len(again.unchanged) == len(first.copied)

    edited = target / "05-auth.ipynb"
    edited.write_text('{"my": "work"}')
    kept = install.copy_notebooks(target)
    assert kept.kept == [Path("05-auth.ipynb")] and edited.read_text() == '{"my": "work"}'
    assert any("NOT overwritten" in line and "--force" in line for line in kept.lines())

    forced = install.copy_notebooks(target, force=True)
    assert forced.replaced == [Path("05-auth.ipynb")]
    assert edited.read_bytes() == (NOTEBOOKS / "05-auth.ipynb").read_bytes()


def test_an_untouched_copy_of_an_older_kit_is_updated(tmp_path: Path) -> None:
    old_kit = tmp_path / "old-kit"
    for path in install.series_files(NOTEBOOKS):
        (old_kit / path).parent.mkdir(parents=True, exist_ok=True)  # solutions/, scripts/
        (old_kit / path).write_text(f"old {path}")
    target = tmp_path / "mine"
    install.copy_notebooks(target, source=old_kit)
    (target / "04-tls.ipynb").write_text("edited by the learner")
    report = install.copy_notebooks(target)
    assert Path("00-start-here.ipynb") in report.updated and report.kept == [Path("04-tls.ipynb")]
    assert (target / "00-start-here.ipynb").read_bytes() == (
        NOTEBOOKS / "00-start-here.ipynb"
    ).read_bytes()


def test_smtplab_notebooks_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["notebooks"]) == 0
    out = capsys.readouterr().out
    default = tmp_path / install.DEFAULT_NOTEBOOK_FOLDER
    assert f"notebooks folder: {default}" in out and "copied: 00-start-here.ipynb" in out
    assert out.rstrip().endswith(f"next: smtplab lab {default}")
    (default / "00-start-here.ipynb").write_text("{}")
    assert main(["notebooks"]) == 1
    out = capsys.readouterr().out
    assert "NOT overwritten, because you edited them: 00-start-here.ipynb" in out
    assert main(["notebooks", "--force", str(default)]) == 0
    assert "REPLACED your edited copy (--force): 00-start-here.ipynb" in capsys.readouterr().out
    (tmp_path / "a-file").write_text("")
    assert main(["notebooks", "a-file"]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err


# --- JupyterLab ------------------------------------------------------------------------------


def test_extensions_are_found_where_jupyter_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = install.find_labextension()
    assert found is not None and found.name == "jupyterlab-manager"
    listing = checked([sys.executable, "-m", "jupyter", "labextension", "list"])
    text = listing.stdout + listing.stderr
    assert str(found.parent.parent) in text and install.WIDGETS_EXTENSION in text
    # JUPYTER_PATH comes first for JupyterLab: a copy there is the one it loads
    extra = tmp_path / "labextensions" / install.WIDGETS_EXTENSION
    extra.mkdir(parents=True)
    (extra / "package.json").write_text("{}")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert install.find_labextension() == extra
    assert install.find_labextension("@nobody/nothing") is None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(60)
def test_smtplab_lab_copies_then_serves_the_series_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "lab.log"
    folder = tmp_path / "class"
    command = [sys.executable, "-m", "smtplab", "lab", str(folder), "--no-browser"]
    with log.open("w") as output:
        lab = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so the test can stop smtplab and JupyterLab together
        )
    try:
        url = _wait_for_url(log, port, lab)
        assert (folder / "00-start-here.ipynb").is_file() and "copied:" in log.read_text()
        token = url.split("token=")[1]
        contents = f"http://127.0.0.1:{port}/api/contents/00-start-here.ipynb?content=0"
        assert json.loads(_first_answer(f"{contents}&token={token}", log, lab))["type"] == (
            "notebook"
        )
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab/api/news?token={token}", timeout=10
        ) as answer:
            assert json.load(answer)["news"] == []  # --LabApp.news_url=None: no news
        notification = "@jupyterlab/apputils-extension:notification"
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab/api/settings/{notification}?token={token}", timeout=10
        ) as answer:
            schema = json.load(answer)["schema"]["properties"]
        # fetchNews "false": JupyterLab does not even ask "Would you like to get notified...?"
        assert schema["fetchNews"]["default"] == "false", schema["fetchNews"]
        assert schema["checkForUpdates"]["default"] is False, schema["checkForUpdates"]
        started = log.read_text()
        assert "--ServerApp.ip=127.0.0.1" in started and "--LabApp.news_url=None" in started
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=20)


def _first_answer(url: str, log: Path, lab: subprocess.Popen[bytes]) -> bytes:
    """The body of the first answer to ``url``, asked again for up to 10 s while the server
    is alive: in two full runs under load, the first request after the URL was printed was
    refused once (the log then shows why, if the server had gone)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return bytes(answer.read())
        except urllib.error.URLError as error:
            alive = lab.poll() is None
            refused = isinstance(error.reason, ConnectionRefusedError)
            if not (refused and alive) or time.monotonic() > deadline:
                raise AssertionError(
                    f"{error} (server alive: {alive}); its log:\n{log.read_text()[-3000:]}"
                ) from error
            time.sleep(0.3)


def _wait_for_url(log: Path, port: int, lab: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 45
    pattern = re.compile(rf"http://127\.0\.0\.1:{port}/lab\?token=\w+")
    while time.monotonic() < deadline:
        found = pattern.search(log.read_text())
        if found:
            return found.group(0)
        assert lab.poll() is None, f"smtplab lab ended early:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)
    raise AssertionError(f"JupyterLab printed no URL in 45 s:\n{log.read_text()[-3000:]}")


# --- the sdist and the wheel -----------------------------------------------------------------

# What the tests need from an unpacked sdist (the rest of tests/ is checked below).
SDIST_NEEDS = [
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "LICENSE",
    "Makefile",
    "tests/conftest.py",
    "tests/helpers.py",
    "notebooks/sanitize.cfg",
    "notebooks/00-start-here.ipynb",
    "notebooks/solutions/nb05_auth.py",
    "notebooks/scripts/smtp_by_hand.py",
    "benchmarks/shape.py",
    "babel.cfg",
    "smtplab/locale/smtplab.pot",
    "smtplab/locale/zh_CN/LC_MESSAGES/smtplab.po",
    "docs/ARCHITECTURE.md",
    "docs/instructor/estimates.py",
    "docs/instructor/cheatsheet.html",
    "binder/requirements.txt",
    "binder/postBuild",
]


@pytest.fixture(scope="session")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist, built once per session as a PEP 517 frontend does: the backend that
    pyproject.toml requires, installed apart, asked through its build_sdist hook."""
    out = tmp_path_factory.mktemp("sdist")
    backend = out / "backend"
    declared = re.search(r"^requires = (\[.*\])$", (ROOT / "pyproject.toml").read_text(), re.M)
    assert declared, "pyproject.toml has no [build-system] requires line"
    requires = ast.literal_eval(declared.group(1))
    checked([sys.executable, "-m", "pip", "install", "-q", "--target", str(backend), *requires])
    hook = (
        "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    )
    environment = {**os.environ, "PYTHONPATH": str(backend)}
    checked([sys.executable, "-c", hook, str(out)], cwd=ROOT, env=environment)
    [built] = out.glob("smtplab-*.tar.gz")
    return built


def test_the_sdist_carries_what_the_tests_need(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        info = archive.extractfile(f"{sdist.name.removesuffix('.tar.gz')}/PKG-INFO")
        assert info is not None
        metadata = info.read().decode()
    missing = [name for name in SDIST_NEEDS if name not in members]
    if (ROOT / ".git").exists():  # a checkout: every tracked test and notebook file
        tracked = checked(["git", "ls-files", "tests", "notebooks"], cwd=ROOT).stdout.split()
        missing += [name for name in tracked if name not in members]
    assert not missing, f"the sdist lacks {missing}: add them to MANIFEST.in"
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata
    for classifier in ("3.10", "3.13", "Framework :: Jupyter", "Topic :: Communications :: Email"):
        assert classifier in metadata
    assert "Project-URL: Source, " in metadata


@pytest.fixture(scope="session")
def wheel(sdist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from the sdist as pip does from PyPI (once per session)."""
    out = tmp_path_factory.mktemp("wheel")
    checked([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(sdist)])
    [built] = out.glob("smtplab-*.whl")
    return built


@pytest.mark.install
@pytest.mark.timeout(120)
def test_the_wheel_ships_the_series_as_package_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for path in install.series_files(NOTEBOOKS):
        assert f"smtplab/_notebooks/{path.as_posix()}" in names
    assert "smtplab/install.py" in names
    assert not any(name.startswith(("tests/", "notebooks/")) for name in names)


@pytest.mark.install
@pytest.mark.timeout(120)
def test_the_wheel_carries_the_compiled_catalogs_and_they_work(wheel: Path, tmp_path: Path) -> None:
    """Issue 19: the committed .mo ships as package data (not its .po), and an import of
    the unpacked wheel (no checkout on the path) explains a reply in Chinese."""
    catalog = "smtplab/locale/zh_CN/LC_MESSAGES/smtplab.mo"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert catalog in names
    assert not any(name.endswith((".po", ".pot")) for name in names)
    code = (
        "import smtplab, sys; print(smtplab.__file__);"
        "print(smtplab.explain(smtplab.Reply.from_text(550, '5.1.1 x')))"
    )
    environment = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "SMTPLAB_LANG": "zh-CN"}
    environment["PYTHONIOENCODING"] = "utf-8"
    done = checked([sys.executable, "-c", code], cwd=tmp_path, env=environment)
    module, explained = done.stdout.splitlines()
    assert Path(module).is_relative_to(tmp_path / "site")
    assert explained.startswith("550: 邮箱不可用") and "5.1.1: 收件人的邮箱不存在" in explained


def base_python() -> str:
    """An interpreter outside any virtual environment (the one this venv was made from).

    ``sys._base_executable`` is that interpreter on 3.11+, but the venv's own python on
    3.10; ``sys.base_prefix`` is the base installation's prefix on every version.
    """
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    installed = Path(sys.base_prefix) / "bin" / version
    if installed.is_file():
        return str(installed)
    return str(getattr(sys, "_base_executable", "") or sys.executable)


def externally_managed(python: str) -> bool:
    """Whether ``python`` is a distribution's interpreter that refuses pip installs outside
    a venv (PEP 668: an EXTERNALLY-MANAGED file beside its standard library), as Debian's."""
    stdlib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return (Path(stdlib) / "EXTERNALLY-MANAGED").is_file()


@pytest.fixture
def clean_environment(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment variables for a stranger's machine: a new HOME, no venv, no PYTHONPATH."""
    home = tmp_path / "home"
    home.mkdir()
    variables = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH"}
    }
    variables.update(HOME=str(home), PATH="/usr/bin:/bin", PIP_NO_WARN_SCRIPT_LOCATION="1")
    variables.pop("XDG_DATA_HOME", None)
    yield variables


@pytest.mark.install
@pytest.mark.timeout(600)
def test_a_fresh_venv_gets_pip_advice_and_the_notebooks(
    wheel: Path, tmp_path: Path, clean_environment: dict[str, str]
) -> None:
    venv = tmp_path / "venv"
    checked([base_python(), "-m", "venv", str(venv)], env=clean_environment)
    python, smtplab = str(venv / "bin" / "python"), str(venv / "bin" / "smtplab")
    checked([python, "-m", "pip", "install", "-q", str(wheel)], env=clean_environment)
    work = tmp_path / "work"
    work.mkdir()
    version = checked([smtplab, "--version"], cwd=work, env=clean_environment)
    assert version.stdout.strip() == f"smtplab {install.version()}"

    doctor = run([smtplab, "doctor"], cwd=work, env=clean_environment)
    out = doctor.stdout
    assert doctor.returncode == 1  # installed without the [lab] extra: no JupyterLab
    assert f"installed in the virtual environment {venv}" in out
    assert "FAIL  JupyterLab: PackageNotFoundError" in out
    assert f"Reinstall with: {python} -m pip install --upgrade 'smtplab[lab]'" in out
    assert "make lab" not in out and "-e '.[lab]'" not in out

    copied = checked([smtplab, "notebooks"], cwd=work, env=clean_environment)
    folder = work / install.DEFAULT_NOTEBOOK_FOLDER
    assert copied.stdout.rstrip().endswith(f"next: smtplab lab {folder}")
    for path in install.series_files(NOTEBOOKS):
        assert (folder / path).read_bytes() == (NOTEBOOKS / path).read_bytes()


@pytest.mark.install
@pytest.mark.timeout(600)
def test_a_user_install_finds_its_widgets_and_passes(
    wheel: Path, tmp_path: Path, clean_environment: dict[str, str]
) -> None:
    user_base = tmp_path / "userbase"
    environment = {**clean_environment, "PYTHONUSERBASE": str(user_base)}
    python = base_python()
    # Debian's python3 refuses --user installs (PEP 668) unless told; the user base here
    # is a temporary folder, so the system's packages are not touched either way.
    override = ["--break-system-packages"] if externally_managed(python) else []
    checked(
        [python, "-m", "pip", "install", "-q", "--user", *override, f"{wheel}[lab]"],
        env=environment,
        cwd=tmp_path,
    )
    doctor = run([python, "-m", "smtplab", "doctor"], cwd=tmp_path, env=environment)
    out = doctor.stdout
    assert doctor.returncode == 0, out  # before issue 15: a false FAIL on the widgets
    assert "installed with pip install --user in " + str(user_base) in out
    assert f"in {user_base / 'share' / 'jupyter' / 'labextensions'}" in out
    assert f"the smtplab command is in {user_base / 'bin'}, which is not on your PATH" in out
    assert "smtplab notebooks" in out and "make lab" not in out

    smtplab = str(user_base / "bin" / "smtplab")
    checked([smtplab, "notebooks", "nb"], cwd=tmp_path, env=environment)
    assert (tmp_path / "nb" / "08-compose-with-widgets.ipynb").is_file()
