"""The indexes the repeat warnings look keys up by: a person's identity (an expression,
so PostgreSQL is asked to gather its statistics at once) and a case's address."""

import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


def analyse(apps, schema_editor):
    # Without the expression's statistics the planner takes a lookup by identity for a
    # scan of every person, until autovacuum next analyses the table.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE mediation_person")


class Migration(migrations.Migration):

    dependencies = [
        ('mediation', '0010_delivery_no_user'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['location'], name='mediation_c_locatio_d28bf5_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(django.db.models.functions.comparison.Coalesce(django.db.models.functions.comparison.NullIf('id_number', models.Value('')), django.db.models.functions.comparison.NullIf('credit_code', models.Value('')), django.db.models.functions.comparison.NullIf('phone', models.Value(''))), name='person_identity'),
        ),
        migrations.RunPython(analyse, migrations.RunPython.noop),
    ]
