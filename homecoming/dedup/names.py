"""Keys under which the spellings of one Azerbaijani name meet, whatever the script.

The same person is registered as "Məmmədov" by a district office, "Мамедов" in a
Soviet-era passport and "Mamedov" or "Mammadov" by an international partner. A key
is not a transliteration a person would write: it is a lossy ASCII skeleton built so
that those spellings give one string, while names that differ in their consonants
stay apart. Names are stored as entered; only keys are compared.

The rules, applied in this order (docs/dedup.md has the table of spellings):

1. Clean-up: NFC, casefold, drop zero-width, bidi and control characters. Every
   character is mapped on its own, so a word that mixes Latin and Cyrillic letters
   (a Latin "e" typed inside "Мамедов") gives the same key.
2. Cyrillic to Latin, letter by letter, for Russian and Azerbaijani Cyrillic:
   ә→ə, ғ→ğ, һ→h, ҹ→c, ј/й→y, ы→ı, х→x, ж→zh, ш→sh, я→ya, ю→yu, е→ye, ь and ъ
   dropped.
3. Latin digraphs of English and Russian transliteration: dzh, dj, zh→c;
   kh→x; gh→ğ; shch, sh→ş; ch→ç; ph→f.
4. Letter classes, because each one is written several ways:

   - ə, a, e → a  (Məmmədov: Мамедов, Mamedov, Mammadov)
   - i, ı, y → i  (Aliyev: Алиев, Aliev)
   - o, ö → o; u, ü → u  (Şükürov: Shukurov)
   - k, q, g, ğ, h, x → k  (Quliyev: Кулиев, Guliyev; Hüseynov: Гусейнов;
     Xəlilov: Khalilov, Халилов; Russian writes Azerbaijani h as г)
   - c, ç, j → c  (Cəfərov: Jafarov, Dzhafarov, Джафаров)
   - ş, s → s  (ASCII keyboards drop the cedilla); w → v
5. A run of vowels keeps its last vowel ("ie", "iye", "ey" and the y of Russian
   я, ю, е all reduce to one vowel), then doubled letters become one (Məmmədov).

Surnames also lose the endings -ov/-ev/-yev (male) and -ova/-eva/-yeva (female)
after step 3; the ending becomes a separate sex hint. Patronymics lose the word
"oğlu" (ogly, оглы) or the ending -oviç/-ovich/-ович (male), and "qızı" (kyzy,
кызы) or -ovna/-овна (female), the same way. Endings -li/-lı and -zadə carry no
sex and are kept.

Names whose consonants differ stay apart: Əli (ali) and Elnur (alnur);
Məmmədov (mamad) and Məhəmmədov (makamad), which are distinct surnames in the
civil registry even though Məmməd is a short form of Məhəmməd.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "NameKey",
    "name_key",
    "name_prefix_keys",
    "patronymic_key",
    "spelling_key",
    "surname_key",
]

_INVISIBLE_CATEGORIES = {"Cc", "Cf"}

# fmt: off
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "ye", "ё": "yo",
    "є": "ye", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "ј": "y",
    "к": "k", "ҝ": "g", "қ": "q", "л": "l", "м": "m", "н": "n", "о": "o", "ө": "ö",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "ü", "ұ": "u", "ў": "u",
    "ф": "f", "х": "x", "һ": "h", "ц": "ts", "ч": "ch", "ҹ": "c", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "ı", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "ə",
}
# fmt: on

# Letters of Azerbaijani Latin that Unicode decomposition would lose or mangle.
_AZ_LATIN = frozenset("əığşçöü")

# fmt: off
_DIGRAPHS = [
    ("shch", "ş"), ("dzh", "c"), ("dj", "c"), ("zh", "c"), ("kh", "x"), ("gh", "ğ"),
    ("sh", "ş"), ("ch", "ç"), ("ph", "f"),
]
_DIGRAPH_PATTERN = re.compile("|".join(source for source, _ in _DIGRAPHS))
_DIGRAPH_TARGET = dict(_DIGRAPHS)
# The beginnings of those digraphs, longest first: a name typed so far may stop inside one
# ("Кельбад", on the way to "Кельбаджар").
_DIGRAPH_STARTS = sorted(
    {source[:n] for source, _ in _DIGRAPHS for n in range(1, len(source))}, key=len, reverse=True
)

_CLASSES = str.maketrans({
    "ə": "a", "e": "a", "ı": "i", "y": "i", "ö": "o", "ü": "u", "q": "k", "g": "k",
    "ğ": "k", "h": "k", "x": "k", "ç": "c", "j": "c", "ş": "s", "w": "v",
})
# fmt: on

_VOWELS = "aiou"  # of a key, after step 4
_VOWEL_BEFORE_VOWEL = re.compile(r"[aiou]+(?=[aiou])")
_DOUBLED = re.compile(r"([a-z])\1+")
_WORD_SEPARATORS = re.compile(r"[\s\-‐‑–—.,;/()]+")
_APOSTROPHES = re.compile(r"['’ʼ`´]")

# Endings are cut from the Latin word (after step 3), longest first, so that the y
# of -yev goes with the ending: Babayev, Babaev and Бабаев all keep "baba".
# fmt: off
_SURNAME_ENDINGS = (
    ("yeva", "female"), ("eva", "female"), ("ova", "female"),
    ("yev", "male"), ("ev", "male"), ("ov", "male"),
)
_PATRONYMIC_ENDINGS = (
    ("yevna", "female"), ("evna", "female"), ("ovna", "female"),
    ("yeviç", "male"), ("eviç", "male"), ("oviç", "male"),
)
# fmt: on
# "oğlu", "ogly", "оглы" and "qızı", "kyzy", "кызы" in letter classes (step 4).
_PATRONYMIC_WORDS = {"oklu": "male", "okli": "male", "kizi": "female"}
_SHORTEST_STEM = 2
# Names repeat a great deal (a registry of a million people has some tens of
# thousands of distinct spellings), so keys are cached by spelling.
_CACHED_NAMES = 200_000


@dataclass(frozen=True)
class NameKey:
    """A key and the sex its ending tells: "female", "male", or "" when it does not."""

    key: str
    sex: str = ""


@lru_cache(maxsize=_CACHED_NAMES)
def name_key(text: str) -> str:
    """The cross-script key of a given name (or any name), word by word.

    >>> name_key("Rəşad"), name_key("Рашад"), name_key("Rashad")
    ('rasad', 'rasad', 'rasad')
    >>> name_key("Xədicə"), name_key("Khadija"), name_key("Хадиджа")
    ('kadica', 'kadica', 'kadica')
    """
    return _joined(_key(word) for word in _latin_words(text))


@lru_cache(maxsize=_CACHED_NAMES)
def surname_key(text: str) -> NameKey:
    """The key of a family name without its -ov/-ova ending, and the sex the ending tells.

    >>> surname_key("Məmmədova"), surname_key("Мамедов")
    (NameKey(key='mamad', sex='female'), NameKey(key='mamad', sex='male'))
    """
    return _without_endings(_latin_words(text), _SURNAME_ENDINGS)


@lru_cache(maxsize=_CACHED_NAMES)
def patronymic_key(text: str) -> NameKey:
    """The key of the father's name in a patronymic, and the sex the patronymic tells.

    Both the Azerbaijani form ("Rövşən oğlu", "Cavid qızı") and the Russian one
    ("Ровшанович", "Джавидовна") name the father; the key is his given name's key,
    so it also meets the father's own record.

    >>> patronymic_key("Rövşən oğlu"), patronymic_key("Ровшанович")
    (NameKey(key='rovsan', sex='male'), NameKey(key='rovsan', sex='male'))
    >>> patronymic_key("Javid kyzy")
    NameKey(key='cavid', sex='female')
    """
    words = _latin_words(text)
    if len(words) > 1 and _classes(words[-1]) in _PATRONYMIC_WORDS:
        father = _joined(_key(word) for word in words[:-1])
        return NameKey(father, _PATRONYMIC_WORDS[_classes(words[-1])])
    return _without_endings(words, _PATRONYMIC_ENDINGS)


@lru_cache(maxsize=_CACHED_NAMES)
def name_prefix_keys(text: str) -> tuple[str, ...]:
    """The keys of a name as typed so far: the key of the whole name holds one of them.

    The last word may stop inside a digraph (the d of дж or dzh, the k of kh): it is left
    out. Or it may stop on a vowel that the next vowel replaces in the whole name (step 5:
    "Cəbra" is "cabra", Cəbrayıl "cabril"): the key is given with each vowel in its place.

    >>> name_prefix_keys("Кельбад"), name_prefix_keys("Khod"), name_prefix_keys("Cəbra")
    (('kalba',), ('ko',), ('cabra', 'cabri', 'cabro', 'cabru'))
    """
    *words, last = _words(text) or [""]
    whole = [_key(_latin_word(word)) for word in words]
    letters = _latin_letters(last)
    for start in _DIGRAPH_STARTS:
        if letters.endswith(start) and len(letters) > len(start):
            return (_joined([*whole, _key(_digraphs(letters.removesuffix(start)))]),)
    key = _key(_digraphs(letters))
    if len(key) < 2 or key[-1] not in _VOWELS:
        return (_joined([*whole, key]),)
    return tuple(_joined([*whole, key[:-1] + vowel]) for vowel in _VOWELS)


@lru_cache(maxsize=_CACHED_NAMES)
def spelling_key(text: str) -> str:
    """The name as typed, without case, invisible characters or extra spaces.

    Two records with the same spelling key were written the same way, which is
    stronger evidence than meeting only under the cross-script key.

    >>> spelling_key("  MƏMMƏDOV\u200b "), spelling_key("Мамедов")
    ('məmmədov', 'мамедов')
    """
    return " ".join(_words(text))


def _without_endings(words: list[str], endings: tuple[tuple[str, str], ...]) -> NameKey:
    keys, sexes = [], []
    for word in words:
        for ending, sex in endings:
            if word.endswith(ending) and len(word) - len(ending) >= _SHORTEST_STEM:
                word = word[: -len(ending)]
                sexes.append(sex)
                break
        keys.append(_key(word))
    return NameKey(_joined(keys), sexes[0] if sexes else "")


def _joined(keys: Iterable[str]) -> str:
    """Word keys separated by spaces; a word with no letters (a digit) leaves none."""
    return " ".join(key for key in keys if key)


def _words(text: str) -> list[str]:
    """Step 1: the words of ``text``, case-folded, without invisible characters."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    return [word for word in _WORD_SEPARATORS.split(_APOSTROPHES.sub("", text)) if word]


def _latin_words(text: str) -> list[str]:
    """Steps 1–3: the words of ``text`` in lower-case Latin letters."""
    return [_latin_word(word) for word in _words(text)]


def _latin_word(word: str) -> str:
    return _digraphs(_latin_letters(word))


def _latin_letters(word: str) -> str:
    """Step 2: each letter in Latin."""
    # "yy" from й or ј before е (Бабајев): one y, as in Babayev.
    return "".join(_latin_letter(ch) for ch in word).replace("yy", "y")


def _digraphs(latin: str) -> str:
    """Step 3."""
    return _DIGRAPH_PATTERN.sub(lambda match: _DIGRAPH_TARGET[match.group()], latin)


def _latin_letter(ch: str) -> str:
    if ch in _CYRILLIC:
        return _CYRILLIC[ch]
    if ch in _AZ_LATIN or ch.isascii():
        return ch
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(part for part in decomposed if part.isascii())


def _classes(word: str) -> str:
    """Step 4: letters in their classes; anything that is not a letter is dropped."""
    return "".join(ch for ch in word.translate(_CLASSES) if "a" <= ch <= "z")


def _key(word: str) -> str:
    """Steps 4 and 5: a vowel run keeps its last vowel, doubled letters become one."""
    return _DOUBLED.sub(r"\1", _VOWEL_BEFORE_VOWEL.sub("", _classes(word)))
