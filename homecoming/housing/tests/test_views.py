from __future__ import annotations

import pytest

from homecoming.housing.models import HousingUnit

pytestmark = pytest.mark.django_db


def test_the_settlement_page_shows_the_readiness_checklist(client_for, viewer, places, zar_housing):
    body = client_for(viewer).get(f"/places/settlements/{places.zar.code}/").content.decode()
    assert "Households cannot return here yet." in body
    assert "commissioned on 2025-05-01" in body
    assert "1 × 2 rooms, 1 × 3 rooms, 1 × 4 rooms" in body


def test_the_housing_table_filters_by_rooms_and_step_free(client_for, viewer, places, zar_housing):
    client = client_for(viewer)
    url = f"/housing/settlements/{places.zar.code}/"
    assert [u.number for u in client.get(url).context["page"]] == ["1", "2", "3"]
    assert [u.number for u in client.get(url, {"rooms": "4"}).context["page"]] == ["3"]
    fragment = client.get(url, {"step_free": "yes"}, HTTP_HX_REQUEST="true")
    assert [u.number for u in fragment.context["page"]] == ["1", "2"]
    assert "<html" not in fragment.content.decode()


def test_the_filters_offer_only_the_sectors_and_room_counts_that_have_data(
    client_for, viewer, places, zar_housing
):
    client = client_for(viewer)
    projects = client.get("/housing/projects/")
    assert [value for value, _ in projects.context["sectors"]] == ["housing"]
    assert len(client.get("/housing/projects/", {"sector": "gas"}).context["page"]) == 1
    units = client.get(f"/housing/settlements/{places.zar.code}/")
    assert units.context["rooms"] == ["2", "3", "4"]


def test_the_overview_charts_budgets_and_the_funnel(client_for, viewer, places, zar_housing):
    response = client_for(viewer).get("/housing/")
    charts = response.context["charts"]
    assert charts["finance-district-chart"]["data"][0] == {
        "type": "bar",
        "name": "budget",
        "x": ["Kalbajar"],
        "y": [1.0],
        "marker": {"color": "#1d4e89"},
    }
    assert charts["funnel-chart"]["data"][0]["x"] == [0, 0, 3, 0, 0]
    assert response.context["funnel"]["Kalbajar"]["ready"] == HousingUnit.objects.count()


def test_the_project_page_shows_progress_and_site_warnings(client_for, viewer, zar_housing):
    response = client_for(viewer).get("/housing/projects/P-1/")
    assert response.context["progress_chart"]["data"][0]["y"] == [100]
    assert response.context["warnings"] == []
    assert client_for(viewer).get("/housing/projects/NOPE/").status_code == 404


def test_the_api_gives_units_projects_and_readiness(api_for, viewer, places, zar_housing):
    api = api_for(viewer)
    units = api.get("/api/housing/units/", {"settlement": places.zar.code, "rooms": 3}).json()
    assert [u["number"] for u in units["results"]] == ["1"]
    assert api.get("/api/housing/units/", {"rooms": "many"}).status_code == 400
    assert api.get("/api/housing/projects/", {"sector": "housing"}).json()["count"] == 1
    readiness = api.get(f"/api/housing/settlements/{places.zar.code}/readiness/").json()
    assert (readiness["ready"], readiness["available_units"]) == (False, 3)
    assert readiness["units_by_rooms"] == {"2": 1, "3": 1, "4": 1}
    assert [s["service"] for s in readiness["services"] if not s["ok"]] == ["clinic"]
    assert api.get("/api/housing/settlements/AZ999/readiness/").status_code == 404
