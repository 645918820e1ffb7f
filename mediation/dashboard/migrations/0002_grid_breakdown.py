"""The rollup's grid breakdown (the repeat warnings of a grid): every day there is
becomes stale, so that the next refresh counts the whole history with it."""

from django.db import migrations

from mediation.dashboard import triggers


def everything_stale(apps, schema_editor):
    triggers.everything_stale(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
    ]

    operations = [migrations.RunPython(everything_stale, migrations.RunPython.noop)]
