"""Signatures are one per mailbox: each row gets the keyed hash of the mailbox its
address reaches (ana+1@ and ana+2@ are one inbox). Rows signed before, by two tags of
one mailbox, all stay counted: one holds the mailbox's hash (the one typed without a tag, else the
oldest), the later ones
keep their address's own (never a mailbox's: a mailbox has no +tag), so they neither
collide nor let the mailbox sign again. Stored addresses are normalised already
(0008), so the hash is taken of the mailbox of the address as stored."""

from cryptography.exceptions import InvalidTag
from django.db import migrations, models


def backfill(apps, schema_editor):
    Signature = apps.get_model("campaigns", "Signature")
    keyed = sorted(
        _keyed_rows(Signature),
        # A mailbox's hash goes first to the row typed as the mailbox itself (its own
        # hash is that hash), then to the oldest.
        key=lambda row: (row[3] != row[2], row[0]),
    )
    taken = set()
    for pk, campaign_id, email_hash, key in keyed:
        if (campaign_id, key) in taken:
            key = email_hash
        taken.add((campaign_id, key))
        Signature.objects.filter(pk=pk).update(mailbox_hash=key)


def _keyed_rows(Signature):
    """(pk, campaign_id, email_hash, mailbox hash) for every signature."""
    from subscribers import crypto

    # The column as plain bytes, without the field's decrypting converter.
    rows = Signature.objects.annotate(
        ciphertext=models.ExpressionWrapper(
            models.F("email"), output_field=models.BinaryField()
        )
    ).values_list("pk", "campaign_id", "email_hash", "ciphertext")
    for pk, campaign_id, email_hash, ciphertext in rows.iterator(chunk_size=500):
        try:
            email = crypto.decrypt(ciphertext)
        except (crypto.DecryptionError, InvalidTag, UnicodeDecodeError):
            # No configured key opens it: the address's own hash serves.
            yield pk, campaign_id, email_hash, email_hash
            continue
        yield pk, campaign_id, email_hash, crypto.mailbox_hash(email, email_hash=email_hash)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0008_rehash_unicode_addresses")]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="mailbox_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
