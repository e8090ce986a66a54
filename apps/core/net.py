"""The client's IP address, trusting `X-Forwarded-For` only through our own proxies."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """`REMOTE_ADDR`, or the address `TRUSTED_PROXY_COUNT` hops from the right of `X-Forwarded-For`.

    Each trusted proxy appends the address it received the request from, so with N proxies of ours
    the N-th entry from the right was written by our outermost proxy; anything left of it is
    whatever the client claimed and is ignored. A header shorter than N (a misconfiguration or
    a request that bypassed a proxy) falls back to `REMOTE_ADDR` instead of trusting it.
    """
    remote = _clean(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104 - a placeholder, never bound
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return _clean(forwarded[-count]) or remote
