"""``LabInternet``: several labs in one kernel as named mail domains, and relaying.

The learner's provider ``post.example`` has a submission server (``smtp.post.example``:
STARTTLS and AUTH, port-587 style) and an MX (``mx.post.example``, where bounces land);
the recipient domain ``example.net`` has two MX hosts (preferences 10 and 20). Every host
is a :class:`~smtplab.lab.server.LabServer` on 127.0.0.1 with a port of its own
(:attr:`DNSTable.ports`); the records live in an offline :class:`DNSTable`.

What happens after the learner's 250: the submission lab's relay callback adds a
``Received:`` line and queues the message; the provider's queue thread looks the MX up
(RFC 5321 §5.1), signs with DKIM, and delivers with the kit's own :class:`Client` (its
transcript is in :attr:`LabInternet.journal`). Each MX lab's callback checks SPF, DKIM
and DMARC, adds ``Return-Path:``, ``Received:`` and ``Authentication-Results:``, and
files the message (inbox or spam) or refuses it (550 5.7.1). A refusal becomes a bounce
(RFC 3464) to the sender; a temporary failure stays queued and is retried on the lesson
clock (:attr:`LabInternet.retry_after`), then bounced.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ..client import Client
from ..client import send as client_send
from ..errors import ConnectError, Disconnected, ReplyError, SmtplabError, Timeout
from ..i18n import N_, _
from ..lab.inbox import DEFAULT_MAX_MESSAGES, ReceivedMessage
from ..lab.policy import LabPolicy
from ..lab.server import LabServer, make_password
from ..transcript import Transcript
from .checks import DKIMKey, Verdict, evaluate
from .table import WIRE_ADDRESS, DNSTable
from .trace import bounce, received_line, trace_of

__all__: list[str] = []  # LabInternet is public as smtplab.internet.LabInternet

PROVIDER = "post.example"
HOME = ("learner-laptop", "203.0.113.7")
"""The learner's computer as the lab internet sees it: a home connection's address."""

ZONE = """
post.example.                300 IN MX  10 mx.post.example.
post.example.                300 IN TXT "v=spf1 include:_spf.post.example -all"
_spf.post.example.           300 IN TXT "v=spf1 ip4:192.0.2.25 -all"
_dmarc.post.example.         300 IN TXT "v=DMARC1; p=quarantine"
smtp.post.example.           300 IN A   192.0.2.25
smtp.post.example.           300 IN TXT "v=spf1 a -all"
mx.post.example.             300 IN A   192.0.2.26
example.net.                 300 IN MX  10 mx1.example.net.
example.net.                 300 IN MX  20 mx2.example.net.
example.net.                 300 IN TXT "v=spf1 -all"
_dmarc.example.net.          300 IN TXT "v=DMARC1; p=none"
mx1.example.net.             300 IN A   198.51.100.10
mx2.example.net.             300 IN A   198.51.100.20
bank.example.                300 IN TXT "v=spf1 ip4:198.51.100.77 -all"
_dmarc.bank.example.         300 IN TXT "v=DMARC1; p=reject"
"""  # i18n: keep zone-file data (DNS records)
"""The table a LabInternet starts with (zone-file text; addresses from RFC 5737)."""

MX_HOSTS = ("mx.post.example", "mx1.example.net", "mx2.example.net")
SUBMISSION = "smtp.post.example"
UNKNOWN_USER = "nobody@*"  # every MX refuses it at RCPT: the bounce example
MAX_VERDICTS = len(MX_HOSTS) * DEFAULT_MAX_MESSAGES
"""How many MX verdicts :attr:`LabInternet.verdicts` keeps (the oldest go first): as many
as the MX labs' inboxes keep messages. Anyone may send to an MX lab."""
MAX_JOURNAL = 1_000
"""How many delivery attempts :attr:`LabInternet.journal` keeps (the oldest go first):
each holds the provider's transcript, the message's lines included, so a long lesson of
big messages would otherwise grow the kernel without end."""
FOLDERS = {"inbox": N_("inbox"), "spam": N_("spam")}
"""The MX's folders as :meth:`LabInternet.explain` names them (in English: read through
``_()``)."""
OUTCOMES = {
    "delivered": N_("delivered"),
    "refused": N_("refused"),
    "deferred": N_("deferred"),
    "unreachable": N_("unreachable"),
    "bounce sent": N_("bounce sent"),
    "error": N_("error"),
}
"""A delivery attempt's outcomes as :class:`RelayAttempt` prints them (the attribute keeps
the English word)."""


@dataclass
class RelayAttempt:
    """One delivery attempt by the provider's queue: to which ``host`` for which
    ``recipients``, the ``outcome`` (``delivered``, ``refused``, ``deferred``,
    ``unreachable``, ``bounce sent``), the last ``reply`` and the provider's own
    ``transcript`` of the session."""

    queue_id: str
    attempt: int
    sender: str
    recipients: list[str]
    host: str
    outcome: str
    reply: str
    transcript: Transcript | None = field(default=None, repr=False)

    def dialogue(self) -> str:
        """The provider's session, commands and replies, without the message lines."""
        if self.transcript is None:
            return _("(no session: no host to connect to)")
        kept, inside = [], False
        for line in str(self.transcript).splitlines():
            if inside and line.startswith("C: .") and not line.startswith("C: .."):
                inside = False
                kept.append("C: " + _("(the message: its headers and body)"))
            if not inside:
                kept.append(line)
            if line.startswith("S: 354"):
                inside = True
        return "\n".join(kept)

    def __str__(self) -> str:
        line = _("{queue_id} attempt {attempt}: <{sender}> -> {recipients} via {host}: {outcome}")
        return line.format(
            queue_id=self.queue_id,
            attempt=self.attempt,
            sender=self.sender,
            recipients=", ".join(self.recipients),
            host=self.host or _("(no host)"),
            outcome=_(OUTCOMES.get(self.outcome, self.outcome)),
        ) + (f" ({self.reply})" if self.reply else "")


@dataclass
class _Job:
    queue_id: str
    sender: str
    recipients: list[str]
    data: bytes
    arrival: datetime
    attempt: int = 1
    due: float = 0.0
    bounce: bool = False


class LabInternet:
    """A small mail internet on 127.0.0.1: a provider, recipient domains, a DNS table.

    ``with LabInternet() as net:`` (or ``net = LabInternet().start()`` ... ``net.stop()``).
    :meth:`send` submits a message as the learner (``learner@post.example``), like a mail
    program on port 587; :meth:`settle` waits until the provider's queue is empty;
    :meth:`mailbox` lists what reached an address; :attr:`journal` holds the provider's
    delivery attempts with their transcripts; :attr:`dns` is the table (change it and the
    next delivery follows it). ``retry_after``: the lesson clock, the seconds before each
    retry of a temporary failure (RFC 5321 §4.5.4.1 says at least 30 minutes, and to give
    up only after 4-5 days); after the last one the message is bounced. Its labs keep
    LabServer's shared-host default: under JupyterHub they serve only their own user.
    """

    def __init__(self, *, retry_after: tuple[float, ...] = (0.3, 0.6)) -> None:
        self.retry_after = tuple(retry_after)
        self.user = "learner"
        self.address = f"{self.user}@{PROVIDER}"
        self.password = make_password()
        self.dns = DNSTable.from_text(ZONE)
        self.labs: dict[str, LabServer] = {}
        self.journal: list[RelayAttempt] = []
        """The provider's delivery attempts, oldest first (the last :data:`MAX_JOURNAL`)."""
        self.verdicts: dict[str, Verdict] = {}
        """Each MX's conclusion on a message it kept, by the queue id it gave the message
        (the last :data:`MAX_VERDICTS`)."""
        self.dkim_key: DKIMKey | None = None
        self._queue: list[_Job] = []
        self._relay_ports: dict[int, str] = {}
        self._tamper: tuple[str, str] | None = None
        self._busy = 0
        self._cond = threading.Condition()
        self._stopping = False
        self._worker: threading.Thread | None = None
        self.started_in: float | None = None
        """Seconds :meth:`start` took (making the DKIM key and starting every lab)."""

    # -- life cycle ----------------------------------------------------------------------
    def start(self) -> LabInternet:
        """Start every lab, publish the DKIM key, start the provider's queue."""
        if self._worker is not None:
            return self
        began = time.perf_counter()
        self.dkim_key = DKIMKey.for_lab(PROVIDER)
        self.dns.add(self.dkim_key.record_name, "TXT", self.dkim_key.record)
        try:
            self.labs[SUBMISSION] = LabServer(
                hostname=SUBMISSION,
                users={self.user: self.password},
                require_tls=True,
                require_auth=True,
                relay=self._submitted,
            ).start()
            for host in MX_HOSTS:
                lab = LabServer(
                    policy=LabPolicy(hostname=host, offer_auth=False),  # an MX: no AUTH
                    users={},
                    relay=self._arriving(host),
                )
                lab.start().fail("RCPT", "550 5.1.1 No such user here", address=UNKNOWN_USER)
                self.labs[host] = lab
        except BaseException:
            self.stop()
            raise
        for host, lab in self.labs.items():
            self.dns.ports[host] = lab.port
        self._stopping = False
        self._worker = threading.Thread(target=self._run, name="smtplab-internet", daemon=True)
        self._worker.start()
        self.started_in = time.perf_counter() - began
        return self

    def stop(self) -> None:
        """Stop the queue and every lab (what is still queued is dropped)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._worker is not None and self._worker is not threading.current_thread():
            self._worker.join(5)
        self._worker = None
        for lab in self.labs.values():
            lab.stop()

    def __enter__(self) -> LabInternet:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._worker is not None

    # -- for the learner -----------------------------------------------------------------
    def lab(self, host: str) -> LabServer:
        """The lab that plays ``host`` (``"mx1.example.net"``...)."""
        return self.labs[host]

    def hosts(self) -> str:
        """Each lab host: its role, the address it pretends to have, where it listens."""
        roles = {
            SUBMISSION: _("submission (STARTTLS + AUTH, like port 587)"),
            "mx.post.example": _("MX of post.example (bounces land here)"),
        }
        lines = []
        for host, lab in self.labs.items():
            role = roles.get(host) or _("MX of {domain} (no AUTH, STARTTLS offered)").format(
                domain=host.partition(".")[2]
            )
            pretend = ", ".join(self.dns.addresses(host)) or "-"
            lines.append(f"{host:<18} {pretend:<15} {WIRE_ADDRESS}:{lab.port:<6} {role}")
        return "\n".join(lines)

    def submission_overrides(self) -> dict[str, Any]:
        """``host``, ``port``, ``security``, ``context``, ``username``, ``password`` for
        :func:`smtplab.send` or :class:`Client` to submit to the provider."""
        lab = self.labs[SUBMISSION]
        return {
            "host": WIRE_ADDRESS,
            "port": lab.port,
            "security": "starttls",
            "context": lab.ssl_context(),
            "username": self.user,
            "password": self.password,
        }

    def send(self, message: Any, **options: Any) -> Transcript:
        """Submit ``message`` as the learner (STARTTLS, AUTH) and return the transcript.
        The provider's 250 means it *accepted* the message; :meth:`settle` waits for the
        rest of the journey."""
        settings = self.submission_overrides() | {"local_hostname": HOME[0]} | options
        return client_send(message, **settings)

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until the provider's queue is empty (retries and bounces included)."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = end - time.monotonic()
                if left <= 0:
                    raise Timeout(
                        _("the provider's queue was not empty after {seconds} s").format(
                            seconds=f"{timeout:g}"
                        )
                    )
                self._cond.wait(min(left, 0.05))

    def mailbox(self, address: str, folder: str | None = None) -> list[ReceivedMessage]:
        """The messages delivered to ``address`` (every MX of its domain), oldest first;
        ``folder="spam"`` or ``"inbox"`` for one folder only."""
        wanted = address.lower()
        found = [
            message
            for host in MX_HOSTS
            for message in self.labs[host].inbox
            if wanted in (r.lower() for r in message.rcpt_tos)
            and (folder is None or message.folder == folder)
        ]
        return sorted(found, key=lambda m: m.received_at)

    def tamper_next(self, header: str, value: str) -> None:
        """Let a system on the way change ``header`` of the next relayed message after the
        provider signed it (as a mailing list or a scanning gateway may): DKIM then fails."""
        self._tamper = (header, value)

    def explain(self, message: ReceivedMessage) -> str:
        """The message's journey (its Received lines bottom-up) and what the MX's checks
        concluded, one line each."""
        lines = [_("Journey (Received: lines read bottom-up):")]
        hops = trace_of(message.message.get_all("Received") or [])
        for number, hop in enumerate(hops, 1):
            at = f"{hop.at:%H:%M:%S}" if hop.at else "?"
            hop_line = _("{number}. {by} took it from {sender} at {at}")
            lines.append(
                "  "
                + hop_line.format(number=number, by=hop.by, sender=hop.seen or hop.sender, at=at)
            )
        verdict = self.verdicts.get(message.queue_id)
        if verdict is not None:
            folder = _(FOLDERS.get(message.folder, message.folder))
            lines.append(_("Filed in: {folder}").format(folder=folder))
            lines += [f"  - {reason}" for reason in verdict.reasons]
        return "\n".join(lines)

    def inbox_view(self, address: str) -> str:
        """The mailbox of ``address`` as a mail program would list it, with each verdict."""
        lines = []
        for message in self.mailbox(address):
            verdict = self.verdicts.get(message.queue_id)
            dmarc = f"dmarc={verdict.dmarc}" if verdict else ""
            sender = message.message.get("From", "")
            lines.append(f"[{message.folder:<5}] {sender} | {message.subject} | {dmarc}")
        return "\n".join(lines) or _("(nothing for {address})").format(address=address)

    # -- the submission server's side ----------------------------------------------------
    def _peer(self, peer: tuple[Any, ...] | None) -> tuple[str, str]:
        """(name, pretended address) of a connection's client: a relay of this internet
        (known by its local port), or the learner's computer."""
        host = self._relay_ports.get(peer[1]) if peer else None
        if host is None:
            return HOME
        addresses = self.dns.addresses(host)
        return host, addresses[0] if addresses else HOME[1]

    def _submitted(self, message: ReceivedMessage) -> ReceivedMessage:
        """On the submission lab's thread: add the first Received line, queue the rest."""
        name, ip = self._peer(message.peer)
        trace = received_line(
            message.helo or name,
            name,
            ip,
            SUBMISSION,
            "ESMTPSA" if message.auth_user else "ESMTPS",
            message.queue_id,
            message.rcpt_tos[0],
        )
        data = trace + message.data
        job = _Job(
            message.queue_id,
            message.mail_from.strip("<>"),
            list(message.rcpt_tos),
            data,
            message.received_at,
        )
        self._enqueue(job)
        return replace(message, data=data)

    def _enqueue(self, job: _Job) -> None:
        with self._cond:
            self._queue.append(job)
            self._cond.notify_all()

    # -- an MX's side ----------------------------------------------------------------------
    def _arriving(self, host: str) -> Any:
        def check(message: ReceivedMessage) -> ReceivedMessage | str:
            name, ip = self._peer(message.peer)
            sender = message.mail_from.strip("<>")
            verdict = evaluate(self.dns, message.data, ip, sender, message.helo)
            if verdict.disposition == "reject":  # not kept: nothing to look its verdict up by
                return (
                    f"550 5.7.1 Rejected: the DMARC policy of {verdict.from_domain} is "
                    "p=reject and this message failed DMARC (RFC 7489 §6.3)"
                )
            with self._cond:  # each MX lab calls from its own thread
                self.verdicts[message.queue_id] = verdict
                while len(self.verdicts) > MAX_VERDICTS:
                    del self.verdicts[next(iter(self.verdicts))]
            protocol = "ESMTPS" if message.tls else "ESMTP"
            head = [
                f"Return-Path: <{sender}>\r\n".encode(),
                (verdict.header(host) + "\r\n").encode(),
                received_line(
                    message.helo or name,
                    name,
                    ip,
                    host,
                    protocol,
                    message.queue_id,
                    message.rcpt_tos[0],
                ),
            ]
            folder = "spam" if verdict.disposition == "spam" else "inbox"
            return replace(message, data=b"".join(head) + message.data, folder=folder)

        return check

    # -- the provider's queue ------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping:
                    now = time.monotonic()
                    ready = [job for job in self._queue if job.due <= now]
                    if ready:
                        break
                    soonest = min((job.due for job in self._queue), default=now + 1)
                    # at most a second at a time: a retry 1e10 s (or inf) away would make
                    # the wait overflow and kill this thread, and every later message
                    self._cond.wait(min(max(0.01, soonest - now), 1.0))
                if self._stopping:
                    return
                job = min(ready, key=lambda j: j.due)
                self._queue.remove(job)
                self._busy += 1
            try:
                self._deliver(job)
            except Exception as error:  # never let the queue thread die silently
                self._note(
                    job, job.recipients, "", "error", f"{type(error).__name__}: {error}", None
                )
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def route(self, domain: str) -> list[str]:
        """The hosts to try for ``domain``, in order (RFC 5321 §5.1): its MX hosts by
        preference, lowest first; with no MX record, the domain itself if it has an
        address (the implicit MX); none for a null MX (RFC 7505: ``MX 0 .``)."""
        records = sorted(self.dns.mx(domain))  # equal preferences: by name, not at random
        if records:
            return [host for _, host in records if host not in ("", ".")]
        return [domain] if self.dns.addresses(domain) else []

    def _deliver(self, job: _Job) -> None:
        failures: list[tuple[str, str, str]] = []
        deferred: list[tuple[str, str, str]] = []
        by_domain: dict[str, list[str]] = {}
        for recipient in job.recipients:
            by_domain.setdefault(recipient.rpartition("@")[2].lower(), []).append(recipient)
        data = job.data
        if self.dkim_key is not None:
            data = self.dkim_key.sign(data)
        if self._tamper is not None and not job.bounce:
            data, self._tamper = _rewrite(data, *self._tamper), None
        for domain, recipients in by_domain.items():
            hosts = self.route(domain)
            if not hosts:
                reply = "550 5.1.2 No MX and no address for this domain (RFC 5321 §5.1)"
                failures += [(r, "", reply) for r in recipients]
                self._note(job, recipients, "", "refused", reply, None)
                continue
            result = self._try_hosts(job, hosts, recipients, data)
            for recipient, (host, reply) in result.items():
                if reply.startswith("2"):
                    continue
                (deferred if reply.startswith("4") else failures).append((recipient, host, reply))
        if deferred and job.attempt <= len(self.retry_after):
            retry = replace(job, recipients=[r for r, _, _ in deferred], attempt=job.attempt + 1)
            retry.due = time.monotonic() + self.retry_after[job.attempt - 1]
            self._enqueue(retry)
        elif deferred:  # the lesson clock ran out: RFC 3463 4.4.7, message expired
            # the bounce's diagnostic: mail on the wire (RFC 3464), not the kit's own words
            expired = f"(gave up after {job.attempt} attempts: 4.4.7 expired)"  # i18n: keep wire
            failures += [(r, h, f"{reply} {expired}") for r, h, reply in deferred]
        if failures and not job.bounce and job.sender:
            report = bounce(
                reporting_mta=SUBMISSION,
                sender=job.sender,
                original=job.data,
                failures=failures,
                arrival=job.arrival,
            )
            notice = _Job(f"{job.queue_id}-DSN", "", [job.sender], report, job.arrival, bounce=True)
            self._enqueue(notice)

    def _try_hosts(
        self, job: _Job, hosts: list[str], recipients: list[str], data: bytes
    ) -> dict[str, tuple[str, str]]:
        """Deliver to the first host that answers; {recipient: (host, reply)}."""
        last = "421 4.4.1 No host answered (RFC 3463: no answer from host)"
        for host in hosts:
            port = self.dns.port(host)
            if port is None:
                last = f"421 4.4.1 {host}: no lab answers at that name"
                self._note(job, recipients, host, "unreachable", last, None)
                continue
            client = Client(WIRE_ADDRESS, port, local_hostname=SUBMISSION, timeout=5, connect=False)
            local = None
            try:
                client.connect()
                sock = client._wire.sock  # the provider's side of the connection
                local = sock.getsockname()[1] if sock is not None else None
                self._relay_ports[local] = SUBMISSION  # so the MX knows who it is
                client.ehlo()
                if client.extensions.starttls:  # opportunistic TLS (RFC 3207, RFC 7435)
                    lab = next(lab for lab in self.labs.values() if lab.port == port)
                    client.starttls(lab.ssl_context())  # trusts the lab's CA
                client.send_message(data, job.sender, recipients)
            except (ConnectError, Disconnected, Timeout) as error:
                last = f"421 4.4.1 {host}: {str(error).splitlines()[0].split(', ')[0]}"
                self._note(job, recipients, host, "unreachable", last, client.transcript)
                continue  # RFC 5321 §5.1: try the next host
            except ReplyError as error:
                reply = " ".join(error.reply.lines) if error.reply else str(error)
                text = f"{error.reply.code} {reply}" if error.reply else reply
                refused = {r: (host, text) for r in recipients}
                for recipient, answer in client.last_refused.items():
                    refused[recipient] = (host, f"{answer.code} {' '.join(answer.lines)}")
                outcome = "deferred" if text.startswith("4") else "refused"
                self._note(job, recipients, host, outcome, text, client.transcript)
                if text.startswith("421"):
                    continue
                return refused
            except SmtplabError as error:
                last = f"451 4.3.0 {host}: {str(error).splitlines()[0]}"
                self._note(job, recipients, host, "deferred", last, client.transcript)
                return {r: (host, last) for r in recipients}
            finally:
                with contextlib.suppress(SmtplabError, OSError):
                    client.quit()
                client.close()
                self._relay_ports.pop(local, None)
            result = {r: (host, "250 OK") for r in recipients}
            for recipient, answer in client.last_refused.items():
                result[recipient] = (host, f"{answer.code} {' '.join(answer.lines)}")
            done = [r for r in recipients if result[r][1].startswith("2")]
            outcome = "bounce sent" if job.bounce else "delivered"
            self._note(job, done, host, outcome, "", client.transcript)
            return result
        return {r: ("", last) for r in recipients}

    def _note(
        self,
        job: _Job,
        recipients: list[str],
        host: str,
        outcome: str,
        reply: str,
        transcript: Transcript | None,
    ) -> None:
        attempt = RelayAttempt(
            job.queue_id,
            job.attempt,
            job.sender,
            list(recipients),
            host,
            outcome,
            reply,
            transcript,
        )
        self.journal.append(attempt)
        del self.journal[: max(0, len(self.journal) - MAX_JOURNAL)]  # the oldest, past the bound

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<LabInternet: {len(self.labs)} lab hosts, {state}>"  # i18n: keep a repr


def _rewrite(data: bytes, header: str, value: str) -> bytes:
    """``data`` with the first ``header`` field's value replaced (an edit in transit)."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    prefix = header.lower().encode() + b":"
    for index, line in enumerate(lines):
        if line.lower().startswith(prefix):
            lines[index] = f"{header}: {value}".encode()
            while index + 1 < len(lines) and lines[index + 1][:1] in (b" ", b"\t"):
                del lines[index + 1]
            break
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
