"""A small mail internet in one kernel: labs as named domains, an offline DNS, relaying.

The glue floor (docs/ARCHITECTURE.md): it wires lab servers (the lab wing), the offline
DNS table and the kit's client (the client wing) together; neither wing knows of it.
"""

from __future__ import annotations

from .net import HOME, LabInternet, RelayAttempt
from .spf import SPFResult, check_host
from .table import DNSTable

__all__ = ["HOME", "DNSTable", "LabInternet", "RelayAttempt", "SPFResult", "check_host"]
