"""The keys under which the registry finds a person: pure functions of names, numbers,
phones and birth dates, used by the search (``selectors``), the check at the door
(``door``), the households import and migrations 0004, 0006 and 0013. No database here:
``services`` writes the keys."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache

from homecoming.core.text import clean, fold
from homecoming.dedup.door import door_keys
from homecoming.dedup.names import name_key, patronymic_key, surname_key
from homecoming.dedup.numbers import document_key, phone_key

NAME_KEY_LENGTH = 320  # the length of the name key column that migration 0004 fills
SEARCH_KEY_LENGTH = 64  # MemberSearchKey.key's max_length
# A word of a name or a query: letters and digits, with apostrophes inside (O'Brien);
# hyphens and other punctuation separate words (Əli-Heydər is Əli and Heydər).
_WORD = re.compile(r"[^\W_]+(?:['’ʼ`´][^\W_]+)*")


def member_name_key(*, given_name: str, family_name: str, patronymic: str = "") -> str:
    """One string for a person's names: the folded names, then each word's spelling keys.

    The households import counts two rows with the same name key and birth date as one
    person, so that a member is not listed in two households.
    """
    names = [part for part in (given_name, family_name, patronymic) if part]
    keys = dict.fromkeys(key for name in names for key in _name_keys(name))
    return " ".join([fold(name) for name in names] + list(keys))[:NAME_KEY_LENGTH]


@lru_cache(maxsize=200_000)  # names repeat a great deal in a registry
def _name_keys(name: str) -> tuple[str, ...]:
    return tuple(key for word in name.split() for key in name_search_keys(word))


def name_search_keys(word: str) -> list[str]:
    """One word's spelling keys, marked with ``~``: ``["~mamadov", "~mamad"]``."""
    keys = dict.fromkeys((name_key(word), surname_key(word).key, patronymic_key(word).key))
    return [f"~{key}" for key in keys if key]


def word_search_keys(word: str) -> list[str]:
    """The keys of one word of a name: its spelling keys, or the word folded when it has
    none (a script the spelling keys do not know)."""
    return [key[:SEARCH_KEY_LENGTH] for key in name_search_keys(word) or [fold(word)]]


@lru_cache(maxsize=200_000)  # names repeat a great deal in a registry
def _name_search_keys(name: str) -> frozenset[str]:
    return frozenset(key for word in _WORD.findall(clean(name)) for key in word_search_keys(word))


def search_keys(
    *, names: Iterable[str] = (), numbers: Iterable[str] = (), phones: Iterable[str] = ()
) -> set[str]:
    """The keys under which search finds a member (``MemberSearchKey``).

    Each word of ``names`` gives its ``word_search_keys``; ``numbers`` (documents, the
    household reference) are kept in capitals without spaces or punctuation, and
    ``phones`` by their national digits, as record linkage compares them.
    """
    keys = set().union(*map(_name_search_keys, names))
    keys.update(document_key(number)[:SEARCH_KEY_LENGTH] for number in numbers)
    keys.update(phone_key(phone) for phone in phones)
    keys.discard("")
    return keys


def person_door_keys(
    *,
    given_name: str,
    family_name: str,
    patronymic: str,
    birth_date: dt.date | None,
    birth_year_only: bool,
    origin_settlement: str,
) -> set[str]:
    """The keys under which the check at the door finds a registered person
    (``dedup.door.door_keys``; ``origin_settlement``: its household's origin, by code);
    kept with the search keys, which they never meet: a search's keys hold no ``:``."""
    return door_keys(
        {
            "given_name": given_name,
            "family_name": family_name,
            "patronymic": patronymic,
            "birth_date": birth_date.isoformat() if birth_date else "",
            "birth_year_only": birth_year_only,
            "origin_settlement": origin_settlement,
        }
    )


def query_search_keys(q: str) -> list[list[str]]:
    """What a search asks for: one list of keys per term; a member matches a term when
    it has any of the term's keys, and the query when it matches every term.

    A query with a digit in it is one number, however it is spaced: a document, a
    phone ("+994 50 123 45 67" and "050 123 45 67" alike) or a household reference.
    Otherwise each word is a word of a name, in any spelling or script.
    """
    if any(ch.isdigit() for ch in q):
        keys = sorted({document_key(q)[:SEARCH_KEY_LENGTH], phone_key(q)} - {""})
        return [keys] if keys else []
    return [word_search_keys(word) for word in query_words(q)[0]]


# A search uses at most this many words of a name: a person's names rarely have more
# than five (given, patronymic with oğlu or qızı, a double family name), and each word
# is one more probe of the key index, nested in the one before.
SEARCH_WORDS = 6


def query_words(q: str) -> tuple[list[str], list[str]]:
    """The words of a name query that a search uses (each once, at most
    ``SEARCH_WORDS``), and the words it leaves out; none for a number."""
    if any(ch.isdigit() for ch in q):
        return [], []
    words = list(dict.fromkeys(_WORD.findall(clean(q))))
    return words[:SEARCH_WORDS], words[SEARCH_WORDS:]
