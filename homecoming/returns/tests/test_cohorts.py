"""Cohorts: accepted households on departures within the seats; confirmation, no-show, keys."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from homecoming.core.errors import ApplicationError
from homecoming.registry.services import consent_record
from homecoming.returns.models import Cohort, FollowUpVisit, Passenger, Reservation
from homecoming.returns.selectors import cohort_seats_by_month, pipeline, road_home
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_plan,
    cohorts_schedule,
    follow_up_record,
    keys_hand_over,
    offer_accept,
    passenger_answer,
)
from homecoming.returns.tests.fixtures import LEFT_ON, household

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + dt.timedelta(days=10)


@pytest.fixture
def accepted(places, make_household, zar_ready, planner, kalbajar_officer):
    """Two Zar households (4 and 3 people) that accepted their homes."""
    for size in (4, 3):
        household(make_household, places.zar, size)
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"), by=planner
    )
    for offer in Reservation.objects.select_related("household"):
        consent_record(
            household=offer.household,
            by=kalbajar_officer,
            given_on=dt.date(2025, 6, 1),
            document="CF-1",
        )
        offer_accept(offer=offer, by=kalbajar_officer)
    return list(Reservation.objects.order_by("pk"))


def test_accepted_households_get_seats_on_a_departure_to_their_new_home(accepted, planner, places):
    cohort = cohort_plan(
        by=planner, destination=places.zar, move_date=SOON, seats=4, transport="1 minibus"
    )
    result = cohorts_schedule(by=planner, districts=[places.kalbajar])
    assert (result.scheduled, result.waiting, result.status, result.gap) == (1, 1, "optimal", 0.0)
    passenger = Passenger.objects.get()
    assert passenger.cohort == cohort
    assert passenger.persons == 4  # the larger household fills more of the four seats
    # A second departure takes the one left; scheduling again never lists a household twice.
    cohort_plan(
        by=planner,
        destination=places.zar,
        move_date=SOON + dt.timedelta(days=7),
        seats=4,
        transport="1 minibus",
    )
    assert cohorts_schedule(by=planner, districts=[places.kalbajar]).scheduled == 1
    assert cohorts_schedule(by=planner, districts=[places.kalbajar]).scheduled == 0
    assert Passenger.objects.count() == 2
    expected = Counter({SOON.replace(day=1): 4})
    expected[(SOON + dt.timedelta(days=7)).replace(day=1)] += 4
    assert cohort_seats_by_month() == dict(expected)


def test_a_no_show_waits_for_the_next_departure_and_frees_its_seats(
    accepted, planner, places, kalbajar_officer
):
    cohort_plan(by=planner, destination=places.zar, move_date=SOON, seats=5, transport="bus")
    cohorts_schedule(by=planner, districts=[places.kalbajar])
    first = Passenger.objects.get(persons=4)
    with pytest.raises(ApplicationError, match="Say why"):
        passenger_answer(passenger=first, by=kalbajar_officer, travels=False)
    first = passenger_answer(
        passenger=first, by=kalbajar_officer, travels=False, note="a child in hospital"
    )
    assert first.status == "no_show"
    assert cohorts_schedule(by=planner, districts=[places.kalbajar]).scheduled == 1
    assert Passenger.objects.filter(reservation=first.reservation).count() == 2


def test_keys_mark_the_passenger_moved_and_the_road_home_shows_each_step(
    on_board, kalbajar_officer
):
    passenger, missed = on_board
    steps = {step.name: step for step in road_home(passenger.reservation.household)}
    assert steps["scheduled to move"].done
    assert str(passenger.cohort) in steps["scheduled to move"].detail
    assert (steps["boarded"].state, steps["boarded"].date) == ("done", LEFT_ON)
    assert steps["keys handed over"].state == "current"
    keys_hand_over(
        offer=passenger.reservation, by=kalbajar_officer, date=LEFT_ON, keys=2, signed_form="HF-1"
    )
    passenger.refresh_from_db()
    assert passenger.status == "moved"
    assert missed.status == "no_show"
    funnel = dict(pipeline(passenger.reservation.household.__class__.objects.all()))
    assert (funnel["accepted"], funnel["scheduled to move"], funnel["keys handed over"]) == (
        2,
        1,
        1,
    )


def test_departures_are_checked(planner, places):
    with pytest.raises(ApplicationError, match="in the past"):
        cohort_plan(
            by=planner,
            destination=places.zar,
            move_date=dt.date(2020, 1, 1),
            seats=10,
            transport="bus",
        )
    with pytest.raises(ApplicationError, match="seats and the transport"):
        cohort_plan(by=planner, destination=places.zar, move_date=SOON, seats=0, transport="bus")
    cohort_plan(by=planner, destination=places.zar, move_date=SOON, seats=10, transport="bus")
    with pytest.raises(ApplicationError, match="already planned"):
        cohort_plan(by=planner, destination=places.zar, move_date=SOON, seats=5, transport="bus")
    assert Cohort.objects.count() == 1


def test_follow_up_visits_are_for_returned_households(accepted, kalbajar_officer):
    offer = accepted[0]
    with pytest.raises(ApplicationError, match="returned"):
        follow_up_record(
            household=offer.household,
            by=kalbajar_officer,
            date=timezone.localdate(),
            finding="living_there",
        )
    keys_hand_over(
        offer=offer,
        by=kalbajar_officer,
        date=timezone.localdate(),
        keys=2,
        signed_form="HF-2",
        outside_departure_reason="came home with relatives",
    )
    with pytest.raises(ApplicationError, match="Describe the problems"):
        follow_up_record(
            household=offer.household,
            by=kalbajar_officer,
            date=timezone.localdate(),
            finding="problems",
        )
    visit = follow_up_record(
        household=offer.household,
        by=kalbajar_officer,
        date=timezone.localdate(),
        finding="problems",
        problems="no gas supply yet",
    )
    assert FollowUpVisit.objects.get() == visit
    assert offer.household.events.filter(action="follow-up visit").exists()


def test_the_cohort_planner_plans_schedules_and_records_who_travelled(
    accepted, planner, kalbajar_officer, places, client_for
):
    client = client_for(planner)
    response = client.post(
        "/returns/cohorts/",
        {
            "destination": places.zar.code,
            "move_date": SOON.isoformat(),
            "seats": 8,
            "transport": "1 minibus",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/returns/cohorts/schedule/", {"schedule-districts": [places.kalbajar.code]}, follow=True
    )
    body = response.content.decode()
    assert "2 households scheduled, 0 still waiting" in body
    assert "proven within 0.00 %" in body
    page = client.get("/returns/cohorts/")
    assert page.context["capacity_chart"]["data"][0]["y"] == [7]
    cohort = Cohort.objects.get()
    officer = client_for(kalbajar_officer)
    passenger = Passenger.objects.get(persons=3)
    officer.post(f"/returns/passengers/{passenger.pk}/answer/", {"travels": "yes"})
    detail = officer.get(f"/returns/cohorts/{cohort.pk}/").content.decode()
    assert "Confirmed" in detail
    assert passenger.reservation.household.reference in detail
    passenger.refresh_from_db()
    assert passenger.status == "confirmed"


def test_an_officer_of_another_district_sees_no_cohort_of_this_one(
    accepted, planner, khojaly_officer, places, client_for
):
    cohort = cohort_plan(
        by=planner, destination=places.zar, move_date=SOON, seats=8, transport="bus"
    )
    cohorts_schedule(by=planner, districts=[places.kalbajar])
    client = client_for(khojaly_officer)
    assert client.get(f"/returns/cohorts/{cohort.pk}/").status_code == 404
    passenger = Passenger.objects.first()
    client.post(f"/returns/passengers/{passenger.pk}/answer/", {"travels": "yes"})
    passenger.refresh_from_db()
    assert passenger.status == "scheduled"


def test_a_follow_up_visit_is_recorded_from_the_household_page(
    accepted, kalbajar_officer, client_for
):
    offer = accepted[0]
    keys_hand_over(
        offer=offer,
        by=kalbajar_officer,
        date=timezone.localdate(),
        keys=2,
        signed_form="HF-3",
        outside_departure_reason="came home with relatives",
    )
    client = client_for(kalbajar_officer)
    page = client.get(f"/registry/households/{offer.household.pk}/").content.decode()
    assert 'id="follow-up-form"' in page
    client.post(
        f"/returns/households/{offer.household.pk}/follow-up/",
        {"date": timezone.localdate().isoformat(), "finding": "left_again", "problems": ""},
    )
    assert offer.household.follow_ups.get().finding == "left_again"


def test_the_api_lists_cohorts_in_scope_and_refuses_bad_filters(
    accepted, planner, khojaly_officer, places, api_for
):
    cohort_plan(by=planner, destination=places.zar, move_date=SOON, seats=8, transport="bus")
    cohorts_schedule(by=planner, districts=[places.kalbajar])
    body = api_for(planner).get("/api/returns/cohorts/", {"destination": places.zar.code}).json()
    assert [
        (c["destination"], c["seats"], c["seats_taken"], c["households"]) for c in body["results"]
    ] == [(places.zar.code, 8, 7, 2)]
    assert api_for(khojaly_officer).get("/api/returns/cohorts/").json()["results"] == []
    assert (
        api_for(planner).get("/api/returns/cohorts/", {"move_date_from": "soon"}).status_code == 400
    )
