import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from apps.accounts.tests.factories import UserFactory
from apps.media import services
from apps.media.models import Asset

from .factories import image_bytes, upload

pytestmark = pytest.mark.django_db


def test_media_cleanup_reports_orphans_and_missing_files_and_deletes_them_with_delete(
    capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.asset_create(owner=UserFactory(), uploaded_file=upload(image_bytes()))
        gone = services.asset_create(owner=UserFactory(), uploaded_file=upload(image_bytes(color=(3, 3, 3))))
    storages["default"].delete(gone.file.name)
    orphan = storages["private"].save("assets/zz/orphan.pdf", ContentFile(b"%PDF-1.4"))

    call_command("media_cleanup")
    out = capsys.readouterr().out
    assert f"orphan file   private:{orphan}" in out
    assert f"missing file  asset {gone.pk}" in out
    assert "1 orphan files and 1 assets with a missing file found." in out
    assert storages["private"].exists(orphan)
    assert Asset.objects.filter(pk=gone.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("media_cleanup", "--delete")
    assert not storages["private"].exists(orphan)
    assert list(Asset.objects.values_list("pk", flat=True)) == [kept.pk]
    call_command("media_cleanup")
    assert "0 orphan files and 0 assets with a missing file found." in capsys.readouterr().out
