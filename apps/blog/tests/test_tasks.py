import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.blog.models import Post
from apps.blog.tasks import scheduled_posts_flip

from .factories import PostFactory


@pytest.mark.django_db
def test_the_flip_task_publishes_only_due_scheduled_posts():
    due = PostFactory(status=Post.Status.SCHEDULED, published_at=timezone.now() - timedelta(minutes=1))
    later = PostFactory(scheduled=True)
    assert scheduled_posts_flip() == 1
    assert scheduled_posts_flip() == 0
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (Post.Status.PUBLISHED, Post.Status.SCHEDULED)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_flip_task_runs_through_a_real_worker(celery_worker_on_redis):
    post = PostFactory(status=Post.Status.SCHEDULED, published_at=timezone.now() - timedelta(minutes=1))
    scheduled_posts_flip.delay()
    # Watch the database rather than a result backend: the worker's write is what matters.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and Post.objects.get(pk=post.pk).status == Post.Status.SCHEDULED:
        time.sleep(0.1)
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


def test_the_flip_task_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["blog-scheduled-posts-flip"]
    assert entry["task"] == scheduled_posts_flip.name


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_translation_job_travels_through_redis_to_a_real_worker(celery_worker_on_redis, qwen, editor):
    from apps.blog import services
    from apps.blog.models import AIJob, TranslationDraft

    post = PostFactory(source_language="zh-hans", title_zh_hans="向量数据库", title_en="", body_en="", summary_en="")
    job = services.translation_request(post=post, by=editor, language="en")  # queued on commit, to Redis
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and AIJob.objects.get(pk=job.pk).status in AIJob.ACTIVE:
        time.sleep(0.1)
    job.refresh_from_db()
    assert job.status == AIJob.Status.DONE, job.error
    assert TranslationDraft.objects.get(post=post, field="title").text == "Xiang liang shu ju ku"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_job_failed_on_a_retryable_error_runs_again_later_through_the_worker(
    celery_worker_on_redis, qwen, editor, settings
):
    from apps.blog import services
    from apps.blog.models import AIJob

    settings.QWEN_API_MAX_RETRIES = 0  # every failure reaches the job
    settings.AI_JOB_RETRY_DELAY = 0.2
    qwen.fail("500")  # the first run fails; the second succeeds
    post = PostFactory(source_language="zh-hans", title_zh_hans="向量数据库", title_en="", body_en="", summary_en="")
    job = services.translation_request(post=post, by=editor, language="en")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and AIJob.objects.get(pk=job.pk).status != AIJob.Status.DONE:
        time.sleep(0.1)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (AIJob.Status.DONE, 2)


@pytest.mark.django_db
def test_only_a_retryable_failure_is_run_again_and_never_in_process(qwen, editor, settings):
    from apps.blog import services
    from apps.blog.models import AIJob

    settings.QWEN_API_MAX_RETRIES = 0
    post = PostFactory(source_language="zh-hans", title_en="", body_en="", summary_en="")
    for failure, eager, expected in (("500", False, 60.0), ("400", False, None), ("500", True, None)):
        settings.CELERY_TASK_ALWAYS_EAGER = eager
        settings.AI_JOB_RETRY_DELAY = 60.0
        AIJob.objects.all().delete()
        job, _created = services.aijob_request(post=post, kind=AIJob.Kind.TRANSLATE, language="en")
        qwen.fail(failure)
        job = services.aijob_run(job_id=job.pk)
        assert job.status == AIJob.Status.FAILED
        assert services.aijob_retry_later(job=job) == expected, failure
        job.refresh_from_db()
        assert job.status == (AIJob.Status.QUEUED if expected else AIJob.Status.FAILED)
