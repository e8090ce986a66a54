"""Celery tasks: take ids, call one service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def comment_notify_task(comment_id: int) -> int:
    """E-mail the post's author and the answered comment's author (once per address, ever).

    Retried on connection errors (SMTP down): the addresses already mailed are not mailed again.
    """
    return services.comment_notify(comment_id=comment_id)
