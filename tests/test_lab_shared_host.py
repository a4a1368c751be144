"""The shared-host mode: the lab serves only its own user's connections (Linux).

The /proc parsing is tested on sample text (IPv4, IPv6, IPv4-mapped both ways); both
ways of asking the kernel (netlink sock_diag and /proc) on real loopback sockets, ours
and another user's; the refusal itself with a real lab and a real connection from
another user (a child process that drops to ``nobody``, which needs root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import smtplib
import socket
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from smtplab import owners
from smtplab.lab import LabServer
from smtplab.owners import (
    connection_owner,
    find_owner,
    proc_address,
    shared_host_wanted,
    sock_diag_owner,
)
from smtplab.tap import WireTap

pytestmark = pytest.mark.timeout(60)

LINUX = Path("/proc/net/tcp").is_file()
needs_proc = pytest.mark.skipif(not LINUX, reason="no /proc/net/tcp: not Linux")
TIMEOUT = 5.0

# Sample tables as a little-endian Linux prints them. A client 127.0.0.1:40000 (9C40)
# connected to a lab on 127.0.0.1:2525 (09DD) by uid 1001; the lab's side (uid 1000);
# an old TIME_WAIT socket of the same four addresses (its uid column says 0); the
# lab's listening socket.
TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:09DD 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0
   1: 0100007F:9C40 0100007F:09DD 06 00000000:00000000 03:0000166A 00000000     0        0 0 3 0
   2: 0100007F:9C40 0100007F:09DD 01 00000000:00000000 00:00000000 00000000  1001        0 2 1 0
   3: 0100007F:09DD 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 3 1 0
"""
# An IPv6 client [::1]:40001 (9C41) to a lab on [::1]:2525, by uid 1002; and an IPv6
# socket of uid 1003 connected from ::ffff:127.0.0.1:40002 (9C42) to ::ffff:127.0.0.1:2525
# (an IPv4 connection made from an IPv6 socket: the lab's IPv4 socket sees 127.0.0.1).
TCP6 = """\
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:9C41 00000000000000000000000001000000:09DD 01 00000000:00000000 00:00000000 00000000  1002        0 4 1 0
   1: 0000000000000000FFFF00000100007F:9C42 0000000000000000FFFF00000100007F:09DD 01 00000000:00000000 00:00000000 00000000  1003        0 5 1 0
"""  # noqa: E501  (the kernel's own line length)


# -- reading /proc/net/tcp{,6} -----------------------------------------------------------


def test_addresses_are_written_as_the_kernel_prints_them() -> None:
    assert proc_address("127.0.0.1", 25, six=False, byteorder="little") == "0100007F:0019"
    assert proc_address("127.0.0.1", 25, six=False, byteorder="big") == "7F000001:0019"
    mapped = "0000000000000000FFFF00000100007F:09DD"
    assert proc_address("127.0.0.1", 2525, six=True, byteorder="little") == mapped
    # an IPv4-mapped address (a dual-stack lab's view of an IPv4 client) is IPv4 in tcp
    assert proc_address("::ffff:127.0.0.1", 2525, six=False, byteorder="little") == (
        "0100007F:09DD"
    )
    assert proc_address("::ffff:127.0.0.1", 2525, six=True, byteorder="little") == mapped
    loopback6 = "00000000000000000000000001000000:0019"
    assert proc_address("::1", 25, six=True, byteorder="little") == loopback6
    assert proc_address("::1%lo", 25, six=True, byteorder="little") == loopback6
    assert proc_address("::1", 25, six=True, byteorder="big") == "0" * 31 + "1:0019"
    assert proc_address("::1", 25, six=False) is None  # no IPv6 socket is in tcp


def test_the_owner_is_the_client_socket_not_the_labs_side_nor_a_time_wait_one() -> None:
    client, lab = "0100007F:9C40", "0100007F:09DD"
    assert find_owner(TCP, client, lab) == 1001
    assert find_owner(TCP, lab, client) == 1000  # the lab's own side of it
    assert find_owner(TCP, "0100007F:9C41", lab) is None
    assert find_owner(TCP.splitlines()[0] + "\n" + TCP.splitlines()[2], client, lab) is None
    assert find_owner("", client, lab) is None


def test_the_owner_is_found_in_tcp6_too_with_ipv4_mapped_addresses(tmp_path: Path) -> None:
    if sys.byteorder != "little":
        pytest.skip("the sample tables are a little-endian machine's")
    (tmp_path / "tcp").write_text(TCP)
    (tmp_path / "tcp6").write_text(TCP6)
    lab4, lab6 = ("127.0.0.1", 2525), ("::1", 2525, 0, 0)
    assert connection_owner(("127.0.0.1", 40000), lab4, tmp_path) == 1001
    assert connection_owner(("::1", 40001, 0, 0), lab6, tmp_path) == 1002
    # an IPv4 connection made from an IPv6 socket: the lab sees 127.0.0.1, the client
    # socket is in tcp6 under ::ffff:127.0.0.1
    assert connection_owner(("127.0.0.1", 40002), lab4, tmp_path) == 1003
    # a dual-stack lab sees an IPv4 client as ::ffff:127.0.0.1: found in tcp
    mapped_lab = ("::ffff:127.0.0.1", 2525, 0, 0)
    assert connection_owner(("::ffff:127.0.0.1", 40000, 0, 0), mapped_lab, tmp_path) == 1001
    assert connection_owner(("127.0.0.1", 40009), lab4, tmp_path) is None  # not here
    assert connection_owner(("192.0.2.7", 40000), lab4, tmp_path) is None  # another machine
    (tmp_path / "tcp6").unlink()  # a kernel without IPv6
    assert connection_owner(("127.0.0.1", 40000), lab4, tmp_path) == 1001


@contextlib.contextmanager
def connected(
    family: socket.AddressFamily, listen_on: str, connect_to: str
) -> Iterator[tuple[socket.socket, socket.socket]]:
    """A real loopback connection: (the client's socket, the accepted one)."""
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        if family == socket.AF_INET6:
            listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        listener.bind((listen_on, 0))
        listener.listen()
        port = listener.getsockname()[1]
        with socket.create_connection((connect_to, port), timeout=TIMEOUT) as client:
            accepted, _ = listener.accept()
            with accepted:
                yield client, accepted


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@needs_proc
@pytest.mark.parametrize(
    ("family", "listen_on", "connect_to"),
    [
        (socket.AF_INET, "127.0.0.1", "127.0.0.1"),
        (socket.AF_INET6, "::1", "::1"),
        (socket.AF_INET6, "::", "127.0.0.1"),  # dual stack: the peer is ::ffff:127.0.0.1
    ],
)
def test_real_connections_belong_to_this_user(
    family: socket.AddressFamily, listen_on: str, connect_to: str
) -> None:
    if family == socket.AF_INET6 and not ipv6_loopback():
        pytest.skip("no IPv6 loopback here")
    with connected(family, listen_on, connect_to) as (client, accepted):
        peer, lab_end = accepted.getpeername(), accepted.getsockname()
        assert sock_diag_owner(peer, lab_end) == os.geteuid()  # netlink
        assert connection_owner(peer, lab_end, owners.PROC_NET) == os.geteuid()  # /proc
        assert connection_owner(client.getsockname(), client.getpeername()) == os.geteuid()
        assert sock_diag_owner(("127.0.0.1", 1), ("127.0.0.1", 2)) is None  # no such socket


# -- when the mode is on -----------------------------------------------------------------


def test_on_by_default_under_jupyterhub_only(monkeypatch: pytest.MonkeyPatch) -> None:
    hub = {"JUPYTERHUB_USER": "ada"}
    if LINUX:
        assert shared_host_wanted(None, hub) is True
        assert shared_host_wanted(True, {}) is True
    assert shared_host_wanted(None, {}) is False
    assert shared_host_wanted(False, hub) is False
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert LabServer().shared_host is False
    assert LabServer(shared_host=False).shared_host is False
    if LINUX:
        monkeypatch.setenv("JUPYTERHUB_USER", "ada")
        assert LabServer().shared_host is True
        assert LabServer(shared_host=False).shared_host is False


def test_without_proc_asking_for_it_is_an_error_and_the_hub_default_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(owners, "PROC_NET", tmp_path)  # a system without /proc/net/tcp
    with pytest.raises(ValueError, match=r"needs .*tcp \(Linux\).*shared_host=False"):
        LabServer(shared_host=True)
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    with pytest.warns(RuntimeWarning, match="anyone on this machine can use this lab"):
        lab = LabServer()
    assert lab.shared_host is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert LabServer(shared_host=False).shared_host is False


@needs_proc
def test_own_connections_are_served_on_both_ports() -> None:
    with LabServer(shared_host=True) as lab:
        with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:
            client.sendmail("a@example.com", ["b@example.com"], b"Subject: mine\r\n\r\nx\r\n")
        context = lab.ssl_context()
        with smtplib.SMTP_SSL(lab.host, lab.tls_port, timeout=TIMEOUT, context=context) as client:
            assert client.noop()[0] == 250
        assert [m.subject for m in lab.wait_for(1, timeout=TIMEOUT)] == ["mine"]
        deadline = time.monotonic() + TIMEOUT
        while len(lab.sessions) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(lab.sessions) == 2
        assert (lab.shared_host, lab.refused_other_users, lab.errors) == (True, 0, [])


@contextlib.contextmanager
def connection_from(
    user: str, address: tuple[str, int], send: bytes = b""
) -> Iterator[Callable[[], bytes]]:
    """Connect to ``address`` from a child process running as ``user`` (so its socket is
    that user's), send ``send`` and read until the server closes. Yields a function that
    waits for the child and returns what it read. A fork, not a new interpreter: ``user``
    may not be allowed to run this one."""
    account = pwd.getpwnam(user)
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with the lab's thread
        pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)
            received = b""
            with socket.socket(family) as sock:  # a numeric address: no codec to import
                sock.settimeout(TIMEOUT)
                sock.connect(address)
                with contextlib.suppress(OSError):
                    sock.sendall(send)
                with contextlib.suppress(ConnectionResetError):
                    while chunk := sock.recv(4096):
                        received += chunk
            os.write(write_end, received)
            status = 0
        except BaseException as error:  # reported to the parent
            os.write(write_end, f"child failed: {error!r}".encode())
        finally:
            os._exit(status)
    os.close(write_end)

    def result() -> bytes:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, data
        return data

    try:
        yield result
    finally:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def connect_as(user: str, port: int, send: bytes = b"") -> bytes:
    """What a connection from ``user`` to 127.0.0.1:``port`` read until it was closed."""
    with connection_from(user, ("127.0.0.1", port), send) as result:
        return result()


needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="a connection from another user needs root (to drop to 'nobody' in a child)",
)


@needs_proc
@needs_root
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_another_users_socket_is_seen_as_theirs_both_ways(host: str) -> None:
    if host == "::1" and not ipv6_loopback():
        pytest.skip("no IPv6 loopback here")
    nobody = pwd.getpwnam("nobody").pw_uid
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as listener:
        listener.bind((host, 0))
        listener.listen()
        with connection_from("nobody", (host, listener.getsockname()[1])) as result:
            accepted, _ = listener.accept()
            with accepted:
                peer, lab_end = accepted.getpeername(), accepted.getsockname()
                assert sock_diag_owner(peer, lab_end) == nobody  # netlink
                assert connection_owner(peer, lab_end, owners.PROC_NET) == nobody  # /proc
                assert connection_owner(peer, lab_end) == nobody
                assert sock_diag_owner(lab_end, peer) == os.geteuid()  # the lab's side
            assert result() == b""


@needs_proc
@needs_root
def test_another_users_connection_gets_554_and_leaves_no_trace() -> None:
    with LabServer(shared_host=True) as lab:
        reply = connect_as("nobody", lab.port)
        assert reply.startswith(b"554 5.7.1 This lab belongs to another user of this machine")
        assert reply.endswith(b"\r\n") and reply.count(b"\r\n") == 1
        # pipelining a whole transaction changes nothing: none of it is read
        flood = b"EHLO x\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nSubject: in\r\n\r\n.\r\n"
        connect_as("nobody", lab.port, flood)
        assert connect_as("nobody", lab.tls_port) == b""  # implicit TLS: closed, no plaintext
        assert lab.refused_other_users == 3
        assert (lab.sessions, lab.inbox, lab.errors) == ([], [], [])
        with smtplib.SMTP(lab.host, lab.port, timeout=TIMEOUT) as client:  # its owner: served
            assert client.noop()[0] == 250
        assert len(lab.sessions) == 1
    # the same connection to a lab that is not in shared-host mode is served
    with LabServer(shared_host=False) as lab:
        assert connect_as("nobody", lab.port, b"QUIT\r\n").startswith(b"220 ")
        assert len(lab.sessions) == 1 and lab.refused_other_users == 0


@needs_proc
@needs_root
def test_a_wire_tap_in_front_of_the_lab_keeps_other_users_out_too() -> None:
    """The tap connects to the lab as the lab's own user: without a door of its own, a
    classmate reached a shared-host lab through it (here, 220 and a session)."""
    with LabServer(shared_host=True) as lab:
        with WireTap(lab.host, lab.port, shared_host=True) as tap:
            assert connect_as("nobody", tap.port, b"EHLO classmate.example\r\nQUIT\r\n") == b""
            assert (tap.refused_other_users, tap.connections, tap.timeline) == (1, 0, [])
            assert "closed unread: 1 from other users" in str(tap)
            assert lab.sessions == []
            with smtplib.SMTP(tap.host, tap.port, timeout=TIMEOUT) as client:  # its owner
                assert client.noop()[0] == 250
            assert tap.connections == 1 and tap.refused_other_users == 1
        with WireTap(lab.host, lab.port, shared_host=False) as tap:  # asked for: relayed
            assert connect_as("nobody", tap.port, b"QUIT\r\n").startswith(b"220 ")
            assert tap.refused_other_users == 0 and tap.connections == 1


def test_a_wire_tap_takes_the_labs_shared_host_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert not WireTap("127.0.0.1", 1).shared_host
    if LINUX:
        monkeypatch.setenv("JUPYTERHUB_USER", "student")
        assert WireTap("127.0.0.1", 1).shared_host
        assert not WireTap("127.0.0.1", 1, shared_host=False).shared_host
    monkeypatch.setattr(owners, "PROC_NET", tmp_path)  # a system without /proc/net/tcp
    with pytest.raises(ValueError, match="shared-host mode needs"):
        WireTap("127.0.0.1", 1, shared_host=True)
