"""The standard indicator catalogue (monitoring/data/indicators.csv) as it stood when this
migration was written; later changes to the file come with a migration of their own."""

import csv
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "indicators.csv"


def load(apps, schema_editor):
    Indicator = apps.get_model("monitoring", "Indicator")
    with CATALOGUE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Indicator.objects.update_or_create(code=row["code"], defaults={
                "name": row["name"], "unit": row["unit"], "hxl": row["hxl"],
                "definition": row["definition"], "additive": row["additive"] == "yes",
                "tolerance": float(row["tolerance"]), "is_target": row["is_target"] == "yes",
            })


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_indicators_discrepancies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
