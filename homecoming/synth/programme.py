"""The synthetic national programme: what it holds and how it is drawn.

Thirteen real districts of the liberated territories (with the codes the demo gives
them) hold about 2,000 invented settlements, few large and many small (a Pareto
draw), scattered up to 25 km around their district's centre. Each settlement's land
is released, in progress or still open; the released ones mostly have housing
projects, completed or under way, with homes for a quarter to a half of the
households expected there, and their services commissioned. Households of one to
eight people (the demo's size distribution) are registered by offices that write in
Azerbaijani Latin, Russian Cyrillic or English passport spelling; about one in 150
is registered a second time by another office, in another script and with a
clerk's date slip — the planted duplicates that duplicate detection must find.

Everything is drawn from ``random.Random`` seeded per file, and dated relative to
``AS_OF`` (not today), so one seed gives byte-identical files on any day. Rows are
generated as they are written: a million people never sit in memory at once.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import json
import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from homecoming.core.geometry import geodesic_area_m2
from homecoming.core.tabular import Progress
from homecoming.core.text import fold
from homecoming.demo.synthetic import (
    ACCOMMODATION_WEIGHTS,
    HOUSEHOLD_SIZES,
    INTENTION_WEIGHTS,
    offset,
    pick,
    polygon_around,
    release_activity,
    released_activities,
    synthetic_members,
    transliterate,
)
from homecoming.registry.models import AccommodationKind

AS_OF = dt.date(2025, 10, 1)  # the day the synthetic programme describes
SOURCE = "synthetic national programme (homecoming synth)"
REFERENCE_PREFIX = "SYN-"


@dataclass(frozen=True)
class District:
    code: str
    name: str
    name_az: str
    name_ru: str
    lat: float
    lon: float
    displaced_on: str  # approximately when the district's people fled (YYYY-MM-DD)
    weight: float  # share of the displaced population, roughly


REGIONS = [
    ("AZ01", "Karabakh", "Qarabağ", "Карабах"),
    ("AZ02", "East Zangezur", "Şərqi Zəngəzur", "Восточный Зангезур"),
]
DISTRICTS = [
    District("AZ0101", "Khojaly", "Xocalı", "Ходжалы", 39.91, 46.79, "1992-02-26", 0.04),
    District("AZ0102", "Khankendi", "Xankəndi", "Ханкенди", 39.82, 46.75, "1991-12-15", 0.06),
    District("AZ0103", "Aghdara", "Ağdərə", "Агдере", 40.21, 46.82, "1992-06-30", 0.05),
    District("AZ0104", "Shusha", "Şuşa", "Шуша", 39.76, 46.75, "1992-05-08", 0.04),
    District("AZ0105", "Aghdam", "Ağdam", "Агдам", 39.99, 46.93, "1993-07-23", 0.16),
    District("AZ0106", "Fuzuli", "Füzuli", "Физули", 39.60, 47.14, "1993-08-23", 0.13),
    District("AZ0107", "Khojavend", "Xocavənd", "Ходжавенд", 39.79, 47.00, "1992-10-01", 0.05),
    District("AZ0108", "Tartar", "Tərtər", "Тертер", 40.34, 46.93, "1993-06-15", 0.02),
    District("AZ0201", "Kalbajar", "Kəlbəcər", "Кельбаджар", 40.10, 46.04, "1993-04-02", 0.10),
    District("AZ0202", "Lachin", "Laçın", "Лачин", 39.64, 46.55, "1992-05-18", 0.09),
    District("AZ0203", "Jabrayil", "Cəbrayıl", "Джебраил", 39.40, 47.03, "1993-08-23", 0.09),
    District("AZ0204", "Zangilan", "Zəngilan", "Зангелан", 39.09, 46.65, "1993-10-29", 0.05),
    District("AZ0205", "Qubadli", "Qubadlı", "Губадлы", 39.34, 46.58, "1993-08-31", 0.05),
]  # fmt: skip
# Invented place names, put together the way Azerbaijani village names are.
NAME_PREFIXES = ["Yuxarı", "Aşağı", "Orta", "Böyük", "Kiçik"]
NAME_ROOTS = [
    "Qara", "Ağ", "Göy", "Sarı", "Daş", "Qız", "Çay", "Bulaq", "Dərə", "Təpə", "Qala", "Dəmir",
    "Alı", "Həsən", "Qasım", "Məmməd", "Qaya", "Çınar", "Palıd", "Qoz", "Alma", "Nar", "Gül",
    "Ceyran", "Quzey", "Güney", "Arpa", "Buğda", "Dəvə", "Qoç", "Qurd", "Şıx", "Seyid", "Bəy",
    "Xan", "Ərəb", "Türk", "Köhnə", "Yeni", "Uzun", "Qısa", "Dik", "Düz", "Qumlu", "Sulu",
    "Otlu", "Meşə", "Bağ", "Dağ", "Yaylaq", "Qaraca", "Aran", "Çal", "Kür", "Tala", "Zəmi",
]  # fmt: skip
NAME_SUFFIXES = [
    "lı",
    "kənd",
    "bulaq",
    "çay",
    "dərə",
    "yurd",
    "oba",
    "qışlaq",
    "lar",
    "təpə",
    "düz",
]
# The land of a settlement: released, release in progress, or not yet started.
LAND_STATES = {"released": 0.55, "in_progress": 0.25, "open": 0.2}
# The office that registered a household writes its names in one script.
SCRIPTS = {"latin": 0.8, "cyrillic": 0.12, "english": 0.08}
DUPLICATE_RATE = 1 / 150
REQUIRED_SERVICES = ["electricity", "water", "school", "clinic"]
OTHER_SERVICES = ["gas", "sewerage", "internet", "public_transport"]
MEAN_HOUSEHOLD_SIZE = sum(size * share for size, share in HOUSEHOLD_SIZES.items())

PLACES_COLUMNS = [
    "code", "kind", "name", "name_az", "name_ru", "parent", "lat", "lon", "coordinates", "note",
]  # fmt: skip
FIGURES_COLUMNS = [
    "place", "indicator", "value", "unit", "as_of", "publisher", "title", "published", "url",
    "note",
]  # fmt: skip
HAZARDS_COLUMNS = [
    "code", "kind", "contamination", "district", "settlements", "geometry", "blocked_land_use",
    "priority", "source", "info_date",
]  # fmt: skip
LANDRELEASE_COLUMNS = [
    "reference", "hazard_area", "method", "organisation", "start_date", "end_date", "status",
    "cancelled_m2", "reduced_m2", "cleared_m2", "handover_date", "certificate",
]  # fmt: skip
PROJECTS_COLUMNS = [
    "code", "title", "sector", "type", "district", "settlement", "implementing_organisation",
    "funding_organisation", "currency", "budget", "committed", "disbursed", "spent",
    "amounts_date", "planned_start", "planned_end", "actual_start", "actual_end", "status",
    "physical_progress", "progress_date", "source",
]  # fmt: skip
UNITS_COLUMNS = [
    "building", "project", "settlement", "address", "floors", "lat", "lon", "number", "floor",
    "rooms", "area_m2", "step_free", "status",
]  # fmt: skip
UTILITIES_COLUMNS = ["settlement", "service", "status", "commissioned_on", "note", "source"]
HOUSEHOLDS_COLUMNS = [
    "household", "relation", "given_name", "family_name", "patronymic", "sex", "birth_date",
    "phone", "vulnerabilities", "document_type", "document_number", "origin_settlement",
    "origin_address", "displaced_on", "accommodation", "intention", "registered_on", "source",
]  # fmt: skip


@dataclass(frozen=True)
class Place:
    code: str
    kind: str
    name_az: str
    district: District
    lat: float
    lon: float
    popularity: float  # relative number of households from here
    land: str  # a LAND_STATES key

    @property
    def name(self) -> str:
        return transliterate(self.name_az, "english")


@dataclass(frozen=True)
class SynthFile:
    """One import file: its kind (``homecoming import KIND``), file name, columns, and
    its rows, generated when called."""

    kind: str
    name: str
    columns: list[str]
    rows: Callable[[], Iterable[dict]]


def synth_programme(
    *, persons: int, seed: int, settlements: int = 2000, progress: Progress | None = None
) -> list[SynthFile]:
    """The files of a synthetic programme of ``persons`` registered people, in import order.

    ``progress(done, persons)`` is called as the households file's rows are generated.
    The households file has exactly ``persons`` rows (planted duplicates included).
    """
    if persons < 1 or settlements < len(DISTRICTS):
        raise ValueError(f"need at least 1 person and {len(DISTRICTS)} settlements")
    places = _places(random.Random(f"{seed}:places"), settlements)
    households = persons / MEAN_HOUSEHOLD_SIZE
    hazards, activities = _mine_action(random.Random(f"{seed}:mineaction"), places)
    projects, units, utilities = _housing(random.Random(f"{seed}:housing"), places, households)
    return [
        SynthFile("places", "places.csv", PLACES_COLUMNS, lambda: _place_rows(places)),
        SynthFile(
            "figures", "figures.csv", FIGURES_COLUMNS, lambda: _figure_rows(seed, places, persons)
        ),
        SynthFile("hazards", "hazards.csv", HAZARDS_COLUMNS, lambda: hazards),
        SynthFile("landrelease", "landrelease.csv", LANDRELEASE_COLUMNS, lambda: activities),
        SynthFile("projects", "projects.csv", PROJECTS_COLUMNS, lambda: projects),
        SynthFile("units", "units.csv", UNITS_COLUMNS, lambda: units),
        SynthFile("utilities", "utilities.csv", UTILITIES_COLUMNS, lambda: utilities),
        SynthFile(
            "households",
            "households.csv",
            HOUSEHOLDS_COLUMNS,
            lambda: _household_rows(random.Random(f"{seed}:households"), places, persons, progress),
        ),
    ]


def synth_write(files: list[SynthFile], directory: Path | str) -> list[Path]:
    """Write ``files`` as UTF-8 CSV into ``directory`` (created if missing)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for file in files:
        path = directory / file.name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=file.columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(file.rows())
        paths.append(path)
    return paths


def _place_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(NAME_ROOTS) + rng.choice(NAME_SUFFIXES)
        if rng.random() < 0.4:
            name = f"{rng.choice(NAME_PREFIXES)} {name}"
        if name not in taken:
            taken.add(name)
            return name


def _places(rng: random.Random, count: int) -> list[Place]:
    """About ``count`` settlements shared among the districts by their weight; the first
    of each district is its town, a few more are urban settlements."""
    total = sum(d.weight for d in DISTRICTS)
    taken: set[str] = set()
    places = []
    for district in DISTRICTS:
        share = max(1, round(count * district.weight / total))
        for number in range(1, share + 1):
            distance = 25_000 * math.sqrt(rng.random()) if number > 1 else 0
            lat, lon = offset(district.lat, district.lon, distance, rng.uniform(0, 2 * math.pi))
            kind = (
                "city" if number == 1 else "urban_settlement" if rng.random() < 0.03 else "village"
            )
            popularity = (rng.paretovariate(1.5) + 0.2) * (20 if kind == "city" else 1)
            places.append(
                Place(
                    code=f"{district.code}{100 + number:03d}",
                    kind=kind,
                    name_az=_place_name(rng, taken),
                    district=district,
                    lat=round(lat, 5),
                    lon=round(lon, 5),
                    popularity=popularity * district.weight / share,
                    land=pick(rng, LAND_STATES),
                )
            )
    return places


def _place_rows(places: list[Place]) -> Iterator[dict]:
    yield {"code": "AZ", "kind": "country", "name": "Azerbaijan", "name_az": "Azərbaycan"}
    for code, name, name_az, name_ru in REGIONS:
        yield {
            "code": code,
            "kind": "economic_region",
            "name": name,
            "name_az": name_az,
            "name_ru": name_ru,
            "parent": "AZ",
        }
        yield from (
            {
                "code": d.code,
                "kind": "district",
                "name": d.name,
                "name_az": d.name_az,
                "name_ru": d.name_ru,
                "parent": code,
                "lat": d.lat,
                "lon": d.lon,
                "coordinates": "approximate",
                "note": "district centre approximate",
            }
            for d in DISTRICTS
            if d.code.startswith(code)
        )
    for place in places:
        yield {
            "code": place.code,
            "kind": place.kind,
            "name": place.name,
            "name_az": place.name_az,
            "name_ru": transliterate(place.name_az, "cyrillic"),
            "parent": place.district.code,
            "lat": place.lat,
            "lon": place.lon,
            "coordinates": "approximate",
            "note": "synthetic settlement (homecoming synth)",
        }


def _figure_rows(seed: int, places: list[Place], persons: int) -> Iterator[dict]:
    """Per district, the displaced people registered and a return target, as published
    by the synthetic programme."""
    total = sum(p.popularity for p in places)
    for district in DISTRICTS:
        share = sum(p.popularity for p in places if p.district is district) / total
        registered = round(persons * share)
        common = {
            "place": f"{district.name} district",
            "unit": "persons",
            "publisher": "homecoming synth (synthetic)",
            "title": f"Synthetic national programme, seed {seed}",
            "published": AS_OF.isoformat(),
        }
        yield common | {
            "indicator": "displaced_persons",
            "value": registered,
            "as_of": AS_OF.isoformat(),
        }
        yield common | {
            "indicator": "return_target",
            "value": round(registered * 0.3),
            "as_of": "2026-12-31",
        }


def _mine_action(rng: random.Random, places: list[Place]) -> tuple[list[dict], list[dict]]:
    """Hazard areas within a few hundred metres of each settlement (so within its
    readiness zone), released, being released or untouched as its land state says."""
    hazards, activities = [], []
    for place in places:
        count = rng.randint(0 if place.land == "released" else 1, 3)
        for index in range(count):
            code = f"HA-{len(hazards) + 1:05d}"
            centre = offset(place.lat, place.lon, rng.uniform(150, 700), rng.uniform(0, 6.3))
            polygon = polygon_around(rng, *centre, rng.uniform(120, 260))
            hazards.append(
                {
                    "code": code,
                    "kind": rng.choice(["suspected", "confirmed"]),
                    "contamination": "; ".join(
                        rng.sample(["ap_mines", "at_mines", "uxo"], rng.randint(1, 3))
                    ),
                    "district": place.district.code,
                    "settlements": place.code,
                    "geometry": json.dumps(polygon),
                    "blocked_land_use": rng.choice(["housing", "housing; roads", "agriculture"]),
                    "priority": "high" if place.kind != "village" else "medium",
                    "source": SOURCE,
                    "info_date": "2021-02-15",
                }
            )
            area = geodesic_area_m2(polygon)
            if place.land == "released" or index > 0:
                activities += released_activities(rng, code, area, AS_OF)
            elif place.land == "in_progress":
                start = AS_OF - dt.timedelta(days=rng.randint(30, 200))
                cleared = {"cleared_m2": math.floor(area * rng.uniform(0.1, 0.9))}
                activities.append(
                    release_activity(
                        f"{code}-CL", code, "clearance", start, None, "ongoing", cleared
                    )
                )
    return hazards, activities


def _housing(
    rng: random.Random, places: list[Place], households: float
) -> tuple[list[dict], list[dict], list[dict]]:
    """A housing project for most settlements whose land is released (completed, so its
    homes are ready, or under way), a few planned elsewhere; and their services."""
    total = sum(p.popularity for p in places)
    projects, units, utilities = [], [], []
    for place in places:
        expected = households * place.popularity / total
        if place.land == "released":
            status = pick(rng, {"completed": 0.7, "implementation": 0.2, None: 0.1})
        else:
            status = pick(rng, {"preparation": 0.3, None: 0.7})
        count = round(expected * rng.uniform(0.25, 0.5)) if status else 0
        if count:
            project = _project(rng, place, status, count)
            projects.append(project)
            units += _units(rng, place, project, count)
        commissioned = status == "completed" or (place.land == "released" and rng.random() < 0.5)
        for service in REQUIRED_SERVICES + rng.sample(OTHER_SERVICES, rng.randint(0, 4)):
            done = commissioned or rng.random() < 0.3
            utilities.append(
                {
                    "settlement": place.code,
                    "service": service,
                    "status": "commissioned" if done else "under_construction",
                    "commissioned_on": (AS_OF - dt.timedelta(days=rng.randint(30, 900))).isoformat()
                    if done
                    else "",
                    "source": SOURCE,
                }
            )
    return projects, units, utilities


def _project(rng: random.Random, place: Place, status: str, homes: int) -> dict:
    start = AS_OF - dt.timedelta(days=rng.randint(400, 1400))
    if status == "preparation":
        start = AS_OF + dt.timedelta(days=rng.randint(60, 400))
    end = start + dt.timedelta(days=rng.randint(500, 900))
    if status == "completed":
        end = min(end, AS_OF - dt.timedelta(days=rng.randint(10, 200)))
    progress = {"completed": 100, "implementation": rng.randint(10, 90), "preparation": 0}[status]
    budget = homes * rng.randint(55_000, 90_000)
    return {
        "code": f"{place.code}-RES",
        "title": f"{place.name} housing (synthetic)",
        "sector": "housing",
        "type": "new_construction",
        "district": place.district.code,
        "settlement": place.code,
        "implementing_organisation": "State Agency for Reconstruction (synthetic)",
        "funding_organisation": "State budget (synthetic)",
        "currency": "AZN",
        "budget": budget,
        "committed": budget if status != "preparation" else 0,
        "disbursed": round(budget * progress / 100),
        "spent": round(budget * progress / 100 * 0.95),
        "amounts_date": AS_OF.isoformat(),
        "planned_start": start.isoformat(),
        "planned_end": end.isoformat(),
        "actual_start": start.isoformat() if status != "preparation" else "",
        "actual_end": end.isoformat() if status == "completed" else "",
        "status": status,
        "physical_progress": progress,
        "progress_date": AS_OF.isoformat(),
        "source": SOURCE,
    }


def _units(rng: random.Random, place: Place, project: dict, count: int) -> list[dict]:
    """Blocks of 16 flats on 4 floors in towns, one-storey houses in villages."""
    status = {"completed": "ready", "implementation": "under_construction"}.get(
        project["status"], "planned"
    )
    per_building, floors = (16, 4) if place.kind != "village" else (1, 1)
    rows = []
    for index in range(count):
        building = index // per_building + 1
        number = index % per_building + 1
        floor = 1 + (number - 1) * floors // per_building
        rooms = pick(rng, {1: 0.08, 2: 0.27, 3: 0.35, 4: 0.2, 5: 0.07, 6: 0.03})
        lat, lon = offset(place.lat, place.lon, 40 * math.sqrt(building), building * 2.4)
        rows.append(
            {
                "building": f"{project['code']}-B{building:03d}",
                "project": project["code"],
                "settlement": place.code,
                "address": f"{place.name_az}, {'block' if floors > 1 else 'house'} {building}",
                "floors": floors,
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "number": number,
                "floor": floor,
                "rooms": rooms,
                "area_m2": round(18 + 17 * rooms + rng.uniform(-4, 6), 1),
                "step_free": "yes" if floor == 1 else "no",
                "status": status,
            }
        )
    return rows


class _People:
    """Keeps the registry's rule that one person (names and birth date) is in one
    household: a draw that would repeat someone is moved by a day."""

    def __init__(self) -> None:
        self._seen: set[bytes] = set()  # 8-byte digests: a million people in ~100 MB

    @staticmethod
    def _key(names: tuple[str, str, str], birth: dt.date) -> bytes:
        text = f"{fold(' '.join(names))}|{birth.isoformat()}"
        return hashlib.blake2b(text.encode(), digest_size=8).digest()

    def unique_birth(self, names: tuple[str, str, str], birth: dt.date) -> dt.date:
        while (key := self._key(names, birth)) in self._seen:
            birth -= dt.timedelta(days=1)
        self._seen.add(key)
        return birth

    def add(self, names: tuple[str, str, str], birth: dt.date) -> bool:
        key = self._key(names, birth)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


def _document_number(person: int) -> str:
    """A unique, random-looking 8-digit number for the ``person``-th person (a bijection:
    7919 is prime to the 90,000,000 numbers drawn from)."""
    return f"{10_000_000 + person * 7919 % 90_000_000:08d}"


def _household_rows(
    rng: random.Random, places: list[Place], persons: int, progress: Progress | None
) -> Iterator[dict]:
    cumulative, running = [], 0.0
    for place in places:
        running += place.popularity
        cumulative.append(running)
    people = _People()
    written = number = 0
    while written < persons:
        number += 1
        place = places[min(bisect.bisect(cumulative, rng.random() * running), len(places) - 1)]
        size = min(pick(rng, HOUSEHOLD_SIZES), persons - written)
        members = synthetic_members(rng, size, AS_OF)
        script = pick(rng, SCRIPTS)
        household = {
            "household": f"{REFERENCE_PREFIX}{number:07d}",
            "origin_settlement": place.code,
            "origin_address": f"{place.name_az}, house {rng.randint(1, 240)}",
            "displaced_on": place.district.displaced_on,
            "accommodation": pick(rng, ACCOMMODATION_WEIGHTS),
            "intention": pick(rng, INTENTION_WEIGHTS),
            "registered_on": (
                dt.date(2021, 1, 15) + dt.timedelta(days=rng.randint(0, 1600))
            ).isoformat(),
            "source": f"{SOURCE}, {script} office",
        }
        for index, member in enumerate(members):
            names = tuple(
                _written(member[n], script) for n in ("given_name", "family_name", "patronymic")
            )
            member["birth"] = people.unique_birth(names, member["birth"])
            adult = (AS_OF - member["birth"]).days > 18 * 365
            yield household | {
                "relation": member["relation"],
                "given_name": names[0],
                "family_name": names[1],
                "patronymic": names[2],
                "sex": member["sex"],
                "birth_date": member["birth"].isoformat(),
                "phone": f"+99450{rng.randint(0, 9_999_999):07d}" if index == 0 else "",
                "vulnerabilities": pick(rng, VULNERABILITIES),
                "document_type": "id_card" if adult else "birth_certificate",
                "document_number": ("AZE" if adult else "BC") + _document_number(written),
            }
            written += 1
            household = dict.fromkeys(household, "") | {"household": household["household"]}
        if written + len(members) <= persons and rng.random() < DUPLICATE_RATE:
            rows = list(_duplicate(rng, household["household"], place, members, script, people))
            yield from rows
            written += len(rows)
        if progress:
            progress(written, persons)


VULNERABILITIES = {"": 0.9, "disability": 0.04, "chronic_illness": 0.05, "pregnant": 0.01}


def _written(name: str, script: str) -> str:
    return name if script == "latin" else transliterate(name, script)


def _duplicate(
    rng: random.Random,
    reference: str,
    place: Place,
    members: list[dict],
    script: str,
    people: _People,
) -> Iterator[dict]:
    """The household registered again by an office that writes another script, without
    documents, each birth date with a clerk's slip (day and month swapped, or the year
    only). Not planted when a member would repeat someone already registered."""
    other = rng.choice([s for s in SCRIPTS if s != script])
    household = {
        "household": f"{reference}-D",
        "origin_settlement": place.code,
        "accommodation": AccommodationKind.WITH_RELATIVES,
        "registered_on": (AS_OF - dt.timedelta(days=rng.randint(30, 300))).isoformat(),
        "source": f"{SOURCE}, planted duplicate ({other} office)",
    }
    rows = []
    for member in members:
        names = tuple(
            _written(member[n], other) for n in ("given_name", "family_name", "patronymic")
        )
        birth = member["birth"]
        if birth.day <= 12 and birth.day != birth.month:
            slipped, written = birth.replace(month=birth.day, day=birth.month), None
        else:
            slipped, written = dt.date(birth.year, 1, 1), str(birth.year)
        if not people.add(names, slipped):
            return
        rows.append(
            household
            | {
                "relation": member["relation"],
                "given_name": names[0],
                "family_name": names[1],
                "patronymic": names[2],
                "sex": member["sex"],
                "birth_date": written or slipped.isoformat(),
            }
        )
    yield from rows
