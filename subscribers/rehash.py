"""Bring stored lookup hashes up to date after crypto.normalise_email changes.

Only addresses beyond ASCII can hash differently (ASCII is only lower-cased, as it
always was), so only those rows are updated; a row whose new hash another row of the
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
    changed = 0
    for pk, old_hash, ciphertext in rows.iterator(chunk_size=500):
        try:
            email = crypto.decrypt(ciphertext)
        except (crypto.DecryptionError, InvalidTag, UnicodeDecodeError):
            continue
        if email.isascii():
            continue
        email = crypto.normalise_email(email)
        email_hash = crypto.lookup_hash(email)
        if email_hash == old_hash:
            continue
        try:
            with transaction.atomic():
                model.objects.filter(pk=pk).update(email=email, email_hash=email_hash)
        except IntegrityError:
            continue
        changed += 1
    return changed
