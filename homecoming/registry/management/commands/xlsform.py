"""``homecoming xlsform > household.xlsx``: the household registration form for ODK/Kobo."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from homecoming.core.errors import ApplicationError
from homecoming.registry.fieldforms import household_xlsform


class Command(BaseCommand):
    help = "Write the household registration XLSForm (checked with pyxform) to standard output."

    def handle(self, *args, **options) -> None:
        if sys.stdout.isatty():
            raise CommandError(
                "The form is a binary XLSX file: redirect it, "
                "e.g. `homecoming xlsform > household.xlsx`."
            )
        try:
            sys.stdout.buffer.write(household_xlsform())
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        sys.stdout.flush()
