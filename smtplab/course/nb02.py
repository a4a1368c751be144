"""Notebook 02 (a whole conversation by hand): :func:`transcript_of` draws a session
typed on a raw socket; the checks judge a whole conversation, the reply classes and a
body line starting with a dot from what the lab received (its log and inbox)."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Any

from ..i18n import N_, _
from ..lab import LabServer, LabSession, LogLine
from ..protocol import ReplyParser
from ..transcript import Transcript
from .harness import Hint, Result, Trial, evaluate, raised_hint, untouched
from .labs import LEARNER_TIMEOUT, ReplyReader, on_a_connection
from .nb00 import OUTCOMES, former_word_hint, is_outcome_word, same_word
from .reading import as_text, refuse_str_sent, require_line_end, show, text_lines, verb

__all__ = ["check_conversation", "check_dot_line", "check_what_next", "transcript_of"]

SENDER = "alice@example.com"
RECIPIENT = "bob@example.com"
SUBJECT = "Hello by hand"  # i18n: keep the Subject the exercise asks the learner to send
ELLIPSIS_BODY = b"Hi Bob,\r\n...and that is all.\r\nAlice\r\n"


# ------------------------------------------------------------------------------ the picture


def transcript_of(session: LabSession) -> Transcript:
    """The lab's log of one session as an annotated transcript (``.diagram()`` draws it)."""
    transcript = Transcript()
    parser = ReplyParser()
    body = b""
    for line in session.lines:
        if line.direction == "S":
            parser.feed(line.raw)
            for reply in parser:
                transcript.record_received(reply, time=line.time)
        elif line.kind == "body":
            body = line.raw
        elif line.kind == "dot":
            transcript.record_sent(body + line.raw, is_message=True, time=line.time)
            body = b""
        else:
            transcript.record_sent(line.raw, time=line.time)
    if body:
        transcript.record_sent(body, is_message=True)
    return transcript


# -------------------------------------------------------- what went wrong in a conversation


def _commands(trial: Trial) -> list[LogLine]:
    return [line for line in trial.received() if line.kind == "command"]


_REPLY_HINTS = (  # (a piece of the lab's reply text, the hint: translated where used)
    (
        "send HELO first",  # i18n: keep the lab's reply text, matched
        N_(
            "the server answered {reply!r}: after the greeting, say HELO "
            "learner.example before MAIL FROM."
        ),
    ),
    (
        "Syntax: HELO",
        N_("the server answered {reply!r}: give your name after HELO, 'HELO learner.example'."),
    ),
    (
        "Syntax: MAIL",
        N_(
            "the server answered {reply!r}: write MAIL FROM:<alice@example.com>, "
            "with the colon right after FROM and the address in angle brackets "
            "(RFC 5321 §4.1.1.2)."
        ),
    ),
    (
        "Bad sender address syntax",  # i18n: keep the lab's reply text, matched
        N_(
            "the server answered {reply!r}: MAIL FROM: is followed at once by the sender's "
            "address in angle brackets (RFC 5321 §4.1.2). A lenient server may have let your "
            "line through; hardened ones refuse it, as this check's lab does."
        ),
    ),
    (
        "Bad recipient address syntax",  # i18n: keep the lab's reply text, matched
        N_(
            "the server answered {reply!r}: RCPT TO: is followed at once by the recipient's "
            "address in angle brackets (RFC 5321 §4.1.2). A lenient server may have let your "
            "line through; hardened ones refuse it, as this check's lab does."
        ),
    ),
    (
        "Syntax: RCPT",
        N_(
            "the server answered {reply!r}: write RCPT TO:<bob@example.com>, one "
            "address per RCPT TO line, in angle brackets (RFC 5321 §4.1.1.3)."
        ),
    ),
    (
        "need MAIL",
        N_(
            "the server answered {reply!r}: RCPT TO came before MAIL FROM. The order "
            "is HELO, MAIL FROM, RCPT TO, DATA."
        ),
    ),
    (
        "need RCPT",
        N_(
            "the server answered {reply!r}: DATA came before any accepted RCPT TO. "
            "Name the recipient first."
        ),
    ),
    ("nested MAIL", N_("the server answered {reply!r}: one MAIL FROM per message.")),
    (
        "bad syntax",
        N_(
            "the server answered {reply!r} to an empty line: send no empty line "
            "outside the message (an extra \\r\\n is an empty command)."
        ),
    ),
)


def diagnose(trial: Trial) -> None:
    """Raise a :class:`Hint` for the usual mistakes of a hand-made conversation."""
    error = trial.error
    refuse_str_sent(error)
    received = trial.received()
    if not received:
        raise Hint(
            _(
                "the server received nothing: send each command with sock.sendall(...) on the "
                "socket your function receives, starting with HELO learner.example after "
                "reading the greeting."
            )
        )
    for line in _commands(trial):
        require_line_end(line, _("every command"))
    lines = trial.lines
    for index, line in enumerate(lines):
        if line.direction == "C" and line.kind == "command" and verb(line) == "DATA":
            early = []
            for later in lines[index + 1 :]:
                if later.direction == "S":
                    break
                early.append(later)
            if early:
                raise Hint(
                    _(
                        "you sent {sent} right after DATA, before the server "
                        "answered '354 ...'. Wait for the 354 reply (\"go ahead\"), then send "
                        "the message (RFC 5321 §4.1.1.4)."
                    ).format(sent=show(early[0].raw))
                )
    for reply in trial.sent():
        for marker, template in _REPLY_HINTS:
            if marker in reply:
                raise Hint(_(template).format(reply=reply))
        if reply.startswith("500") and "not recognized" in reply:
            raise Hint(
                _(
                    "the server answered {reply!r}: it read a line as a command. Lines of your "
                    "message count as message only after the server said 354, and up to the "
                    "lone dot; check the order, and that the dot ends the message."
                ).format(reply=reply)
            )
    _diagnose_message(trial)


_BARE_LF_DOT = re.compile(rb"(?<!\r)\n\.(\r?\n|$)|\r\n\.\n")
"""A lone dot with a bare LF before or after it: not the end of a message."""


_HUNG_UP = N_(
    " The lab answered 521 and hung up, as hardened servers do since SMTP smuggling "
    "(Postfix: smtpd_forbid_bare_newline); a lenient server may have let it through."
)


def _diagnose_message(trial: Trial) -> None:
    lines = trial.lines
    hung_up = any("Error: bare <" in text for text in trial.sent())
    body = next((line for line in lines if line.kind == "body"), None)
    if hung_up and body is not None and _BARE_LF_DOT.search(body.raw):
        raise Hint(
            _(
                "you ended the message with a bare LF ('\\n.\\n'). The end is a line holding "
                "only a dot, with CR LF around it (RFC 5321 §4.1.1.4); servers that disagree "
                "about '\\n.\\n' are what SMTP smuggling exploits."
            )
            + _(_HUNG_UP)
        )
    if hung_up and body is not None:
        raise Hint(
            _(
                "some lines of your message end with \\n only (a bare LF). Inside a message "
                "too, every line ends with \\r\\n (RFC 5321 §2.3.8)."
            )
            + _(_HUNG_UP)
        )
    body = next((line for line in lines if line.kind == "body"), None)
    dot = any(line.kind == "dot" for line in lines)
    got_354 = any(text.startswith("354") for text in trial.sent())
    if body is not None and not dot:
        raw = body.raw
        if _BARE_LF_DOT.search(raw):
            raise Hint(
                _(
                    "the server is still waiting for the end of the message: you ended it with "
                    "a bare LF ('\\n.\\n'). The end is a line holding only a dot, with CR LF "
                    "around it: b'\\r\\n.\\r\\n' (RFC 5321 §4.1.1.4). Servers that disagree "
                    "about '\\n.\\n' are what SMTP smuggling exploits."
                )
            )
        if raw.endswith(b"\r\n.") or raw == b".":
            raise Hint(
                _(
                    "the server is still waiting for the end of the message: you sent the lone "
                    "dot, but not the CRLF after it. A line is finished only by its \\r\\n: "
                    "end the message with b'\\r\\n.\\r\\n'."
                )
            )
        if raw.endswith(b".\r\n"):
            raise Hint(
                _(
                    "the server is still waiting for the end of the message: your dot is at "
                    "the end of a line of text, not alone on a line of its own. End the "
                    "message with b'\\r\\n.\\r\\n' (the last line of text ends with "
                    "\\r\\n, then '.\\r\\n')."
                )
            )
        raise Hint(
            _(
                "the server is still waiting for the end of the message: after the message, "
                "send a line holding only a dot, b'.\\r\\n' (the message itself ends with "
                "\\r\\n, so the end looks like b'\\r\\n.\\r\\n')."
            )
        )
    if got_354 and body is None and not dot:
        raise Hint(
            _(
                "the server said 354 but received no message: after 354 send the headers, an "
                "empty line, the body, and a line holding only a dot."
            )
        )
    if body is not None:
        raw = body.raw
        bare = raw.replace(b"\r\n", b"")
        if b"\n" in bare:
            raise Hint(
                _(
                    "some lines of your message end with \\n only (a bare LF). Inside a message "
                    "too, every line ends with \\r\\n (RFC 5321 §2.3.8); servers may refuse "
                    "bare LFs or handle them differently, which is what SMTP smuggling exploits."
                )
            )


def _final_reply(trial: Trial) -> str | None:
    """The server's reply to the final dot, if it sent one."""
    after_dot = False
    for line in trial.lines:
        if line.kind == "dot":
            after_dot = True
        elif after_dot and line.direction == "S":
            return line.text
    return None


def check_returned_reply(trial: Trial) -> str:
    """The learner returned the reply to the final dot; return it (or raise a Hint)."""
    commands = _commands(trial)
    if not commands or verb(commands[-1]) != "QUIT":
        raise Hint(
            _(
                "the message arrived, but you did not say goodbye: end with QUIT and read the "
                "221 reply (RFC 5321 §4.1.1.10)."
            )
        )
    final = _final_reply(trial)
    if trial.value is None:  # it forgot to return: the work alone is judged
        return final or ""
    lines = text_lines(trial.value)
    if lines is None:
        raise Hint(
            _("return the server's reply to the final dot (bytes or str), not a {kind}.").format(
                kind=type(trial.value).__name__
            )
        )
    first = lines[0].strip() if lines else ""
    if final is not None and first == final:
        return final
    if first.startswith("354"):
        raise Hint(
            _(
                "you returned {first!r}, the reply to DATA: your replies are one step behind "
                "the commands, so one reply was never read. Did you read the greeting before "
                "sending HELO (the server speaks first, RFC 5321 §3.1), and the 354 after DATA? "
                "Read exactly one reply after each step."
            ).format(first=first)
        )
    if first.startswith("221"):
        raise Hint(
            _(
                "you returned {first!r}, the reply to QUIT. Return the reply to the final dot "
                "({final!r})."
            ).format(first=first, final=final)
        )
    returned = as_text(trial.value)
    raise Hint(
        _("the server answered {final!r} to the final dot, but you returned {returned!r}.").format(
            final=final, returned=returned
        )
    )


def _unexplained_error(trial: Trial) -> None:
    error = trial.error
    if error is None:
        return
    if isinstance(error, TimeoutError):
        raise Hint(
            _(
                "your code waited for a reply that never came. Look at what the server "
                "received: every command must end with \\r\\n, and read exactly one reply "
                "per command."
            )
        )
    raise Hint(raised_hint(error))


# -------------------------------------------------------------- exercise 1: a conversation


def check_conversation(send_by_hand: Callable[[socket.socket], object]) -> Result:
    """Exercise 1: one whole conversation on a fresh socket; returns the reply to the dot."""
    return evaluate(
        _("Exercise 1 (a whole conversation)"),
        lambda: on_a_connection(lambda trial: send_by_hand(trial.sock)),
        _verify_conversation,
        returns=_("the server's reply to the lone dot"),
    )


def _verify_envelope(trial: Trial) -> Any:
    inbox = trial.lab.inbox
    if not inbox:
        _unexplained_error(trial)
        raise Hint(
            _(
                "no message arrived. The steps: read the greeting, HELO, MAIL FROM, RCPT TO, "
                "DATA (wait for 354), the message, the lone dot, QUIT, reading one reply after "
                "each step."
            )
        )
    if len(inbox) > 1:
        raise Hint(_("{count} messages arrived; send exactly one.").format(count=len(inbox)))
    message = inbox[0]
    if message.mail_from.lower() != SENDER:
        raise Hint(
            _("the envelope sender is {got!r}: send MAIL FROM:<{want}>.").format(
                got=message.mail_from, want=SENDER
            )
        )
    if [r.lower() for r in message.rcpt_tos] != [RECIPIENT]:
        raise Hint(
            _("the envelope recipients are {got!r}: send RCPT TO:<{want}>, once.").format(
                got=message.rcpt_tos, want=RECIPIENT
            )
        )
    return message


def _verify_conversation(trial: Any) -> str:
    diagnose(trial)
    message = _verify_envelope(trial)
    _unexplained_error(trial)
    subject = str(message.message.get("Subject", "")).strip()
    if subject != SUBJECT:
        # the header's name stays as it is (a protocol token): outside the translated text
        if subject:
            found = _("the {header} is {got!r}").format(header="Subject", got=subject)
        else:
            found = _("the message has no {header}").format(header="Subject")
        raise Hint(
            _(
                "the message arrived, but {found}. Start the message with the header line "
                "'{header}: {want}' (with From: and To: if you like), then an empty line, then "
                "the body."
            ).format(found=found, header="Subject", want=SUBJECT)
        )
    final = check_returned_reply(trial)
    return _(
        "the lab received your message from {sender} to {recipient}, {header} "
        "{want!r}, and answered {final!r}. You sent an e-mail by hand!"
    ).format(sender=SENDER, recipient=RECIPIENT, header="subject", want=SUBJECT, final=final)


# ---------------------------------------------------------------- exercise 2: reply classes

WHAT_NEXT = OUTCOMES  # the series' words: done, go on, retry later, give up (notebook 00)


def _collect_replies() -> list[str]:
    """Real replies from a lab: one or more of each class, in the order a session sees them."""
    with LabServer() as lab:
        lab.fail("MAIL", "452 4.3.1 Insufficient system storage, try again later", times=1)
        lab.fail("RCPT", "451 4.7.1 Greylisted, try again later", times=1, address="carol@*")
        lab.fail("RCPT", "450 4.2.1 Mailbox busy, try again later", times=1, address="dave@*")
        lab.fail("RCPT", "550 5.1.1 No such user", address="nobody@*")
        lab.fail("DATA_END", "554 5.7.1 Message refused as spam", times=1)
        sock = socket.create_connection((lab.host, lab.port), timeout=LEARNER_TIMEOUT)
        reader = ReplyReader(sock)
        replies = [reader.reply()]
        script = [
            b"HELO learner.example",
            b"RCPT TO:<bob@example.com>",
            b"MAIL FROM:<alice@example.com>",
            b"MAIL FROM:<alice@example.com>",
            b"RCPT TO:<carol@example.com>",
            b"RCPT TO:<dave@example.com>",
            b"RCPT TO:<nobody@example.com>",
            b"RCPT TO:<bob@example.com>",
            b"VRFY bob",
            b"DATA",
            b"Subject: hi\r\n\r\nhi\r\n.",
            b"HELLO",
            b"QUIT",
        ]
        for command in script:
            sock.sendall(command + b"\r\n")
            replies.append(reader.reply())
        sock.close()
    return [reply for reply in replies if reply is not None]


def check_what_next(what_next: Callable[[str], object]) -> Result:
    """Exercise 2: ``what_next(reply)`` gives the reply class from its first digit."""

    def attempt() -> Any:
        answers = [(reply, what_next(reply)) for reply in _collect_replies()]
        return None if untouched(answer for _reply, answer in answers) else answers

    return evaluate(_("Exercise 2 (what next?)"), attempt, _verify_what_next)


def _verify_what_next(answers: Any) -> str:
    for reply, answer in answers:
        want = WHAT_NEXT[int(reply[0])]
        if same_word(answer, want):
            continue
        former = former_word_hint(answer, _("for {reply!r} you said").format(reply=reply), want)
        if former is not None:
            raise Hint(former)
        if answer is not None and not is_outcome_word(answer):
            raise Hint(
                _(
                    "for {reply!r} you returned {answer!r}; return one of 'done', 'go on', "
                    "'retry later', 'give up'."
                ).format(reply=reply, answer=answer)
            )
        klass = reply[0]
        if klass == "4":
            raise Hint(
                _(
                    "for {reply!r} you said {answer!r}. A 4xx reply is a temporary failure: "
                    "nothing is wrong with the command, the same command may work later "
                    "('retry later'; greylisting works this way). Only 5xx means 'give up'."
                ).format(reply=reply, answer=answer)
            )
        if klass == "3":
            raise Hint(
                _(
                    "for {reply!r} you said {answer!r}. A 3xx reply means the server waits for "
                    "more from you ('go on': 354 after DATA asks for the message)."
                ).format(reply=reply, answer=answer)
            )
        if klass == "2" and reply[:3] != "250":
            raise Hint(
                _(
                    "for {reply!r} you said {answer!r}. Every 2xx reply means 'done', not only "
                    "250: look at the first digit of the code, not at the whole code."
                ).format(reply=reply, answer=answer)
            )
        if klass == "5" and reply[:3] != "550":
            raise Hint(
                _(
                    "for {reply!r} you said {answer!r}. Every 5xx reply is a permanent failure, "
                    "not only 550: repeating the same command will fail again, so 'give up' (or "
                    "fix the command and send it again; notebook 07 tells the two apart)."
                ).format(reply=reply, answer=answer)
            )
        raise Hint(
            _(
                "for {reply!r} you said {answer!r}, but the first digit {klass} means {want!r}."
            ).format(reply=reply, answer=answer, klass=klass, want=want)
        )
    codes = sorted({reply[:3] for reply, _answer in answers})
    return _(
        "right for all {count} replies the lab sent ({codes}): the first "
        "digit tells you what to do next."
    ).format(count=len(answers), codes=", ".join(codes))


# ------------------------------------------------------------------ exercise 3: a dot line


def check_dot_line(send_ellipsis: Callable[[socket.socket], object]) -> Result:
    """Exercise 3: a message whose body has a line starting with '.' arrives intact."""
    return evaluate(
        _("Exercise 3 (a line that starts with a dot)"),
        lambda: on_a_connection(lambda trial: send_ellipsis(trial.sock)),
        _verify_dot_line,
        returns=_("the server's reply to the lone dot"),
    )


def _verify_dot_line(trial: Any) -> str:
    diagnose(trial)
    message = _verify_envelope(trial)
    _unexplained_error(trial)
    data = message.data
    body = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else data
    if body != ELLIPSIS_BODY:
        if body == ELLIPSIS_BODY.replace(b"...and", b"..and"):
            raise Hint(
                _(
                    "the body arrived as 'Hi Bob,' / '..and that is all.' / 'Alice': the server "
                    "removed the first dot of your line. A line of the message that starts with "
                    "'.' must be sent with one more '.' in front ('....and that is all.'); the "
                    "server removes it again. This is dot-stuffing (RFC 5321 §4.5.2; notebook 06)."
                )
            )
        raise Hint(
            _(
                "the body arrived as {got!r}; it should be {want!r}: the three lines, "
                "each ending with \\r\\n, after the headers and an empty line."
            ).format(got=body, want=ELLIPSIS_BODY)
        )
    final = check_returned_reply(trial)
    return _(
        "the body arrived with its line '...and that is all.' intact: you sent it as "
        "'....and that is all.' and the server removed the extra dot. It answered {final!r}."
    ).format(final=final)
