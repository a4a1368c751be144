"""Notebook 08's hints and praise, marked for translation (nb08.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

ENVELOPE_HAD_RCPT = N_(
    "the envelope had RCPT TO for {recipients}, and no header "
    "names Carol: Bob cannot tell she got it (RFC 5322 §3.6.3)."
)
COMPOSER_SENT_FORM = N_(
    "the Composer sent it, so the form was valid: what you typed is legal "
    "mail (the client stuffs dots, encodes non-ASCII and reads display names "
    'itself). Reread "Mistakes are caught before anything is sent" for '
    "what breaks the rules of an address or a header."
)
REFUSED_BEFORE_CONNECTING = N_(
    "refused before connecting (the lab saw no connection); beside '{field}': {why}"
)
BOB_DID_GET = N_(
    "Bob did not get it: the envelope had no RCPT TO for {bob}, the "
    "main recipient, whom the headers should name too."
)
CAROL_DID_GET = N_(
    "Carol did not get it: the envelope had no RCPT TO for {carol}. A blind "
    "copy is delivered like any other: only the headers leave her out."
)
CAROL_GOT_HER = N_(
    "Carol got it, but her address is in {where}, so Bob can see it: "
    "a blind copy goes in the Bcc field only."
)
COMPOSER_DID_SEND = N_("the Composer did not send it ({problems}).")
