"""smtplab.netcheck: the outbound-SMTP probe and the hosted-environment hints.

The probe is exercised on 127.0.0.1 only (an open lab port, a closed port, a port that
never answers) and with socket.create_connection replaced for the outcomes a loopback
cannot produce. hosted_environment() is fed dictionaries, never the real environment.
"""

from __future__ import annotations

import errno
import socket
import time
from collections.abc import Iterator

import pytest

from smtplab.lab import LabServer
from smtplab.netcheck import (
    BINDER_VARIABLES,
    HostedEnvironment,
    OutboundCheck,
    hosted_environment,
    probe_outbound,
    probe_provider,
)
from smtplab.providers import advice_for

MYBINDER = {"BINDER_LAUNCH_HOST": "https://mybinder.org/", "JUPYTERHUB_USER": "x"}


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port whose accept queue is full: further connections get no answer (Linux)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)
    try:
        yield port
    finally:
        filler.close()
        listener.close()


def fake_connection(monkeypatch: pytest.MonkeyPatch, error: OSError) -> list[tuple[object, ...]]:
    calls: list[tuple[object, ...]] = []

    def create_connection(address: object, timeout: object = None, *args: object) -> object:
        calls.append((address, timeout))
        raise error

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return calls


# --------------------------------------------------------------------------- environments


def test_an_ordinary_machine_is_no_hosted_environment() -> None:
    assert hosted_environment({}) is None
    assert hosted_environment({"HOME": "/home/me", "BINDER_REPO_URL": ""}) is None


def test_mybinder_org_is_recognised_and_said_to_block_smtp() -> None:
    env = hosted_environment(MYBINDER)
    assert isinstance(env, HostedEnvironment)
    assert env.blocks_smtp is True and "mybinder.org" in env.name
    assert "blocks outgoing SMTP" in str(env)
    for name in BINDER_VARIABLES:
        found = hosted_environment({name: "x"})
        assert found is not None and found.blocks_smtp in (True, None)


def test_another_binderhub_and_a_jupyterhub_are_told_apart() -> None:
    gesis = hosted_environment({"BINDER_LAUNCH_HOST": "https://notebooks.gesis.org/binder/"})
    assert gesis is not None and gesis.blocks_smtp is None
    assert "notebooks.gesis.org" in gesis.name
    hub = hosted_environment({"JUPYTERHUB_API_URL": "http://hub:8081/hub/api"})
    assert hub is not None and hub.name == "a JupyterHub" and hub.blocks_smtp is None


# --------------------------------------------------------------------------- the probe


def test_probe_reaches_an_open_port_and_closes_at_once() -> None:
    with LabServer() as lab:
        check = probe_outbound(lab.host, lab.port, timeout=2, environ={})
        assert isinstance(check, OutboundCheck)
        assert check and check.reachable and check.outcome == "connected"
        assert check.advice is None and "answered" in str(check)
        deadline = time.monotonic() + 2
        while not (lab.sessions and lab.sessions[-1].ended_at) and time.monotonic() < deadline:
            time.sleep(0.01)
        session = lab.sessions[-1]  # the lab saw a connection, closed, that sent nothing
        assert session.ended_at is not None
    assert not [line for line in session.lines if line.direction == "C"]


def test_probe_of_a_closed_port_says_refused_with_advice(closed_port: int) -> None:
    check = probe_outbound("127.0.0.1", closed_port, timeout=2, provider="qq", environ={})
    assert not check and check.outcome == "refused"
    assert check.advice == advice_for(provider="qq", error_text="connection refused")
    assert "refused" in str(check) and check.advice in str(check)


def test_probe_of_a_silent_port_times_out_with_the_blocked_network_advice(
    black_hole: int,
) -> None:
    check = probe_outbound("127.0.0.1", black_hole, timeout=0.3, provider="gmail", environ={})
    assert check.outcome == "timed out"
    assert check.seconds < 2
    assert "no answer within 0.3 s" in str(check)
    assert "outgoing SMTP" in str(check) and "For Gmail" in str(check)


def test_a_timeout_on_binder_says_that_binder_blocks_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_connection(monkeypatch, TimeoutError("timed out"))
    check = probe_outbound("smtp.gmail.com", 465, timeout=1, environ=MYBINDER)
    assert check.outcome == "timed out"
    assert check.environment is not None and check.environment.blocks_smtp
    assert "mybinder.org blocks outgoing SMTP" in str(check)


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (OSError(errno.ENETUNREACH, "Network is unreachable"), "unreachable"),
        (socket.gaierror(-2, "Name or service not known"), "no such host"),
        (OSError(errno.EACCES, "Permission denied"), "error"),
    ],
)
def test_probe_outcomes_that_loopback_cannot_show(
    monkeypatch: pytest.MonkeyPatch, error: OSError, outcome: str
) -> None:
    fake_connection(monkeypatch, error)
    check = probe_outbound("smtp.example", 587, timeout=1, environ={})
    assert check.outcome == outcome and not check
    assert check.advice
    assert repr(check) == f"<OutboundCheck smtp.example:587 {outcome}>"


def test_probe_provider_dials_the_preset_s_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_connection(monkeypatch, TimeoutError("timed out"))
    check = probe_provider("qq", timeout=0.5, environ={})
    probe_provider("gmail", "starttls", timeout=0.5, environ={})
    assert calls == [(("smtp.qq.com", 465), 0.5), (("smtp.gmail.com", 587), 0.5)]
    assert "For QQ Mail" in str(check)
    with pytest.raises(ValueError, match="no known port"):
        probe_provider("outlook", "tls")


@pytest.mark.parametrize("timeout", [0, float("nan"), float("inf")])
def test_probe_refuses_a_timeout_that_is_no_positive_number(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        probe_outbound("127.0.0.1", 25, timeout=timeout)
