"""Checks for notebook 11 · After Send: ``delivery_order(dns, domain)`` (RFC 5321 §5.1),
``delaying_hop(message)`` (Received lines read bottom-up) and ``spf_for_shop()`` (a
record that makes shop.example's newsletters pass SPF, and so DMARC). Each is judged on
tables and messages of the check's own, with nothing sent anywhere."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from email.message import EmailMessage

from ..i18n import N_, _
from ..internet.checks import evaluate as run_checks
from ..internet.net import ZONE
from ..internet.spf import check_host
from ..internet.table import DNSTable
from .harness import Hint, Result, evaluate, untouched

__all__ = ["check_delaying_hop", "check_delivery_order", "check_spf_for_shop"]

# --- exercise 1: delivery_order(dns, domain) --------------------------------------------

_ORDER_TABLE = """
shuffled.example.   300 IN MX 30 c.shuffled.example.
shuffled.example.   300 IN MX 10 a.shuffled.example.
shuffled.example.   300 IN MX 20 b.shuffled.example.
c.shuffled.example. 300 IN A 198.51.100.3
a.shuffled.example. 300 IN A 198.51.100.1
b.shuffled.example. 300 IN A 198.51.100.2
tiny.example.       300 IN A 198.51.100.9
nomail.example.     300 IN MX 0 .
nomail.example.     300 IN A 198.51.100.8
gone.example.       300 IN TXT "v=spf1 -all"
"""  # i18n: keep a DNS zone (data)

_ORDER_CASES: tuple[tuple[str, list[str], str], ...] = (
    (
        "shuffled.example",
        ["a.shuffled.example", "b.shuffled.example", "c.shuffled.example"],
        N_(
            "try every MX host, the LOWEST preference first (10, then 20, then 30): a lower "
            "number is preferred (RFC 5321 §5.1), whatever order the records come in"
        ),
    ),
    (
        "tiny.example",
        ["tiny.example"],
        N_(
            "tiny.example has no MX record but an address: that is the implicit MX, the "
            "domain itself is the one host to try (RFC 5321 §5.1)"
        ),
    ),
    (
        "nomail.example",
        [],
        N_(
            "nomail.example publishes a null MX ('MX 0 .', RFC 7505): it takes no mail, so "
            "there is no host to try, even though it has an address"
        ),
    ),
    (
        "gone.example",
        [],
        N_(
            "gone.example has neither MX nor address: there is nowhere to deliver (the "
            "sender gets a bounce with 5.1.2)"
        ),
    ),
)


def _order_answers(function: Callable[[DNSTable, str], object]) -> list[object] | None:
    table = DNSTable.from_text(_ORDER_TABLE)
    answers = [function(table, domain) for domain, _, _ in _ORDER_CASES]
    return None if untouched(answers) else answers


def _verify_order(answers: object) -> str:
    assert isinstance(answers, list)
    for (domain, expected, why), answer in zip(_ORDER_CASES, answers, strict=True):
        if not isinstance(answer, list) or not all(isinstance(h, str) for h in answer):
            raise Hint(
                _(
                    "delivery_order(dns, {domain!r}) returned {answer!r}: return a list of host "
                    "names (str), e.g. ['a.shuffled.example', ...], without the preferences."
                ).format(domain=domain, answer=answer)
            )
        got = [host.rstrip(".").lower() for host in answer]
        if got != expected:
            raise Hint(
                _("delivery_order(dns, {domain!r}) returned {answer!r}: {why}.").format(
                    domain=domain, answer=answer, why=_(why)
                )
            )
    return _(
        "right for all four domains: MX hosts by preference, lowest first; the implicit MX; "
        "the null MX; and no route at all."
    )


def check_delivery_order(function: Callable[[DNSTable, str], object]) -> Result:
    """Check ``delivery_order(dns, domain)``: the hosts to try, in order (RFC 5321 §5.1)."""
    return evaluate("delivery_order", lambda: _order_answers(function), _verify_order)


# --- exercise 2: delaying_hop(message) ----------------------------------------------------


def _message(*received: str) -> EmailMessage:
    """A message with these Received lines, the TOP one first (as they are in the message)."""
    head = "".join(f"Received: {line}\r\n" for line in received)
    text = head + (
        "From: learner@post.example\r\n"  # i18n: keep the message (data)
        "To: friend@example.net\r\nSubject: Hi\r\n\r\nHi\r\n"
    )
    parsed = email.message_from_string(text, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _line(sender: str, by: str, when: str) -> str:
    return (
        f"from {sender} ({sender} [192.0.2.1]) by {by} (smtplab) with ESMTPS; {when}"  # i18n: keep
    )


# (message, the host that held it, why) — each case makes one wrong reading visible.
_HOP_CASES: tuple[tuple[EmailMessage, str, str], ...] = (
    (
        _message(
            _line("relay.post.example", "mx1.example.net", "Mon, 7 Dec 2026 11:40:02 +0000"),
            _line("smtp.post.example", "relay.post.example", "Mon, 7 Dec 2026 09:00:03 +0000"),
            _line("learner-laptop", "smtp.post.example", "Mon, 7 Dec 2026 09:00:01 +0000"),
        ),
        "relay.post.example",
        N_(
            "relay.post.example received it at 09:00:03 and mx1.example.net only at 11:40:02: "
            "the message waited at relay.post.example, the 'by' host of the LOWER line of the gap"
        ),
    ),
    (
        _message(
            _line("mx-in.example.net", "store.example.net", "Mon, 7 Dec 2026 10:00:09 +0000"),
            _line("smtp.post.example", "mx-in.example.net", "Mon, 7 Dec 2026 10:00:05 +0000"),
            _line("learner-laptop", "smtp.post.example", "Mon, 7 Dec 2026 06:30:00 +0000"),
        ),
        "smtp.post.example",
        N_(
            "read bottom-up: smtp.post.example took it at 06:30:00 and handed it on only at "
            "10:00:05, so the delay was at smtp.post.example (the first hop, the lowest line)"
        ),
    ),
    (
        _message(
            _line("mx.qq.example", "inbox.qq.example", "Mon, 7 Dec 2026 19:30:00 +0800"),
            _line("smtp.post.example", "mx.qq.example", "Mon, 7 Dec 2026 18:00:05 +0800"),
            _line("learner-laptop", "smtp.post.example", "Mon, 7 Dec 2026 10:00:00 +0000"),
        ),
        "mx.qq.example",
        N_(
            "the times are in different zones: 18:00:05 +0800 is 10:00:05 UTC, five seconds "
            "after 10:00:00 UTC; the 90 minutes were spent at mx.qq.example. Compare parsed "
            "times (email.utils.parsedate_to_datetime), not the text"
        ),
    ),
)


def _hop_answers(function: Callable[[EmailMessage], object]) -> list[object] | None:
    answers = [function(message) for message, _, _ in _HOP_CASES]
    return None if untouched(answers) else answers


def _verify_hop(answers: object) -> str:
    assert isinstance(answers, list)
    for number, ((_msg, expected, why), answer) in enumerate(zip(_HOP_CASES, answers, strict=True)):
        if not isinstance(answer, str):
            raise Hint(
                _(
                    "message {number}: delaying_hop returned {answer!r}: return the host "
                    "name (a str), the 'by' part of a Received line."
                ).format(number=number + 1, answer=answer)
            )
        if answer.strip().lower() != expected:
            raise Hint(
                _("message {number}: you answered {answer!r}, but {why}.").format(
                    number=number + 1, answer=answer, why=_(why)
                )
            )
    return _(
        "all three read right: Received lines bottom-up, the gap between two hops is time "
        "spent at the server that had the message, and times compared across time zones."
    )


def check_delaying_hop(function: Callable[[EmailMessage], object]) -> Result:
    """Check ``delaying_hop(message)`` on three messages with a delay at different hops."""
    return evaluate("delaying_hop", lambda: _hop_answers(function), _verify_hop)


# --- exercise 3: spf_for_shop() -----------------------------------------------------------

SHOP_ZONE = ZONE + (
    'shop.example.        300 IN TXT "v=spf1 -all"\n'  # i18n: keep a DNS zone (data)
    '_dmarc.shop.example. 300 IN TXT "v=DMARC1; p=reject"\n'
)
"""The table of exercise 3: shop.example publishes ``v=spf1 -all`` (no mail) so far."""

_NEWSLETTER = (
    b"From: Shop <news@shop.example>\r\nTo: friend@example.net\r\n"
    b"Subject: This week's offers\r\n\r\nOffers\r\n"
)
_OUTGOING = "192.0.2.25"  # smtp.post.example, which sends shop.example's newsletters
_STRANGER = "203.0.113.7"


def _spf_answer(function: Callable[[], object]) -> object:
    answer = function()
    return None if untouched([answer]) else answer


def _verify_spf(answer: object) -> str:
    if not isinstance(answer, str):
        raise Hint(
            _("spf_for_shop() returned {answer!r}: return the TXT data as a str.").format(
                answer=answer
            )
        )
    table = DNSTable.from_text(SHOP_ZONE)
    try:
        table.set("shop.example", "TXT", answer)
    except Exception as error:
        raise Hint(
            _("the table refused {answer!r} as TXT data: {error}").format(
                answer=answer, error=error
            )
        ) from None
    record = table.txt("shop.example")[0]
    if not record.startswith("v=spf1 "):
        raise Hint(
            _(
                "shop.example's TXT record reads {record!r}: it must start with 'v=spf1 ' "
                "(RFC 7208 §4.5). Put the whole record in double quotes, '\"v=spf1 ... -all\"': "
                "without quotes every word is a string of its own and they are joined without "
                "spaces."
            ).format(record=record)
        )
    ours = check_host(table, _OUTGOING, "shop.example")
    if ours.result != "pass":
        raise Hint(
            _(
                "SPF for shop.example from smtp.post.example ({address}) is {result}: the "
                "newsletters leave through smtp.post.example, so its address must be authorised "
                "(mx.post.example only receives mail; include:_spf.post.example lists the "
                "senders). "
            ).format(address=_OUTGOING, result=ours.result)
            + "; ".join(ours.steps)
        )
    stranger = check_host(table, _STRANGER, "shop.example")
    if stranger.result not in ("fail", "softfail"):
        raise Hint(
            _(
                "SPF for shop.example from a stranger ({address}) is {result}: your "
                "record authorises (or says nothing about) every other host of the internet. "
                "End it with -all, and never +all."
            ).format(address=_STRANGER, result=stranger.result)
        )
    verdict = run_checks(table, _NEWSLETTER, _OUTGOING, "bounce@shop.example", "smtp.post.example")
    if verdict.dmarc != "pass":  # pragma: no cover - SPF passed and is aligned
        raise Hint(
            _("DMARC is still {verdict}: ").format(verdict=verdict.dmarc)
            + "; ".join(verdict.reasons)
        )
    return _(
        "{record!r}: SPF passes for smtp.post.example and fails for strangers; the envelope "
        "domain shop.example is the From: domain, so DMARC passes (aligned SPF)."
    ).format(record=record)


def check_spf_for_shop(function: Callable[[], object]) -> Result:
    """Check ``spf_for_shop()``: the TXT data that lets smtp.post.example send for
    shop.example (and nobody else), so that its newsletters pass DMARC."""
    return evaluate("spf_for_shop", lambda: _spf_answer(function), _verify_spf)
