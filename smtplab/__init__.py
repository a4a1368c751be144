"""smtplab: learn SMTP by talking it.

The package has three floors (see DESIGN.md): a sans-I/O core (replies, errors,
commands, extensions, auth, protocol, transcript, message, providers), two wings
that do I/O (the client and its wire tap; the lab server in :mod:`smtplab.lab`),
and views (widgets, the command line).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
