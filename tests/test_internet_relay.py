"""The lab's relay callback (``LabServer(relay=...)``), which the lab internet builds on:
a real LabServer on 127.0.0.1 and the kit's client, no internet module involved."""

from __future__ import annotations

from dataclasses import replace

import pytest

from smtplab import Client, send
from smtplab.errors import DataRefused
from smtplab.lab import LabServer
from smtplab.lab.inbox import ReceivedMessage
from smtplab.lab.policy import LabPolicy

MESSAGE = "From: a@b.example\r\nTo: c@d.example\r\nSubject: hi\r\n\r\nhello\r\n"


def deliver(lab: LabServer, to: str = "c@d.example") -> None:
    send(
        MESSAGE,
        host=lab.host,
        port=lab.port,
        from_addr="a@b.example",
        to_addrs=[to],
        local_hostname="client.example",
    )


def test_the_callback_may_rewrite_and_file_elsewhere() -> None:
    seen: list[ReceivedMessage] = []

    def relay(message: ReceivedMessage) -> ReceivedMessage:
        seen.append(message)
        return replace(message, data=b"X-Checked: yes\r\n" + message.data, folder="spam")

    with LabServer(relay=relay) as lab:
        deliver(lab)
        [kept] = lab.inbox
    assert seen[0].helo == "client.example" and seen[0].folder == "inbox"
    assert kept.data.startswith(b"X-Checked: yes\r\nFrom:") and kept.folder == "spam"
    assert kept.queue_id == seen[0].queue_id


def test_the_callback_may_refuse_and_nothing_is_kept() -> None:
    with LabServer(relay=lambda m: "550 5.7.1 Not from here") as lab:
        with pytest.raises(DataRefused) as caught:
            deliver(lab)
        assert caught.value.reply.code == 550 and lab.inbox == []


def test_a_callback_that_fails_is_a_451_and_recorded() -> None:
    def broken(message: ReceivedMessage) -> None:
        raise RuntimeError("oops")

    with LabServer(relay=broken) as lab:
        with pytest.raises(DataRefused) as caught:
            deliver(lab)
        assert caught.value.reply.code == 451
        assert any("oops" in error for error in lab.errors)


def test_none_keeps_the_message_as_it_came() -> None:
    with LabServer(relay=lambda m: None) as lab:
        deliver(lab)
        assert lab.inbox[0].data.startswith(b"From: a@b.example")


def test_offer_auth_false_hides_auth_inside_tls() -> None:
    with LabServer(policy=LabPolicy(offer_auth=False)) as lab:
        lines = lab.policy.ehlo_reply_lines(offer_starttls=False, offer_auth=False)
        assert not any("AUTH" in line for line in lines)
        with Client(lab.host, lab.port, security="starttls", context=lab.ssl_context()) as c:
            assert "AUTH" not in c.extensions.keywords
