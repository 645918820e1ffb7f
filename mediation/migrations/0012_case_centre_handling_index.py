"""The index by which a centre's staff find the cases their centre registered and another
organisation handles, in a window of report times (the repeat warnings)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mediation', '0011_repeat_warning_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['centre', 'handling_org', 'reported_at'], name='case_centre_handling'),
        ),
    ]
