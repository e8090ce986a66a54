"""The content API: what the public, readers and editors see and may do."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.blog.models import Post, PostRevision
from apps.blog.tests.factories import (
    AccessGrantFactory,
    PostFactory,
    ProjectFactory,
    SectionFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

POSTS = "/api/v1/posts/"


def _slugs(response) -> set[str]:
    return {item["slug"] for item in response.json()["results"]}


def test_the_public_list_holds_live_posts_only(api_client):
    live = PostFactory()
    due = PostFactory(status=Post.Status.SCHEDULED, published_at=timezone.now() - timedelta(minutes=1))
    hidden = [PostFactory(draft=True), PostFactory(scheduled=True), PostFactory(archived=True)]
    response = api_client.get(POSTS)
    assert response.status_code == 200
    assert _slugs(response) == {live.slug, due.slug}
    for post in hidden:
        assert api_client.get(f"{POSTS}{post.slug}/").status_code == 404


def test_editors_see_drafts_in_the_list_and_by_slug(api_client, editor):
    draft = PostFactory(draft=True)
    api_client.force_authenticate(editor)
    assert draft.slug in _slugs(api_client.get(POSTS))
    body = api_client.get(f"{POSTS}{draft.slug}/").json()
    assert body["status"] == "draft"
    assert body["title_zh_hans"] == draft.title_zh_hans  # editors get every language's source


def test_readers_cannot_write_or_publish(api_client, reader):
    post = PostFactory()
    api_client.force_authenticate(reader)
    assert api_client.post(POSTS, {"title_en": "Mine"}).status_code == 403
    assert api_client.post(f"{POSTS}{post.slug}/unpublish/").status_code == 403
    api_client.force_authenticate(None)
    assert api_client.patch(f"{POSTS}{post.slug}/", {"title_en": "X"}).status_code == 401


def test_language_comes_from_lang_then_accept_language(api_client):
    post = PostFactory(title_en="Hello", title_zh_hans="你好")
    url = f"{POSTS}{post.slug}/"
    assert api_client.get(url).json()["title"] == "Hello"
    response = api_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans,zh;q=0.9")
    assert response.json()["title"] == "你好"
    assert response.json()["language"] == "zh-hans"
    assert "Accept-Language" in response["Vary"]
    response = api_client.get(url, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.json()["title"] == "Hello"
    assert response["Content-Language"] == "en"


def test_an_unknown_lang_is_a_400_naming_it(api_client):
    response = api_client.get(POSTS, {"lang": "fr"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_language"
    assert "lang" in response.json()["errors"]


def test_a_missing_translation_falls_back_and_says_so(api_client):
    post = PostFactory(source_language="zh-hans", title_en="", summary_en="", body_en="", title_zh_hans="只有中文")
    body = api_client.get(f"{POSTS}{post.slug}/", {"lang": "en"}).json()
    assert body["title"] == "只有中文"
    assert body["translation_status"]["status"] == "fallback"
    assert body["translation_status"]["shown_language"] == "zh-hans"
    assert "title" in body["translation_status"]["missing_fields"]


@pytest.mark.parametrize(("lang", "label"), [("en", "Anonymous"), ("zh-hans", "匿名")])
def test_an_author_without_a_display_name_is_a_neutral_label_never_an_email(api_client, lang, label):
    author = UserFactory(email="acc-admin-7f3a@example.com", display_name="")
    post = PostFactory(author=author)
    for url in (POSTS, f"{POSTS}{post.slug}/"):
        response = api_client.get(url, {"lang": lang})
        assert "@" not in response.content.decode(), url
        data = response.json()
        assert (data["results"][0] if "results" in data else data)["author"] == label


def test_the_author_is_the_display_name_when_there_is_one(api_client):
    post = PostFactory(author=UserFactory(display_name="Ada Writer"))
    assert api_client.get(f"{POSTS}{post.slug}/").json()["author"] == "Ada Writer"
    assert api_client.get(POSTS).json()["results"][0]["author"] == "Ada Writer"


def test_premium_bodies_are_omitted_without_a_grant(api_client, reader):
    post = PostFactory(is_premium=True, body_en="The secret recipe.")
    url = f"{POSTS}{post.slug}/"
    body = api_client.get(url).json()
    assert body["locked"] is True
    assert body["body_html"] is None
    assert body["summary"] == "A short summary."
    AccessGrantFactory(user=reader, post=post)
    api_client.force_authenticate(reader)
    body = api_client.get(url).json()
    assert body["locked"] is False
    assert "secret recipe" in body["body_html"]


def test_the_list_filters_by_section_tag_featured_and_month(api_client):
    parent = SectionFactory()
    child = SectionFactory(parent=parent)
    tag = TagFactory()
    in_child = PostFactory(section=child, tags=[tag])
    featured = PostFactory(is_featured=True)
    old = PostFactory(published_at=datetime(2020, 3, 5, tzinfo=UTC))
    assert _slugs(api_client.get(POSTS, {"section": parent.slug})) == {in_child.slug}
    assert _slugs(api_client.get(POSTS, {"tag": tag.slug})) == {in_child.slug}
    assert _slugs(api_client.get(POSTS, {"featured": "true"})) == {featured.slug}
    assert _slugs(api_client.get(POSTS, {"year": 2020, "month": 3})) == {old.slug}


def test_an_unknown_section_filter_matches_nothing(api_client):
    # The schema cannot list today's slugs: a section that does not exist has no posts (not a 400).
    PostFactory()
    response = api_client.get(POSTS, {"section": "nope"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_search_looks_in_the_current_language_including_chinese(api_client):
    match = PostFactory(body_zh_hans="我们讨论了数据库索引。", body_en="We talked about indexes.")
    PostFactory()
    assert _slugs(api_client.get(POSTS, {"search": "数据库", "lang": "zh-hans"})) == {match.slug}
    assert _slugs(api_client.get(POSTS, {"search": "数据库", "lang": "en"})) == set()
    assert _slugs(api_client.get(POSTS, {"search": "indexes"})) == {match.slug}


def test_search_is_no_oracle_for_premium_bodies(api_client, reader, editor):
    premium = PostFactory(is_premium=True, title_en="Locked", body_en="The treasure is under the oak.")
    assert api_client.get(POSTS, {"search": "oak"}).json()["count"] == 0
    assert _slugs(api_client.get(POSTS, {"search": "locked"})) == {premium.slug}
    api_client.force_authenticate(reader)
    assert api_client.get(POSTS, {"search": "oak"}).json()["count"] == 0
    AccessGrantFactory(user=reader, post=premium)
    assert _slugs(api_client.get(POSTS, {"search": "oak"})) == {premium.slug}
    api_client.force_authenticate(editor)
    assert _slugs(api_client.get(POSTS, {"search": "oak"})) == {premium.slug}


def test_search_matches_tag_names_in_the_response_language(api_client):
    tagged = PostFactory(tags=[TagFactory(name_en="Lighthouses", name_zh_hans="灯塔")])
    PostFactory()
    assert _slugs(api_client.get(POSTS, {"search": "lighthouses"})) == {tagged.slug}
    assert _slugs(api_client.get(POSTS, {"search": "灯塔", "lang": "zh-hans"})) == {tagged.slug}


def test_ordering_by_published_at(api_client):
    older = PostFactory(published_at=timezone.now() - timedelta(days=3))
    newer = PostFactory(published_at=timezone.now() - timedelta(days=1))
    results = api_client.get(POSTS, {"ordering": "published_at"}).json()["results"]
    assert [r["slug"] for r in results] == [older.slug, newer.slug]


def test_an_editor_creates_a_chinese_draft_then_translates_and_schedules_it(api_client, editor):
    section = SectionFactory()
    api_client.force_authenticate(editor)
    response = api_client.post(
        POSTS,
        {
            "title_zh_hans": "你好世界",
            "body_zh_hans": "## 标题\n\n正文。",
            "source_language": "zh-hans",
            "section": section.pk,
            "tags": ["Django", "数据库"],
        },
    )
    assert response.status_code == 201, response.json()
    slug = response.json()["slug"]
    assert slug == "ni-hao-shi-jie"
    assert response.json()["status"] == "draft"
    assert sorted(t["name"] for t in response.json()["tags"]) == ["Django", "数据库"]
    response = api_client.patch(f"{POSTS}{slug}/", {"title_en": "Hello world", "body_en": "Body."})
    assert response.status_code == 200
    at = timezone.now() + timedelta(hours=2)
    response = api_client.post(f"{POSTS}{slug}/schedule/", {"at": at.isoformat()})
    assert response.status_code == 200
    assert response.json()["status"] == "scheduled"
    api_client.force_authenticate(None)
    assert api_client.get(f"{POSTS}{slug}/").status_code == 404
    Post.objects.filter(slug=slug).update(published_at=timezone.now() - timedelta(seconds=1))
    assert api_client.get(f"{POSTS}{slug}/", {"lang": "en"}).json()["title"] == "Hello world"
    assert PostRevision.objects.filter(post__slug=slug).count() == 3


def test_write_validation_names_the_field(api_client, editor, settings):
    settings.BLOG_BODY_MAX_CHARS = 50
    PostFactory(slug="taken")
    api_client.force_authenticate(editor)
    cases = [
        ({"title_en": "A", "slug": "taken"}, "slug"),
        ({"title_en": "A", "section": 999999}, "section"),
        ({"title_en": "A", "body_en": "x" * 51}, "body_en"),
        ({"title_en": "A", "slug": "not a slug!"}, "slug"),
        ({"body_en": "No title in the source language"}, "title_en"),
    ]
    for data, field in cases:
        response = api_client.post(POSTS, data)
        assert response.status_code == 400, (data, response.json())
        assert field in response.json()["errors"], (data, response.json())
    assert Post.objects.count() == 1


def test_an_illegal_transition_is_a_400_with_a_clear_message(api_client, editor):
    post = PostFactory()
    api_client.force_authenticate(editor)
    response = api_client.post(
        f"{POSTS}{post.slug}/schedule/", {"at": (timezone.now() + timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"
    assert "published" in response.json()["detail"]
    past = (timezone.now() - timedelta(days=1)).isoformat()
    draft = PostFactory(draft=True)
    response = api_client.post(f"{POSTS}{draft.slug}/schedule/", {"at": past})
    assert response.status_code == 400
    assert response.json()["code"] == "schedule_in_past"


def test_publish_and_unpublish_actions(api_client, editor):
    draft = PostFactory(draft=True)
    api_client.force_authenticate(editor)
    assert api_client.post(f"{POSTS}{draft.slug}/publish/").json()["status"] == "published"
    api_client.force_authenticate(None)
    assert api_client.get(f"{POSTS}{draft.slug}/").status_code == 200
    api_client.force_authenticate(editor)
    assert api_client.post(f"{POSTS}{draft.slug}/unpublish/").json()["status"] == "draft"
    api_client.force_authenticate(None)
    assert api_client.get(f"{POSTS}{draft.slug}/").status_code == 404


def test_revisions_are_listed_and_one_can_be_restored(api_client, editor):
    api_client.force_authenticate(editor)
    slug = api_client.post(POSTS, {"title_en": "First title"}).json()["slug"]
    api_client.patch(f"{POSTS}{slug}/", {"title_en": "Second title"})
    revisions = api_client.get(f"{POSTS}{slug}/revisions/").json()["results"]
    assert [r["data"]["title_en"] for r in revisions] == ["Second title", "First title"]
    response = api_client.post(f"{POSTS}{slug}/restore/", {"revision": revisions[1]["id"]})
    assert response.status_code == 200
    assert response.json()["title_en"] == "First title"
    other = PostFactory()
    foreign = PostRevision.objects.create(post=other, data={"title_en": "x"})
    response = api_client.post(f"{POSTS}{slug}/restore/", {"revision": foreign.pk})
    assert response.status_code == 400
    assert "revision" in response.json()["errors"]


def test_revisions_are_for_editors_only(api_client, reader):
    post = PostFactory()
    api_client.force_authenticate(reader)
    assert api_client.get(f"{POSTS}{post.slug}/revisions/").status_code == 403


@pytest.mark.parametrize("count", [5, 30])
def test_the_post_list_query_count_is_flat(api_client, django_assert_max_num_queries, count):
    tags = TagFactory.create_batch(4)
    for _ in range(count):
        PostFactory(tags=tags)
    with django_assert_max_num_queries(10):
        response = api_client.get(POSTS)
    assert len(response.json()["results"]) == min(count, 20)


def test_the_post_detail_query_count_is_flat(api_client, reader, django_assert_max_num_queries):
    post = PostFactory(tags=TagFactory.create_batch(8), is_premium=True)
    for n in range(10):
        PostRevision.objects.create(post=post, data={"n": n})
    AccessGrantFactory(user=reader, post=post)
    api_client.force_authenticate(reader)
    with django_assert_max_num_queries(10):
        response = api_client.get(f"{POSTS}{post.slug}/")
    assert response.json()["locked"] is False


def test_sections_come_as_a_tree(api_client):
    root = SectionFactory(name_en="Blog")
    SectionFactory(name_en="Dev notes", parent=root)
    body = api_client.get("/api/v1/sections/").json()
    assert [s["name"] for s in body] == ["Blog"]
    assert [c["name"] for c in body[0]["children"]] == ["Dev notes"]


def test_tags_list_only_those_with_live_posts(api_client):
    used, unused = TagFactory(), TagFactory()
    PostFactory(tags=[used])
    PostFactory(draft=True, tags=[unused])
    body = api_client.get("/api/v1/tags/", {"lang": "zh-hans"}).json()
    assert [(t["slug"], t["post_count"]) for t in body["results"]] == [(used.slug, 1)]
    assert body["results"][0]["name"] == used.name_zh_hans


def test_projects_hide_unpublished_ones_and_never_link_the_attachment(api_client):
    shown = ProjectFactory(price=900)
    hidden = ProjectFactory(is_published=False)
    body = api_client.get("/api/v1/projects/").json()
    assert [p["slug"] for p in body["results"]] == [shown.slug]
    assert api_client.get(f"/api/v1/projects/{hidden.slug}/").status_code == 404
    detail = api_client.get(f"/api/v1/projects/{shown.slug}/").json()
    assert detail["is_for_sale"] is True
    assert detail["can_download"] is False
    assert "attachment" not in detail


def test_writes_use_the_write_throttle_scope(api_client, editor, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    # DRF reads the rates once at import; lower the "write" rate for this test only.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "write": "2/hour"})
    api_client.force_authenticate(editor)
    codes = [api_client.post(POSTS, {"title_en": f"T {n}"}).status_code for n in range(3)]
    assert codes == [201, 201, 429]
    assert api_client.get(POSTS).status_code == 200


@pytest.mark.parametrize("number", ["²", "٣", "\uff13", "0", "-1", " 1", "1.0", "99999999999999999999", "9" * 5000])
def test_an_odd_page_number_is_a_404_in_the_error_shape(api_client, number):
    PostFactory()
    response = api_client.get(POSTS, {"page": number})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page.", "code": "not_found", "errors": {}}


@pytest.mark.parametrize("size", ["²", "٣", "0", "-1", "1.0", "abc", "0" * 5000])
def test_an_odd_page_size_is_a_400_naming_it(api_client, size):
    PostFactory()
    response = api_client.get(POSTS, {"page_size": size})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "page_size": ["Enter a whole number from 1 to 100 (larger sizes count as 100)."]
    }


def test_a_huge_page_size_counts_as_100(api_client):
    PostFactory()
    response = api_client.get(POSTS, {"page_size": "99999999999999999"})
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "²"}, "year"),
        ({"year": "٣٠٠٠"}, "year"),
        ({"year": "2024.5"}, "year"),
        ({"year": "1e3"}, "year"),
        ({"year": "1969"}, "year"),
        ({"year": "9999"}, "year"),
        ({"year": "99999999999999999999"}, "year"),
        ({"month": "1.5"}, "month"),
        ({"month": "13"}, "month"),
        ({"month": "0"}, "month"),
    ],
)
def test_an_odd_year_or_month_filter_is_a_400_naming_it(api_client, settings, query, field):
    settings.TIME_ZONE = "America/New_York"  # west of UTC: the end of year 9999 is in year 10000 in UTC
    response = api_client.get(POSTS, query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
