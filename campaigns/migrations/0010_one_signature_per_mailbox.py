"""One signature per mailbox, not per address (after 0009 filled the column; a
migration of its own, so PostgreSQL alters the table in a transaction without the
backfill's pending updates)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0009_signature_mailbox_hash")]

    operations = [
        migrations.AlterField(
            model_name="signature",
            name="mailbox_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.RemoveConstraint(
            model_name="signature", name="one_signature_per_address"
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.UniqueConstraint(
                fields=("campaign", "mailbox_hash"), name="one_signature_per_mailbox"
            ),
        ),
    ]
