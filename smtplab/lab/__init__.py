"""The lab server: a real SMTP server on 127.0.0.1 that behaves like a provider's.

::

    from smtplab.lab import LabServer

    lab = LabServer().start()      # or: with LabServer() as lab: ...
    lab.host, lab.port, lab.tls_port, lab.users
    lab.inbox                      # what arrived; lab.wait_for(1) waits for it
    lab.sessions                   # what the server saw on each connection
    lab.fail("RCPT", "550 5.1.1 No such user")   # faults for the lessons on errors
    lab.stop()

This package imports the standard library, aiosmtpd, trustme and the smtplab core only,
never the client side (``smtplab.client``, ``smtplab.tap``, ``smtplab.widgets``), so
testing one against the other proves something.
"""

from __future__ import annotations

from .faults import STEPS, Fault, FaultAction
from .inbox import ReceivedMessage
from .policy import DEFAULT_HOSTNAME, DEFAULT_SIZE_LIMIT, LabPolicy
from .server import DEMO_USER, LabServer
from .sessionlog import LabSession, LineKind, LogLine

__all__ = [
    "DEFAULT_HOSTNAME",
    "DEFAULT_SIZE_LIMIT",
    "DEMO_USER",
    "STEPS",
    "Fault",
    "FaultAction",
    "LabPolicy",
    "LabServer",
    "LabSession",
    "LineKind",
    "LogLine",
    "ReceivedMessage",
]
