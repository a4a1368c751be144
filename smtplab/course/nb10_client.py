"""Notebook 10's whole client, built by hand (exercise 3): the job it is given on the QQ
look-alike (:func:`job_for`), the run of the learner's client under a deadline, and the
judgments of what arrived (TLS, dot-stuffing, the empty line after the headers, the names
in From and To) that the review of the given client (:mod:`.nb10_review`) shares.
``smtplab.course.nb10`` is the public path of its names."""

from __future__ import annotations

import base64
from collections.abc import Callable
from email.utils import getaddresses
from typing import Any

from ..i18n import _
from ..lab import LabServer, ReceivedMessage
from . import nb10_texts as texts
from .harness import TRIED, Hint, Result, evaluate, work_of
from .labs import arrived, quick_lookalike, run_with_deadline
from .reading import text_lines, verb

__all__: list[str] = []  # public as smtplab.course.nb10 (job_for, QQ_PASSWORD, checks)

QQ_PASSWORD = "my-QQ-password-2024"
"""The made-up QQ password of the exercise's account: the look-alike refuses it (535)."""

BODY = (
    "Hello Li Si,\n.NET 8 is out, and so is this line.\n"  # i18n: keep the body sent (data)
    "..and this one.\nZhang San\n"
)
"""The body every check sends: two lines start with a dot, so dot-stuffing shows."""

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def job_for(lab: LabServer, **changes: Any) -> dict[str, Any]:
    """What the learner's client is asked to do on ``lab`` (a QQ look-alike): where to
    connect (its implicit-TLS port, its CA file), who logs in with which secret, who
    sends what to whom. ``job["qq_password"]`` is the QQ password the look-alike refuses."""
    job: dict[str, Any] = {
        "host": lab.host,
        "port": lab.tls_port,
        "cafile": lab.ca_path,
        "helo": "learner.example",
        "user": "student",
        "secret": lab.users["student"],
        "qq_password": QQ_PASSWORD,
        "from_name": "张三",
        "from_addr": "student@qq.com",
        "to_name": "李四",
        "to_addr": "friend@example.com",
        "subject": "Capstone",
        "body": BODY,
    }
    job.update(changes)
    return job


def short_error(error: BaseException) -> str:
    return " ".join(str(error).split())[:200]


# ----------------------------------------------------------- exercise 3: the whole client


def check_send_by_hand(send_by_hand: Callable[[dict[str, Any]], Any]) -> Result:
    """``send_by_hand(job)`` on the QQ look-alike: implicit TLS verified against the lab's
    CA (a second run with another CA must fail), EHLO, AUTH LOGIN with the authorization
    code, the message dot-stuffed with an encoded From name, QUIT."""
    exercise = _("a whole client by hand")
    with quick_lookalike("qq") as lab, LabServer() as stranger:
        wrong_ca = stranger.ca_path

        def attempt() -> object:
            value = run_client(send_by_hand, job_for(lab))
            return work_of(value, lab)

        def got_through(**changes: Any) -> bool:
            """Run the client again with ``changes`` to its job, where any refusal is
            right, and say whether it logged in or delivered all the same."""
            before = len(lab.sessions)
            run_with_deadline(lambda: send_by_hand(job_for(lab, **changes)), _DEADLINE)
            return any(s.auth_user for s in lab.sessions[before:]) or len(lab.inbox) > 1

        def verify(value: object) -> str:
            said = _judge_send(lab, value)
            if got_through(cafile=wrong_ca):
                raise Hint(_(texts.CA_NOT_VERIFIED))
            if got_through(host=_UNCOVERED_NAME):  # "127.1" is 127.0.0.1, a name not covered
                raise Hint(_(texts.NAME_NOT_VERIFIED).format(name=_UNCOVERED_NAME))
            return said

        return evaluate(exercise, attempt, verify, lab=lab, returns=_("the reply to the message"))


_UNCOVERED_NAME = "127.1"
"""A host name that reaches the lab (127.0.0.1, written short) but that its certificate
does not cover: a client that checks the name refuses the handshake there."""

_DEADLINE = 30.0
"""Seconds a learner's whole client may take before the check gives up on it."""


def run_client(function: Callable[[dict[str, Any]], Any], job: dict[str, Any]) -> Any:
    """Run the learner's client (at most :data:`_DEADLINE` seconds); its failure
    becomes a hint that names the reply."""
    finished = run_with_deadline(lambda: function(job), _DEADLINE)
    if finished is None:
        raise Hint(_(texts.STILL_RUNNING).format(deadline=f"{_DEADLINE:g}"))
    try:
        if finished.error is not None:
            raise finished.error
        return finished.value
    except NotImplementedError:
        raise
    except Exception as error:
        text = short_error(error)
        if "Helo command rejected" in text:  # i18n: keep the server's reply, matched
            raise Hint(_(texts.HELO_REJECTED)) from None
        if "authorization code" in text:
            raise Hint(_(texts.AUTHORIZATION_CODE)) from None
        if "CERTIFICATE_VERIFY_FAILED" in text:
            raise Hint(_(texts.TLS_FAILED).format(error=text)) from None
        if "send HELO first" in text or "send EHLO first" in text:  # i18n: keep replies matched
            raise Hint(_(texts.GREET_FIRST).format(reply=text)) from None
        raise  # the harness names it (and a strict lab's hang-up on a bare LF)


def received_message(lab: LabServer) -> ReceivedMessage:
    inbox = arrived(lab)
    if not inbox:
        raise Hint(_(texts.NO_MESSAGE))
    return inbox[-1]


def _judge_send(lab: LabServer, value: object) -> str:
    sessions = lab.sessions
    if not sessions:
        raise Hint(_("the look-alike saw no connection: connect to job['host'], job['port']."))
    session = sessions[-1]
    received = received_message(lab)
    if not received.tls:
        raise Hint(_(texts.MESSAGE_CAME_WITHOUT))
    body = body_lines(received)
    want = BODY.splitlines()
    if body[: len(want)] != want:
        raise Hint(dots_hint(body, want))
    if received.defects:
        raise Hint(separator_hint(received))
    judge_names(received)
    if "QUIT" not in session.commands():
        raise Hint(_(texts.NO_QUIT))
    if value is not TRIED:
        judge_returned_reply(session, value)
    return _(texts.SENT_BY_HAND)


def replies_of(session: Any) -> list[tuple[str, list[str]]]:
    """Each reply of the lab's log with what it answered: ("220", the greeting's lines),
    ("EHLO", ...), ("AUTH", ...), (".", the reply to the message) and so on."""
    replies: list[tuple[str, list[str]]] = []
    answered, last = _("the connection (the greeting)"), None
    for line in session.lines:
        if line.direction == "C" and line.kind != "body":
            answered = "." if line.kind == "dot" else "AUTH" if line.kind == "auth" else verb(line)
            last = None
        elif line.direction == "S":
            if last is None:
                last = (answered, [])
                replies.append(last)
            last[1].append(line.text.rstrip())
    return replies


def judge_returned_reply(session: Any, value: object) -> None:
    """The learner returned the lines the lab answered after the final '.' line (the
    reply to the message, RFC 5321 §4.1.1.4), not another reply."""
    lines = text_lines(value)
    got = None if lines is None else [line.rstrip() for line in lines]
    replies = replies_of(session)
    want = next((reply for answered, reply in replies if answered == "."), [])
    if got == want:
        return
    answered = " / ".join(dict.fromkeys(answered for answered, reply in replies if reply == got))
    if answered:  # "250 OK" answers MAIL and RCPT alike
        raise Hint(_(texts.OTHER_REPLY).format(got=got, answered=answered, want=want))
    raise Hint(_(texts.RETURN_REPLY).format(value=value, want=want))


def body_lines(received: ReceivedMessage) -> list[str]:
    data = received.data
    end = data.find(b"\r\n\r\n")
    body = data[end + 4 :] if end >= 0 else b""
    return body.decode("utf-8", "replace").splitlines()


def dots_hint(body: list[str], want: list[str]) -> str:
    return _(texts.DOTS).format(body=body[:4], want=want)


def separator_hint(received: ReceivedMessage) -> str:
    names = ", ".join(type(d).__name__ for d in received.defects)
    return _(texts.SEPARATOR).format(names=names)


def judge_names(received: ReceivedMessage) -> None:
    message = received.message
    head = received.data.split(b"\r\n\r\n", 1)[0]
    declared = received.smtputf8
    if not head.isascii() and not declared:
        raise Hint(_(texts.RAW_UTF8))
    for header, name, address in (
        ("From", "张三", "student@qq.com"),
        ("To", "李四", "friend@example.com"),
    ):
        raw = str(message.get(header, ""))
        pairs = getaddresses([raw])
        if not pairs or pairs[0][1] != address:
            raise Hint(_(texts.ADDRESS_LOST).format(header=header, raw=raw, address=address))
        if pairs[0][0] != name:
            shown = pairs[0][0] or raw
            raise Hint(_(texts.NOT_ENCODED_WORD).format(header=header, shown=shown, name=name))
