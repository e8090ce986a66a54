import pytest

from apps.core.tasks import ping


def test_tasks_run_in_process_without_a_broker():
    assert ping.delay().get(timeout=5) == "pong"


@pytest.mark.services
def test_a_real_worker_runs_tasks_from_the_redis_broker(celery_worker_on_redis):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.successful()


def test_the_local_s3_stand_in_speaks_s3(s3_endpoint):
    import boto3

    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="probe")
    s3.put_object(Bucket="probe", Key="图片/a.txt", Body=b"hello")
    assert s3.get_object(Bucket="probe", Key="图片/a.txt")["Body"].read() == b"hello"
