"""Registry decisions sent at the same moment: exactly one wins.

Each test loads its rows first, as N requests would, then releases N threads together
behind a barrier. The others get the page's ordinary message, never a 500, and the
workflow's invariants hold: one decision, one event, one state.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from homecoming.accounts.models import Role
from homecoming.core.tests.threads import at_once, refusals
from homecoming.registry.fieldforms import (
    field_form_create,
    field_submission_accept,
    field_submission_receive,
    field_submission_reject,
)
from homecoming.registry.models import (
    ChangeRequest,
    Consent,
    DuplicateCandidate,
    FieldSubmission,
    Household,
    HouseholdEvent,
    IdentityDocument,
)
from homecoming.registry.services import (
    DocumentInput,
    HouseholdMatch,
    MemberInput,
    change_request_create,
    change_request_decide,
    consent_record,
    duplicate_resolve,
    duplicates_store,
    household_register,
    household_verify,
    household_withdraw,
)

pytestmark = pytest.mark.django_db(transaction=True)
N = 8
DECIDED = "This change request has already been decided."
JUDGED = "This pair has already been judged."
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "kobo"


def events(action: str) -> int:
    return HouseholdEvent.objects.filter(action=action).count()


@pytest.fixture
def second(make_user, places):
    return make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,))


@pytest.fixture
def origin_change(places, make_household, kalbajar_officer) -> ChangeRequest:
    return change_request_create(
        household=make_household(places.zar),
        by=kalbajar_officer,
        part="origin",
        proposed={"origin_settlement": places.kalbajar_city.code},
        reason="certificate of residence",
    )


def test_n_identical_approvals_apply_a_change_once(origin_change, second, places):
    outcomes = at_once(
        [
            lambda: change_request_decide(request=origin_change, by=second, approve=True)
            for _ in range(N)
        ]
    )
    assert refusals(outcomes) == {DECIDED: N - 1}
    assert events("change approved") == 1
    assert origin_change.history.filter(status="approved").count() == 1
    assert Household.objects.get().origin_settlement == places.kalbajar_city


def test_approve_against_reject_one_decision_wins(origin_change, second, places):
    outcomes = at_once(
        [
            lambda approve=approve: change_request_decide(
                request=origin_change, by=second, approve=approve
            )
            for approve in [True, False] * (N // 2)
        ]
    )
    assert refusals(outcomes) == {DECIDED: N - 1}
    assert events("change approved") + events("change rejected") == 1
    decided = ChangeRequest.objects.get()
    moved = Household.objects.get().origin_settlement == places.kalbajar_city
    assert moved == (decided.status == ChangeRequest.Status.APPROVED)


def test_two_officers_deciding_one_reinstatement_at_once_reinstate_once(
    places, make_household, kalbajar_officer, second, make_user
):
    third = make_user("third", Role.REGISTRATION_OFFICER, (places.kalbajar,))
    household = household_withdraw(
        household=make_household(places.zar), by=kalbajar_officer, reason="abroad"
    )
    request = change_request_create(
        household=household, by=kalbajar_officer, part="reinstatement", proposed={}, reason="back"
    )
    outcomes = at_once(
        [
            lambda officer=officer: change_request_decide(request=request, by=officer, approve=True)
            for officer in (second, third) * (N // 2)
        ]
    )
    assert refusals(outcomes) == {DECIDED: N - 1}
    assert events("change approved") == 1
    assert Household.objects.get().status == "registered"


def test_two_documents_changes_adding_one_number_at_once_store_it_once(
    places, make_household, kalbajar_officer, second
):
    requests = []
    for household in (make_household(places.zar), make_household(places.zar)):
        member = household.members.get()
        requests.append(
            change_request_create(
                household=household,
                by=kalbajar_officer,
                part="documents",
                proposed={"add": [{"member": member.pk, "type": "id_card", "number": "AZE1"}]},
                reason="card issued",
            )
        )
    outcomes = at_once(
        [
            lambda request=request: change_request_decide(request=request, by=second, approve=True)
            for request in requests
        ]
    )
    assert refusals(outcomes) == {"Document AZE1 is already registered.": 1}
    assert IdentityDocument.objects.filter(number="AZE1").count() == 1
    assert events("change approved") == 1


@pytest.fixture
def pair(places, make_household) -> DuplicateCandidate:
    first = make_household(places.zar, ("Elvin", "Məmmədov"))
    second = make_household(places.zar, ("Эльвин", "Мамедов"))
    duplicates_store([HouseholdMatch(first.pk, second.pk, 0.98, [])])
    return DuplicateCandidate.objects.get()


def test_n_identical_judgements_merge_a_pair_once(pair, kalbajar_officer):
    keep = pair.household_a
    outcomes = at_once(
        [
            lambda: duplicate_resolve(
                candidate=pair, by=kalbajar_officer, duplicate=True, keep=keep
            )
            for _ in range(N)
        ]
    )
    assert refusals(outcomes) == {JUDGED: N - 1}
    assert events("merged") == events("withdrawn as duplicate") == 1
    assert pair.history.filter(status="duplicate").count() == 1


def test_keeping_one_side_against_the_other_withdraws_exactly_one(pair, kalbajar_officer):
    sides = [pair.household_a, pair.household_b]
    outcomes = at_once(
        [
            lambda keep=keep: duplicate_resolve(
                candidate=pair, by=kalbajar_officer, duplicate=True, keep=keep
            )
            for keep in sides * (N // 2)
        ]
    )
    assert refusals(outcomes) == {JUDGED: N - 1}
    assert Household.objects.filter(status="withdrawn").count() == 1
    assert events("merged") == 1


def test_n_identical_verifications_verify_once(places, make_household, kalbajar_officer):
    household = make_household(places.zar)
    outcomes = at_once(
        [lambda: household_verify(household=household, by=kalbajar_officer) for _ in range(N)]
    )
    assert refusals(outcomes) == {"A verified household cannot be verified.": N - 1}
    assert events("verified") == 1


def test_n_identical_withdrawals_withdraw_once(places, make_household, kalbajar_officer):
    household = make_household(places.zar)
    outcomes = at_once(
        [
            lambda: household_withdraw(household=household, by=kalbajar_officer, reason="abroad")
            for _ in range(N)
        ]
    )
    assert refusals(outcomes) == {"The household is already withdrawn.": N - 1}
    assert events("withdrawn") == 1


def test_n_consents_recorded_at_once_leave_one_in_force(places, make_household, kalbajar_officer):
    household = make_household(places.zar)
    outcomes = at_once(
        [
            lambda: consent_record(
                household=household,
                by=kalbajar_officer,
                given_on=dt.date(2025, 6, 1),
                document="CF",
            )
            for _ in range(N)
        ]
    )
    assert refusals(outcomes) == {}
    assert Consent.objects.filter(withdrawn_on=None).count() == 1


def test_n_registrations_of_one_document_at_once_register_one_household(places, kalbajar_officer):
    head = MemberInput(
        relation="head",
        given_name="Elvin",
        family_name="Məmmədov",
        sex="male",
        documents=(DocumentInput("id_card", "AZE1234567"),),
    )
    outcomes = at_once(
        [
            lambda: household_register(
                by=kalbajar_officer, origin_settlement=places.zar, members=[head]
            )
            for _ in range(N)
        ]
    )
    (registered,) = [o for o in outcomes if isinstance(o, Household)]
    assert refusals(outcomes) == {
        f"Identity card AZE1234567 is already registered, in household {registered}.": N - 1
    }
    assert Household.objects.count() == 1


def test_accepting_and_refusing_one_pushed_submission_at_once_decide_it_once(
    places, kalbajar_officer, second
):
    pushed = json.loads((FIXTURES / "kobo-rest-service.json").read_text())
    form, _key = field_form_create(by=kalbajar_officer, name="Kalbajar registration")
    submission, _new = field_submission_receive(form=form, payload=pushed)
    outcomes = at_once(
        [
            *(
                lambda: field_submission_accept(submission=submission, by=second)
                for _ in range(N - 1)
            ),
            lambda: field_submission_reject(
                submission=submission, by=kalbajar_officer, reason="a test form"
            ),
        ]
    )
    assert refusals(outcomes) == {"This submission has already been decided.": N - 1}
    decided = FieldSubmission.objects.get()
    assert decided.status != FieldSubmission.Status.PENDING
    expected = 1 if decided.status == FieldSubmission.Status.ACCEPTED else 0
    assert Household.objects.count() == expected  # accepted once, or not at all
