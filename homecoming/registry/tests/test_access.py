"""A Kalbajar officer cannot reach a Khojaly household by any route."""

from __future__ import annotations

import pytest

from homecoming.accounts.access import district_scope
from homecoming.accounts.models import Role
from homecoming.registry.selectors import household_get_for_user, household_list_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_households(places, make_household):
    return (
        make_household(places.zar, ("Elvin", "Məmmədov")),
        make_household(places.ballija, ("Aygün", "Əliyeva")),
    )


def test_the_list_helper_applies_the_district_scope(kalbajar_officer, two_households):
    zar_household, _ = two_households
    assert list(household_list_for_user(kalbajar_officer)) == [zar_household]


def test_the_get_helper_treats_another_district_as_missing(kalbajar_officer, two_households):
    from django.http import Http404

    _, ballija_household = two_households
    with pytest.raises(Http404):
        household_get_for_user(kalbajar_officer, ballija_household.pk)


def test_it_rejects_an_officer_from_another_district_on_every_route(
    client_for, api_for, kalbajar_officer, two_households
):
    zar_household, ballija_household = two_households
    client, api = client_for(kalbajar_officer), api_for(kalbajar_officer)
    assert client.get(f"/registry/households/{ballija_household.pk}/").status_code == 404
    assert api.get(f"/api/registry/households/{ballija_household.pk}/").status_code == 404
    page = client.get("/registry/households/").content.decode()
    assert zar_household.reference in page
    assert ballija_household.reference not in page
    searched = client.get("/registry/households/", {"q": "Əliyeva"}).context["page"]
    assert list(searched) == []
    api_list = api.get("/api/registry/households/", {"q": ballija_household.reference}).json()
    assert api_list["count"] == 0
    export = b"".join(client.get("/registry/households/export.csv").streaming_content).decode()
    assert zar_household.reference in export
    assert ballija_household.reference not in export


def test_guessing_an_id_that_does_not_exist_looks_the_same_as_another_district(
    client_for, kalbajar_officer, two_households
):
    assert client_for(kalbajar_officer).get("/registry/households/999999/").status_code == 404


def test_an_officer_without_a_district_sees_no_household(make_user, two_households):
    officer = make_user("new-officer", Role.REGISTRATION_OFFICER)
    assert district_scope(officer) == frozenset()
    assert household_list_for_user(officer).count() == 0


def test_a_planner_works_nationally(planner, two_households):
    assert district_scope(planner) is None
    assert household_list_for_user(planner).count() == 2


@pytest.mark.parametrize("route", ["/registry/households/", "/registry/households/export.csv"])
def test_roles_without_personal_data_access_are_refused(client_for, viewer, two_households, route):
    assert client_for(viewer).get(route).status_code == 403


def test_the_api_refuses_a_viewer_with_403(api_for, viewer, two_households):
    response = api_for(viewer).get("/api/registry/households/")
    assert response.status_code == 403
    assert "household.view" in response.json()["detail"]


def test_an_auditor_reads_but_may_not_export(client_for, auditor, two_households):
    client = client_for(auditor)
    assert client.get("/registry/households/").status_code == 200
    assert client.get("/registry/households/export.csv").status_code == 403


def test_a_disabled_account_is_refused(client_for, kalbajar_officer, two_households):
    client = client_for(kalbajar_officer)
    kalbajar_officer.is_active = False
    kalbajar_officer.save(update_fields=["is_active"])
    assert client.get("/registry/households/").status_code == 302
