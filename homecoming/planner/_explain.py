"""Why each household got what it got, read off the duals of the optimal flow.

In the residual graph of an optimal circulation there is no negative cycle, so
shortest-path distances are exact dual prices. Two of them make the claims:

* ``to_source[x]``, the cheapest way from node ``x`` back to its source. A
  waiting household of group ``g`` and priority ``q`` closes a cycle
  ``source → g → … → source`` worth ``−W1·q + to_source[g]``; it is housed in
  every optimum exactly when that is negative, so the least priority that
  houses it is ``to_source[g] // W1 + 1``. Through a type ``t`` the same
  reasoning gives the type's clearing priority, the highest priority that still
  does not win a unit of it: ``(cost(g ⇝ t) + to_source[t]) // W1``.
* ``from_sink[t]``, the cheapest way from the sink to type ``t``: one more unit
  of ``t`` improves the plan by that much when negative, along the shortest
  paths. If every shortest path enters the network through the class arc of
  the household's class, the extra unit houses a household of that class in
  every optimum — the first one waiting, in id order.

A claim is made only when it holds for every optimum of the changed problem,
so a re-solve confirms it whichever optimum the solver returns.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._flow import path_roots, residual_arcs, shortest_distances
from ._model import Network, expand_ranges, room_key
from ._validate import MAX_COUNT, Problem

LISTED_TYPES = 3  # clearing priorities named per household: the cheapest kinds of unit

# An explanation is a value, never a sentence: a page puts it into words in its own language
# (``returns/explanations.py``). Its ``why`` is one of these; the other keys are numbers,
# flags and the settlement and district ids of the input.
HOUSED = "housed"  # in a unit of ``settlement`` (its ``origin``, or elsewhere)
NO_FIT = "no_fit"  # waiting: no unit of its settlement or district fits it
OUTBID = "outbid"  # waiting: units fit it, but households of higher priority take them


def _best(owner: np.ndarray, type_: np.ndarray, key: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` lowest-key candidates of each owner, each type once."""
    order = np.lexsort((type_, key, owner))
    _, first = np.unique(
        owner[order] * (type_.max(initial=0) + 1) + type_[order], return_index=True
    )
    order = order[np.sort(first)]
    owners = owner[order]
    return order[np.arange(len(order)) - np.searchsorted(owners, owners) < limit]


def _clearing_lists(
    net: Network, cost: np.ndarray, to_source: np.ndarray
) -> list[list[tuple[int, int]]]:
    """Per group, the kinds of ready unit that fit it with the lowest clearing priorities.

    Returns (clearing priority, type) pairs; own-settlement kinds come first at equal
    clearing priority.
    """
    weight = net.component_priority_weight.astype(cost.dtype)
    type_to_source = to_source[net.type_base : net.type_base + len(net.type_count)]
    ready = net.type_count > 0

    arcs = np.arange(net.arcs["direct"].start, net.arcs["direct"].stop)[ready[net.direct_type]]
    group = net.direct_group[ready[net.direct_type]]
    type_ = net.direct_type[ready[net.direct_type]]
    value = cost[arcs] + type_to_source[type_]
    groups, types, elsewhere = [group], [type_], [np.zeros(len(group), np.int64)]
    clearing = [(value // weight[net.group_component[group]]).astype(np.int64)]

    if net.scope == "district":
        # A pool arc (demand, supply) reaches every ready type of its supply pool.
        by_pool = np.argsort(net.type_supply_pool, kind="stable")
        pools = net.type_supply_pool[by_pool]
        arc, slot = expand_ranges(
            np.searchsorted(pools, net.pool_supply, side="left"),
            np.searchsorted(pools, net.pool_supply, side="right"),
        )
        type_ = by_pool[slot]
        arc, type_ = arc[ready[type_]], type_[ready[type_]]
        demand = net.pool_demand[arc]
        demand_component = np.zeros(net.group_demand_pool.max(initial=-1) + 1, np.int64)
        demand_component[net.group_demand_pool] = net.group_component
        value = cost[net.arcs["pool"].start + arc] + type_to_source[type_]
        pool_clearing = (value // weight[demand_component[demand]]).astype(np.int64)
        # Keep enough per pool that a group's own-settlement kinds, listed again
        # above with their bonus, cannot crowd out the kinds from elsewhere.
        own_most = np.bincount(group, minlength=len(net.group_settlement)).max(initial=0)
        best = _best(demand, type_, pool_clearing, LISTED_TYPES + own_most)
        demand, type_, pool_clearing = demand[best], type_[best], pool_clearing[best]
        by_demand = np.argsort(net.group_demand_pool, kind="stable")
        demands = net.group_demand_pool[by_demand]
        member, candidate = expand_ranges(
            np.searchsorted(demand, demands, side="left"),
            np.searchsorted(demand, demands, side="right"),
        )
        groups.append(by_demand[member])
        types.append(type_[candidate])
        clearing.append(pool_clearing[candidate])
        elsewhere.append(np.ones(len(member), np.int64))

    group, type_, clearing_, elsewhere_ = (
        np.concatenate(column) for column in (groups, types, clearing, elsewhere)
    )
    best = _best(group, type_, clearing_ * 2 + elsewhere_, LISTED_TYPES)
    lists: list[list[tuple[int, int]]] = [[] for _ in net.group_settlement]
    for g, t, c in zip(
        group[best].tolist(), type_[best].tolist(), clearing_[best].tolist(), strict=True
    ):
        lists[g].append((c, t))
    return lists


def _extra_units(
    net: Network, from_sink: np.ndarray, root: np.ndarray, tied: np.ndarray, classes: np.ndarray
) -> dict[int, int]:
    """For each class given, the smallest best-fitting kind one more unit of which houses it.

    The kinds tried are in the group's own settlement, with each room count of its
    range and step-free access only if it needs it. Returns class -> type.
    """
    group = net.class_group[classes]
    owner, rooms = expand_ranges(net.group_smallest[group], net.group_largest[group] + 1)
    wished = room_key(
        net.group_settlement[group][owner], rooms, net.group_needs_step_free[group][owner]
    )
    kinds = room_key(net.type_settlement, net.type_rooms, net.type_step_free)
    node = net.type_base + np.searchsorted(kinds, wished)
    houses = (root[node] == classes[owner]) & ~tied[node] & (from_sink[node] < 0)
    owner, node = owner[houses], node[houses]
    _, first = np.unique(owner, return_index=True)
    return dict(
        zip(classes[owner[first]].tolist(), (node[first] - net.type_base).tolist(), strict=True)
    )


def _duals(net: Network, flow: np.ndarray) -> dict[str, np.ndarray]:
    """Costs, distances and path labels of the residual graph, exact at any size."""
    n = net.num_nodes
    # Every distance is a path of fewer than n arcs, each within the cost bound.
    infinity = (net.cost_bound() + 1) * (n + 1)
    dtype = np.int64 if infinity < 2**62 else object
    cost = net.weighted_cost(dtype)
    tails, heads, costs, arc, forward = residual_arcs(
        net.tail, net.head, cost, flow, np.zeros_like(flow), net.capacity
    )
    sources, sinks = np.arange(net.components), net.components + np.arange(net.components)
    start = np.full(n, infinity, dtype=dtype)
    start[sources] = 0
    to_source = shortest_distances(n, heads, tails, costs, start=start, infinity=infinity)
    start = np.full(n, infinity, dtype=dtype)
    start[sinks] = 0
    from_sink = shortest_distances(n, tails, heads, costs, start=start, infinity=infinity)
    # Class arcs come first, so a forward class arc's index is its class.
    labels = np.where(forward & (arc < net.arcs["class"].stop), arc, -1)
    root, tied = path_roots(from_sink, tails, heads, costs, labels, sinks, infinity)
    groups = slice(net.group_base, net.group_base + len(net.group_settlement))
    weight = net.component_priority_weight.astype(dtype)[net.group_component]
    needed = np.where(to_source[groups] < infinity, to_source[groups] // weight + 1, -1)
    return {
        "cost": cost,
        "to_source": to_source,
        "from_sink": from_sink,
        "root": root,
        "tied": tied,
        "needed": needed.astype(np.int64),
    }


class _Reasons:
    """The explanations' values, from names and per-group facts turned into plain lists once."""

    def __init__(self, problem: Problem, net: Network, duals: dict, first_waiting: np.ndarray):
        self.scope = net.scope
        self.settlements, self.districts = problem.settlements, problem.districts
        self.district_of = problem.settlement_district.tolist()
        self.t_settlement, self.t_rooms = net.type_settlement.tolist(), net.type_rooms.tolist()
        self.t_step_free = net.type_step_free.tolist()
        self.g_settlement = net.group_settlement.tolist()
        self.g_need = net.group_needs_step_free.tolist()
        self.g_low, self.g_high = net.group_smallest.tolist(), net.group_largest.tolist()
        self.class_group, self.class_priority = net.class_group, net.class_priority
        self.needed = duals["needed"].tolist()
        self.lists = _clearing_lists(net, duals["cost"], duals["to_source"])
        self.extra = _extra_units(
            net,
            duals["from_sink"],
            duals["root"],
            duals["tied"],
            net.household_class[first_waiting],
        )
        own_fits = np.zeros(len(net.group_settlement), bool)
        own_fits[net.direct_group[net.type_count[net.direct_type] > 0]] = True
        self.own_fits = own_fits.tolist()

    def kind(self, t: int) -> dict[str, Any]:
        """A kind of unit: its rooms, step-free access and settlement."""
        return {
            "rooms": self.t_rooms[t],
            "step_free": self.t_step_free[t],
            "settlement": self.settlements[self.t_settlement[t]],
        }

    def housed(
        self, g: int, home: int, there: int, rooms: int, step_free: bool, size: int
    ) -> dict[str, Any]:
        reason = {
            "why": HOUSED,
            "rooms": rooms,
            "step_free": step_free,
            "settlement": self.settlements[there],
            "origin": self.settlements[home],
            "size": size,
            "smallest": self.g_low[g],
            "largest": self.g_high[g],
        }
        if there != home:
            # Elsewhere because every unit of its own settlement that fits it is taken
            # (True), or because its settlement has none that fits it (False).
            reason["origin_full"] = self.own_fits[g]
        return reason

    def waiting(self, c: int, first: int) -> dict[str, Any]:
        g, priority = int(self.class_group[c]), int(self.class_priority[c])
        # One more ready unit of this kind would house it: said to the first household
        # waiting in its class only.
        more = self.kind(self.extra[c]) if first and c in self.extra else None
        if self.needed[g] < 0:
            home = self.g_settlement[g]
            return {
                "why": NO_FIT,
                "scope": self.scope,
                "place": self.settlements[home]
                if self.scope == "settlement"
                else self.districts[self.district_of[home]],
                "smallest": self.g_low[g],
                "largest": self.g_high[g],
                "step_free": self.g_need[g],
                "more": more,
            }
        return {
            "why": OUTBID,
            "priority": priority,
            "needed": self.needed[g],
            "clearing": [{"priority": clearing} | self.kind(t) for clearing, t in self.lists[g]],
            "more": more,
        }


def explain(
    problem: Problem, net: Network, flow: np.ndarray, unit_of: np.ndarray, first_waiting: np.ndarray
) -> dict[str, dict[str, Any]]:
    """One explanation per household, keyed by id, in input order."""
    reasons = _Reasons(problem, net, _duals(net, flow), first_waiting)
    # Households that share a unit kind, group and size share their explanation, and
    # so do waiting households of a class: each is made once and shared.
    housed = unit_of >= 0
    kind = np.zeros(len(unit_of), np.int64)
    kind[housed] = net.unit_type[unit_of[housed]]
    key = np.where(
        housed,
        (kind * len(net.group_settlement) + net.household_group) * (MAX_COUNT + 1)
        + problem.household_size,
        -1 - (net.household_class * 2 + first_waiting),
    )
    keys, inverse = np.unique(key, return_inverse=True)
    sample = np.zeros(len(keys), np.int64)
    sample[inverse] = np.arange(len(key))
    texts = []
    for k, i in zip(keys.tolist(), sample.tolist(), strict=True):
        if k < 0:
            texts.append(reasons.waiting(*divmod(-1 - k, 2)))
            continue
        u = unit_of[i]
        texts.append(
            reasons.housed(
                int(net.household_group[i]),
                int(problem.household_settlement[i]),
                int(problem.unit_settlement[u]),
                int(problem.unit_rooms[u]),
                bool(problem.unit_step_free[u]),
                int(problem.household_size[i]),
            )
        )
    return {hid: texts[w] for hid, w in zip(problem.household_ids, inverse.tolist(), strict=True)}
