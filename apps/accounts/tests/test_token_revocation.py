"""A password change or reset revokes every token and session of the user (but, for a change, the
one making it); a refresh token presented again after its rotation revokes its whole family."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from apps.accounts import services
from apps.accounts.models import User

from .factories import PASSWORD
from .helpers import bearer, last_code, post

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new secret 77"
REFRESH = "/api/v1/auth/refresh/"


def _app_login(client) -> dict:
    response = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["meta"]


def _me(client, access: str) -> int:
    return client.get("/api/v1/users/me/", **bearer(access)).status_code


def _refresh(client, refresh: str):
    return client.post(REFRESH, {"refresh": refresh}, content_type="application/json")


def _browser(member) -> Client:
    browser = Client()
    response = browser.post("/en/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def _assert_dead(client, meta: dict) -> None:
    assert _me(client, meta["access_token"]) == 401
    refused = _refresh(client, meta["refresh_token"])
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


# --- password change ------------------------------------------------------------------------------


def test_changing_the_password_in_the_app_revokes_every_other_device_and_renews_this_ones_tokens(client, member):
    this, other = _app_login(client), _app_login(client)
    browser = _browser(member)
    response = post(
        client,
        "/account/password/change",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        this["session_token"],
    )
    assert response.status_code == 200
    meta = response.json()["meta"]
    _assert_dead(client, this)  # the old pair of this device too: it gets a fresh one instead
    _assert_dead(client, other)
    assert client.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=other["session_token"]).status_code == 410
    assert browser.get("/en/accounts/profile/").status_code == 302  # signed out
    assert _me(client, meta["access_token"]) == 200
    assert _refresh(client, meta["refresh_token"]).status_code == 200
    session = meta.get("session_token", this["session_token"])
    assert client.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=session).status_code == 200


def test_changing_the_password_on_the_site_signs_out_elsewhere_and_renews_this_browsers_cookies(client, member):
    this, other = _browser(member), _browser(member)
    app = _app_login(client)
    old_access = this.cookies["inkwell_access"].value
    old_refresh = this.cookies["inkwell_refresh"].value
    response = this.post(
        "/en/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert this.get("/en/accounts/profile/").status_code == 200  # the session making the change stays
    assert this.get("/api/v1/users/me/").status_code == 200  # with new cookies
    assert this.cookies["inkwell_access"].value != old_access
    assert _me(client, old_access) == 401
    assert _refresh(client, old_refresh).status_code == 401
    assert other.get("/en/accounts/profile/").status_code == 302
    assert other.get("/api/v1/users/me/").status_code == 401
    _assert_dead(client, app)


def test_setting_a_first_password_revokes_like_a_change(client, member):
    User.objects.filter(pk=member.pk).update(password=make_password(None))  # e.g. signed up with GitHub
    member.refresh_from_db()
    browser = Client()
    browser.force_login(member)
    app = _app_login_by_code(client)
    response = browser.post("/en/accounts/password/set/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert "/login/" not in response["Location"]
    _assert_dead(client, app)
    assert browser.get("/en/accounts/profile/").status_code == 200


def _app_login_by_code(client) -> dict:
    token = post(client, "/auth/code/request", {"email": "member@example.com"}).json()["meta"]["session_token"]
    response = post(client, "/auth/code/confirm", {"code": last_code("member@example.com")}, token)
    assert response.status_code == 200
    return response.json()["meta"]


# --- password reset -------------------------------------------------------------------------------


def test_resetting_the_password_in_the_app_revokes_every_token_and_session(client, member):
    app, browser = _app_login(client), _browser(member)
    token = post(client, "/auth/password/request", {"email": "member@example.com"}).json()["meta"]["session_token"]
    response = post(
        client, "/auth/password/reset", {"key": last_code("member@example.com"), "password": NEW_PASSWORD}, token
    )
    assert response.status_code == 401  # reset done; the app signs in again (no log-in on reset)
    _assert_dead(client, app)
    assert client.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=app["session_token"]).status_code == 410
    assert browser.get("/en/accounts/profile/").status_code == 302
    assert browser.get("/api/v1/users/me/").status_code == 401


def test_resetting_the_password_on_the_site_revokes_every_token_and_session(client, member):
    app, browser = _app_login(client), _browser(member)
    visitor = Client()
    response = visitor.post("/en/accounts/password/reset/", {"email": "member@example.com"})
    response = visitor.post(response["Location"], {"code": last_code("member@example.com")})
    response = visitor.post(response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    _assert_dead(client, app)
    assert browser.get("/en/accounts/profile/").status_code == 302


# --- any other path that sets a password (admin, `manage.py changepassword`) ---------------------


def test_an_admin_setting_a_users_password_in_the_admin_revokes_their_tokens(client, member, admin_user):
    app, browser = _app_login(client), _browser(member)
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(
        f"/admin/accounts/user/{member.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    _assert_dead(client, app)
    assert browser.get("/en/accounts/profile/").status_code == 302
    assert admin.get("/admin/").status_code == 200


def test_an_admin_changing_their_own_password_in_the_admin_stays_signed_in_there(client, admin_user):
    admin = Client()
    admin.force_login(admin_user)
    pair = services.token_pair_issue(user=admin_user)
    response = admin.post(
        "/admin/password_change/",
        {"old_password": "correct horse battery", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _me(client, pair.access) == 401
    assert admin.get("/admin/").status_code == 200


def test_a_new_password_saved_anywhere_revokes_tokens_but_a_hash_upgrade_does_not(client, member):
    pair = services.token_pair_issue(user=member)
    member.set_password(NEW_PASSWORD)  # what `manage.py changepassword` and the shell do
    member.save()
    assert _me(client, pair.access) == 401

    User.objects.filter(pk=member.pk).update(password=make_password(NEW_PASSWORD, hasher="pbkdf2_sha256"))
    member.refresh_from_db()
    pair = services.token_pair_issue(user=member)
    assert member.check_password(NEW_PASSWORD)  # re-hashed with the preferred hasher and saved
    assert not User.objects.get(pk=member.pk).password.startswith("pbkdf2_sha256$")
    assert _me(client, pair.access) == 200


# --- refresh-token reuse ----------------------------------------------------------------------------


def test_presenting_a_rotated_refresh_token_again_revokes_its_whole_family(client, member):
    stolen, other_device = _app_login(client), _app_login(client)
    rotated = _refresh(client, stolen["refresh_token"]).json()  # the thief (or the owner) rotates first
    reused = _refresh(client, stolen["refresh_token"])  # the other holder presents the old token
    assert reused.status_code == 401
    assert reused.json() == {
        "detail": "The refresh token is invalid, expired or revoked.",
        "code": "token_not_valid",
        "errors": {},
    }
    assert _refresh(client, rotated["refresh"]).status_code == 401  # the family's live token is dead
    assert _me(client, rotated["access"]) == 401  # and so is its access token, at once
    assert _me(client, other_device["access_token"]) == 200  # other sign-ins are another family
    assert _refresh(client, other_device["refresh_token"]).status_code == 200


def test_reuse_through_allauths_refresh_endpoint_revokes_the_family_too(client, member):
    meta = _app_login(client)
    rotated = post(client, "/tokens/refresh", {"refresh_token": meta["refresh_token"]}).json()["data"]
    assert post(client, "/tokens/refresh", {"refresh_token": meta["refresh_token"]}).status_code == 400
    assert _me(client, rotated["access_token"]) == 401
    assert post(client, "/tokens/refresh", {"refresh_token": rotated["refresh_token"]}).status_code == 400


def test_a_family_lives_on_through_its_rotations(client, member):
    meta = _app_login(client)
    refresh = meta["refresh_token"]
    for _ in range(3):
        response = _refresh(client, refresh)
        assert response.status_code == 200
        refresh = response.json()["refresh"]
        assert _me(client, response.json()["access"]) == 200
