"""Provider advice and the lab internet's explanations in Simplified Chinese (issue 19).

English stays byte for byte what it was (the notebooks' outputs compare it); after
``smtplab.set_language("zh-CN")`` the same calls answer in Chinese, with the protocol
tokens (reply codes, commands, SPF/DMARC result names) as they are. The server texts
quoted from real providers are never translated.
"""

from __future__ import annotations

import smtplab
from smtplab import i18n
from smtplab.internet.checks import evaluate
from smtplab.internet.net import ZONE, RelayAttempt
from smtplab.internet.spf import check_host
from smtplab.internet.table import DNSTable
from smtplab.providers import KNOWN_FAILURES, PROVIDERS, advice_for, describe, explain_failure
from smtplab.replies import Reply

QQ_535 = PROVIDERS["qq"].observed.errors[0].to_reply()  # type: ignore[union-attr]
QQ_ADVICE_EN = (
    "Wrong user name or password (for QQ Mail: use the authorization code, not your "
    "password): turn on SMTP in QQ Mail's web settings (Settings → Account) and log in with "
    "the 16-character code it gives you."
)
QQ_ADVICE_ZH = (
    "用户名或密码错误（QQ 邮箱：请使用授权码，而不是你的密码）：在网页版 QQ 邮箱的设置中"
    "（设置 → 账户）开启 SMTP，然后用它给你的 16 位授权码登录。"
)

# A message From: bank.example (p=reject) sent from the learner's home address: SPF fails,
# nothing is signed, DMARC fails and the policy says refuse it (notebook 11's forgery).
FORGED = b"From: boss@bank.example\r\nTo: friend@example.net\r\nSubject: hi\r\n\r\nhello\r\n"
HOME_IP = "203.0.113.7"


# --- providers ------------------------------------------------------------------------------


def test_qq_535_advice_is_english_by_default_and_chinese_when_asked() -> None:
    assert advice_for(QQ_535) == QQ_ADVICE_EN
    smtplab.set_language("zh-CN")
    assert advice_for(QQ_535) == QQ_ADVICE_ZH
    failure = explain_failure(QQ_535)
    assert failure is not None and failure.key == "qq-authorization-code"
    assert failure.explanation == "QQ 邮箱拒绝了登录，因为它收到的是你的 QQ 密码，而不是授权码。"
    assert failure.sentence == f"{failure.explanation} {QQ_ADVICE_ZH}"
    smtplab.set_language("en")
    assert advice_for(QQ_535) == QQ_ADVICE_EN


def test_the_table_keeps_english_and_english_gets_the_records_themselves() -> None:
    record = next(f for f in KNOWN_FAILURES if f.key == "qq-authorization-code")
    assert explain_failure(QQ_535) is record  # English: nothing copied
    smtplab.set_language("zh-CN")
    chinese = explain_failure(QQ_535)
    assert chinese is not None and chinese.key == record.key and chinese.sources == record.sources
    assert record.advice == QQ_ADVICE_EN  # the table is never translated in place


def test_a_generated_login_advice_is_translated_with_its_hint() -> None:
    generic = Reply.from_text(535, "Error: authentication failed")
    english = advice_for(generic, provider="163")
    assert english == (
        "Wrong user name or password (for NetEase 163 Mail: turn SMTP on in the mailbox "
        "settings and use the authorization code (授权码), not your password)."
    )
    smtplab.set_language("zh-CN")
    assert advice_for(generic, provider="163") == (
        "用户名或密码错误（NetEase 163 Mail：在邮箱设置中开启 SMTP，"
        "并使用授权码，而不是你的密码）。"
    )


def test_port_advice_adds_the_presets_ports_in_chinese() -> None:
    english = advice_for(provider="qq", error_text="[SSL: WRONG_VERSION_NUMBER] wrong version")
    assert english is not None and english.endswith(
        "(For QQ Mail: port 465 is implicit TLS (security='tls'); port 587 is STARTTLS "
        "(security='starttls').)"
    )
    smtplab.set_language("zh-CN")
    chinese = advice_for(provider="qq", error_text="[SSL: WRONG_VERSION_NUMBER] wrong version")
    assert chinese is not None and chinese.endswith(
        "（QQ Mail：端口 465：隐式 TLS（security='tls'）；"
        "端口 587：STARTTLS（security='starttls'）。）"
    )


def test_describe_speaks_chinese_but_keeps_the_sources_as_published() -> None:
    english = describe("qq")
    assert "credential:  authorization code. In QQ Mail on the web" in english
    smtplab.set_language("zh-CN")
    chinese = describe("qq")
    assert "凭据:" in chinese and "授权码。在网页版 QQ 邮箱中打开 设置 → 账户" in chinese
    assert "未（NOT）在真实服务上核实" in chinese.splitlines()[0]
    sources = english.split("  sources:\n")[1].split("\n  observed:")[0]
    assert sources in chinese  # citations stay as published


def test_quoted_server_texts_stay_verbatim_and_their_labels_are_translated() -> None:
    smtplab.set_language("zh-CN")
    observed = PROVIDERS["qq"].observed
    assert observed is not None
    reply = observed.errors[0]
    assert str(reply).startswith("535 Login Fail. Please enter your authorization code")
    assert i18n._(reply.context) == "用 QQ 密码而不是授权码进行 AUTH"
    every = [r for p in PROVIDERS.values() if p.observed for r in p.observed.replies()]
    labels = {text for r in every for text in (r.context, r.note) if " " in text}
    assert labels and all(i18n._(text) != text for text in labels), "a label left English"


# --- the lab internet -----------------------------------------------------------------------


def test_an_spf_explanation_in_chinese() -> None:
    table = DNSTable.from_text(ZONE)
    result = check_host(table, HOME_IP, "bank.example")
    assert result.explain() == (
        "SPF fail for bank.example from 203.0.113.7 (matched '-all'): the domain says this "
        "host may NOT send its mail (-all)"
    )
    smtplab.set_language("zh-CN")
    assert result.explain() == (
        "对 bank.example（来自 203.0.113.7）的 SPF 结果为 fail（匹配 '-all'）："
        "该域名声明这台主机不得（NOT）代它发信（-all）"
    )


def test_a_dmarc_verdict_in_chinese_and_its_header_untouched() -> None:
    table = DNSTable.from_text(ZONE)
    english = evaluate(table, FORGED, HOME_IP, "boss@bank.example", "learner-laptop")
    assert english.reasons[-1] == (
        "DMARC fail for From: bank.example: neither SPF (bank.example) nor DKIM (unsigned) "
        "passed for a domain aligned with it; its policy p=reject says: refuse it"
    )
    smtplab.set_language("zh-CN")
    chinese = evaluate(table, FORGED, HOME_IP, "boss@bank.example", "learner-laptop")
    assert chinese.disposition == english.disposition == "reject"
    assert chinese.reasons[1:] == [
        "DKIM none：邮件没有签名",
        "From: bank.example 的 DMARC 为 fail：SPF（bank.example）和 DKIM（未签名）都没有为"
        "与它对齐的域名通过；它的策略 p=reject 要求：拒收",
    ]
    assert chinese.reasons[0].startswith("信封：对 bank.example（来自 203.0.113.7）")
    # Authentication-Results is a header field (RFC 8601): the same in every language.
    assert chinese.header("mx1.example.net") == english.header("mx1.example.net")


def test_relay_notes_and_the_dns_table_in_chinese() -> None:
    attempt = RelayAttempt("Q1", 2, "a@post.example", ["b@example.net"], "", "refused", "550 x")
    assert (
        str(attempt)
        == "Q1 attempt 2: <a@post.example> -> b@example.net via (no host): refused (550 x)"
    )
    assert attempt.dialogue() == "(no session: no host to connect to)"
    table = DNSTable.from_text(ZONE)
    table.ports["mx.post.example"] = 2525
    assert "; lab host: 127.0.0.1 port 2525" in str(table)
    smtplab.set_language("zh-CN")
    assert str(attempt) == (
        "Q1 第 2 次尝试：<a@post.example> -> b@example.net，经由 （没有主机）：被拒绝 (550 x)"
    )
    assert attempt.dialogue() == "（没有会话：没有可连接的主机）"
    assert "; 实验主机：127.0.0.1 端口 2525" in str(table)
