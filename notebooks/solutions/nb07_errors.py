"""Reference solutions for notebook 07 · When things go wrong.

Try the exercises yourself first: the checks in the notebook give hints.
"""

from __future__ import annotations

import time

from smtplab import Client
from smtplab.errors import RecipientRefused, ReplyError


def decide(reply):
    """Read a failed reply: "retry later", "fix and resend" or "give up"."""
    if reply.code // 100 == 4:  # 4xx: temporary (RFC 5321 §4.2.1)
        return "retry later"
    if (reply.code // 10) % 10 == 0:  # x0z: a syntax error in what you sent
        return "fix and resend"
    if str(reply.enhanced) in ("5.3.4", "5.7.8"):  # too big; wrong password
        return "fix and resend"
    return "give up"


def send_with_retry(lab, msg):
    """Send msg; after a 4xx wait and try again (3 tries in all); never retry a 5xx."""
    for attempt in range(3):
        try:
            with Client(lab.host, lab.port, local_hostname="learner.example") as client:
                return client.send_message(msg)
        except ReplyError as err:
            if err.is_permanent or attempt == 2:
                return err.reply
            time.sleep(0.2)  # a real MTA waits 30 minutes or more (RFC 5321 §4.5.4.1)
    return None  # not reached


def undelivered(lab, msg):
    """Send msg and return the recipients who did NOT get it."""
    client = Client(lab.host, lab.port, local_hostname="learner.example")
    try:
        with client:
            client.send_message(msg)
    except RecipientRefused:
        pass  # every recipient was refused: client.last_refused lists them all
    return list(client.last_refused)
