"""Fragments every reader sees alike (list cards, a post's neighbours and related posts) are kept per
page-cache generation: the same markup, fewer queries, and any change readers could see shows at once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.blog import services

from .factories import PostFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fragments_on(settings):
    settings.BLOG_FRAGMENT_CACHE_TIMEOUT = 600
    settings.BLOG_PAGE_CACHE_TIMEOUT = 0  # every request renders: what signed-in readers get


def _render(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries.captured_queries)


def test_list_pages_reuse_their_cards_with_the_same_markup_and_fewer_queries(client):
    tag = TagFactory(name_en="Harbour")
    section = SectionFactory()
    for i in range(12):
        PostFactory(tags=[tag], section=section, is_featured=i < 2, title_en=f"Story {i}", title_zh_hans=f"故事 {i}")
    for url in ("/en/", "/zh-hans/", f"/en/tags/{tag.slug}/", f"/en/sections/{section.slug}/", "/en/?page=2"):
        cache.clear()
        first, cold = _render(client, url)
        again, warm = _render(client, url)
        assert again == first, url
        assert warm < cold, url
    assert "故事 0" in _render(client, "/zh-hans/")[0]


def test_a_signed_in_reader_gets_the_cached_cards_too(client, reader):
    PostFactory(title_en="Shared card")
    anonymous, _ = _render(client, "/en/")
    client.force_login(reader)
    html, _ = _render(client, "/en/")
    assert "Shared card" in html
    start = anonymous.index('<article class="card')
    assert anonymous[start : anonymous.index("</article>", start)] in html


def test_editing_a_post_shows_on_its_cards_at_once(client, editor, django_capture_on_commit_callbacks):
    tag = TagFactory()
    post = PostFactory(title_en="Old card title", tags=[tag])
    assert "Old card title" in _render(client, "/en/")[0]
    assert "Old card title" in _render(client, f"/en/tags/{tag.slug}/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, by=editor, data={"title_en": "New card title", "is_premium": True})
    for url in ("/en/", f"/en/tags/{tag.slug}/"):
        html = _render(client, url)[0]
        assert "New card title" in html
        assert "Old card title" not in html
        assert "Premium" in html


def test_renaming_a_tag_shows_on_the_cards(client, django_capture_on_commit_callbacks):
    tag = TagFactory(name_en="Oldtag")
    PostFactory(tags=[tag])
    assert "#Oldtag" in _render(client, "/en/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        tag.name_en = "Newtag"
        tag.save()
    html = _render(client, "/en/")[0]
    assert "#Newtag" in html
    assert "#Oldtag" not in html


def test_a_newly_published_post_becomes_the_next_link(client, editor, django_capture_on_commit_callbacks):
    section = SectionFactory()
    tag = TagFactory()
    post = PostFactory(section=section, tags=[tag], published_at=timezone.now() - timedelta(days=2))
    html, cold = _render(client, f"/en/posts/{post.slug}/")
    assert 'rel="next"' not in html
    again, warm = _render(client, f"/en/posts/{post.slug}/")
    assert again == html
    assert warm < cold
    later = PostFactory(section=section, tags=[tag], draft=True, title_en="The sequel")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_publish(post=later, by=editor)
    html = _render(client, f"/en/posts/{post.slug}/")[0]
    assert 'rel="next"' in html
    assert "The sequel" in html


def test_drafts_never_enter_the_cached_fragments(client, editor):
    section = SectionFactory()
    post = PostFactory(section=section, published_at=timezone.now() - timedelta(days=2))
    PostFactory(section=section, draft=True, title_en="Hidden draft")
    client.force_login(editor)
    _render(client, f"/en/posts/{post.slug}/")
    client.logout()
    assert "Hidden draft" not in _render(client, f"/en/posts/{post.slug}/")[0]
    assert "Hidden draft" not in _render(client, "/en/")[0]
