

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0007_devices_tagged_as_outputs'),
    ]

    operations = [
        migrations.AddField(
            model_name='figure',
            name='bound',
            field=models.CharField(choices=[('exact', 'exactly'), ('at_least', 'at least'), ('at_most', 'at most')], default='exact', help_text='Whether the source gives the number exactly or as a bound ("more than").', max_length=8, verbose_name='bound'),
        ),
        migrations.AddField(
            model_name='historicalfigure',
            name='bound',
            field=models.CharField(choices=[('exact', 'exactly'), ('at_least', 'at least'), ('at_most', 'at most')], default='exact', help_text='Whether the source gives the number exactly or as a bound ("more than").', max_length=8, verbose_name='bound'),
        ),
    ]
