import pytest
from django.urls import reverse

from apps.accounts.tests.factories import UserFactory
from apps.media.models import Asset

from .factories import image_bytes, upload
from .samples import pdf_bytes

pytestmark = pytest.mark.django_db
URL = "/api/v1/media/"


@pytest.fixture
def owner():
    return UserFactory()


def _post(client, files, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, {"files": files, **data}, format="multipart")


def test_a_user_uploads_several_files_at_once_and_sees_urls_and_status(
    api_client, owner, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(owner)
    files = [upload(image_bytes(color=(9, 9, 9)), "a.jpg"), upload(image_bytes(fmt="PNG"), "b.png")]
    response = _post(api_client, files, django_capture_on_commit_callbacks, alt_text="A lake", title="Lake")
    assert response.status_code == 201, response.json()
    assert list(response.json()) == ["results"]
    body = response.json()["results"]
    assert [a["original_name"] for a in body] == ["a.jpg", "b.png"]
    assert body[0]["alt_text_en"] == "A lake"
    assert body[0]["status"] == "pending"
    detail = api_client.get(f"{URL}{body[0]['id']}/").json()
    assert detail["status"] == "ready"
    assert detail["error"] == ""
    assert detail["url"].startswith("/media/assets/")
    assert {"w360.webp", "w720.jpg", "wm-w1280.webp"} <= {r["spec"] for r in detail["renditions"]}
    assert all(r["url"].startswith("/media/renditions/") for r in detail["renditions"])


def test_one_bad_file_refuses_the_whole_batch_with_the_error_shape(
    api_client, owner, django_capture_on_commit_callbacks, media_dirs
):
    api_client.force_authenticate(owner)
    files = [upload(image_bytes(), "ok.jpg"), upload(b"<html><body>hi</body></html>", "fake.jpg")]
    response = _post(api_client, files, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unsupported_type"
    assert "fake.jpg" in body["errors"]["files"][0]
    assert body["detail"].startswith("Invalid input. files: fake.jpg")
    assert not Asset.objects.exists()
    assert not [p for p in media_dirs.rglob("*") if p.is_file()]


def test_anonymous_visitors_cannot_list_or_upload(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {"files": [upload(image_bytes())]}, format="multipart").status_code == 401


def test_users_see_only_their_own_assets_and_editors_see_all(api_client, owner, editor):
    mine = Asset.objects.create(owner=owner, kind="image", file="assets/x/1.jpg", mime_type="image/jpeg", sha256="1")
    Asset.objects.create(owner=UserFactory(), kind="image", file="assets/x/2.jpg", mime_type="image/jpeg", sha256="2")
    api_client.force_authenticate(owner)
    assert [a["id"] for a in api_client.get(URL).json()["results"]] == [mine.pk]
    api_client.force_authenticate(editor)
    assert api_client.get(URL).json()["count"] == 2


def test_users_cannot_read_edit_or_delete_someone_elses_asset(api_client, owner):
    theirs = Asset.objects.create(
        owner=UserFactory(), kind="image", file="assets/x/2.jpg", mime_type="image/jpeg", sha256="2"
    )
    api_client.force_authenticate(owner)
    assert api_client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert api_client.patch(f"{URL}{theirs.pk}/", {"alt_text_en": "x"}).status_code == 404
    assert api_client.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert Asset.objects.filter(pk=theirs.pk).exists()


def test_owners_edit_alt_text_and_title_in_both_languages_but_nothing_else(api_client, owner):
    asset = Asset.objects.create(owner=owner, kind="image", file="assets/x/1.jpg", mime_type="image/jpeg", sha256="1")
    api_client.force_authenticate(owner)
    response = api_client.patch(
        f"{URL}{asset.pk}/", {"alt_text_en": "A red boat", "alt_text_zh_hans": "一条红船", "kind": "video", "size": 1}
    )
    assert response.status_code == 200
    asset.refresh_from_db()
    assert (asset.alt_text_en, asset.alt_text_zh_hans, asset.kind, asset.size) == ("A red boat", "一条红船", "image", 0)


def test_owners_delete_their_asset_and_its_files(api_client, owner, django_capture_on_commit_callbacks, media_dirs):
    api_client.force_authenticate(owner)
    created = _post(api_client, [upload(image_bytes())], django_capture_on_commit_callbacks).json()["results"][0]
    assert [p for p in media_dirs.rglob("*") if p.is_file()]
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"{URL}{created['id']}/").status_code == 204
    assert not [p for p in media_dirs.rglob("*") if p.is_file()]


def test_the_list_filters_by_kind_and_date_and_orders(api_client, editor):
    owner = UserFactory()
    a = Asset.objects.create(owner=owner, kind="image", file="a", mime_type="image/jpeg", sha256="1", size=5)
    b = Asset.objects.create(owner=owner, kind="audio", file="b", mime_type="audio/mpeg", sha256="2", size=9)
    Asset.objects.filter(pk=a.pk).update(created_at="2026-01-01T00:00:00Z")
    api_client.force_authenticate(editor)
    assert [x["id"] for x in api_client.get(URL, {"kind": "audio"}).json()["results"]] == [b.pk]
    assert [x["id"] for x in api_client.get(URL, {"created_before": "2026-06-01T00:00:00Z"}).json()["results"]] == [
        a.pk
    ]
    assert [x["id"] for x in api_client.get(URL, {"ordering": "-size"}).json()["results"]] == [b.pk, a.pk]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("created_after", "0001-01-01T00:07:30+15:00"),  # before year 1 once in UTC
        ("created_before", "9999-12-31T23:59:59-14:00"),  # after year 9999 once in UTC
    ],
)
def test_a_date_filter_outside_the_utc_range_is_a_400_naming_the_parameter(api_client, owner, parameter, value):
    api_client.force_authenticate(owner)
    response = api_client.get(URL, {parameter: value})
    assert response.status_code == 400
    message = "Enter a date and time between 0001-01-01 and 9999-12-31 in UTC."
    assert response.json() == {
        "detail": f"Invalid input. {parameter}: {message}",
        "code": "overflow",
        "errors": {parameter: [message]},
    }


def test_a_naive_date_filter_at_the_edge_of_time_in_a_zone_east_of_utc_is_a_400(api_client, owner, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    api_client.force_authenticate(owner)
    response = api_client.get(URL, {"created_after": "0001-01-01T00:00:00"})
    assert response.status_code == 400
    assert response.json()["code"] == "overflow"
    assert api_client.get(URL, {"created_after": "0001-01-02T00:00:00"}).json()["count"] == 0


def test_the_list_query_count_stays_flat(api_client, editor, django_assert_max_num_queries):
    owner = UserFactory()
    for i in range(15):
        asset = Asset.objects.create(owner=owner, kind="image", file=f"a{i}", mime_type="image/jpeg", sha256=str(i))
        asset.renditions.create(spec="w360.webp", file=f"r{i}", mime_type="image/webp", width=360)
    api_client.force_authenticate(editor)
    with django_assert_max_num_queries(6):
        assert api_client.get(URL).json()["count"] == 15


def test_uploads_are_throttled_with_the_upload_scope(
    api_client, owner, monkeypatch, django_capture_on_commit_callbacks
):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "upload": "1/hour"})
    api_client.force_authenticate(owner)
    assert _post(api_client, [upload(image_bytes())], django_capture_on_commit_callbacks).status_code == 201
    second = _post(api_client, [upload(image_bytes(color=(1, 1, 1)))], django_capture_on_commit_callbacks)
    assert second.status_code == 429
    assert second.json()["code"] == "throttled"
    assert api_client.get(URL).status_code == 200  # reading is not an upload


def test_the_private_file_url_is_in_the_api_for_its_owner(api_client, owner, django_capture_on_commit_callbacks):
    api_client.force_authenticate(owner)
    body = _post(api_client, [upload(image_bytes())], django_capture_on_commit_callbacks, visibility="private").json()
    assert body["results"][0]["url"].startswith(reverse("media:private-file", kwargs={"token": "x"})[:-1])


def test_a_storage_failure_midway_leaves_no_rows_and_no_files(api_client, owner, monkeypatch, media_dirs):
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage._save
    calls = []

    def flaky_save(self, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", flaky_save)
    api_client.force_authenticate(owner)
    files = [upload(image_bytes(), "a.jpg"), upload(image_bytes(color=(1, 1, 1)), "b.jpg")]
    with pytest.raises(OSError, match="disk full"):
        api_client.post(URL, {"files": files}, format="multipart")
    assert not Asset.objects.exists()
    assert not [p for p in media_dirs.rglob("*") if p.is_file()]


def _nullable_to_json_schema(node):
    """OpenAPI 3.0's `nullable: true` in JSON Schema terms, so `jsonschema` can check answers."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def test_the_upload_answer_is_the_one_object_the_schema_describes(
    api_client, owner, client, django_capture_on_commit_callbacks
):
    import jsonschema
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/media/"]["post"]
    assert not [p["name"] for p in operation.get("parameters", [])]  # no list filters or pages on an upload
    answer = operation["responses"]["201"]["content"]["application/json"]["schema"]
    api_client.force_authenticate(owner)
    for files in ([upload(image_bytes(), "one.jpg")], [upload(image_bytes(color=(1, 2, 3))), upload(pdf_bytes())]):
        response = _post(api_client, files, django_capture_on_commit_callbacks, visibility="private")
        assert response.status_code == 201
        document = _nullable_to_json_schema({**answer, "components": schema["components"]})
        jsonschema.validate(response.json(), document)
        assert len(response.json()["results"]) == len(files)
