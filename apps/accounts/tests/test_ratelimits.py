"""Every auth endpoint (pages, allauth's headless API, our token endpoints, the admin login) is rate
limited by one mechanism: client IP and target e-mail, in the shared cache."""

import pytest
from django.test import Client

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
    assert known[1].json() == {  # allauth's error shape on its paths
        "status": 429,
        "errors": [{"message": "Too many attempts. Please wait a few minutes and try again.", "code": "throttled"}],
    }
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
    from django.core import mail

    response = post(client, "/auth/signup", {"email": "resend@example.com", "password": PASSWORD})
    token = response.json()["meta"]["session_token"]
    sent = len(mail.outbox)
    statuses = [post(client, "/auth/email/verify/resend", {}, token).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 409]  # ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = 3 per sign-up
    assert len(mail.outbox) == sent + 3


def test_deletion_codes_cannot_be_requested_without_limit(settings, member):
    from rest_framework.test import APIClient

    settings.AUTH_RATE_IP = "2/10min"
    client = APIClient()
    client.force_authenticate(member)
    statuses = [client.post("/api/v1/users/me/deletion-code/").status_code for _ in range(3)]
    assert statuses == [204, 204, 429]


def test_sign_in_failures_are_counted_by_one_limiter_only(client, settings, member):
    """allauth's own limits are off: the 6th failure for one address is not refused by a second
    limiter with another rate and another answer; ours refuses after AUTH_RATE_EMAIL attempts."""
    settings.AUTH_RATE_EMAIL = "8/10min"
    body = {"email": "member@example.com", "password": "wrong password 123"}
    answers = [post(client, "/auth/login", body, REMOTE_ADDR=f"10.2.0.{i}") for i in range(9)]
    assert [a.status_code for a in answers] == [400] * 8 + [429]
    assert all(a.json() == answers[0].json() for a in answers[:8])  # never "too many failed attempts"
    assert answers[0].json()["errors"][0]["code"] == "email_password_mismatch"


def test_the_token_endpoints_are_counted_by_the_same_limiter_not_by_a_drf_throttle(client, settings):
    settings.AUTH_RATE_IP = "25/10min"
    refresh = [
        client.post("/api/v1/auth/refresh/", {"refresh": "x"}, content_type="application/json").status_code
        for _ in range(26)
    ]
    assert refresh == [401] * 25 + [429]  # DRF's old "auth" throttle (20/min) refused the 21st


def test_the_admin_login_is_limited_per_account_with_the_same_message(settings, editor):
    settings.AUTH_RATE_EMAIL = "3/10min"
    statuses = []
    for i in range(3):
        admin = Client(REMOTE_ADDR=f"10.3.0.{i}")
        statuses.append(admin.post("/admin/login/", {"username": editor.email, "password": "wrong"}).status_code)
    assert statuses == [200, 200, 200]  # the form again, with Django's error
    admin = Client(REMOTE_ADDR="10.3.0.9")
    response = admin.post("/admin/login/", {"username": "EDITOR@example.com", "password": "correct horse battery"})
    assert response.status_code == 429
    assert "Too many attempts. Please wait a few minutes and try again." in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert admin.get("/admin/").status_code == 302  # not signed in


def test_the_admin_login_is_limited_per_ip(settings, editor, admin_user):
    settings.AUTH_RATE_IP = "3/10min"
    admin = Client()
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        assert admin.post("/admin/login/", {"username": email, "password": "wrong"}).status_code == 200
    response = admin.post("/admin/login/", {"username": admin_user.email, "password": "correct horse battery"})
    assert response.status_code == 429
    assert admin.get("/admin/").status_code == 302


def test_a_signed_in_users_attempts_count_against_their_own_address(client, settings, member):
    settings.AUTH_RATE_EMAIL = "2/10min"
    client.force_login(member)
    wrong = {"oldpassword": "not it at all", "password1": "another secret 55", "password2": "another secret 55"}
    statuses = [
        client.post("/en/accounts/password/change/", wrong, REMOTE_ADDR=f"10.4.0.{i}").status_code for i in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_saving_the_profile_is_not_an_auth_attempt(client, settings, member):
    settings.AUTH_RATE_EMAIL = settings.AUTH_RATE_IP = "2/10min"
    client.force_login(member)
    data = {"display_name": "Mia", "bio": "", "preferred_language": "en"}
    assert [client.post("/en/accounts/profile/", data).status_code for _ in range(3)] == [302] * 3
