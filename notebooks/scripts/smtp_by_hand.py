#!/usr/bin/env python3
"""Send one e-mail by hand: the whole SMTP conversation over a bare socket.

This is notebook 02 as one plain program (no Jupyter, no smtplib, no smtplab): it
connects, reads the greeting, says EHLO (or HELO), gives the envelope with MAIL FROM and
RCPT TO, sends the message after DATA (dot-stuffed, ended by a line holding only a dot)
and says QUIT. After every step it checks the reply code; when the server answers
anything else, it stops, prints the server's reply on standard error and exits non-zero.

Try it against a lab (in a notebook: ``lab = LabServer().start()``, then ``lab.port``)::

    python smtp_by_hand.py --host 127.0.0.1 --port 8025 \\
        --from alice@example.com --to bob@example.com --subject "Hello by hand"

Exit status: 0 the server accepted the message; 1 the server refused a step (its reply
is printed); 2 a wrong command line; 3 no usable connection (refused, closed, or no
reply within --timeout seconds).

What it does NOT do, on purpose: no TLS and no login (notebooks 04 and 05), so it
takes no password and must not be pointed at a real provider's submission port. Its
message is ASCII only (non-ASCII text needs MIME: notebook 06).
"""

from __future__ import annotations

import argparse
import socket
import sys
import uuid
from email.utils import formatdate

# Exit statuses (see the docstring above).
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_CONNECTION = 3

# RFC 5321 §4.5.3.1.5: a reply line is at most 512 bytes, CRLF included. We allow more,
# but not without end: a peer that never sends CRLF must not fill our memory.
MAX_REPLY_LINE = 4096
# RFC 5322 §2.1.1: a line of a message is at most 998 characters, CRLF not counted.
MAX_MESSAGE_LINE = 998


class SMTPRefused(Exception):
    """The server answered a step with a code we did not expect."""

    def __init__(self, step: str, expected: tuple[int, ...], code: int, text: str) -> None:
        wanted = " or ".join(str(c) for c in expected)
        super().__init__(f"{step}: expected {wanted}, the server said:\n{text}")
        self.code = code
        self.text = text


class SMTPConnectionError(Exception):
    """No usable connection: refused, closed by the server, or no reply in time."""


def visible(text: str) -> str:
    """The server's text, safe to print: control characters shown as escapes (a peer's
    bytes must not move our terminal's cursor or change its colours)."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


class Conversation:
    """One SMTP conversation on one socket: send a line, read one whole reply."""

    def __init__(self, sock: socket.socket, verbose: bool = True) -> None:
        self.sock = sock
        self.verbose = verbose

    def read_line(self) -> bytes:
        """Read bytes until CRLF and return the line with its CRLF.

        One byte at a time, as in notebook 01: a reply may arrive in pieces, or together
        with the next one, and reading one byte never takes bytes of the next line.
        """
        line = b""
        while not line.endswith(b"\r\n"):
            try:
                byte = self.sock.recv(1)
            except TimeoutError:  # the socket's timeout passed (socket.timeout is its alias)
                raise SMTPConnectionError(
                    f"no reply within {self.sock.gettimeout()} s (the server is silent; "
                    f"received so far: {line!r})"
                ) from None
            if not byte:  # b"": the server closed the connection
                raise SMTPConnectionError(f"the server closed the connection after {line!r}")
            line += byte
            if len(line) > MAX_REPLY_LINE:
                raise SMTPConnectionError(f"a reply line longer than {MAX_REPLY_LINE} bytes")
        return line

    def read_reply(self) -> tuple[int, str]:
        """Read one whole reply, all its lines; return (code, text of all lines).

        RFC 5321 §4.2.1: every line starts with the same three digits; a '-' after them
        means more lines follow, a space (or nothing) marks the last line.
        """
        lines = []
        while True:
            raw = self.read_line()
            text = visible(raw[:-2].decode("utf-8", errors="replace"))
            if len(text) < 3 or not text[:3].isdigit() or text[3:4] not in ("", " ", "-"):
                raise SMTPConnectionError(f"not an SMTP reply line: {text!r}")
            if lines and text[:3] != lines[0][:3]:
                raise SMTPConnectionError(f"one reply with two codes: {lines[0]!r}, {text!r}")
            lines.append(text)
            if self.verbose:
                print("S:", text)
            if text[3:4] != "-":
                return int(text[:3]), "\n".join(lines)

    def expect(self, expected: tuple[int, ...], step: str) -> str:
        """Read one reply; return its text if its code is expected, else raise."""
        code, text = self.read_reply()
        if code not in expected:
            raise SMTPRefused(step, expected, code, text)
        return text

    def command(self, line: str, *expected: int) -> str:
        """Send one command line (CRLF added) and check the code of its reply."""
        if "\r" in line or "\n" in line:  # one line is one command: never two
            raise ValueError(f"a command must be one line: {line!r}")
        if self.verbose:
            print("C:", line)
        self.sock.sendall(line.encode("ascii") + b"\r\n")
        return self.expect(expected, line)


def dot_stuff(lines: list[str]) -> list[str]:
    """RFC 5321 §4.5.2: a line that starts with '.' gets one more '.' in front (the
    server removes it), so that no line of the text can be taken for the final dot."""
    return ["." + line if line.startswith(".") else line for line in lines]


def build_message(sender: str, recipient: str, subject: str, body: str) -> list[str]:
    """The message as lines (RFC 5322): headers, an empty line, the body."""
    headers = [
        f"From: <{sender}>",
        f"To: <{recipient}>",
        f"Subject: {subject}",
        f"Date: {formatdate(localtime=True)}",  # RFC 5322 §3.6 requires a Date
        f"Message-ID: <{uuid.uuid4().hex}@{sender.rpartition('@')[2]}>",
    ]
    lines = [*headers, "", *body.splitlines()]  # \n, \r\n or \r: each ends a line
    for line in lines:
        if not line.isascii():
            raise ValueError(f"this script sends ASCII only (notebook 06 for more): {line!r}")
        if len(line) > MAX_MESSAGE_LINE:
            raise ValueError(f"a line longer than {MAX_MESSAGE_LINE} characters: {line[:40]!r}")
    return lines


def send_mail(
    host: str,
    port: int,
    sender: str,
    recipient: str,
    message: list[str],
    *,
    name: str | None = None,
    helo: bool = False,
    timeout: float = 10.0,
    verbose: bool = True,
) -> str:
    """Hold the whole conversation; return the server's reply to the final dot."""
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as error:  # refused, unreachable, or no answer within the timeout
        raise SMTPConnectionError(f"cannot connect to {host}:{port}: {error}") from None
    with sock:
        smtp = Conversation(sock, verbose)
        if name is None:
            name = client_name(sock)
        try:
            smtp.expect((220,), "the greeting")  # the server speaks first (RFC 5321 §3.1)
            smtp.command(f"{'HELO' if helo else 'EHLO'} {name}", 250)
            smtp.command(f"MAIL FROM:<{sender}>", 250)
            smtp.command(f"RCPT TO:<{recipient}>", 250, 251)  # 251: will forward
            smtp.command("DATA", 354)  # 354: go ahead, end with a line holding only "."
            lines = [*dot_stuff(message), "."]  # the lone dot ends the message
            if verbose:
                print("\n".join("C: " + line for line in lines))
            sock.sendall("".join(line + "\r\n" for line in lines).encode("ascii"))
            accepted = smtp.expect((250,), "the end of the message")  # accepted, not delivered
            smtp.command("QUIT", 221)
            return accepted
        except SMTPRefused:
            quit_politely(smtp)
            raise
        except OSError as error:  # reset, broken pipe: the server went away
            raise SMTPConnectionError(f"the connection failed: {error}") from None


def quit_politely(smtp: Conversation) -> None:
    """After a refusal, say QUIT anyway (RFC 5321 §4.1.1.10); ignore what goes wrong."""
    try:
        if smtp.verbose:
            print("C: QUIT")
        smtp.sock.sendall(b"QUIT\r\n")
        smtp.read_reply()
    except (OSError, SMTPConnectionError):
        pass


def client_name(sock: socket.socket) -> str:
    """The name to give after EHLO: this machine's fully qualified domain name, or an
    address literal such as [192.0.2.1] when it has none (RFC 5321 §4.1.1.1, §2.3.5;
    the literal's syntax is §4.1.3).

    We take the machine's own name only if it is already fully qualified (it has a dot),
    so that no DNS lookup is needed; otherwise the address this connection comes from.
    (smtplib asks socket.getfqdn(), which may ask DNS, and falls back the same way.)
    """
    name = socket.gethostname()
    if "." in name and not name.endswith((".localdomain", ".local")):
        return name
    address = sock.getsockname()[0]
    return f"[IPv6:{address}]" if ":" in address else f"[{address}]"


def address(text: str) -> str:
    """An argparse type: a plain address (no brackets, spaces or line breaks)."""
    if not text or any(ch in text for ch in "<>\r\n \t") or "@" not in text:
        raise argparse.ArgumentTypeError(f"not a plain address like alice@example.com: {text!r}")
    if not text.isascii():
        raise argparse.ArgumentTypeError(f"ASCII addresses only (SMTPUTF8: notebook 03): {text!r}")
    return text


def one_line(text: str) -> str:
    """An argparse type: text without line breaks (a header must stay one line)."""
    if "\r" in text or "\n" in text:
        raise argparse.ArgumentTypeError("a line break here would start a new header")
    return text


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Send one e-mail over a bare socket, checking every reply code.",
        epilog="No TLS, no login, no password: for a lab server or a test server only.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="server (default 127.0.0.1)")
    parser.add_argument("--port", type=int, required=True, help="server port (the lab's)")
    parser.add_argument("--from", dest="sender", type=address, required=True)
    parser.add_argument("--to", dest="recipient", type=address, required=True)
    parser.add_argument("--subject", type=one_line, default="Hello by hand")
    parser.add_argument(
        "--body",
        default="Hi,\nthis message was sent one line at a time.\n.A line that starts with a dot.\n",
        help="the text of the message (a line starting with '.' is dot-stuffed)",
    )
    parser.add_argument(
        "--name",
        type=one_line,
        help="the name after EHLO (default: this machine's FQDN, or [its address])",
    )
    parser.add_argument("--helo", action="store_true", help="say HELO instead of EHLO")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--quiet", action="store_true", help="do not print the dialogue")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        message = build_message(args.sender, args.recipient, args.subject, args.body)
    except ValueError as error:
        print(f"smtp_by_hand.py: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        accepted = send_mail(
            args.host,
            args.port,
            args.sender,
            args.recipient,
            message,
            name=args.name,
            helo=args.helo,
            timeout=args.timeout,
            verbose=not args.quiet,
        )
    except SMTPRefused as error:
        print(f"smtp_by_hand.py: refused at {error}", file=sys.stderr)
        return EXIT_REFUSED
    except SMTPConnectionError as error:
        print(f"smtp_by_hand.py: {error}", file=sys.stderr)
        return EXIT_CONNECTION
    print(f"accepted: {accepted}")  # accepted = the server took responsibility
    return 0


if __name__ == "__main__":
    sys.exit(main())
