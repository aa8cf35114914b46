"""A withdrawal frees what the household held: its offer ends, its home goes back to the pool,
its seat on a departure is freed — whether the officer withdraws it from its page or a
reviewer withdraws it as the duplicate of another. A household that returned is not withdrawn.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from homecoming.core.errors import ApplicationError
from homecoming.housing.models import HousingUnit
from homecoming.registry.models import DuplicateCandidate, Household
from homecoming.registry.services import HouseholdMatch, consent_record, duplicates_store
from homecoming.returns.models import Passenger, Reservation
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_plan,
    cohorts_schedule,
    household_withdraw,
    keys_hand_over,
    offer_accept,
)
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + dt.timedelta(days=10)


@pytest.fixture
def on_a_list(places, make_household, zar_ready, planner, kalbajar_officer) -> Passenger:
    """A household that accepted its home and holds a seat on a departure still to leave."""
    holder = household(make_household, places.zar, 3)
    consent_record(
        household=holder, by=kalbajar_officer, given_on=dt.date(2025, 6, 1), document="CF-1"
    )
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"), by=planner
    )
    offer_accept(offer=Reservation.objects.get(), by=kalbajar_officer)
    cohort_plan(by=planner, destination=places.zar, move_date=SOON, seats=8, transport="bus")
    cohorts_schedule(by=planner, districts=[places.kalbajar])
    return Passenger.objects.get()


def freed(passenger: Passenger) -> tuple[str, str, str, str]:
    passenger.refresh_from_db()
    offer = Reservation.objects.get(pk=passenger.reservation_id)
    unit = HousingUnit.objects.get(pk=offer.unit_id)
    household = Household.objects.get(pk=offer.household_id)
    return household.status, offer.status, passenger.status, unit.status


def test_the_withdrawal_page_names_the_home_and_seat_it_frees_and_frees_them(
    on_a_list, kalbajar_officer, client_for
):
    client = client_for(kalbajar_officer)
    reference = on_a_list.reservation.household.reference
    page = client.get(f"/registry/households/{on_a_list.reservation.household_id}/withdraw/")
    text = page.content.decode()
    assert f"Withdraw household {reference}?" in text
    assert f"Its offer of {on_a_list.reservation.unit}" in text
    assert "Its seat on the departure to Zar" in text

    answer = client.post(
        f"/registry/households/{on_a_list.reservation.household_id}/withdraw/",
        {"reason": "moved abroad"},
        follow=True,
    )
    assert "Household withdrawn." in answer.content.decode()
    assert freed(on_a_list) == ("withdrawn", "released", "no_show", "ready")
    assert on_a_list.note == "household withdrawn"
    with translation.override("az"):  # stored as the service wrote it, shown in words
        assert on_a_list.note_in_words == "ailənin qeydiyyatı geri götürüldü"
    actions = list(
        on_a_list.reservation.household.events.order_by("pk").values_list("action", flat=True)
    )
    assert actions[-2:] == ["withdrawn", "offer withdrawn"]


def test_a_household_that_returned_is_not_withdrawn_and_nothing_changes(
    on_a_list, kalbajar_officer
):
    offer = on_a_list.reservation
    keys_hand_over(
        offer=offer,
        by=kalbajar_officer,
        date=timezone.localdate(),
        keys=2,
        signed_form="HF-1",
        outside_departure_reason="came home by car",
    )
    with pytest.raises(ApplicationError, match="has returned home: its keys were handed over"):
        household_withdraw(household=offer.household, by=kalbajar_officer, reason="moved abroad")
    assert freed(on_a_list)[:2] == ("verified", "fulfilled")
    assert not offer.household.events.filter(action="withdrawn").exists()


def test_the_duplicate_withdrawn_by_a_judgement_frees_its_offer(
    on_a_list, places, make_household, kalbajar_officer, client_for
):
    holder = on_a_list.reservation.household
    twin = household(make_household, places.zar, 3)
    duplicates_store([HouseholdMatch(min(holder.pk, twin.pk), max(holder.pk, twin.pk), 0.99, [])])
    pair = DuplicateCandidate.objects.get()
    keep = "keep_a" if pair.household_a_id == twin.pk else "keep_b"
    client_for(kalbajar_officer).post(
        f"/registry/duplicates/{pair.pk}/resolve/", {"verdict": keep, "note": "same family"}
    )
    assert freed(on_a_list) == ("withdrawn", "released", "no_show", "ready")
    assert on_a_list.note == "withdrawn as a duplicate"


def test_an_approval_of_a_run_made_before_a_withdrawal_is_refused(
    places, make_household, zar_ready, planner, kalbajar_officer
):
    leaving = household(make_household, places.zar, 3)
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    household_withdraw(household=leaving, by=kalbajar_officer, reason="moved abroad")
    with pytest.raises(ApplicationError, match="out of date: .* and 1 withdrawn"):
        allocation_approve(run=run, by=planner)
    assert not Reservation.objects.exists()


def test_an_offer_ended_by_a_withdrawal_no_longer_waits_for_an_answer_on_the_offers_list(
    places, make_household, zar_ready, planner, kalbajar_officer, client_for
):
    leaving = household(make_household, places.zar, 3)
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"), by=planner
    )
    household_withdraw(household=leaving, by=kalbajar_officer, reason="moved abroad")
    client = client_for(kalbajar_officer)
    assert client.get("/returns/offers/?answer=pending").context["page"].paginator.count == 0
    listed = client.get("/returns/offers/").content.decode()
    assert "Ended: the household was withdrawn" in listed
    assert "Waiting for an answer" not in listed.split("<tbody>", 1)[1]
