"""The lab's life: ports, threads, stopping, garbage collection, many labs at once."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import smtplib
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from smtplab.errors import Timeout
from smtplab.lab import LabPolicy, LabServer

pytestmark = pytest.mark.timeout(60)

TIMEOUT = 5.0
ROOT = Path(__file__).resolve().parent.parent


def lab_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("smtplab-lab")]


def refuses(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1.0).close()
    except ConnectionRefusedError:
        return True
    return False


def send(lab: LabServer, subject: str, port: int | None = None) -> None:
    with smtplib.SMTP(lab.host, port or lab.port, timeout=TIMEOUT) as client:
        client.sendmail(
            "a@learner.example", ["b@example.com"], f"Subject: {subject}\r\n\r\nx\r\n".encode()
        )


def test_defaults_host_ports_and_names(lab: LabServer) -> None:
    assert lab.host == "127.0.0.1"
    assert lab.hostname == "lab.smtplab.test"
    assert isinstance(lab.port, int) and isinstance(lab.tls_port, int)
    assert lab.port != lab.tls_port
    assert set(lab.users) == {"student"}
    assert lab.policy == LabPolicy()
    assert lab.running
    assert repr(lab).startswith(f"<LabServer lab.smtplab.test on 127.0.0.1 port={lab.port} ")
    assert lab.errors == []


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_binds_loopback_only_by_default(lab: LabServer) -> None:
    listening = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if state == "0A":  # LISTEN
            listening[int(port, 16)] = address
    assert listening[lab.port] == "0100007F"  # 127.0.0.1, not 00000000 (every interface)
    assert listening[lab.tls_port] == "0100007F"


def test_ports_are_unknown_before_start() -> None:
    lab = LabServer()
    assert repr(lab) == "<LabServer lab.smtplab.test (not started)>"
    with pytest.raises(RuntimeError, match=r"call lab\.start\(\) first"):
        lab.port  # noqa: B018
    with pytest.raises(RuntimeError, match="not started"):
        lab.ssl_context()
    lab.stop()  # stopping a lab that never started is fine


def test_start_returns_the_lab_and_a_second_start_does_nothing() -> None:
    lab = LabServer().start()
    try:
        port = lab.port
        assert lab.start() is lab
        assert lab.port == port
        assert len([t for t in lab_threads() if t.name.endswith(str(port))]) == 1
    finally:
        lab.stop()


def test_two_labs_at_once_have_their_own_ports_and_inboxes(lab_factory) -> None:
    first, second = lab_factory(), lab_factory()
    assert len({first.port, first.tls_port, second.port, second.tls_port}) == 4
    send(first, "to first")
    send(second, "to second")
    assert [m.subject for m in first.wait_for(1)] == ["to first"]
    assert [m.subject for m in second.wait_for(1)] == ["to second"]


def test_stop_closes_the_ports_joins_the_thread_and_is_idempotent() -> None:
    before = set(threading.enumerate())
    lab = LabServer().start()
    host, port, tls_port, ca_path = lab.host, lab.port, lab.tls_port, lab.ca_path
    assert Path(ca_path).exists()
    send(lab, "one")
    assert len(lab_threads()) == 1
    lab.stop()
    assert set(threading.enumerate()) == before
    assert refuses(host, port) and refuses(host, tls_port)
    assert not Path(ca_path).exists()
    assert not lab.running
    lab.stop()
    assert [m.subject for m in lab.inbox] == ["one"]  # what arrived stays readable


def test_context_manager_starts_and_stops() -> None:
    with LabServer() as lab:
        port = lab.port
        send(lab, "inside")
        assert lab.wait_for(1)
    assert refuses("127.0.0.1", port)
    assert lab_threads() == []


def test_stop_with_clients_still_connected(raw_smtp) -> None:
    lab = LabServer().start()
    mid_session = raw_smtp(lab.host, lab.port)
    mid_session.read_reply()
    mid_session.command("EHLO learner.example")
    mid_session.command("MAIL FROM:<a@learner.example>")
    in_tls = raw_smtp(lab.host, lab.port)
    in_tls.read_reply()
    in_tls.command("EHLO learner.example")
    in_tls.starttls(lab.ssl_context())
    in_message = raw_smtp(lab.host, lab.tls_port, context=lab.ssl_context())
    in_message.read_reply()
    for line in ("EHLO x", "MAIL FROM:<a@x.example>", "RCPT TO:<b@example.com>", "DATA"):
        in_message.command(line)
    in_message.send(b"Subject: unfinished\r\n")
    no_handshake = socket.create_connection((lab.host, lab.tls_port), timeout=TIMEOUT)
    time.sleep(0.05)
    started = time.monotonic()
    lab.stop()
    assert time.monotonic() - started < 1.0
    assert lab_threads() == []
    for client in (mid_session, in_tls, in_message):
        assert client.closed_by_server()
    assert no_handshake.recv(1) == b""
    no_handshake.close()
    assert lab.inbox == []
    assert lab.sessions[-1].error == "the lab stopped during the TLS handshake"


def test_an_unreferenced_lab_is_stopped_by_garbage_collection(raw_smtp) -> None:
    lab = LabServer().start()
    port, tls_port = lab.port, lab.tls_port
    client = raw_smtp(lab.host, port)  # an open connection must not keep the lab alive
    client.read_reply()
    send(lab, "before del")
    lab.wait_for(1)
    del lab
    gc.collect()
    assert lab_threads() == []
    assert refuses("127.0.0.1", port) and refuses("127.0.0.1", tls_port)
    assert client.closed_by_server()


def test_running_the_start_cell_twice_leaves_one_lab() -> None:
    namespace: dict[str, object] = {"LabServer": LabServer}
    cell = "lab = LabServer().start()"
    exec(cell, namespace)
    first_port = namespace["lab"].port  # type: ignore[attr-defined]
    exec(cell, namespace)
    second = namespace["lab"]
    try:
        assert refuses("127.0.0.1", first_port)
        assert [t.name for t in lab_threads()] == [f"smtplab-lab-{second.port}"]  # type: ignore[attr-defined]
        send(second, "still here")  # type: ignore[arg-type]
    finally:
        second.stop()  # type: ignore[attr-defined]


def test_a_stopped_lab_can_start_again_and_keeps_its_inbox() -> None:
    lab = LabServer(users={"student": "pw"})
    try:
        lab.start()
        send(lab, "first run")
        lab.wait_for(1)
        lab.stop()
        lab.start()
        assert lab.running and lab.users == {"student": "pw"}
        send(lab, "second run")
        assert [m.subject for m in lab.wait_for(2)] == ["first run", "second run"]
    finally:
        lab.stop()


def test_single_arguments_override_the_policy() -> None:
    base = LabPolicy(require_tls=True, greeting="ESMTP look-alike")
    lab = LabServer(policy=base, require_auth=True, size_limit=1234)
    assert lab.policy == LabPolicy(
        require_tls=True, require_auth=True, size_limit=1234, greeting="ESMTP look-alike"
    )


def test_starting_inside_a_running_event_loop_like_a_notebook_kernel() -> None:
    async def cell() -> list[str]:
        with LabServer() as lab:
            await asyncio.to_thread(send, lab, "from a coroutine")
            return [m.subject for m in lab.wait_for(1)]

    assert asyncio.run(cell()) == ["from a coroutine"]
    assert lab_threads() == []


def test_a_client_that_never_starts_tls_is_closed_after_the_handshake_timeout() -> None:
    with LabServer(policy=LabPolicy(tls_handshake_timeout=0.2)) as lab:
        with socket.create_connection((lab.host, lab.tls_port), timeout=TIMEOUT) as waiting:
            assert waiting.recv(100) == b""  # no greeting: a TLS server waits for the client
        deadline = time.monotonic() + TIMEOUT
        while not lab.sessions[-1].closed and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "did not complete a TLS handshake within 0.2 s" in (lab.sessions[-1].error or "")


def test_stop_all_stops_every_lab() -> None:
    labs = [LabServer().start() for _ in range(2)]
    LabServer.stop_all()
    assert lab_threads() == []
    assert not any(lab.running for lab in labs)


def test_start_and_stop_are_fast() -> None:
    durations = []
    for _ in range(7):
        started = time.perf_counter()
        LabServer().start().stop()
        durations.append(time.perf_counter() - started)
    assert statistics.median(durations) <= 0.3, durations


def test_a_fixed_port_in_use_says_so_and_leaves_nothing_behind() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=f"port {port} on 127.0.0.1 is already in use"):
            LabServer(port=port).start()
    assert lab_threads() == []


def test_a_fixed_port_can_be_chosen_again_after_a_stop() -> None:
    with LabServer() as first:
        port = first.port
    with LabServer(port=port) as second:
        assert second.port == port
        send(second, "fixed")
        assert second.wait_for(1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"port": 70000}, "0 .pick a free port. or 1-65535"),
        ({"port": 2525, "tls_port": 2525}, "must differ"),
        ({"users": {"": "pw"}}, "non-empty name"),
        ({"users": {"a b": "pw"}}, "without spaces"),
        ({"users": {"student": ""}}, "non-empty password"),
        ({"size_limit": 0}, "positive number of bytes"),
        ({"hostname": "bad name"}, "not a valid server name"),
        ({"max_messages": 0}, "positive int"),
    ],
)
def test_bad_arguments_are_explained(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LabServer(**kwargs)


@pytest.mark.parametrize("seconds", [0, -1, float("nan"), float("inf")])
def test_timeouts_must_be_finite_positive_seconds(seconds: float) -> None:
    for name in ("idle_timeout", "tls_handshake_timeout"):
        with pytest.raises(ValueError, match="positive, finite numbers of seconds"):
            LabPolicy(**{name: seconds})


def test_the_ca_file_verifies_the_lab_like_any_tool_would(lab: LabServer) -> None:
    assert Path(lab.ca_path).read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    context = ssl.create_default_context(cafile=lab.ca_path)
    with smtplib.SMTP_SSL("localhost", lab.tls_port, timeout=TIMEOUT, context=context) as client:
        assert client.noop()[0] == 250


# -- the inbox -----------------------------------------------------------------------------


def test_wait_for_times_out_with_a_clear_error(lab: LabServer) -> None:
    send(lab, "only one")
    started = time.monotonic()
    with pytest.raises(
        Timeout, match=r"only 1 of the 2 expected message\(s\) arrived within 0.2 s"
    ):
        lab.wait_for(2, timeout=0.2)
    assert 0.15 < time.monotonic() - started < 2.0
    assert issubclass(Timeout, TimeoutError)


def test_wait_for_returns_as_soon_as_the_message_arrives(lab: LabServer) -> None:
    sender = threading.Timer(0.1, send, args=(lab, "later"))
    sender.start()
    started = time.monotonic()
    messages = lab.wait_for(1, timeout=TIMEOUT)
    sender.join()
    assert [m.subject for m in messages] == ["later"]
    assert time.monotonic() - started < 2.0


def test_inbox_is_bounded_and_counts_what_it_dropped(lab_factory) -> None:
    lab = lab_factory(max_messages=3)
    for number in range(5):
        send(lab, f"message {number}")
    lab.wait_for(5)
    assert [m.subject for m in lab.inbox] == ["message 2", "message 3", "message 4"]
    assert (lab.received_count, lab.dropped_messages) == (5, 2)
    snapshot = lab.inbox
    snapshot.clear()
    assert len(lab.inbox) == 3  # lab.inbox is a copy
    lab.clear_inbox()
    assert (lab.inbox, lab.received_count, lab.dropped_messages) == ([], 0, 0)
    send(lab, "after clear")
    assert [m.subject for m in lab.wait_for(1)] == ["after clear"]


# -- quiet in a notebook -------------------------------------------------------------------


def test_the_server_threads_print_nothing_and_logging_stays_scoped(
    lab: LabServer, capfd, caplog, raw_smtp
) -> None:
    caplog.set_level(logging.DEBUG, logger="mail.log")
    caplog.set_level(logging.DEBUG, logger="asyncio")
    mail_log = logging.getLogger("mail.log")
    settings = (mail_log.level, mail_log.propagate, list(mail_log.handlers))
    context = lab.ssl_context()
    with smtplib.SMTP_SSL(lab.host, lab.tls_port, timeout=TIMEOUT, context=context) as client:
        client.login("student", lab.users["student"])  # aiosmtpd warns "login_data is deprecated"
    with (
        smtplib.SMTP_SSL(lab.host, lab.tls_port, timeout=TIMEOUT, context=context) as client,
        pytest.raises(smtplib.SMTPAuthenticationError),
    ):
        client.login("student", "wrong")
    with pytest.raises(ssl.SSLError):
        smtplib.SMTP_SSL(
            lab.host, lab.tls_port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    broken = raw_smtp(lab.host, lab.port)
    broken.send(b"EHLO x\r\nMAIL FROM:<a@x.example>\r\n")
    broken.close()  # reset in the middle
    send(lab, "quiet")
    lab.wait_for(1)
    time.sleep(0.1)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    lab_records = [r for r in caplog.records if r.threadName.startswith("smtplab-lab")]
    assert lab_records == []
    logging.getLogger("mail.log").info("logged from the notebook's thread")
    assert [r.getMessage() for r in caplog.records] == ["logged from the notebook's thread"]
    assert (mail_log.level, mail_log.propagate, list(mail_log.handlers)) == settings


# -- many kernels on one host --------------------------------------------------------------

# One helper process imports the kit once, then forks ten children (no thread exists
# yet, so forking is safe). Closing the "go" pipe releases all ten at the same moment;
# each starts a lab, reports its ports, waits for its mail and reports what it received.
FORKING_HELPER = """
import json, os, sys
from smtplab.lab import LabServer

go_read, go_write = os.pipe()
ask_read, ask_write = os.pipe()
children = []
for number in range(10):
    answer_read, answer_write = os.pipe()
    if os.fork() == 0:
        os.close(go_write)
        os.close(ask_write)
        os.read(go_read, 1)
        lab = LabServer().start()
        os.write(answer_write, (json.dumps([lab.port, lab.tls_port]) + "\\n").encode())
        os.read(ask_read, 1)
        lab.wait_for(1, timeout=10)
        os.write(answer_write, (json.dumps([m.subject for m in lab.inbox]) + "\\n").encode())
        lab.stop()
        os._exit(0)
    os.close(answer_write)
    children.append(os.fdopen(answer_read))
os.close(go_write)
print(json.dumps([json.loads(child.readline()) for child in children]), flush=True)
sys.stdin.readline()
os.close(ask_write)
print(json.dumps([json.loads(child.readline()) for child in children]), flush=True)
statuses = [os.wait()[1] for _ in children]
print(json.dumps(statuses), flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper forks its ten children")
def test_ten_processes_starting_labs_at_once_never_collide() -> None:
    helper = subprocess.Popen(
        [sys.executable, "-c", FORKING_HELPER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert helper.stdin is not None and helper.stdout is not None
    try:
        ports = json.loads(helper.stdout.readline())
        assert len(ports) == 10
        assert len({port for pair in ports for port in pair}) == 20
        for number, (port, _) in enumerate(ports):
            with smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT) as client:
                message = f"Subject: for child {number}\r\n\r\nx\r\n".encode()
                client.sendmail("a@learner.example", ["b@example.com"], message)
        out, err = helper.communicate("report\n", timeout=20)
        received, statuses = (json.loads(line) for line in out.splitlines())
        assert received == [[f"for child {number}"] for number in range(10)]
        assert statuses == [0] * 10
        assert err == ""
        assert helper.returncode == 0
    finally:
        if helper.poll() is None:
            helper.kill()
            helper.wait()
