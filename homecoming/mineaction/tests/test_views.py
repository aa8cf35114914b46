from __future__ import annotations

import json

import pytest

from conftest import make_table
from homecoming.accounts.models import Role
from homecoming.core.disclosure import HIDDEN
from homecoming.mineaction.services import casualties_import, devices_import, hazards_import
from homecoming.mineaction.tests.fixtures import activity_row, hazard_row, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def khojaly_hazard(places):
    assert hazards_import(
        table=make_table([hazard_row("HA-0500", square(46.67, 39.98), district="Khojaly")])
    ).ok


def test_the_settlement_page_says_why_the_land_is_not_ready(
    client_for, viewer, places, zar_hazards, import_activities
):
    import_activities(
        activity_row(
            "A1",
            "HA-0001",
            method="technical_survey",
            status="ongoing",
            end_date="",
            reduced_m2="10000",
        )
    )
    response = client_for(viewer).get(f"/places/settlements/{places.zar.code}/")
    body = response.content.decode()
    assert "Land not ready: 2 hazard areas around the settlement are not released." in body
    assert "HA-0001, 3.8 ha, technical survey 26 % done" in body
    assert "HA-0002, 3.8 ha, no land-release activity yet" in body
    statuses = {
        f["properties"]["code"]: f["properties"].get("status")
        for f in response.context["geojson"]["features"]
    }
    assert statuses["HA-0001"] == "in_progress"


def test_the_overview_draws_four_charts_from_the_records(
    client_for, viewer, make_user, places, zar_hazards, import_activities
):
    import_activities(activity_row("A1", "HA-0001", cleared_m2="20000"))
    devices_import(
        table=make_table(
            [{"reference": "W1", "district": "Kalbajar", "week": "2025-09-22", "uxo": "1661"}]
        )
    )
    casualties_import(
        table=make_table(
            [
                {
                    "accident": "ACC-1",
                    "date": "2023-05-02",
                    "district": "Kalbajar",
                    "device": "ap_mine",
                    "outcome": "killed",
                    "group": "civilian",
                    "age_group": "adult",
                    "sex": "male",
                }
            ]
        )
    )
    response = client_for(viewer).get("/mineaction/")
    charts = response.context["charts"]
    assert charts["released-chart"]["data"][0]["y"] == [2.0]
    assert charts["released-chart"]["data"][0]["x"] == ["2024-06"]
    assert charts["devices-chart"]["data"][2]["y"] == [1661]
    # One person killed: hidden from a viewer, shown to who may see casualties.
    assert charts["casualties-chart"]["data"][0]["y"] == [None]
    assert charts["casualties-chart"]["data"][0]["text"] == [HIDDEN]
    manager = make_user("mam", Role.MINE_ACTION)
    exact = client_for(manager).get("/mineaction/").context["charts"]["casualties-chart"]
    assert exact["data"][0]["y"] == [1]
    assert [name for name in charts["open-chart"]["data"][0]["y"]] == ["Kalbajar"]
    assert 'id="released-chart"' in response.content.decode()


def test_the_hazard_map_feed_has_polygons_and_settlements(client_for, viewer, places, zar_hazards):
    data = (
        client_for(viewer)
        .get("/mineaction/hazard-areas.geojson", {"district": places.kalbajar.code})
        .json()
    )
    kinds = sorted(f["properties"]["kind"] for f in data["features"])
    assert kinds == ["hazard"] * 3 + ["settlement"] * 2


def test_a_scoped_user_sees_only_their_districts_hazard_areas(
    make_user, client_for, api_for, places, zar_hazards, khojaly_hazard
):
    manager = make_user("mam-khojaly", Role.MINE_ACTION, (places.khojaly,))
    api = api_for(manager).get("/api/mineaction/hazard-areas/").json()
    assert [h["code"] for h in api["results"]] == ["HA-0500"]
    assert client_for(manager).get("/mineaction/hazard-areas/HA-0001/").status_code == 404
    assert client_for(manager).get("/mineaction/hazard-areas/HA-0500/").status_code == 200


def test_the_casualties_api_gives_aggregates_only(api_for, make_user, viewer, places):
    casualties_import(
        table=make_table(
            [
                {
                    "accident": f"ACC-{i}",
                    "date": "2023-05-02",
                    "district": "Kalbajar",
                    "device": "uxo",
                    "outcome": outcome,
                    "group": "civilian",
                    "age_group": "child",
                    "sex": "female",
                }
                for i, outcome in enumerate(["killed", "injured", "injured"])
            ]
        )
    )
    manager = make_user("mam", Role.MINE_ACTION)
    data = api_for(manager).get("/api/mineaction/casualties/").json()
    assert data == [{"year": 2023, "district": "AZ0101", "killed": 1, "injured": 2}]
    assert "sex" not in json.dumps(data)
    hidden = api_for(viewer).get("/api/mineaction/casualties/").json()
    assert hidden == [{"year": 2023, "district": "AZ0101", "killed": None, "injured": None}]


def test_the_api_lists_activities_and_device_reports_and_rejects_bad_filters(
    api_for, viewer, places, zar_hazards, import_activities
):
    import_activities(activity_row("A1", "HA-0001", cleared_m2="1000"))
    api = api_for(viewer)
    assert [a["reference"] for a in api.get("/api/mineaction/activities/").json()["results"]] == [
        "A1"
    ]
    assert api.get("/api/mineaction/device-reports/").json()["count"] == 0
    response = api.get("/api/mineaction/hazard-areas/", {"status": "gone"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_the_hazard_map_feed_names_the_district_in_the_language_of_the_page(
    client_for, viewer, places, zar_hazards
):
    client = client_for(viewer)
    client.post("/i18n/setlang/", {"language": "az", "next": "/mineaction/map/"})
    data = client.get("/mineaction/hazard-areas.geojson", {"district": places.kalbajar.code}).json()
    assert {f["properties"]["district"] for f in data["features"]} == {"Kəlbəcər"}


def test_the_hazard_map_offers_the_districts_where_the_user_sees_a_hazard_area(
    make_user, client_for, viewer, places, zar_hazards
):
    form = client_for(viewer).get("/mineaction/map/").context["form"]
    assert [d.name for d in form.fields["district"].queryset] == ["Kalbajar"]
    khojaly = make_user("kh", Role.MINE_ACTION, (places.khojaly,))
    form = client_for(khojaly).get("/mineaction/map/").context["form"]
    assert list(form.fields["district"].queryset) == []
