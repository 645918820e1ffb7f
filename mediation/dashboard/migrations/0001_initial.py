import django.db.models.deletion
from django.db import migrations, models

from mediation.dashboard import triggers

TABLES = (triggers.CASES, *triggers.CASE_TABLES)


def install(apps, schema_editor):
    triggers.install(schema_editor, TABLES)
    apps.get_model("dashboard", "RollupLock").objects.create(pk=1)
    # Every case there already is: counted by the first refresh.
    triggers.everything_stale(schema_editor)


def remove(apps, schema_editor):
    triggers.remove(schema_editor, TABLES)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('mediation', '0010_delivery_no_user'),
    ]

    operations = [
        migrations.CreateModel(
            name='RollupLock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
        ),
        migrations.CreateModel(
            name='StaleDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reported_at', models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name='DayFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('dimension', models.CharField(blank=True, max_length=16)),
                ('value', models.CharField(blank=True, max_length=32)),
                ('open_due', models.DateField(null=True)),
                ('reported', models.PositiveIntegerField(default=0)),
                ('accepted', models.PositiveIntegerField(default=0)),
                ('closed', models.PositiveIntegerField(default=0)),
                ('agreements', models.PositiveIntegerField(default=0)),
                ('time_to_close', models.DurationField(null=True)),
                ('disputed', models.DecimalField(decimal_places=2, max_digits=20, null=True)),
                ('agreed_in_dispute', models.DecimalField(decimal_places=2, max_digits=20, null=True)),
                ('amount_agreed', models.DecimalField(decimal_places=2, max_digits=20, null=True)),
                ('parties', models.PositiveIntegerField(default=0)),
                ('ratings', models.PositiveIntegerField(default=0)),
                ('five_stars', models.PositiveIntegerField(default=0)),
                ('stars', models.PositiveIntegerField(default=0)),
                ('centre', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mediation.organisation')),
                ('handling_org', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mediation.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['dimension', 'day'], name='dayfigures_read')],
            },
        ),
        migrations.RunPython(install, remove),
    ]
