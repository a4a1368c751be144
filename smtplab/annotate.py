"""What each line of a session means: protocol events made into annotated entries.

The dialogue itself is :mod:`smtplab.protocol`'s: each event already says which command
a reply answers, what a line is (a command, an AUTH answer, the message), whether it is
secret, and the session's context at that moment. This module only puts that into words,
with the tables of :mod:`smtplab.notes`; nothing here tracks the dialogue again.

:func:`entry` is a pure function of one event and a small :class:`Memory` of what a
reader has already been told (the secrets seen, so a later line that repeats one is
hidden too; whether ``250-`` was explained once).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from . import notes, secrecy
from .auth import b64decode_text
from .data_encoding import dot_unstuff, shape_notes, split_lines
from .events import GREETING, Answer, Noise, Sent, TLSInfo, TLSStarted
from .extensions import describe_extension, format_size
from .i18n import _, ngettext
from .printable import printable as _visible
from .replies import EnhancedStatus, Reply, decode_reply_text, explain_code, explain_enhanced
from .secrecy import MASK, Secret

__all__: list[str] = []  # the transcript's machinery: read it through smtplab.Transcript


@dataclass(frozen=True, repr=False)
class Entry:
    """One thing in a transcript: a command, a reply, the message, TLS starting, a note.

    ``direction`` is ``"C"`` (client), ``"S"`` (server), ``"TLS"`` or ``"NOTE"``. ``raw``
    is the exact bytes (a reply's lines with their CRLF, a command line, the whole
    dot-stuffed message); for a secret entry it is a :class:`~smtplab.secrecy.Secret`,
    so the bytes cannot be printed or logged by accident. ``annotation`` is the one-line
    explanation; ``line_notes`` explains each line of a multi-line reply. ``shown`` is
    the part of a secret line that may be shown (``"AUTH PLAIN "``); ``masked`` the lines
    of an entry that repeats a secret, shown with the secret masked. ``phase`` is one of
    ``greeting``, ``ehlo``, ``tls``, ``auth``, ``envelope``, ``data``, ``message``,
    ``quit`` (the order a session usually goes through them) or ``other``.
    """

    direction: str
    raw: bytes | Secret
    time: float
    tls: bool
    phase: str
    annotation: str = ""
    secret: bool = False
    line_notes: tuple[str, ...] = ()
    shown: str = ""
    is_message: bool = False
    reply: Reply | None = None
    tls_info: TLSInfo | None = None
    masked: tuple[str, ...] = ()

    def summary(self, width: int = 72, scrub: Callable[[str], str] = str) -> str:
        """The entry in one short, masked line (for diagrams, timelines and reprs);
        ``scrub`` masks the secrets a reader knows before the line is shortened."""
        if self.direction == "NOTE":
            text = "# " + as_text(self.raw)
        elif self.direction == "TLS":
            text = _visible(tls_band(self.tls_info)) if self.tls_info else as_text(self.raw)
        elif self.is_message and isinstance(self.raw, bytes):
            text = _("message ({count} lines) + .").format(count=message_line_count(self.raw))
        elif isinstance(self.raw, Secret) and not self.masked:
            text = f"{self.shown}{MASK} {secrecy.hidden(self.raw.kind)}"
        else:
            lines = self.masked or split_lines(self.raw)  # type: ignore[arg-type]
            text = scrub(lines[0] if self.masked else display(lines[0])) if lines else ""
            if len(lines) > 1:
                more = len(lines) - 1
                lines_more = ngettext("(+{count} line)", "(+{count} lines)", more)
                text = f"{shorten(text, max(12, width - 14))} {lines_more.format(count=more)}"
        return shorten(scrub(text), width)

    def __repr__(self) -> str:
        if isinstance(self.raw, Secret):
            raw = f"<secret: {self.shown}{MASK} ({self.raw.kind} hidden)>"
        elif self.is_message:
            lines = message_line_count(self.raw)
            raw = f"<message: {len(self.raw)} bytes, {lines} lines + .>"  # i18n: keep repr
        else:
            raw = repr(self.raw) if len(self.raw) <= 120 else repr(self.raw[:117]) + "…"
        return (
            f"Entry({self.direction!r}, {raw}, phase={self.phase!r}, tls={self.tls}, "
            f"time={self.time:.6f}, annotation={self.annotation!r})"  # i18n: keep repr
        )


@dataclass
class Memory:
    """What a reader of the transcript has already been told, in order."""

    provider: str | None = None
    secrets: set[str] = field(default_factory=set, repr=False)  # never shown
    taught_multiline: bool = False
    phase: str = "other"

    def scrub(self, text: str) -> str:
        """``text`` with every secret seen so far masked (the rule of :mod:`.secrecy`)."""
        return secrecy.scrub(text, self.secrets)

    def repeats_secret(self, data: bytes) -> bool:
        """True when ``data`` carries a secret seen before."""
        return bool(self.secrets) and secrecy.repeats(decode_reply_text(data), self.secrets)


def entry(record: Sent | Answer | TLSStarted | Noise, memory: Memory) -> Entry:
    """The annotated entry of one protocol event."""
    if isinstance(record, Sent):
        made = _sent_entry(record, memory)
    elif isinstance(record, Answer):
        made = _reply_entry(record, memory)
    elif isinstance(record, TLSStarted):
        made = _tls_entry(record)
    else:
        text = _("the server sent bytes that are not SMTP: {error}").format(error=record.error)
        made = Entry("NOTE", memory.scrub(text).encode(), record.time, False, memory.phase)
    memory.phase = made.phase
    return made


def note_entry(text: str, time: float, tls: bool, memory: Memory) -> Entry:
    """A line of commentary from the driver (masked like everything else)."""
    text = memory.scrub(" ".join(text.splitlines()))  # lone surrogates kept
    return Entry("NOTE", text.encode("utf-8", "surrogatepass"), time, tls, memory.phase)


# --- lines the client sent ---------------------------------------------------------------


def _phase(role: str) -> str:
    if role in ("AUTH", "AUTH-RESPONSE"):
        return "auth"
    if role in ("MAIL-DATA", "MESSAGE-LINE"):
        return "message"
    if role == GREETING:
        return "greeting"
    return notes.COMMAND_PHASE.get(role, "other")


def _verb(role: str) -> str:
    """The name the tables use for the command a role stands for."""
    return {"MAIL-DATA": "MESSAGE", "": "?"}.get(role, role)


def _sent_entry(sent: Sent, memory: Memory) -> Entry:
    line, when, tls = _bytes(sent), sent.time, sent.context.tls
    if sent.role == "MESSAGE-LINE" or (
        sent.role == "MAIL-DATA" and line == b".\r\n" and sent.command is None
    ):
        return Entry("C", line, when, tls, "message", _typed_line_note(line))
    if sent.role == "MAIL-DATA":
        count = message_line_count(line)
        ending = _("ends with a lone dot") if ends_ok(line) else _("does NOT end with CRLF.CRLF")
        note = _("the message: {count} lines, {size}; {ending} · §4.1.1.4")
        note = note.format(count=count, size=size(len(line)), ending=ending)
        note += "".join(f"; {n}" for n in _message_notes(line, sent.context.smtputf8))
        return Entry("C", line, when, tls, "message", note, is_message=True)
    if sent.role == "AUTH-RESPONSE":
        return _auth_answer_entry(sent, memory)
    text = display(line)
    verb, _space, rest = text.partition(" ")
    verb = verb.upper()
    phase = notes.COMMAND_PHASE.get(verb, "other")
    parts = [*rest.split(), "", ""]
    mechanism, initial = parts[0].upper(), parts[1]
    if sent.role == "AUTH" and initial not in ("", "=") and sent.secret is not None:
        kind, note, reveal_note = _secret_answer(mechanism, initial, memory)
        lead = _("log in with {mechanism} at once: ").format(mechanism=mechanism)
        secret = Secret(line, kind, lead + reveal_note)
        shown = secrecy.auth_line_shown(text)
        return Entry("C", secret, when, tls, phase, lead + note, secret=True, shown=shown)
    if sent.secret:
        note = _("hidden: this line was marked secret")
        memory.secrets |= secrecy.forms_of(text, b64decode_text(text))
        return Entry("C", Secret(line, "password", note), when, tls, phase, note, secret=True)
    if sent.role == "AUTH":
        annotation = _auth_note(mechanism, initial)
    else:
        annotation = _command_note(verb, rest, sent)
    if sent.waiting == GREETING:
        annotation += "; " + _("sent before the greeting: too early (§3.1)")
    elif sent.waiting:
        pipelined = _("pipelined: sent before the reply to {command} · RFC 2920")
        annotation += "; " + pipelined.format(command=_verb(sent.waiting))
    annotation = _with_line_end_note(annotation, line)
    if memory.repeats_secret(line):
        hidden, masked = Secret(line, "secret", annotation), (memory.scrub(text),)
        note = f"{annotation}; {_(notes.REPEATS_NOTE)}"
        return Entry("C", hidden, when, tls, phase, note, secret=True, masked=masked)
    return Entry("C", line, when, tls, phase, annotation)


_SINGLE_DOT = re.compile(rb"(?:^|\r\n)\.(?!\.)")
_HEAD = 64 * 1024


def _message_notes(wire: bytes, smtputf8: bool) -> list[str]:
    """What to notice in a whole message as sent (dot-stuffed, ending ``.``): its shape
    (:func:`~smtplab.data_encoding.shape_notes`, read from its first 64 KiB) and the
    lines a server would cut a dot from. Nothing here copies a big message."""
    final = len(wire) - 3 if wire.endswith(b"\r\n.\r\n") else len(wire)
    found_notes = shape_notes(dot_unstuff(wire[: min(final, _HEAD)]), smtputf8=smtputf8)
    single = []
    for found in _SINGLE_DOT.finditer(wire):
        if found.end() > final or len(single) == 5:
            break
        single.append(str(wire.count(b"\n", 0, found.start()) + 1 + (found.start() > 0)))
    if single:
        found_notes.append(_(notes.SINGLE_DOT_NOTE).format(lines=", ".join(single)))
    return found_notes


def _typed_line_note(line: bytes) -> str:
    """A line of the message sent on its own after 354 (as in a telnet session)."""
    content = line.rstrip(b"\r\n")
    key = "end" if content == b"." else "empty" if not content else "line"
    if key == "line" and line.startswith(b".."):
        key = "stuffed"
    note = notes.TYPED_LINE_NOTE[key]
    if not line.endswith(b"\r\n") and line.endswith((b"\n", b"\r")):
        note += "; " + _("NOT ended by CRLF")
    return note


def _command_note(verb: str, rest: str, sent: Sent) -> str:
    context = sent.context
    if verb in ("EHLO", "HELO", "LHLO") and context.hellos > 1:
        if context.tls_since_hello:
            return _("again: TLS reset the session · RFC 3207 §4.2")
        return _("say hello again: this resets the session · §4.1.4")
    if verb in ("MAIL", "RCPT"):
        return _envelope_note(rest, "FROM" if verb == "MAIL" else "TO")
    if verb == "BDAT":
        chunk = _("a chunk of the message follows ({size}) · RFC 3030")
        return chunk.format(size=rest.strip() or "?")
    return notes.COMMAND_NOTE.get(verb) or _("not an SMTP command this kit knows")


def _auth_note(mechanism: str, initial: str) -> str:
    """The annotation of an AUTH line that carries no secret."""
    if not mechanism:
        return _("AUTH needs a mechanism name · RFC 4954")
    if not initial:
        return _("log in, mechanism {mechanism} · RFC 4954").format(mechanism=mechanism)
    if initial == "=":
        empty = _("log in with {mechanism}, empty initial response · RFC 4954")
        return empty.format(mechanism=mechanism)
    decoded = b64decode_text(initial)
    if mechanism == "LOGIN" and decoded is None:
        return _("log in with LOGIN, user name at once (not base64?)")
    if mechanism == "LOGIN":
        user = _('log in with LOGIN, user name at once: base64 of "{user}"')
        return user.format(user=_visible(decoded))
    what = _base64_of(decoded) if decoded is not None else _("not base64")
    return _("log in with {mechanism}: {what} · RFC 4422").format(mechanism=mechanism, what=what)


def _bytes(sent: Sent) -> bytes:
    return sent.data.reveal() if isinstance(sent.data, Secret) else sent.data


def _auth_answer_entry(sent: Sent, memory: Memory) -> Entry:
    line, when, tls = _bytes(sent), sent.time, sent.context.tls
    answer = display(line).strip()
    step = sent.context.auth
    mechanism = step.mechanism if step is not None else "?"
    if sent.secret is None:
        if answer == "*":
            note = _("* cancels the AUTH exchange · RFC 4954 §4")
        elif answer == "" and mechanism == "XOAUTH2":
            note = _("an empty answer (XOAUTH2: acknowledges the error)")
        elif answer == "":
            note = _("an empty answer")
        else:
            user = b64decode_text(answer)
            note = _base64_of(user) if user is not None else _("not base64 (?)")
        return Entry("C", line, when, tls, "auth", _with_line_end_note(note, line))
    kind, note, reveal_note = _secret_answer(mechanism, answer, memory)
    return Entry("C", Secret(line, kind, reveal_note), when, tls, "auth", note, secret=True)


def _secret_answer(mechanism: str, blob: str, memory: Memory) -> tuple[str, str, str]:
    """(kind, masked note, revealed note) for a secret AUTH answer; remembers its forms."""
    memory.secrets |= secrecy.secret_forms(mechanism, blob)
    decoded = b64decode_text(blob)
    revealed = _base64_of(decoded) if decoded is not None else _("(not base64 of text)")
    parts = secrecy.answer_parts(mechanism, decoded or "")  # who it names may be shown
    user = parts.user
    key, fields = mechanism, {"mechanism": mechanism}
    if mechanism == "PLAIN" and user is not None:
        key, fields = "plain user", {"authzid": _visible(parts.authzid), "user": _visible(user)}
    elif mechanism in ("XOAUTH2", "OAUTHBEARER"):
        key = "oauth user" if user else "oauth"
        fields = {"user": _visible(user or "")}
    elif mechanism == "CRAM-MD5":
        fields = {"user": f"{_visible(user)} " if user else ""}
    note = notes.SECRET_ANSWER_NOTE.get(key) or notes.SECRET_ANSWER_NOTE["other"]
    return secrecy.kind_of(mechanism), note.format(**fields), revealed


def _base64_of(text: str) -> str:
    """``base64 of "text"`` (control characters made visible), in the current language."""
    return _('base64 of "{text}"').format(text=_visible(text))


def _envelope_note(rest: str, keyword: str) -> str:
    """Explain ``MAIL FROM:<...> params`` or ``RCPT TO:<...> params``."""
    if keyword == "FROM":
        base = _("envelope sender (bounces go here) · §4.1.1.2")
    else:
        base = _("envelope recipient · §4.1.1.3")
    match = re.match(rf"(?i)^{keyword}:(\s*)<([^>]*)>(.*)$", rest.strip())
    if match is None:
        expected = _("expected {keyword}:<address> (§4.1.2)").format(keyword=keyword)
        return f"{base}; {expected}"
    space, address, params = match[1], match[2], match[3].split()
    found = [base]
    if space:
        found.append(_("a space after the colon: not allowed by §4.1.2 (many servers accept it)"))
    if keyword == "FROM" and address == "":
        found.append(_("<> is the null sender: used by bounces, so none comes back · §4.5.5"))
    if not address.isascii() and not any(p.upper() == "SMTPUTF8" for p in params):
        found.append(_("a non-ASCII address needs SMTPUTF8 · RFC 6531"))
    for param in params:
        name, _equals, value = param.partition("=")
        upper = name.upper()
        if upper == "SIZE" and value.isdigit():
            about = _("SIZE={value}: about {size} · RFC 1870")
            found.append(about.format(value=value, size=size(int(value))))
        else:
            known = notes.PARAM_NOTES.get(param.upper()) or notes.PARAM_NOTES.get(upper)
            found.append(known or _("{name}: a parameter of an extension").format(name=name))
    return "; ".join(found)


def _with_line_end_note(note: str, line: bytes) -> str:
    """Add a warning when a line does not end in CRLF (RFC 5321 §2.3.8)."""
    if line.endswith(b"\r\n"):
        return note
    warning = notes.LINE_END_NOTE[line[-1:] if line.endswith((b"\n", b"\r")) else b""]
    return f"{note}; {warning}" if note else warning


# --- replies -----------------------------------------------------------------------------


def _reply_entry(answer: Answer, memory: Memory) -> Entry:
    reply, verb = answer.reply, _verb(answer.role)
    raw = reply.raw or "".join(f"{line}\r\n" for line in str(reply).split("\n")).encode()
    texts = [display(line) for line in split_lines(raw)] or [str(reply)]
    phase = "auth" if reply.code == 334 else _phase(answer.role)
    if reply.code == 334:
        step = answer.context.auth
        found = [_challenge_note(reply, step.mechanism if step else "?")]
    elif answer.role in ("EHLO", "LHLO") and reply.is_success and len(texts) > 1:
        found = _ehlo_notes(answer, texts, memory)
    else:
        found = [_reply_note(verb, reply, memory.provider)]
        if len(texts) > 1:
            found = _multiline_notes(reply, texts, found[0], memory)
    if answer.unsolicited and reply.code != 421:  # a 421 explains itself (it closes)
        found[0] = f"{found[0]}; {_(notes.UNSOLICITED_NOTE)}"
    tls = answer.context.tls
    line_notes = tuple(found) if len(texts) > 1 else ()
    if memory.repeats_secret(raw):
        safe = Reply.from_text(reply.code, *(memory.scrub(line) for line in reply.lines))
        hidden, masked = Secret(raw, "secret", found[0]), tuple(map(memory.scrub, texts))
        note = f"{found[0]}; {_(notes.REPEATS_NOTE)}"
        return Entry(
            "S", hidden, answer.time, tls, phase, note, True, line_notes, reply=safe, masked=masked
        )
    return Entry("S", raw, answer.time, tls, phase, found[0], line_notes=line_notes, reply=reply)


def _challenge_note(reply: Reply, mechanism: str) -> str:
    challenge = reply.text.strip()
    if not challenge:
        return _("an empty challenge: send your answer now (base64)")
    decoded = b64decode_text(challenge)
    if decoded is None:
        return _("334: go on with AUTH (this text is not base64 of text)")
    note = _base64_of(shorten(decoded, 60))
    if mechanism == "CRAM-MD5":
        return note + _(": the challenge to sign · RFC 2195")
    if mechanism == "XOAUTH2" and decoded.lstrip().startswith("{"):
        return note + _(": the token was refused; answer with an empty line")
    return note


def _reply_note(verb: str, reply: Reply, provider: str | None) -> str:
    code = reply.code
    if verb == GREETING:
        what = notes.GREETING_NOTE.get(reply.klass, meaning(code))
        greeting = _("greeting: {what} ({klass}xx) · RFC 5321 §3.1")
        return greeting.format(what=what, klass=reply.klass)
    if reply.is_success:
        if verb == "EHLO":
            return _("hello: no extensions offered")
        if verb in ("AUTH", "AUTH-RESPONSE") and code == 235 and reply.enhanced:
            return _("logged in ({status})").format(status=short_enhanced(reply.enhanced))
        if verb in ("AUTH", "AUTH-RESPONSE") and code == 235:
            return _("logged in")
        return notes.SUCCESS_NOTE.get(verb) or meaning(code)
    if verb == "DATA" and code == 354:
        return _("3xx: go on: send the message, end it with a lone dot")
    if reply.is_intermediate:
        return f"{code}: {meaning(code)}"
    return _failure_note(verb, reply, provider)


def _failure_note(verb: str, reply: Reply, provider: str | None) -> str:
    from .providers import explain_failure  # its tables load on the first failure

    known = explain_failure(reply, provider=provider)
    note = first_clause(known.advice) if known else _address_note(verb, reply)
    if note is None:
        note = notes.FAILURE_NOTE.get((verb, reply.code))
    if note is None:
        note = meaning(reply.code)
        if reply.enhanced is not None and str(reply.enhanced) not in notes.ENHANCED_SHORT:
            note = f"{note} · {short_enhanced(reply.enhanced)}"
    if reply.is_transient:
        note += _(" (4xx: temporary, retry later)")
    return note


def _address_note(verb: str, reply: Reply) -> str | None:
    """The note for a refused MAIL/RCPT address that its enhanced code decides (5.6.7...)."""
    if verb not in ("MAIL", "RCPT") or reply.enhanced is None:
        return None
    status = str(reply.enhanced)
    return notes.ADDRESS_NOTE.get((verb, status)) or notes.ADDRESS_NOTE.get((None, status))


def _multiline_notes(reply: Reply, texts: list[str], first: str, memory: Memory) -> list[str]:
    count = number(len(texts))
    found = [_("one reply, {count} lines: {first}").format(count=count, first=first)]
    found += [""] * (len(texts) - 1)
    if not memory.taught_multiline:
        memory.taught_multiline = True
        taught = _('one reply, {count} lines ("{code}-" = more follows): {first}')
        found[0] = taught.format(count=count, code=reply.code, first=first)
        found[-1] = _last_line(reply.code)
    return found


def _ehlo_notes(answer: Answer, texts: list[str], memory: Memory) -> list[str]:
    reply, context = answer.reply, answer.context
    count = number(len(texts))
    extensions = [t[4:] for t in texts[1:]]
    earlier = context.earlier_hello
    teach = not memory.taught_multiline
    memory.taught_multiline = True
    seen: frozenset[str] = frozenset()
    gone: list[str] = []
    if teach:
        first = _('one reply, {count} lines: "{code}-" = more follows')
    elif earlier is None:
        first = _("one reply, {count} lines: the server's name, then its extensions")
    else:
        earlier_lines = [display(line)[4:] for line in split_lines(earlier.raw)][1:]
        seen = frozenset(line.upper() for line in earlier_lines)
        gone = sorted({_keyword(e) for e in earlier_lines} - {_keyword(e) for e in extensions})
        first = _("one reply, {count} lines: the extensions again")
    found = [first.format(count=count, code=reply.code)]  # the server's words come after
    if gone:
        found[0] += "; " + _("{gone} no longer offered").format(gone=", ".join(gone))
    for extension in extensions:
        if extension.upper() in seen:
            found.append("")
            continue
        keyword, _space, params = extension.partition(" ")
        if "=" in keyword and keyword.upper().startswith("AUTH="):
            keyword, params = "AUTH=", keyword[5:] + " " + params
        note = describe_extension(keyword, params.strip())
        if earlier is not None:
            inside_tls = keyword.upper() == "AUTH" and context.tls and not context.earlier_tls
            news = _("offered only now, inside TLS") if inside_tls else _("new")
            note = f"{note}; {news}"
        found.append(note)
    if teach:
        last = _last_line(reply.code)
        found[-1] = f"{last}; {found[-1]}" if found[-1] else last
    return found


def _last_line(code: int) -> str:
    return _('"{code} " = last line').format(code=code)


def _keyword(extension: str) -> str:
    return extension.split(" ", 1)[0].split("=", 1)[0].upper()


def _tls_entry(started: TLSStarted) -> Entry:
    info = started.info
    if info is None or info.verified:
        how = _("implicit TLS, RFC 8314") if started.implicit else "STARTTLS, RFC 3207"
        note = _("from here on, everything is encrypted · {how}").format(how=how)
    else:
        note = _(notes.TLS_UNCHECKED_NOTE)
    band = (tls_band(info) if info else "══ TLS ══").encode("utf-8", "surrogatepass")
    return Entry("TLS", band, started.time, True, "tls", note, tls_info=info)


def tls_band(info: TLSInfo) -> str:
    """The one line that marks the TLS moment in a transcript."""
    if info.verified:
        check = _("certificate verified")
        if info.server_name:
            check = _("certificate for {name} verified").format(name=info.server_name)
        if info.issuer:
            check += _(" (issuer: {issuer})").format(issuer=info.issuer)
    else:
        check = _(notes.TLS_UNCHECKED_BAND)
    return f"══ {tls_version(info.version)} · {info.cipher} · {check} ══"


# --- words and text ------------------------------------------------------------------------


def meaning(code: int) -> str:
    """The short meaning of a reply code (from :func:`smtplab.replies.explain_code`)."""
    return _without_aside(explain_code(code).removeprefix(f"{code}: "))


def short_enhanced(status: EnhancedStatus) -> str:
    """A short explanation of an RFC 3463 code."""
    return notes.ENHANCED_SHORT.get(str(status)) or _without_aside(explain_enhanced(status))


def _without_aside(text: str) -> str:
    """``text`` without a closing ``" (...)"`` aside (the reply class, the subject)."""
    shorter = text[: text.rfind(" (")] if text.endswith(")") and " (" in text else ""
    return shorter or text


def first_clause(text: str, limit: int = 120) -> str:
    """The start of a sentence up to its first ':', ';' or '.' outside brackets (in Chinese
    text: its first '：', '；' or '。' outside brackets, with or without a space after)."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1, "（": 1, "）": -1}.get(char, 0)
        stop = char in "：；。" or (char in ":;." and text[i + 1 : i + 2] in (" ", ""))
        if depth == 0 and stop:
            return shorten(text[:i], limit)
    return shorten(text, limit)


def number(n: int) -> str:
    """``n`` in words up to nine."""
    return _(notes.NUMBERS[n]) if 0 <= n < len(notes.NUMBERS) else str(n)


def size(octets: int) -> str:
    """``octets`` in bytes (in the current language), KiB, MiB or GiB."""
    if octets >= 1 << 10:
        return format_size(octets)
    return ngettext("{count} byte", "{count} bytes", octets).format(count=octets)


def tls_version(version: str) -> str:
    """``TLSv1.3`` as ``TLS 1.3``."""
    match = re.fullmatch(r"TLSv(\d)(?:\.(\d))?", version.strip())
    return f"TLS {match[1]}.{match[2] or '0'}" if match else version


def display(line: bytes) -> str:
    """One line as text: without its line end, decoded, control characters made visible."""
    return _visible(decode_reply_text(line.removesuffix(b"\n").removesuffix(b"\r")))


def as_text(raw: bytes | Secret) -> str:
    """The bytes of a note or a TLS band (this module's UTF-8, lone surrogates kept) as
    text with controls made visible, or the mask for a secret."""
    return MASK if isinstance(raw, Secret) else _visible(raw.decode("utf-8", "surrogatepass"))


def ends_ok(raw: bytes) -> bool:
    """True when a message ends with the end-of-data line."""
    return raw.endswith(b"\r\n.\r\n") or raw == b".\r\n"


def message_line_count(raw: bytes) -> int:
    """How many lines the message has, the final dot line not counted."""
    end = len(raw) - 3 if ends_ok(raw) else len(raw)
    count = raw.count(b"\n", 0, end)
    return count + 1 if end > 0 and raw[end - 1 : end] != b"\n" else count


def width(text: str) -> int:
    """How many columns ``text`` takes in a terminal (CJK characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` columns, ending with … when it was cut."""
    if width(text) <= limit:
        return text
    used = 0
    for end, char in enumerate(text):
        used += width(char)
        if used >= limit:
            return text[:end] + "…"
    return "…"
