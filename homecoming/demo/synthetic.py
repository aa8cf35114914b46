"""The synthetic records the demo and the national programme (``homecoming synth``) share.

People: households of a drawn size with Azerbaijani names, patronymics and birth dates
(``synthetic_members``), their names as another office would spell them
(``transliterate``), and their rows in the households import (``member_rows``). Land:
hazard polygons around a point and the land-release activities that release them.
Everything is drawn from the ``random.Random`` the caller passes, so one seed gives one
result. ``households_mark_synthetic`` is the one place that marks households synthetic.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Iterator

from homecoming.core.audit import bulk_update_audited
from homecoming.core.tabular import Row, Table
from homecoming.registry.models import AccommodationKind, Household, Member

MALE_NAMES = [
    "Elvin",
    "Rəşad",
    "Orxan",
    "Tural",
    "Kamran",
    "Elçin",
    "Vüqar",
    "Anar",
    "Rövşən",
    "Nicat",
    "Fərid",
    "Ramil",
    "Səbuhi",
    "Elnur",
    "Zaur",
    "Namiq",
    "İlqar",
    "Mübariz",
    "Əli",
    "Hüseyn",
    "Məhəmməd",
    "Cavid",
    "Tofiq",
    "Vaqif",
    "Şahin",
    "Ağası",
    "Qurban",
    "Eldar",
    "Xəyyam",
    "Ruslan",
]
FEMALE_NAMES = [
    "Aygün",
    "Gülnar",
    "Səbinə",
    "Leyla",
    "Nərgiz",
    "Aynur",
    "Günel",
    "Şəbnəm",
    "Ülviyyə",
    "Xədicə",
    "Zəhra",
    "Fatimə",
    "Sevinc",
    "Lalə",
    "Könül",
    "Nigar",
    "Aytən",
    "Təranə",
    "Rəna",
    "Solmaz",
    "Mehriban",
    "Gülşən",
    "İradə",
    "Zülfiyyə",
    "Aysel",
    "Fidan",
    "Nurlana",
    "Həcər",
    "Mədinə",
    "Pərvin",
]
FAMILY_STEMS = [
    "Məmmədov",
    "Əliyev",
    "Həsənov",
    "Hüseynov",
    "Quliyev",
    "İsmayılov",
    "Rzayev",
    "Abbasov",
    "Kərimov",
    "Cəfərov",
    "Süleymanov",
    "Babayev",
    "Nəsirov",
    "Qasımov",
    "Vəliyev",
    "Orucov",
    "Bayramov",
    "Səfərov",
    "Zeynalov",
    "Mustafayev",
    "Şükürov",
    "Allahverdiyev",
    "Hacıyev",
    "Kazımov",
    "Xəlilov",
    "Rəhimov",
    "Ağayev",
    "İbrahimov",
]


ACCOMMODATION_WEIGHTS = {
    AccommodationKind.HOSTEL: 0.25,
    AccommodationKind.SANATORIUM: 0.15,
    AccommodationKind.ADMINISTRATIVE_BUILDING: 0.15,
    AccommodationKind.DORMITORY: 0.1,
    AccommodationKind.RENTED: 0.2,
    AccommodationKind.WITH_RELATIVES: 0.1,
    AccommodationKind.OTHER: 0.05,
}
INTENTION_WEIGHTS = {
    Household.Intention.RETURN_NOW: 0.68,
    Household.Intention.RETURN_LATER: 0.2,
    Household.Intention.NOT_RETURN: 0.07,
    Household.Intention.UNKNOWN: 0.05,
}
HOUSEHOLD_SIZES = {1: 0.06, 2: 0.12, 3: 0.18, 4: 0.24, 5: 0.2, 6: 0.11, 7: 0.06, 8: 0.03}


def pick(rng: random.Random, weights: dict):
    """One key of ``weights``, drawn with the weights its values give."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _family_name(stem: str, sex: str) -> str:
    return stem + "a" if sex == Member.Sex.FEMALE else stem


def _patronymic(father: str, sex: str) -> str:
    return f"{father} {'qızı' if sex == Member.Sex.FEMALE else 'oğlu'}"


def _birth(rng: random.Random, age_from: int, age_to: int, today: dt.date) -> dt.date:
    return today - dt.timedelta(days=rng.randint(age_from * 365, age_to * 365 + 364))


def synthetic_members(rng: random.Random, size: int, today: dt.date) -> list[dict]:
    """The members of one household of ``size`` people, head first, with Azerbaijani names."""
    stem = rng.choice(FAMILY_STEMS)
    head_sex = Member.Sex.MALE if rng.random() < 0.8 else Member.Sex.FEMALE
    head_name = rng.choice(MALE_NAMES if head_sex == Member.Sex.MALE else FEMALE_NAMES)
    head_age = rng.randint(28, 78)
    members = [
        dict(
            relation=Member.Relation.HEAD,
            sex=head_sex,
            given_name=head_name,
            father=rng.choice(MALE_NAMES),
            birth=_birth(rng, head_age, head_age, today),
        )
    ]
    if size > 1 and rng.random() < 0.85:
        sex = Member.Sex.FEMALE if head_sex == Member.Sex.MALE else Member.Sex.MALE
        members.append(
            dict(
                relation=Member.Relation.SPOUSE,
                sex=sex,
                given_name=rng.choice(FEMALE_NAMES if sex == "female" else MALE_NAMES),
                father=rng.choice(MALE_NAMES),
                birth=_birth(rng, max(18, head_age - 8), head_age + 3, today),
            )
        )
    father = head_name if head_sex == Member.Sex.MALE else rng.choice(MALE_NAMES)
    while len(members) < size:
        if head_age > 60 and rng.random() < 0.3:
            relation, age = Member.Relation.GRANDCHILD, rng.randint(0, 17)
        else:
            relation, age = Member.Relation.CHILD, rng.randint(0, max(0, min(40, head_age - 18)))
        sex = rng.choice([Member.Sex.FEMALE, Member.Sex.MALE])
        members.append(
            dict(
                relation=relation,
                sex=sex,
                father=father,
                given_name=rng.choice(FEMALE_NAMES if sex == "female" else MALE_NAMES),
                birth=_birth(rng, age, age, today),
            )
        )
    for member in members:
        member["family_name"] = _family_name(stem, member["sex"])
        member["patronymic"] = _patronymic(member.pop("father"), member["sex"])
    return members


_TO_CYRILLIC = str.maketrans(
    {
        "a": "а",
        "b": "б",
        "c": "дж",
        "ç": "ч",
        "d": "д",
        "e": "е",
        "ə": "а",
        "f": "ф",
        "g": "г",
        "ğ": "г",
        "h": "г",
        "x": "х",
        "ı": "ы",
        "i": "и",
        "j": "ж",
        "k": "к",
        "q": "г",
        "l": "л",
        "m": "м",
        "n": "н",
        "o": "о",
        "ö": "ё",
        "p": "п",
        "r": "р",
        "s": "с",
        "ş": "ш",
        "t": "т",
        "u": "у",
        "ü": "ю",
        "v": "в",
        "y": "й",
        "z": "з",
    }
)
_TO_ENGLISH = str.maketrans(
    {
        "ə": "a",
        "ç": "ch",
        "ş": "sh",
        "ğ": "gh",
        "x": "kh",
        "c": "j",
        "ı": "i",
        "ö": "o",
        "ü": "u",
        "q": "g",
    }
)


def transliterate(name: str, script: str) -> str:
    """A planted duplicate's name as another office would have written it."""
    letters = _TO_CYRILLIC if script == "cyrillic" else _TO_ENGLISH
    return " ".join(
        w.replace("İ", "i").lower().translate(letters).capitalize() for w in name.split()
    )


def member_rows(
    rng: random.Random,
    household: dict,
    members: list[dict],
    today: dt.date,
    documents: Iterator[int],
    *,
    document_prefix: str = "",
    disability_rate: float = 0.04,
) -> list[dict]:
    """The households-import rows of one household: its fields on every member's row."""
    rows = []
    for member in members:
        adult = (today - member["birth"]).days > 18 * 365
        kind = "AZE" if adult else "BC"
        rows.append(
            household
            | {
                "relation": member["relation"],
                "given_name": member["given_name"],
                "family_name": member["family_name"],
                "patronymic": member["patronymic"],
                "sex": member["sex"],
                "birth_date": member["birth"].isoformat(),
                "document_type": "id_card" if adult else "birth_certificate",
                "document_number": f"{kind}{document_prefix}{next(documents)}",
                "vulnerabilities": "disability" if rng.random() < disability_rate else "",
            }
        )
    return rows


def import_table(name: str, rows: list[dict]) -> Table:
    """``rows`` (dicts of one shape) as an import table, numbered from the row after the header."""
    columns = list(rows[0]) if rows else []
    return Table(
        name=name,
        columns=columns,
        rows=[
            Row(number, {k: str(v) for k, v in row.items()})
            for number, row in enumerate(rows, start=2)
        ],
    )


def polygon_around(rng: random.Random, lat: float, lon: float, radius_m: float) -> dict:
    """A simple (star-shaped, so valid) polygon of about ``radius_m`` around a centre."""
    angles = [2 * math.pi * i / 8 + rng.uniform(-0.25, 0.25) for i in range(8)]
    ring = []
    for angle in angles:
        r = radius_m * rng.uniform(0.6, 1.0)
        ring.append(
            [
                round(lon + r * math.sin(angle) / (111_320 * math.cos(math.radians(lat))), 6),
                round(lat + r * math.cos(angle) / 111_320, 6),
            ]
        )
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def offset(lat: float, lon: float, distance_m: float, bearing: float) -> tuple[float, float]:
    """The point ``distance_m`` metres from (lat, lon) in the direction ``bearing`` (radians)."""
    return (
        lat + distance_m * math.cos(bearing) / 111_320,
        lon + distance_m * math.sin(bearing) / (111_320 * math.cos(math.radians(lat))),
    )


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def released_activities(rng: random.Random, code: str, area_m2: float, end: dt.date) -> list[dict]:
    """Survey, then reduction, then clearance of the rest: the whole area released."""
    start = random_day(rng, dt.date(2021, 3, 1), end - dt.timedelta(days=120))
    cancelled = round(area_m2 * rng.uniform(0.15, 0.4))
    reduced = round(area_m2 * rng.uniform(0.15, 0.35))
    cleared = area_m2 - cancelled - reduced
    nts_end = start + dt.timedelta(days=rng.randint(5, 20))
    ts_end = nts_end + dt.timedelta(days=rng.randint(20, 60))
    cl_end = min(end - dt.timedelta(days=8), ts_end + dt.timedelta(days=rng.randint(30, 200)))
    rows = [
        ("NTS", "non_technical_survey", start, nts_end, {"cancelled_m2": cancelled}),
        ("TS", "technical_survey", nts_end, ts_end, {"reduced_m2": reduced}),
        ("CL", "clearance", ts_end, cl_end, {"cleared_m2": f"{cleared:.2f}"}),
    ]
    return [
        release_activity(
            f"{code}-{tag}",
            code,
            method,
            begin,
            finish,
            "completed",
            areas,
            handover=finish + dt.timedelta(days=7) if tag == "CL" else None,
        )
        for tag, method, begin, finish, areas in rows
    ]


def release_activity(
    reference: str,
    code: str,
    method: str,
    start: dt.date,
    end: dt.date | None,
    status: str,
    areas: dict,
    handover: dt.date | None = None,
) -> dict:
    """One row of the land-release import: an activity on hazard area ``code``."""
    return {
        "reference": reference,
        "hazard_area": code,
        "method": method,
        "organisation": "ANAMA (synthetic)",
        "start_date": start.isoformat(),
        "end_date": end.isoformat() if end else "",
        "status": status,
        "cancelled_m2": areas.get("cancelled_m2", ""),
        "reduced_m2": areas.get("reduced_m2", ""),
        "cleared_m2": areas.get("cleared_m2", ""),
        "handover_date": handover.isoformat() if handover else "",
        "certificate": f"LR-{reference}" if handover else "",
    }


def households_mark_synthetic(
    *, households: Iterable[Household], changed: Iterable[str] = (), batch_size: int | None = None
) -> int:
    """Mark ``households`` synthetic, with the audit trail kept (no plain ``update()``); the
    fields named in ``changed``, set by the caller on the same instances, are saved in the same
    history row."""
    households = list(households)
    for household in households:
        household.is_synthetic = True
    return bulk_update_audited(
        Household, households, ["is_synthetic", *changed], batch_size=batch_size
    )
