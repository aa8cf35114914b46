"""Fixtures for return planning: a settlement ready for return, and eligible households."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_table
from homecoming.housing.services import projects_import, units_import, utilities_import
from homecoming.housing.tests.conftest import project_row, unit_row
from homecoming.programmes.defaults import first_policy
from homecoming.programmes.models import PolicyVersion, Programme
from homecoming.registry.models import Household


@pytest.fixture
def zar_ready(places):
    """Zar with two ready 3-room units and every required service; no hazard area."""
    assert projects_import(table=make_table([project_row()])).ok
    assert units_import(table=make_table([unit_row("1"), unit_row("2")])).ok
    assert utilities_import(
        table=make_table(
            [
                {
                    "settlement": "Zar",
                    "service": s,
                    "status": "commissioned",
                    "commissioned_on": "2025-01-01",
                }
                for s in ("electricity", "water", "school", "clinic")
            ]
        )
    ).ok


def household(make_household, settlement, members: int, **fields) -> Household:
    created = make_household(settlement, *[("Elvin", f"Məmmədov{i}") for i in range(members)])
    values = {"status": "verified", "intention": "return_now", "displaced_on": dt.date(1993, 4, 2)}
    Household.objects.filter(pk=created.pk).update(**(values | fields))
    return Household.objects.get(pk=created.pk)


# The day a departure left, in the recent past: every step before it is dated earlier.
LEFT_ON = timezone.localdate() - dt.timedelta(days=5)


@pytest.fixture
def on_board(places, make_household, zar_ready, planner, kalbajar_officer):
    """Two Zar households (4 and 3 people) on a departure to Zar that left five days ago:
    offered 30 days before it, accepted 20 days before, scheduled 14 days before. The
    household of 4 confirmed its seat; the household of 3 did not, and missed it.
    Returns the two passengers, the larger first."""
    from homecoming.registry.services import consent_record
    from homecoming.returns.models import Passenger, Reservation
    from homecoming.returns.services import (
        allocation_approve,
        allocation_run,
        cohort_depart,
        cohort_plan,
        cohorts_schedule,
        offer_accept,
        passenger_answer,
    )

    for size in (4, 3):
        household(make_household, places.zar, size, verified_on=LEFT_ON - dt.timedelta(days=60))
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    allocation_approve(run=run, by=planner, on=LEFT_ON - dt.timedelta(days=30))
    for offer in Reservation.objects.select_related("household"):
        consent_record(
            household=offer.household,
            by=kalbajar_officer,
            given_on=LEFT_ON - dt.timedelta(days=40),
            document="CF-1",
        )
        offer_accept(offer=offer, by=kalbajar_officer, on=LEFT_ON - dt.timedelta(days=20))
    cohort = cohort_plan(
        by=planner,
        destination=places.zar,
        move_date=LEFT_ON,
        seats=8,
        transport="bus",
        today=LEFT_ON - dt.timedelta(days=14),
    )
    cohorts_schedule(by=planner, districts=[places.kalbajar], today=LEFT_ON - dt.timedelta(days=14))
    boarding, missing = Passenger.objects.order_by("-persons")
    passenger_answer(passenger=boarding, by=kalbajar_officer, travels=True)
    cohort_depart(cohort=cohort, by=kalbajar_officer)
    return list(Passenger.objects.order_by("-persons"))


STEPS = [
    {"key": "visit", "label": {"en": "Go-and-see visit", "az": "Tanışlıq səfəri"}},
    {"key": "form", "label": {"en": "Voluntary repatriation form signed"}},
]


@pytest.fixture
def repatriation(db, places) -> Programme:
    """A cross-border programme whose policy in force lists two steps before return."""
    programme = Programme.objects.create(
        code="concept", name="Concept of Return", kind=Programme.Kind.REPATRIATION
    )
    PolicyVersion.objects.create(
        programme=programme,
        number=1,
        status=PolicyVersion.Status.APPROVED,
        in_force_from=timezone.localdate() - dt.timedelta(days=1),
        approved_at=timezone.now(),
        offer_answer_days=14,
        rooms=first_policy()["rooms"],
        steps=STEPS,
    )
    return programme
