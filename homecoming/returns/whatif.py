"""What if another policy version were in force: two versions side by side on the registry.

Every household waiting for a home in the chosen districts is judged under both versions
(its facts read once); the households whose eligibility changes are listed with the
conditions that changed it; each household's rank by priority under each version is
compared; both allocations are solved to the proven optimum by the planner from the same
ready units, with their explanations; and the fairness of both is measured by group
(``programmes/fairness.py``). docs/policies.md, "Comparing two versions: what-if and
fairness".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from homecoming.planner import Plan, solve
from homecoming.programmes.fairness import (
    HEAD_AGE_EDGES,
    SIZE_EDGES,
    YEARS_DISPLACED_EDGES,
    Table,
    band_of,
    fairness_table,
)

# The groupings of the fairness tables, in the order a page shows them.
GROUPINGS = (
    "district",
    "accommodation",
    "vulnerability",
    "head_sex",
    "head_age",
    "size",
    "years_displaced",
)
LARGEST_MOVES = 10  # the households named among those that move most, each way


@dataclass(frozen=True)
class Population:
    """The households compared, in columns aligned by position: what the planner and the
    fairness groupings read of each."""

    ids: np.ndarray  # Household pk
    settlement: np.ndarray  # origin settlement code
    district: np.ndarray  # origin district code
    accommodation: np.ndarray  # AccommodationKind
    size: np.ndarray  # current members (at least 1 for the planner)
    vulnerable: np.ndarray  # any current member with a vulnerability
    step_free: np.ndarray  # a member with a disability: needs a step-free home
    head_sex: np.ndarray  # Member.Sex of the current head, "" when none is recorded
    head_age: np.ndarray  # whole years, -1 when unknown
    years_displaced: np.ndarray  # whole years, -1 when unknown

    def __len__(self) -> int:
        return len(self.ids)

    def groups(self, grouping: str) -> np.ndarray:
        """Each household's group in ``grouping`` (bands as their index, -1 unknown)."""
        return {
            "district": lambda: self.district,
            "accommodation": lambda: self.accommodation,
            "vulnerability": lambda: self.vulnerable,
            "head_sex": lambda: self.head_sex,
            "head_age": lambda: band_of(self.head_age, HEAD_AGE_EDGES),
            "size": lambda: band_of(self.size, SIZE_EDGES),
            "years_displaced": lambda: band_of(self.years_displaced, YEARS_DISPLACED_EDGES),
        }[grouping]()


@dataclass(frozen=True)
class Side:
    """One version's verdicts on the population: eligible or not, the conditions and gates
    each household fails (keys), and its priority score."""

    eligible: np.ndarray
    failed: Sequence[frozenset[str]]
    priority: np.ndarray
    rooms: list[list[int]]  # the version's rooms table, for its allocation


@dataclass(frozen=True)
class Change:
    """A household whose eligibility, home or rank differs between the versions."""

    household: int  # Household pk
    eligible: tuple[bool, bool]
    housed: tuple[bool, bool]
    priority: tuple[int, int]
    rank: tuple[int | None, int | None]  # among the eligible, 1 the highest; None: not eligible
    now_fails: frozenset[str]  # conditions and gates failed under B, not under A
    no_longer_fails: frozenset[str]  # failed under A, not under B

    @property
    def move(self) -> int | None:
        """Places moved up from A to B (negative: down); None unless eligible under both."""
        if self.rank[0] is None or self.rank[1] is None:
            return None
        return self.rank[0] - self.rank[1]


@dataclass(frozen=True)
class Comparison:
    households: int
    eligible: tuple[int, int]
    housed: tuple[int, int]
    units: int
    changes: Changes  # eligibility changes, then homes, then rank moves (largest first)
    eligibility_changes: int
    gained: int  # housed under B, not under A
    lost: int  # housed under A, not under B
    moved_up: int
    moved_down: int
    kept_rank: int
    largest_up: list[Change]
    largest_down: list[Change]
    fairness: dict[str, Table]
    plans: tuple[Plan, Plan] = field(repr=False)


def ranks(eligible: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """Each eligible household's rank by priority, 1 the highest, households of equal
    priority sharing the best rank (1, 2, 2, 4); 0 for a household not eligible."""
    scores = priority[eligible]
    ordered = np.sort(-scores)
    rank = np.zeros(len(priority), np.int64)
    rank[eligible] = np.searchsorted(ordered, -scores, side="left") + 1
    return rank


def planner_records(
    population: Population, chosen: np.ndarray, priority: np.ndarray
) -> list[dict[str, Any]]:
    """The planner's household records (docs/planner.md, Input) of the households at
    positions ``chosen``, with their ``priority``."""
    return [
        {
            "id": str(pk),
            "origin_settlement": settlement,
            "origin_district": district,
            "size": max(1, int(size)),
            "needs_step_free": bool(step_free),
            "priority": int(score),
        }
        for pk, settlement, district, size, step_free, score in zip(
            population.ids[chosen].tolist(),
            population.settlement[chosen].tolist(),
            population.district[chosen].tolist(),
            population.size[chosen].tolist(),
            population.step_free[chosen].tolist(),
            priority[chosen].tolist(),
            strict=True,
        )
    ]


def _allocate(population: Population, side: Side, units: list[dict], scope: str) -> Plan:
    chosen = np.flatnonzero(side.eligible)
    return solve(
        {
            "policy": {"scope": scope, "rooms": side.rooms},
            "households": planner_records(population, chosen, side.priority),
            "units": units,
        }
    )


class Changes(Sequence[Change]):
    """The households that change, in order, each made into a :class:`Change` only when read
    (a page reads one page of them; at national scale most households move rank)."""

    def __init__(self, make: Any, positions: np.ndarray) -> None:
        self._make, self._positions = make, positions

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._make(int(i)) for i in self._positions[index]]
        return self._make(int(self._positions[index]))


def compare(
    population: Population, a: Side, b: Side, *, units: list[dict], scope: str
) -> Comparison:
    """Versions ``a`` and ``b`` side by side on ``population``, both allocating ``units``."""
    plans = (_allocate(population, a, units, scope), _allocate(population, b, units, scope))
    order = np.argsort(population.ids)
    housed = []
    for plan in plans:
        column = np.zeros(len(population), bool)
        pks = np.fromiter(plan.assignments, np.int64, len(plan.assignments))
        column[order[np.searchsorted(population.ids, pks, sorter=order)]] = True
        housed.append(column)
    rank_a, rank_b = ranks(a.eligible, a.priority), ranks(b.eligible, b.priority)
    both = a.eligible & b.eligible
    move = np.where(both, rank_a - rank_b, 0)
    flipped = a.eligible != b.eligible
    rehoused = housed[0] != housed[1]

    def change(i: int) -> Change:
        return Change(
            household=int(population.ids[i]),
            eligible=(bool(a.eligible[i]), bool(b.eligible[i])),
            housed=(bool(housed[0][i]), bool(housed[1][i])),
            priority=(int(a.priority[i]), int(b.priority[i])),
            rank=(int(rank_a[i]) or None, int(rank_b[i]) or None),
            now_fails=b.failed[i] - a.failed[i],
            no_longer_fails=a.failed[i] - b.failed[i],
        )

    # Eligibility changes first, then homes, then rank moves, largest first; by household.
    changed = np.flatnonzero(flipped | rehoused | (move != 0))
    changed = changed[
        np.lexsort(
            (
                population.ids[changed],
                -np.abs(move[changed]),
                ~rehoused[changed],
                ~flipped[changed],
            )
        )
    ]
    up = np.flatnonzero(move > 0)
    down = np.flatnonzero(move < 0)
    return Comparison(
        households=len(population),
        eligible=(int(a.eligible.sum()), int(b.eligible.sum())),
        housed=(len(plans[0].assignments), len(plans[1].assignments)),
        units=len(units),
        changes=Changes(change, changed),
        eligibility_changes=int(flipped.sum()),
        gained=int((housed[1] & ~housed[0]).sum()),
        lost=int((housed[0] & ~housed[1]).sum()),
        moved_up=len(up),
        moved_down=len(down),
        kept_rank=int(both.sum()) - len(up) - len(down),
        largest_up=[change(i) for i in up[np.argsort(-move[up], kind="stable")][:LARGEST_MOVES]],
        largest_down=[
            change(i) for i in down[np.argsort(move[down], kind="stable")][:LARGEST_MOVES]
        ],
        fairness={
            grouping: fairness_table(
                population.groups(grouping),
                a=(a.eligible, housed[0]),
                b=(b.eligible, housed[1]),
            )
            for grouping in GROUPINGS
        },
        plans=plans,
    )
