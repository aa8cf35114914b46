"""Each step of the road home has its date: an offer its day, a passenger list its day;
and keys handed over outside a departure keep their reason.

Offers made before this migration are dated by the day their row was written, passengers
by the day their departure was planned."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate


def date_the_past(apps, schema_editor):
    Cohort = apps.get_model("returns", "Cohort")
    for name in ("Reservation", "HistoricalReservation"):
        apps.get_model("returns", name).objects.update(offered_on=TruncDate("created_at"))
    planned = Cohort.objects.filter(pk=OuterRef("cohort_id")).annotate(day=TruncDate("created_at"))
    for name in ("Passenger", "HistoricalPassenger"):
        apps.get_model("returns", name).objects.update(
            scheduled_on=Subquery(planned.values("day")[:1])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0003_cohorts_follow_ups_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalkeyhandover",
            name="outside_departure_reason",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="reason for a return outside a departure"
            ),
        ),
        migrations.AddField(
            model_name="historicalpassenger",
            name="scheduled_on",
            field=models.DateField(null=True, verbose_name="scheduled on"),
        ),
        migrations.AddField(
            model_name="historicalreservation",
            name="offered_on",
            field=models.DateField(null=True, verbose_name="offered on"),
        ),
        migrations.AddField(
            model_name="keyhandover",
            name="outside_departure_reason",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="reason for a return outside a departure"
            ),
        ),
        migrations.AddField(
            model_name="passenger",
            name="scheduled_on",
            field=models.DateField(null=True, verbose_name="scheduled on"),
        ),
        migrations.AddField(
            model_name="reservation",
            name="offered_on",
            field=models.DateField(null=True, verbose_name="offered on"),
        ),
        migrations.RunPython(date_the_past, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reservation",
            name="offered_on",
            field=models.DateField(verbose_name="offered on"),
        ),
        migrations.AlterField(
            model_name="historicalreservation",
            name="offered_on",
            field=models.DateField(verbose_name="offered on"),
        ),
        migrations.AlterField(
            model_name="passenger",
            name="scheduled_on",
            field=models.DateField(verbose_name="scheduled on"),
        ),
        migrations.AlterField(
            model_name="historicalpassenger",
            name="scheduled_on",
            field=models.DateField(verbose_name="scheduled on"),
        ),
    ]
