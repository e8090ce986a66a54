"""Media tests store files in a fresh temporary directory (public and private) per test."""

import pytest


@pytest.fixture(autouse=True)
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
    settings.MEDIA_WATERMARK_ENABLED = True
    settings.MEDIA_WATERMARK_TEXT = "Inkwell"
    return tmp_path
