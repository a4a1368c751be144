"""The checks of notebook 11 (After Send) against the solutions and typical mistakes.

The three exercises are pure: a DNS table, messages with Received lines and an SPF record,
judged by the check with the lab internet's own DNS table and SPF/DMARC code.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from itertools import pairwise

import pytest
from catalogue import Exercise, Mistake, catalogue_tests
from helpers import load_solution

from smtplab.course.nb11 import check_delaying_hop, check_delivery_order, check_spf_for_shop

pytestmark = pytest.mark.timeout(60)

sol = load_solution("nb11_after_send")
WHERE = "11 · After Send"


# --- 11.1 delivery_order ------------------------------------------------------------------


def highest_first(dns, domain):  # type: ignore[no-untyped-def]
    records = dns.mx(domain)
    if records:
        return [h for _, h in sorted(records, reverse=True) if h != "."]
    return [domain] if dns.addresses(domain) else []


def no_implicit_mx(dns, domain):  # type: ignore[no-untyped-def]
    return [h for _, h in sorted(dns.mx(domain)) if h != "."]


def first_host_only(dns, domain):  # type: ignore[no-untyped-def]
    return sol.delivery_order(dns, domain)[:1]


def ignores_null_mx(dns, domain):  # type: ignore[no-untyped-def]
    hosts = sol.delivery_order(dns, domain)
    return hosts or ([domain] if dns.addresses(domain) else [])


def keeps_the_dns_order(dns, domain):  # type: ignore[no-untyped-def]
    records = dns.mx(domain)
    if records:
        return [h for _, h in records if h != "."]
    return [domain] if dns.addresses(domain) else []


def sorts_the_names(dns, domain):  # type: ignore[no-untyped-def]
    hosts = sorted(h for _, h in dns.mx(domain) if h != ".")
    return hosts or ([domain] if dns.addresses(domain) else [])


def sorts_preferences_as_text(dns, domain):  # type: ignore[no-untyped-def]
    # the zone lines as print(net.dns) shows them: "300 IN MX 10 a.shuffled.example."
    lines = [data for name, data in dns.records() if name == domain and " MX " in data]
    records = [data.split()[3:] for data in lines]
    if records:  # ["10", "a.shuffled.example."]: the preference is text, "100" < "20"
        return [h.rstrip(".") for _, h in sorted(records) if h != "."]
    return [domain] if dns.addresses(domain) else []


def keeps_preferences(dns, domain):  # type: ignore[no-untyped-def]
    return [r for r in dns.mx(domain) if r[1] != "."] or ([domain] if dns.addresses(domain) else [])


def adds_the_domain_after_its_mx(dns, domain):  # type: ignore[no-untyped-def]
    """The domain's own address as a last resort, though it has MX records."""
    if any(host == "." for _, host in dns.mx(domain)):
        return []
    hosts = [h for _, h in sorted(dns.mx(domain))]
    return hosts + ([domain] if dns.addresses(domain) else [])


# --- 11.2 delaying_hop --------------------------------------------------------------------


def _hops(message):  # type: ignore[no-untyped-def]
    hops = []
    for line in reversed(message.get_all("Received")):
        text = " ".join(str(line).split())
        by = text.split(" by ", 1)[1].split()[0]
        hops.append((by, text.rsplit(";", 1)[1].strip()))
    return hops


def blames_the_later_host(message):  # type: ignore[no-untyped-def]
    hops = [(by, parsedate_to_datetime(when)) for by, when in _hops(message)]
    gaps = [(b[1] - a[1], b[0]) for a, b in pairwise(hops)]
    return max(gaps)[1]


def compares_text_times(message):  # type: ignore[no-untyped-def]
    hops = _hops(message)
    # the clock time as text, as if every line were in the same zone
    seconds = [
        (
            by,
            sum(int(x) * f for x, f in zip(when.split()[4].split(":"), (3600, 60, 1), strict=True)),
        )
        for by, when in hops
    ]
    gaps = [(b[1] - a[1], a[0]) for a, b in pairwise(seconds)]
    return max(gaps)[1]


def always_the_first_hop(message):  # type: ignore[no-untyped-def]
    return _hops(message)[0][0]


def returns_a_pair(message):  # type: ignore[no-untyped-def]
    hops = [(by, parsedate_to_datetime(when)) for by, when in _hops(message)]
    gaps = [(b[1] - a[1], a[0]) for a, b in pairwise(hops)]
    return max(gaps)


# --- 11.3 spf_for_shop --------------------------------------------------------------------

EXERCISES = [
    Exercise(
        number="11.1",
        title="where to deliver: delivery_order(dns, domain)",
        checks="delivery_order(dns, domain) for MX records out of order, MX records and an "
        "address, an implicit MX, a null MX and a domain with neither MX nor address",
        check=check_delivery_order,
        correct=sol.delivery_order,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="highest preference first",
                rule="the lowest MX preference is tried first (RFC 5321 §5.1)",
                warned_in=f"{WHERE}: MX records and preferences",
                answer=highest_first,
                hint="LOWEST preference first",
            ),
            Mistake(
                name="keeps the order DNS gave",
                rule="DNS returns MX records in no order: sort them by preference",
                warned_in=f"{WHERE}: MX records and preferences",
                answer=keeps_the_dns_order,
                hint="whatever order the records come in",
            ),
            Mistake(
                name="sorts the host names, not the preferences",
                rule="the order is the preference's, not the names' (RFC 5321 §5.1)",
                warned_in=f"{WHERE}: MX records and preferences",
                answer=sorts_the_names,
                hint="LOWEST preference first",
            ),
            Mistake(
                name="compares the preferences as text",
                rule="a preference is a number: 20 comes before 100, though '100' < '20' as text",
                warned_in=f"{WHERE}: MX records and preferences",
                answer=sorts_preferences_as_text,
                hint="as numbers",
            ),
            Mistake(
                name="no implicit MX",
                rule="a domain with no MX but an address is its own MX (RFC 5321 §5.1)",
                warned_in=f"{WHERE}: MX records and preferences",
                answer=no_implicit_mx,
                hint="implicit MX",
            ),
            Mistake(
                name="the domain's address after its MX hosts",
                rule="the implicit MX is used only when there is no MX record at all "
                "(RFC 5321 §5.1)",
                warned_in=f"{WHERE}: MX records and preferences (no MX record at all)",
                answer=adds_the_domain_after_its_mx,
                hint="only when it has no MX record at all",
            ),
            Mistake(
                name="only the first MX host",
                rule="when the preferred host does not answer, try the next (RFC 5321 §5.1)",
                warned_in=f"{WHERE}: an MX change",
                answer=first_host_only,
                hint="try every MX host",
            ),
            Mistake(
                name="a null MX taken for no MX",
                rule="MX 0 . says the domain takes no mail (RFC 7505)",
                warned_in=f"{WHERE}: MX records and preferences",
                answer=ignores_null_mx,
                hint="null MX",
            ),
            Mistake(
                name="returns the preferences too",
                rule="the answer is the host names, in order",
                warned_in=f"{WHERE}: exercise 1",
                answer=keeps_preferences,
                hint="without the preferences",
            ),
        ),
    ),
    Exercise(
        number="11.2",
        title="which hop delayed it: delaying_hop(message)",
        checks="delaying_hop(message) on three messages whose delay is at the second hop, "
        "at the first hop, and across two time zones",
        check=check_delaying_hop,
        correct=sol.delaying_hop,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="blames the host that received late",
                rule="a gap between two Received lines is time spent at the lower line's 'by' host",
                warned_in=f"{WHERE}: reading Received lines bottom-up",
                answer=blames_the_later_host,
                hint="LOWER line of the gap",
            ),
            Mistake(
                name="compares the times as text",
                rule="Received dates carry their zone: compare parsed times",
                warned_in=f"{WHERE}: reading Received lines bottom-up",
                answer=compares_text_times,
                hint="different zones",
            ),
            Mistake(
                name="always the first hop",
                rule="the delay is the largest gap, wherever it is",
                warned_in=f"{WHERE}: a delay on the way",
                answer=always_the_first_hop,
                hint="the message waited at relay.post.example",
            ),
            Mistake(
                name="returns the gap and the host",
                rule="the answer is one host name",
                warned_in=f"{WHERE}: exercise 2",
                answer=returns_a_pair,
                hint="return the host name",
            ),
        ),
    ),
    Exercise(
        number="11.3",
        title="let the shop's newsletters pass: spf_for_shop()",
        checks="spf_for_shop() is TXT data for shop.example: SPF must pass for "
        "smtp.post.example (192.0.2.25) and fail for a stranger and for mx.post.example "
        "(192.0.2.26, it only receives), and DMARC then pass",
        check=check_spf_for_shop,
        correct=sol.spf_for_shop,
        talks_to_lab=False,
        mistakes=(
            Mistake(
                name="+all",
                rule="+all authorises every host of the internet (RFC 7208 §5.1)",
                warned_in=f"{WHERE}: SPF with a missing include",
                answer=lambda: '"v=spf1 +all"',
                hint="never +all",
            ),
            Mistake(
                name="the MX's address",
                rule="SPF lists the hosts that SEND for the domain, not its MX",
                warned_in=f"{WHERE}: SPF with a missing include",
                answer=lambda: '"v=spf1 ip4:192.0.2.26 -all"',
                hint="mx.post.example only receives",
            ),
            Mistake(
                name="the MX's address too",
                rule="SPF lists the hosts that send for the domain, and fails for any other",
                warned_in=f"{WHERE}: SPF with a missing include (mx.post.example never sends)",
                answer=lambda: '"v=spf1 ip4:192.0.2.26 include:_spf.post.example -all"',
                hint="mx.post.example (192.0.2.26) is pass",
            ),
            Mistake(
                name="a whole range around the sender",
                rule="authorise post.example's outgoing servers, not their neighbours",
                warned_in=f"{WHERE}: exercise 3 (fails for anyone else)",
                answer=lambda: '"v=spf1 ip4:192.0.2.0/24 -all"',
                hint="192.0.2.26) is pass",
            ),
            Mistake(
                name="no quotes",
                rule="TXT data is quoted in zone text (RFC 1035 §5.1)",
                warned_in=f"{WHERE}: the DNS table",
                answer=lambda: "v=spf1 include:_spf.post.example -all",
                hint="double quotes",
            ),
            Mistake(
                name="no all at the end",
                rule="without an all, strangers are neutral, not refused (RFC 7208 §4.7)",
                warned_in=f"{WHERE}: SPF with a missing include",
                answer=lambda: '"v=spf1 include:_spf.post.example"',
                hint="End it with -all",
            ),
            Mistake(
                name="?all",
                rule="?all leaves strangers neutral: it refuses nobody (RFC 7208 §8.2)",
                warned_in=f"{WHERE}: SPF with a missing include",
                answer=lambda: '"v=spf1 include:_spf.post.example ?all"',
                hint="End it with -all",
            ),
            Mistake(
                name="two strings joined without a space",
                rule="a TXT record's strings are joined WITHOUT a space (RFC 7208 §3.3)",
                warned_in=f"{WHERE}: the DNS table",
                answer=lambda: '"v=spf1 ip4:192.0.2.25" "-all"',
                hint="joined without a space: into 'v=spf1 ip4:192.0.2.25-all'",
            ),
            Mistake(
                name="a second SPF record in the same TXT data",
                rule="one TXT data is one record, and a domain has one SPF record (RFC 7208 §4.5)",
                warned_in=f"{WHERE}: exercise 3",
                answer=lambda: '"v=spf1 include:_spf.post.example -all" "v=spf1 -all"',
                hint="joined without a space: into 'v=spf1 include:_spf.post.example -allv=spf1",
            ),
            Mistake(
                name="a second record on a line of its own",
                rule="a line break ends a record's data, as in zone text (RFC 1035 §5.1)",
                warned_in=f"{WHERE}: exercise 3",
                answer=lambda: '"v=spf1 include:_spf.post.example -all"\n"v=spf1 +all"',
                hint="a line break ends a record",
            ),
            Mistake(
                name="no v=spf1",
                rule="an SPF record starts with its version, v=spf1 (RFC 7208 §4.5)",
                warned_in=f"{WHERE}: the DNS table",
                answer=lambda: '"include:_spf.post.example -all"',
                hint="must start with 'v=spf1 '",
            ),
            Mistake(
                name="a misspelt -all",
                rule="an unknown mechanism makes the record a permerror (RFC 7208 §4.6)",
                warned_in=f"{WHERE}: exercise 3",
                answer=lambda: '"v=spf1 include:_spf.post.example -al"',
                hint="your record is broken",
            ),
        ),
    ),
]

test_correct_answer_passes, test_mistake_fails_with_its_hint, test_catalogue_is_complete = (
    catalogue_tests(EXERCISES)
)


@pytest.mark.parametrize(
    "answer",
    [
        '"v=spf1 include:_spf.post" ".example -all"',  # cut inside a word: RFC 7208 §3.3
        '"v=spf1 include:_spf.post.example " "-all"',  # the space inside a string
        '"V=SPF1 INCLUDE:_spf.post.example -ALL"',  # terms in any case (RFC 7208 §4.5, §12)
    ],
)
def test_spf_strings_that_join_into_a_good_record_pass(answer: str) -> None:
    result = check_spf_for_shop(lambda: answer)
    assert result.status == "passed", result


def test_spf_hints_of_quoted_answers_say_nothing_of_missing_quotes() -> None:
    for answer in ('"include:_spf.post.example -all"', '"v=spf1" "include:_spf.post.example -all"'):
        result = check_spf_for_shop(lambda answer=answer: answer)
        assert result.status == "failed", result
        assert "double quotes" not in result.message, result.message
