"""Fast links and cards for lists.

`{{ post|post_url }}`, `{{ tag|tag_url }}`, `{{ section|section_url }}`: a page of cards needs dozens
of links; `{% url %}` resolves each one through the URL resolver. These reverse each pattern once
per language and fill in the slug, with the same result.

`{% post_card post level=3 big=False loading="lazy" %}`: one post card. Built in Python rather than
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


@register.simple_tag
def post_card(post: Any, level: int = 2, big: bool = False, loading: str = "lazy") -> SafeString:
    """The card of `post` in a list (same markup as a template would give, see the module docstring)."""
    language = get_language()
    post_head, post_tail = _pattern("blog:post", language)
    url = f"{post_head}{post.slug}{post_tail}"
    parts = ['<article class="card card-featured">\n  ' if big else '<article class="card">\n  ']
    if big and post.cover:
        cover = picture(post.cover, sizes="(min-width: 44rem) 42rem, 100vw", loading=loading or "lazy", watermark=True)
        parts.append(format_html('<a href="{}" class="card-cover" tabindex="-1" aria-hidden="true">{}</a>', url, cover))
    level = level or 2
    parts.append(format_html('\n  <h{} class="card-title"><a href="{}">{}</a></h{}>\n', level, url, post.title, level))
    published = post.published_at
    if published is not None:
        published = _local(published)
        time_html = format_html(
            '<time datetime="{}">{}</time>',
            formats.date_format(published, "c"),
            formats.date_format(published, "DATE_FORMAT"),
        )
    else:
        time_html = '<time datetime=""></time>'
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
    parts.append(f'  <p class="meta muted">\n    {time_html}{section_html}{premium}{comments}{extras}\n  </p>\n  ')
    summary = post.summary
    if summary:
        parts.append(format_html('<p class="card-summary">{}</p>', summary))
    parts.append("\n  ")
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
    parts.append("\n</article>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
