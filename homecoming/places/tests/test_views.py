from __future__ import annotations

import pytest

from conftest import make_table
from homecoming.places.services import places_import

pytestmark = pytest.mark.django_db


def test_pages_ask_an_anonymous_visitor_to_sign_in(client, places):
    response = client.get("/places/settlements/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/places/settlements/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kelbecer", ["Kalbajar city"]),
        ("KƏLBƏCƏR", ["Kalbajar city"]),
        ("ballıca", ["Ballija"]),
        ("az0101002", ["Zar"]),
        ("", ["Kalbajar city", "Zar", "Ballija"]),
    ],
)
def test_the_settlement_list_finds_names_in_any_spelling(
    client_for, viewer, places, query, expected
):
    response = client_for(viewer).get("/places/settlements/", {"q": query})
    assert [s.name for s in response.context["page"]] == expected


def test_the_settlement_list_filters_by_district_and_kind(client_for, viewer, places):
    client = client_for(viewer)
    by_district = client.get("/places/settlements/", {"district": places.khojaly.code})
    assert [s.name for s in by_district.context["page"]] == ["Ballija"]
    by_kind = client.get("/places/settlements/", {"kind": "city"})
    assert [s.name for s in by_kind.context["page"]] == ["Kalbajar city"]


def test_an_htmx_request_gets_only_the_rows(client_for, viewer, places):
    response = client_for(viewer).get("/places/settlements/", {"q": "zar"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert 'href="/places/settlements/AZ0101002/"' in body


def test_the_map_feed_is_geojson_with_the_approximate_flag(client_for, viewer, places):
    data = (
        client_for(viewer)
        .get("/places/settlements.geojson", {"district": places.kalbajar.code})
        .json()
    )
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert sorted(by_name) == ["Kalbajar city", "Zar"]
    assert by_name["Zar"]["geometry"] == {"type": "Point", "coordinates": [46.2, 40.01]}
    assert by_name["Zar"]["properties"]["approximate"] is True


def test_the_map_feed_names_the_district_in_the_language_of_the_page(client_for, viewer, places):
    client = client_for(viewer)
    client.post("/i18n/setlang/", {"language": "az", "next": "/places/map/"})
    data = client.get("/places/settlements.geojson", {"district": places.kalbajar.code}).json()
    assert {f["properties"]["district"] for f in data["features"]} == {"Kəlbəcər"}


def test_the_filters_offer_only_districts_and_kinds_that_some_settlement_has(
    client_for, viewer, places
):
    empty = {"kind": "district", "name": "Lachin", "name_az": "Laçın", "parent": "East Zangezur"}
    assert places_import(table=make_table([empty])).ok
    for url in ("/places/settlements/", "/places/map/"):
        form = client_for(viewer).get(url).context["form"]
        districts = [d.name for d in form.fields["district"].queryset]
        assert districts == ["Kalbajar", "Khojaly"]
        assert [value for value, _ in form.fields["kind"].choices] == ["", "city", "village"]
