"""Writes to the housing record: the three imports and the one way a unit's status changes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from shapely.geometry import mapping

from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.core.tabular import (
    ImportReport,
    OncePerFile,
    Progress,
    RowError,
    RowReader,
    Table,
    upsert,
    write_all_or_nothing,
)
from homecoming.housing.models import (
    Building,
    HousingUnit,
    ProgressReport,
    Project,
    UnitStatusChange,
    Utility,
)
from homecoming.mineaction.selectors import open_hazards_at, zone_of
from homecoming.places.lookup import PlaceLookup

Status = HousingUnit.Status
# The edges a unit's status may move along. Reserved and occupied belong to the returns
# workflow: only it may move a unit into or out of them.
TRANSITIONS = {
    Status.PLANNED: {Status.UNDER_CONSTRUCTION, Status.READY, Status.OUT_OF_SERVICE},
    Status.UNDER_CONSTRUCTION: {Status.PLANNED, Status.READY, Status.OUT_OF_SERVICE},
    Status.READY: {Status.RESERVED, Status.OUT_OF_SERVICE, Status.UNDER_CONSTRUCTION},
    Status.RESERVED: {Status.READY, Status.OCCUPIED},
    Status.OCCUPIED: {Status.READY, Status.OUT_OF_SERVICE},
    Status.OUT_OF_SERVICE: {Status.UNDER_CONSTRUCTION, Status.READY},
}
RETURNS_WORKFLOW = {Status.RESERVED, Status.OCCUPIED}
IMPORTABLE_STATUSES = [
    Status.PLANNED,
    Status.UNDER_CONSTRUCTION,
    Status.READY,
    Status.OUT_OF_SERVICE,
]


def unit_status_rule(
    unit_status: str, new: str, *, project_status: str, by_returns: bool
) -> str | None:
    """Why a unit may not move from ``unit_status`` to ``new``, or None when it may."""
    if new == unit_status:
        return None
    if new not in TRANSITIONS[unit_status]:
        return f"a {unit_status.replace('_', ' ')} unit cannot become {new.replace('_', ' ')}"
    if (new in RETURNS_WORKFLOW or unit_status in RETURNS_WORKFLOW) and not by_returns:
        return (
            f"{new.replace('_', ' ')} and reserved/occupied units change only through the "
            "returns workflow (offers and key handover)"
        )
    if new == Status.READY and project_status != Project.Status.COMPLETED:
        return (
            f"a unit is ready only when its project is completed (the project is {project_status})"
        )
    return None


def unit_status_change(
    *,
    unit: HousingUnit,
    status: str,
    on: dt.date | None = None,
    by: User | None = None,
    reason: str = "",
    by_returns: bool = False,
) -> HousingUnit:
    """Move a unit to ``status`` along an allowed edge and record the change with its date."""
    problem = unit_status_rule(
        unit.status, status, project_status=unit.building.project.status, by_returns=by_returns
    )
    if problem:
        raise ApplicationError(f"Unit {unit}: {problem}.")
    if status == unit.status:
        return unit
    on = on or timezone.localdate()
    with transaction.atomic():
        unit.status, unit.status_since = status, on
        unit.save(update_fields=["status", "status_since"])
        UnitStatusChange.objects.create(
            unit=unit, status=status, date=on, changed_by=by, reason=reason
        )
    return unit


def project_site_warnings(project: Project) -> list[str]:
    """Hazard areas not yet released under the project's site (or its settlement's zone)."""
    geometry = project.site
    if geometry is None and project.settlement is not None:
        zone = zone_of(project.settlement)
        geometry = mapping(zone.geometry(settings.LAND_READINESS_BUFFER_M))
    if geometry is None:
        return []
    return [
        f"the site touches {h.code} ({h.get_status_display().lower()}, "
        f"{int(h.released_share * 100)} % released): land not yet released"
        for h in open_hazards_at(geometry)
    ]


def projects_import(
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Reconstruction projects (and, optionally, a physical-progress reading per row)."""
    report = ImportReport.begin(
        "projects",
        table,
        dry_run=dry_run,
        required={
            "code",
            "title",
            "sector",
            "type",
            "district",
            "implementing_organisation",
            "funding_organisation",
            "currency",
            "budget",
            "amounts_date",
            "status",
        },
    )
    if report.columns_missing:
        return report
    places = PlaceLookup()
    parsed, codes = [], OncePerFile()
    for number, row in enumerate(table.rows, start=1):
        reader = RowReader(row, report.errors)
        code = reader.text("code", required=True, max_length=40)
        codes.check(reader, "code", code, code)
        district = places.district(reader, "district")
        fields = {
            "title": reader.text("title", required=True, max_length=300),
            "sector": reader.choice("sector", Project.Sector.values),
            "type": reader.choice("type", Project.Type.values),
            "district": district,
            "settlement": places.settlement(
                reader, "settlement", district=district, required=False
            ),
            "site": reader.geojson("site", kinds=("Point", "Polygon", "MultiPolygon")),
            "implementing_organisation": reader.text("implementing_organisation", required=True),
            "funding_organisation": reader.text("funding_organisation", required=True),
            "currency": reader.text("currency", required=True, max_length=3).upper(),
            "budget": reader.decimal("budget", required=True, minimum=0),
            "committed": reader.decimal("committed", minimum=0) or 0,
            "disbursed": reader.decimal("disbursed", minimum=0) or 0,
            "spent": reader.decimal("spent", minimum=0) or 0,
            "amounts_date": reader.date("amounts_date", required=True),
            "planned_start": reader.date("planned_start", allow_future=True),
            "planned_end": reader.date("planned_end", allow_future=True),
            "actual_start": reader.date("actual_start"),
            "actual_end": reader.date("actual_end"),
            "status": reader.choice("status", Project.Status.values),
            "source": reader.text("source"),
        }
        progress_value = reader.integer("physical_progress")
        if progress_value is not None and progress_value > 100:
            reader.error("physical_progress", f"must be at most 100 (got {progress_value})")
        progress_date = reader.date("progress_date") or fields["amounts_date"]
        currency = fields["currency"]
        if currency and not (len(currency) == 3 and currency.isalpha()):
            reader.error("currency", f"{currency!r} is not an ISO 4217 code such as AZN or USD")
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if fields[start] and fields[end] and fields[end] < fields[start]:
                reader.error(
                    end, f"{fields[end]} is before {start.replace('_', ' ')}, {fields[start]}"
                )
        if fields["status"] == Project.Status.COMPLETED and not fields["actual_end"]:
            reader.error("actual_end", "a completed project needs its actual end date")
        if not reader.ok:
            continue
        if fields["spent"] > fields["disbursed"]:
            report.warnings.append(
                RowError(row.number, "spent", "more spent than disbursed; check the figures")
            )
        parsed.append((row.number, code, fields, progress_value, progress_date))
        if progress:
            progress(number, len(table.rows))

    def write() -> tuple[int, int]:
        created = 0
        for row_number, code, fields, progress_value, progress_date in parsed:
            project, was_created = Project.objects.update_or_create(code=code, defaults=fields)
            created += was_created
            if progress_value is not None:
                ProgressReport.objects.update_or_create(
                    project=project,
                    date=progress_date,
                    defaults={"physical_progress": progress_value},
                )
            if project.status in (Project.Status.PREPARATION, Project.Status.IMPLEMENTATION):
                report.warnings += [
                    RowError(row_number, "site", w) for w in project_site_warnings(project)
                ]
        return created, len(parsed) - created

    return write_all_or_nothing(report, write)


BUILDING_FIELDS = ("project", "settlement", "address", "floors", "lat", "lon")


def units_import(
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Buildings and their housing units, one row per unit; a building's rows agree."""
    report = ImportReport.begin(
        "units",
        table,
        dry_run=dry_run,
        required={
            "building",
            "project",
            "settlement",
            "address",
            "floors",
            "lat",
            "lon",
            "number",
            "floor",
            "rooms",
            "area_m2",
        },
    )
    if report.columns_missing:
        return report
    places = PlaceLookup()
    projects = {p.code: p for p in Project.objects.all()}
    existing = {
        (u.building.code, u.number): u for u in HousingUnit.objects.select_related("building")
    }
    buildings: dict[str, tuple[int, dict]] = {}
    units, numbers = [], OncePerFile()
    today = timezone.localdate()
    for number, row in enumerate(table.rows, start=1):
        reader = RowReader(row, report.errors)
        code = reader.text("building", required=True, max_length=40)
        project_code = reader.text("project", required=True)
        project = projects.get(project_code)
        if project_code and project is None:
            reader.error("project", f"no project {project_code!r}; import it first")
        building = {
            "project": project,
            "settlement": places.settlement(
                reader, "settlement", district=project.district if project else None
            ),
            "address": reader.text("address", required=True, max_length=300),
            "floors": reader.integer("floors", required=True, minimum=1, maximum=200),
            "lat": reader.decimal("lat", required=True, minimum=-90, maximum=90),
            "lon": reader.decimal("lon", required=True, minimum=-180, maximum=180),
        }
        unit_number = reader.text("number", required=True, max_length=20)
        unit = {
            "floor": reader.integer("floor", required=True, minimum=-5, maximum=200),
            "rooms": reader.integer("rooms", required=True, minimum=1, maximum=50),
            "area_m2": reader.decimal("area_m2", required=True, minimum=1, maximum=99_999),
            "step_free": reader.boolean("step_free"),
        }
        status = reader.choice("status", IMPORTABLE_STATUSES, required=False) or Status.PLANNED
        key = (code, unit_number)
        numbers.check(reader, "number", key, f"unit {unit_number} of {code}")
        if building["floors"] and unit["floor"] is not None and unit["floor"] > building["floors"]:
            reader.error(
                "floor",
                f"floor {unit['floor']} is above the building's {building['floors']} floors",
            )
        if not reader.ok:
            continue
        first_row, known = buildings.setdefault(code, (row.number, building))
        for name in BUILDING_FIELDS:
            if known[name] != building[name]:
                reader.error(name, f"differs from row {first_row} for building {code}")
        current = existing.get(key)
        problem = unit_status_rule(
            current.status if current else Status.PLANNED,
            status,
            project_status=project.status,
            by_returns=False,
        )
        if problem:
            reader.error("status", problem)
        if reader.ok:
            units.append((code, unit_number, unit, status))
        if progress:
            progress(number, len(table.rows))

    def write() -> tuple[int, int]:
        saved = {}
        for code, (_row, fields) in buildings.items():
            saved[code], _ = Building.objects.update_or_create(code=code, defaults=fields)
        created = 0
        for code, unit_number, fields, status in units:
            unit, was_created = HousingUnit.objects.update_or_create(
                building=saved[code],
                number=unit_number,
                defaults=fields,
                create_defaults={**fields, "status_since": today},
            )
            created += was_created
            if was_created:
                UnitStatusChange.objects.create(
                    unit=unit,
                    status=Status.PLANNED,
                    date=today,
                    reason=f"imported from {table.name}",
                )
            if status != unit.status:
                unit_status_change(
                    unit=unit, status=status, on=today, reason=f"imported from {table.name}"
                )
        return created, len(units) - created

    return write_all_or_nothing(report, write)


def utilities_import(
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """The status of each utility and service per settlement."""
    report = ImportReport.begin(
        "utilities", table, dry_run=dry_run, required={"settlement", "service", "status"}
    )
    if report.columns_missing:
        return report
    places = PlaceLookup()
    parsed, services = [], OncePerFile()
    for number, row in enumerate(table.rows, start=1):
        reader = RowReader(row, report.errors)
        settlement = places.settlement(reader, "settlement")
        service = reader.choice("service", Utility.Service.values)
        status = reader.choice("status", Utility.Status.values)
        commissioned_on = reader.date("commissioned_on")
        if status == Utility.Status.COMMISSIONED and not commissioned_on:
            reader.error("commissioned_on", "a commissioned service needs its date")
        if settlement and service:
            services.check(
                reader, "service", (settlement.pk, service), f"{service} of {settlement.name}"
            )
        note = reader.text("note", max_length=300)
        source = reader.text("source")
        if reader.ok:
            parsed.append(
                (
                    {"settlement": settlement, "service": service},
                    {
                        "status": status,
                        "note": note,
                        "source": source,
                        "commissioned_on": commissioned_on,
                    },
                )
            )
        if progress:
            progress(number, len(table.rows))

    return write_all_or_nothing(report, lambda: upsert(Utility, parsed))
