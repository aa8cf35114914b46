"""The first programme of an installation and its first policy version, made from the
environment's settings (``HOMECOMING_REQUIRED_SERVICES``, ``OFFER_ANSWER_DAYS``, the
``PRIORITY_WEIGHT_*``, the rooms table): they were the rules before policies were data.
Used by migration 0002 and by :func:`homecoming.programmes.selectors.default_programme`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

FIRST_PROGRAMME = {
    "code": "return",
    "name": "Return programme",
    "name_az": "Qayıdış proqramı",
    "name_ru": "Программа возвращения",
    "kind": "idp_return",
    "status": "active",
}

# The four factors of the score before policies were data, as expressions of the policy
# language, with their names in the three languages.
FACTORS = {
    "vulnerable_members": (
        "household.vulnerable_members",
        {"en": "vulnerable members", "az": "həssas üzvlər", "ru": "уязвимые члены"},
    ),
    "collective_accommodation": (
        "household.collective_accommodation",
        {
            "en": "lives in collective accommodation",
            "az": "kollektiv məskunlaşma yerində yaşayır",
            "ru": "живёт в месте компактного поселения",
        },
    ),
    "members": ("household.members", {"en": "members", "az": "üzvlər", "ru": "члены"}),
    "years_displaced": (
        "household.years_displaced",
        {
            "en": "years displaced",
            "az": "məcburi köçkünlük illəri",
            "ru": "годы вынужденного переселения",
        },
    ),
}


def first_policy() -> dict[str, Any]:
    """The fields of version 1, from the settings in force when it is made."""
    return {
        "number": 1,
        "status": "approved",
        "conditions": [],
        "required_services": list(settings.RETURN_REQUIRED_SERVICES),
        "priority_factors": [
            {"key": key, "label": label, "expression": expression, "weight": weight}
            for key, weight in settings.RETURN_PRIORITY_WEIGHTS.items()
            for expression, label in [FACTORS[key]]
        ],
        "offer_answer_days": settings.OFFER_ANSWER_DAYS,
        "rooms": [list(row) for row in settings.RETURN_ROOMS_POLICY],
        "steps": [],
        "note": "The rules of the environment's settings before policies were data.",
    }
