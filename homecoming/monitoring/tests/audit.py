"""The attacker of the published tables: what can be worked out from what is shown."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from homecoming.core.disclosure import THRESHOLD


def recoverable(published: dict, totals: list[tuple]) -> set:
    """The hidden cells an attacker pins to one value from the published totals, knowing the
    rule: every hidden cell (any value that is not a number) is a whole number of at least 1
    (zeros are shown). Each hidden
    cell is minimised and maximised over every table that publishes the same."""
    hidden = [key for key, value in published.items() if not isinstance(value, int)]
    index = {key: i for i, key in enumerate(hidden)}
    rows, rhs = [], []
    for total, parts in totals:
        row, known = np.zeros(len(hidden)), 0
        for key, sign in [(total, 1), *((p, -1) for p in parts)]:
            if key in index:
                row[index[key]] += sign
            else:
                known -= sign * published[key]
        if row.any():
            rows.append(row)
            rhs.append(known)
        else:
            assert known == 0  # a relation between published cells only holds
    pinned = set()
    for key in hidden:
        cost = np.zeros(len(hidden))
        cost[index[key]] = 1
        extremes = []
        for direction in (1, -1):
            result = milp(
                direction * cost,
                constraints=[LinearConstraint(np.array(rows), rhs, rhs)] if rows else [],
                integrality=np.ones(len(hidden)),
                bounds=Bounds(1, 10**6),
            )
            assert result.success, result.message
            extremes.append(round(direction * result.fun))
        if extremes[0] == extremes[1]:
            pinned.add(key)
    return pinned


def assert_protected(
    published: Mapping[Hashable, int | str],
    totals: Iterable[tuple[Hashable, Iterable[Hashable]]] = (),
    siblings: Iterable[Iterable[Hashable]] = (),
) -> None:
    """No count from 1 to 4 is shown, no hidden cell of ``published`` can be worked out from
    its totals, and no place shows one measure while hiding its sibling (zeros aside)."""
    assert not [key for key, n in published.items() if isinstance(n, int) and 0 < n < THRESHOLD]
    totals = [(total, list(parts)) for total, parts in totals]
    assert recoverable(dict(published), totals) == set()
    for group in siblings:
        states = {isinstance(published[key], int) for key in group if published[key] != 0}
        assert len(states) <= 1, {key: published[key] for key in group}
