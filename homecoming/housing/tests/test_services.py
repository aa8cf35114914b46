from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_table
from homecoming.core.errors import ApplicationError
from homecoming.housing.models import (
    HousingUnit,
    ProgressReport,
    Project,
    UnitStatusChange,
    Utility,
)
from homecoming.housing.selectors import housing_funnel, settlement_return_readiness
from homecoming.housing.services import (
    projects_import,
    unit_status_change,
    units_import,
    utilities_import,
)
from homecoming.housing.tests.conftest import project_row, unit_row

pytestmark = pytest.mark.django_db


def test_a_project_import_records_amounts_and_a_progress_reading(places):
    assert projects_import(table=make_table([project_row()])).ok
    project = Project.objects.get()
    assert (project.budget, project.settlement, project.status) == (
        1_000_000,
        places.zar,
        "completed",
    )
    assert list(ProgressReport.objects.values_list("date", "physical_progress")) == [
        (dt.date(2025, 6, 30), 100)
    ]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"sector": "housing-ish"},
            "row 2, sector: 'housing-ish' is not one of housing, road, power, water, gas, school, health, administration, heritage, other",
        ),
        (
            {"settlement": "Ballija"},
            "row 2, settlement: no settlement 'Ballija' in the places register",
        ),
        ({"currency": "EURO"}, "row 2, currency: is longer than 3 characters"),
        ({"currency": "E1"}, "row 2, currency: 'E1' is not an ISO 4217 code such as AZN or USD"),
        ({"actual_end": ""}, "row 2, actual_end: a completed project needs its actual end date"),
        (
            {"actual_end": "2024-01-01"},
            "row 2, actual_end: 2024-01-01 is before actual start, 2024-02-01",
        ),
        ({"physical_progress": "120"}, "row 2, physical_progress: must be at most 100 (got 120)"),
        ({"budget": ""}, "row 2, budget: is required"),
    ],
)
def test_a_bad_project_row_is_refused(places, values, message):
    report = projects_import(table=make_table([project_row(**values)]))
    assert [str(e) for e in report.errors] == [message]
    assert not Project.objects.exists()


def test_spending_more_than_disbursed_is_a_warning_not_an_error(places):
    report = projects_import(table=make_table([project_row(spent="850000")]))
    assert report.ok
    assert [str(w) for w in report.warnings] == [
        "row 2, spent: more spent than disbursed; check the figures"
    ]


def test_a_project_under_way_on_land_not_released_is_flagged(places, zar_hazards):
    report = projects_import(
        table=make_table([project_row(status="implementation", actual_end="")])
    )
    assert report.ok
    assert [w.message for w in report.warnings] == [
        "the site touches HA-0001 (open, 0 % released): land not yet released",
        "the site touches HA-0002 (open, 0 % released): land not yet released",
    ]


def test_units_land_with_their_building_and_history(zar_housing):
    units = HousingUnit.objects.order_by("number")
    assert [(u.number, u.rooms, u.status) for u in units] == [
        ("1", 3, "ready"),
        ("2", 2, "ready"),
        ("3", 4, "ready"),
    ]
    assert list(
        UnitStatusChange.objects.filter(unit=units[0]).values_list("status", flat=True)
    ) == ["planned", "ready"]


def test_a_unit_is_ready_only_when_its_project_is_completed(places):
    projects_import(table=make_table([project_row(status="implementation", actual_end="")]))
    report = units_import(table=make_table([unit_row("1")]))
    assert [str(e) for e in report.errors] == [
        "row 2, status: a unit is ready only when its project is completed (the project is implementation)"
    ]
    assert not HousingUnit.objects.exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([unit_row("1"), unit_row("1")], "row 3, number: unit 1 of B-1 is also given on row 2"),
        (
            [unit_row("1"), unit_row("2", floors="3")],
            "row 3, floors: differs from row 2 for building B-1",
        ),
        ([unit_row("1", floor="5")], "row 2, floor: floor 5 is above the building's 2 floors"),
        (
            [unit_row("1", status="reserved")],
            "row 2, status: 'reserved' is not one of planned, under_construction, ready, out_of_service",
        ),
        ([unit_row("1", project="P-9")], "row 2, project: no project 'P-9'; import it first"),
        ([unit_row("1", step_free="maybe")], "row 2, step_free: 'maybe' is not yes or no"),
    ],
)
def test_a_bad_unit_row_is_refused(places, rows, message):
    projects_import(table=make_table([project_row()]))
    report = units_import(table=make_table(rows))
    assert message in [str(e) for e in report.errors]
    assert not HousingUnit.objects.exists()


def test_reserved_and_occupied_belong_to_the_returns_workflow(zar_housing):
    unit = HousingUnit.objects.get(number="1")
    with pytest.raises(ApplicationError, match="change only through the returns workflow"):
        unit_status_change(unit=unit, status="reserved")
    unit_status_change(unit=unit, status="reserved", by_returns=True)
    report = units_import(table=make_table([unit_row("1")]))
    assert (
        "row 2, status: ready and reserved/occupied units change only through the returns "
        "workflow (offers and key handover)" in [str(e) for e in report.errors]
    )
    with pytest.raises(ApplicationError, match="a reserved unit cannot become under construction"):
        unit_status_change(unit=unit, status="under_construction", by_returns=True)


def test_a_commissioned_service_needs_its_date(places):
    report = utilities_import(
        table=make_table([{"settlement": "Zar", "service": "water", "status": "commissioned"}])
    )
    assert [str(e) for e in report.errors] == [
        "row 2, commissioned_on: a commissioned service needs its date"
    ]
    assert not Utility.objects.exists()


def test_readiness_for_return_says_what_is_missing_and_since_when(
    zar_housing, import_activities, zar_hazards
):
    from homecoming.mineaction.models import HazardArea

    readiness = settlement_return_readiness(HousingUnit.objects.first().building.settlement)
    assert not readiness.ready
    assert [c.service for c in readiness.missing_services] == ["clinic"]
    assert readiness.units_by_rooms == {2: 1, 3: 1, 4: 1}
    assert not readiness.land.ready
    for number, code in enumerate(["HA-0001", "HA-0002"]):
        area = HazardArea.objects.get(code=code).area_m2
        import_activities(
            {
                "reference": f"A{number}",
                "hazard_area": code,
                "method": "clearance",
                "organisation": "ANAMA",
                "start_date": "2024-04-01",
                "end_date": f"2024-06-{10 + number}",
                "status": "completed",
                "cleared_m2": str(area),
            }
        )
    utilities_import(
        table=make_table(
            [
                {
                    "settlement": "Zar",
                    "service": "clinic",
                    "status": "commissioned",
                    "commissioned_on": "2025-07-01",
                }
            ]
        )
    )
    readiness = settlement_return_readiness(readiness.settlement)
    assert readiness.ready
    assert readiness.land_since == dt.date(2024, 6, 11)
    assert {c.service: c.since for c in readiness.services}["clinic"] == dt.date(2025, 7, 1)


def test_the_funnel_adds_up_to_the_unit_records(zar_housing, planner):
    unit_status_change(unit=HousingUnit.objects.get(number="2"), status="reserved", by_returns=True)
    funnel = housing_funnel(planner)
    assert funnel == {
        "Kalbajar": {
            "planned": 0,
            "under_construction": 0,
            "ready": 2,
            "reserved": 1,
            "occupied": 0,
        }
    }
    assert sum(funnel["Kalbajar"].values()) == HousingUnit.objects.count()
