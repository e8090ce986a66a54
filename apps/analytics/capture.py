"""What a page view records, and which ones are not counted.

Counted: GET requests answered 200 with an HTML reader page (under a language prefix, not the
account or preview pages), and API reads of one post or project (the response says which through
its `page_object` attribute, set by the blog; the page cache keeps it for cached pages).

Not counted: bots (client info says so, or no user agent), prefetches and prerenders
(`Sec-Purpose`, `Purpose`, `X-Moz`, `X-Purpose`), visitors asking not to be tracked (`DNT: 1`,
`Sec-GPC: 1`), staff and editors, and every other status (errors, redirects, 304 revalidations).

The visitor id is the first 16 hex digits of SHA-256(daily salt + IP + user agent). The salt is
random, made once a day and kept in the cache for two days, then forgotten: after that nobody (not
even whoever runs the site) can tell which IP a visitor id stood for, nor link two days' ids. The IP
is never stored, nor put in the buffer.

This runs on every page, cached ones included (which take a fraction of a millisecond), so the
settings it needs are read once into `_Config` (again after a test changes them) and the site day
is worked out once per day, not per request.
"""

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse

from apps.blog import selectors as blog_selectors
from apps.core.net import client_ip

from .buffer import Event, get_buffer
from .selectors import site_day
from .useragent import parse_user_agent

SALT_TIMEOUT = 2 * 24 * 3600
_salts: dict[date, str] = {}
_salts_lock = threading.Lock()
_PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ", "HTTP_X_PURPOSE")


@dataclass(frozen=True)
class _Config:
    enabled: bool
    languages: frozenset[str]
    skip_paths: tuple[str, ...]
    internal_hosts: frozenset[str]
    trusted_proxies: int


_config: _Config | None = None


def _load_config() -> _Config:
    global _config
    hosts = {urlsplit(settings.SITE_URL).hostname or ""}
    hosts.update(h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*")
    _config = _Config(
        enabled=settings.ANALYTICS_ENABLED,
        languages=frozenset(code for code, _name in settings.LANGUAGES),
        skip_paths=tuple(settings.ANALYTICS_SKIP_PATHS),
        internal_hosts=frozenset(h.lower() for h in hosts if h),
        trusted_proxies=int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0),
    )
    return _config


def _forget_config(**kwargs: Any) -> None:
    global _config
    _config = None


setting_changed.connect(_forget_config, dispatch_uid="analytics.capture.config")


# --- Days and visitors ----------------------------------------------------------------------------


def daily_salt(day: date) -> str:
    """The day's random salt, shared by every process through the cache (the first to ask makes it)."""
    salt = _salts.get(day)
    if salt is not None:
        return salt
    key = f"analytics:salt:{day.isoformat()}"
    cache.add(key, secrets.token_hex(16), timeout=SALT_TIMEOUT)
    salt = cache.get(key)
    if salt is None:  # evicted between add and get: this process's own, until the cache has one again
        salt = secrets.token_hex(16)
    with _salts_lock:
        for old in [d for d in _salts if d < day]:
            del _salts[old]  # yesterday's salt is forgotten by this process too
        _salts[day] = salt
    return salt


def visitor_id(*, ip: str, user_agent: str, day: date) -> str:
    digest = hashlib.sha256(f"{daily_salt(day)}\n{ip}\n{user_agent}".encode()).hexdigest()
    return digest[:16]


def _ip(request: HttpRequest, config: _Config) -> str:
    # Without proxies the socket's address is the client's; otherwise the proxy chain decides.
    if not config.trusted_proxies:
        return request.META.get("REMOTE_ADDR", "")
    return client_ip(request)


# --- What a view records --------------------------------------------------------------------------


def _language(path: str, config: _Config) -> str | None:
    """The language prefix of a reader path ("/zh-hans/posts/x/" -> "zh-hans"), or None."""
    end = path.find("/", 1)
    segment = path[1:end] if end > 0 else path[1:]
    return segment if segment in config.languages else None


def referrer_host(request: HttpRequest, config: _Config | None = None) -> str:
    """The referring site's host name ("" for none, for this site, or for something unparsable)."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    config = config or _config or _load_config()
    try:
        host = (urlsplit(referer).hostname or "").lower()
    except ValueError:
        return ""
    own = request.META.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
    if not host or host == own or host in config.internal_hosts:
        return ""
    return host.replace("\x00", "").removeprefix("www.")[:255]


def _utm(request: HttpRequest) -> tuple[str, str, str]:
    query = request.META.get("QUERY_STRING", "")
    if "utm_" not in query:
        return "", "", ""
    values = parse_qs(query, max_num_fields=50)

    def one(name: str) -> str:
        return (values.get(name) or [""])[0].replace("\x00", "").strip()[:100]

    return one("utm_source"), one("utm_medium"), one("utm_campaign")


def _is_staff(user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or blog_selectors.user_is_editor(user))


def not_counted_because(request: HttpRequest, response: HttpResponse, config: _Config | None = None) -> str:
    """Why this request is not a counted view ("" when it is one). Cheapest checks first."""
    config = config or _config or _load_config()
    if request.method != "GET":
        return "method"
    if response.status_code != 200:
        return "status"
    if getattr(response, "page_object", None) is None:
        if not response.get("Content-Type", "").startswith("text/html"):
            return "not a reader page"
        path = request.path_info
        language = _language(path, config)
        if language is None or path[len(language) + 2 :].startswith(config.skip_paths):
            return "not a reader page"
    meta = request.META
    if meta.get("HTTP_DNT") == "1" or meta.get("HTTP_SEC_GPC") == "1":
        return "do not track"
    for header in _PREFETCH_HEADERS:
        value = meta.get(header)
        if value and ("prefetch" in value.lower() or "prerender" in value.lower() or "preview" in value.lower()):
            return "prefetch"
    if parse_user_agent(meta.get("HTTP_USER_AGENT", "")).is_bot:
        return "bot"
    if _is_staff(getattr(request, "user", None)):
        return "editor"
    return ""


def build_event(
    request: HttpRequest, response: HttpResponse, *, now: float | None = None, config: _Config | None = None
) -> Event:
    """The event of a counted view (see `buffer.EVENT_FIELDS`)."""
    config = config or _config or _load_config()
    now = time.time() if now is None else now
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    client = parse_user_agent(user_agent)
    page_object = getattr(response, "page_object", None)
    kind, pk = page_object if page_object else ("", None)
    if page_object is not None and not response.get("Content-Type", "").startswith("text/html"):
        via = "api"
        language = response.get("Content-Language", "")[:10]
    else:
        via = "page"
        language = _language(request.path_info, config) or ""
    user = getattr(request, "user", None)
    return (
        now,
        request.path.replace("\x00", "")[:300],
        pk if kind == "post" else None,
        pk if kind == "project" else None,
        language,
        referrer_host(request, config),
        *_utm(request),
        visitor_id(ip=_ip(request, config), user_agent=user_agent, day=site_day(now)),
        bool(user is not None and user.is_authenticated),
        client.browser,
        client.os,
        client.device,
        via,
    )


def capture(request: HttpRequest, response: HttpResponse) -> bool:
    """Buffer this view if it counts. True when it was buffered."""
    config = _config or _load_config()
    if not config.enabled or not_counted_because(request, response, config):
        return False
    get_buffer().append(build_event(request, response, config=config))
    return True
