"""Sign-up, sign-in and tokens through allauth's headless "app" client and our API."""

import pytest
from django.core import mail

from apps.accounts.models import User

from .factories import PASSWORD
from .helpers import bearer, last_code, post

pytestmark = pytest.mark.django_db


def _signup_and_verify(client, email="new@example.com"):
    response = post(client, "/auth/signup", {"email": email, "password": PASSWORD})
    assert response.status_code == 401  # pending e-mail verification
    token = response.json()["meta"]["session_token"]
    response = post(client, "/auth/email/verify", {"key": last_code(email)}, token)
    assert response.status_code == 200, response.json()
    return response.json()["meta"]


def test_a_new_user_signs_up_verifies_by_code_and_calls_me_with_the_bearer_token(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meta = _signup_and_verify(client, "New.Person@Example.com")
    assert meta["expires_in"] == 900
    me = client.get("/api/v1/users/me/", **bearer(meta["access_token"]))
    assert me.status_code == 200
    assert me.json()["email"] == "new.person@example.com"
    assert me.json()["role"] == "Readers"
    subjects = [m.subject for m in mail.outbox]
    assert subjects[0].startswith("[Inkwell]")
    assert "Welcome to Inkwell" in subjects[-1]


def test_sign_up_in_chinese_sets_the_preferred_language_and_the_code_email_is_chinese(client):
    response = post(
        client, "/auth/signup", {"email": "zh@example.com", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 401
    assert User.objects.get(email="zh@example.com").preferred_language == "zh-hans"
    assert "验证" in mail.outbox[-1].subject + mail.outbox[-1].body


def test_signing_up_with_a_taken_email_answers_exactly_like_a_new_one(client, member):
    taken = post(client, "/auth/signup", {"email": "MEMBER@example.com", "password": PASSWORD})
    fresh = post(client, "/auth/signup", {"email": "other@example.com", "password": PASSWORD})
    assert taken.status_code == fresh.status_code == 401
    strip = lambda r: {**r.json(), "meta": {**r.json()["meta"], "session_token": "-"}}  # noqa: E731
    assert strip(taken) == strip(fresh)
    assert User.objects.filter(email="member@example.com").count() == 1


def test_password_rules_reject_short_common_and_email_like_passwords(client):
    for bad in ("short1", "password123", "jane.doe.example"):
        response = post(client, "/auth/signup", {"email": "jane.doe@example.com", "password": bad})
        assert response.status_code == 400, bad
    assert not User.objects.filter(email="jane.doe@example.com").exists()


def test_sign_in_by_password_returns_a_token_pair(client, member):
    response = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD})
    assert response.status_code == 200
    meta = response.json()["meta"]
    assert client.get("/api/v1/users/me/", **bearer(meta["access_token"])).json()["email"] == member.email


def test_sign_in_failures_look_the_same_for_unknown_and_known_addresses(client, member):
    wrong_password = post(client, "/auth/login", {"email": "member@example.com", "password": "wrong password 123"})
    unknown = post(client, "/auth/login", {"email": "nobody@example.com", "password": "wrong password 123"})
    assert wrong_password.status_code == unknown.status_code == 400
    assert wrong_password.json() == unknown.json()


def test_sign_in_by_code_works_and_the_code_is_single_use(client, member):
    response = post(client, "/auth/code/request", {"email": "member@example.com"})
    assert response.status_code == 401
    token = response.json()["meta"]["session_token"]
    code = last_code("member@example.com")
    response = post(client, "/auth/code/confirm", {"code": code}, token)
    assert response.status_code == 200
    assert response.json()["meta"]["access_token"]
    again = post(client, "/auth/code/confirm", {"code": code}, token)
    assert again.status_code == 410  # the flow is over: the code cannot be reused


def test_requesting_a_code_for_an_unknown_address_answers_like_a_known_one(client, member):
    known = post(client, "/auth/code/request", {"email": "member@example.com"})
    unknown = post(client, "/auth/code/request", {"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 401
    assert known.json()["data"] == unknown.json()["data"]


def test_a_login_code_dies_after_five_wrong_tries(client, member):
    token = post(client, "/auth/code/request", {"email": "member@example.com"}).json()["meta"]["session_token"]
    code = last_code("member@example.com")
    statuses = [post(client, "/auth/code/confirm", {"code": "AAAA-AAAA"}, token).status_code for _ in range(5)]
    assert statuses[:4] == [400] * 4
    assert post(client, "/auth/code/confirm", {"code": code}, token).status_code == 409  # the flow is dead


def test_a_login_code_works_for_ten_minutes_then_expires(client, member):
    import time
    from unittest import mock

    for seconds, expected in ((590, 200), (601, 409)):
        token = post(client, "/auth/code/request", {"email": "member@example.com"}).json()["meta"]["session_token"]
        code = last_code("member@example.com")
        with mock.patch("time.time", return_value=time.time() + seconds):
            response = post(client, "/auth/code/confirm", {"code": code}, token)
        assert (seconds, response.status_code) == (seconds, expected)


def test_password_reset_by_code_for_unknown_and_known_addresses_answers_the_same(client, member):
    known = post(client, "/auth/password/request", {"email": "member@example.com"})
    unknown = post(client, "/auth/password/request", {"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code
    assert known.json()["data"] == unknown.json()["data"]
    # The known address got a code, the unknown one a "no account" notice: nothing tells the caller which.
    token = known.json()["meta"]["session_token"]
    code = last_code("member@example.com")
    reset = post(client, "/auth/password/reset", {"key": code, "password": "a whole new secret 99"}, token)
    assert reset.status_code == 401  # done, and not signed in: the caller signs in with the new password
    member.refresh_from_db()
    assert member.check_password("a whole new secret 99")


def test_refresh_rotates_and_the_old_refresh_token_is_blacklisted(client, member):
    meta = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).json()["meta"]
    first = client.post("/api/v1/auth/refresh/", {"refresh": meta["refresh_token"]}, content_type="application/json")
    assert first.status_code == 200
    assert first.json()["refresh"] != meta["refresh_token"]
    # allauth's own refresh endpoint runs the same rotation.
    via_allauth = post(client, "/tokens/refresh", {"refresh_token": first.json()["refresh"]})
    assert via_allauth.status_code == 200
    assert via_allauth.json()["data"]["refresh_token"] != first.json()["refresh"]
    assert post(client, "/tokens/refresh", {"refresh_token": first.json()["refresh"]}).status_code == 400
    reused = client.post("/api/v1/auth/refresh/", {"refresh": meta["refresh_token"]}, content_type="application/json")
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"


def test_a_refresh_token_is_refused_where_an_access_token_is_expected(client, member):
    meta = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).json()["meta"]
    response = client.get("/api/v1/users/me/", **bearer(meta["refresh_token"]))
    assert response.status_code == 401


def test_a_disabled_users_tokens_stop_working_at_once(client, member):
    meta = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).json()["meta"]
    assert client.get("/api/v1/users/me/", **bearer(meta["access_token"])).status_code == 200
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert client.get("/api/v1/users/me/", **bearer(meta["access_token"])).status_code == 401
    refreshed = client.post(
        "/api/v1/auth/refresh/", {"refresh": meta["refresh_token"]}, content_type="application/json"
    )
    assert refreshed.status_code == 401


def test_logout_blacklists_this_devices_refresh_token_only(client, member):
    one = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).json()["meta"]
    two = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).json()["meta"]
    out = client.post("/api/v1/auth/logout/", {"refresh": one["refresh_token"]}, content_type="application/json")
    assert out.status_code == 204
    refresh = "/api/v1/auth/refresh/"
    assert client.post(refresh, {"refresh": one["refresh_token"]}, content_type="application/json").status_code == 401
    assert client.post(refresh, {"refresh": two["refresh_token"]}, content_type="application/json").status_code == 200


def test_log_out_everywhere_revokes_every_refresh_token(client, member):
    one = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).json()["meta"]
    two = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).json()["meta"]
    assert client.post("/api/v1/users/me/logout-all/", **bearer(one["access_token"])).status_code == 204
    for meta in (one, two):  # access tokens stop at once too
        assert client.get("/api/v1/users/me/", **bearer(meta["access_token"])).status_code == 401
    for meta in (one, two):
        response = client.post(
            "/api/v1/auth/refresh/", {"refresh": meta["refresh_token"]}, content_type="application/json"
        )
        assert response.status_code == 401
    # The allauth session behind the app client is ended too.
    assert client.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=two["session_token"]).status_code == 410


def _count_default_hasher_runs(monkeypatch) -> list:
    from django.contrib.auth.hashers import get_hasher

    hasher_class = type(get_hasher())  # the first of PASSWORD_HASHERS: Argon2 in production
    runs: list = []
    encode = hasher_class.encode
    monkeypatch.setattr(hasher_class, "encode", lambda self, *a, **kw: runs.append(1) or encode(self, *a, **kw))
    return runs


def test_signing_up_with_a_taken_email_hashes_a_password_like_a_new_sign_up(client, member, monkeypatch):
    """The answer time must not tell a taken address apart: a new sign-up's time is mostly the
    password hash, so the taken path hashes a throwaway password with the same hasher."""
    runs = _count_default_hasher_runs(monkeypatch)
    assert post(client, "/auth/signup", {"email": "fresh@example.com", "password": PASSWORD}).status_code == 401
    new = len(runs)
    assert post(client, "/auth/signup", {"email": "member@example.com", "password": PASSWORD}).status_code == 401
    assert new == len(runs) - new == 1
    page = client.post("/en/accounts/signup/", {"email": "member@example.com", "password1": PASSWORD})
    assert page.status_code == 302
    assert len(runs) == 3
