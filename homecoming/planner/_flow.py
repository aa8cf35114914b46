"""Min-cost circulation and shortest paths in its residual graph.

The solver is OR-Tools' ``SimpleMinCostFlow`` (cost-scaling push-relabel, exact
on integers). It refuses costs whose magnitude times the number of nodes comes
near 2**63, so when the one weighted cost would be that large the aims are
solved in stages instead: each stage keeps only the arcs that complementary
slackness allows in an optimum of the stages before it (arcs with negative
reduced cost stay full, arcs with positive reduced cost stay empty), which is
exactly the set of those optima.

Shortest paths in the residual graph of an optimal flow are the exact duals the
explanations are built from. There is no negative cycle at an optimum, so
Bellman–Ford converges; it is vectorised over arcs and touches only the arcs
whose tail improved in the round before.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from ._model import Network

# OR-Tools answers BAD_COST_RANGE once |cost| * (nodes + 1) passes about 2**61.8.
SAFE_COST_PRODUCT = 2**61
BATCH_NODES = 2048  # components are solved together up to this many nodes


def circulation(net: Network) -> tuple[np.ndarray, int]:
    """An optimal flow for the lexicographic aims, and the number of stages it took.

    Components are independent, and cost scaling runs faster on several small
    networks than on their union, so they are solved in batches of whole
    components. Whether the weighted cost fits is judged on the whole network,
    which is the stricter test.
    """
    if (net.cost_bound() + 1) * (net.num_nodes + 1) < SAFE_COST_PRODUCT:
        levels = [net.weighted_cost()]
    else:
        levels = [net.priority_cost, net.origin_cost, net.surplus_cost]
    flow = np.zeros(len(net.tail), np.int64)
    batch = np.cumsum(np.bincount(net.node_component, minlength=net.components)) // BATCH_NODES
    arc_batch = batch[net.node_component[net.tail]]
    order = np.argsort(arc_batch, kind="stable")
    edges = np.searchsorted(arc_batch[order], np.arange(arc_batch.max(initial=-1) + 2))
    for arcs in np.split(order, edges[1:-1]):
        nodes, ends = np.unique(
            np.concatenate([net.tail[arcs], net.head[arcs]]), return_inverse=True
        )
        flow[arcs] = _lexicographic(
            ends[: len(arcs)],
            ends[len(arcs) :],
            net.capacity[arcs],
            [c[arcs] for c in levels],
            len(nodes),
        )
    return flow, len(levels)


def _lexicographic(
    tail: np.ndarray, head: np.ndarray, capacity: np.ndarray, levels: list[np.ndarray], nodes: int
) -> np.ndarray:
    """Optimise the costs in ``levels`` one after the other, each among the optima so far."""
    lower, upper = np.zeros_like(capacity), capacity
    for number, cost in enumerate(levels, start=1):
        flow = _solve(tail, head, cost, lower, upper, nodes)
        if number < len(levels):
            residual = residual_arcs(tail, head, cost, flow, lower, upper)
            # Distances from a virtual root joined to every node by a 0 arc are potentials
            # under which no residual arc has a negative reduced cost.
            potential = shortest_distances(
                nodes, *residual[:3], start=np.zeros(nodes, np.int64), infinity=1
            )
            reduced = cost + potential[tail] - potential[head]
            lower, upper = (
                np.where(reduced < 0, upper, lower),
                np.where(reduced > 0, lower, upper),
            )
    return flow


def _solve(
    tail: np.ndarray,
    head: np.ndarray,
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    nodes: int,
) -> np.ndarray:
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tail, head, upper - lower, cost)
    # Flow fixed on an arc by an earlier stage leaves its tail and enters its head.
    supply = np.zeros(nodes, np.int64)
    np.add.at(supply, head, lower)
    np.subtract.at(supply, tail, lower)
    solver.set_nodes_supplies(np.arange(nodes), supply)
    status = solver.solve()
    if status != solver.OPTIMAL:  # the empty circulation is always feasible
        raise RuntimeError(f"OR-Tools min-cost flow failed with status {status!r}")
    return lower + solver.flows(arcs)


def residual_arcs(
    tail: np.ndarray,
    head: np.ndarray,
    cost: np.ndarray,
    flow: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tails, heads and costs of the residual arcs, with each one's arc and direction."""
    forward = np.flatnonzero(flow < upper)
    backward = np.flatnonzero(flow > lower)
    return (
        np.concatenate([tail[forward], head[backward]]),
        np.concatenate([head[forward], tail[backward]]),
        np.concatenate([cost[forward], -cost[backward]]),
        np.concatenate([forward, backward]),
        np.arange(len(forward) + len(backward)) < len(forward),
    )


def shortest_distances(
    num_nodes: int,
    tails: np.ndarray,
    heads: np.ndarray,
    costs: np.ndarray,
    *,
    start: np.ndarray,
    infinity: object,
) -> np.ndarray:
    """Bellman–Ford from every node whose ``start`` is below ``infinity``.

    ``start`` and ``costs`` share a dtype: int64, or ``object`` for exact Python ints
    when distances may pass int64. Unreached nodes keep ``infinity``.
    """
    dist = start.copy()
    active = dist < infinity
    for _ in range(num_nodes + 1):
        arcs = active[tails]
        if not arcs.any():
            return dist
        before = dist.copy()
        np.minimum.at(dist, heads[arcs], dist[tails[arcs]] + costs[arcs])
        active = dist < before
    raise ArithmeticError("negative cycle in a residual graph: the flow was not optimal")


def path_roots(
    dist: np.ndarray,
    tails: np.ndarray,
    heads: np.ndarray,
    costs: np.ndarray,
    labels: np.ndarray,
    starts: np.ndarray,
    infinity: object,
) -> tuple[np.ndarray, np.ndarray]:
    """Which labelled arc the shortest paths to each node pass last, and whether it is unique.

    ``labels`` gives a non-negative label to the arcs that mark a path, -1 to the
    others. Returns, per node, the label of some shortest path from ``starts``
    (-1: none marked), and a flag set when shortest paths with different labels
    reach it — then nothing can be promised about which one a re-solve takes.
    """
    tight = (dist[tails] < infinity) & (dist[tails] + costs == dist[heads])
    tails, heads, labels = tails[tight], heads[tight], labels[tight]
    unset = np.iinfo(np.int64).max
    root = np.full(len(dist), unset)
    root[starts] = -1
    while True:
        new = (root[tails] != unset) & (root[heads] == unset)
        if not new.any():
            break
        found = np.full(len(dist), unset)
        np.minimum.at(found, heads[new], np.where(labels >= 0, labels, root[tails])[new])
        root = np.where(root == unset, found, root)
    into_start = np.zeros(len(dist), bool)
    into_start[starts] = True
    inner = ~into_start[heads]
    tied = np.zeros(len(dist), bool)
    tied[heads[inner & (np.where(labels >= 0, labels, root[tails]) != root[heads])]] = True
    while True:
        spread = inner & tied[tails] & ~tied[heads]
        if not spread.any():
            return root, tied
        tied[heads[spread]] = True
