import pytest
from django.core.exceptions import ValidationError

from apps.blog import services
from apps.blog.models import AIJob

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def test_asking_twice_for_the_same_job_while_it_waits_returns_the_same_job():
    post = PostFactory()
    first = services.aijob_queue(post=post, kind=AIJob.Kind.TRANSLATE, language="en")
    again = services.aijob_queue(post=post, kind=AIJob.Kind.TRANSLATE, language="en")
    other_language = services.aijob_queue(post=post, kind=AIJob.Kind.TRANSLATE, language="zh-hans")
    assert again.pk == first.pk
    assert other_language.pk != first.pk


def test_a_job_is_claimed_once_and_a_second_worker_gets_nothing_while_it_runs():
    post = PostFactory()
    job = services.aijob_queue(post=post, kind=AIJob.Kind.SUMMARIZE, language="en")
    assert services.aijob_claim(job_id=job.pk).status == AIJob.Status.RUNNING
    duplicate = AIJob.objects.create(post=post, kind=AIJob.Kind.SUMMARIZE, language="en")
    assert services.aijob_claim(job_id=duplicate.pk) is None


def test_a_finished_job_is_not_claimed_again_and_only_a_failed_one_can_be_retried():
    post = PostFactory()
    job = services.aijob_claim(job_id=services.aijob_queue(post=post, kind="narrate", language="en").pk)
    with pytest.raises(ValidationError):
        services.aijob_retry(job=job)
    services.aijob_fail(job=job, error="provider said no")
    assert services.aijob_claim(job_id=job.pk) is None
    services.aijob_retry(job=job)
    claimed = services.aijob_claim(job_id=job.pk)
    assert claimed.attempts == 2
    services.aijob_finish(job=claimed, provider="espeak-ng", tokens_used=10)
    claimed.refresh_from_db()
    assert (claimed.status, claimed.progress, claimed.error) == ("done", 100, "")
    assert services.aijob_claim(job_id=job.pk) is None
