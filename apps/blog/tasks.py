from celery import Task, shared_task

from apps.media.errors import SpeechUnavailable

from . import services


@shared_task(acks_late=True)
def scheduled_posts_flip() -> int:
    """Beat task (every 5 minutes): store `published` on scheduled posts that are due. Idempotent.

    Readers already see a due scheduled post without it; this only keeps the stored status tidy.
    """
    return services.scheduled_posts_flip()


@shared_task(bind=True, autoretry_for=(SpeechUnavailable,), retry_backoff=True, max_retries=5, acks_late=True)
def post_narration_generate_task(self: Task, post_id: int, language: str) -> None:
    """Narrate a post in one language. Does nothing when the audio already matches the text (its hash).

    The engine out of reach: retried later, up to `max_retries` times, then the job fails. Without a broker
    (tasks run in-process) there is no later: the job fails at once, with the reason, for an editor to retry.
    """
    can_retry = not self.request.is_eager and self.request.retries < self.max_retries
    services.post_narration_generate(post_id=post_id, language=language, can_retry=can_retry)
