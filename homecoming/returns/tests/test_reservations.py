"""No unit reserved twice, no household holding two homes — even when two act at once."""

from __future__ import annotations

import threading

import pytest

from homecoming.core.errors import ApplicationError
from homecoming.housing.models import HousingUnit
from homecoming.returns.models import Reservation
from homecoming.returns.services import allocation_approve, allocation_run
from homecoming.returns.tests.fixtures import household


@pytest.mark.django_db
def test_approving_reserves_the_allocated_units_once(places, make_household, zar_ready, planner):
    for _ in range(2):
        household(make_household, places.zar, 3)
    first = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    second = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    assert allocation_approve(run=first, by=planner) == 2
    assert set(HousingUnit.objects.values_list("status", flat=True)) == {"reserved"}
    with pytest.raises(ApplicationError, match="already been approved"):
        allocation_approve(run=first, by=planner)
    with pytest.raises(ApplicationError, match="out of date: 2 unit"):
        allocation_approve(run=second, by=planner)
    assert Reservation.objects.filter(status="active").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_the_same_moment_reserve_each_unit_once(
    places, make_household, zar_ready, planner
):
    for _ in range(2):
        household(make_household, places.zar, 3)
    runs = [
        allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
        for _ in range(2)
    ]
    barrier, outcomes = threading.Barrier(2), []

    def approve(run):
        from django.db import connections

        try:
            barrier.wait()
            outcomes.append(allocation_approve(run=run, by=planner))
        except ApplicationError as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str)[0] == 2
    assert "Run it again" in str(sorted(outcomes, key=str)[1]) or "same moment" in str(
        sorted(outcomes, key=str)[1]
    )
    assert Reservation.objects.filter(status="active").count() == 2
    assert HousingUnit.objects.filter(status="reserved").count() == 2
