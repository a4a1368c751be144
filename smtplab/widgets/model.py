"""The logic behind the widgets, in plain Python objects (no ipywidgets here).

The widgets only read and write fields; everything they decide is decided here, and
tested without a browser or a widget:

* :class:`DraftForm` — what the Composer's fields hold (text, as typed), its checks
  (:meth:`DraftForm.problems`: each problem keyed by the field it belongs beside) and
  :meth:`DraftForm.draft` (a :class:`~smtplab.message.Draft` through
  :func:`~smtplab.message.compose`);
* :class:`ServerChoice` — where to send: the notebook's lab, a provider preset, or a
  custom host; its checks, and :meth:`ServerChoice.resolve` into a :class:`Target`;
* :func:`deliver` — one whole send with :class:`~smtplab.client.Client`, reporting
  progress as :class:`SendUpdate` values and ending with an :class:`Outcome`;
* :func:`step_of` — which step of the progress bar (:data:`STEPS`) a transcript entry
  belongs to.

The password is never a field of any of these objects: it goes from the widget, at the
moment Send is clicked, straight into :func:`deliver` as an argument.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..client import DEFAULT_TIMEOUT, Client, Security
from ..errors import LocalProtocolError, ReplyError, SmtplabError
from ..extensions import format_size
from ..message import Attachment, Draft, compose
from ..providers import PROVIDERS, UnknownProviderError, get_provider
from ..replies import Reply, explain
from ..transcript import Entry, Transcript

if TYPE_CHECKING:
    from ..lab import LabServer

__all__ = [
    "FORM_FIELDS",
    "SECURITY_CHOICES",
    "SERVER_FIELDS",
    "STEPS",
    "DraftForm",
    "Outcome",
    "SendUpdate",
    "ServerChoice",
    "Target",
    "deliver",
    "invalid_outcome",
    "provider_choices",
    "split_addresses",
    "step_of",
]

FORM_FIELDS: tuple[str, ...] = (
    "sender_name",
    "sender",
    "to",
    "cc",
    "bcc",
    "subject",
    "body",
    "html",
    "attachments",
)
"""The fields of :class:`DraftForm` that a problem can be shown beside."""

SERVER_FIELDS: tuple[str, ...] = (
    "server",
    "provider",
    "host",
    "port",
    "security",
    "user",
    "password",
)
"""The server fields a problem can be shown beside (``password`` is the widget only)."""

STEPS: tuple[str, ...] = ("connecting", "TLS", "AUTH", "MAIL", "RCPT", "DATA")
"""The steps of a send, in order, as the Composer's progress shows them."""

SECURITY_CHOICES: tuple[tuple[str, Security], ...] = (
    ("plain (no TLS)", "plain"),
    ("STARTTLS (like port 587)", "starttls"),
    ("implicit TLS (like port 465)", "tls"),
)
"""``(label, security)`` for the security menu."""

ServerKind = Literal["lab", "provider", "custom"]

_LINE_BREAK = re.compile(r"[\r\n\0]")
_SEPARATORS = ",;"


# --------------------------------------------------------------------------- the draft


def split_addresses(text: str) -> list[str]:
    """Split what a learner typed into addresses: at commas and semicolons outside
    quotes and angle brackets; blanks are dropped.

    >>> split_addresses('bob@example.com; "Smith, Carol" <carol@example.com>,')
    ['bob@example.com', '"Smith, Carol" <carol@example.com>']
    """
    parts: list[str] = []
    current: list[str] = []
    quoted = angle = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            angle = True
        elif char == ">" and not quoted:
            angle = False
        if char in _SEPARATORS and not quoted and not angle:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _line_break_problem(what: str, value: str) -> str:
    """A sentence when ``value`` holds CR, LF or NUL, else ``""``."""
    match = _LINE_BREAK.search(value)
    if match is None:
        return ""
    name = {"\r": "a carriage return (CR)", "\n": "a line feed (LF)", "\0": "a NUL byte"}
    return (
        f"{what} contains {name[match.group()]}. In a header a line break starts a new "
        "header line, so anyone who controls this text could add headers of their choosing "
        "(header injection, RFC 5322 §2.2). Remove it."
    )


def _probe(**fields: object) -> str:
    """What :func:`compose` says about these fields (with harmless values elsewhere)."""
    arguments: dict[str, object] = {"sender": "probe@example.com", "to": ()}
    arguments.update(fields)
    if not any(arguments.get(name) for name in ("to", "cc", "bcc")):
        arguments["to"] = "probe@example.com"
    try:
        compose(**arguments)  # type: ignore[arg-type]
    except LocalProtocolError as error:
        return str(error)
    return ""


def _address_problem(what: str, item: str, argument: str) -> str:
    problem = _line_break_problem(f"{what} {item!r}", item)
    if problem:
        return problem
    address = item.rsplit("<", 1)[-1].rstrip("> ") if "<" in item else item
    if "@" not in address:
        return f"{item!r} has no '@': an address looks like bob@example.com."
    return _probe(**{argument: item})


@dataclass(frozen=True)
class DraftForm:
    """What the Composer's fields hold: text as typed, before anything is checked.

    ``to``, ``cc`` and ``bcc`` hold one or more addresses separated by commas or
    semicolons (``"bob@example.com, Carol <carol@example.com>"``); ``html`` is an
    optional HTML alternative (empty: plain text only); ``attachments`` are
    :class:`~smtplab.message.Attachment` values.
    """

    sender: str = ""
    sender_name: str = ""
    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    body: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = ()

    @property
    def recipients(self) -> list[str]:
        """Every address of To, Cc and Bcc, as typed (split, not yet checked)."""
        return [*split_addresses(self.to), *split_addresses(self.cc), *split_addresses(self.bcc)]

    def problems(self, *, size_limit: int | None = None) -> dict[str, str]:
        """What is wrong, field by field (``{}`` when the form can be sent).

        Checked: an address without ``@`` (and anything :func:`~smtplab.message.compose`
        refuses), CR/LF in a header field (header injection), an empty recipient list,
        and, given the server's ``size_limit`` (its SIZE, RFC 1870), a message too big
        to be accepted.
        """
        found: dict[str, str] = {}
        name_problem = _line_break_problem("the display name", self.sender_name)
        if not name_problem and self.sender_name.strip():
            name_problem = _probe(sender_name=self.sender_name.strip())
        if name_problem:
            found["sender_name"] = name_problem
        sender = self.sender.strip()
        if not sender:
            found["sender"] = "fill in your address (From), like alice@example.com."
        elif problem := _address_problem("the sender", sender, "sender"):
            found["sender"] = problem
        for name in ("to", "cc", "bcc"):
            text = getattr(self, name)
            if problem := _line_break_problem(f"the {name.title()} field", text):
                found[name] = problem
                continue
            for item in split_addresses(text):
                if problem := _address_problem(name.title(), item, name):
                    found[name] = problem
                    break
        if not self.recipients and not ({"to", "cc", "bcc"} & found.keys()):
            found["to"] = (
                "add at least one recipient in To, Cc or Bcc: with none, there is nobody "
                "for RCPT TO, and the server would have nobody to deliver to."
            )
        if problem := _line_break_problem("the subject", self.subject):
            found["subject"] = problem
        if found:
            return found
        try:
            draft = self.draft()
        except LocalProtocolError as error:
            return {"body": str(error)}
        if size_limit is not None:
            size = len(draft.to_bytes())
            if size > size_limit:
                found["attachments" if self.attachments else "body"] = _too_big(
                    size, size_limit, self.attachments
                )
        return found

    def draft(self) -> Draft:
        """The message and its envelope (raises LocalProtocolError when invalid)."""
        return compose(
            sender=self.sender.strip(),
            sender_name=self.sender_name.strip() or None,
            to=split_addresses(self.to),
            cc=split_addresses(self.cc),
            bcc=split_addresses(self.bcc),
            subject=self.subject,
            body=self.body,
            html=self.html if self.html.strip() else None,
            attachments=self.attachments,
        )


def _too_big(size: int, limit: int, attachments: Sequence[Attachment]) -> str:
    text = (
        f"the message would be {format_size(size)}, and the server takes at most "
        f"{format_size(limit)} (its SIZE, RFC 1870): it would refuse it with 552."
    )
    if attachments:
        biggest = max(attachments, key=lambda a: len(a.data))
        text += (
            f" The biggest file is {biggest.filename} ({format_size(len(biggest.data))}); "
            "base64 makes an attached file about a third bigger on the wire."
        )
    return text


# --------------------------------------------------------------------------- the server


@dataclass(frozen=True)
class Target:
    """Where and how to connect, resolved from a :class:`ServerChoice`.

    ``size_limit`` is the server's SIZE when it is known before connecting (the lab's);
    ``label`` says it in words. ``lab_password`` is the lab account's own password, used
    when you log in to the lab without typing one (never shown or stored in a widget).
    """

    host: str
    port: int
    security: Security
    username: str | None = None
    context: ssl.SSLContext | None = field(default=None, repr=False)
    provider: str | None = None
    size_limit: int | None = None
    label: str = ""
    lab_password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ServerChoice:
    """Where the Composer sends: ``kind`` is ``"lab"`` (the notebook's LabServer),
    ``"provider"`` (a preset of :mod:`smtplab.providers`) or ``"custom"``.

    ``username`` empty means no AUTH. ``host``/``port`` matter for ``custom`` only;
    ``provider`` for ``provider`` only. There is no password here: see :func:`deliver`.
    """

    kind: ServerKind = "lab"
    security: Security = "plain"
    username: str = ""
    provider: str = "gmail"
    host: str = ""
    port: int = 587

    def problems(
        self, *, password_given: bool = False, lab: LabServer | None = None
    ) -> dict[str, str]:
        """What is wrong, field by field (``{}`` when it can be used)."""
        found: dict[str, str] = {}
        user = self.username.strip()
        if problem := _line_break_problem("the user name", self.username):
            found["user"] = problem
        if self.security not in dict((s, s) for _, s in SECURITY_CHOICES):
            found["security"] = f"unknown security {self.security!r}: plain, starttls or tls."
        if self.kind == "lab":
            if lab is None or not lab.running:
                found["server"] = (
                    "there is no running lab to send to: start one (lab = LabServer().start()) "
                    "and pass it, Composer(lab), or choose a provider or a custom server."
                )
            elif user and self.security == "plain":
                found["user"] = (
                    "the lab offers AUTH only inside TLS (never a password in clear text): "
                    "choose STARTTLS or implicit TLS, or leave the user empty."
                )
            elif user and user not in lab.users and not password_given:
                found["user"] = f"the lab has no account {user!r}; it has {sorted(lab.users)}."
        elif self.kind == "provider":
            try:
                preset = get_provider(self.provider)
            except UnknownProviderError as error:
                found["provider"] = str(error)
            else:
                modes = [mode for mode, _ in preset.security_options]
                if self.security not in modes:
                    found["security"] = f"{preset.name}: {preset.ports_sentence()}."
            if not user:
                found["user"] = "the provider needs your user name (usually your full address)."
            if not password_given:
                found["password"] = (
                    "type your password (for most providers an app password or authorization "
                    "code); it is used for this one send and never saved."
                )
        elif self.kind == "custom":
            host = self.host.strip()
            if not host or _LINE_BREAK.search(host) or any(c.isspace() for c in host):
                found["host"] = "give the server's host name, like smtp.example.com."
            if not 0 < int(self.port) < 65536:
                found["port"] = f"{self.port} is not a port: 1 to 65535 (587, 465 or 25)."
            if user and not password_given:
                found["password"] = "type the password for this user (it is never saved)."
        else:
            found["server"] = f"unknown server kind {self.kind!r}: lab, provider or custom."
        return found

    def resolve(self, lab: LabServer | None = None) -> Target:
        """The :class:`Target` to connect to (check :meth:`problems` first)."""
        user = self.username.strip() or None
        if self.kind == "lab":
            if lab is None:
                raise ValueError("a lab server is needed for kind='lab'.")
            port = lab.tls_port if self.security == "tls" else lab.port
            context = None if self.security == "plain" else lab.ssl_context()
            label = f"the lab at {lab.host} port {port} ({self.security})"
            return Target(
                lab.host,
                port,
                self.security,
                user,
                context,
                size_limit=lab.policy.size_limit,
                label=label,
                lab_password=lab.users.get(user) if user else None,
            )
        if self.kind == "provider":
            preset = get_provider(self.provider)
            port = dict(preset.security_options)[self.security]
            label = f"{preset.name} at {preset.host} port {port} ({self.security})"
            return Target(preset.host, port, self.security, user, provider=preset.key, label=label)
        host = self.host.strip()
        label = f"{host} port {self.port} ({self.security})"
        return Target(host, int(self.port), self.security, user, label=label)


def provider_choices() -> list[tuple[str, str]]:
    """``(label, key)`` for every provider preset, for a menu."""
    return [(f"{preset.name} ({preset.host})", key) for key, preset in PROVIDERS.items()]


# --------------------------------------------------------------------------- sending


def step_of(entry: Entry) -> str | None:
    """The progress step (one of :data:`STEPS`) a transcript entry belongs to, or None.

    The greeting belongs to ``connecting``, STARTTLS and the TLS moment to ``TLS``, AUTH
    to ``AUTH``, ``MAIL FROM`` to ``MAIL``, ``RCPT TO`` to ``RCPT``, DATA and the message
    to ``DATA``. EHLO, notes, replies and QUIT belong to no step of their own.
    """
    if entry.direction == "TLS":
        return "TLS"
    if entry.direction == "S":
        return "connecting" if entry.phase == "greeting" else None
    if entry.direction != "C":
        return None
    if entry.phase == "tls":
        return "TLS"
    if entry.phase == "auth":
        return "AUTH"
    if entry.is_message or entry.phase in ("data", "message"):
        return "DATA"
    if entry.phase == "envelope" and isinstance(entry.raw, bytes):
        verb = entry.raw[:4].upper()
        return {b"MAIL": "MAIL", b"RCPT": "RCPT"}.get(verb)
    return None


@dataclass(frozen=True)
class SendUpdate:
    """A moment of a send, for the views: the step it reached, the transcript so far.

    ``html`` is the transcript's HTML (masked, as ``Transcript._repr_html_`` shows it),
    rendered on the thread that recorded the entry; ``lines`` is the number of entries.
    """

    step: str | None
    html: str
    lines: int
    text: str = ""


@dataclass(frozen=True)
class Outcome:
    """How a send ended.

    ``delivered`` is True when the server accepted the message (its final reply, with the
    queue id, is ``reply``). Otherwise ``error_kind`` names the error (``RecipientRefused``,
    ``Timeout``...) and ``explanation`` says what happened and what to try. ``step`` is
    the last step reached, ``steps`` all of them in order; ``refused`` holds recipients
    the server refused while it accepted others. No exception object is kept: its
    traceback would keep the password alive.
    """

    delivered: bool
    summary: str
    explanation: str
    transcript: Transcript
    reply: Reply | None = None
    step: str | None = None
    steps: tuple[str, ...] = ()
    refused: Mapping[str, Reply] = field(default_factory=dict)
    error_kind: str = ""
    target: str = ""

    def __str__(self) -> str:
        return f"{self.summary}\n{self.explanation}".rstrip()

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        printer.text(str(self))  # type: ignore[attr-defined]

    def _repr_html_(self) -> str:
        from .render import outcome_html

        return outcome_html(self)


def _summary_delivered(reply: Reply, refused: Mapping[str, Reply], recipients: int) -> str:
    text = f"Delivered: the server answered {reply.code} {reply.text}"
    if refused:
        names = ", ".join(f"{a} ({r.code})" for a, r in refused.items())
        text += f" (to {recipients - len(refused)} of {recipients} recipients; refused: {names})"
    return text


def deliver(
    draft: Draft,
    target: Target,
    password: str | None = None,
    *,
    on_update: Callable[[SendUpdate], None] | None = None,
    local_hostname: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Outcome:
    """Send ``draft`` to ``target`` with a :class:`~smtplab.client.Client`: connect,
    EHLO (TLS as the target says), AUTH when ``target.username`` is set, MAIL, RCPT,
    DATA, QUIT. Never raises: every failure becomes an :class:`Outcome`.

    ``on_update`` is called on *this* thread with a :class:`SendUpdate` when the send
    starts and after every transcript entry (a caller on a worker thread hands them to
    its own main thread). ``password`` is used for AUTH only and kept nowhere; without
    one, a lab account logs in with the lab's own password.
    """
    client = Client(
        target.host,
        target.port,
        security=target.security,
        timeout=timeout,
        context=target.context,
        local_hostname=local_hostname,
        provider=target.provider,
        connect=False,
    )
    transcript = client.transcript
    steps: list[str] = ["connecting"]

    def listen(entry: Entry) -> None:
        step = step_of(entry)
        if step is not None and step not in steps:
            steps.append(step)
        if on_update is not None:
            on_update(SendUpdate(steps[-1], transcript._repr_html_(), len(transcript)))

    if on_update is not None:
        on_update(SendUpdate("connecting", "", 0))
    unsubscribe = transcript.subscribe(listen)
    try:
        client.connect()
        if target.username:
            client.login(target.username, password or target.lab_password or "")
        password = None
        reply = client.send_message(draft)
        refused = dict(client.last_refused)
        try:
            client.quit()
        except SmtplabError:
            client.close()
        return Outcome(
            True,
            _summary_delivered(reply, refused, len(draft.recipients)),
            explain(reply),
            transcript,
            reply,
            steps[-1],
            tuple(steps),
            refused,
            target=target.label,
        )
    except SmtplabError as error:
        client.close()
        reply = error.reply if isinstance(error, ReplyError) else None
        what = "Not sent" if isinstance(error, LocalProtocolError) else "Failed"
        return Outcome(
            False,
            f"{what} at {steps[-1]}: {type(error).__name__}",
            str(error),
            transcript,
            reply,
            steps[-1],
            tuple(steps),
            error_kind=type(error).__name__,
            target=target.label,
        )
    except Exception as error:  # never let a worker thread die silently
        client.close()
        return Outcome(
            False,
            f"Failed at {steps[-1]}: unexpected {type(error).__name__}",
            f"{error}. This is a bug in smtplab's widgets or client: please report it.",
            transcript,
            None,
            steps[-1],
            tuple(steps),
            error_kind=type(error).__name__,
            target=target.label,
        )
    finally:
        unsubscribe()


def invalid_outcome(problems: Mapping[str, str]) -> Outcome:
    """The Outcome of a send refused before connecting, because of ``problems``."""
    fields = ", ".join(problems)
    return Outcome(
        False,
        f"Not sent: fix the field{'s' * (len(problems) > 1)} marked in red ({fields})",
        "\n".join(f"{name}: {text}" for name, text in problems.items()),
        Transcript(),
        error_kind="invalid input",
    )
