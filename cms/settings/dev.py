"""Local development: the embedded defaults, debug on, a throwaway secret."""

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEYS, LOOKUP_HASH_KEY
from .derived_keys import derive_key
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
LOAD_DEMO_ALLOWED = True
# Only for a laptop: production refuses to start without these in the environment.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
    derive_key(SECRET_KEY, "field-encryption")
]
LOOKUP_HASH_KEY = LOOKUP_HASH_KEY or derive_key(SECRET_KEY, "lookup-hash")
# Loopback webhook receivers speak plain http.
PARTNER_WEBHOOK_ALLOW_HTTP = env_bool("PARTNER_WEBHOOK_ALLOW_HTTP", True)
PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool(
    "PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True
)
