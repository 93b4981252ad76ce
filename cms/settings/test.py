"""The test suite: real database and broker from the environment, fast hashing."""

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEYS, LOOKUP_HASH_KEY
from .derived_keys import derive_key
from .env import env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "test-only-insecure-key")
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
    derive_key(SECRET_KEY, "field-encryption")
]
LOOKUP_HASH_KEY = LOOKUP_HASH_KEY or derive_key(SECRET_KEY, "lookup-hash")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# Browsers in the end-to-end tests sign in from parallel threads; the cap on password
# hashing has tests of its own that switch it on.
LOGIN_HASH_CONCURRENCY = 0
