"""The demo dataset: the real places of the background documents and synthetic households.

Places come from ``data/seed-places.csv`` (copied from the background documents)
through the same import as any user file. Villages the documents do not locate get
a position a few kilometres from their district's centre, derived from their name,
and are flagged approximate. Households and people are generated from a seed, so
two runs give the same demo; they are marked synthetic.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from homecoming.accounts.models import Role, User
from homecoming.core.errors import ApplicationError
from homecoming.core.imports import importer
from homecoming.core.tabular import ImportReport, Row, Table, read_table
from homecoming.demo.housing import SOURCE as HOUSING_SOURCE
from homecoming.demo.housing import demo_housing_tables
from homecoming.demo.mineaction import SOURCE as MINE_ACTION_SOURCE
from homecoming.demo.mineaction import demo_mine_action_tables
from homecoming.housing.models import Utility
from homecoming.mineaction.models import HazardArea
from homecoming.monitoring.services import figures_import
from homecoming.places.models import Area, Settlement
from homecoming.places.services import places_import
from homecoming.registry.models import AccommodationKind as Accommodation
from homecoming.registry.models import Household, Member
from homecoming.registry.services import member_name_key

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_KIND = {
    "economic_region": "economic_region",
    "district": "district",
    "city": "city",
    "settlement": "urban_settlement",
    "village": "village",
}
COUNTRY = {"code": "AZ", "kind": "country", "name": "Azerbaijan", "name_az": "Azərbaycan"}


def _approximate_point(name: str, lat: float, lon: float) -> tuple[float, float]:
    """A stable point 4–18 km from (lat, lon), in a direction and distance drawn from ``name``."""
    digest = hashlib.sha256(name.encode()).digest()
    bearing = digest[0] / 255 * 2 * math.pi
    km = 4 + digest[1] / 255 * 14
    dlat = km * math.cos(bearing) / 111.32
    dlon = km * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def demo_places_table() -> Table:
    """The seed places as a places-import table, with the country added on top."""
    with (DATA_DIR / "seed-places.csv").open(encoding="utf-8") as handle:
        seed = list(csv.DictReader(handle))
    centres = {
        r["name"]: (float(r["lat"]), float(r["lon"])) for r in seed if r["kind"] == "district"
    }
    rows = [Row(2, {**COUNTRY, "parent": ""})]
    for number, record in enumerate(seed, start=3):
        values = {
            "kind": SEED_KIND[record["kind"]],
            "name": record["name"],
            "name_az": record["name_az"],
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
    columns = ["kind", "name", "name_az", "parent", "lat", "lon", "coordinates", "note", "code"]
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
# Where the synthetic households come from: most from Kalbajar and Khojaly, as in the sources.
DISTRICT_WEIGHTS = {"Kalbajar": 0.55, "Khojaly": 0.2, "Khankendi": 0.15, "Aghdara": 0.1}
DISPLACED_ON = {
    "Kalbajar": dt.date(1993, 4, 2),
    "Khojaly": dt.date(1992, 2, 26),
    "Khankendi": dt.date(1991, 12, 15),
    "Aghdara": dt.date(1992, 6, 30),
}
ACCOMMODATION_WEIGHTS = {
    Accommodation.HOSTEL: 0.25,
    Accommodation.SANATORIUM: 0.15,
    Accommodation.ADMINISTRATIVE_BUILDING: 0.15,
    Accommodation.DORMITORY: 0.1,
    Accommodation.RENTED: 0.2,
    Accommodation.WITH_RELATIVES: 0.1,
    Accommodation.OTHER: 0.05,
}
HOUSEHOLD_SIZES = {1: 0.06, 2: 0.12, 3: 0.18, 4: 0.24, 5: 0.2, 6: 0.11, 7: 0.06, 8: 0.03}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _family_name(stem: str, sex: str) -> str:
    return stem + "a" if sex == Member.Sex.FEMALE else stem


def _patronymic(father: str, sex: str) -> str:
    return f"{father} {'qızı' if sex == Member.Sex.FEMALE else 'oğlu'}"


def _birth(rng: random.Random, age_from: int, age_to: int, today: dt.date) -> dt.date:
    return today - dt.timedelta(days=rng.randint(age_from * 365, age_to * 365 + 364))


def _synthetic_members(rng: random.Random, size: int, today: dt.date) -> list[dict]:
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


def demo_households_create(*, count: int, seed: int, today: dt.date) -> int:
    """Generate ``count`` synthetic households unless the demo already has them."""
    if Household.objects.filter(is_synthetic=True).exists():
        return 0
    rng = random.Random(seed)
    settlements: dict[str, list[Settlement]] = {}
    for settlement in Settlement.objects.select_related("district").order_by("code"):
        settlements.setdefault(settlement.district.name, []).append(settlement)
    weights = {d: w for d, w in DISTRICT_WEIGHTS.items() if d in settlements}
    if not weights:
        raise ApplicationError("The demo places are missing; load them first.")
    households, member_rows = [], []
    for number in range(1, count + 1):
        district = _pick(rng, weights)
        settlement = rng.choice(settlements[district])
        registered = dt.date(2021, 1, 15) + dt.timedelta(days=rng.randint(0, 1500))
        households.append(
            Household(
                reference=f"DEMO-{number:05d}",
                origin_settlement=settlement,
                origin_address=f"{settlement.name}, house {rng.randint(1, 240)}",
                displaced_on=DISPLACED_ON[district],
                accommodation=_pick(rng, ACCOMMODATION_WEIGHTS),
                status=Household.Status.VERIFIED
                if rng.random() < 0.7
                else Household.Status.REGISTERED,
                registered_on=min(registered, today),
                is_synthetic=True,
            )
        )
        member_rows.append(_synthetic_members(rng, _pick(rng, HOUSEHOLD_SIZES), today))
    with transaction.atomic():
        created = Household.objects.bulk_create(households, batch_size=500)
        Member.objects.bulk_create(
            [
                Member(
                    household=household,
                    relation=m["relation"],
                    sex=m["sex"],
                    given_name=m["given_name"],
                    family_name=m["family_name"],
                    patronymic=m["patronymic"],
                    birth_date=m["birth"],
                    name_key=member_name_key(
                        given_name=m["given_name"],
                        family_name=m["family_name"],
                        patronymic=m["patronymic"],
                    ),
                )
                for household, members in zip(created, member_rows, strict=True)
                for m in members
            ],
            batch_size=1000,
        )
    return len(created)


@dataclass(frozen=True)
class DemoResult:
    places: ImportReport
    figures: ImportReport
    households_created: int
    mine_action: list[ImportReport]
    housing: list[ImportReport]
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
    created = demo_households_create(count=households, seed=seed, today=today)
    return DemoResult(
        places=places,
        figures=figures,
        households_created=created,
        mine_action=demo_mine_action_load(seed=seed, today=today),
        housing=demo_housing_load(seed=seed, today=today),
        users=demo_users_ensure(),
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
