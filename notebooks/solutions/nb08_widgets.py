"""Reference solutions for notebook 08 · Compose with widgets."""

from __future__ import annotations

from smtplab.widgets import Composer


def fill_with_bcc(composer: Composer) -> None:
    """A mail to Bob, with Carol as a blind copy."""
    composer.load(
        sender="alice@example.com",
        to="bob@example.com",
        bcc="carol@example.com",
        subject="Party on Friday",
        body="Bob, you are invited (and Carol knows).",
    )


def fill_something_wrong(composer: Composer) -> None:
    """An address without @: the Composer flags it and sends nothing."""
    composer.load(sender="alice@example.com", to="bob.example.com", subject="Hi", body="?")
