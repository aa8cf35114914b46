"""Text clean-up and search keys shared by every app.

Names are stored as entered; these functions only make *keys* for search and
matching, so that "Kəlbəcər", "KƏLBƏCƏR" and "Kelbecer" find each other.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Control, format, surrogate, private-use and unassigned characters, and the line and
# paragraph separators: invisible in a form, but they make two equal-looking names differ
# (and a lone surrogate cannot even be stored).
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Characters of other categories that show as nothing or as a blank: Unicode's
# Default_Ignorable_Code_Point (DerivedCoreProperties.txt) beyond the categories above —
# the combining grapheme joiner, the Hangul fillers, the Khmer inherent vowels, the
# Mongolian and the variation selectors — and the blank Braille pattern, drawn as a space.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0000-\U000e0fff]"
)
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
_CYRILLIC = re.compile(r"[Ѐ-ӿ]")
# The scripts of the registers: Azerbaijani and English in Latin letters, Russian and
# Soviet-era documents in Cyrillic.
_SCRIPTS = ("LATIN ", "CYRILLIC ")

# Azerbaijani Latin letters outside ASCII, folded the way people type them on an
# ASCII keyboard. Unicodedata decomposition alone misses ə and ı.
_AZ_LATIN_TO_ASCII = str.maketrans(
    {"ə": "e", "ı": "i", "ğ": "g", "ş": "s", "ç": "c", "ö": "o", "ü": "u"}
)


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in _INVISIBLE_CATEGORIES or bool(_IGNORABLE.match(ch))


def invisible_characters(text: str) -> list[str]:
    """The characters of ``text`` that show as nothing or as a blank, as ``U+XXXX`` names:
    zero-width, bidi, control, filler and variation characters (a tab is allowed)."""
    if text.isprintable() and not _IGNORABLE.search(text):  # the usual case, fast
        return []
    return [f"U+{ord(ch):04X}" for ch in text if ch != "\t" and _invisible(ch)]


def lookalike_characters(text: str) -> list[str]:
    """The letters and digits of ``text`` that may look like Latin or Cyrillic letters or
    the digits 0–9 but are not: letters of another script (Greek Α), compatibility forms
    (fullwidth Ａ, mathematical 𝐀, ligatures), other digits (١, １), Roman numerals (Ⅻ).
    Each is named ``U+0391 GREEK CAPITAL LETTER ALPHA``."""
    if text.isascii():
        return []
    return [
        f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}"
        for ch in dict.fromkeys(text)
        if not ch.isascii() and _lookalike(ch)
    ]


@functools.cache
def _lookalike(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Lu", "Ll", "Lt", "Lo"):
        name = unicodedata.name(ch, "")
        return not name.startswith(_SCRIPTS) or unicodedata.decomposition(ch).startswith("<")
    return category in ("Nd", "Nl")


def mixed_scripts(text: str) -> list[str]:
    """The words of ``text`` that mix Latin and Cyrillic letters (a typing or OCR slip, or
    a look-alike letter slipped in to make a name or number seem new)."""
    return [w for w in text.split() if _LATIN.search(w) and _CYRILLIC.search(w)]


def clean(text: str) -> str:
    """Trim, NFC-normalise and drop invisible characters; keep the script and case."""
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable() or _IGNORABLE.search(text):
        text = "".join(ch for ch in text if not _invisible(ch))
    return " ".join(text.split())


def fold(text: str) -> str:
    """A lower-case ASCII-ish key of a Latin-script name, for search.

    >>> fold("Kəlbəcər"), fold("QIZILHACILI"), fold("Ağdərə")
    ('kelbecer', 'qizilhacili', 'agdere')
    """
    text = clean(text).casefold().translate(_AZ_LATIN_TO_ASCII)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
