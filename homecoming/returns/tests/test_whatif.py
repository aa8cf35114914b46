"""Two policy versions side by side: who changes and why, ranks, both allocations, fairness."""

from __future__ import annotations

import numpy as np

from homecoming.returns.whatif import Population, Side, compare, ranks

ROOMS = [[1, 1, 3]]
UNIT = {"id": "u1", "settlement": "S1", "district": "D1", "rooms": 2, "step_free": False}


def population(n: int) -> Population:
    return Population(
        ids=np.arange(1, n + 1),
        settlement=np.array(["S1"] * n),
        district=np.array(["D1"] * n),
        accommodation=np.array(["hostel", "private"] * (n // 2) + ["hostel"] * (n % 2)),
        size=np.full(n, 2),
        vulnerable=np.zeros(n, bool),
        step_free=np.zeros(n, bool),
        head_sex=np.array(["female"] * n),
        head_age=np.full(n, 40),
        years_displaced=np.full(n, 30),
    )


def side(eligible: list[bool], priority: list[int], failed: list[set[str]]) -> Side:
    return Side(
        eligible=np.array(eligible),
        reasons=lambda i: frozenset(failed[i]),
        priority=np.array(priority),
        rooms=ROOMS,
    )


def test_ranks_share_the_best_place_on_equal_priority_and_skip_the_ineligible():
    rank = ranks(np.array([True, True, False, True, True]), np.array([5, 9, 99, 5, 1]))
    assert rank.tolist() == [2, 1, 0, 2, 4]


def test_a_household_that_loses_eligibility_is_listed_first_with_the_condition_that_changed():
    # Three households, one home. A: priorities 10, 20, 5, all eligible: household 2 is
    # housed. B weighs household 1 higher (40) and refuses household 3 (not verified).
    a = side([True, True, True], [10, 20, 5], [set(), set(), set()])
    b = side([True, True, False], [40, 20, 5], [set(), set(), {"verified"}])
    comparison = compare(population(3), a, b, units=[UNIT], scope="settlement")

    assert comparison.households == 3
    assert comparison.eligible == (3, 2)
    assert comparison.housed == (1, 1)
    assert (comparison.eligibility_changes, comparison.gained, comparison.lost) == (1, 1, 1)
    first, second, third = comparison.changes
    assert first.household == 3
    assert first.eligible == (True, False)
    assert first.now_fails == {"verified"}
    assert first.no_longer_fails == frozenset()
    assert first.rank == (3, None)
    assert first.move is None
    # Then the homes: household 1 gains the home, household 2 loses it; each moves one place.
    assert (second.household, second.housed, second.rank, second.move) == (
        1,
        (False, True),
        (2, 1),
        1,
    )
    assert (third.household, third.housed, third.rank, third.move) == (2, (True, False), (1, 2), -1)
    assert (comparison.moved_up, comparison.moved_down, comparison.kept_rank) == (1, 1, 0)
    assert [c.household for c in comparison.largest_up] == [1]
    assert [c.household for c in comparison.largest_down] == [2]
    assert len(comparison.changes[1:]) == 2


def test_both_allocations_are_the_planners_optimum_with_explanations():
    a = side([True, True], [10, 20], [set(), set()])
    b = side([True, True], [40, 20], [set(), set()])
    plan_a, plan_b = compare(population(2), a, b, units=[UNIT], scope="settlement").plans
    assert dict(plan_a.assignments) == {"2": "u1"}
    assert dict(plan_b.assignments) == {"1": "u1"}
    assert plan_b.explanations["2"]["why"] == "outbid"


def test_the_fairness_tables_count_homes_by_group_under_each_version():
    # Household 1 lives in a hostel, household 2 privately: B houses the hostel instead.
    a = side([True, True], [10, 20], [set(), set()])
    b = side([True, True], [40, 20], [set(), set()])
    table = compare(population(2), a, b, units=[UNIT], scope="settlement").fairness["accommodation"]
    hostel = next(row for row in table.rows if row.key == "hostel")
    assert (hostel.a.housed.count, hostel.b.housed.count) == (0, 1)
    assert hostel.b.housed_disparity.ratio == 2.0
    assert hostel.b.housed_disparity.points == 50.0


def test_nothing_changes_when_a_version_is_compared_with_itself():
    a = side([True, True, False], [10, 20, 5], [set(), set(), {"verified"}])
    comparison = compare(population(3), a, a, units=[UNIT], scope="settlement")
    assert len(comparison.changes) == 0
    assert comparison.kept_rank == 2
