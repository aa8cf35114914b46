"""Which counts of people may be published: primary and complementary (secondary) suppression.

A count of households, persons or casualties from 1 to ``THRESHOLD - 1`` is hidden (primary
suppression). Hiding it is not enough when a published total and its other parts give it
back by subtraction, or when the same place's other measure (persons beside households) is
shown, so more cells are hidden (complementary suppression) until, for every published
relation, no hidden cell can be worked out:

- **siblings** — measures of one place and period (households and persons) are hidden
  together;
- **a published total** whose parts are partly hidden needs at least two hidden parts, and
  together they hold at least ``THRESHOLD + (hidden parts - 2)``: whatever the others are
  (each is at least 1, since zeros are shown), any one of them could still be anything from
  1 to ``THRESHOLD - 1``;
- **a hidden total** needs at least one hidden part, else it is the sum of its parts;
- the cell hidden to protect another is the smallest count not yet hidden (zeros stay shown),
  and the total itself when no part is left.

Every hidden cell is published as the same sign, :data:`HIDDEN`, whether small or hidden to
protect a small one: two signs would tell which hidden cells are large, and that narrows the
small ones again. Plain data in, plain data out; no Django (docs/monitoring.md,
*Small numbers*).

>>> disclose({"A": 3, "B": 40, "C": 60, "all": 103}, totals=[("all", ["A", "B", "C"])])
{'A': '[c]', 'B': '[c]', 'C': 60, 'all': 103}
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

THRESHOLD = 5
# The sign of a hidden count: "[c]", confidential, as the UK Government Statistical Service
# writes it in published tables.
HIDDEN = "[c]"

K = TypeVar("K", bound=Hashable)


def disclose(
    counts: Mapping[K, int],
    *,
    totals: Iterable[tuple[K, Iterable[K]]] = (),
    siblings: Iterable[Iterable[K]] = (),
    threshold: int = THRESHOLD,
) -> dict[K, int | str]:
    """``counts`` as they may be published: each one itself, or :data:`HIDDEN`.

    ``totals``: each published total with its parts (``total == sum(parts)``; a cell may be
    the total of its parts and a part of a larger total, as a district is). ``siblings``:
    the cells of one place that are hidden together (its households and its persons). Every
    cell named in ``totals`` or ``siblings`` must be in ``counts``.
    """
    order = {key: i for i, key in enumerate(counts)}
    equations = [(total, sorted(parts, key=order.__getitem__)) for total, parts in totals]
    groups = [list(group) for group in siblings]
    hidden = {key for key, n in counts.items() if 0 < n < threshold}
    changed = True
    while changed:
        changed = False
        for group in groups:
            if hidden.intersection(group):
                more = {key for key in group if counts[key] and key not in hidden}
                hidden |= more
                changed = changed or bool(more)
        for total, parts in equations:
            extra = _complement(counts, hidden, total, parts, threshold)
            if extra is not None:
                hidden.add(extra)
                changed = True
    return {key: HIDDEN if key in hidden else n for key, n in counts.items()}


def _complement(
    counts: Mapping[K, int], hidden: set[K], total: K, parts: list[K], threshold: int
) -> K | None:
    """The next cell to hide so that ``total = sum(parts)`` gives no hidden cell away."""
    hidden_parts = [p for p in parts if p in hidden]
    if total in hidden:
        if hidden_parts:
            return None
    elif not hidden_parts or (
        len(hidden_parts) >= 2
        and sum(counts[p] for p in hidden_parts) >= threshold + len(hidden_parts) - 2
    ):
        return None
    shown = [p for p in parts if p not in hidden and counts[p] > 0]
    if shown:
        return min(shown, key=counts.__getitem__)
    return None if total in hidden or not counts[total] else total
