"""Writes to the mine-action record: the four imports and the release status they drive."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Sum

from homecoming.core.audit import bulk_create_audited, bulk_update_audited
from homecoming.core.geometry import geodesic_area_m2
from homecoming.core.tabular import (
    ImportReport,
    OncePerFile,
    Progress,
    RowReader,
    Table,
    upsert,
    write_all_or_nothing,
)
from homecoming.mineaction.models import (
    Accident,
    Contamination,
    DeviceReport,
    HazardArea,
    LandReleaseActivity,
    LandUse,
    Victim,
)
from homecoming.places.lookup import PlaceLookup

# Areas are typed in m²; a release may exceed the polygon's computed area by this share
# before it is refused, to allow for the surveyors' rounding.
AREA_TOLERANCE = 0.001
Method = LandReleaseActivity.Method
# Which area each land-release method may record (IMAS 07.11).
METHOD_AREAS = {
    Method.NON_TECHNICAL_SURVEY: {"cancelled_m2"},
    Method.TECHNICAL_SURVEY: {"reduced_m2", "cleared_m2"},
    Method.CLEARANCE: {"cleared_m2"},
    Method.EOD_SPOT_TASK: set(),
}
AREA_COLUMNS = ("cancelled_m2", "reduced_m2", "cleared_m2")


def _progress(progress: Progress | None, done: int, total: int) -> None:
    if progress:
        progress(done, total)


def hazard_areas_refresh(hazard_ids: set[int] | None = None) -> None:
    """Recompute released area and status of the given hazard areas (all when None)."""
    hazards = (
        HazardArea.objects.all()
        if hazard_ids is None
        else HazardArea.objects.filter(pk__in=hazard_ids)
    )
    totals = {
        row["hazard_area"]: row
        for row in LandReleaseActivity.objects.filter(hazard_area__in=hazards)
        .values("hazard_area")
        .annotate(c=Sum("cancelled_m2"), r=Sum("reduced_m2"), x=Sum("cleared_m2"))
    }
    active = set(
        LandReleaseActivity.objects.filter(hazard_area__in=hazards)
        .exclude(status=LandReleaseActivity.Status.PLANNED)
        .values_list("hazard_area", flat=True)
    )
    changed = []
    for hazard in hazards:
        row = totals.get(hazard.pk)
        released = (row["c"] + row["r"] + row["x"]) if row else 0.0
        if released >= hazard.area_m2 * (1 - AREA_TOLERANCE):
            status = HazardArea.Status.RELEASED
        elif released > 0 or hazard.pk in active:
            status = HazardArea.Status.IN_PROGRESS
        else:
            status = HazardArea.Status.OPEN
        if (hazard.released_m2, hazard.status) != (released, status):
            hazard.released_m2, hazard.status = released, status
            changed.append(hazard)
    bulk_update_audited(HazardArea, changed, ["released_m2", "status"], batch_size=1000)


def hazards_import(
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Hazard areas from CSV/XLSX (polygon in the ``geometry`` column) or GeoJSON."""
    report = ImportReport.begin(
        "hazards",
        table,
        dry_run=dry_run,
        required={"code", "kind", "district", "geometry", "source", "info_date"},
    )
    if report.columns_missing:
        return report
    places = PlaceLookup()
    parsed, codes = [], OncePerFile()
    for number, row in enumerate(table.rows, start=1):
        reader = RowReader(row, report.errors)
        code = reader.text("code", required=True, max_length=32)
        codes.check(reader, "code", code, code)
        kind = reader.choice("kind", HazardArea.Kind.values)
        contamination = reader.codes("contamination", Contamination.values)
        district = places.district(reader, "district")
        settlements = places.settlements(reader, "settlements", district=district)
        polygon = reader.geojson("geometry", kinds=("Polygon", "MultiPolygon"))
        if polygon is None and reader.raw("geometry").strip() in ("", "null"):
            reader.error("geometry", "is required")
        blocked = reader.codes("blocked_land_use", LandUse.values)
        priority = reader.choice("priority", HazardArea.Priority.values, required=False)
        source = reader.text("source", required=True)
        info_date = reader.date("info_date", required=True)
        if reader.ok:
            area = geodesic_area_m2(polygon)
            if area <= 0:
                reader.error("geometry", "has no area")
                continue
            (min_lon, min_lat, max_lon, max_lat) = _bounds(polygon)
            parsed.append(
                (
                    code,
                    settlements,
                    {
                        "kind": kind,
                        "contamination": contamination,
                        "district": district,
                        "polygon": polygon,
                        "area_m2": area,
                        "min_lon": min_lon,
                        "min_lat": min_lat,
                        "max_lon": max_lon,
                        "max_lat": max_lat,
                        "blocked_land_use": blocked,
                        "priority": priority or HazardArea.Priority.MEDIUM,
                        "source": source,
                        "info_date": info_date,
                    },
                )
            )
        _progress(progress, number, len(table.rows))

    def write() -> tuple[int, int]:
        created = 0
        for code, settlements, fields in parsed:
            hazard, was_created = HazardArea.objects.update_or_create(code=code, defaults=fields)
            hazard.settlements.set(settlements)
            created += was_created
        hazard_areas_refresh(
            set(
                HazardArea.objects.filter(code__in=[p[0] for p in parsed]).values_list(
                    "pk", flat=True
                )
            )
        )
        return created, len(parsed) - created

    return write_all_or_nothing(report, write)


def _bounds(polygon: dict) -> tuple[float, float, float, float]:
    from shapely import geometry as shp

    return shp.shape(polygon).bounds


def landrelease_import(
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Land-release activities; a hazard area may not release more than its area."""
    report = ImportReport.begin(
        "landrelease",
        table,
        dry_run=dry_run,
        required={"reference", "hazard_area", "method", "organisation", "start_date", "status"},
    )
    if report.columns_missing:
        return report
    hazards = {h.code: h for h in HazardArea.objects.all()}
    references = [row.values.get("reference", "").strip() for row in table.rows]
    # What the activities not in this file already release, per hazard area.
    released: dict[int, float] = defaultdict(float)
    for activity in LandReleaseActivity.objects.exclude(reference__in=references):
        released[activity.hazard_area_id] += activity.released_m2
    parsed, references = [], OncePerFile()
    for number, row in enumerate(table.rows, start=1):
        reader = RowReader(row, report.errors)
        reference = reader.text("reference", required=True, max_length=40)
        references.check(reader, "reference", reference, reference)
        code = reader.text("hazard_area", required=True)
        hazard = hazards.get(code)
        if code and hazard is None:
            reader.error("hazard_area", f"no hazard area {code!r}; import it first")
        method = reader.choice("method", Method.values)
        organisation = reader.text("organisation", required=True)
        start = reader.date("start_date", required=True)
        end = reader.date("end_date")
        status = reader.choice("status", LandReleaseActivity.Status.values)
        areas = {c: reader.decimal(c, minimum=0) for c in AREA_COLUMNS}
        handover = reader.date("handover_date")
        certificate = reader.text("certificate", max_length=80)
        for later, name in ((end, "end_date"), (handover, "handover_date")):
            if start and later and later < start:
                reader.error(name, f"{later} is before the start, {start}")
        if method:
            for column in AREA_COLUMNS:
                if areas[column] and column not in METHOD_AREAS[method]:
                    reader.error(
                        column,
                        f"a {method.replace('_', ' ')} does not record "
                        f"{column.removesuffix('_m2')} area",
                    )
        if status == LandReleaseActivity.Status.COMPLETED and not end:
            reader.error("end_date", "a completed activity needs its end date")
        if not reader.ok:
            continue
        amounts = {c: float(v or 0) for c, v in areas.items()}
        released[hazard.pk] += sum(amounts.values())
        if released[hazard.pk] > hazard.area_m2 * (1 + AREA_TOLERANCE):
            reader.error(
                "cleared_m2"
                if amounts["cleared_m2"]
                else "reduced_m2"
                if amounts["reduced_m2"]
                else "cancelled_m2",
                f"{hazard.code} would have {released[hazard.pk]:,.0f} m² released in all, more "
                f"than its area of {hazard.area_m2:,.0f} m²",
            )
            continue
        parsed.append(
            (
                reference,
                {
                    "hazard_area": hazard,
                    "method": method,
                    "organisation": organisation,
                    "start_date": start,
                    "end_date": end,
                    "status": status,
                    "handover_date": handover,
                    "certificate": certificate,
                    **amounts,
                },
            )
        )
        _progress(progress, number, len(table.rows))

    def write() -> tuple[int, int]:
        counts = upsert(LandReleaseActivity, [({"reference": r}, f) for r, f in parsed])
        hazard_areas_refresh({fields["hazard_area"].pk for _, fields in parsed})
        return counts

    return write_all_or_nothing(report, write)


def devices_import(
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Devices found and destroyed, per district and week (and optionally per activity)."""
    report = ImportReport.begin(
        "devices", table, dry_run=dry_run, required={"reference", "district", "week"}
    )
    if report.columns_missing:
        return report
    places = PlaceLookup()
    activities = dict(LandReleaseActivity.objects.values_list("reference", "pk"))
    parsed, references = [], OncePerFile()
    for number, row in enumerate(table.rows, start=1):
        reader = RowReader(row, report.errors)
        reference = reader.text("reference", required=True, max_length=40)
        references.check(reader, "reference", reference, reference)
        district = places.district(reader, "district")
        week = reader.date("week", required=True)
        if week and week.weekday() != 0:
            monday = week - dt.timedelta(days=week.weekday())
            reader.error("week", f"{week} is a {week:%A}; give the week's Monday, {monday}")
        activity = reader.text("activity", max_length=40)
        if activity and activity not in activities:
            reader.error("activity", f"no land-release activity {activity!r}")
        counts = {c: reader.integer(c) or 0 for c in ("ap_mines", "at_mines", "uxo", "axo")}
        source = reader.text("source")
        if reader.ok:
            parsed.append(
                (
                    reference,
                    {
                        "district": district,
                        "week": week,
                        "source": source,
                        "activity_id": activities.get(activity),
                        **counts,
                    },
                )
            )
        _progress(progress, number, len(table.rows))

    return write_all_or_nothing(
        report, lambda: upsert(DeviceReport, [({"reference": r}, f) for r, f in parsed])
    )


def casualties_import(
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Accidents and their victims: one row per victim; the rows of an accident agree.

    The victims in the file replace those recorded for the same accident.
    """
    report = ImportReport.begin(
        "casualties",
        table,
        dry_run=dry_run,
        required={"accident", "date", "district", "device", "outcome", "group", "age_group", "sex"},
    )
    if report.columns_missing:
        return report
    places = PlaceLookup()
    accidents: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    victims: dict[str, list[dict]] = defaultdict(list)
    for number, row in enumerate(table.rows, start=1):
        reader = RowReader(row, report.errors)
        reference = reader.text("accident", required=True, max_length=40)
        district = places.district(reader, "district")
        accident = {
            "date": reader.date("date", required=True),
            "district": district,
            "settlement": places.settlement(
                reader, "settlement", district=district, required=False
            ),
            "device": reader.choice("device", Accident.Device.values),
            "source": reader.text("source"),
        }
        victim = {
            "outcome": reader.choice("outcome", Victim.Outcome.values),
            "group": reader.choice("group", Victim.Group.values),
            "age_group": reader.choice("age_group", Victim.AgeGroup.values),
            "sex": reader.choice("sex", Victim.Sex.values),
        }
        if not reader.ok:
            continue
        known = accidents.setdefault(reference, accident)
        first_row.setdefault(reference, row.number)
        for name in ("date", "district", "settlement", "device"):
            if known[name] != accident[name]:
                reader.error(
                    name,
                    f"differs from row {first_row[reference]} of accident "
                    f"{reference} ({known[name]})",
                )
        victims[reference].append(victim)
        _progress(progress, number, len(table.rows))

    def write() -> tuple[int, int]:
        created = 0
        for reference, fields in accidents.items():
            accident, was_created = Accident.objects.update_or_create(
                reference=reference, defaults=fields
            )
            accident.victims.all().delete()
            bulk_create_audited(
                Victim, [Victim(accident=accident, **v) for v in victims[reference]]
            )
            created += was_created
        return created, len(accidents) - created

    return write_all_or_nothing(report, write)
