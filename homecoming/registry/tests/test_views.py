from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_search_finds_a_member_by_an_ascii_spelling(client_for, planner, places, make_household):
    household = make_household(places.zar, ("Elvin", "Məmmədov"), ("Aygün", "Məmmədova"))
    make_household(places.ballija, ("Rəşad", "Quliyev"))
    page = (
        client_for(planner).get("/registry/households/", {"q": "aygun memmedova"}).context["page"]
    )
    assert [h.reference for h in page] == [household.reference]
    assert page[0].size == 2


def test_the_household_page_lists_members(client_for, planner, places, make_household):
    household = make_household(places.zar, ("Elvin", "Məmmədov"), ("Aygün", "Məmmədova"))
    body = client_for(planner).get(f"/registry/households/{household.pk}/").content.decode()
    assert "Aygün" in body
    assert "Zar" in body


def test_the_export_is_a_csv_file_of_the_filtered_list(client_for, planner, places, make_household):
    make_household(places.zar)
    make_household(places.ballija)
    response = client_for(planner).get(
        "/registry/households/export.csv", {"settlement": places.zar.code}
    )
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0].startswith("reference,origin_settlement_code")
    assert [row.split(",")[1] for row in rows[1:]] == [places.zar.code]
