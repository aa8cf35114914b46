"""The settlement and area pages, which show what the domains know about a place: households
within the user's districts, land readiness and hazard areas, figures; and the page frame."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_settlement_page_shows_names_district_and_approximate_position(
    client_for, viewer, places
):
    response = client_for(viewer).get(f"/places/settlements/{places.zar.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kalbajar" in body
    assert "approximate" in body
    assert response.context["households"] is None  # a viewer sees no personal data


def test_the_settlement_page_counts_households_within_the_officers_scope(
    client_for, kalbajar_officer, places, make_household
):
    make_household(places.zar)
    make_household(places.zar)
    response = client_for(kalbajar_officer).get(f"/places/settlements/{places.zar.code}/")
    assert response.context["households"] == 2


def test_an_unknown_settlement_is_404(client_for, viewer, places):
    assert client_for(viewer).get("/places/settlements/AZ9999999/").status_code == 404


def test_the_language_switch_translates_the_shell_and_place_names(client_for, viewer, places):
    client = client_for(viewer)
    client.post("/i18n/setlang/", {"language": "az", "next": "/places/settlements/"})
    body = client.get(f"/places/settlements/{places.ballija.code}/").content.decode()
    assert "Yaşayış məntəqələri" in body  # "Settlements" in the navigation
    assert "<h1>Ballıca" in body


def _hazards_linked(page) -> dict[str, bool]:
    features = page.context["geojson"]["features"]
    return {
        f["properties"]["code"]: f["properties"]["linked"]
        for f in features
        if f["properties"]["kind"] == "hazard"
    }


def test_a_hazard_area_outside_the_officers_districts_is_shown_but_not_linked(
    client_for, khojaly_officer, kalbajar_officer, places, zar_hazards
):
    page = client_for(khojaly_officer).get(f"/places/settlements/{places.zar.code}/")
    assert _hazards_linked(page) == {"HA-0001": False, "HA-0002": False}
    assert "/mineaction/hazard-areas/HA-0001/" not in page.content.decode()
    assert "HA-0001" in page.content.decode()
    page = client_for(kalbajar_officer).get(f"/places/settlements/{places.zar.code}/")
    assert _hazards_linked(page) == {"HA-0001": True, "HA-0002": True}
    assert "/mineaction/hazard-areas/HA-0001/" in page.content.decode()
