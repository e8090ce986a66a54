"""The editorial back office, as an editor (and a reader) uses it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.blog import services
from apps.blog.models import AccessGrant, Post, PostRevision, PreviewLink
from apps.blog.tests.factories import PostFactory, ProjectFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:blog_post_changelist")
ADD = reverse("admin:blog_post_add")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _form(**overrides):
    """The post change form's fields, as the browser posts them."""
    data = {
        "title_en": "",
        "title_zh_hans": "",
        "slug": "",
        "source_language": "en",
        "summary_en": "",
        "summary_zh_hans": "",
        "body_en": "",
        "body_zh_hans": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "section": "",
        "author": "",
        "cover": "",
        "seo_title_en": "",
        "seo_title_zh_hans": "",
        "seo_description_en": "",
        "seo_description_zh_hans": "",
        "seo_keywords_en": "",
        "seo_keywords_zh_hans": "",
        "price": "0",
        "currency": "NZD",
    }
    data.update(overrides)
    return data


def _action(client, action, posts, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in posts], **extra}, follow=True)


def test_readers_cannot_reach_the_admin(client, reader):
    client.force_login(reader)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editors_see_the_changelist_with_filters(editor_client):
    PostFactory(title_en="Visible in the list")
    response = editor_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Visible in the list" in html
    for label in ("By status", "By section", "By languages", "By featured", "By premium"):
        assert label in html


@pytest.mark.parametrize("count", [5, 50])
def test_the_changelist_query_count_does_not_grow_with_posts(editor_client, django_assert_max_num_queries, count):
    tags = TagFactory.create_batch(3)
    for _ in range(count):
        PostFactory(tags=tags)
    # 11: the author filter lists the authors who have posts (one query), however many posts there are.
    with django_assert_max_num_queries(11):
        response = editor_client.get(CHANGELIST)
    assert response.status_code == 200


def test_the_language_filter_finds_posts_missing_a_translation(editor_client):
    PostFactory(title_en="Bilingual post")
    PostFactory(title_en="English only", title_zh_hans="", body_zh_hans="")
    html = editor_client.get(CHANGELIST, {"languages": "missing-zh-hans"}).content.decode()
    assert "English only" in html
    assert "Bilingual post" not in html


def test_search_finds_chinese_titles(editor_client):
    PostFactory(title_zh_hans="数据库索引笔记")
    PostFactory(title_zh_hans="别的")
    html = editor_client.get(CHANGELIST, {"q": "数据库"}).content.decode()
    assert "1 result" in html


def test_the_change_form_has_both_language_tabs_and_the_live_preview(editor_client):
    post = PostFactory()
    html = editor_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert 'name="title_en"' in html
    assert 'name="title_zh_hans"' in html
    assert "modeltranslation/js/tabbed_translation_fields.js" in html
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html  # served locally, no CDN
    assert "googleapis" not in html
    assert "blog/admin/markdown_preview.js" in html
    assert '<h2 id="introduction">Introduction</h2>' in html  # the rendered body, even without JavaScript


def test_an_editor_creates_a_chinese_post_and_a_revision_is_recorded(editor_client, editor):
    section = SectionFactory()
    tag = TagFactory()
    response = editor_client.post(
        ADD,
        _form(
            title_zh_hans="你好世界",
            body_zh_hans="## 标题\n\n正文。",
            source_language="zh-hans",
            section=section.pk,
            tags=[tag.pk],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get()
    assert post.slug == "ni-hao-shi-jie"
    assert post.author is None or post.author == editor
    assert 'id="标题"' in post.body_html_zh_hans
    revision = post.revisions.get()
    assert revision.created_by == editor
    assert revision.data["tag_ids"] == [tag.pk]


def test_a_title_is_required_in_the_source_language_only(editor_client):
    response = editor_client.post(ADD, _form(title_en="English", source_language="zh-hans"))
    assert response.status_code == 200
    assert "title_zh_hans" in response.context["adminform"].form.errors
    assert Post.objects.count() == 0


def test_the_form_refuses_an_illegal_status_move(editor_client):
    post = PostFactory()  # published
    response = editor_client.post(
        reverse("admin:blog_post_change", args=[post.pk]),
        _form(title_en="Edited", status="scheduled", published_at_0="2099-01-01", published_at_1="10:00:00"),
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    post.refresh_from_db()
    assert post.status == "published"


def test_scheduling_in_the_form_needs_a_future_time(editor_client):
    post = PostFactory(draft=True)
    response = editor_client.post(
        reverse("admin:blog_post_change", args=[post.pk]),
        _form(title_en="T", status="scheduled", published_at_0="2001-01-01", published_at_1="10:00:00"),
    )
    assert "published_at" in response.context["adminform"].form.errors


def test_editing_a_published_post_keeps_its_date(editor_client):
    post = PostFactory()
    at = timezone.localtime(post.published_at)
    response = editor_client.post(
        reverse("admin:blog_post_change", args=[post.pk]),
        _form(
            title_en="New title",
            status="published",
            published_at_0=f"{at:%Y-%m-%d}",
            published_at_1=f"{at:%H:%M:%S}",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post.refresh_from_db()
    assert post.title_en == "New title"
    assert abs((post.published_at - at).total_seconds()) < 1


def test_a_body_over_the_limit_is_a_form_error(editor_client, settings):
    settings.BLOG_BODY_MAX_CHARS = 10
    response = editor_client.post(ADD, _form(title_en="T", body_en="x" * 11))
    assert "body_en" in response.context["adminform"].form.errors


def test_bulk_actions_publish_schedule_archive_and_feature(editor_client):
    drafts = PostFactory.create_batch(2, draft=True)
    _action(editor_client, "publish", drafts)
    assert set(Post.objects.values_list("status", flat=True)) == {"published"}
    _action(editor_client, "feature", drafts)
    assert Post.objects.filter(is_featured=True).count() == 2
    _action(editor_client, "archive", drafts)
    assert set(Post.objects.values_list("status", flat=True)) == {"archived"}
    _action(editor_client, "unpublish", drafts)
    when = timezone.localtime(timezone.now() + timedelta(days=2))
    response = _action(editor_client, "schedule", drafts, at=f"{when:%Y-%m-%dT%H:%M}")
    assert "2 posts scheduled" in response.content.decode()
    assert set(Post.objects.values_list("status", flat=True)) == {"scheduled"}
    assert PostRevision.objects.filter(post=drafts[0]).count() == 5


def test_an_illegal_bulk_move_is_reported_not_applied(editor_client):
    published = PostFactory()
    draft = PostFactory(draft=True)
    when = timezone.localtime(timezone.now() + timedelta(days=2))
    response = _action(editor_client, "schedule", [published, draft], at=f"{when:%Y-%m-%dT%H:%M}")
    html = response.content.decode()
    assert "1 post scheduled" in html
    assert "cannot go from published to scheduled" in html
    published.refresh_from_db()
    assert published.status == "published"


def test_scheduling_without_a_time_says_so(editor_client):
    draft = PostFactory(draft=True)
    response = _action(editor_client, "schedule", [draft])
    assert "Give a date and time" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_live_preview_renders_and_sanitizes(editor_client):
    url = reverse("admin:blog_post_markdown_preview")
    response = editor_client.post(url, {"body": "## Hi\n\n<script>alert(1)</script>", "language": "en"})
    assert response.status_code == 200
    assert '<h2 id="hi">Hi</h2>' in response.json()["html"]
    assert "<script" not in response.json()["html"]


def test_readers_cannot_use_the_live_preview(client, reader):
    client.force_login(reader)
    response = client.post(reverse("admin:blog_post_markdown_preview"), {"body": "x"})
    assert response.status_code == 302


def test_the_preview_link_button_creates_a_link_and_shows_its_url(editor_client):
    post = PostFactory(draft=True)
    response = editor_client.post(reverse("admin:blog_post_preview_link", args=[post.pk]), follow=True)
    link = PreviewLink.objects.get(post=post)
    html = response.content.decode()
    # The token is signed with a timestamp, so read it back from the page rather than recomputing it.
    tokens = re.findall(r'href="http://testserver/(en|zh-hans)/preview/([^/"]+)/"', html)
    assert {language for language, _token in tokens} == {"en", "zh-hans"}
    assert all(services.preview_link_resolve(token=token) == post for _language, token in tokens)
    assert link.expires_at > timezone.now() + timedelta(days=6)


def test_the_revision_history_shows_a_diff_and_restores(editor_client):
    post = PostFactory(draft=True, body_en="line one\nline two")
    edit = reverse("admin:blog_post_change", args=[post.pk])
    editor_client.post(edit, _form(title_en="First", body_en="line one\nline two"))
    editor_client.post(edit, _form(title_en="Second", body_en="line one\nline 2"))
    older, newer = PostRevision.objects.filter(post=post).order_by("created_at", "id")
    history = reverse("admin:blog_post_revisions", args=[post.pk])
    html = editor_client.get(history, {"a": older.pk, "b": newer.pk}).content.decode()
    # Word-level: only the changed words are marked.
    assert "<del>First</del><ins>Second</ins>" in html
    assert "<span>line one\nline </span><del>two</del><ins>2</ins>" in html
    restore = reverse("admin:blog_post_revision_restore", args=[post.pk, older.pk])
    editor_client.post(restore)
    post.refresh_from_db()
    assert post.title_en == "First"
    assert post.body_en == "line one\nline two"


def test_editors_grant_access_to_a_premium_post(editor_client):
    post = PostFactory(is_premium=True)
    user = UserFactory()
    response = editor_client.post(
        reverse("admin:blog_accessgrant_add"),
        {"user": user.pk, "post": post.pk, "project": "", "source": "manual", "reference": "gift"},
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert (grant.user, grant.post, grant.reference) == (user, post, "gift")


def test_a_grant_needs_exactly_one_target(editor_client):
    response = editor_client.post(
        reverse("admin:blog_accessgrant_add"),
        {"user": UserFactory().pk, "post": PostFactory().pk, "project": ProjectFactory().pk, "source": "manual"},
    )
    assert response.status_code == 200
    assert AccessGrant.objects.count() == 0


@pytest.mark.parametrize("name", ["section", "tag", "project", "accessgrant", "previewlink", "postrevision"])
def test_every_blog_changelist_opens_for_editors(editor_client, name):
    PostFactory()
    ProjectFactory()
    assert editor_client.get(reverse(f"admin:blog_{name}_changelist")).status_code == 200


def test_editors_revoke_and_reactivate_grants(editor_client):
    grant = AccessGrant.objects.create(user=UserFactory(), post=PostFactory(is_premium=True))
    url = reverse("admin:blog_accessgrant_changelist")
    editor_client.post(url, {"action": "revoke", "_selected_action": [grant.pk]})
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    editor_client.post(url, {"action": "reactivate", "_selected_action": [grant.pk]})
    grant.refresh_from_db()
    assert grant.revoked_at is None
