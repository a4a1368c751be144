"""The lab's SPF evaluator against RFC 7208 Appendix A (its DNS set-up and examples).

``ptr`` is left out (the evaluator counts it and never matches it: RFC 7208 §5.5 says
not to use it), and so are the examples with macros (A.3, A.4), which it does not expand.
"""

from __future__ import annotations

import itertools

import pytest

from smtplab.internet.spf import check_host
from smtplab.internet.table import DNSTable

APPENDIX_A = """
example.com.          600 IN MX 10 mail-a.example.com.
example.com.          600 IN MX 20 mail-b.example.com.
example.com.          600 IN A 192.0.2.10
example.com.          600 IN A 192.0.2.11
amy.example.com.      600 IN A 192.0.2.65
bob.example.com.      600 IN A 192.0.2.66
mail-a.example.com.   600 IN A 192.0.2.129
mail-b.example.com.   600 IN A 192.0.2.130
www.example.com.      600 IN CNAME example.com.
example.org.          600 IN MX 10 mail-c.example.org.
mail-c.example.org.   600 IN A 192.0.2.140
"""
HOSTS = [
    "192.0.2.3",
    "192.0.2.10",
    "192.0.2.11",
    "192.0.2.65",
    "192.0.2.129",
    "192.0.2.130",
    "192.0.2.131",
    "192.0.2.140",
    "192.0.2.143",
    "10.0.0.4",
]


def table_with(record: str) -> DNSTable:
    table = DNSTable.from_text(APPENDIX_A)
    table.add("example.com", "TXT", f'"{record}"')
    return table


# A.1: each record and the sending hosts that pass (every other host fails).
@pytest.mark.parametrize(
    ("record", "passing"),
    [
        ("v=spf1 +all", set(HOSTS)),
        ("v=spf1 a -all", {"192.0.2.10", "192.0.2.11"}),
        ("v=spf1 a:example.org -all", set()),
        ("v=spf1 mx -all", {"192.0.2.129", "192.0.2.130"}),
        ("v=spf1 mx:example.org -all", {"192.0.2.140"}),
        ("v=spf1 mx mx:example.org -all", {"192.0.2.129", "192.0.2.130", "192.0.2.140"}),
        (
            "v=spf1 mx/30 mx:example.org/30 -all",
            {"192.0.2.129", "192.0.2.130", "192.0.2.131", "192.0.2.140", "192.0.2.143"},
        ),
        (
            "v=spf1 ip4:192.0.2.128/28 -all",
            {"192.0.2.129", "192.0.2.130", "192.0.2.131", "192.0.2.140", "192.0.2.143"},
        ),
    ],
)
def test_appendix_a1_simple_examples(record: str, passing: set[str]) -> None:
    table = table_with(record)
    for host in HOSTS:
        expected = "pass" if host in passing else "fail"
        assert check_host(table, host, "example.com").result == expected, (record, host)


def test_appendix_a1_ip4_example_names_its_hosts() -> None:
    table = table_with("v=spf1 ip4:192.0.2.128/28 -all")
    assert check_host(table, "192.0.2.65", "example.com").result == "fail"
    assert check_host(table, "192.0.2.129", "example.com").result == "pass"


def test_appendix_a2_include_and_redirect() -> None:
    table = table_with("v=spf1 mx -all")
    table.add("example.org", "TXT", '"v=spf1 include:example.com include:example.net -all"')
    for name in ("la", "ny", "sf"):
        table.add(f"{name}.example.org", "TXT", '"v=spf1 redirect=example.org"')
    # example.com's mail servers pass through the first include...
    assert check_host(table, "192.0.2.129", "example.org").result == "pass"
    assert check_host(table, "192.0.2.129", "la.example.org").result == "pass"
    # ...any other host reaches include:example.net, which has no SPF record: permerror
    # (RFC 7208 §5.2; A.2 says so of this very record).
    assert check_host(table, "192.0.2.65", "ny.example.org").result == "permerror"
    table.add("example.net", "TXT", '"v=spf1 -all"')
    assert check_host(table, "192.0.2.65", "sf.example.org").result == "fail"


def test_qualifiers_none_and_neutral() -> None:
    table = table_with("v=spf1 ~all")
    assert check_host(table, "192.0.2.3", "example.com").result == "softfail"
    table.set("example.com", "TXT", '"v=spf1 ?all"')
    assert check_host(table, "192.0.2.3", "example.com").result == "neutral"
    table.set("example.com", "TXT", '"v=spf1 a"')
    assert check_host(table, "192.0.2.3", "example.com").result == "neutral"  # §4.7
    assert check_host(table, "192.0.2.3", "example.org").result == "none"


def test_ip6_and_dual_cidr() -> None:
    table = table_with("v=spf1 ip6:2001:db8::/32 a//64 -all")
    table.add("example.com", "AAAA", "2001:db9::1")
    assert check_host(table, "2001:db8::5", "example.com").result == "pass"
    assert check_host(table, "2001:db9::ff", "example.com").result == "pass"
    assert check_host(table, "2001:dba::1", "example.com").result == "fail"
    assert check_host(table, "192.0.2.10", "example.com").result == "pass"


def test_the_ten_lookup_limit() -> None:
    table = DNSTable.from_text(APPENDIX_A)
    chain = [f"l{i}.example.com" for i in range(12)]
    for here, there in itertools.pairwise(chain):
        table.add(here, "TXT", f'"v=spf1 include:{there} -all"')
    table.add(chain[-1], "TXT", '"v=spf1 +all"')
    result = check_host(table, "192.0.2.3", chain[0])
    assert result.result == "permerror"
    assert "10 DNS lookups" in result.steps[-1]
    short = check_host(table, "192.0.2.3", chain[2])  # 9 includes: within the limit
    assert short.result == "pass" and short.lookups == 9


def test_broken_records_are_permerrors() -> None:
    table = table_with("v=spf1 -all")
    table.add("example.com", "TXT", '"v=spf1 +all"')
    assert check_host(table, "192.0.2.3", "example.com").result == "permerror"  # §4.5
    for record in (
        "v=spf1 foo -all",
        "v=spf1 ip4:300.1.1.1 -all",
        "v=spf1 a:%{d} -all",
        "v=spf1 redirect=example.org",
    ):
        table.set("example.com", "TXT", f'"{record}"')
        assert check_host(table, "192.0.2.3", "example.com").result == "permerror", record


def test_a_record_the_table_cannot_hold_is_explained_and_set_keeps_the_old_one() -> None:
    # An SPF record of 20 includes is one TXT string over 255 characters: dnspython said
    # only "string too long", and set() had already removed the record it was to replace.
    table = table_with("v=spf1 -all")
    includes = " ".join(f"include:i{i}.example.com" for i in range(20))
    with pytest.raises(ValueError, match="255") as caught:
        table.set("example.com", "TXT", f'"v=spf1 {includes} -all"')
    assert "example.com" in str(caught.value) and "RFC 7208 §3.3" in str(caught.value)
    assert table.txt("example.com") == ["v=spf1 -all"]
    with pytest.raises(ValueError, match="MXX"):
        table.add("example.com", "MXX", "10 mx.example.com.")
    pieces = f'"v=spf1 {includes[:200]}" "{includes[200:400]}" "{includes[400:]} -all"'
    table.set("example.com", "TXT", pieces)  # several strings side by side: read joined
    assert table.txt("example.com") == [f"v=spf1 {includes} -all"]


def test_a_record_with_a_line_break_is_refused_not_cut_at_the_break() -> None:
    # set() kept the first line of '"v=spf1 ip4:192.0.2.25"\n"v=spf1 -all"' and dropped the
    # rest without a word: dnspython reads data up to the line's end, like one zone line.
    table = table_with("v=spf1 -all")
    for data in ('"v=spf1 ip4:192.0.2.25"\n"v=spf1 -all"', '"v=spf1 a"\r\n"-all"'):
        with pytest.raises(ValueError, match="line break") as caught:
            table.set("example.com", "TXT", data)
        assert "a string of its own" in str(caught.value)
        assert table.txt("example.com") == ["v=spf1 -all"]  # the old record stays
    with pytest.raises(ValueError, match="line break"):
        table.add("example.com", "MX", "10 mail-a.example.com.\n20 mail-b.example.com.")
    assert table.mx("example.com") == [(10, "mail-a.example.com"), (20, "mail-b.example.com")]
    # What zone text reads as one record still is one: strings in parentheses over several
    # lines (as opendkim-genkey writes a key), a line break at the end, a comment.
    table.set("example.com", "TXT", '( "v=spf1 a"\n  " -all" )  ; two strings\n')
    assert table.txt("example.com") == ["v=spf1 a -all"]
    # Several records: one argument each.
    table.set("example.com", "TXT", '"v=spf1 ip4:192.0.2.25"', '"v=spf1 -all"')
    assert sorted(table.txt("example.com")) == ["v=spf1 -all", "v=spf1 ip4:192.0.2.25"]


@pytest.mark.parametrize(
    ("record", "term"),
    [
        ("v=spf1 a -all foo", "foo"),  # after the mechanism that matches: still broken
        ("v=spf1 a -all ip4:nonsense", "ip4:nonsense"),
        ("v=spf1 a -all ip4:192.0.2.0/33", "ip4:192.0.2.0/33"),
        ("v=spf1 a -all ip6:192.0.2.1", "ip6:192.0.2.1"),
        ("v=spf1 a -all include:", "include:"),
        ("v=spf1 a -all mx:example.com/024", "mx:example.com/024"),
        ("v=spf1 a -all a:museum", "a:museum"),  # a domain ends in a dot and a label
        ("v=spf1 a -all all:example.com", "all:example.com"),
        ("v=spf1 a -all -redirect=example.org", "-redirect=example.org"),
        ("v=spf1 a -all exp=one.example exp=two.example", "exp=two.example"),
        ("v=spf1 a -all redirect=example.org redirect=example.net", "redirect=example.net"),
        ("v=spf1 a -all a:%{d}", "a:%{d}"),
        ("v=spf1 a -all mx/", "mx/"),  # a slash needs a length after it
        ("v=spf1 a -all a/24/", "a/24/"),  # dual-cidr-length: "//" before the ip6 length
    ],
)
def test_a_syntax_error_anywhere_is_a_permerror_naming_its_term(record: str, term: str) -> None:
    # RFC 7208 §4.6: "If there are any syntax errors anywhere in the record, check_host()
    # returns immediately with the result "permerror", without further interpretation."
    # 192.0.2.10 is example.com's own address: the first mechanism, a, matches it.
    result = check_host(table_with(record), "192.0.2.10", "example.com")
    assert result.result == "permerror", record
    assert repr(term) in result.steps[-1] or term in result.steps[-1], result.steps


def test_a_broken_record_behind_an_include_is_a_permerror() -> None:
    table = table_with("v=spf1 include:example.org -all")
    table.add("example.org", "TXT", '"v=spf1 ip4:192.0.2.3 -all ip4:nonsense"')
    assert check_host(table, "192.0.2.3", "example.com").result == "permerror"


@pytest.mark.parametrize(
    "record",
    [
        "v=spf1 foo=bar a -all",  # §6: unknown modifiers are ignored, wherever they are
        "v=spf1 a -all foo=bar",
        "v=spf1 a foo-bar.baz_1=%{i}.x foo=bar -all",  # twice, with a macro: still ignored
        "v=spf1 a -all exp=explain.%{d}.example",  # exp= is never expanded here
        "v=spf1 a -all ip4=192.0.2.1",  # a modifier named ip4 is not the mechanism
        "V=SPF1 A:example.com/30//64 -ALL",  # ABNF strings are case-insensitive (RFC 5234)
        "v=spf1  a  -all ",  # 1*SP between terms, *SP at the end (RFC 7208 §12)
        "v=spf1 a:example.com. ptr ptr:example.org -all",
    ],
)
def test_unknown_modifiers_are_ignored_and_valid_records_read(record: str) -> None:
    table = table_with(record)
    assert check_host(table, "192.0.2.10", "example.com").result == "pass", record
    assert check_host(table, "192.0.2.3", "example.com").result == "fail", record


def test_ip4_and_ip6_networks_are_read_with_their_own_prefix_length() -> None:
    table = table_with("v=spf1 ip6:2001:db8:1::/48 ip4:192.0.2.64/26 -all")
    assert check_host(table, "2001:db8:1:ffff::1", "example.com").result == "pass"
    assert check_host(table, "2001:db8:2::1", "example.com").result == "fail"
    assert check_host(table, "192.0.2.127", "example.com").result == "pass"
    assert check_host(table, "192.0.2.128", "example.com").result == "fail"
    for record in ("v=spf1 ip4:192.0.2.0/255.255.255.0", "v=spf1 ip6:fe80::1%eth0 -all"):
        table.set("example.com", "TXT", f'"{record}"')
        assert check_host(table, "192.0.2.10", "example.com").result == "permerror", record
