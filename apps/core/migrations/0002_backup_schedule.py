"""Created the nightly backup and prune entries of django-celery-beat. Every periodic task is now
declared in one place, `CELERY_BEAT_SCHEDULE` in blog_site/settings.py, under the same names, and beat
writes those entries into its tables when it starts; this migration is kept (as a no-op) for the
migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_backup_run"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
