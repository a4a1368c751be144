"""What a receiving MX checks before it files a message: SPF, DKIM, DMARC.

* SPF (RFC 7208) checks the *envelope*: may the connecting host's address send for the
  MAIL FROM domain (or, for a bounce's empty ``MAIL FROM:<>``, the HELO name)?
* DKIM (RFC 6376) checks a *signature*: did the signing domain (``d=``) sign these very
  headers and body? (dkimpy does the work, asking the offline table for the key.)
* DMARC (RFC 7489) checks the *From: header*, the address a person sees: it passes when
  SPF or DKIM passed for a domain *aligned* with the From: domain (the same organisational
  domain: relaxed; the same name: strict), and its record says what to do otherwise.

The MX writes the results in an ``Authentication-Results:`` header (RFC 8601).
"""

from __future__ import annotations

import base64
import email.utils
import functools
from dataclasses import dataclass, field

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..i18n import _
from .spf import SPFResult, check_host
from .table import DNSTable

__all__: list[str] = []  # the lab internet's machinery: use smtplab.internet

SIGNED_HEADERS = (b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"mime-version")


@dataclass(frozen=True)
class DKIMKey:
    """A DKIM key made for the lab (RSA 2048, RFC 8301): the private half signs at the
    provider, the public half is a TXT record at ``<selector>._domainkey.<domain>``."""

    domain: str
    selector: str
    private_pem: bytes = field(repr=False)
    public_b64: str = field(repr=False)

    @classmethod
    def make(cls, domain: str, selector: str = "lab") -> DKIMKey:
        """A fresh key pair for ``domain``."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(domain, selector, private, base64.b64encode(public).decode("ascii"))

    @classmethod
    @functools.lru_cache(maxsize=8)
    def for_lab(cls, domain: str, selector: str = "lab") -> DKIMKey:
        """The lab's key for ``domain``: made once per kernel (an RSA key takes 30-300 ms
        to make, more on a busy machine), so a LabInternet started again starts fast."""
        return cls.make(domain, selector)

    @property
    def record_name(self) -> str:
        """Where the public key is published."""
        return f"{self.selector}._domainkey.{self.domain}"

    @property
    def record(self) -> str:
        """The TXT record's data (zone text, split in 255-byte strings)."""
        text = f"v=DKIM1; k=rsa; p={self.public_b64}"
        return " ".join(f'"{text[i : i + 255]}"' for i in range(0, len(text), 255))

    def sign(self, data: bytes) -> bytes:
        """``data`` with a ``DKIM-Signature:`` header on top (relaxed/relaxed)."""
        header = dkim.sign(
            data,
            self.selector.encode(),
            self.domain.encode(),
            self.private_pem,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=[h for h in SIGNED_HEADERS if _has_header(data, h)],
        )
        return header + data


def _has_header(data: bytes, name: bytes) -> bool:
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    return head.startswith(name + b":") or b"\r\n" + name + b":" in head


def organisational(domain: str) -> str:
    """The organisational domain, simplified: the last two labels (the lab's names have no
    public suffix of two labels; real checkers use the Public Suffix List, RFC 7489 §3.2)."""
    return ".".join(domain.lower().rstrip(".").split(".")[-2:])


def aligned(one: str, other: str, mode: str) -> bool:
    """RFC 7489 §3.1: the same name (strict, ``s``) or organisational domain (relaxed)."""
    if mode == "s":
        return one.lower() == other.lower()
    return organisational(one) == organisational(other)


def dmarc_record(table: DNSTable, domain: str) -> tuple[str, dict[str, str]] | None:
    """(the domain whose record applies, its tags) for the From: domain, or None: the
    record at ``_dmarc.<domain>``, else at the organisational domain (RFC 7489 §6.6.3)."""
    for name in dict.fromkeys((domain, organisational(domain))):
        for text in table.txt(f"_dmarc.{name}"):
            tags = dict(
                (k.strip().lower(), v.strip())
                for k, _equals, v in (t.partition("=") for t in text.split(";"))
                if k.strip()
            )
            if tags.get("v") == "DMARC1":
                return name, tags
    return None


@dataclass
class Verdict:
    """What the MX concluded: each check's result and domain, DMARC's disposition
    (``deliver``, ``spam``, ``reject``) and one sentence per check for the learner."""

    spf: SPFResult
    helo_spf: SPFResult
    dkim: str
    dkim_domain: str
    dmarc: str
    from_domain: str
    disposition: str
    reasons: list[str]

    def header(self, authserv_id: str) -> str:
        """The ``Authentication-Results:`` header field (RFC 8601 §2.2), folded."""
        # i18n: keep (each part below): the header field's syntax, RFC 8601 §2.2
        parts = [f"spf={self.spf.result} smtp.mailfrom={self.spf.domain}"]  # i18n: keep
        if self.helo_spf.domain != self.spf.domain and self.helo_spf.result != "none":
            helo = f"spf={self.helo_spf.result} smtp.helo={self.helo_spf.domain}"  # i18n: keep
            parts.append(helo)
        parts += [
            f"dkim={self.dkim}" + (f" header.d={self.dkim_domain}" if self.dkim_domain else ""),
            f"dmarc={self.dmarc} header.from={self.from_domain or 'none'}",  # i18n: keep
        ]
        return f"Authentication-Results: {authserv_id};\r\n\t" + ";\r\n\t".join(parts)


def evaluate(table: DNSTable, data: bytes, ip: str, mail_from: str, helo: str | None) -> Verdict:
    """Run SPF (envelope and HELO), DKIM and DMARC on a message arriving from ``ip``."""
    helo_name = (helo or "").strip("[]")
    sender_domain = mail_from.rpartition("@")[2] if "@" in mail_from else helo_name
    spf = check_host(table, ip, sender_domain)
    helo_spf = check_host(table, ip, helo_name)
    reasons = [
        (
            _("envelope {spf}")
            if "@" in mail_from
            else _("HELO name (the bounce has MAIL FROM:<>) {spf}")
        ).format(spf=spf.explain())
    ]
    if "@" in mail_from and helo_spf.result != "none":
        reasons.append(f"HELO {helo_name}: {helo_spf.explain()}")
    dkim_result, dkim_domain = "none", ""
    if _has_header(data, b"dkim-signature"):
        checker = dkim.DKIM(data)
        try:
            good = checker.verify(dnsfunc=table.dkim_dns)
        except dkim.DKIMException as error:
            good = False
            reasons.append(f"DKIM permerror: {error}")
        dkim_domain = (checker.domain or b"").decode("ascii", "replace")
        dkim_result = "pass" if good else "fail"
        reasons.append(
            _("DKIM {result} for d={domain}: {meaning}").format(
                result=dkim_result,
                domain=dkim_domain,
                meaning=_("the signature matches the headers and body it signed")
                if good
                else _(
                    "the signature does not match: something changed after signing, "
                    "or the published key is not the signer's"
                ),
            )
        )
    else:
        reasons.append(_("DKIM none: the message is not signed"))
    from_domain = _from_domain(data)
    record = dmarc_record(table, from_domain) if from_domain else None
    if record is None:
        dmarc, disposition = "none", "deliver"
        reasons.append(
            _("DMARC none: {domain} publishes no policy").format(
                domain=from_domain or _("no From: domain")
            )
        )
    else:
        _name, tags = record
        spf_ok = spf.result == "pass" and aligned(spf.domain, from_domain, tags.get("aspf", "r"))
        dkim_ok = dkim_result == "pass" and aligned(
            dkim_domain, from_domain, tags.get("adkim", "r")
        )
        policy = tags.get("p", "none").lower()
        dmarc = "pass" if spf_ok or dkim_ok else "fail"
        if dmarc == "pass":
            disposition = "deliver"
            why = _("aligned SPF") if spf_ok else _("aligned DKIM")
            reasons.append(
                _("DMARC pass for From: {domain} ({why})").format(domain=from_domain, why=why)
            )
        else:
            disposition = {"quarantine": "spam", "reject": "reject"}.get(policy, "deliver")
            says = {
                "deliver": _("deliver anyway"),
                "spam": _("spam folder"),
                "reject": _("refuse it"),
            }[disposition]
            reasons.append(
                _(
                    "DMARC fail for From: {domain}: neither SPF ({spf}) nor DKIM ({dkim}) passed "
                    "for a domain aligned with it; its policy p={policy} says: {says}"
                ).format(
                    domain=from_domain,
                    spf=spf.domain,
                    dkim=dkim_domain or _("unsigned"),
                    policy=policy,
                    says=says,
                )
            )
    return Verdict(
        spf, helo_spf, dkim_result, dkim_domain, dmarc, from_domain, disposition, reasons
    )


def _from_domain(data: bytes) -> str:
    """The domain of the (first) From: address (RFC 5322 §3.6.2), or ''."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    for line in head.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n"):
        if line.lower().startswith("from:"):
            _, address = email.utils.parseaddr(line[5:])
            return address.rpartition("@")[2].lower()
    return ""
