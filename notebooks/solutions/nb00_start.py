"""Reference solutions for notebook 00 · Start here."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from smtplab.lab import LabServer


def send_first(lab: LabServer) -> dict:
    """Send one message from Alice to Bob and Carol with smtplib; return what
    send_message returned (the refused recipients: none)."""
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = "bob@example.com, carol@example.com"
    msg["Subject"] = "My first message"
    msg.set_content("Hello, both of you.\n")
    with smtplib.SMTP(lab.host, lab.port, local_hostname="learner.example") as smtp:
        return smtp.send_message(msg)


def outcome(code: int) -> str:
    """What a reply code says, by its first digit (RFC 5321 §4.2.1)."""
    return {2: "done", 3: "go on", 4: "retry later", 5: "give up"}[code // 100]
