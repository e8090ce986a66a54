from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5, acks_late=True)
def user_send_welcome_task(user_id: int) -> bool:
    return services.user_send_welcome(user_id=user_id)


@shared_task(acks_late=True)
def tokens_flush_expired_task() -> None:
    """Daily (CELERY_BEAT_SCHEDULE): drops expired outstanding/blacklisted refresh tokens."""
    services.tokens_flush_expired()
