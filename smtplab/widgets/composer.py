"""The Composer: a mail form with a Send button that shows the send step by step. It
reads its fields into a ``DraftForm`` and a ``ServerChoice`` (:mod:`.model`), shows their
problems beside the fields, and hands the send to ``deliver`` (:mod:`.background`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import LocalProtocolError
from ..extensions import format_size
from ..i18n import N_, _, found_in
from ..legality import TOO_BIG
from ..message import Attachment
from ..providers import PROVIDERS, get_provider
from ..secrecy import SecretText
from ..wire import DEFAULT_TIMEOUT
from . import render
from .background import Job, run_in_background, running_loop
from .model import SECURITY_CHOICES, STEPS, DraftForm, Outcome, SendUpdate, ServerChoice, deliver

if TYPE_CHECKING:
    from ..lab import LabServer
    from ..transcript import Transcript

__all__: list[str] = []  # Composer is public as smtplab.widgets.Composer

_LABEL = {"description_width": "110px"}
_TEXTS = ("sender", "sender_name", "to", "cc", "bcc", "subject", "body", "html")  # + the files
_ALLOW_CLEAR = N_("Allow AUTH without TLS (lab lessons only)")


class Composer(render.PlainFallback, w.VBox):
    """Compose a mail, send it, and see how it went.

    ``Composer(lab)`` sends to the notebook's :class:`~smtplab.lab.LabServer` by default;
    the Server section switches to a provider preset or a custom host. ``local_hostname``
    is the name said in EHLO; ``timeout`` bounds each step of the dialogue.

    The password field is never echoed, and its value is taken and the field cleared
    the moment Send is clicked, so it is not left in the widget's state (which a notebook
    file can save). Problems are shown beside their field before anything is sent.

    From code: :meth:`load` fills the form, :meth:`send_mail` does what the button does,
    :attr:`outcome` and :attr:`transcript` hold the last result, :meth:`on_progress`,
    :meth:`on_finished` and :meth:`on_start` let other views follow a send.
    """

    def __init__(
        self,
        lab: LabServer | None = None,
        *,
        local_hostname: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.lab = lab
        self.local_hostname = local_hostname
        self.timeout = timeout
        self.outcome: Outcome | None = None
        self.steps_seen: list[str] = []
        self.job: Job[Outcome] | None = None
        self._followers: dict[str, list[Callable[..., None]]] = {}
        wide = w.Layout(width="520px")  # one layout model for the fields of this form

        def field(kind: type[w.Widget], name: str, label: str, hint: str = "", **kw: Any) -> Any:
            """A labelled field with the CSS class ``smtplab-<name>`` (for the browser test)."""
            kw.setdefault("layout", wide)
            if hint:
                kw["placeholder"] = hint
            widget = kind(description=label, style=_LABEL, **kw)
            widget.add_class(f"smtplab-{name.replace('_', '-')}")
            return widget

        # The header names (From, To, Cc, Bcc, Subject) stay as they are in every language.
        self.sender_name = field(w.Text, "sender_name", _("From (name)"), "Alice Liddell")
        self.sender = field(w.Text, "sender", _("From (address)"), "alice@example.com")
        hint = "bob@example.com, carol@example.com"  # i18n: keep example addresses
        self.to = field(w.Text, "to", "To", hint)
        self.cc = field(w.Text, "cc", "Cc", _("optional, several with commas"))
        hint = _("optional: in the envelope only, never in a header")
        self.bcc = field(w.Text, "bcc", "Bcc", hint)
        self.subject = field(w.Text, "subject", "Subject", _("Hello from the lab"))
        taller = w.Layout(width="520px", height="110px")
        hint = _("Plain text. Say hello!")
        self.body = field(w.Textarea, "body", _("Body"), hint, layout=taller)
        hint = _("<p>An HTML alternative of the body (leave empty for text only)</p>")
        tall = w.Layout(width="520px", height="60px")
        self.html = field(w.Textarea, "html", _("HTML (optional)"), hint, layout=tall)
        self.upload = w.FileUpload(description=_("Attach files"), multiple=True)
        self.upload.add_class("smtplab-upload")
        self.upload.observe(lambda change: self._describe_files(), names="value")
        self.clear_files = w.Button(description=_("Remove files"), layout=w.Layout(width="auto"))
        self.clear_files.on_click(lambda button: setattr(self.upload, "value", ()))
        self.files = w.HTML()

        kinds = [(_("this notebook's lab server"), "lab"), (_("a provider preset"), "provider")]
        kinds.append((_("a custom server"), "custom"))
        first = "lab" if lab is not None else "provider"
        self.where = field(w.Dropdown, "where", _("Send to"), options=kinds, value=first)
        presets = [(f"{p.name} ({p.host})", key) for key, p in PROVIDERS.items()]
        self.provider = field(w.Dropdown, "provider", _("Provider"), options=presets)
        self.host = field(w.Text, "host", _("Host"), "smtp.example.com")
        narrow = w.Layout(width="220px")
        self.port = field(
            w.BoundedIntText, "port", _("Port"), value=587, min=1, max=65535, layout=narrow
        )
        choices = [(_(label), mode) for label, mode in SECURITY_CHOICES]
        self.security = field(w.Dropdown, "security", _("Security"), options=choices)
        self.user = field(w.Text, "user", _("User"), _("empty: no login (AUTH)"))
        hint = _("used for one send, then cleared; never saved")
        self.password = field(w.Password, "password", _("Password"), hint)
        self.allow_unencrypted_auth = w.Checkbox(
            value=False, description=_(_ALLOW_CLEAR), indent=False, layout=wide
        )
        self.allow_unencrypted_auth.add_class("smtplab-allow-unencrypted-auth")
        self.server_hint = w.HTML()
        for widget in (self.where, self.provider, self.security):
            widget.observe(lambda change: self._server_changed(), names="value")

        self.send_button = w.Button(
            description=_("Send"),
            button_style="primary",
            icon="paper-plane",
            tooltip=_("Send the mail"),
        )
        self.send_button.add_class("smtplab-send")
        self.send_button.on_click(lambda button: self.send_mail())
        self.progress = w.HTML(render.progress_html(STEPS, []))
        self.result = w.HTML(render.sending_html())
        self.result.add_class("smtplab-result-box")

        order = ("sender_name", "sender", "to", "cc", "bcc", "subject", "body", "html", "where")
        order += ("provider", "host", "port", "security", "user", "password")
        order += ("allow_unencrypted_auth",)
        # Each problem is shown beside its field; one with the server, beside "Send to".
        beside = {("server" if name == "where" else name): getattr(self, name) for name in order}
        self.field_errors: dict[str, w.HTML] = {name: w.HTML() for name in (*beside, "attachments")}
        for name, box in self.field_errors.items():
            box.add_class(f"smtplab-error-{name.replace('_', '-')}")
        self._rows = {
            name: w.HBox([field, self.field_errors[name]]) for name, field in beside.items()
        }
        rows = list(self._rows.values())
        files = [self.upload, self.clear_files, self.files, self.field_errors["attachments"]]
        super().__init__(
            [
                w.HTML("<b>" + _("Compose a mail") + "</b>"),
                w.VBox([*rows[:8], w.HBox(files)]),
                w.HTML("<b>" + _("Server") + "</b>"),
                w.VBox([*rows[8:], self.server_hint]),
                w.HBox([self.send_button, self.progress]),
                self.result,
            ]
        )
        self.add_class("smtplab-composer")
        self._server_changed()

    # -- reading and filling the form ----------------------------------------------------

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        """The uploaded files as attachments (raises LocalProtocolError for a bad name)."""
        return tuple(
            Attachment(str(f["name"]), bytes(f["content"]), str(f.get("type") or "") or None)
            for f in self.upload.value
        )

    @property
    def form(self) -> DraftForm:
        """The message fields as a :class:`DraftForm` (attachments that cannot be read
        are left out; :meth:`problems` reports them)."""
        try:
            files = self.attachments
        except LocalProtocolError:
            files = ()
        return DraftForm(**{name: getattr(self, name).value for name in _TEXTS}, attachments=files)

    @property
    def server(self) -> ServerChoice:
        """The server fields as a :class:`ServerChoice` (never the password)."""
        return ServerChoice(
            kind=self.where.value,
            security=self.security.value,
            username=self.user.value,
            provider=self.provider.value,
            host=self.host.value,
            port=int(self.port.value),
            allow_unencrypted_auth=self.allow_unencrypted_auth.value,
        )

    def load(self, form: DraftForm | None = None, **fields: Any) -> Composer:
        """Fill the message fields from a :class:`DraftForm` and/or keyword arguments
        (``load(to="bob@example.com", subject="Hi")``); returns the Composer.

        Attachments are :class:`~smtplab.message.Attachment` values or
        ``(name, bytes)`` tuples.
        """
        values = {**(vars(form) if form is not None else {}), **fields}
        files = values.pop("attachments", None)
        for name, value in values.items():
            if name not in _TEXTS:
                raise TypeError(_("load() got an unknown field {name}.").format(name=repr(name)))
            getattr(self, name).value = value
        if files is not None:
            self.upload.value = tuple(
                {
                    "name": a.filename,
                    "type": a.content_type or "",
                    "size": len(a.data),
                    "content": memoryview(bytes(a.data)),
                    "last_modified": datetime.now(timezone.utc),
                }
                for a in map(_attachment, files)
            )
        return self

    def problems(self, *, password_given: bool = False) -> dict[str, str]:
        """Every problem of the form and the server fields, keyed by field."""
        server = self.server
        found = server.problems(password_given=password_given, lab=self.lab)
        size_limit = None
        if server.kind == "lab" and self.lab is not None and self.lab.running:
            size_limit = self.lab.policy.size_limit
        try:
            self.attachments  # noqa: B018  # read for its LocalProtocolError
        except LocalProtocolError as error:
            found["attachments"] = str(error)
        found.update(self.form.problems(size_limit=size_limit))
        return found

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show each problem beside its field, and clear the others."""
        for name, box in self.field_errors.items():
            box.value = render.field_error_html(problems.get(name, ""))

    # -- sending -----------------------------------------------------------------------

    @property
    def sending(self) -> bool:
        """True while a send runs."""
        return self.send_button.disabled

    @property
    def transcript(self) -> Transcript | None:
        """The transcript of the last send (None before the first)."""
        return self.outcome.transcript if self.outcome is not None else None

    def send_mail(self, *, block: bool = False) -> Outcome | None:
        """Do what the Send button does: take (and clear) the password, check the fields,
        then send.

        Inside a kernel the dialogue runs in a worker thread and this returns None at
        once (the views follow it live; :meth:`wait` waits for it). With ``block=True``,
        or with no event loop running, it runs here and returns the :class:`Outcome`.
        Returns the Outcome of the refusal when a field is invalid (nothing is sent).
        """
        # The password rides along once, in a list the work empties: nothing keeps it.
        secret = [SecretText(self.password.value) if self.password.value else None]
        self.password.value = ""
        if self.sending:
            return None
        problems = self.problems(password_given=bool(secret[0]))
        self.show_problems(problems)
        if problems:
            self.outcome = Outcome.not_sent(problems)
            self.result.value = self.outcome._repr_html_()
            self.progress.value = render.progress_html(STEPS, [])
            return self.outcome
        draft, target = self.form.draft(), self.server.resolve(self.lab)
        self._set_sending(True)
        self.steps_seen = []
        self.result.value = render.sending_html(_("Sending…"))
        self.progress.value = render.progress_html(STEPS, [])
        self._tell("start")

        def work(emit: Callable[[SendUpdate], None]) -> Outcome:
            return deliver(
                draft,
                target,
                secret.pop(),
                on_update=emit,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
            )

        loop = None if block else running_loop()
        self.job = run_in_background(
            work, self._progressed, self._finished, loop=loop, on_error=self._crashed
        )
        return None if self.job.background else self.outcome

    def wait(self, timeout: float | None = None) -> Outcome | None:
        """Wait for a send running in the background; return its Outcome (None if none).
        (The widgets are updated by the kernel's loop once the waiting cell has finished.)"""
        return self.job.wait(timeout) if self.job is not None else self.outcome

    def on_start(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` on the main thread when a send starts."""
        self._followers.setdefault("start", []).append(callback)

    def on_progress(self, callback: Callable[[SendUpdate], None]) -> None:
        """Call ``callback(update)`` on the main thread after every transcript entry."""
        self._followers.setdefault("progress", []).append(callback)

    def on_finished(self, callback: Callable[[Outcome], None]) -> None:
        """Call ``callback(outcome)`` on the main thread when a send has ended."""
        self._followers.setdefault("finished", []).append(callback)

    # -- internals ---------------------------------------------------------------------

    def _tell(self, moment: str, *args: object) -> None:
        for callback in self._followers.get(moment, []):
            callback(*args)

    def _set_sending(self, sending: bool, step: str = "") -> None:
        """The Send button while a send runs (now at ``step``), and after."""
        self.send_button.disabled = sending
        label = _("Sending… ({step})").format(step=step) if step else _("Sending…")
        self.send_button.description = label if sending else _("Send")
        self.send_button.icon = "spinner" if sending else "paper-plane"

    def _progressed(self, update: SendUpdate) -> None:
        if update.step is not None and update.step not in self.steps_seen:
            self.steps_seen.append(update.step)
            self._set_sending(True, _(update.step))
            self.progress.value = render.progress_html(STEPS, self.steps_seen)
            now = _("Sending… now at {step}").format(step=_(update.step))
            self.result.value = render.sending_html(now)
        self._tell("progress", update)

    def _finished(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.steps_seen = list(outcome.steps)
        self.progress.value = render.progress_html(
            STEPS, self.steps_seen, finished=True, failed=not outcome.delivered
        )
        self.result.value = outcome._repr_html_()
        # The kit's size refusal, shown again beside what made the message big.
        too_big = None if outcome.delivered else found_in(outcome.explanation, TOO_BIG)
        if too_big:
            self.show_problems({"attachments" if self.upload.value else "body": too_big})
        self._set_sending(False)
        self._tell("finished", outcome)

    def _crashed(self, error: BaseException) -> None:
        self._set_sending(False)
        crashed = _("the send crashed: {error}").format(error=repr(error))
        self.result.value = render.sending_html(crashed)

    def _describe_files(self) -> None:
        names = ", ".join(
            f"{f['name']} ({format_size(len(f['content']))})" for f in self.upload.value
        )
        self.files.value = f"<small>{render.esc(names)}</small>" if names else ""

    def _server_changed(self) -> None:
        kind = self.where.value
        for name, shown_for in (
            ("provider", "provider"),
            ("host", "custom"),
            ("port", "custom"),
            ("allow_unencrypted_auth", "custom"),
        ):
            self._rows[name].layout.display = "" if kind == shown_for else "none"
        wanted = [(_(label), mode) for label, mode in SECURITY_CHOICES]
        if kind == "provider":
            preset = get_provider(self.provider.value)
            wanted = [choice for choice in wanted if choice[1] in dict(preset.security_options)]
        if list(self.security.options) != wanted:
            current = self.security.value  # new options reset the value: keep it if we can
            self.security.options = wanted
            if current in [mode for _label, mode in wanted]:
                self.security.value = current
            elif kind == "provider":
                self.security.value = get_provider(self.provider.value).default_security
        self.server_hint.value = f"<small>{self._hint(kind)}</small>"

    def _hint(self, kind: str) -> str:
        if kind == "provider":
            preset = get_provider(self.provider.value)
            return _(
                "<b>{name}</b>: {ports}."
                " Password: {credential_help} "
                "(This preset has not been checked against the live service. Many networks, "
                "mybinder.org among them, block outbound SMTP.)"
            ).format(
                name=render.esc(preset.name),
                ports=render.esc(preset.ports_sentence()),
                credential_help=render.esc(preset.credential_help),
            )
        if kind != "lab":
            return _(
                "Any SMTP server: its host, port and security mode. A login needs STARTTLS or "
                "implicit TLS, unless the box below allows AUTH in clear for a lab lesson."
            )
        if self.lab is None:
            return _("No lab was given: Composer(lab).")
        lab = self.lab
        login = _("wants AUTH") if lab.policy.require_auth else _("accepts mail without login")
        return _(
            "The lab: <code>{host}</code>, port {port} (plain, STARTTLS "
            "offered) or {tls_port} (implicit TLS). It {login}; to log in, give a lab "
            "account as User and choose a TLS mode (the password field may stay empty: the "
            "widget knows the lab's accounts)."
        ).format(host=render.esc(lab.host), port=lab.port, tls_port=lab.tls_port, login=login)


def _attachment(item: object) -> Attachment:
    if isinstance(item, Attachment):
        return item
    if isinstance(item, tuple):
        return Attachment(*item)
    problem = _("an attachment is an Attachment or a (name, bytes) tuple, not {item}.")
    raise TypeError(problem.format(item=repr(item)))
