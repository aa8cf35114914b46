"""``homecoming import KIND FILE``: the one entry point of every file import."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.core.tabular import ImportReport
from homecoming.site.imports import IMPORTERS, OFFICER_KINDS, importer, read


class ProgressBar:
    """A one-line progress bar on stderr, drawn only for files worth waiting for."""

    def __init__(self, stream, *, minimum: int = 2000) -> None:
        self.stream = stream
        self.minimum = minimum
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if total < self.minimum:
            return
        percent = done * 100 // total
        if percent != self.last:
            self.last = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\r[{bar:<25}] {percent:3d}% {done}/{total} rows")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import a CSV, XLSX or GeoJSON file, all rows or none. Kinds: " + ", ".join(IMPORTERS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report, write nothing"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help=(
                "households, kobo: the officer who registers the households (named in their "
                "history) and proposes the changes of Kobo submissions edited in the field"
            ),
        )

    def handle(
        self, *args, kind: str, file: str, dry_run: bool, format: str, by: str | None, **options
    ) -> None:
        officer = {}
        if by:
            if kind not in OFFICER_KINDS:
                raise CommandError(
                    "--by names the officer who registers: households and kobo imports only."
                )
            officer["by"] = User.objects.filter(username=by, is_active=True).first()
            if officer["by"] is None:
                raise CommandError(f"No active user {by!r}.")
        try:
            table = read(kind, file)
            report = importer(kind)(
                table=table, dry_run=dry_run, progress=ProgressBar(sys.stderr), **officer
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if format == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(describe(report))
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported")


def describe(report: ImportReport) -> str:
    lines = [f"{report.file}: {report.rows} row(s) read"]
    lines += [f"  {error}" for error in report.errors]
    lines += [f"  warning: {warning}" for warning in report.warnings]
    if report.ok:
        verb = "would create" if report.dry_run else "created"
        lines.append(
            f"{verb} {report.created}, {'would update' if report.dry_run else 'updated'} "
            f"{report.updated}" + (" (dry run: nothing written)" if report.dry_run else "")
        )
    return "\n".join(lines)
