"""``homecoming access-log-prune``: forget reads older than the retention period."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from homecoming.accounts.services import access_log_prune


class Command(BaseCommand):
    help = "Delete access-log entries older than ACCESS_LOG_RETENTION_DAYS."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{access_log_prune()} access-log entries deleted.")
