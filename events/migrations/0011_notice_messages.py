"""The organizer's words per language on an event notice (guests read theirs)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_rehash_unicode_addresses"),
    ]

    operations = [
        migrations.AddField(
            model_name="eventnotice",
            name="messages",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
