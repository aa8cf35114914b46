"""A district's officers never learn of another district's records, and a household moves
to another district only when that district agrees."""

from __future__ import annotations

import pytest

from homecoming.accounts.models import Role
from homecoming.registry.models import (
    ChangeRequest,
    DuplicateCandidate,
    Household,
    HouseholdEvent,
    IdentityDocument,
)
from homecoming.registry.services import (
    DocumentInput,
    MemberInput,
    change_request_create,
    household_register,
)

pytestmark = pytest.mark.django_db

NUMBER = "AZE7654321"


@pytest.fixture
def khojaly_household(khojaly_officer, places) -> Household:
    head = MemberInput(
        relation="head",
        given_name="Rəşad",
        family_name="Quliyev",
        sex="male",
        documents=(DocumentInput("id_card", NUMBER),),
    )
    return household_register(by=khojaly_officer, origin_settlement=places.ballija, members=[head])


def registration(settlement, number: str) -> dict:
    return {
        "origin_settlement": settlement.code,
        "accommodation": "hostel",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-relation": "head",
        "members-0-given_name": "Elvin",
        "members-0-family_name": "Məmmədov",
        "members-0-sex": "male",
        "members-0-document_type": "id_card",
        "members-0-document_number": number,
    }


def test_a_number_registered_in_another_district_is_not_named_and_goes_to_a_reviewer(
    khojaly_household, kalbajar_officer, khojaly_officer, admin, make_user, places, client_for
):
    client = client_for(kalbajar_officer)
    response = client.post(
        "/registry/households/new/", registration(places.zar, NUMBER), follow=True
    )
    page = response.content.decode()
    assert khojaly_household.reference not in page
    assert f"Identity card {NUMBER} is already registered, in a household you cannot open" in page
    assert "registered outside your districts" in page  # the household's page says it waits
    registered = Household.objects.get(origin_settlement=places.zar)
    # The number is stored once, with the household that had it first; the new one keeps
    # what was typed in its history, and the two wait for a reviewer who sees both.
    assert IdentityDocument.objects.get(number=NUMBER).member.household == khojaly_household
    assert HouseholdEvent.objects.get(action="document held elsewhere").details == {
        "member": "Elvin Məmmədov",
        "document": f"Identity card {NUMBER}",
    }
    pair = DuplicateCandidate.objects.get()
    assert (pair.household_a, pair.household_b, pair.status) == (
        khojaly_household,
        registered,
        "open",
    )
    both = make_user("both", Role.REGISTRATION_OFFICER, (places.kalbajar, places.khojaly))
    for reviewer, sees in [(kalbajar_officer, False), (khojaly_officer, False), (admin, True)]:
        listed = list(client_for(reviewer).get("/registry/duplicates/").context["page"])
        assert listed == ([pair] if sees else [])
    review = client_for(both).get(f"/registry/duplicates/{pair.pk}/").content.decode()
    assert NUMBER in review
    assert "same number" in review


def test_a_number_registered_in_a_household_the_officer_may_open_is_named(
    khojaly_household, make_user, places
):
    both = make_user("both", Role.REGISTRATION_OFFICER, (places.kalbajar, places.khojaly))
    head = MemberInput(
        relation="head",
        given_name="Elvin",
        family_name="Məmmədov",
        sex="male",
        documents=(DocumentInput("id_card", NUMBER),),
    )
    with pytest.raises(Exception, match=f"in household {khojaly_household.reference}"):
        household_register(by=both, origin_settlement=places.zar, members=[head])
    assert not DuplicateCandidate.objects.exists()


@pytest.fixture
def move(places, make_household, kalbajar_officer) -> ChangeRequest:
    """A Kalbajar officer proposes that a household of Zar comes from Ballija, in Khojaly."""
    return change_request_create(
        household=make_household(places.zar),
        by=kalbajar_officer,
        part="origin",
        proposed={"origin_settlement": places.ballija.code},
        reason="certificate of residence",
    )


def test_a_move_to_another_district_is_decided_by_an_officer_of_that_district(
    move, make_user, admin, khojaly_officer, places, client_for
):
    colleague = client_for(make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,)))
    queue = colleague.get("/registry/changes/").content.decode()
    assert "an officer of Khojaly decides" in queue
    for decider in (colleague, client_for(admin)):
        answer = decider.post(f"/registry/changes/{move.pk}/decide/", {"approve": "1"}, follow=True)
        assert "an officer of Khojaly decides" in answer.content.decode()
    household = Household.objects.get()
    assert household.origin_settlement == places.zar

    receiving = client_for(khojaly_officer)
    queue = receiving.get("/registry/changes/")
    assert [c.pk for c in queue.context["pending"]] == [move.pk]
    page = queue.content.decode()
    assert "Moves from Kalbajar to Khojaly" in page
    assert f"/registry/households/{household.pk}/" not in page  # not theirs to open yet
    receiving.post(f"/registry/changes/{move.pk}/decide/", {"approve": "1"})
    household.refresh_from_db()
    assert household.origin_settlement == places.ballija
    assert ChangeRequest.objects.get().decided_by == khojaly_officer
    assert receiving.get(f"/registry/households/{household.pk}/").status_code == 200


def test_the_receiving_district_may_refuse_a_move(move, khojaly_officer, places, client_for):
    client_for(khojaly_officer).post(f"/registry/changes/{move.pk}/decide/", {"approve": "0"})
    assert ChangeRequest.objects.get().status == "rejected"
    assert Household.objects.get().origin_settlement == places.zar


def test_the_origin_form_names_each_settlements_district(
    places, make_household, kalbajar_officer, client_for
):
    household = make_household(places.zar)
    page = client_for(kalbajar_officer).get(f"/registry/households/{household.pk}/change-origin/")
    choices = page.context["form"].fields["origin_settlement"]
    assert "Ballija (Khojaly)" in [label for _code, label in choices.choices]
