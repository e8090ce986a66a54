from celery import shared_task

from . import services


@shared_task(acks_late=True)
def scheduled_posts_flip() -> int:
    """Beat task (every 5 minutes): store `published` on scheduled posts that are due. Idempotent.

    Readers already see a due scheduled post without it; this only keeps the stored status tidy.
    """
    return services.scheduled_posts_flip()


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
