"""The planner's optimum against an independent exact solver, and what a plan must be."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from homecoming.planner import Objective, solve
from homecoming.planner.tests.flat import ROOMS, fits, flat_objective, random_problem, room_range

EXAMPLE = {
    "policy": {"scope": "settlement", "rooms": ROOMS},
    "households": [
        {
            "id": "h1",
            "origin_settlement": "s1",
            "origin_district": "d1",
            "size": 4,
            "needs_step_free": False,
            "priority": 35,
        }
    ],
    "units": [{"id": "u1", "settlement": "s1", "district": "d1", "rooms": 3, "step_free": False}],
}


def as_triple(objective: Objective) -> tuple[int, int, int]:
    return objective.priority, objective.in_origin_settlement, objective.surplus_rooms


def assert_is_a_valid_allocation(problem: dict, plan) -> None:
    households = {h["id"]: h for h in problem["households"]}
    units = {u["id"]: u for u in problem["units"]}
    pairs = [(a["household"], a["unit"]) for a in plan.to_json()["assignments"]]
    chosen_households = [h for h, _ in pairs]
    chosen_units = [u for _, u in pairs]
    assert len(set(chosen_households)) == len(chosen_households)
    assert len(set(chosen_units)) == len(chosen_units)
    rooms = problem["policy"]["rooms"]
    for h, u in pairs:
        low, high = room_range(rooms, households[h]["size"])
        assert fits(problem["policy"]["scope"], households[h], low, high, units[u])
    assert list(plan.explanations) == list(households)


def test_it_solves_the_example_of_the_issue():
    plan = solve(EXAMPLE)
    assert plan.to_json() == {
        "status": "optimal",
        "message": plan.message,
        "objective": {"priority": 35, "in_origin_settlement": 1, "surplus_rooms": 1},
        "assignments": [{"household": "h1", "unit": "u1"}],
        "explanations": {
            "h1": {
                "why": "housed",
                "rooms": 3,
                "step_free": False,
                "settlement": "s1",
                "origin": "s1",
                "size": 4,
                "smallest": 2,
                "largest": 3,
            }
        },
    }


def test_it_solves_a_problem_with_nothing_to_allocate():
    plan = solve({"policy": EXAMPLE["policy"], "households": [], "units": []})
    assert (plan.status, as_triple(plan.objective), plan.assignments) == ("optimal", (0, 0, 0), {})


def test_it_leaves_everyone_waiting_when_no_unit_is_ready():
    problem = copy.deepcopy(EXAMPLE) | {"units": []}
    plan = solve(problem)
    assert plan.assignments == {}
    assert plan.explanations["h1"] == {
        "why": "no_fit",
        "scope": "settlement",
        "place": "s1",
        "smallest": 2,
        "largest": 3,
        "step_free": False,
        "more": {"rooms": 2, "step_free": False, "settlement": "s1"},
    }


@pytest.mark.parametrize("scope", ["settlement", "district"])
@pytest.mark.parametrize("seed", range(40))
def test_it_matches_the_flat_optimum_on_seeded_random_problems(scope, seed):
    rng = np.random.default_rng(seed)
    problem = random_problem(
        rng, households=int(rng.integers(1, 45)), units=int(rng.integers(0, 45)), scope=scope
    )
    plan = solve(problem)
    assert as_triple(plan.objective) == flat_objective(problem)
    assert_is_a_valid_allocation(problem, plan)


@pytest.mark.parametrize("scope", ["settlement", "district"])
def test_it_matches_the_flat_optimum_where_hundreds_compete(scope):
    rng = np.random.default_rng(2024)
    problem = random_problem(
        rng, households=300, units=240, scope=scope, districts=3, settlements=8, priorities=101
    )
    plan = solve(problem)
    assert as_triple(plan.objective) == flat_objective(problem)
    assert_is_a_valid_allocation(problem, plan)


def test_it_ranks_priority_above_the_origin_settlement():
    problem = {
        "policy": {"scope": "district", "rooms": ROOMS},
        "households": [
            {"id": "near", "origin_settlement": "s1", "origin_district": "d1", "size": 3,
             "needs_step_free": False, "priority": 10},
            {"id": "far", "origin_settlement": "s2", "origin_district": "d1", "size": 3,
             "needs_step_free": False, "priority": 11},
        ],
        "units": [{"id": "u1", "settlement": "s1", "district": "d1", "rooms": 2, "step_free": False}],
    }  # fmt: skip
    plan = solve(problem)
    assert plan.assignments == {"far": "u1"}
    reason = plan.explanations["far"]
    assert (reason["settlement"], reason["origin"], reason["origin_full"]) == ("s1", "s2", False)


def test_it_ranks_the_origin_settlement_above_surplus_rooms():
    problem = {
        "policy": {"scope": "district", "rooms": ROOMS},
        "households": [
            {"id": "h1", "origin_settlement": "s1", "origin_district": "d1", "size": 3,
             "needs_step_free": False, "priority": 5},
        ],
        "units": [
            {"id": "exact", "settlement": "s2", "district": "d1", "rooms": 2, "step_free": False},
            {"id": "roomy", "settlement": "s1", "district": "d1", "rooms": 3, "step_free": False},
        ],
    }  # fmt: skip
    assert solve(problem).assignments == {"h1": "roomy"}


def test_it_gives_a_step_free_unit_to_anyone_but_needs_one_for_those_who_need_it():
    problem = copy.deepcopy(EXAMPLE)
    problem["households"].append(problem["households"][0] | {"id": "h2", "needs_step_free": True})
    problem["units"] = [EXAMPLE["units"][0] | {"step_free": True}]
    problem["households"][0]["priority"] = 36
    assert solve(problem).assignments == {"h1": "u1"}
    problem["households"][1]["priority"] = 37
    assert solve(problem).assignments == {"h2": "u1"}
    problem["units"][0]["step_free"] = False
    assert solve(problem).assignments == {"h1": "u1"}


def test_it_treats_same_named_settlements_in_two_districts_as_two_places():
    for scope in ("settlement", "district"):
        problem = copy.deepcopy(EXAMPLE)
        problem["policy"]["scope"] = scope
        problem["units"][0]["district"] = "d2"
        assert solve(problem).assignments == {}


def test_it_returns_the_same_plan_every_time():
    rng = np.random.default_rng(7)
    problem = random_problem(rng, households=60, units=50, scope="district")
    assert solve(problem) == solve(copy.deepcopy(problem))


def test_it_houses_households_of_one_class_in_id_order():
    problem = copy.deepcopy(EXAMPLE)
    problem["households"] = [problem["households"][0] | {"id": i} for i in ("h3", "h1", "h2")]
    problem["units"].append(EXAMPLE["units"][0] | {"id": "u0"})
    assert list(solve(problem).assignments.items()) == [("h1", "u0"), ("h2", "u1")]


def test_it_solves_in_stages_when_one_weighted_cost_would_overflow_int64():
    rng = np.random.default_rng(5)
    problem = random_problem(
        rng, households=3000, units=3000, scope="district", districts=1, settlements=100,
        priorities=101,
    )  # fmt: skip
    scaled = copy.deepcopy(problem)
    for household in scaled["households"]:
        household["priority"] *= 10**7
    plain, staged = solve(problem, explanations=False), solve(scaled, explanations=False)
    assert "one weighted stage" in plain.message
    assert "3 lexicographic stages" in staged.message
    # Scaling every priority keeps the order of all plans: the same optimum, scaled.
    assert as_triple(staged.objective) == (
        plain.objective.priority * 10**7,
        plain.objective.in_origin_settlement,
        plain.objective.surplus_rooms,
    )
