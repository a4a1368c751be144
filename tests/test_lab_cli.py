"""``python -m smtplab serve``: run as a real subprocess, fed real mail, stopped with Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import shlex
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from smtplab.cli import build_parser, main
from smtplab.lab.server import is_loopback

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 10.0


class Terminal:
    """A running ``python -m smtplab ...`` whose output lines are read with a timeout."""

    def __init__(self, *args: str, password: str | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if k != "SMTPLAB_PASSWORD"}
        if password is not None:
            env["SMTPLAB_PASSWORD"] = password
        self.process = subprocess.Popen(
            [sys.executable, "-m", "smtplab", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "0"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def read_until(self, pattern: str) -> list[str]:
        """Lines up to and including the first that matches ``pattern``."""
        seen: list[str] = []
        deadline = time.monotonic() + TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}; saw {seen}") from None
            seen.append(line)
            if re.search(pattern, line):
                return seen

    def interrupt(self, signum: int = signal.SIGINT) -> tuple[int, str]:
        """Press Ctrl-C (or send ``signum``); return the exit code and stderr."""
        self.process.send_signal(signum)
        self.process.wait(timeout=TIMEOUT)
        self._reader.join(TIMEOUT)  # stdout is read by the reader thread only
        assert self.process.stderr is not None
        return self.process.returncode, self.process.stderr.read()

    def close(self) -> None:
        """Kill the process if it still runs, and close its pipes."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(TIMEOUT)
        self._reader.join(TIMEOUT)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


def field(banner: list[str], name: str) -> str:
    for line in banner:
        match = re.match(rf"\s+{name}:\s+(\S+)", line)
        if match:
            return match[1]
    raise AssertionError(f"no {name!r} in the banner: {banner}")


def test_serve_prints_the_banner_and_each_message_then_stops_on_ctrl_c() -> None:
    password = "pw:2-from-the-environment"
    terminal = Terminal(
        "serve",
        "--user",
        "student",
        "--user",
        "teacher",
        "--require-tls",
        "--require-auth",
        "--hostname",
        "mail.lab.test",
        "--size-limit",
        "4096",
        password=password,
    )
    try:
        banner = terminal.read_until(r"^Waiting for mail")
        assert banner[0] == "smtplab lab server is running (Ctrl-C to stop)"
        assert field(banner, "host") == "127.0.0.1"
        assert field(banner, "hostname") == "mail.lab.test"
        port, tls_port = int(field(banner, "port")), int(field(banner, "tls_port"))
        ca_file = field(banner, "CA file")
        accounts = [line.split(":", 1)[1].strip() for line in banner if "account:" in line]
        assert accounts == [
            "student / (the password you gave)",
            "teacher / (the password you gave)",
        ]
        text = "\n".join(banner)
        assert password not in text  # a password you chose is never printed, swaks line too
        assert "--auth-user student --to" in text and "--tls-verify --tls-ca-path" in text
        assert "STARTTLS required" in text and "AUTH required" in text
        assert "size limit 4096 bytes" in text

        context = ssl.create_default_context(cafile=ca_file)
        with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
            client.starttls(context=context)  # verified: the certificate covers 127.0.0.1
            client.login("teacher", password)
            client.sendmail(
                "teacher@mail.lab.test",
                ["bob@example.com"],
                b"Subject: from the terminal\r\n\r\nx\r\n",
            )
        (line,) = terminal.read_until(r"#1 ")
        assert "from teacher@mail.lab.test to bob@example.com" in line
        assert "TLS, AUTH teacher, Subject: 'from the terminal'" in line
        with smtplib.SMTP_SSL("localhost", tls_port, timeout=TIMEOUT, context=context) as client:
            client.login("student", password)
            client.sendmail(
                "student@mail.lab.test", ["carol@example.com"], b"Subject: 2\r\n\r\nx\r\n"
            )
        assert "#2 from student@mail.lab.test" in terminal.read_until(r"#2 ")[0]

        code, err = terminal.interrupt()
        assert code == 0
        assert err == ""
        assert terminal.read_until(r"stopping the lab server")
        assert not Path(ca_file).exists()
        assert not any(password in line for line in list(terminal.lines.queue))
    finally:
        terminal.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_serve_stops_cleanly_on_sigterm_and_sighup(signum: int) -> None:
    terminal = Terminal("serve")
    try:
        banner = terminal.read_until(r"^Waiting for mail")
        port = int(field(banner, "port"))
        ca_directory = Path(field(banner, "CA file")).parent
        assert ca_directory.is_dir()
        assert re.fullmatch(r"  account:    student / [A-Za-z0-9]{16}", banner[6])
        assert terminal.interrupt(signum) == (0, "")
        assert not ca_directory.exists()  # the lab stopped and removed its CA directory
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    finally:
        terminal.close()


def test_serve_reports_a_fixed_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "smtplab", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    assert result.returncode == 1
    assert f"error: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_warns_before_binding_beyond_loopback(capsys) -> None:
    # 192.0.2.1 (TEST-NET-1, RFC 5737) is not an address of this machine: the warning
    # is printed, then the bind fails, so nothing is ever exposed.
    assert main(["serve", "--bind", "192.0.2.1"]) == 1
    err = capsys.readouterr().err
    assert "warning: listening on 192.0.2.1 makes the lab reachable from other machines" in err
    assert "error: " in err


def test_options_are_parsed() -> None:
    args = build_parser().parse_args(
        ["serve", "--port", "2525", "--tls-port", "2465", "--bind", "::1", "--user", "a"]
    )
    assert (args.port, args.tls_port, args.bind, args.user) == (2525, 2465, "::1", ["a"])
    assert args.shared_host is None  # the lab's default: on under JupyterHub
    # None: the lab's default (or the --profile's) size limit
    assert (args.require_tls, args.require_auth, args.size_limit) == (False, False, None)
    assert args.hostname == "lab.smtplab.test"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["serve", "--user", "name:secret"], "give the account NAME only"),
        (["serve", "--password", "secret"], "set SMTPLAB_PASSWORD, or type it at the prompt"),
        (["serve", "--host", "0.0.0.0"], "unrecognized arguments: --host"),  # not --hostname
        (["serve", "--slow", "DATA_END=nan"], "give a finite number of seconds"),
        (["serve", "--slow", "DATA_END=inf"], "give a finite number of seconds"),
        (["serve", "--slow", "DATA_END=-1"], "give a finite number of seconds"),
        (["serve", "--slow", "DATA_END"], "write STEP=SECONDS"),
        (["serve", "--port", "70000"], "70000 is not a port"),
        (["serve", "--size-limit", "0"], "must be a positive number"),
        (["fly"], "invalid choice: 'fly'"),
    ],
)
def test_usage_errors_exit_2_and_say_why(capsys, argv: list[str], message: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.splitlines()) == 1 and "error: " in err  # one line, no usage dump
    assert "secret" not in err  # a password typed where it does not belong is not echoed


def test_help_exits_0(capsys) -> None:
    assert main(["serve", "--help"]) == 0
    assert "--require-tls" in capsys.readouterr().out


def test_loopback_detection() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.0.2.1", "::", "example.com"))


@pytest.mark.skipif(not Path("/proc/net/tcp").is_file(), reason="shared-host mode needs Linux")
@pytest.mark.parametrize(
    ("hub", "args", "state"),
    [("ada", (), "on:"), ("ada", ("--no-shared-host",), "off:"), ("", ("--shared-host",), "on:")],
)
def test_serve_is_shared_host_under_jupyterhub_unless_told(
    monkeypatch, hub: str, args: tuple[str, ...], state: str
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", hub)
    terminal = Terminal("serve", *args)
    try:
        banner = terminal.read_until(r"^Waiting for mail")
        assert field(banner, "shared") == state
        with smtplib.SMTP("127.0.0.1", int(field(banner, "port")), timeout=TIMEOUT) as client:
            assert client.noop()[0] == 250  # our own connection is served either way
        assert terminal.interrupt() == (0, "")
    finally:
        terminal.close()


def send_through(port: int, data: bytes, sender: str = "ada@example.com") -> None:
    """One message into the lab over plain SMTP (the lab's default accepts it)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
        client.sendmail(sender, ["bob@example.com", "carol@example.com"], data)


ODD_MESSAGE = (
    b"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_dem_Labor?=\r\n"
    b"From: =?utf-8?b?5byg5LiJ?= <ada@example.com>\r\n"
    b"X-Trick: \x1b[2Jcleared\r\n"
    b"\r\n"
    b"From the start of a line\r\n"
    b"body \xc3\xa9t\xc3\xa9 \x1b[31mred\r\n"
)


def test_serve_show_prints_whole_messages_headers_decoded_and_caps_huge_ones() -> None:
    terminal = Terminal("serve", "--show")
    try:
        port = int(field(terminal.read_until(r"^Waiting for mail"), "port"))
        send_through(port, ODD_MESSAGE)
        shown = terminal.read_until(r"^----- end of message #1")
        text = "\n".join(shown)
        assert "Subject: Grüße aus dem Labor" in text and "From: 张三 <ada@example.com>" in text
        assert "X-Trick: ␛[2Jcleared" in text and "\x1b" not in text  # shown, never acting
        assert "From the start of a line" in text and "body été ␛[31mred" in text
        send_through(port, b"Subject: big\r\n\r\n" + (b"y" * 60 + b"\r\n") * 400)
        big = "\n".join(terminal.read_until(r"^----- end of message #2"))
        assert "[... 4816 of its 24816 bytes not shown: --mbox keeps all]" in big
        assert big.count("y" * 60) == (20_000 - 16) // 62  # the headers, 322 lines and a part
        assert terminal.interrupt() == (0, "")
    finally:
        terminal.close()


def test_serve_keeps_messages_in_a_private_maildir_and_mbox(tmp_path: Path) -> None:
    import mailbox

    maildir, mbox = tmp_path / "Maildir", tmp_path / "lab.mbox"
    terminal = Terminal("serve", "--maildir", str(maildir), "--mbox", str(mbox))
    try:
        port = int(field(terminal.read_until(r"^Waiting for mail"), "port"))
        send_through(port, ODD_MESSAGE)
        send_through(port, b"Subject: second\r\n\r\nshort\r\n", sender="eve@example.com")
        terminal.read_until(r"#2 ")
        assert terminal.interrupt() == (0, "")
    finally:
        terminal.close()
    kept = sorted(mailbox.Maildir(str(maildir), create=False), key=lambda m: m["Subject"])
    assert [m["Subject"] for m in kept] == [
        "=?utf-8?q?Gr=C3=BC=C3=9Fe_aus_dem_Labor?=",  # the message's bytes, as sent
        "second",
    ]
    first = kept[0]
    assert first["Return-Path"] == "<ada@example.com>"
    assert first.get_all("Delivered-To") == ["bob@example.com", "carol@example.com"]
    assert first.get_payload(decode=True).startswith(b"From the start of a line\n")
    assert len(os.listdir(maildir / "new")) == 2 and os.listdir(maildir / "tmp") == []
    for directory in (maildir, maildir / "new", maildir / "cur", maildir / "tmp"):
        assert directory.stat().st_mode & 0o777 == 0o700
    for name in os.listdir(maildir / "new"):
        assert (maildir / "new" / name).stat().st_mode & 0o777 == 0o600

    box = mailbox.mbox(str(mbox), create=False)
    first, second = list(box)
    assert first.get_from().startswith("ada@example.com ") and "Return-Path" in first
    assert second.get_from().startswith("eve@example.com ") and second["Subject"] == "second"
    raw = mbox.read_bytes()
    assert b"\n>From the start of a line\n" in raw  # mboxo: a body line is not a From_ line
    assert raw.count(b"\nFrom ") + raw.startswith(b"From ") == 2
    assert mbox.stat().st_mode & 0o777 == 0o600


def test_serve_refuses_a_maildir_it_cannot_make(tmp_path: Path) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a directory\n")
    terminal = Terminal("serve", "--maildir", str(in_the_way / "Maildir"))
    try:
        assert terminal.process.wait(TIMEOUT) == 2
        assert terminal.process.stderr is not None
        err = terminal.process.stderr.read()
        assert err.startswith("error: cannot keep mail in ") and "Traceback" not in err
    finally:
        terminal.close()


@pytest.mark.skipif(not shutil.which("swaks"), reason="swaks is not installed")
def test_the_printed_swaks_line_works_with_swaks_and_verifies_tls() -> None:
    terminal = Terminal("serve")
    try:
        banner = terminal.read_until(r"^Waiting for mail")
        [command] = [line for line in banner if line.strip().startswith("swaks ")]
        argv = shlex.split(command)
        assert argv[argv.index("--tls-verify") + 1] == "--tls-ca-path"
        account = next(line for line in banner if "account:" in line)
        password = account.split(" / ", 1)[1].strip()
        done = subprocess.run(  # swaks asks for the password: it comes on standard input
            argv, input=password + "\n", capture_output=True, text=True, timeout=TIMEOUT
        )
        assert done.returncode == 0, done.stdout[-2000:]
        assert "TLS started" in done.stdout
        (line,) = terminal.read_until(r"#1 ")
        assert "TLS, AUTH student" in line
        assert terminal.interrupt() == (0, "")
    finally:
        terminal.close()
