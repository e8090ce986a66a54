"""Template helpers shared by every page: language alternates."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context: template.Context) -> list[dict]:
    """The current page in every language: code, localized name, absolute URL, whether current."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = context.get("LANGUAGE_CODE")
    out = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        url = translate_url(path, code)  # resolves the path: once per language, not per use
        out.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "absolute_url": settings.SITE_URL + url,
                "current": code == current,
            }
        )
    return out
