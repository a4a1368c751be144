"""A private Postfix instance on 127.0.0.1, for the interop tests, and its AUTH back end.

:class:`PostfixInstance` writes a ``main.cf`` and a ``master.cf`` into a directory of its
own, with its own queue and data directories, and runs Debian's Postfix from there
(``postfix -c DIR start`` / ``stop``). It is built so that it can do no harm:

* ``inet_interfaces = 127.0.0.1``: it listens on the loopback only, on one high port;
* no relaying anywhere: ``relayhost =``, ``default_transport = error``, no local
  delivery (``mydestination =``, ``local_transport = error``), and
  ``smtpd_relay_restrictions = reject_unauth_destination``: the only addresses it
  accepts are the test mailboxes of the virtual domain ``postfix.test``, delivered by the
  ``virtual`` agent to Maildir files under the instance's directory;
* STARTTLS with a certificate from a test CA (trustme); AUTH only inside TLS
  (``smtpd_tls_auth_only``).

Postfix's SMTP server does the whole AUTH dialogue (the 334 prompts, the 235 and 535
replies) but asks a SASL back end whether a password is right. Debian's Postfix knows
Cyrus SASL and Dovecot; neither is installed for the tests, so :class:`DovecotAuth`
answers Postfix in the Dovecot authentication protocol (the small text protocol of
doc.dovecot.org, "Authentication Protocol") for the PLAIN and LOGIN mechanisms, on
127.0.0.1 (``smtpd_sasl_path = inet:127.0.0.1:PORT``). It stands in for the password
database only; every byte the client sees comes from Postfix.
"""

from __future__ import annotations

import base64
import contextlib
import grp
import os
import pty
import pwd
import select
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

import trustme

from smtplab.lab.inbox import INBOX_POLICY

__all__ = ["DOMAIN", "DovecotAuth", "PostfixError", "PostfixInstance"]

DOMAIN = "postfix.test"
"""The virtual domain whose mailboxes the instance delivers to; nothing else is accepted."""

HOSTNAME = "postfix.smtplab.test"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


class PostfixError(RuntimeError):
    """The instance could not be started; the message has Postfix's own words."""


# --- the SASL back end ----------------------------------------------------------------------


class DovecotAuth:
    """A Dovecot authentication service for Postfix: PLAIN and LOGIN, a fixed user table.

    One thread accepts on 127.0.0.1 (a free port), one thread per Postfix connection.
    ``requests`` records the mechanisms asked for (never the secrets).
    """

    def __init__(self, users: Mapping[str, str]) -> None:
        self.users = dict(users)
        self.requests: list[str] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._accept_thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> DovecotAuth:
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        self._accept_thread.join(5)
        for thread in self._threads:
            thread.join(5)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        buffer = b""
        pending: dict[str, tuple[str, list[str]]] = {}  # id -> (mechanism, answers so far)
        try:
            conn.sendall(
                b"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\n"
                b"SPID\t%d\nCUID\t1\nCOOKIE\t%s\nDONE\n"
                % (os.getpid(), os.urandom(16).hex().encode())
            )
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    answer = self._handle(line.decode("utf-8", "replace").split("\t"), pending)
                    if answer:
                        conn.sendall(answer.encode() + b"\n")
        except OSError:
            return
        except BaseException as exc:  # recorded for the test, never printed
            self.errors.append(exc)
        finally:
            conn.close()

    def _handle(self, fields: list[str], pending: dict[str, tuple[str, list[str]]]) -> str:
        verb = fields[0]
        if verb == "AUTH":
            request_id, mechanism = fields[1], fields[2].upper()
            options = dict(f.split("=", 1) for f in fields[3:] if "=" in f)
            self.requests.append(mechanism)
            answers = [_b64(options["resp"])] if "resp" in options else []
            pending[request_id] = (mechanism, answers)
            return self._step(request_id, pending)
        if verb == "CONT":
            request_id = fields[1]
            if request_id not in pending:
                return f"FAIL\t{request_id}\treason=unknown request"
            pending[request_id][1].append(_b64(fields[2] if len(fields) > 2 else ""))
            return self._step(request_id, pending)
        return ""  # VERSION, CPID: nothing to answer

    def _step(self, request_id: str, pending: dict[str, tuple[str, list[str]]]) -> str:
        mechanism, answers = pending[request_id]
        if mechanism == "PLAIN":
            if not answers:
                return f"CONT\t{request_id}\t"
            parts = answers[0].split("\0")
            user, password = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        elif mechanism == "LOGIN":
            if len(answers) == 0:
                return f"CONT\t{request_id}\t{_b64e('Username:')}"
            if len(answers) == 1:
                return f"CONT\t{request_id}\t{_b64e('Password:')}"
            user, password = answers[0], answers[1]
        else:
            del pending[request_id]
            return f"FAIL\t{request_id}\treason=unsupported mechanism"
        del pending[request_id]
        if self.users.get(user) == password:
            return f"OK\t{request_id}\tuser={user}"
        return f"FAIL\t{request_id}\tuser={user}"


def _b64(text: str) -> str:
    try:
        return base64.b64decode(text).decode("utf-8", "replace")
    except ValueError:
        return ""


def _b64e(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# --- the Postfix instance ---------------------------------------------------------------------

_MASTER_CF = """\
{listen} inet n - n - - smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
"""


def free_port() -> int:
    """A port that was free a moment ago (Postfix binds it itself: a small race, retried)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostfixInstance:
    """Postfix from a private directory ``base`` (see the module docstring).

    ``mailboxes`` are the local parts of the virtual domain's mailboxes; ``auth_port`` is
    where :class:`DovecotAuth` listens; ``postfix`` is the path of the postfix command.
    Start with :meth:`start`, stop with :meth:`stop`.
    """

    def __init__(
        self,
        base: Path,
        *,
        cert: trustme.LeafCert,
        auth_port: int,
        mailboxes: tuple[str, ...] = ("bob",),
        postfix: str = "/usr/sbin/postfix",
    ) -> None:
        self.base = base
        self.conf = base / "conf"
        self.queue = base / "queue"
        self.data = base / "data"
        self.mail = base / "mail"
        self.log_file = base / "maillog"
        self.cert = cert
        self.auth_port = auth_port
        self.mailboxes = mailboxes
        self.host = "127.0.0.1"
        self.port = 0
        self.postfix = postfix
        self._running = False

    # -- configuration ---------------------------------------------------------------------
    def _write_config(self) -> None:
        owner = pwd.getpwnam("postfix")
        group = grp.getgrnam("postfix")
        for directory in (self.base, self.conf, self.queue):
            directory.mkdir(mode=0o755, exist_ok=True)
            directory.chmod(0o755)  # the postfix user must reach the queue through them
        for directory in (self.data, self.mail):
            directory.mkdir(mode=0o700, exist_ok=True)
            os.chown(directory, owner.pw_uid, group.gr_gid)
        cert_file, key_file = self.conf / "cert.pem", self.conf / "key.pem"
        self.cert.cert_chain_pems[0].write_to_path(str(cert_file))
        self.cert.private_key_pem.write_to_path(str(key_file))
        key_file.chmod(0o600)
        maps = ", ".join(f"{box}@{DOMAIN}={box}/" for box in self.mailboxes)
        settings = {
            "compatibility_level": "3.6",
            "queue_directory": self.queue,
            "data_directory": self.data,
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": HOSTNAME,
            "mydomain": "smtplab.test",
            "myorigin": "$myhostname",
            "mydestination": "",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "relayhost": "",
            "relay_domains": "",
            "default_transport": "error:this test instance relays nothing",
            "local_transport": "error:this test instance delivers nothing locally",
            "smtpd_relay_restrictions": "reject_unauth_destination",
            "virtual_mailbox_domains": DOMAIN,
            "virtual_mailbox_base": self.mail,
            "virtual_mailbox_maps": f"inline:{{ {maps} }}",
            "virtual_uid_maps": f"static:{owner.pw_uid}",
            "virtual_gid_maps": f"static:{group.gr_gid}",
            "virtual_minimum_uid": str(min(owner.pw_uid, 100)),
            "alias_maps": "",
            "alias_database": "",
            "smtputf8_enable": "yes",
            "biff": "no",
            "smtpd_banner": "$myhostname ESMTP Postfix (smtplab interop test)",
            "smtpd_error_sleep_time": "0",
            "maillog_file": self.log_file,
            "maillog_file_prefixes": self.base,
            "smtpd_tls_cert_file": cert_file,
            "smtpd_tls_key_file": key_file,
            "smtpd_tls_security_level": "may",
            "smtpd_tls_auth_only": "yes",
            "smtpd_tls_loglevel": "1",
            "smtpd_sasl_auth_enable": "yes",
            "smtpd_sasl_type": "dovecot",
            "smtpd_sasl_path": f"inet:127.0.0.1:{self.auth_port}",
            "broken_sasl_auth_clients": "no",
        }
        (self.conf / "main.cf").write_text(
            "".join(f"{name} = {value}\n" for name, value in settings.items())
        )
        listen = f"{self.host}:{self.port}"
        (self.conf / "master.cf").write_text(_MASTER_CF.format(listen=listen))

    # -- running -----------------------------------------------------------------------------
    def _postfix(self, *args: str) -> tuple[int, str]:
        """Run ``postfix -c CONF ARGS``; its stderr is a terminal, where it reports errors."""
        controller, terminal = pty.openpty()
        try:
            process = subprocess.Popen(
                [self.postfix, "-c", str(self.conf), *args],
                stdin=subprocess.DEVNULL,
                stdout=terminal,
                stderr=terminal,
                close_fds=True,
            )
            os.close(terminal)
            terminal = -1
            output = bytearray()
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                ready, _, _ = select.select([controller], [], [], 0.1)
                if ready:
                    try:
                        chunk = os.read(controller, 4096)
                    except OSError:  # EIO: the other side closed
                        chunk = b""
                    if not chunk and process.poll() is not None:
                        break
                    output += chunk
                elif process.poll() is not None:
                    break
            try:
                returncode = process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                returncode = process.wait()
            return returncode, output.decode("utf-8", "replace")
        finally:
            os.close(controller)
            if terminal >= 0:
                os.close(terminal)

    def start(self, attempts: int = 3) -> PostfixInstance:
        """Start on a free high port (another one if it was taken meanwhile)."""
        failure = ""
        for _ in range(attempts):
            self.port = free_port()
            self._write_config()
            code, output = self._postfix("start")
            if code != 0:
                raise PostfixError(f"postfix start failed ({code}): {output.strip()}")
            self._running = True
            if self._wait_listening():
                return self
            failure = self.log()[-2000:]
            self.stop()
        raise PostfixError(f"postfix did not listen on 127.0.0.1; its log says:\n{failure}")

    def _wait_listening(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection((self.host, self.port), timeout=1) as probe,
            ):
                probe.settimeout(5)
                return probe.recv(4).startswith(b"220")
            if "fatal" in self.log() or "address already in use" in self.log().lower():
                return False
            time.sleep(0.1)
        return False

    def master_pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int((self.queue / "pid" / "master.pid").read_text().strip())
        return None

    def stop(self) -> None:
        """``postfix stop``, then wait for the master process to end (kill it if needed)."""
        if not self._running:
            return
        self._running = False
        pid = self.master_pid()
        self._postfix("stop")
        deadline = time.monotonic() + STOP_TIMEOUT
        while pid is not None and _alive(pid):
            if time.monotonic() > deadline:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.1)

    # -- looking inside ----------------------------------------------------------------------
    def log(self) -> str:
        """Postfix's log so far."""
        with contextlib.suppress(OSError):
            return self.log_file.read_text(errors="replace")
        return ""

    def delivered(self, mailbox: str = "bob") -> list[bytes]:
        """The messages in a mailbox (Maildir ``new`` and ``cur``), oldest first."""
        found: list[Path] = []
        for folder in ("new", "cur"):
            path = self.mail / mailbox / folder
            if path.is_dir():
                found.extend(path.iterdir())
        return [item.read_bytes() for item in sorted(found, key=lambda p: p.stat().st_mtime)]

    def wait_for_mail(
        self, count: int, mailbox: str = "bob", timeout: float = 15.0
    ) -> list[EmailMessage]:
        """Wait until ``count`` messages are in ``mailbox``; return them parsed."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.delivered(mailbox)
            if len(messages) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        # Raw UTF-8 in headers (RFC 6532) read as UTF-8, as the lab's inbox reads it.
        parsed = [message_from_bytes(data, policy=INBOX_POLICY) for data in messages]
        return [m for m in parsed if isinstance(m, EmailMessage)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):  # a zombie (our own child) counts as ended
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
        return state != "Z"
    return True
