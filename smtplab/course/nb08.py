"""Checks for notebook 08 · Compose with widgets: a :class:`~smtplab.widgets.Composer`
filled with a blind copy (Carol in the envelope, in no header), and a form it must
refuse before connecting."""

from __future__ import annotations

from collections.abc import Callable

from ..i18n import _
from ..lab import LabServer
from ..widgets import Composer, DraftForm
from . import nb08_texts as texts
from .harness import Hint, Result, evaluate
from .labs import CLIENT_TIMEOUT, strict_lab

__all__ = ["check_bcc_form", "check_refused_form"]

BOB = "bob@example.com"
CAROL = "carol@example.com"


def _attempt(fill: Callable[[Composer], object], lab: LabServer) -> Callable[[], object]:
    def attempt() -> object:
        composer = Composer(lab, local_hostname="learner.example")
        before, loads, load = composer.form, [], composer.load

        def counted_load(*form: DraftForm, **fields: object) -> Composer:
            loads.append(fields)  # load(to="") leaves the form as it was, yet is a try
            return load(*form, **fields)

        composer.load = counted_load  # type: ignore[method-assign]
        fill(composer)
        if composer.form == before and not loads and composer.outcome is None:
            return None  # untouched: no load(), no Send, the form as it was
        return composer

    return attempt


def check_bcc_form(fill_with_bcc: Callable[[Composer], object]) -> Result:
    """Send what ``fill_with_bcc`` typed and check Carol is a blind copy."""
    with strict_lab() as lab:

        def verify(value: object) -> str:
            assert isinstance(value, Composer)
            # A function that pressed Send itself is judged by what it sent, not sent twice.
            outcome = value.wait(CLIENT_TIMEOUT) if value.job else None
            outcome = outcome or value.send_mail(block=True)
            if outcome is None or not outcome.delivered:
                problems = ", ".join(f"{k}: {v}" for k, v in value.problems().items())
                raise Hint(_(texts.COMPOSER_DID_SEND).format(problems=problems or outcome))
            message = lab.wait_for(1)[-1]
            holding = [name for name, text in message.message.items() if CAROL in text.lower()]
            # Addresses in any letter case, as nb06's blind copy compares them: the domain
            # is case-insensitive, the local part's case no host should rely on (RFC 5321 §2.4)
            rcpts = [r.lower() for r in message.rcpt_tos]
            if BOB not in rcpts:
                raise Hint(_(texts.BOB_DID_GET).format(bob=BOB))
            if CAROL not in rcpts:
                raise Hint(_(texts.CAROL_DID_GET).format(carol=CAROL))
            if holding:
                raise Hint(_(texts.CAROL_GOT_HER).format(where=holding[0]))
            return _(texts.ENVELOPE_HAD_RCPT).format(recipients=", ".join(message.rcpt_tos))

        return evaluate(_("a blind copy"), _attempt(fill_with_bcc, lab), verify)


def check_refused_form(fill_something_wrong: Callable[[Composer], object]) -> Result:
    """Press Send on what ``fill_something_wrong`` typed: it must be refused locally."""
    with strict_lab() as lab:

        def verify(value: object) -> str:
            assert isinstance(value, Composer)
            problems = value.problems()
            value.send_mail(block=True)
            if lab.sessions:
                raise Hint(_(texts.COMPOSER_SENT_FORM))
            if not problems:
                raise Hint(_("nothing was sent, but no field was flagged; read the result line."))
            field, why = next(iter(problems.items()))
            return _(texts.REFUSED_BEFORE_CONNECTING).format(field=field, why=why)

        return evaluate(
            _("a form the Composer refuses"), _attempt(fill_something_wrong, lab), verify
        )
