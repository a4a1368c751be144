"""Trace lines and bounces: what servers write into a message on its way.

* ``Received:`` (RFC 5321 §4.4): every server that takes a message adds one at the top,
  so they read bottom-up: the lowest is the first hop.
* ``Return-Path:`` (RFC 5321 §4.4): the final MX writes the envelope sender there.
* A bounce is a delivery status notification (RFC 3464): ``multipart/report`` with a
  human part, a ``message/delivery-status`` part and the original headers, sent with
  ``MAIL FROM:<>`` so that no bounce is ever bounced (RFC 5321 §4.5.5).
"""

# i18n: keep-file trace lines and bounces are mail on the wire (RFC 5321 §4.4, RFC 3464),
# written as an MTA writes them; this module has no other text.

from __future__ import annotations

import email.utils
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

__all__: list[str] = []  # the lab internet's machinery: use smtplab.internet

_RECEIVED = re.compile(
    r"from\s+(?P<helo>\S+)(?:\s+\((?P<seen>[^)]*)\))?\s+by\s+(?P<by>\S+).*?;\s*(?P<date>.+)$",
    re.S | re.I,
)


def received_line(
    helo: str, name: str, ip: str, by: str, protocol: str, queue_id: str, recipient: str
) -> bytes:
    """One ``Received:`` header field (RFC 5321 §4.4), folded, with its CRLF: who sent it
    (the EHLO name, then what the server saw: a name and the address), who took it, how
    (``ESMTP``, ``ESMTPS`` with TLS, ``ESMTPSA`` with TLS and AUTH: RFC 3848), its queue id,
    for whom and when."""
    when = email.utils.format_datetime(datetime.now(timezone.utc).replace(microsecond=0))
    return (
        f"Received: from {helo} ({name} [{ip}])\r\n"
        f"\tby {by} (smtplab) with {protocol} id {queue_id}\r\n"
        f"\tfor <{recipient}>; {when}\r\n"
    ).encode()


@dataclass(frozen=True)
class TraceHop:
    """One ``Received:`` line, read: ``sender`` (EHLO name), ``seen`` (what the receiver
    saw of it), ``by`` (the receiver) and ``at`` (when it took the message)."""

    sender: str
    seen: str
    by: str
    at: datetime | None


def trace_of(headers: list[str]) -> list[TraceHop]:
    """The ``Received:`` values of a message read bottom-up: the first hop first."""
    hops = []
    for value in reversed(headers):
        # matched at the start only (a Received line begins with its "from"): a search
        # tried again at every "from" of a hostile value, quadratic in its length
        match = _RECEIVED.match(" ".join(str(value).split()))
        if match is None:
            continue
        try:
            at = email.utils.parsedate_to_datetime(match["date"].strip())
        except (TypeError, ValueError):
            at = None
        hops.append(TraceHop(match["helo"], match["seen"] or "", match["by"], at))
    return hops


def bounce(
    *,
    reporting_mta: str,
    sender: str,
    original: bytes,
    failures: list[tuple[str, str, str]],
    arrival: datetime,
) -> bytes:
    """A delivery status notification (RFC 3464) for ``sender``: ``failures`` are
    (recipient, remote MTA or "", reply text), ``original`` the message that failed
    (its headers are returned, RFC 3462's text/rfc822-headers)."""
    boundary = f"=_smtplab_{secrets.token_hex(16)}"
    now = datetime.now(timezone.utc).replace(microsecond=0)
    human = [
        f"This is the mail system at {reporting_mta}.",
        "",
        "Your message could not be delivered to one or more recipients.",
        "The reasons are below; the headers of your message are attached.",
        "",
    ]
    fields = [
        f"Reporting-MTA: dns; {reporting_mta}",
        f"Arrival-Date: {email.utils.format_datetime(arrival.replace(microsecond=0))}",
    ]
    for recipient, remote, reply in failures:
        status = _status_of(reply)
        human.append(f"<{recipient}>: " + (f"{remote} said: " if remote else "") + reply)
        fields += ["", f"Final-Recipient: rfc822; {recipient}", "Action: failed"]
        fields.append(f"Status: {status}")
        if remote:
            fields += [f"Remote-MTA: dns; {remote}", f"Diagnostic-Code: smtp; {reply}"]
    headers = original.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    lines = [
        f"From: Mail Delivery System <MAILER-DAEMON@{reporting_mta}>",
        f"To: <{sender}>",
        "Subject: Undelivered Mail Returned to Sender",
        f"Date: {email.utils.format_datetime(now)}",
        f"Message-ID: <{secrets.token_hex(16)}@{reporting_mta}>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        *human,
        "",
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        *fields,
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
        *headers.split("\r\n"),
        "",
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8", "replace")


def _status_of(reply: str) -> str:
    """The enhanced status code of a reply (RFC 3463), or one made from its class."""
    match = re.match(r"\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})", reply)
    if match:
        return match[1]
    return "4.0.0" if reply[:1] == "4" else "5.0.0"
