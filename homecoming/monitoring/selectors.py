from __future__ import annotations

from django.db.models import QuerySet

from homecoming.monitoring.models import Figure
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
