"""A small mail internet in one kernel: labs as named domains, an offline DNS, relaying.

The glue floor (docs/ARCHITECTURE.md): it wires lab servers (the lab wing), the offline
DNS table and the kit's client (the client wing) together; neither wing knows of it.
``table`` (the DNS), ``spf`` (RFC 7208), ``checks`` (DKIM, DMARC, Authentication-Results),
``trace`` (Received lines, bounces) and ``net`` (``LabInternet``, the queue).
"""

from __future__ import annotations

from .net import LabInternet
from .table import DNSTable

__all__ = ["DNSTable", "LabInternet"]
