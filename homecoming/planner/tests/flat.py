"""An independent exact solver on the flat household × unit graph, and instance makers.

It shares nothing with the planner but the contract: compatibility and the three
aims are re-implemented here from the issue's wording, and the optimum is found
by SciPy's Hungarian method (``linear_sum_assignment``) with one dummy column per
household for "not housed".
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

ROOMS = [[1, 1, 2], [2, 1, 2], [3, 2, 3], [4, 2, 3], [5, 3, 4], [6, 3, 4], [7, 4, 5]]


def room_range(rooms: list[list[int]], size: int) -> tuple[int, int]:
    row = [r for r in rooms if r[0] <= size][-1]
    return row[1], row[2]


def flat_objective(problem: dict) -> tuple[int, int, int]:
    """The optimal (priority, in origin settlement, surplus rooms) triple."""
    policy, households, units = problem["policy"], problem["households"], problem["units"]
    if not households or not units:
        return (0, 0, 0)
    ranges = [room_range(policy["rooms"], h["size"]) for h in households]
    widest = max(high - low for low, high in ranges)
    surplus_weight = 1
    origin_weight = len(households) * widest + 1
    priority_weight = origin_weight * len(households) + len(households) * widest + 1
    forbidden = 1e18
    cost = np.full((len(households), len(units) + len(households)), forbidden)
    cost[:, len(units) :] = 0.0
    for i, (h, (low, high)) in enumerate(zip(households, ranges, strict=True)):
        for j, u in enumerate(units):
            if not fits(policy["scope"], h, low, high, u):
                continue
            home = u["settlement"] == h["origin_settlement"]
            cost[i, j] = -(
                priority_weight * h["priority"]
                + origin_weight * home
                - surplus_weight * (u["rooms"] - low)
            )
    rows, cols = linear_sum_assignment(cost)
    triple = [0, 0, 0]
    for i, j in zip(rows, cols, strict=True):
        if j < len(units):
            h, u = households[i], units[j]
            triple[0] += h["priority"]
            triple[1] += u["settlement"] == h["origin_settlement"]
            triple[2] += u["rooms"] - ranges[i][0]
    return tuple(triple)


def fits(scope: str, household: dict, low: int, high: int, unit: dict) -> bool:
    if unit["district"] != household["origin_district"]:
        return False
    if scope == "settlement" and unit["settlement"] != household["origin_settlement"]:
        return False
    if household["needs_step_free"] and not unit["step_free"]:
        return False
    return low <= unit["rooms"] <= high


def random_problem(
    rng: np.random.Generator,
    *,
    households: int,
    units: int,
    scope: str,
    districts: int = 2,
    settlements: int = 3,
    priorities: int = 6,
) -> dict:
    """Small places on purpose: many households compete for the same units.

    Settlement names repeat across districts ("s0" in d0 and in d1 are two places).
    """

    def place() -> tuple[str, str]:
        return f"d{rng.integers(districts)}", f"s{rng.integers(settlements)}"

    people = []
    for i in range(households):
        district, settlement = place()
        people.append(
            {
                "id": f"h{i:03d}",
                "origin_settlement": settlement,
                "origin_district": district,
                "size": int(rng.integers(1, 9)),
                "needs_step_free": bool(rng.random() < 0.2),
                "priority": int(rng.integers(priorities)),
            }
        )
    homes = []
    for j in range(units):
        district, settlement = place()
        homes.append(
            {
                "id": f"u{j:03d}",
                "settlement": settlement,
                "district": district,
                "rooms": int(rng.integers(1, 7)),
                "step_free": bool(rng.random() < 0.3),
            }
        )
    return {"policy": {"scope": scope, "rooms": ROOMS}, "households": people, "units": homes}
