"""Addresses beyond ASCII are hashed in the form mail reaches (subscribers/addresses.py)."""

from django.db import migrations


def rehash(apps, schema_editor):
    from subscribers.rehash import rehash_addresses

    rehash_addresses(apps.get_model("events", "Rsvp"))


class Migration(migrations.Migration):
    dependencies = [("events", "0009_places_changes")]

    operations = [migrations.RunPython(rehash, migrations.RunPython.noop)]
