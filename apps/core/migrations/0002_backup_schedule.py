"""The default schedule: back up (and verify) daily at 02:00 site time, prune at 03:30. Editable in
the admin under "Periodic tasks"; this migration never overwrites entries that already exist."""

import json

from django.conf import settings
from django.db import migrations

BACKUP_TASK = "Back up the database and media (daily)"
PRUNE_TASK = "Prune old backups (daily)"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    tz = settings.TIME_ZONE
    at_two, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone=tz
    )
    at_half_three, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone=tz
    )
    PeriodicTask.objects.get_or_create(
        name=BACKUP_TASK,
        defaults={
            "task": "apps.core.tasks.backup_run_task",
            "crontab": at_two,
            "kwargs": json.dumps({"verify": True, "include_media": True}),
            "description": "Runs backup_db --include-media, then verify_backup; e-mails the admins on failure.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=PRUNE_TASK,
        defaults={
            "task": "apps.core.tasks.backup_prune_task",
            "crontab": at_half_three,
            "description": "Runs prune_backups with the BACKUP_KEEP_* settings after the nightly backup.",
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[BACKUP_TASK, PRUNE_TASK]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_backup_run"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
