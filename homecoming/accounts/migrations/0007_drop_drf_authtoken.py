"""DRF's authtoken app is gone: its table held every API key in clear, without an expiry.

The table is dropped (its keys stop working; users make new tokens on the "API tokens"
page) and the app's migrations are forgotten, so that nothing refers to it any more.
"""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder


def drop_authtoken(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(
            f"DROP TABLE {schema_editor.quote_name('authtoken_token')}"
        )
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_api_token"),
    ]

    operations = [
        migrations.RunPython(drop_authtoken, migrations.RunPython.noop),
    ]
