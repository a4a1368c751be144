"""The kit in another language (issue 19): the choice of language, the catalogs, the glossary.

English stays byte for byte what it was (every notebook's committed outputs depend on it);
Chinese comes only when asked (``set_language`` or ``SMTPLAB_LANG``), never from the
machine's locale. The committed .mo must match its .po, every text marked in the code
must be in the catalog, and the translations must use the glossary's terms
(docs/i18n-glossary.md) and keep every protocol token.
"""

from __future__ import annotations

import gettext
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from helpers import load_benchmark
from notebook_mirror import glossary

import smtplab
from smtplab import i18n
from smtplab.annotate import meaning, short_enhanced
from smtplab.replies import EnhancedStatus, Reply, explain, explain_code

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "smtplab" / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "smtplab.po"
MO = LOCALE / "zh_CN" / "LC_MESSAGES" / "smtplab.mo"

REFUSED = Reply.from_text(550, "5.1.1 No such user")
# What explain() printed before issue 19 (notebooks 02 and 07 show such lines).
REFUSED_EN = (
    "550: the mailbox is unavailable (no such user) or the server's policy refuses it "
    "(a permanent failure: the same command will fail again; give up, or fix and resend); "
    "5.1.1: the recipient's mailbox does not exist (permanent; subject: addressing)"
)
REFUSED_ZH = (
    "550: 邮箱不可用（没有这个用户），或服务器的策略拒收 "
    "(永久失败：同样的命令还会失败；放弃，或改正后重新发送); "
    "5.1.1: 收件人的邮箱不存在 (永久性；类别：寻址)"
)


def run_python(code: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """*code* in a fresh interpreter importing this checkout, with *environment* added."""
    env = {k: v for k, v in os.environ.items() if k != i18n.ENVIRONMENT}
    env.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", **environment)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


# --- choosing the language ------------------------------------------------------------------


def test_english_is_byte_identical_by_default() -> None:
    assert explain(REFUSED) == REFUSED_EN
    assert i18n.language() == "en"
    assert explain_code(299) == "299: done: the server carried out the command"


def test_chinese_when_asked_and_back_to_english() -> None:
    assert smtplab.set_language("zh-CN") == "zh-CN"
    assert explain(REFUSED) == REFUSED_ZH
    assert i18n.language() == "zh-CN"
    assert smtplab.set_language("en") == "en"
    assert explain(REFUSED) == REFUSED_EN


def test_spellings_of_a_language_are_one_language() -> None:
    for spelling in ("zh_CN", "zh-cn", " ZH-CN "):
        assert smtplab.set_language(spelling) == "zh-CN"


def test_an_unknown_language_is_refused_and_changes_nothing() -> None:
    smtplab.set_language("zh-CN")
    with pytest.raises(ValueError, match=r"unknown language 'fr'.*'en', 'zh-CN'"):
        smtplab.set_language("fr")
    assert i18n.language() == "zh-CN"


def test_smtplab_lang_is_read_on_first_use() -> None:
    code = "import smtplab; print(smtplab.explain(smtplab.Reply.from_text(550, '5.1.1 x')))"
    done = run_python(code, SMTPLAB_LANG="zh-CN")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("550: 邮箱不可用")
    # set_language wins over the variable; set_language(None) goes back to it.
    code = (
        "import smtplab; from smtplab.replies import explain_code as e; smtplab.set_language('en');"
        "print(e(250)); smtplab.set_language(None); print(e(250))"
    )
    done = run_python(code, SMTPLAB_LANG="zh-CN")
    assert done.stdout.splitlines() == ["250: OK (done: the server carried out the command)",
                                        "250: 成功（OK） (完成：服务器已执行这条命令)"]  # fmt: skip


def test_a_bad_smtplab_lang_is_refused_by_name() -> None:
    done = run_python("import smtplab; smtplab.explain", SMTPLAB_LANG="klingon")
    assert done.returncode == 0  # importing translates nothing
    done = run_python("from smtplab.replies import explain_code; explain_code(250)",
                      SMTPLAB_LANG="klingon")  # fmt: skip
    assert "ValueError: SMTPLAB_LANG=klingon: unknown language 'klingon'" in done.stderr


def test_the_machines_locale_is_never_consulted() -> None:
    code = "import smtplab; print(smtplab.explain(smtplab.Reply.from_text(250, 'ok')))"
    chinese_machine = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN", "LC_ALL": "zh_CN.UTF-8",
                       "LC_MESSAGES": "zh_CN.UTF-8"}  # fmt: skip
    done = run_python(code, **chinese_machine)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "250: OK (done: the server carried out the command)\n"


def test_the_transcripts_short_meanings_still_shorten_in_chinese() -> None:
    smtplab.set_language("zh-CN")
    assert meaning(550) == "邮箱不可用（没有这个用户），或服务器的策略拒收"
    assert short_enhanced(EnhancedStatus(4, 9, 9)) == "4.9.9: 临时性，涉及未知类别"


def test_a_checkout_import_finds_the_committed_catalog() -> None:
    code = "import smtplab.i18n as m; print(m.__file__); print(m.LOCALE_DIR)"
    done = run_python(code)
    module, locale_dir = done.stdout.splitlines()
    assert Path(module).parent == ROOT / "smtplab" and Path(locale_dir) == LOCALE
    assert (LOCALE / "zh_CN" / "LC_MESSAGES" / "smtplab.mo").is_file()


# --- the catalogs ---------------------------------------------------------------------------


def catalog() -> list[tuple[str, str]]:
    """(English, Chinese) for every message of the zh_CN .po."""
    with PO.open("rb") as file:
        po = read_po(file)
    assert not po.fuzzy
    pairs = []
    for message in po:
        if isinstance(message.id, tuple):  # ngettext: each English form, with the one Chinese
            pairs += [(str(form), str(message.string[0])) for form in message.id]
        elif message.id:
            pairs.append((str(message.id), str(message.string)))
    return pairs


def test_the_committed_mo_is_compiled_from_the_po(tmp_path: Path) -> None:
    with PO.open("rb") as file:
        po = read_po(file)
    compiled = io.BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    with MO.open("rb") as file:
        committed = gettext.GNUTranslations(file)
    fresh_messages = {k: v for k, v in fresh._catalog.items() if k != ""}  # type: ignore[attr-defined]
    committed_messages = {k: v for k, v in committed._catalog.items() if k != ""}  # type: ignore[attr-defined]
    assert committed_messages == fresh_messages, "run `make i18n` and commit the .mo"


def test_every_marked_text_is_in_the_catalog_and_translated() -> None:
    method_map = [("smtplab/**.py", "python")]
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    marked = {
        form
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=keywords
        )
        for form in ((message,) if isinstance(message, str) else message)  # ngettext: both
    }
    translated = dict(catalog())
    assert marked, "no marked texts found"
    assert not marked - set(translated), "texts not in the catalog: run `make i18n`"
    assert not set(translated) - marked, "texts no longer in the code: run `make i18n`"
    assert all(translated.values()), "untranslated messages in the zh_CN catalog"


TOKEN = re.compile(r"\{\w+\}|\b[A-Z][A-Z0-9]+(?: [A-Z]+)?\b|\d+(?:\.\d+)*|base64")


def test_translations_keep_placeholders_and_protocol_tokens() -> None:
    for english, chinese in catalog():
        for token in TOKEN.findall(english):
            assert token in chinese, f"{token!r} lost in the translation of {english!r}"


# --- the glossary ---------------------------------------------------------------------------


def test_the_glossary_has_the_terms_the_issue_names() -> None:
    terms = {english[0]: chinese for english, chinese in glossary()}
    assert len(terms) >= 30
    for english, chinese in {"envelope": "信封", "header": "邮件头", "bounce": "退信",
                             "greylisting": "灰名单", "dot-stuffing": "点填充",
                             "authorization code": "授权码", "encoded word": "编码字",
                             "extension": "扩展", "reply code": "回复码",
                             "enhanced status code": "增强状态码", "relay": "中继",
                             "submission": "提交"}.items():  # fmt: skip
        assert terms[english] == chinese


# Texts where a glossary word means something else, each with why.
NOT_THE_TERM = {
    "show this help message and exit": "message",  # argparse's help text, not an e-mail
}


def test_every_translation_uses_the_glossarys_terms() -> None:
    rows = glossary()
    wrong = []
    for english, chinese in catalog():
        # placeholders, `code spans` and code-like words (lab.port, reveal(), [lab]) aren't prose
        prose = re.sub(r"\{\w+\}|%\(\w+\)\w|`[^`]*`|\S*[._()\[\]=]\w\S*", "", english).lower()
        for variants, term in rows:
            used = any(re.search(rf"\b{re.escape(v.lower())}(?:s|es)?\b", prose) for v in variants)
            # The glossary's "subject" row: "the `Subject` header stays `Subject`".
            kept = variants[0] == "subject" and "Subject" in chinese
            kept = kept or NOT_THE_TERM.get(english) == variants[0]
            if used and term not in chinese and not kept:
                wrong.append(f"{english!r} -> {chinese!r} lacks {term} ({variants[0]})")
    assert not wrong, "\n".join(wrong)


# --- how much is translated (benchmarks/translated.py) ------------------------------------------


def test_every_learner_facing_text_is_translated() -> None:
    """Issue 19's goal, kept: every prose literal of the package is translated or carries
    an `# i18n: keep <reason>` pragma (protocol text, citations, markup); a new English
    text fails here until it is marked and translated (`make i18n`, docs/i18n.md)."""
    translated = load_benchmark("translated")
    figures, left = translated.measure()
    assert figures["all"]["texts"] > 1_500  # the measure still finds the texts
    assert not left, "\n".join(
        f"{t.path}:{t.line}: {'marked, not translated' if t.marked else 'not marked'}: "
        f"{t.text[:80]!r}"
        for t in left[:30]
    )


def test_the_measure_finds_an_unmarked_text_and_honours_a_kept_one(tmp_path: Path) -> None:
    translated = load_benchmark("translated")
    module = tmp_path / "example.py"
    module.write_text(
        '"""A docstring is not counted at all, however long it is."""\n'
        'shown = "the server refused the message"\n'
        'marked = _("the server accepted the message")\n'
        'kept = "a quoted reply from a real server"  # i18n: keep a quote\n'
        'reply = "550 5.1.1 No such user here"\n',
        encoding="utf-8",
    )
    monkey_root = translated.ROOT
    try:
        translated.ROOT = tmp_path
        found = translated.texts_of(module)
    finally:
        translated.ROOT = monkey_root
    assert [(t.text, t.marked) for t in found] == [
        ("the server refused the message", False),
        ("the server accepted the message", True),
    ]
