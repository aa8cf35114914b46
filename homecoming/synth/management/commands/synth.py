"""``homecoming synth``: a synthetic national programme, as import files or loaded."""

from __future__ import annotations

import sys
import tempfile
from importlib import import_module
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homecoming.core.audit import change_reason
from homecoming.demo.synthetic import households_mark_synthetic
from homecoming.registry.models import Household
from homecoming.site.imports import importer, read
from homecoming.synth.programme import REFERENCE_PREFIX, synth_programme, synth_write

# The import command's progress bar ("import" is a keyword, so no plain import statement).
ProgressBar = import_module("homecoming.site.management.commands.import").ProgressBar


class Command(BaseCommand):
    help = (
        "Generate a synthetic national programme (places, hazard areas, housing, figures, "
        "households) as the documented import files, the same for the same seed; --load "
        "imports them through the ordinary imports."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True, help="registered people")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--settlements", type=int, default=2000)
        parser.add_argument("--out", help="directory for the files (default: a temporary one)")
        parser.add_argument("--load", action="store_true", help="import the files, in order")

    def handle(
        self,
        *args,
        persons: int,
        seed: int,
        settlements: int,
        out: str | None,
        load: bool,
        **options,
    ) -> None:
        if not out and not load:
            raise CommandError("give --out DIR, --load, or both")
        try:
            files = synth_programme(
                persons=persons,
                seed=seed,
                settlements=settlements,
                progress=ProgressBar(sys.stderr),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with tempfile.TemporaryDirectory(prefix="homecoming-synth-") as scratch:
            self.stderr.write(f"Generating {persons:,} people (seed {seed})")
            paths = synth_write(files, out or scratch)
            for path in paths:
                self.stdout.write(f"wrote {path}")
            if load:
                for file, path in zip(files, paths, strict=True):
                    self._load(file.kind, path)
                with change_reason("homecoming synth"):
                    households_mark_synthetic(
                        households=Household.objects.filter(reference__startswith=REFERENCE_PREFIX),
                        batch_size=5000,
                    )

    def _load(self, kind: str, path: Path) -> None:
        report = importer(kind)(table=read(kind, str(path)), progress=ProgressBar(sys.stderr))
        if not report.ok:
            problems = "; ".join(map(str, report.errors[:5]))
            raise CommandError(
                f"{path.name} did not import ({len(report.errors)} errors): {problems}"
            )
        self.stdout.write(
            f"imported {path.name}: {report.created} created, {report.updated} updated"
        )
