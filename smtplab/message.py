"""Messages: compose one, and turn it into the bytes SMTP carries.

This module is part of the sans-I/O core: it builds messages and never touches the
network (the one file access is reading an attachment you name by its path).

Two things travel in an SMTP transaction, and learners mix them up (RFC 5321 §2.3.1):

* the **envelope**: ``MAIL FROM:<...>`` and one ``RCPT TO:<...>`` per recipient. The servers
  deliver by it;
* the **message** after ``DATA``: header fields (``From:``, ``To:``, ``Subject:``...) and a
  body (RFC 5322). People read it. Nothing forces the two to agree.

:func:`compose` therefore returns a :class:`Draft`, a message *and* its envelope: ``Bcc``
recipients are in the envelope only and never in a header, so there is nothing to strip and
nothing to leak. :func:`~smtplab.anatomy.anatomy` (importable from here too) shows the
split, each header raw and decoded, and the MIME tree.

Non-ASCII text
    Display names and subjects are written as RFC 2047 *encoded words*
    (``张三`` becomes ``=?utf-8?b?5byg5LiJ?=``), folded so that no line is longer than 78
    characters. smtplab encodes and folds these itself: the standard library's folder drops
    the space between two words when it folds a long non-ASCII subject (a CPython bug), and a
    teaching kit must round-trip exactly. Addresses are never encoded: an address with a
    non-ASCII character (``用户@例子.广告``) makes the draft an *internationalised* message
    (RFC 6531/6532): its policy is ``email.policy.SMTPUTF8``, the address goes raw in UTF-8,
    and the client must send ``MAIL FROM:<...> SMTPUTF8`` (:attr:`Draft.mail_options`) to a
    server that advertises SMTPUTF8.

Bodies
    By default a body is 7-bit clean: ``7bit`` for short ASCII lines, otherwise
    ``quoted-printable`` or ``base64``, whichever is shorter. ``body_encoding="8bit"`` sends
    UTF-8 as it is, which needs ``BODY=8BITMIME`` (RFC 6152) on ``MAIL FROM``.
"""

from __future__ import annotations

import copy
import email.utils
import itertools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, Message, MIMEPart
from pathlib import Path
from typing import NamedTuple

from . import encoded_words
from . import message_texts as texts
from .anatomy import (
    ADDRESS_HEADERS,
    FIELD_NAME,
    SMTP_POLICY,
    SMTPUTF8_POLICY,
    addresses_not_in,
    serialize,
    unique_addresses,
)
from .anatomy import Anatomy as Anatomy
from .anatomy import HeaderField as HeaderField
from .anatomy import MimePart as MimePart
from .anatomy import anatomy as anatomy
from .anatomy import envelope_from_headers as envelope_from_headers
from .anatomy import needs_smtputf8 as needs_smtputf8
from .data_encoding import choose_transfer_encoding
from .encoded_words import decode as decode_header_value
from .errors import LocalProtocolError
from .i18n import N_, _

__all__ = ["anatomy", "decode_header_value"]

QP_LINE_LIMIT = 76  # RFC 2045 §6.7: encoded lines of quoted-printable are at most 76 long
MAX_LINE = 78  # RFC 5322 §2.1.1: lines SHOULD be at most 78 characters (MUST: 998)
ENCODED_LINE = 76  # RFC 2047 §2: a header line that holds an encoded word, at most 76
_WORD_BYTES = 36  # UTF-8 bytes per encoded word: "=?utf-8?b?" + 48 + "?=" = 60 characters
# In a display name, up to 45 bytes (72 characters, the most RFC 2047's 75 allows): the
# standard library's address parser puts a space between two encoded words of one name
# (RFC 2047 §6.2 says to drop it; mail programs do), so names up to 15 CJK characters stay
# in one word and read back exactly everywhere.
_PHRASE_WORD_BYTES = 45

_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+")
_LOCAL_PART = re.compile(r"(?:[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]|[^\x00-\x7f])+")
_LABEL = r"(?:[A-Za-z0-9]|[^\x00-\x7f])(?:[A-Za-z0-9-]|[^\x00-\x7f])*"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f.:IPv]+\]")
_ANGLE_FORM = re.compile(r"\s*(.*?)\s*<([^<>]*)>\s*", re.DOTALL)
_ADDRESS_FIELDS = {name.lower() for name in ADDRESS_HEADERS}  # headers= values read as addresses
# One address of a list: a comma inside quotes or angle brackets does not end it.
_ADDRESS_ITEM = re.compile(r'(?:"[^"]*"|<[^>]*>|[^,])+')

PathLike = str | os.PathLike[str]


# --------------------------------------------------------------------------------------------
# Checks


def _refuse_line_breaks(what: str, value: str) -> None:
    """Refuse CR, LF and NUL: inside a header they would start a new header (injection)."""
    for char, name in texts.LINE_BREAKS.items():
        if char in value:
            raise LocalProtocolError(
                _(texts.LINE_BREAK_REFUSED).format(what=_(what), name=_(name), value=repr(value))
            )
    for char in value:
        if (ord(char) < 0x20 and char != "\t") or ord(char) == 0x7F:
            raise LocalProtocolError(
                _(texts.CONTROL_CHARACTER).format(what=_(what), char=repr(char), value=repr(value))
            )


class _Mailbox(NamedTuple):
    """One parsed address: an optional display name and ``local@domain``."""

    name: str
    local: str
    domain: str

    @property
    def address(self) -> str:
        return f"{self.local}@{self.domain}"


def _parse_mailbox(what: str, text: str) -> _Mailbox:
    """Parse ``alice@example.com`` or ``Alice <alice@example.com>``, refusing anything odd."""
    if not isinstance(text, str):
        raise LocalProtocolError(_(texts.NOT_A_STRING).format(what=_(what), text=repr(text)))
    _refuse_line_breaks(what, text)
    match = _ANGLE_FORM.fullmatch(text)
    if match:
        name, address = match.group(1), match.group(2).strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    else:
        name, address = "", text.strip()
    local, at, domain = address.rpartition("@")
    if "," in address or (" " in address and address.count("@") > 1):
        problem = texts.SEVERAL_ADDRESSES
    elif not at:
        problem = texts.NO_AT
    elif not local or not domain:
        problem = texts.NO_LOCAL_OR_DOMAIN
    elif not all(_LOCAL_PART.fullmatch(piece) for piece in local.split(".")):
        problem = texts.BAD_LOCAL_PART
    elif not _DOMAIN.fullmatch(domain):
        problem = texts.BAD_DOMAIN
    else:
        return _Mailbox(name, local, domain)
    fields = {"what": _(what), "text": repr(text), "local": repr(local), "domain": repr(domain)}
    raise LocalProtocolError(_(problem).format(**fields))


def _mailboxes(what: str, value: str | Sequence[str]) -> list[_Mailbox]:
    items = [value] if isinstance(value, str) else list(value)
    return [_parse_mailbox(what, item) for item in items]


# --------------------------------------------------------------------------------------------
# RFC 2047 encoded words and folding


def _needs_encoding(token: str) -> bool:
    return (
        not (token.isascii() and token.isprintable())  # beyond ASCII, or a control character
        or "=?" in token
        or "?=" in token
        or len(token) > MAX_LINE - 2
    )


def _unstructured_tokens(text: str) -> list[str]:
    """The tokens of an unstructured value (Subject...), joined later by single spaces.

    ASCII words stay readable; each run of words that needs encoding becomes encoded words
    carrying its inner spaces, so decoding gives back exactly *text*.
    """
    words = text.split(" ")
    encode = [_needs_encoding(word) for word in words]
    # Empty words (from runs of spaces) between two encoded runs are encoded with them:
    # decoders drop the white space between two encoded words (RFC 2047 §6.2).
    for i, word in enumerate(words):
        if word == "" and not encode[i] and i > 0 and encode[i - 1]:
            j = next((j for j in range(i, len(words)) if words[j] or encode[j]), len(words))
            if j < len(words) and encode[j]:
                encode[i:j] = [True] * (j - i)
    tokens: list[str] = []
    for encoded, run in itertools.groupby(
        zip(words, encode, strict=True), key=lambda pair: pair[1]
    ):
        chunk = [word for word, _ in run]
        tokens.extend(encoded_words.encode(" ".join(chunk), _WORD_BYTES) if encoded else chunk)
    return tokens


def encode_header_value(value: str) -> str:
    """Write *value* as an unstructured header value (like Subject) in RFC 2047 form.

    ASCII words stay as they are; runs of words with non-ASCII characters become
    ``=?utf-8?b?...?=`` encoded words (base64 of the UTF-8 bytes, at most 36 bytes each).

    >>> encode_header_value("Hello 张三")
    'Hello =?utf-8?b?5byg5LiJ?='
    """
    _refuse_line_breaks(N_("the header value"), value)
    return " ".join(_unstructured_tokens(value))


def _fold(name: str, tokens: Sequence[str]) -> str:
    """Join *tokens* with single spaces, folding (CRLF before a space) to keep lines <= 78,
    and <= 76 for a line that holds an encoded word (RFC 2047 §2).

    Returns the value as ``Message.set_raw`` stores it: continuation lines start with a
    space, and unfolding (deleting each CRLF) gives back ``" ".join(tokens)``. An encoded
    word too long for the first line, after ``Name: ``, starts on the second.
    """
    lines: list[str] = []
    line: str | None = None
    encoded = False  # the line being filled holds an encoded word
    width = len(name) + 2  # "Name: "
    for token in tokens:
        word = token.startswith("=?")  # plain tokens with "=?" are encoded (_needs_encoding)
        limit = ENCODED_LINE if encoded or word else MAX_LINE
        if line is None and word and width + len(token) > ENCODED_LINE:
            lines.append("")
            line, width, encoded = " " + token, 0, True
        elif line is None:
            line, encoded = token, word
        elif token and width + len(line) + 1 + len(token) > limit and line.strip():
            lines.append(line)
            line, width, encoded = " " + token, 0, word
        else:
            line, encoded = line + " " + token, encoded or word
    lines.append(line or "")
    return "\r\n".join(lines)


def _phrase_tokens(name: str) -> list[str]:
    """A display name as tokens: atoms, a quoted string, or encoded words."""
    if not name:
        return []
    if name.isascii() and "=?" not in name and "?=" not in name:
        if all(_ATEXT.fullmatch(word) for word in name.split(" ")):
            tokens = name.split(" ")
        else:
            tokens = ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']
        if all(len(token) <= MAX_LINE - 2 for token in tokens):  # longer: cannot be folded
            return tokens
    return encoded_words.encode(name, _PHRASE_WORD_BYTES)


def _address_tokens(boxes: Sequence[_Mailbox]) -> list[str]:
    tokens: list[str] = []
    for index, box in enumerate(boxes):
        part = _phrase_tokens(box.name)
        part.append(f"<{box.address}>" if part else box.address)
        if index < len(boxes) - 1:
            part[-1] += ","
        tokens.extend(part)
    return tokens


# --------------------------------------------------------------------------------------------
# Bodies and attachments


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name, its bytes and (optionally) its content type.

    Without ``content_type`` the type is guessed from the file name (``mimetypes``), and
    ``application/octet-stream`` ("some bytes") when the name says nothing.
    """

    filename: str
    data: bytes
    content_type: str | None = None

    def __post_init__(self) -> None:
        _refuse_line_breaks(N_("the attachment's filename"), self.filename)
        if not isinstance(self.data, (bytes, bytearray, memoryview)):
            raise LocalProtocolError(
                _(texts.ATTACHMENT_NOT_BYTES).format(
                    filename=repr(self.filename), kind=type(self.data).__name__
                )
            )
        if self.content_type is not None:
            _refuse_line_breaks(N_("the attachment's content type"), self.content_type)
            if not re.fullmatch(r"[\w.+-]+/[\w.+-]+", self.content_type):
                raise LocalProtocolError(
                    _(texts.BAD_CONTENT_TYPE).format(
                        content_type=repr(self.content_type), filename=repr(self.filename)
                    )
                )

    @property
    def mime_type(self) -> str:
        """The content type, given or guessed."""
        if self.content_type:
            return self.content_type.lower()
        import mimetypes  # on first use (an attachment without a content type)

        guessed, _encoding = mimetypes.guess_type(self.filename, strict=False)
        return guessed or "application/octet-stream"


AttachmentLike = Attachment | tuple[str, bytes] | PathLike


def _as_attachment(item: AttachmentLike) -> Attachment:
    if isinstance(item, Attachment):
        return item
    if isinstance(item, tuple):
        if len(item) not in (2, 3):
            raise LocalProtocolError(_(texts.ATTACHMENT_TUPLE).format(count=len(item)))
        return Attachment(*item)
    if isinstance(item, (str, os.PathLike)):
        path = Path(item)
        return Attachment(path.name, path.read_bytes())
    raise LocalProtocolError(_(texts.CANNOT_ATTACH).format(item=repr(item)))


# --------------------------------------------------------------------------------------------
# Compose


@dataclass(frozen=True)
class Draft:
    """A composed message and its envelope: what :func:`compose` returns.

    * ``message`` — the :class:`~email.message.EmailMessage` (headers and body; no Bcc);
    * ``mail_from`` — the envelope sender, for ``MAIL FROM:<...>``;
    * ``recipients`` — the envelope recipients, one ``RCPT TO:<...>`` each: To, then Cc,
      then Bcc, each address once;
    * ``bcc`` — the recipients that are in the envelope only.

    It works with the standard library too::

        smtp.send_message(draft.message, draft.mail_from, draft.recipients)
    """

    message: EmailMessage
    mail_from: str
    recipients: tuple[str, ...]
    bcc: tuple[str, ...] = ()

    @property
    def smtputf8(self) -> bool:
        """True when an address (envelope or header) is non-ASCII: ``MAIL FROM ... SMTPUTF8``."""
        envelope = (self.mail_from, *self.recipients)
        return bool(getattr(self.message.policy, "utf8", False)) or not all(
            a.isascii() for a in envelope
        )

    @property
    def eight_bit(self) -> bool:
        """True when the bytes after DATA are not all ASCII (``BODY=8BITMIME``)."""
        return not self.to_bytes().isascii()

    @property
    def mail_options(self) -> tuple[str, ...]:
        """The parameters ``MAIL FROM`` needs for this message, like smtplib adds them."""
        if self.smtputf8:
            return ("SMTPUTF8", "BODY=8BITMIME")
        return ("BODY=8BITMIME",) if self.eight_bit else ()

    def to_bytes(self) -> bytes:
        """The bytes sent after DATA (before dot-stuffing): CRLF line endings."""
        return to_bytes(self.message)

    def __bytes__(self) -> bytes:
        return self.to_bytes()

    def anatomy(self) -> Anatomy:
        """Envelope vs headers, headers raw and decoded, the MIME tree."""
        return anatomy(self)

    def __repr__(self) -> str:
        subject = self.message.get("Subject", "")
        return (
            f"Draft(mail_from={self.mail_from!r}, recipients={list(self.recipients)!r}, "
            f"subject={str(subject)!r}, size={len(self.to_bytes())})"  # i18n: keep repr
        )

    def _repr_html_(self) -> str:
        return self.anatomy()._repr_html_()


def _random() -> str:
    """32 random hex digits, for MIME boundaries and Message-IDs."""
    import uuid  # on first use: it takes platform with it, a few ms at import

    return uuid.uuid4().hex


def _message_id(domain: str) -> str:
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            domain = "smtplab.invalid"
    return f"<{_random()}@{domain}>"


def compose(
    *,
    sender: str,
    to: str | Sequence[str],
    subject: str = "",
    body: str = "",
    cc: str | Sequence[str] = (),
    bcc: str | Sequence[str] = (),
    sender_name: str | None = None,
    html: str | None = None,
    attachments: Sequence[AttachmentLike] = (),
    date: datetime | None = None,
    message_id_domain: str | None = None,
    headers: Mapping[str, str] | None = None,
    body_encoding: str | None = None,
) -> Draft:
    """Compose a message and its envelope.

    ``sender``, ``to``, ``cc`` and ``bcc`` take ``alice@example.com`` or
    ``Alice <alice@example.com>``; ``to``/``cc``/``bcc`` take one string or a list.
    ``sender_name`` is the display name of ``From:`` (any language: ``"张三"``).

    The message has ``From``, ``To``, ``Cc`` (when given), ``Subject`` (when not empty),
    ``Date`` (``date``, default now in the local time zone; a naive datetime is taken as
    local time), ``Message-ID`` (``<random@domain>``, the domain from ``message_id_domain``
    or the sender's), ``MIME-Version`` and the content headers. The body is text/plain;
    ``html`` adds a text/html alternative (multipart/alternative); ``attachments`` (paths,
    ``(filename, bytes)`` tuples or :class:`Attachment`) make it multipart/mixed.

    A file name that is not ASCII is written the way Python's email package writes it
    (``EmailMessage.add_attachment`` under ``email.policy.SMTP``): as an RFC 2231
    parameter, ``filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf`` for ``报告.pdf`` (RFC 2231 §4;
    a long name is cut into ``filename*0*=``, ``filename*1*=`` ..., §3), and as raw UTF-8
    in quotes when the message needs SMTPUTF8 (RFC 6532 §3.2). Many mail programs write
    instead ``filename="=?utf-8?b?5oql5ZGKLnBkZg==?="``, an RFC 2047 encoded word inside
    quotes: common and widely read, but RFC 2047 §5 forbids encoded words in a quoted
    string and in the parameters of Content-Type and Content-Disposition, so compose does
    not write it; :func:`~smtplab.anatomy.anatomy`
    reads all three and shows the name decoded beside the parameter as written.

    ``headers`` adds more header fields (``{"Reply-To": "...", "X-Course": "..."}``); one
    with the name of a header compose writes replaces it (so ``Date`` can be fixed for a
    repeatable example). From, Sender, Reply-To, To and Cc are read as addresses, the
    others as text. Bcc, MIME-Version and Content-* are refused there: use ``bcc=``, and
    let compose write the MIME structure.

    ``body_encoding`` picks the Content-Transfer-Encoding of the text parts (see the module
    docstring); the default keeps the message 7-bit clean.

    Bcc recipients go into :attr:`Draft.recipients` (the envelope) and into no header.

    Raises :class:`~smtplab.errors.LocalProtocolError` for a CR, LF or NUL in any header
    value or address (header injection), for an address without ``@``, and for an
    encoding that cannot carry the body.
    """
    from_box = _parse_mailbox("sender", sender)
    if sender_name is not None:
        _refuse_line_breaks("sender_name", sender_name)
        if from_box.name and from_box.name != sender_name:
            raise LocalProtocolError(
                _(texts.TWO_DISPLAY_NAMES).format(
                    sender=repr(sender), sender_name=repr(sender_name)
                )
            )
        from_box = _Mailbox(sender_name, from_box.local, from_box.domain)
    to_boxes = _mailboxes("to", to)
    cc_boxes = _mailboxes("cc", cc)
    bcc_boxes = _mailboxes("bcc", bcc)
    if not (to_boxes or cc_boxes or bcc_boxes):
        raise LocalProtocolError(_(texts.NO_RECIPIENT))
    _refuse_line_breaks("subject", subject)
    if message_id_domain is not None:
        _refuse_line_breaks("message_id_domain", message_id_domain)
        if not _DOMAIN.fullmatch(message_id_domain):
            raise LocalProtocolError(
                _(texts.BAD_MESSAGE_ID_DOMAIN).format(domain=repr(message_id_domain))
            )
    extra_raw, extra_boxes = _extra_headers(headers or {})

    everyone = [from_box, *to_boxes, *cc_boxes, *bcc_boxes, *extra_boxes]
    international = not all(box.address.isascii() for box in everyone)
    msg = EmailMessage(policy=SMTPUTF8_POLICY if international else SMTP_POLICY)

    for name, boxes in (("From", [from_box]), ("To", to_boxes), ("Cc", cc_boxes)):
        if boxes:
            msg.set_raw(name, _fold(name, _address_tokens(boxes)))
    if subject:
        msg.set_raw("Subject", _fold("Subject", _unstructured_tokens(subject)))
    when = datetime.now() if date is None else date
    if when.tzinfo is None:
        when = when.astimezone()
    msg["Date"] = email.utils.format_datetime(when)
    msg["Message-ID"] = _message_id(message_id_domain or from_box.domain)
    msg["MIME-Version"] = "1.0"
    for name, raw in extra_raw:
        del msg[name]  # a header compose wrote is replaced (no error when there is none)
        msg.set_raw(name, raw)

    # Sub-parts are MIMEParts (EmailMessage.add_alternative/add_attachment would give each
    # part its own MIME-Version header), and boundaries are fixed now, so that every
    # to_bytes() of a draft gives the same bytes.
    # Text parts are encoded with lines of at most 76 characters, the limit RFC 2045 §6.7
    # sets for quoted-printable (the policy's own 78 is RFC 5322's header limit).
    header_policy = msg.policy
    msg.policy = header_policy.clone(max_line_length=QP_LINE_LIMIT)
    msg.set_content(
        body, charset="utf-8", cte=choose_transfer_encoding(body, body_encoding, N_("body"))
    )
    if html is not None:
        msg.make_alternative(boundary=f"=_smtplab_{_random()}")
        part = MIMEPart(policy=msg.policy)
        cte = choose_transfer_encoding(html, body_encoding, N_("HTML part"))
        part.set_content(html, subtype="html", charset="utf-8", cte=cte)
        part.policy = header_policy
        msg.attach(part)
    msg.policy = header_policy
    files = [_as_attachment(item) for item in attachments]
    if files:
        msg.make_mixed(boundary=f"=_smtplab_{_random()}")
        for item in files:
            maintype, _slash, subtype = item.mime_type.partition("/")
            part = MIMEPart(policy=msg.policy)
            part.set_content(
                bytes(item.data),
                maintype=maintype,
                subtype=subtype,
                disposition="attachment",
                filename=item.filename,
            )
            msg.attach(part)

    recipients = unique_addresses(box.address for box in (*to_boxes, *cc_boxes, *bcc_boxes))
    hidden = addresses_not_in(recipients, (box.address for box in (*to_boxes, *cc_boxes)))
    return Draft(message=msg, mail_from=from_box.address, recipients=recipients, bcc=hidden)


def _extra_headers(
    headers: Mapping[str, str],
) -> tuple[list[tuple[str, str]], list[_Mailbox]]:
    """The ``headers=`` of compose(), checked: (name, folded value) pairs, and the addresses
    they name."""
    raw: list[tuple[str, str]] = []
    named: list[_Mailbox] = []
    for name, value in headers.items():
        if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
            raise LocalProtocolError(_(texts.BAD_HEADER_NAME).format(name=repr(name)))
        if not isinstance(value, str):
            raise LocalProtocolError(_(texts.HEADER_NOT_A_STRING).format(name=repr(name)))
        _refuse_line_breaks(_("header {name}").format(name=repr(name)), value)
        lower = name.lower()
        if lower in ("bcc", "resent-bcc"):
            raise LocalProtocolError(_(texts.BCC_IN_HEADERS).format(name=name))
        # Headers compose() writes from the MIME structure.
        if lower == "mime-version" or lower.startswith("content-"):
            raise LocalProtocolError(_(texts.WRITTEN_BY_COMPOSE).format(name=name))
        if lower in _ADDRESS_FIELDS:
            boxes = _mailboxes(name, [item.strip() for item in _ADDRESS_ITEM.findall(value)])
            named.extend(boxes)
            raw.append((name, _fold(name, _address_tokens(boxes))))
        else:
            raw.append((name, _fold(name, _unstructured_tokens(value))))
    return raw, named


# --------------------------------------------------------------------------------------------
# Bytes and envelopes of any message


def strip_bcc(msg: Message) -> Message:
    """A copy of *msg* without ``Bcc`` and ``Resent-Bcc``, as ``smtplib.send_message`` sends.

    The original is left unchanged.
    """
    stripped = copy.copy(msg)
    del stripped["Bcc"]
    del stripped["Resent-Bcc"]
    return stripped


def to_bytes(msg: EmailMessage | Message | Draft | str | bytes) -> bytes:
    """The bytes a client sends after ``DATA`` (before dot-stuffing and the final ``.``).

    * a :class:`Draft` or a message object is written with ``email.policy.SMTP`` (CRLF line
      endings), or ``SMTPUTF8`` when an address is non-ASCII; ``Bcc`` and ``Resent-Bcc``
      headers are left out, as ``smtplib.send_message`` does (use :func:`anatomy` to see a
      message with its Bcc header);
    * ``bytes`` are returned as they are, and ``str`` encoded as UTF-8: raw input is sent as
      written, and its line endings are left to the DATA encoder (``data_encoding.encode_data``).
    """
    if isinstance(msg, bytes):
        return msg
    if isinstance(msg, str):
        return msg.encode("utf-8")
    if isinstance(msg, Draft):
        msg = msg.message
    if not isinstance(msg, Message):
        raise LocalProtocolError(
            _("cannot send a {kind}: pass a Draft, an EmailMessage, str or bytes.").format(
                kind=type(msg).__name__
            )
        )
    return serialize(strip_bcc(msg))
