"""Where a webhook may go: public addresses only, checked where the worker connects.

A registered URL must not make the worker reach the city's own network (an endpoint at
https://10.0.0.5/ or a name resolving to 127.0.0.1 POSTed into internal services and
the admin showed what each answered: a port scan for whoever may register endpoints).
``public_host`` refuses such a URL before any connection, with a clear error and no
retry. ``post`` then connects only to an address it has just checked: a name that
answers a public address to the check and a private one to the connection (DNS
rebinding, a TTL of zero) finds the socket already pointed at the address checked.

Both are off where PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on (development, tests).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError


def public_host(url: str) -> bool:
    """Whether every address the URL's host resolves to is public (or private
    addresses are allowed)."""
    if settings.PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return True
    try:
        parts = urlsplit(url)
        _public_addresses(parts.hostname or "", parts.port or 443)
    except (OSError, ValueError, UnicodeError):
        return False
    return True


def post(url: str, **kwargs) -> requests.Response:
    """``requests.post``, connecting only to addresses checked public at connect time."""
    with requests.Session() as session:
        if not settings.PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
            adapter = _PublicAddressesOnly()
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        return session.post(url, **kwargs)


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_global


def _public_addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to now, if every one is public; else OSError."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(
        is_public(ipaddress.ip_address(address.split("%", 1)[0]))
        for address in addresses
    ):
        raise OSError(f"{host} is not a public address")
    return addresses


class _ConnectsToCheckedAddress:
    """Resolves, checks and connects to that very address: urllib3 would resolve the
    name again on its own. The host name stays what TLS checks and the Host header
    says; only the socket's destination is pinned."""

    def _new_conn(self):
        try:
            address = _public_addresses(self._dns_host, self.port)[0]
        except OSError as exc:
            raise NewConnectionError(self, f"Refused: {exc}") from exc
        name, self._dns_host = self._dns_host, address
        try:
            return super()._new_conn()
        finally:
            self._dns_host = name


class _CheckedHTTPConnection(_ConnectsToCheckedAddress, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_ConnectsToCheckedAddress, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _PublicAddressesOnly(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }
