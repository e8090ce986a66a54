"""Replays of the probe's upload and media attempts that got through (issue 10: items 8, 4 and 9).

Each refusal is asserted exactly (status, code, message) together with "nothing was stored": no `Asset`
row and no file in either storage. What is accepted is asserted to be stored cleaned.
"""

import io
import json
import time

import boto3
import pytest
from PIL import Image

from apps.accounts.services import token_pair_issue
from apps.media import selectors
from apps.media.models import Asset
from apps.media.tests.factories import image_bytes, upload
from apps.media.tests.samples import (
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
URL = "/api/v1/media/"


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
    return tmp_path


def _bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_pair_issue(user=user).access}"}


def _upload(client, user, content: bytes, name: str, claimed_type: str = "text/html", **data):
    files = [upload(content, name, content_type=claimed_type)]
    return client.post(URL, {"files": files, **data}, **_bearer(user))


def _stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


# --- Item 8: polyglots --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "code", "message"),
    [
        (
            pdf_header_then_html(),
            "invoice.pdf",
            "pdf_invalid",
            "invoice.pdf: This PDF is damaged or cut short: it has no end marker (%%EOF).",
        ),
        (
            pdf_header_then_html() + b"%%EOF\n",
            "invoice.pdf",
            "pdf_invalid",
            "invoice.pdf: This PDF is damaged or cannot be read.",
        ),
        (
            pdf_with_html_tail(),
            "invoice.pdf",
            "pdf_trailing_data",
            "invoice.pdf: This PDF has data after its end marker (%%EOF); save it again from a PDF program.",
        ),
        (
            zip_header_then_html(),
            "bundle.zip",
            "archive_invalid",
            "bundle.zip: This archive is damaged or is not a ZIP file.",
        ),
        (
            zip_with_html_tail(),
            "bundle.zip",
            "archive_trailing_data",
            "bundle.zip: This archive has data after its end (or markup in its comment); "
            "create it again with a ZIP program.",
        ),
        (
            zip_bomb(unpacked_mb=20),
            "bundle.zip",
            "archive_too_large",
            "bundle.zip: This archive would unpack to 20 MB, more than 1,024 MB or 100 times its own size "
            "(a zip bomb?).",
        ),
    ],
    ids=[
        "pdf-header-then-html",
        "pdf-header-html-eof",
        "pdf-then-html",
        "zip-header-then-html",
        "zip-then-html",
        "zip-bomb",
    ],
)
def test_a_polyglot_document_or_archive_is_refused_and_nothing_is_stored(
    client, reader, media_dirs, content, name, code, message
):
    response = _upload(client, reader, content, name)
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Invalid input. files: {message}",
        "code": code,
        "errors": {"files": [message]},
    }
    assert not Asset.objects.exists()
    assert _stored_files(media_dirs) == []


def test_one_polyglot_in_a_batch_refuses_the_whole_batch(client, reader, media_dirs):
    files = [upload(image_bytes(), "ok.jpg"), upload(zip_with_html_tail(), "bundle.zip")]
    response = client.post(URL, {"files": files}, **_bearer(reader))
    assert response.status_code == 400
    assert response.json()["code"] == "archive_trailing_data"
    assert not Asset.objects.exists()
    assert _stored_files(media_dirs) == []


def test_a_jpeg_with_an_html_tail_is_stored_re_encoded_and_served_without_the_tail(client, reader, media_dirs):
    response = _upload(client, reader, jpeg_with_html_tail(), "cat.jpg", visibility="private")
    assert response.status_code == 201
    asset = Asset.objects.get()
    served = client.get(response.json()["results"][0]["url"], **_bearer(reader))
    body = b"".join(served.streaming_content)
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"<script" not in body
    assert Image.open(io.BytesIO(body)).size == (64, 48)
    assert asset.size == len(body)
    assert [p.suffix for p in _stored_files(media_dirs)] == [".jpg"]


def test_a_private_document_is_served_as_a_download_that_is_never_sniffed(client, reader):
    response = _upload(client, reader, pdf_bytes(), "Invoice 7.pdf", visibility="private")
    served = client.get(response.json()["results"][0]["url"], **_bearer(reader))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == 'attachment; filename="Invoice 7.pdf"'
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_on_s3_the_object_is_the_clean_file_with_the_sniffed_type(client, reader, settings, s3_endpoint):
    bucket = "inkwell-security-uploads"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    options = {"bucket_name": bucket, "endpoint_url": s3_endpoint, "region_name": "us-east-1", "default_acl": None}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "apps.media.storage.S3Storage", "OPTIONS": {**options, "querystring_auth": False}},
    }
    try:
        assert _upload(client, reader, jpeg_with_html_tail(), "cat.jpg").status_code == 201
        assert _upload(client, reader, zip_with_html_tail(), "bundle.zip").status_code == 400
        assert _upload(client, reader, zip_bytes(), "bundle.zip").status_code == 201
        image, archive = Asset.objects.order_by("kind")  # "image" before "other"
        stored = s3.get_object(Bucket=bucket, Key=image.file.name)
        assert stored["ContentType"] == "image/jpeg"
        assert b"<script" not in stored["Body"].read()
        head = s3.head_object(Bucket=bucket, Key=archive.file.name)
        assert (head["ContentType"], head["ContentDisposition"]) == (
            "application/zip",
            'attachment; filename="bundle.zip"',
        )
        assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 2  # the refused archive left nothing
    finally:
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)


# --- Item 4: a date filter past the end of the calendar --------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("created_after", "0001-01-01T00:07:30+15:00"), ("created_before", "9999-12-31T23:59:59-14:00")],
)
def test_a_date_filter_that_overflows_in_utc_is_a_400_naming_it(client, reader, parameter, value):
    response = client.get(URL, {parameter: value}, **_bearer(reader))
    message = "Enter a date and time between 0001-01-01 and 9999-12-31 in UTC."
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Invalid input. {parameter}: {message}",
        "code": "overflow",
        "errors": {parameter: [message]},
    }


# --- Item 9: the upload answer and a Bearer-only client's private link -----------------------------


def test_an_upload_answers_one_object_with_the_assets_in_order(client, reader):
    files = [upload(image_bytes(), "a.jpg"), upload(pdf_bytes(), "b.pdf")]
    response = client.post(URL, {"files": files}, **_bearer(reader))
    assert response.status_code == 201
    assert [a["original_name"] for a in response.json()["results"]] == ["a.jpg", "b.pdf"]
    assert set(response.json()) == {"results"}


def test_a_private_link_opens_for_its_owners_bearer_token_only(client, reader, editor, monkeypatch):
    response = _upload(client, reader, pdf_bytes(), "Invoice 7.pdf", visibility="private")
    asset = Asset.objects.get(pk=response.json()["results"][0]["id"])
    url = selectors.asset_private_url(asset=asset, for_user=reader, expires=60)
    refused = {
        "detail": "This link has expired, was changed, or was made for another account.",
        "code": "link_refused",
        "errors": {},
    }

    assert client.get(url, **_bearer(reader)).status_code == 200
    other = client.get(url, **_bearer(editor))  # even an editor: the link was made for the reader
    assert (other.status_code, other.json()) == (403, refused)
    tampered = client.get(url.replace("/private/", "/private/x"), **_bearer(reader))
    assert (tampered.status_code, tampered.json()) == (403, refused)
    anonymous = client.get(url)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    header, payload, _signature = token_pair_issue(user=reader).access.split(".")
    forged = client.get(url, HTTP_AUTHORIZATION=f"Bearer {header}.{payload}.{'A' * 43}")
    assert (forged.status_code, forged.json()["code"]) == (401, "token_not_valid")
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    expired = client.get(url, **_bearer(reader))
    assert (expired.status_code, expired.json()) == (403, refused)


def test_a_json_error_is_what_a_browser_gets_for_an_expired_link_too(client, reader):
    client.force_login(reader)
    response = client.get("/files/private/not-a-token", HTTP_ACCEPT="text/html")
    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "link_refused"
