"""The table of the shared cache (``CACHES["shared"]`` in ``homecoming/settings.py``):
Django makes it with ``createcachetable``, which this migration runs so that ``migrate``
alone sets a database up."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor) -> None:
    table = schema_editor.quote_name(settings.CACHES["shared"]["LOCATION"])
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
