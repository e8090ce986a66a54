"""sitemap.xml: an index pointing at one sitemap per language and kind, each URL with its
`xhtml:link` alternates (both languages and x-default) and a `lastmod`. Live posts only."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors
from .models import LANGUAGE_CODES


class _LanguageSitemap(Sitemap):
    """The URLs of one language; alternates still name every language."""

    i18n = True
    alternates = True
    x_default = True
    limit = 5000

    def __init__(self, language: str) -> None:
        self.language = language

    def _items(self) -> list[tuple[Any, str]]:
        return [(item, self.language) for item in self.items()]

    def get_languages_for_item(self, item: Any) -> list[str]:
        return list(LANGUAGE_CODES)

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def _urls(self, page: Any, protocol: str, domain: str) -> list[dict[str, Any]]:
        urls = super()._urls(page, protocol, domain)
        # Django points x-default at an unprefixed URL; ours is the default language's page.
        for url in urls:
            default = next((a for a in url["alternates"] if a["lang_code"] == settings.LANGUAGE_CODE), None)
            for alternate in url["alternates"]:
                if alternate["lang_code"] == "x-default" and default:
                    alternate["location"] = default["location"]
        return urls


class PostSitemap(_LanguageSitemap):
    changefreq = "weekly"

    def items(self) -> Any:
        return selectors.post_list_for_sitemap()

    def location(self, item: Any) -> str:
        return reverse("blog:post", args=[item.slug])

    def lastmod(self, item: Any) -> Any:
        return item.updated_at


class PageSitemap(_LanguageSitemap):
    """Home, about, projects and the section and tag pages."""

    changefreq = "daily"

    def items(self) -> list[tuple[str, tuple]]:
        pages: list[tuple[str, tuple]] = [("blog:home", ()), ("blog:projects", ()), ("blog:archive", ())]
        if selectors.section_get_about():
            pages.append(("blog:about", ()))
        pages += [("blog:section", (s.slug,)) for s in selectors.section_list_active(type="blog")]
        pages += [("blog:tag", (t.slug,)) for t in selectors.tag_list_used()]
        pages += [("blog:project", (p.slug,)) for p in selectors.project_list_published()]
        return pages

    def location(self, item: tuple[str, tuple]) -> str:
        return reverse(item[0], args=item[1])


def sitemaps() -> dict[str, Sitemap]:
    out: dict[str, Sitemap] = {}
    for code in LANGUAGE_CODES:
        out[f"posts-{code}"] = PostSitemap(code)
        out[f"pages-{code}"] = PageSitemap(code)
    return out
