"""The client's address, as the lockout, the access log and the audit trail record it.

Behind the TLS proxy every request comes from the proxy's address; the client's is in the
``X-Forwarded-For`` header the proxy appends to. That header is believed only when the
connecting address is a configured trusted proxy (``HOMECOMING_TRUSTED_PROXIES``): anyone
else could write any address into it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest


def _within(address: str, networks: Iterable[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent ``request``.

    The connecting address, unless it is a trusted proxy: then ``X-Forwarded-For`` is read
    from its right-hand end (the entries the trusted proxies appended) and the first address
    that is not itself a trusted proxy is the client's. Entries further left were written by
    the client and are never believed.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.TRUSTED_PROXIES
    if remote is None or not trusted or not _within(remote, trusted):
        return remote
    address = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        try:
            address = str(ipaddress.ip_address(hop.strip()))
        except ValueError:
            break  # not an address: believe nothing further left
        if not _within(address, trusted):
            break
    return address
