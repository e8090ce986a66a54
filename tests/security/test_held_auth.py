"""Held: forged or stolen credentials, cross-site requests, fixed sessions, open redirects, spoofed proxies.

Each attempt gets its exact refusal, and nothing it tried to write is stored. Tests that already live
in apps/accounts/tests are replayed here in one line each only where the list would be incomplete
without them (refresh-as-access, a disabled user, log-out-everywhere).
"""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from apps.accounts.models import User
from apps.blog.models import Post
from apps.media.models import Asset

from ._held import APP, PASSWORD, app_sign_in, bearer, browser_sign_in, jwt_forge, jwt_parts, verified

pytestmark = pytest.mark.django_db

EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example", "\\\\evil.example"]


def _refused(response, status: int = 401) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}


# --- JWT tampering -----------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, reader):
    return app_sign_in(client, reader.email)


def _forgeries(access: str, admin_id: int) -> dict[str, str]:
    header, claims, signature = jwt_parts(access)
    return {
        "alg none": jwt_forge({"alg": "none", "typ": "JWT"}, claims),
        "alg None, signature kept": jwt_forge({"alg": "None", "typ": "JWT"}, claims, signature),
        "wrong key": jwt.encode(claims, "not-the-secret-key-" + "x" * 40, algorithm="HS256"),
        "HS512 with the right key": jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS512"),
        "header says HS512": jwt_forge({**header, "alg": "HS512"}, claims, signature),
        "claims changed to the admin": jwt_forge(header, {**claims, "user_id": str(admin_id)}, signature),
        "expiry extended": jwt_forge(header, {**claims, "exp": claims["exp"] + 3600 * 24 * 365}, signature),
        "signature stripped": jwt_forge(header, claims),
        "garbage": "not.a.token",
    }


def test_forged_access_tokens_are_refused_and_write_nothing(client, reader, admin_user, signed_in):
    for name, token in _forgeries(signed_in["access_token"], admin_user.pk).items():
        _refused(client.get("/api/v1/users/me/", **bearer(token)))
        response = client.patch(
            "/api/v1/users/me/", {"bio": f"forged: {name}"}, content_type="application/json", **bearer(token)
        )
        _refused(response)
        _refused(client.get("/api/v1/users/", **bearer(token)))  # the admin's list, with "the admin's" token
    for user in (reader, admin_user):
        user.refresh_from_db()
        assert "forged" not in user.bio


def test_forged_tokens_in_the_cookie_are_refused_too(reader, admin_user, signed_in):
    browser = Client()
    for token in _forgeries(signed_in["access_token"], admin_user.pk).values():
        browser.cookies["inkwell_access"] = token
        _refused(browser.get("/api/v1/users/me/"))


def test_an_expired_access_token_is_refused(client, reader, settings):
    from rest_framework_simplejwt.tokens import AccessToken

    from apps.accounts.services import TOKEN_VERSION_CLAIM

    token = AccessToken.for_user(reader)
    token[TOKEN_VERSION_CLAIM] = reader.token_version
    token.set_exp(lifetime=-timedelta(seconds=1))
    response = client.get("/api/v1/users/me/", **bearer(str(token)))
    _refused(response)
    assert response.json()["code"] == "token_not_valid"


def test_a_refresh_token_a_disabled_users_token_and_tokens_after_log_out_everywhere_are_refused(
    client, reader, signed_in
):
    _refused(client.get("/api/v1/users/me/", **bearer(signed_in["refresh_token"])))  # refresh as access
    other = app_sign_in(Client(), reader.email)
    assert client.post("/api/v1/users/me/logout-all/", **bearer(other["access_token"])).status_code == 204
    _refused(client.get("/api/v1/users/me/", **bearer(signed_in["access_token"])))
    fresh = app_sign_in(Client(), reader.email)
    User.objects.filter(pk=reader.pk).update(is_active=False)
    _refused(client.get("/api/v1/users/me/", **bearer(fresh["access_token"])))


def test_a_forged_refresh_token_is_refused_and_issues_nothing(client, admin_user, signed_in):
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    before = OutstandingToken.objects.count()
    for token in _forgeries(signed_in["refresh_token"], admin_user.pk).values():
        response = client.post("/api/v1/auth/refresh/", {"refresh": token}, content_type="application/json")
        _refused(response)
    assert OutstandingToken.objects.count() == before


# --- CSRF on cookie-authenticated unsafe requests ---------------------------------------------------


def test_cookie_api_writes_without_the_csrf_token_are_refused_and_store_nothing(editor):
    browser = browser_sign_in(editor.email)
    asset = Asset.objects.create(owner=editor, kind="image", file="assets/c/1.jpg", mime_type="image/jpeg", sha256="c")
    version = User.objects.get(pk=editor.pk).token_version
    attempts = [
        browser.post(
            "/api/v1/posts/", {"title_en": "Cross-site", "source_language": "en"}, content_type="application/json"
        ),
        browser.patch("/api/v1/users/me/", {"bio": "cross-site"}, content_type="application/json"),
        browser.delete(f"/api/v1/media/{asset.pk}/"),
        browser.post("/api/v1/users/me/logout-all/"),
        browser.post("/api/v1/auth/logout/"),
        # A token that is not this browser's (an attacker's own csrftoken) fails the double submit too.
        browser.patch(
            "/api/v1/users/me/", {"bio": "cross-site"}, content_type="application/json", HTTP_X_CSRFTOKEN="a" * 32
        ),
    ]
    for response in attempts:
        _refused(response, 403)
        assert "CSRF" in response.json()["detail"]
    assert not Post.objects.filter(title_en="Cross-site").exists()
    assert Asset.objects.filter(pk=asset.pk).exists()
    editor.refresh_from_db()
    assert (editor.bio, editor.token_version) == ("", version)
    assert browser.get("/api/v1/users/me/").status_code == 200  # still signed in: logout did not go through


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/en/accounts/profile/", {"display_name": "Cross-site", "preferred_language": "en"}),
        ("/en/accounts/logout-everywhere/", {}),
        ("/en/accounts/delete/", {"password": PASSWORD}),
        ("/en/accounts/password/change/", {"oldpassword": PASSWORD, "password1": "cross site 12345"}),
        ("/en/accounts/email/", {"email": "attacker@example.com", "action_add": ""}),
        ("/en/accounts/logout/", {}),
    ],
)
def test_account_pages_refuse_posts_without_the_csrf_token(reader, path, data):
    browser = browser_sign_in(reader.email)
    response = browser.post(path, data)
    assert response.status_code == 403
    reader.refresh_from_db()
    assert reader.display_name == "Rita Reader"
    assert reader.check_password(PASSWORD)
    assert reader.is_active
    assert not reader.emailaddress_set.filter(email="attacker@example.com").exists()
    assert browser.get("/en/accounts/profile/").status_code == 200  # the session survived


def test_the_admin_refuses_a_delete_without_the_csrf_token(admin_user):
    browser = browser_sign_in(admin_user.email)
    victim = User.objects.create_user(email="victim@example.com", password=PASSWORD)
    response = browser.post(f"/admin/accounts/user/{victim.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=victim.pk).exists()


def test_the_allauth_browser_api_refuses_unsafe_requests_without_the_csrf_token(reader):
    browser = browser_sign_in(reader.email)
    change = {"current_password": PASSWORD, "new_password": "cross site 12345"}
    response = browser.post("/_allauth/browser/v1/account/password/change", change, content_type="application/json")
    assert response.status_code == 403
    fresh = Client(enforce_csrf_checks=True)  # login CSRF: a cross-site sign-in into the attacker's account
    login = fresh.post(
        "/_allauth/browser/v1/auth/login",
        {"email": reader.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert login.status_code == 403
    assert "_auth_user_id" not in fresh.session
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)


# --- Session fixation ----------------------------------------------------------------------------


def _planted_session() -> str:
    """A session key an attacker obtained and planted in the victim's browser."""
    session = SessionStore()
    session["planted"] = True
    session.create()
    return session.session_key


@pytest.mark.parametrize("how", ["page", "browser api"])
def test_signing_in_never_keeps_a_planted_session_key(reader, how):
    verified(reader.email)
    planted = _planted_session()
    victim = Client()
    victim.cookies["sessionid"] = planted
    if how == "page":
        response = victim.post("/en/accounts/login/", {"login": reader.email, "password": PASSWORD})
        assert response.status_code == 302
    else:
        response = victim.post(
            "/_allauth/browser/v1/auth/login",
            {"email": reader.email, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200
    assert victim.cookies["sessionid"].value != planted
    attacker = Client()
    attacker.cookies["sessionid"] = planted
    assert attacker.get("/en/accounts/profile/").status_code == 302  # to the sign-in page: not the victim


# --- Open redirects ------------------------------------------------------------------------------


def _local(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\")) and "evil.example" not in location


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_never_redirects_off_site(client, reader, target):
    verified(reader.email)
    response = client.post(f"/en/accounts/login/?next={target}", {"login": reader.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _local(response["Location"]), response["Location"]
    response = Client().post("/en/accounts/login/", {"login": reader.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert _local(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_sign_out_never_redirects_off_site(client, reader, target):
    client.force_login(reader)
    response = client.post("/en/accounts/logout/", {"next": target})
    assert response.status_code == 302
    assert _local(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_the_language_switch_never_redirects_off_site(client, target):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": target})
    assert response.status_code == 302
    assert _local(response["Location"]), response["Location"]
    response = client.post("/i18n/setlang/", {"language": "zh-hans"}, HTTP_REFERER=target)
    assert _local(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_the_sign_in_page_never_links_or_posts_off_site(client, target):
    page = client.get("/en/accounts/login/", {"next": target}).content.decode()
    for attribute in ("href", "action", "formaction"):
        assert f'{attribute}="{target}' not in page
        assert f'{attribute}="https://evil' not in page


# --- Spoofed X-Forwarded-For ---------------------------------------------------------------------


@pytest.fixture
def tight_anon_rate(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {**AnonRateThrottle.THROTTLE_RATES, "anon": "2/min"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "1000/min"})


def _statuses(settings, proxies: int, forwarded: list[str]) -> list[int]:
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    client = APIClient()
    return [
        client.get("/api/v1/tags/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=xff).status_code for xff in forwarded
    ]


def test_without_a_trusted_proxy_a_spoofed_forwarded_for_buys_no_new_api_budget(db, settings, tight_anon_rate):
    assert _statuses(settings, 0, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [200, 200, 429]


def test_behind_one_trusted_proxy_the_api_limit_keys_on_the_address_it_appended(db, settings, tight_anon_rate):
    # A client cannot hide behind a forged first entry: our proxy's entry (the last) is the one used.
    spoofed = [f"6.6.6.{i}, 203.0.113.7" for i in range(3)]
    assert _statuses(settings, 1, spoofed) == [200, 200, 429]
    assert _statuses(settings, 1, ["203.0.113.8", "203.0.113.9"]) == [200, 200]  # real clients: their own budget


def test_auth_limits_key_on_the_right_address_with_zero_and_one_trusted_proxies(client, settings):
    settings.AUTH_RATE_IP = "2/10min"
    for proxies, xffs, expected in (
        (0, ["198.51.100.1", "198.51.100.2", "198.51.100.3"], [400, 400, 429]),
        (1, ["6.6.6.1, 203.0.113.50", "6.6.6.2, 203.0.113.50", "6.6.6.3, 203.0.113.50"], [400, 400, 429]),
    ):
        settings.TRUSTED_PROXY_COUNT = proxies
        statuses = [
            client.post(
                f"{APP}/auth/login",
                {"email": "nobody@example.com", "password": "wrong password 1"},
                content_type="application/json",
                REMOTE_ADDR=f"10.9.{proxies}.1",
                HTTP_X_FORWARDED_FOR=xff,
            ).status_code
            for xff in xffs
        ]
        assert statuses == expected, proxies
