"""RSS 2.0 and Atom feeds, per language: the whole site, one section (with its children), one tag.

Only live posts appear. Public posts carry their full rendered body; premium posts only their
summary (the editor's, else its reviewed key points; never an unreviewed machine summary).
Every URL is absolute, built from `SITE_URL`.
"""

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import selectors
from .models import Post, PostNarration, Section, Tag, lang_suffix
from .page_cache import cached_page
from .seo import absolute, author_name, describe

FEED_SIZE = 20


def cached(feed: Feed) -> Callable[..., HttpResponse]:
    """A feed view served from the page cache like the pages."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return feed(request, *args, **kwargs)

    view.__name__ = type(feed).__name__
    return cached_page(view)


FEED_STYLESHEET = "feeds/feed.xsl"


class _Styled:
    """A feed generator that names an XSL stylesheet (static/feeds/feed.xsl) in an `<?xml-stylesheet?>`
    processing instruction right after the XML declaration: a browser shows the feed as a readable
    page, feed readers ignore it, and the document stays valid RSS/Atom."""

    def write(self, outfile: Any, encoding: str) -> None:
        buffer = io.StringIO()
        super().write(buffer, encoding)  # type: ignore[misc]
        xml = buffer.getvalue()
        declaration_end = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
        instruction = f'<?xml-stylesheet type="text/xsl" href="{escape(static(FEED_STYLESHEET))}"?>'
        outfile.write(xml[:declaration_end] + instruction + xml[declaration_end:])


class StyledRss201rev2Feed(_Styled, Rss201rev2Feed):
    pass


class StyledAtom1Feed(_Styled, Atom1Feed):
    pass


# Browsers show `application/rss+xml` and `application/atom+xml` as text (or download them) and apply
# the stylesheet only to XML they render: the post feeds go out as `application/xml`, which every feed
# reader accepts. The podcast keeps `application/rss+xml` (podcast directories check it).
class ReadableRssFeed(StyledRss201rev2Feed):
    content_type = "application/xml; charset=utf-8"


class ReadableAtomFeed(StyledAtom1Feed):
    content_type = "application/xml; charset=utf-8"


class _PostFeed(Feed):
    feed_type = ReadableRssFeed
    feed_url_name = "blog:feed-rss"

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return None

    def get_feed(self, obj: Any, request: HttpRequest) -> Any:
        feed = super().get_feed(obj, request)
        # The feed's own URL (rel="self") on SITE_URL. Set here, from this request: the feed object is one
        # instance shared by every request (and thread), so it must not keep per-request state.
        feed.feed["feed_url"] = absolute(request.path)
        return feed

    def title(self, obj: Any) -> str:
        return settings.SITE_NAME

    def description(self, obj: Any) -> str:
        return _("A bilingual blog about writing, code and everything between.")

    subtitle = description

    def link(self, obj: Any) -> str:
        return absolute(reverse("blog:home"))

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
    feed_type = ReadableAtomFeed


class SiteRssFeed(_PostFeed):
    pass


class SiteAtomFeed(_AtomMixin, _PostFeed):
    pass


class SectionRssFeed(_PostFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Section:
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


# --- Podcast (issue 13): narrated public posts, one feed per language ------------------------------

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_SIZE = 100
RSS_LANGUAGES = {"en": "en", "zh-hans": "zh-cn"}


class PodcastRssGenerator(StyledRss201rev2Feed):
    """RSS 2.0 with the iTunes podcast tags Apple Podcasts, Pocket Casts, Overcast and others read."""

    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:itunes": ITUNES_NS}

    def add_root_elements(self, handler: Any) -> None:
        super().add_root_elements(handler)
        feed = self.feed
        handler.startElement("image", {})
        handler.addQuickElement("url", feed["podcast_image"])
        handler.addQuickElement("title", feed["title"])
        handler.addQuickElement("link", feed["link"])
        handler.endElement("image")
        handler.addQuickElement("itunes:author", feed["podcast_author"])
        handler.addQuickElement("itunes:summary", feed["description"])
        handler.addQuickElement("itunes:image", "", {"href": feed["podcast_image"]})
        handler.addQuickElement("itunes:category", "", {"text": feed["podcast_category"]})
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:type", "episodic")

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("itunes:title", item["title"])
        handler.addQuickElement("itunes:author", item["podcast_author"])
        handler.addQuickElement("itunes:duration", item["podcast_duration"])
        handler.addQuickElement("itunes:summary", item["podcast_summary"])
        handler.addQuickElement("itunes:episodeType", "full")
        handler.addQuickElement("itunes:explicit", "false")
        if item.get("podcast_image"):
            handler.addQuickElement("itunes:image", "", {"href": item["podcast_image"]})


def podcast_image_url() -> str:
    return settings.PODCAST_IMAGE_URL or absolute(static("img/podcast.png"))


class PodcastFeed(Feed):
    """`/<lang>/feed/podcast.xml`: the narrations in this language of live, free posts, as episodes.

    Premium posts and drafts never appear; the author is the one public label (never an e-mail).
    """

    feed_type = PodcastRssGenerator

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return get_language()

    def get_feed(self, obj: str, request: HttpRequest) -> Any:
        feed = super().get_feed(obj, request)
        feed.feed["language"] = RSS_LANGUAGES.get(obj, obj)  # podcast apps know "zh-cn", not "zh-hans"
        return feed

    def title(self, language: str) -> str:
        return _("%(site)s: narrated posts") % {"site": settings.SITE_NAME}

    def description(self, language: str) -> str:
        return _("The posts of %(site)s, read aloud.") % {"site": settings.SITE_NAME}

    def link(self, language: str) -> str:
        return absolute(reverse("blog:home"))

    def feed_url(self, language: str) -> str:
        return absolute(reverse("blog:feed-podcast"))

    def feed_extra_kwargs(self, language: str) -> dict[str, Any]:
        return {
            "podcast_image": podcast_image_url(),
            "podcast_author": settings.SITE_NAME,
            "podcast_category": settings.PODCAST_CATEGORY,
        }

    def items(self, language: str) -> Any:
        return selectors.post_narration_list_for_podcast(language=language, limit=PODCAST_SIZE)

    def item_title(self, item: PostNarration) -> str:
        return getattr(item.post, f"title_{lang_suffix(item.language)}") or item.post.title

    def item_link(self, item: PostNarration) -> str:
        return absolute(reverse("blog:post", args=[item.post.slug]))

    def _summary(self, item: PostNarration) -> str:
        suffix = lang_suffix(item.language)
        summary = getattr(item.post, f"summary_{suffix}") or ""
        return describe(summary, getattr(item.post, f"body_html_{suffix}") or "", length=400)

    def item_description(self, item: PostNarration) -> str:
        return escape(self._summary(item))

    def item_guid(self, item: PostNarration) -> str:
        # Stable per post and language: a regenerated narration is the same episode, not a new one.
        return f"{absolute(reverse('blog:post', args=[item.post.slug]))}#narration-{item.language}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: PostNarration) -> Any:
        return item.post.published_at

    def item_updateddate(self, item: PostNarration) -> Any:
        return item.updated_at

    def item_author_name(self, item: PostNarration) -> str | None:
        return author_name(item.post.author) or None

    def item_enclosures(self, item: PostNarration) -> list[Enclosure]:
        asset = item.asset
        url = absolute(asset.storage.url(asset.file.name))
        return [Enclosure(url=url, length=str(asset.size), mime_type=asset.mime_type)]

    def item_extra_kwargs(self, item: PostNarration) -> dict[str, Any]:
        seconds = round(item.duration)
        hours, rest = divmod(seconds, 3600)
        return {
            "podcast_author": author_name(item.post.author) or settings.SITE_NAME,
            "podcast_duration": f"{hours:d}:{rest // 60:02d}:{rest % 60:02d}",
            "podcast_summary": self._summary(item),
            "podcast_image": "",
        }
