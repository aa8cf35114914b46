"""The priority score: a documented formula whose breakdown is kept with each allocation.

score = Σ weight × factor, with the factors

* ``vulnerable_members``: members with a vulnerability marker (disability, chronic illness…)
* ``collective_accommodation``: 1 when the household lives in a hostel, sanatorium,
  administrative building or dormitory — collective places the programme aims to empty
* ``members``: current members of the household
* ``years_displaced``: whole years since displacement (0 when unknown)

Weights come from ``settings.RETURN_PRIORITY_WEIGHTS`` (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_WEIGHTS = {
    "vulnerable_members": 15,
    "collective_accommodation": 10,
    "members": 2,
    "years_displaced": 1,
}


def priority_score(factors: Mapping[str, int], weights: Mapping[str, int]) -> tuple[int, dict]:
    """The score and its breakdown: each factor's value, weight and points.

    >>> priority_score({"members": 4, "vulnerable_members": 1}, {"members": 2,
    ...                 "vulnerable_members": 15})[0]
    23
    """
    breakdown = {
        name: {
            "value": int(factors.get(name, 0)),
            "weight": weight,
            "points": int(factors.get(name, 0)) * weight,
        }
        for name, weight in weights.items()
    }
    return sum(part["points"] for part in breakdown.values()), breakdown
