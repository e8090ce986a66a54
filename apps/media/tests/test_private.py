import time

import pytest

from apps.accounts.tests.factories import UserFactory
from apps.media import selectors, services
from apps.media.models import Asset

from .factories import upload
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
    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    client.force_login(UserFactory())
    someone_else = client.get(url)
    assert someone_else.status_code == 403
    assert someone_else.json() == {
        "detail": "This link has expired, was changed, or was made for another account.",
        "code": "link_refused",
        "errors": {},
    }


def test_a_bearer_only_client_downloads_its_own_private_file_from_the_url_the_api_gave_it(
    client, private_asset, bearer_headers
):
    headers = bearer_headers(private_asset.owner)
    detail = client.get(f"/api/v1/media/{private_asset.pk}/", **headers)
    assert detail.status_code == 200
    response = client.get(detail.json()["url"], **headers)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="Invoice 7.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_private_link_refuses_another_users_bearer_token_and_a_forged_one(client, private_asset, bearer_headers):
    url = selectors.asset_private_url(asset=private_asset, for_user=private_asset.owner)
    other = client.get(url, **bearer_headers(UserFactory()))
    assert other.status_code == 403
    assert other.json()["code"] == "link_refused"
    forged = client.get(url, HTTP_AUTHORIZATION="Bearer eyJhbGciOiJub25lIn0.eyJ1c2VyX2lkIjoxfQ.")
    assert forged.status_code == 401
    assert forged.json()["code"] == "token_not_valid"


def test_a_bearer_token_does_not_open_an_expired_or_tampered_link(client, private_asset, bearer_headers, monkeypatch):
    headers = bearer_headers(private_asset.owner)
    url = selectors.asset_private_url(asset=private_asset, for_user=private_asset.owner, expires=60)
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert client.get(tampered, **headers).json()["code"] == "link_refused"
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    expired = client.get(url, **headers)
    assert expired.status_code == 403
    assert expired.json()["code"] == "link_refused"


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


def test_a_broken_download_resumes_with_a_range_request(client, private_asset):
    url = selectors.asset_private_url(asset=private_asset, for_user=private_asset.owner)
    client.force_login(private_asset.owner)
    whole = client.get(url)
    assert whole["Accept-Ranges"] == "bytes"
    data = b"".join(whole.streaming_content)
    size = len(data)

    def ranged(header: str) -> tuple[int, bytes, dict]:
        answer = client.get(url, HTTP_RANGE=header)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        return answer.status_code, body, answer

    status, body, answer = ranged("bytes=10-")  # the rest, after the first 10 bytes arrived
    assert (status, body) == (206, data[10:])
    assert answer["Content-Range"] == f"bytes 10-{size - 1}/{size}"
    assert answer["Content-Length"] == str(size - 10)
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["Cache-Control"] == "private, no-store"
    assert ranged("bytes=0-3")[:2] == (206, data[:4])
    assert ranged("bytes=-5")[:2] == (206, data[-5:])
    assert ranged(f"bytes=5-{size * 10}")[:2] == (206, data[5:])  # an end past the file: up to its end

    status, _, answer = ranged(f"bytes={size}-")
    assert status == 416
    assert answer["Content-Range"] == f"bytes */{size}"
    # What this view does not serve as a part gets the whole file: several ranges, nonsense, huge digits.
    for header in ("bytes=0-1,4-5", "pages=1-2", "bytes=9-2x", "bytes=9-2", "bytes=" + "9" * 40 + "-"):
        assert ranged(header)[:2] == (200, data), header
    assert client.get(url, HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE='"old"').status_code == 200
