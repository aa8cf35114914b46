"""A household walks the road home through the real services, in any order Hypothesis tries.

After every action, refused or not, the step the household page shows must be the one it
stood at or one ``road.EDGES`` allows from there, the dates shown must stay in order (none in
the future, none before the displacement), and what a household no longer holds is free: no
active offer once it is back to waiting, no seat once it is back to accepted. Each example
runs in a savepoint rolled back at its end, so the examples do not see each other.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from homecoming.accounts.models import Role
from homecoming.core.errors import ApplicationError
from homecoming.housing.models import HousingUnit
from homecoming.registry.models import Household
from homecoming.registry.services import (
    change_request_create,
    change_request_decide,
    consent_record,
    household_intention_record,
    household_verify,
)
from homecoming.returns.models import PASSAGE_OPEN, Cohort, Passenger, Reservation
from homecoming.returns.road import EDGES, Step, may_move
from homecoming.returns.selectors import road_home
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_depart,
    cohort_plan,
    cohorts_schedule,
    follow_up_record,
    household_withdraw,
    keys_hand_over,
    offer_accept,
    offer_decline,
    passenger_answer,
)
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# A step is tried a few days before the last one (refused), on the same day, or after it;
# the clock starts 120 days ago, so some tries fall in the future (refused too).
GAPS = st.integers(min_value=-3, max_value=25)


def shown(household: Household) -> tuple[Step, list[dt.date]]:
    """The step the household page shows the household at, and the dates it shows."""
    road = road_home(Household.objects.get(pk=household.pk))
    dates = [s.date for s in road if s.date is not None]
    if not any(s.state == "current" for s in road) and not road[-1].done:
        return Step.WITHDRAWN, dates
    return Step([s.name for s in road if s.done][-1]), dates


def walk(world) -> type[RuleBasedStateMachine]:
    places, planner, officer, second, make_household, reached = world

    class RoadHome(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.household = household(
                make_household,
                places.zar,
                3,
                status="registered",
                registered_on=TODAY - dt.timedelta(days=130),
            )
            consent_record(
                household=self.household,
                by=officer,
                given_on=TODAY - dt.timedelta(days=125),
                document="CF-1",
            )
            self.clock = TODAY - dt.timedelta(days=120)
            self.refusals: list[str] = []
            self.at = shown(self.household)[0]
            reached.add(self.at)

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def offer(self) -> Reservation | None:
            return self.household.reservations.filter(status="active").first()

        def passage(self) -> Passenger | None:
            return Passenger.objects.filter(
                reservation__household=self.household, status__in=PASSAGE_OPEN
            ).first()

        def act(self, action, gap: int = 0) -> None:
            """Try ``action`` dated ``gap`` days after the last step; a refusal is in words."""
            on = self.clock + dt.timedelta(days=gap)
            try:
                action(on)
            except ApplicationError as exc:
                self.refusals.append(exc.message)
            else:
                self.clock = max(self.clock, min(on, TODAY))

        @precondition(lambda self: self.at == Step.REGISTERED)
        @rule(gap=GAPS)
        def verify(self, gap: int) -> None:
            self.act(lambda on: household_verify(household=self.household, by=officer, on=on), gap)

        @precondition(lambda self: self.at in (Step.VERIFIED, Step.ELIGIBLE))
        @rule(now=st.booleans())
        def change_intention(self, now: bool) -> None:
            """Eligibility comes and goes: a household that no longer wants to return now."""
            household_intention_record(
                household=Household.objects.get(pk=self.household.pk),
                by=officer,
                intention="return_now" if now else "return_later",
            )

        @precondition(lambda self: self.at in (Step.VERIFIED, Step.ELIGIBLE))
        @rule(gap=GAPS)
        def offer_a_home(self, gap: int) -> None:
            run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
            self.act(lambda on: allocation_approve(run=run, by=planner, on=on), gap)

        @precondition(lambda self: self.at == Step.OFFERED)
        @rule(gap=GAPS, accepts=st.booleans())
        def answer(self, gap: int, accepts: bool) -> None:
            offer = self.offer()
            if accepts:
                self.act(lambda on: offer_accept(offer=offer, by=officer, on=on), gap)
            else:
                self.act(
                    lambda on: offer_decline(offer=offer, by=officer, reason="too far", on=on), gap
                )

        @precondition(lambda self: self.at == Step.ACCEPTED)
        @rule(lead=st.integers(min_value=0, max_value=10), gap=GAPS)
        def schedule(self, lead: int, gap: int) -> None:
            def plan(on: dt.date) -> None:
                cohort_plan(
                    by=planner,
                    destination=places.zar,
                    move_date=on + dt.timedelta(days=lead),
                    seats=5,
                    transport="bus",
                    today=on,
                )
                cohorts_schedule(by=planner, districts=[places.kalbajar], today=on)

            self.act(plan, gap)

        @precondition(lambda self: self.at in (Step.SCHEDULED, Step.BOARDED))
        @rule(travels=st.sampled_from([True, True, False]))
        def answer_for_the_seat(self, travels: bool) -> None:
            passage = self.passage()
            self.act(
                lambda on: passenger_answer(
                    passenger=passage, by=officer, travels=travels, note="ill"
                )
            )

        @precondition(lambda self: self.at == Step.SCHEDULED)
        @rule()
        def departure_leaves(self) -> None:
            cohort = self.passage().cohort
            self.act(lambda on: cohort_depart(cohort=cohort, by=officer))
            if cohort.move_date <= TODAY:
                self.clock = max(self.clock, cohort.move_date)

        @precondition(lambda self: self.at in (Step.ACCEPTED, Step.SCHEDULED, Step.BOARDED))
        @rule(gap=GAPS, reason=st.sampled_from(["", "came by car"]))
        def hand_over_the_keys(self, gap: int, reason: str) -> None:
            offer = self.offer()
            self.act(
                lambda on: keys_hand_over(
                    offer=offer,
                    by=officer,
                    date=on,
                    keys=2,
                    signed_form="HF-1",
                    outside_departure_reason=reason,
                ),
                gap,
            )

        @precondition(lambda self: self.at in (Step.RETURNED, Step.FOLLOWED_UP))
        @rule(gap=GAPS)
        def visit(self, gap: int) -> None:
            self.act(
                lambda on: follow_up_record(
                    household=self.household, by=officer, date=on, finding="living_there"
                ),
                gap,
            )

        @precondition(lambda self: self.at != Step.WITHDRAWN)
        @rule(tried=st.sampled_from([True, *[False] * 7]))
        def withdraw(self, tried: bool) -> None:
            """Withdrawn at any step, refused once the keys were handed over; tried one time
            in eight, so that the walks still reach home."""
            if not tried:
                return
            self.act(
                lambda on: household_withdraw(
                    household=Household.objects.get(pk=self.household.pk),
                    by=officer,
                    reason="moved abroad",
                )
            )

        @precondition(lambda self: self.at == Step.WITHDRAWN)
        @rule()
        def reinstate(self) -> None:
            request = change_request_create(
                household=Household.objects.get(pk=self.household.pk),
                by=officer,
                part="reinstatement",
                proposed={},
                reason="came back",
            )
            change_request_decide(request=request, by=second, approve=True)

        @invariant()
        def the_road_is_walked_along_its_edges_and_in_date_order(self) -> None:
            now, dates = shown(self.household)
            assert may_move(self.at, now), f"{self.at} → {now}"
            self.at = now
            reached.add(now)
            assert dates == sorted(dates)
            assert all(self.household.displaced_on <= d <= TODAY for d in dates[1:])
            assert all(self.refusals)  # every refusal says why

        @invariant()
        def what_the_household_no_longer_holds_is_free(self) -> None:
            active = self.household.reservations.filter(status="active")
            if self.at in (Step.REGISTERED, Step.VERIFIED, Step.ELIGIBLE, Step.WITHDRAWN):
                assert not active.exists()
                assert not HousingUnit.objects.filter(status="reserved").exists()
            if self.at in (Step.ACCEPTED, Step.RETURNED, Step.FOLLOWED_UP, Step.WITHDRAWN):
                assert self.passage() is None
            if self.at == Step.SCHEDULED:
                assert self.passage().cohort.status == Cohort.Status.PLANNED

    return RoadHome


def test_the_road_home_is_walked_only_along_its_edges_with_dates_in_order(
    places, zar_ready, planner, kalbajar_officer, make_user, make_household
):
    reached: set[Step] = set()
    second = make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,))
    machine = walk((places, planner, kalbajar_officer, second, make_household, reached))
    machine.TestCase.settings = settings(
        max_examples=10,
        stateful_step_count=16,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    machine.TestCase().runTest()
    # The walks (seeded: the same every run) reach the road's far end.
    assert {
        Step.REGISTERED,
        Step.ELIGIBLE,
        Step.OFFERED,
        Step.RETURNED,
        Step.WITHDRAWN,
    } <= reached, reached


def test_every_step_of_the_road_can_be_reached_and_leads_home():
    """Along ``road.EDGES`` every step is reached from registration, and from every step
    but a withdrawal's the household can still reach a follow-up visit at home."""

    def reachable(start: Step) -> set[Step]:
        seen, todo = {start}, [start]
        while todo:
            for step in EDGES[todo.pop()] - seen:
                seen.add(step)
                todo.append(step)
        return seen

    assert reachable(Step.REGISTERED) == set(Step)
    assert all(Step.FOLLOWED_UP in reachable(step) for step in Step)
