"""smtplab: learn SMTP by talking it.

The package has three floors (see DESIGN.md): a sans-I/O core (replies, errors,
commands, extensions, auth, protocol, transcript, message, providers), two wings
that do I/O (the client and its wire tap; the lab server in :mod:`smtplab.lab`),
and views (widgets, the command line)::

    from smtplab import Client, send
    from smtplab.lab import LabServer
"""

from __future__ import annotations

from .client import Client, send
from .errors import SmtplabError
from .message import compose
from .replies import Reply, explain
from .transcript import Transcript

__version__ = "0.1.0"

__all__ = [
    "Client",
    "Reply",
    "SmtplabError",
    "Transcript",
    "__version__",
    "compose",
    "explain",
    "send",
]
