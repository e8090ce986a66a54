import re

import pytest
from django.template import Context, Template
from django.utils import translation

from apps.accounts.tests.factories import UserFactory
from apps.media import services
from apps.media.models import Asset

from .factories import image_bytes, upload

pytestmark = pytest.mark.django_db


def _render(source: str, **context) -> str:
    return Template("{% load media_tags %}" + source).render(Context(context))


@pytest.fixture
def photo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create(
            owner=UserFactory(),
            uploaded_file=upload(image_bytes(size=(2000, 1500))),
            alt_text="A harbour at dusk",
            alt_text_zh_hans="黄昏的港口",
        )
    return Asset.objects.prefetch_related("renditions").get(pk=asset.pk)


def test_picture_gives_a_webp_srcset_an_original_format_fallback_and_dimensions(photo):
    html = _render('{% picture asset sizes="(min-width: 60rem) 720px, 100vw" css_class="cover" %}', asset=photo)
    assert html.startswith('<picture><source type="image/webp" srcset="')
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', html).group(1)
    assert [part.split()[-1] for part in webp.split(", ")] == ["360w", "720w", "1280w"]
    assert "/w360.webp 360w" in webp
    assert "wm-" not in html
    assert re.search(r'<img src="[^"]+/w1280\.jpg" srcset="[^"]+/w360\.jpg 360w', html)
    assert 'width="1280" height="960"' in html
    assert 'loading="lazy"' in html
    assert 'class="cover"' in html
    assert 'sizes="(min-width: 60rem) 720px, 100vw"' in html


def test_picture_uses_the_watermarked_renditions_for_covers_when_enabled(photo, settings):
    html = _render("{% picture asset watermark=True %}", asset=photo)
    assert "/wm-w720.webp 720w" in html
    assert "/w720.webp" not in html.replace("/wm-w720.webp", "")
    settings.MEDIA_WATERMARK_ENABLED = False
    assert "wm-" not in _render("{% picture asset watermark=True %}", asset=photo)


def test_picture_alt_text_follows_the_current_language(photo):
    assert 'alt="A harbour at dusk"' in _render("{% picture asset %}", asset=photo)
    with translation.override("zh-hans"):
        assert 'alt="黄昏的港口"' in _render("{% picture asset %}", asset=photo)


def test_picture_escapes_alt_text_and_renders_nothing_for_missing_or_private_assets(photo):
    photo.alt_text_en = '"><script>alert(1)</script>'
    assert "<script>" not in _render("{% picture asset %}", asset=photo)
    assert _render("{% picture asset %}", asset=None) == ""
    photo.visibility = Asset.Visibility.PRIVATE
    assert _render("{% picture asset %}", asset=photo) == ""


def test_picture_falls_back_to_the_original_before_processing(db):
    asset = Asset.objects.create(
        owner=UserFactory(), kind="image", file="assets/aa/x.jpg", mime_type="image/jpeg", width=800, height=600
    )
    html = _render("{% picture asset %}", asset=asset)
    assert '<img src="/media/assets/aa/x.jpg" width="800" height="600"' in html


def test_picture_does_not_query_per_rendition(photo, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        _render("{% picture asset watermark=True %}", asset=photo)
