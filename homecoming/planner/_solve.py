"""The public entry point: check, aggregate, solve, hand out units, explain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._explain import explain
from ._flow import circulation
from ._model import Network, build_network, expand_ranges
from ._validate import Problem, read_problem


@dataclass(frozen=True)
class Objective:
    """The three aims, in the order they rank."""

    priority: int
    in_origin_settlement: int
    surplus_rooms: int


@dataclass(frozen=True)
class Plan:
    """A proven-optimal allocation and why each household got what it got.

    ``assignments`` maps each housed household's id to its unit's id, and
    ``explanations`` every household's id to why, as values a page puts into words
    in its own language (``_explain.py``: ``why`` is ``housed``, ``no_fit`` or
    ``outbid``; empty when solved with ``explanations=False``); both follow the
    households' input order.
    """

    status: str
    message: str
    objective: Objective
    assignments: Mapping[str, str]
    explanations: Mapping[str, dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """The output document of the contract (see ``docs/planner.md``)."""
        return {
            "status": self.status,
            "message": self.message,
            "objective": {
                "priority": self.objective.priority,
                "in_origin_settlement": self.objective.in_origin_settlement,
                "surplus_rooms": self.objective.surplus_rooms,
            },
            "assignments": [{"household": h, "unit": u} for h, u in self.assignments.items()],
            "explanations": dict(self.explanations),
        }


def solve(problem: dict[str, Any], *, explanations: bool = True) -> Plan:
    """Allocate ready units to households, optimally for the programme's three aims.

    The aims rank lexicographically: the largest total priority of the households
    housed, then the most households housed in their own origin settlement, then
    the fewest rooms above each household's smallest acceptable count. Households
    and units are aggregated into classes and types (see ``_model.py``) and solved
    as one min-cost circulation, so the optimum is proven, not approximated.

    Parameters
    ----------
    problem : dict
        The input document: ``policy``, ``households`` and ``units`` as in
        ``docs/planner.md``. Unknown fields are ignored.
    explanations : bool, optional
        Whether to write the explanations; they need two shortest-path passes over
        the network, which a caller after the objective alone can skip.

    Returns
    -------
    Plan
        ``status`` is ``"optimal"``: the empty allocation is always feasible, so
        every valid problem has an optimum.

    Raises
    ------
    InvalidProblem
        On the first record that breaks the contract, naming it.

    Examples
    --------
    >>> plan = solve({
    ...     "policy": {"scope": "settlement", "rooms": [[1, 1, 2], [3, 2, 3], [5, 3, 4]]},
    ...     "households": [
    ...         {"id": "h1", "origin_settlement": "Zar", "origin_district": "Kalbajar",
    ...          "size": 4, "needs_step_free": False, "priority": 35},
    ...         {"id": "h2", "origin_settlement": "Zar", "origin_district": "Kalbajar",
    ...          "size": 3, "needs_step_free": False, "priority": 40}],
    ...     "units": [{"id": "u1", "settlement": "Zar", "district": "Kalbajar",
    ...                "rooms": 3, "step_free": False}]})
    >>> plan.status, plan.objective, plan.assignments
    ('optimal', Objective(priority=40, in_origin_settlement=1, surplus_rooms=1), {'h2': 'u1'})
    >>> reason = plan.explanations["h1"]
    >>> reason["why"], reason["priority"], reason["needed"], reason["clearing"]
    ('outbid', 35, 41, [{'priority': 40, 'rooms': 3, 'step_free': False, 'settlement': 'Zar'}])
    >>> reason["more"]
    {'rooms': 2, 'step_free': False, 'settlement': 'Zar'}
    """
    checked = read_problem(problem)
    net = build_network(checked)
    flow, stages = circulation(net)
    unit_of, first_waiting = _hand_out(checked, net, flow)
    housed = np.flatnonzero(unit_of >= 0)
    units = unit_of[housed]
    objective = Objective(
        priority=int(checked.household_priority[housed].sum()),
        in_origin_settlement=int(
            (checked.unit_settlement[units] == checked.household_settlement[housed]).sum()
        ),
        surplus_rooms=int((checked.unit_rooms[units] - checked.household_smallest[housed]).sum()),
    )
    how = (
        "one weighted stage"
        if stages == 1
        else f"{stages} lexicographic stages, as one weighted cost would overflow int64"
    )
    return Plan(
        status="optimal",
        message=(
            "Optimal: a min-cost circulation over "
            f"{_count(len(net.class_group), 'household class')} and "
            f"{_count(len(net.type_count), 'unit type')} in "
            f"{_count(net.components, 'independent component')}, solved in {how}."
        ),
        objective=objective,
        assignments={
            checked.household_ids[i]: checked.unit_ids[u]
            for i, u in zip(housed.tolist(), units.tolist(), strict=True)
        },
        explanations=explain(checked, net, flow, unit_of, first_waiting) if explanations else {},
    )


def _count(number: int, noun: str) -> str:
    plural = noun + ("es" if noun.endswith("s") else "s")
    return f"{number:,} {noun if number == 1 else plural}"


def _ranks(ids: list[str]) -> np.ndarray:
    order = np.argsort(np.array(ids, dtype=str), kind="stable")
    rank = np.empty(len(ids), np.int64)
    rank[order] = np.arange(len(ids))
    return rank


def _split(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Match two runs of amounts with equal totals in order: (left, right, amount) pieces.

    Both runs are listed by the node they meet at, and flow is conserved there, so
    the cumulative totals agree at every node boundary and pieces never straddle one.
    """
    left_ends, right_ends = np.cumsum(left), np.cumsum(right)
    ends = np.union1d(left_ends, right_ends)
    starts = np.concatenate([[0], ends[:-1]])
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    return (
        np.searchsorted(left_ends, starts, side="right"),
        np.searchsorted(right_ends, starts, side="right"),
        ends - starts,
    )


def _hand_out(problem: Problem, net: Network, flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concrete units for the households, from the class and type flows.

    Within a class, households are housed in id order. Within a group, every
    split of its units is equally optimal, so the higher priorities get the units
    in their origin settlement first, then the fewest rooms, then by id. Returns
    each household's unit index (-1: not housed) and whether it is the first of
    its class left waiting.
    """
    household_rank = _ranks(problem.household_ids)
    housed_per_class = flow[net.arcs["class"]]
    order = np.lexsort((household_rank, net.household_class))
    in_class = net.household_class[order]
    position = np.arange(len(order)) - np.searchsorted(in_class, in_class)
    housed = order[position < housed_per_class[in_class]]
    first_waiting = np.zeros(len(order), bool)
    first_waiting[order[position == housed_per_class[in_class]]] = True

    # (group, type, count) pieces: direct arcs, then pool flows split at both pools.
    direct = flow[net.arcs["direct"]]
    pieces = [(net.direct_group[direct > 0], net.direct_type[direct > 0], direct[direct > 0])]
    if net.scope == "district":
        by_demand = np.argsort(net.group_demand_pool, kind="stable")
        group_piece, pool_piece, amount = _split(
            flow[net.arcs["group_pool"]][by_demand], flow[net.arcs["pool"]]
        )
        group_piece, supply = by_demand[group_piece], net.pool_supply[pool_piece]
        by_supply = np.argsort(supply, kind="stable")
        by_type_supply = np.argsort(net.type_supply_pool, kind="stable")
        group_at, type_at, amount = _split(
            amount[by_supply], flow[net.arcs["type_pool"]][by_type_supply]
        )
        pieces.append((group_piece[by_supply][group_at], by_type_supply[type_at], amount))
    group, kind, count = (np.concatenate(column) for column in zip(*pieces, strict=True))
    by_kind = np.lexsort((group, kind))
    group, kind, count = group[by_kind], kind[by_kind], count[by_kind]
    before = np.cumsum(count) - count
    offset = before - before[np.searchsorted(kind, kind)]

    unit_rank = _ranks(problem.unit_ids)
    unit_order = np.lexsort((unit_rank, net.unit_type))
    first_unit = np.searchsorted(net.unit_type[unit_order], kind) + offset
    piece, slot = expand_ranges(first_unit, first_unit + count)
    units, group = unit_order[slot], group[piece]
    away = net.type_settlement[kind[piece]] != net.group_settlement[group]
    units = units[np.lexsort((unit_rank[units], problem.unit_rooms[units], away, group))]
    housed = housed[
        np.lexsort(
            (
                household_rank[housed],
                -problem.household_priority[housed],
                net.household_group[housed],
            )
        )
    ]
    unit_of = np.full(len(order), -1)
    unit_of[housed] = units
    return unit_of, first_waiting
