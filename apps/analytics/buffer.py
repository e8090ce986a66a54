"""Where captured views wait for the flush: a Redis list in production, a list in this process otherwise.

`ANALYTICS_BUFFER` picks the backend: "redis" (a list in the Redis of the cache alias
`ANALYTICS_REDIS_CACHE`, through django-redis's raw client) or "memory" (development and tests; each
process has its own, so only that process's flush sees it).

The request path never waits on Redis: `append` adds the event to a list in this process, and a daemon
thread pushes what has gathered every `ANALYTICS_PUSH_INTERVAL` seconds (sooner once
`ANALYTICS_PUSH_BATCH` events are waiting) with one RPUSH. With an interval of 0 each event is pushed
at once (tests). When Redis cannot be reached the batch is dropped and counted as lost: the count
goes to the database (the `lost` Counter) at most every few seconds per process.

An event is a tuple (see `EVENT_FIELDS`); in Redis it is stored as a compact JSON array.
"""

import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.db import close_old_connections, models

from .models import Counter

logger = logging.getLogger(__name__)

EVENT_FIELDS = (
    "time",  # Unix time, seconds (float)
    "path",
    "post_id",
    "project_id",
    "language",
    "referrer_host",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "visitor",
    "signed_in",
    "browser",
    "os",
    "device",
    "via",
)
Event = tuple[Any, ...]


class Buffer(Protocol):
    def append(self, event: Event) -> None: ...
    def push_pending(self) -> int: ...
    def take(self, count: int) -> list[Event]: ...
    def put_back(self, events: list[Event]) -> None: ...
    def size(self) -> int: ...
    def clear(self) -> None: ...


# --- Lost views --------------------------------------------------------------------------------

_lost_lock = threading.Lock()
_lost_pending = 0
_lost_written_at = 0.0
LOST_WRITE_EVERY = 5.0  # seconds between database writes of the lost count, per process


def lost_add(count: int) -> None:
    """Count `count` views that could not be buffered. Written to the database now if the last write
    of this process is older than `LOST_WRITE_EVERY` seconds, otherwise on a later call."""
    global _lost_pending, _lost_written_at
    with _lost_lock:
        _lost_pending += count
        if time.monotonic() - _lost_written_at < LOST_WRITE_EVERY and _lost_written_at:
            return
        pending, _lost_pending = _lost_pending, 0
        _lost_written_at = time.monotonic()
    try:
        updated = Counter.objects.filter(name=Counter.LOST).update(value=models.F("value") + pending)
        if not updated:
            Counter.objects.get_or_create(name=Counter.LOST, defaults={"value": 0})
            Counter.objects.filter(name=Counter.LOST).update(value=models.F("value") + pending)
    except Exception:
        logger.warning("analytics: could not record %s lost views", pending, exc_info=True)
        with _lost_lock:
            _lost_pending += pending


def lost_pending() -> int:
    """Lost views this process has counted but not written yet."""
    return _lost_pending


def lost_reset_for_tests() -> None:
    global _lost_pending, _lost_written_at
    with _lost_lock:
        _lost_pending, _lost_written_at = 0, 0.0


# --- Backends ----------------------------------------------------------------------------------


class MemoryBuffer:
    """A list in this process (development and tests). Bounded: beyond `max_size`, views are lost."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._events: deque[Event] = deque()
        self._lock = threading.Lock()
        self.oldest_at = 0.0  # monotonic time of the oldest waiting event (0: empty)

    def append(self, event: Event) -> None:
        with self._lock:
            if len(self._events) >= self.max_size:
                full = True
            else:
                full = False
                if not self._events:
                    self.oldest_at = time.monotonic()
                self._events.append(event)
        if full:
            lost_add(1)

    def push_pending(self) -> int:
        return 0

    def take(self, count: int) -> list[Event]:
        with self._lock:
            taken = [self._events.popleft() for _ in range(min(count, len(self._events)))]
            if not self._events:
                self.oldest_at = 0.0
        return taken

    def put_back(self, events: list[Event]) -> None:
        with self._lock:
            self._events.extendleft(reversed(events))
            if self._events and not self.oldest_at:
                self.oldest_at = time.monotonic()

    def size(self) -> int:
        return len(self._events)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self.oldest_at = 0.0


def _dumps(event: Event) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


class RedisBuffer:
    """A Redis list (shared by every web process and the Celery worker that flushes it)."""

    def __init__(self, alias: str, push_interval: float, push_batch: int, max_pending: int) -> None:
        self.alias = alias
        self.push_interval = push_interval
        self.push_batch = push_batch
        self.max_pending = max_pending
        self._pending: list[Event] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread_pid = 0

    @property
    def key(self) -> str:
        from django.core.cache import caches

        return caches[self.alias].make_key("analytics:buffer")

    def _client(self) -> Any:
        from django_redis import get_redis_connection

        return get_redis_connection(self.alias)

    # The request side.
    def append(self, event: Event) -> None:
        if self.push_interval <= 0:
            self._push([event])
            return
        with self._lock:
            if len(self._pending) >= self.max_pending:
                overflow = True
            else:
                overflow = False
                self._pending.append(event)
            waiting = len(self._pending)
        if overflow:
            lost_add(1)
            return
        if self._thread_pid != os.getpid():
            self._start_thread()
        if waiting >= self.push_batch:
            self._wake.set()

    def _start_thread(self) -> None:
        with self._lock:
            if self._thread_pid == os.getpid():
                return
            self._thread_pid = os.getpid()  # a forked worker starts its own pusher
        threading.Thread(target=self._run, name="analytics-pusher", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.push_interval)
            self._wake.clear()
            try:
                self.push_pending()
            except Exception:
                logger.exception("analytics: push failed")
            finally:
                close_old_connections()  # lost_add may have used the database from this thread

    def push_pending(self) -> int:
        """Push what this process has gathered (the pusher thread, the flush, and process exit)."""
        with self._lock:
            batch, self._pending = self._pending, []
        if batch:
            self._push(batch)
        return len(batch)

    def _push(self, batch: list[Event]) -> None:
        try:
            self._client().rpush(self.key, *[_dumps(event) for event in batch])
        except Exception:  # noqa: BLE001 - Redis down or unreachable: pages still serve, the views are lost
            logger.warning("analytics: Redis unreachable, %s views lost", len(batch))
            lost_add(len(batch))

    # The flush side.
    def take(self, count: int) -> list[Event]:
        """Up to `count` events, removed from the list atomically (concurrent flushes take disjoint parts)."""
        pipe = self._client().pipeline(transaction=True)
        pipe.lrange(self.key, 0, count - 1)
        pipe.ltrim(self.key, count, -1)
        raw, _trimmed = pipe.execute()
        if not raw:
            return []
        # One JSON document for the whole chunk: a fifth of the time of one `loads` per event.
        return [tuple(event) for event in json.loads(b"[" + b",".join(raw) + b"]")]

    def put_back(self, events: list[Event]) -> None:
        if events:
            self._client().rpush(self.key, *[_dumps(event) for event in events])

    def size(self) -> int:
        return int(self._client().llen(self.key)) + len(self._pending)

    def clear(self) -> None:
        with self._lock:
            self._pending = []
        self._client().delete(self.key)


_buffers: dict[tuple, Buffer] = {}
_buffers_lock = threading.Lock()
_current: Buffer | None = None  # the configured one, found once (and again after a setting changes)


def _forget_current(**kwargs: Any) -> None:
    global _current
    _current = None


setting_changed.connect(_forget_current, dispatch_uid="analytics.buffer.current")


def get_buffer() -> Buffer:
    """The configured buffer (one per configuration and process, so tests may switch settings)."""
    global _current
    if _current is not None:
        return _current
    kind = settings.ANALYTICS_BUFFER
    if kind == "redis":
        config: tuple = (
            "redis",
            settings.ANALYTICS_REDIS_CACHE,
            float(settings.ANALYTICS_PUSH_INTERVAL),
            int(settings.ANALYTICS_PUSH_BATCH),
            int(settings.ANALYTICS_BUFFER_MAX),
        )
    elif kind == "memory":
        config = ("memory", int(settings.ANALYTICS_BUFFER_MAX))
    else:
        raise ValueError(f"ANALYTICS_BUFFER must be 'redis' or 'memory', not {kind!r}.")
    buffer = _buffers.get(config)
    if buffer is None:
        with _buffers_lock:
            buffer = _buffers.get(config)
            if buffer is None:
                buffer = RedisBuffer(*config[1:]) if kind == "redis" else MemoryBuffer(*config[1:])
                _buffers[config] = buffer
    _current = buffer
    return buffer


def push_all_pending() -> None:
    """Push every buffer's waiting events (at process exit)."""
    for buffer in list(_buffers.values()):
        try:
            buffer.push_pending()
        except Exception:
            logger.warning("analytics: could not push waiting views at exit", exc_info=True)


def decode(events: Iterable[Event]) -> list[dict[str, Any]]:
    """Events as dicts keyed by `EVENT_FIELDS` (tests and tools)."""
    return [dict(zip(EVENT_FIELDS, event, strict=True)) for event in events]
