"""The API's one authentication scheme: simplejwt access tokens.

Bearer clients send `Authorization: Bearer <access>` and need no CSRF token. Browser clients get the
same access token in an HttpOnly cookie; a request authenticated by that cookie is ambient (the
browser attaches it), so unsafe methods must also pass Django's CSRF check (double submit: the
`csrftoken` cookie echoed in `X-CSRFToken`).
"""

from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.datastructures import MultiValueDict
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication


class _CSRFCheck(CsrfViewMiddleware):
    def _reject(self, request: Any, reason: str) -> str:
        return reason


class JWTHeaderOrCookieAuthentication(JWTAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = self.get_header(request)
        if header is not None:
            return super().authenticate(request)
        raw = request.COOKIES.get(settings.JWT_COOKIE_ACCESS)
        if not raw:
            return None
        token = self.get_validated_token(raw.encode())
        user = self.get_user(token)
        self._enforce_csrf(request)
        return user, token

    def get_user(self, validated_token: Any) -> Any:
        from .selectors import token_family_is_revoked
        from .services import TOKEN_FAMILY_CLAIM, TOKEN_VERSION_CLAIM

        user = super().get_user(validated_token)  # also refuses inactive users
        # The version moves on log-out-everywhere, disabling and any password change; a family is
        # revoked when one of its refresh tokens is replayed after its rotation.
        if validated_token.get(TOKEN_VERSION_CLAIM) != user.token_version or token_family_is_revoked(
            family=validated_token.get(TOKEN_FAMILY_CLAIM)
        ):
            raise exceptions.AuthenticationFailed("Token has been revoked.", code="token_revoked")
        return user

    def _enforce_csrf(self, request: Request) -> None:
        check = _CSRFCheck(lambda req: None)
        check.process_request(request)
        try:
            request.POST  # noqa: B018 - parsed by the view's parsers, where the form's CSRF field would be
        except (exceptions.UnsupportedMediaType, exceptions.ParseError):
            # A body the view does not read (e.g. a form where only JSON is taken) carries no CSRF field:
            # the header decides, and a request without it is refused as CSRF (403) before the 415.
            request._request._post, request._request._files = QueryDict(), MultiValueDict()
            request = request._request
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
