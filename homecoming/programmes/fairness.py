"""How fairly a policy treats groups of households: plain arithmetic on columns, free of Django.

For each grouping of the households (district, accommodation, vulnerability, sex and age of
the head, household size, years displaced) and each group in it: how many households, the
share eligible and the share housed — both out of the group's households — and the
disparity of each share against the whole: the group's share over the whole's (1 is parity;
0.5 is half as often) and their difference in percentage points. Computed under two policy
versions side by side (docs/policies.md, "Comparing two versions: what-if and fairness").
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

# The bands a number falls in: each edge starts a band, the last one is open. A value below
# the first edge (a negative one: not known) falls in no band, ``UNKNOWN``.
HEAD_AGE_EDGES = (0, 30, 45, 60)  # under 30, 30–44, 45–59, 60 and over
SIZE_EDGES = (1, 2, 4, 6)  # 1, 2–3, 4–5, 6 and more
YEARS_DISPLACED_EDGES = (0, 10, 20, 30)  # under 10, 10–19, 20–29, 30 and more
UNKNOWN = -1


@dataclass(frozen=True)
class Band:
    low: int
    high: int | None  # the last value in the band; None: open above


def bands(edges: Sequence[int]) -> tuple[Band, ...]:
    """The bands that ``edges`` start, in order: ``bands((1, 2, 4))`` is 1, 2–3, 4 and more."""
    return tuple(
        Band(low, edges[i + 1] - 1 if i + 1 < len(edges) else None) for i, low in enumerate(edges)
    )


def band_of(values: np.ndarray, edges: Sequence[int]) -> np.ndarray:
    """Each value's band, as its index in :func:`bands`; ``UNKNOWN`` below the first edge."""
    index = np.searchsorted(np.asarray(edges), np.asarray(values), side="right") - 1
    return np.where(index < 0, UNKNOWN, index)


@dataclass(frozen=True)
class Rate:
    count: int
    households: int

    @property
    def share(self) -> float | None:
        """``count`` out of ``households``; ``None`` for no households."""
        return self.count / self.households if self.households else None


@dataclass(frozen=True)
class Disparity:
    """A group's share against the whole's: ``ratio`` = group ÷ whole (1: parity; ``None``
    when the whole's share is 0 or a share is undefined), ``points`` = (group − whole) × 100."""

    ratio: float | None
    points: float | None


def disparity(group: Rate, whole: Rate) -> Disparity:
    if group.share is None or whole.share is None:
        return Disparity(None, None)
    ratio = group.share / whole.share if whole.share else None
    return Disparity(ratio, (group.share - whole.share) * 100)


@dataclass(frozen=True)
class Outcome:
    """How a group fares under one version."""

    eligible: Rate
    housed: Rate
    eligible_disparity: Disparity
    housed_disparity: Disparity


@dataclass(frozen=True)
class GroupRow:
    key: Hashable  # the group's value in the grouping's column
    households: int
    a: Outcome
    b: Outcome


@dataclass(frozen=True)
class Table:
    """One grouping: its groups, largest first (ties by key), and the whole."""

    rows: list[GroupRow]
    whole: GroupRow


def _outcomes(
    inverse: np.ndarray, groups: int, eligible: np.ndarray, housed: np.ndarray
) -> tuple[list[Outcome], Outcome]:
    sizes = np.bincount(inverse, minlength=groups)
    eligible_n = np.bincount(inverse, weights=eligible, minlength=groups).astype(np.int64)
    housed_n = np.bincount(inverse, weights=housed, minlength=groups).astype(np.int64)
    total = len(inverse)
    whole_eligible = Rate(int(eligible.sum()), total)
    whole_housed = Rate(int(housed.sum()), total)
    whole = Outcome(
        whole_eligible,
        whole_housed,
        disparity(whole_eligible, whole_eligible),
        disparity(whole_housed, whole_housed),
    )
    rows = []
    for g in range(groups):
        e, h = Rate(int(eligible_n[g]), int(sizes[g])), Rate(int(housed_n[g]), int(sizes[g]))
        rows.append(Outcome(e, h, disparity(e, whole_eligible), disparity(h, whole_housed)))
    return rows, whole


def fairness_table(
    keys: np.ndarray,
    *,
    a: tuple[np.ndarray, np.ndarray],
    b: tuple[np.ndarray, np.ndarray],
) -> Table:
    """The grouping ``keys`` (each household's group) under versions ``a`` and ``b``, each
    given as (eligible, housed): boolean columns aligned with ``keys``."""
    values, inverse = np.unique(np.asarray(keys), return_inverse=True)
    inverse = inverse.reshape(-1)
    under_a, whole_a = _outcomes(inverse, len(values), *(np.asarray(c, bool) for c in a))
    under_b, whole_b = _outcomes(inverse, len(values), *(np.asarray(c, bool) for c in b))
    sizes = np.bincount(inverse, minlength=len(values))
    rows = [
        GroupRow(values[g].item(), int(sizes[g]), under_a[g], under_b[g])
        for g in range(len(values))
    ]
    rows.sort(key=lambda row: (-row.households, row.key))
    return Table(rows, GroupRow(None, len(inverse), whole_a, whole_b))
