"""Growth series: how users, subscribers, comments and revenue grew over a period (read-only).

Each series is declared by the name of a model and its date field, and is shown only when that
model exists at run time (`apps.get_model` in a try, and the fields checked), so analytics imports
nothing from community or payments: a series lights up once its app's models are installed. Other
apps' models that do not match what is declared here (a renamed field) hide their series with a
warning in the log instead of failing the page.

Per series: two queries (the total before the period, the rows in the period, bucketed by day in
Python so no database time-zone tables are needed), whatever the amount of data.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import Period, day_start

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GrowthSeries:
    """One series: rows of `model` (app_label.ModelName) counted (or `sum_field` summed) by `date_field`."""

    key: str
    label: Any
    model: str
    date_field: str
    sum_field: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    # How a value is shown (e.g. minor units of money as "12.34").
    formatter: Callable[[int], str] = str


@dataclass
class GrowthResult:
    key: str
    label: str
    before: int  # the total before the period starts
    per_day: list[tuple[date, int]]  # new in each day of the period
    formatter: Callable[[int], str] = str

    @property
    def added(self) -> int:
        return sum(n for _day, n in self.per_day)

    @property
    def total(self) -> int:
        return self.before + self.added

    def cumulative(self) -> list[tuple[date, int]]:
        running, out = self.before, []
        for day, n in self.per_day:
            running += n
            out.append((day, running))
        return out


def money(minor_units: int) -> str:
    return f"{minor_units / 100:,.2f}"


_REGISTRY: dict[str, GrowthSeries] = {}


def growth_series_register(series: GrowthSeries) -> None:
    """Add (or replace) a series; the lead or another app can plug in its own at start-up."""
    _REGISTRY[series.key] = series


# Declared by name: community (subscribers, comments) and payments (revenue) are built on other
# branches; their series appear once their models exist with these fields.
for _series in (
    GrowthSeries("users", _("Users"), "accounts.User", "date_joined", filters={"is_active": True}),
    GrowthSeries(
        "subscribers", _("Newsletter subscribers"), "community.Subscriber", "confirmed_at", filters={"status": "active"}
    ),
    GrowthSeries("comments", _("Comments"), "community.Comment", "created_at"),
    # Money kept: orders paid (in part refunded too); a fully refunded order leaves the series.
    GrowthSeries(
        "revenue",
        _("Revenue"),
        "payments.Order",
        "paid_at",
        sum_field="total",
        filters={"status__in": ("paid", "partially_refunded")},
        formatter=money,
    ),
):
    growth_series_register(_series)


def _model_for(series: GrowthSeries) -> Any:
    """The series' model, or None when its app or model or fields are not installed."""
    app_label, _dot, model_name = series.model.partition(".")
    if not apps.is_installed(f"apps.{app_label}"):
        return None
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    try:
        model._meta.get_field(series.date_field)
        if series.sum_field:
            model._meta.get_field(series.sum_field)
        for name in series.filters:
            model._meta.get_field(name.split("__", 1)[0])
    except FieldDoesNotExist:
        logger.warning("analytics: growth series %r does not match %s; hidden", series.key, series.model)
        return None
    return model


def growth_available() -> list[GrowthSeries]:
    return [series for series in _REGISTRY.values() if _model_for(series) is not None]


def growth_get(*, period: Period) -> list[GrowthResult]:
    """Every available series over `period`."""
    start, end = day_start(period.start), day_start(period.end + timedelta(days=1))
    zone = timezone.get_default_timezone()
    results = []
    for series in _REGISTRY.values():
        model = _model_for(series)
        if model is None:
            continue
        qs = model._default_manager.filter(Q(**series.filters))
        value = Sum(series.sum_field) if series.sum_field else Count("pk")
        before = qs.filter(**{f"{series.date_field}__lt": start}).aggregate(x=value)["x"] or 0
        rows = qs.filter(**{f"{series.date_field}__gte": start, f"{series.date_field}__lt": end})
        per_day: dict[date, int] = dict.fromkeys(period.dates(), 0)
        fields = (series.date_field, series.sum_field) if series.sum_field else (series.date_field,)
        for row in rows.values_list(*fields):
            moment: datetime = row[0]
            day = moment.astimezone(zone).date() if timezone.is_aware(moment) else moment.date()
            if day in per_day:
                per_day[day] += (row[1] or 0) if series.sum_field else 1
        results.append(
            GrowthResult(
                key=series.key,
                label=str(series.label),
                before=int(before),
                per_day=sorted(per_day.items()),
                formatter=series.formatter,
            )
        )
    return results
