from celery import shared_task

from apps.core.backups import services


@shared_task
def ping() -> str:
    """A no-op round trip used by readiness tests and operators (`celery call apps.core.tasks.ping`)."""
    return "pong"


@shared_task(acks_late=True)
def backup_run_task(
    run_id: int | None = None, verify: bool = True, include_media: bool = True, force: bool = False
) -> str:
    """The daily backup (from django-celery-beat) and the admin's "Back up now".

    Idempotent per day unless forced; a cache lock keeps two runs from overlapping. Failures are
    recorded on the run and e-mailed to the admins, never retried blindly (a retry would dump again).
    """
    return services.backup_run_execute(run_id=run_id, verify=verify, include_media=include_media, force=force).status


@shared_task(acks_late=True)
def backup_prune_task() -> str:
    return services.backup_prune_execute().status
