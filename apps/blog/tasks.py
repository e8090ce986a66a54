from celery import shared_task

from . import services


@shared_task(acks_late=True)
def scheduled_posts_flip() -> int:
    """Beat task (every 5 minutes): store `published` on scheduled posts that are due. Idempotent.

    Readers already see a due scheduled post without it; this only keeps the stored status tidy.
    """
    return services.scheduled_posts_flip()
