"""How this copy of smtplab was installed, where its notebooks are, and what to do next.

The command line asks this module (``smtplab notebooks``, ``smtplab lab``, ``smtplab
doctor``, ``smtplab --version``); it holds no command-line code itself.

* :func:`installation` tells a source checkout, an editable install, a virtual
  environment, a ``pip install --user`` and a system site apart, so that advice fits
  (``make lab`` means nothing to someone who ran ``pip install smtplab``).
* :func:`notebooks_source` finds the notebook series: in a wheel they ship as package
  data in ``smtplab/_notebooks`` (copied there from ``notebooks/`` by ``setup.py`` at
  build time); a checkout or an editable install reads ``notebooks/`` beside the package.
* :func:`copy_notebooks` copies the series to a folder of the learner's and never
  overwrites a notebook the learner edited unless asked to.
* :func:`find_labextension` looks for a JupyterLab extension where JupyterLab does
  (``jupyter_core.paths.jupyter_path("labextensions")``: the environment, the user's
  data folder, ``--user`` installs, the system folders).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlparse

from .i18n import _

__all__: list[str] = []  # no learner-facing names: the CLI is the interface

PACKAGE_DIR = Path(__file__).resolve().parent
DISTRIBUTION = "smtplab"
FIRST_NOTEBOOK = "00-start-here.ipynb"
DEFAULT_NOTEBOOK_FOLDER = "smtplab-notebooks"
WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
# What `smtplab notebooks` records in the folder it fills: the digest of each file as it
# was copied, so that a later run can tell a file the learner edited from an old copy.
RECORD_NAME = ".smtplab-copied.json"
# The files of the series, relative to the notebooks folder (the solutions are linked
# from the notebooks' "Stuck?" lines, sanitize.cfg is what nbval needs to check them;
# "07a-..." is an appendix, linked from its notebook; scripts/ holds the plain programs
# notebooks run with `python scripts/...`).
SERIES_PATTERNS = (
    "[0-9][0-9]*-*.ipynb",
    "zh-CN/[0-9][0-9]*-*.ipynb",
    "sanitize.cfg",
    "solutions/*.py",
    "scripts/*.py",
)

InstallKind = Literal["checkout", "editable", "venv", "user", "system"]


def version() -> str:
    """The installed version of smtplab (its metadata), or the source's for a checkout."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # a checkout: the package's own figure
        return str(getattr(sys.modules[__name__.rpartition(".")[0]], "__version__", "unknown"))


# --- how it was installed -------------------------------------------------------------------


@dataclass(frozen=True)
class Installation:
    """How the running smtplab was installed.

    ``kind`` is ``"checkout"`` (imported from a source tree that pip does not know),
    ``"editable"`` (``pip install -e``), ``"venv"`` (a virtual environment),
    ``"user"`` (``pip install --user``) or ``"system"`` (the interpreter's own
    site-packages). ``project`` is the source tree for the first two.
    """

    kind: InstallKind
    package_dir: Path
    python: str
    project: Path | None = None

    def describe(self) -> str:
        """One line: what kind of installation, where."""
        where = {
            "checkout": _("run from the source checkout {where} (not installed by pip)"),
            "editable": _("an editable install (pip install -e) of the checkout {where}"),
            "venv": _("installed in the virtual environment {where}"),
            "user": _("installed with pip install --user in {where}"),
            "system": _("installed in this Python's own site-packages ({where})"),
        }[self.kind].format(
            where={
                "checkout": self.project,
                "editable": self.project,
                "venv": sys.prefix,
            }.get(self.kind, self.package_dir.parent)
        )
        return f"smtplab {version()}, {where}"

    def repair(self) -> str:
        """The command that reinstalls the kit (with JupyterLab) this same way."""
        pip = f"{_quoted(self.python)} -m pip install"
        if self.kind in ("checkout", "editable"):
            return _("cd {project} && make lab   (or: {pip} -e '.[lab]')").format(
                project=_quoted(str(self.project)), pip=pip
            )
        if self.kind == "user":
            return f"{pip} --user --upgrade 'smtplab[lab]'"  # i18n: keep a command
        if self.kind == "system":
            return _(
                "a virtual environment is the safe way (this Python's own site-packages "
                "belong to the system): python3 -m venv ~/smtplab-venv && "
                "~/smtplab-venv/bin/python -m pip install 'smtplab[lab]'"
            )
        return f"{pip} --upgrade 'smtplab[lab]'"  # i18n: keep a command

    def next_steps(self) -> str:
        """What to run once everything works."""
        if self.kind in ("checkout", "editable"):
            return _("start the kit with `make lab` in {project} (or `smtplab lab`)").format(
                project=self.project
            )
        return _(
            "copy the notebooks with `smtplab notebooks` (into ./{folder}), "
            "then open them with `smtplab lab`"
        ).format(folder=DEFAULT_NOTEBOOK_FOLDER)

    def warnings(self) -> list[str]:
        """What else is worth knowing: a ``--user`` install whose ``smtplab`` command is
        not on PATH."""
        if self.kind != "user":
            return []
        scripts = Path(sysconfig.get_path("scripts", f"{os.name}_user"))
        on_path = [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
        if scripts in on_path:
            return []
        return [
            _(
                "the smtplab command is in {scripts}, which is not on your PATH: add it, or "
                "run {python} -m smtplab instead"
            ).format(scripts=scripts, python=_quoted(self.python))
        ]


@dataclass(frozen=True)
class _Facts:
    """What :func:`classify` decides from (gathered by :func:`installation`)."""

    package_dir: Path
    installed_init: Path | None  # where pip's record says smtplab/__init__.py is
    editable_project: Path | None  # the checkout of an editable install
    in_venv: bool
    user_site: Path | None
    python: str = field(default=sys.executable)


def classify(facts: _Facts) -> Installation:
    """Decide the kind of installation from where the package is and pip's records."""
    package_dir, python = facts.package_dir, facts.python
    if facts.editable_project is not None and _same(facts.editable_project, package_dir.parent):
        return Installation("editable", package_dir, python, facts.editable_project)
    if facts.installed_init is None or not _same(facts.installed_init.parent, package_dir):
        # pip knows no smtplab, or another one than the one running: a source tree
        return Installation("checkout", package_dir, python, package_dir.parent)
    if facts.user_site is not None and _inside(package_dir, facts.user_site):
        return Installation("user", package_dir, python)
    return Installation("venv" if facts.in_venv else "system", package_dir, python)


def installed_distribution() -> importlib.metadata.Distribution | None:
    """pip's record of the installed smtplab, or None; a ``smtplab.egg-info`` that a
    build left in the source tree (found when Python runs from there) is no record."""
    source_tree = (PACKAGE_DIR.parent / "pyproject.toml").is_file()
    records = [
        found
        for found in importlib.metadata.distributions(name=DISTRIBUTION)
        if not (source_tree and _same(Path(str(found.locate_file(""))), PACKAGE_DIR.parent))
    ]
    return records[0] if records else None


def installation() -> Installation:
    """How the running smtplab was installed (see :class:`Installation`)."""
    installed_init = editable_project = None
    distribution = installed_distribution()
    if distribution is not None:
        installed_init = Path(str(distribution.locate_file("smtplab/__init__.py")))
        editable_project = _editable_project(distribution.read_text("direct_url.json"))
    user_site = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    return classify(
        _Facts(
            package_dir=PACKAGE_DIR,
            installed_init=installed_init,
            editable_project=editable_project,
            in_venv=sys.prefix != sys.base_prefix,
            user_site=Path(user_site) if user_site else None,
        )
    )


def _editable_project(direct_url: str | None) -> Path | None:
    """The source folder of an editable install, from pip's direct_url.json (PEP 610)."""
    if not direct_url:
        return None
    try:
        record = json.loads(direct_url)
    except ValueError:
        return None
    if not (isinstance(record, dict) and record.get("dir_info", {}).get("editable")):
        return None
    url = urlparse(str(record.get("url", "")))
    return Path(unquote(url.path)) if url.scheme == "file" else None


def _same(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _quoted(text: str) -> str:
    return f"'{text}'" if any(c.isspace() for c in text) else text


# --- the notebooks --------------------------------------------------------------------------


def notebooks_source() -> Path:
    """The folder that holds the notebook series: package data in a wheel, or the
    checkout's ``notebooks/`` (source tree, editable install)."""
    for candidate in (PACKAGE_DIR / "_notebooks", PACKAGE_DIR.parent / "notebooks"):
        if (candidate / FIRST_NOTEBOOK).is_file():
            return candidate
    raise FileNotFoundError(
        _(
            "the notebooks are not in this installation (looked in {first} "
            "and {second}): reinstall with "
            "python -m pip install --force-reinstall 'smtplab[lab]'"
        ).format(first=PACKAGE_DIR / "_notebooks", second=PACKAGE_DIR.parent / "notebooks")
    )


def series_files(source: Path) -> list[Path]:
    """The files of the series, relative to ``source``, in a stable order."""
    found = {
        path.relative_to(source) for pattern in SERIES_PATTERNS for path in source.glob(pattern)
    }
    return sorted(found)


@dataclass
class CopyReport:
    """What :func:`copy_notebooks` did, file by file (paths relative to ``target``)."""

    target: Path
    copied: list[Path] = field(default_factory=list)  # new in the folder
    updated: list[Path] = field(default_factory=list)  # an untouched older copy, replaced
    unchanged: list[Path] = field(default_factory=list)  # already the kit's version
    kept: list[Path] = field(default_factory=list)  # the learner's edits: not overwritten
    replaced: list[Path] = field(default_factory=list)  # the learner's edits, overwritten (force)

    def lines(self) -> list[str]:
        """What happened, for the terminal; the last line says what to run next."""
        lines = [_("notebooks folder: {target}").format(target=self.target)]
        for label, paths in (
            (_("copied"), self.copied),
            (_("updated (you had not changed them)"), self.updated),
            (_("already up to date"), self.unchanged),
            (_("REPLACED your edited copy (--force)"), self.replaced),
        ):
            if paths:
                lines.append(f"  {label}: {_names(paths)}")
        if self.kept:
            lines.append(
                _(
                    "  NOT overwritten, because you edited them: {names}. "
                    "They stay as you left them; run again with --force to replace them with "
                    "the kit's version (your changes in them are then lost: copy them first)."
                ).format(names=_names(self.kept))
            )
        return lines

    def next_command(self) -> str:
        """The command that opens the series."""
        return _("next: smtplab lab {target}").format(target=_quoted(str(self.target)))


def _names(paths: Sequence[Path]) -> str:
    return ", ".join(str(path) for path in paths)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_record(target: Path) -> dict[str, str]:
    try:
        record = json.loads((target / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = record.get("files", {}) if isinstance(record, dict) else {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def copy_notebooks(target: Path, *, force: bool = False, source: Path | None = None) -> CopyReport:
    """Copy the series into ``target`` (created if needed) and report what was done.

    A file already in ``target`` is replaced only if it is the kit's version or an
    untouched copy made by an earlier run (its digest is in ``target``'s record);
    otherwise the learner edited it, and it is kept unless ``force`` is true.
    Raises ``FileNotFoundError`` when the installation has no notebooks and ``OSError``
    when ``target`` cannot be written (e.g. it is a file).
    """
    source = notebooks_source() if source is None else source
    target = target.expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(
            _("{target} is a file, not a folder: give another folder").format(target=target)
        )
    target.mkdir(parents=True, exist_ok=True)
    report = CopyReport(target)
    recorded = _read_record(target)
    record: dict[str, str] = dict(recorded)
    for relative in series_files(source):
        origin, destination = source / relative, target / relative
        kit_digest = _digest(origin)
        key = relative.as_posix()
        if not destination.exists():
            bucket = report.copied
        else:
            present = _digest(destination)
            if present == kit_digest:
                report.unchanged.append(relative)
                record[key] = kit_digest
                continue
            if present == recorded.get(key):
                bucket = report.updated
            elif force:
                bucket = report.replaced
            else:
                report.kept.append(relative)
                continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, destination)
        record[key] = kit_digest
        bucket.append(relative)
    (target / RECORD_NAME).write_text(
        json.dumps({"smtplab": version(), "files": record}, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return report


def has_series(folder: Path) -> bool:
    """Whether ``folder`` already holds the first notebook of the series."""
    return (folder / FIRST_NOTEBOOK).is_file()


# --- JupyterLab -----------------------------------------------------------------------------


def labextension_folders() -> list[Path]:
    """Where JupyterLab looks for prebuilt extensions, in its order (raises ImportError
    without jupyter_core, which JupyterLab depends on)."""
    from jupyter_core.paths import jupyter_path

    return [Path(folder) for folder in jupyter_path("labextensions")]


def find_labextension(name: str = WIDGETS_EXTENSION) -> Path | None:
    """The folder of the prebuilt JupyterLab extension ``name`` that JupyterLab would
    load (the first with a package.json on its path), or None."""
    for folder in labextension_folders():
        candidate = folder / name
        if (candidate / "package.json").is_file():
            return candidate
    return None


def check_jupyterlab() -> str:
    """The doctor's JupyterLab check: its version and the widgets extension where
    JupyterLab finds it; raises (with the fix in the message) when either is missing."""
    lab_version = importlib.metadata.version("jupyterlab")
    import jupyterlab_widgets  # the JupyterLab extension that draws ipywidgets

    extension = find_labextension()
    if extension is None:
        folders = ", ".join(str(folder) for folder in labextension_folders())
        raise RuntimeError(
            _(
                "JupyterLab finds no widgets extension ({extension}) in {folders}; "
                "reinstall with: python -m pip install --force-reinstall jupyterlab_widgets"
            ).format(extension=WIDGETS_EXTENSION, folders=folders)
        )
    version_ = jupyterlab_widgets.__version__
    return _("jupyterlab {lab}, widgets extension {widgets} in {where}").format(
        lab=lab_version, widgets=version_, where=extension.parent.parent
    )


NO_NEWS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}
}
"""JupyterLab's defaults that stop "Would you like to get notified about official Jupyter
news?" (``--LabApp.news_url`` only says where news would come from)."""


def lab_settings(folder: Path) -> Path:
    """A settings directory for ``smtplab lab`` (``folder/.smtplab-lab-settings``): this
    Python's own ``overrides.json``, if any, with :data:`NO_NEWS` added where it is silent."""
    settings = folder / ".smtplab-lab-settings"
    settings.mkdir(parents=True, exist_ok=True)
    overrides: dict[str, Any] = {}
    own = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    with contextlib.suppress(OSError, ValueError):
        overrides = dict(json.loads(own.read_text(encoding="utf-8")))
    for plugin, values in NO_NEWS.items():
        overrides[plugin] = {**values, **overrides.get(plugin, {})}
    (settings / "overrides.json").write_text(json.dumps(overrides, indent=1), encoding="utf-8")
    return settings


def lab_command(folder: Path, *, open_browser: bool = True, port: int | None = None) -> list[str]:
    """The command that opens JupyterLab on the series in ``folder``: this same Python,
    loopback only, the news question off (run it with ``folder`` as working directory)."""
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        FIRST_NOTEBOOK,
        "--ServerApp.ip=127.0.0.1",
        "--LabApp.news_url=None",
        f"--LabApp.app_settings_dir={lab_settings(folder)}",
        f"--ServerApp.root_dir={folder}",
    ]
    if not open_browser:
        command.append("--no-browser")
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    if hasattr(os, "getuid") and os.getuid() == 0:  # containers often run as root
        command.append("--allow-root")
    return command


# --- the commands (smtplab notebooks, smtplab lab) -------------------------------------------


def _copy_and_tell(folder: str, force: bool) -> CopyReport | None:
    try:
        report = copy_notebooks(Path(folder), force=force)
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    print("\n".join(report.lines()), flush=True)
    return report


def run_notebooks(folder: str, force: bool) -> int:
    """``smtplab notebooks``: copy the series and say what was done and what to run next;
    the exit code is 1 when a notebook was kept because the learner edited it."""
    report = _copy_and_tell(folder, force)
    if report is None:
        return 1
    print(report.next_command())
    return 1 if report.kept else 0


def run_lab(folder: str, open_browser: bool, port: int | None) -> int:
    """``smtplab lab``: copy the series if ``folder`` lacks it, then run JupyterLab on it
    until JupyterLab ends; its exit code."""
    where = Path(folder).expanduser().resolve()
    if not has_series(where) and _copy_and_tell(folder, force=False) is None:
        return 1
    if importlib.util.find_spec("jupyterlab") is None:
        print(
            _(
                "error: JupyterLab is not installed in this Python: "
                "{python} -m pip install 'smtplab[lab]'"
            ).format(python=_quoted(sys.executable)),
            file=sys.stderr,
        )
        return 1
    command = lab_command(where, open_browser=open_browser, port=port)
    print("starting:", " ".join(command[2:]), flush=True)
    if os.name == "posix":  # become JupyterLab: signals and Ctrl-C reach it directly
        os.chdir(where)
        os.execv(command[0], command)
    with subprocess.Popen(command, cwd=where) as jupyter:
        while True:
            try:
                return jupyter.wait()
            except KeyboardInterrupt:  # the terminal's Ctrl-C reaches JupyterLab too: it decides
                continue
