"""`/api/v1/analytics/`: numbers for editors over a period, and the public list of popular posts.

Periods: `?days=7|30|90|365` (ending today, default 30) or `?start=YYYY-MM-DD&end=YYYY-MM-DD` (at most
366 days). Everything is read through `apps.analytics.selectors` (rollups + today's raw views).
"""

from datetime import timedelta
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.analytics import growth, selectors
from apps.analytics.models import DailyStat
from apps.blog import selectors as blog_selectors
from apps.blog.models import LANGUAGE_CODES

from . import serializers as s
from .permissions import CanViewAnalytics

D = DailyStat.Dimension
PERIOD_PARAMETERS = [
    OpenApiParameter("days", OpenApiTypes.INT, enum=list(selectors.RANGES), description="Last N days, ending today."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (with `end`), instead of `days`."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (with `start`); at most 366 days in all."),
]
LIMIT_PARAMETER = OpenApiParameter(
    "limit", {"type": "integer", "minimum": 1, "maximum": 100}, description="Rows per list, 1 to 100 (default 10)."
)


EMPTY_REFUSED = ("days", "start", "end", "limit", "lang")


def _period_data(period: selectors.Period) -> dict[str, Any]:
    return {"start": period.start, "end": period.end, "days": period.days}


def _limit(request: Request) -> int:
    from apps.core.numbers import parse_whole_number

    value = request.query_params.get("limit", "")
    if not value:
        return 10
    number = parse_whole_number(value)
    if number is None or number > 100:
        raise serializers.ValidationError({"limit": [_("Give a whole number from 1 to 100.")]}, code="invalid_limit")
    return number


class AnalyticsViewSet(viewsets.GenericViewSet):
    """Read-only analytics. Editors (`analytics.view_pageview`) only, except `popular`."""

    permission_classes = (CanViewAnalytics,)
    pagination_class = None
    filter_backends = ()
    serializer_class = s.OverviewSerializer  # per action below, for the schema

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Every parameter here is a number, a date or a language (never an empty string, as the schema
        # says): `?end=` is a 400 naming it, not "no end" (the period would silently be another one).
        empty = [name for name in EMPTY_REFUSED if "" in request.query_params.getlist(name)]
        if empty:
            message = _("Enter a value, or leave the parameter out.")
            raise serializers.ValidationError({name: [message] for name in empty}, code="invalid")

    def _period(self) -> selectors.Period:
        params = self.request.query_params
        return selectors.period_parse(days=params.get("days"), start=params.get("start"), end=params.get("end"))

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=s.OverviewSerializer)
    @action(detail=False, methods=["get"])
    def overview(self, request: Request) -> Response:
        """Overview of a period: views, visitors, the period before, signed-in and API shares."""
        period = self._period()
        last_built = selectors.last_rolled_up_day()
        split = selectors.period_split(period, last_built)
        series = selectors.site_series(period=period, split=split)
        previous = selectors.Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))
        previous_series = selectors.site_series(period=previous, split=selectors.period_split(previous, last_built))
        totals = selectors.dimension_totals(period=period, dimensions=(D.AUDIENCE, D.VIA), split=split)
        views = sum(p.views for p in series)
        visitors = sum(p.visitors for p in series)
        data = {
            "period": _period_data(period),
            "views": views,
            "visitors": visitors,
            "views_per_visitor": round(views / visitors, 2) if visitors else None,
            "previous": {
                "views": sum(p.views for p in previous_series),
                "visitors": sum(p.visitors for p in previous_series),
            },
            "signed_in_views": totals[D.AUDIENCE].get("signed-in", [0, 0])[0],
            "api_views": totals[D.VIA].get("api", [0, 0])[0],
            "last_rolled_up_day": last_built,
            "waiting": selectors.buffer_waiting(),
            "lost": selectors.lost_views(),
        }
        return Response(s.OverviewSerializer(data).data)

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=s.TimeseriesSerializer)
    @action(detail=False, methods=["get"])
    def timeseries(self, request: Request) -> Response:
        """Views and unique visitors per day of the period (every day, zeros included)."""
        period = self._period()
        split = selectors.period_split(period, selectors.last_rolled_up_day())
        series = selectors.site_series(period=period, split=split)
        return Response(s.TimeseriesSerializer({"period": _period_data(period), "results": series}).data)

    def _lists(self, dimensions: tuple[str, ...]) -> tuple[selectors.Period, selectors.Lists]:
        period = self._period()
        return period, selectors.dashboard_lists_get(period=period, dimensions=dimensions, limit=_limit(self.request))

    @extend_schema(parameters=[*PERIOD_PARAMETERS, LIMIT_PARAMETER], responses=s.TopContentSerializer)
    @action(detail=False, methods=["get"], url_path="top-content")
    def top_content(self, request: Request) -> Response:
        """The most viewed posts, projects and other pages of the period."""
        period, lists = self._lists((D.POST, D.PROJECT, D.PAGE))
        data = {"period": _period_data(period), "posts": lists.posts, "projects": lists.projects, "pages": lists.pages}
        return Response(s.TopContentSerializer(data).data)

    @extend_schema(parameters=[*PERIOD_PARAMETERS, LIMIT_PARAMETER], responses=s.ReferrersSerializer)
    @action(detail=False, methods=["get"])
    def referrers(self, request: Request) -> Response:
        """Where readers came from: referring hosts and UTM campaigns."""
        period, lists = self._lists((D.REFERRER, D.CAMPAIGN))
        data = {"period": _period_data(period), "referrers": lists.referrers, "campaigns": lists.campaigns}
        return Response(s.ReferrersSerializer(data).data)

    @extend_schema(parameters=[*PERIOD_PARAMETERS, LIMIT_PARAMETER], responses=s.ClientsSerializer)
    @action(detail=False, methods=["get"])
    def clients(self, request: Request) -> Response:
        """Browsers, operating systems, device classes and page languages."""
        period, lists = self._lists((D.BROWSER, D.OS, D.DEVICE, D.LANGUAGE))
        data = {
            "period": _period_data(period),
            "browsers": lists.browsers,
            "operating_systems": lists.oses,
            "devices": lists.devices,
            "languages": lists.languages,
        }
        return Response(s.ClientsSerializer(data).data)

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=s.GrowthSerializer)
    @action(detail=False, methods=["get"])
    def growth(self, request: Request) -> Response:
        """How users (and, once their apps exist, subscribers, comments and revenue) grew."""
        period = self._period()
        series = [
            {
                "key": result.key,
                "label": result.label,
                "before": result.before,
                "added": result.added,
                "total": result.total,
                "days": [
                    {"date": day, "added": added, "total": total}
                    for (day, added), (_day, total) in zip(result.per_day, result.cumulative(), strict=True)
                ],
            }
            for result in growth.growth_get(period=period)
        ]
        return Response(s.GrowthSerializer({"period": _period_data(period), "series": series}).data)

    @extend_schema(parameters=[*PERIOD_PARAMETERS, LIMIT_PARAMETER], responses=s.PostStatsSerializer)
    # Not named `post`: a view's `post` method is its POST handler (DRF then advertises POST in `Allow`
    # on every route of the viewset, and a POST called it without its slug: a 500).
    @action(detail=False, methods=["get"], url_path=r"posts/(?P<slug>[-\w]+)", url_name="post")
    def post_stats(self, request: Request, slug: str) -> Response:
        """One post's views and visitors per day, its all-time views and its referrers."""
        post = blog_selectors.post_get_visible(slug=slug, user=request.user)
        if post is None:
            raise Http404(_("No such post."))
        period = self._period()
        stats = selectors.post_stats_get(post_id=post.pk, period=period, limit=_limit(request))
        data = {
            "post": {"id": post.pk, "slug": post.slug, "title": post.title},
            "period": _period_data(period),
            "views": stats.views,
            "visitors": stats.visitors,
            "total_views": stats.total_views,
            "series": stats.series,
            "referrers": stats.referrers,
        }
        return Response(s.PostStatsSerializer(data).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "days",
                {"type": "integer", "minimum": 1, "maximum": selectors.POPULAR_MAX_DAYS},
                description="Last N days, 1 to 90 (default 7).",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": selectors.POPULAR_MAX_LIMIT},
                description="How many posts, 1 to 50 (default 10).",
            ),
            OpenApiParameter("lang", OpenApiTypes.STR, enum=list(LANGUAGE_CODES), description="Language of titles."),
        ],
        responses=s.PopularSerializer,
    )
    @action(detail=False, methods=["get"], permission_classes=(permissions.AllowAny,))
    def popular(self, request: Request) -> Response:
        """Public: the most read live posts of the last N days (the list is cached for 10 minutes)."""
        days, limit = selectors.popular_params(
            days=request.query_params.get("days"), limit=request.query_params.get("limit")
        )
        language = request.query_params.get("lang") or translation.get_language_from_request(request, check_path=False)
        language = language.lower().replace("_", "-")
        if language not in LANGUAGE_CODES:
            if request.query_params.get("lang"):
                raise serializers.ValidationError(
                    {"lang": [_("Use one of: %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)}]},
                    code="invalid_language",
                )
            language = LANGUAGE_CODES[0]
        with translation.override(language):
            posts = selectors.popular_posts(days=days, limit=limit)
            results = [
                {
                    "slug": post.slug,
                    "title": post.title,
                    "summary": post.summary or "",
                    "url": request.build_absolute_uri(reverse("blog:post", kwargs={"slug": post.slug})),
                    "published_at": post.published_at,
                    "is_premium": post.is_premium,
                    "views": post.views,
                    "visitors": post.visitors,
                }
                for post in posts
            ]
            response = Response(s.PopularSerializer({"days": days, "results": results}).data)
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        patch_cache_control(response, public=True, max_age=300)
        return response
