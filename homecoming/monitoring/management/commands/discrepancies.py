"""``homecoming discrepancies --format csv|json``: the discrepancies of the figure ledger."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from homecoming.core.export import csv_lines
from homecoming.monitoring.discrepancies import discrepancies_refresh
from homecoming.monitoring.selectors import discrepancy_rows

COLUMNS = [
    "kind",
    "indicator",
    "place",
    "severity",
    "relative_difference",
    "status",
    "note",
    "finding",
    "value_a",
    "unit_a",
    "as_of_a",
    "source_a",
    "value_b",
    "unit_b",
    "as_of_b",
    "source_b",
]


class Command(BaseCommand):
    help = "Find the discrepancies between published figures and list them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, format: str, **options) -> None:
        discrepancies_refresh()
        rows = discrepancy_rows()
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                "".join(csv_lines(COLUMNS, ([r[c] for c in COLUMNS] for r in rows))), ending=""
            )
