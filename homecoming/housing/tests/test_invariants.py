"""A housing unit's status moves only along the allowed edges (Hypothesis): whatever changes
are asked for, by whom and with the project in whatever state, the unit's recorded history
is a walk on the transition graph, reserved/occupied are entered and left only by the returns
workflow, a unit becomes ready only under a completed project, and a refused change leaves
no trace.

Each example runs in a savepoint that is rolled back, so examples do not see each other.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homecoming.core.errors import ApplicationError
from homecoming.housing.models import HousingUnit, Project
from homecoming.housing.services import RETURNS_WORKFLOW, TRANSITIONS, unit_status_change

pytestmark = pytest.mark.django_db

Status = HousingUnit.Status
EDGES = {(old, new) for old, targets in TRANSITIONS.items() for new in targets}

requests = st.lists(
    st.tuples(
        st.sampled_from(Status.values),  # the status asked for
        st.booleans(),  # asked by the returns workflow
        st.sampled_from(Project.Status.values),  # the project's status at that moment
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(asked=requests)
def test_a_unit_moves_only_along_allowed_edges(zar_housing, asked):
    with transaction.atomic():
        unit = HousingUnit.objects.select_related("building__project").get(number="1")
        for status, by_returns, project_status in asked:
            # The unit's own project instance: refresh_from_db() below drops it, and the
            # service must judge the project as it is now.
            project = unit.building.project
            project.status = project_status
            project.save(update_fields=["status"])
            before, changes = unit.status, unit.history.count()
            try:
                unit_status_change(unit=unit, status=status, by_returns=by_returns)
            except ApplicationError:
                unit.refresh_from_db()
                assert (unit.status, unit.history.count()) == (before, changes)
                continue
            if status != before:
                assert (before, status) in EDGES
                assert by_returns or not {before, status} & RETURNS_WORKFLOW
                assert status != Status.READY or project_status == Project.Status.COMPLETED
        walk = list(unit.history.order_by("id").values_list("status", flat=True))
        assert all(step in EDGES for step in zip(walk, walk[1:], strict=False))
        assert HousingUnit.objects.get(pk=unit.pk).status == walk[-1] == unit.status
        transaction.set_rollback(True)


def test_every_status_can_be_reached_and_left():
    """The graph has no dead end and no status out of reach, so no unit gets stuck."""
    assert {old for old, _ in EDGES} == {new for _, new in EDGES} == set(Status.values)
