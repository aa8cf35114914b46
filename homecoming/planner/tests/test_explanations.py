"""The explanations: what they say, and that every claim in them holds when re-solved."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from homecoming.planner import solve
from homecoming.planner.tests.claims import broken_claims
from homecoming.planner.tests.flat import ROOMS, random_problem


def household(id_: str, settlement: str = "Zar", **fields) -> dict:
    return {
        "id": id_,
        "origin_settlement": settlement,
        "origin_district": "Kalbajar",
        "size": 4,
        "needs_step_free": False,
        "priority": 35,
    } | fields


def unit(id_: str, settlement: str = "Zar", **fields) -> dict:
    return {
        "id": id_,
        "settlement": settlement,
        "district": "Kalbajar",
        "rooms": 3,
        "step_free": False,
    } | fields


def problem(scope: str, households: list[dict], units: list[dict]) -> dict:
    return {"policy": {"scope": scope, "rooms": ROOMS}, "households": households, "units": units}


def test_it_says_why_a_household_got_its_unit():
    plan = solve(
        problem("settlement", [household("h1", size=1)], [unit("u1", rooms=2, step_free=True)])
    )
    assert plan.explanations["h1"] == {
        "why": "housed",
        "rooms": 2,
        "step_free": True,
        "settlement": "Zar",
        "origin": "Zar",
        "size": 1,
        "smallest": 1,
        "largest": 2,
    }


def test_it_says_a_household_housed_elsewhere_found_its_settlement_full():
    plan = solve(
        problem(
            "district",
            [household("h1", priority=50), household("h2", priority=40)],
            [unit("u1"), unit("u2", "Kəlbəcər", rooms=2)],
        )
    )
    assert plan.assignments == {"h1": "u1", "h2": "u2"}
    assert plan.explanations["h2"] == {
        "why": "housed",
        "rooms": 2,
        "step_free": False,
        "settlement": "Kəlbəcər",
        "origin": "Zar",
        "size": 4,
        "smallest": 2,
        "largest": 3,
        "origin_full": True,
    }


def test_it_says_when_no_unit_in_the_district_fits_at_all():
    plan = solve(
        problem("district", [household("h1", needs_step_free=True)], [unit("u1", "Kəlbəcər")])
    )
    assert plan.explanations["h1"] == {
        "why": "no_fit",
        "scope": "district",
        "place": "Kalbajar",
        "smallest": 2,
        "largest": 3,
        "step_free": True,
        "more": {"rooms": 2, "step_free": True, "settlement": "Zar"},
    }


def test_it_names_the_clearing_priority_an_outranked_household_must_beat():
    plan = solve(
        problem(
            "settlement",
            [household("h1"), household("h2", size=3, priority=40)],
            [unit("u1")],
        )
    )
    assert plan.explanations["h1"] == {
        "why": "outbid",
        "priority": 35,
        "needed": 41,
        "clearing": [{"priority": 40, "rooms": 3, "step_free": False, "settlement": "Zar"}],
        "more": {"rooms": 2, "step_free": False, "settlement": "Zar"},
    }


def test_it_lists_the_cheapest_kinds_of_unit_first_and_at_most_three():
    households = [household(f"h{i}", priority=40 + i) for i in range(6)] + [household("late")]
    units = [unit("a", rooms=2), unit("b", rooms=3), unit("c", "Kəlbəcər", rooms=2)]
    units += [unit("d", "Qubadlı", rooms=3), unit("e", "Laçın", rooms=2)]
    clearing = solve(problem("district", households, units)).explanations["late"]["clearing"]
    assert [(c["priority"], c["rooms"], c["settlement"]) for c in clearing[:2]] == [
        (41, 2, "Zar"),
        (41, 3, "Zar"),
    ]
    assert [(c["priority"], c["rooms"]) for c in clearing[2:]] == [(41, 2)]


def test_it_promises_an_extra_unit_only_to_the_first_household_waiting_in_its_class():
    plan = solve(problem("settlement", [household("h2"), household("h1")], []))
    assert plan.explanations["h1"]["more"] == {"rooms": 2, "step_free": False, "settlement": "Zar"}
    assert plan.explanations["h2"]["more"] is None


def test_it_explains_every_household_exactly_once():
    rng = np.random.default_rng(3)
    case = random_problem(rng, households=80, units=60, scope="district")
    plan = solve(case)
    assert list(plan.explanations) == [h["id"] for h in case["households"]]
    housed = set(plan.assignments)
    for id_, reason in plan.explanations.items():
        assert (reason["why"] == "housed") == (id_ in housed)


def test_it_skips_the_explanations_when_asked():
    plan = solve(problem("settlement", [household("h1")], [unit("u1")]), explanations=False)
    assert (plan.assignments, plan.explanations) == ({"h1": "u1"}, {})


@pytest.mark.parametrize("scope", ["settlement", "district"])
@pytest.mark.parametrize("seed", range(25))
def test_every_claim_holds_when_re_solved(scope, seed):
    rng = np.random.default_rng(1000 + seed)
    case = random_problem(
        rng, households=int(rng.integers(1, 30)), units=int(rng.integers(0, 30)), scope=scope
    )
    assert broken_claims(case, solve(case)) == []


def test_the_claims_are_exercised_by_the_seeded_problems():
    reasons = []
    for seed in range(25):
        rng = np.random.default_rng(1000 + seed)
        case = random_problem(
            rng,
            households=int(rng.integers(1, 30)),
            units=int(rng.integers(0, 30)),
            scope="district",
        )
        reasons += solve(case).explanations.values()
    assert sum("needed" in r for r in reasons) > 50
    assert sum(bool(r.get("more")) for r in reasons) > 50


def test_the_claims_hold_when_the_aims_are_solved_in_stages():
    rng = np.random.default_rng(5)
    case = random_problem(
        rng, households=3000, units=3000, scope="district", districts=1, settlements=100,
        priorities=101,
    )  # fmt: skip
    for h in case["households"]:
        h["priority"] *= 10**7
    plan = solve(case)
    assert "3 lexicographic stages" in plan.message
    assert broken_claims(case, plan, limit=4) == []


def test_raising_a_priority_to_the_stated_one_houses_the_household():
    case = problem("settlement", [household("h1"), household("h2", priority=40)], [unit("u1")])
    plan = solve(case)
    needed = plan.explanations["h1"]["needed"]
    raised = copy.deepcopy(case)
    raised["households"][0]["priority"] = needed
    assert solve(raised).assignments == {"h1": "u1"}
