"""The suite runs twice, on SQLite and on PostgreSQL; this says which one it ran on."""

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
