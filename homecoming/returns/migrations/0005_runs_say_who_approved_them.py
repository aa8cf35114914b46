"""Runs say who approved them and on which day, instead of being relabelled "proposal".

A run approved before carries the approver and day of its offers (each reservation was made
by the approver, offered on the approval's day); failing offers, its history row that made
it a proposal; failing both, the day it was run, with the approver unknown — the pages say
"approved (before approvals were recorded)". Migration 0006 then drops ``kind``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def record_approvals(apps, schema_editor):
    Run = apps.get_model("returns", "AllocationRun")
    HistoricalRun = apps.get_model("returns", "HistoricalAllocationRun")
    Reservation = apps.get_model("returns", "Reservation")
    for run in Run.objects.filter(kind="proposal"):
        offer = Reservation.objects.filter(run=run).order_by("created_at", "pk").first()
        made = HistoricalRun.objects.filter(id=run.pk, kind="proposal").order_by("history_date")
        made = made.first()
        if offer is not None:
            run.approved_by_id, run.approved_on = offer.created_by_id, offer.offered_on
        elif made is not None:
            run.approved_by_id = made.history_user_id
            run.approved_on = timezone.localdate(made.history_date)
        else:
            run.approved_by_id, run.approved_on = None, timezone.localdate(run.created_at)
        run.save(update_fields=["approved_by", "approved_on"])
        HistoricalRun.objects.filter(id=run.pk, kind="proposal").update(
            approved_by_id=run.approved_by_id, approved_on=run.approved_on
        )


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0015_linkage_model_support_weight'),
        ('returns', '0004_road_home_dates_and_return_outside_a_departure'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='allocationrun',
            name='approved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
        ),
        migrations.AddField(
            model_name='allocationrun',
            name='approved_on',
            field=models.DateField(blank=True, null=True, verbose_name='approved on'),
        ),
        migrations.AddField(
            model_name='historicalallocationrun',
            name='approved_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
        ),
        migrations.AddField(
            model_name='historicalallocationrun',
            name='approved_on',
            field=models.DateField(blank=True, null=True, verbose_name='approved on'),
        ),
        migrations.CreateModel(
            name='IneligibleHousehold',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('why', models.CharField(choices=[('not_verified', 'Registration not verified'), ('intention', 'Does not wish to return now'), ('duplicate', 'A possible duplicate is under review'), ('land', 'Land around the home settlement not released'), ('services', 'A required service not working in the home settlement'), ('other', 'Another reason')], max_length=16)),
                ('reason', models.TextField()),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.household')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ineligible', to='returns.allocationrun')),
            ],
            options={
                'indexes': [models.Index(fields=['run', 'why'], name='ineligible_by_run_why'), models.Index(fields=['run', 'reason'], name='ineligible_by_run_reason')],
            },
        ),
        migrations.RunPython(record_approvals, migrations.RunPython.noop),
    ]
