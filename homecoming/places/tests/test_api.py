from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from homecoming.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_an_anonymous_api_call_is_401(places):
    response = APIClient().get("/api/places/settlements/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_authenticates(viewer, places):
    client = APIClient()
    _token, key = api_token_create(user=viewer, name="test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/places/settlements/").status_code == 200


def test_settlements_are_paginated_and_filtered(api_for, viewer, places):
    client = api_for(viewer)
    page = client.get("/api/places/settlements/", {"page_size": 2}).json()
    assert (page["count"], len(page["results"]), page["next"] is not None) == (3, 2, True)
    found = client.get("/api/places/settlements/", {"q": "kəlbəcər", "kind": "city"}).json()
    assert [s["code"] for s in found["results"]] == ["AZ0101001"]
    assert found["results"][0]["district"] == "AZ0101"


def test_areas_filter_by_level_and_parent(api_for, viewer, places):
    data = api_for(viewer).get("/api/places/areas/", {"level": "district", "parent": "AZ01"}).json()
    assert [(a["code"], a["name_az"]) for a in data["results"]] == [("AZ0101", "Kəlbəcər")]


def test_one_settlement_by_code(api_for, viewer, places):
    data = api_for(viewer).get(f"/api/places/settlements/{places.zar.code}/").json()
    assert (data["name"], data["coordinates_approximate"], data["lat"]) == (
        "Zar",
        True,
        "40.010000",
    )


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/api/places/settlements/?kind=hamlet", 400, "is not a valid choice"),
        ("/api/places/areas/?level=galaxy", 400, "is not a valid choice"),
        ("/api/places/settlements/?page=abc", 404, "Invalid page"),
        ("/api/places/settlements/?page=99", 404, "Invalid page"),
        ("/api/places/settlements/?q=" + "x" * 101, 400, "no more than 100 characters"),
        ("/api/places/settlements/NOPE/", 404, "No settlement with this code"),
    ],
)
def test_malformed_requests_get_a_clear_4xx(api_for, viewer, places, url, status, text):
    response = api_for(viewer).get(url)
    assert response.status_code == status
    assert text in str(response.json())


def test_the_openapi_schema_describes_the_endpoints(client_for, viewer):
    schema = (
        client_for(viewer)
        .get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    assert {
        "/api/places/settlements/",
        "/api/places/areas/",
        "/api/registry/households/{household_id}/",
    } <= set(schema["paths"])
    names = [p["name"] for p in schema["paths"]["/api/places/settlements/"]["get"]["parameters"]]
    assert {"q", "district", "kind", "page"} <= set(names)
