"""Notebook 08 in a real browser: JupyterLab, headless Chromium, a click on Send.

The test starts JupyterLab on 127.0.0.1 (a free port, a token, no news, every cell kept in
the page) over a temporary copy of ``notebooks/``, so the committed notebook is never
touched. Chromium (Debian's, driven by Playwright for Python; no browser download) opens
notebook 08, runs every cell but the last (which stops the lab), fills the Composer,
clicks Send and checks, in the page itself, that the dialogue appeared and that the
InboxView lists the new message: the LabServer lives in the notebook's kernel, out of the
test's reach. A screenshot is saved to ``test-artifacts/browser-08.png``.

Other tests open committed notebooks as cloned (untrusted, nothing run) in JupyterLab
and, when installed, Notebook 7, and check that the diagram is a picture, the transcript
keeps its layout and widget cells show their one-line text; measure the contrast of every
text in a live Stepper in the light and dark themes; and run ``make lab`` itself to check
that JupyterLab asks no news question.

Without Chromium or Playwright the tests skip (saying how to install them), except under
``CI=true``, where a missing tool fails the run. JupyterLab and its kernels are shut down
afterwards, even when the test fails.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK = "08-compose-with-widgets.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOT = ARTIFACTS / "browser-08.png"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
START_TIMEOUT = 60.0  # JupyterLab's start, seconds
KERNEL_TIMEOUT = 60_000  # the kernel's start and the cells, milliseconds
STEP_TIMEOUT = 30_000  # one send, milliseconds

# Settings that keep toasts out of the page and every cell in the DOM.
OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _missing(what: str) -> None:
    """Skip on a learner's machine; fail under CI, where the tool must be there."""
    if _in_ci():
        pytest.fail(f"{what} (CI=true: the browser test must run, so this is a failure)")
    pytest.skip(what)


def _chromium() -> str:
    for candidate in (os.environ.get("SMTPLAB_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        _missing(
            "Chromium is not installed: the browser test needs it. On Debian or Ubuntu: "
            "`sudo apt-get install chromium` (or set SMTPLAB_CHROMIUM to its path)"
        )
    assert found is not None
    return found


def _playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing(
            "Playwright for Python is not installed: `pip install playwright` (or "
            "`pip install -e '.[test]'`). No `playwright install` is needed: the test "
            "uses the system's Chromium"
        )
    return sync_playwright


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _children(pid: int) -> dict[int, bytes]:
    """Every process below ``pid`` with its command line (Linux /proc; elsewhere none)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: dict[int, bytes] = {}
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found[child] = _cmdline(child)
                todo.append(child)
    return found


def _menu(page: Any, menu: str, command: str) -> None:
    """Click a JupyterLab menu, then the item that runs ``command``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').click()


def _run_all_but_the_last_cell(page: Any, edit: str = "Edit", run: str = "Run") -> None:
    """Run every cell above the last code cell (which stops the lab): select it, clear the
    committed outputs (so what the page shows next is fresh), then Run > Run All Above
    Selected Cell. ``edit`` and ``run``: the menus' labels in the page's language."""
    from playwright.sync_api import expect

    code_cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell")
    expect(code_cells.last).to_be_visible(timeout=KERNEL_TIMEOUT)
    code_cells.last.locator(".jp-InputPrompt").click()
    _menu(page, edit, "editmenu:clear-all")  # Clear Outputs of All Cells
    expect(page.locator(".jp-OutputArea-output")).to_have_count(0)
    _menu(page, run, "notebook:run-all-above")


@dataclass
class Lab:
    """A running JupyterLab: where it listens, its token, its log."""

    url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    def api(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method in ("POST", "DELETE") else None,
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def shutdown(self) -> None:
        """Shut the kernels and the server down; kill whatever is left."""
        leftovers = _children(self.process.pid)
        if self.process.poll() is None:
            with contextlib.suppress(OSError, ValueError):  # URLError is an OSError
                for kernel in self.api("/api/kernels"):
                    self.api(f"/api/kernels/{kernel['id']}", "DELETE")
                self.api("/api/shutdown", "POST")
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(5)
        for pid, command in leftovers.items():  # a kernel that outlived its server
            if command and _cmdline(pid) == command:  # the same process, not a reused pid
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def _serving(
    tmp_path: Path, app: str = "jupyterlab", settings_more: dict[str, Any] | None = None
) -> Iterator[Lab]:
    """``app`` (JupyterLab, or Notebook 7: "notebook") on 127.0.0.1 over a temporary copy
    of notebooks/, shut down afterwards; ``settings_more``: more settings overrides."""
    # Skip (or fail under CI) before starting anything.
    _chromium()
    _playwright()
    root = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = tmp_path / "app-settings"
    settings.mkdir()
    overrides = {**OVERRIDES, **(settings_more or {})}
    (settings / "overrides.json").write_text(json.dumps(overrides), encoding="utf-8")
    token = secrets.token_hex(16)
    port = _free_port()
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),  # no notebook signatures: untrusted
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    own = "LabApp" if app == "jupyterlab" else "JupyterNotebookApp"
    command = [
        sys.executable,
        "-m",
        app,
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",  # CI runs as root
        "--ServerApp.terminals_enabled=False",
        f"--ServerApp.root_dir={root}",
        f"--{own}.app_settings_dir={settings}",
        f"--{own}.user_settings_dir={tmp_path / 'user-settings'}",
        f"--{own}.workspaces_dir={tmp_path / 'workspaces'}",
        f"--{own}.expose_app_in_browser=True",  # window.jupyterapp: trust, themes
    ]
    if app == "jupyterlab":
        command += [
            "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly",  # never asks PyPI for extensions
        ]
    log = tmp_path / f"{app}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    lab = Lab(f"http://127.0.0.1:{port}", token, process, log)
    try:
        _wait_until_up(lab)
        yield lab
    finally:
        lab.shutdown()


def _wait_until_up(lab: Lab) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if lab.process.poll() is not None:
            pytest.fail(f"Jupyter exited with {lab.process.returncode}:\n{lab.log_tail()}")
        try:
            lab.api("/api/status")
            return
        except (OSError, urllib.error.URLError):
            if time.monotonic() > deadline:
                pytest.fail(f"Jupyter did not start in {START_TIMEOUT:g} s:\n{lab.log_tail()}")
            time.sleep(0.25)


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 over a temporary copy of notebooks/, shut down afterwards."""
    with _serving(tmp_path) as lab:
        yield lab


def test_notebook_08_sends_from_the_composer_in_a_real_browser(jupyterlab: Lab) -> None:
    chromium = _chromium()
    sync_playwright = _playwright()
    from playwright.sync_api import expect

    subject = f"Sent from Chromium {secrets.token_hex(3)}"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.set_default_timeout(STEP_TIMEOUT)  # clicks and fills on a busy machine
        expect.set_options(timeout=10_000)  # checks that need no kernel round trip
        try:
            page.goto(
                f"{jupyterlab.url}/lab/tree/{NOTEBOOK}?token={jupyterlab.token}",
                timeout=KERNEL_TIMEOUT,
            )
            _run_all_but_the_last_cell(page)

            play = page.locator(".smtplab-playground")
            expect(play).to_be_visible(timeout=KERNEL_TIMEOUT)
            expect(page.get_by_text("▶ DATA (+ the message)")).to_be_visible(
                timeout=KERNEL_TIMEOUT
            )  # the output of the last cell run: the notebook's own sends are over
            busy = page.locator(".jp-InputPrompt", has_text="[*]")
            expect(busy).to_have_count(0, timeout=KERNEL_TIMEOUT)

            composer = play.locator(".smtplab-composer")
            composer.locator(".smtplab-sender input").fill("browser@example.com")
            composer.locator(".smtplab-sender-name input").fill("Chromium")
            composer.locator(".smtplab-to input").fill("bob-at-example.com")
            composer.locator(".smtplab-subject input").fill(subject)
            composer.locator(".smtplab-body textarea").fill("Hello from a real browser.")
            composer.locator(".smtplab-security select").select_option("STARTTLS (like port 587)")
            composer.locator(".smtplab-user input").fill("student")  # a lab account
            send = composer.locator("button.smtplab-send")
            # Invalid input is flagged beside its field, and nothing is sent.
            send.click()
            expect(composer.locator(".smtplab-error-to")).to_contain_text(
                "has no '@'", timeout=STEP_TIMEOUT
            )
            expect(composer.locator(".smtplab-result")).to_contain_text("Not sent")

            composer.locator(".smtplab-to input").fill("bob@example.com")
            send.click()
            expect(composer.locator(".smtplab-result.smtplab-delivered")).to_contain_text(
                "Delivered: the server answered 250", timeout=STEP_TIMEOUT
            )
            expect(composer.locator(".smtplab-error-to")).to_have_text("")
            expect(send).to_be_enabled()
            expect(send).to_have_text("Send")
            for step in ("connecting", "TLS", "AUTH", "MAIL", "RCPT", "DATA"):
                expect(composer.locator(f'.smtplab-step-done[data-step="{step}"]')).to_be_visible()
            expect(composer.locator(".smtplab-password input")).to_have_value("")

            transcript = play.locator(".smtplab-transcript-view")
            expect(transcript).to_contain_text("MAIL FROM:<browser@example.com>")
            expect(transcript).to_contain_text("RCPT TO:<bob@example.com>")
            expect(transcript).to_contain_text("queued as")
            expect(play.locator(".smtplab-transcript-status")).to_contain_text("delivered")

            inbox = play.locator(".smtplab-inbox")
            listed = inbox.locator(".smtplab-inbox-list option", has_text=subject)
            expect(listed).to_have_count(1)
            inbox.locator(".lm-TabBar-tab", has_text="Body").click()
            expect(inbox.get_by_text("Hello from a real browser.", exact=True)).to_be_visible()
            inbox.locator(".lm-TabBar-tab", has_text="Envelope").click()
            expect(inbox.get_by_text("<browser@example.com>", exact=True)).to_be_visible()

            composer.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOT))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "browser-08-failure.png"))
            print(jupyterlab.log_tail(), file=sys.stderr)
            raise
        finally:
            browser.close()


# ----------------------------------------------------------------- the Chinese series

ZH_NOTEBOOK = "zh-CN/08-compose-with-widgets.ipynb"
ZH_SCREENSHOT = ARTIFACTS / "browser-08-zh-CN.png"
# JupyterLab's own menus in Chinese: the language pack (the `zh` extra) and its setting.
ZH_COMPOSER_LABEL = "写一封邮件"  # the Composer's title, as the zh_CN catalog has it
ZH_DELIVERED = "已投递"  # the start of the Composer's "Delivered" result, translated
ZH_SETTINGS = {"@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}}
GLYPHS_JS = """(element) => {
    // Draw two different CJK characters in the element's own font: a missing font shows
    // the same empty box (tofu) for both, real glyphs differ.
    const font = getComputedStyle(element).font;
    const draw = (character) => {
        const canvas = document.createElement("canvas");
        canvas.width = 48; canvas.height = 48;
        const context = canvas.getContext("2d");
        context.font = font.replace(/\\d+(\\.\\d+)?px/, "32px");
        context.fillText(character, 4, 36);
        return Array.from(context.getImageData(0, 0, 48, 48).data).join(",");
    };
    const [mail, header] = [draw("邮"), draw("头")];
    return {differ: mail !== header, inked: mail.split(",").some((v) => v !== "0")};
}"""


def _cjk_font() -> None:
    """Skip (fail under CI) without a CJK font: Chinese would show as empty boxes."""
    fc_list = shutil.which("fc-list")
    found = (
        subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if fc_list
        else ""
    )
    if not found:
        _missing(
            "No Chinese font is installed, so Chinese text would render as empty boxes: "
            "`sudo apt-get install fonts-noto-cjk`"
        )


@pytest.fixture
def jupyterlab_zh(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab with its menus in Simplified Chinese over a copy of notebooks/."""
    _cjk_font()
    with _serving(tmp_path, settings_more=ZH_SETTINGS) as lab:
        yield lab


def test_the_chinese_composer_sends_and_the_inbox_shows_it(jupyterlab_zh: Lab) -> None:
    chromium = _chromium()
    sync_playwright = _playwright()
    from playwright.sync_api import expect

    subject = f"你好，世界 {secrets.token_hex(3)}"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2400}, locale="zh-CN")
        page.set_default_timeout(STEP_TIMEOUT)
        expect.set_options(timeout=10_000)
        try:
            page.goto(
                f"{jupyterlab_zh.url}/lab/tree/{ZH_NOTEBOOK}?token={jupyterlab_zh.token}",
                timeout=KERNEL_TIMEOUT,
            )
            # JupyterLab itself speaks Chinese: the language pack is installed and chosen.
            expect(page.locator(".lm-MenuBar-itemLabel", has_text="文件")).to_be_visible(
                timeout=KERNEL_TIMEOUT
            )
            _run_all_but_the_last_cell(page, edit="编辑", run="运行")

            play = page.locator(".smtplab-playground")
            expect(play).to_be_visible(timeout=KERNEL_TIMEOUT)
            busy = page.locator(".jp-InputPrompt", has_text="[*]")
            expect(busy).to_have_count(0, timeout=KERNEL_TIMEOUT)

            composer = play.locator(".smtplab-composer")
            # the Composer's own labels are Chinese (smtplab.set_language in the notebook)
            expect(composer).to_contain_text(ZH_COMPOSER_LABEL)
            composer.locator(".smtplab-sender input").fill("zhangsan@example.com")
            composer.locator(".smtplab-sender-name input").fill("张三")
            composer.locator(".smtplab-to input").fill("bob@example.com")
            composer.locator(".smtplab-subject input").fill(subject)
            composer.locator(".smtplab-body textarea").fill("这是一封从真正的浏览器发出的信。")
            composer.locator(".smtplab-security select").select_option(index=1)  # STARTTLS
            composer.locator(".smtplab-user input").fill("student")
            composer.locator("button.smtplab-send").click()
            result = composer.locator(".smtplab-result.smtplab-delivered")
            expect(result).to_contain_text("250", timeout=STEP_TIMEOUT)
            expect(result).to_contain_text(ZH_DELIVERED)

            transcript = play.locator(".smtplab-transcript-view")
            expect(transcript).to_contain_text("MAIL FROM:<zhangsan@example.com>")
            inbox = play.locator(".smtplab-inbox")
            expect(inbox.locator(".smtplab-inbox-list option", has_text=subject)).to_have_count(1)
            inbox.locator(".lm-TabBar-tab").nth(2).click()  # the body
            body = inbox.get_by_text("这是一封从真正的浏览器发出的信。", exact=True)
            expect(body).to_be_visible()
            glyphs = body.evaluate(GLYPHS_JS)
            assert glyphs == {"differ": True, "inked": True}, f"CJK glyphs: {glyphs}"
            inbox.locator(".lm-TabBar-tab").nth(1).click()  # the headers: 张三 encoded
            expect(inbox).to_contain_text("=?utf-8?")

            composer.scroll_into_view_if_needed()
            page.screenshot(path=str(ZH_SCREENSHOT))
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "browser-08-zh-CN-failure.png"))
            print(jupyterlab_zh.log_tail(), file=sys.stderr)
            raise
        finally:
            browser.close()


# --------------------------------------------------------------------------- as opened

OPENED = {"diagram": "04-tls.ipynb", "widgets": "08-compose-with-widgets.ipynb"}
DIAGRAM_COLOURS = {  # smtplab.diagram's colours: client and server arrows, the TLS band
    "client": (5, 80, 174),
    "server": (102, 57, 186),
    "tls": (26, 127, 55),
}
PIXELS_JS = """async (img, colours) => {
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const counts = {};
    for (const [name, [r, g, b]] of Object.entries(colours)) {
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
            const off = Math.abs(data[i] - r) + Math.abs(data[i + 1] - g);
            if (off + Math.abs(data[i + 2] - b) < 60) n++;
        }
        counts[name] = n;
    }
    const box = img.getBoundingClientRect();
    return {natural: [img.naturalWidth, img.naturalHeight], shown: [box.width, box.height], counts};
}"""
TRUST_JS = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    const trusted = [];
    for (let i = 0; i < cells.length; i++) {
        if (cells.get(i).type === "code") trusted.push(cells.get(i).trusted);
    }
    return trusted;
}"""
STYLE_JS = """(cell) => {
    const s = getComputedStyle(cell);
    return {font: s.fontFamily, background: s.backgroundColor, whiteSpace: s.whiteSpace,
            border: `${s.borderLeftWidth} ${s.borderLeftStyle} ${s.borderLeftColor}`};
}"""


def _open_as_cloned(page: Any, app: Lab, frontend: str, notebook: str) -> None:
    """Open a committed notebook as a learner who just cloned it: nothing run, untrusted."""
    path = "lab/tree" if frontend == "jupyterlab" else "notebooks"
    page.goto(f"{app.url}/{path}/{notebook}?token={app.token}", timeout=KERNEL_TIMEOUT)
    page.locator(".jp-OutputArea-output").first.wait_for(timeout=KERNEL_TIMEOUT)
    trusted = page.evaluate(TRUST_JS)
    assert trusted and not any(trusted), f"{notebook} should open untrusted: {trusted}"


SCROLL_TO_JS = """async (selector) => {
    // A notebook may draw only the cells in view (windowing: Notebook 7.4 hides the rest):
    // scroll its panel down until an element matching selector has a box, then show it.
    const shown = () => [...document.querySelectorAll(selector)].find(
        (el) => el.getBoundingClientRect().height > 0);
    const panel = document.querySelector(".jp-WindowedPanel-outer");
    for (let step = 0; step < 400 && !shown(); step++) {
        if (panel) panel.scrollTop += 300; else window.scrollBy(0, 300);
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const found = shown();
    if (found) found.scrollIntoView({block: "center"});
    return Boolean(found);
}"""


def _scroll_to(page: Any, selector: str) -> None:
    """Scroll the notebook until ``selector`` is drawn (windowed notebooks draw lazily)."""
    assert page.evaluate(SCROLL_TO_JS, selector), f"nothing drawn matches {selector}"


@pytest.mark.parametrize("frontend", ["jupyterlab", "notebook"])
def test_committed_notebooks_read_well_as_opened_before_anything_runs(
    tmp_path: Path, frontend: str
) -> None:
    if frontend == "notebook" and importlib.util.find_spec("notebook") is None:
        pytest.skip("Notebook 7 is not installed (`pip install notebook`): JupyterLab only")
    chromium = _chromium()
    sync_playwright = _playwright()
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    with _serving(tmp_path, frontend) as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.set_default_timeout(STEP_TIMEOUT)
        try:
            _open_as_cloned(page, app, frontend, OPENED["diagram"])
            # The sequence diagram: a picture of its real size, arrows and TLS band drawn.
            _scroll_to(page, ".jp-OutputArea-output img.smtplab-diagram")
            diagram = page.locator(".jp-OutputArea-output img.smtplab-diagram").first
            expect(diagram).to_be_visible()
            expect(page.get_by_text("<Diagram:")).to_have_count(0)
            drawn = diagram.evaluate(PIXELS_JS, DIAGRAM_COLOURS)
            assert drawn["natural"][0] == 760 and drawn["natural"][1] > 200, drawn
            assert drawn["shown"][0] > 700 and drawn["shown"][1] > 200, drawn
            assert min(drawn["counts"].values()) > 150, drawn  # pixels of each colour
            print(f"{frontend}: diagram {drawn}")
            # The transcript keeps its layout: monospace lines, tinted and edged by side.
            _scroll_to(page, ".jp-OutputArea-output .smtplab-transcript")
            transcript = page.locator(".jp-OutputArea-output .smtplab-transcript").first
            expect(transcript).to_be_visible()
            client = transcript.locator("tr.smtplab-c td").first.evaluate(STYLE_JS)
            server = transcript.locator("tr.smtplab-s td").first.evaluate(STYLE_JS)
            band = transcript.locator("tr.smtplab-tls td").first.evaluate(STYLE_JS)
            assert "monospace" in client["font"] and client["whiteSpace"] == "pre", client
            assert client["background"] == "rgba(9, 105, 218, 0.1)", client
            assert client["border"] == "3px solid rgba(9, 105, 218, 0.75)", client
            assert server["background"] == "rgba(130, 80, 223, 0.1)", server
            assert band["background"] == "rgba(26, 127, 55, 0.2)", band
            diagram.screenshot(path=str(ARTIFACTS / f"as-opened-{frontend}-diagram.png"))
            transcript.screenshot(path=str(ARTIFACTS / f"as-opened-{frontend}-transcript.png"))

            _open_as_cloned(page, app, frontend, OPENED["widgets"])
            outputs = page.locator(".jp-OutputArea-output")
            for name in ("Playground", "InboxView", "Stepper"):
                expect(
                    outputs.get_by_text(f"{name} (interactive: run the notebook to use it)")
                ).to_have_count(1)
            expect(outputs.get_by_text("children=")).to_have_count(0)
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / f"as-opened-{frontend}-failure.png"))
            print(app.log_tail(), file=sys.stderr)
            raise
        finally:
            browser.close()


# --------------------------------------------------------------------------- contrast

STEPPER_CELLS = [
    "from smtplab.lab import LabServer\nfrom smtplab.widgets import Stepper\n"
    "lab = LabServer().start()\nstepper = Stepper(lab)",
    'stepper.press("CONNECT")\nstepper.press("EHLO")\n'
    'stepper.press_line("RCPT TO:<bob@example.com>")  # out of order: refused, explained\n'
    "stepper",
]
CONTRAST_JS = """(root) => {
    const parse = (text) => {  // rgb(), rgba() or color(srgb ...) as [r, g, b, a], 0-255
        const n = text.match(/[\\d.]+/g).map(Number);
        if (text.startsWith("color(")) {
            return [n[0] * 255, n[1] * 255, n[2] * 255, n.length > 3 ? n[3] : 1];
        }
        return [n[0], n[1], n[2], n.length > 3 ? n[3] : 1];
    };
    const over = (top, under) => [0, 1, 2].map((i) => top[3] * top[i] + (1 - top[3]) * under[i]);
    const luminance = (c) => {
        const [r, g, b] = c.map((v) => {
            v /= 255;
            return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const pixel = (chain, text) => {  // what shows at a glyph (or beside it), groups' opacity
        const paint = (i, behind) => {
            const style = getComputedStyle(chain[i]);
            let inside = over(parse(style.backgroundColor), behind);
            inside = i === chain.length - 1
                ? (text ? over(parse(style.color), inside) : inside)
                : paint(i + 1, inside);
            const o = Number(style.opacity);
            return [0, 1, 2].map((k) => o * inside[k] + (1 - o) * behind[k]);
        };
        return paint(0, [255, 255, 255]);
    };
    const found = [];
    for (const el of [root, ...root.querySelectorAll("*")]) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own || !el.getClientRects().length) continue;
        const chain = [];
        for (let node = el; node; node = node.parentElement) chain.unshift(node);
        const [fg, bg] = [luminance(pixel(chain, true)), luminance(pixel(chain, false))];
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        const text = el.textContent.trim().slice(0, 50);
        found.push({text, ratio: Math.round(ratio * 100) / 100});
    }
    return found.sort((a, b) => a.ratio - b.ratio);
}"""


def test_the_stepper_text_reads_at_4_5_to_1_in_light_and_dark_themes(jupyterlab: Lab) -> None:
    """Every text in a live Stepper (notes, explanations, greyed-out buttons, the list of
    why they are greyed out) against what is behind it, in both JupyterLab themes."""
    chromium = _chromium()
    sync_playwright = _playwright()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    served = jupyterlab.log.parent / "notebooks"  # the fixture's copy of notebooks/
    notebook = json.loads((served / NOTEBOOK).read_text(encoding="utf-8"))  # its metadata
    notebook["cells"] = [
        {"cell_type": "code", "id": f"c{n}", "metadata": {}, "source": source}
        | {"outputs": [], "execution_count": None}
        for n, source in enumerate(STEPPER_CELLS)
    ]
    (served / "stepper-contrast.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.set_default_timeout(STEP_TIMEOUT)
        try:
            page.goto(
                f"{jupyterlab.url}/lab/tree/stepper-contrast.ipynb?token={jupyterlab.token}",
                timeout=KERNEL_TIMEOUT,
            )
            expect(page.locator(".jp-CodeCell").first).to_be_visible(timeout=KERNEL_TIMEOUT)
            choose = page.locator(".jp-Dialog .jp-mod-accept", has_text="Select")
            with contextlib.suppress(PlaywrightTimeout):  # a new file may ask for its kernel
                choose.click(timeout=5_000)
            _menu(page, "Run", "runmenu:run-all")
            stepper = page.locator(".smtplab-stepper")
            expect(stepper.locator(".smtplab-stepper-log .smtplab-stepper-step")).to_have_count(
                3, timeout=KERNEL_TIMEOUT
            )
            stepper.locator(".smtplab-why-not summary").click()  # its list, shown
            for theme in ("JupyterLab Light", "JupyterLab Dark"):
                page.evaluate(
                    "(theme) => window.jupyterapp.commands.execute("
                    "'apputils:change-theme', {theme})",
                    theme,
                )
                light = "true" if theme.endswith("Light") else "false"
                page.wait_for_function(f"document.body.dataset.jpThemeLight === '{light}'")
                page.wait_for_timeout(1000)  # the theme's stylesheet, applied
                found = stepper.evaluate(CONTRAST_JS)
                print(theme, found[:5])
                stepper.screenshot(path=str(ARTIFACTS / f"stepper-{light}.png"))
                assert len(found) > 20, found
                low = [f for f in found if f["ratio"] < 4.5]
                assert not low, f"{theme}: text under 4.5:1: {low}"
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "stepper-contrast-failure.png"))
            print(jupyterlab.log_tail(), file=sys.stderr)
            raise
        finally:
            browser.close()


# --------------------------------------------------------------------------- make lab

NEWS_QUESTION = "official Jupyter news"
START = "00-start-here.ipynb"  # `make lab` opens it, serving notebooks/
NOTIFICATION = "/lab/api/settings/@jupyterlab/apputils-extension:notification"


def test_make_lab_asks_no_news_question(tmp_path: Path) -> None:
    """`make lab` itself (on a free port, with a token): JupyterLab's fetchNews setting
    is "false" by default there, and the page shows no news question."""
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("`make lab` runs the checkout's .venv; these tests run another Python")
    if shutil.which("make") is None:
        _missing("make is not installed (`sudo apt-get install make`)")
    chromium = _chromium()
    sync_playwright = _playwright()
    token = secrets.token_hex(16)
    port = _free_port()
    options = [
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--ServerApp.open_browser=False",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.user_settings_dir={tmp_path / 'user-settings'}",  # a new learner's
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
    ]
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    log = tmp_path / "make-lab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"LAB_ARGS={' '.join(options)}"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    lab = Lab(f"http://127.0.0.1:{port}", token, process, log)
    try:
        _wait_until_up(lab)
        schema = lab.api(NOTIFICATION)["schema"]["properties"]
        assert schema["fetchNews"]["default"] == "false", schema["fetchNews"]
        assert schema["checkForUpdates"]["default"] is False, schema["checkForUpdates"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            try:
                page.goto(f"{lab.url}/lab/tree/{START}?token={token}", timeout=KERNEL_TIMEOUT)
                page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=KERNEL_TIMEOUT)
                page.wait_for_timeout(3000)  # the question comes soon after the page
                assert page.get_by_text(NEWS_QUESTION).count() == 0
            except BaseException:
                page.screenshot(path=str(ARTIFACTS / "make-lab-failure.png"))
                raise
            finally:
                browser.close()
    except BaseException:
        print(lab.log_tail(), file=sys.stderr)
        raise
    finally:
        lab.shutdown()


def test_a_missing_tool_skips_for_a_learner_and_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        _missing("Chromium is not installed: `sudo apt-get install chromium`")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _missing("Chromium is not installed: `sudo apt-get install chromium`")
