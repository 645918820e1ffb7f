"""The repeat warnings' list of cases (``RepeatCase``), the trigger on people that keeps
it honest, and the grid breakdown of the rollup: every day there is becomes stale, so
that the first refresh lists and counts the whole history."""

import django.db.models.deletion
from django.db import migrations, models

from mediation.dashboard import triggers

TABLES = (triggers.PEOPLE,)


def install(apps, schema_editor):
    triggers.install(schema_editor, TABLES)
    triggers.everything_stale(schema_editor)


def remove(apps, schema_editor):
    triggers.remove(schema_editor, TABLES)


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0001_initial'),
        ('mediation', '0011_repeat_warning_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='RepeatCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=8)),
                ('key', models.CharField(max_length=200)),
                ('day', models.DateField()),
                ('case', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mediation.case')),
                ('centre', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mediation.organisation')),
                ('handling_org', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mediation.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['kind', 'day'], name='repeatcase_window'), models.Index(fields=['kind', 'key'], name='repeatcase_key')],
            },
        ),
        migrations.RunPython(install, remove),
    ]
