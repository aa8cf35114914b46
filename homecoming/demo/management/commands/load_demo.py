"""``homecoming load-demo``: the demo dataset and users, idempotently."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from homecoming.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo places, synthetic households and demo users (a second run reuses them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1993)

    def handle(self, *args, households: int, seed: int, **options) -> None:
        result = load_demo(households=households, seed=seed, today=timezone.localdate())
        self.stdout.write(
            f"Places: {result.places.created} created, {result.places.updated} already there."
        )
        self.stdout.write(
            f"Published figures: {result.figures.created} added to the ledger, "
            f"{result.figures.updated} already there."
        )
        if result.mine_action:
            counts = ", ".join(f"{r.created} {r.kind}" for r in result.mine_action)
            self.stdout.write(f"Synthetic mine-action records: {counts}.")
        else:
            self.stdout.write("Synthetic mine-action records: already loaded, reused.")
        if result.housing:
            projects = [r for r in result.housing if r.kind == "projects"]
            units = sum(r.created for r in result.housing if r.kind == "units")
            self.stdout.write(
                f"Synthetic reconstruction records: {projects[-1].rows} projects "
                f"from {len(projects)} quarterly reports, {units} housing units."
            )
        else:
            self.stdout.write("Synthetic reconstruction records: already loaded, reused.")
        if result.households_created:
            self.stdout.write(
                f"Synthetic households: {result.households_created} generated (seed {seed}); "
                f"{result.duplicate_pairs_queued} pairs registered twice found and queued "
                "for review."
            )
        else:
            self.stdout.write("Synthetic households: already loaded, reused.")
        if result.documented_households_returned:
            self.stdout.write(
                f"Documented returns of 2025: {result.documented_households_returned} "
                "households walked home (Kalbajar city, Khojaly city, Ballija)."
            )
        self.stdout.write("\nDemo users (username / password — role):")
        for user in result.users:
            scope = f", {', '.join(user.districts)}" if user.districts else ""
            self.stdout.write(f"  {user.username:<15} {user.password:<26} {user.role}{scope}")
