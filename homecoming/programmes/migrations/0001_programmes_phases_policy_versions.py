

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('places', '0004_fields_named_in_words'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalProgramme',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name (English)')),
                ('name_az', models.CharField(blank=True, max_length=200, verbose_name='name (Azerbaijani)')),
                ('name_ru', models.CharField(blank=True, max_length=200, verbose_name='name (Russian)')),
                ('kind', models.CharField(choices=[('idp_return', 'Return of internally displaced people'), ('repatriation', 'Cross-border voluntary repatriation'), ('relocation', 'Relocation')], max_length=16, verbose_name='kind')),
                ('status', models.CharField(choices=[('proposed', 'Proposed'), ('active', 'Active'), ('closed', 'Closed')], default='proposed', max_length=16, verbose_name='status')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('source', models.CharField(blank=True, help_text='The document that establishes the programme.', max_length=500, verbose_name='source')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical programme',
                'verbose_name_plural': 'historical programmes',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Programme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name (English)')),
                ('name_az', models.CharField(blank=True, max_length=200, verbose_name='name (Azerbaijani)')),
                ('name_ru', models.CharField(blank=True, max_length=200, verbose_name='name (Russian)')),
                ('kind', models.CharField(choices=[('idp_return', 'Return of internally displaced people'), ('repatriation', 'Cross-border voluntary repatriation'), ('relocation', 'Relocation')], max_length=16, verbose_name='kind')),
                ('status', models.CharField(choices=[('proposed', 'Proposed'), ('active', 'Active'), ('closed', 'Closed')], default='proposed', max_length=16, verbose_name='status')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('source', models.CharField(blank=True, help_text='The document that establishes the programme.', max_length=500, verbose_name='source')),
                ('destination_areas', models.ManyToManyField(blank=True, related_name='+', to='places.area', verbose_name='areas of destination')),
                ('origin_areas', models.ManyToManyField(blank=True, related_name='+', to='places.area', verbose_name='areas of origin')),
                ('users', models.ManyToManyField(blank=True, related_name='programmes', to=settings.AUTH_USER_MODEL, verbose_name='users')),
            ],
            options={
                'verbose_name': 'programme',
                'ordering': ['pk'],
            },
        ),
        migrations.CreateModel(
            name='PolicyVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='version')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('approved', 'Approved')], default='draft', max_length=16, verbose_name='status')),
                ('in_force_from', models.DateField(blank=True, null=True, verbose_name='in force from')),
                ('conditions', models.JSONField(blank=True, default=list, verbose_name='eligibility conditions')),
                ('required_services', models.JSONField(blank=True, default=list, verbose_name='required services')),
                ('priority_factors', models.JSONField(blank=True, default=list, verbose_name='priority factors')),
                ('offer_answer_days', models.PositiveSmallIntegerField(verbose_name='days to answer an offer')),
                ('rooms', models.JSONField(default=list, verbose_name='rooms by household size')),
                ('steps', models.JSONField(blank=True, default=list, verbose_name='steps before return')),
                ('note', models.TextField(blank=True, verbose_name='what this version changes, and why')),
                ('drafted_at', models.DateTimeField(auto_now_add=True)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('based_on', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.policyversion')),
                ('drafted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='policy_versions', to='programmes.programme', verbose_name='programme')),
            ],
            options={
                'verbose_name': 'policy version',
                'ordering': ['programme', 'number'],
            },
        ),
        migrations.CreateModel(
            name='Phase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name (English)')),
                ('name_az', models.CharField(blank=True, max_length=200, verbose_name='name (Azerbaijani)')),
                ('name_ru', models.CharField(blank=True, max_length=200, verbose_name='name (Russian)')),
                ('starts_on', models.DateField(verbose_name='starts on')),
                ('ends_on', models.DateField(blank=True, null=True, verbose_name='ends on')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='phases', to='programmes.programme', verbose_name='programme')),
            ],
            options={
                'verbose_name': 'phase',
                'ordering': ['programme', 'starts_on'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalProgramme_users',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='programmes.historicalprogramme')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('programme', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme')),
            ],
            options={
                'verbose_name': 'HistoricalProgramme_users',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProgramme_origin_areas',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('area', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='places.area')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='programmes.historicalprogramme')),
                ('programme', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme')),
            ],
            options={
                'verbose_name': 'HistoricalProgramme_origin_areas',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProgramme_destination_areas',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('area', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='places.area')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='programmes.historicalprogramme')),
                ('programme', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme')),
            ],
            options={
                'verbose_name': 'HistoricalProgramme_destination_areas',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPolicyVersion',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='version')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('approved', 'Approved')], default='draft', max_length=16, verbose_name='status')),
                ('in_force_from', models.DateField(blank=True, null=True, verbose_name='in force from')),
                ('conditions', models.JSONField(blank=True, default=list, verbose_name='eligibility conditions')),
                ('required_services', models.JSONField(blank=True, default=list, verbose_name='required services')),
                ('priority_factors', models.JSONField(blank=True, default=list, verbose_name='priority factors')),
                ('offer_answer_days', models.PositiveSmallIntegerField(verbose_name='days to answer an offer')),
                ('rooms', models.JSONField(default=list, verbose_name='rooms by household size')),
                ('steps', models.JSONField(blank=True, default=list, verbose_name='steps before return')),
                ('note', models.TextField(blank=True, verbose_name='what this version changes, and why')),
                ('drafted_at', models.DateTimeField(blank=True, editable=False)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('approved_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('drafted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('based_on', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.policyversion')),
                ('programme', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme', verbose_name='programme')),
            ],
            options={
                'verbose_name': 'historical policy version',
                'verbose_name_plural': 'historical policy versions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPhase',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name (English)')),
                ('name_az', models.CharField(blank=True, max_length=200, verbose_name='name (Azerbaijani)')),
                ('name_ru', models.CharField(blank=True, max_length=200, verbose_name='name (Russian)')),
                ('starts_on', models.DateField(verbose_name='starts on')),
                ('ends_on', models.DateField(blank=True, null=True, verbose_name='ends on')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('programme', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme', verbose_name='programme')),
            ],
            options={
                'verbose_name': 'historical phase',
                'verbose_name_plural': 'historical phases',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name='policyversion',
            constraint=models.UniqueConstraint(fields=('programme', 'number'), name='one_policy_version_per_number'),
        ),
        migrations.AddConstraint(
            model_name='policyversion',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), models.Q(('approved_at__isnull', False), ('in_force_from__isnull', False)), _connector='OR'), name='approved_policy_has_a_date'),
        ),
        migrations.AddConstraint(
            model_name='policyversion',
            constraint=models.CheckConstraint(condition=models.Q(('approved_by__isnull', True), ('drafted_by__isnull', True), models.Q(('approved_by', models.F('drafted_by')), _negated=True), _connector='OR'), name='policy_approved_by_a_second_person'),
        ),
        migrations.AddConstraint(
            model_name='phase',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__isnull', True), ('ends_on__gte', models.F('starts_on')), _connector='OR'), name='phase_ends_after_it_starts'),
        ),
    ]
