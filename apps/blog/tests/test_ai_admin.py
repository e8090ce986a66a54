"""The AI tools of the admin: translate buttons, the side-by-side review page, key points, jobs, glossary."""

import pytest
from django.urls import reverse

from apps.accounts.tests.factories import UserFactory
from apps.blog import services
from apps.blog.models import AIJob, GlossaryTerm, KeyPoints, Post, TranslationDraft

from .factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def post():
    return PostFactory(
        source_language="zh-hans",
        title_zh_hans="向量数据库入门",
        body_zh_hans="## 原理\n\n向量数据库很快。它们存储嵌入向量。搜索时返回最近的邻居。\n",
        summary_zh_hans="",
        title_en="",
        summary_en="",
        body_en="",
    )


def _review_url(post) -> str:
    return reverse("admin:blog_post_translations", args=[post.pk])


def test_the_change_form_offers_translation_into_the_other_language(qwen, editor_client, post):
    page = editor_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert 'lang="en">Translate to English</button>' in page
    assert "翻译成中文" not in page  # the post is written in Chinese
    assert "Regenerate stale" in page
    assert _review_url(post) in page
    assert "title: Missing" in page  # the state of each field
    english = PostFactory(source_language="en")
    page = editor_client.get(reverse("admin:blog_post_change", args=[english.pk])).content.decode()
    assert 'lang="zh-hans">翻译成中文</button>' in page


def test_without_a_key_the_admin_says_translation_is_unavailable(no_ai_key, editor_client, post):
    page = editor_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert "Translation is unavailable: set QWEN_API_KEY" in page
    assert "disabled" in page
    response = editor_client.post(_review_url(post), {"action": "translate", "language": "en"}, follow=True)
    assert "Translation is unavailable: set QWEN_API_KEY" in response.content.decode()
    assert not AIJob.objects.exists()


def test_an_editor_translates_and_reviews_side_by_side(
    qwen, editor_client, post, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(_review_url(post), {"action": "translate", "language": "en"})
    assert response.status_code == 302
    page = editor_client.get(_review_url(post)).content.decode()
    assert "Translation (English)" in page  # done, or queued (it runs after the commit)
    title = TranslationDraft.objects.get(post=post, field="title")
    anchor = f"post-{post.pk}-title-en"
    # Source and editable draft next to each other, with accept and reject.
    assert f'<textarea id="{anchor}-source" rows="3" readonly lang="zh-hans">向量数据库入门</textarea>' in page
    assert f'<textarea id="{anchor}-draft" name="text" rows="3" lang="en">{title.text}</textarea>' in page
    assert 'value="accept"' in page
    assert 'value="reject"' in page
    assert "<script>" not in page  # CSP: no inline script
    response = editor_client.post(
        _review_url(post), {"action": "accept", "draft": title.pk, "text": "Vector databases\r\n"}, follow=True
    )
    assert "Accepted: readers now see this translation." in response.content.decode()
    post.refresh_from_db()
    assert post.title_en == "Vector databases"
    body = TranslationDraft.objects.get(post=post, field="body")
    editor_client.post(_review_url(post), {"action": "reject", "draft": body.pk})
    body.refresh_from_db()
    assert body.state == "rejected"


def test_an_invalid_edit_is_shown_with_its_error_and_kept(
    qwen, editor_client, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.translation_request(post=post, by=None)
    title = TranslationDraft.objects.get(post=post, field="title")
    long = "A title far too long " * 12
    response = editor_client.post(_review_url(post), {"action": "accept", "draft": title.pk, "text": long})
    assert response.status_code == 400
    page = response.content.decode()
    assert "At most 200 characters here" in page
    assert long in page
    post.refresh_from_db()
    assert post.title_en == ""


def test_key_points_are_written_and_published_from_the_review_page(
    no_ai_key, editor_client, post, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(_review_url(post), {"action": "key_points", "language": "zh-hans"})
    record = KeyPoints.objects.get(post=post, language="zh-hans")
    assert record.provider == "local"
    page = editor_client.get(_review_url(post)).content.decode()
    assert 'name="points"' in page
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            _review_url(post), {"action": "points_accept", "language": "zh-hans", "points": "第一点\r\n\r\n第二点\r\n"}
        )
    record.refresh_from_db()
    assert record.published_points == ["第一点", "第二点"]
    assert "<li>第一点</li>" in client.get(f"/zh-hans/posts/{post.slug}/").content.decode()


def test_odd_input_on_the_review_page_is_never_a_500(editor_client, post):
    assert editor_client.post(_review_url(post), {"action": "accept", "draft": "٣"}).status_code == 404
    assert (
        editor_client.post(_review_url(post), {"action": "accept", "draft": "99999999999999999999"}).status_code == 404
    )
    assert editor_client.post(_review_url(post), {"action": "explode"}).status_code == 400
    assert editor_client.post(_review_url(post), {"action": "retry", "job": "x"}).status_code == 404
    assert editor_client.post(_review_url(post), {"action": "points_accept", "language": "en"}).status_code == 404
    response = editor_client.post(_review_url(post), {"action": "translate", "language": "fr"})
    assert response.status_code == 400


def test_staff_without_the_right_to_change_posts_cannot_review(client, post):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(_review_url(post)).status_code == 403


def test_the_jobs_admin_lists_jobs_and_retries_failed_ones(
    qwen, editor_client, post, django_capture_on_commit_callbacks
):
    qwen.fail("400")
    with django_capture_on_commit_callbacks(execute=True):
        services.translation_request(post=post, by=None)
    failed = AIJob.objects.get(post=post)
    done = AIJob.objects.create(post=PostFactory(), kind="summarize", language="en", status="done")
    listing = editor_client.get(reverse("admin:blog_aijob_changelist")).content.decode()
    assert "DashScope answered 400" not in listing  # the error is on the job's page
    assert f"{failed.pk}" in listing
    detail = editor_client.get(reverse("admin:blog_aijob_change", args=[failed.pk])).content.decode()
    assert "DashScope answered 400" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:blog_aijob_changelist"),
            {"action": "retry", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "1 job queued again." in page
    assert "1 job had not failed and was left alone." in page
    failed.refresh_from_db()
    assert failed.status == "done"
    jobs = editor_client.get(reverse("admin:blog_post_ai_jobs", args=[post.pk])).json()
    assert jobs == {
        "active": False,
        "jobs": [{"id": failed.pk, "status": "done", "status_label": "Done", "progress": 100, "error": ""}],
    }


def test_changelist_actions_translate_and_write_key_points(
    qwen, editor_client, post, django_capture_on_commit_callbacks
):
    url = reverse("admin:blog_post_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"action": "translate_selected", "_selected_action": [post.pk]}, follow=True)
    assert "1 post: translation queued" in response.content.decode()
    assert TranslationDraft.objects.filter(post=post, state="machine_draft").exists()
    pending = editor_client.get(url, {"drafts": "pending"}).content.decode()
    assert "向量数据库入门" in pending
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, {"action": "key_points_selected", "_selected_action": [post.pk]})
    assert set(KeyPoints.objects.filter(post=post).values_list("language", flat=True)) == {"zh-hans", "en"}


def test_glossary_terms_are_edited_in_the_admin_with_their_rules(editor_client):
    url = reverse("admin:blog_glossaryterm_add")
    data = {"source_language": "zh-hans", "target_language": "en", "term": "向量", "translation": "vector", "note": ""}
    assert editor_client.post(url, data).status_code == 302
    again = editor_client.post(url, data)
    assert "already has a translation in this direction" in again.content.decode()
    same = editor_client.post(url, {**data, "term": "嵌入", "target_language": "zh-hans"})
    assert "Choose two different languages." in same.content.decode()
    assert GlossaryTerm.objects.count() == 1
    assert Post.objects.count() == 0


def test_odd_post_ids_in_admin_urls_are_never_a_500(editor_client):
    for path in ("/admin/blog/post/²/change/", "/admin/blog/post/99999999999999999999999/change/"):
        response = editor_client.get(path)
        assert response.status_code == 302, path  # Django's own "no such post" redirect
        assert response["Location"] == "/admin/"
    huge = "99999999999999999999999"
    assert editor_client.get(f"/admin/blog/post/{huge}/translations/").status_code == 404
    assert editor_client.get(f"/admin/blog/post/{huge}/translations/jobs/").status_code == 404
