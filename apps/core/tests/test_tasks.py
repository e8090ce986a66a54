import pytest

from apps.core.tasks import ping


def test_tasks_run_in_process_without_a_broker():
    assert ping.delay().get(timeout=5) == "pong"


@pytest.mark.services
def test_a_real_worker_runs_tasks_from_the_redis_broker(celery_worker_on_redis):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.successful()
