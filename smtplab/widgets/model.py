"""The logic behind the Composer, in plain Python objects (no ipywidgets here), tested
without a browser or a widget: :class:`DraftForm` (the message fields as typed, and their
problems, each keyed by the field it belongs beside), :class:`ServerChoice` (the lab, a
provider preset or a custom host, resolved into a :class:`Target`) and :func:`deliver`
(one whole send, reporting :class:`SendUpdate` values and ending with an
:class:`Outcome`). The password is never a field of these objects: it goes from the
widget, at the moment Send is clicked, straight into :func:`deliver` as an argument.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..client import Client
from ..errors import LocalProtocolError, ReplyError, SmtplabError
from ..extensions import format_size
from ..i18n import N_, _, ngettext
from ..message import Attachment, Draft, compose
from ..message_texts import LINE_BREAKS
from ..providers import UnknownProviderError, get_provider
from ..replies import Reply, explain
from ..secrecy import SecretText
from ..transcript import Entry, Transcript
from ..wire import DEFAULT_TIMEOUT, Security
from .render import GREEN, RED, esc, pre

if TYPE_CHECKING:
    from ..lab import LabServer

__all__: list[str] = []  # DraftForm is public as smtplab.widgets.DraftForm

STEPS: tuple[str, ...] = (N_("connecting"), "TLS", "AUTH", "MAIL", "RCPT", "DATA")
"""The steps of a send, in order, as the Composer's progress shows them (the names are
data; a view shows ``_(step)``: "connecting" is translated, the commands are not)."""

SECURITY_CHOICES: tuple[tuple[str, Security], ...] = (
    (N_("plain (no TLS)"), "plain"),
    (N_("STARTTLS (like port 587)"), "starttls"),
    (N_("implicit TLS (like port 465)"), "tls"),
)
"""``(label, security)`` for the security menu (the labels in English: ``_()`` them)."""

# --------------------------------------------------------------------------- the draft


def split_addresses(text: str) -> list[str]:
    """Split what a learner typed into addresses: at commas and semicolons outside
    quotes and angle brackets; blanks are dropped.

    >>> split_addresses('bob@example.com; "Smith, Carol" <carol@example.com>,')
    ['bob@example.com', '"Smith, Carol" <carol@example.com>']
    """
    parts = [""]
    quoted = angle = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char in "<>" and not quoted:
            angle = char == "<"
        if char in ",;" and not quoted and not angle:
            parts.append("")
        else:
            parts[-1] += char
    return [part.strip() for part in parts if part.strip()]


def _line_break_problem(what: str, value: str) -> str:
    """A sentence when ``value`` holds CR, LF or NUL, else ``""``."""
    found = next((char for char in value if char in LINE_BREAKS), None)
    if found is None:
        return ""
    return _(
        "{what} contains {character}. In a header a line break starts a new "
        "header line, so anyone who controls this text could add headers of their choosing "
        "(header injection, RFC 5322 §2.2). Remove it."
    ).format(what=what, character=_(LINE_BREAKS[found]))


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
    if problem := _line_break_problem(f"{what} {item!r}", item):
        return problem
    address = item.rsplit("<", 1)[-1].rstrip("> ") if "<" in item else item
    if "@" not in address:
        return _("{item} has no '@': an address looks like bob@example.com.").format(
            item=repr(item)
        )
    return _probe(**{argument: item})


def _addresses_problem(name: str, text: str) -> str:
    """The first problem of the address field ``name`` (to, cc or bcc), or ``""``."""
    if problem := _line_break_problem(_("the {name} field").format(name=name.title()), text):
        return problem
    for item in split_addresses(text):
        if problem := _address_problem(name.title(), item, name):
            return problem
    return ""


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
        name = self.sender_name.strip()
        if problem := _line_break_problem(_("the display name"), self.sender_name) or (
            name and _probe(sender_name=name)
        ):
            found["sender_name"] = problem
        sender = self.sender.strip()
        if not sender:
            found["sender"] = _("fill in your address (From), like alice@example.com.")
        elif problem := _address_problem(_("the sender"), sender, "sender"):
            found["sender"] = problem
        for field_name in ("to", "cc", "bcc"):
            if problem := _addresses_problem(field_name, getattr(self, field_name)):
                found[field_name] = problem
        if not self.recipients and not ({"to", "cc", "bcc"} & found.keys()):
            found["to"] = _(
                "add at least one recipient in To, Cc or Bcc: with none, there is nobody "
                "for RCPT TO, and the server would have nobody to deliver to."
            )
        # "the subject" stays English: the glossary's "subject" is 类别 (an enhanced code's).
        if problem := _line_break_problem("the subject", self.subject):
            found["subject"] = problem
        if found:
            return found
        try:
            draft = self.draft()
        except LocalProtocolError as error:
            return {"body": str(error)}
        if size_limit is not None and (size := len(draft.to_bytes())) > size_limit:
            text = _(
                "the message would be {size}, and the server takes at most "
                "{limit} (its SIZE, RFC 1870): it would refuse it with 552."
            ).format(size=format_size(size), limit=format_size(size_limit))
            if self.attachments:
                biggest = max(self.attachments, key=lambda a: len(a.data))
                text += _(
                    " The biggest file is {name} ({size});"
                    " base64 makes an attached file about a third bigger on the wire."
                ).format(name=biggest.filename, size=format_size(len(biggest.data)))
            found["attachments" if self.attachments else "body"] = text
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


# --------------------------------------------------------------------------- the server


@dataclass(frozen=True)
class Target:
    """Where and how to connect, resolved from a :class:`ServerChoice`.

    ``size_limit`` is the server's SIZE when it is known before connecting (the lab's);
    ``label`` says it in words. ``lab_password`` is the lab account's own password, used
    when you log in to the lab without typing one (never shown or stored in a widget).
    ``allow_unencrypted_auth`` lets AUTH go out without TLS (a lab lesson, said loudly).
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
    allow_unencrypted_auth: bool = False


@dataclass(frozen=True)
class ServerChoice:
    """Where the Composer sends: ``kind`` is ``"lab"`` (the notebook's LabServer),
    ``"provider"`` (a preset of :mod:`smtplab.providers`) or ``"custom"``.

    ``username`` empty means no AUTH. ``host``/``port`` matter for ``custom`` only;
    ``provider`` for ``provider`` only. There is no password here: see :func:`deliver`.
    A login needs TLS unless ``allow_unencrypted_auth`` (the box "Allow AUTH without TLS
    (lab lessons only)"): without it, a user with ``security="plain"`` is a problem.
    """

    kind: Literal["lab", "provider", "custom"] = "lab"
    security: Security = "plain"
    username: str = ""
    provider: str = "gmail"
    host: str = ""
    port: int = 587
    allow_unencrypted_auth: bool = field(default=False, repr=False)  # the box: loud anyway

    def problems(
        self, *, password_given: bool = False, lab: LabServer | None = None
    ) -> dict[str, str]:
        """What is wrong, field by field (``{}`` when it can be used)."""
        found: dict[str, str] = {}
        user = self.username.strip()
        if problem := _line_break_problem(_("the user name"), self.username):
            found["user"] = problem
        if self.security not in [mode for _label, mode in SECURITY_CHOICES]:
            found["security"] = _("unknown security {security}: plain, starttls or tls.").format(
                security=repr(self.security)
            )
        if self.kind == "lab":
            if lab is None or not lab.running:
                found["server"] = _(
                    "there is no running lab to send to: start one (lab = LabServer().start()) "
                    "and pass it, Composer(lab), or choose a provider or a custom server."
                )
            elif user and self.security == "plain":
                found["user"] = _(
                    "the lab offers AUTH only inside TLS (never a password in clear text): "
                    "choose STARTTLS or implicit TLS, or leave the user empty."
                )
            elif user and user not in lab.users and not password_given:
                found["user"] = _("the lab has no account {user}; it has {accounts}.").format(
                    user=repr(user), accounts=sorted(lab.users)
                )
        elif self.kind == "provider":
            try:
                preset = get_provider(self.provider)
            except UnknownProviderError as error:
                found["provider"] = str(error)
            else:
                if self.security not in dict(preset.security_options):
                    found["security"] = f"{preset.name}: {preset.ports_sentence()}."
            if not user:
                found["user"] = _("the provider needs your user name (usually your full address).")
            if not password_given:
                found["password"] = _(
                    "type your password (for most providers an app password or authorization "
                    "code); it is used for this one send and never saved."
                )
        elif self.kind == "custom":
            host = self.host.strip()
            if not host or any(c.isspace() or c == "\0" for c in host):
                found["host"] = _("give the server's host name, like smtp.example.com.")
            if not 0 < int(self.port) < 65536:
                problem = _("{port} is not a port: 1 to 65535 (587, 465 or 25).")
                found["port"] = problem.format(port=self.port)
            if user and not password_given:
                found["password"] = _("type the password for this user (it is never saved).")
        else:
            found["server"] = _("unknown server kind {kind}: lab, provider or custom.").format(
                kind=repr(self.kind)
            )
        in_clear = self.kind != "lab" and user and self.security == "plain"
        if in_clear and not self.allow_unencrypted_auth:
            found["security"] = _(
                "a login without TLS would send the password only base64-encoded, "
                "readable by anyone on the path: choose STARTTLS or implicit TLS (or, "
                "for a lab lesson only, tick 'Allow AUTH without TLS')."
            )
        return found

    def resolve(self, lab: LabServer | None = None) -> Target:
        """The :class:`Target` to connect to (check :meth:`problems` first)."""
        user = self.username.strip() or None
        if self.kind == "lab":
            if lab is None:
                raise ValueError(_("a lab server is needed for kind='lab'."))
            port = lab.tls_port if self.security == "tls" else lab.port
            return Target(
                lab.host,
                port,
                self.security,
                user,
                None if self.security == "plain" else lab.ssl_context(),
                size_limit=lab.policy.size_limit,
                label=_("the lab at {host} port {port} ({security})").format(
                    host=lab.host, port=port, security=self.security
                ),
                lab_password=lab.users.get(user) if user else None,
            )
        key: str | None = None
        if self.kind == "provider":
            preset = get_provider(self.provider)
            host, port, key = preset.host, dict(preset.security_options)[self.security], preset.key
            label = _("{name} at {host} port {port} ({security})").format(
                name=preset.name, host=host, port=port, security=self.security
            )
        else:
            host, port = self.host.strip(), int(self.port)
            label = _("{host} port {port} ({security})").format(
                host=host, port=port, security=self.security
            )
        allowed = self.allow_unencrypted_auth
        return Target(
            host, port, self.security, user, None, key, label=label, allow_unencrypted_auth=allowed
        )


# --------------------------------------------------------------------------- sending


def step_of(entry: Entry) -> str | None:
    """The progress step (one of :data:`STEPS`) a transcript entry belongs to, or None.

    The greeting belongs to ``connecting``, STARTTLS and the TLS moment to ``TLS``, AUTH
    to ``AUTH``, ``MAIL FROM`` to ``MAIL``, ``RCPT TO`` to ``RCPT``, DATA and the message
    to ``DATA``. EHLO, notes, replies and QUIT belong to no step of their own.
    """
    if entry.direction == "TLS" or (entry.direction == "C" and entry.phase == "tls"):
        return "TLS"
    if entry.direction == "S":
        return "connecting" if entry.phase == "greeting" else None
    if entry.direction != "C":
        return None
    if entry.phase == "auth":
        return "AUTH"
    if entry.is_message or entry.phase in ("data", "message"):
        return "DATA"
    if entry.phase == "envelope" and isinstance(entry.raw, bytes):
        return {b"MAIL": "MAIL", b"RCPT": "RCPT"}.get(entry.raw[:4].upper())
    return None


LIVE_ENTRIES = 100
"""A live update shows at most the latest this many entries of the transcript (the
status line counts them all, the finished view shows every one): rendering the whole
transcript after every entry made ~290 MB of HTML for a send to 500 recipients."""


@dataclass(frozen=True)
class SendUpdate:
    """A moment of a send, for the views: the step it reached, the transcript so far.

    ``html`` is the transcript's HTML (masked, as a notebook shows the transcript; its
    latest :data:`LIVE_ENTRIES` entries), rendered on the thread that recorded the
    entry; ``lines`` is the number of entries.
    """

    step: str | None
    html: str
    lines: int


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

    def _repr_html_(self) -> str:
        """The result line under the Send button: delivered (with the queue reply) or
        failed (with the explanation)."""
        colour, icon, kind = (GREEN, "✅", "delivered") if self.delivered else (RED, "❌", "failed")
        where = f" <small>({esc(self.target)})</small>" if self.target else ""
        return (
            f'<div class="smtplab-result smtplab-{kind}" '  # i18n: keep css
            f'style="border-left:4px solid {colour};'
            f'padding:2px 8px"><b style="color:{colour}">{icon} {esc(self.summary)}</b>{where}'
            f"{pre(self.explanation)}</div>"
        )

    @classmethod
    def not_sent(cls, problems: Mapping[str, str]) -> Outcome:
        """The Outcome of a send refused before connecting, because of ``problems``."""
        return cls(
            False,
            ngettext(
                "Not sent: fix the field marked in red ({fields})",
                "Not sent: fix the fields marked in red ({fields})",
                len(problems),
            ).format(fields=", ".join(problems)),
            "\n".join(f"{name}: {text}" for name, text in problems.items()),
            Transcript(),
            error_kind="invalid input",
        )


def deliver(
    draft: Draft,
    target: Target,
    password: str | SecretText | None = None,
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
    one, a lab account logs in with the lab's own password. Without TLS, the login is
    refused (nothing sent) unless ``target.allow_unencrypted_auth``.
    """
    password = SecretText.wrap(password) if password else None  # masked from here on
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
            on_update(SendUpdate(steps[-1], transcript.html(LIVE_ENTRIES), len(transcript)))

    if on_update is not None:
        on_update(SendUpdate("connecting", "", 0))
    unsubscribe = transcript.subscribe(listen)
    try:
        client.connect()
        if target.username:
            client.login(
                target.username,
                password or target.lab_password or "",
                allow_unencrypted_auth=target.allow_unencrypted_auth,
            )
        password = None
        reply = client.send_message(draft)
        refused = dict(client.last_refused)
        try:
            client.quit()
        except SmtplabError:
            client.close()
        summary = _("Delivered: the server answered {code} {text}").format(
            code=reply.code, text=transcript.scrub(reply.text)
        )
        if refused:
            names = ", ".join(f"{a} ({r.code})" for a, r in refused.items())
            count = len(draft.recipients)
            summary += _(" (to {delivered} of {count} recipients; refused: {names})").format(
                delivered=count - len(refused), count=count, names=names
            )
        return Outcome(
            True,
            summary,
            explain(reply),
            transcript,
            reply,
            steps[-1],
            tuple(steps),
            refused,
            target=target.label,
        )
    except Exception as error:  # a worker thread must never die silently
        client.close()
        kind = type(error).__name__
        if isinstance(error, SmtplabError):
            if isinstance(error, LocalProtocolError):
                summary = _("Not sent at {step}: {kind}").format(step=_(steps[-1]), kind=kind)
            else:
                summary = _("Failed at {step}: {kind}").format(step=_(steps[-1]), kind=kind)
            explanation = str(error)
        else:
            summary = _("Failed at {step}: unexpected {kind}").format(step=_(steps[-1]), kind=kind)
            explanation = _(
                "{error}. This is a bug in smtplab's widgets or client: please report it."
            ).format(error=error)
        return Outcome(
            False,
            summary,
            explanation,
            transcript,
            error.reply if isinstance(error, ReplyError) else None,
            steps[-1],
            tuple(steps),
            error_kind=kind,
            target=target.label,
        )
    finally:
        unsubscribe()
