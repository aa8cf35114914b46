"""``homecoming duplicates find`` and ``homecoming duplicates export FILE.csv``.

``find`` runs record linkage (Splink on DuckDB, ``homecoming.dedup``) over the current
members of every household not withdrawn, groups linked members into household pairs and
queues new pairs for review (``homecoming.registry.matching``); ``export`` writes the
queued pairs, one row per linked member pair, with probabilities and evidence.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homecoming.core.export import safe_cell
from homecoming.registry.matching import MEMBER_THRESHOLD, duplicates_find
from homecoming.registry.models import DuplicateCandidate

EXPORT_COLUMNS = [
    "household_a",
    "household_b",
    "probability",
    "status",
    "member_a",
    "member_b",
    "member_probability",
    "evidence",
]


class Command(BaseCommand):
    help = "Find possible duplicate households (find) or export the queued pairs (export FILE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["find", "export"])
        parser.add_argument("file", nargs="?", help="the CSV file to write (export)")
        parser.add_argument(
            "--member-threshold",
            type=float,
            default=MEMBER_THRESHOLD,
            help="smallest match probability of two members to count as one person",
        )

    def handle(
        self, *args, action: str, file: str | None, member_threshold: float, **options
    ) -> None:
        if action == "find":
            if not 0 < member_threshold < 1:
                raise CommandError("--member-threshold must be between 0 and 1.")
            pairs, queued, refreshed = duplicates_find(member_threshold=member_threshold)
            self.stdout.write(
                f"{pairs} household pairs found: {queued} queued for review, {refreshed} "
                "refreshed; pairs already judged are not proposed again."
            )
            return
        if not file:
            raise CommandError("Name the CSV file to write: homecoming duplicates export FILE.")
        path = Path(file)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            candidates = DuplicateCandidate.objects.select_related("household_a", "household_b")
            for c in candidates.order_by("-probability", "pk"):
                for pair in c.evidence or [{}]:
                    fields = pair.get("fields", {})
                    row = [
                        c.household_a.reference,
                        c.household_b.reference,
                        round(c.probability, 4),
                        c.status,
                        pair.get("a", ""),
                        pair.get("b", ""),
                        pair.get("probability", ""),
                        "; ".join(f"{name}: {text}" for name, text in fields.items()),
                    ]
                    writer.writerow([safe_cell(value) for value in row])
        self.stdout.write(f"Wrote {candidates.count()} pairs to {path}.")
