"""Checks for notebook 11 · After Send: ``delivery_order(dns, domain)`` (RFC 5321 §5.1),
``delaying_hop(message)`` (Received lines read bottom-up) and ``spf_for_shop()`` (a
record that makes shop.example's newsletters pass SPF, and so DMARC). Each is judged on
tables and messages of the check's own, with nothing sent anywhere."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from email.message import EmailMessage
from itertools import pairwise

from ..i18n import _
from ..internet.checks import evaluate as run_checks
from ..internet.net import ZONE
from ..internet.spf import check_host
from ..internet.table import DNSTable
from . import nb11_texts as texts
from .harness import Hint, Result, evaluate, untouched

__all__ = ["check_delaying_hop", "check_delivery_order", "check_spf_for_shop"]

# --- exercise 1: delivery_order(dns, domain) --------------------------------------------

# 100 after 20: as text "100" sorts before "20", so preferences compared as text fail.
_ORDER_TABLE = """
shuffled.example.   300 IN MX 100 b.shuffled.example.
shuffled.example.   300 IN MX 10 a.shuffled.example.
shuffled.example.   300 IN MX 20 c.shuffled.example.
c.shuffled.example. 300 IN A 198.51.100.3
a.shuffled.example. 300 IN A 198.51.100.1
b.shuffled.example. 300 IN A 198.51.100.2
both.example.       300 IN MX 10 mx.both.example.
both.example.       300 IN A 198.51.100.5
mx.both.example.    300 IN A 198.51.100.6
tiny.example.       300 IN A 198.51.100.9
nomail.example.     300 IN MX 0 .
nomail.example.     300 IN A 198.51.100.8
gone.example.       300 IN TXT "v=spf1 -all"
"""  # i18n: keep a DNS zone (data)

_ORDER_CASES: tuple[tuple[str, list[str], str], ...] = (
    (
        "shuffled.example",
        ["a.shuffled.example", "c.shuffled.example", "b.shuffled.example"],  # not by name, not text
        texts.TRY_EVERY_MX,
    ),
    ("both.example", ["mx.both.example"], texts.BOTH_EXAMPLE_HAS),
    (
        "tiny.example",
        ["tiny.example"],
        texts.TINY_EXAMPLE_HAS,
    ),
    (
        "nomail.example",
        [],
        texts.NOMAIL_EXAMPLE_PUBLISHES,
    ),
    (
        "gone.example",
        [],
        texts.GONE_EXAMPLE_HAS,
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
            raise Hint(_(texts.DELIVERY_ORDER_DNS).format(domain=domain, answer=answer))
        got = [host.rstrip(".").lower() for host in answer]
        if got != expected:
            raise Hint(
                _(texts.DELIVERY_ORDER_DNS_RETURNED).format(
                    domain=domain, answer=answer, why=_(why)
                )
            )
    return _(texts.RIGHT_ALL_DOMAINS)


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
        texts.RELAY_POST_EXAMPLE,
    ),
    (
        _message(
            _line("mx-in.example.net", "store.example.net", "Mon, 7 Dec 2026 10:00:09 +0000"),
            _line("smtp.post.example", "mx-in.example.net", "Mon, 7 Dec 2026 10:00:05 +0000"),
            _line("learner-laptop", "smtp.post.example", "Mon, 7 Dec 2026 06:30:00 +0000"),
        ),
        "smtp.post.example",
        texts.READ_BOTTOM_UP,
    ),
    (
        _message(
            _line("mx.qq.example", "inbox.qq.example", "Mon, 7 Dec 2026 19:30:00 +0800"),
            _line("smtp.post.example", "mx.qq.example", "Mon, 7 Dec 2026 18:00:05 +0800"),
            _line("learner-laptop", "smtp.post.example", "Mon, 7 Dec 2026 10:00:00 +0000"),
        ),
        "mx.qq.example",
        texts.TIMES_DIFFERENT_ZONES,
    ),
)


def _hop_answers(function: Callable[[EmailMessage], object]) -> list[object] | None:
    answers = [function(message) for message, _, _ in _HOP_CASES]
    return None if untouched(answers) else answers


def _verify_hop(answers: object) -> str:
    assert isinstance(answers, list)
    for number, ((_msg, expected, why), answer) in enumerate(zip(_HOP_CASES, answers, strict=True)):
        if not isinstance(answer, str):
            raise Hint(_(texts.MESSAGE_DELAYING_HOP).format(number=number + 1, answer=answer))
        if answer.strip().lower() != expected:
            raise Hint(
                _(texts.ORDER_WRONG_ANSWER).format(number=number + 1, answer=answer, why=_(why))
            )
    return _(texts.ALL_THREE_READ)


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
_RECEIVER = "192.0.2.26"  # mx.post.example, which only receives (and its /24 neighbour)
_STRANGER = "203.0.113.7"


def _spf_answer(function: Callable[[], object]) -> object:
    answer = function()
    return None if untouched([answer]) else answer


def _verify_spf(answer: object) -> str:
    if not isinstance(answer, str):
        raise Hint(_(texts.SPF_SHOP_RETURNED).format(answer=answer))
    table = DNSTable.from_text(SHOP_ZONE)
    try:
        table.set("shop.example", "TXT", answer)
    except Exception as error:
        raise Hint(_(texts.TABLE_REFUSED_TXT).format(answer=answer, error=error)) from None
    record = table.txt("shop.example")[0]
    strings = table.lookup("shop.example", "TXT")[0].strings
    try:
        return _judge_spf(table, record, quoted='"' in answer)
    except Hint:
        # quoted strings glued at a word's end (RFC 7208 §3.3): that is what broke it
        if '"' in answer and any(
            not a[-1:].isspace() and not b[:1].isspace() for a, b in pairwise(strings)
        ):
            raise Hint(_(texts.STRINGS_JOINED).format(count=len(strings), record=record)) from None
        raise


def _judge_spf(table: DNSTable, record: str, quoted: bool) -> str:
    """Judge shop.example's joined TXT ``record`` in ``table``; ``quoted``: the learner's
    answer had quotes (so the missing-quotes advice would be beside the point)."""
    if not record.lower().startswith("v=spf1 "):  # any case, as check_host reads it
        raise Hint(
            _(texts.SHOP_EXAMPLE_TXT).format(record=record)
            + ("" if quoted else " " + _(texts.PUT_IN_QUOTES))
        )
    ours = check_host(table, _OUTGOING, "shop.example")
    if ours.result in ("permerror", "temperror"):
        raise Hint(
            _(texts.SPF_BROKEN_FOR_OURS).format(address=_OUTGOING, result=ours.result)
            + "; ".join(ours.steps)
        )
    if ours.result != "pass":
        raise Hint(
            _(texts.SPF_SHOP_EXAMPLE_FROM).format(address=_OUTGOING, result=ours.result)
            + "; ".join(ours.steps)
        )
    stranger = check_host(table, _STRANGER, "shop.example")
    if stranger.result in ("permerror", "temperror"):
        raise Hint(
            _(texts.SPF_BROKEN_FOR_STRANGER).format(address=_STRANGER, result=stranger.result)
            + "; ".join(stranger.steps)
        )
    if stranger.result not in ("fail", "softfail"):
        raise Hint(_(texts.SPF_SHOP_EXAMPLE).format(address=_STRANGER, result=stranger.result))
    if check_host(table, _RECEIVER, "shop.example").result == "pass":
        raise Hint(_(texts.SPF_PASSES_RECEIVER).format(address=_RECEIVER))
    verdict = run_checks(table, _NEWSLETTER, _OUTGOING, "bounce@shop.example", "smtp.post.example")
    if verdict.dmarc != "pass":  # pragma: no cover - SPF passed and is aligned
        raise Hint(
            _("DMARC is still {verdict}: ").format(verdict=verdict.dmarc)
            + "; ".join(verdict.reasons)
        )
    return _(texts.SPF_PASSES_SMTP).format(record=record)


def check_spf_for_shop(function: Callable[[], object]) -> Result:
    """Check ``spf_for_shop()``: the TXT data that lets smtp.post.example send for
    shop.example (and nobody else), so that its newsletters pass DMARC."""
    return evaluate("spf_for_shop", lambda: _spf_answer(function), _verify_spf)
