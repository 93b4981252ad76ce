"""An address typed with an IDNA ("xn--") domain is stored and hashed with the domain
in Unicode, as the same address typed in Unicode is (subscribers/crypto.py)."""

from django.db import migrations


def rehash(apps, schema_editor):
    from subscribers.rehash import rehash_addresses

    rehash_addresses(apps.get_model("events", "Rsvp"))


class Migration(migrations.Migration):
    dependencies = [("events", "0011_notice_messages")]

    operations = [migrations.RunPython(rehash, migrations.RunPython.noop)]
