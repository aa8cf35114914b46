"""Answers, handovers and departures sent at the same moment: exactly one wins.

Each test loads its rows first, as N requests would, then releases N threads together
behind a barrier. The losers get the page's ordinary message, never a 500, and the
workflow's invariants hold: one event, one state, the unit's log never repeats a status.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from homecoming.core.tests.threads import at_once, refusals, writes_held
from homecoming.housing.models import HousingUnit, UnitStatusChange
from homecoming.registry.models import Household, HouseholdEvent
from homecoming.registry.services import consent_record
from homecoming.returns.models import AllocationRun, Cohort, KeyHandover, Passenger, Reservation
from homecoming.returns.policy import STEP_DONE
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_depart,
    cohort_plan,
    cohorts_schedule,
    household_withdraw,
    keys_hand_over,
    offer_accept,
    offer_decline,
    passenger_answer,
    return_step_record,
)
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db(transaction=True)
N = 10
SOON = timezone.localdate() + dt.timedelta(days=10)


def events(action: str) -> int:
    return HouseholdEvent.objects.filter(action=action).count()


def unit_log_repeats(unit_id: int) -> list[str]:
    log = list(UnitStatusChange.objects.filter(unit=unit_id).values_list("status", flat=True))
    return [f"{a} → {b}" for a, b in zip(log, log[1:], strict=False) if a == b]


@pytest.fixture
def offer(places, make_household, zar_ready, planner, kalbajar_officer) -> Reservation:
    """One pending offer whose household's consent is on file."""
    offered = household(make_household, places.zar, 3)
    consent_record(
        household=offered, by=kalbajar_officer, given_on=dt.date(2025, 6, 1), document="CF-1"
    )
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"), by=planner
    )
    return Reservation.objects.get()


@pytest.fixture
def accepted(offer, kalbajar_officer) -> Reservation:
    return offer_accept(offer=offer, by=kalbajar_officer)


def copies(row: Reservation | Passenger, n: int) -> list:
    """The row as each of ``n`` requests loads it before acting."""
    return [type(row).objects.get(pk=row.pk) for _ in range(n)]


def test_of_simultaneous_approvals_of_one_run_one_reserves_and_the_others_are_told(
    places, make_household, zar_ready, planner
):
    for _ in range(2):
        household(make_household, places.zar, 3)
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    loaded = [AllocationRun.objects.get(pk=run.pk) for _ in range(N)]
    outcomes = at_once([lambda r=r: allocation_approve(run=r, by=planner) for r in loaded])
    assert refusals(outcomes) == {"This run has already been approved.": N - 1}
    assert [o for o in outcomes if not isinstance(o, Exception)] == [2]
    assert Reservation.objects.filter(status="active").count() == 2


def test_of_simultaneous_accepts_and_declines_exactly_one_answers_the_offer(
    offer, kalbajar_officer
):
    loaded = copies(offer, 2 * N)
    outcomes = at_once(
        [lambda o=o: offer_accept(offer=o, by=kalbajar_officer) for o in loaded[:N]]
        + [
            lambda o=o: offer_decline(offer=o, by=kalbajar_officer, reason="too far")
            for o in loaded[N:]
        ]
    )
    assert refusals(outcomes) == {"This offer has already been answered.": 2 * N - 1}
    offer.refresh_from_db()
    unit = HousingUnit.objects.get(pk=offer.unit_id)
    assert events("offer accepted") + events("offer declined") == 1
    if offer.answer == Reservation.Answer.ACCEPTED:
        assert (offer.status, unit.status) == ("active", "reserved")
    else:
        assert (offer.answer, offer.status, unit.status) == ("declined", "released", "ready")
    assert unit_log_repeats(unit.pk) == []


def test_clicks_on_accept_and_decline_at_once_record_one_answer_and_tell_the_others(
    offer, kalbajar_officer, client_for
):
    clients = [client_for(kalbajar_officer) for _ in range(2 * N)]
    answers = [{"answer": "accept"}] * N + [{"answer": "decline", "reason": "too far"}] * N
    with writes_held(Reservation):
        pages = at_once(
            [
                lambda c=c, a=a: c.post(f"/returns/offers/{offer.pk}/answer/", a, follow=True)
                for c, a in zip(clients, answers, strict=True)
            ]
        )
    assert [p.status_code for p in pages] == [200] * 2 * N
    said = Counter(
        "recorded" if "Recorded." in body else "refused"
        for body in (p.content.decode() for p in pages)
        if "Recorded." in body or "This offer has already been answered." in body
    )
    assert said == {"recorded": 1, "refused": 2 * N - 1}
    assert events("offer accepted") + events("offer declined") == 1
    assert unit_log_repeats(offer.unit_id) == []


def test_of_simultaneous_identical_accepts_one_writes_the_answer(offer, kalbajar_officer):
    outcomes = at_once(
        [lambda o=o: offer_accept(offer=o, by=kalbajar_officer) for o in copies(offer, 2 * N)]
    )
    assert refusals(outcomes) == {"This offer has already been answered.": 2 * N - 1}
    assert events("offer accepted") == 1
    assert Reservation.objects.get().history.filter(answer="accepted").count() == 1


def test_of_simultaneous_declines_one_returns_the_unit_to_the_pool(offer, kalbajar_officer):
    outcomes = at_once(
        [
            lambda o=o: offer_decline(offer=o, by=kalbajar_officer, reason="too far")
            for o in copies(offer, N)
        ]
    )
    assert refusals(outcomes) == {"This offer has already been answered.": N - 1}
    assert events("offer declined") == 1
    assert UnitStatusChange.objects.filter(unit=offer.unit_id, status="ready").count() == 2
    assert unit_log_repeats(offer.unit_id) == []


def test_of_simultaneous_key_handovers_one_is_stored_and_the_others_are_told(
    accepted, kalbajar_officer
):
    outcomes = at_once(
        [
            lambda o=o: keys_hand_over(
                offer=o,
                by=kalbajar_officer,
                date=timezone.localdate(),
                keys=2,
                signed_form="HF",
                outside_departure_reason="came home by car",
            )
            for o in copies(accepted, 2 * N)
        ]
    )
    assert refusals(outcomes) == {"The keys of this home have already been handed over.": 2 * N - 1}
    assert KeyHandover.objects.count() == 1
    assert events("keys handed over") == 1
    assert UnitStatusChange.objects.filter(unit=accepted.unit_id, status="occupied").count() == 1


def test_a_double_click_on_hand_over_keys_answers_the_ordinary_message(
    accepted, kalbajar_officer, client_for
):
    clients = [client_for(kalbajar_officer) for _ in range(N)]
    form = {
        "date": timezone.localdate().isoformat(),
        "keys": 2,
        "signed_form": "HF-1",
        "outside_departure_reason": "came home by car",
    }
    answers = at_once(
        [
            lambda c=c: c.post(f"/returns/offers/{accepted.pk}/handover/", form, follow=True)
            for c in clients
        ]
    )
    assert [a.status_code for a in answers] == [200] * N
    pages = [a.content.decode() for a in answers]
    said = Counter(
        "returned" if f"{accepted.household.reference} has returned" in page else "refused"
        for page in pages
        if "already been handed over" in page or "has returned" in page
    )
    assert said == {"returned": 1, "refused": N - 1}
    assert KeyHandover.objects.count() == 1


def test_simultaneous_plans_of_one_departure_make_one_and_tell_the_others(
    planner, places, zar_ready, client_for
):
    with writes_held(Cohort):
        outcomes = at_once(
            [
                lambda: cohort_plan(
                    by=planner, destination=places.zar, move_date=SOON, seats=8, transport="bus"
                )
                for _ in range(N)
            ]
        )
    assert refusals(outcomes) == {f"A cohort to {places.zar} on {SOON} is already planned.": N - 1}
    assert Cohort.objects.count() == 1


def test_a_double_click_on_plan_departure_answers_the_ordinary_message(
    planner, places, zar_ready, client_for
):
    clients = [client_for(planner) for _ in range(N)]
    form = {
        "destination": places.zar.code,
        "move_date": SOON.isoformat(),
        "seats": 8,
        "transport": "bus",
    }
    with writes_held(Cohort):
        answers = at_once([lambda c=c: c.post("/returns/cohorts/", form) for c in clients])
    assert sorted(a.status_code for a in answers) == [200] * (N - 1) + [302]
    refused = [a.content.decode() for a in answers if a.status_code == 200]
    assert all(f"A cohort to {places.zar} on {SOON} is already planned." in p for p in refused)
    assert Cohort.objects.count() == 1


@pytest.fixture
def passenger(accepted, planner, places) -> Passenger:
    cohort_plan(by=planner, destination=places.zar, move_date=SOON, seats=8, transport="bus")
    cohorts_schedule(by=planner, districts=[places.kalbajar])
    return Passenger.objects.get()


def test_of_simultaneous_confirmations_and_no_shows_the_journey_is_recorded_once(
    passenger, kalbajar_officer
):
    loaded = copies(passenger, 2 * N)
    outcomes = at_once(
        [
            lambda p=p: passenger_answer(passenger=p, by=kalbajar_officer, travels=True)
            for p in loaded[:N]
        ]
        + [
            lambda p=p: passenger_answer(
                passenger=p, by=kalbajar_officer, travels=False, note="ill"
            )
            for p in loaded[N:]
        ]
    )
    passenger.refresh_from_db()
    said = refusals(outcomes)
    confirmed, not_travelled = events("seat confirmed"), events("did not travel")
    # A seat is confirmed at most once, and once a household did not travel nothing follows.
    assert confirmed <= 1
    assert not_travelled == 1
    assert passenger.status == "no_show"
    assert sum(said.values()) == 2 * N - confirmed - 1


def test_a_handover_while_departures_are_scheduled_leaves_no_one_moved_on_a_list(
    accepted, planner, places, kalbajar_officer
):
    """On PostgreSQL, scheduling read the waiting offers unlocked and listed a household whose
    keys were handed over meanwhile; on SQLite a transaction holds the write lock from its
    start, so this race cannot happen there and the test guards the rule only."""
    cohort_plan(by=planner, destination=places.zar, move_date=SOON, seats=8, transport="bus")
    outcomes = at_once(
        [
            lambda: cohorts_schedule(by=planner, districts=[places.kalbajar]),
            lambda: keys_hand_over(
                offer=accepted,
                by=kalbajar_officer,
                date=timezone.localdate(),
                keys=2,
                signed_form="HF",
                outside_departure_reason="came home by car",
            ),
        ]
    )
    assert refusals(outcomes) == {}
    assert not Passenger.objects.filter(
        reservation__status="fulfilled", status__in=["scheduled", "confirmed"]
    ).exists()


def test_a_seat_confirmed_as_the_departure_is_recorded_as_left_ends_one_way_only(
    accepted, planner, kalbajar_officer, places
):
    """Confirmed first: the household left with it. Recorded as left first: the household
    missed it, its seat is freed, and the late confirmation is refused in words."""
    today = timezone.localdate()
    cohort = cohort_plan(
        by=planner, destination=places.zar, move_date=today, seats=5, transport="bus"
    )
    cohorts_schedule(by=planner, districts=[places.kalbajar], today=today)
    passenger = Passenger.objects.get()
    outcomes = at_once(
        [
            lambda: passenger_answer(passenger=passenger, by=kalbajar_officer, travels=True),
            lambda: cohort_depart(cohort=Cohort.objects.get(pk=cohort.pk), by=kalbajar_officer),
        ]
    )
    passenger.refresh_from_db()
    assert Cohort.objects.get(pk=cohort.pk).status == "departed"
    if passenger.status == "confirmed":
        assert refusals(outcomes) == {}
        assert events("missed the departure") == 0
    else:
        assert passenger.status == "no_show"
        assert refusals(outcomes) == {"This household's journey is already recorded.": 1}
        assert (events("missed the departure"), events("seat confirmed")) == (1, 0)


def withdraw(offer: Reservation, officer) -> Household:
    return household_withdraw(
        household=Household.objects.get(pk=offer.household_id), by=officer, reason="abroad"
    )


def test_a_withdrawal_as_the_offer_is_accepted_leaves_no_home_held_by_a_withdrawn_household(
    offer, kalbajar_officer
):
    outcomes = at_once(
        [
            lambda: withdraw(offer, kalbajar_officer),
            lambda: offer_accept(offer=Reservation.objects.get(pk=offer.pk), by=kalbajar_officer),
        ]
    )
    offer.refresh_from_db()
    assert Household.objects.get(pk=offer.household_id).status == "withdrawn"
    assert offer.status == "released"
    assert HousingUnit.objects.get(pk=offer.unit_id).status == "ready"
    # Accepted first, then freed by the withdrawal; or refused, the offer already ended.
    assert sum(refusals(outcomes).values()) == (0 if offer.answer == "accepted" else 1)
    assert unit_log_repeats(offer.unit_id) == []


def test_of_a_withdrawal_and_a_handover_at_once_exactly_one_happens(accepted, kalbajar_officer):
    outcomes = at_once(
        [
            lambda: withdraw(accepted, kalbajar_officer),
            lambda: keys_hand_over(
                offer=Reservation.objects.get(pk=accepted.pk),
                by=kalbajar_officer,
                date=timezone.localdate(),
                keys=2,
                signed_form="HF",
                outside_departure_reason="came home by car",
            ),
        ]
    )
    said = refusals(outcomes)
    household = Household.objects.get(pk=accepted.household_id)
    unit = HousingUnit.objects.get(pk=accepted.unit_id)
    if household.status == "withdrawn":
        assert said == {"Keys are handed over only for an accepted offer.": 1}
        assert (KeyHandover.objects.count(), unit.status) == (0, "ready")
    else:
        assert said == {
            f"{household.reference} has returned home: its keys were handed over. A household "
            "that returned is not withdrawn; record a follow-up visit instead.": 1
        }
        assert (KeyHandover.objects.count(), unit.status) == (1, "occupied")


def test_a_withdrawal_as_a_run_is_approved_leaves_no_offer_to_a_withdrawn_household(
    places, make_household, zar_ready, planner, kalbajar_officer
):
    leaving = household(make_household, places.zar, 3)
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    outcomes = at_once(
        [
            lambda: household_withdraw(household=leaving, by=kalbajar_officer, reason="abroad"),
            lambda: allocation_approve(run=AllocationRun.objects.get(pk=run.pk), by=planner),
        ]
    )
    assert Household.objects.get(pk=leaving.pk).status == "withdrawn"
    assert not Reservation.objects.filter(household=leaving, status="active").exists()
    assert not HousingUnit.objects.filter(status="reserved").exists()
    assert sum(refusals(outcomes).values()) <= 1


def test_of_one_step_recorded_by_several_officers_at_once_one_records_it_and_the_others_are_told(
    repatriation, places, make_household, kalbajar_officer
):
    returnee = household(make_household, places.zar, 2, programme=repatriation)
    loaded = [Household.objects.get(pk=returnee.pk) for _ in range(N)]
    day = timezone.localdate() - dt.timedelta(days=3)
    outcomes = at_once(
        [
            lambda h=h: return_step_record(household=h, by=kalbajar_officer, step="visit", date=day)
            for h in loaded
        ]
    )
    assert sum(refusals(outcomes).values()) == N - 1
    assert events(STEP_DONE) == 1
