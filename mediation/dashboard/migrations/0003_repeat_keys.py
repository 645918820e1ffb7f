"""The repeat warnings' keys (``mediation.dashboard.keys``): the tables, a trigger on
people's identity, and the cases of the window that ends today logged stale, so that
the next refresh counts their keys."""

import datetime

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from mediation.dashboard import keys, triggers


def install(apps, schema_editor):
    triggers.install(schema_editor, [triggers.PEOPLE])
    # A day more than the window: the window's first day in any time zone.
    since = timezone.now() - datetime.timedelta(days=keys.WINDOW_DAYS + 1)
    triggers.everything_stale(schema_editor, since)


def remove(apps, schema_editor):
    triggers.remove(schema_editor, [triggers.PEOPLE])


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0002_grid_breakdown'),
        ('mediation', '0011_repeat_warning_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='rolluplock',
            name='keys_as_of',
            field=models.DateField(null=True),
        ),
        migrations.CreateModel(
            name='RecentKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=8)),
                ('key', models.CharField(max_length=200)),
                ('node', models.PositiveIntegerField()),
                ('cases', models.PositiveIntegerField()),
                ('first', models.DateField()),
                ('last', models.DateField()),
            ],
            options={
                'indexes': [models.Index(fields=['node', 'kind', '-cases', '-last', 'key'], name='recentkey_top'), models.Index(fields=['node', 'kind', 'key'], name='recentkey_key')],
            },
        ),
        migrations.CreateModel(
            name='KeyDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('kind', models.CharField(max_length=8)),
                ('key', models.CharField(max_length=200)),
                ('cases', models.PositiveIntegerField()),
                ('handling_org', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mediation.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['day'], name='keyday_day'), models.Index(fields=['kind', 'key', 'day'], name='keyday_key')],
            },
        ),
        migrations.RunPython(install, remove),
    ]
