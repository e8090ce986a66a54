import time

import pytest

from apps.media import selectors, services
from apps.media.models import Asset

from .factories import UserFactory, upload
from .samples import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_asset(django_capture_on_commit_callbacks):
    owner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create(
            owner=owner,
            uploaded_file=upload(pdf_bytes(), "Invoice 7.pdf", "application/pdf"),
            visibility=Asset.Visibility.PRIVATE,
        )
    return asset


def test_the_owner_downloads_a_private_file_through_a_signed_url(client, private_asset):
    url = selectors.asset_private_url(asset=private_asset, for_user=private_asset.owner)
    client.force_login(private_asset.owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="Invoice 7.pdf"')
    assert response["Cache-Control"] == "private, no-store"


def test_a_signed_url_is_refused_to_anyone_else_and_to_anonymous_visitors(client, private_asset):
    url = selectors.asset_private_url(asset=private_asset, for_user=private_asset.owner)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_a_signed_url_expires(client, private_asset, monkeypatch):
    url = selectors.asset_private_url(asset=private_asset, for_user=private_asset.owner, expires=60)
    client.force_login(private_asset.owner)
    assert client.get(url).status_code == 200
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(url).status_code == 403


def test_a_tampered_url_is_refused(client, private_asset):
    url = selectors.asset_private_url(asset=private_asset, for_user=private_asset.owner)
    client.force_login(private_asset.owner)
    assert client.get(url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")).status_code == 403


def test_private_files_are_not_served_at_a_public_media_url(private_asset):
    assert selectors.asset_url(asset=private_asset, for_user=None) == ""
    assert selectors.asset_url(asset=private_asset, for_user=UserFactory()) == ""
    assert "/files/private/" in selectors.asset_url(asset=private_asset, for_user=private_asset.owner)


def test_a_private_asset_file_opens_from_the_private_storage(private_asset, media_dirs):
    fresh = Asset.objects.get(pk=private_asset.pk)
    with fresh.file.open("rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert (media_dirs / "private" / fresh.file.name).is_file()
