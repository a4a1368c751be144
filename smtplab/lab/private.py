"""The one place where the lab overrides a private member of aiosmtpd.

Everything else in the lab uses what aiosmtpd documents (handler hooks, ``push``, the
``smtp_*`` command methods, the transport it is given). What is here was checked against
the aiosmtpd version in :data:`CHECKED_AGAINST`; ``tests/test_lab_private.py`` fails,
saying what to re-check, when the installed aiosmtpd or the overridden member changes.

``SMTP._getaddr`` (:class:`FastAddressPath`)
    aiosmtpd parses every MAIL and RCPT path with the email package's header parser and
    defines a class on every call (~75 µs a path). A path of the form ``<local@domain>``
    with ASCII dot-atoms, what nearly every client sends, is read here with one regular
    expression and gives exactly what aiosmtpd's parser gives; anything else goes to
    aiosmtpd. It keeps the lab at bare aiosmtpd's speed under a classroom burst
    (``benchmarks/run.py --only burst``).
"""

from __future__ import annotations

import re

from aiosmtpd.smtp import SMTP

__all__: list[str] = []  # the lab's own machinery, checked by tests/test_lab_private.py

CHECKED_AGAINST = "1.4.6"
"""The aiosmtpd release the overrides here were checked against (on Python 3.11; the
fast path's equality with aiosmtpd's parser, which uses the running Python's email
package, is tested on whatever Python runs the tests)."""

CHECKED_SOURCES = {
    "SMTP._getaddr": "0aeb21c56ac1260e784e430a340459c83c23640a85965e7b8de3e1ada74d85f5",
}
"""The SHA-256 of the source of each overridden aiosmtpd member, as it was checked."""

# A MAIL FROM / RCPT TO path in its plainest form, ``<local@domain>`` with ASCII dot-atoms
# (RFC 5321 §4.1.2).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_PATH = re.compile(rf"<({_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*)>")
_FWS_START = (" ", "\t", "(")


class FastAddressPath(SMTP):
    """aiosmtpd's SMTP with a fast path for the plainest MAIL/RCPT address."""

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """aiosmtpd's ``_getaddr`` (address, rest), read with one regular expression when
        the path is ``<local@domain>`` with ASCII dot-atoms."""
        match = _PLAIN_PATH.match(arg)
        if match is None or "=?" in match[1]:  # "=?": an encoded word, for the parser
            return super()._getaddr(arg)
        address = match[1]
        rest = arg[match.end() :]
        if rest.startswith(_FWS_START):
            rest = rest.lstrip()  # as the parser's folding white space
            if rest.startswith("("):  # a comment: the parser's business
                return super()._getaddr(arg)
        if self.local_part_limit and len(address.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return address, rest
