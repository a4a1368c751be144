"""The Composer: a mail form with a Send button that shows the send step by step.

The form is thin: it reads its fields into a :class:`~smtplab.widgets.model.DraftForm`
and a :class:`~smtplab.widgets.model.ServerChoice`, shows their problems beside the
fields, and hands the send to :func:`~smtplab.widgets.model.deliver` (in a worker
thread inside a kernel; see :mod:`smtplab.widgets.background`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..client import DEFAULT_TIMEOUT
from ..errors import LocalProtocolError
from ..extensions import format_size
from ..message import Attachment
from ..providers import get_provider
from . import render
from .background import Job, run_in_background, running_loop
from .model import (
    FORM_FIELDS,
    SECURITY_CHOICES,
    SERVER_FIELDS,
    STEPS,
    DraftForm,
    Outcome,
    SendUpdate,
    ServerChoice,
    deliver,
    invalid_outcome,
    provider_choices,
)

if TYPE_CHECKING:
    from ..lab import LabServer
    from ..transcript import Transcript

__all__ = ["Composer"]

_LABEL = {"description_width": "110px"}
_SERVER_KINDS = (
    ("this notebook's lab server", "lab"),
    ("a provider preset", "provider"),
    ("a custom server", "custom"),
)


def _show(widget: w.Widget, visible: bool) -> None:
    widget.layout.display = "" if visible else "none"


class Composer(w.VBox):
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
        self._start_callbacks: list[Callable[[], None]] = []
        self._progress_callbacks: list[Callable[[SendUpdate], None]] = []
        self._finished_callbacks: list[Callable[[Outcome], None]] = []

        wide = w.Layout(width="520px")  # one layout model for the fields of this form

        def text(description: str, placeholder: str = "", css: str = "") -> w.Text:
            field = w.Text(
                description=description, placeholder=placeholder, style=_LABEL, layout=wide
            )
            field.add_class(f"smtplab-{css}")
            return field

        self.sender_name = text("From (name)", "Alice Liddell", "sender-name")
        self.sender = text("From (address)", "alice@example.com", "sender")
        self.to = text("To", "bob@example.com, carol@example.com", "to")
        self.cc = text("Cc", "optional, several with commas", "cc")
        self.bcc = text("Bcc", "optional: in the envelope only, never in a header", "bcc")
        self.subject = text("Subject", "Hello from the lab", "subject")
        self.body = w.Textarea(
            description="Body",
            placeholder="Plain text. Say hello!",
            style=_LABEL,
            layout=w.Layout(width="520px", height="110px"),
        )
        self.body.add_class("smtplab-body")
        self.html = w.Textarea(
            description="HTML (optional)",
            placeholder="<p>An HTML alternative of the body (leave empty for text only)</p>",
            style=_LABEL,
            layout=w.Layout(width="520px", height="60px"),
        )
        self.html.add_class("smtplab-html")
        self.upload = w.FileUpload(description="Attach files", multiple=True)
        self.upload.add_class("smtplab-upload")
        self.clear_files = w.Button(description="Remove files", layout=w.Layout(width="auto"))
        self.clear_files.on_click(lambda _: self._clear_uploads())
        self.files = w.HTML()
        self.upload.observe(lambda _: self._describe_files(), names="value")

        self.where = w.Dropdown(
            description="Send to",
            options=[(label, kind) for label, kind in _SERVER_KINDS],
            value="lab" if lab is not None else "provider",
            style=_LABEL,
            layout=wide,
        )
        self.where.add_class("smtplab-where")
        self.provider = w.Dropdown(
            description="Provider", options=provider_choices(), style=_LABEL, layout=wide
        )
        self.host = text("Host", "smtp.example.com", "host")
        self.port = w.BoundedIntText(
            description="Port",
            value=587,
            min=1,
            max=65535,
            style=_LABEL,
            layout=w.Layout(width="220px"),
        )
        self.port.add_class("smtplab-port")
        self.security = w.Dropdown(
            description="Security",
            options=list(SECURITY_CHOICES),
            value="plain",
            style=_LABEL,
            layout=wide,
        )
        self.security.add_class("smtplab-security")
        self.user = text("User", "empty: no login (AUTH)", "user")
        self.password = w.Password(
            description="Password",
            placeholder="used for one send, then cleared; never saved",
            style=_LABEL,
            layout=wide,
        )
        self.password.add_class("smtplab-password")
        self.server_hint = w.HTML()
        for widget in (self.where, self.provider, self.security):
            widget.observe(lambda _: self._server_changed(), names="value")

        self.send_button = w.Button(
            description="Send", button_style="primary", icon="paper-plane", tooltip="Send the mail"
        )
        self.send_button.add_class("smtplab-send")
        self.send_button.on_click(lambda _: self.send_mail())
        self.progress = w.HTML(render.progress_html(STEPS, []))
        self.result = w.HTML(render.outcome_html(None))
        self.result.add_class("smtplab-result-box")

        self.field_errors: dict[str, w.HTML] = {
            name: w.HTML() for name in (*FORM_FIELDS, *SERVER_FIELDS)
        }
        for name, box in self.field_errors.items():
            box.add_class(f"smtplab-error-{name.replace('_', '-')}")

        def row(widget: w.Widget, name: str) -> w.HBox:
            return w.HBox([widget, self.field_errors[name]])

        self._rows = {
            "provider": row(self.provider, "provider"),
            "host": row(self.host, "host"),
            "port": row(self.port, "port"),
        }
        message = w.VBox(
            [
                row(self.sender_name, "sender_name"),
                row(self.sender, "sender"),
                row(self.to, "to"),
                row(self.cc, "cc"),
                row(self.bcc, "bcc"),
                row(self.subject, "subject"),
                row(self.body, "body"),
                row(self.html, "html"),
                w.HBox(
                    [self.upload, self.clear_files, self.files, self.field_errors["attachments"]]
                ),
            ]
        )
        server = w.VBox(
            [
                row(self.where, "server"),
                self._rows["provider"],
                self._rows["host"],
                self._rows["port"],
                row(self.security, "security"),
                row(self.user, "user"),
                row(self.password, "password"),
                self.server_hint,
            ]
        )
        super().__init__(
            [
                w.HTML("<b>Compose a mail</b>"),
                message,
                w.HTML("<b>Server</b>"),
                server,
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
            Attachment(
                str(item["name"]),
                bytes(item["content"]),
                str(item.get("type") or "") or None,
            )
            for item in self.upload.value
        )

    @property
    def form(self) -> DraftForm:
        """The message fields as a :class:`DraftForm` (attachments that cannot be read
        are left out; :meth:`problems` reports them)."""
        try:
            files = self.attachments
        except LocalProtocolError:
            files = ()
        return DraftForm(
            sender=self.sender.value,
            sender_name=self.sender_name.value,
            to=self.to.value,
            cc=self.cc.value,
            bcc=self.bcc.value,
            subject=self.subject.value,
            body=self.body.value,
            html=self.html.value,
            attachments=files,
        )

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
        )

    def load(self, form: DraftForm | None = None, **fields: Any) -> Composer:
        """Fill the message fields from a :class:`DraftForm` and/or keyword arguments
        (``load(to="bob@example.com", subject="Hi")``); returns the Composer."""
        values = dict(vars(form)) if form is not None else {}
        values.update(fields)
        files = values.pop("attachments", None)
        for name, value in values.items():
            if name not in ("sender", "sender_name", "to", "cc", "bcc", "subject", "body", "html"):
                raise TypeError(f"load() got an unknown field {name!r}.")
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
                for a in (_attachment(item) for item in files)
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
            _ = self.attachments
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

    def _take_password(self) -> str:
        password = self.password.value
        self.password.value = ""
        return password

    def send_mail(self, *, block: bool = False) -> Outcome | None:
        """Do what the Send button does: take (and clear) the password, check the fields,
        then send.

        Inside a kernel the dialogue runs in a worker thread and this returns None at
        once (the views follow it live; :meth:`wait` waits for it). With ``block=True``,
        or with no event loop running, it runs here and returns the :class:`Outcome`.
        Returns the Outcome of the refusal when a field is invalid (nothing is sent).
        """
        password = self._take_password()
        if self.sending:
            return None
        problems = self.problems(password_given=bool(password))
        self.show_problems(problems)
        if problems:
            outcome = invalid_outcome(problems)
            self.outcome = outcome
            self.result.value = render.outcome_html(outcome)
            self.progress.value = render.progress_html(STEPS, [])
            return outcome
        draft = self.form.draft()
        target = self.server.resolve(self.lab)
        self._started()

        # The password rides along once, in a list the work empties: nothing keeps it.
        secret = [password or None]
        del password

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

        The widgets are updated by the kernel's event loop once the cell that waits has
        finished.
        """
        return self.job.wait(timeout) if self.job is not None else self.outcome

    def _started(self) -> None:
        self.steps_seen = []
        self.send_button.disabled = True
        self.send_button.description = "Sending…"
        self.send_button.icon = "spinner"
        self.result.value = render.outcome_html(None, sending="Sending…")
        self.progress.value = render.progress_html(STEPS, [])
        for callback in self._start_callbacks:
            callback()

    def _progressed(self, update: SendUpdate) -> None:
        if update.step is not None and update.step not in self.steps_seen:
            self.steps_seen.append(update.step)
            self.send_button.description = f"Sending… ({update.step})"
            self.progress.value = render.progress_html(STEPS, self.steps_seen)
            self.result.value = render.outcome_html(None, sending=f"Sending… now at {update.step}")
        for callback in self._progress_callbacks:
            callback(update)

    def _finished(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.steps_seen = list(outcome.steps)
        self.progress.value = render.progress_html(
            STEPS, self.steps_seen, finished=True, failed=not outcome.delivered
        )
        self.result.value = render.outcome_html(outcome)
        if not outcome.delivered and "larger than the server's limit" in outcome.explanation:
            field = "attachments" if self.upload.value else "body"
            self.show_problems({field: outcome.explanation.split(". Nothing was sent")[0]})
        self.send_button.disabled = False
        self.send_button.description = "Send"
        self.send_button.icon = "paper-plane"
        for callback in self._finished_callbacks:
            callback(outcome)

    def _crashed(self, error: BaseException) -> None:
        self.send_button.disabled = False
        self.send_button.description = "Send"
        self.send_button.icon = "paper-plane"
        self.result.value = render.outcome_html(None, sending=f"the send crashed: {error!r}")

    # -- following ---------------------------------------------------------------------

    def on_start(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` on the main thread when a send starts."""
        self._start_callbacks.append(callback)

    def on_progress(self, callback: Callable[[SendUpdate], None]) -> None:
        """Call ``callback(update)`` on the main thread after every transcript entry."""
        self._progress_callbacks.append(callback)

    def on_finished(self, callback: Callable[[Outcome], None]) -> None:
        """Call ``callback(outcome)`` on the main thread when a send has ended."""
        self._finished_callbacks.append(callback)

    # -- internals ---------------------------------------------------------------------

    def _clear_uploads(self) -> None:
        self.upload.value = ()

    def _describe_files(self) -> None:
        items = self.upload.value
        if not items:
            self.files.value = ""
            return
        names = ", ".join(f"{i['name']} ({format_size(len(i['content']))})" for i in items)
        self.files.value = f"<small>{render.esc(names)}</small>"

    def _server_changed(self) -> None:
        kind = self.where.value
        _show(self._rows["provider"], kind == "provider")
        _show(self._rows["host"], kind == "custom")
        _show(self._rows["port"], kind == "custom")
        wanted = list(SECURITY_CHOICES)
        if kind == "provider":
            preset = get_provider(self.provider.value)
            modes = [mode for mode, _ in preset.security_options]
            wanted = [(label, mode) for label, mode in SECURITY_CHOICES if mode in modes]
        if list(self.security.options) != wanted:
            current = self.security.value  # new options reset the value: keep it if we can
            self.security.options = wanted
            modes = [mode for _, mode in wanted]
            if current in modes:
                self.security.value = current
            elif kind == "provider":
                self.security.value = get_provider(self.provider.value).default_security
        self.server_hint.value = self._hint(kind)

    def _hint(self, kind: str) -> str:
        if kind == "lab":
            if self.lab is None:
                return "<small>No lab was given: Composer(lab).</small>"
            lab = self.lab
            login = "accepts mail without login" if not lab.policy.require_auth else "wants AUTH"
            return (
                f"<small>The lab: <code>{render.esc(lab.host)}</code>, port {lab.port} "
                f"(plain, STARTTLS offered) or {lab.tls_port} (implicit TLS). It {login}; "
                "to log in, give a lab account as User and choose a TLS mode (the password "
                "field may stay empty: the widget knows the lab's accounts).</small>"
            )
        if kind == "provider":
            preset = get_provider(self.provider.value)
            return (
                f"<small><b>{render.esc(preset.name)}</b>: {render.esc(preset.ports_sentence())}."
                f" Password: {render.esc(preset.credential_help)} "
                "(This preset has not been checked against the live service. Many networks, "
                "mybinder.org among them, block outbound SMTP.)</small>"
            )
        return "<small>Any SMTP server: its host, port and security mode.</small>"


def _attachment(item: object) -> Attachment:
    if isinstance(item, Attachment):
        return item
    if isinstance(item, tuple):
        return Attachment(*item)
    raise TypeError(f"an attachment is an Attachment or a (name, bytes) tuple, not {item!r}.")
