from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homecoming.accounts.models import AccessLog, Role
from homecoming.registry.models import Household
from homecoming.registry.services import change_request_create
from homecoming.site import views as site_views

pytestmark = pytest.mark.django_db


def test_search_finds_a_member_by_an_ascii_spelling(client_for, planner, places, make_household):
    household = make_household(places.zar, ("Elvin", "Məmmədov"), ("Aygün", "Məmmədova"))
    make_household(places.ballija, ("Rəşad", "Quliyev"))
    page = (
        client_for(planner).get("/registry/households/", {"q": "aygun memmedova"}).context["page"]
    )
    assert [h.reference for h in page] == [household.reference]
    assert page.households[0].size == 2


@pytest.mark.parametrize("spelling", ["Məmmədov", "Mammadov", "Mamedov", "Мамедов", "MAMEDOVA"])
def test_search_finds_a_family_name_in_any_script_or_transliteration(
    client_for, planner, places, make_household, spelling
):
    latin = make_household(places.zar, ("Elvin", "Məmmədov"))
    cyrillic = make_household(places.zar, ("Айгюн", "Мамедова"))
    english = make_household(places.ballija, ("Rashad", "Mammadov"))
    make_household(places.ballija, ("Rəşad", "Məhəmmədov"))  # a different surname
    page = client_for(planner).get("/registry/households/", {"q": spelling}).context["page"]
    assert {h.reference for h in page} == {h.reference for h in (latin, cyrillic, english)}


def test_search_by_given_and_family_name_across_scripts(
    client_for, planner, places, make_household
):
    household = make_household(places.zar, ("Əli", "Hüseynov"), ("Aygün", "Hüseynova"))
    make_household(places.zar, ("Əli", "Quliyev"))
    page = client_for(planner).get("/registry/households/", {"q": "Али Гусейнов"}).context["page"]
    assert [h.reference for h in page] == [household.reference]


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


def test_an_officer_registers_a_household_through_the_form(client_for, kalbajar_officer, places):
    from homecoming.registry.models import Household

    client = client_for(kalbajar_officer)
    form = client.get("/registry/households/new/").context["form"]
    assert [s.name for s in form.fields["origin_settlement"].queryset] == ["Kalbajar city", "Zar"]
    data = {
        "origin_settlement": places.zar.code,
        "accommodation": "hostel",
        "members-TOTAL_FORMS": "4",
        "members-INITIAL_FORMS": "0",
        "members-0-relation": "head",
        "members-0-given_name": "Elvin",
        "members-0-family_name": "Məmmədov",
        "members-0-sex": "male",
        "members-0-birth_date": "1975-03-02",
        "members-0-document_type": "id_card",
        "members-0-document_number": "aze7654321",
        "members-1-relation": "child",
        "members-1-given_name": "Nicat",
        "members-1-family_name": "Mamedov",
        "members-1-sex": "male",
    }
    response = client.post("/registry/households/new/", data)
    household = Household.objects.get()
    assert response["Location"] == f"/registry/households/{household.pk}/"
    assert household.members.count() == 2
    data["members-1-birth_date"] = "2999-01-01"
    again = client.post("/registry/households/new/", data)
    assert "This date is in the future." in again.content.decode()


def test_a_second_officer_approves_a_change_from_the_queue(
    client_for, kalbajar_officer, make_user, places, make_household
):
    from homecoming.accounts.models import Role

    household = make_household(places.zar)
    client_for(kalbajar_officer).post(
        f"/registry/households/{household.pk}/change-origin/",
        {"origin_settlement": places.kalbajar_city.code, "reason": "papers"},
    )
    second = client_for(make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,)))
    pending = second.get("/registry/changes/").context["pending"]
    assert [c.household for c in pending] == [household]
    queue = second.get("/registry/changes/").content.decode()
    assert "{&#x27;" not in queue  # the proposal is not shown as a Python dict
    assert "Kalbajar city (Kalbajar)" in queue
    second.post(f"/registry/changes/{pending[0].pk}/decide/", {"approve": "1"})
    household.refresh_from_db()
    assert household.origin_settlement == places.kalbajar_city
    body = second.get(f"/registry/households/{household.pk}/").content.decode()
    assert "Change of origin approved" in body


def test_actions_on_another_districts_household_are_404(
    client_for, khojaly_officer, places, make_household
):
    household = make_household(places.zar)
    client = client_for(khojaly_officer)
    for action in ("verify", "withdraw", "intention", "consent", "change-origin", "edit"):
        assert (
            client.post(
                f"/registry/households/{household.pk}/{action}/", {"reason": "x"}
            ).status_code
            == 404
        )
    household.refresh_from_db()
    assert household.status == "registered"


def test_a_viewer_cannot_register(client_for, viewer, places):
    assert client_for(viewer).get("/registry/households/new/").status_code == 403


@pytest.mark.django_db(transaction=True)  # the failed query must not abort the test's own
def test_an_export_whose_search_fails_answers_an_error_before_streaming_and_logs_nothing(
    client_for, planner, places, make_household, monkeypatch
):
    make_household(places.zar)
    failing = Household.objects.extra(where=["no_such_column = 1"])  # noqa: S610 (a test's own)
    monkeypatch.setattr(site_views, "household_search", lambda households, **filters: failing)
    client = client_for(planner)
    client.raise_request_exception = False
    response = client.get("/registry/households/export.csv", {"q": "Elvin"})
    assert response.status_code == 500
    assert not response.streaming
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_withdrawing_asks_for_confirmation_and_says_the_household_is_withdrawn(
    client_for, kalbajar_officer, places, make_household
):
    household = make_household(places.zar)
    client = client_for(kalbajar_officer)
    page = client.get(f"/registry/households/{household.pk}/withdraw/").content.decode()
    assert f"Withdraw household {household.reference}?" in page
    assert "No home is allocated to it while it is withdrawn." in page
    household.refresh_from_db()
    assert household.status == "registered"  # opening the page withdraws nothing
    response = client.post(
        f"/registry/households/{household.pk}/withdraw/", {"reason": "abroad"}, follow=True
    )
    assert "Household withdrawn." in response.content.decode()
    assert "Saved." not in response.content.decode()
    household.refresh_from_db()
    assert household.status == "withdrawn"


def test_the_phone_is_shown_and_edited_on_its_own_page(
    client_for, kalbajar_officer, places, make_household
):
    household = make_household(places.zar)
    client = client_for(kalbajar_officer)
    response = client.post(
        f"/registry/households/{household.pk}/edit/",
        {"phone": "+994 50 123 45 67", "accommodation": "rented"},
        follow=True,
    )
    body = response.content.decode()
    assert '<dd id="household-phone">+994 50 123 45 67</dd>' in body
    assert "Household details changed" in body


def test_a_planner_sees_no_edit_link_and_cannot_open_an_edit_page(
    client_for, planner, places, make_household
):
    household = make_household(places.zar)
    client = client_for(planner)
    body = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert f"/registry/households/{household.pk}/edit/" not in body
    assert client.get(f"/registry/households/{household.pk}/edit/").status_code == 403


def test_the_change_queue_reads_the_same_number_of_times_however_long_it_is(
    places, make_household, kalbajar_officer, make_user, client_for
):
    def propose(n: int) -> None:
        for _ in range(n):
            household = make_household(places.zar)
            change_request_create(
                household=household,
                by=kalbajar_officer,
                part="membership",
                proposed={
                    "end": [{"member": household.members.first().pk, "left_reason": "left"}],
                    "add": [
                        {"relation": "head", "given_name": "Orxan", "family_name": "Əliyev",
                         "sex": "male"}
                    ],
                },
                reason="the head left",
            )  # fmt: skip

    client = client_for(make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,)))
    propose(2)
    client.get("/registry/changes/")  # the session and the user, read once
    with CaptureQueriesContext(connection) as short:
        client.get("/registry/changes/")
    propose(6)
    with CaptureQueriesContext(connection) as long:
        page = client.get("/registry/changes/")
    assert page.content.decode().count('name="approve"') == 2 * 8  # approve and reject each
    assert len(long) == len(short)
