from celery import shared_task

from apps.media.errors import SpeechUnavailable

from . import services


@shared_task(acks_late=True)
def scheduled_posts_flip() -> int:
    """Beat task (every 5 minutes): store `published` on scheduled posts that are due. Idempotent.

    Readers already see a due scheduled post without it; this only keeps the stored status tidy.
    """
    return services.scheduled_posts_flip()


@shared_task(
    autoretry_for=(SpeechUnavailable,), retry_backoff=True, max_retries=services.NARRATION_RETRIES, acks_late=True
)
def post_narration_generate_task(post_id: int, language: str) -> None:
    """Narrate a post in one language. Does nothing when the audio already matches the text (its hash)."""
    services.post_narration_generate(post_id=post_id, language=language)
