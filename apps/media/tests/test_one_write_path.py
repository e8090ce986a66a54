"""The admin and the API upload through the same media services, and the admin keeps no request state."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.media import services
from apps.media.models import Asset

from .factories import image_bytes, upload

pytestmark = pytest.mark.django_db
FIELDS = ("kind", "mime_type", "size", "sha256", "width", "height", "visibility", "status", "alt_text_en", "title_en")


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    return client


def test_an_upload_in_the_admin_makes_the_asset_the_api_makes(
    staff_client, api_client, editor, reader, media_dirs, django_capture_on_commit_callbacks
):
    photo = image_bytes()
    api_client.force_authenticate(reader)

    with django_capture_on_commit_callbacks() as admin_queued:
        response = staff_client.post(
            reverse("admin:media_asset_add"),
            {"upload": upload(photo, "sea.jpg"), "visibility": "private", "alt_text_en": "Sea", "title_en": "Sea"},
        )
    with django_capture_on_commit_callbacks() as api_queued:
        api_client.post(
            "/api/v1/media/",
            {"files": [upload(photo, "sea.jpg")], "visibility": "private", "alt_text": "Sea", "title": "Sea"},
            format="multipart",
        )

    from_admin, from_api = Asset.objects.get(owner=editor), Asset.objects.get(owner=reader)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:media_asset_changelist")
    assert Asset.objects.filter(pk=from_admin.pk).values(*FIELDS).get() == (
        Asset.objects.filter(pk=from_api.pk).values(*FIELDS).get()
    )
    assert from_admin.original_name == from_api.original_name == "sea.jpg"
    assert len(admin_queued) == len(api_queued) == 1  # processing queued once the upload commits


def test_the_asset_page_signs_a_private_original_for_whoever_follows_the_link(
    staff_client, client, editor, admin_user, media_dirs
):
    asset = services.asset_create(owner=editor, uploaded_file=upload(image_bytes()), visibility="private")
    page = reverse("admin:media_asset_change", args=[asset.pk])
    original = reverse("admin:media_asset_original", args=[asset.pk])

    assert f'href="{original}"' in staff_client.get(page).content.decode()
    for_editor = staff_client.get(original)
    client.force_login(admin_user)
    for_admin = client.get(original)

    assert for_editor.status_code == for_admin.status_code == 302
    assert for_editor["Location"] != for_admin["Location"]  # each signed for its own user
    assert client.get(for_admin["Location"]).status_code == 200
    # The ModelAdmin is one object shared by every request: it never keeps who is looking.
    model_admin = admin.site._registry[Asset]
    assert not [name for name, value in vars(model_admin).items() if value in (editor, admin_user)]


def test_readers_cannot_follow_the_original_link(client, reader, editor, media_dirs):
    asset = services.asset_create(owner=editor, uploaded_file=upload(image_bytes()), visibility="private")
    client.force_login(reader)

    response = client.get(reverse("admin:media_asset_original", args=[asset.pk]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editing_texts_in_the_admin_goes_through_asset_update(staff_client, editor, media_dirs, monkeypatch):
    asset = services.asset_create(owner=editor, uploaded_file=upload(image_bytes()))
    calls = []
    real_update = services.asset_update
    monkeypatch.setattr(services, "asset_update", lambda **kw: calls.append(kw) or real_update(**kw))
    data = {"title_en": "Harbour", "title_zh_hans": "港口", "alt_text_en": "Boats", "alt_text_zh_hans": "船"}
    rendition_form = {"renditions-TOTAL_FORMS": 0, "renditions-INITIAL_FORMS": 0}

    response = staff_client.post(reverse("admin:media_asset_change", args=[asset.pk]), {**data, **rendition_form})

    assert response.status_code == 302
    assert [call["data"] for call in calls] == [data]
    asset.refresh_from_db()
    assert (asset.title_en, asset.alt_text_zh_hans) == ("Harbour", "船")


def test_a_batch_with_one_bad_file_is_refused_whole_naming_each_bad_file(reader, media_dirs):
    files = [upload(image_bytes(), "ok.jpg"), upload(b"<html></html>", "a.jpg"), upload(b"", "empty.jpg")]

    with pytest.raises(ValidationError) as refused:
        services.asset_create_many(owner=reader, files=files)

    errors = refused.value.error_dict["files"]
    assert errors[0].message.startswith("a.jpg: This kind of file is not accepted")
    assert errors[1].message == "empty.jpg: The file is empty."
    assert [e.code for e in errors] == ["unsupported_type", "empty"]
    assert not Asset.objects.exists()
    assert not [p for p in media_dirs.rglob("*") if p.is_file()]


def test_a_batch_counts_its_own_files_against_the_quota(reader, media_dirs, settings):
    one, two = image_bytes(), image_bytes(color=(1, 2, 3))
    settings.MEDIA_USER_QUOTA = len(one) + len(two) - 1  # each fits alone, not both
    files = [upload(one, "a.jpg"), upload(two, "b.jpg")]

    with pytest.raises(ValidationError) as refused:
        services.asset_create_many(owner=reader, files=files)

    assert [e.code for e in refused.value.error_dict["files"]] == ["quota_exceeded"]
    assert not Asset.objects.exists()
