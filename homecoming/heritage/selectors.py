from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from homecoming.heritage.models import Inspection, Monument


def monument_list() -> QuerySet[Monument]:
    """Monuments with their current condition (the latest inspection's) annotated."""
    latest = Inspection.objects.filter(monument=OuterRef("pk")).order_by("-date", "-id")
    return Monument.objects.select_related("settlement__district", "restoration").annotate(
        current_condition=Subquery(latest.values("condition")[:1]),
        last_inspected=Subquery(latest.values("date")[:1]),
    )
