"""Page views (raw, kept `ANALYTICS_RAW_RETENTION_DAYS`), daily rollups (kept), and small state rows.

No cookies and no IP address: a visitor is a salted hash of IP + user agent whose salt changes every
day (see capture.py), so one reader cannot be followed from one day to the next.

Links to posts and projects are foreign keys without a database constraint and without cascades:
the raw table takes thousands of inserts a second in bulk, and deleting a post must not delete (or
wait on) millions of rows of history. Readers of these rows tolerate a post that no longer exists.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageView(models.Model):
    """One counted view of a reader page (or an API read of a post or project)."""

    class Via(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")

    class Device(models.TextChoices):
        DESKTOP = "desktop", _("Desktop")
        MOBILE = "mobile", _("Mobile")
        TABLET = "tablet", _("Tablet")
        OTHER = "other", _("Other")

    time = models.DateTimeField(_("time"), db_index=True)
    path = models.CharField(_("path"), max_length=300)
    post = models.ForeignKey(
        "blog.Post",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    project = models.ForeignKey(
        "blog.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    referrer_host = models.CharField(_("referrer"), max_length=255, blank=True)
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    visitor = models.CharField(_("visitor"), max_length=16, help_text=_("Salted daily hash; never an IP."))
    signed_in = models.BooleanField(_("signed in"), default=False)
    browser = models.CharField(_("browser"), max_length=32, blank=True)
    os = models.CharField(_("operating system"), max_length=32, blank=True)
    device = models.CharField(_("device"), max_length=8, choices=Device.choices, default=Device.OTHER)
    via = models.CharField(_("via"), max_length=4, choices=Via.choices, default=Via.PAGE)

    class Meta:
        verbose_name = _("page view")
        # The admin lists this model as the Analytics dashboard (editors have `view_pageview`).
        verbose_name_plural = _("dashboard")
        # Only `time` is indexed: every read of raw views is of a time range (today, retention), and
        # each index more slows the bulk inserts.

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.path}"


class DailyStat(models.Model):
    """Views and unique visitors of one day for one value of one dimension.

    `dimension` "all" has one row per day (value ""); "post"/"project" hold the object's id as text
    (and in `object_id`); "page" the path of a page that shows no post or project; "post-referrer"
    the referring host of the post `object_id`.
    Visitors are distinct visitor hashes of that day: over a range they add up day by day (a hash
    changes daily, so nobody is recognised across days).
    """

    class Dimension(models.TextChoices):
        ALL = "all", _("All")
        POST = "post", _("Post")
        PROJECT = "project", _("Project")
        PAGE = "page", _("Other page")
        REFERRER = "referrer", _("Referrer")
        CAMPAIGN = "campaign", _("Campaign")
        BROWSER = "browser", _("Browser")
        OS = "os", _("Operating system")
        DEVICE = "device", _("Device")
        LANGUAGE = "language", _("Language")
        VIA = "via", _("Via")
        AUDIENCE = "audience", _("Audience")
        POST_REFERRER = "post-referrer", _("Post referrer")

    day = models.DateField(_("day"))
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    value = models.CharField(_("value"), max_length=255, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    views = models.PositiveIntegerField(_("views"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)

    class Meta:
        verbose_name = _("daily statistic")
        verbose_name_plural = _("daily statistics")
        # No unique (day, dimension, value): MariaDB's default collation calls "Mail" and "mail" (or
        # "é" and "e") equal, where the rollup counts them apart. A day is replaced whole (delete, insert)
        # in one transaction, and readers sum rows per value, so a duplicate-looking row is harmless.
        indexes = [
            models.Index(fields=["day"], name="analytics_ds_day"),
            models.Index(fields=["dimension", "day"], name="analytics_ds_dim_day"),
            models.Index(fields=["dimension", "object_id", "day"], name="analytics_ds_dim_object_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}: {self.views}"


class RollupDay(models.Model):
    """A day whose rollups are built. Days are built in order, so the raw table is read only after
    the newest one. `stale`: events of the day arrived after it was built (rebuilt by the next run).
    `raw_deleted`: its raw rows are gone (retention), so it can no longer be rebuilt."""

    day = models.DateField(_("day"), primary_key=True)
    built_at = models.DateTimeField(_("built at"))
    views = models.PositiveIntegerField(_("views"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    stale = models.BooleanField(_("stale"), default=False)
    raw_deleted = models.BooleanField(_("raw events deleted"), default=False)

    class Meta:
        verbose_name = _("rolled-up day")
        verbose_name_plural = _("rolled-up days")
        ordering = ("-day",)

    def __str__(self) -> str:
        return str(self.day)


class ContentTotal(models.Model):
    """All-time views of a post or project over the rolled-up days (what "1.2k views" adds today to)."""

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        PROJECT = "project", _("Project")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    views = models.PositiveBigIntegerField(_("views"), default=0)
    visitors = models.PositiveBigIntegerField(_("visitors"), default=0)

    class Meta:
        verbose_name = _("content total")
        verbose_name_plural = _("content totals")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="analytics_contenttotal_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.views}"


class ImportedViews(models.Model):
    """A starting count of views brought over from another site (its running counter, not page views
    seen here): added to a post's or project's all-time views, never to any day's statistics."""

    kind = models.CharField(_("kind"), max_length=8, choices=ContentTotal.Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    views = models.PositiveBigIntegerField(_("views"), default=0)
    source = models.CharField(_("imported from"), max_length=40, default="legacy")
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("imported view count")
        verbose_name_plural = _("imported view counts")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="analytics_importedviews_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.views} (imported)"


class Counter(models.Model):
    """Named whole numbers: "lost" (views dropped because the buffer was unreachable or full) and
    "totals_through" (the ordinal of the last day ContentTotal covers)."""

    LOST = "lost"
    TOTALS_THROUGH = "totals_through"

    name = models.CharField(_("name"), max_length=32, primary_key=True)
    value = models.BigIntegerField(_("value"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
