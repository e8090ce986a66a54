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


@pytest.fixture
def bearer_headers(client):
    """Headers of a Bearer-only client: signs `user` in through allauth's headless app API (as a phone app
    would) and sends nothing but `Authorization: Bearer <access>` afterwards (no session, no cookie)."""
    from allauth.account.models import EmailAddress
    from django.test import Client

    from apps.accounts.tests.factories import PASSWORD

    def sign_in(user, password: str = PASSWORD) -> dict[str, str]:
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        response = Client().post(
            "/_allauth/app/v1/auth/login",
            {"email": user.email, "password": password},
            content_type="application/json",
        )
        assert response.status_code == 200, response.json()
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['meta']['access_token']}"}

    return sign_in
