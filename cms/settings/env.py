"""Small readers for settings that come from the environment (12-factor)."""

import ipaddress
import os
import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_prefixed(prefix: str) -> dict[str, str]:
    """Every variable starting with ``prefix``, keyed by the rest of its name."""
    return {
        key.removeprefix(prefix): value
        for key, value in os.environ.items()
        if key.startswith(prefix) and len(key) > len(prefix)
    }


def env_per_language(name: str, codes: list[str]) -> dict[str, str]:
    """{language code: text} from ``name`` (English) and ``name_ES``, ``name_ZH_HANS``
    ... for the others; languages left unset are absent."""
    texts = {}
    for code in codes:
        variable = name if code == "en" else f"{name}_{code.upper().replace('-', '_')}"
        if os.environ.get(variable):
            texts[code] = os.environ[variable]
    return texts


def display_address(name: str, address: str) -> str:
    """``name <address>``, the name quoted when it holds RFC 5322 specials (a comma, a
    full stop) and left unencoded otherwise, so that it reads back as written."""
    if any(char in name for char in '()<>[]:;@\\,."'):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def helo_name_for(url: str) -> str:
    """The host of ``url`` as an EHLO argument (an address literal in brackets)."""
    host = urlsplit(url).hostname or "localhost"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{host}]"


RATE = re.compile(r"\A\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*\Z")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(text: str) -> tuple[int, int]:
    """("count/period") -> (count, seconds); "0/..." or "off" means no limit (0, 0)."""
    if text.strip().lower() in {"0", "off", "none"}:
        return 0, 0
    match = RATE.match(text)
    if match is None:
        raise ValueError(
            f"{text!r} is not a rate: write count/period, e.g. 300/10m, 5/1h, 1/1d"
        )
    count, multiple, unit = int(match[1]), int(match[2] or 1), match[3]
    return count, multiple * UNITS[unit]


def env_rate(name: str, default: str) -> str:
    """A rate limit from the environment, checked at start-up so a typo cannot
    silently switch a limit off."""
    value = os.environ.get(name) or default
    try:
        parse_rate(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None
    return value


def env_networks(name: str) -> list[str]:
    """IP networks (CIDR), comma-separated; checked at start-up."""
    import ipaddress

    networks = env_list(name)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {network!r} is not a network"
            ) from None
    return networks
