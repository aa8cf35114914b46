"""pytest plugin (loaded by pyproject's ``addopts``): the test suite runs in development mode.

Without DEBUG the settings refuse the development secret key and turn on HTTPS redirects and
secure cookies. This runs before pytest-django reads the settings; pytest-django then runs
each test with ``settings.DEBUG`` off, as production does. Commands the tests start inherit it.

Tests that cannot reach the database are marked ``database_free`` here, as they are collected:
pytest-django blocks the database for a test unless it has the ``django_db`` mark, a database
fixture (``db``, ``transactional_db``, ``live_server``…, directly or through other fixtures) or
is a Django ``TransactionTestCase``. Such a test behaves alike on SQLite and PostgreSQL, so
`make test` runs it once, on SQLite; the PostgreSQL run deselects it (``-m "not
database_free"``). A test marked so that asks for the database anyway while it runs (through
``request.getfixturevalue``) fails, on either database, instead of silently missing the
PostgreSQL run. Hypothesis runs the ``ci`` profile: derandomized, so every run tries the same
examples and a failure comes back on the next run.

Passwords are hashed with the production hashers' algorithms at their smallest cost: Argon2 at
production cost takes about 0.35 s of CPU per password, and the suite makes thousands of users.

The demo (``demo_loaded``) is loaded once per session for each distinct set of arguments: a
journey's ``demo`` fixture asks for it in one call. On SQLite the loaded database is copied
with sqlite3's backup API and copied back into the test database for the next test that asks
for the same demo, with the value ``load_demo`` returned (ids and counts only).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

if TYPE_CHECKING:
    from homecoming.demo.loader import DemoResult

os.environ.setdefault("DEBUG", "1")


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2, named ``argon2`` as in production, with the least time and memory it accepts."""

    time_cost = 1
    memory_cost = 8  # KiB: Argon2's floor for one lane
    parallelism = 1


# Each production hasher, by its setting, and the cheap one the tests use in its place.
CHEAP_HASHERS = {
    "django.contrib.auth.hashers.Argon2PasswordHasher": f"{__name__}.CheapArgon2PasswordHasher"
}

# The fixtures through which a test reaches the database (pytest-django's). A fixture of ours
# that opens the database on its own asks for ``django_db_blocker`` (which pytest-django's own
# autouse fixtures ask for in every test, to open it only for Django's TestCase classes).
DATABASE_FIXTURES = frozenset(
    {
        "_django_db_helper",
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "django_db_setup",
    }
)


def _hypothesis_profile() -> None:
    from hypothesis import settings

    # The number of examples is each test's own (its @settings); the default of 100 stays.
    settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _cheap_hashers() -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = [CHEAP_HASHERS.get(h, h) for h in settings.PASSWORD_HASHERS]


@pytest.hookimpl(trylast=True)  # after pytest-django has configured Django
def pytest_configure(config: pytest.Config) -> None:
    _hypothesis_profile()
    _cheap_hashers()


def touches_database(item: pytest.Item) -> bool:
    """Whether pytest-django lets ``item`` reach the database."""
    cls = getattr(item, "cls", None)
    if cls is not None:
        from django.test import TransactionTestCase

        if issubclass(cls, TransactionTestCase):
            return True
    if item.get_closest_marker("django_db") is not None:
        return True
    names = getattr(item, "fixturenames", ())
    if not DATABASE_FIXTURES.isdisjoint(names):
        return True
    info = getattr(item, "_fixtureinfo", None)  # the definitions its fixtures resolve to
    definitions = info.name2fixturedefs if info is not None else {}
    return any(
        "django_db_blocker" in fixturedef.argnames
        and not fixturedef.func.__module__.startswith("pytest_django")
        for name in names
        for fixturedef in definitions.get(name, ())
    )


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects on the mark
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not touches_database(item):
            item.add_marker(pytest.mark.database_free)


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest) -> None:
    if fixturedef.argname in DATABASE_FIXTURES and request.node.get_closest_marker("database_free"):
        pytest.fail(
            f"{request.node.nodeid} asks for the database ({fixturedef.argname}) while it runs: "
            "request it as a fixture argument (or mark the test django_db) so that the "
            "PostgreSQL run does not deselect it",
            pytrace=False,
        )


# The data migrations' rows, which the flush after a transactional test removes: written again
# before the demo is loaded, so every journey's demo stands on a freshly migrated database.
DATA_MIGRATIONS = [
    ("homecoming.monitoring.migrations.0003_indicator_catalogue", "load"),
    ("homecoming.monitoring.migrations.0005_return_target_progress", "link"),
]


def _load_demo(*, households: int, seed: int, today: dt.date) -> DemoResult:
    from django.apps import apps

    from homecoming.demo.loader import load_demo

    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
    return load_demo(households=households, seed=seed, today=today)


@pytest.fixture(scope="session")
def _demo_snapshots() -> Iterator[dict[tuple, tuple[sqlite3.Connection, DemoResult]]]:
    """Each demo loaded in this session, by ``load_demo``'s arguments: a copy of the loaded
    SQLite database, in memory, and what ``load_demo`` returned."""
    snapshots: dict[tuple, tuple[sqlite3.Connection, DemoResult]] = {}
    yield snapshots
    for snapshot, _result in snapshots.values():
        snapshot.close()


@pytest.fixture
def demo_loaded(transactional_db, _demo_snapshots) -> Callable[..., DemoResult]:
    """``demo_loaded(households=…, seed=…, today=…)``: the demo in the test database, as
    ``load_demo`` leaves it on a migrated database, and the value it returns.

    The test is transactional (the live server's threads see the data), so the database is
    emptied after it; the next test that asks for the same demo gets the copy back instead of
    loading it again. On PostgreSQL the demo is loaded each time.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    def load(*, households: int, seed: int, today: dt.date) -> DemoResult:
        if connection.vendor != "sqlite":
            return _load_demo(households=households, seed=seed, today=today)
        key = (households, seed, today)
        if key in _demo_snapshots:
            snapshot, result = _demo_snapshots[key]
            connection.ensure_connection()
            snapshot.backup(connection.connection)
            # The flush recreated the content types under new ids; the copy holds the old ones.
            ContentType.objects.clear_cache()
            return copy.deepcopy(result)
        result = _load_demo(households=households, seed=seed, today=today)
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot)
        _demo_snapshots[key] = (snapshot, copy.deepcopy(result))
        return result

    return load
