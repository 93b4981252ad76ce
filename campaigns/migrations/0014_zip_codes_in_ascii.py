"""Signatures' ZIP codes typed in another script's digits are stored with ASCII
digits, as the petition form now stores them (cms.form_fields.ZipCodeField)."""

from django.db import migrations


def to_ascii(apps, schema_editor):
    from cms.form_fields import normalise_stored_zip_codes

    normalise_stored_zip_codes(apps.get_model("campaigns", "Signature"))


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0013_rehash_idna_domains")]

    operations = [migrations.RunPython(to_ascii, migrations.RunPython.noop)]
