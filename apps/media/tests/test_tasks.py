import time

import pytest

from apps.accounts.tests.factories import UserFactory
from apps.media import services
from apps.media.models import Asset

from .factories import image_bytes, upload


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_renditions_from_the_redis_queue(celery_worker_on_redis):
    asset = services.asset_create(owner=UserFactory(), uploaded_file=upload(image_bytes()))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        asset.refresh_from_db()
        if asset.status == Asset.Status.READY:
            break
        time.sleep(0.2)
    assert asset.status == Asset.Status.READY, asset.error
    assert asset.renditions.filter(spec="wm-w1280.webp").exists()


def test_the_delete_task_is_idempotent(media_dirs):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from apps.media.tasks import media_files_delete_task

    name = storages["default"].save("assets/zz/file.bin", ContentFile(b"x"))
    media_files_delete_task.delay("default", [name])
    media_files_delete_task.delay("default", [name])  # already gone: no error
    assert not storages["default"].exists(name)
