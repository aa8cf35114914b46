"""Cohort scheduling: which accepted household moves on which departure, free of Django.

Each departure takes households to one destination settlement on one date with a
number of seats. A household needs as many seats as it has members. The schedule
is the optimum of one weighted objective (``Weights``), in this order of weight:

1. move as many people as the seats allow (``move`` per person moved);
2. keep households from one origin village on one departure to a destination
   (``split``: a cost for every departure a village group uses);
3. higher priority earlier (``earlier``: per priority point, for every date
   before the destination's last departure).

Households that are alike (same destination, origin village, size and priority)
are interchangeable, so the model counts them by class: an integer ``y[c, k]``
households of class ``c`` on departure ``k``, and a binary ``z[g, k]`` for village
group ``g`` using departure ``k``. It is a mixed-integer programme solved by
HiGHS (through SciPy) within a time limit; the schedule reports the proven gap
between its value and the best bound HiGHS found (0 when optimal).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array


@dataclass(frozen=True)
class Traveller:
    """An accepted household waiting to move."""

    id: str
    destination: str
    origin: str
    persons: int
    priority: int


@dataclass(frozen=True)
class Departure:
    """Transport to one destination on one date."""

    id: str
    date: dt.date
    destination: str
    seats: int


@dataclass(frozen=True)
class Weights:
    move: int = 10_000
    split: int = 1_000
    earlier: int = 1


@dataclass(frozen=True)
class CohortSchedule:
    """The schedule: each household's departure, or none when the seats ran out."""

    status: str  # "optimal", or "time limit" with the best schedule found and its gap
    gap: float  # (bound - value) / |value|, proven by the solver; 0.0 when optimal
    assignments: dict[str, str]  # household id -> departure id
    unscheduled: tuple[str, ...]
    persons_moved: int
    village_departures: int  # (village group, departure) pairs used: fewer is more together


# HiGHS stops when its schedule is proven within this share of the best possible.
MIP_REL_GAP = 1e-6


class InvalidSchedule(ValueError):
    """The input names the offending record."""


def schedule_cohorts(
    travellers: Sequence[Traveller],
    departures: Sequence[Departure],
    *,
    weights: Weights = Weights(),  # noqa: B008 (frozen, immutable)
    time_limit: float = 30.0,
) -> CohortSchedule:
    """Place travellers on departures to their destination, within the seats.

    Destinations share nothing, so each is solved on its own, in turn, each within
    what is left of ``time_limit``; the gap is that of the whole schedule.
    """
    _check(travellers, departures)
    deadline = time.monotonic() + time_limit
    to: dict[str, list[Traveller]] = defaultdict(list)
    for t in travellers:
        to[t.destination].append(t)
    leaving: dict[str, list[Departure]] = defaultdict(list)
    for d in departures:
        leaving[d.destination].append(d)
    assignments: dict[str, str] = {}
    value = bound = 0.0
    optimal = True
    village_departures = 0
    served = sorted(to.keys() & leaving.keys())
    for index, destination in enumerate(served):
        share = (deadline - time.monotonic()) / (len(served) - index)
        part = _solve_destination(to[destination], leaving[destination], weights, max(share, 0.1))
        assignments |= part.assignments
        value, bound = value + part.value, bound + part.bound
        optimal = optimal and part.optimal
        village_departures += part.village_departures
    persons = {t.id: t.persons for t in travellers}
    return CohortSchedule(
        status="optimal" if optimal else "time limit",
        gap=0.0 if optimal else (bound - value) / max(abs(value), 1.0),
        assignments={t.id: assignments[t.id] for t in travellers if t.id in assignments},
        unscheduled=tuple(t.id for t in travellers if t.id not in assignments),
        persons_moved=sum(persons[h] for h in assignments),
        village_departures=village_departures,
    )


@dataclass(frozen=True)
class _Part:
    assignments: dict[str, str]
    value: float
    bound: float
    optimal: bool
    village_departures: int


def _solve_destination(
    travellers: list[Traveller], departures: list[Departure], weights: Weights, time_limit: float
) -> _Part:
    """The mixed-integer programme of one destination (see the module's docstring)."""
    classes: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for t in travellers:
        classes[(t.origin, t.persons, t.priority)].append(t.id)
    keys = list(classes)
    villages = sorted({origin for origin, _p, _q in keys})
    dates = sorted({d.date for d in departures})
    later = [len(dates) - 1 - dates.index(d.date) for d in departures]
    n_y, n_k = len(keys) * len(departures), len(departures)
    n = n_y + len(villages) * n_k

    def y(c: int, k: int) -> int:
        return c * n_k + k

    def z(v: int, k: int) -> int:
        return n_y + v * n_k + k

    value, upper = np.zeros(n), np.zeros(n)
    rows: list[int] = []
    cols: list[int] = []
    coefs: list[float] = []
    low: list[float] = []
    high: list[float] = []

    def constraint(entries: list[tuple[int, float]], lo: float, hi: float) -> None:
        for col, coef in entries:
            rows.append(len(low))
            cols.append(col)
            coefs.append(coef)
        low.append(lo)
        high.append(hi)

    village = {v: i for i, v in enumerate(villages)}
    for c, (origin, persons, priority) in enumerate(keys):
        count = len(classes[keys[c]])
        constraint([(y(c, k), 1.0) for k in range(n_k)], 0, count)
        for k, d in enumerate(departures):
            value[y(c, k)] = weights.move * persons + weights.earlier * priority * later[k]
            upper[y(c, k)] = most = min(count, d.seats // persons)
            # A class rides only on departures its village uses: y[c, k] <= most * z[v, k].
            constraint([(y(c, k), 1.0), (z(village[origin], k), -most)], -np.inf, 0)
    for k, d in enumerate(departures):
        constraint([(y(c, k), keys[c][1]) for c in range(len(keys))], 0, d.seats)
        for v in range(len(villages)):
            value[z(v, k)], upper[z(v, k)] = -weights.split, 1
    problem = {
        "c": -value,
        "bounds": Bounds(np.zeros(n), upper),
        "constraints": LinearConstraint(
            coo_array((coefs, (rows, cols)), shape=(len(low), n)).tocsr(), low, high
        ),
    }
    result = milp(
        **problem,
        integrality=np.ones(n),
        options={"time_limit": time_limit, "mip_rel_gap": MIP_REL_GAP},
    )
    x = _greedy(keys, classes, departures, villages, n_y)
    if result.x is not None and value @ np.rint(result.x) > value @ x:
        x = np.rint(result.x).astype(int)
    assignments: dict[str, str] = {}
    for c, key in enumerate(keys):
        waiting = iter(classes[key])  # alike households: the first given ride first
        for k, d in enumerate(departures):
            for _ in range(x[y(c, k)]):
                assignments[next(waiting)] = d.id
    achieved = float(value @ x)
    optimal = result.status == 0
    bound = achieved
    if not optimal:
        # The tighter of HiGHS's bound (loose when stopped early, or none) and the
        # linear relaxation's.
        bound = float(-milp(**problem).fun)
        if result.mip_dual_bound is not None:
            bound = min(bound, float(-result.mip_dual_bound))
        bound = max(bound, achieved)
    return _Part(assignments, achieved, bound, optimal, int(x[n_y:].sum()))


def _greedy(
    keys: list[tuple[str, int, int]],
    classes: dict[tuple[str, int, int], list[str]],
    departures: list[Departure],
    villages: list[str],
    n_y: int,
) -> np.ndarray:
    """A first schedule, for when the time limit stops HiGHS before it finds a better one:
    villages in order of their highest priority, each household in priority order on the
    earliest departure with seats left, preferring departures its village already uses."""
    n_k = len(departures)
    x = np.zeros(n_y + len(villages) * n_k, dtype=int)
    seats = [d.seats for d in departures]
    order = sorted(range(n_k), key=lambda k: (departures[k].date, departures[k].id))
    top = defaultdict(int)
    for origin, _persons, priority in keys:
        top[origin] = max(top[origin], priority)
    index = {v: i for i, v in enumerate(villages)}
    for c in sorted(range(len(keys)), key=lambda c: (-top[keys[c][0]], keys[c][0], -keys[c][2])):
        origin, persons, _priority = keys[c]
        v = index[origin]
        for _ in classes[keys[c]]:
            used = [k for k in order if x[n_y + v * n_k + k] and seats[k] >= persons]
            free = [k for k in order if seats[k] >= persons]
            if not free:
                break
            k = (used or free)[0]
            x[c * n_k + k] += 1
            x[n_y + v * n_k + k] = 1
            seats[k] -= persons
    return x


def _check(travellers: Sequence[Traveller], departures: Sequence[Departure]) -> None:
    seen: dict[str, int] = {}
    for index, t in enumerate(travellers):
        where = f"households[{index}] (id {t.id!r})"
        if t.id in seen:
            raise InvalidSchedule(f"{where}: duplicate id, first at households[{seen[t.id]}]")
        seen[t.id] = index
        if t.persons < 1:
            raise InvalidSchedule(f"{where}: persons must be at least 1, got {t.persons}")
        if t.priority < 0:
            raise InvalidSchedule(f"{where}: priority must not be negative, got {t.priority}")
    ids: dict[str, int] = {}
    for index, d in enumerate(departures):
        where = f"departures[{index}] (id {d.id!r})"
        if d.id in ids:
            raise InvalidSchedule(f"{where}: duplicate id, first at departures[{ids[d.id]}]")
        ids[d.id] = index
        if d.seats < 0:
            raise InvalidSchedule(f"{where}: seats must not be negative, got {d.seats}")
