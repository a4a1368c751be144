"""The lab's one private override of aiosmtpd (``smtplab/lab/private.py``) still fits.

When one of the first two tests fails, aiosmtpd changed under the lab: read what changed
in the member named, check that the override still gives what aiosmtpd gives (the tests
below), then update ``CHECKED_AGAINST`` / ``CHECKED_SOURCES`` in ``smtplab/lab/private.py``.
"""

from __future__ import annotations

import hashlib
import inspect

import aiosmtpd
import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import given, settings
from hypothesis import strategies as st

from smtplab.lab.private import CHECKED_AGAINST, CHECKED_SOURCES, FastAddressPath
from smtplab.lab.protocol import LabSMTP


def test_aiosmtpd_is_the_version_the_private_overrides_were_checked_against() -> None:
    assert aiosmtpd.__version__ == CHECKED_AGAINST, (
        f"aiosmtpd is {aiosmtpd.__version__}, but smtplab/lab/private.py was checked against "
        f"{CHECKED_AGAINST}: re-check {', '.join(CHECKED_SOURCES)} in the new aiosmtpd "
        "(source, signature, callers), run tests/test_lab_private.py, then update "
        "CHECKED_AGAINST and CHECKED_SOURCES."
    )


@pytest.mark.parametrize("name", sorted(CHECKED_SOURCES))
def test_the_overridden_private_members_are_unchanged(name: str) -> None:
    owner, member = name.split(".")
    assert owner == "SMTP"
    source = inspect.getsource(getattr(SMTP, member))
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == CHECKED_SOURCES[name], (
        f"aiosmtpd's {name} changed since smtplab/lab/private.py was checked against "
        f"aiosmtpd {CHECKED_AGAINST}: read the new source, make the override give what it "
        f"gives again (the tests below), then store the new digest {digest}."
    )


def test_the_lab_protocol_uses_the_override() -> None:
    assert issubclass(LabSMTP, FastAddressPath)


# -- the fast path gives what aiosmtpd's parser gives ---------------------------------------

PATHS = [
    "<alice@example.com>",
    "<alice@example.com> SIZE=100 BODY=8BITMIME",
    "<alice@example.com>SIZE=1",
    "<Alice.B+x@Ex-ample.COM>  X=1 ",
    "<a@b>\t X",
    "<a@b> \x0c X",
    "<a@b>\x0cX",
    "<a@b> (comment) X",
    "<a@b>(comment)",
    "<a@b>>",
    "<a..b@c>",
    "<.a@c>",
    "<a@b.>",
    "<a@b..c>",
    "<a@[1.2.3.4]>",
    '<"a b"@c>',
    "<a @c>",
    "<a@b",
    "<@x,@y:a@b>",
    "<>",
    " <a@b>",
    "alice@example.com SIZE=1",
    "<用户@例子.广告>",
    "<=?utf-8?q?x?=@b>",
    "<a.=?x?=@b>",
    "<srs0=ab=cd=example.com=x@example.net>",
    "<a@b> \u2028X",
]


def _both_parsers():
    server = FastAddressPath.__new__(FastAddressPath)  # no connection: the parser is pure

    def outcome(parse, arg: str):
        try:
            return parse(server, arg)
        except Exception as error:  # aiosmtpd's parser raises on some input ("<")
            return type(error)

    def ours(arg: str):
        return outcome(FastAddressPath._getaddr, arg)

    def aiosmtpds(arg: str):
        return outcome(SMTP._getaddr, arg)

    return server, ours, aiosmtpds


@pytest.mark.parametrize("arg", PATHS)
def test_the_address_fast_path_gives_what_aiosmtpd_gives(arg: str) -> None:
    _, ours, aiosmtpds = _both_parsers()
    assert ours(arg) == aiosmtpds(arg)


def test_the_address_fast_path_keeps_aiosmtpds_local_part_limit() -> None:
    server, ours, aiosmtpds = _both_parsers()
    server.local_part_limit = 3
    for arg in ("<abcd@example.com>", "<abc@example.com> X=1"):
        assert ours(arg) == aiosmtpds(arg)


_PATH_PIECES = st.sampled_from(
    ["<", ">", "@", ".", " ", "\t", "(", ")", '"', "=?", "?=", "[", "]", ",", ":", "\\"]
)
_PATH_TEXT = st.lists(
    st.one_of(_PATH_PIECES, st.text("abcXYZ019-_+=!#$%&'*/^`{|}~", min_size=1, max_size=4)),
    max_size=14,
).map("".join)


@given(path=_PATH_TEXT, rest=st.text(" \t\x0cA=1(", max_size=6))
@settings(max_examples=400, deadline=None)
def test_the_address_fast_path_agrees_with_aiosmtpd_on_any_text(path: str, rest: str) -> None:
    _, ours, aiosmtpds = _both_parsers()
    for arg in (path, path + rest, f"<{path}>{rest}"):
        assert ours(arg) == aiosmtpds(arg), arg
