"""Field apps register households and propose changes through the API, by the same forms
and services as the pages."""

from __future__ import annotations

import pytest

from homecoming.registry.models import ChangeRequest, Household

pytestmark = pytest.mark.django_db
URL = "/api/registry/households/"


def family(settlement: str) -> dict:
    return {
        "origin_settlement": settlement,
        "origin_address": "Zar, house 3",
        "displaced_on": "1993-04-02",
        "accommodation": "dormitory",
        "members": [
            {
                "relation": "head",
                "given_name": "Elnur",
                "family_name": "Məmmədov",
                "sex": "male",
                "birth_date": "1975-03-01",
                "document_type": "id_card",
                "document_number": "aze1234567",
            },
            {
                "relation": "child",
                "given_name": "Leyla",
                "family_name": "Məmmədova",
                "sex": "female",
                "birth_date": "2010-09-15",
            },
        ],
    }


def test_an_officer_registers_a_household_through_the_api(places, kalbajar_officer, api_for):
    response = api_for(kalbajar_officer).post(URL, family(places.zar.code), format="json")
    assert response.status_code == 201, response.json()
    household = Household.objects.get()
    assert response.json()["reference"] == household.reference
    assert (household.source, household.members.count()) == ("api", 2)
    assert household.members.get(relation="head").documents.get().number == "AZE1234567"


def test_bad_input_gets_a_400_with_the_forms_errors_by_field(places, kalbajar_officer, api_for):
    data = family(places.zar.code)
    data["members"][1]["given_name"] = "Lеyla"  # a Cyrillic е in a Latin word
    data["members"][0]["birth_date"] = "2999-01-01"
    response = api_for(kalbajar_officer).post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json()["members"] == [
        {"birth_date": ["This date is in the future."]},
        {"given_name": ["Latin and Cyrillic letters are mixed in one word."]},
    ]
    assert not Household.objects.exists()


def test_a_household_outside_the_officers_districts_is_refused(places, kalbajar_officer, api_for):
    response = api_for(kalbajar_officer).post(URL, family(places.ballija.code), format="json")
    assert response.status_code == 400
    assert "origin_settlement" in response.json()


def test_two_heads_are_refused_as_on_the_page(places, kalbajar_officer, api_for):
    data = family(places.zar.code)
    data["members"][1]["relation"] = "head"
    response = api_for(kalbajar_officer).post(URL, data, format="json")
    assert response.status_code == 400
    assert "exactly one head" in response.json()["detail"]


def test_a_planner_may_not_register(places, planner, api_for):
    assert api_for(planner).post(URL, family(places.zar.code), format="json").status_code == 403


def test_an_officer_proposes_a_change_of_origin_through_the_api(
    places, kalbajar_officer, api_for, make_household
):
    household = make_household(places.zar, ("Aysel", "Quliyeva"))
    client = api_for(kalbajar_officer)
    url = f"{URL}{household.pk}/changes/"
    response = client.post(
        url,
        {"part": "origin", "origin_settlement": places.kalbajar_city.code, "reason": "Typo"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    change = ChangeRequest.objects.get()
    assert (change.part, change.proposed["origin_settlement"]) == (
        "origin",
        places.kalbajar_city.code,
    )
    refused = client.post(url, {"part": "origin", "origin_settlement": "nowhere", "reason": "x"})
    assert refused.status_code == 400
    assert "origin_settlement" in refused.json()


def test_a_change_to_a_household_of_another_district_is_404(
    places, khojaly_officer, api_for, make_household
):
    household = make_household(places.zar, ("Aysel", "Quliyeva"))
    response = api_for(khojaly_officer).post(
        f"{URL}{household.pk}/changes/",
        {"part": "origin", "origin_settlement": places.zar.code, "reason": "x"},
        format="json",
    )
    assert response.status_code == 404


def _propose(client, household: Household, **proposal):
    return client.post(f"{URL}{household.pk}/changes/", proposal, format="json")


def test_an_officer_proposes_the_end_of_a_membership_through_the_api(
    places, kalbajar_officer, api_for, make_household
):
    household = make_household(places.zar, ("Aysel", "Quliyeva"), ("Kamal", "Quliyev"))
    kamal = household.members.get(given_name="Kamal")
    response = _propose(
        api_for(kalbajar_officer),
        household,
        part="membership",
        member=kamal.pk,
        left_on="2025-02-01",
        left_reason="marriage",
        reason="Married in Baku",
    )
    assert response.status_code == 201, response.json()
    assert ChangeRequest.objects.get().proposed["end"] == [
        {"member": kamal.pk, "left_on": "2025-02-01", "left_reason": "marriage"}
    ]


def test_an_officer_proposes_a_newborn_through_the_api(
    places, kalbajar_officer, api_for, make_household
):
    household = make_household(places.zar, ("Aysel", "Quliyeva"))
    newborn = {
        "relation": "child",
        "given_name": "Nərmin",
        "family_name": "Quliyeva",
        "sex": "female",
        "birth_date": "2026-10-01",
        "joined_reason": "birth",
    }
    client = api_for(kalbajar_officer)
    response = _propose(client, household, part="new_member", reason="Born", **newborn)
    assert response.status_code == 201, response.json()
    (added,) = ChangeRequest.objects.get().proposed["add"]
    assert (added["given_name"], added["joined_on"]) == ("Nərmin", "2026-10-01")
    mixed = _propose(
        client, household, part="new_member", reason="x", **{**newborn, "given_name": "Nərмin"}
    )
    assert mixed.status_code == 400
    assert "given_name" in mixed.json()


def test_an_officer_proposes_a_document_through_the_api(
    places, kalbajar_officer, api_for, make_household
):
    household = make_household(places.zar, ("Aysel", "Quliyeva"))
    aysel = household.members.get()
    response = _propose(
        api_for(kalbajar_officer),
        household,
        part="document",
        member=aysel.pk,
        type="passport",
        number="C01234567",
        reason="New passport",
    )
    assert response.status_code == 201, response.json()
    (added,) = ChangeRequest.objects.get().proposed["add"]
    assert (added["member"], added["number"]) == (aysel.pk, "C01234567")


@pytest.mark.parametrize("part", ["membership", "document"])
def test_a_member_of_another_household_is_refused_by_field(
    places, kalbajar_officer, api_for, make_household, part
):
    household = make_household(places.zar, ("Aysel", "Quliyeva"))
    other = make_household(places.zar, ("Rauf", "Əliyev")).members.get()
    response = _propose(
        api_for(kalbajar_officer),
        household,
        part=part,
        member=other.pk,
        left_on="2025-02-01",
        left_reason="death",
        type="passport",
        number="C1",
        reason="x",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["member"]
    assert not ChangeRequest.objects.exists()
