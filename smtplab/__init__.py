"""smtplab: learn SMTP by talking it.

The package has three floors (see docs/ARCHITECTURE.md): a sans-I/O core (replies, errors,
commands, extensions, auth, protocol, transcript, message, providers), two wings
that do I/O (the client and its wire tap; the lab server in :mod:`smtplab.lab`),
and views (widgets, the command line)::

    from smtplab import Client, send
    from smtplab.lab import LabServer
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .client import Client, send
from .errors import SmtplabError
from .i18n import set_language
from .replies import Reply, explain
from .transcript import Transcript

if TYPE_CHECKING:
    from .message import compose

__version__ = "0.2.0"

__all__ = [
    "Client",
    "Reply",
    "SmtplabError",
    "Transcript",
    "compose",
    "explain",
    "send",
    "set_language",
]


def __getattr__(name: str) -> Any:
    """``smtplab.compose``: :mod:`smtplab.message` (and email.policy, which it builds on)
    is imported on first use, so that ``import smtplab`` stays light."""
    if name == "compose":
        from .message import compose

        globals()["compose"] = compose
        return compose
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")  # i18n: keep: as Python


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
