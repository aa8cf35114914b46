"""Every household enrolled in a programme: those already registered in the installation's
first one (programmes 0002). The first programme is read here with the historical model, so
that this migration does not depend on the programme's later fields."""

import django.db.models.deletion
from django.db import migrations, models

import homecoming.programmes.selectors


def enrol_in_first_programme(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Household = apps.get_model("registry", "Household")
    first = Programme.objects.order_by("pk").first()
    if first is not None:
        Household.objects.update(programme=first)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_first_programme_from_settings"),
        ("registry", "0017_fields_named_in_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalhousehold",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=homecoming.programmes.selectors.default_programme_id,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.AddField(
            model_name="household",
            name="programme",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="households",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.RunPython(enrol_in_first_programme, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="household",
            name="programme",
            field=models.ForeignKey(
                default=homecoming.programmes.selectors.default_programme_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="households",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
    ]
