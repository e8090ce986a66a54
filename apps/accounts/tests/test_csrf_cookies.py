"""Browser clients: the same simplejwt tokens in HttpOnly cookies, with CSRF on unsafe requests."""

import pytest
from django.test import Client

from .factories import PASSWORD
from .helpers import bearer, post

pytestmark = pytest.mark.django_db


def _browser_signed_in(member) -> Client:
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/en/accounts/login/")
    token = page.cookies["csrftoken"].value
    response = browser.post(
        "/en/accounts/login/", {"login": member.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    return browser


def test_signing_in_on_the_site_sets_httponly_token_cookies(member):
    browser = _browser_signed_in(member)
    access = browser.cookies["inkwell_access"]
    assert access["httponly"]
    assert browser.cookies["inkwell_refresh"]["httponly"]
    assert browser.get("/api/v1/users/me/").json()["email"] == member.email


def test_unsafe_cookie_requests_need_the_csrf_token(member):
    browser = _browser_signed_in(member)
    refused = browser.patch("/api/v1/users/me/", {"bio": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    csrf = browser.cookies["csrftoken"].value
    ok = browser.patch("/api/v1/users/me/", {"bio": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert ok.status_code == 200


def test_bearer_clients_need_no_csrf_token(member):
    app = Client(enforce_csrf_checks=True)
    meta = post(app, "/auth/login", {"email": member.email, "password": PASSWORD}).json()["meta"]
    response = app.patch(
        "/api/v1/users/me/", {"bio": "y"}, content_type="application/json", **bearer(meta["access_token"])
    )
    assert response.status_code == 200


def test_cookie_refresh_rotates_the_cookies_and_needs_csrf(member):
    browser = _browser_signed_in(member)
    old = browser.cookies["inkwell_refresh"].value
    assert browser.post("/api/v1/auth/refresh/").status_code == 403
    response = browser.post("/api/v1/auth/refresh/", HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert response.status_code == 200
    assert browser.cookies["inkwell_refresh"].value != old


def test_signing_out_clears_the_cookies_and_revokes_the_refresh_token(member):
    browser = _browser_signed_in(member)
    refresh = browser.cookies["inkwell_refresh"].value
    csrf = browser.cookies["csrftoken"].value
    browser.post("/en/accounts/logout/", {"csrfmiddlewaretoken": csrf})
    assert browser.cookies["inkwell_access"].value == ""
    other = Client()
    response = other.post("/api/v1/auth/refresh/", {"refresh": refresh}, content_type="application/json")
    assert response.status_code == 401
