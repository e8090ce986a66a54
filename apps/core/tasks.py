from celery import shared_task


@shared_task
def ping() -> str:
    """A no-op round trip used by readiness tests and operators (`celery call apps.core.tasks.ping`)."""
    return "pong"
