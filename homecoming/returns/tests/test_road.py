"""The road home keeps its order: each step dated after the one it follows, never before the
displacement nor in the future; keys only after a departure that left with the seat confirmed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from homecoming.core.errors import ApplicationError
from homecoming.housing.models import HousingUnit
from homecoming.returns.models import KeyHandover, Passenger, Reservation
from homecoming.returns.road import Facts, State, Step, milestones, position
from homecoming.returns.selectors import road_home, seats_taken
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_depart,
    cohort_plan,
    cohorts_schedule,
    follow_up_record,
    keys_hand_over,
    offer_accept,
    offer_decline,
)
from homecoming.returns.tests.fixtures import LEFT_ON, household

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def hand_over(passenger: Passenger, by, date: dt.date, **given) -> KeyHandover:
    return keys_hand_over(
        offer=passenger.reservation, by=by, date=date, keys=2, signed_form="HF-1", **given
    )


def test_keys_for_a_departure_that_has_not_left_are_refused(
    on_board, planner, places, kalbajar_officer
):
    """The issue's case: keys today for a departure on a later date, the seat never confirmed."""
    _, missed = on_board
    later = cohort_plan(
        by=planner,
        destination=places.zar,
        move_date=TODAY + dt.timedelta(days=40),
        seats=5,
        transport="bus",
    )
    cohorts_schedule(by=planner, districts=[places.kalbajar])
    waiting = Passenger.objects.get(cohort=later)
    with pytest.raises(ApplicationError, match="departure has left with its seat confirmed"):
        hand_over(waiting, kalbajar_officer, TODAY)
    assert not KeyHandover.objects.exists()
    steps = {s.name: s for s in road_home(missed.reservation.household)}
    assert steps["scheduled to move"].state == "done"
    assert steps["boarded"].state == "current"
    assert "Moved home" not in steps["scheduled to move"].detail


@pytest.mark.parametrize(
    ("date", "refusal"),
    [
        (dt.date(1990, 1, 1), "cannot be dated 1990-01-01, before the household was displaced"),
        (LEFT_ON - dt.timedelta(days=1), f"before the departure on {LEFT_ON:%Y-%m-%d}"),
        (TODAY + dt.timedelta(days=1), "cannot be dated in the future"),
    ],
)
def test_keys_dated_out_of_order_are_refused(on_board, kalbajar_officer, date, refusal):
    boarding, _ = on_board
    with pytest.raises(ApplicationError, match=refusal):
        hand_over(boarding, kalbajar_officer, date)
    assert Reservation.objects.get(pk=boarding.reservation_id).status == "active"
    assert HousingUnit.objects.get(pk=boarding.reservation.unit_id).status == "reserved"


def test_keys_after_the_departure_mark_the_household_moved(on_board, kalbajar_officer):
    boarding, _ = on_board
    hand_over(boarding, kalbajar_officer, LEFT_ON)
    boarding.refresh_from_db()
    assert boarding.status == "moved"


def test_a_follow_up_visit_before_the_keys_is_refused(on_board, kalbajar_officer):
    boarding, _ = on_board
    hand_over(boarding, kalbajar_officer, LEFT_ON + dt.timedelta(days=1))
    household = boarding.reservation.household
    with pytest.raises(ApplicationError, match="before the handover of the keys on"):
        follow_up_record(
            household=household, by=kalbajar_officer, date=LEFT_ON, finding="left_again"
        )
    with pytest.raises(ApplicationError, match="in the future"):
        follow_up_record(
            household=household,
            by=kalbajar_officer,
            date=TODAY + dt.timedelta(days=1),
            finding="living_there",
        )
    follow_up_record(
        household=household,
        by=kalbajar_officer,
        date=LEFT_ON + dt.timedelta(days=1),
        finding="living_there",
    )
    assert household.follow_ups.count() == 1


@pytest.fixture
def offered(places, make_household, zar_ready, planner, kalbajar_officer) -> Reservation:
    """One offer made ten days ago to a household verified a month before, consent on file."""
    from homecoming.registry.services import consent_record

    offered = household(make_household, places.zar, 3, verified_on=TODAY - dt.timedelta(days=40))
    consent_record(household=offered, by=kalbajar_officer, given_on=TODAY, document="CF-1")
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"),
        by=planner,
        on=TODAY - dt.timedelta(days=10),
    )
    return Reservation.objects.get()


def test_an_offer_is_dated_and_its_deadline_counts_from_that_day(offered):
    assert offered.offered_on == TODAY - dt.timedelta(days=10)
    assert offered.offer_deadline == TODAY + dt.timedelta(days=4)


def test_an_offer_dated_before_the_verification_is_refused(
    places, make_household, zar_ready, planner
):
    household(make_household, places.zar, 3, verified_on=TODAY - dt.timedelta(days=5))
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    with pytest.raises(ApplicationError, match="before the verification on"):
        allocation_approve(run=run, by=planner, on=TODAY - dt.timedelta(days=6))
    assert not Reservation.objects.exists()


@pytest.mark.parametrize("answer", ["accept", "decline"])
@pytest.mark.parametrize(
    ("days", "refusal"), [(-11, "before the offer on"), (1, "cannot be dated in the future")]
)
def test_an_answer_dated_out_of_order_is_refused(offered, kalbajar_officer, answer, days, refusal):
    on = TODAY + dt.timedelta(days=days)
    answers = {
        "accept": lambda: offer_accept(offer=offered, by=kalbajar_officer, on=on),
        "decline": lambda: offer_decline(
            offer=offered, by=kalbajar_officer, reason="too far", on=on
        ),
    }
    with pytest.raises(ApplicationError, match=refusal):
        answers[answer]()
    offered.refresh_from_db()
    assert (offered.answer, offered.status) == ("pending", "active")


def test_a_departure_is_not_recorded_as_left_before_its_date(
    offered, kalbajar_officer, planner, places
):
    cohort = cohort_plan(
        by=planner,
        destination=places.zar,
        move_date=TODAY + dt.timedelta(days=3),
        seats=5,
        transport="bus",
    )
    with pytest.raises(ApplicationError, match="cannot be recorded as left before"):
        cohort_depart(cohort=cohort, by=kalbajar_officer)
    cohort.refresh_from_db()
    assert cohort.status == "planned"


@pytest.mark.parametrize(("language", "written"), [("en", "%Y-%m-%d"), ("az", "%d.%m.%Y")])
def test_a_refusal_dates_its_departure_as_the_pages_language_writes_a_date(
    offered, kalbajar_officer, planner, places, language, written
):
    move_date = TODAY + dt.timedelta(days=3)
    cohort = cohort_plan(
        by=planner, destination=places.zar, move_date=move_date, seats=5, transport="bus"
    )
    with translation.override(language), pytest.raises(ApplicationError) as refused:
        cohort_depart(cohort=cohort, by=kalbajar_officer)
    assert f"{move_date:{written}}" in refused.value.message


def test_households_are_not_scheduled_on_a_day_still_to_come(
    offered, kalbajar_officer, planner, places
):
    offer_accept(offer=offered, by=kalbajar_officer)
    cohort_plan(
        by=planner,
        destination=places.zar,
        move_date=TODAY + dt.timedelta(days=9),
        seats=5,
        transport="bus",
    )
    with pytest.raises(ApplicationError, match="day still to come"):
        cohorts_schedule(
            by=planner, districts=[places.kalbajar], today=TODAY + dt.timedelta(days=2)
        )
    assert not Passenger.objects.exists()


def test_a_missed_departure_frees_the_seat_and_the_household_waits_for_another(
    on_board, planner, places
):
    boarding, missed = on_board
    assert (boarding.status, missed.status) == ("confirmed", "no_show")
    assert missed.note == "missed the departure"
    assert seats_taken([boarding.cohort])[boarding.cohort_id] == boarding.persons
    steps = {s.name: s.state for s in road_home(missed.reservation.household)}
    assert (steps["accepted"], steps["scheduled to move"]) == ("done", "current")
    cohort_plan(
        by=planner,
        destination=places.zar,
        move_date=TODAY + dt.timedelta(days=7),
        seats=5,
        transport="bus",
    )
    assert cohorts_schedule(by=planner, districts=[places.kalbajar]).scheduled == 1


def test_a_return_outside_a_departure_records_its_reason_and_frees_the_seat(
    on_board, planner, places, kalbajar_officer
):
    _, missed = on_board
    later = cohort_plan(
        by=planner,
        destination=places.zar,
        move_date=TODAY + dt.timedelta(days=7),
        seats=5,
        transport="bus",
    )
    cohorts_schedule(by=planner, districts=[places.kalbajar])
    waiting = Passenger.objects.get(cohort=later)
    with pytest.raises(ApplicationError, match="before the acceptance on"):
        hand_over(
            waiting,
            kalbajar_officer,
            LEFT_ON - dt.timedelta(days=21),
            outside_departure_reason="car",
        )
    handover = hand_over(waiting, kalbajar_officer, TODAY, outside_departure_reason="came by car")
    assert handover.outside_departure_reason == "came by car"
    waiting.refresh_from_db()
    assert (waiting.status, waiting.note) == ("no_show", "came by car")
    assert seats_taken([later])[later.pk] == 0
    steps = {s.name: s for s in road_home(waiting.reservation.household)}
    assert steps["keys handed over"].date == TODAY
    assert "outside a departure: came by car" in steps["boarded"].detail


def test_the_road_home_of_a_returned_household_shows_its_dates_and_no_deadline(
    on_board, kalbajar_officer, client_for
):
    boarding, _ = on_board
    hand_over(boarding, kalbajar_officer, LEFT_ON)
    household = boarding.reservation.household
    road = road_home(household)
    assert [s.state for s in road] == ["done"] * 8 + ["current"]
    dates = {s.name: s.date for s in road}
    assert dates == {
        "registered": household.registered_on,
        "verified": LEFT_ON - dt.timedelta(days=60),
        "eligible": None,
        "offered a home": LEFT_ON - dt.timedelta(days=30),
        "accepted": LEFT_ON - dt.timedelta(days=20),
        "scheduled to move": LEFT_ON - dt.timedelta(days=14),
        "boarded": LEFT_ON,
        "keys handed over": LEFT_ON,
        "followed up": None,
    }
    assert not any("answer by" in s.detail for s in road)
    page = client_for(kalbajar_officer).get(f"/registry/households/{household.pk}/")
    body = page.content.decode()
    assert body.count('data-state="done"') == 8
    assert 'aria-current="step"' in body
    assert f'<time datetime="{LEFT_ON:%Y-%m-%d}">' in body


def test_the_api_answers_the_road_its_page_draws(on_board, kalbajar_officer, api_for, make_user):
    boarding, _ = on_board
    household = boarding.reservation.household
    answer = api_for(kalbajar_officer).get(f"/api/returns/households/{household.pk}/road/")
    assert answer.status_code == 200
    road = answer.json()
    assert (road["household"], road["at"]) == (household.reference, "boarded")
    assert [(s["step"], s["state"], s["date"]) for s in road["steps"]] == [
        (s.name, s.state, s.date.isoformat() if s.date else None) for s in road_home(household)
    ]
    assert [s["state"] for s in road["steps"]][-3:] == ["done", "current", "pending"]
    outsider = make_user("outsider", "registration_officer", ())
    assert api_for(outsider).get(f"/api/returns/households/{household.pk}/road/").status_code == 404


def test_each_step_stands_done_current_or_pending_in_order():
    facts = Facts(registered_on=dt.date(2024, 11, 1), verified_on=dt.date(2025, 1, 5))
    assert position(facts) == Step.VERIFIED
    assert [(m.step, m.state) for m in milestones(facts)][:4] == [
        (Step.REGISTERED, State.DONE),
        (Step.VERIFIED, State.DONE),
        (Step.ELIGIBLE, State.CURRENT),
        (Step.OFFERED, State.PENDING),
    ]
    withdrawn = Facts(registered_on=dt.date(2024, 11, 1), withdrawn=True)
    assert position(withdrawn) == Step.WITHDRAWN
    assert State.CURRENT not in [m.state for m in milestones(withdrawn)]


def test_a_verification_is_dated_after_the_registration_and_not_in_the_future(
    places, make_household, kalbajar_officer
):
    from homecoming.registry.services import household_verify

    registered = household(make_household, places.zar, 2, status="registered")
    with pytest.raises(ApplicationError, match="before the registration on 2024-05-01"):
        household_verify(household=registered, by=kalbajar_officer, on=dt.date(2024, 4, 30))
    with pytest.raises(ApplicationError, match="in the future"):
        household_verify(household=registered, by=kalbajar_officer, on=TODAY + dt.timedelta(days=1))
    verified = household_verify(household=registered, by=kalbajar_officer, on=dt.date(2024, 6, 1))
    assert verified.verified_on == dt.date(2024, 6, 1)
