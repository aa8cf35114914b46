from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from homecoming.core.errors import ApplicationError
from homecoming.registry.models import ChangeRequest, Consent, Household, Member
from homecoming.registry.services import (
    DocumentInput,
    MemberInput,
    change_request_create,
    change_request_decide,
    consent_record,
    household_intention_record,
    household_register,
    household_verify,
    household_withdraw,
)

pytestmark = pytest.mark.django_db

HEAD = MemberInput(
    relation="head",
    given_name="Elvin",
    family_name="Məmmədov",
    sex="male",
    patronymic="Rövşən oğlu",
    birth_date=dt.date(1975, 3, 2),
    documents=(DocumentInput("id_card", "AZE1234567"),),
)
SPOUSE = MemberInput(
    relation="spouse",
    given_name="Aygün",
    family_name="Məmmədova",
    sex="female",
    birth_date=dt.date(1979, 8, 14),
)


@pytest.fixture
def household(kalbajar_officer, places):
    return household_register(
        by=kalbajar_officer,
        origin_settlement=places.zar,
        members=[HEAD, SPOUSE],
        displaced_on=dt.date(1993, 4, 2),
    )


def test_an_officer_registers_a_household_in_their_district(household):
    assert household.reference == f"HH-{household.origin_settlement.code}-00001"
    assert household.members.first().documents.get().number == "AZE1234567"
    assert list(household.events.values_list("action", flat=True)) == ["registered"]


def test_it_rejects_an_officer_from_another_district(khojaly_officer, places):
    with pytest.raises(PermissionDenied, match="Zar is outside your districts"):
        household_register(by=khojaly_officer, origin_settlement=places.zar, members=[HEAD])


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([SPOUSE], "A household needs exactly one head; 0 given."),
        ([HEAD, HEAD], "A household needs exactly one head; 2 given."),
        (
            [
                HEAD,
                MemberInput(
                    relation="child", given_name="Nicat", family_name="Мамedov", sex="male"
                ),
            ],
            "'Мамedov' mixes Latin and Cyrillic letters in one word.",
        ),
    ],
)
def test_it_refuses_a_household_that_cannot_be(kalbajar_officer, places, members, message):
    with pytest.raises(ApplicationError, match=message):
        household_register(by=kalbajar_officer, origin_settlement=places.zar, members=members)
    assert not Household.objects.exists()


def test_a_document_number_is_registered_once(household, kalbajar_officer, places):
    other_head = MemberInput(
        relation="head",
        given_name="Rəşad",
        family_name="Quliyev",
        sex="male",
        documents=(DocumentInput("id_card", "AZE1234567"),),
    )
    with pytest.raises(ApplicationError, match=f"already registered, in household {household}"):
        household_register(by=kalbajar_officer, origin_settlement=places.zar, members=[other_head])


def test_verify_withdraw_intention_and_consent_leave_history(household, kalbajar_officer):
    household_verify(household=household, by=kalbajar_officer)
    household_intention_record(
        household=household, by=kalbajar_officer, intention="return_now", reasons="house rebuilt"
    )
    consent_record(
        household=household, by=kalbajar_officer, given_on=dt.date(2025, 6, 1), document="CF-17"
    )
    consent_record(
        household=household, by=kalbajar_officer, given_on=dt.date(2025, 7, 1), document="CF-18"
    )
    assert Consent.objects.get(household=household, withdrawn_on=None).document == "CF-18"
    with pytest.raises(ApplicationError, match="Give the reason"):
        household_withdraw(household=household, by=kalbajar_officer, reason=" ")
    household_withdraw(household=household, by=kalbajar_officer, reason="moved abroad")
    assert list(household.events.values_list("action", flat=True)) == [
        "registered",
        "verified",
        "intention",
        "consent",
        "consent",
        "withdrawn",
    ]
    with pytest.raises(ApplicationError, match="A withdrawn household cannot be verified"):
        household_verify(household=household, by=kalbajar_officer)


def test_a_sensitive_change_waits_for_a_second_officer(
    household, kalbajar_officer, make_user, places
):
    from homecoming.accounts.models import Role

    second = make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,))
    request = change_request_create(
        household=household,
        by=kalbajar_officer,
        part="origin",
        proposed={"origin_settlement": places.kalbajar_city.code, "displaced_on": "1993-04-03"},
        reason="certificate of residence shows the city",
    )
    household.refresh_from_db()
    assert household.origin_settlement == places.zar  # nothing changes before approval
    with pytest.raises(ApplicationError, match="approved by another officer"):
        change_request_decide(request=request, by=kalbajar_officer, approve=True)
    request = change_request_decide(request=request, by=second, approve=True)
    household.refresh_from_db()
    assert (household.origin_settlement, household.displaced_on) == (
        places.kalbajar_city,
        dt.date(1993, 4, 3),
    )
    assert request.status == ChangeRequest.Status.APPROVED


def test_a_membership_change_ends_and_adds_members_keeping_one_head(
    household, kalbajar_officer, make_user, places
):
    from homecoming.accounts.models import Role

    second = make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,))
    spouse = household.members.get(relation="spouse")
    request = change_request_create(
        household=household,
        by=kalbajar_officer,
        part="membership",
        reason="birth; divorce",
        proposed={
            "add": [
                {
                    "relation": "child",
                    "given_name": "Nuray",
                    "family_name": "Məmmədova",
                    "sex": "female",
                    "birth_date": "2025-01-09",
                }
            ],
            "end": [{"member": spouse.pk, "left_on": "2025-02-01", "left_reason": "split"}],
        },
    )
    change_request_decide(request=request, by=second, approve=True)
    current = household.members.filter(left_on=None)
    assert sorted(m.given_name for m in current) == ["Elvin", "Nuray"]
    assert Member.objects.get(pk=spouse.pk).left_reason == "split"
    bad = change_request_create(
        household=household,
        by=kalbajar_officer,
        part="membership",
        reason="error",
        proposed={"end": [{"member": household.members.get(relation="head").pk}]},
    )
    with pytest.raises(ApplicationError, match="must have one head"):
        change_request_decide(request=bad, by=second, approve=True)


def test_two_changes_that_each_name_a_new_head_leave_one_head(
    household, kalbajar_officer, make_user, places
):
    from homecoming.accounts.models import Role

    second = make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,))
    head = household.members.get(relation="head")

    def new_head(name: str) -> ChangeRequest:
        return change_request_create(
            household=household,
            by=kalbajar_officer,
            part="membership",
            reason="the head died",
            proposed={
                "end": [{"member": head.pk, "left_on": "2025-02-01", "left_reason": "death"}],
                "add": [
                    {
                        "relation": "head",
                        "given_name": name,
                        "family_name": "Məmmədov",
                        "sex": "male",
                    }
                ],
            },
        )

    first, other = new_head("Aydın"), new_head("Orxan")
    change_request_decide(request=first, by=second, approve=True)
    with pytest.raises(ApplicationError, match="has already left"):
        change_request_decide(request=other, by=second, approve=True)
    assert household.members.filter(left_on=None, relation="head").count() == 1
