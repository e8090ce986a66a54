"""`{% analytics_post_panel post %}`: a post's numbers on its admin change page (included by the blog's
change form through `analytics/admin/_post_stats.html`)."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.analytics import charts, selectors

register = template.Library()
PANEL_DAYS = 30


@register.simple_tag(takes_context=True)
def analytics_post_panel(context: template.Context, post: Any) -> SafeString | str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if post is None or not post.pk or user is None or not user.has_perm("analytics.view_pageview"):
        return ""
    period = selectors.Period.last(PANEL_DAYS)
    stats = selectors.post_stats_get(post_id=post.pk, period=period)
    chart = charts.views_chart(
        [(p.day, p.views, p.visitors) for p in stats.series],
        title=_("Views (bars) and unique visitors (line) of this post per day, last %(days)s days")
        % {"days": PANEL_DAYS},
        chart_id="post-views",
        height=180,
    )
    return render_to_string(
        "analytics/admin/_post_panel.html",
        {"stats": stats, "chart": chart, "days": PANEL_DAYS},
        request=request,
    )
