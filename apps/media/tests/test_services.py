import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from PIL import Image, ImageStat

from apps.accounts.tests.factories import UserFactory
from apps.media import services
from apps.media.models import Asset

from .factories import animated_gif, image_bytes, jpeg_with_gps_and_rotation, mp4_bytes, upload, wav_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def create(django_capture_on_commit_callbacks):
    """asset_create, with the processing queued on commit run (Celery is eager in tests)."""

    def _create(owner, content, name="photo.jpg", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            asset = services.asset_create(owner=owner, uploaded_file=upload(content, name), **kwargs)
        asset.refresh_from_db()
        return asset

    return _create


def _open(rendition) -> Image.Image:
    with rendition.storage.open(rendition.file.name) as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    return image


def test_an_uploaded_photo_gets_webp_and_jpeg_renditions_at_each_width(create):
    asset = create(UserFactory(), image_bytes(size=(1600, 1200)))
    specs = {r.spec: r for r in asset.renditions.all()}
    assert asset.status == Asset.Status.READY
    for width in (360, 720, 1280):
        assert _open(specs[f"w{width}.webp"]).format == "WEBP"
        assert _open(specs[f"w{width}.jpg"]).size == (width, width * 3 // 4)
    assert (asset.width, asset.height, asset.kind, asset.mime_type) == (1600, 1200, "image", "image/jpeg")


def test_the_stored_key_is_random_and_the_uploaded_name_is_only_for_display(create):
    asset = create(UserFactory(), image_bytes(), name="../../etc/My\x07 Holiday.jpg")
    assert asset.original_name == "My Holiday.jpg"
    assert "Holiday" not in asset.file.name
    assert asset.file.name.startswith("assets/")


def test_small_images_are_never_upscaled(create):
    asset = create(UserFactory(), image_bytes(size=(500, 300), fmt="PNG"), name="small.png")
    widths = sorted({r.width for r in asset.renditions.all()})
    assert widths == [360, 500]


def test_exif_orientation_is_applied_and_exif_and_gps_are_stripped_from_every_rendition(create):
    asset = create(UserFactory(), jpeg_with_gps_and_rotation(size=(1600, 1000)))
    assert (asset.width, asset.height) == (1000, 1600)  # turned upright
    for rendition in asset.renditions.all():
        image = _open(rendition)
        assert image.height > image.width
        assert not image.getexif(), rendition.spec
        assert "exif" not in image.info


def test_public_images_get_a_watermark_in_the_top_right_corner_dark_on_a_light_corner(create):
    asset = create(UserFactory(), image_bytes(size=(1280, 960)))
    plain = _open(asset.renditions.get(spec="w1280.jpg")).convert("L")
    marked = _open(asset.renditions.get(spec="wm-w1280.jpg")).convert("L")
    top_right = (1280 - 300, 0, 1280, 100)
    bottom_left = (0, 860, 300, 960)
    assert (
        ImageStat.Stat(marked.crop(top_right)).extrema[0][0] < ImageStat.Stat(plain.crop(top_right)).extrema[0][0] - 60
    )
    assert ImageStat.Stat(marked.crop(bottom_left)).mean == pytest.approx(
        ImageStat.Stat(plain.crop(bottom_left)).mean, abs=2
    )


def test_the_watermark_is_light_on_a_dark_corner(create):
    asset = create(UserFactory(), image_bytes(size=(720, 540), color=(10, 10, 10)))
    region = (720 - 200, 40, 720, 100)
    # The image's light band is at the top, so look just under it where the corner is dark.
    marked = _open(asset.renditions.get(spec="wm-w720.webp")).convert("L")
    plain = _open(asset.renditions.get(spec="w720.webp")).convert("L")
    assert ImageStat.Stat(marked.crop(region)).extrema[0][1] >= ImageStat.Stat(plain.crop(region)).extrema[0][1]


def test_the_watermark_can_be_switched_off_and_private_images_never_get_one(create, settings):
    private = create(UserFactory(), image_bytes(), visibility=Asset.Visibility.PRIVATE)
    settings.MEDIA_WATERMARK_ENABLED = False
    public = create(UserFactory(), image_bytes(color=(1, 2, 3)))
    for asset in (private, public):
        assert not asset.renditions.filter(spec__startswith="wm-").exists()
        assert asset.renditions.exists()


def test_an_animated_gif_keeps_a_still_first_frame(create):
    asset = create(UserFactory(), animated_gif(), name="anim.gif")
    still = _open(asset.renditions.get(spec="w360.webp")).convert("RGB")
    assert getattr(still, "n_frames", 1) == 1
    red, green, blue = still.getpixel((180, 200))
    assert red > 150
    assert green < 60
    assert blue < 60


def test_processing_twice_changes_nothing(create):
    asset = create(UserFactory(), image_bytes())
    before = sorted(asset.renditions.values_list("spec", "file"))
    asset.set_status(Asset.Status.PENDING)
    services.asset_process(asset_id=asset.pk)
    services.asset_process(asset_id=asset.pk)
    assert sorted(asset.renditions.values_list("spec", "file")) == before
    assert all(storages["default"].exists(name) for _, name in before)


def test_the_same_file_uploaded_twice_by_one_owner_is_one_asset(create):
    owner = UserFactory()
    first = create(owner, image_bytes())
    second = create(owner, image_bytes(), name="again.jpg")
    other = create(UserFactory(), image_bytes())
    assert first.pk == second.pk != other.pk
    assert Asset.objects.count() == 2


def test_a_video_gets_a_poster_a_preview_and_its_duration(create, tmp_path):
    asset = create(UserFactory(), mp4_bytes(tmp_path), name="clip.mp4")
    assert (asset.kind, asset.status) == ("video", Asset.Status.READY), asset.error
    assert set(asset.renditions.values_list("spec", flat=True)) == {"poster.jpg", "preview.mp4"}
    assert asset.duration == pytest.approx(2.0, abs=0.2)
    assert (asset.width, asset.height) == (320, 240)


def test_without_ffmpeg_a_video_is_kept_and_marked_not_processed(create, tmp_path, settings):
    content = mp4_bytes(tmp_path)
    settings.MEDIA_FFMPEG_BINARY = "ffmpeg-not-installed"
    asset = create(UserFactory(), content, name="clip.mp4")
    assert asset.status == Asset.Status.NOT_PROCESSED
    assert asset.error == ""
    assert storages["default"].exists(asset.file.name)


def test_audio_gets_its_duration_and_is_not_re_encoded(create):
    asset = create(UserFactory(), wav_bytes(seconds=1.5), name="voice.wav")
    assert (asset.kind, asset.status, asset.duration) == ("audio", Asset.Status.READY, 1.5)
    assert not asset.renditions.exists()


def test_a_broken_image_is_marked_failed_with_the_error(create):
    asset = create(UserFactory(), image_bytes())
    with asset.storage.open(asset.file.name, "wb") as fh:
        fh.write(b"\xff\xd8\xff\xe0 not really a jpeg any more")
    asset.set_status(Asset.Status.PENDING)
    services.asset_process(asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.status == Asset.Status.FAILED
    assert "cannot identify image" in asset.error or "Error" in asset.error


# --- Validation: a clear error and nothing stored -------------------------------------------------


def _stored_files(tmp_path) -> list:
    return [p for p in tmp_path.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"<!doctype html><html><script>alert(1)</script></html>", "cat.jpg", "unsupported_type"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "logo.svg", "svg"),
        (b"", "empty.jpg", "empty"),
    ],
)
def test_files_whose_content_is_not_allowed_are_refused_before_storage(content, name, code, media_dirs):
    with pytest.raises(ValidationError) as caught:
        services.asset_create(owner=UserFactory(), uploaded_file=upload(content, name))
    assert caught.value.code == code
    assert _stored_files(media_dirs) == []
    assert not Asset.objects.exists()


def test_an_oversized_image_is_refused(settings, media_dirs):
    settings.MEDIA_MAX_IMAGE_SIZE = 1000
    with pytest.raises(ValidationError, match="too large") as caught:
        services.asset_create(owner=UserFactory(), uploaded_file=upload(image_bytes()))
    assert caught.value.code == "too_large"
    assert _stored_files(media_dirs) == []


def test_a_decompression_bomb_is_refused(settings, media_dirs):
    settings.MEDIA_MAX_IMAGE_PIXELS = 100_000
    bomb = image_bytes(size=(4000, 4000), fmt="PNG", color=(0, 0, 0))  # 16 MP, a few KB compressed
    with pytest.raises(ValidationError) as caught:
        services.asset_create(owner=UserFactory(), uploaded_file=upload(bomb, "bomb.png"))
    assert caught.value.code == "image_too_large"
    assert _stored_files(media_dirs) == []


def test_a_user_over_quota_is_refused_but_editors_are_unlimited(settings, create, editor):
    owner = UserFactory()
    first = image_bytes(color=(1, 1, 1))
    settings.MEDIA_USER_QUOTA = len(first) + 10
    create(owner, first)
    with pytest.raises(ValidationError) as caught:
        services.asset_create(owner=owner, uploaded_file=upload(image_bytes(color=(2, 2, 2))))
    assert caught.value.code == "quota_exceeded"
    create(editor, first)
    assert create(editor, image_bytes(color=(2, 2, 2))).pk


# --- Deleting ---------------------------------------------------------------------------------------


def test_deleting_an_asset_removes_its_file_and_renditions_after_commit(create, django_capture_on_commit_callbacks):
    asset = create(UserFactory(), image_bytes())
    names = [asset.file.name, *asset.renditions.values_list("file", flat=True)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.asset_delete(asset=asset)
    assert all(storages["default"].exists(n) for n in names)  # nothing gone before the commit
    for callback in callbacks:
        callback()
    assert not any(storages["default"].exists(n) for n in names)


def test_deleting_a_user_deletes_their_assets_files(create, django_capture_on_commit_callbacks):
    owner = UserFactory()
    public = create(owner, image_bytes())
    private = create(owner, image_bytes(color=(5, 5, 5)), visibility=Asset.Visibility.PRIVATE)
    names = [("default", public.file.name), ("private", private.file.name)]
    names += [(r.storage_alias, r.file.name) for r in [*public.renditions.all(), *private.renditions.all()]]
    with django_capture_on_commit_callbacks(execute=True):
        owner.delete()
    assert not Asset.objects.exists()
    assert not any(storages[alias].exists(name) for alias, name in names)


def test_private_files_are_stored_apart_from_public_ones(create, media_dirs):
    asset = create(UserFactory(), image_bytes(), visibility=Asset.Visibility.PRIVATE)
    assert (media_dirs / "private" / asset.file.name).is_file()
    assert not (media_dirs / "public" / asset.file.name).exists()


# --- Visibility (narrations of posts that turn premium or free) ------------------------------------


def test_making_an_asset_private_moves_its_file_and_renditions_out_of_public_storage(
    create, django_capture_on_commit_callbacks
):
    asset = create(UserFactory(), image_bytes(size=(800, 600)))
    public_names = [asset.file.name, *(r.file.name for r in asset.renditions.all())]
    assert all(storages["default"].exists(name) for name in public_names)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.asset_set_visibility(asset=asset, visibility=Asset.Visibility.PRIVATE)
    assert moved.visibility == Asset.Visibility.PRIVATE
    assert not any(storages["default"].exists(name) for name in public_names)
    assert storages["private"].exists(moved.file.name)
    assert {r.storage_alias for r in moved.renditions.all()} == {"private"}
    assert all(storages["private"].exists(r.file.name) for r in moved.renditions.all())
    with django_capture_on_commit_callbacks(execute=True):
        back = services.asset_set_visibility(asset=moved, visibility=Asset.Visibility.PUBLIC)
    assert storages["default"].exists(back.file.name)
    assert not storages["private"].exists(moved.file.name)


def test_an_unknown_visibility_is_refused(create):
    asset = create(UserFactory(), wav_bytes(), name="clip.wav")
    with pytest.raises(ValidationError):
        services.asset_set_visibility(asset=asset, visibility="secret")
