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


# IPv6 networks whose addresses deliver to an IPv4 address written in their last 32
# bits: NAT64's well-known prefix (RFC 6052), where an IPv6-only deployment's gateway
# turns 64:ff9b::a00:5 into 10.0.0.5, and the deprecated IPv4-compatible ::/96.
# Python's is_global calls them global whatever they carry.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# NAT64's local-use prefix (RFC 8215): where the IPv4 address sits is the network's
# choice, so none of it is taken for public.
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address in LOCAL_NAT64:
            return False
        inside = address.ipv4_mapped or address.sixtofour
        if inside is None and (address in NAT64 or address in IPV4_COMPATIBLE):
            inside = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inside is not None:
            return inside.is_global
    return address.is_global


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
