from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from homecoming.accounts.models import Role
from homecoming.core.tests.threads import at_once, refusals
from homecoming.programmes.models import Phase, Programme
from homecoming.programmes.selectors import default_programme
from homecoming.programmes.services import programme_status_advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def great_return(places) -> Programme:
    programme = default_programme()
    programme.origin_areas.set([places.kalbajar])
    programme.destination_areas.set([places.kalbajar, places.khojaly])
    Phase.objects.create(
        programme=programme,
        name="First phase",
        starts_on=dt.date(2022, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    return programme


def test_the_list_shows_each_programme_with_its_phases_and_households(
    great_return, client_for, kalbajar_officer, make_household, places
):
    make_household(places.zar)
    response = client_for(kalbajar_officer).get(reverse("programmes:programme_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert great_return.name in page
    assert "Return of internally displaced people" in page
    assert "First phase" in page
    assert response.context["programmes"][0].enrolled == 1
    assert response.context["programmes"][0].returned == 0


def test_a_programmes_page_names_its_areas_with_their_country(great_return, client_for, planner):
    response = client_for(planner).get(
        reverse("programmes:programme_detail", args=[great_return.code])
    )
    page = response.content.decode()
    assert "Kalbajar, Azerbaijan" in page
    assert "Khojaly, Azerbaijan" in page
    assert "Active" in page


def test_a_viewer_may_not_see_the_programmes(client_for, viewer):
    assert client_for(viewer).get(reverse("programmes:programme_list")).status_code == 403


def test_an_officer_sees_no_link_to_change_a_programme_and_may_not_open_the_form(
    great_return, client_for, kalbajar_officer
):
    client = client_for(kalbajar_officer)
    page = client.get(reverse("programmes:programme_detail", args=[great_return.code]))
    assert (
        reverse("programmes:programme_edit", args=[great_return.code]) not in page.content.decode()
    )
    assert (
        client.get(reverse("programmes:programme_edit", args=[great_return.code])).status_code
        == 403
    )


def test_an_administrator_makes_a_programme_that_is_proposed(client_for, admin, places):
    response = client_for(admin).post(
        reverse("programmes:programme_create"),
        {
            "code": "concept",
            "name": "Concept of Return",
            "kind": "repatriation",
            "origin_areas": [places.kalbajar.pk],
        },
    )
    programme = Programme.objects.get(code="concept")
    assert response.url == reverse("programmes:programme_detail", args=["concept"])
    assert programme.status == Programme.Status.PROPOSED
    assert list(programme.origin_areas.all()) == [places.kalbajar]
    assert programme.history.first().history_user == admin


def test_a_phase_that_ends_before_it_starts_is_refused_in_words_and_nothing_typed_is_lost(
    great_return, client_for, admin
):
    response = client_for(admin).post(
        reverse("programmes:phase_create", args=[great_return.code]),
        {"name": "Second phase", "starts_on": "2027-01-01", "ends_on": "2026-01-01"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The phase ends before it starts" in page
    assert 'value="Second phase"' in page
    assert 'value="2027-01-01"' in page
    assert not great_return.phases.filter(name="Second phase").exists()


def test_an_administrator_changes_a_phase_and_the_history_keeps_who(
    great_return, client_for, admin
):
    phase = great_return.phases.get()
    response = client_for(admin).post(
        reverse("programmes:phase_edit", args=[great_return.code, phase.pk]),
        {"name": "First phase", "starts_on": "2022-01-01", "ends_on": "2025-12-31"},
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.ends_on == dt.date(2025, 12, 31)
    assert phase.history.first().history_user == admin


def test_a_programme_moves_from_proposed_to_active_to_closed_and_never_back(
    client_for, admin, make_user
):
    programme = Programme.objects.create(code="concept", name="Concept", kind="repatriation")
    client = client_for(admin)
    url = reverse("programmes:programme_status", args=["concept"])
    client.post(url, {"to": "closed"})
    programme.refresh_from_db()
    assert programme.status == "proposed"
    client.post(url, {"to": "active"})
    client.post(url, {"to": "closed"})
    programme.refresh_from_db()
    assert programme.status == "closed"
    response = client.post(url, {"to": "active"}, follow=True)
    assert "cannot become active" in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == "closed"
    assert [h.status for h in programme.history.order_by("history_id")] == [
        "proposed",
        "active",
        "closed",
    ]


def test_the_menu_offers_the_programmes_to_those_who_may_see_them(
    client_for, kalbajar_officer, make_user
):
    url = reverse("programmes:programme_list")
    assert url in client_for(kalbajar_officer).get("/").content.decode()
    mine = make_user("deminer", Role.MINE_ACTION)
    assert url not in client_for(mine).get("/").content.decode()


def test_a_code_that_names_a_page_is_refused_in_words(client_for, admin):
    response = client_for(admin).post(
        reverse("programmes:programme_create"),
        {"code": "new", "name": "New", "kind": "relocation"},
    )
    assert "names a page of the programmes" in response.content.decode()
    assert not Programme.objects.filter(code="new").exists()


@pytest.mark.django_db(transaction=True)
def test_of_two_administrators_making_a_programme_active_at_once_one_does_it(make_user):
    """The second one is told the programme is active already, and nothing moves twice."""
    proposed = Programme.objects.create(code="concept", name="Concept", kind="repatriation")
    admins = [make_user(f"admin{i}", Role.ADMINISTRATOR) for i in range(2)]
    loaded = [Programme.objects.get(pk=proposed.pk) for _ in admins]
    outcomes = at_once(
        [
            lambda p=p, who=who: programme_status_advance(programme=p, by=who, to="active")
            for p, who in zip(loaded, admins, strict=True)
        ]
    )
    assert refusals(outcomes) == {"A programme that is active cannot become active.": 1}
    assert Programme.objects.get(pk=proposed.pk).status == "active"
