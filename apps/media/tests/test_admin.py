import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.media.models import Asset

from .factories import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    return client


def test_an_editor_uploads_a_photo_in_the_admin_and_sees_it_in_the_grid(
    staff_client, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:media_asset_add"),
            {"upload": upload(image_bytes(), "harbour.jpg"), "visibility": "public", "alt_text_en": "Harbour"},
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    asset = Asset.objects.get()
    assert (asset.owner, asset.status, asset.original_name) == (editor, "ready", "harbour.jpg")
    grid = staff_client.get(reverse("admin:media_asset_changelist")).content.decode()
    assert 'class="media-grid"' in grid
    assert "/w360.webp" in grid
    assert "harbour.jpg" in grid
    assert f'name="_selected_action" value="{asset.pk}"' in grid


def test_a_refused_upload_is_a_form_error_in_the_admin(staff_client):
    response = staff_client.post(
        reverse("admin:media_asset_add"), {"upload": upload(b"<html></html>", "x.jpg"), "visibility": "public"}
    )
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert not Asset.objects.exists()


def test_the_change_page_shows_status_error_renditions_and_where_used(staff_client, editor):
    asset = Asset.objects.create(
        owner=editor, kind="image", file="a/b.jpg", mime_type="image/jpeg", status="failed", error="OSError: broken"
    )
    # No post, project or avatar uses this asset, so the "where used" list is empty; renditions
    # themselves are not counted as uses.
    asset.renditions.create(spec="w360.webp", file="r/w360.webp", mime_type="image/webp", width=360)
    page = staff_client.get(reverse("admin:media_asset_change", args=[asset.pk])).content.decode()
    assert "OSError: broken" in page
    assert "Failed" in page
    assert "w360.webp" in page
    assert "Not used anywhere yet." in page
    assert 'type="file"' not in page  # the stored file is never replaced in place


def test_bulk_delete_in_the_admin_removes_assets_and_files(
    staff_client, editor, django_capture_on_commit_callbacks, media_dirs
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:media_asset_add"), {"upload": upload(image_bytes()), "visibility": "public"})
    ids = list(Asset.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:media_asset_changelist"),
            {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
        )
    assert response.status_code == 302
    assert not Asset.objects.exists()
    assert not [p for p in media_dirs.rglob("*") if p.is_file()]


def test_the_grid_filters_by_kind_and_searches(staff_client, editor):
    Asset.objects.create(
        owner=editor, kind="image", file="a", mime_type="image/jpeg", sha256="1", original_name="sea.jpg"
    )
    Asset.objects.create(
        owner=editor, kind="audio", file="b", mime_type="audio/mpeg", sha256="2", original_name="song.mp3"
    )
    page = staff_client.get(reverse("admin:media_asset_changelist"), {"kind__exact": "audio"}).content.decode()
    assert "song.mp3" in page
    assert "sea.jpg" not in page
    page = staff_client.get(reverse("admin:media_asset_changelist"), {"q": "sea"}).content.decode()
    assert "sea.jpg" in page
    assert "song.mp3" not in page


def test_readers_cannot_open_the_media_admin(client, reader):
    client.force_login(reader)
    assert client.get(reverse("admin:media_asset_changelist")).status_code == 302
    assert Group.objects.filter(name="Editors").exists()


def test_process_again_remakes_the_watermark_with_new_settings(
    staff_client, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_WATERMARK_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:media_asset_add"), {"upload": upload(image_bytes()), "visibility": "public"})
    asset = Asset.objects.get()
    assert not asset.renditions.filter(spec__startswith="wm-").exists()
    settings.MEDIA_WATERMARK_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        changelist = reverse("admin:media_asset_changelist")
        staff_client.post(changelist, {"action": "reprocess", "_selected_action": [asset.pk]})
    asset.refresh_from_db()
    assert asset.status == "ready"
    assert asset.renditions.filter(spec="wm-w1280.webp").exists()
