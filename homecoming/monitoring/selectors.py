from __future__ import annotations

from django.db.models import QuerySet

from homecoming.monitoring.models import Discrepancy, Figure
from homecoming.places.models import Area, Settlement


def figure_list(*, indicator: str = "", place: str = "") -> QuerySet[Figure]:
    figures = Figure.objects.select_related("area", "settlement")
    if indicator:
        figures = figures.filter(indicator=indicator)
    if place:
        figures = figures.filter(place_label__icontains=place)
    return figures.order_by("place_label", "indicator", "period_start", "id")


def figures_about(place: Area | Settlement) -> QuerySet[Figure]:
    """The published figures that name exactly this place."""
    field = "area" if isinstance(place, Area) else "settlement"
    return Figure.objects.filter(**{field: place}).order_by("indicator", "period_start", "id")


def indicator_codes() -> list[str]:
    return list(Figure.objects.order_by("indicator").values_list("indicator", flat=True).distinct())


def _source(figure: Figure) -> str:
    published = f", {figure.published:%Y-%m-%d}" if figure.published else ""
    return f"{figure.publisher}: {figure.title}{published}"


def discrepancy_rows() -> list[dict]:
    """The discrepancies that hold, as flat rows with both figures and their sources."""
    rows = []
    for d in Discrepancy.objects.filter(still_holds=True).select_related("figure_a", "figure_b"):
        row = {
            "kind": d.kind,
            "indicator": d.indicator,
            "place": d.figure_a.place_label,
            "severity": d.severity,
            "relative_difference": round(d.relative_difference, 4),
            "status": d.status,
            "note": d.note,
        }
        for side, figure in (("a", d.figure_a), ("b", d.figure_b)):
            row |= {
                f"value_{side}": figure.value,
                f"unit_{side}": figure.unit,
                f"as_of_{side}": figure.as_of,
                f"source_{side}": _source(figure),
            }
        rows.append(row)
    return rows
