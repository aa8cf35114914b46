"""Why a household may not be allocated a home now, as values: a kind and its parameters.

Eligibility builds them, runs store them (codes, in ``AllocationRun.ineligible_reasons`` and
``IneligibleHousehold``; docs/data-formats.md), and a page puts them into words when it is
shown, in its own language: a reason is never kept as a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from homecoming.housing.models import Utility
from homecoming.mineaction.selectors import hazard_words
from homecoming.places.models import Settlement
from homecoming.programmes.policies import in_language
from homecoming.registry.models import Household
from homecoming.returns.models import IneligibleHousehold

Why = IneligibleHousehold.Why

# The kinds of reason that come from the household's origin settlement: every household of
# the settlement has the same ones; their code is the settlement's.
BY_SETTLEMENT = (Why.LAND, Why.SERVICES)


@dataclass(frozen=True)
class Hazard:
    """A hazard area not released around a settlement, as it stood: its code, size, the
    method of its latest land-release activity ("" when none yet) and the share released."""

    code: str
    area_ha: float
    method: str
    percent: int

    @property
    def words(self) -> str:
        return hazard_words(
            code=self.code, area_ha=self.area_ha, method=self.method, percent=self.percent
        )


@dataclass(frozen=True)
class Reason:
    """One reason of one kind (``why``, an ``IneligibleHousehold.Why``). ``code`` tells the
    reasons of a kind apart: the registration status (not verified), the intention, the
    settlement's code (land, services), nothing for a duplicate under review, and for
    ``other`` — a run's reason stored as words that could not be read — those words; for a
    policy's condition or step not met, its key, with its ``label`` in each language (pairs
    of language and words, from the policy version). ``settlement`` names the place in the
    page's language; it is not part of the value."""

    why: str
    code: str = ""
    services: tuple[str, ...] = ()  # Utility.Service, missing
    hazards: tuple[Hazard, ...] = ()  # not released
    label: tuple[tuple[str, str], ...] = ()  # a condition's or step's words, by language
    settlement: Settlement | None = field(default=None, compare=False, repr=False)

    @property
    def words(self) -> str:
        """The reason in the active language (in the catalogue's words: the kinds' labels,
        the choices' labels, the settlements' and hazard areas' messages)."""
        if self.why == Why.NOT_VERIFIED:
            if self.code == Household.Status.REGISTERED:
                return str(Why.NOT_VERIFIED.label)
            return f"{Why.NOT_VERIFIED.label} ({Household.Status(self.code).label})"
        if self.why == Why.INTENTION:
            return f"{_('Return intention')}: {Household.Intention(self.code).label}"
        if self.why == Why.DUPLICATE:
            return str(Why.DUPLICATE.label)
        if self.why in (Why.CONDITION, Why.STEPS):
            words = in_language(dict(self.label), self.code)
            if self.why == Why.STEPS:
                return _("step not done: %(step)s") % {"step": words}
            return _("condition not met: %(condition)s") % {"condition": words}
        place = self.settlement.display_name if self.settlement else self.code
        if self.why == Why.LAND:
            return _("land around %(settlement)s not released: %(areas)s") % {
                "settlement": place,
                "areas": "; ".join(h.words for h in self.hazards),
            }
        if self.why == Why.SERVICES:
            return _("%(services)s not commissioned in %(settlement)s") % {
                "settlement": place,
                "services": ", ".join(str(Utility.Service(s).label) for s in self.services),
            }
        return self.code

    def to_json(self) -> dict[str, Any]:
        """The reason as stored: its kind, its code and, for a settlement, what is missing."""
        data: dict[str, Any] = {"why": self.why, "code": self.code}
        if self.why == Why.SERVICES:
            data["services"] = list(self.services)
        if self.label:
            data["label"] = dict(self.label)
        if self.why == Why.LAND:
            data["hazards"] = [
                {"code": h.code, "area_ha": h.area_ha, "method": h.method, "percent": h.percent}
                for h in self.hazards
            ]
        return data

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], settlements: Mapping[str, Settlement] | None = None
    ) -> Reason:
        """A stored reason; ``settlements`` by code name the places of land and services."""
        return cls(
            why=data["why"],
            code=data.get("code", ""),
            services=tuple(data.get("services", ())),
            hazards=tuple(Hazard(**h) for h in data.get("hazards", ())),
            label=tuple(sorted(data.get("label", {}).items())),
            settlement=(settlements or {}).get(data.get("code", ""))
            if data["why"] in BY_SETTLEMENT
            else None,
        )
