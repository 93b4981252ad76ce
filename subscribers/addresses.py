"""E-mail addresses as people type them and as mail reaches them.

Django's sender writes a domain in its IDNA form, which drops invisible characters and
folds full-width letters: "exa\u200bmple.org" and "ｅxample.org" are delivered to
example.org. The address we store, hash and look up is therefore that same form
(crypto.normalise_email), or an erased or suppressed address comes back as a stranger
by adding a character nobody sees. The forms go further and refuse every invisible or
blank character (and what cannot be delivered at all, such as a right-to-left
override), in the reader's language: folding catches the look-alikes the sender would
deliver to the same mailbox, refusing the ones it would deliver to a junk domain.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from subscribers import crypto

# Control, format (zero-width, bidi overrides and isolates), surrogate, private-use and
# unassigned characters, and separators: none belongs in an address anyone types to
# reach. Hangul fillers are letters that show as nothing.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


def has_refused_character(text: str) -> bool:
    return any(
        unicodedata.category(char) in REFUSED_CATEGORIES or char in BLANK_LETTERS
        for char in text
    )


def validate_mailbox(value: str) -> None:
    """Refuse what the sender could not deliver or would deliver elsewhere: invisible
    or blank characters anywhere (the old IDNA codec Django's sender uses passes bidi
    isolates, an ideographic space, newer format characters into a domain), a
    domain without an IDNA form, and the forms Django's validator takes that no
    subscriber's mailbox needs (``has_unusual_form``)."""
    if has_unusual_form(value):
        raise ValidationError(EmailValidator.message, code="invalid")
    if value.isascii():
        # Within ASCII the refused characters are the controls and the space; NFKC
        # changes nothing and the domain is its own IDNA form. Nearly every address.
        if not value.isprintable() or " " in value:
            raise ValidationError(EmailValidator.message, code="invalid")
        return
    invalid = ValidationError(EmailValidator.message, code="invalid")
    text = unicodedata.normalize("NFKC", value)
    if has_refused_character(text):
        raise invalid
    _local, _at, domain = text.rpartition("@")
    if domain.isascii():
        return
    try:
        domain.encode("idna")
    except UnicodeError as error:
        raise invalid from error


def has_unusual_form(value: str) -> bool:
    """A quoted local part, a domain literal or a domain without a dot: valid to
    Django's validator, never a person's list address. Django's sender unquotes
    ``"ana"@`` and ``"\\a\\na"@`` to ana@ (a quoted pair is the character
    itself), so each spelling was a new address, with its own lookup hash and mail
    allowance, for one inbox: a stranger mailed one mailbox without end, and an erased
    or suppressed address was mailed again. ``ana@[10.0.0.5]`` and ``root@localhost``
    send our mail server to a host of the stranger's choosing, or its own."""
    local, _at, domain = value.strip().rpartition("@")
    return local.startswith('"') or domain.startswith("[") or "." not in domain


class EmailAddressField(forms.EmailField):
    """Django's e-mail field, refusing undeliverable text and giving back the stored
    form of the address (lower case, the domain as mail reaches it)."""

    default_validators = [*forms.EmailField.default_validators, validate_mailbox]

    def run_validators(self, value):
        # Django's validator and ours often refuse the same address: one message.
        try:
            super().run_validators(value)
        except ValidationError as error:
            first = {}
            for item in error.error_list:
                first.setdefault(" ".join(item.messages), item)
            raise ValidationError(list(first.values())) from None

    def clean(self, value):
        cleaned = super().clean(value)
        return crypto.normalise_email(cleaned) if cleaned else cleaned


def display_email(address: str) -> str:
    """The address as its owner typed it: the domain's Unicode form, not the IDNA
    ("xn--") form we store and send to. An address whose domain would not come back to
    the same stored form, or would show a refused character, is shown as stored."""
    local, at, domain = address.rpartition("@")
    if not at or "xn--" not in domain.lower():
        return address
    try:
        unicode_domain = domain.encode("ascii").decode("idna")
        same = unicode_domain.encode("idna").decode("ascii").lower() == domain.lower()
    except UnicodeError:
        return address
    if not same or has_refused_character(unicode_domain):
        return address
    return f"{local}@{unicode_domain}"


# Scripts whose letters pass for Latin ones (а/a, о/o, р/p, ν/v): a label mixing one of
# them with Latin is the look-alike domain a phisher registers. The mixes a language
# writes every day (Japanese kana and kanji with Latin, Chinese with Latin, Korean
# with Latin) stay as typed (UTS #39's "highly restrictive" sets, roughly).
LOOK_ALIKE_SCRIPTS = {"CYRILLIC", "GREEK"}


def _scripts(label: str) -> set[str]:
    """The scripts of a domain label's letters, by Unicode character name's first
    word (CJK, HIRAGANA, CYRILLIC...); digits, hyphens and combining marks have none."""
    scripts = set()
    for char in label:
        if not unicodedata.category(char).startswith("L"):
            continue
        scripts.add(unicodedata.name(char, "UNKNOWN").split(" ", 1)[0])
    return scripts


def is_look_alike_label(label: str) -> bool:
    scripts = _scripts(label)
    return "LATIN" in scripts and bool(scripts & LOOK_ALIKE_SCRIPTS)


def staff_email(address: str) -> str:
    """An address as staff screens show it: as stored, except a domain with a label
    mixing Latin and Cyrillic or Greek letters, which is shown in its IDNA ("xn--")
    form, so "gmаil.com" with a Cyrillic а does not pass for Gmail."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    if not any(is_look_alike_label(label) for label in domain.split(".")):
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address
