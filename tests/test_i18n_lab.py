"""The core's messages and the lab's texts in Chinese (issue 19), English otherwise.

Each test shows a real text a learner meets (an anatomy label, a refused draft, a fault
the lab refuses, a TLS handshake note, a session log, a look-alike's description...) in
Chinese after ``set_language("zh-CN")`` and byte for byte as before in English. What the
lab sends on the wire (its SMTP replies, the texts quoted from real providers) stays
English in both languages.
"""

from __future__ import annotations

import smtplib
import time
from pathlib import Path

import pytest

import smtplab
from smtplab.commands import Ehlo, Mail
from smtplab.errors import LocalProtocolError
from smtplab.extensions import describe_extension
from smtplab.install import CopyReport
from smtplab.lab import LabServer
from smtplab.lab.certs import describe_tls_failure
from smtplab.lab.faults import Fault, SplitReplies
from smtplab.lab.policy import LabPolicy
from smtplab.lab.profiles import PROFILES, describe_profile, get_profile
from smtplab.message import compose
from smtplab.netcheck import OutboundCheck
from smtplab.tap import WireTap

pytestmark = pytest.mark.timeout(60)


def refusal(call, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    """The message of the error ``call(*args, **kwargs)`` raises."""
    with pytest.raises((ValueError, TypeError, LocalProtocolError)) as caught:
        call(*args, **kwargs)
    return str(caught.value)


# --- the core: anatomy, compose, commands, extensions, tap, install, netcheck -----------------


def test_anatomy_labels_and_notes() -> None:
    draft = compose(
        sender="a@example.com", to=["b@example.com"], bcc=["c@example.com"], subject="hi", body="x"
    )
    english = str(draft.anatomy())
    assert english.startswith("ENVELOPE - what the servers deliver by (from the draft)\n")
    assert "<c@example.com>   <- not in To/Cc (Bcc)" in english
    assert "HEADERS - what the recipients see (8 fields)" in english
    assert "In the envelope but in no To/Cc header (blind copies): c@example.com." in english

    smtplab.set_language("zh-CN")
    chinese = str(draft.anatomy())
    assert chinese.startswith("信封 (ENVELOPE) - 服务器据此投递（来自草稿）\n")
    assert "<c@example.com>   <- 不在 To/Cc 中（Bcc）" in chinese
    assert "邮件头 (HEADERS) - 收件人看到的内容（8 个字段）" in chinese
    assert "在信封中、却不在任何 To/Cc 邮件头中（密送）：c@example.com。" in chinese
    assert "MAIL FROM: <a@example.com>" in chinese  # the commands stay as they are
    assert "<b>MIME 树</b>" in draft.anatomy()._repr_html_()


def test_a_refused_draft() -> None:
    english = "the message has no recipient: give at least one address in to=."
    assert refusal(compose, sender="a@example.com", to=[], subject="x", body="y") == english
    line = "'bob' is not an e-mail address: it has no '@'. Write it like alice@example.com."
    assert refusal(compose, sender="a@example.com", to=["bob"], subject="x", body="y").endswith(
        line
    )
    smtplab.set_language("zh-CN")
    chinese = refusal(compose, sender="a@example.com", to=[], subject="x", body="y")
    assert chinese == "这封邮件没有收件人：请在 to= 中至少给出一个地址。"
    bad = refusal(compose, sender="a@example.com", to=["bob"], subject="x", body="y")
    assert bad.endswith("'bob' 不是电子邮件地址：其中没有 '@'。请写成 alice@example.com 这样。")


def test_a_refused_command() -> None:
    english = refusal(Mail, "bob")
    assert english == (
        "the sender 'bob' has no '@'. An envelope address is local-part@domain, "
        "like bob@example.com."
    )
    smtplab.set_language("zh-CN")
    assert refusal(Mail, "bob") == (
        "发件人 'bob' 中没有 '@'。信封地址的形式是 local-part@domain（本地部分@域名），"
        "例如 bob@example.com。"
    )
    assert "EHLO 的域名必须是一个不含空格的词" in refusal(Ehlo, "two words")


def test_extension_descriptions_keep_their_keywords() -> None:
    assert describe_extension("SIZE", "10485760") == "SIZE: messages up to 10 MiB · RFC 1870"
    assert describe_extension("PIPELINING") == "PIPELINING: may batch commands · RFC 2920"
    smtplab.set_language("zh-CN")
    assert describe_extension("SIZE", "10485760") == "SIZE: 邮件最大 10 MiB · RFC 1870"
    assert (
        describe_extension("AUTH", "LOGIN PLAIN")
        == "AUTH LOGIN PLAIN: 可用 LOGIN 或 PLAIN 登录 · RFC 4954"
    )


def test_tap_install_and_netcheck() -> None:
    assert refusal(WireTap, "127.0.0.1", 25, delay=-1) == (
        "delay=-1: a latency is a finite number of seconds, 0 or more; use 0 for none."
    )
    report = CopyReport(Path("/tmp/x"), kept=[Path("05-auth.ipynb")])
    assert report.lines()[1].startswith("  NOT overwritten, because you edited them: 05-auth")
    check = OutboundCheck("smtp.example.com", 587, "timed out", "timed out", 3.0, 3.0, None, None)
    assert str(check) == "smtp.example.com port 587: no answer within 3 s."

    smtplab.set_language("zh-CN")
    assert refusal(WireTap, "127.0.0.1", 25, delay=-1) == (
        "delay=-1：延迟必须是有限的秒数，0 或更大；不要延迟请用 0。"
    )
    assert report.lines()[0] == "笔记本文件夹：/tmp/x"
    assert report.lines()[1].startswith("  未覆盖（NOT overwritten），因为你改过它们")
    assert str(check) == "smtp.example.com 的 587 端口：3 s 内没有应答。"


# --- the lab: faults, policies, TLS notes, profiles, the session log ----------------------------


def test_a_refused_fault() -> None:
    english = "unknown fault action 'explode'."
    assert refusal(Fault, "RCPT", "explode") == english  # type: ignore[arg-type]
    assert str(Fault("RCPT", "drop", times=2)) == "RCPT: drop the connection (2 of 2 uses left)"
    smtplab.set_language("zh-CN")
    assert refusal(Fault, "RCPT", "explode") == "未知的故障动作 'explode'。"  # type: ignore[arg-type]
    assert str(Fault("RCPT", "drop", times=2)) == "RCPT：断开连接（2 次中还剩 2 次）"
    assert str(SplitReplies(pieces=3, pause=0.5)) == "每个回复分成 3 段发送，间隔 0.5 s（始终生效）"
    assert refusal(LabPolicy, size_limit=0) == (
        "size_limit 必须是正的字节数，而不是 0；默认值是 10485760（10 MiB）。"
    )


def test_tls_handshake_notes() -> None:
    english = "the client closed the connection during the TLS handshake"
    assert describe_tls_failure(None, 5.0) == english
    timed_out = describe_tls_failure(TimeoutError(), 5.0)
    assert timed_out.startswith(
        "TLS handshake failed: the client did not complete a TLS handshake within 5 s"
    )
    smtplab.set_language("zh-CN")
    assert describe_tls_failure(None, 5.0) == "客户端在 TLS 握手期间关闭了连接"
    assert describe_tls_failure(TimeoutError(), 5.0).startswith(
        "TLS 握手失败：客户端在 5 s 内没有完成 TLS 握手"
    )


def test_a_look_alike_is_described_in_chinese_its_quotes_in_english() -> None:
    gmail = get_profile("gmail")
    english = describe_profile(gmail)
    assert english.startswith("Gmail look-alike (profile 'gmail')\n")
    assert repr(gmail) == "<LabProfile 'gmail': Gmail look-alike (an imitation, not a recording)>"
    assert "A wrong password gets a two-line reply: 535-5.7.8 Username and Password" in english
    assert all(isinstance(s, str) for p in PROFILES.values() for s in p.behaviour)

    smtplab.set_language("zh-CN")
    chinese = describe_profile(gmail)
    assert chinese.startswith("Gmail 仿真服务器（配置 'gmail'）\n")
    # the reply Gmail sends stays as quoted, inside the Chinese sentence
    assert "错误的密码会得到两行回复：535-5.7.8 Username and Password not accepted" in chinese
    assert "220 smtp.gmail.com ESMTP" in chinese
    assert repr(LabServer(profile="qq")) == (
        "<LabServer lab.smtplab.test（QQ 邮箱仿真服务器：仿制品）（未启动）>"
    )


def wait_closed(lab: LabServer) -> None:
    deadline = time.monotonic() + 5.0
    while not (lab.sessions and lab.sessions[-1].closed) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert lab.sessions[-1].closed


def test_the_session_log_in_both_languages() -> None:
    """The markers the learner reads are translated; the C:/S: lines, what went over the
    wire, are the same in both languages."""
    with LabServer() as lab:
        with smtplib.SMTP(lab.host, lab.port, timeout=5) as smtp:
            smtp.ehlo("learner.example")
        wait_closed(lab)
        session = lab.sessions[-1]
        english = str(session).splitlines()
        assert english[0].startswith(f"-- session {session.id}: 127.0.0.1:")
        assert "(plain, STARTTLS offered)" in english[0] and english[0].endswith(" UTC --")
        assert english[-1] == "-- connection closed --"

        smtplab.set_language("zh-CN")
        chinese = str(session).splitlines()
        assert chinese[0].startswith(f"-- 会话 {session.id}：127.0.0.1:")
        assert "（明文，提供 STARTTLS）" in chinese[0]
        assert chinese[-1] == "-- 连接已关闭 --"
        assert chinese[1:-1] == english[1:-1]  # S: 220 ..., C: ehlo ..., what was on the wire
        assert chinese[1].startswith("S: 220 lab.smtplab.test ESMTP smtplab lab server")
        assert repr(lab).startswith(f"<LabServer lab.smtplab.test，位于 {lab.host} port=")


def test_the_raw_utf8_note_keeps_its_first_words() -> None:
    """widgets/render.py leaves this note out for a message sent with SMTPUTF8, by its
    first words: the Chinese keeps them ("Raw UTF-8（未编码的 UTF-8）...")."""
    from smtplab.anatomy import anatomy

    data = "From: 张三 <a@example.com>\r\nTo: b@example.com\r\nSubject: x\r\n\r\nhi\r\n".encode()
    found = anatomy(data, mail_from="a@example.com", rcpt_tos=["b@example.com"])
    assert [n for n in found.notes() if n.startswith("Raw UTF-8 in the headers")]
    smtplab.set_language("zh-CN")
    assert [n for n in found.notes() if n.startswith("Raw UTF-8（未编码的 UTF-8）出现在邮件头中")]
