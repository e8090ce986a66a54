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


@shared_task(acks_late=True, reject_on_worker_lost=True)
def aijob_run_task(job_id: int) -> None:
    """Run one AI job (translation, key points; narration registers its runner). Takes the job's id.

    `acks_late` + `reject_on_worker_lost`: a worker killed mid-job leaves the message to be delivered
    again, and the job (still "running") is claimed again; a finished job is never run twice. A job that
    failed on a retryable provider error (each request was already retried) is run again later, up to
    `AI_JOB_MAX_ATTEMPTS` runs.
    """
    job = services.aijob_run(job_id=job_id)
    delay = services.aijob_retry_later(job=job) if job is not None else None
    if delay is not None:
        aijob_run_task.apply_async((job_id,), countdown=delay)
