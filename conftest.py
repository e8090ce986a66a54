"""Project-wide fixtures: personas, a clean cache per test, an API client."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _clean_cache():
    """Every test starts with an empty cache (rate limits, page cache) of its own."""
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")  # only this worker's key prefix on a shared Redis
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a language activated by an earlier test leaks otherwise."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def _make_user(email: str, group: str | None = None, **extra):
    from apps.accounts.models import User

    user = User.objects.create_user(email=email, password="correct horse battery", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reader(db):
    return _make_user("reader@example.com", "Readers", display_name="Rita Reader")


@pytest.fixture
def editor(db):
    return _make_user("editor@example.com", "Editors", display_name="Eddie Editor", is_staff=True)


@pytest.fixture
def admin_user(db):
    from apps.accounts.models import User

    user = User.objects.create_superuser(email="admin@example.com", password="correct horse battery")
    user.groups.add(Group.objects.get(name="Admins"))
    return user


@pytest.fixture(autouse=True)
def _celery_may_join_results():
    """Celery keeps "a task is running here, don't block on results" in one process-wide flag that eager
    `apply_async` sets and restores around each call: two threads running eager tasks at once (threaded
    tests, the concurrency tests) can leave it set, and a later test's `.get()` then refuses to wait."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture
def celery_worker_on_redis(settings):
    """A real Celery worker thread consuming from the Redis broker (skipped when there is no Redis).

    The rest of the suite runs tasks eagerly; tests that take this fixture see them travel through
    Redis to a worker instead.
    """
    import os

    from celery.contrib.testing.worker import start_worker

    from blog_site.celery import app

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs REDIS_URL (the real-services run sets it)")
    base = redis_url.rsplit("/", 1)[0]
    worker_db = 10 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=f"{base}/{worker_db}", result_backend=f"{base}/{worker_db}", task_always_eager=False)
    _forget_celery_connections(app)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        _forget_celery_connections(app)


def _forget_celery_connections(app) -> None:
    """Celery caches the result backend (per thread) and the producer pool: drop them after a config change."""
    app._local.__dict__.pop("backend", None)
    app._backend_cache = None
    app._pool = None  # kombu keeps pools per broker URL; the next use picks the right one
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3 (moto in server mode on 127.0.0.1, ephemeral port) for tests of the S3 code paths.

    Code under test talks to it over HTTP through boto3/django-storages, as it would to AWS.
    """
    import os

    from moto.server import ThreadedMotoServer

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
