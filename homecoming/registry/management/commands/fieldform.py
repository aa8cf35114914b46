"""``homecoming fieldform NAME --by USERNAME``: a form that may push submissions, and its key;
``homecoming fieldform NAME --revoke``: its key no longer works."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.registry.fieldforms import field_form_create, field_form_revoke


class Command(BaseCommand):
    help = (
        "Make the key with which a KoboToolbox form pushes its submissions (REST Services); "
        "the key is shown once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the form's name, e.g. its KoboToolbox project")
        parser.add_argument("--by", metavar="USERNAME", help="the officer who sets up the form")
        parser.add_argument(
            "--revoke", action="store_true", help="the form's key no longer works (a leak)"
        )

    def handle(self, *args, name: str, by: str | None, revoke: bool, **options) -> None:
        if revoke:
            if not field_form_revoke(name=name):
                raise CommandError(f"No form {name!r} pushes submissions.")
            self.stdout.write(f"Form {name}: its key is revoked; pushes with it are refused.")
            return
        if not by:
            raise CommandError("Name the officer who sets up the form: --by USERNAME.")
        officer = User.objects.filter(username=by, is_active=True).first()
        if officer is None:
            raise CommandError(f"No active user {by!r}.")
        try:
            form, key = field_form_create(by=officer, name=name)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Form {form.name}: its key (shown once, keep it secret) is\n{key}\n"
            "In KoboToolbox: the project's Settings → REST Services → Register a new service: "
            "endpoint https://<this server>/api/registry/field-submissions/, type JSON, "
            f"custom HTTP header Authorization with the value: Bearer {key}"
        )
