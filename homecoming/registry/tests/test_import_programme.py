"""The households import's optional ``programme`` column: a programme's code, or empty for
the default programme, read with one lookup for the whole file."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_table
from homecoming.programmes.models import Programme
from homecoming.programmes.selectors import default_programme
from homecoming.registry.imports import households_import
from homecoming.registry.models import Household
from homecoming.registry.tests.test_imports import GOOD, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept() -> Programme:
    return Programme.objects.create(code="concept", name="Concept", kind="repatriation")


def test_a_file_without_the_column_enrols_every_household_in_the_default_programme(places):
    report = households_import(table=make_table(GOOD))
    assert report.ok, report.errors
    assert set(Household.objects.values_list("programme", flat=True)) == {default_programme().pk}


def test_each_household_is_enrolled_in_the_programme_its_row_names(places, concept):
    rows = [GOOD[0] | {"programme": "concept"}, GOOD[1], GOOD[2] | {"programme": ""}]
    report = households_import(table=make_table(rows))
    assert report.ok, report.errors
    enrolled = dict(Household.objects.values_list("reference", "programme__code"))
    assert enrolled == {"K-1": "concept", "K-2": default_programme().code}


def test_an_unknown_programme_is_named_by_its_row_and_nothing_is_written(places):
    report = households_import(table=make_table([GOOD[0] | {"programme": "nowhere"}]))
    assert not report.ok
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "programme", "no programme 'nowhere'")
    ]
    assert not Household.objects.exists()


def test_rows_of_one_household_must_agree_on_its_programme(places, concept):
    rows = [GOOD[0] | {"programme": "concept"}, GOOD[1] | {"programme": "return"}]
    report = households_import(table=make_table(rows))
    assert not report.ok
    assert report.errors[0].column == "programme"


def test_an_officer_imports_only_into_their_programmes(places, concept):
    report = households_import(
        table=make_table([GOOD[0] | {"programme": "concept"}]),
        programmes=frozenset({default_programme().pk}),
    )
    assert [(e.column, e.message) for e in report.errors] == [
        ("programme", "concept is not a programme you work in")
    ]


def test_the_programmes_are_read_once_for_the_file_not_once_a_row(places, concept):
    def rows(n: int) -> list[dict]:
        return [
            member(f"K-{i}", "head", "Elvin", programme="concept", birth_date=f"{1940 + i}-01-01")
            for i in range(n)
        ]

    few, many = rows(2), rows(40)
    with CaptureQueriesContext(connection) as small:
        assert households_import(table=make_table(few), dry_run=True).ok
    with CaptureQueriesContext(connection) as large:
        assert households_import(table=make_table(many), dry_run=True).ok
    programme_reads = [
        [q for q in run.captured_queries if '"programmes_programme"' in q["sql"]]
        for run in (small, large)
    ]
    assert len(programme_reads[0]) == len(programme_reads[1])
