"""``homecoming export open-data DIR``: the programme's aggregates as open data."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from homecoming.monitoring.opendata import open_data_write


class Command(BaseCommand):
    help = "Write open data (aggregate CSVs with HXL, settlements GeoJSON, figure ledger)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["open-data"])
        parser.add_argument("directory")

    def handle(self, *args, what: str, directory: str, **options) -> None:
        for path in open_data_write(directory):
            self.stdout.write(f"wrote {path}")
