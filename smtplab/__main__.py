"""``python -m smtplab``: the command line (see :mod:`smtplab.cli`)."""

from __future__ import annotations

from .cli import main

__all__: list[str] = []  # a program (`python -m smtplab`), not a module to import from

if __name__ == "__main__":
    raise SystemExit(main())
