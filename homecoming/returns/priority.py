"""The priority score: a documented formula whose breakdown is kept with each allocation.

score = Σ weight × factor, with the factors

* ``vulnerable_members``: members with a vulnerability marker (disability, chronic illness…)
* ``collective_accommodation``: 1 when the household lives in a hostel, sanatorium,
  administrative building or dormitory — collective places the programme aims to empty
* ``members``: current members of the household
* ``years_displaced``: whole years since displacement (0 when unknown)

Since policies are data, the factors and their weights are a policy version's
(``PolicyVersion.priority_factors``, docs/policies.md): these four, as expressions of the
policy language, are version 1's, made from ``settings.RETURN_PRIORITY_WEIGHTS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext, ngettext

from homecoming.programmes.policies import in_language

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


# Each factor in words, given its value: the person reads these, never the factor's name.
FACTOR_WORDS: dict[str, Callable[[int], str]] = {
    "collective_accommodation": lambda n: gettext("lives in collective accommodation"),
    "vulnerable_members": lambda n: (
        ngettext("%(n)d vulnerable member", "%(n)d vulnerable members", n) % {"n": n}
    ),
    "members": lambda n: ngettext("%(n)d member", "%(n)d members", n) % {"n": n},
    "years_displaced": lambda n: (
        ngettext("%(n)d year displaced", "%(n)d years displaced", n) % {"n": n}
    ),
}


def priority_in_words(
    breakdown: Mapping[str, Mapping[str, int]],
    factors: Sequence[Mapping[str, Any]] | None = None,
) -> list[str]:
    """Each factor that gave points, in words with its points and weight, highest first:
    ``["2 × vulnerable members +30 (15 each)", "lives in collective accommodation +10", …]``.

    ``factors``: the policy version's (``PolicyVersion.priority_factors``), whose labels
    name them in the page's language. Without them (a run made before policies were data)
    the four factors of the settings are said in the catalogue's words, and a factor of
    another kind as "another factor", never by its key. A factor worth nothing is left out.
    """
    labels = {f["key"]: f.get("label") or {} for f in factors or ()}
    parts = sorted(
        ((name, part) for name, part in breakdown.items() if part.get("points")),
        key=lambda item: (-item[1]["points"], item[0]),
    )
    words = []
    for name, part in parts:
        values = {"points": part["points"], "weight": part["weight"], "value": part["value"]}
        if name in labels:
            values["factor"] = in_language(labels[name], name)
            if part["value"] == 1:
                words.append(gettext("%(factor)s +%(points)d") % values)
            else:
                words.append(
                    gettext("%(value)d × %(factor)s +%(points)d (%(weight)d each)") % values
                )
            continue
        values["factor"] = FACTOR_WORDS.get(name, lambda n: gettext("another factor"))(
            part["value"]
        )
        if part["value"] == 1:
            words.append(gettext("%(factor)s +%(points)d") % values)
        else:
            words.append(gettext("%(factor)s +%(points)d (%(weight)d each)") % values)
    return words
