"""What every reader page tells machines: title, description, Open Graph / Twitter cards, JSON-LD."""

import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.core.reversing import reverse_once

from .selectors import post_summary_text

# JSON inside <script> must not be able to close the element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass
class PageMeta:
    title: str
    description: str = ""
    og_type: str = "website"
    image: str = ""  # absolute URL
    image_width: int | None = None
    image_height: int | None = None
    image_alt: str = ""
    noindex: bool = False
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (name, path)
    extra_jsonld: list[dict[str, Any]] = field(default_factory=list)

    @property
    def full_title(self) -> str:
        return self.title if self.title == settings.SITE_NAME else f"{self.title} · {settings.SITE_NAME}"

    @property
    def jsonld(self) -> SafeString:
        items = [website_jsonld(), *self.extra_jsonld]
        if self.breadcrumbs:
            items.append(breadcrumb_jsonld(self.breadcrumbs))
        text = json.dumps(items if len(items) > 1 else items[0], cls=DjangoJSONEncoder, ensure_ascii=False)
        return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - escaped for a <script> element above


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


def describe(*texts: str, length: int = 160) -> str:
    """The first non-empty text, tags stripped, cut to a meta description's length."""
    for text in texts:
        plain = " ".join(strip_tags(text or "").split())
        if plain:
            return Truncator(plain).chars(length)
    return ""


def post_description(post: Any, *, summary: str | None = None) -> str:
    """A post's meta, Open Graph, Twitter and JSON-LD description: its SEO description, else its summary
    (the editor's, else its reviewed key points: `selectors.post_summary_text`), else the start of its
    body, but only of a free post. Metadata is for sharing: a premium body is never quoted there,
    whoever is reading the page."""
    if summary is None:
        summary = post_summary_text(post=post, language=get_language() or settings.LANGUAGE_CODE)
    return describe(post.seo_description, summary, "" if post.is_premium else post.body_html)


def website_jsonld() -> dict[str, Any]:
    home = absolute(reverse_once("blog:home"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": home,
        "inLanguage": get_language(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": absolute(reverse_once("blog:search")) + "?q={q}"},
            "query-input": "required name=q",
        },
    }


def breadcrumb_jsonld(crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    trail = [(_("Home"), reverse_once("blog:home")), *crumbs]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": str(name), "item": absolute(path)}
            for i, (name, path) in enumerate(trail, start=1)
        ],
    }


def post_jsonld(*, post: Any, url: str, image: str, description: str, abstract: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": Truncator(post.title).chars(110),
        "description": description,
        "url": absolute(url),
        "mainEntityOfPage": absolute(url),
        "inLanguage": get_language(),
        "datePublished": post.published_at,
        "dateModified": post.updated_at,
        "isAccessibleForFree": not post.is_premium,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute(reverse("blog:home"))},
    }
    if post.author_id:
        data["author"] = {"@type": "Person", "name": author_name(post.author)}
    if abstract:
        data["abstract"] = abstract
    if image:
        data["image"] = image
    if post.tags.all():
        data["keywords"] = ", ".join(t.name for t in post.tags.all())
    return data


def author_name(user: Any) -> str:
    """The one author label of every surface (post page, JSON-LD, feeds, the content API): the display
    name, else a neutral "Anonymous" in the active language (`User.public_name`), never the e-mail
    address; "" when there is no author."""
    return str(user.public_name) if user is not None else ""
