"""OpenAPI description of the API's authentication (imported in AccountsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JWTHeaderOrCookieScheme(OpenApiAuthenticationExtension):
    target_class = "apps.accounts.authentication.JWTHeaderOrCookieAuthentication"
    name = ["jwtAuth", "jwtCookieAuth"]

    def get_security_definition(self, auto_schema: object) -> list[dict]:
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
