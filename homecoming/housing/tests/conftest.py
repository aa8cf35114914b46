from __future__ import annotations

import pytest

from conftest import make_table
from homecoming.housing.services import projects_import, units_import, utilities_import


def project_row(code: str = "P-1", **values) -> dict:
    row = {
        "code": code,
        "title": "Zar houses",
        "sector": "housing",
        "type": "new_construction",
        "district": "Kalbajar",
        "settlement": "Zar",
        "site": "",
        "implementing_organisation": "Agency",
        "funding_organisation": "State budget",
        "currency": "AZN",
        "budget": "1,000,000",
        "committed": "900000",
        "disbursed": "800000",
        "spent": "700000",
        "amounts_date": "2025-06-30",
        "planned_start": "2024-01-01",
        "planned_end": "2025-12-31",
        "actual_start": "2024-02-01",
        "actual_end": "2025-06-01",
        "status": "completed",
        "physical_progress": "100",
        "progress_date": "2025-06-30",
        "source": "test",
    }
    return row | values


def unit_row(number: str, rooms: int = 3, **values) -> dict:
    row = {
        "building": "B-1",
        "project": "P-1",
        "settlement": "Zar",
        "address": "Zar, house 1",
        "floors": "2",
        "lat": "40.0102",
        "lon": "46.1971",
        "number": number,
        "floor": "1",
        "rooms": str(rooms),
        "area_m2": "75.5",
        "step_free": "yes",
        "status": "ready",
    }
    return row | values


@pytest.fixture
def zar_housing(places):
    assert projects_import(table=make_table([project_row()])).ok
    report = units_import(
        table=make_table(
            [unit_row("1"), unit_row("2", 2), unit_row("3", 4, floor="2", step_free="no")]
        )
    )
    assert report.ok, report.errors
    utilities = [
        {
            "settlement": "Zar",
            "service": s,
            "status": "commissioned",
            "commissioned_on": "2025-05-01",
        }
        for s in ("electricity", "water", "school")
    ]
    assert utilities_import(table=make_table(utilities)).ok
