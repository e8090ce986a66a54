"""Auth rate limits, the signed-in user's language, and the JWT cookies of browser clients."""

import json
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.api_errors import api_error, is_api_path
from apps.core.net import client_ip
from apps.core.ratelimit import ratelimit_check

from .models import normalize_email

# POSTs to these paths are auth endpoints (site pages are under /<lang>/accounts/; the admin login too).
_AUTH_API_PREFIXES = ("/_allauth/", "/api/v1/auth/", "/api/v1/users/me/deletion-code/")
_EMAIL_FIELDS = ("email", "login", "username")  # the admin login names the e-mail field "username"
_NOT_AUTH_PAGES = ("profile/", "logout/")  # account pages that check no credential and send no e-mail


@cache
def _admin_login_path() -> str:
    return reverse("admin:login")


def _is_auth_post(request: HttpRequest) -> bool:
    if request.method != "POST":
        return False
    path = request.path
    if path.startswith(_AUTH_API_PREFIXES) or path == _admin_login_path():
        return True
    parts = path.split("/", 3)  # "", language, "accounts", page
    return (
        len(parts) > 3
        and parts[1] in dict(settings.LANGUAGES)
        and parts[2] == "accounts"
        and parts[3] not in _NOT_AUTH_PAGES
    )


def _target_email(request: HttpRequest) -> str:
    """The address the attempt is about: the one in the body, else the signed-in user's own (a
    password change, a deletion code...), so an account's budget is the same from every IP."""
    values = _json_body(request) if request.content_type == "application/json" else request.POST
    for name in _EMAIL_FIELDS:
        value = values.get(name)
        if isinstance(value, str) and "@" in value:
            return normalize_email(value)
    user = getattr(request, "user", None)
    return user.email if user is not None and user.is_authenticated else ""


class AuthRateLimitMiddleware:
    """The one limiter of every auth endpoint: site pages, allauth's headless API, our token
    endpoints and the admin login. Every POST counts against the client IP and the e-mail it targets.

    The same answer (429) whether or not the address has an account, so it reveals nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_auth_post(request):
            hit = ratelimit_check(
                scope="auth",
                subjects={"ip": client_ip(request), "email": _target_email(request)},
                rates={"ip": settings.AUTH_RATE_IP, "email": settings.AUTH_RATE_EMAIL},
            )
            if not hit.allowed:
                return self._too_many(request, hit.retry_after)
        return self.get_response(request)

    def _too_many(self, request: HttpRequest, retry_after: int) -> HttpResponse:
        message = _("Too many attempts. Please wait a few minutes and try again.")
        if is_api_path(request.path):
            response: HttpResponse = api_error(request, 429, message, "throttled")
        else:
            response = render(request, "account/too_many.html", {"message": message}, status=429)
        response["Retry-After"] = str(retry_after)
        return response


class PreferredLanguageMiddleware:
    """A signed-in user landing on a URL without a language prefix gets their preferred language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and translation.get_language_from_path(request.path_info) is None
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class JWTCookieMiddleware:
    """Set or clear the HttpOnly access/refresh cookies when a browser signs in or out, and hand the
    app client its fresh pair after it changed its password.

    The signal receivers in `receivers.py` mark the request; the tokens are written here because
    only the response can carry them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pair = getattr(request, "_jwt_cookie_pair", None)
        if pair is not None:
            set_jwt_cookies(response, pair)
        elif getattr(request, "_jwt_cookie_clear", False):
            clear_jwt_cookies(response)
        body_pair = getattr(request, "_jwt_body_pair", None)
        if body_pair is not None and response.status_code == 200 and response["Content-Type"] == "application/json":
            _add_to_meta(response, body_pair.as_meta())
        return response


def _add_to_meta(response: HttpResponse, meta: dict) -> None:
    """allauth's answer carries the tokens in `meta`, as after a sign-in."""
    data = json.loads(response.content)
    data["meta"] = {**data.get("meta", {}), **meta}
    response.content = json.dumps(data).encode()


def set_jwt_cookies(response: HttpResponse, pair: object) -> None:
    jwt = settings.SIMPLE_JWT
    common = {"secure": settings.SESSION_COOKIE_SECURE, "httponly": True, "samesite": "Lax"}
    response.set_cookie(
        settings.JWT_COOKIE_ACCESS, pair.access, max_age=int(jwt["ACCESS_TOKEN_LIFETIME"].total_seconds()), **common
    )
    response.set_cookie(
        settings.JWT_COOKIE_REFRESH,
        pair.refresh,
        max_age=int(jwt["REFRESH_TOKEN_LIFETIME"].total_seconds()),
        **common,
    )


def clear_jwt_cookies(response: HttpResponse) -> None:
    response.delete_cookie(settings.JWT_COOKIE_ACCESS, samesite="Lax")
    response.delete_cookie(settings.JWT_COOKIE_REFRESH, samesite="Lax")


class ProviderTokenGuardMiddleware:
    """Refuse OAuth ID tokens that are not RS256 before allauth sees them.

    allauth 65.21 verifies an app client's ID token with the algorithm named in the token's own
    header; an HS256 header against the provider's RSA key makes PyJWT raise TypeError, i.e. a 500.
    Providers sign ID tokens with RS256, so anything else is answered as an invalid token (400).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path.endswith("/auth/provider/token"):
            id_token = _json_body(request).get("token", {})
            id_token = id_token.get("id_token") if isinstance(id_token, dict) else None
            if id_token is not None and _jwt_alg(id_token) != "RS256":
                body = {
                    "status": 400,
                    "errors": [{"message": "Invalid token.", "code": "invalid_token", "param": "token"}],
                }
                return JsonResponse(body, status=400)
        return self.get_response(request)


def _json_body(request: HttpRequest) -> dict:
    if request.content_type != "application/json":
        return {}
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _jwt_alg(token: object) -> str:
    import jwt

    if not isinstance(token, str):
        return ""
    try:
        return str(jwt.get_unverified_header(token).get("alg", ""))
    except jwt.PyJWTError:
        return ""
