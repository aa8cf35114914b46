"""A check at start-up (``homecoming check``, runserver, migrate): the relations file reads
against the indicator catalogue file, so that a bad line is refused before any figures
import runs the rules."""

from __future__ import annotations

import csv
from types import SimpleNamespace

from django.core.checks import Error, register

from homecoming.monitoring import relations

CATALOGUE = relations.RELATIONS.parent / "indicators.csv"


@register()
def check_relations(app_configs, **kwargs) -> list[Error]:
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        indicators = {
            row["code"]: SimpleNamespace(unit=row["unit"]) for row in csv.DictReader(handle)
        }
    try:
        relations.relations_load(indicators=indicators)
    except relations.RelationsError as error:
        return [
            Error(
                str(error),
                hint="Correct the line of monitoring/data/relations.csv (docs/monitoring.md).",
                id="homecoming.E010",
            )
        ]
    return []
