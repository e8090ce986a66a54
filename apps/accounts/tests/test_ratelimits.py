"""Every auth endpoint is rate limited by client IP and by target e-mail, in the shared cache."""

import pytest

from .factories import PASSWORD
from .helpers import post

pytestmark = pytest.mark.django_db


def test_too_many_attempts_on_one_email_from_many_ips_are_refused(client, settings, member):
    settings.AUTH_RATE_EMAIL = "3/10min"
    statuses = [
        post(
            client,
            "/auth/login",
            {"email": "member@example.com", "password": "nope nope nope"},
            REMOTE_ADDR=f"10.0.0.{i}",
        ).status_code
        for i in range(5)
    ]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3:] == [429, 429]


def test_the_email_limit_looks_the_same_for_unknown_addresses(client, settings, member):
    settings.AUTH_RATE_EMAIL = "1/10min"
    known, unknown = [], []
    for email, bucket in (("member@example.com", known), ("ghost@example.com", unknown)):
        for i in range(2):
            bucket.append(post(client, "/auth/code/request", {"email": email}, REMOTE_ADDR=f"10.1.0.{i}"))
    assert known[1].status_code == unknown[1].status_code == 429
    assert known[1].json() == unknown[1].json()
    assert known[1].json()["code"] == "throttled"
    assert int(known[1]["Retry-After"]) > 0


def test_one_ip_is_limited_across_different_emails(client, settings):
    settings.AUTH_RATE_IP = "4/10min"
    statuses = [
        post(client, "/auth/signup", {"email": f"u{i}@example.com", "password": "x"}).status_code for i in range(6)
    ]
    assert statuses[:4] == [400] * 4
    assert statuses[4:] == [429, 429]


def test_the_ip_limit_uses_the_forwarded_address_only_behind_trusted_proxies(client, settings):
    settings.AUTH_RATE_IP = "2/10min"
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(3):  # different real clients behind our proxy: each has its own budget
        response = post(
            client, "/auth/signup", {"email": "a@example.com", "password": "x"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        )
        assert response.status_code == 400
    settings.TRUSTED_PROXY_COUNT = 0  # no proxy: a spoofed header does not buy a new budget
    statuses = [
        post(
            client, "/auth/signup", {"email": "b@example.com", "password": "x"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        ).status_code
        for i in range(3)
    ]
    assert statuses[-1] == 429


def test_the_sign_in_page_is_rate_limited_too(client, settings, member):
    settings.AUTH_RATE_EMAIL = "2/10min"
    for _ in range(2):
        assert (
            client.post("/en/accounts/login/", {"login": "member@example.com", "password": "nope"}).status_code == 200
        )
    response = client.post("/en/accounts/login/", {"login": "member@example.com", "password": "nope"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_a_verification_code_cannot_be_resent_without_limit(client):
    response = post(client, "/auth/signup", {"email": "resend@example.com", "password": PASSWORD})
    token = response.json()["meta"]["session_token"]
    statuses = [post(client, "/auth/email/verify/resend", {}, token).status_code for _ in range(3)]
    assert statuses == [429, 429, 429]  # sign-up just sent a code


def test_deletion_codes_cannot_be_requested_without_limit(settings, member):
    from rest_framework.test import APIClient

    settings.AUTH_RATE_IP = "2/10min"
    client = APIClient()
    client.force_authenticate(member)
    statuses = [client.post("/api/v1/users/me/deletion-code/").status_code for _ in range(3)]
    assert statuses == [204, 204, 429]
