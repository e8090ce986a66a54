from datetime import timedelta

import pytest
from django.utils import timezone

from apps.blog import selectors
from apps.blog.models import Post

from .factories import PostFactory, ProjectFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_drafts_scheduled_and_archived_posts_are_invisible_to_readers(reader):
    live = PostFactory()
    hidden = [PostFactory(draft=True), PostFactory(scheduled=True), PostFactory(archived=True)]
    assert list(selectors.post_list_published()) == [live]
    assert list(selectors.post_list_visible(user=reader)) == [live]
    for post in hidden:
        assert selectors.post_get_published(slug=post.slug) is None
        assert selectors.post_get_visible(slug=post.slug, user=reader) is None
        assert not selectors.user_can_read_post(user=reader, post=post)


def test_editors_see_every_post_whatever_its_status(editor):
    posts = [PostFactory(), PostFactory(draft=True), PostFactory(scheduled=True), PostFactory(archived=True)]
    assert set(selectors.post_list_visible(user=editor)) == set(posts)
    assert selectors.post_get_visible(slug=posts[1].slug, user=editor) == posts[1]


def test_anonymous_visitors_are_not_editors():
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.user_is_editor(AnonymousUser())
    assert not selectors.user_is_editor(None)


def test_published_list_filters_by_section_including_children_tag_featured_and_month():
    parent = SectionFactory()
    child = SectionFactory(parent=parent)
    tag = TagFactory()
    in_child = PostFactory(section=child, tags=[tag], is_featured=True)
    other = PostFactory(published_at=timezone.now() - timedelta(days=400))
    assert list(selectors.post_list_published(section=parent)) == [in_child]
    assert list(selectors.post_list_published(section=parent, include_subsections=False)) == []
    assert list(selectors.post_list_published(tag=tag)) == [in_child]
    assert list(selectors.post_list_published(featured=True)) == [in_child]
    at = other.published_at
    assert list(selectors.post_list_published(year=at.year, month=at.month)) == [other]


def test_language_filter_keeps_only_posts_written_in_that_language():
    both = PostFactory()
    chinese_only = PostFactory(title_en="", body_en="", source_language="zh-hans")
    assert set(selectors.post_list_published(language="zh-hans")) == {both, chinese_only}
    assert list(selectors.post_list_published(language="en")) == [both]


def test_prev_and_next_stay_in_the_same_section_and_skip_drafts():
    section = SectionFactory()
    now = timezone.now()
    older = PostFactory(section=section, published_at=now - timedelta(days=3))
    PostFactory(section=section, draft=True)
    PostFactory(published_at=now - timedelta(days=2))  # another section
    middle = PostFactory(section=section, published_at=now - timedelta(days=2))
    newer = PostFactory(section=section, published_at=now - timedelta(days=1))
    assert selectors.post_prev_next(post=middle) == (older, newer)
    assert selectors.post_prev_next(post=older) == (None, middle)


def test_related_posts_are_ranked_by_shared_tags_and_exclude_hidden_ones():
    a, b, c = TagFactory(), TagFactory(), TagFactory()
    post = PostFactory(tags=[a, b, c])
    two_shared = PostFactory(tags=[a, b])
    one_shared = PostFactory(tags=[c], published_at=timezone.now() - timedelta(minutes=1))
    PostFactory(tags=[a, b, c], draft=True)
    PostFactory()
    assert selectors.post_list_related(post=post) == [two_shared, one_shared]


def test_premium_posts_are_readable_by_editors_but_not_other_readers(reader, editor):
    post = PostFactory(is_premium=True)
    assert not selectors.user_can_read_post(user=reader, post=post)
    assert not selectors.user_can_read_post(user=None, post=post)
    assert selectors.user_can_read_post(user=editor, post=post)
    assert selectors.user_can_read_post(user=reader, post=PostFactory())


def test_project_attachments_are_for_grant_holders_and_editors_only(reader, editor):
    project = ProjectFactory(price=0)
    assert not selectors.user_can_download_project(user=reader, project=project)
    assert selectors.user_can_download_project(user=editor, project=project)


def test_translation_status_says_which_language_is_shown():
    full = PostFactory()
    chinese_only = PostFactory(title_en="", summary_en="", body_en="", source_language="zh-hans")
    half = PostFactory(body_zh_hans="", source_language="en")
    assert selectors.translation_status(post=full, language="zh-hans").status == "complete"
    status = selectors.translation_status(post=chinese_only, language="en")
    assert (status.status, status.shown_language) == ("fallback", "zh-hans")
    assert status.missing_fields == ("title", "summary", "body")
    status = selectors.translation_status(post=half, language="zh-hans")
    assert (status.status, status.missing_fields) == ("fallback", ("body",))
    empty = Post(title_en="", title_zh_hans="")
    assert selectors.translation_status(post=empty, language="en").status == "missing"


def _touch_all(posts) -> list:
    """Read what a list or detail page shows of each post (section, parent, author, cover, tags)."""
    return [
        (post.section.name, post.section.parent, post.author.public_name, post.cover, [t.name for t in post.tags.all()])
        for post in posts
    ]


def test_the_published_list_takes_the_same_number_of_queries_for_5_or_40_posts(django_assert_max_num_queries):
    tags = [TagFactory() for _ in range(5)]
    for _ in range(5):
        PostFactory(tags=tags)
    with django_assert_max_num_queries(2):
        _touch_all(selectors.post_list_published()[:20])
    for _ in range(35):
        PostFactory(tags=tags, section=SectionFactory(parent=SectionFactory()))
    with django_assert_max_num_queries(2):
        _touch_all(selectors.post_list_published(light=True)[:20])


def test_the_detail_selectors_take_a_fixed_number_of_queries(reader, django_assert_max_num_queries):
    tags = [TagFactory() for _ in range(6)]
    for _ in range(10):
        PostFactory(tags=tags)
    post = PostFactory(tags=tags, is_premium=True)
    with django_assert_max_num_queries(10):
        found = selectors.post_get_published(slug=post.slug)  # 2: post + tags
        _touch_all([found])
        selectors.post_prev_next(post=found)  # 2
        _touch_all(selectors.post_list_related(post=found))  # 3: ranking on the tag links, posts, their tags
        selectors.user_can_read_post(user=reader, post=found)  # 3: permissions (user + groups) + grant


def test_used_tags_count_only_live_posts():
    tag = TagFactory()
    TagFactory()  # unused
    PostFactory(tags=[tag])
    PostFactory(tags=[tag], draft=True)
    assert [(t, t.post_count) for t in selectors.tag_list_used()] == [(tag, 1)]


def test_project_lists_hide_unpublished_projects_from_readers(reader, editor):
    shown, hidden = ProjectFactory(), ProjectFactory(is_published=False)
    assert list(selectors.project_list_published()) == [shown]
    assert selectors.project_get_published(slug=hidden.slug) is None
    assert set(selectors.project_list_visible(user=editor)) == {shown, hidden}
    assert list(selectors.project_list_visible(user=reader)) == [shown]


def _search(user, query, language="en"):
    return {p.slug for p in selectors.post_search(query=query, language=language, user=user)}


def test_search_matches_premium_bodies_only_for_editors_and_grant_holders(reader, editor):
    from .factories import AccessGrantFactory

    free = PostFactory(body_en="The moonlit harbour.")
    premium = PostFactory(is_premium=True, body_en="The moonlit lighthouse.")
    assert _search(None, "moonlit") == {free.slug}
    assert _search(reader, "moonlit") == {free.slug}
    assert _search(editor, "moonlit") == {free.slug, premium.slug}
    AccessGrantFactory(user=reader, post=premium)
    assert _search(reader, "moonlit") == {free.slug, premium.slug}


def test_a_revoked_grant_no_longer_lets_search_match_the_body(reader):
    from .factories import AccessGrantFactory

    premium = PostFactory(is_premium=True, body_en="The moonlit lighthouse.")
    AccessGrantFactory(user=reader, post=premium, revoked_at=timezone.now())
    assert _search(reader, "moonlit") == set()


def test_search_matches_premium_posts_on_title_summary_and_tags_for_everyone():
    tag = TagFactory(name_en="Lighthouses", name_zh_hans="灯塔")
    by_title = PostFactory(is_premium=True, title_en="Keeper's diary", body_en="nothing")
    by_summary = PostFactory(is_premium=True, summary_en="A keeper remembers.", body_en="nothing")
    by_tag = PostFactory(is_premium=True, tags=[tag], body_en="nothing")
    assert _search(None, "keeper") == {by_title.slug, by_summary.slug}
    assert _search(None, "lighthouses") == {by_tag.slug}
    assert _search(None, "灯塔", language="zh-hans") == {by_tag.slug}


def test_search_marks_which_bodies_the_reader_may_quote(reader):
    PostFactory(title_en="Harbour free", body_en="harbour")
    PostFactory(title_en="Harbour premium", is_premium=True, body_en="harbour")
    found = {str(p.title): p.body_readable for p in selectors.post_search(query="harbour", language="en", user=reader)}
    assert found == {"Harbour free": True, "Harbour premium": False}


def test_search_words_drop_nul_characters_and_stop_after_eight():
    assert selectors.search_words(" a\x00b  c ") == ["ab", "c"]
    assert len(selectors.search_words(" ".join(f"w{i}" for i in range(20)))) == 8


def test_the_search_rule_and_the_post_page_agree_on_who_may_read_a_body(reader, editor):
    from apps.blog.models import Post as PostModel

    from .factories import AccessGrantFactory, UserFactory

    stranger = UserFactory()
    free, granted, revoked, locked = (PostFactory(), *(PostFactory(is_premium=True) for _ in range(3)))
    AccessGrantFactory(user=reader, post=granted)
    AccessGrantFactory(user=reader, post=revoked, revoked_at=timezone.now())
    for user in (None, stranger, reader, editor):
        in_sql = set(PostModel.objects.filter(selectors.post_body_readable_q(user=user)))
        in_python = {p for p in (free, granted, revoked, locked) if selectors.user_can_read_post(user=user, post=p)}
        assert in_sql == in_python, user


def test_editors_are_told_apart_by_the_change_post_permission_however_they_hold_it(reader, editor):
    from django.contrib.auth.models import Group, Permission

    from .factories import UserFactory

    permission = Permission.objects.get(codename="change_post", content_type__app_label="blog")
    by_group, by_own, plain = UserFactory(), UserFactory(), UserFactory()
    group = Group.objects.create(name="Post fixers")
    group.permissions.add(permission)
    by_group.groups.add(group)
    by_own.user_permissions.add(permission)
    for user in (editor, by_group, by_own, reader, plain):
        fresh = type(user).objects.get(pk=user.pk)
        assert selectors.user_is_editor(fresh) == fresh.has_perm("blog.change_post")
    assert [selectors.user_is_editor(u) for u in (editor, by_group, by_own, reader, plain)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    by_own.is_active = False
    assert not selectors.user_is_editor(by_own)
