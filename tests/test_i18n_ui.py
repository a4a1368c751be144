"""The widgets and the command line in Simplified Chinese (issue 19), English otherwise.

The widgets speak the language chosen with ``smtplab.set_language`` when they are built
(and the views when they render); the command line speaks ``SMTPLAB_LANG``, argparse's
own words (usage, section titles, usage errors) included. English stays byte for byte
what it was: tests/test_widgets.py and tests/test_cli*.py check it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import smtplab
from smtplab import i18n
from smtplab.cli import main
from smtplab.lab import LabServer
from smtplab.widgets import Composer, DraftForm, InboxView, Stepper, TranscriptView
from smtplab.widgets.model import ServerChoice, deliver

ROOT = Path(__file__).resolve().parents[1]

FORM = DraftForm(
    sender="alice@example.com",
    to="bob@example.com",
    subject="Tea at four",
    body="Hello Bob,\n",
)


def run_cli(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """``python -m smtplab ARGS`` from this checkout, with *environment* added."""
    env = {k: v for k, v in os.environ.items() if k != i18n.ENVIRONMENT}
    env.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", **environment)
    return subprocess.run(
        [sys.executable, "-m", "smtplab", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


# --- the widgets ------------------------------------------------------------------------------


def test_the_composer_is_english_by_default(lab: LabServer) -> None:
    composer = Composer(lab)
    assert composer.send_button.description == "Send"
    assert composer.sender.description == "From (address)"
    assert composer.body.description == "Body"
    assert composer.cc.placeholder == "optional, several with commas"
    assert composer.where.options[0] == ("this notebook's lab server", "lab")
    assert "The lab: <code>" in composer.server_hint.value
    composer.close()


def test_the_composer_speaks_chinese_after_set_language(lab: LabServer) -> None:
    smtplab.set_language("zh-CN")
    composer = Composer(lab, local_hostname="learner.example", timeout=10)
    assert composer.send_button.description == "发送"
    assert composer.sender.description == "From（地址）"  # the header's name stays
    assert composer.to.description == "To" and composer.subject.description == "Subject"
    assert composer.body.description == "正文"
    assert composer.cc.placeholder == "可选，多个用逗号分隔"
    assert composer.where.options[0] == ("本笔记本的实验服务器", "lab")
    assert composer.security.options[0] == ("明文（无 TLS）", "plain")
    assert "实验服务器：<code>" in composer.server_hint.value
    # A problem beside its field, and the refusal under the button, in Chinese.
    outcome = composer.load(FORM, sender="alice").send_mail()
    assert outcome is not None and not outcome.delivered
    assert "里没有 &#x27;@&#x27;：地址的样子" in composer.field_errors["sender"].value
    assert "未发送：请改正标红的字段（sender）" in composer.result.value
    assert lab.sessions == []
    # A real send: the result line says it was delivered, with the server's own reply.
    outcome = composer.load(FORM).send_mail()
    assert outcome is not None and outcome.delivered
    assert outcome.summary.startswith("已投递：服务器答复 250 ")
    assert "queued as" in outcome.summary  # the server's text is never translated
    chips = composer.progress.value  # a step's name is data; only "connecting" is shown translated
    assert 'data-step="connecting"' in chips and "✓ 连接</span>" in chips and "✓ MAIL" in chips
    composer.close()


def test_a_failed_send_says_where_it_stopped_in_chinese() -> None:
    smtplab.set_language("zh-CN")
    with LabServer() as lab:
        target = ServerChoice(kind="custom", host=lab.host, port=lab.port).resolve()
    outcome = deliver(FORM.draft(), target, timeout=10)  # the lab has stopped: nobody listens
    assert not outcome.delivered
    assert outcome.summary.startswith("在 连接 这一步失败：")
    assert outcome.target == f"127.0.0.1 的 {target.port} 端口（plain）"


def test_the_transcript_and_inbox_views_render_in_chinese(lab: LabServer) -> None:
    smtplab.set_language("zh-CN")
    transcript, inbox = TranscriptView(), InboxView(lab)
    assert transcript.status.value.startswith("<i>还没有发送。")
    assert "没有选中邮件" in inbox.panes["Envelope"].value
    composer = Composer(lab, local_hostname="learner.example", timeout=10)
    transcript.follow(composer), inbox.follow(composer)
    composer.load(FORM).send_mail()
    assert transcript.status.value.startswith("<b>上一次发送的会话</b> （已投递；")
    assert "C: MAIL FROM:&lt;alice@example.com&gt;" in transcript.value  # the wire's text
    assert inbox.count.value == "&nbsp;1 封邮件&nbsp;"
    assert inbox.tabs.titles[:3] == ("信封", "邮件头", "正文")
    envelope = inbox.panes["Envelope"].value
    assert "MAIL FROM" in envelope and "队列号" in envelope and "登录身份" in envelope
    assert "信封是服务器投递时依据的内容（MAIL FROM、RCPT TO）" in envelope
    assert "字节" in inbox.panes["MIME tree"].value
    lab.clear_sessions()
    inbox.select(0)
    assert "实验服务器已不再保存会话" in inbox.panes["Session log"].value
    for widget in (composer, transcript, inbox):
        widget.close()


def test_the_same_views_in_english(lab: LabServer) -> None:
    transcript, inbox = TranscriptView(), InboxView(lab)
    composer = Composer(lab, local_hostname="learner.example", timeout=10)
    transcript.follow(composer), inbox.follow(composer)
    composer.load(FORM).send_mail()
    assert transcript.status.value.startswith("<b>The dialogue of the last send</b> (delivered;")
    assert inbox.count.value == "&nbsp;1 message&nbsp;"
    assert inbox.tabs.titles[:3] == ("Envelope", "Headers", "Body")
    assert "The envelope is what the server delivers by" in inbox.panes["Envelope"].value
    for widget in (composer, transcript, inbox):
        widget.close()


def test_the_stepper_speaks_chinese(lab: LabServer) -> None:
    smtplab.set_language("zh-CN")
    stepper = Stepper(lab)
    assert stepper.connect_button.description == "连接"
    assert "未连接：请先按“连接”" in stepper.buttons["EHLO"].tooltip
    assert stepper.log_view.value == "<i>连接后开始。</i>"
    stepper.connect_button.click()
    assert stepper.connect_button.description == "重新连接"
    assert "连接到 127.0.0.1 的" in stepper.latest.value
    assert repr(stepper) == "Stepper（交互式：运行笔记本才能使用）"
    stepper.session.close()
    stepper.close()


# --- the command line ---------------------------------------------------------------------------


def test_the_help_is_chinese_with_smtplab_lang() -> None:
    done = run_cli("serve", "--help", SMTPLAB_LANG="zh-CN")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("用法：smtplab serve ")
    assert "运行实验服务器（SMTP），直到按下 Ctrl-C" in done.stdout  # the description
    assert "像使用灰名单的服务器那样，用 451 4.7.1 拒绝第一次 RCPT TO" in done.stdout
    assert "选项:" in done.stdout  # argparse's own section title
    done = run_cli("--help", SMTPLAB_LANG="zh-CN")
    assert "发送一封邮件，并显示完整的 SMTP 会话" in done.stdout  # a command's one-liner


def test_the_help_stays_english_without_it() -> None:
    done = run_cli("serve", "--help", LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: smtplab serve ")
    assert "Run the lab SMTP server until Ctrl-C" in done.stdout
    assert "options:" in done.stdout


def test_a_usage_error_is_chinese_with_smtplab_lang() -> None:
    done = run_cli("serve", "--port", "70000", SMTPLAB_LANG="zh-CN")
    assert done.returncode == 2
    assert done.stderr == (
        "smtplab serve：错误：参数 --port：70000 不是有效端口：请用 0（任选一个空闲端口）"
        "到 65535（选项说明：smtplab serve --help）\n"
    )
    done = run_cli("send", "--to", "b@example.com", SMTPLAB_LANG="zh-CN")
    assert "缺少以下必需的参数：" in done.stderr
    english = run_cli("serve", "--port", "70000")
    assert english.stderr == (
        "smtplab serve: error: argument --port: 70000 is not a port: use 0 (pick a free one) "
        "to 65535 (options: smtplab serve --help)\n"
    )


def test_an_error_line_of_a_command_is_chinese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(i18n.ENVIRONMENT, "zh-CN")
    code = main(["send", "-s", "127.0.0.1:1", "-f", "a@example.com", "-t", "b@example.com",
                 "--tls", "--tlsc", "--body", "hi"])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err == (
        "错误：同时给出了 --security starttls 和 tls（--tls 即 starttls，--tlsc 即 tls）；"
        "只能给一个\n"
    )


def test_main_leaves_argparse_as_it_found_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    before = argparse._  # type: ignore[attr-defined]
    monkeypatch.setenv(i18n.ENVIRONMENT, "zh-CN")
    assert main(["serve", "--port", "70000"]) == 2
    assert argparse._ is before  # type: ignore[attr-defined]


def test_the_chinese_size_refusal_is_flagged_beside_the_attachments() -> None:
    """The Composer recognises the kit's size refusal by its template in the current
    language (i18n.found_in), not by English words: in Chinese it is flagged too."""
    from test_widgets import sent_over_the_size

    smtplab.set_language("zh-CN")
    with LabServer(size_limit=4000) as lab:
        composer, _ = sent_over_the_size(lab)
        flagged = composer.field_errors["attachments"].value
        assert "RFC 1870" in flagged and i18n._("SIZE") in flagged
        assert "larger than" not in flagged and "超过" in flagged, flagged


def test_the_inbox_drops_the_raw_utf8_note_of_a_declared_message_in_chinese() -> None:
    """A message sent with SMTPUTF8 declared: the inbox's headers tab leaves out the
    anatomy's 'raw UTF-8 needs SMTPUTF8' note, in any language (made_from, not English)."""
    import smtplib
    from email import policy
    from email.message import EmailMessage

    from smtplab.data_encoding import RAW_UTF8_HEADERS
    from smtplab.widgets import render

    message = EmailMessage(policy=policy.SMTPUTF8)
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "你好"
    message.set_content("正文")
    with LabServer() as lab, smtplib.SMTP(lab.host, lab.port, timeout=10) as client:
        client.send_message(message, mail_options=["SMTPUTF8"])
        received = lab.inbox[-1]
    assert received.smtputf8
    for language in ("en", "zh-CN"):
        smtplab.set_language(language)
        note = i18n._(RAW_UTF8_HEADERS)
        headers = render.inbox_panes(received, None)["Headers"]
        assert render.esc(note)[1:20] not in headers, language  # (its first letter: Raw)
