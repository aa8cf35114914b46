"""Counts of mines and unexploded ordnance destroyed are outputs of clearance, tagged
``#output+…+num`` as the open data tags them (docs/data-formats.md), not ``#affected``, which
counts people or households (monitoring/data/indicators.csv)."""

from django.db import migrations

HXL = {
    "devices_ap_mines": ("#affected+ap_mines", "#output+ap_mines+num"),
    "devices_at_mines": ("#affected+at_mines", "#output+at_mines+num"),
    "devices_uxo": ("#affected+uxo", "#output+uxo+num"),
    "devices_landmines": ("#affected+landmines", "#output+landmines+num"),
}


def retag(apps, schema_editor, *, new: bool) -> None:
    Indicator = apps.get_model("monitoring", "Indicator")
    for code, tags in HXL.items():
        Indicator.objects.filter(code=code).update(hxl=tags[new])


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0006_discrepancy_relations")]
    operations = [
        migrations.RunPython(
            lambda apps, editor: retag(apps, editor, new=True),
            lambda apps, editor: retag(apps, editor, new=False),
        )
    ]
