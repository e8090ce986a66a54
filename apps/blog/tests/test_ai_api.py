"""The editors' AI endpoints: translate, key points, review, and /api/v1/ai-jobs/."""

from typing import Any

import pytest
import yaml

from apps.blog import services
from apps.blog.models import AIJob, KeyPoints, TranslationDraft

from .factories import PostFactory
from .test_schema import _check

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict[str, Any]:
    return yaml.safe_load(client.get("/api/schema/").content)


@pytest.fixture
def post():
    return PostFactory(
        source_language="zh-hans",
        title_zh_hans="向量数据库入门",
        body_zh_hans="向量数据库很快。它们存储嵌入向量。搜索时返回最近的邻居。",
        summary_zh_hans="",
        title_en="",
        summary_en="",
        body_en="",
    )


@pytest.fixture
def editor_api(api_client, editor):
    api_client.force_authenticate(editor)
    return api_client


def test_without_a_key_translate_answers_503_with_the_reason(no_ai_key, editor_api, post, schema):
    response = editor_api.post(f"/api/v1/posts/{post.slug}/translate/", {"language": "en"})
    assert response.status_code == 503
    assert response.json()["code"] == "assistant_unavailable"
    assert "QWEN_API_KEY" in response.json()["detail"]
    _check(schema, "post", "/api/v1/posts/{slug}/translate/", response)
    assert not AIJob.objects.exists()
    overview = editor_api.get(f"/api/v1/posts/{post.slug}/translations/").json()
    assert overview["translation_available"] is False
    assert "QWEN_API_KEY" in overview["unavailable_reason"]


def test_without_a_key_key_points_still_work_through_the_api(
    no_ai_key, editor_api, post, schema, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.post(f"/api/v1/posts/{post.slug}/summarize/", {"language": "zh-hans"})
    assert response.status_code == 202
    _check(schema, "post", "/api/v1/posts/{slug}/summarize/", response)
    job = AIJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.provider) == ("done", "local")
    refused = editor_api.post(f"/api/v1/posts/{post.slug}/summarize/", {"language": "en"})
    assert refused.status_code == 503  # no English text, and no model to write from the Chinese


def test_readers_and_anonymous_callers_cannot_use_the_ai_endpoints(qwen, api_client, reader, post):
    urls = [
        ("post", f"/api/v1/posts/{post.slug}/translate/"),
        ("post", f"/api/v1/posts/{post.slug}/summarize/"),
        ("get", f"/api/v1/posts/{post.slug}/translations/"),
        ("post", f"/api/v1/posts/{post.slug}/translations/review/"),
        ("get", "/api/v1/ai-jobs/"),
    ]
    for method, url in urls:
        assert getattr(api_client, method)(url, {}).status_code == 401, url
    api_client.force_authenticate(reader)
    for method, url in urls:
        assert getattr(api_client, method)(url, {}).status_code == 403, url
    assert not AIJob.objects.exists()


def test_an_editor_translates_reviews_and_publishes_through_the_api(
    qwen, editor_api, post, schema, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.post(f"/api/v1/posts/{post.slug}/translate/", {"language": "en"})
    assert response.status_code == 202
    _check(schema, "post", "/api/v1/posts/{slug}/translate/", response)
    assert response.json()["kind"] == "translate"

    overview = editor_api.get(f"/api/v1/posts/{post.slug}/translations/")
    assert overview.status_code == 200
    _check(schema, "get", "/api/v1/posts/{slug}/translations/", overview)
    fields = {f["field"]: f for f in overview.json()["fields"]}
    assert fields["title"]["state"] == "machine_draft"
    title_draft = fields["title"]["draft"]["id"]

    reviewed = editor_api.post(
        f"/api/v1/posts/{post.slug}/translations/review/",
        {"draft": title_draft, "decision": "accept", "text": "Vector databases 101"},
    )
    assert reviewed.status_code == 200
    _check(schema, "post", "/api/v1/posts/{slug}/translations/review/", reviewed)
    states = {f["field"]: f["state"] for f in reviewed.json()["fields"] if f["target"] == "post"}
    assert states == {"title": "reviewed", "body": "machine_draft"}

    rest = editor_api.post(f"/api/v1/posts/{post.slug}/translations/accept-all/", {"language": "en"})
    assert rest.status_code == 200
    assert {f["state"] for f in rest.json()["fields"]} == {"reviewed"}

    public = editor_api.get(f"/api/v1/posts/{post.slug}/", {"lang": "en"}).json()
    assert public["title"] == "Vector databases 101"
    assert public["translation_status"]["status"] == "complete"


def test_key_points_are_reviewed_through_the_api_and_then_public(
    qwen, editor_api, api_client, post, schema, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_api.post(f"/api/v1/posts/{post.slug}/summarize/", {"language": "zh-hans"})
    assert api_client.get(f"/api/v1/posts/{post.slug}/", {"lang": "zh-hans"}).json()["key_points"] == []
    response = editor_api.post(
        f"/api/v1/posts/{post.slug}/key-points/review/",
        {"language": "zh-hans", "decision": "accept", "points": ["向量数据库很快。", "它们存储嵌入向量。"]},
    )
    assert response.status_code == 200
    _check(schema, "post", "/api/v1/posts/{slug}/key-points/review/", response)
    points = {k["language"]: k for k in response.json()["key_points"]}
    assert points["zh-hans"]["state"] == "reviewed"
    public = api_client.get(f"/api/v1/posts/{post.slug}/", {"lang": "zh-hans"})
    assert public.json()["key_points"] == ["向量数据库很快。", "它们存储嵌入向量。"]
    _check(schema, "get", "/api/v1/posts/{slug}/", public)


def test_bad_input_is_a_400_naming_the_field(qwen, editor_api, post, django_capture_on_commit_callbacks):
    other = PostFactory()
    foreign = TranslationDraft.objects.create(post=other, field="title", language="zh-hans", source_language="en")
    cases = [
        (f"/api/v1/posts/{post.slug}/translate/", {"language": "fr"}, "language"),
        (f"/api/v1/posts/{post.slug}/translate/", {"language": "zh-hans"}, "language"),
        (f"/api/v1/posts/{post.slug}/translate/", {"fields": ["title", "password"]}, "fields"),
        (f"/api/v1/posts/{post.slug}/translations/review/", {"draft": foreign.pk, "decision": "accept"}, "draft"),
        (f"/api/v1/posts/{post.slug}/translations/review/", {"draft": "1e3", "decision": "accept"}, "draft"),
        (f"/api/v1/posts/{post.slug}/translations/review/", {"draft": 10**30, "decision": "accept"}, "draft"),
        (f"/api/v1/posts/{post.slug}/translations/review/", {"draft": 1, "decision": "maybe"}, "decision"),
        (f"/api/v1/posts/{post.slug}/key-points/review/", {"language": "en", "decision": "accept"}, "language"),
    ]
    for url, body, field in cases:
        response = editor_api.post(url, body, format="json")
        assert response.status_code == 400, (url, body, response.content)
        assert field in response.json()["errors"], (url, body, response.json())
    with django_capture_on_commit_callbacks(execute=True):
        editor_api.post(f"/api/v1/posts/{post.slug}/summarize/", {"language": "zh-hans"})
    too_many = editor_api.post(
        f"/api/v1/posts/{post.slug}/key-points/review/",
        {"language": "zh-hans", "decision": "accept", "points": [f"p{i}" for i in range(6)]},
        format="json",
    )
    assert too_many.status_code == 400
    assert KeyPoints.objects.get(post=post).published_points == []


def test_ai_jobs_are_listed_filtered_and_retried(qwen, editor_api, post, schema, django_capture_on_commit_callbacks):
    qwen.fail("400")
    with django_capture_on_commit_callbacks(execute=True):
        editor_api.post(f"/api/v1/posts/{post.slug}/translate/", {})
    failed = AIJob.objects.get(post=post)
    assert failed.status == "failed"
    listing = editor_api.get("/api/v1/ai-jobs/", {"post": post.pk, "status": "failed", "kind": "translate"})
    assert listing.status_code == 200
    _check(schema, "get", "/api/v1/ai-jobs/", listing)
    assert [j["id"] for j in listing.json()["results"]] == [failed.pk]
    assert "400" in listing.json()["results"][0]["error"]
    assert editor_api.get("/api/v1/ai-jobs/", {"status": "done"}).json()["count"] == 0
    assert editor_api.get("/api/v1/ai-jobs/", {"post": "٣"}).status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        retried = editor_api.post(f"/api/v1/ai-jobs/{failed.pk}/retry/")
    assert retried.status_code == 200
    _check(schema, "post", "/api/v1/ai-jobs/{id}/retry/", retried)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("done", 2)
    again = editor_api.post(f"/api/v1/ai-jobs/{failed.pk}/retry/")
    assert again.status_code == 400  # only a failed job can be retried
    detail = editor_api.get(f"/api/v1/ai-jobs/{failed.pk}/")
    _check(schema, "get", "/api/v1/ai-jobs/{id}/", detail)
    assert detail.json()["duration_seconds"] >= 0


def test_the_jobs_list_costs_the_same_queries_for_many_jobs(editor_api, django_assert_max_num_queries):
    for _ in range(30):
        services.aijob_request(post=PostFactory(), kind=AIJob.Kind.SUMMARIZE, language="en")
    with django_assert_max_num_queries(6):
        response = editor_api.get("/api/v1/ai-jobs/")
    assert response.json()["count"] == 30


def test_odd_job_ids_and_filters_are_4xx_never_a_500(editor_api):
    for path in ("/api/v1/ai-jobs/²/", "/api/v1/ai-jobs/99999999999999999999999/", "/api/v1/ai-jobs/0/"):
        assert editor_api.get(path).status_code == 404, path
        assert editor_api.post(path + "retry/").status_code == 404, path
    for params in ({"post": "99999999999999999999"}, {"post": "1.5"}, {"kind": "dance"}, {"language": "fr"}):
        response = editor_api.get("/api/v1/ai-jobs/", params)
        assert response.status_code == 400, params
        assert next(iter(params)) in response.json()["errors"]
