from __future__ import annotations

import json

import pytest

from conftest import make_table
from homecoming.mineaction.services import hazards_import, landrelease_import


def square(lon: float, lat: float, size: float = 0.002) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


def hazard_row(code: str, polygon: dict, **values) -> dict:
    row = {
        "code": code,
        "kind": "confirmed",
        "contamination": "ap_mines; uxo",
        "district": "Kalbajar",
        "settlements": "",
        "geometry": json.dumps(polygon),
        "blocked_land_use": "housing",
        "priority": "high",
        "source": "Test survey",
        "info_date": "2021-03-01",
    }
    return row | values


def activity_row(reference: str, hazard: str, **values) -> dict:
    row = {
        "reference": reference,
        "hazard_area": hazard,
        "method": "clearance",
        "organisation": "ANAMA",
        "start_date": "2024-04-01",
        "end_date": "2024-06-30",
        "status": "completed",
        "cancelled_m2": "",
        "reduced_m2": "",
        "cleared_m2": "",
        "handover_date": "",
        "certificate": "",
    }
    return row | values


@pytest.fixture
def zar_hazards(places):
    """Two hazard areas a few hundred metres from Zar (46.20 E, 40.01 N), one far away."""
    report = hazards_import(
        table=make_table(
            [
                hazard_row("HA-0001", square(46.2010, 40.0110)),
                hazard_row("HA-0002", square(46.1960, 40.0080)),
                hazard_row("HA-0900", square(46.3000, 40.1000)),
            ]
        )
    )
    assert report.ok, report.errors
    return report


@pytest.fixture
def import_activities():
    def run(*rows: dict):
        report = landrelease_import(table=make_table(list(rows)))
        assert report.ok, report.errors
        return report

    return run
