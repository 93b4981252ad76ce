"""Encryption at rest (AES-256-GCM) and keyed lookup hashes for personal data.

Ciphertext layout: version byte, 4-byte key id, 12-byte nonce, AES-GCM output.
The key id lets several keys live side by side while ``rotate_encryption_key``
re-encrypts rows under the newest one.
"""

import base64
import hashlib
import hmac
import os
import unicodedata
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION = b"\x01"
NONCE_SIZE = 12


class DecryptionError(ValueError):
    """A stored value could not be decrypted with any configured key."""


def _decode_key(text: str) -> bytes:
    key = base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
    if len(key) != 32:
        raise ValueError("Each FIELD_ENCRYPTION_KEYS entry must be 32 bytes, base64.")
    return key


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:4]


@cache
def _keyring(keys: tuple[str, ...]) -> tuple[tuple[bytes, AESGCM], dict[bytes, AESGCM]]:
    ciphers = [(_key_id(raw), AESGCM(raw)) for raw in map(_decode_key, keys)]
    return ciphers[0], dict(ciphers)


def _current() -> tuple[bytes, AESGCM]:
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))[0]


def _by_id() -> dict[bytes, AESGCM]:
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))[1]


def generate_key() -> str:
    """A new random key in the format FIELD_ENCRYPTION_KEYS expects."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def encrypt(plaintext: str) -> bytes:
    key_id, cipher = _current()
    nonce = os.urandom(NONCE_SIZE)
    return VERSION + key_id + nonce + cipher.encrypt(nonce, plaintext.encode(), None)


def decrypt(token: bytes) -> str:
    token = bytes(token)
    if token[:1] != VERSION:
        raise DecryptionError("unknown ciphertext version")
    cipher = _by_id().get(token[1:5])
    if cipher is None:
        raise DecryptionError("no configured key matches this value")
    nonce, body = token[5 : 5 + NONCE_SIZE], token[5 + NONCE_SIZE :]
    return cipher.decrypt(nonce, body, None).decode()


def is_current(token: bytes) -> bool:
    """True when the value is already encrypted under the newest key."""
    return bytes(token)[1:5] == _current()[0]


def normalise_email(email: str) -> str:
    """The one form of an address that is stored, hashed and looked up: lower case
    and, beyond ASCII, the form mail is delivered to (NFKC, and the domain through
    IDNA as Django's sender writes it), so that an invisible or full-width character
    cannot make an erased or suppressed address look new (subscribers/addresses.py).
    A domain typed in its IDNA ("xn--") form is the same mailbox as the one typed in
    Unicode, so it is stored in Unicode too, as that one always was."""
    text = email.strip().lower()
    if text.isascii():
        return _unicode_domain(text) if "xn--" in text else text
    text = unicodedata.normalize("NFKC", text)
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    try:
        domain = domain.encode("idna").decode("idna")
    except UnicodeError:
        return text  # undeliverable; refused where addresses come in
    return f"{local}@{domain}".lower()


def _unicode_domain(text: str) -> str:
    """An ASCII address whose domain has "xn--" labels, with the domain in the
    Unicode form the same address typed in Unicode is stored in: the form it is shown
    in (addresses.display_email, which keeps it as it is when the labels are not
    valid punycode, would not encode back, or hide a refused character), lower case."""
    from .addresses import display_email

    return display_email(text).lower()


def lookup_hash(email: str) -> str:
    """Keyed hash of a normalised address: the only form used for lookups."""
    key = settings.LOOKUP_HASH_KEY.encode()
    digest = hmac.new(key, normalise_email(email).encode(), hashlib.sha256)
    return digest.hexdigest()


# Providers that deliver a.b.c@ and abc@ to the same mailbox (cms.ratelimit uses it too).
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_address(email: str) -> str:
    """The mailbox a normalised address reaches: no +tag, and no dots where the
    provider ignores them. ana+1@ and ana+2@ are one person's one inbox."""
    local, at, domain = email.rpartition("@")
    if not at or ("+" not in local and domain not in DOTLESS_DOMAINS):
        return email  # nearly every address: nothing to take away
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def mailbox_hash(email: str, *, email_hash: str | None = None) -> str:
    """Keyed hash of the mailbox a normalised address reaches (``mailbox_address``);
    ``email_hash``, the address's own lookup hash when the caller has it, is the
    answer for an address that is its own mailbox, without a second HMAC."""
    mailbox = mailbox_address(email)
    if mailbox == email and email_hash is not None:
        return email_hash
    return lookup_hash(mailbox)
