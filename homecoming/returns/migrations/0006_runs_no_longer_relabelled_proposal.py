"""The run's ``kind`` is gone: whether a run is approved is ``approved_on`` (0005)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("returns", "0005_runs_say_who_approved_them"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="allocationrun",
            name="kind",
        ),
        migrations.RemoveField(
            model_name="historicalallocationrun",
            name="kind",
        ),
    ]
