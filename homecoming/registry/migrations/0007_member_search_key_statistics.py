"""PostgreSQL keeps finer statistics of the search keys, so that it knows a common name
from a rare one.

With the default statistics target (100) PostgreSQL's sample of a national registry's
seven million keys remembers only the commonest hundred; any other name is estimated at
a couple of hundred members, even one carried by sixteen thousand, and a search for it
joins and sorts every household found instead of reading households in order of
reference. A target of 1,000 keeps the frequencies of every common name (docs/scaling.md).
SQLite keeps no such statistics: nothing to do there.
"""

from django.db import migrations


def key_statistics(target: int):
    def set_target(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE registry_membersearchkey ALTER COLUMN key SET STATISTICS {target}"
            )

    return set_target


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_member_search_keys"),
    ]

    operations = [
        # -1 going back: the server's default_statistics_target again.
        migrations.RunPython(key_statistics(1000), key_statistics(-1)),
    ]
