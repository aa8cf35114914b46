"""Writes to the figure ledger: the figures import.

A figure's place is resolved to an area or a settlement when its name says which
("Kalbajar district", "Ballija village", "Kalbajar city"); a name that is no single
place ("Liberated territories") is kept as published, unresolved.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.core.tabular import (
    ImportReport,
    Progress,
    RowReader,
    Table,
    write_all_or_nothing,
)
from homecoming.core.text import fold
from homecoming.monitoring.discrepancies import discrepancies_refresh
from homecoming.monitoring.models import Discrepancy, Figure, Indicator, Target
from homecoming.places.models import Area, Settlement
from homecoming.programmes.selectors import default_programme

AS_OF_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
INDICATOR_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Words a published place name may add to the name the places register uses.
_AREA_WORDS = ("district", "region", "rayon")
_SETTLEMENT_WORDS = ("city", "village", "town", "settlement")


@dataclass(frozen=True)
class Period:
    start: dt.date | None
    end: dt.date | None
    precision: str


def period_of(as_of: str) -> Period:
    """The days an "as of" covers: a day, a whole month, a whole year, or none (undated).

    >>> period_of("2025-10")
    Period(start=datetime.date(2025, 10, 1), end=datetime.date(2025, 10, 31), precision='month')
    """
    match = AS_OF_RE.match(as_of)
    if not as_of or not match:
        return Period(None, None, Figure.Precision.UNDATED)
    year, month, day = (int(g) if g else None for g in match.groups())
    if day:
        date = dt.date(year, month, day)
        return Period(date, date, Figure.Precision.DAY)
    if month:
        last = calendar.monthrange(year, month)[1]
        return Period(dt.date(year, month, 1), dt.date(year, month, last), Figure.Precision.MONTH)
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), Figure.Precision.YEAR)


class PlaceResolver:
    """Finds the one area or settlement a published place name means, if there is one."""

    def __init__(self) -> None:
        self.areas: dict[str, list[Area]] = {}
        self.settlements: dict[str, list[Settlement]] = {}
        for area in Area.objects.all():
            for name in {fold(area.name), fold(area.name_az)} - {""}:
                self.areas.setdefault(name, []).append(area)
        for settlement in Settlement.objects.all():
            for name in {fold(settlement.name), fold(settlement.name_az)} - {""}:
                self.settlements.setdefault(name, []).append(settlement)

    def resolve(self, label: str) -> Area | Settlement | None:
        key = fold(label)
        exact = self.settlements.get(key, []) + self.areas.get(key, [])
        if len(exact) == 1:
            return exact[0]
        words = key.rsplit(" ", 1)
        if len(words) == 2:
            stem, last = words
            if last in _AREA_WORDS and len(self.areas.get(stem, [])) == 1:
                return self.areas[stem][0]
            if last in _SETTLEMENT_WORDS and len(self.settlements.get(stem, [])) == 1:
                return self.settlements[stem][0]
        return None


def _parse(reader: RowReader, resolver: PlaceResolver) -> dict | None:
    place = reader.text("place", required=True)
    indicator = reader.text("indicator", required=True, max_length=64)
    if indicator and not INDICATOR_RE.match(indicator):
        reader.error("indicator", f"{indicator!r} must be lower-case letters, digits and _")
    value = reader.text("value", required=True, max_length=64)
    unit = reader.text("unit", required=True, max_length=32)
    number = None
    if unit == "date":  # a figure that is a date, such as the day control was restored
        if value and not AS_OF_RE.match(value):
            reader.error("value", f"{value!r} is not a date in the form YYYY-MM-DD")
    else:
        number = reader.decimal("value", minimum=0)
    bound = reader.choice("bound", Figure.Bound.values, required=False) or Figure.Bound.EXACT
    if unit == "date" and bound != Figure.Bound.EXACT:
        reader.error("bound", "a date is given exactly: leave the bound empty or write exact")
    as_of = reader.text("as_of", max_length=10)
    if as_of and not AS_OF_RE.match(as_of):
        reader.error("as_of", f"{as_of!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        period = period_of(as_of)
    except ValueError:
        reader.error("as_of", f"{as_of!r} is not a real date")
        period = None
    publisher = reader.text("publisher", required=True)
    title = reader.text("title", required=True, max_length=300)
    published = reader.date("published")
    url = reader.text("url", max_length=500)
    if url and not url.startswith(("http://", "https://")):
        reader.error("url", f"{url!r} is not an http(s) address")
    note = reader.text("note", max_length=2000)
    if not reader.ok or period is None:
        return None
    resolved = resolver.resolve(place)
    return {
        "place_label": place,
        "indicator": indicator,
        "value": value,
        "as_of": as_of,
        "publisher": publisher,
        "title": title,
        "defaults": {
            "area": resolved if isinstance(resolved, Area) else None,
            "settlement": resolved if isinstance(resolved, Settlement) else None,
            "value_number": number,
            "bound": bound,
            "unit": unit,
            "period_start": period.start,
            "period_end": period.end,
            "precision": period.precision,
            "published": published,
            "url": url,
            "note": note,
        },
    }


def figures_import(
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import published figures; columns as in docs/data-formats.md. All rows or none.

    A row that repeats a figure already in the ledger (same place, indicator, value,
    as-of date, publisher and title) updates it.
    """
    report = ImportReport.begin(
        "figures",
        table,
        dry_run=dry_run,
        required={"place", "indicator", "value", "unit", "as_of", "publisher", "title"},
    )
    if report.columns_missing:
        return report
    resolver = PlaceResolver()
    parsed = [_parse(RowReader(row, report.errors), resolver) for row in table.rows]

    def write() -> tuple[int, int]:
        created = 0
        for done, fields in enumerate(parsed, start=1):
            _, was_created = Figure.objects.update_or_create(**fields)
            created += was_created
            if progress:
                progress(done, len(parsed))
        targets_refresh()
        discrepancies_refresh()
        return created, len(parsed) - created

    return write_all_or_nothing(report, write)


def discrepancy_annotate(
    *, discrepancy: Discrepancy, by: User, status: str, note: str
) -> Discrepancy:
    """Say what a discrepancy is: explained, accepted, or corrected at the source."""
    if status not in Discrepancy.Status.values:
        raise ApplicationError(f"Unknown status {status!r}.")
    if status != Discrepancy.Status.OPEN and not note.strip():
        raise ApplicationError("Say why, in the note.")
    discrepancy.status, discrepancy.note = status, note.strip()
    discrepancy.annotated_by, discrepancy.annotated_at = by, timezone.now()
    discrepancy.save(update_fields=["status", "note", "annotated_by", "annotated_at"])
    return discrepancy


def targets_refresh() -> int:
    """Derive a Target from every target figure of the ledger that has none yet.

    A target is recorded as a figure (its value, deadline and source); the Target takes the
    figure's place and the indicator the catalogue says measures it; its period starts on
    the figure's publication date, and it belongs to the default programme. Targets already
    derived keep what an editor set on them. Returns how many were created.
    """
    programme = default_programme()
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(is_target=True, progress_indicator__isnull=False)
    }
    new = [
        Target(
            figure=figure,
            indicator=indicators[figure.indicator].progress_indicator,
            area=figure.area,
            settlement=figure.settlement,
            start=figure.published,
            programme=programme,
        )
        for figure in Figure.objects.filter(
            indicator__in=indicators, target__isnull=True, value_number__isnull=False
        ).exclude(period_end=None)
    ]
    for target in new:
        target.full_clean()
        target.save()
    return len(new)


def target_update(*, target: Target, start: dt.date | None, note: str) -> Target:
    """Say when a target's period starts (when its source does not) and how it is read."""
    if start and target.deadline and start >= target.deadline:
        raise ApplicationError("A target's period starts before its deadline.")
    target.start, target.note = start, note.strip()
    target.full_clean()
    target.save(update_fields=["start", "note"])
    return target
