"""A user assigned to programme A never sees, searches, exports or reaches a household of
programme B: every access helper that scopes by district scopes by programme too."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from homecoming.accounts.access import programme_scope
from homecoming.accounts.models import Role
from homecoming.programmes.models import Programme
from homecoming.programmes.selectors import default_programme
from homecoming.registry.models import DuplicateCandidate, Household, Member
from homecoming.registry.selectors import (
    duplicate_candidate_list_for_user,
    household_list_for_user,
)
from homecoming.registry.services import MemberInput, household_edit, household_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept() -> Programme:
    return Programme.objects.create(
        code="concept", name="Concept of Return", kind=Programme.Kind.REPATRIATION
    )


@pytest.fixture
def two_programmes(places, make_household, concept):
    """A household of the Great Return (the default programme) and one of the Concept."""
    returning = make_household(places.zar, ("Elvin", "Məmmədov"))
    repatriating = make_household(places.zar, ("Aygün", "Əliyeva"))
    Household.objects.filter(pk=repatriating.pk).update(programme=concept)
    repatriating.refresh_from_db()
    return returning, repatriating


@pytest.fixture
def return_planner(make_user):
    user = make_user("return-planner", Role.RETURN_PLANNER)
    default_programme().users.add(user)
    return user


def test_a_user_in_no_programme_works_on_every_programme(planner, two_programmes):
    assert programme_scope(planner) is None
    assert set(household_list_for_user(planner)) == set(two_programmes)


def test_a_user_of_one_programme_sees_only_its_households(return_planner, two_programmes):
    returning, _ = two_programmes
    assert list(household_list_for_user(return_planner)) == [returning]


def test_it_never_lets_a_user_of_one_programme_reach_another_programmes_household(
    client_for, api_for, return_planner, two_programmes
):
    returning, repatriating = two_programmes
    client, api = client_for(return_planner), api_for(return_planner)
    assert client.get(f"/registry/households/{repatriating.pk}/").status_code == 404
    assert client.get(f"/registry/households/{returning.pk}/").status_code == 200
    assert api.get(f"/api/registry/households/{repatriating.pk}/").status_code == 404
    page = client.get("/registry/households/").content.decode()
    assert returning.reference in page
    assert repatriating.reference not in page
    assert list(client.get("/registry/households/", {"q": "Əliyeva"}).context["page"]) == []
    found = api.get("/api/registry/households/", {"q": repatriating.reference}).json()
    assert found["count"] == 0
    export = b"".join(client.get("/registry/households/export.csv").streaming_content).decode()
    assert returning.reference in export
    assert repatriating.reference not in export


def test_the_list_filters_by_programme(client_for, planner, two_programmes, concept):
    returning, repatriating = two_programmes
    client = client_for(planner)
    listed = list(client.get("/registry/households/", {"programme": "concept"}).context["page"])
    assert listed == [repatriating]
    export = b"".join(
        client.get("/registry/households/export.csv", {"programme": "concept"}).streaming_content
    ).decode()
    assert repatriating.reference in export
    assert returning.reference not in export


def test_a_user_of_one_programme_is_offered_no_other_programme_to_filter_by(
    client_for, return_planner, two_programmes
):
    listed = client_for(return_planner).get("/registry/households/", {"programme": "concept"})
    assert list(listed.context["page"]) == [two_programmes[0]]
    assert 'name="programme"' not in listed.content.decode()


def test_a_pair_with_a_household_of_another_programme_is_not_shown(return_planner, two_programmes):
    returning, repatriating = two_programmes
    DuplicateCandidate.objects.create(
        household_a=returning, household_b=repatriating, probability=0.9
    )
    assert list(duplicate_candidate_list_for_user(return_planner)) == []


def test_an_officer_may_not_register_nor_move_a_household_into_a_programme_not_theirs(
    make_user, places, concept, two_programmes
):
    officer = make_user("officer", Role.REGISTRATION_OFFICER, (places.kalbajar,))
    default_programme().users.add(officer)
    head = MemberInput(
        relation=Member.Relation.HEAD, given_name="Rauf", family_name="Həsənov", sex="male"
    )
    with pytest.raises(PermissionDenied):
        household_register(
            by=officer, origin_settlement=places.zar, members=[head], programme=concept
        )
    with pytest.raises(PermissionDenied):
        household_edit(household=two_programmes[0], by=officer, changes={"programme": concept})


def test_the_registration_form_offers_the_users_programmes_the_only_one_chosen(
    client_for, make_user, places, concept
):
    officer = make_user("officer", Role.REGISTRATION_OFFICER, (places.kalbajar,))
    concept.users.add(officer)
    form = client_for(officer).get(reverse("registry:household_register")).context["form"]
    assert list(form.fields["programme"].queryset) == [concept]
    assert form.fields["programme"].initial == "concept"


def test_a_household_registered_in_the_browser_is_enrolled_in_the_programme_chosen(
    client_for, kalbajar_officer, places, concept
):
    response = client_for(kalbajar_officer).post(
        reverse("registry:household_register"),
        {
            "programme": "concept",
            "origin_settlement": places.zar.code,
            "accommodation": "other",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-relation": "head",
            "members-0-given_name": "Rauf",
            "members-0-family_name": "Həsənov",
            "members-0-sex": "male",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Household.objects.get().programme == concept


def test_the_household_page_names_its_programme(client_for, planner, two_programmes):
    _, repatriating = two_programmes
    page = client_for(planner).get(f"/registry/households/{repatriating.pk}/")
    assert "Concept of Return" in page.content.decode()


def test_an_officer_moves_a_household_to_another_programme_and_its_history_says_so(
    client_for, kalbajar_officer, two_programmes, concept
):
    returning, _ = two_programmes
    response = client_for(kalbajar_officer).post(
        reverse("registry:household_edit", args=[returning.pk]),
        {"programme": "concept", "accommodation": returning.accommodation, "phone": ""},
    )
    assert response.status_code == 302
    returning.refresh_from_db()
    assert returning.programme == concept
    event = returning.events.get(action="edited")
    assert event.details["changes"] == {"programme": [default_programme().code, "concept"]}
