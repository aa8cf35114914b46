"""``homecoming restore FILE``: replace the database's contents with a backup's."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from homecoming.core.backup import backup_restore
from homecoming.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Replace every record in the database with those of a backup made by `homecoming "
        "backup`, once FILE matches FILE.sha256. Stop the web server first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, file: str, interactive: bool, **options) -> None:
        database = connection.settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces every record in the database {database} with those of {file}.\n"
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            counts = backup_restore(path=Path(file))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Restored {file} into {database}: {sum(counts.values())} rows in {len(counts)} "
            "tables. Run `homecoming migrate` if the backup is from an older release."
        )
