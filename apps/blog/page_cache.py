"""The page cache: rendered pages for anonymous readers, per language and URL, in the Django cache.

One small "state" entry holds a generation (a timestamp) and the time the next scheduled post is
due; each cached page records the generation it was rendered in, and both are read in one round
trip. Any change readers could see (the blog's signals) starts a new generation, so every cached
page and feed goes stale at once without listing keys; so does the arrival of a scheduled post's
time (it needs no cron, so it sends no signal). Pages carry an ETag and a Last-Modified (the
generation's time) and answer conditional requests with 304.

`PageCacheMiddleware` (near the top of MIDDLEWARE) answers hits for readers without a session
cookie before sessions, auth, locale, CSRF and URL resolution run, with the headers the full stack
added when the page was stored. The `cached_page` view decorator renders misses and still serves
hits to anonymous readers that carry a session cookie (it can only tell them apart from signed-in
readers by loading the session).

With a shared cache (Redis), each process also keeps the pages it served last and the state it last
read (`_LocalPages`): for `BLOG_PAGE_CACHE_LOCAL_SECONDS` after reading the state it answers a page of
that generation from its own memory, with no round trip. A change made in this process shows at once;
one made in another process within that many seconds (1 by default).
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language, get_language_from_path

STATE_KEY = "blog:page-cache:state"
MISS, HIT, BYPASS = "miss", "hit", "bypass"
# Headers made per response (or per entry) rather than replayed from the stored page.
_PER_RESPONSE_HEADERS = frozenset(
    {"content-type", "content-length", "etag", "last-modified", "cache-control", "x-page-cache", "set-cookie"}
)

MESSAGES_COOKIE = CookieStorage.cookie_name  # one-time messages ("You have signed out.") wait here


def page_key(language: str, full_path: str) -> str:
    path_hash = hashlib.md5(full_path.encode(), usedforsecurity=False).hexdigest()
    return f"blog:page:{language}:{path_hash}"


def _next_due_timestamp() -> float:
    """When the next not-yet-live scheduled post goes live (infinity when none is waiting)."""
    from .selectors import post_next_due_at

    due: datetime | None = post_next_due_at()
    return due.timestamp() if due else float("inf")


class _LocalPages:
    """This process's copies of the pages it served last (least recently used go first once they pass
    `BLOG_PAGE_CACHE_LOCAL_MAX_BYTES`) and the state it last read from the shared cache, and when."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0
        self.state: tuple[int, float] | None = None
        self.read_at = 0.0

    @staticmethod
    def enabled() -> bool:
        return settings.BLOG_PAGE_CACHE_LOCAL_SECONDS > 0

    def remember_state(self, state: tuple[int, float]) -> None:
        with self.lock:
            self.state, self.read_at = state, time.monotonic()

    def fresh_state(self) -> tuple[int, float] | None:
        """The state read less than BLOG_PAGE_CACHE_LOCAL_SECONDS ago, unless a scheduled post is due."""
        state = self.state
        if state is None or time.monotonic() - self.read_at >= settings.BLOG_PAGE_CACHE_LOCAL_SECONDS:
            return None
        return state if time.time() < state[1] else None

    def get(self, key: str) -> tuple | None:
        with self.lock:
            entry = self.pages.get(key)
            if entry is not None:
                self.pages.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple) -> None:
        size = len(entry[1])
        limit = settings.BLOG_PAGE_CACHE_LOCAL_MAX_BYTES
        if size > limit:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old[1])
            self.pages[key] = entry
            self.size += size
            while self.size > limit:
                _key, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped[1])

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size, self.state, self.read_at = 0, None, 0.0


_local = _LocalPages()


def cache_state(state: tuple[int, float] | None = None) -> tuple[int, float]:
    """(generation, next_due): a new generation once the next scheduled post's time has come.

    `state` is the stored state when the caller already read it (saves a round trip).
    """
    now = time.time()
    state = state if state is not None else cache.get(STATE_KEY)
    if state is None or now >= state[1]:
        state = (time.time_ns(), _next_due_timestamp())
        cache.set(STATE_KEY, state, timeout=None)
    if _local.enabled():
        _local.remember_state(state)
    return state


def invalidate_pages(**kwargs: Any) -> None:
    """Drop every cached page and feed (receiver for the blog's signals)."""
    state = (time.time_ns(), _next_due_timestamp())
    cache.set(STATE_KEY, state, timeout=None)
    if _local.enabled():
        _local.remember_state(state)  # this process sees its own change at once


def _carries_messages(request: HttpRequest) -> bool:
    """A one-time message waits for this visitor ("You have signed out."): their page is their own."""
    return MESSAGES_COOKIE in request.COOKIES or len(messages.get_messages(request)) > 0


def _is_cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.BLOG_PAGE_CACHE_TIMEOUT <= 0:
        return False
    if MESSAGES_COOKIE in request.COOKIES:
        return False
    # A session cookie may mean a signed-in reader (editor banners, unlocked premium bodies).
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return not request.user.is_authenticated
    return True


def etag_matches(request: HttpRequest, etag: str) -> bool | None:
    """Whether `If-None-Match` names `etag` (None when the request has no `If-None-Match`)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is None:
        return None
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return etag in tags or "*" in tags


def _not_modified(request: HttpRequest, etag: str, last_modified: int) -> bool:
    matches = etag_matches(request, etag)
    if matches is not None:
        return matches
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and last_modified <= since


def _finish(request: HttpRequest, response: HttpResponse, etag: str, last_modified: int) -> HttpResponse:
    if _not_modified(request, etag, last_modified):
        response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "max-age=0, must-revalidate"
    patch_vary_headers(response, ("Cookie",))
    return response


def _page_object(entry: tuple) -> tuple[str, int] | None:
    # Entries stored before `page_object` existed have five items.
    return entry[5] if len(entry) > 5 else None


def _read(key: str) -> tuple[int, tuple | None]:
    """(generation, the entry when it is of this generation). One round trip for both, or none when
    this process holds the page and read the state less than BLOG_PAGE_CACHE_LOCAL_SECONDS ago."""
    if _local.enabled():
        state = _local.fresh_state()
        entry = _local.get(key) if state is not None else None
        if entry is not None and entry[0] == state[0]:
            return state[0], entry
    found = cache.get_many([STATE_KEY, key])
    generation, _due = cache_state(found.get(STATE_KEY))
    entry = found.get(key)
    if entry is None or entry[0] != generation:
        return generation, None
    if _local.enabled():
        _local.put(key, entry)
    return generation, entry


def _store(key: str, entry: tuple) -> None:
    cache.set(key, entry, settings.BLOG_PAGE_CACHE_TIMEOUT)
    if _local.enabled():
        _local.put(key, entry)


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous GETs of `view` from the cache; everything else goes straight through."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _is_cacheable_request(request):
            response = view(request, *args, **kwargs)
            response.headers.setdefault("X-Page-Cache", BYPASS)
            return response
        key = page_key(get_language(), request.get_full_path())
        # The middleware already read the state and found no page: do not ask the cache again.
        early = getattr(request, "_page_cache_miss", None)
        generation, entry = (early[1], None) if early is not None and early[0] == key else _read(key)
        if entry is not None:
            _generation, content, content_type, etag, _headers = entry[:5]
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = HIT
            response.page_object = _page_object(entry)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.has_header("Cache-Control"):
                return response  # errors, redirects, and pages that set their own policy (previews)
            if _carries_messages(request):
                return response  # it shows this visitor's messages: never replay it to anyone else
            content = response.content
            etag = '"' + hashlib.md5(content, usedforsecurity=False).hexdigest() + '"'
            entry = (generation, content, response["Content-Type"], etag, None, getattr(response, "page_object", None))
            if early is not None:
                # PageCacheMiddleware stores it on the way out, with the headers of the whole stack.
                request._page_cache_store = (key, entry)
            else:
                _store(key, entry)
            response["X-Page-Cache"] = MISS
        return _finish(request, response, etag, generation // 1_000_000_000)

    return wrapper


# --- Fragments ---------------------------------------------------------------------------------------
# What every reader of a page sees alike (a list's post cards, count and post ids, a post's article, a
# search's ranked ids and results for readers with the same access) is kept, stamped with the generation
# it was made in, for BLOG_FRAGMENT_CACHE_TIMEOUT seconds (0: off): any change readers could see makes it
# stale with the pages. Signed-in readers get it too (a fragment shows nothing of the reader's own). Like
# cached pages, a card keeps its view count until it expires.


def fragment(key: str, build: Callable[[], Any]) -> Any:
    """`build()`, kept as `key` for this generation: one cache round trip when it is there."""
    if settings.BLOG_FRAGMENT_CACHE_TIMEOUT <= 0:
        return build()
    return fragment_with_generation(key, build)[1]


def fragment_found(key: str, build: Callable[[], Any]) -> Any:
    """`fragment`, for a lookup that may find nothing: a None from `build()` is not kept (a URL naming
    nothing must not fill the cache)."""
    if settings.BLOG_FRAGMENT_CACHE_TIMEOUT <= 0:
        return build()
    generation, found = fragments_read([key])
    if key in found:
        return found[key]
    value = build()
    if value is not None:
        fragment_store(key, generation, value)
    return value


def fragment_with_generation(key: str, build: Callable[[], Any]) -> tuple[int, Any]:
    """(generation, `build()` kept as `key` for it): for callers that also tag their answer with the
    generation (the API's ETags). Still one round trip."""
    generation, found = fragments_read([key])
    if key in found:
        return generation, found[key]
    value = build()
    fragment_store(key, generation, value)
    return generation, value


def fragments_read(keys: list[str]) -> tuple[int, dict[str, Any]]:
    """(generation, {key: value}) of this generation's fragments among `keys`: one round trip."""
    if settings.BLOG_FRAGMENT_CACHE_TIMEOUT <= 0:
        return cache_state()[0], {}
    stored = {f"blog:fragment:{key}": key for key in keys}
    found = cache.get_many([STATE_KEY, *stored])
    generation, _due = cache_state(found.get(STATE_KEY))
    values = {}
    for stored_key, key in stored.items():
        entry = found.get(stored_key)
        if entry is not None and entry[0] == generation:
            values[key] = entry[1]
    return generation, values


def fragment_store(key: str, generation: int, value: Any) -> None:
    if settings.BLOG_FRAGMENT_CACHE_TIMEOUT > 0:
        cache.set(f"blog:fragment:{key}", (generation, value), settings.BLOG_FRAGMENT_CACHE_TIMEOUT)


def card_variant(level: int = 2, big: bool = False, loading: str = "lazy") -> str:
    """Which markup of a card `{% post_card post level big loading %}` shows (a card keeps each it was
    rendered in)."""
    return f"{level or 2}:{int(bool(big))}:{loading or 'lazy'}"


# What every card list (`{% post_card post level=3 %}`) shows.
LIST_CARD = card_variant(3)


class CachedCard:
    """A list entry whose card markup is cached: `{% post_card %}` shows `card_html`, so no post is loaded."""

    __slots__ = ("card_generation", "card_html", "pk")

    def __init__(self, pk: int, card_html: dict, card_generation: int) -> None:
        self.pk = pk
        self.card_html = card_html
        self.card_generation = card_generation


def card_key(language: str, post_id: int) -> str:
    return f"blog:card:{language}:{post_id}"


def cards_read(language: str, post_ids: list[int]) -> tuple[int, dict[int, dict]]:
    """(generation, {post id: {variant: html}}) of this generation's cached cards: one round trip."""
    if settings.BLOG_FRAGMENT_CACHE_TIMEOUT <= 0 or not post_ids:
        return 0, {}
    keys = {card_key(language, pk): pk for pk in post_ids}
    found = cache.get_many([STATE_KEY, *keys])
    generation, _due = cache_state(found.get(STATE_KEY))
    cards = {}
    for key, pk in keys.items():
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            cards[pk] = entry[1]
    return generation, cards


def card_store(language: str, post_id: int, generation: int, variants: dict) -> None:
    cache.set(card_key(language, post_id), (generation, variants), settings.BLOG_FRAGMENT_CACHE_TIMEOUT)


class PageCacheMiddleware:
    """Answer page-cache hits for readers without a session cookie before the rest of the stack.

    Goes right after SecurityMiddleware and WhiteNoise. Only language-prefixed GET/HEAD requests are
    looked up; a stored page is replayed with the headers the inner middlewares gave it (Vary,
    Content-Language, X-Frame-Options...), and the same ETag/Last-Modified/304 handling as the view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in ("GET", "HEAD")
            or settings.BLOG_PAGE_CACHE_TIMEOUT <= 0
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or MESSAGES_COOKIE in request.COOKIES
        ):
            return self.get_response(request)
        language = get_language_from_path(request.path_info)
        if language is None:
            return self.get_response(request)
        request.get_host()  # an unknown Host is still refused (400), as CommonMiddleware would
        key = page_key(language, request.get_full_path())
        generation, entry = _read(key)
        if entry is not None and entry[4] is not None:
            _generation, content, content_type, etag, headers = entry[:5]
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers:
                response[name] = value
            response["Content-Length"] = str(len(content))
            response["X-Page-Cache"] = HIT
            response.page_object = _page_object(entry)
            return _finish(request, response, etag, generation // 1_000_000_000)
        if entry is None:
            request._page_cache_miss = (key, generation)
        response = self.get_response(request)
        store = getattr(request, "_page_cache_store", None)
        if store is not None:
            key, entry = store
            headers = tuple((k, v) for k, v in response.items() if k.lower() not in _PER_RESPONSE_HEADERS)
            # A page that set a cookie is only replayed by the view (which never sets one on a hit).
            entry = (*entry[:4], None if response.cookies else headers, _page_object(entry))
            _store(key, entry)
        return response
