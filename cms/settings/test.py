"""The test suite: real database and broker from the environment, fast hashing."""

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEYS, LOOKUP_HASH_KEY
from .derived_keys import derive_key
from .env import env_bool, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "test-only-insecure-key")
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
    derive_key(SECRET_KEY, "field-encryption")
]
LOOKUP_HASH_KEY = LOOKUP_HASH_KEY or derive_key(SECRET_KEY, "lookup-hash")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# Loopback webhook receivers speak plain http.
PARTNER_WEBHOOK_ALLOW_HTTP = env_bool("PARTNER_WEBHOOK_ALLOW_HTTP", True)
