"""The monuments the background documents name, with synthetic inspections.

Names and places come from the documents (Khudavang monastery in Vang, Lekh castle in
Ganlikend, the Istisu mineral springs, the Kalbajar history museum, whose 13,000 artifacts the
documents report lost); registry numbers, periods as commonly given, and inspections are
illustrative and labelled synthetic.
"""

from __future__ import annotations

import datetime as dt

from homecoming.heritage.models import Inspection, Monument
from homecoming.heritage.services import inspection_record
from homecoming.places.models import Settlement

SOURCE = "Background documents (name and place); record synthetic"
MONUMENTS = [
    (
        "DEMO-H-001",
        "Khudavang monastery",
        "Xudavəng monastırı",
        "religious",
        "9th–13th century",
        "Vang",
        [("2021-05-12", "damaged", "roofs and frescoes need conservation (synthetic)")],
    ),
    (
        "DEMO-H-002",
        "Lekh castle",
        "Lök qalası",
        "fortress",
        "medieval",
        "Ganlikend",
        [("2022-07-03", "damaged", "walls partly collapsed (synthetic)")],
    ),
    (
        "DEMO-H-003",
        "Istisu mineral springs",
        "İstisu bulaqları",
        "natural",
        "",
        "Istisu",
        [
            ("2021-09-20", "damaged", "resort buildings ruined; springs flowing (synthetic)"),
            ("2025-10-01", "restored", "resort rebuilt (synthetic)"),
        ],
    ),
    (
        "DEMO-H-004",
        "Kalbajar history museum",
        "Kəlbəcər tarix muzeyi",
        "museum",
        "1970s",
        "Kalbajar city",
        [
            (
                "2021-03-15",
                "destroyed",
                "building destroyed; collection of about 13,000 artifacts reported lost",
            )
        ],
    ),
]


def demo_heritage_load() -> int:
    """Create the demo monuments and their inspections, once."""
    if Monument.objects.filter(registry_number__startswith="DEMO-H-").exists():
        return 0
    settlements = {s.name: s for s in Settlement.objects.all()}
    for number, name, name_az, kind, period, place, inspections in MONUMENTS:
        monument = Monument.objects.create(
            registry_number=number,
            name=name,
            name_az=name_az,
            type=kind,
            period=period,
            settlement=settlements[place],
            source=SOURCE,
        )
        for date, condition, note in inspections:
            inspection_record(
                monument=monument,
                date=dt.date.fromisoformat(date),
                condition=condition,
                note=note,
                source=SOURCE,
            )
    return Inspection.objects.filter(monument__registry_number__startswith="DEMO-H-").count()
