from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def analytics_flush_task() -> int:
    """Beat task (every 5 seconds): move buffered views into the raw table in bulk. Idempotent: it
    takes what is there, so concurrent or repeated runs never write a view twice."""
    return services.events_flush()


@shared_task(acks_late=True)
def analytics_rollup_task() -> int:
    """Beat task (every 10 minutes): roll up finished days not rolled up yet, and stale ones."""
    return len(services.rollups_build_pending())


@shared_task(acks_late=True)
def analytics_prune_task() -> int:
    """Beat task (daily): delete raw views older than ANALYTICS_RAW_RETENTION_DAYS (rollups stay)."""
    return services.raw_prune()
