import pytest
from django.test import RequestFactory

from apps.core.net import client_ip


@pytest.mark.parametrize(
    ("proxies", "xff", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.9"),  # no trusted proxy: the header is ignored
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # our proxy appended the real client last
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.9"),  # shorter than the proxy chain: not trusted
        (1, "not-an-ip", "10.0.0.9"),
    ],
)
def test_client_ip_trusts_forwarded_for_only_through_the_configured_proxies(settings, proxies, xff, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=xff)
    assert client_ip(request) == expected
