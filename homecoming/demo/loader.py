"""The demo dataset: the real places of the background documents and synthetic households.

Places come from ``data/seed-places.csv`` (copied from the background documents)
through the same import as any user file. Villages the documents do not locate get
a position a few kilometres from their district's centre, derived from their name and
kept inside the country on the maps' base layer, and are flagged approximate. Households
and people are generated from a seed, so two runs give the same demo; they are marked
synthetic.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from shapely import geometry as shp

from homecoming.accounts.models import Role, User
from homecoming.core.audit import change_reason
from homecoming.core.errors import ApplicationError
from homecoming.core.tabular import ImportReport, Row, Table, read_table
from homecoming.demo.heritage import demo_heritage_load
from homecoming.demo.housing import SOURCE as HOUSING_SOURCE
from homecoming.demo.housing import demo_housing_tables
from homecoming.demo.mineaction import SOURCE as MINE_ACTION_SOURCE
from homecoming.demo.mineaction import demo_mine_action_tables
from homecoming.demo.monitoring import demo_monitoring_load
from homecoming.demo.programmes import demo_programmes_load
from homecoming.demo.returns import demo_documented_returns_load
from homecoming.demo.synthetic import (
    ACCOMMODATION_WEIGHTS,
    HOUSEHOLD_SIZES,
    INTENTION_WEIGHTS,
    households_mark_synthetic,
    import_table,
    member_rows,
    pick,
    synthetic_members,
    transliterate,
)
from homecoming.housing.models import Utility
from homecoming.mineaction.models import HazardArea
from homecoming.monitoring.services import figures_import
from homecoming.places.models import Area, Settlement
from homecoming.places.services import places_import
from homecoming.registry.matching import duplicates_find
from homecoming.registry.models import AccommodationKind, Household, TemporaryAccommodation
from homecoming.registry.services import consent_record
from homecoming.site.imports import importer

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_KIND = {
    "economic_region": "economic_region",
    "district": "district",
    "city": "city",
    "settlement": "urban_settlement",
    "village": "village",
}
COUNTRY = {
    "code": "AZ",
    "kind": "country",
    "name": "Azerbaijan",
    "name_az": "Azərbaycan",
    "name_ru": "Азербайджан",
}


# The country's outline on the maps' base layer: a synthetic position is kept inside it.
BASEMAP = Path(__file__).resolve().parents[1] / "core/static/homecoming/basemap/caucasus.geojson"


@functools.cache
def _azerbaijan() -> shp.base.BaseGeometry:
    features = json.loads(BASEMAP.read_text(encoding="utf-8"))["features"]
    (outline,) = (f for f in features if f["properties"]["name"] == "Azerbaijan")
    return shp.shape(outline["geometry"])


def _approximate_point(name: str, lat: float, lon: float) -> tuple[float, float]:
    """A stable point 4–18 km from (lat, lon), in a direction and distance drawn from
    ``name``, turned until it lies in Azerbaijan on the maps' base layer (a district's
    centre can lie near the border, and a village is never put across it)."""
    digest = hashlib.sha256(name.encode()).digest()
    km = 4 + digest[1] / 255 * 14
    for turn in range(12):
        bearing = digest[0] / 255 * 2 * math.pi + turn * math.pi / 6
        dlat = km * math.cos(bearing) / 111.32
        dlon = km * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
        point = round(lat + dlat, 5), round(lon + dlon, 5)
        if _azerbaijan().contains(shp.Point(point[1], point[0])):
            return point
    raise ValueError(f"no point 4–18 km from {lat}, {lon} lies in Azerbaijan")


def demo_places_table() -> Table:
    """The seed places as a places-import table, with the country added on top and the
    host cities where displaced families live now at the bottom, each with its Russian name."""
    seed = []
    for name in ("seed-places.csv", "host-places.csv"):
        with (DATA_DIR / name).open(encoding="utf-8") as handle:
            seed += list(csv.DictReader(handle))
    with (DATA_DIR / "place-names-ru.csv").open(encoding="utf-8") as handle:
        russian = {(r["kind"], r["name"]): r["name_ru"] for r in csv.DictReader(handle)}
    centres = {
        r["name"]: (float(r["lat"]), float(r["lon"])) for r in seed if r["kind"] == "district"
    }
    rows = [Row(2, {**COUNTRY, "parent": ""})]
    for number, record in enumerate(seed, start=3):
        values = {
            "kind": SEED_KIND[record["kind"]],
            "name": record["name"],
            "name_az": record["name_az"],
            "name_ru": russian[record["kind"], record["name"]],
            "parent": record["parent"] or COUNTRY["code"],
            "lat": record["lat"],
            "lon": record["lon"],
            "coordinates": record["coordinates"],
            "note": record["note"],
        }
        if not record["lat"] and record["kind"] in ("city", "settlement", "village"):
            lat, lon = _approximate_point(record["name"], *centres[record["parent"]])
            values |= {
                "lat": str(lat),
                "lon": str(lon),
                "coordinates": "approximate",
                "note": "; ".join(
                    filter(None, [record["note"], "position synthetic (not in the sources)"])
                ),
            }
        rows.append(Row(number, values))
    columns = [
        "kind",
        "name",
        "name_az",
        "name_ru",
        "parent",
        "lat",
        "lon",
        "coordinates",
        "note",
        "code",
    ]
    return Table(name="seed-places.csv", columns=columns, rows=rows)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    districts: tuple[str, ...] = ()
    superuser: bool = False

    @property
    def password(self) -> str:
        return f"{self.username}-homecoming"


DEMO_USERS = [
    DemoUser("admin", Role.ADMINISTRATOR, superuser=True),
    DemoUser("kalbajar", Role.REGISTRATION_OFFICER, ("Kalbajar",)),
    DemoUser("khojaly", Role.REGISTRATION_OFFICER, ("Khojaly",)),
    DemoUser("planner", Role.RETURN_PLANNER),
    DemoUser("mineaction", Role.MINE_ACTION),
    DemoUser("reconstruction", Role.RECONSTRUCTION),
    DemoUser("monitoring", Role.MONITORING_EDITOR),
    DemoUser("auditor", Role.AUDITOR),
    DemoUser("viewer", Role.VIEWER),
]


def demo_users_ensure() -> list[DemoUser]:
    """Create the demo users, or reset them to their documented role and password."""
    districts = {a.name: a for a in Area.objects.filter(level=Area.Level.DISTRICT)}
    for spec in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=spec.username)
        user.role = spec.role
        user.is_superuser = user.is_staff = spec.superuser
        user.is_active = True
        user.set_password(spec.password)
        user.save()
        user.districts.set([districts[name] for name in spec.districts])
    return DEMO_USERS


# Where the synthetic households come from: most from Kalbajar and Khojaly, as in the sources.
DISTRICT_WEIGHTS = {"Kalbajar": 0.55, "Khojaly": 0.2, "Khankendi": 0.15, "Aghdara": 0.1}
DISPLACED_ON = {
    "Kalbajar": dt.date(1993, 4, 2),
    "Khojaly": dt.date(1992, 2, 26),
    "Khankendi": dt.date(1991, 12, 15),
    "Aghdara": dt.date(1992, 6, 30),
}

ACCOMMODATIONS = [  # code, kind, host city, capacity (persons); names are synthetic
    ("TA-BAK-01", AccommodationKind.HOSTEL, "Baku", 420),
    ("TA-BAK-02", AccommodationKind.DORMITORY, "Baku", 260),
    ("TA-BAK-03", AccommodationKind.ADMINISTRATIVE_BUILDING, "Baku", 180),
    ("TA-SUM-01", AccommodationKind.HOSTEL, "Sumgait", 350),
    ("TA-GNJ-01", AccommodationKind.HOSTEL, "Ganja", 300),
    ("TA-GNJ-02", AccommodationKind.ADMINISTRATIVE_BUILDING, "Ganja", 150),
    ("TA-NFT-01", AccommodationKind.SANATORIUM, "Naftalan", 500),
    ("TA-NFT-02", AccommodationKind.SANATORIUM, "Naftalan", 380),
]


def demo_accommodations_ensure() -> dict[str, list[TemporaryAccommodation]]:
    """The synthetic collective accommodations, by kind."""
    cities = {s.name: s for s in Settlement.objects.filter(name__in={a[2] for a in ACCOMMODATIONS})}
    places: dict[str, list[TemporaryAccommodation]] = {}
    for code, kind, city, capacity in ACCOMMODATIONS:
        place, _ = TemporaryAccommodation.objects.get_or_create(
            code=code,
            defaults={
                "name": f"{AccommodationKind(kind).label} {code[-2:]}, {city} (synthetic)",
                "kind": kind,
                "settlement": cities[city],
                "capacity": capacity,
            },
        )
        places.setdefault(kind, []).append(place)
    return places


def demo_households_table(
    *,
    count: int,
    seed: int,
    today: dt.date,
    accommodations: dict[str, list[TemporaryAccommodation]],
) -> Table:
    """``count`` synthetic households as a households-import table, and about one in 150 of
    them registered a second time by another office, in Cyrillic or English spelling."""
    rng = random.Random(seed)
    settlements: dict[str, list[Settlement]] = {}
    for settlement in Settlement.objects.select_related("district").order_by("code"):
        settlements.setdefault(settlement.district.name, []).append(settlement)
    weights = {d: w for d, w in DISTRICT_WEIGHTS.items() if d in settlements}
    if not weights:
        raise ApplicationError("The demo places are missing; load them first.")
    rows: list[dict] = []
    documents = iter(rng.sample(range(10_000_000, 99_999_999), count * 8))
    for number in range(1, count + 1):
        district = pick(rng, weights)
        settlement = rng.choice(settlements[district])
        kind = pick(rng, ACCOMMODATION_WEIGHTS)
        place = rng.choice(accommodations[kind]) if kind in accommodations else None
        household = {
            "household": f"DEMO-{number:05d}",
            "origin_settlement": settlement.code,
            "origin_address": f"{settlement.name}, house {rng.randint(1, 240)}",
            "displaced_on": DISPLACED_ON[district].isoformat(),
            "accommodation": kind,
            "accommodation_place": place.code if place else "",
            "intention": pick(rng, INTENTION_WEIGHTS),
            "registered_on": min(
                today, dt.date(2021, 1, 15) + dt.timedelta(days=rng.randint(0, 1500))
            ).isoformat(),
            "source": "synthetic demo data",
        }
        members = synthetic_members(rng, pick(rng, HOUSEHOLD_SIZES), today)
        rows.extend(member_rows(rng, household, members, today, documents))
        if rng.random() < 1 / 150:  # a planted duplicate from another office
            script = rng.choice(["cyrillic", "english"])
            copy = household | {
                "household": f"DEMO-{number:05d}-D",
                "origin_address": "",
                "source": f"synthetic duplicate ({script})",
            }
            for member in members:
                birth = member["birth"]  # written another way: day and month swapped, or year
                swappable = birth.day <= 12 and birth.day != birth.month
                birth = (
                    birth.replace(month=birth.day, day=birth.month).isoformat()
                    if swappable
                    else str(birth.year)
                )
                rows.append(
                    copy
                    | {
                        "relation": member["relation"],
                        "given_name": transliterate(member["given_name"], script),
                        "family_name": transliterate(member["family_name"], script),
                        "patronymic": transliterate(member["patronymic"], script),
                        "sex": member["sex"],
                        "birth_date": birth,
                        "document_type": "",
                        "document_number": "",
                        "vulnerabilities": "",
                    }
                )
    return import_table("demo-households", rows)


def demo_households_create(*, count: int, seed: int, today: dt.date) -> int:
    """Register ``count`` synthetic households through the households import, once."""
    if Household.objects.filter(reference__startswith="DEMO-").exists():
        return 0
    with transaction.atomic():
        table = demo_households_table(
            count=count, seed=seed, today=today, accommodations=demo_accommodations_ensure()
        )
        report = _require_ok(importer("households")(table=table))
        # Marked synthetic, and most verified.
        synthetic = list(
            Household.objects.filter(
                Q(source__startswith="synthetic") | Q(is_synthetic=True)
            ).order_by("reference")
        )
        rng = random.Random(seed + 1)
        for household in synthetic:
            # The households verified earlier (the documented returns) keep their date; the
            # others were verified within a month of registering, never after today.
            if rng.random() < 0.7 and household.verified_on is None:
                household.status = Household.Status.VERIFIED
                household.verified_on = min(today, household.registered_on + dt.timedelta(days=30))
        with change_reason("demo data"):
            households_mark_synthetic(
                households=synthetic, changed=["status", "verified_on"], batch_size=2000
            )
    return report.created


@dataclass(frozen=True)
class DemoResult:
    places: ImportReport
    figures: ImportReport
    households_created: int
    duplicate_pairs_queued: int
    documented_households_returned: int
    mine_action: list[ImportReport]
    housing: list[ImportReport]
    heritage_inspections: int
    users: list[DemoUser]


def _require_ok(report: ImportReport) -> ImportReport:
    if not report.ok:
        raise ApplicationError(
            f"The demo file {report.file} does not import: " + "; ".join(map(str, report.errors))
        )
    return report


def load_demo(*, households: int = 2000, seed: int = 1993, today: dt.date) -> DemoResult:
    places = _require_ok(places_import(table=demo_places_table()))
    figures = _require_ok(figures_import(table=read_table(DATA_DIR / "seed-figures.csv")))
    # Before the households: the Great Return is the programme they are enrolled in.
    demo_programmes_load()
    users = demo_users_ensure()
    mine_action = demo_mine_action_load(seed=seed, today=today)
    housing = demo_housing_load(seed=seed, today=today)
    # The documented returns of 2025 come first: the households waiting today are
    # registered after them.
    returned = demo_documented_returns_load(seed=seed, today=today)
    created = demo_households_create(count=households, seed=seed, today=today)
    queued = 0
    if created:
        demo_consents_record(seed=seed, today=today)
        _pairs, queued, _refreshed = duplicates_find()  # finds the planted duplicates
    result = DemoResult(
        places=places,
        figures=figures,
        households_created=created,
        duplicate_pairs_queued=queued,
        documented_households_returned=returned,
        mine_action=mine_action,
        housing=housing,
        heritage_inspections=demo_heritage_load(),
        users=users,
    )
    demo_monitoring_load()  # last: the rules compare the figures with every demo record
    return result


def demo_consents_record(*, seed: int, today: dt.date) -> None:
    """Consent on file for about 40 % of the verified households that want to return now."""
    rng = random.Random(seed + 2)
    officer = User.objects.get(username="admin")
    ready = Household.objects.filter(
        reference__startswith="DEMO-",
        status=Household.Status.VERIFIED,
        intention=Household.Intention.RETURN_NOW,
    )
    for household in ready.order_by("reference"):
        if rng.random() < 0.4:
            consent_record(
                household=household,
                by=officer,
                given_on=today - dt.timedelta(days=rng.randint(20, 400)),
                document=f"CF-{household.reference}",
            )


def _import_once(already_loaded: bool, tables: Callable[[], list]) -> list[ImportReport]:
    """Import the demo tables through the real imports, all in one transaction, once."""
    if already_loaded:
        return []
    with transaction.atomic():
        return [_require_ok(importer(kind)(table=table)) for kind, table in tables()]


def demo_mine_action_load(*, seed: int, today: dt.date) -> list[ImportReport]:
    return _import_once(
        HazardArea.objects.filter(source=MINE_ACTION_SOURCE).exists(),
        lambda: demo_mine_action_tables(seed=seed, today=today),
    )


def demo_housing_load(*, seed: int, today: dt.date) -> list[ImportReport]:
    return _import_once(
        Utility.objects.filter(source=HOUSING_SOURCE).exists(),
        lambda: demo_housing_tables(seed=seed, today=today),
    )
