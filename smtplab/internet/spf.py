"""A small SPF evaluator (RFC 7208): ``check_host()`` for the mechanisms the lesson uses.

Mechanisms ``all``, ``ip4``, ``ip6``, ``a``, ``mx`` (with ``/cidr`` and ``//cidr6``),
``include``, ``exists`` (without macros) and the ``redirect`` modifier; qualifiers
``+ - ~ ?``. The limits of §4.6.4: at most 10 mechanisms and modifiers that look names up
(``include``, ``a``, ``mx``, ``exists``, ``redirect``; ``ptr`` counted, never matched:
§5.5 says do not use it), at most 10 MX hosts per ``mx``, at most 2 void lookups. Macros
(§7) are not expanded: a mechanism or ``redirect=`` with one is a permerror here, said in
the steps (``exp=`` and unknown modifiers, which §6 says to ignore, are only checked).

A record is read whole before it is used (:func:`_parse`, after the ABNF of §12): a syntax
error anywhere in it, even after the mechanism that would match, is a permerror (§4.6).

Why not pyspf: it is unmaintained since 2020, asks DNS through a module global, and warns
on Python 3.12+. This one asks a :class:`~smtplab.internet.table.DNSTable` only.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..i18n import N_, _
from .table import DNSTable

__all__: list[str] = []  # the lab internet's machinery: use smtplab.internet

LOOKUP_LIMIT = 10
VOID_LIMIT = 2
_QUALIFIERS = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
_LOOKS_UP = {"include", "a", "mx", "ptr", "exists"}
# RFC 7208 §12's ABNF, for one term (its strings are case-insensitive: RFC 5234 §2.3).
_MACRO = r"%\{[slodiphcrtv]\d*r?[-.+,/_=]*\}|%[%_-]"  # macro-expand
_MACRO_STRING = rf"(?:{_MACRO}|[!-$&-~])*"  # macro-literal: visible characters but %
_TOPLABEL = r"(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])"
_DOMAIN = rf"(?P<domain>{_MACRO_STRING}(?:\.{_TOPLABEL}\.?|{_MACRO}))"  # domain-spec
_FOUR, _SIX = r"(?:/(?P<four>0|[1-9]\d*))?", r"(?:/(?P<six>0|[1-9]\d*))?"  # cidr-length
_DUAL_SIX = r"(?://(?P<six>0|[1-9]\d*))?"  # dual-cidr-length's ip6 part: "//" and a length
_MECHANISMS = {
    name: re.compile(pattern, re.I)
    for name, pattern in {
        "all": "all",
        "include": f"include:{_DOMAIN}",
        "a": f"a(?::{_DOMAIN})?{_FOUR}{_DUAL_SIX}",
        "mx": f"mx(?::{_DOMAIN})?{_FOUR}{_DUAL_SIX}",
        "ptr": f"ptr(?::{_DOMAIN})?",
        "ip4": f"ip4:(?P<network>[^/%]+){_FOUR}",
        "ip6": f"ip6:(?P<network>[^/%]+){_SIX}",
        "exists": f"exists:{_DOMAIN}",
    }.items()
}
_MODIFIER = re.compile(r"(?P<name>[a-z][a-z0-9._-]*)=(?P<value>.*)", re.I)
_MODIFIERS = {"redirect": re.compile(_DOMAIN, re.I), "exp": re.compile(_DOMAIN, re.I)}
_UNKNOWN_MODIFIER = re.compile(_MACRO_STRING, re.I)

MEANING = {
    "pass": N_("the domain says this host may send its mail"),
    "fail": N_("the domain says this host may NOT send its mail (-all)"),
    "softfail": N_("the domain says this host is probably not allowed (~all): accept, but mark"),
    "neutral": N_("the domain says nothing about this host (?all)"),
    "none": N_("the domain publishes no SPF record"),
    "permerror": N_("the domain's SPF record is broken: it cannot be evaluated"),
    "temperror": N_("a lookup failed for now: try again later"),
}
"""What each result means (RFC 7208 §2.6), for the explanations (English: read them
through ``_()``)."""


class _PermError(Exception):
    pass


class _Mechanism(NamedTuple):
    """One directive of a record, read: ``qualifier`` (``+ - ~ ?``), ``name`` (lower
    case), ``domain`` ("" for the record's own), the prefix lengths, the ``network`` of
    ``ip4``/``ip6``, and its ``text`` as written (without the qualifier)."""

    qualifier: str
    name: str
    domain: str
    cidr4: int
    cidr6: int
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None
    text: str


def _parse(text: str) -> tuple[list[_Mechanism], str | None]:
    """The mechanisms of the SPF record ``text`` in order and its ``redirect=`` domain,
    every term read before any is used: a syntax error anywhere is a permerror (§4.6)."""
    mechanisms: list[_Mechanism] = []
    modifiers: dict[str, str] = {}
    for term in text.split(" ")[1:]:  # terms = *( 1*SP ( directive / modifier ) ), §12
        if not term:
            continue  # one more space
        modifier = _MODIFIER.fullmatch(term)
        if modifier:
            name, value = modifier["name"].lower(), modifier["value"]
            if name not in _MODIFIERS:  # §6: "Unrecognized modifiers MUST be ignored"
                if not _UNKNOWN_MODIFIER.fullmatch(value):
                    raise _PermError(_syntax(term))
                continue
            if name in modifiers:
                raise _PermError(
                    _("{term}: a second {name}= modifier (one only: §6)").format(
                        term=repr(term), name=name
                    )
                )
            if not _MODIFIERS[name].fullmatch(value):
                raise _PermError(_syntax(term))
            if name == "redirect":
                _no_macro(term, value)
            modifiers[name] = value
            continue
        mechanisms.append(_mechanism(term))
    return mechanisms, modifiers.get("redirect")


def _mechanism(term: str) -> _Mechanism:
    """One directive (``[qualifier] mechanism``) read, or a permerror saying why not."""
    qualifier, written = ("+", term) if term[0] not in _QUALIFIERS else (term[0], term[1:])
    name = re.split("[:/]", written, maxsplit=1)[0].lower()
    if name not in _MECHANISMS:
        raise _PermError(_("unknown mechanism {term} (§4.6.1)").format(term=repr(term)))
    found = _MECHANISMS[name].fullmatch(written)
    if not found:
        raise _PermError(_syntax(term))
    groups = found.groupdict()
    cidr4, cidr6 = int(groups.get("four") or 32), int(groups.get("six") or 128)
    if cidr4 > 32 or cidr6 > 128:
        raise _PermError(_("{term}: a prefix length too long (§5.6)").format(term=term))
    domain = groups.get("domain") or ""
    _no_macro(term, domain)
    network = None
    if name in ("ip4", "ip6"):
        length = cidr4 if name == "ip4" else cidr6
        try:  # ip4-network is a dotted quad, ip6-network an address (§5.6): no "/mask"
            address = ipaddress.ip_address(groups["network"])
            network = ipaddress.ip_network(f"{address}/{length}", strict=False)
        except ValueError as error:
            raise _PermError(
                _("{term}: not a network ({error})").format(term=term, error=error)
            ) from None
        if (name == "ip4") != (network.version == 4):
            raise _PermError(
                _("{term}: an {name} mechanism with the wrong kind of address").format(
                    term=term, name=name
                )
            )
    return _Mechanism(qualifier, name, domain, cidr4, cidr6, network, written)


def _no_macro(term: str, domain: str) -> None:
    if "%" in domain:
        raise _PermError(
            _("{term}: macros (%{{...}}, RFC 7208 §7) are not supported by the lab").format(
                term=repr(term)
            )
        )


def _syntax(term: str) -> str:
    return _(
        "{term} is not valid SPF (RFC 7208 §12): one broken term anywhere, even after the "
        "one that matches, makes the whole record a permerror (§4.6)"
    ).format(term=repr(term))


@dataclass
class SPFResult:
    """The result of :func:`check_host`: ``result`` (RFC 7208 §2.6), the ``domain``
    checked, the ``mechanism`` that matched, ``lookups`` counted and ``steps`` (how it got
    there, one line each)."""

    result: str
    domain: str
    ip: str
    mechanism: str = ""
    lookups: int = 0
    steps: list[str] = field(default_factory=list)

    def explain(self) -> str:
        """One sentence: the result, what it means and why (in the current language; the
        result's name, ``pass`` or ``fail``..., stays as RFC 7208 §2.6 names it)."""
        why = _(" (matched {mechanism})").format(mechanism=repr(self.mechanism))
        return _("SPF {result} for {domain} from {ip}{why}: {meaning}").format(
            result=self.result,
            domain=self.domain,
            ip=self.ip,
            why=why if self.mechanism else "",
            meaning=_(MEANING[self.result]),
        )


class _Evaluation:
    def __init__(self, table: DNSTable, ip: str) -> None:
        self.table = table
        self.ip = ipaddress.ip_address(ip)
        self.lookups = 0
        self.voids = 0
        self.steps: list[str] = []

    def count(self, what: str) -> None:
        self.lookups += 1
        if self.lookups > LOOKUP_LIMIT:
            raise _PermError(
                _("more than {limit} DNS lookups ({what}): RFC 7208 §4.6.4").format(
                    limit=LOOKUP_LIMIT, what=what
                )
            )

    def void(self, found: list) -> list:
        if not found:
            self.voids += 1
            if self.voids > VOID_LIMIT:
                raise _PermError(
                    _("more than {limit} lookups found nothing: §4.6.4").format(limit=VOID_LIMIT)
                )
        return found

    def record(self, domain: str) -> str | None:
        records = [t for t in self.table.txt(domain) if t.lower().split(" ")[0] == "v=spf1"]
        if len(records) > 1:
            raise _PermError(
                _("{domain} has {count} SPF records (one only: §4.5)").format(
                    domain=domain, count=len(records)
                )
            )
        return records[0] if records else None

    def check(self, domain: str) -> tuple[str, str]:
        """(result, mechanism) of check_host() for ``domain`` (RFC 7208 §4)."""
        text = self.record(domain)
        if text is None:
            self.steps.append(_("{domain}: no SPF record").format(domain=domain))
            return "none", ""
        self.steps.append(f"{domain}: {text}")
        mechanisms, redirect = _parse(text)
        for mechanism in mechanisms:
            if self.matches(mechanism, domain):
                qualifier = mechanism.qualifier
                return _QUALIFIERS[qualifier], qualifier.replace("+", "") + mechanism.text
        if redirect is not None:  # only when no mechanism matched and there is no "all"
            self.count(f"redirect={redirect}")
            if self.record(redirect) is None:
                raise _PermError(
                    _("redirect={domain}: that domain has no SPF record (§6.1)").format(
                        domain=redirect
                    )
                )
            return self.check(redirect)
        return "neutral", ""  # §4.7: nothing matched

    def matches(self, mechanism: _Mechanism, domain: str) -> bool:
        name, argument = mechanism.name, mechanism.domain
        cidr4, cidr6 = mechanism.cidr4, mechanism.cidr6
        if name in _LOOKS_UP:
            self.count(mechanism.text)
        target = argument or domain
        if name == "all":
            return True
        if mechanism.network is not None:  # ip4, ip6
            network = mechanism.network
            return self.ip.version == network.version and self.ip in network
        if name == "a":
            return self.within(self.void(self.table.addresses(target)), cidr4, cidr6)
        if name == "mx":
            hosts = self.void(self.table.mx(target))
            if len(hosts) > LOOKUP_LIMIT:
                raise _PermError(
                    _("mx:{domain} has more than {limit} MX hosts (§4.6.4)").format(
                        domain=target, limit=LOOKUP_LIMIT
                    )
                )
            found = [a for _preference, host in hosts for a in self.table.addresses(host)]
            return self.within(found, cidr4, cidr6)
        if name == "include":
            result, _mechanism = self.check(argument)
            if result in ("none", "permerror"):  # §5.2: an include of nothing is broken
                raise _PermError(
                    _("include:{domain}: that domain has no SPF record (§5.2)").format(
                        domain=argument
                    )
                )
            return result == "pass"
        if name == "exists":
            return bool(self.void(self.table.lookup(target, "A")))
        return False  # ptr, §5.5: "SHOULD NOT be used"; counted, never matched here

    def within(self, addresses: list[str], cidr4: int, cidr6: int) -> bool:
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if ip.version != self.ip.version:
                continue
            length = cidr4 if ip.version == 4 else cidr6
            if self.ip in ipaddress.ip_network(f"{ip}/{length}", strict=False):
                return True
        return False


def check_host(table: DNSTable, ip: str, domain: str) -> SPFResult:
    """RFC 7208 §4's ``check_host(ip, domain, sender)``, answered from ``table``.

    ``domain`` is the MAIL FROM domain (or the HELO name, §2.3/§2.4). Returns an
    :class:`SPFResult`; never raises for a broken record (that is ``permerror``).
    """
    evaluation = _Evaluation(table, ip)
    domain = domain.rstrip(".").lower()
    try:
        if not domain or "." not in domain:
            return SPFResult("none", domain, ip, steps=[_("not a domain name (§4.3)")])
        result, mechanism = evaluation.check(domain)
    except _PermError as error:
        evaluation.steps.append(f"permerror: {error}")  # the result's name, then why
        result, mechanism = "permerror", ""
    return SPFResult(result, domain, ip, mechanism, evaluation.lookups, evaluation.steps)
