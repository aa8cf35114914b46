"""The households import: every kind of bad input named by row, and nothing written."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_table
from homecoming.core.tabular import Row, Table
from homecoming.registry import imports
from homecoming.registry.imports import households_import
from homecoming.registry.models import (
    Household,
    HouseholdEvent,
    IdentityDocument,
    Member,
    MemberSearchKey,
)

pytestmark = pytest.mark.django_db


def member(household: str, relation: str, given: str, **values) -> dict:
    row = {
        "household": household,
        "relation": relation,
        "given_name": given,
        "family_name": "Məmmədov",
        "patronymic": "",
        "sex": "male",
        "birth_date": "1975-03-02",
        "birth_year_only": "",
        "phone": "",
        "vulnerabilities": "",
        "document_type": "",
        "document_number": "",
        "document_issuer": "",
        "document_expiry": "",
        "origin_settlement": "Zar",
        "origin_address": "",
        "displaced_on": "1993-04-02",
        "accommodation": "hostel",
        "accommodation_place": "",
        "intention": "return_now",
        "registered_on": "2024-05-01",
    }
    return row | values


GOOD = [
    member("K-1", "head", "Elvin", document_type="id_card", document_number="AZE 1234567"),
    member(
        "K-1",
        "spouse",
        "Aygün",
        family_name="Məmmədova",
        sex="female",
        birth_date="1979",
        origin_settlement="",
        displaced_on="",
        accommodation="",
        intention="",
        registered_on="",
    ),
    member(
        "K-2",
        "head",
        "Рашад",
        family_name="Кулиев",
        birth_date="1968-11-30",
        vulnerabilities="disability; chronic_illness",
    ),
]


def test_a_good_file_registers_households_members_documents_and_history(places):
    report = households_import(table=make_table(GOOD))
    assert (report.ok, report.created) == (True, 2), report.errors
    k1 = Household.objects.get(reference="K-1")
    assert (k1.origin_settlement, k1.accommodation, k1.intention) == (
        places.zar,
        "hostel",
        "return_now",
    )
    spouse = k1.members.get(relation="spouse")
    assert (spouse.birth_date.isoformat(), spouse.birth_year_only) == ("1979-01-01", True)
    assert IdentityDocument.objects.get().number == "AZE1234567"
    assert Member.objects.get(given_name="Рашад").vulnerabilities == [
        "disability",
        "chronic_illness",
    ]
    assert HouseholdEvent.objects.filter(action="registered").count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"birth_date": "35796"},
            "row 2, birth_date: 35796 looks like an Excel serial date (1998-01-01 if so); give the date as YYYY-MM-DD",
        ),
        (
            {"birth_date": "1975-02-30"},
            "row 2, birth_date: '1975-02-30' is not a real date in the form YYYY-MM-DD (or a year)",
        ),
        ({"birth_date": "2999-01-01"}, "row 2, birth_date: 2999-01-01 is in the future"),
        ({"birth_date": "1850-01-01"}, "row 2, birth_date: 1850-01-01 is before 1900"),
        ({"registered_on": "2999-01-01"}, "row 2, registered_on: 2999-01-01 is in the future"),
        (
            {"registered_on": "1990-01-01"},
            "row 2, registered_on: 1990-01-01 is before the displacement, 1993-04-02",
        ),
        (
            {"origin_settlement": "Atlantis"},
            "row 2, origin_settlement: no settlement 'Atlantis' in the places register",
        ),
        (
            {"given_name": "El\u200bvin"},
            "row 2, given_name: contains invisible characters (U+200B)",
        ),
        (
            {"family_name": "Мамedov"},
            "row 2, family_name: 'Мамedov' mixes Latin and Cyrillic letters in one word",
        ),
        ({"relation": "spouse"}, "row 2, relation: household K-1 has 0 heads; it needs one"),
        ({"sex": "m"}, "row 2, sex: 'm' is not one of female, male"),
        (
            {"document_type": "", "document_number": "X1"},
            "row 2, document_type: give the type of the document",
        ),
    ],
)
def test_one_bad_row_changes_nothing_and_names_the_row(places, change, message):
    rows = [GOOD[0] | change, *GOOD[1:]]
    report = households_import(table=make_table(rows))
    assert message in [str(e) for e in report.errors]
    assert not Household.objects.exists()
    assert not Member.objects.exists()


def test_a_member_in_two_households_is_refused(places):
    rows = [*GOOD, member("K-3", "head", "Elvin")]
    report = households_import(table=make_table(rows))
    assert [str(e) for e in report.errors] == [
        "row 5, given_name: the same person (names and birth date) is in household K-1 on row 2; "
        "a member belongs to one household"
    ]


def test_a_document_number_is_refused_when_repeated_or_already_registered(places):
    rows = [
        *GOOD,
        member("K-3", "head", "Tural", document_type="id_card", document_number="AZE1234567"),
    ]
    report = households_import(table=make_table(rows))
    assert [str(e) for e in report.errors] == [
        "row 5, document_number: AZE1234567 is also given on row 2 (household K-1)"
    ]
    assert households_import(table=make_table(GOOD)).ok
    again = households_import(
        table=make_table(
            [member("K-9", "head", "Tural", document_type="id_card", document_number="AZE1234567")]
        )
    )
    assert [str(e) for e in again.errors] == [
        "row 2, document_number: AZE1234567 is already registered, in household K-1"
    ]


def test_household_columns_must_agree_and_a_registered_household_is_not_imported_again(places):
    rows = [GOOD[0], GOOD[1] | {"origin_settlement": "Kalbajar city"}]
    report = households_import(table=make_table(rows))
    assert [str(e) for e in report.errors] == [
        "row 3, origin_settlement: differs from row 2 of household K-1"
    ]
    households_import(table=make_table(GOOD))
    report = households_import(table=make_table(GOOD[:2]))
    assert [str(e) for e in report.errors] == [
        "row 2, household: K-1 is already registered; changes go through change requests"
    ]


def test_a_dry_run_writes_nothing(places):
    report = households_import(table=make_table(GOOD), dry_run=True)
    assert (report.ok, report.created, report.written) == (True, 2, False)
    assert not Household.objects.exists()


class ReadOnce:
    """A file's rows that can be read once only, as a file that streams past."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows

    def __iter__(self):
        rows, self.rows = self.rows, None
        if rows is None:
            raise AssertionError("the rows were read a second time")
        return iter(rows)


def test_the_file_is_read_once_and_its_rows_not_kept(places):
    table = make_table(GOOD)
    report = households_import(table=Table(table.name, table.columns, ReadOnce(table.rows)))
    assert (report.ok, report.created, report.rows) == (True, 2, 3), report.errors
    assert Member.objects.count() == 3


def test_rows_of_one_household_apart_in_the_file_make_one_household(places, monkeypatch):
    monkeypatch.setattr(imports, "WRITE_BATCH", 1)  # each member written in its own batch
    rows = [GOOD[0], GOOD[2], GOOD[1]]  # K-1's spouse after K-2's head
    report = households_import(table=make_table(rows))
    assert (report.ok, report.created) == (True, 2), report.errors
    k1 = Household.objects.get(reference="K-1")
    assert (k1.size, k1.members.count()) == (2, 2)
    assert k1.members.get(relation="spouse").joined_on.isoformat() == "2024-05-01"


def test_a_document_registered_between_the_check_and_the_write_refuses_the_file_whole(
    places, tmp_path
):
    kept = tmp_path / "checked"
    assert imports.households_check(table=make_table(GOOD), keep=kept).ok
    assert households_import(
        table=make_table(
            [member("K-9", "head", "Tural", document_type="id_card", document_number="AZE1234567")]
        )
    ).ok
    report = imports.households_write(kept=kept)
    assert [str(e) for e in report.errors] == [
        "row 2, document_number: AZE1234567 is already registered, in household K-9"
    ]
    assert (report.created, Household.objects.count()) == (0, 1)


def test_a_check_that_finds_errors_keeps_nothing_to_write(places, tmp_path):
    kept = tmp_path / "checked"
    report = imports.households_check(table=make_table([GOOD[0] | {"sex": "m"}]), keep=kept)
    assert not report.ok
    assert not kept.exists()


def test_a_kept_file_that_holds_anything_but_values_and_dates_is_not_read(places, tmp_path):
    kept = tmp_path / "checked"
    kept.write_bytes(pickle.dumps({"file": Path("spring.csv")}) + (0).to_bytes(8, "big"))
    with pytest.raises(pickle.UnpicklingError, match="is not in a kept households file"):
        imports.households_write(kept=kept)
    assert not Household.objects.exists()


def _search_key_index_statements(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"].split(" ON ")[0]
        for query in queries.captured_queries
        if "INDEX" in query["sql"] and "member_search_key" in query["sql"]
    ]


def _search_key_index_kept() -> bool:
    with connection.cursor() as cursor:
        return "member_search_key" in {
            index.name
            for index in MemberSearchKey._meta.indexes
            if index.name
            in connection.introspection.get_constraints(cursor, MemberSearchKey._meta.db_table)
        }


def test_a_file_as_large_as_the_registry_builds_the_search_keys_index_once_after_its_rows(
    places,
):
    with CaptureQueriesContext(connection) as queries:
        assert households_import(table=make_table(GOOD)).ok
    expected = (
        ['DROP INDEX "member_search_key"', 'CREATE INDEX "member_search_key"']
        if connection.vendor == "sqlite"
        else []  # PostgreSQL would hold every search until the import ends
    )
    assert _search_key_index_statements(queries) == expected
    assert _search_key_index_kept()
    elvin = Member.objects.get(given_name="Elvin")
    assert MemberSearchKey.objects.filter(key="AZE1234567").get().member == elvin
    assert MemberSearchKey.objects.filter(key="gf:elvin|məmmədov", member=elvin).exists()


def test_a_file_smaller_than_the_registry_puts_its_keys_in_the_index_as_it_goes(places):
    assert households_import(table=make_table(GOOD)).ok
    with CaptureQueriesContext(connection) as queries:
        assert households_import(table=make_table([member("K-3", "head", "Tural")])).ok
    assert _search_key_index_statements(queries) == []
    assert MemberSearchKey.objects.filter(member__given_name="Tural", key__contains=":").exists()


def test_a_file_refused_as_it_is_written_leaves_the_search_keys_index_as_it_was(places, tmp_path):
    kept = tmp_path / "checked"
    assert imports.households_check(table=make_table(GOOD), keep=kept).ok
    assert households_import(
        table=make_table([member("K-9", "head", "Tural", document_number="")])
    ).ok
    Household.objects.filter(reference="K-9").update(reference="K-2")  # registered meanwhile
    report = imports.households_write(kept=kept)
    assert not report.ok
    assert (report.created, Household.objects.count()) == (0, 1)
    assert _search_key_index_kept()
