"""The setting names the installed anymail reads, to name the ones it never will.

Every ANYMAIL_* variable goes into the ANYMAIL setting (cms/settings/base.py), and
anymail looks up only the names it knows: ANYMAIL_MAILGUN_API_KEYS, or MAILGUN_API_KEY
without the prefix, were ignored without a word while the operator believed mail was
configured. The names are read from anymail's own source (its ``get_anymail_setting``
calls) rather than copied here, so an upgrade that adds a setting is known at once.
"""

import re
from functools import cache
from pathlib import Path

# ``get_anymail_setting("api_key", ...)``, and the webhooks that pass a secret's name
# along (``_secret_name="signing_secret"``, ``key_setting_name = "..."``).
SETTING_CALL = re.compile(r'(?:get_anymail_setting\(\s*|_name\s*=\s*)"([a-z_]+)"')
# Modules shared by every provider: their names are valid bare (ANYMAIL_SEND_DEFAULTS)
# and under each provider's prefix (ANYMAIL_MAILGUN_SEND_DEFAULTS).
SHARED_MODULES = {"base", "base_requests", "__init__"}
NOT_PROVIDERS = {"console", "test"}


def _names_in(path: Path) -> set[str]:
    return {name.upper() for name in SETTING_CALL.findall(path.read_text("utf-8"))}


@cache
def known_settings() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(shared names, {provider: its names with their prefix}); provider as in
    EMAIL_PROVIDER (``amazon_ses``)."""
    import anymail

    root = Path(anymail.__file__).parent
    shared = _names_in(root / "utils.py")
    per_module: dict[str, set[str]] = {}
    for folder in ("backends", "webhooks"):
        for path in (root / folder).glob("*.py"):
            if path.stem in SHARED_MODULES:
                shared |= _names_in(path)
            elif path.stem not in NOT_PROVIDERS:
                per_module.setdefault(path.stem, set()).update(_names_in(path))
    providers = {
        provider: frozenset(f"{provider.upper()}_{name}" for name in names | shared)
        for provider, names in per_module.items()
    }
    return frozenset(shared), providers


def provider_of(name: str) -> str | None:
    """The provider whose prefix ``name`` (without ANYMAIL_) starts with, if any."""
    _, providers = known_settings()
    # Longest first: AMAZON_SES_ before a provider called AMAZON, were there one.
    for provider in sorted(providers, key=len, reverse=True):
        if name.startswith(provider.upper() + "_"):
            return provider
    return None
