"""The return target is measured by the returned persons the system records."""

from django.db import migrations


def link(apps, schema_editor):
    Indicator = apps.get_model("monitoring", "Indicator")
    measured_by = Indicator.objects.filter(code="relocated_persons").first()
    if measured_by:
        Indicator.objects.filter(code="return_target").update(progress_indicator=measured_by)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_targets_history_computed_discrepancies")]
    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
