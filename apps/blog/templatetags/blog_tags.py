"""Fast links and cards for lists.

`{{ post|post_url }}`, `{{ tag|tag_url }}`, `{{ section|section_url }}`: a page of cards needs dozens
of links; `{% url %}` resolves each one through the URL resolver. These reverse each pattern once
per language and fill in the slug, with the same result.

`{% post_card post level=3 big=False loading="lazy" %}`: one post card, with its cover when the list
loaded covers (`post_cards_get(with_cover=True)`; never a query per card). Built in Python rather than
included as a template: a page lists 10-13 cards, and the template engine spent more time on their
~40 nodes and lookups each than the database did on the whole page. Every value is escaped.

`{% post_meta_extras post %}`: what higher apps add to a post's meta line (e.g. "1.2k views"). The
callables named in `BLOG_POST_META_EXTRAS` get the post and return safe HTML (or ""); cards add the
same. The blog imports none of them: the setting names them, as MIDDLEWARE names middleware.

`{% purchase_box project %}` / `{% purchase_box post %}`: the buy (or download) box of an item for sale,
from the callable named in `BLOG_PURCHASE_BOX` (payments' `display.purchase_box`).
"""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext, override
from django.utils.translation import gettext as _

from apps.blog import page_cache
from apps.blog import selectors as blog_selectors
from apps.media.templatetags.media_tags import picture

register = template.Library()
_PLACEHOLDER = "slug-placeholder"


@lru_cache(maxsize=32)
def _pattern(name: str, language: str) -> tuple[str, str]:
    with override(language):
        head, tail = reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    return head, tail


def _url(name: str, obj: Any) -> str:
    head, tail = _pattern(name, get_language())
    return f"{head}{obj.slug}{tail}"


@register.filter
def post_url(post: Any) -> str:
    return _url("blog:post", post)


@register.filter
def tag_url(tag: Any) -> str:
    return _url("blog:tag", tag)


@register.filter
def section_url(section: Any) -> str:
    return _url("blog:section", section)


@lru_cache(maxsize=4)
def _extras(paths: tuple[str, ...]) -> tuple[Callable[[Any], str], ...]:
    return tuple(import_string(path) for path in paths)


def _meta_extras(post: Any) -> str:
    """ " · "-prefixed fragments from `BLOG_POST_META_EXTRAS` (each already safe HTML)."""
    paths = tuple(getattr(settings, "BLOG_POST_META_EXTRAS", ()))
    if not paths:
        return ""
    return "".join(f" · {fragment}" for hook in _extras(paths) if (fragment := hook(post)))


@register.simple_tag
def post_meta_extras(post: Any) -> SafeString:
    return mark_safe(_meta_extras(post))  # noqa: S308 - each hook returns safe HTML


@register.simple_tag(takes_context=True)
def purchase_box(context: Any, item: Any) -> SafeString:
    """The buy box of a priced project or premium post, from the callable named in `BLOG_PURCHASE_BOX`
    (payments plugs in there: the blog imports none of it). "" when none is named."""
    path = getattr(settings, "BLOG_PURCHASE_BOX", "")
    if not path:
        return mark_safe("")
    return mark_safe(_extras((path,))[0](context.get("request"), item))  # noqa: S308 - the hook returns safe HTML


def _local(value: datetime) -> datetime:
    # What the template engine does to a datetime before a filter sees it.
    return timezone.localtime(value) if timezone.is_aware(value) else value


def iso_seconds(value: datetime | None) -> str:
    """`value` for `<time datetime>`: ISO 8601 to the second ("2026-10-28T11:51:41+00:00"). HTML allows
    at most three fractional digits and `isoformat()` gives six."""
    if value is None:
        return ""
    return _local(value).replace(microsecond=0).isoformat()


register.filter("iso_seconds", iso_seconds)

# Covers in lists: a featured card spans the content column, the others a third of it (phones: full width).
CARD_SIZES_BIG = "(min-width: 72rem) 44rem, (min-width: 48rem) 60vw, 100vw"
CARD_SIZES = "(min-width: 72rem) 22rem, (min-width: 40rem) 45vw, 100vw"


def _cover_loaded(post: Any) -> bool:
    """Whether the card can show the cover without a query (the list loaded covers with renditions)."""
    return bool(post.cover_id) and type(post).cover.is_cached(post)


@register.simple_tag
def post_card(post: Any, level: int = 2, big: bool = False, loading: str = "lazy") -> SafeString:
    """The card of `post` in a list: the cached fragment when the view found one
    (`post.card_html`), else rendered by `_post_card` and stored for the next page."""
    variants = getattr(post, "card_html", None)
    variant = page_cache.card_variant(level, big, loading)
    if variants is not None and variant in variants:
        return mark_safe(variants[variant])  # noqa: S308 - rendered (and escaped) by _post_card
    generation = getattr(post, "card_generation", None)
    if isinstance(post, page_cache.CachedCard):
        # Another variant of a cached card (rare: the views load the posts whose variant is missing).
        found = blog_selectors.post_cards_get(ids=[post.pk])
        if not found:
            return mark_safe("")  # gone since the list was read
        post = found[0]
    if variants is not None and not hasattr(post, "card_tags"):
        blog_selectors.post_cards_load(posts=[post])
    html = _post_card(post, level=level, big=big, loading=loading)
    if generation:
        page_cache.card_store(get_language(), post.pk, generation, {**(variants or {}), variant: str(html)})
    return html


def _post_card(post: Any, level: int = 2, big: bool = False, loading: str = "lazy") -> SafeString:
    """The card's markup (same as a template would give, see the module docstring). Every value is escaped."""
    language = get_language()
    post_head, post_tail = _pattern("blog:post", language)
    url = f"{post_head}{post.slug}{post_tail}"
    has_cover = _cover_loaded(post)
    classes = "card" + (" card-featured" if big else "") + ("" if has_cover else " card-no-cover")
    parts = [f'<article class="{classes}">\n  ']
    if has_cover:
        sizes = CARD_SIZES_BIG if big else CARD_SIZES
        # The first featured cover is the home page's largest paint: fetched first.
        priority = "high" if big and loading == "eager" else ""
        cover = picture(
            post.cover, sizes=sizes, loading=loading or "lazy", watermark=big, alt="", fetchpriority=priority
        )
        parts.append(format_html('<a href="{}" class="card-cover" tabindex="-1" aria-hidden="true">{}</a>', url, cover))
    parts.append('\n  <div class="card-body">')
    level = level or 2
    parts.append(format_html('\n  <h{} class="card-title"><a href="{}">{}</a></h{}>\n', level, url, post.title, level))
    published = post.published_at
    if published is not None:
        published = _local(published)
        time_html = format_html(
            '<time datetime="{}">{}</time>',
            published.replace(microsecond=0).isoformat(),
            formats.date_format(published, "DATE_FORMAT"),
        )
    else:
        time_html = ""
    section = post.section
    section_html = ""
    if section:
        head, tail = _pattern("blog:section", language)
        section_html = format_html(' · <a href="{}{}{}">{}</a>', head, section.slug, tail, section.name)
    premium = format_html(' · <span class="badge">{}</span>', _("Premium")) if post.is_premium else ""
    comments = ""
    count = getattr(post, "comment_count", None)  # set by a card loader (community), when installed
    if count:
        label = ngettext("%(count)d comment", "%(count)d comments", count) % {"count": count}
        comments = format_html(' · <a href="{}#comments">{}</a>', url, label)
    extras = _meta_extras(post)
    summary = post.summary
    if summary:
        parts.append(format_html('<p class="card-summary">{}</p>', summary))
    parts.append(f'\n  <p class="meta muted">\n    {time_html}{section_html}{premium}{comments}{extras}\n  </p>\n  ')
    tags = getattr(post, "card_tags", None)  # from selectors.post_cards_load
    if tags is None:
        tags = post.tags.all()
    if tags:
        head, tail = _pattern("blog:tag", language)
        items = "".join(
            f'<li><a href="{head}{conditional_escape(tag.slug)}{tail}">#{conditional_escape(tag.name)}</a></li>'
            for tag in tags
        )
        parts.append(format_html('<ul class="tags" aria-label="{}">', _("Tags")) + items + "</ul>")
    parts.append("</div>\n</article>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
