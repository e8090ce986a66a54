"""Celery tasks: take ids, call one service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def comment_notify_task(comment_id: int) -> int:
    """E-mail the post's author and the answered comment's author (once per address, ever).

    Retried on connection errors (SMTP down): the addresses already mailed are not mailed again.
    """
    return services.comment_notify(comment_id=comment_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def friend_link_notify_editors_task(link_id: int) -> int:
    """E-mail the editors that a friend link waits for approval."""
    return services.friend_link_notify_editors(link_id=link_id)


@shared_task(acks_late=True)
def friend_links_check_task() -> dict[str, int]:
    """Weekly (beat): check every approved friend link; mark the ones that stopped answering dead."""
    return services.friend_links_check_all()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def subscriber_confirmation_send_task(subscriber_id: int) -> bool:
    """E-mail a new subscriber their confirmation link."""
    return services.subscriber_confirmation_send(subscriber_id=subscriber_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def newsletter_send_task(post_id: int, language: str) -> int:
    """Send a published post to the confirmed subscribers of one language, once ever (a retry resumes
    where the last run stopped: nobody gets it twice)."""
    return services.newsletter_send(post_id=post_id, language=language)
