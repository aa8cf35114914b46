"""Fixtures shared by every test: a small set of places, personas, households.

Places are made through the real places import, so every test that uses them
also exercises it. Personas follow the roles of the programme.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from homecoming.accounts.models import Role, User
from homecoming.core.tabular import Row, Table
from homecoming.places.models import Area, Settlement
from homecoming.places.services import places_import
from homecoming.registry.models import Household, Member
from homecoming.registry.services import member_search_keys_refresh
from homecoming.testing import touches_database

PLACES = [
    {
        "code": "AZ",
        "kind": "country",
        "name": "Azerbaijan",
        "name_az": "Azərbaycan",
        "name_ru": "Азербайджан",
        "parent": "",
    },
    {
        "kind": "economic_region",
        "name": "East Zangezur",
        "name_az": "Şərqi Zəngəzur",
        "parent": "AZ",
    },
    {"kind": "economic_region", "name": "Karabakh", "name_az": "Qarabağ", "parent": "AZ"},
    {
        "kind": "district",
        "name": "Kalbajar",
        "name_az": "Kəlbəcər",
        "parent": "East Zangezur",
        "lat": "40.10",
        "lon": "46.04",
        "coordinates": "approximate",
    },
    {"kind": "district", "name": "Khojaly", "name_az": "Xocalı", "parent": "Karabakh"},
    {
        "kind": "city",
        "name": "Kalbajar city",
        "name_az": "Kəlbəcər",
        "parent": "Kalbajar",
        "lat": "40.105",
        "lon": "46.038",
        "coordinates": "approximate",
    },
    {
        "kind": "village",
        "name": "Zar",
        "name_az": "Zar",
        "parent": "Kalbajar",
        "lat": "40.01",
        "lon": "46.20",
        "coordinates": "approximate",
    },
    {
        "kind": "village",
        "name": "Ballija",
        "name_az": "Ballıca",
        "parent": "Khojaly",
        "lat": "39.98",
        "lon": "46.67",
    },
]


def make_table(rows: list[dict], name: str = "test.csv") -> Table:
    columns = sorted({key for row in rows for key in row})
    return Table(
        name=name,
        columns=columns,
        rows=[Row(number, row) for number, row in enumerate(rows, start=2)],
    )


@dataclass
class Places:
    kalbajar: Area
    khojaly: Area
    kalbajar_city: Settlement
    zar: Settlement
    ballija: Settlement


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file, as in production: threads that act at once
    then queue for the write lock (``transaction_mode`` IMMEDIATE, ``timeout``) as requests
    do, where Django's default in-memory database refuses them ("database table is locked")."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Each test starts with nothing cached and no figures kept (``core.kept``): the figures
    it reads are its own data's. The kept figures are a table that a transactional test's
    flush leaves alone (it is no model's), so a test that reaches the database empties it."""
    cache.clear()
    if touches_database(request.node):
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            caches["shared"].clear()


@pytest.fixture(autouse=True)
def _pages_in_english():
    """Each test starts in the default language: a request in Russian or Azerbaijani leaves its
    language active in the thread, and numbers and dates follow it (13 000, 06.12.2026)."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def places(db) -> Places:
    report = places_import(table=make_table(PLACES))
    assert report.ok, report.errors
    return Places(
        kalbajar=Area.objects.get(name="Kalbajar"),
        khojaly=Area.objects.get(name="Khojaly"),
        kalbajar_city=Settlement.objects.get(name="Kalbajar city"),
        zar=Settlement.objects.get(name="Zar"),
        ballija=Settlement.objects.get(name="Ballija"),
    )


@pytest.fixture
def make_user(db):
    def make(username: str, role: str, districts: tuple[Area, ...] = (), **extra) -> User:
        user = User.objects.create_user(
            username=username, password=f"{username}-password", role=role, **extra
        )
        user.districts.set(districts)
        return user

    return make


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin", Role.ADMINISTRATOR, is_superuser=True, is_staff=True)


@pytest.fixture
def kalbajar_officer(make_user, places) -> User:
    return make_user("kalbajar", Role.REGISTRATION_OFFICER, (places.kalbajar,))


@pytest.fixture
def khojaly_officer(make_user, places) -> User:
    return make_user("khojaly", Role.REGISTRATION_OFFICER, (places.khojaly,))


@pytest.fixture
def planner(make_user) -> User:
    return make_user("planner", Role.RETURN_PLANNER)


@pytest.fixture
def auditor(make_user) -> User:
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def viewer(make_user) -> User:
    return make_user("viewer", Role.VIEWER)


_references = itertools.count(1)


@pytest.fixture
def make_household(db):
    def make(settlement: Settlement, *names: tuple[str, str]) -> Household:
        household = Household.objects.create(
            reference=f"T-{next(_references):05d}",
            origin_settlement=settlement,
            registered_on=dt.date(2024, 5, 1),
        )
        for index, (given, family) in enumerate(names or [("Elvin", "Məmmədov")]):
            Member.objects.create(
                household=household,
                given_name=given,
                family_name=family,
                relation=Member.Relation.HEAD if index == 0 else Member.Relation.CHILD,
                sex=Member.Sex.MALE,
            )
        member_search_keys_refresh(households=[household])
        return household

    return make


@pytest.fixture
def client_for():
    def login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for():
    def login(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


# Mine-action fixtures (hazard areas around Zar) are shared: housing readiness needs them too;
# the task worker is shared by the import pages' tests and the browser journey; kept figures
# are aged by the dashboards' tests.
pytest_plugins = [
    "homecoming.core.tests.fixtures",
    "homecoming.mineaction.tests.fixtures",
    "homecoming.returns.tests.fixtures",
    "homecoming.site.tests.fixtures",
]
