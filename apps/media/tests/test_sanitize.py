"""Uploads are stored as what they claim to be: images re-encoded, PDFs and archives read (issue 10, item 8)."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageSequence, PngImagePlugin

from apps.accounts.tests.factories import UserFactory
from apps.media import sanitize, services
from apps.media.models import Asset

from .factories import animated_gif, image_bytes, jpeg_with_gps_and_rotation, upload
from .samples import (
    HTML,
    jpeg_with_html_tail,
    pdf_bytes,
    pdf_header_then_html,
    pdf_with_html_tail,
    zip_bomb,
    zip_bytes,
    zip_header_then_html,
    zip_with_html_tail,
)

pytestmark = pytest.mark.django_db


def _create(content: bytes, name: str, **kwargs) -> Asset:
    return services.asset_create(owner=UserFactory(), uploaded_file=upload(content, name), **kwargs)


def _stored(asset: Asset) -> bytes:
    with asset.storage.open(asset.file.name, "rb") as fh:
        return fh.read()


def _stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


# --- Images: re-encoded ------------------------------------------------------------------------------


def test_a_jpeg_with_an_html_tail_is_stored_re_encoded_without_the_tail():
    asset = _create(jpeg_with_html_tail(), "cat.jpg")
    stored = _stored(asset)
    assert b"<script" not in stored
    assert stored.startswith(b"\xff\xd8")
    assert stored.endswith(b"\xff\xd9")
    assert Image.open(io.BytesIO(stored)).size == (64, 48)
    assert (asset.size, asset.sha256) == (len(stored), hashlib.sha256(stored).hexdigest())


def test_a_stored_photo_has_its_orientation_applied_and_no_gps_or_camera_metadata():
    asset = _create(jpeg_with_gps_and_rotation(size=(1600, 1000)), "phone.jpg")
    stored = Image.open(io.BytesIO(_stored(asset)))
    assert stored.size == (1000, 1600)  # the EXIF said "rotate 90°": the pixels are turned now
    assert (asset.width, asset.height) == (1000, 1600)
    assert dict(stored.getexif()) == {}
    assert b"TestCam" not in _stored(asset)


def test_re_encoding_keeps_a_jpeg_close_to_its_original_size_and_quality():
    original = image_bytes(size=(800, 600))
    asset = _create(original, "photo.jpg")
    assert 0.8 < asset.size / len(original) < 1.25  # the original's quantization tables are reused


def test_an_animated_gif_stays_animated_with_its_frame_durations_and_loses_its_comment():
    frames = [Image.new("RGB", (40, 30), c) for c in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0, comment=HTML
    )
    asset = _create(buffer.getvalue() + HTML, "dance.gif")
    stored = _stored(asset)
    assert HTML.strip() not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.n_frames == 3
    assert [frame.info["duration"] for frame in ImageSequence.Iterator(image)] == [100, 200, 300]


def test_an_animated_webp_stays_animated():
    frames = [Image.new("RGBA", (40, 30), c) for c in ((200, 0, 0, 255), (0, 200, 0, 128))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], duration=[150, 250], loop=0)
    asset = _create(buffer.getvalue(), "spin.webp")
    image = Image.open(io.BytesIO(_stored(asset)))
    assert (image.format, image.n_frames) == ("WEBP", 2)


def test_a_png_keeps_its_transparency_and_loses_its_text_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", HTML.decode())
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (255, 0, 0, 0)).save(buffer, "PNG", pnginfo=info)
    asset = _create(buffer.getvalue(), "dot.png")
    image = Image.open(io.BytesIO(_stored(asset)))
    assert image.mode == "RGBA"
    assert image.getpixel((5, 5)) == (255, 0, 0, 0)
    assert b"<script" not in _stored(asset)


def test_the_same_image_uploaded_twice_is_still_one_asset():
    owner = UserFactory()
    first = services.asset_create(owner=owner, uploaded_file=upload(jpeg_with_html_tail(), "a.jpg"))
    second = services.asset_create(owner=owner, uploaded_file=upload(jpeg_with_html_tail(), "b.jpg"))
    assert first.pk == second.pk


def test_an_animation_counts_every_frame_against_the_decompression_bomb_limit(settings, media_dirs):
    settings.MEDIA_MAX_IMAGE_PIXELS = 400 * 300 * 2  # two frames' worth; the GIF has three
    with pytest.raises(ValidationError) as caught:
        _create(animated_gif(), "long.gif")
    assert caught.value.code == "image_too_large"
    assert _stored_files(media_dirs) == []


def test_an_image_cut_short_is_refused_as_unreadable(media_dirs):
    truncated = image_bytes(size=(400, 300))[:-400]
    with pytest.raises(ValidationError) as caught:
        _create(truncated, "cut.jpg")
    assert caught.value.code == "image_unreadable"
    assert _stored_files(media_dirs) == []


# --- PDFs: read ---------------------------------------------------------------------------------------


def test_a_real_pdf_is_accepted_and_stored_as_uploaded():
    content = pdf_bytes(pages=2)
    asset = _create(content, "report.pdf")
    assert (asset.kind, asset.mime_type) == ("document", "application/pdf")
    assert _stored(asset) == content


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (pdf_header_then_html(), "pdf_invalid", "This PDF is damaged or cut short: it has no end marker (%%EOF)."),
        (pdf_header_then_html() + b"%%EOF\n", "pdf_invalid", "This PDF is damaged or cannot be read."),
        (
            pdf_with_html_tail(),
            "pdf_trailing_data",
            "This PDF has data after its end marker (%%EOF); save it again from a PDF program.",
        ),
    ],
    ids=["html-after-header", "html-with-eof-marker", "html-after-eof"],
)
def test_a_pdf_that_does_not_parse_or_carries_a_tail_is_refused(content, code, message, media_dirs):
    with pytest.raises(ValidationError) as caught:
        _create(content, "invoice.pdf")
    assert (caught.value.code, caught.value.messages) == (code, [message])
    assert _stored_files(media_dirs) == []
    assert not Asset.objects.exists()


# --- Archives: opened and listed --------------------------------------------------------------------


def test_a_real_zip_is_accepted_and_stored_as_uploaded():
    content = zip_bytes({"a.txt": b"hello", "b/c.txt": b"world"}, comment=b"build 7f3a2c")
    asset = _create(content, "bundle.zip")
    assert (asset.kind, asset.mime_type) == ("other", "application/zip")
    assert _stored(asset) == content


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (zip_header_then_html(), "archive_invalid"),
        (zip_with_html_tail(), "archive_trailing_data"),
        (zip_bytes(comment=HTML), "archive_trailing_data"),
        (HTML.join(zip_bytes().split(b"PK\x01\x02", 1)).replace(HTML, HTML + b"PK\x01\x02", 1), "archive_invalid"),
        (zip_bomb(unpacked_mb=20), "archive_too_large"),
    ],
    ids=["html-after-header", "html-after-end", "html-in-comment", "html-before-directory", "zip-bomb"],
)
def test_an_archive_that_does_not_open_carries_extra_data_or_is_a_bomb_is_refused(content, code, media_dirs):
    with pytest.raises(ValidationError) as caught:
        _create(content, "bundle.zip")
    assert caught.value.code == code
    assert _stored_files(media_dirs) == []
    assert not Asset.objects.exists()


def test_an_archive_declaring_more_than_the_unpacked_limit_is_refused(monkeypatch):
    monkeypatch.setattr(sanitize, "ARCHIVE_MAX_UNPACKED", 1000)
    with pytest.raises(ValidationError, match="would unpack to") as caught:
        _create(zip_bytes({"a.txt": b"x" * 2000}), "big.zip")
    assert caught.value.code == "archive_too_large"


def test_an_archive_with_too_many_entries_is_refused_before_they_are_listed(monkeypatch, media_dirs):
    monkeypatch.setattr(sanitize, "ARCHIVE_MAX_ENTRIES", 3)
    with pytest.raises(ValidationError, match=r"too many entries \(at most 3\)") as caught:
        _create(zip_bytes({f"{i}.txt": b"x" for i in range(5)}), "many.zip")
    assert caught.value.code == "archive_too_large"
    assert _stored_files(media_dirs) == []


def test_a_zip64_archive_is_read_through_its_zip64_end_record(monkeypatch):
    import zipfile

    with monkeypatch.context() as patch:
        patch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)  # makes zipfile write the ZIP64 end records
        content = zip_bytes({"a.txt": b"hello", "b.txt": b"world"})
    end = content.rindex(b"PK\x05\x06")
    # As streaming writers do: the classic end record defers size and offset to the ZIP64 one.
    content = content[: end + 12] + b"\xff" * 8 + content[end + 20 :]
    assert b"PK\x06\x07" in content  # the ZIP64 locator
    asset = _create(content, "streamed.zip")
    assert _stored(asset) == content
