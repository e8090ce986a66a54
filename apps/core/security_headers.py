"""Content-Security-Policy and Permissions-Policy headers, one CSP per area of the site.

The area is chosen by path (`settings.CSP_AREAS`, first matching prefix wins, else "reader"); each
area's policy is a dict of directive -> sources in `settings.CSP_POLICIES`. Placeholders in the
sources are filled in here: `{media-hosts}` becomes the origins the media storages serve files from
(S3, a CDN, an absolute MEDIA_URL) plus `CSP_IMG_HOSTS`; `{oauth-hosts}` the sign-in origins of the
OAuth providers that are switched on (a sign-in form's redirect goes there); `{nonce}` this answer's
nonce when its page used `request.csp_nonce`, else nothing.

HTML answers get their area's policy; the API's other answers (JSON) get the "api" one, and an HTML
page under the API (DRF's browsable API) the "browsable-api" one. Other files (static, media, feeds)
get none. The middleware sits right after SecurityMiddleware, outside the page cache: a cached page
is served with the current headers on every hit. Reader pages have no inline script or style and
their policy no nonce, so nothing made per request is ever baked into a cached page.
"""

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

MEDIA_HOSTS = "{media-hosts}"
OAUTH_HOSTS = "{oauth-hosts}"
NONCE = "{nonce}"
# Settings the built headers depend on (tests change them; production reads them once).
_INPUTS = frozenset(
    {
        "CSP_AREAS",
        "CSP_IMG_HOSTS",
        "CSP_OAUTH_ORIGINS",
        "CSP_POLICIES",
        "CSP_REPORT_ONLY",
        "CSP_REPORT_URI",
        "MEDIA_URL",
        "PERMISSIONS_POLICY",
        "SOCIALACCOUNT_PROVIDERS",
        "STORAGES",
    }
)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # relative: same origin, already 'self'
    return f"{parts.scheme}://{parts.netloc}"


def media_origins() -> list[str]:
    """Origins the public and private media storages hand out URLs on (none for local files)."""
    origins: list[str] = []
    for alias in ("default", "private"):
        config = settings.STORAGES.get(alias)
        if config is None:
            continue
        storage = storages.create_storage(config)
        if hasattr(storage, "querystring_auth"):
            storage.querystring_auth = False  # S3: the host is all we need, so no signing and no credentials
        origin = _origin(storage.url("csp-probe"))
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def oauth_origins() -> list[str]:
    """Sign-in origins of the OAuth providers that are configured."""
    configured = getattr(settings, "SOCIALACCOUNT_PROVIDERS", {})
    return [origin for name, origin in settings.CSP_OAUTH_ORIGINS.items() if name in configured]


def build_policy(
    directives: dict[str, Iterable[str]], *, media: list[str], oauth: list[str], nonce: str | None = None
) -> str:
    placeholders = {MEDIA_HOSTS: media, OAUTH_HOSTS: oauth, NONCE: [f"'nonce-{nonce}'"] if nonce else []}
    parts = []
    for name, sources in directives.items():
        values: list[str] = []
        for source in sources:
            for value in placeholders.get(source, [source]):
                if value not in values:
                    values.append(value)
        parts.append(" ".join([name, *values]))
    if settings.CSP_REPORT_URI:
        parts.append(f"report-uri {settings.CSP_REPORT_URI}")
    return "; ".join(parts)


def build_permissions_policy(features: dict[str, Iterable[str]]) -> str:
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in features.items())


@dataclass(frozen=True)
class HeaderConfig:
    csp_header: str
    policies: dict[str, str]  # area -> policy without a nonce
    media: list[str]
    oauth: list[str]
    areas: tuple[tuple[str, str], ...]
    permissions_policy: str

    def area(self, path: str, content_type: str) -> str | None:
        """The policy an answer gets, or None for files that are not pages."""
        area = next((name for prefix, name in self.areas if path.startswith(prefix)), "reader")
        is_html = content_type.startswith("text/html")
        if area == "api":
            return "browsable-api" if is_html else "api"
        return area if is_html else None

    def policy(self, area: str, nonce: str | None) -> str:
        if nonce is None:
            return self.policies[area]
        return build_policy(settings.CSP_POLICIES[area], media=self.media, oauth=self.oauth, nonce=nonce)


class CSPNonce:
    """`request.csp_nonce`: made the first time a template prints it, fresh for each answer."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: str | None = None

    def __str__(self) -> str:
        if self.value is None:
            self.value = secrets.token_urlsafe(18)
        return self.value


@cache
def header_config() -> HeaderConfig:
    media = [*media_origins(), *settings.CSP_IMG_HOSTS]
    oauth = oauth_origins()
    return HeaderConfig(
        csp_header="Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY else "Content-Security-Policy",
        policies={
            area: build_policy(directives, media=media, oauth=oauth)
            for area, directives in settings.CSP_POLICIES.items()
        },
        media=media,
        oauth=oauth,
        areas=tuple(settings.CSP_AREAS),
        permissions_policy=build_permissions_policy(settings.PERMISSIONS_POLICY),
    )


@receiver(setting_changed)
def _forget_header_config(*, setting: str, **kwargs: object) -> None:
    if setting in _INPUTS:
        header_config.cache_clear()


class SecurityHeadersMiddleware:
    """Add the area's Content-Security-Policy and the Permissions-Policy to every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = nonce = CSPNonce()  # in the policy only if the page used it
        response = self.get_response(request)
        config = header_config()
        area = config.area(request.path, response.get("Content-Type", ""))
        if settings.DEBUG and response.status_code in (404, 500):
            area = None  # Django's debug pages style and script themselves inline
        if area is not None and config.csp_header not in response:
            response[config.csp_header] = config.policy(area, nonce.value)
        response.setdefault("Permissions-Policy", config.permissions_policy)
        return response
