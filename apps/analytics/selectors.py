"""Reads: numbers over a period, from the rollups of finished days plus the raw views of the days
not rolled up yet (normally today only).

The number of queries depends on the dimensions asked for and on how many days are not rolled up
(one set per such day: normally one), never on how many views there are. Visitors over several days
are the sum of each day's unique visitors (a visitor id lasts one day by design).
"""

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db.models import BigIntegerField, CharField, Count, Max, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.blog import selectors as blog_selectors
from apps.blog.models import Post, Project
from apps.core.numbers import parse_whole_number

from .buffer import get_buffer
from .models import ContentTotal, Counter, DailyStat, ImportedViews, PageView, RollupDay

D = DailyStat.Dimension
RANGES = (7, 30, 90, 365)
DEFAULT_RANGE = 30
MAX_PERIOD_DAYS = 366
VIEWS_MAP_KEY = "analytics:views-map"
VIEWS_MAP_TIMEOUT = 300
POPULAR_TIMEOUT = 600
POPULAR_MAX_DAYS = 90
POPULAR_MAX_LIMIT = 50


# --- Periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole site days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    @classmethod
    def last(cls, days: int) -> "Period":
        end = timezone.localdate()
        return cls(start=end - timedelta(days=days - 1), end=end)


def _parse_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [_("Use a date like 2026-01-31.")]}, code="invalid_date") from None


def period_parse(*, days: str | None = None, start: str | None = None, end: str | None = None) -> Period:
    """The period asked for: `days` (7, 30, 90 or 365, ending today) or `start`/`end` (ISO dates,
    at most 366 days). Anything else is a ValidationError naming the parameter."""
    if start or end:
        if days not in (None, ""):  # not silently ignored: `days` is refused alone or with a period
            raise ValidationError({"days": [_("Give days, or start and end, not both.")]}, code="both")
        if not (start and end):
            raise ValidationError({"start" if not start else "end": [_("Give both start and end.")]}, code="required")
        first, last = _parse_date(start, "start"), _parse_date(end, "end")
        if first > last:
            raise ValidationError({"end": [_("The end must not be before the start.")]}, code="order")
        if (last - first).days + 1 > MAX_PERIOD_DAYS:
            raise ValidationError(
                {"end": [_("A period is at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}]}, code="too_long"
            )
        return Period(start=first, end=last)
    if days in (None, ""):
        return Period.last(DEFAULT_RANGE)
    number = parse_whole_number(days)
    if number not in RANGES:
        raise ValidationError(
            {"days": [_("Choose one of %(ranges)s.") % {"ranges": ", ".join(str(r) for r in RANGES)}]},
            code="invalid_range",
        )
    return Period.last(number)


# --- The split between rollups and raw views ------------------------------------------------------


def last_rolled_up_day() -> date | None:
    return RollupDay.objects.aggregate(last=Max("day"))["last"]


@dataclass(frozen=True)
class Split:
    """Which days of a period come from rollups and which from raw views."""

    rollup: Period | None
    raw_days: tuple[date, ...]


def period_split(period: Period, last_built: date | None) -> Split:
    if last_built is None:
        return Split(rollup=None, raw_days=tuple(period.dates()))
    rollup = Period(period.start, min(period.end, last_built)) if period.start <= last_built else None
    raw_start = max(period.start, last_built + timedelta(days=1))
    raw_days = tuple(raw_start + timedelta(days=n) for n in range(max(0, (period.end - raw_start).days + 1)))
    return Split(rollup=rollup, raw_days=raw_days)


def day_start(day: date) -> datetime:
    """The first instant of `day` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, dtime.min), timezone.get_default_timezone())


def today() -> date:
    return timezone.localdate()


_day: tuple[float, float, date] = (0.0, 0.0, date.min)  # [start, end) in Unix time, and the site day


def site_day(moment: float) -> date:
    """The site's day (`TIME_ZONE`) at Unix time `moment`: worked out once a day, not once a view."""
    global _day
    start, end, day = _day
    if start <= moment < end:
        return day
    zone = timezone.get_default_timezone()
    day = datetime.fromtimestamp(moment, tz=zone).date()
    first = datetime.combine(day, dtime.min, tzinfo=zone)
    _day = (first.timestamp(), (first + timedelta(days=1)).timestamp(), day)
    return day


def _forget_day(**kwargs: Any) -> None:
    global _day
    _day = (0.0, 0.0, date.min)  # TIME_ZONE may be the setting that changed


setting_changed.connect(_forget_day, dispatch_uid="analytics.selectors.site_day")


def _day_range(day: date) -> dict[str, Any]:
    return {"time__gte": day_start(day), "time__lt": day_start(day + timedelta(days=1))}


def campaign_label(source: str, medium: str, campaign: str) -> str:
    """ "source / medium / campaign" (empty parts shown as "-")."""
    return " / ".join(part or "-" for part in (source, medium, campaign))


_RAW_COLUMNS = (
    "visitor",
    "post_id",
    "project_id",
    "path",
    "via",
    "referrer_host",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "browser",
    "os",
    "device",
    "language",
    "signed_in",
)


def _page(row: tuple) -> str | None:
    return row[3] if row[1] is None and row[2] is None and row[4] == PageView.Via.PAGE else None


def _campaign(row: tuple) -> str | None:
    return campaign_label(row[6], row[7], row[8]) if (row[6] or row[7] or row[8]) else None


# What a row (in `_RAW_COLUMNS` order) counts for in each dimension (None: not counted there).
_EXTRACT: dict[str, Any] = {
    D.ALL: lambda row: "",
    D.POST: lambda row: None if row[1] is None else str(row[1]),
    D.PROJECT: lambda row: None if row[2] is None else str(row[2]),
    D.PAGE: _page,
    D.REFERRER: lambda row: row[5],
    D.CAMPAIGN: _campaign,
    D.BROWSER: lambda row: row[9],
    D.OS: lambda row: row[10],
    D.DEVICE: lambda row: row[11],
    D.LANGUAGE: lambda row: row[12],
    D.VIA: lambda row: row[4],
    D.AUDIENCE: lambda row: "signed-in" if row[13] else "anonymous",
    D.POST_REFERRER: lambda row: None if row[1] is None else f"{row[1]}|{row[5]}",
}


def raw_day_groups(*, day: date, dimensions: tuple[str, ...], post_id: int | None = None) -> dict[str, dict[str, list]]:
    """{dimension: {value: [views, visitors]}} of one day, from its raw views (the rollups' source).

    One query reads the day's rows and Python counts them: eleven GROUP BY ... COUNT(DISTINCT) queries
    over the same rows took five times longer on MariaDB. Values are cut to 255 characters (the
    rollup column). With `post_id`, only that post's views ("all" and "referrer" then describe it).
    """
    raw = PageView.objects.filter(**_day_range(day))
    if post_id is not None:
        raw = raw.filter(post_id=post_id)
    unknown = [dimension for dimension in dimensions if dimension not in _EXTRACT]
    if unknown:
        raise ValueError(f"Unknown dimensions {unknown!r}")
    counts: dict[str, dict[str, list]] = {dimension: {} for dimension in dimensions}
    work = [(counts[dimension], _EXTRACT[dimension]) for dimension in dimensions]
    for row in raw.order_by().values_list(*_RAW_COLUMNS).iterator(chunk_size=10_000):
        visitor = row[0]
        for bucket, extract in work:
            key = extract(row)
            if key is None:
                continue
            key = key[:255]
            entry = bucket.get(key)
            if entry is None:
                bucket[key] = [1, {visitor}]
            else:
                entry[0] += 1
                entry[1].add(visitor)
    return {
        dimension: {key: [n, len(visitors)] for key, (n, visitors) in values.items()}
        for dimension, values in counts.items()
        if values
    }


RawGroups = dict[date, dict[str, dict[str, list]]]


def raw_groups(*, split: Split, dimensions: tuple[str, ...]) -> RawGroups:
    """`raw_day_groups` of each day of `split` not rolled up: one query per day (normally just today)."""
    return {day: raw_day_groups(day=day, dimensions=dimensions) for day in split.raw_days}


def dimension_totals(
    *,
    period: Period,
    dimensions: tuple[str, ...],
    last_built: date | None = None,
    split: Split | None = None,
    raw: RawGroups | None = None,
) -> dict[str, dict[str, list]]:
    """{dimension: {value: [views, visitors]}} summed over `period`: one query over the rollups, plus
    one per day not rolled up (unless `raw` already holds them)."""
    split = split or period_split(period, last_built)
    raw = raw if raw is not None else raw_groups(split=split, dimensions=dimensions)
    out: dict[str, dict[str, list]] = {d: defaultdict(lambda: [0, 0]) for d in dimensions}
    if split.rollup is not None:
        rows = (
            DailyStat.objects.filter(dimension__in=dimensions, day__gte=split.rollup.start, day__lte=split.rollup.end)
            .values("dimension", "value")
            .annotate(n=Sum("views"), v=Sum("visitors"))
            .order_by()
        )
        for row in rows:
            pair = out[row["dimension"]][row["value"]]
            pair[0] += row["n"]
            pair[1] += row["v"]
    for groups in raw.values():
        for dimension, values in groups.items():
            if dimension not in out:
                continue
            for value, (n, v) in values.items():
                pair = out[dimension][value]
                pair[0] += n
                pair[1] += v
    return {d: dict(values) for d, values in out.items()}


# --- Series --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayPoint:
    day: date
    views: int
    visitors: int


def site_series(*, period: Period, split: Split, raw: RawGroups | None = None) -> list[DayPoint]:
    """Views and visitors of every day of `period` (zeros included). `raw`: the raw days' groups,
    when the caller has them (with "all")."""
    by_day: dict[date, tuple[int, int]] = {}
    if split.rollup is not None:
        rows = DailyStat.objects.filter(
            dimension=D.ALL, day__gte=split.rollup.start, day__lte=split.rollup.end
        ).values_list("day", "views", "visitors")
        by_day.update({day: (n, v) for day, n, v in rows})
    for day in split.raw_days:
        if raw is not None and day in raw:
            by_day[day] = tuple(raw[day].get(D.ALL, {}).get("", (0, 0)))
            continue
        total = PageView.objects.filter(**_day_range(day)).aggregate(n=Count("id"), v=Count("visitor", distinct=True))
        by_day[day] = (total["n"] or 0, total["v"] or 0)
    return [DayPoint(day, *by_day.get(day, (0, 0))) for day in period.dates()]


# --- Rows for lists -------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    views: int
    visitors: int
    url: str = ""
    admin_url: str = ""
    share: float = 0.0  # of the largest row, 0..1 (for bars)
    extra: dict[str, Any] = field(default_factory=dict)


def _rows(values: dict[str, list], *, limit: int | None = None, labels: dict[str, str] | None = None) -> list[Row]:
    ordered = sorted(values.items(), key=lambda item: (-item[1][0], item[0]))
    if limit is not None:
        ordered = ordered[:limit]
    top = ordered[0][1][0] if ordered else 0
    labels = labels or {}
    return [
        Row(key=key, label=labels.get(key, key), views=n, visitors=v, share=(n / top if top else 0.0))
        for key, (n, v) in ordered
    ]


def _post_rows(values: dict[str, list], limit: int) -> list[Row]:
    from django.urls import reverse

    rows = _rows(values, limit=limit)
    ids = [int(row.key) for row in rows]
    posts = Post.objects.filter(pk__in=ids).only("pk", "slug", "status", "published_at", *_title_fields()).in_bulk()
    for row in rows:
        post = posts.get(int(row.key))
        if post is None:
            row.label = _("(deleted post #%(id)s)") % {"id": row.key}
            continue
        row.label = post.title
        row.url = reverse("blog:post", kwargs={"slug": post.slug})
        row.admin_url = reverse("admin:blog_post_change", args=[post.pk])
    return rows


def _project_rows(values: dict[str, list], limit: int) -> list[Row]:
    from django.urls import reverse

    rows = _rows(values, limit=limit)
    ids = [int(row.key) for row in rows]
    projects = Project.objects.filter(pk__in=ids).only("pk", "slug", "title").in_bulk()
    for row in rows:
        project = projects.get(int(row.key))
        if project is None:
            row.label = _("(deleted project #%(id)s)") % {"id": row.key}
            continue
        row.label = project.title
        row.url = reverse("blog:project", kwargs={"slug": project.slug})
        row.admin_url = reverse("admin:blog_project_change", args=[project.pk])
    return rows


def _title_fields() -> tuple[str, ...]:
    from apps.blog.models import LANGUAGE_CODES, lang_suffix

    return tuple(f"title_{lang_suffix(code)}" for code in LANGUAGE_CODES)


# --- The dashboard --------------------------------------------------------------------------------

DASHBOARD_DIMENSIONS = (
    D.POST,
    D.PROJECT,
    D.PAGE,
    D.REFERRER,
    D.CAMPAIGN,
    D.BROWSER,
    D.OS,
    D.DEVICE,
    D.LANGUAGE,
    D.VIA,
    D.AUDIENCE,
)


@dataclass
class Lists:
    """Top rows per dimension (empty for dimensions not asked for)."""

    posts: list[Row] = field(default_factory=list)
    projects: list[Row] = field(default_factory=list)
    pages: list[Row] = field(default_factory=list)
    referrers: list[Row] = field(default_factory=list)
    campaigns: list[Row] = field(default_factory=list)
    browsers: list[Row] = field(default_factory=list)
    oses: list[Row] = field(default_factory=list)
    devices: list[Row] = field(default_factory=list)
    languages: list[Row] = field(default_factory=list)
    via: list[Row] = field(default_factory=list)
    audience: list[Row] = field(default_factory=list)


@dataclass
class Dashboard:
    period: Period
    series: list[DayPoint]
    views: int
    visitors: int
    lists: Lists
    last_built: date | None
    lost: int
    waiting: int | None

    @property
    def views_per_visitor(self) -> float | None:
        return self.views / self.visitors if self.visitors else None


def _language_labels() -> dict[str, str]:
    from django.conf import settings

    return {code: str(name) for code, name in settings.LANGUAGES} | {"": _("Unknown")}


def lost_views() -> int:
    """Views dropped because the buffer could not take them (see buffer.lost_add)."""
    row = Counter.objects.filter(name=Counter.LOST).values_list("value", flat=True).first()
    return int(row or 0)


def buffer_waiting() -> int | None:
    """Views captured but not flushed yet (None when the buffer cannot be reached)."""
    try:
        return get_buffer().size()
    except Exception:  # noqa: BLE001 - Redis down: the dashboard still shows what is stored
        return None


def dashboard_lists_get(
    *,
    period: Period,
    dimensions: tuple[str, ...] = DASHBOARD_DIMENSIONS,
    limit: int = 10,
    split: Split | None = None,
    raw: RawGroups | None = None,
) -> Lists:
    """The top `limit` rows of each of `dimensions` over `period` (devices, languages, audience and
    "via" are short and listed whole)."""
    split = split or period_split(period, last_rolled_up_day())
    totals = dimension_totals(period=period, dimensions=dimensions, split=split, raw=raw)
    direct = {"": _("Direct / none")}
    labels = {
        D.REFERRER: direct,
        D.DEVICE: {value: str(label) for value, label in PageView.Device.choices},
        D.LANGUAGE: _language_labels(),
        D.AUDIENCE: {"signed-in": _("Signed in"), "anonymous": _("Anonymous")},
        D.VIA: {value: str(label) for value, label in PageView.Via.choices},
    }
    whole = {D.DEVICE, D.LANGUAGE, D.AUDIENCE, D.VIA}
    attribute = {
        D.PAGE: "pages",
        D.REFERRER: "referrers",
        D.CAMPAIGN: "campaigns",
        D.BROWSER: "browsers",
        D.OS: "oses",
        D.DEVICE: "devices",
        D.LANGUAGE: "languages",
        D.VIA: "via",
        D.AUDIENCE: "audience",
    }
    lists = Lists()
    for dimension in dimensions:
        if dimension == D.POST:
            lists.posts = _post_rows(totals[D.POST], limit)
        elif dimension == D.PROJECT:
            lists.projects = _project_rows(totals[D.PROJECT], limit)
        elif dimension in attribute:
            rows = _rows(totals[dimension], limit=None if dimension in whole else limit, labels=labels.get(dimension))
            setattr(lists, attribute[dimension], rows)
    return lists


def dashboard_get(*, period: Period, limit: int = 10) -> Dashboard:
    """Everything the Analytics page shows, in a fixed number of queries."""
    last_built = last_rolled_up_day()
    split = period_split(period, last_built)
    raw = raw_groups(split=split, dimensions=(D.ALL, *DASHBOARD_DIMENSIONS))
    series = site_series(period=period, split=split, raw=raw)
    return Dashboard(
        period=period,
        series=series,
        views=sum(p.views for p in series),
        visitors=sum(p.visitors for p in series),
        lists=dashboard_lists_get(period=period, limit=limit, split=split, raw=raw),
        last_built=last_built,
        lost=lost_views(),
        waiting=buffer_waiting(),
    )


# --- One post --------------------------------------------------------------------------------------


@dataclass
class PostStats:
    post_id: int
    period: Period
    series: list[DayPoint]
    views: int
    visitors: int
    total_views: int
    referrers: list[Row]


def post_stats_get(*, post_id: int, period: Period, limit: int = 10) -> PostStats:
    """A post's views and visitors per day over `period`, its all-time views and its referrers."""
    last_built = last_rolled_up_day()
    split = period_split(period, last_built)
    by_day: dict[date, tuple[int, int]] = {}
    referrers: dict[str, list] = defaultdict(lambda: [0, 0])
    if split.rollup is not None:
        rows = DailyStat.objects.filter(
            dimension=D.POST, object_id=post_id, day__gte=split.rollup.start, day__lte=split.rollup.end
        ).values_list("day", "views", "visitors")
        by_day.update({day: (n, v) for day, n, v in rows})
        refs = (
            DailyStat.objects.filter(
                dimension=D.POST_REFERRER, object_id=post_id, day__gte=split.rollup.start, day__lte=split.rollup.end
            )
            .values("value")
            .annotate(n=Sum("views"), v=Sum("visitors"))
            .order_by()
        )
        for row in refs:
            pair = referrers[row["value"]]
            pair[0] += row["n"]
            pair[1] += row["v"]
    for day in split.raw_days:
        groups = raw_day_groups(day=day, dimensions=(D.ALL, D.REFERRER), post_id=post_id)
        by_day[day] = tuple(groups.get(D.ALL, {}).get("", (0, 0)))
        for value, (n, v) in groups.get(D.REFERRER, {}).items():
            referrers[value][0] += n
            referrers[value][1] += v
    series = [DayPoint(day, *by_day.get(day, (0, 0))) for day in period.dates()]
    return PostStats(
        post_id=post_id,
        period=period,
        series=series,
        views=sum(p.views for p in series),
        visitors=sum(p.visitors for p in series),
        total_views=content_views_map().get(f"post:{post_id}", 0),
        referrers=_rows(dict(referrers), limit=limit, labels={"": _("Direct / none")}),
    )


# --- Views shown on posts --------------------------------------------------------------------------

_memo = threading.local()


def views_map_forget_request_memo() -> None:
    """Called when a request starts: the map is read from the cache at most once per request."""
    _memo.__dict__.pop("views", None)


def content_views_map() -> dict[str, int]:
    """{"post:<id>" | "project:<id>": all-time views}: the totals of the rolled-up days plus the raw
    views since. Cached `VIEWS_MAP_TIMEOUT` seconds (the flush and the rollups drop it), and read
    once per request; 3 flat queries when it is rebuilt."""
    views = getattr(_memo, "views", None)
    if views is not None:
        return views
    views = cache.get(VIEWS_MAP_KEY)
    if views is None:
        views = _views_map_build()
        cache.set(VIEWS_MAP_KEY, views, VIEWS_MAP_TIMEOUT)
    _memo.views = views
    return views


_THROUGH_KIND = ""  # the UNION's row that carries Counter.TOTALS_THROUGH (no ContentTotal has this kind)


def _views_map_build() -> dict[str, int]:
    """Two flat queries: the rolled-up totals with the day they run through (one UNION), then the raw
    views since that day, per post and project (one GROUP BY)."""
    marker = Counter.objects.filter(name=Counter.TOTALS_THROUGH).values_list(
        Value(_THROUGH_KIND, output_field=CharField()), "value", Value(0, output_field=BigIntegerField())
    )
    # Plus the starting counts brought over from another site (ImportedViews), in the same UNION.
    imported = ImportedViews.objects.values_list("kind", "object_id", "views")
    totals = ContentTotal.objects.values_list("kind", "object_id", "views").union(marker, imported, all=True)
    views: dict[str, int] = defaultdict(int)
    through = 0
    for kind, object_id, n in totals:
        # MariaDB types the UNION's columns as DECIMAL (the marker row is a literal): back to int.
        if kind == _THROUGH_KIND:
            through = int(object_id)
        else:
            views[f"{kind}:{int(object_id)}"] += int(n)
    raw = PageView.objects.exclude(post__isnull=True, project__isnull=True)
    if through:
        raw = raw.filter(time__gte=day_start(date.fromordinal(through) + timedelta(days=1)))
    for post_id, project_id, n in raw.values_list("post_id", "project_id").annotate(n=Count("id")).order_by():
        if post_id is not None:
            views[f"post:{post_id}"] += n
        if project_id is not None:
            views[f"project:{project_id}"] += n
    return dict(views)


# --- Popular posts (public) -----------------------------------------------------------------------


def popular_params(*, days: str | None, limit: str | None) -> tuple[int, int]:
    """`days` (1..90, default 7) and `limit` (1..50, default 10) of the popular list."""
    number_of_days = 7 if days in (None, "") else parse_whole_number(days)
    if number_of_days is None or number_of_days > POPULAR_MAX_DAYS:
        raise ValidationError(
            {"days": [_("Give a whole number of days from 1 to %(max)s.") % {"max": POPULAR_MAX_DAYS}]},
            code="invalid_days",
        )
    count = 10 if limit in (None, "") else parse_whole_number(limit)
    if count is None or count > POPULAR_MAX_LIMIT:
        raise ValidationError(
            {"limit": [_("Give a whole number from 1 to %(max)s.") % {"max": POPULAR_MAX_LIMIT}]},
            code="invalid_limit",
        )
    return number_of_days, count


def popular_post_ids(*, days: int, limit: int) -> list[tuple[int, int, int]]:
    """[(post id, views, visitors)] of the most viewed live posts of the last `days` days (cached)."""
    key = f"analytics:popular:{days}:{limit}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    period = Period.last(days)
    totals = dimension_totals(period=period, dimensions=(D.POST,), last_built=last_rolled_up_day())[D.POST]
    ranked = sorted(((int(k), n, v) for k, (n, v) in totals.items()), key=lambda t: (-t[1], -t[0]))
    # Only live posts (the blog's rule): drafts, scheduled-not-yet and archived posts never appear.
    live = set(
        blog_selectors.post_list_published(light=True)
        .filter(pk__in=[pk for pk, _n, _v in ranked])
        .values_list("pk", flat=True)
    )
    result = [row for row in ranked if row[0] in live][:limit]
    cache.set(key, result, POPULAR_TIMEOUT)
    return result


def popular_posts(*, days: int, limit: int) -> list[Post]:
    """The live posts of `popular_post_ids`, each with `views` and `visitors` set, most viewed first."""
    ranked = popular_post_ids(days=days, limit=limit)
    posts = blog_selectors.post_list_published(light=True).filter(pk__in=[pk for pk, _n, _v in ranked]).in_bulk()
    out = []
    for pk, views, visitors in ranked:
        post = posts.get(pk)
        if post is None:  # unpublished since it was cached
            continue
        post.views, post.visitors = views, visitors
        out.append(post)
    return out
