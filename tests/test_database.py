"""The suite runs on SQLite, and every test that reaches the database runs again on PostgreSQL
(docs/operations.md, *Tests on both databases*); this says which one it ran on."""

from __future__ import annotations

import os

from django.db import connection


def test_the_suite_runs_on_the_database_that_database_url_names(db):
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
    if expected == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone() == (1,)


def test_a_test_that_reaches_the_database_runs_on_postgresql_too(db, request):
    assert request.node.get_closest_marker("database_free") is None


def test_a_test_that_cannot_reach_the_database_runs_once(request):
    assert request.node.get_closest_marker("database_free") is not None


def test_passwords_are_hashed_with_the_production_algorithms_at_their_least_cost():
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers
    from django.utils.module_loading import import_string

    from homecoming import settings as production

    production_algorithms = [import_string(h).algorithm for h in production.PASSWORD_HASHERS]
    assert [h.algorithm for h in get_hashers()] == production_algorithms
    assert settings.PASSWORD_HASHERS != production.PASSWORD_HASHERS
