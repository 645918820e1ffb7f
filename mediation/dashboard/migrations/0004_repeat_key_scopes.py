"""The repeat warnings' scopes beyond an organisation subtree: a grid's cases handled
elsewhere, and a mediator's (``mediation.dashboard.keys``). The keys are recounted: the
window's days are logged stale, and the sums summed again by the next refresh."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from mediation.dashboard import keys, triggers


def recount(apps, schema_editor):
    apps.get_model("dashboard", "KeyDay").objects.all().delete()
    apps.get_model("dashboard", "RecentKey").objects.all().delete()
    apps.get_model("dashboard", "RollupLock").objects.update(keys_as_of=None)
    # A day more than the window: the window's first day in any time zone.
    since = timezone.now() - datetime.timedelta(days=keys.WINDOW_DAYS + 1)
    triggers.everything_stale(schema_editor, since)


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0003_repeat_keys'),
        ('mediation', '0012_case_centre_handling_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='recentkey',
            name='recentkey_top',
        ),
        migrations.RemoveIndex(
            model_name='recentkey',
            name='recentkey_key',
        ),
        migrations.AddField(
            model_name='keyday',
            name='grid',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='mediation.organisation'),
        ),
        migrations.AddField(
            model_name='keyday',
            name='mediator',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='recentkey',
            name='scope',
            field=models.CharField(default='o', max_length=1),
        ),
        migrations.AddIndex(
            model_name='recentkey',
            index=models.Index(fields=['scope', 'node', 'kind', '-cases', '-last', 'key'], name='recentkey_top'),
        ),
        migrations.AddIndex(
            model_name='recentkey',
            index=models.Index(fields=['scope', 'node', 'kind', 'key'], name='recentkey_key'),
        ),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
