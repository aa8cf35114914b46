"""The tables of households and persons that everyone may read, built once for every page and
file that shows them: the public and the signed-in dashboards of users who may not view
households, the dashboards' API, and the open data.

Each is a table of settlements, their districts and the country, for two measures, passed
through :func:`disclosure.disclose` as a whole — every total it publishes and every pair of
measures of one place — so that two outputs of one table can never be combined to work out
a hidden count. A figure over any other set of places (a municipality, a region) is
published only as the sum of cells already shown (:meth:`PlaceTable.over`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count

from homecoming.core.disclosure import HIDDEN, disclose
from homecoming.monitoring.computed import returned_households, returned_persons
from homecoming.places.models import Settlement
from homecoming.registry.models import Household, Member

MEASURES = ("households", "persons")
COUNTRY = ("country", None)

Place = tuple[str, int | None]  # ("settlement", id), ("district", id) or COUNTRY
Shown = int | str  # a count, or disclosure.HIDDEN


@dataclass(frozen=True)
class PlaceTable:
    """Households and persons of every settlement, district and the country, as published."""

    cells: Mapping[tuple[Place, str], Shown]

    def settlement(self, pk: int, measure: str) -> Shown:
        return self.cells[(("settlement", pk), measure)]

    def district(self, pk: int, measure: str) -> Shown:
        """A district's total; 0 for a district without settlements."""
        return self.cells.get((("district", pk), measure), 0)

    def country(self, measure: str) -> Shown:
        return self.cells[(COUNTRY, measure)]

    def over(self, settlements: Iterable[int], measure: str) -> Shown:
        """The sum over some settlements: shown only when each of them is."""
        values = [self.settlement(pk, measure) for pk in settlements]
        return HIDDEN if HIDDEN in values else sum(values)  # type: ignore[arg-type]

    def over_districts(self, districts: Iterable[int], measure: str) -> Shown:
        values = [self.district(pk, measure) for pk in districts]
        return HIDDEN if HIDDEN in values else sum(values)  # type: ignore[arg-type]


def place_table(counts: Mapping[str, Mapping[int, int]]) -> PlaceTable:
    """``counts[measure][settlement id]`` with the totals of districts and the country,
    suppressed together (docs/monitoring.md, *Small numbers*)."""
    settlements = list(Settlement.objects.order_by("code").values_list("id", "district_id"))
    by_district: dict[int, list[int]] = defaultdict(list)
    for pk, district in settlements:
        by_district[district].append(pk)
    cells: dict[tuple[Place, str], int] = {}
    totals: list[tuple[tuple[Place, str], list[tuple[Place, str]]]] = []
    for measure in MEASURES:
        for pk, _district in settlements:
            cells[(("settlement", pk), measure)] = int(counts[measure].get(pk, 0))
        for district, members in by_district.items():
            parts = [(("settlement", pk), measure) for pk in members]
            cells[(("district", district), measure)] = sum(cells[p] for p in parts)
            totals.append(((("district", district), measure), parts))
        parts = [(("district", district), measure) for district in by_district]
        cells[(COUNTRY, measure)] = sum(cells[p] for p in parts)
        totals.append(((COUNTRY, measure), parts))
    places = {place for place, _measure in cells}
    siblings = [[(place, measure) for measure in MEASURES] for place in places]
    return PlaceTable(disclose(cells, totals=totals, siblings=siblings))


def registered_table() -> PlaceTable:
    """Households registered (not withdrawn) and their present members, by origin."""
    active = Household.objects.exclude(status=Household.Status.WITHDRAWN)
    households = dict(active.values_list("origin_settlement").annotate(n=Count("id")).order_by())
    persons = dict(
        Member.objects.filter(household__in=active, left_on=None)
        .values_list("household__origin_settlement")
        .annotate(n=Count("id"))
        .order_by()
    )
    return place_table({"households": households, "persons": persons})


def returned_table() -> PlaceTable:
    """Households returned (keys handed over) and their members, by their new home."""
    counts: dict[str, dict[int, int]] = {m: defaultdict(int) for m in MEASURES}
    for measure, amounts in (
        ("households", returned_households(None)),
        ("persons", returned_persons(None)),
    ):
        for a in amounts:
            counts[measure][a.settlement] += int(a.value)
    return place_table(counts)
