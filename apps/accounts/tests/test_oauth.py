"""GitHub and Google sign-in, with allauth's provider endpoints answered by a local stand-in."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter

from apps.accounts.models import User

from .helpers import bearer, post

pytestmark = pytest.mark.django_db


class StandIn:
    """Answers the provider's token, profile and e-mail endpoints from `routes` (path -> (status, body))."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, object]] = {}
        self.calls: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                path = urlparse(self.path).path
                stand_in.calls.append(f"{self.command} {path}")
                if self.command == "POST":
                    self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, body = stand_in.routes.get(path, (404, {"message": "Not Found"}))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings, monkeypatch):
    stand_in = StandIn()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "github": {"APPS": [{"client_id": "gh-id", "secret": "gh-secret", "key": ""}]},
        "google": {"APPS": [{"client_id": "g-id", "secret": "g-secret", "key": ""}], "SCOPE": ["email", "profile"]},
    }
    for name, value in {
        "authorize_url": f"{stand_in.url}/login/oauth/authorize",
        "access_token_url": f"{stand_in.url}/login/oauth/access_token",
        "profile_url": f"{stand_in.url}/api/v3/user",
        "emails_url": f"{stand_in.url}/api/v3/user/emails",
    }.items():
        monkeypatch.setattr(GitHubOAuth2Adapter, name, value)
    for name, value in {
        "authorize_url": f"{stand_in.url}/o/oauth2/v2/auth",
        "access_token_url": f"{stand_in.url}/token",
        "identity_url": f"{stand_in.url}/oauth2/v2/userinfo",
    }.items():
        monkeypatch.setattr(GoogleOAuth2Adapter, name, value)
    stand_in.routes.update(
        {
            "/login/oauth/access_token": (
                200,
                {"access_token": "gho_test", "token_type": "bearer", "scope": "user:email"},
            ),
            "/api/v3/user": (200, {"id": 4242, "login": "octo", "name": "Octo Cat", "email": None}),
            "/api/v3/user/emails": (200, [{"email": "Octo@Example.com", "primary": True, "verified": True}]),
            "/token": (200, {"access_token": "ya29.test", "expires_in": 3600, "token_type": "Bearer"}),
            "/oauth2/v2/userinfo": (
                200,
                {"id": "g-77", "email": "gina@example.com", "verified_email": True, "name": "Gina G"},
            ),
        }
    )
    yield stand_in
    stand_in.close()


def _sign_in_through(client, provider_id: str):
    response = client.post(f"/en/accounts/{provider_id}/login/")
    assert response.status_code == 302
    state = parse_qs(urlparse(response["Location"]).query)["state"][0]
    return client.get(f"/en/accounts/{provider_id}/login/callback/", {"code": "the-code", "state": state})


def test_github_sign_in_creates_a_verified_account_and_a_welcome(client, provider, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_in_through(client, "github")
    assert response.status_code == 302
    user = User.objects.get(email="octo@example.com")
    assert user.display_name == "Octo Cat"
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).uid == "4242"
    assert client.get("/en/accounts/profile/").status_code == 200
    assert mail.outbox[-1].subject == "Welcome to Inkwell"
    assert "POST /login/oauth/access_token" in provider.calls


def test_github_sign_in_with_an_existing_verified_email_links_instead_of_duplicating(client, provider, member):
    provider.routes["/api/v3/user/emails"] = (200, [{"email": "member@example.com", "primary": True, "verified": True}])
    response = _sign_in_through(client, "github")
    assert response.status_code == 302
    assert User.objects.filter(email="member@example.com").count() == 1
    assert SocialAccount.objects.get(provider="github").user == member
    assert client.get("/en/accounts/profile/").context["user"] == member


def test_an_unverified_provider_email_never_takes_over_an_existing_account(client, provider, member):
    provider.routes["/api/v3/user/emails"] = (
        200,
        [{"email": "member@example.com", "primary": True, "verified": False}],
    )
    response = _sign_in_through(client, "github")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"  # asked to confirm the address first
    assert not SocialAccount.objects.filter(user=member).exists()
    assert User.objects.filter(email="member@example.com").count() == 1


def test_a_new_account_with_an_unverified_provider_email_must_verify_it_first(client, provider):
    provider.routes["/api/v3/user/emails"] = (200, [{"email": "fresh@example.com", "primary": True, "verified": False}])
    response = _sign_in_through(client, "github")
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/confirm-email/")
    assert client.get("/en/accounts/profile/").status_code == 302  # not signed in yet
    assert not EmailAddress.objects.get(email="fresh@example.com").verified


def test_a_provider_error_shows_a_page_not_a_500(client, provider):
    provider.routes["/login/oauth/access_token"] = (500, {"error": "boom"})
    response = _sign_in_through(client, "github")
    assert response.status_code == 401
    assert "site.css" in response.content.decode()  # our styled error page
    assert not User.objects.exists()


def test_google_sign_in_links_to_an_existing_verified_account(client, provider, member):
    provider.routes["/oauth2/v2/userinfo"] = (
        200,
        {"id": "g-1", "email": "Member@Example.com", "verified_email": True, "name": "M"},
    )
    response = _sign_in_through(client, "google")
    assert response.status_code == 302
    assert SocialAccount.objects.get(provider="google").user == member
    assert User.objects.count() == 1


def test_google_sign_in_creates_a_new_account(client, provider):
    assert _sign_in_through(client, "google").status_code == 302
    assert User.objects.get(email="gina@example.com").display_name == "Gina G"


def _google_id_token(monkeypatch, provider, claims: dict) -> str:
    """Sign an ID token with a throwaway key whose certificate the stand-in publishes."""
    import datetime
    import time

    import jwt
    from allauth.socialaccount.providers.google import views as google_views
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "stand-in")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    provider.routes["/oauth2/v1/certs"] = (200, {"k1": cert.public_bytes(serialization.Encoding.PEM).decode()})
    monkeypatch.setattr(google_views, "CERTS_URL", f"{provider.url}/oauth2/v1/certs")
    payload = {
        "iss": "https://accounts.google.com",
        "aud": "g-id",
        "iat": int(time.time()),
        "exp": int(time.time()) + 600,
    }
    return jwt.encode({**payload, **claims}, key, algorithm="RS256", headers={"kid": "k1"})


def test_an_app_client_signs_in_with_a_google_id_token_and_gets_api_tokens(client, provider, member, monkeypatch):
    id_token = _google_id_token(
        monkeypatch, provider, {"sub": "g-9", "email": "member@example.com", "email_verified": True, "name": "Mia"}
    )
    response = post(
        client,
        "/auth/provider/token",
        {"provider": "google", "process": "login", "token": {"client_id": "g-id", "id_token": id_token}},
    )
    assert response.status_code == 200, response.json()
    access = response.json()["meta"]["access_token"]
    assert client.get("/api/v1/users/me/", **bearer(access)).json()["email"] == "member@example.com"
    assert SocialAccount.objects.get(provider="google").user == member  # linked, not duplicated
    assert User.objects.count() == 1


def test_a_forged_google_id_token_is_refused(client, provider, monkeypatch):
    import jwt

    _google_id_token(monkeypatch, provider, {})  # the stand-in publishes a real certificate...

    # ...but this token is signed with something else.
    bogus = jwt.encode(
        {"iss": "https://accounts.google.com", "aud": "g-id", "sub": "x"},
        "not-the-provider-key-0123456789abcdef",
        algorithm="HS256",
        headers={"kid": "k1"},
    )
    response = post(
        client,
        "/auth/provider/token",
        {"provider": "google", "process": "login", "token": {"client_id": "g-id", "id_token": bogus}},
    )
    assert response.status_code == 400
    assert not User.objects.exists()


def test_the_browser_clients_provider_redirect_form_still_works_behind_the_json_checks(client, provider):
    """allauth's one headless form POST: the body check that runs before it must leave the form readable."""
    response = client.post(
        "/_allauth/browser/v1/auth/provider/redirect",
        {"provider": "github", "callback_url": "/en/", "process": "login"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(provider.url + "/login/oauth/authorize")
