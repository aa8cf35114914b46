"""A change of origin records the district it proposes, so that a move to another district
waits for an officer of that district; the requests already made get theirs from the
settlement they propose."""

import django.db.models.deletion
from django.db import migrations, models


def proposed_code(request):
    proposed = request.proposed
    return proposed.get("origin_settlement") if isinstance(proposed, dict) else None


def proposed_districts(apps, schema_editor):
    ChangeRequest = apps.get_model("registry", "ChangeRequest")
    Settlement = apps.get_model("places", "Settlement")
    requests = list(ChangeRequest.objects.filter(part="origin"))
    codes = {proposed_code(r) for r in requests}
    districts = dict(Settlement.objects.filter(code__in=codes).values_list("code", "district"))
    for request in requests:
        request.proposed_district_id = districts.get(proposed_code(request))
    ChangeRequest.objects.bulk_update(requests, ["proposed_district"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_historicalarea_historicalsettlement"),
        ("registry", "0007_member_search_key_statistics"),
    ]

    operations = [
        migrations.AddField(
            model_name="changerequest",
            name="proposed_district",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.area",
                verbose_name="district of the proposed origin",
            ),
        ),
        migrations.AddField(
            model_name="historicalchangerequest",
            name="proposed_district",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="places.area",
                verbose_name="district of the proposed origin",
            ),
        ),
        migrations.RunPython(proposed_districts, migrations.RunPython.noop),
    ]
