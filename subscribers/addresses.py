"""E-mail addresses as people type them and as mail reaches them.

Django's sender writes a domain in its IDNA form, which drops invisible characters and
folds full-width letters: "exa\u200bmple.org" and "ｅxample.org" are delivered to
example.org. The address we store, hash and look up is therefore that same form
(crypto.normalise_email), or an erased or suppressed address comes back as a stranger
by adding a character nobody sees. What cannot be delivered at all (a right-to-left
override, a control character) is refused where it comes in, in the reader's language.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from subscribers import crypto

# Control, format (zero-width, bidi overrides), surrogate, private-use and unassigned
# characters, and separators: none belongs in an address anyone can type to reach.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


def validate_mailbox(value: str) -> None:
    """Refuse what the sender could not deliver or would deliver elsewhere: such
    characters in the part before the @, or a domain that has no IDNA form (IDNA itself
    drops the invisible characters it may, and refuses bidi overrides)."""
    invalid = ValidationError(EmailValidator.message, code="invalid")
    text = unicodedata.normalize("NFKC", value)
    local, _at, domain = text.rpartition("@")
    if any(unicodedata.category(char) in REFUSED_CATEGORIES for char in local):
        raise invalid
    if domain.isascii():
        return
    try:
        domain.encode("idna")
    except UnicodeError as error:
        raise invalid from error


class EmailAddressField(forms.EmailField):
    """Django's e-mail field, refusing undeliverable text and giving back the stored
    form of the address (lower case, the domain as mail reaches it)."""

    default_validators = [*forms.EmailField.default_validators, validate_mailbox]

    def clean(self, value):
        cleaned = super().clean(value)
        return crypto.normalise_email(cleaned) if cleaned else cleaned
