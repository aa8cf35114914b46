"""Seeded synthetic registries: the same people written the way different offices write them.

The tests and ``bench/bench_dedup.py`` need member records whose true duplicates
are known. Households are drawn with Azerbaijani names at realistic frequencies
(a few surnames are very common); each household is registered by an office that
writes in one style: Azerbaijani Latin, the same typed on an ASCII keyboard,
English passport transliteration, Russian Cyrillic or Soviet Azerbaijani Cyrillic.
Some households are registered twice, by offices of different styles, some members
appear again in another household, and a registration copies dates the ways clerks
do (day and month swapped, year only, a year off). Look-alikes — namesakes born the
same year to other fathers — are added so that a model that links on names alone
is caught out.

The transliterators here write *from* Azerbaijani Latin, one letter at a time,
with the conventions of each style; they do not use the key rules of ``names.py``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["STYLES", "SyntheticRegistry", "synthetic_registry", "write_name"]

# fmt: off
MALE = [
    "Elvin", "Rəşad", "Əli", "Elnur", "Rövşən", "Cavid", "Orxan", "Tural", "Kamran", "Ramil",
    "Vüqar", "Anar", "Elçin", "Fuad", "Hüseyn", "Həsən", "Məmməd", "Nicat", "Murad", "Samir",
    "Zaur", "Rauf", "Emil", "Tofiq", "Namiq", "İlham", "Vüsal", "Ceyhun", "Fərid", "Mübariz",
    "Ülvi", "Pərviz", "Şahin", "Səbuhi", "Yusif", "Qəzənfər", "Xəyal", "Əkbər", "Sənan", "Cəmil",
    "Rafiq", "Elşən", "Etibar", "Qənbər", "Telman", "Mirzə", "Nurlan", "Rüfət", "Sahib", "Vaqif",
]
FEMALE = [
    "Aygün", "Xədicə", "Gülnar", "Səbinə", "Nərgiz", "Leyla", "Günel", "Aynur", "Könül", "Sevinc",
    "Lalə", "Nigar", "Şəbnəm", "Fidan", "Aysel", "Ülviyyə", "Gülşən", "Zəhra", "Mələk", "Nərmin",
    "Səidə", "Xatirə", "Rəna", "Samirə", "Türkan", "Aytən", "Şəfəq", "Vüsalə", "İradə", "Həcər",
    "Gülarə", "Mehriban", "Sona", "Zülfiyyə", "Arzu", "Dilarə", "Kəmalə", "Pərvanə", "Solmaz",
    "Tamilla",
]
SURNAME_STEMS = [
    "Məmməd", "Əli", "Həsən", "Hüseyn", "Quli", "Cəfər", "Xəlil", "Şükür", "İsmayıl", "Abbas",
    "Rəhim", "Qasım", "Süleyman", "Bağır", "Nəsib", "Kərim", "Əhməd", "Musa", "İbrahim", "Rüstəm",
    "Baba", "Rza", "Vəli", "Tağı", "Səfər", "Oruc", "Nəbi", "Heydər", "Şirin", "Zeynal",
    "Kazım", "Mehdi", "Qafar", "Əsgər", "Yusif", "Hacı", "Allahverdi", "Novruz", "Cabbar",
    "Qəhrəman",
]
# fmt: on
SETTLEMENTS = [f"AZ-KLB-{number:03d}" for number in range(1, 121)] + [
    f"AZ-SUS-{number:03d}" for number in range(1, 61)
]

STYLES = ("az_latin", "ascii", "english", "russian", "az_cyrillic")

# fmt: off
_ASCII = str.maketrans("əığşçöüƏİĞŞÇÖÜ", "eigscouEIGSCOU")
_ENGLISH = {
    "ə": "a", "x": "kh", "ş": "sh", "ç": "ch", "c": "j", "ğ": "gh", "q": "g", "ı": "i",
    "ö": "o", "ü": "u", "j": "zh",
}
_AZ_CYRILLIC = {
    "a": "а", "b": "б", "c": "ҹ", "ç": "ч", "d": "д", "e": "е", "ə": "ә", "f": "ф", "g": "ҝ",
    "ğ": "ғ", "h": "һ", "x": "х", "ı": "ы", "i": "и", "j": "ж", "k": "к", "q": "г", "l": "л",
    "m": "м", "n": "н", "o": "о", "ö": "ө", "p": "п", "r": "р", "s": "с", "ş": "ш", "t": "т",
    "u": "у", "ü": "ү", "v": "в", "y": "ј", "z": "з",
}
# Russian writes ə as а, h and ğ as г, q as к, c as дж; ü is ю after a consonant.
_RUSSIAN = {
    "a": "а", "b": "б", "c": "дж", "ç": "ч", "d": "д", "e": "е", "ə": "а", "f": "ф", "g": "г",
    "ğ": "г", "h": "г", "x": "х", "ı": "ы", "i": "и", "j": "ж", "k": "к", "q": "к", "l": "л",
    "m": "м", "n": "н", "o": "о", "ö": "о", "p": "п", "r": "р", "s": "с", "ş": "ш", "t": "т",
    "u": "у", "ü": "у", "v": "в", "y": "й", "z": "з",
}
_RUSSIAN_IOTATED = {"a": "я", "ə": "я", "u": "ю", "ü": "ю", "e": "е", "o": "ё"}
# Stems that Russian spelling fixed long ago, whatever the letter rules say.
_RUSSIAN_STEMS = {"məmməd": "мамед", "hüseyn": "гусейн", "şükür": "шукюр"}
# fmt: on
_VOWELS = frozenset("aəeıioöuü")


def write_name(name: str, style: str) -> str:
    """A name in Azerbaijani Latin, written in ``style`` (one of ``STYLES``).

    >>> [write_name("Cəfərov", style) for style in STYLES]
    ['Cəfərov', 'Ceferov', 'Jafarov', 'Джафаров', 'Ҹәфәров']
    """
    if style == "az_latin":
        return name
    if style == "ascii":
        return name.translate(_ASCII)
    words = []
    for word in name.split(" "):
        lower = word.replace("İ", "i").lower()
        if style == "russian":
            written = _russian(lower)
        else:
            table = _ENGLISH if style == "english" else _AZ_CYRILLIC
            written = "".join(table.get(ch, ch) for ch in lower)
        words.append(written[:1].upper() + written[1:])
    return " ".join(words)


def _russian(word: str) -> str:
    stem = next((known for known in _RUSSIAN_STEMS if word.startswith(known)), "")
    out, index = [_RUSSIAN_STEMS.get(stem, "")], len(stem)
    while index < len(word):
        ch, following = word[index], word[index + 1 : index + 2]
        if ch == "y" and following in _RUSSIAN_IOTATED and following:
            out.append(_RUSSIAN_IOTATED[following])
            index += 2
            continue
        if ch == "e" and index == 0:
            out.append("э")
        elif ch == "ü" and index > 0 and word[index - 1] not in _VOWELS:
            out.append("ю")
        else:
            out.append(_RUSSIAN.get(ch, ch))
        index += 1
    return "".join(out)


@dataclass(frozen=True)
class SyntheticRegistry:
    """Member records, and for each record id the person it is."""

    members: list[dict]
    person_of: dict[str, str]

    def true_pairs(self) -> set[tuple[str, str]]:
        """Every pair of record ids (sorted) that are the same person."""
        records_of: dict[str, list[str]] = {}
        for record_id, person in self.person_of.items():
            records_of.setdefault(person, []).append(record_id)
        return {
            (a, b) if a < b else (b, a)
            for ids in records_of.values()
            for i, a in enumerate(ids)
            for b in ids[i + 1 :]
        }


@dataclass(frozen=True)
class _Person:
    id: str
    given: str
    surname: str
    sex: str
    father: str
    born: tuple[int, int, int]
    document: str
    phone: str
    settlement: str


def synthetic_registry(
    size: int,
    *,
    seed: int,
    styles: tuple[str, ...] = STYLES,
    households_twice: float = 0.04,
    members_twice: float = 0.03,
    lookalikes: float = 0.03,
) -> SyntheticRegistry:
    """About ``size`` member records with known duplicates, the same for the same seed.

    ``households_twice`` is the share of households registered a second time (by an
    office of another style), ``members_twice`` the share of people who appear again
    in some other household, ``lookalikes`` the share who get a namesake in another
    household: same given and family name, same birth year and settlement, another
    father and birthday.

    >>> registry = synthetic_registry(200, seed=3)
    >>> len(registry.members) >= 200, len(registry.true_pairs()) > 0
    (True, True)
    """
    rng = random.Random(seed)
    members: list[dict] = []
    person_of: dict[str, str] = {}
    registered: list[tuple[str, str]] = []  # (household id, style) of each first registration
    counter = iter(range(1, 10**9))

    def register(people: list[_Person], household: str, style: str, *, copied: bool) -> None:
        for person in people:
            record = _record(rng, person, household, style, copied=copied)
            record["id"] = f"m{next(counter):07d}"
            person_of[record["id"]] = person.id
            members.append(record)

    while len(members) < size:
        people = _household(rng, counter)
        if rng.random() < lookalikes * len(people):
            cousin = _namesake(rng, counter, rng.choice(people))
            register([cousin], f"h{next(counter):07d}", rng.choice(styles), copied=False)
        if registered and rng.random() < members_twice * len(people):
            register([rng.choice(people)], *rng.choice(registered), copied=True)
        household = (f"h{next(counter):07d}", rng.choice(styles))
        registered.append(household)
        register(people, *household, copied=False)
        if rng.random() < households_twice:
            register(people, f"h{next(counter):07d}", rng.choice(styles), copied=True)
    return SyntheticRegistry(members, person_of)


def _zipf(rng: random.Random, names: list[str]) -> str:
    # A few names (Məmmədov, Əliyev) are very common: rank r is drawn in proportion to 1/r.
    return rng.choices(names, weights=[1 / rank for rank in range(1, len(names) + 1)])[0]


def _person(
    rng: random.Random,
    counter: Iterator[int],
    *,
    sex: str,
    surname: str,
    father: str,
    born_from: int,
    born_to: int,
    settlement: str,
) -> _Person:
    born = (rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    return _Person(
        id=f"p{next(counter):07d}",
        given=_zipf(rng, MALE if sex == "male" else FEMALE),
        surname=surname,
        sex=sex,
        father=father,
        born=born,
        document=f"AZE{rng.randrange(10**7, 10**8)}" if rng.random() < 0.5 else "",
        phone=f"+99450{rng.randrange(10**6, 10**7)}" if rng.random() < 0.4 else "",
        settlement=settlement,
    )


def _household(rng: random.Random, counter: Iterator[int]) -> list[_Person]:
    """A head, perhaps a spouse, children who carry the head's surname and name."""
    settlement = rng.choice(SETTLEMENTS)
    surname = _zipf(rng, SURNAME_STEMS)
    head_sex = "male" if rng.random() < 0.85 else "female"
    common = {"born_from": 1940, "born_to": 1995, "settlement": settlement}
    head = _person(rng, counter, sex=head_sex, surname=surname, father=_zipf(rng, MALE), **common)
    people = [head]
    if head_sex == "male" and rng.random() < 0.7:
        spouse_surname = _zipf(rng, SURNAME_STEMS)
        people.append(
            _person(
                rng,
                counter,
                sex="female",
                surname=spouse_surname,
                father=_zipf(rng, MALE),
                **common,
            )
        )
    if head_sex == "male":
        for _ in range(rng.choice([0, 0, 1, 2, 2, 3, 4])):
            year = min(head.born[0] + rng.randint(20, 40), 2023)
            sex = rng.choice(["male", "female"])
            child = _person(
                rng,
                counter,
                sex=sex,
                surname=surname,
                father=head.given,
                born_from=year,
                born_to=year,
                settlement=settlement,
            )
            if all(child.given != other.given for other in people):  # no two siblings alike
                people.append(child)
    return people


def _namesake(rng: random.Random, counter: Iterator[int], person: _Person) -> _Person:
    """Another person with the same names and birth year: a cousin named after the same
    grandfather."""
    year = person.born[0]
    other = _person(
        rng,
        counter,
        sex=person.sex,
        surname=person.surname,
        father=_zipf(rng, MALE),
        born_from=year,
        born_to=year,
        settlement=person.settlement,
    )
    return _Person(**{**other.__dict__, "given": person.given})


def _record(
    rng: random.Random, person: _Person, household: str, style: str, *, copied: bool
) -> dict:
    """The record an office of ``style`` writes; a copy also bears the clerks' mistakes."""
    year, month, day = person.born
    birth_date, year_only = f"{year}-{month:02d}-{day:02d}", False
    given, family = person.given, _surname(person.surname, person.sex)
    if copied:
        draw = rng.random()
        if draw < 0.15 and day <= 12 and day != month:
            birth_date = f"{year}-{day:02d}-{month:02d}"
        elif draw < 0.30:  # the year only: "1975", or 1 January with the flag set
            year_only = rng.random() < 0.5
            birth_date = f"{year}-01-01" if year_only else str(year)
        elif draw < 0.40:
            birth_date = f"{year + rng.choice([-1, 1])}-{month:02d}-{day:02d}"
        elif draw < 0.45:
            birth_date = ""
        if rng.random() < 0.08:
            given = _typo(rng, given)
        elif rng.random() < 0.08:
            family = _typo(rng, family)
        if rng.random() < 0.1:  # a new passport since the first registration
            person = _Person(**{**person.__dict__, "document": f"AZE{rng.randrange(10**7, 10**8)}"})
        if rng.random() < 0.3:  # a new phone number
            person = _Person(**{**person.__dict__, "phone": f"+99455{rng.randrange(10**6, 10**7)}"})
    return {
        "household": household,
        "given_name": write_name(given, style),
        "family_name": write_name(family, style),
        "patronymic": _patronymic(rng, person.father, person.sex, style)
        if rng.random() < 0.75
        else "",
        "sex": person.sex if rng.random() < 0.9 else "",
        "birth_date": birth_date,
        "birth_year_only": year_only,
        "document_number": person.document if rng.random() < 0.7 else "",
        "phone": person.phone if rng.random() < 0.6 else "",
        "origin_settlement": person.settlement if rng.random() < 0.9 else "",
    }


def _surname(stem: str, sex: str) -> str:
    ending = "yev" if stem[-1] in _VOWELS else "ov"
    return stem + ending + ("a" if sex == "female" else "")


def _typo(rng: random.Random, name: str) -> str:
    """One letter dropped or two neighbours swapped, never the first letter."""
    if len(name) < 4:
        return name
    at = rng.randrange(1, len(name) - 1)
    if rng.random() < 0.5:
        return name[:at] + name[at + 1 :]
    return name[:at] + name[at + 1] + name[at] + name[at + 2 :]


def _patronymic(rng: random.Random, father: str, sex: str, style: str) -> str:
    male = sex == "male"
    if style == "russian" and rng.random() < 0.5:
        written = write_name(father, "russian")
        if father[-1] in _VOWELS:
            return written + ("евич" if male else "евна")
        return written + ("ович" if male else "овна")
    word = {
        "az_latin": ("oğlu", "qızı"),
        "ascii": ("oglu", "qizi"),
        "english": ("ogly", "kyzy"),
        "russian": ("оглы", "кызы"),
        "az_cyrillic": ("оғлу", "гызы"),
    }[style][0 if male else 1]
    return f"{write_name(father, style)} {word}"
