from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.blog import services
from apps.blog.errors import IllegalTransition
from apps.blog.models import AccessGrant, Post, PostRevision, Tag
from apps.blog.selectors import post_get_published, user_can_download_project, user_can_read_post
from apps.blog.signals import content_changed, post_published, post_unpublished

from .factories import PostFactory, ProjectFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def _create(editor, **extra):
    data = {"title_zh_hans": "用中文写的文章", "body_zh_hans": "## 第一节\n\n正文。", "source_language": "zh-hans"}
    return services.post_create(by=editor, data={**data, **extra})


def test_creating_a_post_records_a_first_revision_with_who_and_when(editor):
    post = _create(editor, section=SectionFactory(), tags=["Python", "随笔"])
    revision = post.revisions.get()
    assert revision.created_by == editor
    assert revision.data["title_zh_hans"] == "用中文写的文章"
    assert revision.data["tag_ids"] == sorted(post.tags.values_list("pk", flat=True))
    assert post.status == Post.Status.DRAFT
    assert post.author == editor
    assert post.slug == "yong-zhong-wen-xie-de-wen-zhang"
    assert Tag.objects.count() == 2


def test_every_update_records_another_revision(editor):
    post = _create(editor)
    services.post_update(post=post, by=editor, data={"title_en": "Written in Chinese"})
    services.post_update(post=post, by=editor, data={"body_en": "## One\n\nText."})
    assert post.revisions.count() == 3
    assert post.revisions.first().data["body_en"] == "## One\n\nText."
    assert "One" in Post.objects.get(pk=post.pk).body_html_en


def test_update_refuses_unknown_fields_and_illegal_transitions(editor):
    post = _create(editor, status="archived")
    with pytest.raises(ValidationError):
        services.post_update(post=post, by=editor, data={"no_such_field": 1})
    with pytest.raises(IllegalTransition):
        services.post_update(post=post, by=editor, data={"status": "scheduled", "published_at": timezone.now()})
    assert Post.objects.get(pk=post.pk).status == Post.Status.ARCHIVED


def test_restoring_a_revision_brings_back_text_and_tags_but_not_the_status(editor):
    first_tag, second_tag = TagFactory(), TagFactory()
    post = _create(editor, title_en="First title", tags=[first_tag])
    original = post.revisions.get()
    services.post_update(post=post, by=editor, data={"title_en": "Second title", "tags": [second_tag]})
    services.post_publish(post=post, by=editor)

    restored = services.post_revision_restore(revision=original, by=editor)
    assert restored.title_en == "First title"
    assert list(restored.tags.all()) == [first_tag]
    assert restored.status == Post.Status.PUBLISHED
    assert restored.revisions.count() == 4


def test_publish_unpublish_and_archive_send_signals_after_commit(editor, django_capture_on_commit_callbacks):
    received = []
    post_published.connect(lambda **kw: received.append(("published", kw["post"].pk)), weak=False, dispatch_uid="t1")
    post_unpublished.connect(
        lambda **kw: received.append(("unpublished", kw["post"].pk)), weak=False, dispatch_uid="t2"
    )
    try:
        post = _create(editor)
        with django_capture_on_commit_callbacks(execute=True):
            services.post_publish(post=post, by=editor)
        assert post_get_published(slug=post.slug) == post
        with django_capture_on_commit_callbacks(execute=True):
            services.post_unpublish(post=post, by=editor)
        assert post_get_published(slug=post.slug) is None
    finally:
        post_published.disconnect(dispatch_uid="t1")
        post_unpublished.disconnect(dispatch_uid="t2")
    assert received == [("published", post.pk), ("unpublished", post.pk)]


def test_saving_any_blog_content_announces_content_changed(editor, django_capture_on_commit_callbacks):
    seen = []
    content_changed.connect(lambda **kw: seen.append(kw["post_ids"]), weak=False, dispatch_uid="t3")
    try:
        tag = TagFactory()
        post = PostFactory()
        with django_capture_on_commit_callbacks(execute=True):
            post.tags.add(tag)
            tag.name_en = "Renamed"
            tag.save()
    finally:
        content_changed.disconnect(dispatch_uid="t3")
    assert seen == [[post.pk], [post.pk]]


def test_a_scheduled_post_is_hidden_until_its_time_then_the_flip_task_tidies_its_status(editor):
    post = _create(editor)
    at = timezone.now() + timedelta(hours=2)
    services.post_schedule(post=post, at=at, by=editor)
    assert post_get_published(slug=post.slug) is None

    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))  # time passes
    assert post_get_published(slug=post.slug) == post  # visible with no cron
    from apps.blog.tasks import scheduled_posts_flip

    assert scheduled_posts_flip() == 1
    assert scheduled_posts_flip() == 0  # idempotent
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


def test_publishing_with_a_future_time_schedules_instead(editor):
    post = _create(editor)
    services.post_publish(post=post, by=editor, at=timezone.now() + timedelta(days=1))
    assert post.status == Post.Status.SCHEDULED


def test_a_preview_link_opens_a_draft_until_revoked(editor):
    post = _create(editor)
    link = services.preview_link_create(post=post, by=editor)
    assert link.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert services.preview_link_resolve(token=link.token) == post
    services.preview_link_revoke(link=link)
    assert services.preview_link_resolve(token=link.token) is None


def test_a_preview_link_stops_working_when_it_expires(editor):
    link = services.preview_link_create(post=_create(editor), by=editor, days=1)
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert services.preview_link_resolve(token=link.token) is None


def test_a_forged_or_tampered_preview_token_resolves_to_nothing(editor):
    link = services.preview_link_create(post=_create(editor), by=editor)
    assert services.preview_link_resolve(token=link.key) is None  # the bare key, unsigned
    assert services.preview_link_resolve(token=link.token[:-1] + ("A" if link.token[-1] != "A" else "B")) is None
    assert services.preview_link_resolve(token="") is None


def test_access_grants_open_premium_posts_and_projects_and_revoking_closes_them(reader):
    post = PostFactory(is_premium=True)
    project = ProjectFactory(price=1500)
    assert not user_can_read_post(user=reader, post=post)
    assert not user_can_download_project(user=reader, project=project)

    services.access_grant_create(user=reader, post=post, source="purchase", reference="INV-1")
    services.access_grant_create(user=reader, post=post, source="purchase", reference="INV-1")  # idempotent
    services.access_grant_create(user=reader, project=project)
    assert AccessGrant.objects.filter(user=reader).count() == 2
    assert user_can_read_post(user=reader, post=post)
    assert user_can_download_project(user=reader, project=project)

    assert services.access_grant_revoke(user=reader, post=post) == 1
    assert services.access_grant_revoke(user=reader, post=post) == 0
    assert not user_can_read_post(user=reader, post=post)
    services.access_grant_create(user=reader, post=post, source="purchase", reference="INV-2")
    assert user_can_read_post(user=reader, post=post)


def test_an_access_grant_needs_exactly_one_target(reader):
    with pytest.raises(ValidationError):
        services.access_grant_create(user=reader)
    with pytest.raises(ValidationError):
        services.access_grant_create(user=reader, post=PostFactory(), project=ProjectFactory())


def test_tag_get_or_create_finds_tags_by_either_language_name():
    tag = services.tag_get_or_create(name="Python", name_other="蟒蛇")
    assert services.tag_get_or_create(name="python") == tag
    assert services.tag_get_or_create(name="蟒蛇", language="zh-hans") == tag
    chinese = services.tag_get_or_create(name="随笔", language="zh-hans")
    assert chinese.slug == "sui-bi"
    assert chinese.name_zh_hans == "随笔"
    with pytest.raises(ValidationError):
        services.tag_get_or_create(name="  ")


def test_revisions_are_kept_per_post_newest_first(editor):
    post = _create(editor)
    services.post_update(post=post, by=editor, data={"summary_en": "s"})
    assert [r.note for r in PostRevision.objects.filter(post=post)] == ["edited", "created"]


def test_restoring_a_revision_whose_cover_was_deleted_since_restores_it_without_the_cover(editor):
    # Found by schemathesis (make fuzz): the cover's asset deleted, then `restore` answered 500 (foreign key).
    from apps.media.models import Asset

    cover = Asset.objects.create(owner=editor, kind="image", file="assets/r/1.jpg", mime_type="image/jpeg", sha256="r")
    post = _create(editor, title_en="With a cover", cover=cover)
    original = post.revisions.get()
    services.post_update(post=post, by=editor, data={"title_en": "Changed"})
    cover.delete()

    restored = services.post_revision_restore(revision=original, by=editor)
    assert restored.title_en == "With a cover"
    assert restored.cover_id is None
