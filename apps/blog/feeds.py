"""RSS 2.0 and Atom feeds, per language: the whole site, one section (with its children), one tag.

Only live posts appear. Public posts carry their full rendered body; premium posts only their
summary (the editor's, else its reviewed key points; never an unreviewed machine summary).
Every URL is absolute, built from `SITE_URL`.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import selectors
from .models import Post, Section, Tag
from .page_cache import cached_page
from .seo import absolute, author_name

FEED_SIZE = 20


def cached(feed: Feed) -> Callable[..., HttpResponse]:
    """A feed view served from the page cache like the pages."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return feed(request, *args, **kwargs)

    view.__name__ = type(feed).__name__
    return cached_page(view)


class _PostFeed(Feed):
    feed_type = Rss201rev2Feed
    feed_url_name = "blog:feed-rss"

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.request_path = request.path
        return None

    def title(self, obj: Any) -> str:
        return settings.SITE_NAME

    def description(self, obj: Any) -> str:
        return _("A bilingual blog about writing, code and everything between.")

    subtitle = description

    def link(self, obj: Any) -> str:
        return absolute(reverse("blog:home"))

    def feed_url(self, obj: Any) -> str:
        return absolute(self.request_path)

    def items(self, obj: Any) -> Any:
        return self.posts(selectors.post_list_published())

    def posts(self, queryset: Any) -> Any:
        # Key points stand in for a premium post's missing summary: one query for the whole feed.
        return queryset.prefetch_related("key_points")[:FEED_SIZE]

    def item_title(self, item: Post) -> str:
        return item.title

    def item_link(self, item: Post) -> str:
        return absolute(reverse("blog:post", args=[item.slug]))

    def item_description(self, item: Post) -> str:
        if item.is_premium:
            teaser = escape(selectors.post_summary_text(post=item, language=get_language()))
            note = escape(_("This is a premium post: read it on the site."))
            return f"<p>{teaser}</p><p><em>{note}</em></p>"
        return item.body_html

    def item_pubdate(self, item: Post) -> Any:
        return item.published_at

    def item_updateddate(self, item: Post) -> Any:
        return item.updated_at

    def item_author_name(self, item: Post) -> str | None:
        return author_name(item.author) or None

    def item_categories(self, item: Post) -> list[str]:
        return [t.name for t in item.tags.all()]


class _AtomMixin:
    feed_type = Atom1Feed


class SiteRssFeed(_PostFeed):
    pass


class SiteAtomFeed(_AtomMixin, _PostFeed):
    pass


class SectionRssFeed(_PostFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Section:
        super().get_object(request)
        section = selectors.section_get_active(slug=slug)
        if section is None:
            raise Http404(_("No such section."))
        return section

    def title(self, obj: Section) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj: Section) -> str:
        return absolute(reverse("blog:section", args=[obj.slug]))

    def items(self, obj: Section) -> Any:
        return self.posts(selectors.post_list_published(section=obj))


class SectionAtomFeed(_AtomMixin, SectionRssFeed):
    pass


class TagRssFeed(_PostFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        super().get_object(request)
        tag = selectors.tag_get(slug=slug)
        if tag is None:
            raise Http404(_("No such tag."))
        return tag

    def title(self, obj: Tag) -> str:
        return f"#{obj.name} · {settings.SITE_NAME}"

    def link(self, obj: Tag) -> str:
        return absolute(reverse("blog:tag", args=[obj.slug]))

    def items(self, obj: Tag) -> Any:
        return self.posts(selectors.post_list_published(tag=obj))


class TagAtomFeed(_AtomMixin, TagRssFeed):
    pass
