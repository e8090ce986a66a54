"""The buffer and the flush: exactly what was captured is stored, once; a dead Redis loses views, not pages."""

import os
import socket
import threading
from collections import Counter as Tally

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from apps.analytics import buffer as buffers
from apps.analytics import capture, selectors, services
from apps.analytics.models import PageView
from apps.blog.tests.factories import PostFactory

from .conftest import CHROME

pytestmark = pytest.mark.django_db

THREADS = 8
VIEWS_PER_THREAD = 60


def _capture_concurrently(paths: list[str]) -> None:
    """THREADS threads, each capturing VIEWS_PER_THREAD views of its own path (as concurrent requests)."""
    factory = RequestFactory()
    start = threading.Barrier(len(paths))
    errors: list[BaseException] = []

    def reader(path: str) -> None:
        try:
            start.wait()
            for n in range(VIEWS_PER_THREAD):
                request = factory.get(path, HTTP_USER_AGENT=CHROME, REMOTE_ADDR=f"192.0.2.{n % 50}")
                response = HttpResponse("<p>page</p>", content_type="text/html; charset=utf-8")
                assert capture.capture(request, response)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def _assert_stored_exactly(paths: list[str]) -> None:
    stored = Tally(PageView.objects.values_list("path", flat=True))
    assert stored == dict.fromkeys(paths, VIEWS_PER_THREAD)
    assert PageView.objects.count() == len(paths) * VIEWS_PER_THREAD


def test_the_flush_writes_exactly_what_concurrent_requests_captured(analytics_buffer):
    paths = [f"/en/thread-{n}/" for n in range(THREADS)]
    _capture_concurrently(paths)
    assert analytics_buffer.size() == THREADS * VIEWS_PER_THREAD
    assert services.events_flush(chunk=100) == THREADS * VIEWS_PER_THREAD
    _assert_stored_exactly(paths)
    assert services.events_flush() == 0  # nothing twice
    assert PageView.objects.count() == THREADS * VIEWS_PER_THREAD


@pytest.mark.django_db(transaction=True)
def test_concurrent_flushes_never_write_a_view_twice(analytics_buffer):
    paths = [f"/en/page-{n}/" for n in range(THREADS)]
    _capture_concurrently(paths)
    written: list[int] = []

    def flusher() -> None:
        from django.db import OperationalError, connection

        try:
            written.append(services.events_flush(chunk=37))
        except OperationalError:
            pass  # SQLite's shared in-memory test database locks out a concurrent writer: its chunk went back
        finally:
            connection.close()

    threads = [threading.Thread(target=flusher) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    services.events_flush()  # whatever a refused flush put back
    _assert_stored_exactly(paths)  # each view once: none lost, none twice
    assert written  # at least one flush went through while the others ran


def test_a_refused_chunk_goes_back_to_the_buffer(analytics_buffer, monkeypatch):
    _capture_concurrently(["/en/a/"])

    def down(events):
        raise ConnectionError("database unavailable")

    monkeypatch.setattr(services, "_insert", down)
    with pytest.raises(ConnectionError):
        services.events_flush()
    assert analytics_buffer.size() == VIEWS_PER_THREAD
    monkeypatch.undo()
    assert services.events_flush() == VIEWS_PER_THREAD


def test_a_view_the_database_cannot_store_is_dropped_and_counted_without_blocking_the_rest(analytics_buffer):
    _capture_concurrently(["/en/ok/"])
    good = analytics_buffer.take(1000)
    broken = list(good[0])
    broken[9] = None  # no visitor id: every database refuses the row (NOT NULL)
    analytics_buffer.put_back([*good[:30], tuple(broken), *good[30:]])
    assert services.events_flush() == VIEWS_PER_THREAD
    assert PageView.objects.filter(path="/en/ok/").count() == VIEWS_PER_THREAD
    assert selectors.lost_views() == 1
    assert analytics_buffer.size() == 0


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.fixture
def redis_down(settings):
    """The buffer in a Redis at a closed port (the page cache and the rest keep the local cache)."""
    settings.CACHES = {
        **settings.CACHES,
        "analytics-down": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/1",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }
    settings.ANALYTICS_BUFFER = "redis"
    settings.ANALYTICS_REDIS_CACHE = "analytics-down"
    buffers.lost_reset_for_tests()


def test_with_redis_down_pages_still_serve_and_the_lost_views_are_counted(redis_down):
    post = PostFactory(title_en="Still here")
    response = Client(HTTP_USER_AGENT=CHROME).get(f"/en/posts/{post.slug}/")
    assert response.status_code == 200
    assert "Still here" in response.content.decode()
    assert selectors.lost_views() == 1
    assert selectors.buffer_waiting() is None


def test_with_redis_down_the_pusher_thread_counts_its_batch_as_lost(redis_down, settings):
    settings.ANALYTICS_PUSH_INTERVAL = 30  # the thread would wait; push by hand as it would
    post = PostFactory()
    client = Client(HTTP_USER_AGENT=CHROME)
    for _ in range(3):
        assert client.get(f"/en/posts/{post.slug}/").status_code == 200
    assert buffers.get_buffer().push_pending() == 3
    assert selectors.lost_views() == 3


@pytest.fixture
def real_redis(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL (the real-services run sets it)")
    settings.CACHES = {
        **settings.CACHES,
        "analytics-test": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"analytics-test-{os.environ.get('PYTEST_XDIST_WORKER', '')}",
        },
    }
    settings.ANALYTICS_BUFFER = "redis"
    settings.ANALYTICS_REDIS_CACHE = "analytics-test"
    buf = buffers.get_buffer()
    buf.clear()
    yield buf
    buf.clear()


@pytest.mark.services
def test_the_redis_buffer_stores_exactly_what_concurrent_requests_captured(real_redis):
    paths = [f"/en/redis-{n}/" for n in range(THREADS)]
    _capture_concurrently(paths)
    assert real_redis.size() == THREADS * VIEWS_PER_THREAD
    assert services.events_flush(chunk=100) == THREADS * VIEWS_PER_THREAD
    _assert_stored_exactly(paths)
    assert real_redis.size() == 0


@pytest.mark.services
def test_the_pusher_thread_hands_batches_to_redis(real_redis, settings):
    settings.ANALYTICS_PUSH_INTERVAL = 0.05
    buf = buffers.get_buffer()
    paths = [f"/en/pushed-{n}/" for n in range(THREADS)]
    _capture_concurrently(paths)
    # The flush pushes what the thread has not pushed yet, then takes everything from Redis.
    assert services.events_flush() == THREADS * VIEWS_PER_THREAD
    _assert_stored_exactly(paths)
    assert buf.size() == 0
