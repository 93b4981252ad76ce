"""An address typed with an IDNA ("xn--") domain is stored and hashed with the domain
in Unicode, as the same address typed in Unicode is (subscribers/crypto.py)."""

from django.db import migrations


def rehash(apps, schema_editor):
    from subscribers.rehash import rehash_addresses

    rehash_addresses(apps.get_model("campaigns", "Signature"))


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0012_petition_verification_by_default")]

    operations = [migrations.RunPython(rehash, migrations.RunPython.noop)]
