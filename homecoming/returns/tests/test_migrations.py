"""Data recorded before a migration reads right after it: the road home's dates of offers and
passengers, the approver and day of runs approved before approvals were recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from homecoming.housing.models import HousingUnit
from homecoming.returns.models import AllocationRun, Passenger, Reservation
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


@pytest.mark.django_db(transaction=True)
def test_runs_approved_before_say_who_approved_them_where_the_records_tell(
    places, make_household, zar_ready, planner, admin
):
    before = [("returns", "0004_road_home_dates_and_return_outside_a_departure")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        Run = old.get_model("returns", "AllocationRun")
        offered = Run.objects.create(
            created_by_id=admin.pk, kind="proposal", scope="settlement", policy={}
        )
        old.get_model("returns", "Reservation").objects.create(
            unit_id=HousingUnit.objects.first().pk,
            household_id=household(make_household, places.zar, 3).pk,
            run=offered,
            created_by_id=planner.pk,
            offered_on=dt.date(2026, 3, 2),
            offer_deadline=dt.date(2026, 3, 16),
        )
        recorded = Run.objects.create(
            created_by_id=admin.pk, kind="proposal", scope="settlement", policy={}
        )
        old.get_model("returns", "HistoricalAllocationRun").objects.create(
            id=recorded.pk,
            created_at=recorded.created_at,
            created_by_id=admin.pk,
            kind="proposal",
            scope="settlement",
            policy={},
            history_date=dt.datetime(2026, 4, 5, 9, 0, tzinfo=dt.UTC),
            history_type="~",
            history_user_id=planner.pk,
        )
        unknown = Run.objects.create(
            created_by_id=admin.pk, kind="proposal", scope="settlement", policy={}
        )
        draft = Run.objects.create(
            created_by_id=admin.pk, kind="what_if", scope="settlement", policy={}
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    runs = {r.pk: r for r in AllocationRun.objects.all()}
    assert (runs[offered.pk].approved_by, runs[offered.pk].approved_on) == (
        planner,
        dt.date(2026, 3, 2),
    )
    assert (runs[recorded.pk].approved_by, runs[recorded.pk].approved_on) == (
        planner,
        timezone.localdate(dt.datetime(2026, 4, 5, 9, 0, tzinfo=dt.UTC)),
    )
    assert runs[unknown.pk].approved
    assert runs[unknown.pk].approved_by is None
    assert not runs[draft.pk].approved
