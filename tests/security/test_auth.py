"""Hostile-input replays of the issue 10 attempts on authentication (items 2, 3, 4, 5, 6 and 9).

Each replay asserts the exact refusal a user sees and that nothing was stored or issued.
"""

import pytest
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.accounts import services
from apps.accounts.models import User
from apps.blog.models import Post

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"
PASSWORD = "correct horse battery"  # the personas' password (conftest.py)
NEW_PASSWORD = "a brand new secret 77"
DEEP = b'{"a":' * 50_000 + b"1" + b"}" * 50_000  # ~600 KB
REVOKED = {"detail": "Token has been revoked.", "code": "token_revoked", "errors": {}}
REFRESH_REFUSED = {
    "detail": "The refresh token is invalid, expired or revoked.",
    "code": "token_not_valid",
    "errors": {},
}
TOO_MANY = "Too many attempts. Please wait a few minutes and try again."


def _bearer(access: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {access}"}


def _verified(user: User) -> User:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def _app_login(client: Client, email: str) -> dict:
    response = client.post(f"{APP}/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]


def _refresh(client: Client, refresh: str):
    return client.post("/api/v1/auth/refresh/", {"refresh": refresh}, content_type="application/json")


# --- item 2: tokens die with a password change or reset; a replayed refresh kills its family -----


def test_old_tokens_are_refused_after_a_password_change_and_refreshing_them_issues_nothing(client, reader):
    _verified(reader)
    attacker = _app_login(client, reader.email)  # tokens the attacker copied
    owner = _app_login(client, reader.email)
    changed = client.post(
        f"{APP}/account/password/change",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=owner["session_token"],
    )
    assert changed.status_code == 200
    issued = OutstandingToken.objects.count()
    me = client.get("/api/v1/users/me/", **_bearer(attacker["access_token"]))
    assert (me.status_code, me.json()) == (401, REVOKED)
    for _ in range(3):  # "rotates into fresh pairs indefinitely" no more
        refused = _refresh(client, attacker["refresh_token"])
        assert (refused.status_code, refused.json()) == (401, REFRESH_REFUSED)
    assert OutstandingToken.objects.count() == issued


def test_old_tokens_are_refused_after_a_password_reset(client, reader):
    import re

    from django.core import mail

    _verified(reader)
    attacker = _app_login(client, reader.email)
    flow = client.post(f"{APP}/auth/password/request", {"email": reader.email}, content_type="application/json")
    client.post(
        f"{APP}/auth/password/reset",
        {
            "key": re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[0-9]{6})\s*$", mail.outbox[-1].body, re.M)[1],
            "password": NEW_PASSWORD,
        },
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=flow.json()["meta"]["session_token"],
    )
    assert User.objects.get(pk=reader.pk).check_password(NEW_PASSWORD)
    issued = OutstandingToken.objects.count()
    me = client.get("/api/v1/users/me/", **_bearer(attacker["access_token"]))
    assert (me.status_code, me.json()) == (401, REVOKED)
    refused = _refresh(client, attacker["refresh_token"])
    assert (refused.status_code, refused.json()) == (401, REFRESH_REFUSED)
    assert OutstandingToken.objects.count() == issued


def test_replaying_a_rotated_refresh_token_revokes_the_family_and_issues_nothing(client, reader):
    _verified(reader)
    stolen = _app_login(client, reader.email)
    thief = _refresh(client, stolen["refresh_token"]).json()  # the thief rotates first
    issued = OutstandingToken.objects.count()
    replay = _refresh(client, stolen["refresh_token"])  # the owner's app refreshes with its (old) token
    assert (replay.status_code, replay.json()) == (401, REFRESH_REFUSED)
    assert OutstandingToken.objects.count() == issued
    me = client.get("/api/v1/users/me/", **_bearer(thief["access"]))
    assert (me.status_code, me.json()) == (401, REVOKED)
    refused = _refresh(client, thief["refresh"])
    assert (refused.status_code, refused.json()) == (401, REFRESH_REFUSED)
    assert OutstandingToken.objects.count() == issued


# --- item 3: the admin login is rate limited ------------------------------------------------------


def test_guessing_a_staff_password_on_the_admin_login_is_cut_off(editor):
    attacker = Client()
    answers = [attacker.post("/admin/login/", {"username": editor.email, "password": f"guess {i}"}) for i in range(30)]
    assert [a.status_code for a in answers] == [200] * 10 + [429] * 20  # AUTH_RATE_EMAIL: 10 per 10 minutes
    assert "Please enter the correct e-mail address and password" in answers[0].content.decode()
    right = attacker.post("/admin/login/", {"username": editor.email, "password": PASSWORD})
    assert right.status_code == 429
    assert TOO_MANY in right.content.decode()
    assert "_auth_user_id" not in attacker.session
    assert User.objects.get(pk=editor.pk).last_login is None


def test_spreading_admin_guesses_over_accounts_is_cut_off_by_ip(editor, admin_user):
    attacker = Client()
    statuses = [
        attacker.post("/admin/login/", {"username": f"staff{i}@example.com", "password": "guess"}).status_code
        for i in range(61)
    ]
    assert statuses == [200] * 60 + [429]  # AUTH_RATE_IP: 60 per 10 minutes
    assert attacker.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD}).status_code == 429


# --- item 4: JSON nested 50,000 deep --------------------------------------------------------------


def _deep_refusal(path: str) -> dict:
    message = "The JSON body is nested too deeply (at most 32 levels)."
    if path.startswith("/_allauth/"):
        return {"status": 400, "errors": [{"message": message, "code": "json_too_deep"}]}
    return {"detail": message, "code": "json_too_deep", "errors": {}}


@pytest.mark.parametrize("path", [f"{APP}/auth/login", "/_allauth/browser/v1/auth/login", "/api/v1/auth/refresh/"])
def test_deeply_nested_json_to_the_auth_endpoints_is_a_400(path, reader):
    response = Client(raise_request_exception=False).post(path, DEEP, content_type="application/json")
    assert (response.status_code, response.json()) == (400, _deep_refusal(path))
    assert OutstandingToken.objects.count() == 0


def test_deeply_nested_json_to_the_profile_and_posts_is_a_400_and_changes_nothing(reader, editor):
    client = Client(raise_request_exception=False)
    reader_access = services.token_pair_issue(user=reader).access
    editor_access = services.token_pair_issue(user=editor).access
    patch = client.patch("/api/v1/users/me/", DEEP, content_type="application/json", **_bearer(reader_access))
    assert (patch.status_code, patch.json()) == (400, _deep_refusal("/api/v1/users/me/"))
    assert User.objects.get(pk=reader.pk).display_name == "Rita Reader"
    create = client.post("/api/v1/posts/", DEEP, content_type="application/json", **_bearer(editor_access))
    assert (create.status_code, create.json()) == (400, _deep_refusal("/api/v1/posts/"))
    assert not Post.objects.exists()


# --- item 5: API paths always answer JSON ---------------------------------------------------------


def test_a_body_over_the_upload_limit_is_a_json_413_and_stores_nothing(reader, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    client = Client(raise_request_exception=False)
    body = '{"title": "' + "x" * 70_000 + '"}'
    access = services.token_pair_issue(user=editor).access
    response = client.post("/api/v1/posts/", body, content_type="application/json", **_bearer(access))
    assert (response.status_code, response.json()) == (
        413,
        {"detail": "The request body is larger than 64 KB.", "code": "too_large", "errors": {}},
    )
    assert not Post.objects.exists()
    login = client.post(f"{APP}/auth/login", body, content_type="application/json")
    assert (login.status_code, login.json()) == (
        413,
        {"status": 413, "errors": [{"message": "The request body is larger than 64 KB.", "code": "too_large"}]},
    )


def test_the_app_login_with_a_form_body_answers_json_and_signs_no_one_in(reader):
    _verified(reader)
    response = Client().post(
        f"{APP}/auth/login",
        f"email={reader.email}&password={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"status": 400, "errors": [{"message": "The request body must be a JSON object.", "code": "invalid_json"}]},
    )
    assert OutstandingToken.objects.count() == 0


# --- item 6: sign-up does not tell a taken address by its time ------------------------------------


def test_signing_up_with_a_taken_address_does_the_new_accounts_hashing_and_creates_nothing(client, reader, monkeypatch):
    from django.contrib.auth.hashers import get_hasher

    runs: list = []
    hasher_class = type(get_hasher())
    encode = hasher_class.encode
    monkeypatch.setattr(hasher_class, "encode", lambda self, *a, **kw: runs.append(1) or encode(self, *a, **kw))
    answers = [
        client.post(f"{APP}/auth/signup", {"email": email, "password": NEW_PASSWORD}, content_type="application/json")
        for email in (reader.email, "someone.new@example.com")
    ]
    assert [a.status_code for a in answers] == [401, 401]
    assert runs == [1, 1]  # one hash each: the taken path hashes a throwaway password
    assert User.objects.filter(email=reader.email).count() == 1


# --- item 9: the schema's security block ----------------------------------------------------------


def test_the_schema_offers_either_scheme_and_anonymous_on_public_reads(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert paths["/api/v1/posts/"]["get"]["security"] == [{"jwtAuth": []}, {"jwtCookieAuth": []}, {}]
    assert paths["/api/v1/users/me/"]["get"]["security"] == [{"jwtAuth": []}, {"jwtCookieAuth": []}]
