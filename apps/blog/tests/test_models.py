from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from apps.accounts.tests.factories import UserFactory
from apps.blog.errors import IllegalTransition
from apps.blog.models import AccessGrant, Post, Section
from apps.blog.selectors import post_list_published

from .factories import PostFactory, ProjectFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_slug_comes_from_the_english_title():
    post = PostFactory(title_en="Hello, World!", title_zh_hans="你好")
    assert post.slug == "hello-world"


def test_slug_of_a_chinese_only_post_is_pinyin():
    post = PostFactory(title_en="", title_zh_hans="你好 世界", source_language="zh-hans")
    assert post.slug == "ni-hao-shi-jie"


def test_slug_collisions_get_a_numeric_suffix_instead_of_an_error():
    slugs = [PostFactory(title_en="Same title").slug for _ in range(3)]
    assert slugs == ["same-title", "same-title-2", "same-title-3"]


def test_an_editor_typed_slug_that_is_taken_gets_a_suffix():
    PostFactory(title_en="First", slug="my-slug")
    second = PostFactory(title_en="Second", slug="my-slug")
    assert second.slug == "my-slug-2"


def test_an_edited_slug_is_normalised_and_kept_on_later_saves():
    post = PostFactory(title_en="Original")
    post.slug = "Nice Slug 中文"
    post.save()
    post.title_en = "Changed title"
    post.save()
    post.refresh_from_db()
    assert post.slug == "nice-slug-zhong-wen"


def test_a_title_with_no_letters_still_gets_a_slug():
    assert PostFactory(title_en="!!!", title_zh_hans="\uff1f\uff1f").slug


def test_tag_slugs_are_unique_even_when_names_differ_only_in_case():
    assert [TagFactory(name_en="Python").slug, TagFactory(name_en="python").slug] == ["python", "python-2"]


def test_the_database_refuses_a_duplicate_slug_written_behind_the_models_back():
    PostFactory(slug="taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.bulk_create([Post(title_en="x", slug="taken")])


def test_body_is_rendered_per_language_on_save():
    post = PostFactory(body_en="# Hi\n\n## Part one", body_zh_hans="## 第一部分\n\n" + "中" * 780)
    assert '<h2 id="part-one">Part one</h2>' in post.body_html_en
    assert 'id="第一部分"' in post.body_html_zh_hans
    assert 'href="#第一部分"' in post.toc_html_zh_hans
    assert post.reading_time_zh_hans == 2
    assert post.reading_time_en == 1


def test_translated_fields_fall_back_to_the_other_language():
    post = PostFactory(
        title_en="", title_zh_hans="只有中文", body_en="", body_zh_hans="中文正文", source_language="zh-hans"
    )
    with translation.override("en"):
        assert post.title == "只有中文"
        assert "中文正文" in post.body_html


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("draft", "published", True),
        ("draft", "archived", True),
        ("published", "draft", True),
        ("published", "archived", True),
        ("archived", "draft", True),
        ("published", "scheduled", False),
        ("archived", "scheduled", False),
    ],
)
def test_status_transitions_follow_the_workflow(start, target, allowed):
    post = PostFactory(status=start)
    at = timezone.now() + timedelta(days=1) if target == "scheduled" else None
    if allowed:
        post.transition_to(target, at=at)
        assert post.status == target
    else:
        with pytest.raises(IllegalTransition):
            post.transition_to(target, at=at)
        assert post.status == start


def test_scheduling_needs_a_future_time():
    post = PostFactory(draft=True)
    with pytest.raises(IllegalTransition):
        post.transition_to(Post.Status.SCHEDULED, at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(IllegalTransition):
        post.transition_to(Post.Status.SCHEDULED)


def test_an_unknown_status_is_refused():
    with pytest.raises(IllegalTransition):
        PostFactory().transition_to("deleted")


def test_publishing_a_draft_sets_published_at_to_now_and_republishing_keeps_it():
    post = PostFactory(draft=True)
    post.transition_to(Post.Status.PUBLISHED)
    first = post.published_at
    assert abs((timezone.now() - first).total_seconds()) < 5
    post.transition_to(Post.Status.DRAFT)
    post.transition_to(Post.Status.PUBLISHED)
    assert post.published_at == first


def test_published_means_status_published_and_published_at_not_in_the_future():
    live = PostFactory()
    future = PostFactory(published_at=timezone.now() + timedelta(hours=1))
    due_scheduled = PostFactory(status=Post.Status.SCHEDULED, published_at=timezone.now() - timedelta(seconds=1))
    PostFactory(scheduled=True)
    PostFactory(draft=True)
    assert set(post_list_published()) == {live, due_scheduled}
    assert live.is_live
    assert due_scheduled.is_live
    assert not future.is_live


def test_a_post_needs_a_title_in_its_source_language():
    post = PostFactory.build(title_en="", title_zh_hans="中文", source_language="en", section=None, author=None)
    with pytest.raises(ValidationError) as excinfo:
        post.clean()
    assert "title_en" in excinfo.value.message_dict


def test_an_access_grant_targets_exactly_one_of_post_or_project():
    user, post, project = UserFactory(), PostFactory(), ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessGrant.objects.create(user=user, post=post, project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessGrant.objects.create(user=user)
    AccessGrant.objects.create(user=user, post=post)
    AccessGrant.objects.create(user=user, project=project)


def test_a_section_cannot_be_its_own_ancestor():
    parent = SectionFactory()
    child = SectionFactory(parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError):
        parent.clean()


def test_project_body_is_rendered_and_currency_upper_cased():
    project = ProjectFactory(body_en="<script>x()</script>**bold**", currency="eur", price=1999)
    assert "<script" not in project.body_html_en
    assert "<strong>bold</strong>" in project.body_html_en
    assert project.currency == "EUR"
    assert project.is_for_sale


def test_section_types_are_the_five_the_site_knows():
    assert set(Section.Type.values) == {"blog", "projects", "board", "friends", "about"}


def test_a_partial_save_of_the_body_also_stores_its_rendering(django_assert_max_num_queries):
    post = PostFactory(body_en="old")
    post.body_en = "## New heading"
    post.save(update_fields=["body_en"])
    post.refresh_from_db()
    assert 'id="new-heading"' in post.body_html_en
    post.status = Post.Status.ARCHIVED
    with django_assert_max_num_queries(1):  # no slug lookup, no rendering
        post.save(update_fields=["status"])


def test_a_slug_taken_by_a_concurrent_writer_is_retried_instead_of_failing():
    from django.db.models.signals import pre_save

    def concurrent_writer(sender, instance, **kwargs):
        if instance.slug == "race" and not Post.objects.filter(slug="race").exists():
            Post.objects.bulk_create([Post(title_en="Other writer", slug="race")])  # lands between check and insert

    pre_save.connect(concurrent_writer, sender=Post, dispatch_uid="race")
    try:
        post = PostFactory(title_en="Race")
    finally:
        pre_save.disconnect(dispatch_uid="race", sender=Post)
    assert post.pk
    assert post.slug.startswith("race-")
