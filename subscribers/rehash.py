"""Bring stored lookup hashes up to date after crypto.normalise_email changes.

Only addresses beyond ASCII, and ASCII ones with an IDNA ("xn--") domain, can hash
differently (other ASCII is only lower-cased, as it always was), so only those rows
are updated, with their mailbox hash where the model has one (petition signatures); a row whose new hash another row of the
same kind already holds keeps its old one (the two were the same mailbox written two
ways, and the constraint allows one). A value no configured key opens is left as it
is: a migration must not stop a deployment over one row.
"""

from cryptography.exceptions import InvalidTag
from django.db import IntegrityError, models, transaction
from django.db.models import ExpressionWrapper, F

from subscribers import crypto


def rehash_addresses(model) -> int:
    # The column as plain bytes, without the field's decrypting converter.
    rows = model.objects.annotate(
        ciphertext=ExpressionWrapper(F("email"), output_field=models.BinaryField())
    ).values_list("pk", "email_hash", "ciphertext")
    has_mailbox = any(field.name == "mailbox_hash" for field in model._meta.fields)
    changed = 0
    for pk, old_hash, ciphertext in rows.iterator(chunk_size=500):
        try:
            email = crypto.decrypt(ciphertext)
        except (crypto.DecryptionError, InvalidTag, UnicodeDecodeError):
            continue
        if email.isascii() and "xn--" not in email:
            continue
        email = crypto.normalise_email(email)
        email_hash = crypto.lookup_hash(email)
        if email_hash == old_hash:
            continue
        fields = {"email": email, "email_hash": email_hash}
        if has_mailbox:
            fields["mailbox_hash"] = crypto.mailbox_hash(email, email_hash=email_hash)
        try:
            with transaction.atomic():
                model.objects.filter(pk=pk).update(**fields)
        except IntegrityError:
            continue
        changed += 1
    return changed
