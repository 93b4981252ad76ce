"""Addresses beyond ASCII are hashed in the form mail reaches (subscribers/addresses.py)."""

from django.db import migrations


def rehash(apps, schema_editor):
    from subscribers.rehash import rehash_addresses

    rehash_addresses(apps.get_model("subscribers", "Subscriber"))


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0007_i13_list_translations")]

    operations = [migrations.RunPython(rehash, migrations.RunPython.noop)]
