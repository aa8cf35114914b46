"""Text clean-up and search keys shared by every app.

Names are stored as entered; these functions only make *keys* for search and
matching, so that "Kəlbəcər", "KƏLBƏCƏR" and "Kelbecer" find each other.
"""

from __future__ import annotations

import unicodedata

# Format characters (zero-width space and joiners, bidi marks) and C0/C1 control
# characters: invisible in a form, but they make two equal-looking names differ.
_INVISIBLE_CATEGORIES = {"Cc", "Cf"}

# Azerbaijani Latin letters outside ASCII, folded the way people type them on an
# ASCII keyboard. Unicodedata decomposition alone misses ə and ı.
_AZ_LATIN_TO_ASCII = str.maketrans(
    {"ə": "e", "ı": "i", "ğ": "g", "ş": "s", "ç": "c", "ö": "o", "ü": "u"}
)


def invisible_characters(text: str) -> list[str]:
    """The zero-width, bidi and control characters in ``text``, as ``U+XXXX`` names."""
    if text.isprintable():  # no character of categories Cc or Cf: the usual case, fast
        return []
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if unicodedata.category(ch) in _INVISIBLE_CATEGORIES and ch not in "\t"
    ]


def clean(text: str) -> str:
    """Trim, NFC-normalise and drop invisible characters; keep the script and case."""
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():
        text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    return " ".join(text.split())


def fold(text: str) -> str:
    """A lower-case ASCII-ish key of a Latin-script name, for search.

    >>> fold("Kəlbəcər"), fold("QIZILHACILI"), fold("Ağdərə")
    ('kelbecer', 'qizilhacili', 'agdere')
    """
    text = clean(text).casefold().translate(_AZ_LATIN_TO_ASCII)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
