"""Reference solutions for the exercises of notebook 05 (AUTH).

CI runs every check of ``smtplab.course.nb05`` against these functions
(tests/test_exercises_nb05.py).
"""

from __future__ import annotations

import base64
import getpass
import os


def login_by_hand(client, user, password):
    """AUTH LOGIN: answer "Username:" and "Password:" with base64 (RFC 4954, LOGIN)."""
    client.command("AUTH LOGIN")  # 334 VXNlcm5hbWU6 = "Username:"
    client.command(base64.b64encode(user.encode("utf-8")).decode("ascii"))
    # 334 UGFzc3dvcmQ6 = "Password:"
    return client.command(base64.b64encode(password.encode("utf-8")).decode("ascii"))


def plain_response(user, password):
    """The AUTH PLAIN response: base64 of authzid NUL user NUL password (RFC 4616 §2)."""
    raw = f"\0{user}\0{password}".encode()
    return base64.b64encode(raw).decode("ascii")


def read_password():
    """The password from SMTPLAB_PASSWORD; ask (without echo) only when it is not set."""
    password = os.environ.get("SMTPLAB_PASSWORD")
    if password is None:
        password = getpass.getpass("SMTP password: ")
    return password
