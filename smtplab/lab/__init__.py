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
testing one against the other proves something. The look-alikes' descriptions are
:mod:`smtplab.lab.profiles` (``describe_profile``, ``profile_for``); the other modules
are the lab's machinery (their names stay importable, but are not its public surface:
docs/ARCHITECTURE.md, "The public API").
"""

from __future__ import annotations

from .inbox import ReceivedMessage
from .policy import LabPolicy
from .server import LabServer
from .sessionlog import LabSession, LogLine

__all__ = ["LabPolicy", "LabServer", "LabSession", "LogLine", "ReceivedMessage"]
