"""Moved in 0.2.0 to :mod:`smtplab.course.nb02`; this old import path is that module."""

import sys as _sys

from ..course import nb02 as _moved

_sys.modules[__name__] = _moved
