"""Look inside a message: envelope vs headers, each header raw and decoded, the MIME tree.

:func:`anatomy` takes any message apart: a :class:`~smtplab.message.Draft`, an
``EmailMessage`` (or a compat32 ``Message``), or the bytes a server received. This module
also answers what the rest of smtplab asks of any message: the envelope ``smtplib`` would
derive from its headers (:func:`envelope_from_headers`), whether an address needs
SMTPUTF8 (:func:`needs_smtputf8`), and its bytes as written, refused when a header would
inject a line (:func:`serialize`). Encoded words are read by :mod:`smtplab.encoded_words`.

Part of the sans-I/O core: it reads messages and never touches the network.
"""

from __future__ import annotations

import contextlib
import email
import email.utils
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email import policy as _policy
from email.message import EmailMessage, Message
from typing import Protocol, runtime_checkable

from . import encoded_words
from . import message_texts as texts
from .data_encoding import RAW_UTF8_HEADERS, has_8bit, header_section
from .errors import LocalProtocolError
from .i18n import N_, _
from .styles import ANATOMY_STYLE

__all__ = ["anatomy"]

#: ``email.policy.SMTP`` (CRLF line endings) that keeps header lines as they were written
#: (``refold_source="none"``): smtplab folds its own headers correctly, and a parsed
#: message goes back on the wire byte for byte.
SMTP_POLICY = _policy.SMTP.clone(refold_source="none")
#: The same for internationalised messages (RFC 6532: raw UTF-8 in headers).
SMTPUTF8_POLICY = _policy.SMTPUTF8.clone(refold_source="none")

ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc")
_RESENT_ADDRESS_HEADERS = tuple(f"Resent-{name}" for name in ADDRESS_HEADERS if name != "Reply-To")
FIELD_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 §2.2: printable ASCII except ':'


@runtime_checkable
class Enveloped(Protocol):
    """A message with its envelope: what a :class:`smtplab.message.Draft` is here."""

    @property
    def message(self) -> EmailMessage: ...
    @property
    def mail_from(self) -> str: ...
    @property
    def recipients(self) -> tuple[str, ...]: ...
    @property
    def smtputf8(self) -> bool: ...


def anatomy(
    msg: EmailMessage | Message | Enveloped | bytes | str,
    *,
    mail_from: str | None = None,
    rcpt_tos: Sequence[str] = (),
) -> Anatomy:
    """Take a message apart: envelope vs headers, each header raw and decoded, the MIME tree.

    The envelope is ``mail_from``/``rcpt_tos`` when you give them (say, from the lab's
    inbox), else the :class:`~smtplab.message.Draft`'s, else derived from the headers as
    ``smtplib.send_message`` would. A message object is shown as it would be written out,
    *with* a Bcc header if it has one (so you can see it; ``to_bytes`` drops it).
    """
    if isinstance(rcpt_tos, str):
        rcpt_tos = [rcpt_tos]
    source = "given" if (mail_from is not None or rcpt_tos) else "none"
    if isinstance(msg, Enveloped):
        if source == "none":
            mail_from, rcpt_tos, source = msg.mail_from, msg.recipients, "draft"
        msg = msg.message
    if isinstance(msg, str):
        msg = msg.encode("utf-8")
    if isinstance(msg, (bytes, bytearray, memoryview)):
        data = bytes(msg)
    elif isinstance(msg, Message):
        data = serialize(msg)
    else:
        raise LocalProtocolError(_(texts.CANNOT_TAKE_APART).format(kind=type(msg).__name__))
    parsed = email.message_from_bytes(data, policy=_policy.default)
    if source == "none":
        with contextlib.suppress(LocalProtocolError):  # then the envelope stays unknown
            mail_from, rcpt_tos = envelope_from_headers(parsed)
            source = "headers"
    headers = _raw_headers(data)

    def addresses(name: str) -> tuple[str, ...]:
        values = [h.value for h in headers if h.name.lower() == name.lower()]
        return tuple(a for _, a in email.utils.getaddresses(values) if a)

    envelope = [a for a in (mail_from, *rcpt_tos) if a]
    header_addresses = [a for h in ("From", "To", "Cc") for a in addresses(h)]
    return Anatomy(
        mail_from=mail_from,
        rcpt_tos=tuple(rcpt_tos),
        envelope_source=source,
        headers=tuple(headers),
        header_from=addresses("From"),
        header_to=addresses("To"),
        header_cc=addresses("Cc"),
        header_bcc=addresses("Bcc"),
        parts=tuple(_mime_parts(parsed)),
        size=len(data),
        smtputf8=not all(a.isascii() for a in (*envelope, *header_addresses)),
        eight_bit=not data.isascii(),
        defects=tuple(type(d).__name__ for part in parsed.walk() for d in part.defects),
        header_8bit=has_8bit(header_section(data)[0]),
    )


@dataclass(frozen=True)
class HeaderField:
    """One header field as on the wire (``raw``, folding kept) and decoded (``decoded``)."""

    name: str
    raw: str
    decoded: str

    @property
    def value(self) -> str:
        """The raw value, unfolded (without the name and the colon)."""
        unfolded = encoded_words.FOLD.sub("", self.raw)
        return unfolded.split(":", 1)[1].strip() if ":" in unfolded else unfolded

    @property
    def is_encoded(self) -> bool:
        """True when decoding changed something (encoded words)."""
        return self.decoded != self.value


@dataclass(frozen=True)
class MimePart:
    """One node of the MIME tree.

    ``path`` numbers it like IMAP does (``"1.2"``; ``""`` for the message itself);
    ``encoded_size`` is the size of the body as sent, ``decoded_size`` after undoing
    the transfer encoding (both 0 for a multipart container).

    ``filename`` is the file name decoded; ``filename_param`` the parameter(s) as
    written (``filename*=utf-8''%E6%8A%A5...``) and ``filename_form`` how a name that is
    not plain ASCII was written: ``"RFC 2231"`` (the standard, and what Python's email
    package writes), ``"RFC 2047 in quotes"`` (``filename="=?utf-8?b?...?="``: common,
    but RFC 2047 §5 forbids encoded words in quoted strings and MIME parameters) or
    ``"UTF-8 (RFC 6532)"`` (raw UTF-8, for SMTPUTF8 messages); None for plain ASCII.
    """

    path: str
    depth: int
    content_type: str
    charset: str | None
    transfer_encoding: str | None
    disposition: str | None
    filename: str | None
    encoded_size: int
    decoded_size: int
    is_multipart: bool
    # Not in the repr: a MimePart's repr stays what notebooks have saved.
    filename_param: str | None = field(default=None, repr=False)
    filename_form: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        """One line: type, charset, encoding, file name, sizes."""
        bits = [self.content_type]
        if self.charset:
            bits.append(f"charset={self.charset}")
        if self.is_multipart:
            return "  ".join(bits)
        if self.transfer_encoding:
            bits.append(self.transfer_encoding)
        if self.disposition:
            bits.append(self.disposition)
        if self.filename:
            bits.append(f"filename={self.filename!r}")
            if self.filename_form:
                bits.append(f"[{self.filename_form}: {self.filename_param}]")
        size = f"{self.encoded_size:,} bytes"
        if self.decoded_size != self.encoded_size:
            size += f" ({self.decoded_size:,} decoded)"
        bits.append(size)
        return "  ".join(bits)


@dataclass(frozen=True)
class Anatomy:
    """What a message is made of, for a learner to look at.

    ``mail_from``/``rcpt_tos`` are the envelope; ``envelope_source`` says where it came
    from: ``"given"`` (you passed it), ``"draft"`` (the Draft's envelope), ``"headers"``
    (derived from the headers as ``smtplib.send_message`` does) or ``"none"``.
    ``header_from``/``header_to``/``header_cc``/``header_bcc`` are the addresses in those
    headers; ``defects`` the names of what Python's parser found wrong (e.g.
    ``MissingHeaderBodySeparatorDefect``), ``header_8bit`` whether the headers hold raw
    8-bit bytes. Print it for text, or let Jupyter show it as a table.
    """

    mail_from: str | None
    rcpt_tos: tuple[str, ...]
    envelope_source: str
    headers: tuple[HeaderField, ...]
    header_from: tuple[str, ...]
    header_to: tuple[str, ...]
    header_cc: tuple[str, ...]
    header_bcc: tuple[str, ...]
    parts: tuple[MimePart, ...]
    size: int
    smtputf8: bool
    eight_bit: bool
    # Not in the repr: notebooks show an Anatomy's repr as its text/plain output.
    defects: tuple[str, ...] = field(default=(), repr=False)
    header_8bit: bool = field(default=False, repr=False)

    @property
    def hidden_recipients(self) -> tuple[str, ...]:
        """Envelope recipients that no To or Cc header shows: the blind copies."""
        return addresses_not_in(self.rcpt_tos, (*self.header_to, *self.header_cc))

    @property
    def unaddressed(self) -> tuple[str, ...]:
        """Addresses in To or Cc that are not in the envelope: they will get nothing."""
        if self.envelope_source == "none":
            return ()
        return addresses_not_in((*self.header_to, *self.header_cc), self.rcpt_tos)

    @property
    def sender_differs(self) -> bool:
        """True when MAIL FROM is not the From address (legal: bounces go to MAIL FROM)."""
        if self.mail_from is None or not self.header_from:
            return False
        return bool(addresses_not_in([self.mail_from], self.header_from))

    def header(self, name: str) -> HeaderField | None:
        """The first header field called *name* (any case), or None."""
        return next((item for item in self.headers if item.name.lower() == name.lower()), None)

    def notes(self) -> list[str]:
        """Plain sentences about what is worth noticing in this message."""
        hidden, unaddressed = ", ".join(self.hidden_recipients), ", ".join(self.unaddressed)
        raw_utf8, full_stop = _(RAW_UTF8_HEADERS), _(".")
        hint = texts.DEFECT_HINTS.get(self.defects[0], "") if self.defects else ""
        notes = {
            _(texts.NOTE_BLIND_COPIES).format(hidden=hidden): hidden,
            _(texts.NOTE_UNADDRESSED).format(unaddressed=unaddressed): unaddressed,
            _(texts.NOTE_SENDER_DIFFERS).format(mail_from=self.mail_from): self.sender_differs,
            _(texts.NOTE_BCC_HEADER): self.header_bcc,
            _(texts.NOTE_NON_ASCII): self.smtputf8,
            _(texts.NOTE_8BIT): self.eight_bit and not self.smtputf8 and not self.header_8bit,
            f"{raw_utf8[0].upper()}{raw_utf8[1:]}{full_stop}": self.header_8bit
            and not self.smtputf8,
            _("Python's parser found defects: {defects}").format(defects=", ".join(self.defects))
            + (_(hint) if hint else full_stop)
            + _(" (message.defects in the lab's inbox)"): self.defects,
        }
        return [note for note, applies in notes.items() if applies]

    # -- text ------------------------------------------------------------------------------

    def __str__(self) -> str:
        out: list[str] = []
        source = self.envelope_source
        source = _(texts.ENVELOPE_SOURCE[source]) if source != "given" else ""
        out.append(_("ENVELOPE - what the servers deliver by{source}").format(source=source))
        out.append(f"  MAIL FROM: <{self.mail_from or ''}>")
        hidden = set(self.hidden_recipients)
        for index, rcpt in enumerate(self.rcpt_tos):
            label = "  RCPT TO:   " if index == 0 else "             "
            mark = _("   <- not in To/Cc (Bcc)") if rcpt in hidden else ""
            out.append(f"{label}<{rcpt}>{mark}")
        out.append("")
        out.append(
            _("HEADERS - what the recipients see ({count} fields)").format(count=len(self.headers))
        )
        for item in self.headers:
            out.extend("  " + line for line in item.raw.replace("\r\n", "\n").split("\n"))
            if item.is_encoded:
                out.append(_("      decoded: {decoded}").format(decoded=item.decoded))
        out.append("")
        out.append(_("MIME TREE - {size} bytes in all").format(size=f"{self.size:,}"))
        out.extend(_tree_lines(self.parts))
        notes = self.notes()
        if notes:
            out.append("")
            out.append(_("NOTES"))
            out.extend(f"  * {note}" for note in notes)
        return "\n".join(out)

    # -- HTML ------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        import html

        esc, css = html.escape, ANATOMY_STYLE
        table = f"<table style='{css['table']}'>"

        def row(*cells: str) -> str:  # "th:text" is a heading cell, "td:text" a data cell
            tags = (cell.split(":", 1) for cell in cells)
            style = f"style='{css['cell']}'"
            return (
                "<tr>"
                + "".join(f"<{t} {style}>{text}</{t.split()[0]}>" for t, text in tags)
                + "</tr>"
            )

        hidden = set(self.hidden_recipients)
        title = esc(_("not in To/Cc: a blind copy"), quote=True)
        blind = f"<span style='{css['blind']}' title='{title}'>"  # i18n: keep HTML
        rcpts = "<br>".join(
            (blind if a in hidden else "<span>") + f"&lt;{esc(a)}&gt;</span>" for a in self.rcpt_tos
        )
        shown = "<br>".join(
            f"{label} {esc(a)}"
            for label, group in (("To:", self.header_to), ("Cc:", self.header_cc))
            for a in group
        )
        envelope = (
            row(
                "th colspan='2':" + _("Envelope (servers deliver by it)"),
                "th colspan='2':" + _("Headers (people read them)"),
            )
            + row(
                "th:MAIL FROM",  # i18n: keep the command's name
                f"td:<code>&lt;{esc(self.mail_from or '')}&gt;</code>",
                "th:From:",
                f"td:<code>{esc(', '.join(self.header_from))}</code>",
            )
            + row(
                "th:RCPT TO",  # i18n: keep the command's name
                f"td:<code>{rcpts}</code>",
                "th:To/Cc",
                f"td:<code>{shown}</code>",
            )
        )
        pre = f"<pre style='{css['raw']}'>"
        headers = row("th:" + _("Header"), "th:" + _("As sent"), "th:" + _("Decoded")) + "".join(
            row(
                f"td:<b>{esc(h.name)}</b>",
                f"td:{pre}{esc(h.raw.replace(chr(13) + chr(10), chr(10)))}</pre>",
                f"td:{esc(h.decoded) if h.is_encoded else ''}",
            )
            for h in self.headers
        )
        tree = esc("\n".join(_tree_lines(self.parts, indent="")))
        notes = "".join(f"<li>{esc(n)}</li>" for n in self.notes())
        return (
            f"<div style='{css['view']}'>{table}{envelope}</table>"  # i18n: keep HTML
            f"{table}{headers}</table>"
            + _("<div><b>MIME tree</b> ({size} bytes)</div>").format(size=f"{self.size:,}")
            + f"<pre style='{css['tree']}'>{tree}</pre>"  # i18n: keep HTML
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


# --------------------------------------------------------------------------------------------
# What any message says about its envelope and its bytes


def envelope_from_headers(msg: Message | Enveloped) -> tuple[str, list[str]]:
    """Derive the envelope from the headers, as ``smtplib.send_message`` does.

    The sender is the address of ``Sender`` if there is one, else of ``From``; the
    recipients are the addresses in ``To``, ``Bcc`` and ``Cc`` (in that order, as smtplib).
    Unlike smtplib, an address named twice is returned once.

    When the message was *resent* (it has exactly one ``Resent-Date``, RFC 5322 §3.6.6),
    the ``Resent-Sender``/``Resent-From`` and ``Resent-To``/``Resent-Bcc``/``Resent-Cc``
    fields are used instead: a resent message goes to the new recipients, not the original
    ones. Several Resent- blocks are ambiguous and refused, as smtplib refuses them.

    A :class:`~smtplab.message.Draft` already knows its envelope; it is returned as it is.
    """
    return envelope_sender(msg), envelope_recipients(msg)


def envelope_sender(msg: Message | Enveloped) -> str:
    """The sender half of :func:`envelope_from_headers` (the recipients' headers unread)."""
    if isinstance(msg, Enveloped):
        return msg.mail_from
    prefix = _resent_prefix(msg)
    senders = _addresses(msg, [f"{prefix}Sender"]) or _addresses(msg, [f"{prefix}From"])
    if not senders:
        _unreadable(msg, [f"{prefix}Sender", f"{prefix}From"], N_("envelope sender (from_addr)"))
        raise LocalProtocolError(_(texts.NO_SENDER_HEADER).format(name=f"{prefix}From"))
    return senders[0]


def envelope_recipients(msg: Message | Enveloped) -> list[str]:
    """The recipients half of :func:`envelope_from_headers` (the sender's headers unread)."""
    if isinstance(msg, Enveloped):
        return list(msg.recipients)
    prefix = _resent_prefix(msg)
    recipients = _addresses(msg, names := [f"{prefix}To", f"{prefix}Bcc", f"{prefix}Cc"])
    if not recipients:
        _unreadable(msg, names, N_("recipients (to_addrs)"))
    return list(unique_addresses(recipients))


def _resent_prefix(msg: Message) -> str:
    check_header_fields(msg)  # an injected line is what to report, whatever the parser reads
    resent = msg.get_all("Resent-Date") or []
    if len(resent) > 1:
        raise LocalProtocolError(_(texts.SEVERAL_RESENT))
    return "Resent-" if resent else ""


def _unreadable(msg: Message, names: list[str], what: str) -> None:
    """Raise if a header of ``names`` is written but Python's parser reads no address in it
    (since 3.13 and 3.12.6/3.11.10/3.10.15 it reads a malformed list as none at all)."""
    for name, value in [(n, str(v)) for n in names for v in msg.get_all(n, []) if str(v).strip()]:
        raise LocalProtocolError(
            _(texts.UNREADABLE_ADDRESS).format(name=name, value=repr(value[:80]), what=_(what))
        )


def needs_smtputf8(msg: Message | Enveloped) -> bool:
    """True when an address in the message's headers has a non-ASCII character (RFC 6531)."""
    if isinstance(msg, Enveloped):
        return msg.smtputf8
    names = (*ADDRESS_HEADERS, *_RESENT_ADDRESS_HEADERS)
    return not all(address.isascii() for address in _addresses(msg, names))


def serialize(msg: Message) -> bytes:
    """The bytes of *msg* as written for SMTP (SMTPUTF8 when an address needs it), after
    refusing header fields that would inject a line (see :func:`check_header_fields`)."""
    check_header_fields(msg)
    policy = SMTPUTF8_POLICY if needs_smtputf8(msg) else SMTP_POLICY
    return msg.as_bytes(policy=policy)


# A line break that does not fold (CR not followed by LF, LF not followed by a space or
# tab) would start a new header line, or end the header section, in the bytes sent.
_BAD_HEADER_BREAK = re.compile(r"\r(?!\n)|\n(?![ \t])|\x00")


def check_header_fields(msg: Message) -> None:
    """Refuse header fields (of the message and of every MIME part) that would inject.

    :func:`~smtplab.message.compose` and ``EmailMessage`` refuse CR/LF when a header is set, but a
    ``Message`` built the compat32 way (``email.message.Message``, ``MIMEText``) keeps the
    value as given, and the standard library writes it out as it is (before Python 3.13,
    3.12.5 and 3.11.10): ``msg["Subject"] = "hi\\r\\nBcc: x@evil.example"`` would send a
    second header line. Folding (a line break followed by a space or a tab) is allowed.
    """
    for part in msg.walk():
        for name, value in part.raw_items():
            if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
                raise LocalProtocolError(_(texts.BAD_HEADER_NAME_SENT).format(name=repr(name)))
            text = value if isinstance(value, str) else str(value)
            found = _BAD_HEADER_BREAK.search(text)
            if found is not None:
                what = _(texts.LINE_BREAKS.get(found.group(), texts.A_LINE_BREAK))
                raise LocalProtocolError(
                    _(texts.INJECTED_LINE_BREAK).format(
                        name=name, what=what, position=found.start(), value=repr(text[:80])
                    )
                )


def _addresses(msg: Message, names: Iterable[str]) -> list[str]:
    found: list[str] = []
    for name in names:
        for value in msg.get_all(name, []):
            parsed = getattr(value, "addresses", None)  # a headerregistry address header
            if parsed is not None:
                found.extend(a.addr_spec for a in parsed if a.username or a.domain)
            else:
                found.extend(a for _, a in email.utils.getaddresses([str(value)]) if a)
    return found


def address_key(address: str) -> str:
    """``local@domain`` with the domain in lower case: two spellings of one mailbox match."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def addresses_not_in(addresses: Iterable[str], others: Iterable[str]) -> tuple[str, ...]:
    """The addresses that ``others`` does not name (by :func:`address_key`), in the order
    given: the blind copies are the envelope recipients that no To or Cc header names."""
    named = {address_key(a) for a in others}
    return tuple(a for a in addresses if address_key(a) not in named)


def unique_addresses(addresses: Iterable[str]) -> tuple[str, ...]:
    """Each address once (by :func:`address_key`), in the order given."""
    first: dict[str, str] = {}
    for address in addresses:
        first.setdefault(address_key(address), address)
    return tuple(first.values())


# --------------------------------------------------------------------------------------------
# Taking bytes apart


def _raw_headers(data: bytes) -> list[HeaderField]:
    block = header_section(data)[0]  # to the empty line, or to a line that is no header
    fields: list[list[str]] = []
    for line in re.split(rb"\r?\n", block):
        text = line.decode("utf-8", "replace")
        if text[:1] in (" ", "\t") and fields:
            fields[-1].append(text)
        elif text:
            fields.append([text])
    out: list[HeaderField] = []
    for raw in ("\r\n".join(lines) for lines in fields):
        name, _, value = raw.partition(":")
        out.append(HeaderField(name.strip(), raw, decoded=encoded_words.decode(value.strip())))
    return out


def _mime_parts(part: Message, path: str = "", depth: int = 0) -> Iterator[MimePart]:
    """``part`` and the parts inside it, depth first (the order of ``Message.walk``)."""
    multipart = part.is_multipart()
    if multipart:
        encoded = decoded = 0
    else:
        payload = part.get_payload()
        raw = payload if isinstance(payload, str) else ""
        encoded = len(raw.encode("utf-8", "surrogateescape"))
        body = part.get_payload(decode=True)
        decoded = len(body) if isinstance(body, bytes) else encoded
    cte = part.get("Content-Transfer-Encoding")
    cte = str(cte).strip().lower() if cte else (None if multipart else "7bit")
    param, form = _filename_param(part)
    filename = part.get_filename()
    if filename and form == "RFC 2047 in quotes" and "=?" in filename:  # i18n: keep a form name
        filename = encoded_words.decode(filename)  # a compat32 message leaves it encoded
    yield MimePart(
        path=path,
        depth=depth,
        content_type=part.get_content_type(),
        charset=part.get_content_charset(),
        transfer_encoding=cte,
        disposition=part.get_content_disposition(),
        filename=filename,
        encoded_size=encoded,
        decoded_size=decoded,
        is_multipart=multipart,
        filename_param=param,
        filename_form=form,
    )
    if multipart:
        for index, child in enumerate(part.get_payload(), start=1):
            yield from _mime_parts(child, f"{path}.{index}" if path else str(index), depth + 1)


# A file name parameter as written: filename="...", filename*=..., filename*0*=... (RFC
# 2231 §3, §4), or name= in Content-Type (the older form).
_NAME_PARAM = re.compile(
    r'(?:^|;)\s*((?:file)?name(?:\*\d+)?\*?\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;\s]*))', re.I
)


def _filename_param(part: Message) -> tuple[str | None, str | None]:
    """The file name parameter(s) of ``part`` as written, and the form of a non-ASCII name."""
    found: dict[str, list[str]] = {}
    for name, value in part.raw_items():
        if name.lower() in ("content-disposition", "content-type"):
            if hasattr(value, "fold"):  # a header object of a message built in Python
                text = value.fold(policy=SMTP_POLICY).split(":", 1)[1]
            else:
                text = str(value)
            text = re.sub(r"\r?\n[ \t]+", " ", text)  # unfolded (RFC 5322 §2.2.3)
            for match in _NAME_PARAM.finditer(text):
                found.setdefault(name.lower(), []).append(match[1])
    params = found.get("content-disposition") or found.get("content-type")
    if not params:
        return None, None
    written = "; ".join(params)
    if "*=" in written.replace(" ", ""):
        return written, "RFC 2231"
    if encoded_words.runs(written):
        return written, "RFC 2047 in quotes"  # i18n: keep a form name, compared in code
    if not written.isascii():
        return written, "UTF-8 (RFC 6532)"
    return written, None


def _tree_lines(parts: Sequence[MimePart], indent: str = "  ") -> list[str]:
    """The MIME tree drawn with ``├──``/``└──``: a part's path (``"1.2"``) says where it is."""
    paths = {part.path for part in parts}

    def has_next(path: str) -> bool:  # is a later sibling of this part in the tree?
        parent, _, number = path.rpartition(".")
        return (f"{parent}." if parent else "") + str(int(number) + 1) in paths

    lines: list[str] = []
    for part in parts:
        steps = part.path.split(".") if part.path else []
        ancestors = (".".join(steps[:depth]) for depth in range(1, len(steps)))
        prefix = "".join("│   " if has_next(path) else "    " for path in ancestors)
        if steps:
            prefix += "├── " if has_next(part.path) else "└── "
        lines.append(indent + prefix + part.describe())
    return lines
