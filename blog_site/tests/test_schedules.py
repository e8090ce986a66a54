"""Every periodic task is declared once, in settings.CELERY_BEAT_SCHEDULE, and beat can load all of them."""

import pytest
from django.conf import settings
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from blog_site.celery import app


def test_every_scheduled_task_is_a_registered_celery_task():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover every app's tasks
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled >= {
        "apps.blog.tasks.scheduled_posts_flip",
        "apps.accounts.tasks.tokens_flush_expired_task",
        "apps.core.tasks.backup_run_task",
        "apps.core.tasks.backup_prune_task",
    }
    assert not scheduled - set(app.tasks), "scheduled but not a task"


# Transactional: beat calls close_old_connections(), which closes a connection left in a test's atomic block.
@pytest.mark.django_db(transaction=True)
def test_beat_writes_every_entry_once_and_keeps_an_entry_paused_in_the_admin():
    # A deployment that ran migration core.0002 already has the backup row, paused by an admin.
    old = PeriodicTask.objects.create(
        name="Back up the database and media (daily)",
        task="apps.core.tasks.backup_run_task",
        crontab=CrontabSchedule.objects.create(minute="0", hour="2"),
        enabled=False,
    )

    DatabaseScheduler(app=app)
    DatabaseScheduler(app=app)  # a restart of beat

    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert names >= set(settings.CELERY_BEAT_SCHEDULE)
    assert PeriodicTask.objects.filter(task="apps.core.tasks.backup_run_task").count() == 1
    backup = PeriodicTask.objects.get(pk=old.pk)
    assert not backup.enabled
    assert (backup.crontab.hour, backup.crontab.minute) == ("2", "0")
    assert backup.kwargs == '{"verify": true, "include_media": true}'
    prune = PeriodicTask.objects.get(task="apps.core.tasks.backup_prune_task")
    assert (prune.crontab.hour, prune.crontab.minute) == ("3", "30")
    assert str(prune.crontab.timezone) == settings.TIME_ZONE
    assert PeriodicTask.objects.get(task="apps.blog.tasks.scheduled_posts_flip").interval.every == 300
