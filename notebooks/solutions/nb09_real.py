"""Reference solutions for the exercises of notebook 09 (sending for real).

CI runs every check of ``smtplab.course.nb09`` against these functions
(tests/test_exercises_nb09.py).
"""

from __future__ import annotations

import socket

from smtplab import Client
from smtplab.providers import advice_for


def send_with_qq(overrides, account, message):
    """Send through QQ Mail (or its look-alike): implicit TLS, the authorization code."""
    with Client.for_provider("qq", **overrides, local_hostname="learner.example") as client:
        client.login(account["user"], account["authorization_code"])  # not the QQ password
        client.send_message(message)
    return client.transcript  # leaving the `with` block said QUIT


def what_to_do(error, provider):
    """The advice for a failure: from the reply when there is one, else from the text."""
    reply = getattr(error, "reply", None)
    if reply is not None:
        return advice_for(reply, provider=provider)
    return advice_for(provider=provider, error_text=str(error))


def can_reach(host, port, timeout):
    """True when one TCP connection to host:port opens within timeout (closed at once)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:  # refused, timed out, unreachable, unknown host
        return False
