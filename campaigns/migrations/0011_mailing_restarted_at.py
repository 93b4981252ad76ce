"""When the upkeep last re-queued a mailing's start or send chain (apart from progress)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0010_one_signature_per_mailbox")]

    operations = [
        migrations.AddField(
            model_name="mailing",
            name="restarted_at",
            field=models.DateTimeField(blank=True, null=True),
        )
    ]
