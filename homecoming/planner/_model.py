"""The aggregated flow network: households in classes, units in types.

Households that share an origin settlement, a room range and a step-free need
are interchangeable for every unit, so they form a *group*; a group and a
priority form a *class*. Units that share a settlement, a room count and
step-free access form a *type*. The network has one node per group and type, so
its size follows the variety of the programme, not the number of households.

Each component — a settlement under ``settlement`` scope, a district under
``district`` scope, since no household can be housed outside it — is a
circulation of its own::

    source ──class (count, −W1·priority)──> group ──direct (−W2 + surplus)──> type ──(units)──> sink
       ^                                      │                                ^                   │
       │                                      └──> demand pool ──(surplus)──> supply pool          │
       └─────────────────────────────── return (0) ────────────────────────────────────────────────┘

*Direct* arcs join a group to the types of its own settlement and earn the
origin-settlement bonus ``W2``. Under ``district`` scope, groups also reach every
type of the district through two pool layers: a *demand pool* per (room range,
step-free need) and a *supply pool* per (rooms, step-free access), so the
district-wide choice costs a few arcs per group instead of one per type.

Every group also gets the types it would fit best even where no such unit exists
(count 0). They carry no flow; they let the explanations say what one more unit
would change.

Minimising ``−W1·priority − W2·in-origin + surplus`` with ``W2`` above the largest
possible surplus and ``W1`` above the largest possible swing of the two lower
aims is the lexicographic objective; the bounds use only the component's
households, so the same weights hold when units are added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import MAX_COUNT, MAX_PRIORITY, Problem

_ROOMS = MAX_COUNT + 1


def room_key(place: np.ndarray, rooms: np.ndarray, flag: np.ndarray) -> np.ndarray:
    return (place * _ROOMS + rooms) * 2 + flag


def range_key(place: np.ndarray, low: np.ndarray, high: np.ndarray, flag: np.ndarray) -> np.ndarray:
    return room_key(place * _ROOMS + low, high, flag)


def _compatible(
    keys: np.ndarray,
    step_free: np.ndarray,
    place: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    need: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (demand, supply) where a sorted supply in ``place`` fits the demand's range.

    ``keys`` are the supplies' sorted ``room_key``; step-free access is required
    only where ``need`` is set.
    """
    start = np.searchsorted(keys, room_key(place, low, 0), side="left")
    end = np.searchsorted(keys, room_key(place, high, 1), side="right")
    demand, supply = expand_ranges(start, end)
    fits = step_free[supply] | ~need[demand]
    return demand[fits], supply[fits]


def expand_ranges(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each i, the pairs (i, j) with start[i] <= j < end[i], in order."""
    length = np.maximum(end - start, 0)
    owner = np.repeat(np.arange(len(start)), length)
    first = np.cumsum(length) - length
    return owner, np.arange(int(length.sum())) - first[owner] + start[owner]


@dataclass(frozen=True)
class Network:
    """The circulation and what each of its nodes and arcs stands for.

    Nodes: sources ``[0, C)``, sinks ``[C, 2C)``, then groups from ``group_base``,
    types from ``type_base``, then demand pools and supply pools. Arcs, by kind
    (``arcs`` gives each kind's slice): one per class, the direct arcs, one per
    type to its sink, one return arc per component, and under ``district`` scope
    one per group to its demand pool, the pool-to-pool arcs, one per type from its
    supply pool. Each arc's cost is kept split into the three aims
    (``priority_cost`` etc.) so that they can be weighted or solved in stages.
    """

    scope: str
    components: int
    household_group: np.ndarray
    household_class: np.ndarray
    class_group: np.ndarray
    class_priority: np.ndarray
    group_settlement: np.ndarray
    group_smallest: np.ndarray
    group_largest: np.ndarray
    group_needs_step_free: np.ndarray
    group_component: np.ndarray
    group_demand_pool: np.ndarray
    unit_type: np.ndarray
    type_settlement: np.ndarray
    type_rooms: np.ndarray
    type_step_free: np.ndarray
    type_count: np.ndarray
    type_supply_pool: np.ndarray
    direct_group: np.ndarray
    direct_type: np.ndarray
    pool_demand: np.ndarray
    pool_supply: np.ndarray
    group_base: int
    type_base: int
    num_nodes: int
    tail: np.ndarray
    head: np.ndarray
    capacity: np.ndarray
    priority_cost: np.ndarray
    origin_cost: np.ndarray
    surplus_cost: np.ndarray
    node_component: np.ndarray
    component_priority_weight: np.ndarray  # W1
    priority_weight: np.ndarray  # W1 of each arc's component
    origin_weight: np.ndarray  # W2 of each arc's component

    arcs: dict[str, slice]  # "class", "direct", "unit", "return", "group_pool", "pool", "type_pool"

    def cost_bound(self) -> int:
        """An upper bound on the magnitude of any weighted arc cost (a Python int)."""
        if not len(self.tail):
            return 0
        return (
            int(self.priority_weight.max()) * int(-self.priority_cost.min())
            + int(self.origin_weight.max())
            + int(self.surplus_cost.max())
        )

    def weighted_cost(self, dtype: type | np.dtype = np.int64) -> np.ndarray:
        """The one lexicographic cost; ``object`` gives exact Python ints past int64."""
        return (
            self.priority_weight.astype(dtype) * self.priority_cost.astype(dtype)
            + self.origin_weight.astype(dtype) * self.origin_cost.astype(dtype)
            + self.surplus_cost.astype(dtype)
        )


def _arcs(tail, head, capacity, *, priority=0, origin=0, surplus=0) -> tuple:
    """One kind of arc: tails, heads, capacities and the cost in each aim (minimised)."""
    return tail, head, capacity, priority, origin, surplus


@dataclass(frozen=True)
class _Components:
    """The places (settlements or districts) where some household comes from."""

    place_of: np.ndarray  # each settlement's place
    of_place: np.ndarray  # each place's component, -1 without households
    household_component: np.ndarray
    count: int


@dataclass(frozen=True)
class _Groups:
    """Households with the same origin, room range and step-free need; by priority, classes."""

    household_group: np.ndarray
    settlement: np.ndarray
    low: np.ndarray
    high: np.ndarray
    need: np.ndarray
    component: np.ndarray
    household_class: np.ndarray
    class_group: np.ndarray
    class_priority: np.ndarray
    class_count: np.ndarray


@dataclass(frozen=True)
class _Types:
    """The units' kinds in components with households, and each group's best fits."""

    unit_type: np.ndarray
    settlement: np.ndarray
    rooms: np.ndarray
    step_free: np.ndarray
    count: np.ndarray
    component: np.ndarray
    direct_group: np.ndarray
    direct_type: np.ndarray


@dataclass(frozen=True)
class _Pools:
    """Demand pools (district, room range, need) and supply pools (district, rooms,
    step-free access); empty under ``settlement`` scope."""

    group_demand: np.ndarray
    type_supply: np.ndarray
    pool_demand: np.ndarray
    pool_supply: np.ndarray
    pool_surplus: np.ndarray
    demand_component: np.ndarray
    supply_component: np.ndarray


def build_network(problem: Problem) -> Network:
    """Aggregate ``problem`` into the circulation described in the module docstring."""
    components = _components(problem)
    groups = _groups(problem, components)
    types = _types(problem, components, groups)
    pools = _pools(problem, components, groups, types)
    households = np.bincount(components.household_component, minlength=components.count)
    layout = _layout(problem, households, components, groups, types, pools)
    origin_weight, priority_weight = _weights(households, groups, components.count)
    arc_component = layout.node_component[layout.tail]
    return Network(
        scope=problem.scope,
        components=components.count,
        household_group=groups.household_group,
        household_class=groups.household_class,
        class_group=groups.class_group,
        class_priority=groups.class_priority,
        group_settlement=groups.settlement,
        group_smallest=groups.low,
        group_largest=groups.high,
        group_needs_step_free=groups.need,
        group_component=groups.component,
        group_demand_pool=pools.group_demand,
        unit_type=types.unit_type,
        type_settlement=types.settlement,
        type_rooms=types.rooms,
        type_step_free=types.step_free,
        type_count=types.count,
        type_supply_pool=pools.type_supply,
        direct_group=types.direct_group,
        direct_type=types.direct_type,
        pool_demand=pools.pool_demand,
        pool_supply=pools.pool_supply,
        group_base=layout.group_base,
        type_base=layout.type_base,
        num_nodes=layout.num_nodes,
        tail=layout.tail,
        head=layout.head,
        capacity=layout.capacity,
        priority_cost=layout.priority_cost,
        origin_cost=layout.origin_cost,
        surplus_cost=layout.surplus_cost,
        node_component=layout.node_component,
        component_priority_weight=priority_weight,
        priority_weight=priority_weight[arc_component],
        origin_weight=origin_weight[arc_component],
        arcs=layout.slices,
    )


def _components(problem: Problem) -> _Components:
    district_of = problem.settlement_district
    if problem.scope == "district":
        place_of, places_total = district_of, len(problem.districts)
    else:
        place_of, places_total = np.arange(len(district_of)), len(district_of)
    places, household_component = np.unique(
        place_of[problem.household_settlement], return_inverse=True
    )
    of_place = np.full(places_total, -1)
    of_place[places] = np.arange(len(places))
    return _Components(place_of, of_place, household_component, len(places))


def _groups(problem: Problem, components: _Components) -> _Groups:
    h_settlement = problem.household_settlement
    smallest, largest = problem.household_smallest, problem.household_largest
    need = problem.household_needs_step_free
    _, first, household_group = np.unique(
        range_key(h_settlement, smallest, largest, need), return_index=True, return_inverse=True
    )
    class_keys, household_class, class_count = np.unique(
        household_group * (MAX_PRIORITY + 1) + problem.household_priority,
        return_inverse=True,
        return_counts=True,
    )
    class_group, class_priority = np.divmod(class_keys, MAX_PRIORITY + 1)
    return _Groups(
        household_group=household_group,
        settlement=h_settlement[first],
        low=smallest[first],
        high=largest[first],
        need=need[first],
        component=components.household_component[first],
        household_class=household_class,
        class_group=class_group,
        class_priority=class_priority,
        class_count=class_count,
    )


def _types(problem: Problem, components: _Components, groups: _Groups) -> _Types:
    place_of, of_place = components.place_of, components.of_place
    unit_component = of_place[place_of[problem.unit_settlement]]
    unit_keys = room_key(problem.unit_settlement, problem.unit_rooms, problem.unit_step_free)
    wished_group, wished_rooms = expand_ranges(groups.low, groups.high + 1)
    wished_keys = room_key(groups.settlement[wished_group], wished_rooms, groups.need[wished_group])
    in_network = unit_component >= 0
    type_keys, inverse = np.unique(
        np.concatenate([unit_keys[in_network], wished_keys]), return_inverse=True
    )
    unit_type = np.full(len(unit_keys), -1)
    unit_type[in_network] = inverse[: in_network.sum()]
    type_count = np.bincount(unit_type[in_network], minlength=len(type_keys))
    t_rest, t_step_free = np.divmod(type_keys, 2)
    t_settlement, t_rooms = np.divmod(t_rest, _ROOMS)
    t_step_free = t_step_free.astype(bool)
    direct_group, direct_type = _compatible(
        type_keys, t_step_free, groups.settlement, groups.low, groups.high, groups.need
    )
    return _Types(
        unit_type=unit_type,
        settlement=t_settlement,
        rooms=t_rooms,
        step_free=t_step_free,
        count=type_count,
        component=of_place[place_of[t_settlement]],
        direct_group=direct_group,
        direct_type=direct_type,
    )


def _pools(problem: Problem, components: _Components, groups: _Groups, types: _Types) -> _Pools:
    if problem.scope != "district":
        empty = np.zeros(0, int)
        return _Pools(empty, empty, empty, empty, empty, empty, empty)
    district_of = problem.settlement_district
    demand_keys, group_demand = np.unique(
        range_key(district_of[groups.settlement], groups.low, groups.high, groups.need),
        return_inverse=True,
    )
    d_rest, d_need = np.divmod(demand_keys, 2)
    d_rest, d_high = np.divmod(d_rest, _ROOMS)
    d_district, d_low = np.divmod(d_rest, _ROOMS)
    supply_keys, type_supply = np.unique(
        room_key(district_of[types.settlement], types.rooms, types.step_free),
        return_inverse=True,
    )
    pool_demand, pool_supply = _compatible(
        supply_keys,
        (supply_keys % 2).astype(bool),
        d_district,
        d_low,
        d_high,
        d_need.astype(bool),
    )
    return _Pools(
        group_demand=group_demand,
        type_supply=type_supply,
        pool_demand=pool_demand,
        pool_supply=pool_supply,
        pool_surplus=(supply_keys[pool_supply] // 2) % _ROOMS - d_low[pool_demand],
        demand_component=components.of_place[d_district],
        supply_component=components.of_place[supply_keys // 2 // _ROOMS],
    )


@dataclass(frozen=True)
class _Layout:
    """The node layout and the arcs, by kind (see ``Network``)."""

    group_base: int
    type_base: int
    num_nodes: int
    node_component: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    capacity: np.ndarray
    priority_cost: np.ndarray
    origin_cost: np.ndarray
    surplus_cost: np.ndarray
    slices: dict[str, slice]


def _layout(
    problem: Problem,
    households: np.ndarray,
    components: _Components,
    groups: _Groups,
    types: _Types,
    pools: _Pools,
) -> _Layout:
    c = components.count
    group_base = 2 * c
    type_base = group_base + len(groups.settlement)
    demand_base = type_base + len(types.settlement)
    supply_base = demand_base + len(pools.demand_component)
    num_nodes = supply_base + len(pools.supply_component)
    node_component = np.concatenate(
        [
            np.tile(np.arange(c), 2),
            groups.component,
            types.component,
            pools.demand_component,
            pools.supply_component,
        ]
    )
    unlimited = max(len(problem.household_settlement), 1)
    type_nodes = type_base + np.arange(len(types.settlement))
    arcs = {
        "class": _arcs(
            groups.component[groups.class_group],
            group_base + groups.class_group,
            groups.class_count,
            priority=-groups.class_priority,
        ),
        "direct": _arcs(
            group_base + types.direct_group,
            type_base + types.direct_type,
            unlimited,
            origin=-1,
            surplus=types.rooms[types.direct_type] - groups.low[types.direct_group],
        ),
        "unit": _arcs(type_nodes, c + types.component, types.count),
        "return": _arcs(c + np.arange(c), np.arange(c), households),
    }
    if problem.scope == "district":
        arcs["group_pool"] = _arcs(
            group_base + np.arange(len(groups.settlement)),
            demand_base + pools.group_demand,
            unlimited,
        )
        arcs["pool"] = _arcs(
            demand_base + pools.pool_demand,
            supply_base + pools.pool_supply,
            unlimited,
            surplus=pools.pool_surplus,
        )
        arcs["type_pool"] = _arcs(supply_base + pools.type_supply, type_nodes, unlimited)
    ends = np.cumsum([len(arc[0]) for arc in arcs.values()])
    slices = {
        kind: slice(end - len(arc[0]), end)
        for (kind, arc), end in zip(arcs.items(), ends, strict=True)
    }
    tail, head, capacity, priority_cost, origin_cost, surplus_cost = (
        np.concatenate(
            [np.broadcast_to(np.asarray(arc[k]), arc[0].shape) for arc in arcs.values()]
        ).astype(np.int64)
        for k in range(6)
    )
    return _Layout(
        group_base,
        type_base,
        num_nodes,
        node_component,
        tail,
        head,
        capacity,
        priority_cost,
        origin_cost,
        surplus_cost,
        slices,
    )


def _weights(
    households: np.ndarray, groups: _Groups, components: int
) -> tuple[np.ndarray, np.ndarray]:
    """W2 and W1 of each component, from the component's households alone: every housed
    household adds at most the widest room range to the surplus, and at most one to the
    in-origin count."""
    widest = np.zeros(components, dtype=np.int64)
    np.maximum.at(widest, groups.component, groups.high - groups.low)
    surplus_bound = households * widest
    origin_weight = surplus_bound + 1
    priority_weight = origin_weight * households + surplus_bound + 1
    return origin_weight, priority_weight
