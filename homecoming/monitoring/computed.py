"""The computed indicators: the programme's figures from its own records, not from reports.

A household has returned on the day its keys are handed over (``returns.KeyHandover``), to
the settlement of its new home; the persons who returned are its members on that day. Land
is released when a land-release activity ends (its cancelled, reduced and cleared area, as
on the mine-action overview); devices are destroyed in the week of their report.

Every dated indicator is read as a list of :class:`Amount` — a day, a place, a value — so
that one function (:func:`total`) answers "how much in this place over this period" for the
dashboards, the targets and the reported-vs-computed rule alike. ``COMPUTED`` names them by
the code of the catalogue indicator they measure.

``districts`` is a district scope as ``accounts.access.district_scope`` gives it: ``None``
for every district. Records of households are scoped by the household's origin district,
as the registry is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_noop

from homecoming.housing.models import HousingUnit, Project, Utility
from homecoming.housing.selectors import FUNNEL, required_services
from homecoming.mineaction.models import DeviceReport, LandReleaseActivity
from homecoming.mineaction.readiness import LandVerdict
from homecoming.mineaction.selectors import land_readiness_by_settlement
from homecoming.places.models import Area, Settlement
from homecoming.registry.models import Household
from homecoming.returns.models import KeyHandover

Districts = frozenset[int] | None
# The programmes whose households are counted (``accounts.access.programme_scope``): None for
# every programme.
Programmes = frozenset[int] | None


@dataclass(frozen=True)
class Amount:
    """A value recorded on a day at a place (``settlement`` is None for district records)."""

    day: dt.date
    district: int
    settlement: int | None
    value: float


def _in_scope(queryset: QuerySet, field: str, districts: Districts) -> QuerySet:
    return queryset if districts is None else queryset.filter(**{f"{field}__in": districts})


def _handovers(districts: Districts, programmes: Programmes = None) -> QuerySet:
    handovers = _in_scope(
        _in_scope(KeyHandover.objects.all(), "reservation__household__programme_id", programmes),
        "reservation__household__origin_settlement__district_id",
        districts,
    )
    return handovers.values(
        "date",
        district=F("reservation__unit__building__settlement__district_id"),
        settlement=F("reservation__unit__building__settlement_id"),
    ).order_by()


def returned_households(districts: Districts = None, programmes: Programmes = None) -> list[Amount]:
    """Households whose keys were handed over, by day and settlement of their new home."""
    rows = _handovers(districts, programmes).annotate(n=Count("id"))
    return [Amount(r["date"], r["district"], r["settlement"], r["n"]) for r in rows]


def returned_persons(districts: Districts = None, programmes: Programmes = None) -> list[Amount]:
    """The members of those households on the day of the handover."""
    members = "reservation__household__members"
    present = (
        Q(**{f"{members}__joined_on__isnull": True})
        | Q(**{f"{members}__joined_on__lte": F("date")})
    ) & (Q(**{f"{members}__left_on__isnull": True}) | Q(**{f"{members}__left_on__gt": F("date")}))
    rows = _handovers(districts, programmes).annotate(n=Count(members, filter=present))
    return [Amount(r["date"], r["district"], r["settlement"], r["n"]) for r in rows]


def land_released(districts: Districts = None) -> list[Amount]:
    """Hectares cancelled, reduced or cleared, on the day each activity ended."""
    rows = (
        _in_scope(LandReleaseActivity.objects.all(), "hazard_area__district_id", districts)
        .filter(end_date__isnull=False)
        .values("end_date", district=F("hazard_area__district_id"))
        .annotate(m2=Sum(F("cancelled_m2") + F("reduced_m2") + F("cleared_m2")))
        .order_by()
    )
    return [Amount(r["end_date"], r["district"], None, r["m2"] / 10_000) for r in rows]


def devices_destroyed(kind: str, districts: Districts = None) -> list[Amount]:
    """Devices of one kind (``ap_mines``, ``at_mines``, ``uxo``) destroyed, by report week."""
    rows = (
        _in_scope(DeviceReport.objects.all(), "district_id", districts)
        .values("week", "district_id")
        .annotate(n=Sum(kind))
        .order_by()
    )
    return [Amount(r["week"], r["district_id"], None, r["n"]) for r in rows]


# The catalogue indicators the system computes, by code.
COMPUTED: dict[str, Callable[[Districts], list[Amount]]] = {
    "relocated_households": returned_households,
    "relocated_persons": returned_persons,
    "land_released": land_released,
    "devices_ap_mines": partial(devices_destroyed, "ap_mines"),
    "devices_at_mines": partial(devices_destroyed, "at_mines"),
    "devices_uxo": partial(devices_destroyed, "uxo"),
}
# What each computed indicator is made of, as the discrepancy page says it (stored in
# English, translated on the page).
COMPUTED_FROM = {
    "relocated_households": gettext_noop("key handovers recorded in Homecoming"),
    "relocated_persons": gettext_noop(
        "members of the households at their key handover, recorded in Homecoming"
    ),
    "land_released": gettext_noop("land-release activities recorded in Homecoming"),
    "devices_ap_mines": gettext_noop("device reports recorded in Homecoming"),
    "devices_at_mines": gettext_noop("device reports recorded in Homecoming"),
    "devices_uxo": gettext_noop("device reports recorded in Homecoming"),
}


@dataclass(frozen=True)
class PlaceOfRecords:
    """The districts and settlements a place covers: a settlement, any area, or everywhere.

    A district-level record (land, devices) counts in an area that contains its district,
    never in a single settlement.
    """

    districts: frozenset[int] | None
    settlement: int | None = None
    municipality: frozenset[int] | None = None  # the settlements of a municipality

    def covers(self, amount: Amount) -> bool:
        if self.settlement is not None:
            return amount.settlement == self.settlement
        if self.municipality is not None:
            return amount.settlement in self.municipality
        return self.districts is None or amount.district in self.districts


def place_of_records(place: Area | Settlement | None) -> PlaceOfRecords:
    if place is None:
        return PlaceOfRecords(None)
    if isinstance(place, Settlement):
        return PlaceOfRecords(frozenset({place.district_id}), settlement=place.pk)
    if place.level == Area.Level.MUNICIPALITY:
        members = Settlement.objects.filter(municipality=place).values_list("id", flat=True)
        return PlaceOfRecords(None, municipality=frozenset(members))
    return PlaceOfRecords(districts_under(place))


def districts_under(area: Area) -> frozenset[int] | None:
    """The ids of the districts in an area (the area itself when it is one); None for a country."""
    if area.level == Area.Level.COUNTRY:
        return None
    if area.level == Area.Level.DISTRICT:
        return frozenset({area.pk})
    return frozenset(
        Area.objects.filter(level=Area.Level.DISTRICT, parent=area).values_list("id", flat=True)
    )


def total(
    amounts: Iterable[Amount],
    *,
    place: PlaceOfRecords | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> float:
    """The sum of the amounts in a place (default everywhere) from ``start`` to ``end``."""
    return sum(
        a.value
        for a in amounts
        if (place is None or place.covers(a))
        and (start is None or a.day >= start)
        and (end is None or a.day <= end)
    )


def by_month(amounts: Iterable[Amount]) -> dict[dt.date, float]:
    """Monthly sums, keyed by the first day of the month, in order."""
    months: dict[dt.date, float] = defaultdict(float)
    for a in amounts:
        months[a.day.replace(day=1)] += a.value
    return dict(sorted(months.items()))


def units_by_status(districts: Districts = None) -> dict[str, dict[str, int]]:
    """Housing units by district (its name in the page's language) and status, in the
    housing funnel's order."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FUNNEL, 0))
    rows = list(
        _in_scope(HousingUnit.objects.all(), "building__settlement__district_id", districts)
        .filter(status__in=FUNNEL)
        .values_list("building__settlement__district", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    names = Area.objects.in_bulk({district for district, _s, _n in rows})
    for district, status, n in rows:
        counts[names[district].display_name][status] = n
    return dict(sorted(counts.items()))


def land_released_by_month(districts: Districts = None) -> dict[dt.date, float]:
    return by_month(land_released(districts))


@dataclass(frozen=True)
class Finance:
    currency: str
    budget: float
    spent: float


def reconstruction_finance(districts: Districts = None) -> list[Finance]:
    """Reconstruction budget and money spent, per currency, projects not cancelled."""
    rows = (
        _in_scope(
            Project.objects.exclude(status=Project.Status.CANCELLED), "district_id", districts
        )
        .values("currency")
        .annotate(budget=Sum("budget"), spent=Sum("spent"))
        .order_by("currency")
    )
    return [Finance(r["currency"], float(r["budget"]), float(r["spent"])) for r in rows]


class Readiness:
    """A settlement's readiness for return, as the map colours it."""

    READY = "ready"  # land released, required services commissioned, homes free
    LAND_READY = "land_ready"  # land released, services or homes missing
    BLOCKED = "blocked"  # land not released


@dataclass(frozen=True)
class SettlementState:
    settlement: Settlement
    readiness: str
    blocking_hazard_areas: list[str]
    missing_services: list[str]
    free_units: int
    households_registered: int  # origin here, not withdrawn
    households_returned: int  # keys handed over for a home here
    persons_returned: int


def settlement_states(
    districts: Districts = None,
    *,
    land: dict[str, LandVerdict] | None = None,
    programmes: Programmes = None,
) -> list[SettlementState]:
    """Every settlement's readiness (the rule of ``housing.selectors.settlement_return_readiness``,
    for all settlements at once) with its registered and returned households; ``land`` is
    every settlement's land verdict, when the caller has it already."""
    if land is None:
        land = land_readiness_by_settlement()
    required = required_services()
    commissioned: dict[int, set[str]] = defaultdict(set)
    for settlement_id, service in Utility.objects.filter(
        status=Utility.Status.COMMISSIONED
    ).values_list("settlement_id", "service"):
        commissioned[settlement_id].add(service)
    free_units = dict(
        HousingUnit.objects.filter(status=HousingUnit.Status.READY)
        .values_list("building__settlement_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    registered = dict(
        _in_scope(
            _in_scope(
                Household.objects.exclude(status=Household.Status.WITHDRAWN),
                "programme_id",
                programmes,
            ),
            "origin_settlement__district_id",
            districts,
        )
        .values_list("origin_settlement_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    households: dict[int, float] = defaultdict(float)
    for a in returned_households(districts, programmes):
        households[a.settlement] += a.value
    persons: dict[int, float] = defaultdict(float)
    for a in returned_persons(districts, programmes):
        persons[a.settlement] += a.value
    states = []
    for s in Settlement.objects.select_related("district").order_by("code"):
        verdict = land[s.code]
        missing = [x for x in required if x not in commissioned[s.pk]]
        free = free_units.get(s.pk, 0)
        if not verdict.ready:
            level = Readiness.BLOCKED
        elif missing or not free:
            level = Readiness.LAND_READY
        else:
            level = Readiness.READY
        states.append(
            SettlementState(
                settlement=s,
                readiness=level,
                blocking_hazard_areas=sorted(verdict.blocking),
                missing_services=missing,
                free_units=free,
                households_registered=registered.get(s.pk, 0),
                households_returned=int(households[s.pk]),
                persons_returned=int(persons[s.pk]),
            )
        )
    return states
