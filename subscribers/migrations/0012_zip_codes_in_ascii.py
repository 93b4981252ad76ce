"""ZIP codes typed in Arabic-Indic, Devanagari or full-width digits are stored with
ASCII digits, as the forms now store them (cms.form_fields.ZipCodeField), so that an
alert's ZIP prefix finds them."""

from django.db import migrations


def to_ascii(apps, schema_editor):
    from cms.form_fields import normalise_stored_zip_codes

    for name in ("Subscriber", "SignupRequest"):
        normalise_stored_zip_codes(apps.get_model("subscribers", name))


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0011_signup_request")]

    operations = [migrations.RunPython(to_ascii, migrations.RunPython.noop)]
