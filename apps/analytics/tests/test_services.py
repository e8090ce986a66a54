"""Rollups equal the raw counts, rebuilding is idempotent, retention deletes only old raw views."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.utils import timezone

from apps.analytics import selectors, services
from apps.analytics.models import ContentTotal, DailyStat, PageView, RollupDay
from apps.blog.tests.factories import PostFactory, ProjectFactory

from .factories import PageViewFactory

pytestmark = pytest.mark.django_db

D = DailyStat.Dimension


def _at(days_ago: int, hour: int = 12):
    day = timezone.localdate() - timedelta(days=days_ago)
    return services.day_start(day) + timedelta(hours=hour)


def _mixed_views(post_a, post_b, project, days_ago: int) -> None:
    at = _at(days_ago)
    # 3 visitors read post A (one twice), 1 reads post B from a newsletter, 1 reads the project, 1 the home page.
    PageViewFactory(time=at, post=post_a, path="/en/posts/a/", visitor="v1", referrer_host="example.org")
    PageViewFactory(time=at, post=post_a, path="/en/posts/a/", visitor="v1", referrer_host="example.org")
    PageViewFactory(time=at, post=post_a, path="/en/posts/a/", visitor="v2", browser="Firefox", os="Linux")
    PageViewFactory(
        time=at, post=post_a, path="/zh-hans/posts/a/", visitor="v3", language="zh-hans", device="mobile", os="iOS"
    )
    PageViewFactory(
        time=at,
        post=post_b,
        path="/en/posts/b/",
        visitor="v4",
        utm_source="newsletter",
        utm_medium="email",
        utm_campaign="may",
        signed_in=True,
    )
    PageViewFactory(time=at, project=project, path="/en/projects/p/", visitor="v5", via="api")
    PageViewFactory(time=at, path="/en/", visitor="v1")


@pytest.fixture
def content():
    return PostFactory(), PostFactory(), ProjectFactory(is_published=True)


def test_a_rolled_up_day_has_the_same_numbers_as_its_raw_views(content):
    post_a, post_b, project = content
    _mixed_views(post_a, post_b, project, days_ago=1)
    PageViewFactory(time=_at(0), post=post_a)  # today: not rolled up
    assert services.rollups_build_pending() == [timezone.localdate() - timedelta(days=1)]
    day = timezone.localdate() - timedelta(days=1)
    stats = {(s.dimension, s.value): (s.views, s.visitors) for s in DailyStat.objects.filter(day=day)}
    assert stats[(D.ALL, "")] == (7, 5)
    assert stats[(D.POST, str(post_a.pk))] == (4, 3)
    assert stats[(D.POST, str(post_b.pk))] == (1, 1)
    assert stats[(D.PROJECT, str(project.pk))] == (1, 1)
    assert stats[(D.PAGE, "/en/")] == (1, 1)
    assert stats[(D.REFERRER, "example.org")] == (2, 1)
    assert stats[(D.REFERRER, "")] == (5, 5)
    assert stats[(D.CAMPAIGN, "newsletter / email / may")] == (1, 1)
    assert stats[(D.BROWSER, "Firefox")] == (1, 1)
    assert stats[(D.DEVICE, "mobile")] == (1, 1)
    assert stats[(D.LANGUAGE, "zh-hans")] == (1, 1)
    assert stats[(D.AUDIENCE, "signed-in")] == (1, 1)
    assert stats[(D.VIA, "api")] == (1, 1)
    assert stats[(D.POST_REFERRER, "example.org")] == (2, 1)
    assert DailyStat.objects.get(day=day, dimension=D.POST_REFERRER, value="example.org").object_id == post_a.pk
    assert DailyStat.objects.get(day=day, dimension=D.POST, value=str(post_b.pk)).object_id == post_b.pk
    # Every dimension adds up to the day's views.
    for dimension in (D.REFERRER, D.BROWSER, D.OS, D.DEVICE, D.LANGUAGE, D.VIA, D.AUDIENCE):
        assert sum(views for (dim, _v), (views, _u) in stats.items() if dim == dimension) == 7
    raw = PageView.objects.filter(time__lt=services.day_start(timezone.localdate()))
    assert raw.count() == RollupDay.objects.get(day=day).views


def test_rebuilding_a_day_is_idempotent(content):
    post_a, post_b, project = content
    _mixed_views(post_a, post_b, project, days_ago=2)
    day = timezone.localdate() - timedelta(days=2)
    services.rollup_day_build(day=day)
    first = sorted(DailyStat.objects.filter(day=day).values_list("dimension", "value", "views", "visitors"))
    services.rollup_day_build(day=day)
    services.rollup_day_build(day=day)
    assert sorted(DailyStat.objects.filter(day=day).values_list("dimension", "value", "views", "visitors")) == first
    assert RollupDay.objects.filter(day=day).count() == 1


def test_today_cannot_be_rolled_up(content):
    with pytest.raises(ValidationError) as caught:
        services.rollup_day_build(day=timezone.localdate())
    assert caught.value.code == "today"


def test_pending_days_are_built_in_order_including_empty_ones(content):
    post_a, post_b, project = content
    _mixed_views(post_a, post_b, project, days_ago=4)
    _mixed_views(post_a, post_b, project, days_ago=1)
    built = services.rollups_build_pending()
    today = timezone.localdate()
    assert built == [today - timedelta(days=n) for n in (4, 3, 2, 1)]
    assert services.rollups_build_pending() == []
    assert RollupDay.objects.get(day=today - timedelta(days=3)).views == 0


def test_late_views_of_a_rolled_up_day_make_it_stale_and_the_next_run_rebuilds_it(content, analytics_buffer):
    post_a, post_b, project = content
    _mixed_views(post_a, post_b, project, days_ago=1)
    services.rollups_build_pending()
    yesterday = timezone.localdate() - timedelta(days=1)
    late = _at(1, hour=23).timestamp()
    event = (
        late,
        "/en/posts/a/",
        post_a.pk,
        None,
        "en",
        "",
        "",
        "",
        "",
        "late",
        False,
        "Chrome",
        "Windows",
        "desktop",
        "page",
    )
    analytics_buffer.append(event)
    services.events_flush()
    assert RollupDay.objects.get(day=yesterday).stale
    assert services.rollups_build_pending() == [yesterday]
    assert DailyStat.objects.get(day=yesterday, dimension=D.ALL).views == 8


def test_content_totals_and_the_views_map_add_today_to_the_rolled_up_days(content):
    post_a, post_b, project = content
    _mixed_views(post_a, post_b, project, days_ago=3)
    _mixed_views(post_a, post_b, project, days_ago=1)
    services.rollups_build_pending()
    PageViewFactory(time=_at(0, hour=0), post=post_a)
    PageViewFactory(time=timezone.now(), post=post_a)
    assert ContentTotal.objects.get(kind="post", object_id=post_a.pk).views == 8
    services.views_map_clear()
    views = selectors.content_views_map()
    assert views[f"post:{post_a.pk}"] == 10
    assert views[f"post:{post_b.pk}"] == 2
    assert views[f"project:{project.pk}"] == 2


def test_retention_deletes_only_raw_views_older_than_the_setting_and_keeps_rollups(content, settings):
    settings.ANALYTICS_RAW_RETENTION_DAYS = 5
    post_a, post_b, project = content
    for days_ago in (8, 6, 5, 4, 0):
        _mixed_views(post_a, post_b, project, days_ago=days_ago)
    deleted = services.raw_prune()
    assert deleted == 14  # days 8 and 6 (7 views each); day 5 is the first kept
    today = timezone.localdate()
    kept_days = {timezone.localdate(t) for t in PageView.objects.values_list("time", flat=True)}
    assert kept_days == {today - timedelta(days=n) for n in (5, 4, 0)}
    # Rollups of the deleted days are still there, and equal to what the raw views were.
    assert DailyStat.objects.get(day=today - timedelta(days=8), dimension=D.ALL).views == 7
    assert RollupDay.objects.get(day=today - timedelta(days=6)).raw_deleted
    assert not RollupDay.objects.get(day=today - timedelta(days=5)).raw_deleted
    with pytest.raises(ValidationError) as caught:
        services.rollup_day_build(day=today - timedelta(days=8))
    assert caught.value.code == "raw_deleted"
    assert services.raw_prune() == 0


def test_the_summed_rollups_of_a_period_equal_the_raw_counts(content):
    post_a, post_b, project = content
    for days_ago in range(1, 6):
        _mixed_views(post_a, post_b, project, days_ago=days_ago)
    services.rollups_build_pending()
    rolled = DailyStat.objects.filter(dimension=D.POST).values("value").annotate(n=Sum("views")).order_by("value")
    raw = PageView.objects.filter(post__isnull=False).values("post_id").annotate(n=Count("id")).order_by("post_id")
    assert {int(r["value"]): r["n"] for r in rolled} == {r["post_id"]: r["n"] for r in raw}


def test_the_commands_roll_up_prune_and_refuse_bad_input(content, capsys):
    post_a, post_b, project = content
    _mixed_views(post_a, post_b, project, days_ago=2)
    call_command("analytics_rollup")
    assert "2 days rolled up" in capsys.readouterr().out
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    call_command("analytics_rollup", day=day)
    assert "7 views, 5 visitors" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not a date"):
        call_command("analytics_rollup", day="2026-13-45")
    with pytest.raises(CommandError, match="today"):
        call_command("analytics_rollup", day=timezone.localdate().isoformat())
    with pytest.raises(CommandError, match="at least one day"):
        call_command("analytics_prune", days=0)
    call_command("analytics_prune", days=1)
    assert "7 raw views deleted" in capsys.readouterr().out
    call_command("analytics_flush")
    assert "0 views stored" in capsys.readouterr().out
