"""The key under which search finds a place, and what a search looks for in it.

A place is written "Kəlbəcər" by the registers, "Кельбаджар" in Soviet-era documents,
"Kalbajar" by international partners and "Kelbajar" or "Kelbadzhar" in older English
texts. Each word of each of its names (English, Azerbaijani, Russian) is kept by its
cross-script key, ``dedup.names.name_key`` — the key people's names are found by
(registry.search_keys) — so that every spelling of a word gives the same key: all of the
spellings above give ``kalbacar``. A word the key does not know (no Latin or Cyrillic
letter) is kept folded (``core.text.fold``), and a word with a digit is a code, kept in
lower case. Pure functions, used by the places import (``services``), the search
(``selectors``) and migration 0003; docs/data-formats.md, "Finding a place".
"""

from __future__ import annotations

from collections.abc import Iterable

from homecoming.core.text import clean, fold
from homecoming.dedup.names import name_key, name_prefix_keys

SEARCH_KEY_LENGTH = 700  # Place.search_key's max_length


def _word_key(word: str) -> str:
    if any(ch.isdigit() for ch in word):
        return fold(word)
    return name_key(word) or fold(word)


def place_search_key(*, code: str, names: Iterable[str]) -> str:
    """The code in lower case, then the key of each word of ``names``, each once.

    >>> place_search_key(code="AZ0201", names=["Kalbajar", "Kəlbəcər", "Кельбаджар"])
    'az0201 kalbacar'
    """
    keys = [_word_key(word) for name in names for word in clean(name).split()]
    return " ".join(dict.fromkeys([code.lower(), *filter(None, keys)]))[:SEARCH_KEY_LENGTH]


def place_query_keys(q: str) -> list[tuple[str, ...]]:
    """What a search looks for in a place's key: one tuple of keys per word of ``q``; a
    place is found when its key holds one key of every word. The last word is the one
    being typed, searched by the keys its whole word may begin with
    (``dedup.names.name_prefix_keys``), so that the place is found at every letter.

    >>> place_query_keys("Кельбаджар"), place_query_keys("Khod"), place_query_keys("Cəbra")
    ([('kalbacar',)], [('ko',)], [('cabra', 'cabri', 'cabro', 'cabru')])
    """
    *words, last = clean(q).split() or [""]
    keys = [(_word_key(word),) for word in words]
    if any(ch.isdigit() for ch in last) or not name_key(last):
        keys.append((fold(last),))
    else:
        keys.append(name_prefix_keys(last))
    return [term for term in keys if all(term)]
