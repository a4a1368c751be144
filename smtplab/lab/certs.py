"""The lab's certificate authority and server certificate, made fresh for each lab.

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
