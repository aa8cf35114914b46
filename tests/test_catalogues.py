"""The translation catalogues are complete, compiled and follow the glossary (docs/glossary.md).

They are read as they are in the tree, whatever messages the last `make messages` or merge
left in them: no list of messages is kept here. The .po files are parsed with polib, so the
tests need no GNU gettext.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "homecoming" / "locale"
GLOSSARY = ROOT / "docs" / "glossary.md"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLURALS = {"az": 2, "ru": 3}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def entries(language: str) -> list[polib.POEntry]:
    return [e for e in catalogue(language) if not e.obsolete]


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def glossary_table(heading: str) -> list[list[str]]:
    """The rows of the Markdown table under ``heading`` in docs/glossary.md, cells unquoted."""
    text = GLOSSARY.read_text(encoding="utf-8").split(f"## {heading}\n", 1)[1]
    rows = []
    for line in text.split("\n## ", 1)[0].splitlines():
        if not line.startswith("| ") or line.startswith("| ---"):
            continue
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([c.strip().strip("`").replace("\\|", "|") for c in cells])
    return rows[1:]  # the header row


def test_every_page_language_but_english_has_a_catalogue():
    for language in TRANSLATED:
        assert (LOCALE / language / "LC_MESSAGES" / "django.po").is_file()


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_message_is_left_untranslated_or_fuzzy(language):
    untranslated = [e.msgid for e in entries(language) if not all(translations(e))]
    fuzzy = [e.msgid for e in entries(language) if e.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def forms_for_one_alone(po: polib.POFile) -> set[int]:
    """The plural forms the language uses for the number 1 and no other (English's singular)."""
    plural = gettext.c2py(po.metadata["Plural-Forms"].split("plural=", 1)[1].strip().rstrip(";"))
    numbers: dict[int, set[int]] = {}
    for n in range(1000):
        numbers.setdefault(plural(n), set()).add(n)
    return {form for form, ns in numbers.items() if ns == {1}}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_the_placeholders_of_its_message(language):
    """A plural's forms keep its count, but for a form used for 1 alone, which may read as the
    English singular ("The likely duplicate..."); Russian uses its first form for 21 as for 1."""
    po = catalogue(language)
    one_alone = forms_for_one_alone(po)
    wrong = []
    for e in entries(language):
        for form, text in enumerate(translations(e)):
            allowed = [placeholders(e.msgid_plural or e.msgid)]
            if e.msgid_plural and form in one_alone:
                allowed.append(placeholders(e.msgid))
            if placeholders(text) not in allowed:
                wrong.append((e.msgid, text))
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_messages_have_the_languages_number_of_forms(language):
    po = catalogue(language)
    assert f"nplurals={PLURALS[language]};" in po.metadata["Plural-Forms"].replace(" ", "")
    assert po.metadata["Language"] == language
    wrong = [e.msgid for e in po if e.msgid_plural and len(e.msgstr_plural) != PLURALS[language]]
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_carries_every_translation(language):
    """The .mo files are committed: one compiled before the last change to the .po shows the old words."""
    compiled = {}
    for e in polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo")):
        compiled[(e.msgctxt, e.msgid)] = tuple(translations(e))
    stale = [
        e.msgid
        for e in entries(language)
        if compiled.get((e.msgctxt, e.msgid)) != tuple(translations(e))
    ]
    assert stale == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_glossarys_pinned_messages_are_translated_as_it_says(language):
    column = TRANSLATED.index(language) + 1
    by_msgid = {e.msgid: e.msgstr for e in entries(language)}
    wrong = [
        (row[0], by_msgid.get(row[0]), row[column])
        for row in glossary_table("Catalogue entries the test pins")
        if by_msgid.get(row[0]) != row[column]
    ]
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_naming_a_glossary_term_uses_its_translation(language):
    column = TRANSLATED.index(language) + 1
    wrong = []
    for row in glossary_table("Terms the test finds in every message"):
        english, stem = re.compile(row[0], re.IGNORECASE), re.compile(row[column], re.IGNORECASE)
        for e in entries(language):
            if english.search(PLACEHOLDER.sub("", e.msgid)) and not all(
                stem.search(t) for t in translations(e)
            ):
                wrong.append((row[column], e.msgid, translations(e)[0]))
    assert wrong == []


def test_the_passport_is_not_called_a_password():
    """The Azerbaijani catalogue once said "Parol" (password) for "Passport"."""
    for language in TRANSLATED:
        passport = next(e for e in entries(language) if e.msgid == "Passport")
        password = next(e for e in entries(language) if e.msgid == "Password")
        assert passport.msgstr.casefold() != password.msgstr.casefold()
