

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0002_first_programme_from_settings'),
        ('returns', '0008_explanations_stored_as_values'),
    ]

    operations = [
        migrations.AddField(
            model_name='allocationrun',
            name='policy_version',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='programmes.policyversion', verbose_name='policy version'),
        ),
        migrations.AddField(
            model_name='allocationrun',
            name='programme',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.programme', verbose_name='programme'),
        ),
        migrations.AddField(
            model_name='historicalallocationrun',
            name='policy_version',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.policyversion', verbose_name='policy version'),
        ),
        migrations.AddField(
            model_name='historicalallocationrun',
            name='programme',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme', verbose_name='programme'),
        ),
    ]
