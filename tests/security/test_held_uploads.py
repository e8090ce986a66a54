"""Held: upload tricks are refused before anything is stored, or stored only under a key of ours.

SVG with script, HTML (or a script) disguised as an image, double extensions, path tricks and NUL bytes
in file names, very long names, decompression bombs — through the media API, the avatar API and the
profile page. Polyglots (a real image with a script tail, PDF/ZIP headers before HTML) are issue 10
item 8, replayed in test_uploads.py (branch `mediasec`).
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.media.models import Asset

from ._held import app_sign_in, bearer

pytestmark = pytest.mark.django_db
MEDIA = "/api/v1/media/"
AVATAR = "/api/v1/users/me/avatar/"

SVG_SCRIPT = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SVG_LATE = b"<?xml version='1.0'?>\n<!--" + b" " * 2000 + b"-->\n<SVG onload='alert(1)'></SVG>"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"


def _png(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 0).save(out, "PNG")
    return out.getvalue()


def _pdf() -> bytes:
    """A real, well-formed PDF (uploads of documents are checked structurally)."""
    from weasyprint import HTML

    return HTML(string="<p>Invoice</p>").write_pdf()


@pytest.fixture
def media_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def token(client, reader, media_dirs):
    return app_sign_in(client, reader.email)["access_token"]


def _stored(root) -> list:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _upload(client, token, name: str, content: bytes, content_type: str = "image/png", url: str = MEDIA):
    field = "files" if url == MEDIA else "file"
    return client.post(url, {field: SimpleUploadedFile(name, content, content_type=content_type)}, **bearer(token))


@pytest.mark.parametrize(
    ("name", "content", "content_type", "code"),
    [
        ("logo.svg", SVG_SCRIPT, "image/svg+xml", "svg"),
        ("logo.png", SVG_SCRIPT, "image/png", "svg"),  # an SVG named and typed as a PNG
        ("late.svg", SVG_LATE, "image/svg+xml", "unsupported_type"),  # <svg> past the first KB
        ("photo.jpg", HTML, "image/jpeg", "unsupported_type"),  # HTML disguised as an image
        ("photo.png", PHP, "image/png", "unsupported_type"),
        ("page.html", HTML, "text/html", "unsupported_type"),
        ("empty.png", b"", "image/png", "empty"),
    ],
)
def test_scripts_disguised_as_media_are_refused_and_nothing_is_stored(
    client, token, media_dirs, name, content, content_type, code
):
    response = _upload(client, token, name, content, content_type)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert not Asset.objects.exists()
    assert _stored(media_dirs) == []


@pytest.mark.parametrize("content", [SVG_SCRIPT, HTML])
def test_an_avatar_that_is_not_an_image_is_refused_and_nothing_is_stored(client, reader, token, media_dirs, content):
    response = _upload(client, token, "me.png", content, url=AVATAR)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"file"}
    client.force_login(reader)
    page = client.post(
        "/en/accounts/profile/",
        {
            "display_name": "R",
            "preferred_language": "en",
            "avatar_file": SimpleUploadedFile("me.png", content, content_type="image/png"),
        },
    )
    assert page.status_code == 200  # the form again, with its error
    reader.refresh_from_db()
    assert reader.avatar_id is None
    assert not Asset.objects.exists()
    assert _stored(media_dirs) == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("shell.php.png", "shell.php.png"),  # double extension: kept for display only
        ("photo.png.php", "photo.png.php"),
        ("../../../../etc/cron.d/evil.png", "evil.png"),  # path tricks: the last part only
        ("..\\..\\windows\\evil.png", "evil.png"),
        ("/etc/passwd", "passwd"),
        ("a\x00.php.png", "a.php.png"),  # NUL and control characters dropped
        ("\u202egnp.php", "gnp.php"),  # right-to-left override dropped
        ("x" * 1000 + ".png", "x" * 251 + ".png"),  # very long: cut to 255 characters, extension kept
        ("....", "upload"),
    ],
)
def test_a_tricky_file_name_is_only_shown_and_the_file_goes_under_a_key_of_ours(client, token, media_dirs, name, shown):
    response = _upload(client, token, name, _png())
    assert response.status_code == 201, response.content
    asset = Asset.objects.get()
    assert asset.original_name == shown
    assert asset.file.name.startswith("assets/")
    assert asset.file.name.endswith(".png")  # the extension of the sniffed type, never the uploaded one
    assert ".php" not in asset.file.name
    assert ".." not in asset.file.name
    assert _stored(media_dirs) == [f"public/{asset.file.name}"]


def test_a_private_download_names_a_tricky_file_safely(client, reader, token, media_dirs):
    from apps.media import selectors

    response = client.post(
        MEDIA,
        {
            "files": SimpleUploadedFile('bad"\r\nSet-Cookie: x=1;.pdf', _pdf(), "application/pdf"),
            "visibility": "private",
        },
        **bearer(token),
    )
    assert response.status_code == 201, response.content
    asset = Asset.objects.get()
    client.force_login(reader)
    download = client.get(selectors.asset_private_url(asset=asset, for_user=reader))
    assert download.status_code == 200
    assert "Set-Cookie" not in download.headers
    assert "\n" not in download["Content-Disposition"]
    assert "\r" not in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("mode", ["1", "L"])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(client, token, media_dirs, settings, mode):
    settings.MEDIA_MAX_IMAGE_PIXELS = 1_000_000
    bomb = _png((4000, 4000), mode)  # 16 megapixels, a few kilobytes on the wire
    assert len(bomb) < 100_000
    response = _upload(client, token, "bomb.png", bomb)
    assert response.status_code == 400
    assert response.json()["code"] == "image_too_large"
    assert not Asset.objects.exists()
    assert _stored(media_dirs) == []


def test_one_bad_file_in_a_batch_stores_none_of_the_good_ones(client, token, media_dirs):
    files = [
        SimpleUploadedFile("good.png", _png(), content_type="image/png"),
        SimpleUploadedFile("bad.png", SVG_SCRIPT, content_type="image/png"),
    ]
    response = client.post(MEDIA, {"files": files}, **bearer(token))
    assert response.status_code == 400
    assert response.json()["code"] == "svg"
    assert not Asset.objects.exists()
    assert _stored(media_dirs) == []


def test_anonymous_uploads_are_refused_before_reading_the_file(client, media_dirs):
    response = client.post(MEDIA, {"files": SimpleUploadedFile("a.png", _png(), content_type="image/png")})
    assert response.status_code == 401
    assert not Asset.objects.exists()
    assert _stored(media_dirs) == []
