"""Imports land whole or not at all (Hypothesis): whatever mix of good and bad rows a file
holds, either every row is written or nothing is, every bad row is named, and a dry run
reports what the real run then does while writing nothing.

Each example runs in a savepoint that is rolled back, so examples do not see each other.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_table
from homecoming.housing.models import Utility
from homecoming.housing.services import utilities_import
from homecoming.registry.imports import households_import

pytestmark = pytest.mark.django_db

# A way to spoil one cell of a households row; each must cost the row an error.
HOUSEHOLD_DEFECTS = {
    "birth_date": "1975-02-30",
    "given_name": "Rə\u200bna",
    "family_name": "=1+1",
    "sex": "unknown",
    "origin_settlement": "Atlantis",
}
UTILITY_DEFECTS = {
    "status": "broken",
    "service": "teleport",
    "settlement": "Atlantis",
    "commissioned_on": "2025-13-01",
}

bounded = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def in_savepoint(check) -> None:
    """Run ``check`` in a savepoint that is then rolled back, undoing what it wrote."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


@st.composite
def household_files(draw):
    """Households of one to three members; each row spoiled in one cell or not at all."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=5))
    rows, bad = [], set()
    for h, size in enumerate(sizes):
        for m in range(size):
            number = len(rows) + 2  # the header is row 1
            row = {
                "household": f"H-{h}",
                "relation": "head" if m == 0 else "child",
                "given_name": "Elvin",
                "family_name": "Məmmədov",
                "sex": "male",
                # a distinct birth date makes each row a distinct person
                "birth_date": (dt.date(1950, 1, 1) + dt.timedelta(days=97 * number)).isoformat(),
                "origin_settlement": "Zar" if m == 0 else "",
            }
            # The settlement is given on a household's first row only (repeating the same
            # wrong one on a later row is reported once, on the first).
            spoilable = sorted(HOUSEHOLD_DEFECTS.keys() - ({"origin_settlement"} if m else set()))
            defect = draw(st.none() | st.sampled_from(spoilable))
            if defect:
                row[defect] = HOUSEHOLD_DEFECTS[defect]
                bad.add(number)
            rows.append(row)
    return rows, bad, len(sizes)


@bounded
@given(file=household_files())
def test_a_households_file_lands_whole_or_not_at_all(places, file):
    rows, bad, households = file

    def check():
        before = row_counts()
        dry = households_import(table=make_table(rows), dry_run=True)
        assert row_counts() == before
        report = households_import(table=make_table(rows))
        after = row_counts()
        assert (dry.ok, dry.created, [str(e) for e in dry.errors]) == (
            report.ok,
            report.created,
            [str(e) for e in report.errors],
        )
        if bad:
            assert not report.ok
            assert bad <= {error.row for error in report.errors}
            assert after == before
        else:
            assert report.ok, report.errors
            assert report.created == households
            assert after["registry.Household"] - before["registry.Household"] == households
            assert after["registry.Member"] - before["registry.Member"] == len(rows)

    in_savepoint(check)


SERVICES = ["electricity", "water", "gas", "school", "clinic"]
STATUSES = ["planned", "under_construction", "commissioned", "out_of_service"]


@st.composite
def utility_files(draw):
    """Rows for Zar and Kalbajar city, some replacing the records already there."""
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(["Zar", "Kalbajar city"]), st.sampled_from(SERVICES)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    rows, bad = [], set()
    for index, (settlement, service) in enumerate(pairs):
        status = draw(st.sampled_from(STATUSES))
        row = {
            "settlement": settlement,
            "service": service,
            "status": status,
            "commissioned_on": "2025-05-01" if status == "commissioned" else "",
        }
        defect = draw(st.none() | st.sampled_from(sorted(UTILITY_DEFECTS)))
        if defect:
            row[defect] = UTILITY_DEFECTS[defect]
            bad.add(index + 2)
        rows.append(row)
    return rows, bad


def utilities_on_record() -> list[tuple]:
    return list(
        Utility.objects.order_by("settlement__name", "service").values_list(
            "settlement__name", "service", "status", "commissioned_on"
        )
    )


@bounded
@given(file=utility_files())
def test_a_utilities_file_updates_every_record_or_none(places, file):
    rows, bad = file

    def check():
        existing = [
            {"settlement": "Zar", "service": service, "status": "planned"} for service in SERVICES
        ]
        assert utilities_import(table=make_table(existing)).ok
        before, counts = utilities_on_record(), row_counts()
        report = utilities_import(table=make_table(rows))
        if bad:
            assert not report.ok
            assert bad <= {error.row for error in report.errors}
            assert (utilities_on_record(), row_counts()) == (before, counts)
        else:
            assert report.ok, report.errors
            on_record = {(s, service): status for s, service, status, _ in utilities_on_record()}
            for row in rows:
                assert on_record[(row["settlement"], row["service"])] == row["status"]

    in_savepoint(check)
