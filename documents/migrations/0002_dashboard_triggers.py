"""The dashboard's amounts agreed are read from the agreements: a change to a document
makes its case's day stale (``mediation.dashboard.triggers``)."""

from django.db import migrations

from mediation.dashboard import triggers

TABLES = ("documents_document",)


def install(apps, schema_editor):
    triggers.install(schema_editor, TABLES)


def remove(apps, schema_editor):
    triggers.remove(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("dashboard", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, remove)]
