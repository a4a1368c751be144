"""Reference solutions for notebook 11 · After Send: where the mail goes.

Try the exercises yourself first: the checks in the notebook give hints.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from itertools import pairwise


def delivery_order(dns, domain):
    """The hosts to try for `domain`, in order (RFC 5321 §5.1)."""
    records = dns.mx(domain)  # [(preference, host), ...] in no particular order
    if records:
        # lowest preference first; a null MX ("MX 0 .", RFC 7505) means: no mail here
        return [host for _, host in sorted(records) if host != "."]
    return [domain] if dns.addresses(domain) else []  # the implicit MX, or nothing


def delaying_hop(message):
    """The host that held the message longest, from its Received lines."""
    hops = []
    for line in reversed(message.get_all("Received")):  # bottom-up: the first hop first
        text = " ".join(str(line).split())
        by = text.split(" by ", 1)[1].split()[0]
        when = parsedate_to_datetime(text.rsplit(";", 1)[1].strip())
        hops.append((by, when))
    gaps = [(later[1] - earlier[1], earlier[0]) for earlier, later in pairwise(hops)]
    return max(gaps)[1]  # the gap is time spent at the lower line's 'by' host


def spf_for_shop():
    """shop.example's SPF record: post.example's outgoing servers, nobody else."""
    return '"v=spf1 include:_spf.post.example -all"'
