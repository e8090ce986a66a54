"""Analytics fixtures: a clean buffer, a browser-like client, and a flush helper."""

import pytest
from django.test import Client

from apps.analytics import buffer as buffers
from apps.analytics import services

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def analytics_buffer(settings):
    """The in-process buffer, empty, pushing every view at once; and no lost views pending."""
    settings.ANALYTICS_BUFFER = "memory"
    settings.ANALYTICS_PUSH_INTERVAL = 0
    buf = buffers.get_buffer()
    buf.clear()
    buffers.lost_reset_for_tests()
    yield buf
    buf.clear()


@pytest.fixture
def browser() -> Client:
    """An anonymous reader in Chrome on Windows (the test client sends no user agent: a bot)."""
    return Client(HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.7")


@pytest.fixture
def flush():
    def run() -> int:
        return services.events_flush()

    return run
