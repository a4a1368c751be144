"""The lab's TLS: its certificate authority and server certificate, made fresh for each
lab, and what the lab says when a client's handshake fails (:func:`describe_tls_failure`).

trustme makes a private CA and a leaf certificate for the lab's names (ECDSA P-256 keys:
generating both takes a few milliseconds). Clients that should trust the lab use
:meth:`LabCertificates.client_context` (``lab.ssl_context()``) or the CA file at
``ca_path`` (``lab.ca_path``); a default client context does not trust the lab, and that
failure is a lesson in itself.
"""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import tempfile
from pathlib import Path

import trustme

from ..i18n import N_, _

__all__: list[str] = []  # the lab's own machinery: LabServer.ca_path and ssl_context()


class LabCertificates:
    """A lab CA, its server certificate, and the CA as a PEM file in a private temporary
    directory that :meth:`cleanup` removes (the lab calls it when it stops).

    The certificate covers ``hostname``, ``localhost``, ``127.0.0.1``, and the address
    the lab binds (``bind_host``) when it is another specific IP address.
    """

    def __init__(self, hostname: str, bind_host: str) -> None:
        names = [hostname, "localhost", "127.0.0.1"]
        try:
            address = ipaddress.ip_address(bind_host)
        except ValueError:
            address = None
        if address is not None and not address.is_unspecified:
            names.append(str(address))
        self.names = list(dict.fromkeys(names))
        unit = "smtplab lab CA"  # i18n: keep a certificate's name
        self._ca = trustme.CA(organization_name="smtplab", organization_unit_name=unit)
        self._leaf = self._ca.issue_cert(*self.names)
        self.ca_pem = self._ca.cert_pem.bytes()
        self._directory = Path(tempfile.mkdtemp(prefix="smtplab-lab-"))
        self.ca_path = self._directory / "smtplab-lab-ca.pem"
        self.ca_path.write_bytes(self.ca_pem)

    def server_context(self) -> ssl.SSLContext:
        """The server's TLS context: the leaf certificate and key, TLS 1.2 or newer."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._leaf.configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A new client context that trusts the lab CA (and nothing else), with certificate
        and host name verification ON, as for any real server."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_verify_locations(cadata=self.ca_pem.decode("ascii"))
        return context

    def cleanup(self) -> None:
        """Remove the CA file and its directory."""
        shutil.rmtree(self._directory, ignore_errors=True)


def describe_tls_failure(error: BaseException | None, timeout: float) -> str:
    """Say in words why a TLS handshake failed, from the server's side."""
    if error is None or isinstance(error, ConnectionResetError):
        return _("the client closed the connection during the TLS handshake")
    if isinstance(error, ssl.SSLError):
        reason = error.reason or type(error).__name__
        plain = N_("the client spoke plain text on a TLS port")
        hints = {
            "HTTP_REQUEST": plain,
            "WRONG_VERSION_NUMBER": plain,
            "TLSV1_ALERT_UNKNOWN_CA": N_("the client does not trust the lab's CA"),
            "SSLV3_ALERT_BAD_CERTIFICATE": N_("the client rejected the lab's certificate"),
            "SSLV3_ALERT_CERTIFICATE_UNKNOWN": N_(
                "the client rejected the lab's certificate "
                "(often: the name it connected to is not in the certificate)"
            ),
        }
        hint = hints.get(reason)
        text = _("TLS handshake failed: {reason}").format(reason=reason)
        return text + (_(" ({hint})").format(hint=_(hint)) if hint else "")
    if isinstance(error, TimeoutError) or "longer than" in str(error):
        return _(
            "TLS handshake failed: the client did not complete a TLS handshake within "
            "{seconds} s (a plain-text client on the implicit-TLS port starts none: it waits "
            "for a greeting that a TLS server never sends first)"
        ).format(seconds=f"{timeout:g}")
    return _("TLS handshake failed: {kind}: {error}").format(kind=type(error).__name__, error=error)
