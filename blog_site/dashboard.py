"""The editor's dashboard on the admin index: what waits for an editor, from every app.

Drafts, scheduled posts with their times, recent posts and posts missing a language (blog), the
moderation queue (community) and the week's visitors (analytics). Each part is shown only to those
allowed to act on it, and reads through its app's selectors.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from apps.analytics import selectors as analytics_selectors
from apps.blog import selectors as blog_selectors
from apps.community import moderation

WEEK = 7


@dataclass
class Dashboard:
    posts: blog_selectors.EditorLists | None = None
    moderation: list[dict[str, Any]] = field(default_factory=list)
    moderation_total: int = 0
    week: dict[str, Any] | None = None


def dashboard_get(*, user: Any) -> Dashboard:
    board = Dashboard()
    if user.has_perm("blog.change_post"):
        board.posts = blog_selectors.post_editor_lists()
    if user.has_perm("community.change_comment"):
        for source in moderation.sources():
            items = source.waiting()
            if items:
                board.moderation.append({"label": source.label, "count": len(items), "items": items[:5]})
                board.moderation_total += len(items)
    if user.has_perm("analytics.view_pageview"):
        board.week = _week()
    return board


def _week() -> dict[str, Any]:
    period = analytics_selectors.Period.last(WEEK)
    split = analytics_selectors.period_split(period, analytics_selectors.last_rolled_up_day())
    series = analytics_selectors.site_series(period=period, split=split)
    top = max((p.visitors for p in series), default=0) or 1
    return {
        "visitors": sum(p.visitors for p in series),
        "views": sum(p.views for p in series),
        "days": [{"day": p.day, "visitors": p.visitors, "share": round(100 * p.visitors / top)} for p in series],
        "popular": analytics_selectors.popular_posts(days=WEEK, limit=5),
        "languages": settings.LANGUAGES,
    }
