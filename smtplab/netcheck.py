"""Can this machine reach a provider's SMTP port? Ask only when you mean to send for real.

Many networks drop outgoing connections to SMTP ports, against spam: mybinder.org blocks
them (jupyterhub/mybinder.org-deploy#977: "Network is unreachable"; only HTTP(S) and git
get out), as do many cloud machines, campus and company networks. A blocked connection
usually gets no answer at all, so a program times out, which looks like a broken server.
:func:`hosted_environment` tells the two apart from environment variables only (no
network); :func:`probe_outbound` opens ONE TCP connection with a short timeout and closes
it at once (no SMTP, nothing sent): the only call here that dials out, made by notebook 09
only when you gave credentials for real sending (never in CI).

This is the client wing: it uses sockets and imports only the core.
"""

from __future__ import annotations

import errno
import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .i18n import N_, _
from .providers import advice_for, get_provider

__all__ = ["hosted_environment", "probe_provider"]

DEFAULT_PROBE_TIMEOUT = 3.0
"""Seconds the probe waits for the TCP connection (an open port answers in well under 1 s)."""

BINDER_VARIABLES = (
    "BINDER_LAUNCH_HOST",
    "BINDER_REPO_URL",
    "BINDER_REF_URL",
    "BINDER_REQUEST",
    "BINDER_PERSISTENT_REQUEST",
    "BINDER_SERVICE_HOST",
)
"""Environment variables a BinderHub session has (BinderHub's spawner sets the first five)."""

JUPYTERHUB_VARIABLES = ("JUPYTERHUB_API_URL", "JUPYTERHUB_SERVICE_PREFIX", "JUPYTERHUB_USER")
"""Environment variables every JupyterHub single-user server has."""

# The outcomes are keys, compared in code: _OUTCOME_WORDS holds the words shown.
Outcome = Literal[
    "connected",
    "timed out",
    "refused",
    "unreachable",
    "no such host",  # i18n: keep a key
    "error",
]
_OUTCOME_WORDS = {
    "refused": N_("refused"),
    "unreachable": N_("unreachable"),
    "no such host": N_("no such host"),  # i18n: keep the key (its value is marked)
    "error": N_("error"),
}
"""The outcomes as :meth:`OutboundCheck.__str__` shows them (the Literal's values are keys)."""


@dataclass(frozen=True)
class HostedEnvironment:
    """Where this kernel runs, as far as environment variables tell.

    ``blocks_smtp`` is True where outbound SMTP is known to be blocked (mybinder.org),
    None where it depends on who runs the service.
    """

    name: str
    blocks_smtp: bool | None
    hint: str

    def __str__(self) -> str:
        return _("You are on {name}. {hint}").format(name=_(self.name), hint=_(self.hint))


def hosted_environment(environ: Mapping[str, str] | None = None) -> HostedEnvironment | None:
    """Recognise mybinder.org, another BinderHub or a JupyterHub from the environment.

    Reads environment variables only (``environ``, default ``os.environ``); never opens a
    connection. Returns None on an ordinary machine.
    """
    env = os.environ if environ is None else environ
    if any(env.get(name) for name in BINDER_VARIABLES):
        launch = env.get("BINDER_LAUNCH_HOST", "")
        if "mybinder.org" in launch or not launch:
            return HostedEnvironment(
                N_("mybinder.org (a BinderHub)"),
                True,
                N_(
                    "mybinder.org blocks outgoing SMTP connections on every port, so real "
                    "sending cannot work here: use the look-alikes, or run this notebook on "
                    "your own computer."
                ),
            )
        return HostedEnvironment(
            f"a BinderHub ({launch.rstrip('/')})",
            None,
            N_(
                "BinderHubs usually block outgoing connections other than HTTP(S) and git "
                "(mybinder.org does): if the probe times out, run this notebook on your own "
                "computer."
            ),
        )
    if any(env.get(name) for name in JUPYTERHUB_VARIABLES):
        return HostedEnvironment(
            N_("a JupyterHub"),
            None,
            N_(
                "Whether it lets SMTP out depends on who runs it: if the probe times out, ask "
                "its administrators, or run this notebook on your own computer."
            ),
        )
    return None


@dataclass(frozen=True)
class OutboundCheck:
    """What :func:`probe_outbound` found. ``bool(check)`` is True when the port answered.

    ``outcome`` is ``"connected"``, ``"timed out"`` (no answer: most often a network that
    drops SMTP), ``"refused"``, ``"unreachable"``, ``"no such host"`` or ``"error"``;
    ``detail`` the error's text; ``advice`` what to do (from
    :func:`smtplab.providers.advice_for`); ``environment`` the hosted service, if any.
    """

    host: str
    port: int
    outcome: Outcome
    detail: str
    seconds: float
    timeout: float
    advice: str | None
    environment: HostedEnvironment | None

    @property
    def reachable(self) -> bool:
        """True when a TCP connection to the port could be opened."""
        return self.outcome == "connected"

    def __bool__(self) -> bool:
        return self.reachable

    def __str__(self) -> str:
        where = _("{host} port {port}").format(host=self.host, port=self.port)
        if self.reachable:
            return _(
                "{where} answered: outgoing connections to it work from here (only a TCP "
                "connection was opened and closed; nothing was sent)."
            ).format(where=where)
        if self.outcome == "timed out":
            text = _("{where}: no answer within {seconds} s.").format(
                where=where, seconds=f"{self.timeout:g}"
            )
        else:
            outcome = _(_OUTCOME_WORDS.get(self.outcome, self.outcome))
            text = _("{where}: {outcome} ({detail}).").format(
                where=where, outcome=outcome, detail=self.detail
            )
        return " ".join([text, *(str(more) for more in (self.advice, self.environment) if more)])

    def __repr__(self) -> str:
        return f"<OutboundCheck {self.host}:{self.port} {self.outcome}>"


_UNREACHABLE = {
    getattr(errno, name)
    for name in ("ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EHOSTDOWN")
    if hasattr(errno, name)
}


def _classify(error: OSError) -> tuple[Outcome, str]:
    """The outcome for a connection error, and a text that advice_for recognises."""
    if isinstance(error, socket.gaierror):
        # The details stay English: advice_for recognises them (and they quote the error).
        return "no such host", f"the name could not be resolved ({error})"  # i18n: keep
    if isinstance(error, TimeoutError):  # socket.timeout is TimeoutError since 3.10
        return "timed out", "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "refused", "connection refused"
    if error.errno in _UNREACHABLE:
        return "unreachable", f"network is unreachable ({error})"  # i18n: keep (see above)
    return "error", str(error) or type(error).__name__


def probe_outbound(
    host: str,
    port: int,
    timeout: float = DEFAULT_PROBE_TIMEOUT,
    *,
    provider: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> OutboundCheck:
    """Try ONE TCP connection to ``host``:``port`` within ``timeout`` seconds, then close it.

    Nothing is sent: no SMTP, no TLS. ``provider`` (a preset name) adds its port facts to
    the advice. This dials out: call it only when you mean to reach that host.
    """
    if not 0 < timeout < float("inf"):  # NaN too
        raise ValueError(
            _("timeout must be a positive number of seconds, not {timeout}.").format(
                timeout=repr(timeout)
            )
        )
    started = time.monotonic()
    outcome: Outcome = "connected"
    detail = ""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:
        outcome, detail = _classify(error)
    seconds = time.monotonic() - started
    advice = None
    if outcome == "no such host":  # i18n: keep an Outcome
        advice = _("Check the host name's spelling; if it is right, this machine may be offline.")
    elif outcome != "connected":
        advice = advice_for(provider=provider, error_text=detail) or _(
            "Check the host and the port; a firewall on this machine or its network may "
            "be in the way."
        )
    return OutboundCheck(
        host, port, outcome, detail, seconds, timeout, advice, hosted_environment(environ)
    )


def probe_provider(
    provider: str,
    security: str | None = None,
    timeout: float = DEFAULT_PROBE_TIMEOUT,
    *,
    environ: Mapping[str, str] | None = None,
) -> OutboundCheck:
    """:func:`probe_outbound` on a preset's host and port (``security`` picks the port:
    ``"tls"`` or ``"starttls"``; by default the preset's default). Dials out."""
    preset = get_provider(provider)
    mode = security or preset.default_security
    port = preset.tls_port if mode == "tls" else preset.starttls_port
    if port is None:
        raise ValueError(
            _("{name} has no known port for security={mode}: {ports}.").format(
                name=preset.name, mode=repr(mode), ports=preset.ports_sentence()
            )
        )
    return probe_outbound(preset.host, port, timeout, provider=preset.key, environ=environ)
