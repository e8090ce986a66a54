"""Old reader URLs (`/<section-slug>`, `/<section-slug>/<slug>`, no language prefix) answer a permanent
redirect to the page that replaced them, in the visitor's language (Accept-Language, else Chinese, the
old site's language). Only a 404 is looked at, so no live page is ever shadowed; unknown old paths keep
their 404."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

from . import selectors

FALLBACK_LANGUAGE = "zh-hans"


def visitor_language(request: HttpRequest) -> str:
    for code, _quality in parse_accept_lang_header(request.headers.get("accept-language", "")):
        if code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return FALLBACK_LANGUAGE


class OldUrlRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.path
        if path.startswith(self.prefixes) or path.count("/") > 3 or path.startswith(("/api/", "/admin/")):
            return response
        url = selectors.old_path_target_url(path=path, language=visitor_language(request))
        if url is None:
            return response
        redirect = HttpResponsePermanentRedirect(url)
        redirect["Vary"] = "Accept-Language"
        return redirect
