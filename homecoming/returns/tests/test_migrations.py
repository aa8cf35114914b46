"""The road home's dates are given to the offers and passengers recorded before they existed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from homecoming.housing.models import HousingUnit
from homecoming.returns.models import Passenger, Reservation
from homecoming.returns.tests.fixtures import household


@pytest.mark.django_db(transaction=True)
def test_offers_and_passengers_recorded_before_are_dated_by_the_day_they_were_written(
    places, make_household, zar_ready, planner
):
    before = [("returns", "0003_cohorts_follow_ups_history")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        waiting = household(make_household, places.zar, 3)
        run = old.get_model("returns", "AllocationRun").objects.create(
            created_by_id=planner.pk, kind="proposal", scope="settlement", policy={}
        )
        offer = old.get_model("returns", "Reservation").objects.create(
            unit_id=HousingUnit.objects.first().pk,
            household_id=waiting.pk,
            run=run,
            created_by_id=planner.pk,
            offer_deadline=dt.date(2030, 1, 1),
        )
        cohort = old.get_model("returns", "Cohort").objects.create(
            move_date=dt.date(2030, 1, 1),
            destination_id=places.zar.pk,
            seats=5,
            transport="bus",
            created_by_id=planner.pk,
        )
        old.get_model("returns", "Passenger").objects.create(
            cohort=cohort, reservation=offer, persons=3
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Reservation.objects.get().offered_on == timezone.localdate(offer.created_at)
    assert Passenger.objects.get().scheduled_on == timezone.localdate(cohort.created_at)
