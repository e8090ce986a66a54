"""OpenAPI description of the API's authentication (imported in AccountsConfig.ready)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_mock_request
from rest_framework import permissions


class JWTHeaderOrCookieScheme(OpenApiAuthenticationExtension):
    target_class = "apps.accounts.authentication.JWTHeaderOrCookieAuthentication"
    name = ["jwtAuth", "jwtCookieAuth"]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list]]:
        """Either scheme authenticates a request: one requirement object each (OpenAPI reads the list
        as "any of"; one object naming both would mean "both at once"). An operation the view lets
        anonymous callers through also lists `{}`, the anonymous option."""
        requirements: list[dict[str, list]] = [{"jwtAuth": []}, {"jwtCookieAuth": []}]
        if _anonymous_allowed(auto_schema) and not _spectacular_adds_anonymous(auto_schema):
            requirements.append({})
        return requirements

    def get_security_definition(self, auto_schema: Any) -> list[dict]:
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "simplejwt access token (15 minutes) from allauth's headless app client.",
            },
            {
                "type": "apiKey",
                "in": "cookie",
                "name": "inkwell_access",
                "description": "Browser clients: the same token in an HttpOnly cookie; unsafe methods need CSRF.",
            },
        ]


def _anonymous_allowed(auto_schema: Any) -> bool:
    """Ask the view's own permissions whether a caller without a token may call this operation."""
    view = auto_schema.view
    request = build_mock_request(auto_schema.method, auto_schema.path, view, None)  # no credentials
    try:
        return all(permission.has_permission(request, view) for permission in view.get_permissions())
    except Exception:  # noqa: BLE001 - a permission that needs a real request: not known to be public
        return False


def _spectacular_adds_anonymous(auto_schema: Any) -> bool:
    """drf-spectacular itself appends `{}` for these two permission classes (see AutoSchema.get_auth)."""
    classes = {type(p) for p in auto_schema.view.get_permissions()}
    safe = auto_schema.method in permissions.SAFE_METHODS
    return permissions.AllowAny in classes or (permissions.IsAuthenticatedOrReadOnly in classes and safe)
