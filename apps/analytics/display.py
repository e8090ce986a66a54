""" "1.2k views" on post pages and cards, from the analytics data (never a counter of its own).

`post_views_label` is named in the blog's `BLOG_POST_META_EXTRAS` setting: the blog calls it for
each post card and post page without importing analytics. Numbers come from
`selectors.content_views_map()` (rollup totals plus the raw views since), read once per request.
Cached pages keep the number they were rendered with until the page cache drops them
(`BLOG_PAGE_CACHE_TIMEOUT`, 10 minutes by default).
"""

from typing import Any

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext

from .selectors import content_views_map

# (threshold, divisor, suffix) from the largest; the first whose threshold the number reaches.
_COMPACT = {
    "en": ((1_000_000_000, 1_000_000_000, "B"), (1_000_000, 1_000_000, "M"), (1_000, 1_000, "k")),
    # Chinese groups by ten thousands: 1.2万, 3.4亿.
    "zh-hans": ((100_000_000, 100_000_000, "亿"), (10_000, 10_000, "万")),
}


def compact_number(number: int, language: str | None = None) -> str:
    """A short, localized count: 999, 1.2k, 12k, 1.2M (English); 9,999, 1.2万, 3.4亿 (Chinese)."""
    rules = _COMPACT.get(language or get_language() or "en", _COMPACT["en"])
    for threshold, divisor, suffix in rules:
        if number >= threshold:
            scaled = number / divisor
            # One decimal below 10 (1.2k), none above (12k); never round up into "1000k".
            text = f"{int(scaled * 10) / 10:.1f}".removesuffix(".0") if scaled < 10 else str(int(scaled))
            return f"{text}{suffix}"
    return number_format(number, force_grouping=True)


def views_text(number: int) -> str:
    return ngettext("%(count)s view", "%(count)s views", number) % {"count": compact_number(number)}


def post_views_label(post: Any) -> str:
    """The "1.2k views" fragment of a post's meta line ("" before its first counted view)."""
    views = content_views_map().get(f"post:{post.pk}", 0)
    if not views:
        return ""
    return format_html(
        '<span class="views" title="{}">{}</span>', number_format(views, force_grouping=True), views_text(views)
    )
