"""An index on the repeat warnings' sums by key: a key's rows in every scope are replaced
when its days are recounted."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0004_repeat_key_scopes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='recentkey',
            index=models.Index(fields=['kind', 'key'], name='recentkey_of_key'),
        ),
    ]
