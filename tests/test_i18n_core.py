"""The core's own texts in Chinese (issue 19): errors and their hints, the transcript's
annotations, legality's reasons, the client's messages.

Each test shows a real text in Simplified Chinese after ``set_language("zh-CN")`` and the
same text, byte for byte, in English otherwise (the notebooks' committed outputs depend on
it). The autouse fixture starts each test undecided, as a fresh kernel, and leaves the
language as it found it.
"""

from __future__ import annotations

import pickle

import pytest

import smtplab
from smtplab.annotate import first_clause, size, width
from smtplab.commands import Ehlo, Mail, RawCommand, Rcpt
from smtplab.errors import DataRefused, LocalProtocolError, RecipientRefused, ReplyError, tls_hint
from smtplab.errors_texts import TRANSPORT_ADVICE
from smtplab.events import State
from smtplab.protocol import ClientConnection
from smtplab.render import _wrap
from smtplab.replies import Reply
from smtplab.reply_parser import ReplyParser
from smtplab.secrecy import Secret
from smtplab.transcript import Transcript

# --- errors and their hints -------------------------------------------------------------

GREYLISTED = Reply.from_text(451, "4.7.1 Greylisted, try again later")


def test_an_errors_hint_in_chinese_and_in_english() -> None:
    english = str(ReplyError(GREYLISTED, "RCPT TO:<bob@example.com>"))
    assert english.splitlines()[0] == (
        "RCPT TO:<bob@example.com>: the server answered 451 4.7.1 Greylisted, try again later"
    )
    assert english.splitlines()[2] == (
        "  what to do: this is temporary; wait a little and try the same thing again."
    )
    smtplab.set_language("zh-CN")
    chinese = str(ReplyError(GREYLISTED, "RCPT TO:<bob@example.com>")).splitlines()
    # the command and the server's own words stay as they were; the kit's words change
    assert (
        chinese[0]
        == "RCPT TO:<bob@example.com>: 服务器回复了 451 4.7.1 Greylisted, try again later"
    )
    assert chinese[1].startswith("  含义：451: ")
    assert chinese[2] == "  怎么办：这是暂时的；稍等片刻，再试一次同样的操作。"
    smtplab.set_language("en")
    assert str(ReplyError(GREYLISTED, "RCPT TO:<bob@example.com>")) == english


def test_a_line_over_its_limit_is_refused_with_one_rule_in_chinese() -> None:
    """A command built too long and a line typed by hand quote the same rule."""
    smtplab.set_language("zh-CN")
    with pytest.raises(LocalProtocolError) as built:
        Ehlo("x" * 600)
    conn = ClientConnection()
    conn.receive_data(b"220 lab ESMTP\r\n")
    conn.next_event()
    with pytest.raises(LocalProtocolError) as typed:
        conn.send(RawCommand("NOOP " + "x" * 600))
    rule = "一行命令最多 512 个八位组（RFC 5321 §4.5.3.1.4）。"
    assert rule in str(built.value) and rule in str(typed.value)
    assert "这一行 'NOOP xxx" in str(typed.value) and "。。" not in str(typed.value)


def test_a_step_name_is_shown_in_chinese_and_kept_in_english() -> None:
    refused = Reply.from_text(554, "5.6.0 Message rejected")
    assert str(DataRefused(refused, "the end of the message")).startswith(
        "the end of the message: the server answered 554"
    )
    smtplab.set_language("zh-CN")
    error = DataRefused(refused, "the end of the message")
    assert str(error).startswith("邮件的结尾: 服务器回复了 554")
    assert error.step == "the end of the message"  # the value code compares stays English


def test_tls_hints_and_transport_advice_follow_the_language() -> None:
    english = tls_hint("WRONG_VERSION_NUMBER")
    assert english.startswith("the server did not answer in TLS. You probably spoke")
    advice = TRANSPORT_ADVICE["refused"].format(step="connecting", port=2525)
    assert advice.startswith("connecting: connection refused, nothing listens on port 2525.")
    smtplab.set_language("zh-CN")
    assert tls_hint("WRONG_VERSION_NUMBER").startswith("服务器没有用 TLS 应答。")
    assert (
        TRANSPORT_ADVICE["refused"]
        .format(step="connecting", port=2525)
        .startswith("connecting：连接被拒绝，端口 2525 上没有程序在监听。")
    )
    assert sorted(TRANSPORT_ADVICE)[:2] == ["broke in handshake", "broke while reading"]


def test_a_refused_recipients_error_pickles_in_either_language() -> None:
    smtplab.set_language("zh-CN")
    error = RecipientRefused(Reply.from_text(550, "5.1.1 No such user"), "RCPT TO:<x@y>")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) and "服务器回复了 550" in str(copy)


# --- the transcript's annotations --------------------------------------------------------


def transcript() -> Transcript:
    """A short session: greeting, EHLO, a refused RCPT, QUIT."""
    t, now = Transcript(), 100.0
    t.record_received(Reply.from_text(220, "lab.smtplab.test ESMTP"), time=now)
    t.record_sent(b"EHLO learner.example\r\n", time=now + 0.001)
    t.record_received(Reply.from_text(250, "lab.smtplab.test", "SIZE 1000", "8BITMIME"),
                      time=now + 0.002)  # fmt: skip
    t.record_sent(b"MAIL FROM:<student@lab.smtplab.test>\r\n", time=now + 0.003)
    t.record_received(Reply.from_text(250, "2.1.0 OK"), time=now + 0.004)
    t.record_sent(b"RCPT TO:<nobody@lab.smtplab.test>\r\n", time=now + 0.005)
    t.record_received(Reply.from_text(450, "4.2.1 Mailbox busy"), time=now + 0.006)
    return t


def annotation(text: str, start: str) -> str:
    """The annotation beside the line of ``text`` that starts with ``start``."""
    line = next(line for line in text.splitlines() if line.startswith(start))
    return line[len(start) :].strip()


def test_a_transcript_annotation_in_chinese_and_in_english() -> None:
    english = str(transcript())
    assert annotation(english, "C: EHLO learner.example") == (
        "say who you are, ask for extensions · §4.1.1.1"
    )
    assert annotation(english, "C: MAIL FROM:<student@lab.smtplab.test>") == (
        "envelope sender (bounces go here) · §4.1.1.2"
    )
    assert annotation(english, "S: 250 2.1.0 OK") == "sender accepted"
    smtplab.set_language("zh-CN")
    chinese = str(transcript())
    assert annotation(chinese, "C: EHLO learner.example") == "说明你是谁，并询问扩展 · §4.1.1.1"
    assert annotation(chinese, "S: 220 lab.smtplab.test ESMTP") == (
        "问候语：就绪 (2xx) · RFC 5321 §3.1"
    )
    assert annotation(chinese, "S: 250-lab.smtplab.test") == '┐ 一个回复，共三行："250-" = 后面还有'
    assert annotation(chinese, "S: 250 2.1.0 OK") == "发件人已接受"
    # a temporary failure: the meaning is cut at its last " (", the 4xx note follows (the
    # note wraps after its "；")
    busy = chinese[chinese.index("S: 450 4.2.1 Mailbox busy") :].split()
    assert busy[5:7] == ["邮箱暂时不可用（忙，或灰名单）；", "请稍后重试"]
    assert chinese.endswith("(4xx：临时失败，稍后重试)")
    smtplab.set_language("en")
    assert str(transcript()) == english


def test_a_line_is_annotated_in_the_language_of_the_moment_it_is_recorded() -> None:
    t = transcript()  # recorded in English
    smtplab.set_language("zh-CN")
    t.record_sent(b"QUIT\r\n", time=200.0)
    shown = str(t)
    assert "say who you are" in shown and "告别 · §4.1.1.10" in shown


def test_chinese_annotations_wrap_within_the_column() -> None:
    note = (
        "邮件：12 行，69 字节；以单独一个点结尾 · §4.1.1.4; 第 3 行以单个点开头：服务器会去掉它"
        "（点填充，RFC 5321 §4.5.2）；属于正文内容的点要发送两次"
    )
    lines = _wrap(note, 30)
    assert all(width(line) <= 30 for line in lines), lines
    assert "".join(lines).replace(" ", "") == note.replace("; ", ";").replace(" ", "")
    # English is wrapped as before: at "; ", then at spaces, long words left whole
    assert _wrap("envelope sender (bounces go here) · §4.1.1.2; sender accepted", 40) == [
        "envelope sender (bounces go here)",
        "· §4.1.1.2; sender accepted",
    ]
    long = "a-very-long-word-that-does-not-fit-anywhere-in-forty-columns; ok"
    assert _wrap(long, 20) == [
        "a-very-long-word-that-does-not-fit-anywhere-in-forty-columns;",
        "ok",
    ]


def test_first_clause_stops_at_chinese_punctuation_too() -> None:
    assert first_clause("mailbox full: try later") == "mailbox full"
    assert first_clause("邮箱已满（配额用完）：请稍后重试") == "邮箱已满（配额用完）"
    assert first_clause("发件人被拒绝；请检查地址。") == "发件人被拒绝"


def test_sizes_secrets_and_states_follow_the_language() -> None:
    secret = Secret(b"AHVzZXIAcGFzcw==\r\n", "password")
    assert (size(1), size(69), str(secret)) == ("1 byte", "69 bytes", "●●●●●●●● (password hidden)")
    assert State.READY.description == "ready: EHLO done; STARTTLS, AUTH or MAIL FROM may follow"
    smtplab.set_language("zh-CN")
    assert (size(1), size(69), str(secret)) == ("1 字节", "69 字节", "●●●●●●●● （密码已隐藏）")
    assert State.READY.description == "就绪：EHLO 已完成；接下来可以 STARTTLS、AUTH 或 MAIL FROM"
    assert State.READY.value == "ready: EHLO done; STARTTLS, AUTH or MAIL FROM may follow"


def test_the_diagrams_title_follows_the_language() -> None:
    english = transcript().diagram().svg
    assert "<title>SMTP session: 7 lines between client and server</title>" in english
    assert ">client</text>" in english and ">server · lab.smtplab.test</text>" in english
    smtplab.set_language("zh-CN")
    svg = transcript().diagram().svg
    assert "<title>SMTP 会话：客户端与服务器之间的 7 行</title>" in svg
    assert ">客户端</text>" in svg and ">服务器 · lab.smtplab.test</text>" in svg


# --- legality's reasons and the protocol's messages ------------------------------------


def ready() -> ClientConnection:
    conn = ClientConnection()
    conn.receive_data(b"220 lab.smtplab.test ESMTP\r\n")
    conn.next_event()
    conn.send(Ehlo("learner.example"))
    conn.receive_data(b"250-lab.smtplab.test\r\n250 8BITMIME\r\n")
    conn.next_event()
    assert conn.state is State.READY
    return conn


def test_a_legality_reason_in_chinese_and_in_english() -> None:
    conn = ready()
    rcpt = Rcpt("bob@example.com")
    assert conn.is_legal(rcpt) == (
        False, "503: MAIL FROM first: RCPT needs a transaction (RFC 5321 §4.1.1.3)",
    )  # fmt: skip
    smtplab.set_language("zh-CN")
    assert conn.is_legal(rcpt) == (
        False,
        "503: 先 MAIL FROM：RCPT 需要一个事务（RFC 5321 §4.1.1.3）",
    )
    utf8 = Mail("张三@example.com")
    legal, why = conn.is_legal(utf8)
    assert not legal and why.startswith(
        "553: '张三@example.com' 不是 ASCII，而服务器没有声明 SMTPUTF8"
    )
    smtplab.set_language("en")
    assert conn.is_legal(utf8)[1].startswith(
        "553: '张三@example.com' is not ASCII and the server did not announce SMTPUTF8"
    )


def test_the_protocols_and_the_parsers_errors_in_chinese() -> None:
    parser = ReplyParser()
    parser.feed(b"+OK POP3 server ready\r\n")
    with pytest.raises(smtplab.errors.RemoteProtocolError) as english:
        parser.next_reply()
    assert "Hint: this is a POP3 server (ports 110, 995), not SMTP." in str(english.value)
    smtplab.set_language("zh-CN")
    parser = ReplyParser()
    parser.feed(b"+OK POP3 server ready\r\n")
    with pytest.raises(smtplab.errors.RemoteProtocolError) as chinese:
        parser.next_reply()
    assert str(chinese.value).startswith("服务器发送的一行不是以回复码开头")
    assert "提示：这是 POP3 服务器（110、995 端口），不是 SMTP。" in str(chinese.value)


# --- the client's messages --------------------------------------------------------------


def test_the_clients_messages_in_chinese_and_in_english() -> None:
    with pytest.raises(ValueError, match=r"^security='ssl' is not a mode; use 'plain'"):
        smtplab.Client("localhost", security="ssl", connect=False)  # type: ignore[arg-type]
    smtplab.set_language("zh-CN")
    with pytest.raises(ValueError, match=r"^security='ssl' 不是有效的模式；请使用 'plain'"):
        smtplab.Client("localhost", security="ssl", connect=False)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^send\(\) 需要 host="):
        smtplab.send("Subject: x\r\n\r\nx\r\n", to_addrs=["a@b.c"], from_addr="d@e.f")


def test_braces_in_the_servers_words_are_never_read_as_placeholders() -> None:
    def session() -> str:
        t = Transcript()
        t.record_received(Reply.from_text(220, "lab {0} ESMTP"), time=1.0)
        t.record_sent(b"EHLO learner.example\r\n", time=1.1)
        t.record_received(Reply.from_text(250, "lab", "X-{count}", "8BITMIME"), time=1.2)
        t.record_sent(b"EHLO learner.example\r\n", time=1.3)
        t.record_received(Reply.from_text(250, "lab", "8BITMIME"), time=1.4)
        t.record_sent(b"MAIL FROM:<{x}@example.com>\r\n", time=1.5)
        t.record_received(Reply.from_text(550, "5.7.1 {sender} refused"), time=1.6)
        return str(t)

    assert "X-{COUNT} no longer offered" in session()
    smtplab.set_language("zh-CN")
    assert "X-{COUNT} 不再提供" in session()
