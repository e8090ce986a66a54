"""The media library shows where an asset is used: covers of posts and projects, avatars."""

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from apps.media import selectors as media_selectors
from apps.media import services as media_services

from .factories import PostFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _image(editor):
    from io import BytesIO

    buf = BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buf, "PNG")
    return media_services.asset_create(owner=editor, uploaded_file=ContentFile(buf.getvalue(), name="c.png"))


def test_where_used_lists_posts_projects_and_avatars_using_an_asset(editor, admin_client):
    asset = _image(editor)
    post = PostFactory(cover=asset, title_en="Uses the cover")
    ProjectFactory(cover=asset, title_en="Shows the cover")
    editor.avatar = asset
    editor.save(update_fields=["avatar"])

    usages = {(u.model_label, str(u.obj)) for u in media_selectors.asset_where_used(asset=asset)}
    assert ("blog.post", str(post)) in usages
    assert any(label == "blog.project" for label, _ in usages)
    assert ("accounts.user", str(editor)) in usages

    page = admin_client.get(f"/admin/media/asset/{asset.pk}/change/")
    assert page.status_code == 200
    assert "Uses the cover" in page.content.decode()


def test_a_post_page_shows_its_cover_as_a_watermarked_webp_srcset(editor, client, django_capture_on_commit_callbacks):
    from io import BytesIO

    buf = BytesIO()
    Image.new("RGB", (1600, 900), (240, 240, 250)).save(buf, "JPEG")
    with django_capture_on_commit_callbacks(execute=True):
        cover = media_services.asset_create(
            owner=editor, uploaded_file=ContentFile(buf.getvalue(), name="sky.jpg"), alt_text="A pale sky"
        )
    post = PostFactory(cover=cover, title_en="Under the sky")

    html = client.get(f"/en/posts/{post.slug}/").content.decode()
    assert 'type="image/webp"' in html
    assert "wm-w720.webp 720w" in html
    assert "wm-w1280.webp 1280w" in html
    assert 'alt="A pale sky"' in html
    assert 'width="' in html
    assert 'height="' in html
