"""The media library's drop zone (several files, one request each, with progress) and the post
editor's image picker, through the media services."""

import pytest
from django.urls import reverse

from apps.media import services
from apps.media.models import Asset

from .factories import image_bytes, upload

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:media_asset_upload")
PICKER = reverse("admin:media_asset_picker")


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    return client


def test_the_media_list_has_a_drop_zone_for_several_files(staff_client):
    html = staff_client.get(reverse("admin:media_asset_changelist")).content.decode()
    assert f'action="{UPLOAD}"' in html
    assert 'type="file" name="files" id="media-drop-files" multiple' in html
    assert "media/admin/asset_upload.js" in html


def test_the_drop_zone_uploads_one_file_per_request_and_answers_json(staff_client, editor):
    response = staff_client.post(
        UPLOAD, {"files": [upload(image_bytes(), "one.jpg")]}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 201
    asset = Asset.objects.get()
    assert (asset.owner, asset.original_name) == (editor, "one.jpg")
    assert response.json()["results"][0]["url"] == reverse("admin:media_asset_change", args=[asset.pk])


def test_without_javascript_several_files_upload_at_once(staff_client):
    files = [upload(image_bytes(size=(400 + 10 * n, 300)), f"photo-{n}.jpg") for n in range(3)]
    response = staff_client.post(UPLOAD, {"files": files}, follow=True)
    assert Asset.objects.count() == 3
    assert "3 files uploaded." in response.content.decode()


def test_a_refused_file_is_reported_and_nothing_is_stored(staff_client):
    files = [upload(image_bytes(), "good.jpg"), upload(b"<html></html>", "bad.jpg")]
    response = staff_client.post(UPLOAD, {"files": files}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "bad.jpg" in response.json()["detail"]
    assert Asset.objects.count() == 0


def test_readers_cannot_upload(client, reader):
    client.force_login(reader)
    response = client.post(UPLOAD, {"files": [upload(image_bytes(), "x.jpg")]})
    assert response.status_code == 302
    assert Asset.objects.count() == 0


def test_the_picker_lists_public_images_with_thumbnails_and_searches(staff_client, editor):
    sunset = services.asset_create(owner=editor, uploaded_file=upload(image_bytes(), "a.jpg"), title="Sunset")
    services.asset_create(owner=editor, uploaded_file=upload(image_bytes(size=(500, 400)), "b.jpg"), title="Harbour")
    services.asset_create(
        owner=editor,
        uploaded_file=upload(image_bytes(size=(600, 400)), "c.jpg"),
        title="Private one",
        visibility="private",
    )
    rows = staff_client.get(PICKER).json()["results"]
    assert {r["title"] for r in rows} == {"Sunset", "Harbour"}
    rows = staff_client.get(PICKER, {"q": "suns"}).json()["results"]
    assert [r["id"] for r in rows] == [sunset.pk]
    assert rows[0]["thumbnail"]
    assert rows[0]["url"].endswith(".jpg")
