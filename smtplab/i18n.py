"""The language of the kit's own texts (issue 19): English unless you ask for another.

This module sits at the very bottom of the core: it imports nothing from smtplab, and
only the standard library (gettext). The language is chosen by::

    smtplab.set_language("zh-CN")      # or: SMTPLAB_LANG=zh-CN in the environment

and never from the operating system's locale, so a notebook's outputs are the same on
every machine (nbval compares them). ``SMTPLAB_LANG`` is read on the first translated
text unless ``set_language`` came first; ``set_language(None)`` reads it again.

Texts are looked up in compiled gettext catalogs shipped in the package
(``smtplab/locale/<lang>/LC_MESSAGES/smtplab.mo``, committed: see docs/i18n.md); a text
the catalog lacks stays English. Protocol tokens (commands, reply text, header names),
numbers and RFC references are never translated.

The current language is one module-level value shared by every thread: a kernel has one
learner, and switching languages while another thread renders a text may give that text
in either language (never a broken one).
"""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path
from typing import TypeVar

# The learner's surface; ``_``, ``N_`` and ``ngettext`` are for the kit's own modules.
__all__: list[str] = []  # set_language is public as smtplab.set_language

DOMAIN = "smtplab"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENVIRONMENT = "SMTPLAB_LANG"

LANGUAGES = {"en": "", "zh-CN": "zh_CN"}
"""The supported languages (their names as ``set_language`` takes them), each with the
folder of its catalog under ``locale/`` (English is the texts as written: no catalog)."""

_language = ""  # "" = not chosen yet: SMTPLAB_LANG, or English, on first use
_translations: gettext.NullTranslations = gettext.NullTranslations()


def _canonical(name: str, origin: str) -> str:
    """The supported language *name* stands for ("zh_CN", "zh-cn" -> "zh-CN"), or a
    ValueError naming the supported ones."""
    wanted = name.strip().replace("_", "-").lower()
    for known in LANGUAGES:
        if known.lower() == wanted:
            return known
    supported = ", ".join(repr(known) for known in LANGUAGES)
    # English: this is raised while the language is being chosen (none to speak in yet).
    unknown = f"{origin}: unknown language {name!r}; smtplab speaks {supported}"  # i18n: keep
    raise ValueError(unknown)


def set_language(name: str | None) -> str:
    """Choose the language of the kit's texts ("en" or "zh-CN"); return its canonical name.

    ``None`` goes back to the default: ``SMTPLAB_LANG`` if set, else English. An unknown
    language raises ValueError (naming the supported ones) and changes nothing.
    """
    global _language, _translations
    if name is None:
        name = os.environ.get(ENVIRONMENT, "").strip() or "en"
        chosen = _canonical(name, f"{ENVIRONMENT}={name}")
    else:
        chosen = _canonical(name, f"set_language({name!r})")
    folder = LANGUAGES[chosen]
    if folder:
        path = LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.mo"
        with path.open("rb") as catalog:  # a missing catalog is a broken install: say so
            translations: gettext.NullTranslations = gettext.GNUTranslations(catalog)
    else:
        translations = gettext.NullTranslations()
    _translations, _language = translations, chosen
    return chosen


def language() -> str:
    """The current language's canonical name ("en", "zh-CN")."""
    if not _language:
        set_language(None)
    return _language


def _(message: str) -> str:
    """*message* (English, as written in the code) in the current language."""
    if not _language:
        set_language(None)
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for *count*, in the current language."""
    if not _language:
        set_language(None)
    return _translations.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a text in a table for extraction (gettext's usual name for it); the code
    translates it where it is used, with ``_``."""
    return message


K = TypeVar("K")


class Texts(dict[K, str]):
    """A table of texts marked with ``N_``: ``table[key]`` and ``table.get(key)`` give the
    text in the current language (a table is built at import, before a language may be
    chosen); iterating gives the English."""

    def __getitem__(self, key: K) -> str:
        return _(super().__getitem__(key))

    def get(self, key: K, default: str | None = None) -> str | None:  # type: ignore[override]
        """The text for *key* in the current language, or *default*."""
        text = super().get(key)
        return default if text is None else _(text)


def found_in(text: str, template: str) -> str | None:
    """The part of *text* made from *template* (an ``N_`` text, ``{fields}`` filled in) in
    the current language, or None. Code that must recognise one of the kit's own texts
    asks this instead of looking for English words, so it works in every language."""
    fixed = re.split(r"\{[^{}]*\}", _(template))
    # Case aside: a text may open a sentence (its first letter then capitalised).
    match = re.search(".*?".join(re.escape(part) for part in fixed), text, re.S | re.I)
    return match.group() if match else None


def made_from(text: str, template: str) -> bool:
    """Whether *text* holds a text made from *template* in the current language."""
    return found_in(text, template) is not None
