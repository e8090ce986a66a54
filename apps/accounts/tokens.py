"""allauth headless token strategy that issues djangorestframework-simplejwt tokens.

allauth runs the flows (sign-up, codes, password, OAuth); once a flow authenticates a user on the
"app" client, allauth asks this strategy for the access token payload. We answer with a simplejwt
access/refresh pair, so the DRF API has one authentication scheme (`Authorization: Bearer`), and
refresh rotation, blacklist and "revoke all" live in simplejwt's token_blacklist tables.

The session token (`X-Session-Token`) that allauth needs between the steps of a flow is the Django
session key, exactly as allauth's own `SessionTokenStrategy`.
"""

from typing import Any

from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.http import HttpRequest
from rest_framework_simplejwt.exceptions import TokenError

from . import services
from .errors import TokenRefused


class SimpleJWTTokenStrategy(SessionTokenStrategy):
    def create_access_token_payload(self, request: HttpRequest) -> dict[str, Any] | None:
        user = request.user
        if not user.is_authenticated:
            return None
        return services.token_pair_issue(user=user).as_meta()

    def create_access_token(self, request: HttpRequest) -> str | None:
        payload = self.create_access_token_payload(request)
        return payload["access_token"] if payload else None

    def refresh_token(self, refresh_token: str) -> tuple[str, str] | None:
        try:
            pair = services.token_pair_refresh(refresh=refresh_token)
        except (TokenError, TokenRefused):
            return None
        return pair.access, pair.refresh
