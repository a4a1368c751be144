"""Exercise checks for the notebooks: "Your turn" cells and what they report.

An exercise is a function the learner completes and hands to its check::

    def my_helo(sock):
        ...            # your code here: send HELO, return the server's reply

    check_helo(my_helo)

The check runs the function against a lab server of its own, reads what the server
really received (its session log, never what the learner claims), and returns a
:class:`Result` whose display is a friendly sentence: ``not tried yet`` while the
function is untouched (it returns None or ``...``, or raises NotImplementedError), a
hint for the usual mistakes, or a success. Each notebook has its module here
(``smtplab.course.nb01``...), all built on one harness (:mod:`smtplab.course.harness`);
reference solutions live in ``notebooks/solutions/`` and pytest runs every check against
them and against typical wrong answers.
"""

from __future__ import annotations

from .harness import Hint, Result, Status, evaluate

__all__ = ["Hint", "Result", "Status", "evaluate"]
