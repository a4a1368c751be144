"""Notebook 11's hints and praise, marked for translation (nb11.py shows them through _())."""

from ..i18n import N_

__all__: list[str] = []

RIGHT_ALL_DOMAINS = N_(
    "right for all five domains: MX hosts by preference, lowest first, and only them; the "
    "implicit MX; the null MX; and no route at all."
)
BOTH_EXAMPLE_HAS = N_(
    "both.example has an MX record and an address: only its MX host is tried. The domain's "
    "own address is the implicit MX only when it has no MX record at all (RFC 5321 §5.1), "
    "not a last resort after its MX hosts"
)
SPF_PASSES_RECEIVER = N_(
    "SPF for shop.example from mx.post.example ({address}) is pass: your record authorises "
    "a host that only receives mail (its address, an mx, or a whole range around "
    "smtp.post.example). List the servers that send the newsletters and no others: "
    "include:_spf.post.example, then -all."
)
ALL_THREE_READ = N_(
    "all three read right: Received lines bottom-up, the gap between two hops is time "
    "spent at the server that had the message, and times compared across time zones."
)
TRY_EVERY_MX = N_(
    "try every MX host, the LOWEST preference first (10, then 20, then 100, compared as "
    "numbers, not as text): a lower number is preferred (RFC 5321 §5.1), whatever order "
    "the records come in"
)
TINY_EXAMPLE_HAS = N_(
    "tiny.example has no MX record but an address: that is the implicit MX, the "
    "domain itself is the one host to try (RFC 5321 §5.1)"
)
NOMAIL_EXAMPLE_PUBLISHES = N_(
    "nomail.example publishes a null MX ('MX 0 .', RFC 7505): it takes no mail, so "
    "there is no host to try, even though it has an address"
)
GONE_EXAMPLE_HAS = N_(
    "gone.example has neither MX nor address: there is nowhere to deliver (the "
    "sender gets a bounce with 5.1.2)"
)
RELAY_POST_EXAMPLE = N_(
    "relay.post.example received it at 09:00:03 and mx1.example.net only at 11:40:02: "
    "the message waited at relay.post.example, the 'by' host of the LOWER line of the gap"
)
READ_BOTTOM_UP = N_(
    "read bottom-up: smtp.post.example took it at 06:30:00 and handed it on only at "
    "10:00:05, so the delay was at smtp.post.example (the first hop, the lowest line)"
)
TIMES_DIFFERENT_ZONES = N_(
    "the times are in different zones: 18:00:05 +0800 is 10:00:05 UTC, five seconds "
    "after 10:00:00 UTC; the 90 minutes were spent at mx.qq.example. Compare parsed "
    "times (email.utils.parsedate_to_datetime), not the text"
)
SPF_PASSES_SMTP = N_(
    "{record!r}: SPF passes for smtp.post.example and fails for strangers; the envelope "
    "domain shop.example is the From: domain, so DMARC passes (aligned SPF)."
)
SHOP_EXAMPLE_TXT = N_(
    "shop.example's TXT record reads {record!r}: it must start with 'v=spf1 ' (RFC 7208 §4.5)."
)
PUT_IN_QUOTES = N_(
    "Put the whole record in double quotes, '\"v=spf1 ... -all\"': without quotes every "
    "word is a string of its own and they are joined without spaces."
)
STRINGS_JOINED = N_(
    "your TXT data is {count} strings, and a TXT record's strings are joined without "
    "a space: into {record!r} here (RFC 7208 §3.3). Put the space inside a string, "
    '\'"v=spf1 ... " "-all"\', or write the record as one string.'
)
SPF_BROKEN_FOR_STRANGER = N_(
    "SPF for shop.example from a stranger ({address}) is {result}: your record is "
    "broken (RFC 7208 §4.6), so it refuses nobody. "
)
SPF_BROKEN_FOR_OURS = N_(
    "SPF for shop.example from smtp.post.example ({address}) is {result}: your record is "
    "broken (RFC 7208 §4.6: an error anywhere in it makes the whole record fail). "
)
SPF_SHOP_EXAMPLE = N_(
    "SPF for shop.example from a stranger ({address}) is {result}: your "
    "record authorises (or says nothing about) every other host of the internet. "
    "End it with -all, and never +all."
)
DELIVERY_ORDER_DNS = N_(
    "delivery_order(dns, {domain!r}) returned {answer!r}: return a list of host "
    "names (str), e.g. ['a.shuffled.example', ...], without the preferences."
)
MESSAGE_DELAYING_HOP = N_(
    "message {number}: delaying_hop returned {answer!r}: return the host "
    "name (a str), the 'by' part of a Received line."
)
SPF_SHOP_EXAMPLE_FROM = N_(
    "SPF for shop.example from smtp.post.example ({address}) is {result}: the "
    "newsletters leave through smtp.post.example, so its address must be authorised "
    "(mx.post.example only receives mail; include:_spf.post.example lists the "
    "senders). "
)
SPF_SHOP_RETURNED = N_("spf_for_shop() returned {answer!r}: return the TXT data as a str.")
DELIVERY_ORDER_DNS_RETURNED = N_("delivery_order(dns, {domain!r}) returned {answer!r}: {why}.")
ORDER_WRONG_ANSWER = N_("message {number}: you answered {answer!r}, but {why}.")
TABLE_REFUSED_TXT = N_("the table refused {answer!r} as TXT data: {error}")
