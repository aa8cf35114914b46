"""Reads of the mine-action record: scoped lists, readiness with reasons, aggregates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _
from shapely import geometry as shp

from homecoming.accounts.access import CASUALTY_VIEW, district_scope, user_can
from homecoming.accounts.models import User
from homecoming.core.choices import rows_in_use
from homecoming.core.disclosure import disclose
from homecoming.mineaction.models import (
    Accident,
    DeviceReport,
    HazardArea,
    LandReleaseActivity,
    Victim,
)
from homecoming.mineaction.readiness import (
    HazardState,
    LandVerdict,
    SettlementZone,
    land_readiness,
)
from homecoming.places.models import Area, Settlement
from homecoming.places.selectors import district_list


def scoped(queryset: QuerySet, user: User, field: str = "district") -> QuerySet:
    """``queryset`` narrowed to the user's districts through ``field``."""
    scope = district_scope(user)
    return queryset if scope is None else queryset.filter(**{f"{field}_id__in": scope})


def hazard_area_list_for_user(user: User) -> QuerySet[HazardArea]:
    return scoped(HazardArea.objects.select_related("district"), user)


def districts_with_hazard_areas(user: User) -> QuerySet[Area]:
    """The districts where ``user`` sees a hazard area: those the hazard map offers."""
    return rows_in_use(district_list(), hazard_area_list_for_user(user), "district")


def zone_of(settlement: Settlement) -> SettlementZone:
    return SettlementZone(
        settlement.code, float(settlement.lon), float(settlement.lat), settlement.footprint
    )


def hazard_state(hazard: HazardArea) -> HazardState:
    return HazardState(hazard.code, hazard.polygon, hazard.status == HazardArea.Status.RELEASED)


@dataclass(frozen=True)
class HazardReason:
    """Why a hazard area still blocks, as values: its latest land-release activity's
    method ("" when there is none yet) and the share released, in percent."""

    hazard: HazardArea
    method: str  # LandReleaseActivity.Method, "" when no activity yet
    percent: int

    @property
    def text(self) -> str:
        return hazard_words(
            code=self.hazard.code,
            area_ha=self.hazard.area_ha,
            method=self.method,
            percent=self.percent,
        )


@dataclass(frozen=True)
class LandReadiness:
    settlement: Settlement
    verdict: LandVerdict
    hazards: list[HazardArea]
    reasons: list[HazardReason]  # one per hazard area not released
    releases: list[LandReleaseActivity]  # the release history around the settlement
    buffer_m: int

    @property
    def ready(self) -> bool:
        return self.verdict.ready


def _nearby(zone: SettlementZone, buffer_m: float) -> QuerySet[HazardArea]:
    """Hazard areas whose bounding box meets the zone's: the database narrows, Shapely decides."""
    minx, miny, maxx, maxy = zone.geometry(buffer_m).bounds
    return HazardArea.objects.filter(
        min_lon__lte=maxx, max_lon__gte=minx, min_lat__lte=maxy, max_lat__gte=miny
    )


def open_hazards_at(geometry: dict) -> list[HazardArea]:
    """The hazard areas not yet released that a GeoJSON geometry (a project site) touches."""
    shape = shp.shape(geometry)
    minx, miny, maxx, maxy = shape.bounds
    nearby = HazardArea.objects.exclude(status=HazardArea.Status.RELEASED).filter(
        min_lon__lte=maxx, max_lon__gte=minx, min_lat__lte=maxy, max_lat__gte=miny
    )
    return [h for h in nearby.order_by("code") if shape.intersects(shp.shape(h.polygon))]


def hazard_reason(hazard: HazardArea, activities: list[LandReleaseActivity]) -> HazardReason:
    """Why ``hazard`` still blocks, from its land-release ``activities`` in date order: the
    method of the latest one still under way (or the latest), and the share released."""
    working = [a for a in activities if a.status != LandReleaseActivity.Status.COMPLETED]
    latest = (working or activities)[-1].method if activities else ""
    return HazardReason(hazard, latest, int(hazard.released_share * 100))


def hazard_words(*, code: str, area_ha: float, method: str, percent: int) -> str:
    """A hazard area's progress in the active language: "HA-0231, 12.4 ha, clearance 60 %
    done" (``method`` a ``LandReleaseActivity.Method``, "" when no activity yet)."""
    # number_format cuts the digits beyond the first decimal: round first, as f"{:.1f}" did.
    area = formats.number_format(round(area_ha, 1), 1, use_l10n=True, force_grouping=True)
    size = _("%(code)s, %(area)s ha") % {"code": code, "area": area}
    if not method:
        return _("%(hazard)s, no land-release activity yet") % {"hazard": size}
    return _("%(hazard)s, %(method)s %(percent)d %% done") % {
        "hazard": size,
        "method": str(LandReleaseActivity.Method(method).label).lower(),
        "percent": percent,
    }


def settlement_land_readiness(settlement: Settlement) -> LandReadiness:
    buffer_m = settings.LAND_READINESS_BUFFER_M
    zone = zone_of(settlement)
    candidates = list(
        (_nearby(zone, buffer_m) | settlement.hazard_areas.all()).distinct().order_by("code")
    )
    declared = {settlement.code: [h.code for h in settlement.hazard_areas.all()]}
    verdict = land_readiness(
        [zone], [hazard_state(h) for h in candidates], buffer_m=buffer_m, declared=declared
    )[settlement.code]
    hazards = [h for h in candidates if h.code in verdict.hazards]
    activities = defaultdict(list)
    for activity in LandReleaseActivity.objects.filter(hazard_area__in=hazards).select_related(
        "hazard_area"
    ):
        activities[activity.hazard_area_id].append(activity)
    reasons = [hazard_reason(h, activities[h.pk]) for h in hazards if h.code in verdict.blocking]
    releases = sorted(
        (a for acts in activities.values() for a in acts),
        key=lambda a: (a.release_date, a.reference),
    )
    return LandReadiness(settlement, verdict, hazards, reasons, releases, buffer_m)


def land_readiness_by_settlement() -> dict[str, LandVerdict]:
    """Every settlement's land verdict, for maps and overviews: one spatial index, one pass."""
    settlements = [zone_of(s) for s in Settlement.objects.all()]
    hazards = [hazard_state(h) for h in HazardArea.objects.only("code", "polygon", "status")]
    declared = defaultdict(list)
    for settlement_code, hazard_code in HazardArea.settlements.through.objects.values_list(
        "settlement__code", "hazardarea__code"
    ):
        declared[settlement_code].append(hazard_code)
    return land_readiness(
        settlements, hazards, buffer_m=settings.LAND_READINESS_BUFFER_M, declared=declared
    )


def hazards_geojson(hazards: QuerySet[HazardArea], settlements: QuerySet[Settlement]) -> dict:
    """Hazard polygons coloured by status, with the settlements around them as points."""
    features = [
        {
            "type": "Feature",
            "geometry": h.polygon,
            "properties": {
                "kind": "hazard",
                "code": h.code,
                "status": h.status,
                "status_label": h.get_status_display(),
                "area_ha": round(h.area_ha, 2),
                "released_percent": int(h.released_share * 100),
                "district": h.district.display_name,
            },
        }
        for h in hazards.select_related("district")
    ]
    features += [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(s.lon), float(s.lat)]},
            "properties": {
                "kind": "settlement",
                "code": s.code,
                "name": s.name,
                "name_az": s.name_az,
                "name_ru": s.name_ru,
                "district": s.district.display_name,
                "approximate": s.coordinates_approximate,
            },
        }
        for s in settlements.select_related("district")
    ]
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class Overview:
    hazards_by_status: dict[str, int]
    released_ha: float
    open_ha_by_district: list[tuple[str, float]]
    released_ha_by_month: list[tuple[str, float]]
    devices_by_week: list[dict]
    victims_by_year: list[dict]


def mine_action_overview(user: User) -> Overview:
    hazards = scoped(HazardArea.objects.all(), user)
    by_status = dict(hazards.values_list("status").annotate(n=Count("id")))
    open_by_district = list(
        hazards.exclude(status=HazardArea.Status.RELEASED)
        .values("district")
        .annotate(open_m2=Sum(F("area_m2") - F("released_m2")))
        .order_by("-open_m2")
    )
    activities = scoped(LandReleaseActivity.objects.all(), user, "hazard_area__district")
    by_month = (
        activities.annotate(month=TruncMonth("end_date"))
        .filter(month__isnull=False)
        .values("month")
        .annotate(m2=Sum(F("cancelled_m2") + F("reduced_m2") + F("cleared_m2")))
        .order_by("month")
    )
    devices = (
        scoped(DeviceReport.objects.all(), user)
        .values("week")
        .annotate(
            ap_mines=Sum("ap_mines"), at_mines=Sum("at_mines"), uxo=Sum("uxo"), axo=Sum("axo")
        )
        .order_by("week")
    )
    victims = casualties_by_year(user)
    districts = Area.objects.in_bulk({r["district"] for r in open_by_district})
    return Overview(
        hazards_by_status=by_status,
        released_ha=sum(row["m2"] or 0 for row in by_month) / 10_000,
        open_ha_by_district=[
            (districts[r["district"]].display_name, r["open_m2"] / 10_000) for r in open_by_district
        ],
        released_ha_by_month=[(r["month"].strftime("%Y-%m"), r["m2"] / 10_000) for r in by_month],
        devices_by_week=list(devices),
        victims_by_year=victims,
    )


# A cell of the casualty table: (outcome, district id, year, month); None where it is a total.
CasualtyCell = tuple[str, int | None, int | None, int | None]


def casualty_table() -> dict[CasualtyCell, int | str]:
    """Killed and injured by district and month, with the totals of each district's year,
    of each year and of all years, as everyone may read them: small counts hidden with
    their complements (``core.disclosure``), the same table for every page and file
    that shows casualties to someone without ``CASUALTY_VIEW``."""
    rows = (
        Victim.objects.annotate(month=TruncMonth("accident__date"))
        .values_list("outcome", "accident__district_id", "month")
        .annotate(n=Count("id"))
        .order_by("outcome", "accident__district_id", "month")
    )
    cells: dict[CasualtyCell, int] = {}
    parts: dict[CasualtyCell, list[CasualtyCell]] = defaultdict(list)
    for outcome in Victim.Outcome.values:
        cells[(outcome, None, None, None)] = 0
    for outcome, district, month, n in rows:
        cell = (outcome, district, month.year, month.month)
        cells[cell] = n
        for total, part in (
            ((outcome, district, month.year, None), cell),
            ((outcome, None, month.year, None), (outcome, district, month.year, None)),
            ((outcome, None, None, None), (outcome, None, month.year, None)),
        ):
            cells[total] = cells.get(total, 0) + n
            if part not in parts[total]:
                parts[total].append(part)
    return disclose(cells, totals=parts.items())


def casualties_by_year(user: User) -> list[dict]:
    """Killed and injured per year: exact, in the user's districts, for those who may see
    casualties (``CASUALTY_VIEW``); for everyone else, every district, from the
    :func:`casualty_table` (a hidden count is ``core.disclosure.HIDDEN``)."""
    if user_can(user, CASUALTY_VIEW):
        return list(
            scoped(Victim.objects.all(), user, "accident__district")
            .annotate(year=ExtractYear("accident__date"))
            .values("year")
            .annotate(
                killed=Count("id", filter=Q(outcome=Victim.Outcome.KILLED)),
                injured=Count("id", filter=Q(outcome=Victim.Outcome.INJURED)),
            )
            .order_by("year")
        )
    return _casualty_rows(casualty_table(), lambda cell: cell[1] is None and cell[2] is not None)


def casualties_by_district_and_year(user: User) -> list[dict]:
    """Killed and injured per year and district (its id), in the user's districts: exact for
    those who may see casualties, from the :func:`casualty_table` for everyone else."""
    scope = district_scope(user)
    if user_can(user, CASUALTY_VIEW):
        return list(
            scoped(Victim.objects.all(), user, "accident__district")
            .annotate(year=ExtractYear("accident__date"))
            .values("year", district=F("accident__district"))
            .annotate(
                killed=Count("id", filter=Q(outcome=Victim.Outcome.KILLED)),
                injured=Count("id", filter=Q(outcome=Victim.Outcome.INJURED)),
            )
            .order_by("year", "district")
        )
    return _casualty_rows(
        casualty_table(),
        lambda cell: (
            cell[1] is not None and cell[3] is None and (scope is None or cell[1] in scope)
        ),
    )


def _casualty_rows(
    table: Mapping[CasualtyCell, int | str], keep: Callable[[CasualtyCell], bool]
) -> list[dict]:
    """One row per (year, district) of the cells ``keep`` selects, killed and injured."""
    rows: dict[tuple, dict] = {}
    for cell, value in table.items():
        outcome, district, year, _month = cell
        if keep(cell):
            row = rows.setdefault(
                (year, district), {"year": year, "district": district, "killed": 0, "injured": 0}
            )
            row[outcome] = value
    return [rows[key] for key in sorted(rows, key=lambda k: (k[0], k[1] or 0))]


def accident_list_for_user(user: User) -> QuerySet[Accident]:
    return scoped(Accident.objects.select_related("district", "settlement"), user)
