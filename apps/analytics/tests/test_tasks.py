"""The beat schedule runs the flush, the rollups and the retention through their services."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.analytics import tasks
from apps.analytics.models import PageView, RollupDay
from apps.core.queue import registered_task

from .factories import PageViewFactory

pytestmark = pytest.mark.django_db


def test_every_analytics_beat_entry_names_a_registered_task():
    entries = {k: v for k, v in settings.CELERY_BEAT_SCHEDULE.items() if k.startswith("analytics-")}
    assert set(entries) == {"analytics-flush", "analytics-rollup", "analytics-prune"}
    for entry in entries.values():
        assert registered_task(entry["task"]).name == entry["task"]
    assert entries["analytics-flush"]["schedule"] <= 10


def test_the_tasks_flush_roll_up_and_prune(analytics_buffer, settings):
    settings.ANALYTICS_RAW_RETENTION_DAYS = 2
    old = timezone.now() - timedelta(days=5)
    PageViewFactory(time=old)
    event = (timezone.now().timestamp(), "/en/", None, None, "en", "", "", "", "", "v", False, "Chrome", "Windows")
    analytics_buffer.append((*event, "desktop", "page"))
    assert tasks.analytics_flush_task() == 1
    assert tasks.analytics_rollup_task() == 5  # the old view's day up to yesterday
    assert tasks.analytics_prune_task() == 1
    assert PageView.objects.count() == 1
    assert RollupDay.objects.get(day=timezone.localdate(old)).views == 1
