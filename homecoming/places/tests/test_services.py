from __future__ import annotations

import pytest

from conftest import PLACES, make_table
from homecoming.places.models import Area, Settlement
from homecoming.places.services import places_import

pytestmark = pytest.mark.django_db

SQUARE = (
    '{"type": "Polygon", "coordinates": [[[46.19,40.0],[46.21,40.0],[46.21,40.02],[46.19,40.0]]]}'
)
BOWTIE = '{"type": "Polygon", "coordinates": [[[46,40],[46.1,40.1],[46.1,40],[46,40.1],[46,40]]]}'


def test_it_builds_the_hierarchy_with_p_codes_parent_first():
    report = places_import(table=make_table(PLACES))
    assert (report.ok, report.created, report.updated) == (True, 8, 0)
    codes = {a.name: a.code for a in Area.objects.all()} | {
        s.name: s.code for s in Settlement.objects.all()
    }
    assert codes == {
        "Azerbaijan": "AZ",
        "East Zangezur": "AZ01",
        "Karabakh": "AZ02",
        "Kalbajar": "AZ0101",
        "Khojaly": "AZ0201",
        "Kalbajar city": "AZ0101001",
        "Zar": "AZ0101002",
        "Ballija": "AZ0201001",
    }
    zar = Settlement.objects.get(code="AZ0101002")
    assert (zar.district.name, zar.kind, zar.coordinates_approximate) == (
        "Kalbajar",
        "village",
        True,
    )
    assert "zar" in zar.search_key


def test_a_second_import_of_the_same_file_updates_and_keeps_every_code():
    places_import(table=make_table(PLACES))
    before = sorted(Settlement.objects.values_list("code", "name"))
    report = places_import(table=make_table(PLACES))
    assert (report.created, report.updated) == (0, 8)
    assert sorted(Settlement.objects.values_list("code", "name")) == before


def test_one_bad_row_changes_nothing_and_names_the_row():
    rows = [
        *PLACES,
        {"kind": "village", "name": "Vang", "parent": "Kalbajar", "lat": "95", "lon": "46"},
    ]
    report = places_import(table=make_table(rows))
    assert [str(e) for e in report.errors] == ["row 10, lat: must be between -90 and 90 (got 95)"]
    assert not report.written
    assert Area.objects.count() == 0
    assert Settlement.objects.count() == 0


def test_a_dry_run_reports_what_would_happen_and_writes_nothing():
    report = places_import(table=make_table(PLACES), dry_run=True)
    assert (report.ok, report.created, report.written) == (True, 8, False)
    assert Area.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"kind": "village", "name": "Vang", "parent": "Nowhere", "lat": "40", "lon": "46"},
            "row 10, parent: no district or municipality 'Nowhere' exists or comes earlier in the file",
        ),
        (
            {"kind": "village", "name": "Vang", "parent": "Kalbajar"},
            "row 10, lat: a settlement needs a point (lat and lon)",
        ),
        (
            {"kind": "hamlet", "name": "Vang", "parent": "Kalbajar"},
            "row 10, kind: 'hamlet' is not one of country, economic_region, district, municipality, "
            "city, urban_settlement, village",
        ),
        (
            {"kind": "village", "name": "Vang", "parent": "Kalbajar", "lat": "40"},
            "row 10, lon: give both latitude and longitude, or neither",
        ),
        (
            {
                "kind": "village",
                "name": "Vang",
                "parent": "Kalbajar",
                "lat": "40",
                "lon": "46",
                "code": "AZ0201009",
            },
            "row 10, code: 'AZ0201009' does not fit its parent: expected AZ0101 followed by 3 digits",
        ),
        (
            {
                "kind": "village",
                "name": "Vang",
                "parent": "Kalbajar",
                "lat": "40",
                "lon": "46",
                "coordinates": "roughly",
            },
            "row 10, coordinates: 'roughly' is not 'exact' or 'approximate'",
        ),
        (
            {
                "kind": "village",
                "name": "Vang",
                "parent": "Kalbajar",
                "lat": "40",
                "lon": "46",
                "footprint": BOWTIE,
            },
            "row 10, footprint: is not a valid Polygon: Self-intersection[46.05 40.05]",
        ),
        (
            {"kind": "district", "name": "Lachin", "parent": "Azerbaijan"},
            "row 10, parent: 'Azerbaijan' is a country; the parent of a district must be one of: economic_region",
        ),
        (
            {
                "kind": "village",
                "name": "Zar",
                "parent": "Kalbajar",
                "lat": "40",
                "lon": "46",
                "code": "AZ0101002",
            },
            "row 10, code: AZ0101002 is also given on row 8",
        ),
    ],
)
def test_it_rejects_a_bad_row_with_an_exact_message(row, message):
    report = places_import(table=make_table([*PLACES, row]))
    assert [str(e) for e in report.errors] == [message]
    assert Settlement.objects.count() == 0


def test_a_code_never_moves_to_another_parent():
    places_import(table=make_table(PLACES))
    report = places_import(
        table=make_table(
            [
                {
                    "code": "AZ0101002",
                    "kind": "village",
                    "name": "Zar",
                    "parent": "AZ0201",
                    "lat": "40",
                    "lon": "46",
                }
            ]
        )
    )
    assert [str(e) for e in report.errors] == [
        "row 2, code: 'AZ0101002' does not fit its parent: expected AZ0201 followed by 3 digits"
    ]


def test_an_ambiguous_parent_name_asks_for_the_code():
    places_import(
        table=make_table(
            [*PLACES, {"kind": "municipality", "name": "Kalbajar", "parent": "Kalbajar"}]
        )
    )
    report = places_import(
        table=make_table(
            [{"kind": "village", "name": "Moz", "parent": "Kalbajar", "lat": "40.1", "lon": "46.1"}]
        )
    )
    assert [str(e) for e in report.errors] == [
        "row 2, parent: 'Kalbajar' names several areas (AZ0101, AZ010101); give the code"
    ]


def test_a_settlement_under_a_municipality_belongs_to_its_district_too():
    report = places_import(
        table=make_table(
            [
                *PLACES,
                {"kind": "municipality", "name": "Zar municipality", "parent": "Kalbajar"},
                {
                    "kind": "village",
                    "name": "Hajidunyamalilar",
                    "parent": "Zar municipality",
                    "lat": "40.2",
                    "lon": "46.0",
                    "footprint": SQUARE,
                },
            ]
        )
    )
    assert report.ok, report.errors
    village = Settlement.objects.get(name="Hajidunyamalilar")
    assert (village.code, village.district.name, village.municipality.name) == (
        "AZ010101001",
        "Kalbajar",
        "Zar municipality",
    )
    assert village.footprint["type"] == "Polygon"


def test_missing_columns_are_reported_before_any_row():
    report = places_import(table=make_table([{"name": "Zar"}]))
    assert [str(e) for e in report.errors] == [
        "row 1, kind: required column is missing",
        "row 1, parent: required column is missing",
    ]
