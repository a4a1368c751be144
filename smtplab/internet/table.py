"""The lab internet's DNS: an offline table of records, read and changed by the learner.

The records are dnspython rdata objects (``dns.rdata``), written and shown as zone-file
text; nothing here ever asks a real name server. Two things are the lab's own:

* every address in the table is a documentation address (RFC 5737: 192.0.2.0/24,
  198.51.100.0/24, 203.0.113.0/24), the address the lab *pretends* a host has: SPF
  matches it and the ``Received:`` lines show it;
* the wire address of every lab host is 127.0.0.1 (the only loopback address every system
  has) and a port of its own, kept beside the records in :attr:`DNSTable.ports` (port 25
  would need root).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.tokenizer
import dns.zone

from ..i18n import _

__all__: list[str] = []  # DNSTable is public as smtplab.internet.DNSTable

WIRE_ADDRESS = "127.0.0.1"
"""Where every lab host really listens."""


def _name(text: str) -> dns.name.Name:
    return dns.name.from_text(text.rstrip(".") + ".")


def _key(text: str) -> str:
    return text.rstrip(".").lower()


def _rdata(name: str, rdtype: str, data: str) -> dns.rdata.Rdata:
    """One record read from zone-file text; ValueError with what to do when it cannot be
    (dnspython alone says "string too long" of a TXT string over 255 characters)."""
    tokens = dns.tokenizer.Tokenizer(data)
    try:
        _name(name)
        rdata = dns.rdata.from_text(
            dns.rdataclass.IN, rdtype, tokens, origin=dns.name.root, relativize=False
        )
        rest = tokens.get()
        while rest.is_eol():  # blank lines and comments after the record are nothing
            rest = tokens.get()
    except dns.exception.DNSException as error:
        problem = _("{record}: the DNS table cannot hold this record ({error}).").format(
            record=f"{name} {rdtype} {data}", error=error
        )
        if str(error) == "string too long":  # i18n: keep dnspython's words
            problem += " " + _(
                "A TXT string holds at most 255 characters: write a longer record as "
                'several quoted strings, which are read joined ("v=spf1 ..." "... -all", '
                "RFC 7208 §3.3)."
            )
        raise ValueError(problem) from None
    if not rest.is_eof():  # dnspython reads one zone line and stops at its end
        raise ValueError(
            _(
                "{record}: a line break ends a record, so the text after it would be lost. "
                "Give each record as a string of its own (set() takes several: "
                "set({name!r}, {rdtype!r}, '\"...\"', '\"...\"'))."
            ).format(record=f"{name} {rdtype} {data!r}", name=name, rdtype=rdtype)
        )
    return rdata


class DNSTable:
    """An offline DNS: ``(name, type) -> records``, plus the port of each lab host.

    ``DNSTable.from_text(zone_text)`` reads zone-file lines (absolute names,
    ``name TTL IN TYPE data``); :meth:`add`, :meth:`set` and :meth:`remove` change it;
    :meth:`lookup` answers like a resolver (an empty list when there is no such record);
    ``print(table)`` shows it as zone text with each lab host's wire port.
    """

    def __init__(self) -> None:
        self._zone = dns.zone.Zone(dns.name.root, relativize=False)
        self._lock = threading.Lock()
        self.ports: dict[str, int] = {}
        """Host name -> the port its lab listens on at 127.0.0.1."""
        self.lookups = 0
        """How many lookups were answered (the SPF check counts its own)."""

    @classmethod
    def from_text(cls, text: str) -> DNSTable:
        """A table from zone-file text (``example.net. 300 IN MX 10 mx1.example.net.``)."""
        table = cls()
        zone = dns.zone.from_text(text, origin=dns.name.root, relativize=False, check_origin=False)
        for name, node in zone.nodes.items():
            for rdataset in node.rdatasets:
                target = table._zone.find_rdataset(name, rdataset.rdtype, create=True)
                target.update(rdataset)
        return table

    def add(self, name: str, rdtype: str, data: str, ttl: int = 300) -> None:
        """Add one record: ``add("example.net", "MX", "30 mx3.example.net.")``."""
        self._put(name, [_rdata(name, rdtype, data)], ttl)

    def set(self, name: str, rdtype: str, *data: str, ttl: int = 300) -> None:
        """Replace the records of (``name``, ``rdtype``) with ``data`` (none: remove them).
        A record it cannot read leaves the old ones in place (ValueError)."""
        records = [_rdata(name, rdtype, item) for item in data]  # all read before any change
        self.remove(name, rdtype)
        self._put(name, records, ttl)

    def _put(self, name: str, records: list[dns.rdata.Rdata], ttl: int) -> None:
        with self._lock:
            for rdata in records:
                rdataset = self._zone.find_rdataset(_name(name), rdata.rdtype, create=True)
                rdataset.add(rdata, ttl)

    def remove(self, name: str, rdtype: str) -> None:
        """Remove every record of (``name``, ``rdtype``)."""
        with self._lock:
            self._zone.delete_rdataset(_name(name), dns.rdatatype.from_text(rdtype))

    def lookup(self, name: str, rdtype: str) -> list[dns.rdata.Rdata]:
        """The records of (``name``, ``rdtype``), following one CNAME; [] if none."""
        wanted = dns.rdatatype.from_text(rdtype)
        with self._lock:
            self.lookups += 1
            for _step in range(8):  # a CNAME chain, bounded
                try:
                    node = self._zone.get_node(_name(name))
                except dns.exception.DNSException:
                    return []  # not a name (too long, empty label): nothing
                if node is None:
                    return []
                found = node.get_rdataset(dns.rdataclass.IN, wanted)
                if found is not None:
                    return list(found)
                cname = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.CNAME)
                if cname is None:
                    return []
                name = str(next(iter(cname)).target)
            return []

    def exists(self, name: str) -> bool:
        """Whether the name has any record at all (NXDOMAIN is False)."""
        with self._lock:
            return self._zone.get_node(_name(name)) is not None

    def mx(self, domain: str) -> list[tuple[int, str]]:
        """The MX records of ``domain`` as (preference, host), in the order the table
        holds them: like a real answer, in no particular order (sort them yourself);
        a null MX (RFC 7505) has the host ``"."``."""
        return [
            (r.preference, "." if r.exchange == dns.name.root else _key(r.exchange.to_text()))
            for r in self.lookup(domain, "MX")
        ]

    def addresses(self, host: str) -> list[str]:
        """The A and AAAA addresses of ``host`` (the ones the lab pretends it has)."""
        return [r.address for r in self.lookup(host, "A") + self.lookup(host, "AAAA")]

    def txt(self, name: str) -> list[str]:
        """The TXT records of ``name``, each with its strings joined (RFC 7208 §3.3)."""
        return [b"".join(r.strings).decode("ascii", "replace") for r in self.lookup(name, "TXT")]

    def dkim_dns(self, name: bytes, timeout: float = 5) -> bytes | None:
        """The DNS function dkimpy asks for a key (``dkim.verify(..., dnsfunc=...)``)."""
        records = self.txt(name.decode("ascii", "replace"))
        return records[0].encode("ascii") if records else None

    def port(self, host: str) -> int | None:
        """The port at 127.0.0.1 of a lab host, or None (no lab answers there)."""
        return self.ports.get(_key(host))

    def host_at(self, address: str) -> str | None:
        """The lab host that has ``address`` in its A/AAAA records (reverse, for trace lines)."""
        for host in sorted(self.ports):
            if address in self.addresses(host):
                return host
        return None

    def records(self) -> Iterable[tuple[str, str]]:
        """Each record as (owner name, ``TTL IN TYPE data``), in the zone's order."""
        with self._lock:
            for name, node in sorted(self._zone.nodes.items(), key=lambda i: _sort(i[0])):
                for rdataset in node.rdatasets:
                    for rdata in rdataset:
                        kind = dns.rdatatype.to_text(rdataset.rdtype)
                        yield _key(str(name)), f"{rdataset.ttl} IN {kind} {rdata.to_text()}"

    def __str__(self) -> str:
        lines = []
        width = max((len(name) for name, _record in self.records()), default=10) + 1
        for name, record in self.records():
            port = self.ports.get(name)
            where = ""
            if port and " A " in record:
                where = "  ; " + _("lab host: {address} port {port}").format(
                    address=WIRE_ADDRESS, port=port
                )
            if " p=" in record and len(record) > 100:  # a DKIM key: its start is enough
                key = record.split(" p=", 1)[1].replace('" "', "").rstrip('"')
                record = record.split(" p=", 1)[0] + f' p={key[:12]}…" ({len(key)} characters)'
            lines.append(f"{name + '.':<{width}} {record}{where}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        count = sum(1 for _record in self.records())
        return f"<DNSTable: {count} records, {len(self.ports)} lab hosts>"  # i18n: keep a repr


def _sort(name: dns.name.Name) -> tuple[str, ...]:
    """Zone order: by domain from the right (``mx1.example.net`` after ``example.net``)."""
    labels = [label.decode("ascii", "replace").lower() for label in name.labels if label]
    return tuple(reversed(labels))
