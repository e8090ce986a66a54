"""The S3 path end to end: django-storages and boto3 against a local moto server (see root conftest)."""

import json
import time
import urllib.error
import urllib.request

import boto3
import pytest
from django.template import Context, Template

from apps.accounts.tests.factories import UserFactory
from apps.media import selectors, services
from apps.media.models import Asset

from .factories import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(settings, s3_endpoint, request):
    bucket = f"inkwell-test-{request.node.name[:30].replace('_', '-').lower()}".strip("-")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    # As documented in the README: public files readable by everyone through a bucket policy, the
    # private/ prefix not (ACLs stay off, as on new AWS buckets).
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{bucket}/assets/*", f"arn:aws:s3:::{bucket}/renditions/*"],
            }
        ],
    }
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read))
    common = {
        "bucket_name": bucket,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "access_key": "testing",
        "secret_key": "testing",
        "default_acl": None,
        "signature_version": "s3v4",
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "apps.media.storage.S3Storage", "OPTIONS": {**common, "querystring_auth": False}},
        "private": {
            "BACKEND": "apps.media.storage.S3Storage",
            "OPTIONS": {**common, "querystring_auth": True, "location": "private", "querystring_expire": 300},
        },
    }
    settings.AWS_QUERYSTRING_EXPIRE = 300
    yield client, bucket
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


def _keys(client, bucket) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_uploads_and_renditions_go_to_s3_and_the_picture_tag_points_there(
    s3, s3_endpoint, django_capture_on_commit_callbacks
):
    client, bucket = s3
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create(owner=UserFactory(), uploaded_file=upload(image_bytes()), alt_text="Bridge")
    asset.refresh_from_db()
    assert asset.status == Asset.Status.READY, asset.error
    keys = _keys(client, bucket)
    assert asset.file.name in keys
    assert {r.file.name for r in asset.renditions.all()} <= keys
    html = Template("{% load media_tags %}{% picture asset watermark=True %}").render(Context({"asset": asset}))
    assert f'srcset="{s3_endpoint}/{bucket}/renditions/' in html
    assert "wm-w1280.webp 1280w" in html
    with urllib.request.urlopen(f"{s3_endpoint}/{bucket}/{asset.renditions.get(spec='w360.webp').file.name}") as resp:  # noqa: S310
        assert resp.read(12)[8:12] == b"WEBP"


def test_private_files_on_s3_get_short_lived_signed_urls(s3, django_capture_on_commit_callbacks):
    client, bucket = s3
    owner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create(
            owner=owner, uploaded_file=upload(image_bytes()), visibility=Asset.Visibility.PRIVATE
        )
    assert f"private/{asset.file.name}" in _keys(client, bucket)
    url = selectors.asset_private_url(asset=asset, for_user=owner, expires=120)
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=120" in url
    with urllib.request.urlopen(url) as resp:  # noqa: S310 - a local moto URL
        assert resp.status == 200
    unsigned = url.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned)  # noqa: S310
    assert refused.value.code == 403
    assert selectors.asset_url(asset=asset, for_user=UserFactory()) == ""


def test_a_signed_s3_url_is_made_on_request_with_the_configured_lifetime(
    s3, settings, django_capture_on_commit_callbacks
):
    # moto does not enforce X-Amz-Expires (AWS does), so the test reads the lifetime from the URL.
    owner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create(
            owner=owner, uploaded_file=upload(image_bytes()), visibility=Asset.Visibility.PRIVATE
        )
    first = selectors.asset_url(asset=asset, for_user=owner)
    assert "X-Amz-Expires=300" in first
    assert "X-Amz-Date=" + time.strftime("%Y%m%d", time.gmtime()) in first
    assert "X-Amz" not in Asset.objects.get(pk=asset.pk).file.name  # never stored


def test_deleting_an_asset_removes_its_objects_from_s3(s3, django_capture_on_commit_callbacks):
    client, bucket = s3
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create(owner=UserFactory(), uploaded_file=upload(image_bytes()))
    assert len(_keys(client, bucket)) > 1
    with django_capture_on_commit_callbacks(execute=True):
        services.asset_delete(asset=asset)
    assert _keys(client, bucket) == set()


def test_a_video_on_s3_is_processed_from_a_temporary_copy(s3, tmp_path, django_capture_on_commit_callbacks):
    from .factories import mp4_bytes

    client, bucket = s3
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create(owner=UserFactory(), uploaded_file=upload(mp4_bytes(tmp_path), "clip.mp4"))
    asset.refresh_from_db()
    assert asset.status == Asset.Status.READY, asset.error
    assert asset.renditions.get(spec="poster.jpg").file.name in _keys(client, bucket)


def test_s3_stores_the_re_encoded_image_with_the_sniffed_type_not_the_claimed_one(s3):
    from .samples import jpeg_with_html_tail

    client, bucket = s3
    asset = services.asset_create(
        owner=UserFactory(), uploaded_file=upload(jpeg_with_html_tail(), "cat.html", content_type="text/html")
    )
    stored = client.get_object(Bucket=bucket, Key=asset.file.name)
    body = stored["Body"].read()
    assert stored["ContentType"] == "image/jpeg"
    assert b"<script" not in body
    assert body.endswith(b"\xff\xd9")
    assert len(body) == asset.size


def test_s3_serves_documents_as_downloads_with_their_sniffed_type(s3):
    from .samples import pdf_bytes

    client, bucket = s3
    for visibility, prefix in ((Asset.Visibility.PUBLIC, ""), (Asset.Visibility.PRIVATE, "private/")):
        asset = services.asset_create(
            owner=UserFactory(),
            uploaded_file=upload(pdf_bytes(), "Report 7.pdf", content_type="text/html"),
            visibility=visibility,
        )
        head = client.head_object(Bucket=bucket, Key=f"{prefix}{asset.file.name}")
        assert head["ContentType"] == "application/pdf"
        assert head["ContentDisposition"] == 'attachment; filename="Report 7.pdf"'


def test_s3_renditions_carry_their_own_type(s3, django_capture_on_commit_callbacks):
    client, bucket = s3
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.asset_create(owner=UserFactory(), uploaded_file=upload(image_bytes()))
    rendition = asset.renditions.get(spec="w360.webp")
    head = client.head_object(Bucket=bucket, Key=rendition.file.name)
    assert head["ContentType"] == "image/webp"
    assert "ContentDisposition" not in head
