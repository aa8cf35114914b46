from __future__ import annotations

import json
import math

import pytest

from conftest import make_table
from homecoming.core.geometry import geodesic_area_m2
from homecoming.core.tabular import read_table
from homecoming.mineaction.models import Accident, DeviceReport, HazardArea, LandReleaseActivity
from homecoming.mineaction.selectors import settlement_land_readiness
from homecoming.mineaction.services import (
    casualties_import,
    devices_import,
    hazards_import,
    landrelease_import,
)
from homecoming.mineaction.tests.fixtures import activity_row, hazard_row, square

pytestmark = pytest.mark.django_db
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[46, 40], [46.1, 40.1], [46.1, 40], [46, 40.1], [46, 40]]],
}


def test_a_hazard_area_gets_its_area_from_the_polygon_not_from_the_file(zar_hazards):
    hazard = HazardArea.objects.get(code="HA-0001")
    # 0.002° × 0.002° at 40° N: about 170.6 m × 222.0 m on the WGS84 ellipsoid.
    assert hazard.area_m2 == pytest.approx(37_880, rel=0.01)
    assert hazard.area_m2 == pytest.approx(geodesic_area_m2(hazard.polygon))
    assert (hazard.status, hazard.released_m2) == ("open", 0)
    assert (hazard.min_lon, hazard.max_lat) == (46.201, pytest.approx(40.013))


def test_hazard_areas_import_from_geojson(places, tmp_path):
    path = tmp_path / "hazards.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": square(46.20, 40.01),
                        "properties": {
                            k: v
                            for k, v in hazard_row("HA-0100", square(0, 0)).items()
                            if k != "geometry"
                        },
                    },
                ],
            }
        )
    )
    report = hazards_import(table=read_table(path))
    assert report.ok, report.errors
    assert HazardArea.objects.get().contamination == ["ap_mines", "uxo"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"geometry": json.dumps(BOWTIE)},
            "row 3, geometry: is not a valid Polygon: Self-intersection[46.05 40.05]",
        ),
        ({"geometry": ""}, "row 3, geometry: is required"),
        (
            {"district": "Atlantis"},
            "row 3, district: no district 'Atlantis' in the places register",
        ),
        (
            {"settlements": "Zar; Ballija"},
            "row 3, settlements: no settlement 'Ballija' in the places register",
        ),
        ({"info_date": "2999-01-01"}, "row 3, info_date: 2999-01-01 is in the future"),
        (
            {"contamination": "ap_mines; landmines"},
            "row 3, contamination: 'landmines' not in ap_mines, at_mines, uxo, axo, cluster_munitions",
        ),
        ({"code": "HA-0001"}, "row 3, code: HA-0001 is also given on row 2"),
    ],
)
def test_a_bad_hazard_row_changes_nothing_and_names_the_row(places, values, message):
    report = hazards_import(
        table=make_table(
            [
                hazard_row("HA-0001", square(46.20, 40.01)),
                hazard_row("HA-0002", square(46.21, 40.01)) | values,
            ]
        )
    )
    assert [str(e) for e in report.errors] == [message]
    assert not HazardArea.objects.exists()


def test_releases_accumulate_until_the_hazard_area_is_released(zar_hazards, import_activities):
    area = HazardArea.objects.get(code="HA-0001").area_m2
    import_activities(
        activity_row(
            "A1", "HA-0001", method="non_technical_survey", cancelled_m2=str(round(area * 0.4))
        )
    )
    hazard = HazardArea.objects.get(code="HA-0001")
    assert (hazard.status, hazard.released_share) == ("in_progress", pytest.approx(0.4, abs=0.01))
    import_activities(activity_row("A2", "HA-0001", cleared_m2=f"{area - round(area * 0.4):.2f}"))
    assert HazardArea.objects.get(code="HA-0001").status == "released"


def test_a_release_larger_than_the_hazard_area_is_refused(zar_hazards, import_activities):
    area = HazardArea.objects.get(code="HA-0001").area_m2
    import_activities(activity_row("A1", "HA-0001", cleared_m2=str(round(area * 0.7))))
    report = landrelease_import(
        table=make_table([activity_row("A2", "HA-0001", cleared_m2=str(round(area * 0.5)))])
    )
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith("row 2, cleared_m2: HA-0001 would have ")
    assert "more than its area of 37," in str(report.errors[0])
    assert LandReleaseActivity.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"hazard_area": "HA-9999"},
            "row 2, hazard_area: no hazard area 'HA-9999'; import it first",
        ),
        (
            {"method": "non_technical_survey", "cleared_m2": "10"},
            "row 2, cleared_m2: a non technical survey does not record cleared area",
        ),
        ({"end_date": "2024-03-01"}, "row 2, end_date: 2024-03-01 is before the start, 2024-04-01"),
        ({"end_date": ""}, "row 2, end_date: a completed activity needs its end date"),
        ({"cleared_m2": "-5"}, "row 2, cleared_m2: must be at least 0 (got -5)"),
        (
            {"start_date": "2999-01-01", "end_date": ""},
            "row 2, start_date: 2999-01-01 is in the future",
        ),
    ],
)
def test_a_bad_activity_row_is_refused_with_its_reason(zar_hazards, values, message):
    report = landrelease_import(table=make_table([activity_row("A1", "HA-0001", **values)]))
    assert message in [str(e) for e in report.errors]
    assert not LandReleaseActivity.objects.exists()


def test_releasing_the_last_open_hazard_area_makes_the_settlement_land_ready(
    places, zar_hazards, import_activities
):
    area = HazardArea.objects.get(code="HA-0002").area_m2
    import_activities(
        activity_row(
            "A1", "HA-0001", cleared_m2=str(HazardArea.objects.get(code="HA-0001").area_m2)
        )
    )
    import_activities(
        activity_row(
            "A2", "HA-0002", status="ongoing", end_date="", cleared_m2=str(math.ceil(area * 0.6))
        )
    )
    before = settlement_land_readiness(places.zar)
    assert not before.ready
    assert [r.text for r in before.reasons] == ["HA-0002, 3.8 ha, clearance 60 % done"]
    assert "HA-0900" not in before.verdict.hazards  # far away: not in the 1 km zone
    import_activities(
        activity_row(
            "A2", "HA-0002", cleared_m2=str(area), handover_date="2024-07-05", certificate="C-7"
        )
    )
    after = settlement_land_readiness(places.zar)
    assert after.ready
    assert [a.reference for a in after.releases] == ["A1", "A2"]


def test_a_hazard_area_the_source_ties_to_a_settlement_counts_even_when_far(places, zar_hazards):
    hazards_import(table=make_table([hazard_row("HA-0900", square(46.3, 40.1), settlements="Zar")]))
    assert "HA-0900" in settlement_land_readiness(places.zar).verdict.blocking


def test_device_reports_need_the_weeks_monday(places):
    row = {
        "reference": "W1",
        "district": "Kalbajar",
        "week": "2025-09-24",
        "ap_mines": "3",
        "at_mines": "1",
        "uxo": "40",
        "axo": "0",
        "source": "weekly",
    }
    report = devices_import(table=make_table([row]))
    assert [str(e) for e in report.errors] == [
        "row 2, week: 2025-09-24 is a Wednesday; give the week's Monday, 2025-09-22"
    ]
    report = devices_import(table=make_table([row | {"week": "2025-09-22", "uxo": "1,661"}]))
    assert report.ok
    assert DeviceReport.objects.get().uxo == 1661


def test_a_devices_file_inserts_its_new_reports_together_each_with_its_history(
    places, django_assert_max_num_queries
):
    def week(reference: str, uxo: str) -> dict:
        return {"reference": reference, "district": "Kalbajar", "week": "2025-09-22", "uxo": uxo}

    assert devices_import(table=make_table([week("W1", "1")])).ok
    rows = [week("W1", "2")] + [week(f"W{n}", "5") for n in range(2, 60)]
    with django_assert_max_num_queries(30):  # not a query or more per new report
        report = devices_import(table=make_table(rows))
    assert (report.created, report.updated) == (58, 1)
    assert DeviceReport.objects.get(reference="W1").uxo == 2
    assert DeviceReport.objects.filter(uxo=5).count() == 58
    history = DeviceReport.history.filter(reference="W59").get()
    assert (history.history_type, history.history_change_reason) == ("+", "import devices test.csv")
    assert DeviceReport.history.filter(reference="W1").count() == 2


def test_device_counts_are_whole_numbers(places):
    report = devices_import(
        table=make_table(
            [{"reference": "W1", "district": "Kalbajar", "week": "2025-09-22", "ap_mines": "2.5"}]
        )
    )
    assert [str(e) for e in report.errors] == ["row 2, ap_mines: must be a whole number (got 2.5)"]


def victim(accident: str, **values) -> dict:
    row = {
        "accident": accident,
        "date": "2023-05-02",
        "district": "Kalbajar",
        "settlement": "Zar",
        "device": "ap_mine",
        "outcome": "injured",
        "group": "civilian",
        "age_group": "adult",
        "sex": "male",
        "source": "test",
    }
    return row | values


def test_casualty_rows_group_into_accidents_and_a_new_file_replaces_the_victims(places):
    assert casualties_import(
        table=make_table(
            [
                victim("ACC-1"),
                victim("ACC-1", outcome="killed"),
                victim("ACC-2", district="Khojaly", settlement=""),
            ]
        )
    ).ok
    assert {a.reference: a.victims.count() for a in Accident.objects.all()} == {
        "ACC-1": 2,
        "ACC-2": 1,
    }
    assert casualties_import(table=make_table([victim("ACC-1")])).ok
    assert Accident.objects.get(reference="ACC-1").victims.count() == 1


def test_rows_of_one_accident_must_agree(places):
    report = casualties_import(
        table=make_table([victim("ACC-1"), victim("ACC-1", date="2023-05-03")])
    )
    assert [str(e) for e in report.errors] == [
        "row 3, date: differs from row 2 of accident ACC-1 (2023-05-02)"
    ]
    assert not Accident.objects.exists()
