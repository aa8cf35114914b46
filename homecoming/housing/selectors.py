"""Reads of the housing record: readiness for return, the housing funnel, budgets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from homecoming.accounts.models import User
from homecoming.housing.models import HousingUnit, ProgressReport, Project, Utility
from homecoming.mineaction.selectors import LandReadiness, scoped, settlement_land_readiness
from homecoming.places.models import Area, Settlement
from homecoming.programmes.models import PolicyVersion
from homecoming.programmes.selectors import default_programme, policy_in_force

FUNNEL = [
    HousingUnit.Status.PLANNED,
    HousingUnit.Status.UNDER_CONSTRUCTION,
    HousingUnit.Status.READY,
    HousingUnit.Status.RESERVED,
    HousingUnit.Status.OCCUPIED,
]


@dataclass(frozen=True)
class ServiceCheck:
    service: str
    label: str
    required: bool
    status: str | None  # None: nothing recorded
    status_label: str
    since: dt.date | None

    @property
    def ok(self) -> bool:
        return self.status == Utility.Status.COMMISSIONED


@dataclass(frozen=True)
class ReturnReadiness:
    """Can households go back to a settlement, how many, and if not what is missing since when."""

    settlement: Settlement
    land: LandReadiness
    land_since: dt.date | None  # the last release around it, when the land is ready
    services: list[ServiceCheck]
    units_by_rooms: dict[int, int]  # ready and not reserved, by room count

    @property
    def missing_services(self) -> list[ServiceCheck]:
        return [s for s in self.services if s.required and not s.ok]

    @property
    def available_units(self) -> int:
        return sum(self.units_by_rooms.values())

    @property
    def ready(self) -> bool:
        return self.land.ready and not self.missing_services and self.available_units > 0


def required_services() -> list[str]:
    """The services a settlement must have commissioned to be ready for return: those the
    policy in force of the first active programme requires (docs/policies.md); the
    settings' default when no version is in force."""
    try:
        return list(policy_in_force(default_programme()).required_services)
    except PolicyVersion.DoesNotExist:
        return list(settings.RETURN_REQUIRED_SERVICES)


def settlement_return_readiness(settlement: Settlement) -> ReturnReadiness:
    land = settlement_land_readiness(settlement)
    releases = [a.release_date for a in land.releases]
    land_since = max(releases) if land.ready and releases else None
    recorded = {u.service: u for u in settlement.utilities.all()}
    required = set(required_services())
    services = []
    for value, label in Utility.Service.choices:
        utility = recorded.get(value)
        if utility is None and value not in required:
            continue
        services.append(
            ServiceCheck(
                service=value,
                label=str(label),
                required=value in required,
                status=utility.status if utility else None,
                status_label=utility.get_status_display() if utility else "",
                since=utility.commissioned_on if utility and utility.commissioned_on else None,
            )
        )
    rooms = (
        HousingUnit.objects.filter(building__settlement=settlement, status=HousingUnit.Status.READY)
        .values_list("rooms")
        .annotate(n=Count("id"))
        .order_by("rooms")
    )
    return ReturnReadiness(settlement, land, land_since, services, dict(rooms))


def unit_list_for_user(user: User) -> QuerySet[HousingUnit]:
    return scoped(
        HousingUnit.objects.select_related("building", "building__settlement", "building__project"),
        user,
        "building__settlement__district",
    )


def project_list_for_user(user: User) -> QuerySet[Project]:
    return scoped(Project.objects.select_related("district", "settlement"), user)


def housing_funnel(user: User) -> dict[str, dict[str, int]]:
    """Units by district and status, in funnel order: {district's name in the page's
    language: {status: count}}."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FUNNEL, 0))
    rows = list(
        unit_list_for_user(user)
        .values_list("building__settlement__district", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    districts = Area.objects.in_bulk({district for district, _s, _n in rows})
    for district, status, n in rows:
        if status in FUNNEL:
            counts[districts[district].display_name][status] = n
    return dict(sorted(counts.items()))


@dataclass(frozen=True)
class FinanceRow:
    district: str  # the name in the page's language
    sector: str  # the label in the page's language
    budget: float
    disbursed: float
    spent: float


def finance_by_district_and_sector(user: User) -> list[FinanceRow]:
    rows = (
        project_list_for_user(user)
        .exclude(status=Project.Status.CANCELLED)
        .values("district", "sector")
        .annotate(budget=Sum("budget"), disbursed=Sum("disbursed"), spent=Sum("spent"))
        .order_by("district", "sector")
    )
    districts = Area.objects.in_bulk({r["district"] for r in rows})
    sectors = dict(Project.Sector.choices)
    return [
        FinanceRow(
            districts[r["district"]].display_name,
            str(sectors.get(r["sector"], r["sector"])),
            float(r["budget"]),
            float(r["disbursed"]),
            float(r["spent"]),
        )
        for r in rows
    ]


def currencies(user: User) -> list[str]:
    return sorted(set(project_list_for_user(user).values_list("currency", flat=True)))


def progress_by_sector(user: User) -> dict[str, list[tuple[str, float]]]:
    """Mean physical progress reported per month, by sector (its label in the page's
    language)."""
    rows = (
        scoped(ProgressReport.objects.all(), user, "project__district")
        .annotate(month=TruncMonth("date"))
        .values("project__sector", "month")
        .annotate(mean=Avg("physical_progress"))
        .order_by("project__sector", "month")
    )
    series: dict[str, list[tuple[str, float]]] = defaultdict(list)
    sectors = dict(Project.Sector.choices)
    for r in rows:
        sector = str(sectors.get(r["project__sector"], r["project__sector"]))
        series[sector].append((r["month"].strftime("%Y-%m"), round(r["mean"], 1)))
    return dict(series)


def units_by_status(units: QuerySet[HousingUnit]) -> dict[str, int]:
    """Unit counts by status, in the order of the statuses."""
    counts = dict(units.values_list("status").annotate(n=Count("id")).order_by())
    return {s: counts[s] for s in HousingUnit.Status.values if s in counts}
