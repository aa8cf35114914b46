"""Writes of return planning: allocation runs."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from homecoming.accounts.access import RETURN_PLAN, require
from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.places.models import Area
from homecoming.planner import InvalidProblem, solve
from homecoming.returns.models import AllocationResult, AllocationRun
from homecoming.returns.selectors import (
    eligibility,
    households_in,
    planner_households,
    planner_units,
)


def allocation_run(
    *, by: User, districts: list[Area], scope: str, kind: str = AllocationRun.Kind.WHAT_IF
) -> AllocationRun:
    """Run the planner on the eligible households and ready units of ``districts``.

    A what-if changes no household and no unit: it records the run and its explanations.
    """
    require(by, RETURN_PLAN)
    if not districts:
        raise ApplicationError("Choose at least one district.")
    checked = eligibility(households_in(districts))
    eligible = [e.household for e in checked if e.eligible]
    households, priorities = planner_households(eligible, timezone.localdate())
    units = planner_units(districts)
    policy = {"scope": scope, "rooms": settings.RETURN_ROOMS_POLICY}
    try:
        plan = solve({"policy": policy, "households": households, "units": units})
    except InvalidProblem as exc:
        raise ApplicationError(f"The planner refused the input: {exc}") from exc
    with transaction.atomic():
        run = AllocationRun.objects.create(
            created_by=by,
            kind=kind,
            scope=scope,
            policy=policy | {"priority_weights": settings.RETURN_PRIORITY_WEIGHTS},
            status=plan.status,
            objective=plan.to_json()["objective"],
            households_considered=len(checked),
            households_not_eligible=len(checked) - len(eligible),
            units_considered=len(units),
            ineligible_reasons=dict(
                Counter(reason for e in checked for reason in e.reasons).most_common()
            ),
        )
        run.districts.set(districts)
        AllocationResult.objects.bulk_create(
            [
                AllocationResult(
                    run=run,
                    household=household,
                    unit_id=int(plan.assignments[str(household.pk)])
                    if str(household.pk) in plan.assignments
                    else None,
                    priority=priorities[household.pk][0],
                    priority_breakdown=priorities[household.pk][1],
                    explanation=plan.explanations[str(household.pk)],
                )
                for household in eligible
            ],
            batch_size=2000,
        )
    return run
