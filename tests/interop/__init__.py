"""Helpers for the tests that put smtplab in front of peers it did not write.

* :mod:`interop.scripted` — a tiny socket server on 127.0.0.1 that plays a script (the
  misbehaving servers of ``test_hostile_server.py`` and the odd TLS servers of
  ``test_tls.py``);
* :mod:`interop.tools` — finding system tools (postfix, swaks): fail under ``CI=true``,
  skip elsewhere, with the command that installs them;
* :mod:`interop.postfix` — a private, loopback-only Postfix instance for ``test_interop.py``.
"""
