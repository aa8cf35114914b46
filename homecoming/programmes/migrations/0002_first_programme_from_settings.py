"""The installation's first programme and version 1 of its policy, from the settings that
held the rules before policies were data (programmes/defaults.py)."""

from django.db import migrations
from django.utils import timezone

from homecoming.programmes.defaults import FIRST_PROGRAMME, first_policy


def make_first_programme(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    PolicyVersion = apps.get_model("programmes", "PolicyVersion")
    if Programme.objects.exists():
        return
    programme = Programme.objects.create(**FIRST_PROGRAMME)
    PolicyVersion.objects.create(
        programme=programme,
        in_force_from=timezone.localdate(),
        approved_at=timezone.now(),
        **first_policy(),
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_programmes_phases_policy_versions")]

    operations = [migrations.RunPython(make_first_programme, migrations.RunPython.noop)]
