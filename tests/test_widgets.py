"""The widgets, headless: the logic without widgets, the widgets without a browser.

Every send goes to a real :class:`~smtplab.lab.LabServer` on 127.0.0.1. With no event
loop running (plain pytest) a click sends at once, on this thread; the live test runs an
asyncio loop itself, as a kernel does, so the send runs in a worker thread and every
update is handed to the loop.
"""

from __future__ import annotations

import ast
import asyncio
import base64
import json
import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest
from ipywidgets.widgets import widget as widget_module

from smtplab.lab import LabServer
from smtplab.message import Attachment
from smtplab.replies import Reply
from smtplab.transcript import Transcript
from smtplab.widgets import (
    Composer,
    DraftForm,
    InboxView,
    Stepper,
    TranscriptView,
    playground,
    render,
)
from smtplab.widgets.background import run_in_background
from smtplab.widgets.model import (
    LIVE_ENTRIES,
    STEPS,
    SendUpdate,
    ServerChoice,
    deliver,
    split_addresses,
    step_of,
)
from smtplab.widgets.stepping import StepperSession

WIDGETS = Path(__file__).resolve().parents[1] / "smtplab" / "widgets"
PLAIN_MODULES = ("model.py", "render.py", "background.py", "stepping.py")

GOOD = DraftForm(
    sender="alice@example.com",
    sender_name="Alice Liddell",
    to="bob@example.com, Carol <carol@example.com>",
    cc="dave@example.com",
    bcc="eve@example.com",
    subject="Tea at four",
    body="Hello Bob,\n.\nA line with a lone dot above.\n",
)


def filled(lab: LabServer | None, form: DraftForm = GOOD, **kwargs: Any) -> Composer:
    return Composer(lab, local_hostname="learner.example", timeout=10, **kwargs).load(form)


def widget_states(root: w.Widget) -> list[dict[str, Any]]:
    """get_state() of ``root`` and of every widget reachable from it, recursively."""
    seen: set[int] = set()
    states: list[dict[str, Any]] = []

    def visit(widget: w.Widget) -> None:
        if id(widget) in seen:
            return
        seen.add(id(widget))
        states.append(widget.get_state())
        for key in widget.keys:
            value = getattr(widget, key, None)
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                if isinstance(item, w.Widget):
                    visit(item)

    visit(root)
    return states


def as_text(value: Any) -> str:
    def default(obj: Any) -> str:
        if isinstance(obj, (bytes, bytearray, memoryview)):
            return bytes(obj).decode("latin-1")
        return str(obj)

    return json.dumps(value, default=default, ensure_ascii=False)


# ============================================================== the logic, no widgets


def test_the_plain_modules_import_no_widget_library() -> None:
    """Model/view separation: the logic can be read and tested without ipywidgets."""
    for name in PLAIN_MODULES:
        tree = ast.parse((WIDGETS / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert not module.startswith(("ipywidgets", "traitlets")), f"{name}: {module}"
                if node.__class__ is ast.ImportFrom and node.level == 1:
                    assert module not in ("composer", "views", "stepper"), f"{name}: {module}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("bob@example.com", ["bob@example.com"]),
        ("a@x.org, b@y.org;c@z.org ,", ["a@x.org", "b@y.org", "c@z.org"]),
        ('"Smith, Carol" <carol@x.org>, bob@y.org', ['"Smith, Carol" <carol@x.org>', "bob@y.org"]),
        ("<odd,one@x.org>", ["<odd,one@x.org>"]),
    ],
)
def test_split_addresses(text: str, expected: list[str]) -> None:
    assert split_addresses(text) == expected


def test_a_good_form_has_no_problems_and_makes_the_draft() -> None:
    assert GOOD.problems() == {}
    draft = GOOD.draft()
    assert draft.mail_from == "alice@example.com"
    assert draft.recipients == (
        "bob@example.com",
        "carol@example.com",
        "dave@example.com",
        "eve@example.com",
    )
    assert draft.bcc == ("eve@example.com",)
    assert "Bcc" not in draft.message
    assert str(draft.message["From"]) == "Alice Liddell <alice@example.com>"


def test_html_and_attachments_shape_the_mime_tree() -> None:
    form = DraftForm(
        sender="a@x.org",
        to="b@y.org",
        body="text",
        html="<p>rich</p>",
        attachments=(Attachment("notes.txt", b"hello"),),
    )
    types = [part.content_type for part in form.draft().anatomy().parts]
    assert types == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/plain",
    ]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"sender": ""}, "sender", "fill in your address"),
        ({"sender": "alice.example.com"}, "sender", "has no '@'"),
        ({"to": "bob"}, "to", "has no '@'"),
        ({"cc": "ok@x.org, nobody"}, "cc", "'nobody' has no '@'"),
        ({"bcc": "eve at example.com"}, "bcc", "has no '@'"),
        ({"to": "bob@@"}, "to", "domain"),
        ({"subject": "Hi\r\nBcc: everyone@example.com"}, "subject", "header injection"),
        ({"subject": "Hi\nthere"}, "subject", "line feed"),
        ({"sender_name": "Alice\r\nX-Evil: 1"}, "sender_name", "header injection"),
        ({"to": "bob@example.com\r\nBcc: x@y.org"}, "to", "header injection"),
        ({"to": "", "cc": "", "bcc": ""}, "to", "at least one recipient"),
    ],
)
def test_each_problem_is_reported_beside_its_field(
    changes: dict[str, str], field: str, words: str
) -> None:
    form = DraftForm(**{**vars(GOOD), **changes})
    problems = form.problems()
    assert field in problems, problems
    assert words in problems[field]


def test_a_message_over_the_size_limit_is_flagged_beside_the_attachments() -> None:
    form = DraftForm(
        sender="a@x.org", to="b@y.org", attachments=(Attachment("big.bin", b"\0" * 3000),)
    )
    assert form.problems(size_limit=100_000) == {}
    problems = form.problems(size_limit=2000)
    assert set(problems) == {"attachments"}
    assert "big.bin" in problems["attachments"] and "SIZE" in problems["attachments"]
    text_only = DraftForm(sender="a@x.org", to="b@y.org", body="x" * 3000)
    assert set(text_only.problems(size_limit=2000)) == {"body"}


def test_server_choice_problems(lab: LabServer) -> None:
    assert ServerChoice("lab").problems(lab=lab) == {}
    assert "server" in ServerChoice("lab").problems(lab=None)
    assert "TLS" in ServerChoice("lab", username="student").problems(lab=lab)["user"]
    assert ServerChoice("lab", "starttls", "student").problems(lab=lab) == {}
    assert "no account" in ServerChoice("lab", "tls", "mallory").problems(lab=lab)["user"]
    provider = ServerChoice("provider", "tls", provider="gmail").problems()
    assert set(provider) == {"user", "password"}
    assert (
        ServerChoice("provider", "tls", "me@gmail.com", "gmail").problems(password_given=True) == {}
    )
    assert "security" in ServerChoice("provider", "starttls", "me", "163").problems(
        password_given=True
    )
    assert "provider" in ServerChoice("provider", "tls", "me", "nope").problems(password_given=True)
    custom = ServerChoice("custom", host="smtp example", port=0).problems()
    assert set(custom) == {"host", "port"}


def test_server_choice_resolves_to_a_target(lab: LabServer) -> None:
    plain = ServerChoice("lab").resolve(lab)
    assert (plain.host, plain.port, plain.security, plain.context) == (
        lab.host,
        lab.port,
        "plain",
        None,
    )
    assert plain.size_limit == lab.policy.size_limit
    tls = ServerChoice("lab", "tls", "student").resolve(lab)
    assert (tls.port, tls.username, tls.context is not None) == (lab.tls_port, "student", True)
    assert tls.lab_password == lab.users["student"]
    assert lab.users["student"] not in repr(tls)
    gmail = ServerChoice("provider", "starttls", "me", "gmail").resolve()
    assert (gmail.host, gmail.port, gmail.provider) == ("smtp.gmail.com", 587, "gmail")
    custom = ServerChoice("custom", "tls", host="mail.example.org", port=465).resolve()
    assert (custom.host, custom.port, custom.security) == ("mail.example.org", 465, "tls")


def test_deliver_reports_every_step_and_the_queue_reply() -> None:
    with LabServer(require_tls=True, require_auth=True) as lab:
        target = ServerChoice("lab", "starttls", "student").resolve(lab)
        updates: list[SendUpdate] = []
        outcome = deliver(GOOD.draft(), target, on_update=updates.append, timeout=10)
        assert outcome.delivered, outcome
        assert outcome.steps == STEPS
        received = lab.wait_for(1)[-1]
        assert received.queue_id in outcome.summary
        assert received.auth_user == "student"
    assert updates[0] == SendUpdate("connecting", "", 0)
    assert [u.lines for u in updates[1:]] == list(range(1, len(outcome.transcript) + 1))
    assert "queued as" in updates[-1].html


def test_a_live_update_shows_a_bounded_tail_of_a_long_transcript(lab: LabServer) -> None:
    """Rendering the whole transcript after every entry is quadratic: 500 recipients made
    ~290 MB of HTML for the browser. A live update shows the latest entries only (the
    status line counts them all); the finished view shows the whole dialogue."""
    many = ", ".join(f"r{i}@example.com" for i in range(400))
    draft = DraftForm(sender="alice@example.com", to=many, body="Hi\n").draft()
    updates: list[SendUpdate] = []
    outcome = deliver(draft, ServerChoice("lab").resolve(lab), on_update=updates.append)
    assert outcome.delivered, outcome
    whole = outcome.transcript._repr_html_()
    assert max(len(u.html) for u in updates) < len(whole) / 4
    assert updates[-1].lines == len(outcome.transcript) > 800
    assert "queued as" in updates[-1].html and "r399@example.com" in updates[-1].html
    assert "r0@example.com" in whole


def test_deliver_without_tls_or_auth_skips_those_steps(lab: LabServer) -> None:
    outcome = deliver(GOOD.draft(), ServerChoice("lab").resolve(lab), timeout=10)
    assert outcome.steps == ("connecting", "MAIL", "RCPT", "DATA")
    entries = outcome.transcript.entries
    assert [step_of(e) for e in entries[:2]] == ["connecting", None]  # greeting, then EHLO


def test_deliver_turns_a_refusal_into_an_explained_outcome(lab: LabServer) -> None:
    lab.fail("RCPT", "550 5.1.1 No such user")
    outcome = deliver(GOOD.draft(), ServerChoice("lab").resolve(lab), timeout=10)
    assert not outcome.delivered
    assert outcome.step == "RCPT"
    assert outcome.error_kind == "RecipientRefused"
    assert "550" in outcome.explanation and "meaning:" in outcome.explanation
    assert lab.inbox == []


def test_deliver_keeps_the_accepted_recipients_when_some_are_refused(lab: LabServer) -> None:
    lab.fail("RCPT", "550 5.1.1 No such user", address="dave@*")
    outcome = deliver(GOOD.draft(), ServerChoice("lab").resolve(lab), timeout=10)
    assert outcome.delivered
    assert list(outcome.refused) == ["dave@example.com"]
    assert "refused: dave@example.com (550)" in outcome.summary


def test_deliver_explains_a_connection_that_cannot_be_made() -> None:
    with LabServer() as lab:
        target = ServerChoice("lab").resolve(lab)
    outcome = deliver(GOOD.draft(), target, timeout=5)  # the lab has stopped
    assert not outcome.delivered
    assert (outcome.step, outcome.error_kind) == ("connecting", "ConnectError")
    assert "refused" in outcome.explanation


def test_progress_chips() -> None:
    running = render.progress_html(STEPS, ["connecting", "MAIL"])
    assert 'smtplab-step-done" data-step="connecting"' in running
    assert 'smtplab-step-current" data-step="MAIL"' in running
    assert 'smtplab-step-pending" data-step="DATA"' in running
    done = render.progress_html(STEPS, ["connecting", "MAIL", "RCPT", "DATA"], finished=True)
    assert 'smtplab-step-skipped" data-step="TLS"' in done
    failed = render.progress_html(STEPS, ["connecting", "MAIL", "RCPT"], finished=True, failed=True)
    assert 'smtplab-step-failed" data-step="RCPT"' in failed
    assert 'smtplab-step-pending" data-step="DATA"' in failed


def test_run_in_background_without_a_loop_runs_at_once() -> None:
    events: list[int] = []
    done: list[str] = []

    def work(emit: Callable[[int], None]) -> str:
        emit(1)
        emit(2)
        return "ok"

    job = run_in_background(work, events.append, done.append)
    assert (events, done, job.background, job.result) == ([1, 2], ["ok"], False, "ok")


def test_run_in_background_hands_everything_to_the_loop_thread() -> None:
    seen: list[tuple[int, int]] = []

    def work(emit: Callable[[int], None]) -> int:
        for number in range(5):
            emit(number)
        return threading.get_ident()

    async def main() -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[int] = loop.create_future()
        job = run_in_background(
            work,
            lambda n: seen.append((n, threading.get_ident())),
            finished.set_result,
            loop=loop,
        )
        assert job.background
        return await asyncio.wait_for(finished, 5), threading.get_ident()

    worker, main_thread = asyncio.run(main())
    assert worker != main_thread
    assert seen == [(n, main_thread) for n in range(5)]


def test_run_in_background_reports_a_crash_on_the_loop() -> None:
    def work(emit: Callable[[int], None]) -> int:
        raise RuntimeError("boom")

    async def main() -> BaseException:
        loop = asyncio.get_running_loop()
        failed: asyncio.Future[BaseException] = loop.create_future()
        job = run_in_background(work, print, print, loop=loop, on_error=failed.set_result)
        error = await asyncio.wait_for(failed, 5)
        assert job.done and job.error is error
        return error

    assert str(asyncio.run(main())) == "boom"


# ------------------------------------------------------------- the stepper's logic


def test_the_stepper_session_greys_out_what_the_state_machine_refuses(lab: LabServer) -> None:
    session = StepperSession(lab)
    assert all(not c.legal and "Connect" in c.reason for c in session.choices())
    greeting = session.connect()
    assert greeting.reply is not None and greeting.reply.code == 220
    legal = {c.name for c in session.choices() if c.legal}
    assert {"EHLO", "HELO", "QUIT"} <= legal
    assert "RCPT" not in legal and "MAIL" not in legal
    session.run("EHLO")
    rcpt = session.choice("RCPT")
    assert not rcpt.legal and rcpt.reason.startswith("503: MAIL FROM first")
    assert not session.choice("AUTH").legal  # the lab offers AUTH only inside TLS
    session.sender = "not an address"
    assert "has no '@'" in session.choice("MAIL").reason


def test_the_stepper_session_sends_a_whole_message_step_by_step(lab: LabServer) -> None:
    session = StepperSession(lab)
    session.connect()
    for name in ("EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"):
        assert session.choice(name).legal, (name, session.choice(name).reason)
        step = session.run(name)
        assert not step.error, step
    codes = [step.reply.code for step in session.steps if step.reply is not None]
    assert codes == [220, 250, 250, 235, 250, 250, 250, 221]
    message = lab.wait_for(1)[-1]
    assert (message.mail_from, message.rcpt_tos, message.auth_user) == (
        "alice@example.com",
        ["bob@example.com"],
        "student",
    )
    assert lab.users["student"] not in "\n".join(map(str, session.steps))
    assert all(not c.legal for c in session.choices())  # after QUIT


def test_the_free_line_sends_an_illegal_command_and_shows_the_real_503(lab: LabServer) -> None:
    session = StepperSession(lab)
    assert session.send_line("NOOP").error.startswith("not connected")
    session.connect()
    session.run("EHLO")
    step = session.send_line("RCPT TO:<bob@example.com>")
    assert step.reply is not None and step.reply.code == 503
    refused = session.send_line("NOOP\r\nQUIT")
    assert "CR" in refused.error and refused.entries == ()


# ============================================================== the widgets, no browser


def test_clicking_send_delivers_with_the_right_envelope_and_headers(lab: LabServer) -> None:
    composer = filled(lab)
    composer.load(html="<p>Hello <b>Bob</b></p>", attachments=[("notes.txt", b"remember tea")])
    disabled: list[bool] = []
    labels: list[str] = []
    composer.send_button.observe(lambda change: disabled.append(change["new"]), "disabled")
    composer.send_button.observe(lambda change: labels.append(change["new"]), "description")

    composer.send_button.click()

    message = lab.wait_for(1)[-1]
    assert message.mail_from == "alice@example.com"
    assert message.rcpt_tos == [
        "bob@example.com",
        "carol@example.com",
        "dave@example.com",
        "eve@example.com",
    ]
    headers = message.message
    assert headers["From"] == "Alice Liddell <alice@example.com>"
    assert headers["To"] == "bob@example.com, Carol <carol@example.com>"
    assert headers["Cc"] == "dave@example.com"
    assert headers["Subject"] == "Tea at four"
    assert "Bcc" not in headers
    assert headers.get_body(("plain",)).get_content() == GOOD.body
    assert [p.get_filename() for p in headers.iter_attachments()] == ["notes.txt"]
    assert disabled == [True, False]
    assert "Sending… (MAIL)" in labels and labels[-1] == "Send"
    assert composer.outcome is not None and composer.outcome.delivered
    assert message.queue_id in composer.result.value
    assert "Delivered" in composer.result.value
    assert composer.steps_seen == ["connecting", "MAIL", "RCPT", "DATA"]
    assert 'smtplab-step-skipped" data-step="TLS"' in composer.progress.value


@pytest.mark.parametrize(
    ("fields", "flagged"),
    [
        ({"sender": "alice"}, {"sender"}),
        ({"to": "bob, carol@example.com"}, {"to"}),
        ({"to": "", "cc": "", "bcc": ""}, {"to"}),
        ({"subject": "Hi\r\nBcc: all@example.com"}, {"subject"}),
        ({"sender_name": "A\nB", "to": "x"}, {"sender_name", "to"}),
    ],
)
def test_invalid_input_is_flagged_beside_the_field_and_nothing_is_sent(
    lab: LabServer, fields: dict[str, str], flagged: set[str]
) -> None:
    composer = filled(lab).load(**fields)
    composer.send_button.click()
    shown = {name for name, box in composer.field_errors.items() if box.value}
    assert shown == flagged
    for name in flagged:
        assert "smtplab-field-error" in composer.field_errors[name].value
    assert "Not sent" in composer.result.value
    assert lab.sessions == [] and lab.inbox == []  # not even a connection
    composer.load(GOOD)
    composer.send_button.click()
    assert not any(box.value for box in composer.field_errors.values())
    assert len(lab.wait_for(1)) == 1


def test_a_file_over_the_servers_size_is_flagged_before_sending() -> None:
    with LabServer(size_limit=4000) as lab:
        composer = filled(lab).load(attachments=[Attachment("photo.jpg", b"\xff" * 5000)])
        composer.send_button.click()
        error = composer.field_errors["attachments"].value
        assert "photo.jpg" in error and "SIZE" in error
        assert lab.sessions == []
        composer.upload.value = ()
        composer.send_button.click()
        assert lab.wait_for(1)


def test_the_password_is_taken_cleared_and_never_kept() -> None:
    with LabServer(require_tls=True, require_auth=True) as lab:
        password = lab.users["student"]
        secrets = (password, base64.b64encode(password.encode()).decode())
        play = playground(lab, local_hostname="learner.example")
        composer = play.composer.load(GOOD)
        composer.security.value = "starttls"
        composer.user.value = "student"
        composer.password.value = password

        composer.send_button.click()

        assert composer.password.value == ""
        assert lab.wait_for(1)[-1].auth_user == "student"
        outcome = composer.outcome
        assert outcome is not None and outcome.delivered and outcome.steps == STEPS
        states = as_text(widget_states(play))
        every_widget = as_text([v.get_state() for v in list(widget_module._instances.values())])
        renderings = (
            str(outcome.transcript),
            outcome.transcript.dialogue(),
            outcome.transcript._repr_html_(),
            repr(outcome.transcript.entries),
            str(outcome),
            play.transcript.value,
            "".join(pane.value for pane in play.inbox.panes.values()),
        )
        for secret in secrets:
            assert secret not in states
            assert secret not in every_widget
            for text in renderings:
                assert secret not in text
        assert "●●●●" in outcome.transcript.dialogue()


def test_a_wrong_password_fails_with_the_servers_explanation() -> None:
    with LabServer(require_tls=True, require_auth=True) as lab:
        composer = filled(lab)
        composer.security.value = "tls"
        composer.user.value = "student"
        composer.password.value = "not-the-password"
        composer.send_button.click()
        outcome = composer.outcome
        assert outcome is not None and not outcome.delivered
        assert (outcome.step, outcome.error_kind) == ("AUTH", "AuthenticationError")
        assert "535" in composer.result.value and "smtplab-failed" in composer.result.value
        assert "not-the-password" not in as_text(widget_states(composer))
        assert lab.inbox == []


def test_the_lab_account_logs_in_without_a_typed_password() -> None:
    with LabServer(require_tls=True, require_auth=True) as lab:
        composer = filled(lab)
        composer.security.value = "tls"
        composer.user.value = "student"
        outcome = composer.send_mail(block=True)
        assert outcome is not None and outcome.delivered
        assert lab.wait_for(1)[-1].tls


def test_a_provider_needs_a_user_and_a_password_and_nothing_is_sent(lab: LabServer) -> None:
    composer = filled(lab)
    composer.where.value = "provider"
    composer.provider.value = "163"
    assert [mode for _, mode in composer.security.options] == ["tls"]
    assert "163" in composer.server_hint.value
    composer.send_button.click()
    assert {"user", "password"} <= {n for n, box in composer.field_errors.items() if box.value}
    assert composer.outcome is not None and composer.outcome.error_kind == "invalid input"
    composer.where.value = "custom"
    assert len(composer.security.options) == 3
    assert composer._rows["host"].layout.display == ""
    assert composer._rows["provider"].layout.display == "none"


def test_a_custom_server_is_reached_by_host_and_port(lab: LabServer) -> None:
    composer = filled(None)
    assert composer.where.value == "provider"  # no lab given
    composer.where.value = "custom"
    composer.host.value = lab.host
    composer.port.value = lab.port
    composer.security.value = "plain"
    assert composer.send_mail(block=True).delivered  # type: ignore[union-attr]
    assert len(lab.wait_for(1)) == 1


def test_the_security_menu_follows_the_provider_and_keeps_the_choice() -> None:
    composer = filled(None)
    composer.provider.value = "gmail"
    composer.security.value = "starttls"
    composer.provider.value = "qq"  # offers both: the choice stays
    assert composer.security.value == "starttls"
    composer.provider.value = "163"  # implicit TLS only
    assert (composer.security.value, len(composer.security.options)) == ("tls", 1)
    composer.where.value = "custom"
    assert (composer.security.value, len(composer.security.options)) == ("tls", 3)


def sent_over_the_size(lab: LabServer) -> tuple[Composer, Any]:
    """A Composer that sent a 5,000-byte picture to *lab* as a custom server (its SIZE,
    smaller, known only from EHLO), and the outcome: refused by the kit, never sent."""
    composer = filled(None).load(attachments=[("photo.jpg", b"\xff" * 5000)])
    composer.where.value = "custom"
    composer.host.value, composer.port.value = lab.host, lab.port
    composer.security.value = "plain"
    outcome = composer.send_mail(block=True)
    assert outcome is not None and not outcome.delivered
    return composer, outcome


def test_a_size_learnt_only_from_ehlo_is_flagged_after_the_refusal() -> None:
    """A custom server's SIZE is unknown before EHLO: the client refuses the message
    before MAIL FROM, and the form shows it beside the attachments."""
    with LabServer(size_limit=4000) as lab:
        composer, outcome = sent_over_the_size(lab)
        assert outcome.summary.startswith("Not sent") and "552" in outcome.explanation
        assert "larger than the server&#x27;s limit" in composer.field_errors["attachments"].value
        assert lab.inbox == [] and "MAIL" not in lab.sessions[-1].commands()


def test_the_transcript_view_fills_while_a_slow_send_runs() -> None:
    """As in a kernel: a loop runs, the send goes to a worker thread, and the view holds
    part of the dialogue while the server is still thinking about DATA."""
    with LabServer() as lab:
        lab.slow("DATA", 1.0)
        composer = filled(lab)
        view = TranscriptView().follow(composer)
        main_thread = threading.get_ident()
        threads: set[int] = set()
        composer.on_progress(lambda _: threads.add(threading.get_ident()))

        async def click_and_watch() -> tuple[str, bool, int]:
            composer.send_button.click()
            assert composer.sending and composer.job is not None and composer.job.background
            deadline = time.monotonic() + 10
            while "DATA" not in view.value and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            seen = (view.value, composer.sending, len(lab.inbox))
            while composer.sending and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            return seen

        partial, still_sending, arrived = asyncio.run(click_and_watch())

        assert "RCPT TO:&lt;bob@example.com&gt;" in partial and "C: DATA" in partial
        assert "354" not in partial and "queued as" not in partial
        assert still_sending and arrived == 0
        assert "queued as" in view.value and "delivered" in view.status.value
        assert composer.outcome is not None and composer.outcome.delivered
        assert threads == {main_thread}  # every update reached the widgets on this thread
        assert view.updates > 5


def test_the_transcript_view_of_a_long_session_stays_bounded() -> None:
    """A long session (a loop of sends on one connection) was shown whole: 16,000
    entries made 9 MB of HTML in the widget, 100,000 about 60 MB."""
    transcript = Transcript()
    for number in range(3_000):
        transcript.record_sent(f"NOOP {number}\r\n".encode())
        transcript.record_received(Reply.from_text(250, "OK"))
    view = TranscriptView(transcript)
    assert len(view.value) < 1_000_000 and view.lines == 6_000
    assert "NOOP 2999<" in view.value and "NOOP 10<" not in view.value
    assert "5,000 earlier entries not shown" in view.value


def test_the_live_view_says_when_it_shows_only_the_latest_entries() -> None:
    """A live update renders the latest LIVE_ENTRIES entries: the view said nothing of the
    earlier ones, so a send to many recipients seemed to start in the middle."""
    transcript = Transcript()
    for number in range(150):
        transcript.record_sent(f"RCPT TO:<r{number}@example.com>\r\n".encode())
        transcript.record_received(Reply.from_text(250, "OK"))
    view = TranscriptView()
    view.update(SendUpdate("RCPT", transcript.html(LIVE_ENTRIES), len(transcript)))
    assert "r149@example.com" in view.value and "r10@example.com" not in view.value
    assert f"{300 - LIVE_ENTRIES} earlier entries not shown" in view.value
    assert view.lines == 300 and "300 entries so far" in view.status.value
    view.update(SendUpdate("RCPT", Transcript().html(LIVE_ENTRIES) + "x", 3))
    assert "earlier entries" not in view.value  # a short send: nothing hidden, nothing said


def test_the_inbox_view_shows_every_side_of_a_message(lab: LabServer) -> None:
    inbox = InboxView(lab)
    assert inbox.labels == [] and inbox.selected is None
    assert "No message" in inbox.panes["Envelope"].value
    composer = filled(lab).load(html="<script>alert(1)</script>", attachments=[("a.txt", b"hi")])
    composer.send_mail()
    inbox.refresh()
    message = lab.inbox[-1]
    assert inbox.selected is message
    assert inbox.labels[0].endswith("· Tea at four")
    panes = {name: pane.value for name, pane in inbox.panes.items()}
    assert "&lt;alice@example.com&gt;" in panes["Envelope"]
    assert "eve@example.com" in panes["Envelope"]  # the Bcc: in the envelope only
    assert message.queue_id in panes["Envelope"]
    assert "Subject" in panes["Headers"] and "Tea at four" in panes["Headers"]
    assert "A line with a lone dot above." in panes["Body"]
    assert "&lt;script&gt;" in panes["Body"] and "<script>" not in panes["Body"]
    assert "a.txt" in panes["Body"]
    assert "multipart/mixed" in panes["MIME tree"] and "text/html" in panes["MIME tree"]
    assert "Subject: Tea at four" in panes["Raw source"]
    assert "MAIL FROM:&lt;alice@example.com&gt;" in panes["Session log"]
    lab.clear_sessions()
    inbox.select(0)
    assert "no longer keeps session" in inbox.panes["Session log"].value


def test_the_inbox_view_shows_controls_a_sender_chose_without_acting(lab: LabServer) -> None:
    """Anyone may send the lab a subject with U+202E (the rest of the line reads backwards:
    "invoice\u202efdp.exe" shows as "invoiceexe.pdf") or ESC: the list and the tabs show
    them as printable.py's stand-ins, as every other view of peer text does."""
    subject = "invoice\u202efdp.exe \x1b[2J"
    encoded = base64.b64encode(subject.encode()).decode()
    message = (
        f"From: <mallory@example.com>\r\nTo: <bob@example.com>\r\n"
        f"Subject: =?utf-8?b?{encoded}?=\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "\r\nHi \u202e there\r\n"
    )
    with smtplib.SMTP(lab.host, lab.port, timeout=10) as client:
        client.sendmail("mallory@example.com", ["bob@example.com"], message.encode())
    inbox = InboxView(lab)
    shown = [inbox.labels[-1], *(pane.value for pane in inbox.panes.values())]
    assert not any("\u202e" in text or "\x1b" in text for text in shown)
    assert "invoice⟨U+202E⟩fdp.exe ␛[2J" in inbox.labels[-1]
    assert "invoice⟨U+202E⟩fdp.exe" in inbox.panes["Headers"].value
    assert "Hi ⟨U+202E⟩ there" in inbox.panes["Body"].value
    # CR LF ends a line, as LF does: not a control to show (the browser test reads the body
    # whole); a bare CR still shows as its stand-in
    assert "␍" not in inbox.panes["Body"].value and "␍" not in inbox.panes["Headers"].value
    assert render.esc("a\r\nb\rc") == "a\nb␍c"


def test_the_inbox_view_of_a_big_message_stays_bounded(lab: LabServer) -> None:
    """A 4 MB message (and anyone may send one to the lab) is cut in every tab, as the
    raw source always was: the body and the session log held all of it, twice."""
    body = "a line of the body that is long enough\n" * 100_000
    filled(lab).load(body=body, html="<p>" + body + "</p>").send_mail()
    panes = {name: pane.value for name, pane in InboxView(lab).panes.items()}
    for name, html in panes.items():
        assert len(html) < 3 * render.RAW_LIMIT, name
    for name in ("Body", "Raw source", "Session log"):
        assert "more characters not shown" in panes[name], name
    assert "text/html" in panes["Body"]  # the HTML part is still named, cut as well


def test_the_headers_tab_of_a_message_of_many_headers_stays_bounded(lab: LabServer) -> None:
    # 30,000 short header lines (900 KB) made a Headers tab of ~13 MB of HTML.
    lines = "".join(f"X-Filler-{i}: value {i}\r\n" for i in range(30_000))
    message = f"From: <a@example.com>\r\nSubject: many\r\n{lines}\r\nHi\r\n"
    with smtplib.SMTP(lab.host, lab.port, timeout=30) as client:
        client.sendmail("a@example.com", ["b@example.com"], message)
    headers = InboxView(lab).panes["Headers"].value
    assert len(headers) < 3 * render.RAW_LIMIT
    assert "Subject" in headers and "X-Filler-0" in headers
    assert "more characters not shown" in headers and "X-Filler-29999" not in headers


def many_parts(count: int) -> str:
    """A multipart message of ``count`` one-byte attachments (about 80 bytes each)."""
    parts = "".join(
        f"--b\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Disposition: attachment; filename=f{i}.bin\r\n\r\nx\r\n"
        for i in range(count)
    )
    return (
        "From: <a@example.com>\r\nTo: <b@example.com>\r\nSubject: parts\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        f"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n{parts}--b--\r\n"
    )


def test_the_inbox_view_of_a_message_of_many_parts_stays_bounded(lab: LabServer) -> None:
    """Anyone may send the lab a message of 20,000 tiny parts (1.6 MB; 10 MiB holds
    120,000): its MIME tree and its list of attachments were a line each (2 MB of HTML
    for 20,000), and taking it apart cost Python's parser about 6 s, twice (a 10 MiB one,
    minutes). Over ``render.MIME_PARTS`` parts the view takes apart only the headers and
    says so; below, the tree and the list are cut like every tab. The inbox's list read
    each message's Subject by parsing the whole message."""
    with smtplib.SMTP(lab.host, lab.port, timeout=30) as client:
        client.sendmail("a@example.com", ["b@example.com"], many_parts(20_000))
        client.sendmail("a@example.com", ["c@example.com"], many_parts(render.MIME_PARTS - 2))
    inbox = InboxView(lab)
    inbox.select(0)
    # never parsed whole (the list's Subject reads the headers only): what cost a minute
    assert "message" not in vars(lab.inbox[0]), "the message of 20,000 parts was parsed"
    panes = {name: pane.value for name, pane in inbox.panes.items()}
    for name, html in panes.items():
        assert len(html) < 3 * render.RAW_LIMIT, name
    assert "20,0" in panes["MIME tree"] and "Raw source" in panes["MIME tree"]
    assert "Raw source" in panes["Body"] and "f19999.bin" not in panes["Body"]
    assert "Subject" in panes["Headers"] and "&lt;c@example.com&gt;" not in panes["Envelope"]
    inbox.select(1)  # just under the limit: taken apart, each tab within its bound
    panes = {name: pane.value for name, pane in inbox.panes.items()}
    assert "f0.bin" in panes["Body"] and "application/octet-stream" in panes["MIME tree"]
    assert all(len(html) < 3 * render.RAW_LIMIT for html in panes.values())


def test_the_stepper_widget_greys_out_buttons_with_the_reason(lab: LabServer) -> None:
    stepper = Stepper(lab)
    assert all(button.disabled for button in stepper.buttons.values())
    stepper.connect_button.click()
    stepper.buttons["EHLO"].click()
    rcpt = stepper.buttons["RCPT"]
    assert rcpt.disabled and "503: MAIL FROM first" in rcpt.tooltip
    assert "503: MAIL FROM first" in stepper.why_not.value
    assert not stepper.buttons["MAIL"].disabled
    stepper.buttons["MAIL"].click()
    assert not stepper.buttons["RCPT"].disabled
    assert "250 2.1.0" in stepper.log_view.value and "sender accepted" in stepper.log_view.value
    stepper.line.value = "DATA"
    stepper.send_line_button.click()
    assert stepper.line.value == ""
    assert stepper.session.steps[-1].reply.code == 503  # the server's real answer
    stepper.recipient.value = "nobody"
    assert stepper.buttons["RCPT"].disabled and "'@'" in stepper.buttons["RCPT"].tooltip
    assert "MAIL" in stepper.state.value
    assert "Last step" in stepper.latest.value and "4. DATA" in stepper.latest.value
    stepper.connect_button.click()  # a new connection starts a new dialogue
    assert len(stepper.session.steps) == 1 and "1. connect" in stepper.latest.value


def test_the_playground_wires_the_three_views(lab: LabServer) -> None:
    play = playground(lab, local_hostname="learner.example")
    assert play.children.count(play.composer) == 1
    assert "smtplab-playground" in play._dom_classes
    play.composer.load(GOOD).send_mail()
    assert "queued as" in play.transcript.value
    assert play.inbox.labels and play.inbox.labels[-1].endswith("· Tea at four")


@pytest.fixture(autouse=True)
def _no_stray_send_threads() -> Iterator[None]:
    yield
    deadline = time.monotonic() + 5
    while any(t.name == "smtplab-widgets-send" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "a send thread outlived its test"
        time.sleep(0.02)


# ------------------------------------------------------------- a notebook as opened


def test_each_widget_has_a_short_text_for_where_widgets_cannot_show(lab: LabServer) -> None:
    # A notebook as opened (before it runs) shows a widget output's text/plain.
    widgets = {
        "Playground": playground(lab),
        "Composer": Composer(lab),
        "TranscriptView": TranscriptView(),
        "InboxView": InboxView(lab),
        "Stepper": Stepper(lab),
    }
    for name, widget in widgets.items():
        text = f"{name} (interactive: run the notebook to use it)"
        assert repr(widget) == text
        assert widget._repr_mimebundle_()["text/plain"] == text
        widget.close()


def test_the_stepper_text_takes_theme_colours_not_opacity(lab: LabServer) -> None:
    # Readable in light and dark themes (tests/test_browser.py measures 4.5:1 in both).
    stepper = Stepper(lab)
    stepper.press("CONNECT")
    stepper.press_line("RCPT TO:<bob@example.com>")
    shown = stepper.log_view.value + stepper.why_not.value + stepper.latest.value
    assert "opacity" not in shown
    assert "var(--jp-content-font-color2" in shown  # notes and explanations
    assert "color-mix(in srgb,#0969da" in shown  # the client's lines, mixed with the theme
    assert "opacity:1" in render.STEPPER_CSS  # greyed-out buttons: outlined, not faded
    stepper.session.close()
