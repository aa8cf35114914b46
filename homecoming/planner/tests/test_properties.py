"""Properties over generated problems (Hypothesis): optimal, valid, and honestly explained."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homecoming.planner import solve
from homecoming.planner.tests.claims import broken_claims
from homecoming.planner.tests.flat import fits, flat_objective, room_range

PLACES = [("d1", "s1"), ("d1", "s2"), ("d2", "s1"), ("d2", "s3")]  # "s1" is in both districts


@st.composite
def rooms_tables(draw):
    sizes = sorted(draw(st.sets(st.integers(1, 6), min_size=1, max_size=4)) | {1})
    table = []
    for size in sizes:
        low = draw(st.integers(1, 4))
        table.append([size, low, low + draw(st.integers(0, 2))])
    return table


@st.composite
def problems(draw):
    places = st.sampled_from(PLACES)
    households = [
        {
            "id": f"h{i}",
            "origin_district": place[0],
            "origin_settlement": place[1],
            "size": draw(st.integers(1, 8)),
            "needs_step_free": draw(st.booleans()),
            "priority": draw(st.integers(0, 4)),
        }
        for i, place in enumerate(draw(st.lists(places, max_size=10)))
    ]
    units = [
        {
            "id": f"u{j}",
            "district": place[0],
            "settlement": place[1],
            "rooms": draw(st.integers(1, 6)),
            "step_free": draw(st.booleans()),
        }
        for j, place in enumerate(draw(st.lists(places, max_size=10)))
    ]
    scope = draw(st.sampled_from(["settlement", "district"]))
    return {
        "policy": {"scope": scope, "rooms": draw(rooms_tables())},
        "households": households,
        "units": units,
    }


common = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(problems())
def test_the_objective_equals_the_flat_optimum(problem):
    objective = solve(problem, explanations=False).objective
    triple = (objective.priority, objective.in_origin_settlement, objective.surplus_rooms)
    assert triple == flat_objective(problem)


@common
@given(problems())
def test_no_unit_or_household_is_used_twice_and_every_pair_is_compatible(problem):
    plan = solve(problem)
    households = {h["id"]: h for h in problem["households"]}
    units = {u["id"]: u for u in problem["units"]}
    pairs = [(a["household"], a["unit"]) for a in plan.to_json()["assignments"]]
    assert len({h for h, _ in pairs}) == len(pairs)
    assert len({u for _, u in pairs}) == len(pairs)
    for h, u in pairs:
        low, high = room_range(problem["policy"]["rooms"], households[h]["size"])
        assert fits(problem["policy"]["scope"], households[h], low, high, units[u])


@common
@given(problems())
def test_every_household_is_explained_and_every_claim_holds(problem):
    plan = solve(problem)
    assert list(plan.explanations) == [h["id"] for h in problem["households"]]
    assert broken_claims(problem, plan) == []
