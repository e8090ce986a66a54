"""Writes: the flush (buffer → raw rows in bulk), daily rollups, totals and retention.

Days are the site's days (`TIME_ZONE`). Rollups are built day by day, in order, each in one
transaction that deletes the day's rows and inserts them again, so rebuilding a day is idempotent.
A day is rolled up once it is over; today is always read from the raw rows.
"""

import logging
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import buffer as buffers
from . import selectors
from .models import ContentTotal, Counter, DailyStat, ImportedViews, PageView, RollupDay
from .selectors import day_start, today

logger = logging.getLogger(__name__)

FLUSH_CHUNK = 5000
PRUNE_CHUNK = 10_000
D = DailyStat.Dimension


# --- Flush ---------------------------------------------------------------------------------------

_INSERT_COLUMNS = (
    "time",
    "path",
    "post_id",
    "project_id",
    "language",
    "referrer_host",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "visitor",
    "signed_in",
    "browser",
    "os",
    "device",
    "via",
)


INSERT_ROWS = 1000  # rows per INSERT statement


def _insert(events: list[tuple]) -> set[date]:
    """Insert `events` in bulk, in one transaction; the site days they fall on.

    Multi-row INSERTs of `INSERT_ROWS` rows (Django's bulk_create builds a model instance per row).
    On MariaDB/MySQL the statement is written here from the driver's own escaping of each distinct
    string (most repeat: paths, hosts, browsers): escaping every value through the driver's generic
    path took as long as the database itself to store them.
    """
    events = sorted(events, key=lambda event: event[0])  # in time order: the time index grows at its end
    days: set[date] = set()
    moments = []
    for event in events:
        days.add(selectors.site_day(event[0]))
        moments.append(datetime.fromtimestamp(event[0], tz=UTC))
    table = connection.ops.quote_name(PageView._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _INSERT_COLUMNS)
    head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - fixed names
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "mysql":
            _insert_mysql(cursor, head, events, moments)
        else:
            one = "(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"
            rows = [
                (connection.ops.adapt_datetimefield_value(moment), *event[1:])
                for moment, event in zip(moments, events, strict=True)
            ]
            for start in range(0, len(rows), INSERT_ROWS):
                part = rows[start : start + INSERT_ROWS]
                cursor.execute(head + ", ".join([one] * len(part)), [value for row in part for value in row])
    return days


def _insert_mysql(cursor: object, head: str, events: list[tuple], moments: list[datetime]) -> None:
    literal = connection.connection.literal  # mysqlclient's escaping, with the connection's charset
    memo: dict[object, bytes] = {None: b"NULL", True: b"1", False: b"0"}

    def sql(value: object) -> bytes:
        found = memo.get(value)
        if found is None:
            found = str(value).encode() if type(value) is int else literal(value)
            if len(memo) < 100_000:
                memo[value] = found
        return found

    rows = []
    for moment, event in zip(moments, events, strict=True):
        # DATETIME(6) in UTC, as Django stores it on MySQL with USE_TZ.
        stamp = b"'" + moment.replace(tzinfo=None).isoformat(" ").encode() + b"'"
        rows.append(b"(" + b",".join([stamp, *map(sql, event[1:])]) + b")")
    prefix = head.encode()
    for start in range(0, len(rows), INSERT_ROWS):
        cursor.execute(prefix + b",".join(rows[start : start + INSERT_ROWS]))


def events_flush(*, chunk: int = FLUSH_CHUNK) -> int:
    """Move every buffered view into the raw table, `chunk` at a time. The number written.

    A chunk the database refuses goes back to the buffer (and the error is raised), so nothing is
    lost or written twice. Days already rolled up that receive late views are marked stale.
    """
    buf = buffers.get_buffer()
    buf.push_pending()
    written = 0
    days: set[date] = set()
    while True:
        events = buf.take(chunk)
        if not events:
            break
        try:
            days |= _insert(events)
        except (DataError, IntegrityError):
            # A row the database refuses must not block the buffer for ever: insert one by one, drop it.
            logger.exception("analytics: a flush chunk was refused; inserting its events one by one")
            for event in events:
                try:
                    days |= _insert([event])
                except (DataError, IntegrityError):
                    buffers.lost_add(1)
                else:
                    written += 1
            continue
        except Exception:
            buf.put_back(events)  # e.g. the database is down: try again next time
            raise
        written += len(events)
    if days:
        RollupDay.objects.filter(day__in=days, stale=False).update(stale=True)
    if written:
        views_map_clear()
    return written


def views_map_clear() -> None:
    """Drop the cached "views on posts" map (the next page rebuilds it)."""
    cache.delete(selectors.VIEWS_MAP_KEY)
    selectors.views_map_forget_request_memo()


# --- Counters ------------------------------------------------------------------------------------


def counter_set(*, name: str, value: int) -> None:
    Counter.objects.update_or_create(name=name, defaults={"value": value})


# --- Rollups -------------------------------------------------------------------------------------


ROLLUP_DIMENSIONS = tuple(D.values)


def _rows_for_day(day: date) -> tuple[list[DailyStat], int, int]:
    """Every dimension's rows for `day`, computed from its raw views."""
    groups = selectors.raw_day_groups(day=day, dimensions=ROLLUP_DIMENSIONS)
    rows = []
    for dimension, values in groups.items():
        for value, (n, v) in values.items():
            object_id = None
            if dimension in (D.POST, D.PROJECT):
                object_id = int(value)
            elif dimension == D.POST_REFERRER:
                post_id, _bar, value = value.partition("|")
                object_id = int(post_id)
            rows.append(DailyStat(day=day, dimension=dimension, value=value, object_id=object_id, views=n, visitors=v))
    views, visitors = groups.get(D.ALL, {}).get("", (0, 0))
    return rows, views, visitors


def rollup_day_build(*, day: date) -> RollupDay:
    """(Re)build the rollups of one finished day: delete its rows and insert them again, atomically."""
    if day >= today():
        raise ValidationError(_("Only finished days can be rolled up; today is still being counted."), code="today")
    existing = RollupDay.objects.filter(day=day).first()
    if existing is not None and existing.raw_deleted:
        raise ValidationError(
            _("The raw views of %(day)s were deleted (retention): its rollups can no longer be rebuilt.")
            % {"day": day.isoformat()},
            code="raw_deleted",
        )
    with transaction.atomic():
        rows, views, visitors = _rows_for_day(day)
        DailyStat.objects.filter(day=day).delete()
        DailyStat.objects.bulk_create(rows, batch_size=1000)
        state, _created = RollupDay.objects.update_or_create(
            day=day,
            defaults={"built_at": timezone.now(), "views": views, "visitors": visitors, "stale": False},
        )
    return state


def _first_raw_day() -> date | None:
    first = PageView.objects.aggregate(first=Min("time"))["first"]
    return timezone.localdate(first) if first else None


def rollup_days_pending() -> list[date]:
    """Finished days not rolled up yet (from the first raw view on), and stale ones; oldest first."""
    yesterday = today() - timedelta(days=1)
    last = RollupDay.objects.aggregate(last=Max("day"))["last"]
    if last is None:
        first = _first_raw_day()
        start = first if first is not None else yesterday + timedelta(days=1)
    else:
        start = last + timedelta(days=1)
    days = [start + timedelta(days=n) for n in range(max(0, (yesterday - start).days + 1))]
    stale = RollupDay.objects.filter(stale=True, raw_deleted=False).values_list("day", flat=True)
    return sorted(set(days) | set(stale))


def rollups_build_pending() -> list[date]:
    """Build every pending day in order, then the all-time totals. The days built."""
    built = []
    for day in rollup_days_pending():
        rollup_day_build(day=day)
        built.append(day)
    if built:
        content_totals_rebuild()
    return built


def content_totals_rebuild() -> int:
    """All-time views per post and project over the rolled-up days, replaced in one transaction."""
    with transaction.atomic():
        through = RollupDay.objects.aggregate(last=Max("day"))["last"]
        sums = (
            DailyStat.objects.filter(dimension__in=(D.POST, D.PROJECT))
            .values("dimension", "object_id")
            .annotate(n=Sum("views"), v=Sum("visitors"))
            .order_by()
        )
        totals = [
            ContentTotal(kind=row["dimension"], object_id=row["object_id"], views=row["n"], visitors=row["v"])
            for row in sums
        ]
        ContentTotal.objects.all().delete()
        ContentTotal.objects.bulk_create(totals, batch_size=1000)
        counter_set(name=Counter.TOTALS_THROUGH, value=through.toordinal() if through else 0)
    views_map_clear()
    return len(totals)


# --- Retention -----------------------------------------------------------------------------------


def raw_prune(*, retention_days: int | None = None) -> int:
    """Delete raw views older than the retention (rollups are kept). The number deleted.

    Pending days are rolled up first, so a day's raw rows only go once its rollups exist.
    """
    days = settings.ANALYTICS_RAW_RETENTION_DAYS if retention_days is None else retention_days
    if days < 1:
        raise ValidationError(_("The retention must be at least one day."), code="retention")
    rollups_build_pending()
    first_kept = today() - timedelta(days=days)
    cutoff = day_start(first_kept)
    deleted = 0
    while True:
        ids = list(PageView.objects.filter(time__lt=cutoff).order_by().values_list("pk", flat=True)[:PRUNE_CHUNK])
        if not ids:
            break
        deleted += PageView.objects.filter(pk__in=ids).delete()[0]
    RollupDay.objects.filter(day__lt=first_kept, raw_deleted=False).update(raw_deleted=True, stale=False)
    return deleted


# --- Counts moved in from another site ------------------------------------------------------------


def imported_views_set(*, kind: str, object_id: int, views: int, source: str = "legacy") -> ImportedViews:
    """The starting count of a post's or project's views from another site (replaced, not added to)."""
    if kind not in ContentTotal.Kind.values or views < 0:
        raise ValidationError(_("A starting count needs a post or project and a count of zero or more."))
    row, _created = ImportedViews.objects.update_or_create(
        kind=kind, object_id=object_id, defaults={"views": views, "source": source}
    )
    views_map_clear()
    return row
