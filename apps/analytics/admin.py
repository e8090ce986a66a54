"""The admin's Analytics page: the changelist of PageView, for editors (`analytics.view_pageview`).

Charts are SVG drawn on the server (charts.py), each with its numbers in a table beside it. The page
reads the rollups plus the raw views of today (selectors.dashboard_get): a fixed number of queries.
Without a Celery worker (development), it first flushes the buffer and rolls up finished days, so a
`make run` shows the visits just made.
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from . import charts, growth, selectors, services
from .models import PageView


def run_pending_work_without_worker() -> None:
    """Development (eager Celery, no beat): do what beat would have done before showing numbers."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        services.events_flush()
        services.rollups_build_pending()


def can_view(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.has_perm("analytics.view_pageview"))


@admin.register(PageView)
class AnalyticsDashboardAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        # Only the dashboard: raw rows are not for browsing one by one.
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.changelist_view), name=name)]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not can_view(request):
            raise PermissionDenied
        errors: list[str] = []
        try:
            period = selectors.period_parse(
                days=request.GET.get("days"), start=request.GET.get("start"), end=request.GET.get("end")
            )
        except ValidationError as exc:
            errors = [message for messages in exc.message_dict.values() for message in messages]
            period = selectors.Period.last(selectors.DEFAULT_RANGE)
        run_pending_work_without_worker()
        data = selectors.dashboard_get(period=period)
        points = [(p.day, p.views, p.visitors) for p in data.series]
        growth_results = growth.growth_get(period=period)
        growth_charts = [
            {
                "series": result,
                "chart": charts.line_chart(
                    result.cumulative(),
                    title=_("%(label)s over the period") % {"label": result.label},
                    chart_id=f"growth-{result.key}",
                ),
            }
            for result in growth_results
        ]
        lists = [
            ("posts", _("Top posts"), data.lists.posts, _("Post")),
            ("projects", _("Top projects"), data.lists.projects, _("Project")),
            ("pages", _("Other pages"), data.lists.pages, _("Path")),
            ("referrers", _("Referrers"), data.lists.referrers, _("Site")),
            ("campaigns", _("Campaigns (UTM source / medium / campaign)"), data.lists.campaigns, _("Campaign")),
            ("languages", _("Languages"), data.lists.languages, _("Language")),
            ("browsers", _("Browsers"), data.lists.browsers, _("Browser")),
            ("oses", _("Operating systems"), data.lists.oses, _("System")),
            ("devices", _("Devices"), data.lists.devices, _("Device")),
            ("audience", _("Signed in or not"), data.lists.audience, _("Readers")),
            ("via", _("Pages or API"), data.lists.via, _("Read through")),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Analytics"),
            "opts": self.model._meta,
            "data": data,
            "errors": errors,
            "ranges": selectors.RANGES,
            "chosen_days": period.days if period.end == selectors.today() else None,
            "views_chart": charts.views_chart(
                points,
                title=_("Views (bars) and unique visitors (line) per day, %(start)s to %(end)s")
                % {"start": period.start.isoformat(), "end": period.end.isoformat()},
                chart_id="views",
            ),
            "lists": [
                {
                    "key": key,
                    "title": title,
                    "column": column,
                    "rows": [{"row": row, "bar": charts.share_bar(row.share)} for row in rows],
                }
                for key, title, rows, column in lists
            ],
            "growth": growth_charts,
            "retention_days": settings.ANALYTICS_RAW_RETENTION_DAYS,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/analytics/dashboard.html", context, status=400 if errors else 200)
