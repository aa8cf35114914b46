"""Editing a household: what changes at once, what waits for a second officer, and that
approving a proposal changes exactly the fields proposed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from homecoming.accounts.models import Role
from homecoming.core.errors import ApplicationError
from homecoming.registry.models import ChangeRequest, Household, IdentityDocument, Member
from homecoming.registry.services import (
    DocumentInput,
    MemberInput,
    change_request_create,
    change_request_current,
    change_request_decide,
    household_edit,
    household_register,
    household_verify,
    household_withdraw,
    member_edit,
)
from homecoming.registry.wording import FieldChange, Words

pytestmark = pytest.mark.django_db

HEAD = MemberInput(
    relation="head",
    given_name="Elvin",
    family_name="Məmmədov",
    sex="male",
    birth_date=dt.date(1975, 3, 2),
    documents=(DocumentInput("id_card", "AZE1234567", issuer="ASAN 1"),),
)


@pytest.fixture
def household(kalbajar_officer, places) -> Household:
    return household_register(
        by=kalbajar_officer,
        origin_settlement=places.zar,
        members=[HEAD],
        origin_address="Zar, 3 Bağ küçəsi",
        displaced_on=dt.date(1993, 4, 2),
        phone="+994 50 111 22 33",
    )


@pytest.fixture
def second(make_user, places):
    return make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,))


def test_approving_an_origin_change_leaves_the_fields_left_blank_as_they_were(
    household, kalbajar_officer, second, places
):
    request = change_request_create(
        household=household,
        by=kalbajar_officer,
        part="origin",
        # As the form posts it: the address and the date left blank.
        proposed={
            "origin_settlement": places.kalbajar_city.code,
            "origin_address": "",
            "displaced_on": None,
        },
        reason="certificate of residence",
    )
    assert request.proposed == {"origin_settlement": places.kalbajar_city.code}
    change_request_decide(request=request, by=second, approve=True)
    household.refresh_from_db()
    assert household.origin_settlement == places.kalbajar_city
    assert household.displaced_on == dt.date(1993, 4, 2)
    assert household.origin_address == "Zar, 3 Bağ küçəsi"


def test_a_request_stored_with_a_blank_field_does_not_erase_it_when_approved(
    household, kalbajar_officer, second, places
):
    request = ChangeRequest.objects.create(  # as requests were stored before
        household=household,
        part="origin",
        proposed={"origin_settlement": places.kalbajar_city.code, "displaced_on": None},
        reason="papers",
        requested_by=kalbajar_officer,
    )
    change_request_decide(request=request, by=second, approve=True)
    household.refresh_from_db()
    assert household.displaced_on == dt.date(1993, 4, 2)


def test_a_proposal_that_changes_nothing_is_refused(household, kalbajar_officer, places):
    with pytest.raises(ApplicationError, match="This proposal changes nothing"):
        change_request_create(
            household=household,
            by=kalbajar_officer,
            part="origin",
            proposed={"origin_settlement": places.zar.code, "displaced_on": "1993-04-02"},
            reason="same",
        )
    assert not ChangeRequest.objects.exists()


def test_the_phone_and_accommodation_change_at_once_and_the_history_says_from_what(
    household, kalbajar_officer
):
    household_edit(
        household=household,
        by=kalbajar_officer,
        changes={"phone": "+994 55 999 00 11", "accommodation": "rented"},
    )
    household.refresh_from_db()
    assert (household.phone, household.accommodation) == ("+994 55 999 00 11", "rented")
    event = household.events.get(action="edited")
    assert event.by == kalbajar_officer
    assert event.details["changes"] == {
        "phone": ["+994 50 111 22 33", "+994 55 999 00 11"],
        "accommodation": ["other", "rented"],
    }
    with pytest.raises(ApplicationError, match="Nothing was changed"):
        household_edit(household=household, by=kalbajar_officer, changes={"phone": household.phone})


def test_a_members_details_are_corrected_at_once_and_search_finds_the_new_name(
    household, kalbajar_officer
):
    from homecoming.registry.selectors import household_list_for_user, household_search

    head = household.members.get()
    member_edit(
        member=head,
        by=kalbajar_officer,
        changes={"given_name": "Elmin", "vulnerabilities": ["disability"]},
    )
    head.refresh_from_db()
    assert (head.given_name, head.vulnerabilities, head.family_name) == (
        "Elmin",
        ["disability"],
        "Məmmədov",
    )
    event = household.events.get(action="member edited")
    assert event.details["member"] == "Elvin Məmmədov"
    assert event.details["changes"]["given_name"] == ["Elvin", "Elmin"]
    found = household_search(household_list_for_user(kalbajar_officer), q="Elmin")
    assert list(found) == [household]


def test_a_newborn_joins_by_birth_on_the_day_of_birth_once_approved(
    household, kalbajar_officer, second
):
    request = change_request_create(
        household=household,
        by=kalbajar_officer,
        part="membership",
        proposed={
            "add": [
                {
                    "relation": "child",
                    "given_name": "Nuray",
                    "family_name": "Məmmədova",
                    "patronymic": "",
                    "sex": "female",
                    "birth_date": "2026-10-01",
                    "joined_reason": "birth",
                    "joined_on": "2026-10-01",
                }
            ]
        },
        reason="birth certificate",
    )
    assert household.members.count() == 1
    change_request_decide(request=request, by=second, approve=True)
    baby = household.members.get(given_name="Nuray")
    assert (baby.joined_reason, baby.joined_on) == ("birth", dt.date(2026, 10, 1))
    household.refresh_from_db()
    assert household.size == 2  # the list's stored size counts the newborn


def test_a_membership_ends_with_its_reason_and_date(household, kalbajar_officer, second):
    spouse = Member.objects.create(
        household=household, relation="spouse", given_name="Aygün", family_name="X", sex="female"
    )
    request = change_request_create(
        household=household,
        by=kalbajar_officer,
        part="membership",
        proposed={"end": [{"member": spouse.pk, "left_on": "2026-01-05", "left_reason": "left"}]},
        reason="moved out",
    )
    change_request_decide(request=request, by=second, approve=True)
    spouse.refresh_from_db()
    assert (spouse.left_on, spouse.left_reason) == (dt.date(2026, 1, 5), "left")
    household.refresh_from_db()
    assert household.size == 1  # the list's stored size no longer counts the spouse


def test_documents_are_added_changed_and_ended_through_a_second_officer(
    household, kalbajar_officer, second
):
    head = household.members.get()
    card = head.documents.get()

    def propose_and_approve(proposed: dict) -> ChangeRequest:
        request = change_request_create(
            household=household,
            by=kalbajar_officer,
            part="documents",
            proposed=proposed,
            reason="x",
        )
        return change_request_decide(request=request, by=second, approve=True)

    added = propose_and_approve(
        {"add": [{"member": head.pk, "type": "passport", "number": "c 0123", "expiry": ""}]}
    )
    assert added.proposed == {
        "add": [{"member": head.pk, "type": "passport", "number": "C0123"}],
        "change": [],
        "remove": [],
    }
    changed = propose_and_approve(
        {
            "change": [
                {
                    "document": card.pk,
                    "type": "id_card",
                    "number": "AZE1234567",
                    "issuer": "",
                    "expiry": "2031-05-01",
                }
            ]
        }
    )
    assert changed.proposed["change"] == [{"document": card.pk, "expiry": "2031-05-01"}]
    card.refresh_from_db()
    assert (card.issuer, card.expiry) == ("ASAN 1", dt.date(2031, 5, 1))
    propose_and_approve({"remove": [card.pk]})
    assert list(IdentityDocument.objects.values_list("number", flat=True)) == ["C0123"]


def test_a_withdrawn_household_is_reinstated_only_when_a_second_officer_approves(
    household, kalbajar_officer, second
):
    with pytest.raises(ApplicationError, match="Only a withdrawn household"):
        change_request_create(
            household=household, by=kalbajar_officer, part="reinstatement", proposed={}, reason="x"
        )
    household = household_verify(household=household, by=kalbajar_officer)
    household = household_withdraw(household=household, by=kalbajar_officer, reason="abroad")
    request = change_request_create(
        household=household, by=kalbajar_officer, part="reinstatement", proposed={}, reason="back"
    )
    household.refresh_from_db()
    assert household.status == "withdrawn"
    change_request_decide(request=request, by=second, approve=True)
    household.refresh_from_db()
    assert (household.status, household.withdrawal_reason) == ("verified", "")


def test_a_proposal_reads_as_field_now_and_proposed_in_the_pages_language(
    household, kalbajar_officer, places
):
    request = change_request_create(
        household=household,
        by=kalbajar_officer,
        part="origin",
        proposed={"origin_settlement": places.kalbajar_city.code, "displaced_on": "1993-05-01"},
        reason="papers",
    )
    current = change_request_current(household, request.part, request.proposed)
    words = Words([request.proposed, current])
    assert words.proposal(request.part, request.proposed, current) == [
        FieldChange("Origin settlement", "Zar (Kalbajar)", "Kalbajar city (Kalbajar)"),
        FieldChange("Date of displacement", "April 2, 1993", "May 1, 1993"),
    ]
    with translation.override("az"):
        rows = Words([request.proposed, current]).proposal(request.part, request.proposed, current)
    assert rows[0].before == "Zar (Kəlbəcər)"
    assert "1993" in rows[1].after
    assert "-" not in rows[1].after


def _newborn(joined_on: str) -> dict:
    return {
        "add": [
            {
                "relation": "child",
                "given_name": "Nuray",
                "family_name": "Məmmədova",
                "patronymic": "",
                "sex": "female",
                "birth_date": "2026-10-01",
                "joined_reason": "birth",
                "joined_on": joined_on,
            }
        ]
    }


def test_a_member_cannot_join_before_they_were_born(household, kalbajar_officer):
    with pytest.raises(ApplicationError, match="before their birth or joining"):
        change_request_create(
            household=household,
            by=kalbajar_officer,
            part="membership",
            proposed=_newborn("2026-09-30"),
            reason="birth certificate",
        )
    assert not ChangeRequest.objects.exists()


def test_a_membership_cannot_end_before_it_began_or_in_the_future(household, kalbajar_officer):
    spouse = Member.objects.create(
        household=household,
        relation="spouse",
        given_name="Aygün",
        family_name="X",
        sex="female",
        birth_date=dt.date(1980, 5, 1),
        joined_on=dt.date(2000, 6, 1),
        joined_reason="marriage",
    )
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    refusals = (("1979-01-01", "before their birth"), ("1999-01-01", "or joining"))
    for left_on, refusal in (*refusals, (future, "in the future")):
        with pytest.raises(ApplicationError, match=refusal):
            change_request_create(
                household=household,
                by=kalbajar_officer,
                part="membership",
                proposed={
                    "end": [{"member": spouse.pk, "left_on": left_on, "left_reason": "left"}]
                },
                reason="moved out",
            )
    assert not ChangeRequest.objects.exists()
