"""``homecoming backup FILE``: the whole database to one verified file, with FILE.sha256."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homecoming.core.backup import backup_create, checksum_path
from homecoming.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE (SQLite: a database file; PostgreSQL: a pg_dump "
        "archive), verified by a restore into a scratch database, with FILE.sha256 beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="skip the restore into a scratch database (when the database user may not "
            "create databases)",
        )

    def handle(self, *args, file: str, no_verify: bool, **options) -> None:
        try:
            result = backup_create(path=Path(file), verify=not no_verify)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{result.path}: {result.rows} rows in {len(result.counts)} tables, "
            + (
                "verified (a restore into a scratch database has the same rows in every table)"
                if result.verified
                else "not verified"
            )
        )
        self.stdout.write(f"SHA-256 {result.sha256} in {checksum_path(result.path)}")
